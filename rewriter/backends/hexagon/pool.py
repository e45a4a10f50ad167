"""2x2 stride-2 pooling of bytes: `out[y, x] = reduce_max(img[2y + dy, 2x + dx], dy, dx)`.

One loop iteration makes one output row of 128 bytes from two input rows of 256 bytes (four
aligned vectors): the rows combine lane by lane first (the dy half of the reduction, with
the reduction's own lane row, `vmax(Vu.ub,Vv.ub)` for `reduce_max`), then `vdeal(Vu,Vv,#-1)`
splits the 256 combined bytes into the even and the odd columns (Vv first, checked on
qemu-hexagon), and one more lane op folds the dx half. Reduction order does not matter:
max and min are associative and commutative on integers.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, insn
from rewriter.backends.hexagon.select import LANE_ROWS
from rewriter.ir.analysis import affine
from rewriter.kernel.kernel import REDUCTIONS


def pool2x2(sel, st) -> MachineFunction:
    """`sel` is a `select.Selector`; the store is `out[y, x] = reduce_max|min(img[...], dy, dx)`."""
    k = sel.k
    *indices, value = st.src
    out = k.buffer(st.arg)
    yv, xv = (i.arg.name for i in indices)
    kind, (dyn, dxn) = value.arg
    body = sel.flat_loads(value.src[0])
    op = REDUCTIONS[kind]
    if body.op != "load" or op not in ("max", "min") or (op, out.dtype.scalar) not in LANE_ROWS:
        raise HexagonUnsupported(f"a {kind} window over {body}")
    a = affine(body.src[0])
    row = 2 * out.shape[1]
    want = {yv: 2 * row, dyn: row, xv: 2, dxn: 1}
    if a is None or {n: c for n, c in a.items() if n} != want or a.get(None, 0) \
            or out.shape[1] * out.dtype.scalar.bits // 8 != 128 \
            or k.range(dyn).size != 2 or k.range(dxn).size != 2:
        raise HexagonUnsupported(f"the window {body.arg}[{body.src[0]}] (2x2, stride 2, 128-byte rows)")
    lane, names, _ = LANE_ROWS[(op, out.dtype.scalar)]
    n_rows = k.range(yv).size
    if n_rows % sel.unroll:
        raise HexagonUnsupported(f"unrolling {n_rows} rows by {sel.unroll}")
    results = []
    for u in range(sel.unroll):  # output row u of the iteration: input vectors 4u..4u+3
        v = [sel.aligned(body.arg, 4 * u + j) for j in range(4)]  # rows 2y: v0 v1, 2y+1: v2 v3
        rows = []
        for top, bottom in ((v[0], v[2]), (v[1], v[3])):
            d = sel.reg("V", f"{op} dy")
            sel.body.add(insn(lane.name, d=d, **{names[0]: top, names[1]: bottom}))
            rows.append(d)
        even, odd = sel.reg("V", "even"), sel.reg("V", "odd")
        sel.body.add(insn("vdealvdd", lo=even, hi=odd, u=rows[1], v=rows[0],
                          t=sel.scalar_const(-1, "R8")))
        res = sel.reg("V", f"{op} dx")
        sel.body.add(insn(lane.name, d=res, **{names[0]: even, names[1]: odd}))
        results.append(res)
    sel.store_vectors(out.name, results)
    sel.advance_pointers(sel.body, {body.arg: 4 * 128 * sel.unroll, out.name: 128 * sel.unroll})
    sel.notes.append(f"{out.name}: {n_rows} rows, {sel.unroll} per iteration; 2x2 {kind} as "
                     f"{lane.name} x3 + vdeal")
    return sel.finish(n_rows // sel.unroll)
