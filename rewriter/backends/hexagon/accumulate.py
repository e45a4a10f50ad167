"""Long reductions over a range that memory does not walk contiguously, as accumulation over
whole vectors (`rows.py` hands them here): a column sum `out[j] = sum(x[r, j], r)`, a
column minimum, a matrix product `c[i, j] = sum(a[i, k] * b[k, j], k)`.

  * **Lanes.** A long reduction's range r is the lane range where its loads walk it one
    element at a time (a row sum, a dot product: `rowtree.py`, `RowSelector._reduce_lanes`).
    Where the store's innermost range j is walked one element a lane by more accesses (the
    store itself, and `x[r, j]`, `b[k, j]`: `accumulates` counts them), j is the lane range
    instead, as for a lane-wise nest (`RowSelector._lane_ranges`, which also joins outer
    ranges walked contiguously), and r is walked a row of vectors at a time: each step
    combines one vector block of the reduction's body into accumulators by the reduction's
    lane row (`vadd`, `vmax`, `vmin`: integer adds wrap alike in any order, max and min are
    exact in any order, so the reassociation is exact).
  * **Loop.** Where the accumulators of every output position fit `MAX_ACCUMULATORS`
    vectors (every position of the store's outer ranges, unrolled as an element offset per
    access, times the blocks of a row), the loop runs over r: the accumulators start at the
    reduction's identity in the prologue, each iteration adds `unroll` steps (the pointers
    move by their coefficient on r), the steps left over and the rest of the store's value
    (casts, shifts, other loads) follow in the epilogue, then the stores. Otherwise the loop
    runs over the store's outer ranges as rows (`RowSelector._split_rows`) and each row's
    reduction is unrolled in the body, r a position (an element offset per access), at most
    `MAX_STEPS` steps a row.
  * **Pair order.** A body that widens (`cast<u32>(x)`, a widening product) is accumulated in
    the widening rows' own lane order (even lanes in the low vector of a pair, odd ones in
    the high, per widening step), and the accumulators are shuffled back to lane order once,
    after the reduction: a fixed lane permutation commutes with lane-wise combining, so this
    is exact and saves the per-step `vshuff`s (`_pair_order`).
  * **Tails.** A row that is not a multiple of the block ends with a block that overlaps the
    one before; a row narrower than a block is stored by the predicated store
    (`RowSelector._block`), and its backward reads read only its lanes.

A byte product summed over a range that walks rows of one operand (a byte matrix product)
is `rowquads.py`'s instead: four steps a vrmpy, the quads shared by the unrolled rows.

What does not fit (a buffer read both inside the reduction and outside, too many steps, a
stride no read has) raises `HexagonUnsupported` naming it, and the target keeps LLVM's code.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import HexagonUnsupported, insn
from rewriter.backends.hexagon.reduce import reduction_row
from rewriter.backends.hexagon.rowquads import row_quads
from rewriter.backends.hexagon.rowtables import _EXTEND, lane_types
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes, _splat_bits
from rewriter.backends.hexagon.split import interleave, store_groups
from rewriter.backends.hexagon.streams import Stream
from rewriter.ir.uop import UOp

#: The most accumulator vectors the loop over the reduced range holds through it (of 32
#: vector registers: the rest hold each step's loads, products and splats).
MAX_ACCUMULATORS = 16
#: The most reduction steps one row's body unrolls where the loop runs over rows.
MAX_STEPS = 256


def accumulates(sel, stores: list, accesses: list) -> bool:
    """Whether the long reduction `sel.lane_reduce` is accumulated over vectors of the
    store's innermost range rather than taken as the lanes: one store whose innermost range
    j has coefficient 1 in it, and more accesses walking j one element a lane (the store's
    included) than walk the reduced range r so."""
    (r,) = sel.lane_reduce.arg[1]
    store_a = accesses[0][1]
    unit = [n for n in store_a if n is not None and store_a[n] == 1]
    if len(stores) != 1 or len(unit) != 1:
        return False
    (j,) = unit
    loads = accesses[1:]
    return 1 + sum(a.get(j, 0) == 1 for _, a in loads) > sum(a.get(r, 0) == 1 for _, a in loads)


@dataclass
class _Plan:
    red: UOp  # the reduce node of the store's value
    r: str  # the reduced range
    lanes: list  # the lane ranges
    width: int  # lanes a row
    positions: list  # {range: value} of the unrolled outer store ranges (mode "over r")
    rows: list  # the loop's row ranges (mode "over rows"), else []


def lower_accumulation(sel, stores: list, values: list, accesses: list):
    """The machine function of the single store `stores[0]` (value `values[0]`), whose long
    reduction is accumulated as the module docstring says."""
    (st,), (value,) = stores, values
    red = next((n for n in value.toposort() if n.op == "reduce" and n.arg == sel.lane_reduce.arg), None)
    if red is None:
        raise HexagonUnsupported("a long reduction that normalizing removed")
    (r,) = red.arg[1]
    k = sel.k
    sel.lane_reduce = None  # (the lanes are the store's: `_lane_ranges` as for a lane-wise nest)
    outer, lanes, width = sel._lane_ranges(stores, accesses)
    inside = {n.arg for n in red.toposort() if n.op == "load"}
    outside = _loads_outside(value, red)
    if inside & outside:
        raise HexagonUnsupported(f"the buffer(s) {', '.join(sorted(inside & outside))} read both inside a long "
                                 "reduction and outside it")
    quads = row_quads(sel, st, value, red, outer, lanes, width, accesses)  # (a matrix product: rowquads.py)
    if quads is not None:
        return quads
    types = lane_types(value)
    sel.block = VBYTES // min(_elem_bytes(t) for t in types + [k.buffer(st.arg).dtype])
    sel.lane_var = lanes[-1]
    sel.lane_name = "_".join(lanes)
    sel.groups = store_groups(stores, sel.store_forms, lanes[-1], lambda b: _elem_bytes(k.buffer(b).dtype))
    if any(g.factor > 1 for g in sel.groups):
        raise HexagonUnsupported("an accumulated reduction stored a lane apart")
    nblocks = -(-width // sel.block)
    sel.vloads, sel.sloads, sel.window_plans, sel.inner, sel.inner_pos = {}, {}, {}, [], {}
    # (predicates the gathers' masks may hold: all but the compares' and a partial store's)
    sel.q_fixed_budget = MODEL.predicate_registers - (3 if width < sel.block else 1)
    count = 1
    for n in outer:
        count *= k.range(n).size
    if count * nblocks * sel.nvec(red.dtype) <= MAX_ACCUMULATORS:
        positions = [dict(zip(outer, p)) for p in itertools.product(*(range(k.range(n).size) for n in outer))]
        plan = _Plan(red, r, lanes, width, positions, [])
        sel.streams = {buf: Stream(a.get(lanes[-1], 0), a.get(r, 0)) for buf, a in accesses}
        _check_streams(accesses, sel.streams, lanes[-1], r)
        return _over_reduction(sel, st, value, plan)
    rows, inner = sel._split_rows(accesses, outer)
    if inner:
        raise HexagonUnsupported(f"an accumulated reduction in a nest over {', '.join(inner)} (nested loops)")
    plan = _Plan(red, r, lanes, width, [{}], rows)
    sel.streams = sel._streams(accesses, rows, lanes)
    return _over_rows(sel, st, value, plan)


def _loads_outside(value: UOp, red: UOp) -> set:
    """The buffers `value` loads other than inside `red`."""
    seen, stack, out = set(), [value], set()
    while stack:
        n = stack.pop()
        if n is red or n in seen:
            continue
        seen.add(n)
        if n.op == "load":
            out.add(n.arg)
        stack += n.src
    return out


def _check_streams(accesses, streams: dict, lane: str, r: str) -> None:
    for buf, a in accesses:
        if streams[buf] != Stream(a.get(lane, 0), a.get(r, 0)):
            raise HexagonUnsupported(f"accesses walking {buf} in different ways")


def _offsets(sel, width: int) -> list:
    """(first lane, stored lanes or None) of each block of a row."""
    if width < sel.block:
        return [(0, width)]
    out = [(j * sel.block, None) for j in range(width // sel.block)]
    if width % sel.block:
        out.append((width - sel.block, None))
    return out


def _step(sel, plan: _Plan, accs, row: int, lane: int, valid, in_place: bool):
    """One reduction step of one block: the body's vectors (lanes from `lane`, row `row`, the
    current positions) in pair order (`_pair_order`), combined into `accs` (a list of
    vectors in `_flat` order; None: the step's vectors are the start). Returns (the
    accumulators, the pair-order tree they are the leaves of)."""
    kind = plan.red.arg[0]
    t = plan.red.dtype.scalar
    row_desc, fields, _ = reduction_row(kind, t)
    sel.here, sel.valid_lanes = (row, lane), valid
    body = plan.red.src[0]
    mul = sel._widening_operands(body) if kind == "sum" else None
    if mul is not None:  # (Vxx += vmpy(Vu, Vv): each product accumulated by its own row)
        row_name, x, y = mul
        memo: dict = {}
        rx, ry = sel.gen(x, sel.lane_name, memo), sel.gen(y, sel.lane_name, memo)
        if accs is None:  # (the first step's pairs: fresh registers, updated in place after)
            accs = [sel.reg("V", f"{row_name}.{h}") for h in ("lo", "hi") for _ in rx]
            fresh = True
        else:
            fresh = False
        n = len(rx)
        for j, (u, v) in enumerate(zip(rx, ry)):
            sel.body.add(insn(row_name if fresh else row_name + "_acc", lo=accs[j], hi=accs[n + j], u=u, v=v))
        sel.valid_lanes = None
        return accs, ("pair", ("leaf", accs[:n]), ("leaf", accs[n:]))
    tree = _pair_order(sel, body)
    sel.valid_lanes = None
    regs = _flat(tree)
    if accs is None:
        return regs, tree
    out = []
    for a, b in zip(accs, regs):
        d = a if in_place else sel.reg("V", kind)
        sel.body.add(insn(row_desc.name, d=d, **{fields[0]: a, fields[1]: b}))
        out.append(d)
    return out, tree


def _pair_order(sel, u: UOp):
    """The vectors of lane term `u` as a pair-order tree: ("leaf", vectors in lane order), or
    ("pair", lo, hi), whose lanes in order are lo's and hi's interleaved element by element.
    A widening cast extends each vector into a pair (`vzxt`/`vsxt`: even lanes low, odd lanes
    high) and leaves it so, where `Selector.convert` would shuffle it back each time; a
    widening product likewise (`Selector.widening_mul` without its `vshuff`)."""
    mul = sel._widening_operands(u)
    if mul is not None:  # (a widening product: its row's pair, not shuffled)
        row, x, y = mul
        memo: dict = {}
        los, his = [], []
        for a, b in zip(sel.gen(x, sel.lane_name, memo), sel.gen(y, sel.lane_name, memo)):
            lo, hi = sel.reg("V", f"{row}.lo"), sel.reg("V", f"{row}.hi")
            sel.body.add(insn(row, lo=lo, hi=hi, u=a, v=b))
            los.append(lo)
            his.append(hi)
        return ("pair", ("leaf", los), ("leaf", his))
    if u.op == "mul" and getattr(sel, "expand", None) is not None:
        # (a product no row makes, such as bytes into words: the proven expansion rules'
        # widening product widened again, rules/hexagon-expand.rules)
        expanded = sel.rw.normalize(sel.expand.normalize(u))
        if expanded is not u and expanded.op == "cast":
            return _pair_order(sel, expanded)
    src = u.src[0] if u.op == "cast" else None
    if src is None or not (src.dtype.is_int and u.dtype.is_int) or src.dtype.scalar.bits >= u.dtype.scalar.bits:
        return ("leaf", sel.gen(u, sel.lane_name, {}))
    tree, bits = _pair_order(sel, src), src.dtype.scalar.bits
    while bits < u.dtype.scalar.bits:
        ext = _EXTEND.get((bits, src.dtype.signed))
        if ext is None:
            raise HexagonUnsupported(f"a cast from {src.dtype} to {u.dtype}")
        tree, bits = _extend(sel, tree, ext), 2 * bits
    return tree


def _extend(sel, tree, ext: str):
    if tree[0] == "pair":
        return ("pair", _extend(sel, tree[1], ext), _extend(sel, tree[2], ext))
    los, his = [], []
    for r in tree[1]:
        lo, hi = sel.reg("V", f"{ext}.lo"), sel.reg("V", f"{ext}.hi")
        sel.body.add(insn(ext, lo=lo, hi=hi, u=r))
        los.append(lo)
        his.append(hi)
    return ("pair", ("leaf", los), ("leaf", his))


def _flat(tree) -> list:
    return list(tree[1]) if tree[0] == "leaf" else _flat(tree[1]) + _flat(tree[2])


def _rebuild(tree, regs: list):
    """`tree`'s shape with the vectors `regs` (in `_flat` order) at its leaves."""
    if tree[0] == "leaf":
        return ("leaf", regs[:len(tree[1])])
    n = len(_flat(tree[1]))
    return ("pair", _rebuild(tree[1], regs[:n]), _rebuild(tree[2], regs[n:]))


