"""Kernel -> GpuProgram (lower/gpu_program.py): each store becomes one or two launches.

Three strategies, picked per store from its shape (first that applies, table `STRATEGIES`):

  * "tiled-matmul": c[m, n] = reduce(f(A(m, k), B(k, n)), k) where every load depends on
    (m, k) or on (k, n) only. A block computes a BM x BN tile, each thread a TM x TN
    micro-tile in registers; the K loop stages BK-wide slices of A and B through shared
    memory. Tile sizes come from a cost model over the legal configurations; the shared
    layouts (row padding) and the thread-to-data mapping (blocked or strided micro-tiles)
    from the Z3 bank model (solver/banks.py).
  * "block-reduce": a store whose value reduces over one range of at least
    `BLOCK_REDUCE_MIN` elements. One block per output element (or G blocks per element and a
    second launch that combines their partials, when there are too few outputs to fill the
    GPU); each thread folds a strided, vectorized slice, then warp shuffles, shared memory
    across the warps, and thread 0 stores.
  * "map": everything else. The loop program of the store (lower.py, with 16-byte vectors)
    is kept, and its parallel loops are replaced by the global thread id: each thread runs
    one iteration of the vectorized innermost parallel loop (up to 128-bit loads and stores)
    and any small reductions serially.

Launch dimensions are chosen by small cost models (`_block_size`, `_reduce_config`,
`_matmul_config`) over the legal configurations and recorded in the program's notes.
Hardware facts (`GpuSpec`): NVIDIA H100/H200, compute capability 9.0 (CUDA C++ Programming
Guide, "Technical Specifications per Compute Capability": 1024 threads per block, 2048
resident threads and 32 resident blocks per SM, 64K 32-bit registers per SM, 48 KB of static
shared memory per block, 32 lanes per warp); 132 SMs on the H100/H200 SXM parts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rewriter.errors import RewriterError
from rewriter.ir.dtype import DType, bool_, idx
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS, Buffer, Kernel
from rewriter.lower.gpu_program import (CTAID, TID, Barrier, GpuProgram, If, Launch, Let, SharedStore,
                                        SharedTile)
from rewriter.lower.lower import _identity, _Lowerer, affine, depends, flatten
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.lower.target import TargetDesc
from rewriter.solver import banks


class GpuLoweringError(RewriterError):
    pass


@dataclass(frozen=True)
class GpuSpec:
    sms: int = 132
    warp: int = 32
    max_block: int = 1024
    threads_per_sm: int = 2048
    blocks_per_sm: int = 32
    regs_per_sm: int = 65536
    shared_per_block: int = 48 * 1024
    vector_bytes: int = 16  # widest global load/store per thread (ld.global.v4.b32)


H100 = GpuSpec()
BLOCK_REDUCE_MIN = 256


def cuda_target() -> TargetDesc:
    return TargetDesc("cuda", H100.vector_bytes, 255, 255, "nvptx64-nvidia-cuda", "sm_90", "+ptx80")


# -- idx arithmetic on UOps ------------------------------------------------------------------
def _c(v: int) -> UOp:
    return const(idx, int(v))


def _as(u) -> UOp:
    return u if isinstance(u, UOp) else _c(u)


def iadd(a, b) -> UOp:
    a, b = _as(a), _as(b)
    if b.op == "const" and b.arg == 0:
        return a
    if a.op == "const" and a.arg == 0:
        return b
    return UOp("add", idx, (a, b))


def imul(a, c) -> UOp:
    a, c = _as(a), _as(c)
    if c.op == "const" and c.arg == 1:
        return a
    if (c.op == "const" and c.arg == 0) or (a.op == "const" and a.arg == 0):
        return _c(0)
    return UOp("mul", idx, (a, c))


def idiv(a, c: int) -> UOp:
    return _as(a) if c == 1 else UOp("div", idx, (_as(a), _c(c)))


def imod(a, c: int) -> UOp:
    return _c(0) if c == 1 else UOp("mod", idx, (_as(a), _c(c)))


def ilt(a, b) -> UOp:
    return UOp("lt", bool_, (_as(a), _as(b)))


def ieq(a, b) -> UOp:
    return UOp("eq", bool_, (_as(a), _as(b)))


class UOpOps:
    """The bank model's ops interface (solver/banks.py) building idx UOps: the addresses the
    model checks are the addresses the program uses."""

    const = staticmethod(_c)
    add = staticmethod(iadd)
    mul = staticmethod(imul)
    div = staticmethod(idiv)
    mod = staticmethod(imod)

    @staticmethod
    def xor(a, b):
        return UOp("xor", idx, (_as(a), _as(b)))


def _decompose(linear: UOp, dims) -> list:
    """Let statements binding each (var, count, step) of `dims` (outermost first) from a
    linear id in row-major order."""
    out, stride = [], 1
    for v, count, step in reversed(dims):
        value = imod(idiv(linear, stride), count) if stride * count > 1 else _c(0)
        out.append(Let(v, imul(value, step)))
        stride *= count
    return list(reversed(out))


def _pow2_floor(n: int) -> int:
    return 1 << (max(1, n).bit_length() - 1)


# -- strategy: map ---------------------------------------------------------------------------
def _block_size(n_threads: int, spec: GpuSpec):
    """Threads per block for a map over `n_threads`: the fewest waves of resident blocks
    (small blocks hit the 32-blocks-an-SM limit before the 2048-threads one), then blocks on
    as many SMs as possible, then 256 threads (8 warps) on ties. Returns (block, cost)."""
    best = None
    for b in (1024, 512, 256, 128, 64, 32):
        blocks = -(-n_threads // b)
        per_wave = spec.sms * min(spec.blocks_per_sm, spec.threads_per_sm // b)
        waves = -(-blocks // per_wave)
        cost = (waves, -min(blocks, spec.sms), abs(math.log2(b) - 8))
        if best is None or cost < best[1]:
            best = (b, cost)
    return best


def _map_launch(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list) -> Launch:
    body = lw.store(st)
    chain = []
    while len(body) == 1 and isinstance(body[0], Loop) and body[0].kind == "parallel":
        chain.append(body[0])
        body = body[0].body
    dims = [(lp.var, lp.stop // lp.step, lp.step) for lp in chain]
    n = math.prod(c for _, c, _ in dims) if dims else 1
    block, _ = _block_size(n, spec) if n > 1 else (1, None)
    grid = -(-n // block)
    gid = iadd(imul(CTAID, block), TID)
    stmts = tuple(_decompose(gid, dims)) + tuple(body)
    if grid * block != n:
        stmts = (If(ilt(gid, n), stmts),)
    multiples = tuple((lp.var.arg.name, lp.step) for lp in chain if lp.step > 1)
    notes.append(f"{name}: map, {n} threads of {block}-thread blocks x {grid} blocks"
                 + (f", {multiples[0][1]} elements a thread" if multiples else ""))
    return Launch(name, grid, block, stmts, (), "map", multiples)


# -- strategy: block reduce ------------------------------------------------------------------
def _reduce_of(value: UOp):
    reds = [n for n in value.toposort() if n.op == "reduce"]
    if len(reds) != 1 or any(n.op == "reduce" for n in reds[0].src[0].toposort()):
        return None
    return reds[0]


def _vector_width(body: UOp, rname: str, size: int, spec: GpuSpec) -> int:
    """Lanes per thread for the reduce body: 16 bytes of the narrowest contiguous load, when
    every load that moves with the range is contiguous in it; at most 64 bytes of the widest
    value (16 registers)."""
    loads = [n for n in body.toposort() if n.op == "load" and depends(n.src[0], rname)]
    if not loads:
        return 1
    for n in loads:
        a = affine(n.src[0])
        if a is None or a.get(rname) != 1:
            return 1
    narrow = min(n.dtype.scalar.bits for n in loads) // 8
    wide = max((n.dtype.scalar.bits for n in body.toposort() if n.dtype.scalar.bits
                and not n.dtype.is_idx and not n.dtype.is_bool), default=8) // 8
    w = max(1, min(spec.vector_bytes // max(1, narrow), 64 // max(1, wide)))
    while w > 1 and size % w:
        w //= 2
    return w


def _reduce_config(outputs: int, size: int, w: int, spec: GpuSpec):
    """(block, splits, cost) for a block reduction of `outputs` rows of `size` elements, each
    thread taking `w` at a time: the estimated time is waves x (loop iterations + the
    log2(block) combining steps), plus a second launch when the rows are split."""
    best = None
    for b in (1024, 512, 256, 128, 64, 32):
        g = 1
        while True:
            chunk = g * b * w
            if chunk > size or size % chunk:
                break
            blocks = outputs * g
            per_wave = spec.sms * min(spec.blocks_per_sm, spec.threads_per_sm // b)
            waves = -(-blocks // per_wave)
            iters = size // chunk
            cost = waves * (iters * 4 + math.log2(b) + 8) * max(1.0, per_wave * b / max(1, blocks * b)) ** 0
            cost += (12 if g > 1 else 0)
            if best is None or cost < best[2]:
                best = (b, g, cost)
            g *= 2
    return best


def _block_reduce_body(lw, par_dims, red_var: UOp, size: int, body: UOp, comb: str, ident, t: DType,
                       w: int, block: int, splits: int, out_row: UOp, dest: str, dest_index: UOp,
                       epilogue: UOp, result_ph: UOp, tile: str, to_shared=None, tag: str = ""):
    """The statements of one block-reduce launch. `out_row` is the block's output row
    (ctaid / splits), `epilogue` the stored value with `result_ph` standing for the block's
    reduced value. With `to_shared` = (tile, index) thread 0 puts the value there instead of
    storing it (for the threads of the block to read after a barrier)."""
    stmts: list = list(_decompose(out_row, par_dims)) if par_dims is not None else []
    g = imod(CTAID, splits) if splits > 1 else _c(0)
    at = t.vec(w) if w > 1 else t
    init = const(t, ident)
    stmts.append(AccInit(f"part{tag}", at, UOp("broadcast", at, (init,)) if w > 1 else init))
    it = var(idx, f"{red_var.arg.name}_it", 0, size - 1)
    base = imul(iadd(imul(g, block), TID), w)
    vbody = lw.vec(body, red_var.arg.name, w, {}) if w > 1 else body
    if w > 1 and vbody.dtype.lanes == 1:
        vbody = UOp("broadcast", at, (vbody,))
    acc = UOp("acc", at, (), f"part{tag}")
    stmts.append(Loop(it, size, splits * block * w,
                      (Let(red_var, iadd(it, base)), AccUpdate(f"part{tag}", UOp(comb, at, (acc, vbody)))), "reduce"))
    first = UOp("hreduce", t, (acc,), comb) if w > 1 else acc
    stmts += _warp_fold(f"warp{tag}", t, first, comb)
    lane, warp = imod(TID, 32), idiv(TID, 32)
    nwarps = max(1, block // 32)
    stmts.append(If(ieq(lane, 0), (SharedStore(tile, warp, UOp("acc", t, (), f"warp{tag}")),)))
    stmts.append(Barrier())
    gathered = UOp("where", t, (ilt(TID, nwarps), UOp("sload", t, (TID,), tile), init))
    final = UOp("acc", t, (), f"block{tag}")
    value = _replace(epilogue, {result_ph: final})
    final = (SharedStore(to_shared[0], to_shared[1], value) if to_shared else Store(dest, dest_index, value))
    tail = _warp_fold(f"block{tag}", t, gathered, comb) + [If(ieq(TID, 0), (final,))]
    stmts.append(If(ilt(TID, 32), tuple(tail)))
    return tuple(stmts)


def _warp_fold(name: str, t: DType, first: UOp, comb: str) -> list:
    """acc = first, then five shuffle-down steps: lane 0 ends with the warp's fold."""
    a = UOp("acc", t, (), name)
    out = [AccInit(name, t, first)]
    for off in (16, 8, 4, 2, 1):
        out.append(AccUpdate(name, UOp(comb, t, (a, UOp("shfl", t, (a, _c(off)), "down")))))
    return out


