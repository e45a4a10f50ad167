"""Kernel -> GpuProgram (lower/gpu_program.py): each store becomes one or two launches, or
a whole kernel one launch. Strategies, tried in this order (`lower_gpu`'s `strategies`):

  * "fused-rows" (the whole kernel): row reductions into temporaries, then one store over
    the same rows reading them at [row] (softmax) -> one launch, a block per row, the
    reduced values broadcast through shared memory. Here.
  * "wgmma-matmul" (the default for f16 products summed in f32 stored as they are, on sm_90a;
    `tensor_cores=False` or "mma" leaves it out): the same product on warpgroup wgmma fed by
    the tensor copy engine through mbarrier stages, a producer and two consumer warpgroups,
    any M, N, K (zero-filled boxes, guarded stores). lower/gpu_wgmma.py, PTX by
    backends/ptx_wgmma.py.
  * "wgmma-conv" (f16 stride-1 KH x KW convolutions summed in f32, on sm_90a; left out with
    wgmma-matmul): implicit GEMM on wgmma, the image's shifted boxes fed by the copy engine
    (channels-last images: any KH x KW; channels-first: KW = 1 directly, wider kernels after a
    tiled-transpose layout launch into a channels-last temporary, lower/gpu_conv_layout.py),
    the weights resident in shared memory. lower/gpu_wgmma_conv.py, PTX by
    backends/ptx_wgmma_conv.py.
  * "mma-matmul" (f16 products summed in f32 that wgmma-matmul does not take; `tensor_cores=False` leaves it
    out): c[m, n] = sum(cast<f32>(f16) * cast<f32>(f16), k) on the tensor cores (mma.sync
    m16n8k16, ldmatrix), checked within `kernel.check.TENSOR_CORE_TOLERANCE`. lower/gpu_mma.py.
  * "tiled-matmul": c[m, n] = reduce(f(A(m, k), B(k, n)), k) -> shared-memory K slices and
    register micro-tiles, layout by the Z3 bank model. lower/gpu_tiles.py.
  * "window-direct": window reductions whose windows do not overlap along x (pooling,
    stride >= window width) -> each thread reads its input rows as vectors from global
    memory and computes W adjacent outputs, no shared tile. lower/gpu_pool.py.
  * "window-tiled": sliding-window reductions (convolution, pooling) -> the input footprint
    of a tile of outputs staged in shared memory. lower/gpu_tiles.py.
  * "warp-rows": row reductions along the contiguous axis (gemv, row sums): a group of G
    lanes a row, shuffle folds, no shared memory; G and rows a thread by a rule over the row
    length and count. lower/gpu_rows.py.
  * "block-reduce": a store whose value reduces over one range of at least
    `BLOCK_REDUCE_MIN` elements. One block per output element (or G blocks per element and a
    second launch that combines their partials, when there are too few outputs to fill the
    GPU); each thread folds a strided, vectorized slice, then warp shuffles, shared memory
    across the warps, and thread 0 stores. Here.
  * "tiled-transpose": 2-D stores reading loads transposed -> padded shared tiles, coalesced
    on both sides, layout by a cost model with exact bank conflicts. lower/gpu_transpose.py.
  * "map": everything else. The loop program of the store (lower.py, with 16-byte vectors)
    is kept, and its parallel loops are replaced by the global thread id: each thread runs
    one iteration of the vectorized innermost parallel loop (up to 128-bit loads and stores)
    and any small reductions serially. Here.

Launch dimensions are chosen by small cost models (`gpu_ops._block_size`, `_reduce_config`,
`gpu_tiles._matmul_config`) over the legal configurations and recorded in the program's
notes. Hardware facts: `gpu_ops.GpuSpec`: `H100` for the CUDA backend, `WEBGPU` for the
WebGPU one (backends/wgsl.py), which caps blocks at 256 threads and shared memory at 16 KiB and
has no warp shuffles, so its block reductions fold through a shared-memory tree (`_tree_fold`).
"""
from __future__ import annotations

import math

