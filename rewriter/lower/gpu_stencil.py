"""Spelled-out stencils on shared window tiles: the "window-tiled" strategy for a store whose
value is any expression of one buffer's elements at fixed offsets around the output, written
term by term rather than as a reduction (`out[y, x] = inp[y, x] + 2 * inp[y, x + 1] + ...`:
Gaussian and Sobel filters, unsharp masks, finite differences).

Under the map strategy each thread reads every tap from global memory. Where the image's
row pitch is not a multiple of the vector width (a 4098-byte row: an image with a halo) no
tap's vector is aligned, so NVPTX splits them into 2-byte loads: a 3x3 u8 filter ran 39
global loads a thread for 8 outputs and reached 41% of copy bandwidth on an H100
(bench/results/gpu.md, gauss3x3_u8). Here a block stages its footprint once, with coalesced
aligned loads (`gpu_tiles.stage_footprint`, the same staging and bank-model padding as a
convolution's window tile), and each thread reads every input row its W adjacent outputs
touch as ONE vector from shared memory, picking each tap's W lanes from it; the expression is
then evaluated on those W-lane vectors exactly as written (no reassociation, so float
stencils stay bit-exact).

Accepted: a 2-D store `out[y, x]` with no reduction, whose loads that move with (y, x) from
one buffer (the most read one) all index it `[sy*y + a, sx*x + b]` with the same strides and
non-negative constants a, b spanning at least two rows; loads of other buffers are read
directly (vectorized along x), loads that move with neither stay as they are. The shape
(W, rows a thread, warps a block, padding) is `gpu_tiles._window_shape`'s; only a packed
tile with W > 1 is taken (one output a thread gains nothing over the map's loads).
"""
from __future__ import annotations

from collections import Counter

from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, var
from rewriter.lower.gpu_ops import GpuSpec, iadd, idiv, imod, imul
from rewriter.lower.gpu_pool import MAX_TERMS, _pick
from rewriter.lower.gpu_program import CTAID, TID, Launch, Let, SharedTile
from rewriter.lower.gpu_tiles import _staging_facts, _window_shape, hoist_fixed_loads, row_reader, stage_footprint
from rewriter.lower.lower import _Lowerer
from rewriter.lower.program import Store


def _taps(value: UOp, yname: str, xname: str):
    """(buffer, {load: (row offset, column offset)}, sy, sx, c0, c1) of the stencil's window
    loads, offsets from the footprint's corner (c0, c1); None where `value` is not a stencil."""
    moving = [u for u in value.toposort() if u.op == "load" and {v.arg.name for v in u.vars()} & {yname, xname}]
    if not moving:
        return None
    bname = Counter(u.arg for u in moving).most_common(1)[0][0]
    at: dict = {}
    strides = set()
    for u in (u for u in moving if u.arg == bname):
        if len(u.src) != 2 or any(n.op == "load" for i in u.src for n in i.toposort()):
            return None
        a0, a1 = affine(u.src[0]), affine(u.src[1])
        if a0 is None or a1 is None or set(a0) - {None, yname} or set(a1) - {None, xname}:
            return None
        strides.add((a0.get(yname, 0), a1.get(xname, 0)))
        at[u] = (a0.get(None, 0), a1.get(None, 0))
    if len(strides) != 1:
        return None
    (sy, sx), = strides
    rows = {a for a, _ in at.values()}
    if sy < 1 or sx < 1 or len(rows) < 2 or len(at) > MAX_TERMS:
        return None
    c0, c1 = min(rows), min(b for _, b in at.values())
    return bname, {u: (a - c0, b - c1) for u, (a, b) in at.items()}, sy, sx, c0, c1


def stencil_tiled(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    """The window-tiled launch of a spelled-out stencil (module docstring), or None."""
    k = lw.k
    *indices, value = st.src
    if len(indices) != 2 or not all(i.op == "var" for i in indices):
        return None
    if any(n.op == "reduce" for n in value.toposort()):
        return None
    yname, xname = indices[0].arg.name, indices[1].arg.name
    taps = _taps(value, yname, xname)
    if taps is None:
        return None
    bname, at, sy, sx, c0, c1 = taps
    wbuf, buf = k.buffer(bname), k.buffer(st.arg)
    et = next(iter(at)).dtype
    offsets = sorted(set(at.values()))
    span0, span1 = max(r for r, _ in offsets), max(c for _, c in offsets)
    ysz, xsz = k.range(yname).size, k.range(xname).size
    shape = _window_shape(spec, et, buf.dtype, value.dtype, wbuf.shape[1], c1, sy, sx, span0, span1, ysz, xsz,
                          offsets, False, True)
    if shape is None or not shape.packed or shape.w == 1:
        return None
    W, by, ry = shape.w, shape.by, shape.ry
    bx, t, ty_rows = 32, 32 * shape.by, shape.by * shape.ry
    tile = SharedTile("window", et, shape.rows, shape.cols, shape.pad, shape.words)
    tiles_x = xsz // (bx * W)
    y0, x0 = imul(idiv(CTAID, tiles_x), ty_rows), imul(imod(CTAID, tiles_x), bx * W)
    some = next(iter(at))
    staging, i1 = stage_footprint(lw, some, wbuf, tile, shape, t, iadd(imul(y0, sy), c0), iadd(imul(x0, sx), c1))

    lx, wy = imod(TID, bx), idiv(TID, bx)
    lxv = var(idx, "__lx", 0, bx * W - 1)
    wyv = var(idx, "__wy", 0, ty_rows - 1)
    yv, xv = lw.range_var(yname), lw.range_var(xname)
    length = (W - 1) * sx + span1 + 1
    row = row_reader(lw, tile, et, length, wyv, lxv, sy, sx)
    holders = {u: var(u.dtype, f"__tap{i}") for i, u in enumerate(at)}
    body = lw.simplify(lw.flat_loads(value.substitute(holders), {}))
    hoisted, regs = hoist_fixed_loads([body])
    body = body.substitute(regs) if regs else body
    out_flat = lw.simplify(flatten(list(indices), buf.shape))
    folds: list = [Let(lxv, imul(lx, W)), Let(wyv, imul(wy, ry))]
    for j in range(ry):
        picks = {holders[u]: _pick(row(j * sy + ro), [q * sx + co for q in range(W)]) for u, (ro, co) in at.items()}
        folds += [Let(yv, iadd(y0, iadd(wyv, j))), Let(xv, iadd(x0, lxv)),
                  Store(buf.name, out_flat, lw._widen(lw.vec(body, xname, W, picks), W))]
    mult = ((xname, W), (lxv.arg.name, W)) + _staging_facts(shape, i1, W, sx, c1)
    blocks = (ysz // ty_rows) * tiles_x
    notes.append(f"{name}: window tiles of {ty_rows}x{bx * W} outputs for a stencil of {len(at)} taps of '{bname}' "
                 f"({t} threads, {ry} rows x {W} adjacent outputs each) x {blocks} blocks; shared input tile "
                 f"{shape.rows}x{shape.cols}, {shape.layout} (bank model); each input row of a thread's taps one "
                 f"{length}-element shared read; W = {W} by the cost model ({shape.cost[1]:.2f} shared/global "
                 f"accesses an output)")
    return [Launch(name, blocks, t, tuple(hoisted + staging + folds), (tile,), "window-tiled", mult)]