def _restore(sel, tree, elem_bytes: int) -> list:
    """The vectors of a pair-order tree in lane order: each pair's halves interleaved
    element by element (`vshuff`, split.interleave), innermost first."""
    if tree[0] == "leaf":
        return list(tree[1])
    return interleave(sel, [_restore(sel, tree[1], elem_bytes), _restore(sel, tree[2], elem_bytes)], elem_bytes)


def _over_reduction(sel, st: UOp, value: UOp, plan: _Plan):
    """The loop over the reduced range, every output block's accumulators held through it."""
    k = sel.k
    size = k.range(plan.r).size
    trip = size // sel.unroll
    if trip == 0:
        raise HexagonUnsupported(f"unrolling {size} steps of {plan.r} by {sel.unroll}")
    step = {b: s.row * sel.unroll for b, s in sel.streams.items()}
    sel._set_reach(trip, step)
    t = plan.red.dtype.scalar
    _, _, identity = reduction_row(plan.red.arg[0], t)
    blocks = _offsets(sel, plan.width)
    accs = {}
    for p, pos in enumerate(plan.positions):
        for lane, _ in blocks:
            accs[(p, lane)] = []
            for j in range(sel.nvec(t)):  # fresh registers: the loop writes them in place
                a = sel.reg("V", f"acc{j}")
                sel.pro.add(insn("vsplatw", d=a, t=sel.scalar_const(_splat_bits(identity, t))) if identity
                            else insn("vzero", d=a))
                accs[(p, lane)].append(a)
    sel.vloads = {}
    tree = None
    for u in range(sel.unroll):
        for p, pos in enumerate(plan.positions):
            sel.inner_pos = pos
            for lane, valid in blocks:
                _, tree = _step(sel, plan, accs[(p, lane)], u, lane, valid, True)
    sel._advance(step)
    sel.body, body = sel.epi, sel.body
    sel.vloads = {}
    for u in range(size - trip * sel.unroll):  # (the steps the unroll leaves: the epilogue)
        for p, pos in enumerate(plan.positions):
            sel.inner_pos = pos
            for lane, valid in blocks:
                _step(sel, plan, accs[(p, lane)], u, lane, valid, True)
    eb = _elem_bytes(t)
    for p, pos in enumerate(plan.positions):
        sel.inner_pos = pos
        for lane, valid in blocks:
            # (the pointers walked along r have moved: no load outside the reduction reads them)
            natural = _restore(sel, _rebuild(tree, accs[(p, lane)]), eb)
            sel._block([st], [value], 0, lane, valid, memo={plan.red: natural})
    sel.inner_pos = {}
    sel.body = body
    sel.notes.append(f"{st.arg}: a {plan.red.arg[0]} over {plan.r} as the loop ({trip} iterations of "
                     f"{sel.unroll} step(s)), {len(accs) * sel.nvec(t)} accumulator vector(s) over "
                     f"{sel.lane_name} ({len(plan.positions)} position(s) x {len(blocks)} block(s) of {sel.block} lanes)")
    return sel.finish(trip)