def _replace(u: UOp, mapping: dict) -> UOp:
    memo: dict = {}
    for n in u.toposort():
        if n in mapping:
            memo[n] = mapping[n]
        elif n.src:
            memo[n] = n.replace(src=tuple(memo[s] for s in n.src))
        else:
            memo[n] = n
    return memo[u]


def _block_reduce(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list, scratch: list):
    k = lw.k
    *indices, value = st.src
    buf = k.buffer(st.arg)
    memo: dict = {}
    indices = [lw.flat_loads(i, memo) for i in indices]
    value = lw.simplify(lw.flat_loads(value, memo))
    r = _reduce_of(value)
    if r is None:
        return None
    kind, names = r.arg
    if len(names) != 1 or k.range(names[0]).size < BLOCK_REDUCE_MIN:
        return None
    rname = names[0]
    size = k.range(rname).size
    comb, t = REDUCTIONS[kind], r.dtype
    if t.scalar.bits > 32 or t.is_bool or t.is_idx:
        return None  # shuffles move 32-bit registers
    flat = lw.simplify(flatten(indices, buf.shape))
    used = {v.arg.name for i in indices for v in i.vars()}
    par = [rd.name for rd in k.ranges if rd.name in used]
    dims = [(lw.range_var(p), k.range(p).size, 1) for p in par]
    outputs = math.prod(c for _, c, _ in dims) if dims else 1
    body = r.src[0]
    w = _vector_width(body, rname, size, spec)
    cfg = _reduce_config(outputs, size, w, spec)
    if cfg is None:
        return None
    block, splits, _ = cfg
    ident = _identity(kind, t)
    ph = UOp("acc", t, (), "__result")
    red_var = lw.range_var(rname)
    if splits == 1:
        stmts = _block_reduce_body(lw, dims, red_var, size, body, comb, ident, t, w, block, 1, CTAID,
                                   buf.name, flat, _replace(value, {r: ph}), ph, "warp_sums")
        notes.append(f"{name}: block-reduce over '{rname}' ({size}), {outputs} blocks of {block}, "
                     f"{w} elements a thread per step")
        return [Launch(name, outputs, block, stmts, (SharedTile("warp_sums", t, 1, 32),), "block-reduce",
                       ((rname, w),))]
    part = Buffer(f"{buf.name}__partials", t, (buf.size * splits,), "temp")
    scratch.append(part)
    pidx = iadd(imul(flat, splits), imod(CTAID, splits))
    s1 = _block_reduce_body(lw, dims, red_var, size, body, comb, ident, t, w, block, splits,
                            idiv(CTAID, splits), part.name, pidx, ph, ph, "warp_sums")
    gvar = var(idx, f"{rname}_split", 0, splits - 1)
    body2 = UOp("load", t, (iadd(imul(flat, splits), gvar),), part.name)
    b2 = min(_pow2_floor(splits), 1024)
    s2 = _block_reduce_body(lw, dims, gvar, splits, body2, comb, ident, t, 1, b2, 1, CTAID,
                            buf.name, flat, _replace(value, {r: ph}), ph, "warp_sums")
    notes.append(f"{name}: block-reduce over '{rname}' ({size}) split in {splits}: {outputs * splits} "
                 f"blocks of {block} ({w} elements a thread per step), then {outputs} block(s) of {b2} "
                 f"combine the partials")
    tile = (SharedTile("warp_sums", t, 1, 32),)
    return [Launch(f"{name}_part", outputs * splits, block, s1, tile, "block-reduce", ((rname, w),)),
            Launch(name, outputs, b2, s2, tile, "block-reduce")]


