"""Whole reductions of elementwise bodies: `out = sum|reduce_max|reduce_min(f(x[i + c], ...), i)`.

The body is covered like an elementwise kernel (`select.Selector.gen`), one block of lanes
per vector group, and folded lane-wise into accumulators that start at the reduction's
identity (0, the type's minimum or maximum) with the reduction's own lane row (`vadd`,
`vmax`, `vmin`). After the loop the accumulator vectors fold into one, then a `vror` / op
tree folds its lanes (64, 32, ... bytes, down to one element) into lane 0, which is stored.
Integer add, max and min are associative and commutative, so the regrouping is exact
(adds wrap in both orders alike). Byte dot products take the `vrmpy` path (`Selector.dot`)
first; this is the general case behind it.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, insn
from rewriter.backends.hexagon.select import LANE_ROWS, SIGNLESS, VBYTES, _elem_bytes, _signed_twin, _splat_bits
from rewriter.kernel.kernel import REDUCTIONS


def reduction_row(kind: str, t):
    """(row, operand fields, identity) of the lane row that combines two partial results of
    the reduction `kind` at lane type `t` (signless adds use the signed row of the width)."""
    op = REDUCTIONS[kind]
    key = (op, t) if (op, t) in LANE_ROWS or op not in SIGNLESS else (op, _signed_twin(t))
    if key not in LANE_ROWS or t.bits > 32:
        raise HexagonUnsupported(f"a {kind} reduction at {t}")
    row, fields, _ = LANE_ROWS[key]
    return row, fields, {"add": 0, "max": t.min, "min": t.max}[op]


def fold_lanes(sel, block, acc, row, fields, elem_bytes: int):
    """The lanes of vector `acc` folded into lane 0 in `block`: rotate by half the live
    bytes and combine with `row`, down to one element."""
    shift = VBYTES // 2
    while shift >= elem_bytes:
        rot, d = sel.reg("V", f"ror{shift}"), sel.reg("V", "fold")
        block.add(insn("vror", d=rot, u=acc, t=sel.scalar_const(shift)))
        block.add(insn(row.name, d=d, **{fields[0]: acc, fields[1]: rot}))
        acc, shift = d, shift // 2
    return acc


def reduce_all(sel, st) -> MachineFunction:
    (value,) = st.src
    out = sel.k.buffer(st.arg)
    kind, names = value.arg
    if len(names) != 1 or out.shape:
        raise HexagonUnsupported(f"a reduction into {out} over {len(names)} ranges")
    (rname,) = names
    t = value.dtype.scalar
    row, fields, identity = reduction_row(kind, t)
    body = sel.rw.normalize(sel.simplify(sel.unroll_reductions(sel.flat_loads(value.src[0]))))
    types = [n.dtype for n in body.toposort() if n.op != "var" and not n.dtype.is_idx] + [t]
    sel.block = VBYTES // min(_elem_bytes(x) for x in types)
    size = sel.k.range(rname).size
    if size % (sel.block * sel.unroll):
        raise HexagonUnsupported(f"a reduction over {size} lanes in blocks of {sel.block} x{sel.unroll}")
    accs = []
    for j in range(sel.nvec(t)):  # fresh registers: the accumulators are written in the loop
        acc = sel.reg("V", f"acc{j}")
        if identity == 0:
            sel.pro.add(insn("vzero", d=acc))
        else:
            sel.pro.add(insn("vsplatw", d=acc, t=sel.scalar_const(_splat_bits(identity, t))))
        accs.append(acc)
    for u in range(sel.unroll):
        sel.lane_offset = u * sel.block
        regs = sel.gen(body, rname, {})
        for acc, r in zip(accs, regs):
            sel.body.add(insn(row.name, d=acc, **{fields[0]: acc, fields[1]: r}))
    steps = {b: sel.unroll * sel.block * _elem_bytes(sel.k.buffer(b).dtype)
             for b in sorted({i.mem for i in sel.body.insns if i.mem})}
    sel.advance_pointers(sel.body, steps)
    acc = accs[0]
    for other in accs[1:]:  # the accumulator vectors into one
        d = sel.reg("V", "fold")
        sel.epi.add(insn(row.name, d=d, **{fields[0]: acc, fields[1]: other}))
        acc = d
    acc = fold_lanes(sel, sel.epi, acc, row, fields, _elem_bytes(t))
    sel.epi.add(insn("vmem_st", mem=out.name, p=sel.ptr[out.name], u=acc, off=0))
    sel.notes.append(f"{out.name}: {kind} over {size} lanes, {size // sel.block // sel.unroll} iterations "
                     f"of {sel.unroll} x {sel.block} lanes into {len(accs)} accumulator(s) ({row.name}), "
                     "then a vror tree")
    return sel.finish(size // sel.block // sel.unroll)
