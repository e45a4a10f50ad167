"""Whole reductions of elementwise bodies: `out = sum|reduce_max|reduce_min(f(x[i + c], ...), i)`.

The body is covered like an elementwise kernel (`select.Selector.gen`), one block of lanes
per vector group, and folded lane-wise into accumulators that start at the reduction's
identity (0, the type's minimum or maximum) with the reduction's own lane row (`vadd`,
`vmax`, `vmin`). After the loop the accumulator vectors fold into one, then a `vror` / op
tree folds its lanes (64, 32, ... bytes, down to one element) into lane 0, which is stored.
Integer add, max and min are associative and commutative, so the regrouping is exact
(adds wrap in both orders alike).

A sum over bytes regroups first (`regroup_rmpy`): four consecutive lanes written as one
term, which the target rules may turn into one word lane of `vrmpy` (a dot product of byte
vectors, or of a byte vector and a constant word such as 0x01010101 for a plain sum). Then
one `Vx += vrmpy` per 128 bytes does what widening and adding would take several
instructions for. The general lowering's lane reductions use the same regrouping (rows.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.select import LANE_ROWS, SIGNLESS, VBYTES, _elem_bytes, _signed_twin, _splat_bits
from rewriter.backends.hexagon.rowtables import lane_types
from rewriter.ir.dtype import u8
from rewriter.ir.uop import UOp, var
from rewriter.kernel.kernel import REDUCTIONS

#: The vrmpy ops of the target rules (one word lane: four byte products summed) -> the
#: accumulating rows that compute them on whole vectors: (Vx += vrmpy(Vu, Vv), Vx +=
#: vrmpy(Vu, Rt) or None where HVX has no scalar form (signed bytes: a splatted vector).
RMPY_ACC = {"hvx.vrmpy_bb": ("vrmpybv_acc", None),
            "hvx.vrmpy_ubb": ("vrmpyubv_acc", "vrmpybus_acc"),
            "hvx.vrmpy_uub": ("vrmpyubv_uw_acc", "vrmpyub_acc")}
#: The vdmpy ops of the regrouping rules (one word lane: two half-by-byte products summed,
#: rules/hexagon-regroup.rules) -> their accumulating rows, as RMPY_ACC (Rt only: HVX's
#: Vv forms of vdmpy saturate).
DMPY_ACC = {"hvx.vdmpy_hb": (None, "vdmpyhb_acc")}


@dataclass(frozen=True)
class Regrouped:
    """A byte reduction's body as vrmpy: `u`, a byte-valued lane term of the body (a load,
    or a lane-wise term over loads; its four consecutive lanes are the instruction's Vu
    bytes), and `v`, another such term (Vv) or the constant word whose bytes Rt holds;
    `op` the target rule's vrmpy op (a key of RMPY_ACC, or of DMPY_ACC: a vdmpy of `lanes`
    = 2 half lanes a word)."""

    op: str
    u: UOp
    v: UOp | int
    lanes: int = 4


def regroup_rmpy(sel, body: UOp, rw) -> Regrouped | None:
    """`body` (one lane of a sum over the lane range) as vrmpy, or None: four consecutive
    lanes of it summed as one term (each load of `body` a variable per lane), normalized by
    `rw` (the Hexagon target rules, whose vrmpy rules are proven). It qualifies where that
    becomes one vrmpy op whose Vu operands are one lane term at lanes 0, 1, 2, 3 in order
    and whose Vv operands are another, or four constants."""
    return _regroup(sel, body, rw, 4, RMPY_ACC)


def regroup_dmpy(sel, body: UOp, rw) -> Regrouped | None:
    """`body` (one lane of a sum over the lane range, its loads halves) as vdmpy, as
    `regroup_rmpy` does by fours: two consecutive lanes summed, normalized by `rw` (the
    regrouping rules, rules/hexagon-regroup.rules), one `hvx.vdmpy_hb` against two constant
    byte weights (Rt holds them twice: lane 2i reads Rt.b[2i % 4])."""
    return _regroup(sel, body, rw, 2, DMPY_ACC)


def _regroup(sel, body: UOp, rw, lanes: int, table: dict) -> Regrouped | None:
    loads = sorted({n for n in body.toposort() if n.op == "load"}, key=lambda n: (n.arg, str(n.src)))
    if not loads or any(_elem_bytes(ld.dtype) != 4 // lanes for ld in loads):
        return None
    lane_vars = [{ld: var(ld.dtype, f"L{j}@{q}") for j, ld in enumerate(loads)} for q in range(lanes)]
    group = None
    for q in range(lanes):
        lane = body.substitute(lane_vars[q])
        group = lane if group is None else UOp("add", body.dtype, (group, lane))
    got = rw.normalize(sel.simplify(group))
    if got.op not in table:
        return None
    back = {v: ld for ld, v in lane_vars[0].items()}

    def lane_term(xs):
        """The lane term whose lanes 0.. `xs` are, or None."""
        for q in range(1, lanes):
            if xs[0].substitute({lane_vars[0][ld]: lane_vars[q][ld] for ld in loads}) is not xs[q]:
                return None
        return xs[0].substitute(back)

    u, v = lane_term(got.src[:lanes]), lane_term(got.src[lanes:])
    if u is None or u.op == "const" or not any(n.op == "load" for n in u.toposort()):
        return None
    if v is not None and v.op == "const" and all(x.op == "const" for x in got.src[lanes:]):
        v = None
    if v is None or table[got.op][0] is None:
        if any(x.op != "const" for x in got.src[lanes:]):
            return None
        v = sum((int(got.src[lanes + q % lanes].arg) & 0xFF) << (8 * q) for q in range(4))
    return Regrouped(got.op, u, v, lanes)


def rmpy_insn(op: str, acc, u, v, fresh: bool = False):
    """`acc += vrmpy(u, v)` for the vrmpy op `op` (a key of RMPY_ACC): Vv where `v` is a
    vector register, Rt where it is a scalar one (the op must have that form); `fresh`:
    `acc = vrmpy(u, v)` (the row without `_acc`), no zeroed accumulator needed."""
    vec_row, scalar_row = (RMPY_ACC | DMPY_ACC)[op]
    row = vec_row if v.cls == "V" else scalar_row
    if fresh:
        row = row.removesuffix("_acc")
    return insn(row, d=acc, u=u, v=v) if v.cls == "V" else insn(row, d=acc, u=u, t=v)


def rmpy_step(sel, block, acc, g: Regrouped, u_reg, v_reg, fresh: bool = False) -> None:
    """`acc += vrmpy(u_reg, v)` in `block` (`fresh`: `acc = vrmpy(..)`): Vv = `v_reg` (the
    term `g.v`'s vector), or Rt = the constant word (a splatted vector where the op has no
    scalar form)."""
    if isinstance(g.v, int):
        v_reg = sel.scalar_const(g.v) if (RMPY_ACC | DMPY_ACC)[g.op][1] is not None else \
            sel.consts.get(("rmpy", g.v))
        if v_reg is None:
            v_reg = sel.reg("V", f"splat {g.v:#x}")
            sel.pro.add(insn("vsplatw", d=v_reg, t=sel.scalar_const(g.v)))
            sel.consts[("rmpy", g.v)] = v_reg
    block.add(rmpy_insn(g.op, acc, u_reg, v_reg, fresh))


def reduction_row(kind: str, t):
    """(row, operand fields, identity) of the lane row that combines two partial results of
    the reduction `kind` at lane type `t` (signless adds use the signed row of the width)."""
    op = REDUCTIONS[kind]
    key = (op, t) if (op, t) in LANE_ROWS or op not in SIGNLESS else (op, _signed_twin(t))
    if key not in LANE_ROWS or t.bits > 32:
        raise HexagonUnsupported(f"a {kind} reduction at {t}")
    row, fields, _ = LANE_ROWS[key]
    return row, fields, {"add": 0, "max": t.min, "min": t.max}[op]


def fold_all(sel, block, accs: list, row, fields, elem_bytes: int, hint: str = "fold"):
    """The accumulator vectors `accs` combined with `row` into one, in order, then its
    lanes folded into lane 0 (`fold_lanes`)."""
    acc = accs[0]
    for other in accs[1:]:
        d = sel.reg("V", hint)
        block.add(insn(row.name, d=d, **{fields[0]: acc, fields[1]: other}))
        acc = d
    return fold_lanes(sel, block, acc, row, fields, elem_bytes)


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
    g = regroup_rmpy(sel, body, sel.rw) if kind == "sum" else None
    if g is not None:
        return _reduce_rmpy(sel, st, g, rname)
    types = lane_types(body) + [t]
    sel.block = VBYTES // min(_elem_bytes(x) for x in types)
    size = sel.k.range(rname).size
    trip, rest = divmod(size, sel.block * sel.unroll)
    if trip == 0 and sel.unroll > 1:
        raise HexagonUnsupported(f"unrolling a reduction over {size} lanes by {sel.unroll} (no loop is left)")
    accs = []
    for j in range(sel.nvec(t)):  # fresh registers: the accumulators are written in the loop
        acc = sel.reg("V", f"acc{j}")
        if identity == 0:
            sel.pro.add(insn("vzero", d=acc))
        else:
            sel.pro.add(insn("vsplatw", d=acc, t=sel.scalar_const(_splat_bits(identity, t))))
        accs.append(acc)
    for u in range(sel.unroll if trip else 0):
        sel.lane_offset = u * sel.block
        regs = sel.gen(body, rname, {})
        for acc, r in zip(accs, regs):
            sel.body.add(insn(row.name, d=acc, **{fields[0]: acc, fields[1]: r}))
    if trip:
        steps = {b: sel.unroll * sel.block * _elem_bytes(sel.k.buffer(b).dtype)
                 for b in sorted({i.mem for i in sel.body.insns if i.mem})}
        sel.advance_pointers(sel.body, steps)
    def step(regs: list[Reg], valid_bytes: int) -> None:
        for j, (acc, r) in enumerate(zip(accs, regs)):
            keep = min(max(valid_bytes - j * VBYTES, 0), VBYTES)
            if keep:
                r = r if keep == VBYTES else sel.first_bytes(r, keep, sel.vector_const(identity, t))
                sel.body.add(insn(row.name, d=acc, **{fields[0]: acc, fields[1]: r}))

    _tail(sel, rest, lambda lane, valid: step(sel.gen(body, rname, {}), valid * _elem_bytes(t)))
    acc = fold_all(sel, sel.epi, accs, row, fields, _elem_bytes(t))
    sel.epi.add(insn("vmem_st", mem=out.name, p=sel.ptr[out.name], u=acc, off=0))
    sel.notes.append(f"{out.name}: {kind} over {size} lanes, {trip} iterations of {sel.unroll} x {sel.block} "
                     f"lanes{f' and {rest} in the epilogue' if rest else ''} into {len(accs)} accumulator(s) "
                     f"({row.name}), then a vror tree")
    return sel.finish(trip)


def _tail(sel, rest: int, block_step) -> None:
    """The `rest` lanes after the loop's last whole iteration, in the epilogue, a block at a
    time from where the loop left the pointers: `block_step(lane, valid)` generates one block
    (`valid` of its lanes real) into `sel.body`, which is the epilogue meanwhile. A last
    partial block reads whole vectors: past the range's end they stay inside the buffer's
    padding (the runtime pads every buffer to whole vectors and one more), and the step sets
    those lanes to the identity before they are combined."""
    if not rest:
        return
    loop, sel.body = sel.body, sel.epi
    loads, sel.loads = sel.loads, {}  # (the loop's loads read other pointer positions)
    for lane in range(0, rest, sel.block):
        sel.lane_offset = lane
        block_step(lane, min(sel.block, rest - lane))
    sel.body, sel.loads = loop, loads


def _reduce_rmpy(sel, st, g: Regrouped, rname: str) -> MachineFunction:
    """A whole sum over bytes as `Vx += vrmpy` (`regroup_rmpy`): one accumulator per
    unrolled copy, so the copies' chains overlap, then the accumulators and their 32 word
    lanes folded (integer adds: the regrouping is exact)."""
    out = sel.k.buffer(st.arg)
    t = st.src[0].dtype.scalar
    size = sel.k.range(rname).size
    sel.block = VBYTES
    trip, rest = divmod(size, VBYTES * sel.unroll)
    if trip == 0 and sel.unroll > 1:
        raise HexagonUnsupported(f"unrolling a sum over {size} bytes by {sel.unroll} (no loop is left)")
    accs = []
    for u in range(sel.unroll):
        sel.lane_offset = u * VBYTES
        acc = sel.reg("V", f"acc{u}")
        sel.pro.add(insn("vzero", d=acc))
        accs.append(acc)
        if trip:
            (ur,) = sel.gen(g.u, rname, {})
            vr = None if isinstance(g.v, int) else sel.gen(g.v, rname, {})[0]
            rmpy_step(sel, sel.body, acc, g, ur, vr)
    if trip:
        steps = {b: sel.unroll * VBYTES for b in sorted({i.mem for i in sel.body.insns if i.mem})}
        sel.advance_pointers(sel.body, steps)
    def step(lane: int, valid: int) -> None:  # (bytes past the end zeroed in Vu: they add nothing)
        (ur,) = sel.gen(g.u, rname, {})
        vr = None if isinstance(g.v, int) else sel.gen(g.v, rname, {})[0]
        if valid < VBYTES:
            ur = sel.first_bytes(ur, valid, sel.vector_const(0, u8))
        rmpy_step(sel, sel.body, accs[0], g, ur, vr)

    _tail(sel, rest, step)
    row, fields, _ = reduction_row("sum", t)
    acc = fold_all(sel, sel.epi, accs, row, fields, 4)
    if out.dtype.scalar.bits != 32:
        raise HexagonUnsupported(f"a byte sum into {out}")
    sel.epi.add(insn("vmem_st", mem=out.name, p=sel.ptr[out.name], u=acc, off=0))
    sel.notes.append(f"{out.name}: sum over {size} bytes, {trip} iterations of {sel.unroll} x vrmpy"
                     f"{f' and {rest} bytes in the epilogue' if rest else ''} ({g.op} from rules/hexagon.rules), "
                     "then a vror tree")
    return sel.finish(size // VBYTES // sel.unroll)