from rewriter.ir.analysis import affine, depends, flatten
from rewriter.ir.dtype import DType, idx
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS, Buffer, Kernel
from rewriter.kernel.validate import validate_kernel
from rewriter.lower.gpu_mma import PIPELINES, _mma_matmul
from rewriter.lower.gpu_wgmma import _wgmma_matmul
from rewriter.lower.gpu_wgmma_conv import _wgmma_conv, conv_left_out
from rewriter.lower.gpu_ops import (
    BLOCK_REDUCE_MIN,
    H100,
    WEBGPU,
    GpuLoweringError,
    GpuSpec,
    _block_size,
    _block_sizes,
    _c,
    _decompose,
    _pow2_floor,
    _reduce_of,
    cuda_target,
    iadd,
    idiv,
    ieq,
    ilt,
    imod,
    imul,
    webgpu_target,
)
from rewriter.lower.gpu_pool import _window_direct
from rewriter.lower.gpu_rows import _warp_rows
from rewriter.lower.gpu_transpose import _tiled_transpose
from rewriter.lower.gpu_program import CTAID, TID, Barrier, GpuProgram, If, Launch, Let, SharedStore, SharedTile
from rewriter.lower.gpu_tiles import _tiled_matmul, _window_tiled
from rewriter.lower.gpu_stencil import stencil_tiled
from rewriter.lower.lower import _Lowerer, split_identity
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.lower.validate import validate_gpu_program


