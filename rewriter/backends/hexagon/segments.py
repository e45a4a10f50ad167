"""Segmented lane reductions for the general lowering (`rows.py`): each output lane reduces
a *segment* of S consecutive input lanes, `out[.., g] = f(kind(body(x[.., g * S + j]), j, ..))`
(block sums such as SAD 16x16, `reduce_max(x[g * 16 + j], j)`, `sum(x[y, g * 8 + j], j)`).

  * **Lanes.** The store's innermost range g (the kept lanes) and a reduced range j of size S
    whose coefficient, in every load of the reduction's body, is 1/S of g's combine into one
    input lane index l = g * S + j. Each load walks l as `rows.py` walks its lanes: a vector
    (coefficient 1 on j), every other element (2), or a splatted element (0). The other
    reduced ranges (dy) are *positions*, unrolled: each an element offset per access, their
    blocks combined lane-wise by the reduction's row (`vadd`, `vmax`, `vmin`).
  * **Chunks.** B output lanes (a block: 128 bytes of the narrowest type in the nest) take
    S * B input lanes, S blocks, so a row of X output lanes is ceil(X / B) chunks. Input lanes
    past the row's end (a partial last chunk) form whole segments past the last output lane:
    they are computed, never stored, so they need no masking.
  * **Segments to lanes.** `vdeal(Vu, Vv, -e)` of two vectors of e-byte elements puts the
    even elements of the concatenation (Vv first) in the low result and the odd ones in the
    high (the row's lane equations in `isa.py`, checked on QEMU), so adding (or max-ing) the
    two halves gives, in lane order, the reduction of each pair of neighbouring lanes. Over
    a chunk's vectors paired in order, one such round halves every segment; log2(S) rounds
    leave one lane per segment, in order, in the first vectors (the last vector of an odd
    count is paired with itself: its upper half is lanes past the chunk's end). S must be a
    power of two.
  * **Byte sums.** A sum whose body regroups onto vrmpy (`reduce.regroup_rmpy`: the proven
    rules of rules/hexagon.rules; `|a - b|` of bytes is vabsdiff widened, hvx-absdiff-ub-w)
    accumulates `Vx.w += vrmpy(Vu, 0x01010101)` over the positions: each word holds the sum
    of four lanes of one segment (S a multiple of 4), so only log2(S / 4) rounds remain, at
    word width.
  * **Values and stores.** The rest of the store's value is lane-wise over the output lanes
    (`Selector.gen`: casts, shifts, loads that stay put within the row), and each row's
    output lanes are stored whole vectors first, then a predicated partial store
    (`RowSelector._partial_store`). The loop runs over the store's outer ranges as rows
    (`RowSelector._split_rows`: one row index, positions inside it unrolled).

A segment longer than a block or not a power of two, or rows of any pitch (each body load's
coefficient on g not S times its coefficient on j: a gemv's vector, padded rows), is a *long*
plan: each output lane's row to one vector, the rows' vectors to lanes by one tree
(`rowtree.py`). What does not fit (a load that repeats every S lanes, a load outside the
reduction that moves with the lanes, rows that are not one index) raises `HexagonUnsupported`
naming it, so the target falls back to LLVM's code.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.permute import MAX_STRIDE
from rewriter.backends.hexagon.reduce import Regrouped, reduction_row, regroup_dmpy, regroup_rmpy, rmpy_step
from rewriter.backends.hexagon.rowtables import lane_types
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes
from rewriter.backends.hexagon.streams import MAX_BODY, Stream
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, var


@dataclass(frozen=True)
class Segments:
    """A segmented reduction: `red`, the reduce node of the store's (flat, normalized)
    `value`; `lane`, the kept lane range g; `seg`, the segment range j of `size` S lanes;
    `others`, the remaining reduced ranges (unrolled positions); `rmpy`, the body as vrmpy
    (or None); `long`: a segment longer than a block or not a power of two (rowtree.py)."""

    store: UOp
    value: UOp
    red: UOp
    lane: str
    seg: str
    size: int
    others: tuple
    rmpy: Regrouped | None
    long: bool = False


def segment_plan(sel, stores, max_terms: int) -> Segments | None:
    """The segmented reduction of the nest (`sel` a `rows.RowSelector`), or None where the
    nest is not one (`rows.py` goes on). It is taken where the rest of `rows.py` cannot cover
    it (some load of the reduction's body steps more than 2 elements a lane: its strided
    loads read 0, 1 or 2; a reduction of more than `max_terms` terms over several ranges),
    and for a long reduction over one range (a long plan unless its segments fit a block,
    while `sel.long_segments`: rows.py's own lane reduction is the retry)."""
    if len(stores) != 1:
        return None
    (st,) = stores
    value = sel.rw.normalize(sel.simplify(sel.flat_loads(st.src[-1])))
    reds = [n for n in value.toposort() if n.op == "reduce"]
    if len(reds) != 1 or any(n.op == "reduce" for n in reds[0].src[0].toposort()):
        return None
    (red,) = reds
    out = sel.k.buffer(st.arg)
    store_a = affine(sel.simplify(flatten(st.src[:-1], out.shape)))
    if store_a is None:
        return None
    lanes = [n for n in store_a if n and store_a[n] == 1]
    if len(lanes) != 1:
        return None
    (g,) = lanes
    names = {n for n in store_a if n} | set(red.arg[1])
    body_loads = [(n, sel._affine(n, names)) for n in red.src[0].toposort() if n.op == "load"]
    size = {n: sel.k.range(n).size for n in red.arg[1]}
    terms = 1
    for n in red.arg[1]:
        terms *= size[n]
    if all(a.get(g, 0) in (0, 1, 2) for _, a in body_loads) and terms <= max_terms:
        return None  # (rows.py's strided loads cover it)
    # A long reduction over one range is also rows.py's lane reduction (the range the
    # lanes, a vror tree a row): kept there where segments cannot cover it.
    keep_rows = len(red.arg[1]) == 1 and terms > max_terms
    found = [j for j in red.arg[1] if size[j] >= 2 and any(a.get(j, 0) for _, a in body_loads)
             and all(a.get(g, 0) == size[j] * a.get(j, 0) for _, a in body_loads)]
    # Rows of any pitch (or loads that stay put across rows: a gemv's vector), where rows.py
    # cannot read the body lane-wise or the reduction is long: each output lane's row read on
    # its own (rowtree.py), its lanes j one or two elements apart.
    loose = [j for j in red.arg[1] if size[j] >= 2 and any(a.get(j, 0) in (1, 2) for _, a in body_loads)
             and all(a.get(j, 0) in (0, 1, 2) for _, a in body_loads)]
    if not (keep_rows or any(a.get(g, 0) not in (0, 1, 2) for _, a in body_loads)) or not sel.long_segments:
        loose = []
    if not found and not loose:
        return None
    j = found[0] if found else max(loose, key=lambda n: size[n])
    s = size[j]
    strides = {a.get(g, 0) for _, a in body_loads}
    if terms <= max_terms and strides <= {0, 1, 2}:
        return None  # (rows.py's strided loads cover it: vpacke)
    if terms <= max_terms and s & (s - 1) and all(0 <= x <= MAX_STRIDE for x in strides) and sel.gather_segments:
        sel.gathered_segments = True  # (rows.rows retries with the tree where the gathers fail)
        return None  # (gathers, permute.py, where deal rounds cannot halve the segments)
    types = lane_types(value) + [out.dtype]
    block = VBYTES // min(_elem_bytes(t) for t in types)
    # A segment of more than a block, or not a power of two, or rows not one after the
    # other, is a whole row per output lane (rowtree.py: each row to one vector, the rows'
    # vectors to lanes by one tree), unless that was tried (`rows.RowSelector.rows`).
    long = not found or s > block or bool(s & (s - 1))

    def refuse(why: str):
        if keep_rows:
            return None
        raise HexagonUnsupported(why)

    if long and not sel.long_segments:
        return refuse(f"a segmented reduction of {s} lanes a segment (the deal rounds halve segments of "
                      "a block at most: powers of two only)")
    for ld, a in body_loads:
        if a.get(j, 0) not in (0, 1, 2):
            return refuse(f"the access {ld.arg} with {a.get(j)} elements per lane of {j} in a segmented "
                          "reduction")
    if any(n.op == "load" and n.arg == st.arg for n in value.toposort()):
        return refuse("a store whose buffer the kernel reads")
    inside = set(red.toposort())
    for n in value.toposort():  # (a long segment's value reads them a vector of output lanes at a time)
        if n.op == "load" and n not in inside and sel._affine(n, names).get(g, 0) not in ((0, 1, 2) if long else (0,)):
            return refuse(f"the access {n.arg} beside a segmented reduction (it moves with the output lanes "
                          f"of {g})")
    rmpy = None
    if red.arg[0] == "sum" and (s % 4 == 0 or long):  # (a long segment's own vector: any S)

        def regroup(body):
            """Four byte lanes a word (vrmpy), or two half lanes (vdmpy: long segments only,
            whose rows are reduced on their own, so a word may hold any two lanes)."""
            got = regroup_rmpy(sel, body, sel.regroup_rw)
            if got is None and long and sel.windows is not None:
                got = regroup_dmpy(sel, body, sel.windows)
            return got

        rmpy = regroup(red.src[0])
        t = red.dtype
        if rmpy is None and t.is_int and t.scalar.bits < 32:
            # A narrower sum accumulated in words, truncated after: exact, since wrapping
            # addition commutes with truncation; in words a sum of bytes is vrmpy's.
            wide = parse_dtype(f"{'i' if t.signed else 'u'}32")
            body = sel.rw.normalize(sel.simplify(UOp("cast", wide, (red.src[0],))))
            rmpy = regroup(body)
            if rmpy is not None:
                words = UOp("reduce", wide, (body,), red.arg)
                value, red = value.substitute({red: UOp("cast", t, (words,))}), words
    others = tuple(n for n in red.arg[1] if n != j)
    return Segments(st, value, red, g, j, s, others, rmpy, long)


def lower_segments(sel, plan: Segments) -> MachineFunction:
    """The machine function of the nest (`sel` a `rows.RowSelector`; a long plan is
    `rowtree.lower_long_segments`'): the loop over rows,
    each row's chunks reduced (`_chunk`) and stored. With no outer range, the loop runs
    over the chunks of the one row instead (B output lanes an iteration; what is left of
    the unrolled iterations and a partial last chunk in the epilogue)."""
    k = sel.k
    st, value, red = plan.store, plan.value, plan.red
    out = k.buffer(st.arg)
    store_a = affine(sel.simplify(flatten(st.src[:-1], out.shape)))
    names = {n for n in store_a if n} | set(red.arg[1])
    accesses = [(st.arg, store_a)] + [(n.arg, sel._affine(n, names)) for n in value.toposort() if n.op == "load"]
    outer = sorted((n for n in store_a if n and n != plan.lane), key=lambda n: -store_a[n])
    rows_r, inner = sel._split_rows(accesses, outer)
    types = lane_types(value) + [out.dtype]
    sel.block = VBYTES // min(_elem_bytes(t) for t in types)
    if plan.rmpy is not None and sel.block != VBYTES:
        plan = replace(plan, rmpy=None)  # (vrmpy reads 128 byte lanes a block)
    width = k.range(plan.lane).size
    by_chunks = not rows_r and not inner and width > sel.block
    streams: dict = {}
    for buf, a in accesses:
        if by_chunks:  # a "row" is a chunk: B output lanes, B * S input lanes
            s = Stream(1 if buf == st.arg else a.get(plan.seg, 0), a.get(plan.lane, 0) * sel.block)
        else:
            s = Stream(1 if buf == st.arg else a.get(plan.seg, 0), a.get(rows_r[-1], 0) if rows_r else 0)
        if streams.setdefault(buf, s) != s:
            raise HexagonUnsupported(f"accesses walking {buf} in different ways")
    sel.streams, sel.store_affine = streams, {st.arg: store_a}
    sel.lane_reduce, sel.lane_var = None, plan.seg
    sel.lane_name = f"{plan.lane}_{plan.seg}"
    sel.vloads, sel.sloads = {}, {}
    if by_chunks:
        rows, row_width = width // sel.block, sel.block
    else:
        rows, row_width = 1, width
        for n in rows_r:
            rows *= k.range(n).size
        if rows % sel.unroll:
            raise HexagonUnsupported(f"unrolling {rows} rows by {sel.unroll}")
    trip = rows // sel.unroll
    if trip == 0:
        raise HexagonUnsupported(f"unrolling {rows} chunks by {sel.unroll}")
    step = {b: s.row * sel.unroll for b, s in streams.items()}
    sel._set_reach(trip, step)
    positions = [dict(zip(inner, p)) for p in itertools.product(*(range(k.range(n).size) for n in inner))]
    # The unrolled rows as one lane sequence where their output rows are contiguous and
    # each row's input lanes fill whole blocks (no lanes past a row's end between rows),
    # and nothing outside the reduction is read (its loads may differ from row to row):
    # the deal rounds then pair vectors of neighbouring rows and one store takes them all.
    fused = (not inner and streams[st.arg].row == row_width and (row_width * plan.size) % sel.block == 0
             and not any(n.op == "load" for n in value.toposort() if n not in set(red.toposort())))
    _rows(sel, plan, [list(range(sel.unroll))] if fused else [[u] for u in range(sel.unroll)],
          positions, row_width, store_a)
    sel.inner_pos = {}
    sel._advance(step)
    left = width - trip * sel.unroll * row_width if by_chunks else 0
    if left:  # (by chunks: the chunks past the unrolled iterations, at the advanced pointers)
        sel.body, body = sel.epi, sel.body
        sel.vloads = {}
        _rows(sel, plan, [[0]], [{}], left, store_a)
        sel.body = body
    rounds = (plan.size // 4 if plan.rmpy else plan.size).bit_length() - 1
    sel.notes.append(
        f"{st.arg}: {trip} iterations of {sel.unroll} {'chunk' if by_chunks else 'row'}(s) over "
        f"{'_'.join(rows_r) or plan.lane}, each "
        + (f"{len(positions)} positions of {', '.join(inner)} (unrolled) x " if inner else "")
        + f"{row_width} lanes of {plan.lane}, a {red.arg[0]} of segments of "
        f"{plan.size} lanes of {plan.seg}"
        + (f" over {len(_positions(k, plan.others))} positions of {', '.join(plan.others)}" if plan.others else "")
        + (f" (vrmpy: {plan.rmpy.op} from rules/hexagon.rules)" if plan.rmpy else "")
        + f", {rounds} vdeal round(s)"
        + (f", the {sel.unroll} unrolled {'chunk' if by_chunks else 'row'}s' lanes dealt and stored together"
           if fused and sel.unroll > 1 else "")
        + (f"; the last {left} lanes in the epilogue" if left else ""))
    return sel.finish(trip)


def _rows(sel, plan: Segments, groups: list, positions: list, width: int, store_a: dict) -> None:
    """Every group of rows (one lane sequence each: `lower_segments`) at every position,
    `width` output lanes a row, a chunk of B output lanes at a time."""
    out_row = sel.streams[plan.store.arg].row
    for rows_in in groups:
        for pos in positions:
            at = rows_in[0] * out_row + sum(store_a.get(n, 0) * v for n, v in pos.items())
            n = width * len(rows_in)
            for first in range(0, n, sel.block):
                _chunk(sel, plan, rows_in, pos, width * plan.size, first, min(sel.block, n - first), at + first)


def _positions(k, names) -> list[dict]:
    return [dict(zip(names, p)) for p in itertools.product(*(range(k.range(n).size) for n in names))]


def _chunk(sel, plan: Segments, rows: list, pos: dict, per_row: int, first: int, count: int, at: int) -> None:
    """Output lanes [first, first + count) of the lane sequence of rows `rows` (each row's
    `per_row` input lanes after the one before) at the outer position `pos`: their input lanes
    a block at a time (`_block`), the segments reduced to lanes by deal rounds, the rest of
    the value, stored `at` elements past the output's pointer."""
    red = plan.red
    t = red.dtype
    row_desc, fields, _ = reduction_row(red.arg[0], t.scalar)
    seg, eb = (plan.size // 4, 4) if plan.rmpy else (plan.size, _elem_bytes(t))
    rounds = seg.bit_length() - 1
    # The deal rounds over the vectors as they come (`deal_rounds`).
    vecs = deal_rounds(sel, (v for lane in range(first * plan.size, (first + count) * plan.size, sel.block)
                             for v in _block(sel, plan, rows[lane // per_row], pos, lane % per_row, row_desc, fields)),
                       eb, rounds, row_desc, fields)
    n = sel.nvec(t)
    if len(vecs) > n:  # (B output lanes are n vectors of t: the rounds leave no more)
        raise HexagonUnsupported(f"a segmented reduction leaving {len(vecs)} vectors of {t} for {sel.block} lanes")
    vecs += [vecs[-1]] * (n - len(vecs))  # (vectors wholly past the chunk's end: never stored)
    sel.inner_pos, sel.here = dict(pos), (rows[0], 0)
    store_value(sel, plan, vecs, count, at)


def _block(sel, plan: Segments, row: int, pos: dict, lane: int, row_desc, fields) -> list[Reg]:
    """The input lanes [lane, lane + block) of the row, the reduction's body combined over
    every position of the other reduced ranges: the body's vectors (combined by the
    reduction's row), or one vector of four-lane word sums (`Vx += vrmpy`)."""

    acc = None
    for p in _positions(sel.k, plan.others):
        if len(sel.body.insns) > MAX_BODY:
            raise HexagonUnsupported(f"a loop body of more than {MAX_BODY} instructions (unroll less)")
        sel.inner_pos, sel.here = {**pos, **p}, (row, lane)
        g = plan.rmpy
        if g is not None:
            if acc is None:
                acc = [sel.reg("V", "seg.acc")]
                sel.body.add(insn("vzero", d=acc[0]))
            (ur,) = sel.gen(g.u, sel.lane_name, {})
            vr = None if isinstance(g.v, int) else sel.gen(g.v, sel.lane_name, {})[0]
            rmpy_step(sel, sel.body, acc[0], g, ur, vr)
            continue
        regs = sel.gen(plan.red.src[0], sel.lane_name, {})
        if acc is None:
            acc = list(regs)
            continue
        for i, r in enumerate(regs):
            d = sel.reg("V", f"seg.{plan.red.arg[0]}")
            sel.body.add(insn(row_desc.name, d=d, **{fields[0]: acc[i], fields[1]: r}))
            acc[i] = d
    return acc


def deal_rounds(sel, vectors, eb: int, rounds: int, row_desc, fields) -> list[Reg]:
    """`rounds` rounds of `_halve` over `vectors` (an iterable, drawn as the rounds go) as a
    binary counter: a pair is dealt as soon as both halves exist, so at most one vector a
    round waits in registers; a last vector of its round pairs with itself (its upper half
    is past the end). The vectors that come out of the last round, in order."""
    out: list = []
    waiting: list = []  # (round, vector), rounds decreasing: each the last of its round so far

    def push(level: int, v: Reg) -> None:
        while waiting and waiting[-1][0] == level:
            v, level = _halve(sel, waiting.pop()[1], v, eb, row_desc, fields), level + 1
        if level == rounds:
            out.append(v)
        else:
            waiting.append((level, v))

    for v in vectors:
        push(0, v)
    while waiting:
        level, v = waiting.pop()
        push(level + 1, _halve(sel, v, v, eb, row_desc, fields))
    return out


def store_value(sel, plan: Segments, vecs: list, count: int, at: int, live: int | None = None) -> None:
    """The rest of the store's value on the reduced vectors `vecs`, then its `count` output
    lanes stored from element `at` (whole vectors, a partial store for the rest). The
    reduction is a variable of its range there (so the expansion rules still know it, e.g. a
    mean's divisor), bound to the vectors; where a rewrite of the value lost it, `gen`
    refuses the variable rather than computing the reduction again. `live`: the lanes whose
    values are stored (`RowSelector.live_lanes`: loads skip the vectors past them)."""
    red = plan.red
    lo, hi = ranges(red)[red]
    held = var(red.dtype, "segments", lo, hi)
    sel.live_lanes = live
    regs = sel.gen(plan.value.substitute({red: held}), sel.lane_name, {held: vecs})
    sel.live_lanes = None
    out = sel.k.buffer(plan.store.arg)
    eb_out = _elem_bytes(out.dtype)
    per = VBYTES // eb_out
    for j, r in enumerate(regs):
        keep = min(per, count - j * per)
        if keep == per:
            sel._store(out.name, (at + j * per) * eb_out, r)
        elif keep > 0:
            sel._partial_store(out.name, (at + j * per) * eb_out, r, keep * eb_out)


def _halve(sel, low: Reg, high: Reg, eb: int, row_desc, fields) -> Reg:
    """One deal round on the pair (`low`, `high`) of e-byte lanes: lane i of the result is
    the reduction of lanes 2i and 2i + 1 of their concatenation (`low` first)."""
    even, odd, d = sel.reg("V", "seg.even"), sel.reg("V", "seg.odd"), sel.reg("V", "seg.half")
    sel.body.add(insn("vdealvdd", lo=even, hi=odd, u=high, v=low, t=sel.scalar_const(-eb, "R8")))
    sel.body.add(insn(row_desc.name, d=d, **{fields[0]: even, fields[1]: odd}))
    return d
