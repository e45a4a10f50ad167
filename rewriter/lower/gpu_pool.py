"""The `window-direct` strategy of the GPU lowering: window reductions whose windows do not
overlap along x (pooling: stride >= window width along x), read straight from global memory.

    out[..., y, x] = reduce(f(W[lead(y, r...), sx*x + c(r...)], invariants), r...)
    with  max(c) - min(c) < sx          (no two outputs along x share an input element)

Staging a shared tile (`window-tiled`, gpu_tiles.py) pays when neighbouring outputs re-read
each other's inputs (conv3x3). Here they do not: every input element along x belongs to
one output, so a tile only adds a barrier, shared-memory traffic and (WebGPU) 32-bit carriers
for u8 data. Instead each thread computes W adjacent outputs along x:

  * each input row of its windows (each distinct `lead` index) is ONE contiguous vector load
    of L = W*sx elements (`vload`: for maxpool2x2 u8 with W = 8, 16 bytes = `ld.global.nc.v4`
    on CUDA, one `vec4<u32>` on WebGPU);
  * the reduction along x de-interleaves lanes: the window's column offset o takes lanes
    o, o + sx, ..., o + (W-1)*sx of a row (`vshuffle`, LLVM's shufflevector: `prmt` on PTX; on
    WebGPU a byte permutation of packed words, `backends/wgsl.py`);
  * the W results are one vector store (W*1 byte >= 4 for W >= 4: whole words, so WebGPU
    needs no atomics).

Fold order. For integer reductions (sum wraps, max, min: exactly associative and
commutative) over a rectangular window whose term depends on the window element only, the
rows are folded first, lane-wise over whole row vectors (packed words at a time on WebGPU,
`wgsl_swar`), and the x offsets after: max(max(r0, r1)[even], max(r0, r1)[odd]) for
maxpool2x2. Any other case (float reductions, whose result depends on the order; terms
that read the reduce variables otherwise, e.g. weights) folds the window's elements in the
reference interpreter's order from its first element, so float max/min/sum are bit-exact
with the reference.

W: a small cost model over the target's `GpuSpec` (`_choose_width`): W is a power of two
dividing the x extent, a row load fits one vector (W*sx*elem <= vector_bytes, or the
target's `row_load_bytes`; `window_outputs` forces W where legal), a thread's
outputs fit 16 registers; ranked by (stores narrower than `store_bytes`, -bytes in flight,
memory instructions per output). The bytes in flight are the resident threads (the SMs'
thread and block limits, with `_block_size`'s block) times each thread's row loads, all
issued before the first is used: a bandwidth-bound kernel needs enough of them to cover the
DRAM latency (Little's law; the resident warps are what hides latency: CUDA C++ Programming
Guide, "Performance Guidelines / Maximize Utilization / Multiprocessor Level"), so 2 bytes
a thread (W = 1, maxpool) starves the memory system where 32 do not. Adjacent threads read
adjacent vectors, so every warp access is coalesced (CUDA C++ Best Practices Guide,
"Coalesced Access to Global Memory"). Ties go to fewer memory instructions.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

from rewriter.ir.analysis import affine, depends, flatten
from rewriter.ir.uop import UOp, var
from rewriter.kernel.kernel import REDUCTIONS
from rewriter.lower.gpu_ops import GpuSpec, _block_size, _c, _decompose, _reduce_of, iadd, ilt, imul
from rewriter.lower.gpu_program import CTAID, TID, If, Launch
from rewriter.lower.lower import _Lowerer
from rewriter.lower.program import Store

#: The most window elements a thread folds (the fold is unrolled straight-line code).
MAX_TERMS = 64
#: The most bytes of outputs a thread keeps (16 32-bit registers, as `gpu._vector_width`).
MAX_OUTPUT_BYTES = 64


def _bytes(t) -> int:
    return max(1, t.scalar.bits // 8)


def _pow2_part(n: int) -> int:
    return n & -n if n else 1 << 20


@dataclass(frozen=True)
class _Plan:
    """What `_analyze` found in one store."""

    names: list  # the store's index variables; the last is x
    xname: str
    r: UOp  # the reduce node
    kind: str  # its reduction (kernel.REDUCTIONS)
    value: UOp  # the stored value (the reduce plus any epilogue)
    wl: UOp  # the window load
    wbuf: object  # its buffer
    placeholder: UOp  # the variable standing for the window element in the terms
    body_p: UOp  # the reduce body with the window element as `placeholder`
    sx: int  # x stride of the window load
    c1: int  # its constant column offset, shifted to the window's first column
    span: int  # the window's width along x, minus 1 (< sx)
    rows: tuple  # the distinct row (leading) indices of the window, as UOp tuples
    terms: tuple  # (row number, column offset, term) per window element, in the reference's order
    cols: tuple  # the distinct column offsets
    rows_first: bool  # fold rows lane-wise before de-interleaving (see the module docstring)
    out: object  # the output buffer


def _analyze(lw: _Lowerer, st: UOp):
    """A `_Plan` when `st` is a non-overlapping window reduction along its last index, else None."""
    k = lw.k
    *indices, value = st.src
    if not indices or not all(i.op == "var" for i in indices) or len({i.arg.name for i in indices}) != len(indices):
        return None
    names = [i.arg.name for i in indices]
    xname = names[-1]
    r = _reduce_of(value)
    if r is None or r.dtype.is_idx or r.dtype.is_bool:
        return None
    kind, rnames = r.arg
    body = r.src[0]
    window = [u for u in body.toposort() if u.op == "load" and depends(u, xname)]
    if len(window) != 1:
        return None
    wl = window[0]
    if any(n.op == "load" for i in wl.src for n in i.toposort()):
        return None  # indirect indices
    *lead, last = wl.src
    if any(depends(i, xname) for i in lead):
        return None
    a = affine(last)
    if a is None:
        return None
    sx = a.get(xname, 0)
    if sx < 1 or set(a) - {None, xname} - set(rnames):
        return None
    placeholder = var(wl.dtype, "__window")
    body_p = body.substitute({wl: placeholder})
    if any(depends(u, xname) for u in body_p.toposort() if u.op == "load"):
        return None  # another load moving with x: not this strategy's shape
    rvars = [lw.range_var(n) for n in rnames]
    combos = list(itertools.product(*(range(k.range(n).size) for n in rnames)))
    if len(combos) > MAX_TERMS:
        return None
    offs = [sum(a.get(n, 0) * v for n, v in zip(rnames, c)) for c in combos]
    lo, hi = min(offs), max(offs)
    if hi - lo >= sx:
        return None  # windows overlap along x: window-tiled's case
    c1 = a.get(None, 0) + lo
    if c1 < 0:
        return None
    rows: dict = {}
    terms = []
    for c, o in zip(combos, offs):
        sub = {v: _c(val) for v, val in zip(rvars, c)}
        key = tuple(lw.simplify(i.substitute(sub)) for i in lead)
        terms.append((rows.setdefault(key, len(rows)), o - lo, body_p.substitute(sub)))
    cols = sorted({o for _, o, _ in terms})
    rectangular = len({(rw, o) for rw, o, _ in terms}) == len(terms) == len(rows) * len(cols)
    plain = not any(depends(body_p, n) for n in list(rnames) + [xname])
    return _Plan(names=names, xname=xname, r=r, kind=kind, value=value, wl=wl, wbuf=k.buffer(wl.arg),
                 placeholder=placeholder, body_p=body_p, sx=sx, c1=c1, span=hi - lo, rows=tuple(rows),
                 terms=tuple(terms), cols=tuple(cols),
                 rows_first=rectangular and plain and r.dtype.scalar.is_int, out=k.buffer(st.arg))


def _row_length(p: _Plan, w: int, xsz: int) -> int:
    """Elements a thread loads from each row: W*sx (a power of two for maxpool), or just the
    span its windows touch where the last thread's full W*sx would pass the row's end."""
    if p.sx * xsz + p.c1 <= p.wbuf.shape[-1]:
        return w * p.sx
    return (w - 1) * p.sx + p.span + 1


def _choose_width(p: _Plan, xsz: int, outputs: int, spec: GpuSpec):
    """(W, L, block, cost) by the cost model in the module docstring."""
    eb, ob = _bytes(p.wl.dtype), _bytes(p.out.dtype)
    row_mult = math.gcd(p.wbuf.shape[-1], p.c1) if len(p.wbuf.shape) > 1 else p.c1
    best = None
    w = 1
    while w == 1 or (w * p.sx * eb <= max(spec.vector_bytes, spec.row_load_bytes) and w * ob <= MAX_OUTPUT_BYTES):
        if xsz % w == 0 and (not spec.window_outputs or w == spec.window_outputs):
            length = _row_length(p, w, xsz)
            threads = outputs // w
            block, _ = _block_size(threads, spec)
            per_sm = min(spec.blocks_per_sm, spec.threads_per_sm // block) * block
            resident = min(threads, spec.sms * per_sm)
            in_flight = resident * len(p.rows) * length * eb
            # A row load moves pieces as wide as its start's alignment allows (up to a vector).
            piece = min(spec.vector_bytes, eb * _pow2_part(math.gcd(row_mult, p.sx * w)))
            row_instr = -(-length * eb // piece)
            store_instr = -(-w * ob // spec.vector_bytes)
            instr = (len(p.rows) * row_instr + store_instr) / w
            cost = (w * ob < spec.store_bytes, -in_flight, instr)
            if best is None or cost < best[3]:
                best = (w, length, block, cost)
        w *= 2
    if best is None:  # the forced W is not legal here: the model's choice
        return _choose_width(p, xsz, outputs, replace(spec, window_outputs=0))
    return best


def _pick(v: UOp, lanes: list) -> UOp:
    """Lanes `lanes` of vector `v`: itself, one `extract`, or a `vshuffle`."""
    if v.dtype.lanes == 1:
        return v
    if lanes == list(range(v.dtype.lanes)):
        return v
    if len(lanes) == 1:
        return UOp("extract", v.dtype.scalar, (v,), lanes[0])
    return UOp("vshuffle", v.dtype.scalar.vec(len(lanes)), (v,), tuple(lanes))


def _fold(comb: str, vals: list) -> UOp:
    acc = vals[0]
    for v in vals[1:]:
        acc = UOp(comb, acc.dtype, (acc, v))
    return acc


def _window_direct(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    """The launch of a non-overlapping window reduction (module docstring), or None."""
    p = _analyze(lw, st)
    if p is None:
        return None
    k = lw.k
    xsz = k.range(p.xname).size
    outputs = math.prod(k.range(n).size for n in p.names)
    w, length, block, _ = _choose_width(p, xsz, outputs, spec)
    xv = lw.range_var(p.xname)
    dims = [(lw.range_var(n), k.range(n).size, 1) for n in p.names[:-1]] + [(xv, xsz // w, w)]
    threads = outputs // w
    grid = -(-threads // block)
    gid = iadd(imul(CTAID, block), TID)
    et = p.wl.dtype
    col = iadd(imul(xv, p.sx), p.c1)
    rows = []
    for key in p.rows:
        flat = lw.simplify(flatten(list(key) + [col], p.wbuf.shape))
        rows.append(UOp("vload", et.vec(length), (flat,), p.wl.arg) if length > 1 else UOp("load", et, (flat,), p.wl.arg))
    comb, t = REDUCTIONS[p.kind], p.r.dtype

    def lanes(o: int) -> list:
        return [q * p.sx + o for q in range(w)]

    def vectorized(f: UOp, window: UOp, width: int) -> UOp:
        """`f` with the window element `window` (a `width`-lane vector or a scalar), over x."""
        f = lw.simplify(lw.flat_loads(f, {}))
        if width == 1:
            return f.substitute({p.placeholder: window})
        return lw._widen(lw.vec(f, p.xname, width, {p.placeholder: window}), width)

    if p.rows_first:
        whole = _fold(comb, [vectorized(p.body_p, v, length) for v in rows])
        folded = _fold(comb, [_pick(whole, lanes(o)) for o in p.cols])
        order = "rows lane-wise, then x by de-interleaving lanes"
    else:
        folded = _fold(comb, [vectorized(f, _pick(rows[rw], lanes(o)), w) for rw, o, f in p.terms])
        order = "in the reference's order"
    result = UOp("acc", t, (), "__window_fold")
    out = lw.simplify(lw.flat_loads(p.value.substitute({p.r: result}), {}))
    out = out.substitute({result: folded}) if w == 1 else lw._widen(lw.vec(out, p.xname, w, {result: folded}), w)
    stmts = tuple(_decompose(gid, dims)) + (Store(p.out.name, lw.simplify(flatten([lw.range_var(n) for n in p.names],
                                                                                   p.out.shape)), out),)
    if grid * block != threads:
        stmts = (If(ilt(gid, threads), stmts),)
    notes.append(f"{name}: window-direct (windows disjoint along '{p.xname}', stride {p.sx}), {w} adjacent outputs "
                 f"a thread, {len(p.rows)} row load(s) of {length} x {et} each, folded {order}; "
                 f"{threads} threads of {block} x {grid} blocks")
    return [Launch(name, grid, block, stmts, (), "window-direct", ((p.xname, w),) if w > 1 else ())]