# -- strategy: map ---------------------------------------------------------------------------
def _reduce_tile(t: DType, block: int, spec: GpuSpec) -> SharedTile:
    """The shared memory of a block reduce: a slot a warp (shuffles fold inside warps), or a
    slot a thread for the shared-memory tree of a target without shuffles."""
    return SharedTile("warp_sums", t, 1, 32 if spec.shuffles else block)


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
    for b in _block_sizes(spec):
        g = 1
        while True:
            chunk = g * b * w
            # (a chunk past the size idles threads; one not dividing it skips a tail: both
            # priced by the iterations, rounded up)
            if (chunk > size and (g > 1 or b > size)) or (size % chunk and g > 1):
                break
            blocks = outputs * g
            per_wave = spec.sms * min(spec.blocks_per_sm, spec.threads_per_sm // b)
            waves = -(-blocks // per_wave)
            iters = -(-size // chunk)
            cost = waves * (iters * 4 + math.log2(b) + 8) + (12 if g > 1 else 0)
            if best is None or cost < best[2]:
                best = (b, g, cost)
            g *= 2
    return best


def _block_reduce_body(lw, par_dims, red_var: UOp, size: int, body: UOp, comb: str, ident, t: DType,
                       w: int, block: int, splits: int, out_row: UOp, dest: str, dest_index: UOp,
                       epilogue: UOp, result_ph: UOp, tile: str, to_shared=None, tag: str = "",
                       spec: GpuSpec = H100):
    """The statements of one block-reduce launch. `out_row` is the block's output row
    (ctaid / splits), `epilogue` the stored value with `result_ph` standing for the block's
    reduced value. With `to_shared` = (tile, index) thread 0 puts the value there instead of
    storing it (for the threads of the block to read after a barrier)."""
    stmts: list = list(_decompose(out_row, par_dims)) if par_dims is not None else []
    g = imod(CTAID, splits) if splits > 1 else _c(0)
    at = t.vec(w) if w > 1 else t
    init = const(t, ident)
    stmts.append(AccInit(f"part{tag}", at, UOp("broadcast", at, (init,)) if w > 1 else init))
    # A size the chunk (splits x block x w) does not divide runs whole chunks with the
    # elements past its end skipped (w divides the size: `_vector_width`, so a vector is
    # either all in or all out).
    chunk = splits * block * w
    padded = -(-size // chunk) * chunk
    it = var(idx, f"{red_var.arg.name}_it", 0, padded - 1)
    base = imul(iadd(imul(g, block), TID), w)
    vbody = lw.vec(body, red_var.arg.name, w, {}) if w > 1 else body
    if w > 1 and vbody.dtype.lanes == 1:
        vbody = UOp("broadcast", at, (vbody,))
    acc = UOp("acc", at, (), f"part{tag}")
    update: tuple = (AccUpdate(f"part{tag}", UOp(comb, at, (acc, vbody))),)
    if padded != size:
        update = (If(ilt(iadd(it, base), size), update),)
    stmts.append(Loop(it, padded, chunk, (Let(red_var, iadd(it, base)),) + update, "reduce"))
    first = UOp("hreduce", t, (acc,), comb) if w > 1 else acc
    if not spec.shuffles:
        return tuple(stmts) + _tree_fold(t, first, comb, block, tile, epilogue, result_ph, dest, dest_index,
                                         to_shared)
    stmts += _warp_fold(f"warp{tag}", t, first, comb)
    lane, warp = imod(TID, 32), idiv(TID, 32)
    nwarps = max(1, block // 32)
    stmts.append(If(ieq(lane, 0), (SharedStore(tile, warp, UOp("acc", t, (), f"warp{tag}")),)))
    stmts.append(Barrier())
    gathered = UOp("where", t, (ilt(TID, nwarps), UOp("sload", t, (TID,), tile), init))
    final = UOp("acc", t, (), f"block{tag}")
    value = epilogue.substitute({result_ph: final})
    final = (SharedStore(to_shared[0], to_shared[1], value) if to_shared else Store(dest, dest_index, value))
    tail = _warp_fold(f"block{tag}", t, gathered, comb) + [If(ieq(TID, 0), (final,))]
    stmts.append(If(ilt(TID, 32), tuple(tail)))
    return tuple(stmts)


def _tree_fold(t: DType, first: UOp, comb: str, block: int, tile: str, epilogue: UOp, result_ph: UOp,
               dest: str, dest_index: UOp, to_shared) -> tuple:
    """The block's fold without warp shuffles: every thread's value in its slot of `tile`,
    then log2(block) halving steps (thread i < s combines slots i and i + s), a barrier after
    each, and thread 0 finishes with slot 0. The pairs are the warp fold's (lane + offset),
    over the whole block."""
    out: list = [SharedStore(tile, TID, first), Barrier()]
    s = block // 2
    while s >= 1:
        pair = UOp(comb, t, (UOp("sload", t, (TID,), tile), UOp("sload", t, (iadd(TID, s),), tile)))
        out += [If(ilt(TID, s), (SharedStore(tile, TID, pair),)), Barrier()]
        s //= 2
    value = epilogue.substitute({result_ph: UOp("sload", t, (_c(0),), tile)})
    final = SharedStore(to_shared[0], to_shared[1], value) if to_shared else Store(dest, dest_index, value)
    out.append(If(ieq(TID, 0), (final,)))
    return tuple(out)


def _warp_fold(name: str, t: DType, first: UOp, comb: str) -> list:
    """acc = first, then five shuffle-down steps: lane 0 ends with the warp's fold."""
    a = UOp("acc", t, (), name)
    out = [AccInit(name, t, first)]
    for off in (16, 8, 4, 2, 1):
        out.append(AccUpdate(name, UOp(comb, t, (a, UOp("shfl", t, (a, _c(off)), "down")))))
    return out


def _block_reduce(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list, scratch: list):
    k = lw.k
    buf, indices, value = lw.flat_store(st)
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
    ident = split_identity(kind, t)
    ph = UOp("acc", t, (), "__result")
    red_var = lw.range_var(rname)
    if splits == 1:
        stmts = _block_reduce_body(lw, dims, red_var, size, body, comb, ident, t, w, block, 1, CTAID,
                                   buf.name, flat, value.substitute({r: ph}), ph, "warp_sums", spec=spec)
        notes.append(f"{name}: block-reduce over '{rname}' ({size}), {outputs} blocks of {block}, "
                     f"{w} elements a thread per step")
        return [Launch(name, outputs, block, stmts, (_reduce_tile(t, block, spec),), "block-reduce",
                       ((rname, w),))]
    part = Buffer(f"{buf.name}__partials", t, (buf.size * splits,), "temp")
    scratch.append(part)
    pidx = iadd(imul(flat, splits), imod(CTAID, splits))
    s1 = _block_reduce_body(lw, dims, red_var, size, body, comb, ident, t, w, block, splits,
                            idiv(CTAID, splits), part.name, pidx, ph, ph, "warp_sums", spec=spec)
    gvar = var(idx, f"{rname}_split", 0, splits - 1)
    body2 = UOp("load", t, (iadd(imul(flat, splits), gvar),), part.name)
    b2 = min(_pow2_floor(splits), spec.max_block)
    s2 = _block_reduce_body(lw, dims, gvar, splits, body2, comb, ident, t, 1, b2, 1, CTAID,
                            buf.name, flat, value.substitute({r: ph}), ph, "warp_sums", spec=spec)
    notes.append(f"{name}: block-reduce over '{rname}' ({size}) split in {splits}: {outputs * splits} "
                 f"blocks of {block} ({w} elements a thread per step), then {outputs} block(s) of {b2} "
                 f"combine the partials")
    return [Launch(f"{name}_part", outputs * splits, block, s1, (_reduce_tile(t, block, spec),), "block-reduce",
                   ((rname, w),)),
            Launch(name, outputs, b2, s2, (_reduce_tile(t, b2, spec),), "block-reduce")]


# -- strategy: fused rows -------------------------------------------------------------------
def _fused_rows(lw: _Lowerer, spec: GpuSpec, notes: list):
    """A kernel whose stores are row reductions into temporaries followed by one store over
    the same rows (softmax: m[r], s[r], out[r, i]) runs as ONE launch, a block per row: each
    reduction is a block reduce whose result thread 0 leaves in shared memory (`row_vals`),
    read by every thread after a barrier wherever a later store loads that temporary at
    [r]; the last store is a vectorized map over the row's remaining range. Every pass's
    loads are aligned to its vector width (Launch.multiples, so 128-bit ld/st.global.v4). The
    PTX emitter unrolls the passes of a fused-rows launch (16 steps a thread at most) and marks
    loads of kernel inputs !invariant.load, so LLVM reuses the first pass's loads in the later
    ones: the row is read once into registers and written once (longer rows re-read it from
    L1/L2)."""
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
    block = min(256, spec.max_block)  # 8 warps a row: enough loads in flight, 8 rows an SM
    while block >= 32 and any(sz % block for sz in sizes):
        block //= 2
    if block < 32:
        return None  # every thread of every warp must own elements of the row
    swap = {UOp("load", r.dtype, (row_flat[st.arg],), st.arg): UOp("sload", r.dtype, (_c(n),), "row_vals")
            for n, (st, _, r) in enumerate(red)}
    stmts: list = list(_decompose(CTAID, dims))
    parts, widths = [], {}
    for n, (st, value, r) in enumerate(red):
        value, r2 = value.substitute(swap), None
        r2 = _reduce_of(value)
        rname = r2.arg[1][0]
        size = k.range(rname).size
        w = _vector_width(r2.src[0], rname, size, spec)
        while w > 1 and size % (block * w):
            w //= 2
        ph = UOp("acc", r2.dtype, (), "__result")
        stmts += _block_reduce_body(lw, None, lw.range_var(rname), size, r2.src[0], REDUCTIONS[r2.arg[0]],
                                    split_identity(r2.arg[0], r2.dtype), r2.dtype, w, block, 1, CTAID, "", _c(0),
                                    value.substitute({r2: ph}), ph, "warp_sums", ("row_vals", _c(n)), tag=str(n),
                                    spec=spec)
        stmts.append(Barrier())
        widths[rname] = min(w, widths.get(rname, w))  # the loads' alignment (Launch.multiples)
        parts.append(f"{st.arg} (block reduce over '{rname}', x{w})")
    lvalue = lvalue.substitute(swap)
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
    tiles = (_reduce_tile(ts, block, spec), SharedTile("row_vals", ts, 1, max(1, len(red))))
    name = f"{k.name}_rows"
    notes.append(f"{name}: fused rows, {outputs} blocks of {block}, one per row of {', '.join(rows)}: "
                 + "; ".join(parts))
    widths[qname] = min(w, widths.get(qname, w))
    mult = tuple(widths.items())
    return [Launch(name, outputs, block, tuple(stmts), tiles, "fused-rows", mult)]


# -- driver ----------------------------------------------------------------------------------
#: The strategies in the order they are tried (the first that applies to a store wins).
#: window-direct comes before window-tiled: a window that no two outputs along x share
#: gains nothing from a shared tile (lower/gpu_pool.py); overlapping ones (conv) go on.
#: mma-matmul applies to f16 products summed in f32 only, on targets with tensor cores
#: (`GpuSpec.tensor_cores`); every other matmul goes on to tiled-matmul. wgmma-matmul (sm_90a,
#: `GpuSpec.wgmma`) is tried first; what it does not cover goes on to mma-matmul.
STRATEGIES = ("fused-rows", "wgmma-matmul", "wgmma-conv", "mma-matmul", "tiled-matmul", "window-direct",
              "window-tiled", "warp-rows", "block-reduce", "tiled-transpose", "map")
#: Strategies tried only when asked for (`lower_gpu(opt_in=...)`): none now. wgmma-conv was
#: until it ran correctly on a GPU; on 2026-12-07 every case of bench/conv_device.py (1x1 to
#: 5x1 channels-first, 1x1 to 3x3 channels-last, 3x3 NCHW through the layout launch, sizes off
#: every tile, f16 and f32 out) was correct on an H100, and the 1 x 64 x 512 x 512 3x3 ran
#: faster than cuDNN's NCHW conv (docs/GPU.md). Naming a default strategy in `opt_in` is
#: accepted (the CLI's --wgmma-conv stays for scripts that pass it).
OPT_IN: frozenset = frozenset()
#: `tensor_cores` values beside True/False: "mma" = mma.sync only (no wgmma), a pipeline name
#: = mma.sync with that pipeline.
MMA_ONLY = "mma"


def _mma_pipelines(tensor_cores) -> tuple:
    """`lower_gpu`'s tensor_cores argument as the pipelines the strategy may choose from."""
    if tensor_cores is True or tensor_cores is False or tensor_cores == MMA_ONLY:
        return PIPELINES
    if tensor_cores not in PIPELINES:
        raise GpuLoweringError(f"unknown tensor-core pipeline {tensor_cores!r} (have: {MMA_ONLY}, "
                               f"{', '.join(PIPELINES)})")
    return (tensor_cores,)


def _check_index_width(kernel: Kernel, bits: int) -> None:
    """idx is exact (docs/KERNELS.md) but the GPU emitters compute it in `bits`-bit integers:
    a kernel whose idx values the range analysis cannot keep inside that width (a product
    past 2**31 on WebGPU, say, even if reduced back by a `%`) is refused, never wrapped. The
    lowering's own thread and tile arithmetic is bounded by the buffer sizes."""
    lo_ok, hi_ok = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    cache: dict = {}
    for st in kernel.stores:
        for node, (lo, hi) in ranges(st, cache).items():
            if node.dtype.scalar.is_idx and (lo is None or hi is None or lo < lo_ok or hi > hi_ok):
                raise GpuLoweringError(f"{kernel.name}: an index value needs more than {bits} bits "
                                       f"(not supported yet on this GPU target)")


def lower_gpu(kernel: Kernel, rewriter=None, spec: GpuSpec = H100, strategies=None,
              contract: bool = False, target=None, tensor_cores: bool | str = True,
              validate: bool = False, opt_in=()) -> GpuProgram:
    """One or more launches per store, in store order (a later store may read what an
    earlier one wrote: launches on one stream run in order). `contract` lets the tiled
    matmul fuse each float product and sum into one fma (one rounding instead of two: more
    accurate, but not the reference's result bit for bit; CUDA's nvcc does it by default,
    -fmad=true). Off by default: the op table's semantics round twice. `spec` and `target`
    describe the machine (GpuSpec) and the backend's TargetDesc: CUDA by default; the WebGPU
    backend passes `gpu_ops.WEBGPU` and its own TargetDesc, so both make the same decisions
    within WebGPU's limits. `tensor_cores` (on by default) lets the "mma-matmul" strategy take
    f16 products summed in f32 before the tiled matmul: the tensor core's summation order and
    precision are its own (k16 steps added to an f32 accumulator), so the result matches the
    reference within `kernel.check.TENSOR_CORE_TOLERANCE` only; False leaves the strategy out
    (CUDA cores, the reference's order); targets without tensor cores (`spec.tensor_cores`
    False: WebGPU) never take it. A pipeline name ("cp.async", "registers") instead of True
    fixes how its K slices reach shared memory (for measuring one against the other); True
    lets its cost model choose. An explicit `strategies` order is taken as given; otherwise
    STRATEGIES without the OPT_IN ones that `opt_in` does not name. `validate`
    checks the kernel at the "kernel" stage and the result at the "gpu" stage
    (rewriter.lower.validate), raising IRValidationError."""
    if validate:
        validate_kernel(kernel)
    unknown = set(opt_in) - OPT_IN - set(STRATEGIES)
    if unknown:
        raise GpuLoweringError(f"unknown opt-in GPU strategy {sorted(unknown)} (have: {', '.join(sorted(OPT_IN)) or 'none'})")
    if strategies is None:
        strategies = tuple(s for s in STRATEGIES if s not in OPT_IN or s in opt_in)
    gp = _lower_gpu(kernel, rewriter, spec, strategies, contract, target, tensor_cores)
    return validate_gpu_program(gp) if validate else gp


def _lower_gpu(kernel: Kernel, rewriter, spec: GpuSpec, strategies, contract: bool, target,
               tensor_cores: bool | str) -> GpuProgram:
    target = target or cuda_target()
    _check_index_width(kernel, spec.index_bits)
    lw = _Lowerer(kernel, target, rewriter)
    notes: list = []
    scratch: list = []
    launches: list = []
    order = strategies or STRATEGIES
    if not tensor_cores:
        order = tuple(s for s in order if s not in ("mma-matmul", "wgmma-matmul", "wgmma-conv"))
    elif tensor_cores is not True:  # an mma.sync choice: "mma" or one of its pipelines
        _mma_pipelines(tensor_cores)
        order = tuple(s for s in order if s not in ("wgmma-matmul", "wgmma-conv"))
    if "fused-rows" in order:
        fused = _fused_rows(lw, spec, notes)
        if fused:
            return GpuProgram(kernel, tuple(fused), (), tuple(notes), target)
    for n_store, st in enumerate(kernel.stores):
        name = f"{kernel.name}_{n_store}_{st.arg}"
        for strat in order:
            if strat == "wgmma-matmul":
                got = _wgmma_matmul(lw, st, name, spec, notes, tuple(b.name for b in kernel.buffers))
                if not got and "wgmma-conv" not in order and tensor_cores is True and conv_left_out(lw, st, spec):
                    notes.append(f"{name}: wgmma-conv not taken (not in this strategy order; the default order "
                                 f"takes it)")
            elif strat == "wgmma-conv":
                got = _wgmma_conv(lw, st, name, spec, notes, tuple(b.name for b in kernel.buffers), scratch)
            elif strat == "mma-matmul":
                got = _mma_matmul(lw, st, name, spec, notes, _mma_pipelines(tensor_cores))
            elif strat == "tiled-matmul":
                got = _tiled_matmul(lw, st, name, spec, notes, contract)
            elif strat == "window-direct":
                got = _window_direct(lw, st, name, spec, notes)
            elif strat == "window-tiled":
                got = _window_tiled(lw, st, name, spec, notes) or stencil_tiled(lw, st, name, spec, notes)
            elif strat == "warp-rows":
                got = _warp_rows(lw, st, name, spec, notes)
            elif strat == "block-reduce":
                got = _block_reduce(lw, st, name, spec, notes, scratch)
            elif strat == "tiled-transpose":
                got = _tiled_transpose(lw, st, name, spec, notes)
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


def lower_webgpu(kernel: Kernel, rewriter=None, strategies=None, validate: bool = False) -> GpuProgram:
    """The GPU lowering for WebGPU: CUDA's strategies and cost models under WebGPU's limits."""
    return lower_gpu(kernel, rewriter, spec=WEBGPU, target=webgpu_target(), strategies=strategies,
                     validate=validate)
