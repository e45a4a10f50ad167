"""The "warp-rows" GPU strategy: many short or medium rows, each reduced along its contiguous
axis by a group of G lanes of one warp (G a power of two, 1..32), with vector loads and a
shuffle fold inside the group: gemv (`out[r] = sum(a[r, k] * v[k], k)`), row sums, minima,
means. One launch, no shared memory, no barrier.

Why not a block per row (lower/gpu.py's "block-reduce"): a row of a few hundred bytes gives a
block of 32 threads one 16-byte load each, the SM then holds 32 blocks = 1024 threads (half
its threads) and every row pays a barrier and a trip through shared memory. Here a warp
holds 32/G rows, a block of 256 threads 256/G of them, and each thread may take R rows.

The shape of a launch, by a cost rule over the row length and the row count (`row_plan`):

  * w: elements a vector load moves, the widest power of two that keeps each lane's load
    within 16 bytes of the narrowest loaded type, divides the row and keeps every load that
    moves along the row aligned (its other coefficients and offset are multiples of w);
  * G: the fewest lanes whose loads together cover min(row, 128 bytes): one warp instruction
    then reads whole cache lines (coalescing); doubled (up to 32, and no further than the
    row has vectors) while the groups cannot fill the machine (rows x G < SMs x resident
    threads). A row that would still leave lanes with more than `MAX_LOADS` loads each, or
    whose rows cannot fill the machine with whole warps while the row has more vectors than
    a warp has lanes, is long: a block per row (block-reduce) takes it. Rows shorter than a
    32-byte sector, or read in one load, stay with the map (a warp of map threads reads 32
    adjacent rows), and so do windows that slide with the row (`x[i + k]`: a stencil);
  * R: rows a thread, the largest power of two (<= 8) dividing the row count that keeps one
    full wave of threads and at most `MAX_LOADS` loads a thread: more loads in flight
    (Little's law: the DRAM latency is covered by bytes in flight), and loads that do not
    move with the row (gemv's vector) are made once for the R rows and kept in registers.

A thread's work is straight-line code: for each of its iters chunks along the row (lane
`l` of the group takes vectors l, l + G, ...; a chunk past the row's last vector loads the
last one again and contributes the reduction's identity), for each of its R rows, one
vector load folded into a scalar accumulator (`hreduce`: integer sums are exact in any
order; float sums are reassociated as every split reduction is, docs/GPU.md). All loads come
before the folds, then log2(G) shuffle-down steps per row and the group's first lane stores
the epilogue. Rows are interleaved (row = slot x groups + group), so the groups of one warp
read adjacent rows at the same time.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rewriter.ir.analysis import affine, depends, flatten
from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS
from rewriter.lower.gpu_ops import GpuSpec, _c, _decompose, _reduce_of, iadd, idiv, ieq, ilt, imod, imul
from rewriter.lower.gpu_program import CTAID, TID, If, Launch, Let
from rewriter.lower.lower import _Lowerer, split_identity
from rewriter.lower.program import AccInit, AccUpdate, Store

#: The most vector loads one thread makes (all unrolled, all in flight before the folds).
MAX_LOADS = 16
#: A cache line: the bytes one group's load should cover for coalesced warp instructions.
LINE = 128
#: The least row (bytes) worth a group of lanes: a DRAM sector.
SECTOR = 32
#: Threads a block.
BLOCK = 256


@dataclass(frozen=True)
class RowPlan:
    w: int  # elements a vector load
    lanes: int  # G: lanes a row
    rows_per_thread: int  # R
    iters: int  # vector loads a lane per row
    chunks: int  # vector loads a row


def row_plan(rows: int, size: int, w: int, vbytes: int, spec: GpuSpec) -> RowPlan | None:
    """The launch shape for `rows` rows of `size` elements read `w` (`vbytes` bytes) a load,
    or None where a block per row fits better (module docstring)."""
    chunks = size // w
    machine = spec.sms * spec.threads_per_sm
    reach = 1 << max(0, (chunks - 1).bit_length())  # the fewest lanes for one load each
    g = 1
    while g < spec.warp and g * vbytes < min(chunks * vbytes, LINE):
        g *= 2
    while g < min(spec.warp, reach) and rows * g < machine:
        g *= 2
    iters = -(-chunks // g)
    if iters > MAX_LOADS or (rows * g < machine and chunks > g):
        return None  # long rows (or too few to fill the machine by warps): a block per row
    r = 1
    while (r * 2 <= 8 and rows % (r * 2) == 0 and rows // (r * 2) * g >= machine
           and r * 2 * iters <= MAX_LOADS):
        r *= 2
    return RowPlan(w, g, r, iters, chunks)


def _load_width(body: UOp, rname: str, size: int, spec: GpuSpec) -> int:
    """w (module docstring), 0 where a load moving with the row is not contiguous in it."""
    loads = [n for n in body.toposort() if n.op == "load" and depends(n.src[0], rname)]
    if not loads:
        return 0
    g = size
    for n in loads:
        a = affine(n.src[0])
        if a is None or a.get(rname) != 1:
            return 0
        for name, c in a.items():
            if name != rname:
                g = math.gcd(g, c)
    narrow = min(n.dtype.scalar.bits for n in loads) // 8
    w = max(1, spec.vector_bytes // max(1, narrow))
    while w > 1 and g % w:
        w //= 2
    return w


def _distinct_rows(body: UOp, rname: str, size: int, par: list) -> bool:
    """Whether every load moving along the row reads rows of its own: each of its row
    coefficients at least the row's length (a matrix), or none (gemv's vector, shared by
    every row). A window that slides with the row (`x[i + k]`) is a stencil, not rows."""
    own = False
    for n in body.toposort():
        if n.op != "load" or not depends(n.src[0], rname):
            continue
        a = affine(n.src[0])
        coefs = [abs(a.get(p, 0)) for p in par if a.get(p, 0)]
        if any(c < size for c in coefs):
            return False
        own = own or bool(coefs)
    return own


def _warp_rows(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    if not spec.shuffles:
        return None  # the group fold is a warp shuffle
    k = lw.k
    buf, indices, value = lw.flat_store(st)
    r = _reduce_of(value)
    if r is None or len(r.arg[1]) != 1:
        return None
    kind, (rname,) = r.arg
    t = r.dtype
    if t.scalar.bits > 32 or t.is_bool or t.is_idx or t.lanes > 1:
        return None  # shuffles move 32-bit registers
    size = k.range(rname).size
    body = r.src[0]
    w = _load_width(body, rname, size, spec)
    if not w:
        return None
    used = {v.arg.name for i in indices for v in i.vars()}
    par = [rd.name for rd in k.ranges if rd.name in used]
    narrow = min(n.dtype.scalar.bits for n in body.toposort() if n.op == "load" and depends(n.src[0], rname)) // 8
    if not _distinct_rows(body, rname, size, par) or size // w < 2 or size * max(1, narrow) < SECTOR:
        # overlapping rows (a sliding window), a row in one load, or rows shorter than a sector
        # (a warp of map threads, a row each, reads 32 adjacent rows): the map's
        return None
    dims = [(lw.range_var(p), k.range(p).size, 1) for p in par]
    rows = math.prod(c for _, c, _ in dims) if dims else 1
    plan = row_plan(rows, size, w, w * max(1, narrow), spec)
    if plan is None:
        return None
    g, rr, iters, chunks = plan.lanes, plan.rows_per_thread, plan.iters, plan.chunks
    groups = rows // rr  # rows a slot: row = slot * groups + group
    block = BLOCK
    while block > spec.warp and (groups * g) % block:
        block //= 2
    grid = -(-groups * g // block)
    ragged = grid * block > groups * g
    comb = REDUCTIONS[kind]
    ident = const(t, split_identity(kind, t))
    flat = lw.simplify(flatten(indices, buf.shape))
    lane = imod(TID, g)
    group = iadd(imul(CTAID, block // g), idiv(TID, g))
    if ragged:  # surplus groups redo the last row (every lane takes part in the shuffles)
        group = UOp("min", idx, (group, _c(groups - 1)))
    gvar = var(idx, "__group", 0, groups - 1)
    jvar = lw.range_var(rname)
    rowv = var(idx, "__row", 0, rows - 1)
    vbody = lw.vec(body, rname, w, {}) if w > 1 else body
    if w > 1 and vbody.dtype.lanes == 1:
        vbody = UOp("broadcast", t.vec(w), (vbody,))
    term = UOp("hreduce", t, (vbody,), comb) if w > 1 else vbody
    stmts: list = [Let(gvar, group)]
    stmts += [AccInit(f"part{q}", t, ident) for q in range(rr)]
    for it in range(iters):
        chunk = iadd(lane, it * g)
        partial = (it + 1) * g > chunks
        at = UOp("min", idx, (chunk, _c(chunks - 1))) if partial else chunk
        stmts.append(Let(jvar, imul(at, w)))
        for q in range(rr):
            stmts += [Let(rowv, iadd(gvar, q * groups)), *_decompose(rowv, dims)]
            got = UOp("where", t, (ilt(chunk, chunks), term, ident)) if partial else term
            stmts.append(AccUpdate(f"part{q}", UOp(comb, t, (UOp("acc", t, (), f"part{q}"), got))))
    for q in range(rr):
        a = UOp("acc", t, (), f"part{q}")
        off = g // 2
        while off:
            stmts.append(AccUpdate(f"part{q}", UOp(comb, t, (a, UOp("shfl", t, (a, _c(off)), "down")))))
            off //= 2
    lead = ieq(lane, 0)
    if ragged:
        lead = UOp("and", lead.dtype, (lead, ilt(iadd(imul(CTAID, block // g), idiv(TID, g)), groups)))
    tail: list = []
    for q in range(rr):
        tail += [Let(rowv, iadd(gvar, q * groups)), *_decompose(rowv, dims),
                 Store(buf.name, flat, value.substitute({r: UOp("acc", t, (), f"part{q}")}))]
    stmts.append(If(lead, tuple(tail)))
    notes.append(f"{name}: warp-rows, {rows} rows of {size} ({chunks} loads of {w}): {g} lanes a row, "
                 f"{rr} row(s) a thread, {iters} load(s) a lane a row; {grid} blocks of {block}")
    return [Launch(name, grid, block, tuple(stmts), (), "warp-rows", ((rname, w),) if w > 1 else ())]