def _over_rows(sel, st: UOp, value: UOp, plan: _Plan):
    """The loop over the store's rows, each row's reduction unrolled in the body."""
    k = sel.k
    size = k.range(plan.r).size
    if size > MAX_STEPS:
        raise HexagonUnsupported(f"an accumulated reduction of {size} steps a row beside outer ranges "
                                 f"(more than {MAX_STEPS}; nested loops)")
    rows = 1
    for n in plan.rows:
        rows *= k.range(n).size
    if rows % sel.unroll:
        raise HexagonUnsupported(f"unrolling {rows} rows by {sel.unroll}")
    trip = rows // sel.unroll
    step = {b: s.row * sel.unroll for b, s in sel.streams.items()}
    sel._set_reach(trip, step)
    blocks = _offsets(sel, plan.width)
    for u in range(sel.unroll):
        for lane, valid in blocks:
            accs = None
            for v in range(size):
                sel.inner_pos = {plan.r: v}
                accs, tree = _step(sel, plan, accs, u, lane, valid, False)
            sel.inner_pos = {}
            natural = _restore(sel, _rebuild(tree, accs), _elem_bytes(plan.red.dtype))
            sel._block([st], [value], u, lane, valid, memo={plan.red: natural})
    sel._advance(step)
    sel.notes.append(f"{st.arg}: {trip} iterations of {sel.unroll} row(s) over {'_'.join(plan.rows) or 'one row'}, "
                     f"each a {plan.red.arg[0]} of {size} steps over {plan.r} unrolled into {len(blocks)} "
                     f"block(s) of {sel.block} lanes over {sel.lane_name}")
    return sel.finish(trip)