# -- strategy: fused rows -------------------------------------------------------------------
def _fused_rows(lw: _Lowerer, spec: GpuSpec, notes: list):
    """A kernel whose stores are row reductions into temporaries followed by one store over
    the same rows (softmax: m[r], s[r], out[r, i]) runs as ONE launch, a block per row: each
    reduction is a block reduce whose result thread 0 leaves in shared memory (`row_vals`),
    read by every thread after a barrier wherever a later store loads that temporary at
    [r]; the last store is a vectorized map over the row's remaining range. The input row is
    read from DRAM once; the re-reads of the row hit L1/L2."""
    k = lw.k
    stores = list(k.stores)
    if len(stores) < 2:
        return None
    last = stores[-1]
    temps = {b.name for b in k.temps}
    memo: dict = {}
    flat_idx = []
    for st in stores:
        flat_idx.append([lw.flat_loads(i, memo) for i in st.src[:-1]])
    first = flat_idx[0]
    if not first or not all(i.op == "var" for i in first):
        return None
    rows = [i.arg.name for i in first]
    red: list = []
    for st, idxs in zip(stores[:-1], flat_idx[:-1]):
        if st.arg not in temps or [i.arg.name for i in idxs if i.op == "var"] != rows or len(idxs) != len(rows):
            return None
        value = lw.simplify(lw.flat_loads(st.src[-1], memo))
        r = _reduce_of(value)
        if r is None or len(r.arg[1]) != 1 or r.dtype.scalar.bits > 32 or r.dtype.is_bool:
            return None
        red.append((st, value, r))
    if len({r.dtype for _, _, r in red}) != 1:
        return None  # one shared row_vals tile of one type
    lidx = flat_idx[-1]
    if [i.arg.name for i in lidx[:len(rows)] if i.op == "var"] != rows or len(lidx) != len(rows) + 1 \
            or lidx[-1].op != "var":
        return None
    qname = lidx[-1].arg.name
    lvalue = lw.simplify(lw.flat_loads(last.src[-1], memo))
    if any(n.op == "reduce" for n in lvalue.toposort()):
        return None
    # Temporaries of the group may be read only at their own row, by later stores of the group.
    row_flat = {st.arg: lw.simplify(flatten(idxs, k.buffer(st.arg).shape)) for (st, _, _), idxs in zip(red, flat_idx)}
    later = [v for _, v, _ in red] + [lvalue]
    for v in later:
        for n in v.toposort():
            if n.op == "load" and n.arg in row_flat and n.src[0] is not row_flat[n.arg]:
                return None
    dims = [(lw.range_var(p), k.range(p).size, 1) for p in rows]
    outputs = math.prod(c for _, c, _ in dims)
    sizes = [k.range(r.arg[1][0]).size for _, _, r in red] + [k.range(qname).size]
    block = 256  # 8 warps a row: enough loads in flight, 8 rows an SM
    while block >= 32 and any(sz % block for sz in sizes):
        block //= 2
    if block < 32:
        return None  # every thread of every warp must own elements of the row
    swap = {UOp("load", r.dtype, (row_flat[st.arg],), st.arg): UOp("sload", r.dtype, (_c(n),), "row_vals")
            for n, (st, _, r) in enumerate(red)}
    stmts: list = list(_decompose(CTAID, dims))
    parts = []
    for n, (st, value, r) in enumerate(red):
        value, r2 = _replace(value, swap), None
        r2 = _reduce_of(value)
        rname = r2.arg[1][0]
        size = k.range(rname).size
        w = _vector_width(r2.src[0], rname, size, spec)
        while w > 1 and size % (block * w):
            w //= 2
        ph = UOp("acc", r2.dtype, (), "__result")
        stmts += _block_reduce_body(lw, None, lw.range_var(rname), size, r2.src[0], REDUCTIONS[r2.arg[0]],
                                    _identity(r2.arg[0], r2.dtype), r2.dtype, w, block, 1, CTAID, "", _c(0),
                                    _replace(value, {r2: ph}), ph, "warp_sums", ("row_vals", _c(n)), tag=str(n))
        stmts.append(Barrier())
        parts.append(f"{st.arg} (block reduce over '{rname}', x{w})")
    lvalue = _replace(lvalue, swap)
    size = k.range(qname).size
    buf = k.buffer(last.arg)
    flat = lw.simplify(flatten(lidx, buf.shape))
    a = affine(flat)
    w = _vector_width(lvalue, qname, size, spec) if a is not None and a.get(qname) == 1 else 1
    while w > 1 and size % (block * w):
        w //= 2
    it = var(idx, f"{qname}_it", 0, size - 1)
    v = lw._widen(lw.vec(lvalue, qname, w, {}), w) if w > 1 else lvalue
    stmts.append(Loop(it, size, block * w, (Let(lw.range_var(qname), iadd(it, imul(TID, w))),
                                            Store(buf.name, flat, v)), "serial"))
    parts.append(f"{buf.name} (map over '{qname}', x{w})")
    ts = red[0][2].dtype
    tiles = (SharedTile("warp_sums", ts, 1, 32), SharedTile("row_vals", ts, 1, max(1, len(red))))
    name = f"{k.name}_rows"
    notes.append(f"{name}: fused rows, {outputs} blocks of {block}, one per row of {', '.join(rows)}: "
                 + "; ".join(parts))
    mult = tuple((r.arg[1][0], 1) for _, _, r in red) + ((qname, w),)
    return [Launch(name, outputs, block, tuple(stmts), tiles, "fused-rows", mult)]


