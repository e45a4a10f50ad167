"""Long segments (`segments.py`'s plans whose segment is longer than a block, not a power
of two, or whose rows lie at any pitch): each output lane reduces a whole row of input
lanes, `out[.., r] = f(kind(body(x[.., r, j]), j, ..))` (row sums, means, minima:
`rowmean_u8`; a gemv), and the rows are combined to lanes by one transposing reduction tree
instead of a tree per row.

  * **A row to one vector.** Each output lane's S input lanes are read a block at a time
    (the lane's row an offset, `inner_pos`: any pitch) and combined lane-wise by the
    reduction's row (`vadd`, `vmax`, `vmin`) into one accumulator vector of L lanes whose
    lanes' reduction is the row's. Since a row is reduced on its own, its lanes may pair in
    any order: byte sums are `Vx += vrmpy(Vu, 0x01010101)` (four lanes a word,
    `reduce.regroup_rmpy`), sums of signed halves `Vx.w += vdmpy(Vu.h, Rt.b)` (two lanes a
    word, `reduce.regroup_dmpy`). A last, partial block's lanes past the row's end (the
    next row's) are set to the reduction's identity by a `vmux` (for vrmpy / vdmpy, the Vu
    lanes zeroed: their products add nothing); the other reduced ranges (positions)
    combine into the same vector, and a block of several vectors (a widened body) is
    combined into one.
  * **Rows to lanes.** The accumulators of consecutive output lanes are segments of L
    lanes, one a vector: `segments.py`'s deal rounds (`vdeal` of a pair, then the
    reduction's row on the two halves) halve every segment per round, log2(L) rounds, so
    R rows' accumulators leave ceil(R / L) vectors, row r in lane r % L of vector r // L,
    for about one deal and one op a row (the binary counter of `segments._chunk`: a pair
    is dealt as soon as both halves exist, so at most one vector a round waits). A `vror`
    tree a row would take log2(L) rotations and ops, and its own partial store.
  * **Values and stores.** The rest of the value is lane-wise on those vectors (division,
    narrowing casts: `Selector.gen`; a load beside the reduction walks the output lanes,
    only the vectors the chunk's lanes need) and a chunk of R output lanes is stored at
    once: whole vectors, then a predicated partial store (`RowSelector._partial_store`).
  * **Chunks and the loop.** R is the block (the output lanes of one vector group of the
    narrowest type), fewer where a chunk would read more than `MAX_CHUNK_BLOCKS` blocks
    (the body's size). Where every access walks the store's row ranges and its lanes as one
    sequence (`out[b, r]` over whole rows), the loop runs over chunks of that sequence, a
    partial last chunk and the chunks left by unrolling in the epilogue; otherwise it runs
    over the rows (the row ranges as one index, `RowSelector._split_rows`), each row's
    lanes in chunks, the rows left by unrolling in the epilogue.

What this cannot cover raises `HexagonUnsupported`; where the nest is a long reduction
along rows, `rows.RowSelector.rows` then tries its own lane reduction (a vror tree a row).
"""
from __future__ import annotations

from dataclasses import replace

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.reduce import reduction_row, rmpy_step
from rewriter.backends.hexagon.segments import Segments, _positions, deal_rounds, store_value
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes
from rewriter.backends.hexagon.streams import MAX_BODY, Stream
from rewriter.ir.analysis import affine, flatten

#: The most input blocks (vector groups of the body) one chunk of output lanes reads: it
#: bounds the loop body (the schedulers' work grows faster than linearly with it).
MAX_CHUNK_BLOCKS = 256
#: Address registers (besides a buffer's pointer) a row's reads may start from: the latest
#: ones made (`RowSelector._vector`'s bases).
MAX_LIVE_BASES = 2


class LongRowsUnsupported(HexagonUnsupported):
    """What the transposing tree cannot cover, where `rows.py`'s own lane reduction may."""


