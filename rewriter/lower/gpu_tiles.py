"""Shared-memory tiled strategies of the GPU lowering (see lower/gpu.py for the others):

  * window tiles: sliding-window reductions (convolution, pooling) stage their input
    footprint in shared memory;
  * tiled matmul: BM x BN x BK tiles through shared memory, TM x TN micro-tiles in registers.

Both take their shared layout (row padding, and for the matmul the thread-to-data mapping)
from the Z3 bank model (solver/banks.py): the index functions handed to the model are the
ones that build the program's shared-memory indices.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from rewriter.ir.analysis import affine, depends, flatten
from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS
from rewriter.lower.gpu_ops import GpuSpec, UOpOps, _c, _reduce_of, iadd, idiv, ilt, imod, imul, pieces
from rewriter.lower.gpu_pool import MAX_TERMS, _pick
from rewriter.lower.gpu_program import CTAID, TID, Barrier, If, Launch, Let, SharedStore, SharedTile
from rewriter.lower.lower import _Lowerer, split_identity
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.solver import banks

# -- strategy: window tiles (convolution, pooling) ---------------------------------------------
#: Outputs a thread along x the window tile's cost model chooses from (with the target's
#: word-store width, `GpuSpec.store_bytes`).
WINDOW_WIDTHS = (1, 2, 4, 8)
#: The most accumulator bytes a thread keeps over its RY x W outputs (16 32-bit registers, as
#: window-direct's outputs): more would cost occupancy, which the model does not weigh.
WINDOW_ACC_BYTES = 64


@dataclass(frozen=True)
class _WindowShape:
    """One legal tiling of a window reduction and its estimated cost (`_window_shape`)."""

    w: int  # adjacent outputs a thread along x
    by: int  # warps along y
    ry: int  # output rows a thread
    rows: int  # footprint rows
    cols: int  # footprint columns
    v: int  # elements a staging slot moves (one vector load and one shared store)
    pad: int  # row padding (elements)
    layout: str
    packed: bool  # window rows read as packed vectors (else one element a read)
    cost: tuple
    words: int = 0  # the tile packs elements into words of this many bytes (GpuSpec.window_tile_words)


def _window_tiled(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    """out[y, x] = reduce(f(W(y, x, r...), invariants), r...) where every load that moves with
    (y, x) reads a 2-D buffer at [sy*y + (reduce terms) + c0, sx*x + (reduce terms) + c1]
    (a sliding window: convolution, pooling). A block computes a TY x 32W tile of outputs
    (a warp along x, `by` warps along y, each thread RY rows of W adjacent outputs); it first
    stages the tile's input footprint, rows (TY-1)*sy + span + 1 by columns (32W-1)*sx +
    span + 1, into shared memory with coalesced loads (V elements a load where the rows keep
    V-aligned columns), then every thread folds its windows out of shared memory. The
    footprint lies between accesses the kernel makes, so it is in bounds. Row padding by the
    bank model.

    W (`_window_shape`, a cost model over the GpuSpec) trades the footprint's halo and the
    shared reads against registers. Where shared elements are packed (CUDA: a u8 a byte) a
    thread with W > 1 reads each input row of its windows once, as ONE vector of
    (W-1)*sx + span + 1 elements at a start the layout keeps aligned (row strides padded to
    it; `Launch.multiples` proves it to the emitter, which issues the aligned pieces
    `gpu_ops.pieces` names: conv3x3 u8, W = 4: a 4-byte and a 2-byte ld.shared for 4
    outputs instead of 12 byte loads), and every window element of output q is lane
    q*sx + offset of its row (`vshuffle`: prmt on PTX); the W results are one vector store.
    The fold keeps the reference's order (each output's terms in the reduce ranges' order),
    so float reductions stay bit-exact. Where the target packs narrow integer tiles into
    words (`GpuSpec.window_tile_words`, WebGPU: four u8 to a u32) the tile is the same, each
    staging slot writes one whole word (`_stage_words`) and the emitter reads the row's
    words. Where elements are 32-bit carriers instead (`shared_elem_bytes` without
    packing), a W > 1 thread reads one element a lane (the vectorized term) and the model
    counts the bank conflicts of that stride."""
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
    buf = k.buffer(st.arg)
    # The window term must reach x only through the window load for W > 1 (its lanes are then
    # lanes of the shared-tile reads).
    wl_nodes = set(wl.toposort())
    direct_x = any(s.op == "var" and s.arg.name == xname
                   for n in r.src[0].toposort() if n not in wl_nodes for s in n.src)
    # Each window element as (row offset, column offset) from the window's corner, in the
    # reference's order (the reduce ranges nested as listed, the first outermost).
    combos = list(itertools.product(*(range(k.range(n).size) for n in r.arg[1])))
    offsets = [tuple(sum(a.get(n, 0) * c for n, c in zip(r.arg[1], cs)) for a in (a0, a1)) for cs in combos]
    shape = _window_shape(spec, wl.dtype, buf.dtype, r.dtype, wbuf.shape[1], a1.get(None, 0), sy, sx, span0, span1,
                          ysz, xsz, offsets, direct_x, len(combos) <= MAX_TERMS)
    if shape is None:
        return None
    W, by, ry, rows, cols = shape.w, shape.by, shape.ry, shape.rows, shape.cols
    bx = 32
    ty_rows = by * ry
    t = bx * by
    tile = SharedTile("window", wl.dtype, rows, cols, shape.pad, shape.words)
    tiles_x = xsz // (bx * W)
    y0, x0 = imul(idiv(CTAID, tiles_x), ty_rows), imul(imod(CTAID, tiles_x), bx * W)
    c0, c1 = a0.get(None, 0), a1.get(None, 0)
    body, i1 = stage_footprint(lw, wl, wbuf, tile, shape, t, iadd(imul(y0, sy), c0), iadd(imul(x0, sx), c1))
    lx, wy = imod(TID, bx), idiv(TID, bx)
    yv, xv = lw.range_var(yname), lw.range_var(xname)
    comb, t_acc = REDUCTIONS[r.arg[0]], r.dtype
    at = t_acc.vec(W) if W > 1 else t_acc
    lxv = var(idx, "__lx", 0, bx * W - 1)
    memo: dict = {}
    out_flat = lw.simplify(flatten(indices, buf.shape))
    mult: tuple = ()
    if shape.packed:
        hoisted, folds = _packed_folds(lw, r, value, wl, tile, shape, offsets, combos, yv, xv, xname, y0, x0, lx,
                                       wy, lxv, buf, out_flat)
        body = hoisted + body + folds
        mult = ((xname, W), (lxv.arg.name, W)) + _staging_facts(shape, i1, W, sx, c1)
    else:
        # The window load read from the tile: local row sy*(y - y0) + reduce terms, likewise cols.
        ly = var(idx, "__ly", 0, ty_rows - 1)
        loc0 = lw.simplify(wl.src[0].substitute({yv: ly, _c(c0): _c(0)}) if c0 == 0 else
                           UOp("sub", idx, (wl.src[0].substitute({yv: ly}), _c(c0))))
        loc1 = lw.simplify(wl.src[1].substitute({xv: lxv}) if c1 == 0 else
                           UOp("sub", idx, (wl.src[1].substitute({xv: lxv}), _c(c1))))
        sl = UOp("sload", wl.dtype, (iadd(imul(loc0, tile.row_stride), loc1),), tile.name)
        red_body = lw.simplify(lw.flat_loads(r.src[0].substitute({wl: sl}), {}))
        # W > 1 (carriers): thread lane lx owns outputs x0 + lx*W + (0..W-1); the window term is
        # vectorized over the tile column (its shared read becomes one element a lane).
        term = red_body if W == 1 else lw._widen(lw.vec(red_body, lxv.arg.name, W, {}), W)
        for j in range(ry):
            local_y = iadd(imul(wy, ry), j)
            acc = f"acc{j}"
            acc_s, acc_v = UOp("acc", t_acc, (), acc), UOp("acc", at, (), acc)
            loop: tuple = (AccUpdate(acc, UOp(comb, at, (acc_v, term))),)
            for n in reversed(r.arg[1]):
                loop = (Loop(lw.range_var(n), k.range(n).size, 1, loop, "reduce", unroll=k.range(n).size),)
            out = lw.simplify(lw.flat_loads(value.substitute({r: acc_s}), memo))
            ident = const(t_acc, split_identity(r.arg[0], t_acc))
            if W > 1:
                out = lw._widen(lw.vec(out, xname, W, {acc_s: acc_v}), W)
                ident = UOp("broadcast", at, (ident,))
            body += [Let(ly, local_y), Let(lxv, imul(lx, W)), Let(yv, iadd(y0, local_y)),
                     Let(xv, iadd(x0, imul(lx, W))), AccInit(acc, at, ident), *loop, Store(buf.name, out_flat, out)]
        if W > 1 or shape.words:
            mult = (((xname, W),) if W > 1 else ()) + _staging_facts(shape, i1, W, sx, c1)
    blocks = (ysz // ty_rows) * tiles_x
    each = f"{ry} rows" + (f" x {W} adjacent outputs" if W > 1 else "")
    reads = (f"; each input row of a thread's windows one {(W - 1) * sx + span1 + 1}-element shared read"
             if shape.packed else "")
    notes.append(f"{name}: window tiles of {ty_rows}x{bx * W} outputs ({t} threads, {each} each) x {blocks} "
                 f"blocks; shared input tile {rows}x{cols}, {shape.layout} (bank model){reads}; "
                 f"W = {W} by the cost model ({shape.cost[1]:.2f} shared/global accesses an output)")
    return [Launch(name, blocks, t, tuple(body), (tile,), "window-tiled", mult)]


def stage_footprint(lw: _Lowerer, wl: UOp, wbuf, tile: SharedTile, shape: _WindowShape, t: int, row0: UOp,
                    col0: UOp) -> tuple[list, UOp]:
    """The statements that stage a block's footprint of `wbuf` (the buffer window load `wl`
    reads) into `tile` with `t` threads, then wait at a barrier: element e of the tile is
    global [row0 + e / cols, col0 + e % cols], V elements a slot. Returns them and the
    staging's global column variable (`_staging_facts` states its alignment)."""
    V, rows, cols = shape.v, shape.rows, shape.cols
    groups = rows * cols // V
    i0 = var(idx, "__tile_row", 0, wbuf.shape[0] - 1)
    i1 = var(idx, "__tile_col", 0, wbuf.shape[1] - 1)
    gload = UOp("load", wl.dtype, (lw.simplify(flatten([i0, i1], wbuf.shape)),), wl.arg)
    if V > 1:
        gload = UOp("vload", wl.dtype.vec(V), gload.src, wl.arg)
    body: list = []
    if shape.words:
        body += _stage_words(tile, t, V, gload, i0, i1, row0, col0)
    for s_ in range(0 if shape.words else -(-groups // t)):
        e = imul(iadd(TID, s_ * t), V)
        put = [Let(i0, iadd(row0, idiv(e, cols))), Let(i1, iadd(col0, imod(e, cols))),
               SharedStore(tile.name, iadd(imul(idiv(e, cols), tile.row_stride), imod(e, cols)), gload)]
        body += put if (s_ + 1) * t <= groups else [If(ilt(e, rows * cols), tuple(put))]
    body.append(Barrier())
    return body, i1


def _staging_facts(shape: _WindowShape, i1: UOp, W: int, sx: int, c1: int) -> tuple:
    """`Launch.multiples` of the staging: the global column a slot starts at (V-aligned, or for a
    word-packed tile whatever the block's first column and the slot's offset keep: the
    global rows need not be word-aligned) and the packed tile's store index (whole words)."""
    V = shape.v
    if not shape.words:
        return ((i1.arg.name, V),) if V > 1 else ()
    col = math.gcd(V, 32 * W * sx, c1)
    return ((i1.arg.name, col & -col), (TILE_AT, V))


#: The staging slot's index into a word-packed window tile (a Let var, so the emitter can see
#: from the launch's alignment facts that it is word-aligned).
TILE_AT = "__tile_at"


def _stage_words(tile: SharedTile, t: int, V: int, gload: UOp, i0: UOp, i1: UOp, row0: UOp, col0: UOp) -> list:
    """Staging statements of a word-packed tile: slot g (thread tid, step s: g = tid + s*t)
    fills word g % per_row of tile row g / per_row with the V global elements from (row0 +
    row, col0 + V * word) -- one whole-word store a slot, never a part of a word, so no two
    invocations write the same word. Where the footprint's columns are not whole words, a
    row's last word takes only the cols % V elements left (its other bytes are padding no
    read uses), so no load leaves the footprint."""
    per_row, tail = -(-tile.cols // V), tile.cols % V
    groups = tile.rows * per_row
    at = var(idx, TILE_AT, 0, tile.size - 1)
    if tail:
        rest = UOp("vload", gload.dtype.scalar.vec(tail), gload.src, gload.arg) if tail > 1 else \
            UOp("load", gload.dtype.scalar, gload.src, gload.arg)
    body: list = []
    for s_ in range(-(-groups // t)):
        g = iadd(TID, s_ * t)
        row, word = idiv(g, per_row), imod(g, per_row)
        put: list = [Let(i0, iadd(row0, row)), Let(i1, iadd(col0, imul(word, V))),
                     Let(at, iadd(imul(row, tile.row_stride), imul(word, V)))]
        if tail:
            put += [If(ilt(word, per_row - 1), (SharedStore(tile.name, at, gload),)),
                    If(ilt(per_row - 2, word), (SharedStore(tile.name, at, rest),))]
        else:
            put.append(SharedStore(tile.name, at, gload))
        body += put if (s_ + 1) * t <= groups else [If(ilt(g, groups), tuple(put))]
    return body


def row_reader(lw: _Lowerer, tile: SharedTile, et, length: int, wyv: UOp, lxv: UOp, sy: int, sx: int):
    """`row(d)`: tile row wy*ry*sy + d from the thread's first column (`lxv` = lx*W), one
    `length`-element vector sload that all of a thread's W outputs pick their lanes from;
    each row read once however many taps or output rows use it."""
    reads: dict = {}

    def row(d: int) -> UOp:
        if d not in reads:
            ix = lw.simplify(iadd(iadd(imul(wyv, sy * tile.row_stride), imul(lxv, sx)), _c(d * tile.row_stride)))
            reads[d] = UOp("sload", et.vec(length), (ix,), tile.name)
        return reads[d]
    return row


def hoist_fixed_loads(exprs: list) -> tuple[list, dict]:
    """(statements reading the loads at fixed indices of `exprs` (a filter's weights) into
    registers, {load: its register}): run before the footprint is staged, so their latency
    overlaps the staging loads'."""
    fixed = {n: None for f in exprs for n in f.toposort()
             if n.op == "load" and not any(m.op in ("var", "special", "acc") for m in n.src[0].toposort())}
    return ([AccInit(f"inv{i}", ld.dtype, ld) for i, ld in enumerate(fixed)],
            {ld: UOp("acc", ld.dtype, (), f"inv{i}") for i, ld in enumerate(fixed)})


def _packed_folds(lw, r, value, wl, tile, shape, offsets, combos, yv, xv, xname, y0, x0, lx, wy, lxv, buf, out_flat):
    """The fold statements of a packed window tile (W > 1): every input row a thread's windows
    touch read once (one vector sload at row*stride + sx*lx*W, shared by the output rows
    that need it), each window element of the W outputs picked from it by lane, the terms
    folded in the reference's order. Returns (statements to run before the footprint is
    staged, the folds): the loads the terms share at fixed indices (conv's weights) are read
    into registers first, so their latency overlaps the staging loads'."""
    W, ry = shape.w, shape.ry
    a1 = affine(wl.src[1])
    sx, sy = a1[xname], affine(wl.src[0])[yv.arg.name]
    length = (W - 1) * sx + max(o for _, o in offsets) + 1
    wyv = var(idx, "__wy", 0, shape.by * ry - 1)
    placeholder = var(wl.dtype, "__window")
    body_p = r.src[0].substitute({wl: placeholder})
    rvars = [lw.range_var(n) for n in r.arg[1]]
    comb, t_acc = REDUCTIONS[r.arg[0]], r.dtype
    at = t_acc.vec(W)
    row = row_reader(lw, tile, wl.dtype, length, wyv, lxv, sy, sx)
    terms = []
    for cs, (ro, co) in zip(combos, offsets):
        f = lw.simplify(lw.flat_loads(body_p.substitute({v: _c(c) for v, c in zip(rvars, cs)}), {}))
        terms.append((ro, co, f))
    hoisted, regs = hoist_fixed_loads([f for _, _, f in terms])
    terms = [(ro, co, f.substitute(regs)) for ro, co, f in terms]
    out: list = [Let(lxv, imul(lx, W)), Let(wyv, imul(wy, ry))]
    memo: dict = {}
    for j in range(ry):
        acc = f"acc{j}"
        acc_s, acc_v = UOp("acc", t_acc, (), acc), UOp("acc", at, (), acc)
        out += [Let(yv, iadd(y0, iadd(wyv, j))), Let(xv, iadd(x0, lxv))]
        # From the first window element, as the reference folds (max(-inf, NaN) is not NaN).
        for i, (ro, co, f) in enumerate(terms):
            picked = _pick(row(j * sy + ro), [q * sx + co for q in range(W)])
            term = lw._widen(lw.vec(f, xname, W, {placeholder: picked}), W)
            out.append(AccInit(acc, at, term) if i == 0 else AccUpdate(acc, UOp(comb, at, (acc_v, term))))
        res = lw.simplify(lw.flat_loads(value.substitute({r: acc_s}), memo))
        out.append(Store(buf.name, out_flat, lw._widen(lw.vec(res, xname, W, {acc_s: acc_v}), W)))
    return hoisted, out


def _window_shape(spec: GpuSpec, et, ot, acct, in_cols: int, c1: int, sy: int, sx: int, span0: int, span1: int,
                  ysz: int, xsz: int, offsets: list, direct_x: bool, unrollable: bool):
    """The cheapest legal `_WindowShape`, or None.

    Candidates: W in WINDOW_WIDTHS (and the target's word-store width), dividing the x
    extent by whole 32-wide warps; for each, the first warps-along-y `by` (8, or fewer for
    W > 1) and the most rows a thread RY (4, 2, 1) that divide y, keep the accumulators
    within WINDOW_ACC_BYTES and the footprint within half the shared memory. Ranked by
    (stores narrower than `store_bytes`, memory instructions an output, more outputs a thread):
    the warp-instructions of the shared and global memory pipe an output costs -- staging
    (a global load and a shared store a V-element slot), the window reads (a packed row is
    its `pieces`, an element read is one, each times the worst bank conflict the model's
    brute force finds for its lanes) and the output stores (16-byte pieces). One output a
    thread reads 9 single bytes for conv3x3 and its 32-wide tile re-stages a 2-column halo
    every 32 outputs; that memory pipe, not DRAM, bounded it on the H200 (56% of copy
    bandwidth, bench/results/gpu.md). Shared-memory facts: CUDA C++ Programming Guide,
    "Shared Memory" (compute capability 5.x+: 32 banks of 4 bytes; 8- and 16-byte accesses
    served per half- and quarter-warp)."""
    bx = 32
    eb, ob = max(1, et.scalar.bits // 8), max(1, ot.scalar.bits // 8)
    acc_b = max(4, acct.scalar.bits // 8)
    # A target that packs narrow integer tiles into words (WebGPU) holds them at their own
    # size too: staging then writes whole words, window rows are read a word at a time.
    words = spec.window_tile_words if et.scalar.is_int and eb < spec.window_tile_words else 0
    sb = eb if words else _shared_bytes(et, spec)
    packed = unrollable and not et.is_bool and sb == eb
    widths = sorted({w for w in WINDOW_WIDTHS + (spec.store_bytes // ob,) if w >= 1})
    if direct_x:
        widths = [1]
    if spec.window_outputs and spec.window_outputs in widths and xsz % (bx * spec.window_outputs) == 0:
        widths = [spec.window_outputs]
    best = None
    for w in widths:
        if xsz % (bx * w):
            continue
        cols = (bx * w - 1) * sx + span1 + 1
        for by in ((8,) if w == 1 else (8, 4, 2, 1)):
            q = next((q for q in (4, 2, 1) if ysz % (by * q) == 0 and q * w * acc_b <= WINDOW_ACC_BYTES
                      and ((by * q - 1) * sy + span0 + 1) * _row_elems(cols, words // eb) * sb
                      <= spec.shared_per_block // 2), None)
            if q is not None:
                s = _window_layout(spec, eb, sb, ob, w, by, q, cols, (by * q - 1) * sy + span0 + 1, in_cols, c1,
                                   sy, sx, span0, offsets, packed and w > 1, words)
                if best is None or s.cost < best.cost:
                    best = s
                break
    return best


def _row_elems(cols: int, per_word: int) -> int:
    """Elements a tile row takes before padding: `cols`, rounded up to whole words where the
    tile packs `per_word` > 1 elements a word."""
    return -(-cols // per_word) * per_word if per_word > 1 else cols


def _window_layout(spec, eb, sb, ob, w, by, ry, cols, rows, in_cols, c1, sy, sx, span0, offsets,
                   packed, words=0) -> _WindowShape:
    """`_WindowShape` for one (W, by, RY): the staging width V, the padding (bank model) and
    the cost (`_window_shape`). `eb`: element bytes; `sb`: bytes a shared element takes;
    `words`: the tile packs elements into words of that many bytes (0: it does not). A
    word-packed tile stages one whole word a slot (V = its elements, whatever the global
    row's alignment: the emitter assembles the word from the global words it spans), the
    row's last word taking the footprint's last cols % V elements."""
    t = 32 * by
    if words:
        v = words // eb
    elif packed:  # V: the widest aligned vector the global rows and the tile rows both allow
        v = spec.vector_bytes // eb
        while v > 1 and (cols % v or c1 % v or in_cols % v or (32 * w * sx) % v):
            v //= 2
    else:
        v = w if w > 1 and cols % w == 0 and c1 % w == 0 and in_cols % w == 0 else 1
    length = (w - 1) * sx + max(o for _, o in offsets) + 1
    align = min(spec.vector_bytes // eb, (sx * w) & -(sx * w)) if packed else 1  # elements
    row_offs = sorted({j * sy + ro for j in range(ry) for ro, _ in offsets})
    # a word-packed tile's shared reads are words (WGSL has no wider workgroup accesses)
    parts = pieces(length * eb, align * eb, words or spec.vector_bytes) if packed else []
    per_row = -(-cols // v) if words else cols // v  # staging slots a footprint row
    slots = -(-rows * per_row // t)

    def store(pad):
        if words:  # one word a slot: slot g is word g % per_row of row g / per_row
            def ix(o, lane, u):
                g = o.add(o.add(o.mul(u["warp"], 32), lane), o.mul(u["slot"], t))
                return o.add(o.mul(o.div(g, per_row), cols + pad), o.mul(o.mod(g, per_row), v))
            return banks.Access("tile store", ix, (("warp", by), ("slot", slots)), eb, v)

        def ix(o, lane, u):
            e = o.add(o.add(o.mul(u["warp"], 32), lane), o.mul(u["slot"], t))
            if v > 1:
                e = o.add(o.mul(e, v), u["v"])
            return o.add(o.mul(o.div(e, cols), cols + pad), o.mod(e, cols))
        dims = (("warp", by), ("slot", -(-rows * cols // v // t))) + ((("v", v),) if v > 1 else ())
        return banks.Access("tile store", ix, dims, eb)

    def element_read(pad, nbytes=eb):
        def ix(o, lane, u):
            row = o.add(o.mul(o.add(o.mul(u["warp"], ry), u["j"]), sy), u["r0"])
            col = o.mul(lane, sx) if w == 1 else o.mul(o.add(o.mul(lane, w), u["q"]), sx)
            return o.add(o.mul(row, cols + pad), o.add(col, u["r1"]))
        dims = (("warp", by), ("j", ry), ("r0", span0 + 1), ("r1", max(o for _, o in offsets) + 1)) + \
            ((("q", w),) if w > 1 else ())
        return banks.Access("window read", ix, dims, nbytes)

    def row_reads(pad):
        def read(off, nbytes):
            def ix(o, lane, u):
                row = o.add(o.mul(o.add(o.mul(u["warp"], ry), u["j"]), sy), u["r0"])
                return o.add(o.mul(row, cols + pad), o.add(o.mul(lane, w * sx), off // eb))
            return banks.Access(f"window row read +{off}", ix, (("warp", by), ("j", ry), ("r0", span0 + 1)), eb,
                                nbytes // eb)
        return [read(off, n) for off, n in parts]

    def accesses(pad):
        return [store(pad)] + (row_reads(pad) if packed else [element_read(pad)])

    step = max(v, align)  # row strides keep every staged vector and every row read aligned
    pads = [(-cols) % step + step * i for i in range(4)] if packed or words else list(range(0, 9))
    try:
        pad, _ = banks.choose(pads, accesses)
        layout = f"pad {pad}"
    except banks.BankModelError:
        pad = pads[0]
        layout = f"pad {pad} (no padding avoids every conflict of this stride)"
    if packed:
        reads = len(row_offs) * sum(banks.conflicts_brute_force(a) for a in row_reads(pad))
    else:
        elems = len({q * sx + o for q in range(w) for _, o in offsets})
        # the conflicts of the element as the target holds it (WebGPU: a u8 in a 32-bit carrier)
        reads = len(row_offs) * elems * banks.conflicts_brute_force(element_read(pad, sb))
    stores = ry * -(-w * ob // spec.vector_bytes)
    per_output = (2 * slots + reads + stores) / (ry * w)
    return _WindowShape(w, by, ry, rows, cols, v, pad, layout, packed, (w * ob < spec.store_bytes, per_output, -w),
                        words)


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


def _shared_bytes(t, spec: GpuSpec) -> int:
    """Bytes a shared-tile element of type `t` takes on the target: its own size, or the
    target's minimum for integers (WGSL keeps 8/16-bit integers in 32-bit carriers)."""
    b = max(1, t.scalar.bits // 8)
    return b if t.scalar.is_float else max(b, spec.shared_elem_bytes)


def _matmul_config(m: int, n: int, kk: int, ebytes: int, spec: GpuSpec, int_tiles: bool = False,
                   macs_per_product: int = 1):
    """The legal tile configurations, cheapest first by an estimated time.

    The estimate counts the warp-instructions one multiply-accumulate costs a thread and
    issues them at 4 a cycle an SM (all of them compete for the same issue slots, so they
    add up): `macs_per_product` arithmetic instructions (2 for the exact float semantics: a
    rounded product, then a rounded sum; 1 for an fma), the micro-tile's shared loads
    ((1/TM + 1/TN) / vec), the tile's global load and shared store ((1/BM + 1/BN) each) and
    the two barriers a K slice (2 / (TM TN BK)). Global traffic ((BM + BN) x K elements a
    tile) is the other bound. Both are scaled by how evenly the tiles fill the SMs, and by
    the latency hiding the SM has: independent accumulators in flight (resident threads x
    TM x TN), which wants 8192 or more -- a few warps with large micro-tiles hide latency as
    well as many warps with small ones. Calibrated on an H200 with bench/matmul_sweep.py
    (4096^3 f32, exact semantics): the measured order of the nine configurations tried
    there, best first, 128x256x8/8x16 (27.3 TFLOP/s) ... 128x128x8/8x8 (24.7), is the order
    of this estimate for the ones it ranks first."""
    found = []
    for bm in (256, 128, 64, 32, 16):
        for bn in (256, 128, 64, 32, 16):
            for bk in (8, 16, 32):
                for tm in (16, 8, 4, 2):
                    for tn in (16, 8, 4, 2):
                        if tm * tn > 128:  # accumulators beyond ~128 registers spill
                            continue
                        c = MatmulConfig(bm, bn, bk, tm, tn)
                        t = c.threads
                        if m % bm or n % bn or kk % bk or not 32 <= t <= spec.max_block or t % 32:
                            continue
                        if (bm * bk) % t or (bn * bk) % t:
                            continue
                        shared = (bk * (bm + 8) + bk * (bn + 8)) * max(ebytes, spec.shared_elem_bytes if int_tiles else 1)
                        if shared > spec.shared_per_block:
                            continue
                        regs = tm * tn + tm + tn + 40
                        if regs > 255:
                            continue
                        resident = min(spec.threads_per_sm // t, spec.blocks_per_sm,
                                       spec.regs_per_sm // (regs * t), (228 * 1024) // shared)
                        if resident < 1:
                            continue
                        tiles = (m // bm) * (n // bn)
                        waves = -(-tiles // (spec.sms * resident))
                        fill = tiles / (waves * spec.sms * resident)
                        vec = min(4, tm, tn)
                        per_mac = (macs_per_product + (1 / tm + 1 / tn) / vec + 2 * (1 / bm + 1 / bn)
                                   + 2 / (tm * tn * bk))
                        issue = m * n * kk / 32 / 4 * per_mac
                        glob = m * n * kk * (1 / bm + 1 / bn) * ebytes / 64
                        hiding = min(1.0, resident * t * tm * tn / 8192)
                        cost = max(issue, glob) / fill / hiding
                        found.append((cost, c))
    # Ties: bigger tiles, then the wider side along n (B's rows and C's rows are contiguous
    # along n: longer coalesced runs; measured 128x256/8x16 ahead of 256x128/16x8).
    found.sort(key=lambda x: (x[0], -x[1].bm * x[1].bn, -x[1].bn, -x[1].tn))
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


def _widened_from(u: UOp):
    """The float type `u` is a widening cast of, else `u`'s own type."""
    if u.op == "cast" and u.src[0].dtype.is_float and u.src[0].dtype.scalar.sbits <= u.dtype.scalar.sbits:
        return u.src[0].dtype.scalar
    return u.dtype.scalar


def _exact_product(mul: UOp) -> bool:
    """Whether `mul`'s rounding never changes its value: its operands are floats widened
    from formats narrow enough that their exact product is representable in the result
    type. Then `acc + a * b` (round the product, round the sum) equals `fma(a, b, acc)`
    (round once) bit for bit -- fma(a, b, acc) = RN(a*b + acc) and RN(acc + RN(a*b)) is the
    same when RN(a*b) = a*b -- so the fma is not a change of semantics and needs no opt-in.
    Exact when the significands fit (p_a + p_b <= p), the smallest product (the two
    subnormal quanta multiplied) is a multiple of the result's quantum, and the largest
    stays below its overflow threshold. f16 x f16 -> f32: 22 <= 24 bits, 2^-48 >= 2^-149,
    2^32 < 2^128: exact. bf16 x bf16 -> f32 is not (2^-266 underflows), nor f32 x f32."""
    t = mul.dtype.scalar
    a, b = (_widened_from(x) for x in mul.src)
    if not (t.is_float and a.is_float and b.is_float):
        return False

    def emax(f):
        return (1 << (f.ebits - 1)) - 1

    def quantum(f):  # exponent of the smallest subnormal
        return 1 - emax(f) - (f.sbits - 1)

    return (a.sbits + b.sbits <= t.sbits and quantum(a) + quantum(b) >= quantum(t)
            and emax(a) + 1 + emax(b) + 1 <= emax(t))


def _tiled_matmul(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list, contract: bool = False):
    k = lw.k
    buf, indices, value = lw.flat_store(st)
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
    int_tiles = not (la.dtype.scalar.is_float and lb.dtype.scalar.is_float)
    # A float sum of products becomes one fma a step when asked (`contract`) or when the
    # product is exact (the same bits); else each product and each sum is rounded: two
    # instructions a multiply-accumulate, which the cost model counts.
    fuse = (REDUCTIONS[r.arg[0]] == "add" and r.dtype.is_float and r.src[0].op == "mul"
            and (contract or _exact_product(r.src[0])))
    two_roundings = r.dtype.is_float and not fuse
    for c in _matmul_config(m, n, kk, ebytes, spec, int_tiles, 2 if two_roundings else 1)[:8]:
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
            init.append(AccInit(nm, t_acc, const(t_acc, split_identity(r.arg[0], t_acc))))
            term = r.src[0].substitute({la: a_vals[i], lb: b_vals[j]})
            acc = UOp("acc", t_acc, (), nm)
            if fuse:  # (the substitution keeps the root `mul` and the operand types)
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
            out = value.substitute({r: UOp("acc", t_acc, (), f"acc_{i}_{j}")})
            body += [Let(mv, iadd(bm0, iadd(row, i % vec))), Let(nv, iadd(bn0, iadd(col, j % vec))),
                     Store(buf.name, lw.simplify(flatten(indices, buf.shape)), out)]
    tiles = (m // c.bm) * (n // c.bn)
    notes.append(f"{name}: tiled matmul {c.bm}x{c.bn}x{c.bk} tiles, {c.tm}x{c.tn} per thread, {t} threads x "
                 f"{tiles} blocks; shared layout by the bank model: {lay}"
                 + ("" if not fuse else "; a * b + acc contracted to fma (one rounding, opt-in)" if contract
                    else "; a * b + acc as fma (the product is exact: same result)")
                 + (f" (rejected: {'; '.join(log[:3])}{' ...' if len(log) > 3 else ''})" if log else ""))
    regs = c.tm * c.tn + c.tm + c.tn + 40  # the cost model's register estimate
    resident = max(1, min(spec.threads_per_sm // t, spec.regs_per_sm // (regs * t)))
    return [Launch(name, tiles, t, tuple(body), (ta, tb), "tiled-matmul", min_blocks_per_sm=resident)]