# -- strategy: window tiles (convolution, pooling) ---------------------------------------------
def _window_tiled(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    """out[y, x] = reduce(f(W(y, x, r...), invariants), r...) where every load that moves with
    (y, x) reads a 2-D buffer at [sy*y + (reduce terms) + c0, sx*x + (reduce terms) + c1]
    (a sliding window: convolution, pooling). A block computes a TY x 32 tile of outputs
    (a warp along x, 8 warps along y, each thread RY rows); it first stages the tile's input
    footprint, rows (TY-1)*sy + span + 1 by columns 31*sx + span + 1, into shared memory with
    coalesced loads, then every thread folds its windows out of shared memory. The footprint
    lies between accesses the kernel makes, so it is in bounds. Row padding by the bank
    model."""
    k = lw.k
    *indices, value = st.src
    if len(indices) != 2 or not all(i.op == "var" for i in indices):
        return None
    yname, xname = indices[0].arg.name, indices[1].arg.name
    r = _reduce_of(value)
    if r is None:
        return None
    rnames = set(r.arg[1])
    loads = [u for u in r.src[0].toposort() if u.op == "load"]
    window = [u for u in loads if any(v.arg.name in (yname, xname) for v in u.vars())]
    if len(window) != 1 or any({v.arg.name for v in u.vars()} & {yname, xname} for u in loads if u not in window):
        return None
    wl = window[0]
    wbuf = k.buffer(wl.arg)
    if len(wl.src) != 2 or any(n.op == "load" for i in wl.src for n in i.toposort()):
        return None
    a0, a1 = affine(wl.src[0]), affine(wl.src[1])
    if a0 is None or a1 is None or a0.get(xname) or a1.get(yname):
        return None
    sy, sx = a0.get(yname, 0), a1.get(xname, 0)
    if sy < 1 or sx < 1 or any(v < 0 for kk, v in list(a0.items()) + list(a1.items()) if kk is not None):
        return None
    if set(a0) - {None, yname} - rnames or set(a1) - {None, xname} - rnames:
        return None
    span0 = sum(c * (k.range(n).size - 1) for n, c in a0.items() if n in rnames)
    span1 = sum(c * (k.range(n).size - 1) for n, c in a1.items() if n in rnames)
    ysz, xsz = k.range(yname).size, k.range(xname).size
    bx, by = 32, 8
    if xsz % bx:
        return None
    ry = next((q for q in (4, 2, 1) if ysz % (by * q) == 0), None)
    if ry is None:
        return None
    ty_rows = by * ry
    rows, cols = (ty_rows - 1) * sy + span0 + 1, (bx - 1) * sx + span1 + 1
    ebytes = max(1, wl.dtype.scalar.bits // 8)
    if rows * cols * ebytes > spec.shared_per_block // 2:
        return None
    t = bx * by

    def read(pad):
        def idx(o, lane, u):
            row = o.add(o.mul(o.add(o.mul(u["warp"], ry), u["j"]), sy), u["r0"])
            return o.add(o.mul(row, cols + pad), o.add(o.mul(lane, sx), u["r1"]))
        return banks.Access("window read", idx, (("warp", by), ("j", ry), ("r0", span0 + 1), ("r1", span1 + 1)), ebytes)

    def store(pad):
        def idx(o, lane, u):
            e = o.add(o.add(o.mul(u["warp"], 32), lane), o.mul(u["slot"], t))
            return o.add(o.mul(o.div(e, cols), cols + pad), o.mod(e, cols))
        return banks.Access("tile store", idx, (("warp", by), ("slot", -(-rows * cols // t))), ebytes)

    try:
        pad, log = banks.choose(range(0, 9), lambda p: [store(p), read(p)])
        layout = f"pad {pad}"
    except banks.BankModelError:
        pad, layout = 0, "pad 0 (no padding avoids every conflict of this stride)"
    tile = SharedTile("window", wl.dtype, rows, cols, pad)
    tiles_x = xsz // bx
    y0, x0 = imul(idiv(CTAID, tiles_x), ty_rows), imul(imod(CTAID, tiles_x), bx)
    c0, c1 = a0.get(None, 0), a1.get(None, 0)
    row0, col0 = iadd(imul(y0, sy), c0), iadd(imul(x0, sx), c1)
    # Stage the footprint: element e of the tile is global [row0 + e / cols, col0 + e % cols].
    i0 = var(idx, "__tile_row", 0, wbuf.shape[0] - 1)
    i1 = var(idx, "__tile_col", 0, wbuf.shape[1] - 1)
    gload = UOp("load", wl.dtype, (lw.simplify(flatten([i0, i1], wbuf.shape)),), wl.arg)
    body: list = []
    for s_ in range(-(-rows * cols // t)):
        e = iadd(TID, s_ * t)
        put = [Let(i0, iadd(row0, idiv(e, cols))), Let(i1, iadd(col0, imod(e, cols))),
               SharedStore(tile.name, iadd(imul(idiv(e, cols), tile.row_stride), imod(e, cols)), gload)]
        body += put if (s_ + 1) * t <= rows * cols else [If(ilt(e, rows * cols), tuple(put))]
    body.append(Barrier())
    lx, wy = imod(TID, bx), idiv(TID, bx)
    yv, xv = lw.range_var(yname), lw.range_var(xname)
    # The window load read from the tile: local row sy*(y - y0) + reduce terms, likewise cols.
    ly = var(idx, "__ly", 0, ty_rows - 1)
    lxv = var(idx, "__lx", 0, bx - 1)
    loc0 = lw.simplify(_replace(wl.src[0], {yv: ly, _c(c0): _c(0)}) if c0 == 0 else
                       UOp("sub", idx, (_replace(wl.src[0], {yv: ly}), _c(c0))))
    loc1 = lw.simplify(_replace(wl.src[1], {xv: lxv}) if c1 == 0 else
                       UOp("sub", idx, (_replace(wl.src[1], {xv: lxv}), _c(c1))))
    sl = UOp("sload", wl.dtype, (iadd(imul(loc0, tile.row_stride), loc1),), tile.name)
    red_body = lw.simplify(lw.flat_loads(_replace(r.src[0], {wl: sl}), {}))
    comb, t_acc = REDUCTIONS[r.arg[0]], r.dtype
    buf = k.buffer(st.arg)
    memo: dict = {}
    out_flat = lw.simplify(flatten(indices, buf.shape))
    for j in range(ry):
        local_y = iadd(imul(wy, ry), j)
        acc = f"acc{j}"
        loop: tuple = (AccUpdate(acc, UOp(comb, t_acc, (UOp("acc", t_acc, (), acc), red_body))),)
        for n in reversed(r.arg[1]):
            loop = (Loop(lw.range_var(n), k.range(n).size, 1, loop, "reduce", unroll=k.range(n).size),)
        out = lw.simplify(lw.flat_loads(_replace(value, {r: UOp("acc", t_acc, (), acc)}), memo))
        body += [Let(ly, local_y), Let(lxv, lx), Let(yv, iadd(y0, local_y)), Let(xv, iadd(x0, lx)),
                 AccInit(acc, t_acc, const(t_acc, _identity(r.arg[0], t_acc))), *loop,
                 Store(buf.name, out_flat, out)]
    blocks = (ysz // ty_rows) * tiles_x
    notes.append(f"{name}: window tiles of {ty_rows}x{bx} outputs ({t} threads, {ry} rows each) x {blocks} "
                 f"blocks; shared input tile {rows}x{cols}, {layout} (bank model)")
    return [Launch(name, blocks, t, tuple(body), (tile,), "window-tiled")]


# -- strategy: tiled matmul ------------------------------------------------------------------
@dataclass(frozen=True)
class MatmulConfig:
    bm: int
    bn: int
    bk: int
    tm: int
    tn: int

    @property
    def threads(self) -> int:
        return (self.bm // self.tm) * (self.bn // self.tn)


@dataclass(frozen=True)
class MatmulLayout:
    """What the bank model chooses: row padding of the A and B tiles (elements) and whether
    a thread's micro-tile rows/columns are blocked (consecutive) or strided (spread by the
    number of threads along that side, in groups of `vec` consecutive elements)."""

    pad_a: int
    pad_b: int
    strided: bool

    def __str__(self) -> str:
        return f"pad A {self.pad_a}, pad B {self.pad_b}, {'strided' if self.strided else 'blocked'} micro-tiles"


def _matmul_config(m: int, n: int, kk: int, ebytes: int, spec: GpuSpec):
    """The legal tile configurations, cheapest first by an estimated time: per SM, FMA issue
    (4 warp-instructions a cycle), shared loads (1 a cycle, `vec` elements each) and global
    traffic ((BM + BN) x K elements a tile), scaled by how evenly the tiles fill the SMs."""
    found = []
    for bm in (128, 64, 32, 16):
        for bn in (128, 64, 32, 16):
            for bk in (8, 16, 32):
                for tm in (8, 4, 2):
                    for tn in (8, 4, 2):
                        c = MatmulConfig(bm, bn, bk, tm, tn)
                        t = c.threads
                        if m % bm or n % bn or kk % bk or not 32 <= t <= 1024 or t % 32:
                            continue
                        if (bm * bk) % t or (bn * bk) % t:
                            continue
                        shared = (bk * (bm + 8) + bk * (bn + 8)) * ebytes
                        if shared > spec.shared_per_block:
                            continue
                        regs = tm * tn + tm + tn + 40
                        resident = min(spec.threads_per_sm // t, spec.blocks_per_sm,
                                       spec.regs_per_sm // (regs * t), (228 * 1024) // shared)
                        if resident < 1:
                            continue
                        tiles = (m // bm) * (n // bn)
                        waves = -(-tiles // (spec.sms * resident))
                        fill = tiles / (waves * spec.sms * resident)
                        fma = m * n * kk / 32 / 4
                        vec = min(4, tm, tn)
                        lds = m * n * kk * (1 / tn + 1 / tm) / vec / 32
                        glob = m * n * kk * (1 / bm + 1 / bn) * ebytes / 64
                        cost = max(fma, lds, glob) / fill / min(1.0, resident * t / 512)
                        found.append((cost, c))
    found.sort(key=lambda x: (x[0], -x[1].bm * x[1].bn))
    return [c for _, c in found]


def _matmul_accesses(c: MatmulConfig, lay: MatmulLayout, a_fast_k: bool, b_fast_k: bool, ebytes: int):
    """The four shared-memory instructions of the tiled matmul, as bank-model accesses."""
    t, vec = c.threads, min(4, c.tm, c.tn)
    cols_b = c.bn // c.tn  # threads along n
    ra = [("warp", max(1, t // 32)), ("slot", (c.bm * c.bk) // t)]
    rb = [("warp", max(1, t // 32)), ("slot", (c.bn * c.bk) // t)]

    def tid(o, lane, u):
        return o.add(o.mul(u["warp"], 32), lane)

    def a_store(o, lane, u):
        row, kcol = _tile_coords(o, o.add(tid(o, lane, u), o.mul(u["slot"], t)), c.bm, c.bk, a_fast_k)
        return o.add(o.mul(kcol, c.bm + lay.pad_a), row)

    def b_store(o, lane, u):
        col, krow = _tile_coords(o, o.add(tid(o, lane, u), o.mul(u["slot"], t)), c.bn, c.bk, b_fast_k)
        return o.add(o.mul(krow, c.bn + lay.pad_b), col)

    def a_read(o, lane, u):
        return o.add(o.mul(u["kk"], c.bm + lay.pad_a),
                     _micro(o, o.div(tid(o, lane, u), cols_b), u["grp"], c.bm, c.tm, vec, lay.strided))

    def b_read(o, lane, u):
        return o.add(o.mul(u["kk"], c.bn + lay.pad_b),
                     _micro(o, o.mod(tid(o, lane, u), cols_b), u["grp"], c.bn, c.tn, vec, lay.strided))

    rr = [("warp", max(1, t // 32)), ("kk", c.bk)]
    return [banks.Access("A tile store", a_store, tuple(ra), ebytes),
            banks.Access("B tile store", b_store, tuple(rb), ebytes),
            banks.Access("A tile read", a_read, tuple(rr + [("grp", c.tm // vec)]), ebytes, vec),
            banks.Access("B tile read", b_read, tuple(rr + [("grp", c.tn // vec)]), ebytes, vec)]


def _tile_coords(o, e, along: int, bk: int, fast_k: bool):
    """(position along m or n, position along k) of the e-th element a block loads, walking
    the global array in its contiguous direction (coalesced loads)."""
    if fast_k:
        return o.div(e, bk), o.mod(e, bk)
    return o.mod(e, along), o.div(e, along)


def _micro(o, t_coord, grp, extent: int, per_thread: int, vec: int, strided: bool):
    """First element of a thread's `grp`-th group of `vec` along one side of the tile."""
    if strided:  # group g of every thread sits in the g-th slab of extent * vec / per_thread
        return o.add(o.mul(grp, extent * vec // per_thread), o.mul(t_coord, vec))
    return o.add(o.mul(t_coord, per_thread), o.mul(grp, vec))


def _tiled_matmul(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list, contract: bool = False):
    k = lw.k
    *indices, value = st.src
    buf = k.buffer(st.arg)
    memo: dict = {}
    indices = [lw.flat_loads(i, memo) for i in indices]
    value = lw.simplify(lw.flat_loads(value, memo))
    r = _reduce_of(value)
    if r is None or len(r.arg[1]) != 1 or len(indices) != 2:
        return None
    if not all(i.op == "var" for i in indices):
        return None
    mname, nname = indices[0].arg.name, indices[1].arg.name
    kname = r.arg[1][0]
    loads = [u for u in r.src[0].toposort() if u.op == "load"]
    a_loads = [u for u in loads if {v.arg.name for v in u.vars()} <= {mname, kname} and depends(u.src[0], mname)]
    b_loads = [u for u in loads if {v.arg.name for v in u.vars()} <= {nname, kname} and depends(u.src[0], nname)]
    if len(a_loads) != 1 or len(b_loads) != 1 or len(loads) != 2:
        return None
    la, lb = a_loads[0], b_loads[0]
    fa, fb = affine(la.src[0]), affine(lb.src[0])
    if fa is None or fb is None:
        return None
    a_fast_k, b_fast_k = fa.get(kname) == 1, fb.get(kname) == 1
    m, n, kk = (k.range(x).size for x in (mname, nname, kname))
    ebytes = max(la.dtype.scalar.bits, lb.dtype.scalar.bits) // 8
    if la.dtype != lb.dtype:
        return None
    # The cheapest configuration (cost model) that has a conflict-free layout (bank model).
    chosen, log = None, []
    for c in _matmul_config(m, n, kk, ebytes, spec)[:8]:
        vec = min(4, c.tm, c.tn)
        pads = [p * vec for p in range(0, 5)]  # rows stay multiples of the vector reads
        cands = sorted((MatmulLayout(pa, pb, s) for s in (False, True) for pa in pads for pb in pads),
                       key=lambda L: (L.pad_a + L.pad_b, L.strided))
        try:
            lay, why = banks.choose(cands, lambda L: _matmul_accesses(c, L, a_fast_k, b_fast_k, ebytes))
        except banks.BankModelError:
            log.append(f"{c.bm}x{c.bn}x{c.bk}/{c.tm}x{c.tn}: no conflict-free layout")
            continue
        chosen = c
        log += why
        break
    if chosen is None:
        return None
    c = chosen
    vec = min(4, c.tm, c.tn)
    t = c.threads
    cols_b = c.bn // c.tn
    tx, ty = imod(TID, cols_b), idiv(TID, cols_b)
    tiles_n = n // c.bn
    bm0, bn0 = imul(idiv(CTAID, tiles_n), c.bm), imul(imod(CTAID, tiles_n), c.bn)
    mv, nv, kv = lw.range_var(mname), lw.range_var(nname), lw.range_var(kname)
    k0 = var(idx, f"{kname}_tile", 0, kk - 1)
    kin = var(idx, f"{kname}_in", 0, c.bk - 1)
    ta = SharedTile("a_tile", la.dtype, c.bk, c.bm, lay.pad_a)
    tb = SharedTile("b_tile", lb.dtype, c.bk, c.bn, lay.pad_b)
    # Register prefetch: the loads of the next K slice are issued before the current slice
    # is multiplied and land in shared memory after it, so their latency hides behind the
    # FMAs. The slice after the last is clamped onto the last (a redundant, in-bounds load).
    fetch, keep, nxt = [], [], UOp("min", idx, (iadd(k0, c.bk), _c(kk - c.bk)))
    slot = 0
    for tile, ld, pv, along, fast_k, nslots in ((ta, la, mv, c.bm, a_fast_k, (c.bm * c.bk) // t),
                                                  (tb, lb, nv, c.bn, b_fast_k, (c.bn * c.bk) // t)):
        base = bm0 if tile is ta else bn0
        for s in range(nslots):
            pos, kc = _tile_coords(UOpOps, iadd(TID, s * t), along, c.bk, fast_k)
            reg = f"fetch{slot}"
            slot += 1
            fetch.append((reg, ld, [Let(pv, iadd(base, pos))], kc))
            keep.append(SharedStore(tile.name, iadd(imul(kc, tile.row_stride), pos), UOp("acc", ld.dtype, (), reg)))
    prologue = [st for reg, ld, lets, kc in fetch for st in lets + [Let(kv, kc), AccInit(reg, ld.dtype, ld)]]
    refill = [st for reg, ld, lets, kc in fetch
              for st in lets + [Let(kv, iadd(nxt, kc)), AccUpdate(reg, ld)]]
    # Micro-tile: TM/vec groups of vec rows of A and TN/vec groups of vec columns of B.
    vt_a = la.dtype.vec(vec) if vec > 1 else la.dtype
    vt_b = lb.dtype.vec(vec) if vec > 1 else lb.dtype
    a_vals, b_vals = [], []
    for g in range(c.tm // vec):
        v = UOp("sload", vt_a, (iadd(imul(kin, ta.row_stride), _micro(UOpOps, ty, g, c.bm, c.tm, vec, lay.strided)),), ta.name)
        a_vals += [UOp("extract", la.dtype, (v,), q) if vec > 1 else v for q in range(vec)]
    for g in range(c.tn // vec):
        v = UOp("sload", vt_b, (iadd(imul(kin, tb.row_stride), _micro(UOpOps, tx, g, c.bn, c.tn, vec, lay.strided)),), tb.name)
        b_vals += [UOp("extract", lb.dtype, (v,), q) if vec > 1 else v for q in range(vec)]
    comb, t_acc = REDUCTIONS[r.arg[0]], r.dtype
    init: list = []
    updates: list = []
    for i in range(c.tm):
        for j in range(c.tn):
            nm = f"acc_{i}_{j}"
            init.append(AccInit(nm, t_acc, const(t_acc, _identity(r.arg[0], t_acc))))
            term = _replace(r.src[0], {la: a_vals[i], lb: b_vals[j]})
            acc = UOp("acc", t_acc, (), nm)
            if contract and comb == "add" and t_acc.is_float and term.op == "mul":
                updates.append(AccUpdate(nm, UOp("fma", t_acc, (term.src[0], term.src[1], acc))))
            else:
                updates.append(AccUpdate(nm, UOp(comb, t_acc, (acc, term))))
    inner = Loop(kin, c.bk, 1, tuple(updates), "reduce", unroll=c.bk)
    body = init + prologue + [Loop(k0, kk, c.bk, tuple(keep) + (Barrier(),) + tuple(refill)
                                   + (inner, Barrier()), "serial")]
    for i in range(c.tm):
        row = _micro(UOpOps, ty, i // vec, c.bm, c.tm, vec, lay.strided)
        for j in range(c.tn):
            col = _micro(UOpOps, tx, j // vec, c.bn, c.tn, vec, lay.strided)
            out = _replace(value, {r: UOp("acc", t_acc, (), f"acc_{i}_{j}")})
            body += [Let(mv, iadd(bm0, iadd(row, i % vec))), Let(nv, iadd(bn0, iadd(col, j % vec))),
                     Store(buf.name, lw.simplify(flatten(indices, buf.shape)), out)]
    tiles = (m // c.bm) * (n // c.bn)
    notes.append(f"{name}: tiled matmul {c.bm}x{c.bn}x{c.bk} tiles, {c.tm}x{c.tn} per thread, {t} threads x "
                 f"{tiles} blocks; shared layout by the bank model: {lay}"
                 + ("; a * b + acc contracted to fma (one rounding, opt-in)" if contract else "")
                 + (f" (rejected: {'; '.join(log[:3])}{' ...' if len(log) > 3 else ''})" if log else ""))
    regs = c.tm * c.tn + c.tm + c.tn + 40  # the cost model's register estimate
    resident = max(1, min(spec.threads_per_sm // t, spec.regs_per_sm // (regs * t)))
    return [Launch(name, tiles, t, tuple(body), (ta, tb), "tiled-matmul", min_blocks_per_sm=resident)]


# -- driver ----------------------------------------------------------------------------------
def lower_gpu(kernel: Kernel, rewriter=None, spec: GpuSpec = H100, strategies=None,
              contract: bool = False) -> GpuProgram:
    """One or more launches per store, in store order (a later store may read what an
    earlier one wrote: launches on one stream run in order). `contract` lets the tiled
    matmul fuse each float product and sum into one fma (one rounding instead of two: more
    accurate, but not the reference's result bit for bit; CUDA's nvcc does it by default,
    -fmad=true). Off by default: the op table's semantics round twice."""
    target = cuda_target()
    lw = _Lowerer(kernel, target, rewriter)
    notes: list = []
    scratch: list = []
    launches: list = []
    order = strategies or ("fused-rows", "tiled-matmul", "window-tiled", "block-reduce", "map")
    if "fused-rows" in order:
        fused = _fused_rows(lw, spec, notes)
        if fused:
            return GpuProgram(kernel, tuple(fused), (), tuple(notes), target)
    for n_store, st in enumerate(kernel.stores):
        name = f"{kernel.name}_{n_store}_{st.arg}"
        for strat in order:
            if strat == "tiled-matmul":
                got = _tiled_matmul(lw, st, name, spec, notes, contract)
            elif strat == "window-tiled":
                got = _window_tiled(lw, st, name, spec, notes)
            elif strat == "block-reduce":
                got = _block_reduce(lw, st, name, spec, notes, scratch)
            elif strat == "map":
                got = [_map_launch(lw, st, name, spec, notes)]
            elif strat == "fused-rows":
                got = None
            else:
                raise GpuLoweringError(f"unknown GPU strategy '{strat}'")
            if got:
                launches += got
                break
    return GpuProgram(kernel, tuple(launches), tuple(scratch), tuple(notes + lw.notes), target)