def lower_long_segments(sel, plan: Segments) -> MachineFunction:
    """The machine function of the nest (`sel` a `rows.RowSelector`) by the module's
    lowering: chunks of R output lanes, each lane's row reduced to one vector (`_row`),
    the vectors to lanes by deal rounds, the value, one store."""

    k = sel.k
    st, value, red = plan.store, plan.value, plan.red
    out = k.buffer(st.arg)
    store_a = affine(sel.simplify(flatten(st.src[:-1], out.shape)))
    names = {n for n in store_a if n} | set(red.arg[1])
    accesses = [(st.arg, store_a)] + [(n.arg, sel._affine(n, names)) for n in value.toposort() if n.op == "load"]
    g = plan.lane
    outer = sorted((n for n in store_a if n and n != g), key=lambda n: -store_a[n])
    rows_r, inner = sel._split_rows(accesses, outer)
    # The block: 128 bytes of the narrowest type (rows.py), of the reduction's body as it is
    # computed (a regrouped body's Vu / Vv terms, not the weights its rule folded into Rt).
    inside = set(red.toposort()) - {red}
    terms = [n for n in value.toposort() if n not in inside] + (
        [n for x in (plan.rmpy.u, plan.rmpy.v) if not isinstance(x, int) for n in x.toposort()]
        if plan.rmpy is not None else list(inside))
    types = [n.dtype for n in terms if n.op != "var" and not n.dtype.is_idx] + [out.dtype]
    sel.block = VBYTES // min(_elem_bytes(t) for t in types)
    if plan.rmpy is not None and sel.block * _elem_bytes(plan.rmpy.u.dtype) != VBYTES:
        plan = replace(plan, rmpy=None)  # (vrmpy / vdmpy read one vector of Vu lanes a block)
    width = k.range(g).size
    nrows = 1
    for n in rows_r:
        nrows *= k.range(n).size
    # One sequence of output lanes where every access walks the row ranges as it walks the
    # lanes, one row's lanes after the other's (and no position is unrolled in between).
    flat = not inner and (not rows_r or all(a.get(rows_r[-1], 0) == width * a.get(g, 0) for _, a in accesses))
    if flat:
        width, nrows, rows_r = width * nrows, 1, []
    per_lane = -(-plan.size // sel.block) * len(_positions(k, plan.others))
    chunk = sel.block
    while chunk > 1 and chunk * per_lane > MAX_CHUNK_BLOCKS:
        chunk //= 2
    if per_lane > MAX_CHUNK_BLOCKS:
        raise LongRowsUnsupported(f"rows of {plan.size} lanes ({per_lane} blocks; nested loops)")
    chunk = min(chunk, width)
    # The loop's "rows": chunks of the one sequence, or the rows of the row ranges.
    if flat:
        count, row_width = width // chunk, chunk
        streams_row = {buf: a.get(g, 0) * chunk for buf, a in accesses}
    else:
        count, row_width = nrows, width
        streams_row = {buf: a.get(rows_r[-1], 0) if rows_r else 0 for buf, a in accesses}
    # Per lane: the body's loads walk a row's lanes (its blocks, `here`), the output lanes'
    # rows are offsets (`inner_pos`); the store and the loads beside the reduction walk the
    # output lanes (the value's vectors).
    read = {n.arg for n in red.toposort() if n.op == "load"}
    streams: dict = {}
    for buf, a in accesses:
        s = Stream(a.get(plan.seg, 0) if buf in read else a.get(g, 0), streams_row[buf])
        if streams.setdefault(buf, s) != s:
            raise LongRowsUnsupported(f"accesses walking {buf} in different ways")
    sel.streams, sel.store_affine = streams, {st.arg: store_a}
    sel.lane_reduce, sel.lane_var = None, plan.seg
    sel.lane_name = f"{plan.lane}_{plan.seg}"
    sel.vloads, sel.sloads = {}, {}
    trip = count // sel.unroll
    if trip == 0 and sel.unroll > 1:
        raise HexagonUnsupported(f"unrolling {count} {'chunk' if flat else 'row'}(s) by {sel.unroll}")
    step = {b: s.row * sel.unroll for b, s in streams.items()}
    sel._set_reach(trip, step)
    positions = _positions(k, inner)
    for u in range(sel.unroll if trip else 0):
        _row(sel, plan, u, positions, row_width, chunk, store_a)
    sel.inner_pos = {}
    if trip:
        sel._advance(step)
    left_rows = count - trip * sel.unroll
    left = width - count * chunk if flat else 0
    if left_rows or left:  # (at the advanced pointers)
        sel.body, body = sel.epi, sel.body
        sel.vloads = {}
        for u in range(left_rows):
            _row(sel, plan, u, positions, row_width, chunk, store_a)
        if left:
            _row(sel, plan, left_rows, [{}], left, chunk, store_a)
        sel.inner_pos = {}
        sel.body = body
    L = VBYTES // (4 if plan.rmpy else _elem_bytes(red.dtype))
    sel.notes.append(
        f"{st.arg}: {trip} iteration(s) of {sel.unroll} x "
        + (f"{chunk} output lanes of {'_'.join(outer + [g])}" if flat else
           f"a row over {'_'.join(rows_r)} ({row_width} output lanes of {g}, in chunks of {chunk})")
        + (f" at {len(positions)} positions of {', '.join(inner)} (unrolled)" if inner else "")
        + f", each lane a {red.arg[0]} of a row of {plan.size} lanes of {plan.seg}"
        + (f" over {len(_positions(k, plan.others))} positions of {', '.join(plan.others)}" if plan.others else "")
        + (f" ({plan.rmpy.op} from rules/hexagon{'' if plan.rmpy.lanes == 4 else '-regroup'}.rules, "
           f"{plan.rmpy.lanes} lanes a word)" if plan.rmpy else "")
        + f" into one vector, the rows' vectors to lanes by a transposing tree of {L.bit_length() - 1} "
        "vdeal round(s), one store a chunk"
        + (f"; {left_rows * row_width * len(positions) + left} output lanes in the epilogue"
           if left_rows or left else ""))
    return sel.finish(trip)


def _row(sel, plan: Segments, u: int, positions: list, width: int, chunk: int, store_a: dict) -> None:
    """Row `u` of the iteration (`width` output lanes) at every position, in chunks."""
    out_row = sel.streams[plan.store.arg].row
    for pos in positions:
        at = u * out_row + sum(store_a.get(n, 0) * v for n, v in pos.items())
        for first in range(0, width, chunk):
            _chunk(sel, plan, u, pos, first, min(chunk, width - first), at + first)


def _chunk(sel, plan: Segments, u: int, pos: dict, first: int, count: int, at: int) -> None:
    """Output lanes [first, first + count) of row `u` at position `pos`: each lane's row
    reduced to one vector (`_lane`), the vectors to lanes by deal rounds, the value, stored
    `at` elements past the output's pointer."""
    red = plan.red
    t = red.dtype
    row_desc, fields, _ = reduction_row(red.arg[0], t.scalar)
    eb = 4 if plan.rmpy else _elem_bytes(t)
    rounds = (VBYTES // eb).bit_length() - 1
    vecs = deal_rounds(sel, (_lane(sel, plan, u, pos, lane, row_desc, fields) for lane in range(first, first + count)),
                       eb, rounds, row_desc, fields)
    n = sel.nvec(t)
    if len(vecs) > n:
        raise HexagonUnsupported(f"a chunk of {count} rows leaving {len(vecs)} vectors of {t}")
    vecs += [vecs[-1]] * (n - len(vecs))  # (lanes past the chunk's end: never stored)
    sel.inner_pos, sel.here = dict(pos), (u, first)
    store_value(sel, plan, vecs, count, at, live=count)


def _lane(sel, plan: Segments, u: int, pos: dict, lane: int, row_desc, fields) -> Reg:
    """Output lane `lane`'s row (of row `u` at position `pos`), its S lanes a block at a time
    over every position of the other reduced ranges, combined lane-wise into one vector
    (the lanes past the row's end of a last, partial block: the identity)."""

    red, g = plan.red, plan.rmpy
    t = red.dtype
    for key, bases in sel.vloads.items():
        if key[0] == "bases" and len(bases) > 1 + MAX_LIVE_BASES:
            # (rows.py reaches a read from any earlier base register within #s4 vectors; rows
            # far apart would keep all of theirs live: each row reads from the latest few)
            bases[1:] = bases[-MAX_LIVE_BASES:]
    acc = None
    for within in range(0, plan.size, sel.block):
        valid = min(sel.block, plan.size - within)
        blk = None
        for p in _positions(sel.k, plan.others):
            if len(sel.body.insns) > MAX_BODY:
                raise LongRowsUnsupported(f"a loop body of more than {MAX_BODY} instructions (unroll less)")
            sel.inner_pos, sel.here = {**pos, **p, plan.lane: lane}, (u, within)
            if g is not None:
                (ur,) = sel.gen(g.u, sel.lane_name, {})
                vr = None if isinstance(g.v, int) else sel.gen(g.v, sel.lane_name, {})[0]
                if valid < sel.block:  # (lanes past the row: zero, their products add nothing)
                    ur = _first(sel, ur, valid * _elem_bytes(g.u.dtype), sel.vector_const(0, g.u.dtype))
                fresh = acc is None
                if fresh:
                    acc = [sel.reg("V", "row.acc")]
                rmpy_step(sel, sel.body, acc[0], g, ur, vr, fresh=fresh)
                continue
            regs = sel.gen(red.src[0], sel.lane_name, {})
            blk = list(regs) if blk is None else [_op(sel, row_desc, fields, a, b) for a, b in zip(blk, regs)]
        if g is not None:
            continue
        eb = _elem_bytes(t)
        if valid < sel.block:
            identity = sel.vector_const(reduction_row(red.arg[0], t.scalar)[2], t)
            for j, r in enumerate(blk):
                keep = min(max(valid * eb - j * VBYTES, 0), VBYTES)
                blk[j] = identity if keep == 0 else r if keep == VBYTES else _first(sel, r, keep, identity)
        acc = blk if acc is None else [_op(sel, row_desc, fields, a, b) for a, b in zip(acc, blk)]
    one = acc[0]
    for r in acc[1:]:  # (a segment of several vectors: their lanes are all the row's)
        one = _op(sel, row_desc, fields, one, r)
    return one


def _op(sel, row_desc, fields, a: Reg, b: Reg) -> Reg:
    d = sel.reg("V", "row")
    sel.body.add(insn(row_desc.name, d=d, **{fields[0]: a, fields[1]: b}))
    return d


def _first(sel, r: Reg, keep: int, rest: Reg) -> Reg:
    """`r`'s first `keep` bytes, the rest from `rest`: one `vmux` on a byte mask made once a
    section (`vsetq`: a permute, which every row's last block would otherwise repeat)."""
    key = ("first bytes", keep)
    if key not in sel.vloads:
        q = sel.reg("Q", f"first {keep}B")
        sel.body.add(insn("vsetq", d=q, t=sel.scalar_const(keep)))
        sel.vloads[key] = q
    d = sel.reg("V", "masked")
    sel.body.add(insn("vmux", d=d, q=sel.vloads[key], u=r, v=rest))
    return d

