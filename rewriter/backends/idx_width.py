"""How many bits each `idx` value of a loop program needs, and which accesses are in bounds.

`idx` is a mathematical integer (docs/KERNELS.md): `(i * 3074457345618258603) % 16` is
exact in the reference, so emitting every idx node as i64 would silently wrap. Before a
program is emitted, this pass runs the range analysis of the op table (`ops.py` transfer
functions, as `rewriter.ir.ranges` does for scalars) over every node the program computes,
including the lowered ops (`lanes`, `broadcast`, `vload`, `gather`, ...) and vectors
(lane-wise: a vector's interval is the union of its lanes'). Each idx node then gets a
width: 64 bits where its interval fits i64, else the smallest power of two up to
`MAX_BITS` that holds it (LLVM legalizes wide integers; division is a libgcc call). A node
whose interval is unbounded cannot be given a width and is refused with the statement's
location, as is a load or store whose index the analysis cannot keep inside the buffer:
the emitted code never checks indices at run time, so it must never need to.
"""
from __future__ import annotations

from rewriter.errors import SourceError
from rewriter.ir.ops import OPS
from rewriter.ir.uop import UOp
from rewriter.lower.program import AccInit, AccUpdate, Loop, Program, Store, _fmt, walk

Interval = tuple

#: The widest integer an idx value is computed in (wider intervals are refused).
MAX_BITS = 256


class IndexRangeError(SourceError):
    """An idx value or an access index the emitter cannot prove representable / in bounds."""


def _full(t) -> Interval:
    s = t.scalar
    if s.is_int or s.is_bool:
        return (s.min, s.max)
    return (None, None)


def interval(u: UOp, cache: dict, accs: dict | None = None) -> Interval:
    """Inclusive interval of every lane of `u` (None: unbounded or not an integer);
    `accs` maps accumulator names to the interval of every value they hold."""
    for node in u.toposort():
        if node not in cache:
            cache[node] = _node_interval(node, cache, accs or {})
    return cache[u]


def _node_interval(node: UOp, out: dict, accs: dict) -> Interval:
    t = node.dtype.scalar
    if t.is_float:
        return (None, None)
    op = node.op
    if op == "const":
        return (int(node.arg), int(node.arg))
    if op == "var":
        lo, hi = _full(t)
        a = node.arg
        return (a.lo if a.lo is not None else lo, a.hi if a.hi is not None else hi)
    if op == "lanes":
        return (0, node.dtype.lanes - 1)
    if op == "broadcast":
        return out[node.src[0]]
    if op == "acc" and node.arg in accs:
        return accs[node.arg]
    if op == "hreduce" and node.src[0].op == "acc" and node.src[0].arg in accs:
        # The lanes hold partial folds of disjoint parts of the reduction; their fold is a
        # fold of the whole, which the accumulator's interval already bounds.
        return accs[node.src[0].arg]
    if op in ("load", "vload", "gather", "acc", "hreduce"):
        return _full(t)  # a buffer element (or an unknown accumulator): its type's range
    opdef = OPS.get(op)
    if opdef is None or opdef.range is None or any(s.dtype.scalar.is_float for s in node.src):
        return _full(t)
    lo, hi = opdef.range(t, *[out[s] for s in node.src], node)
    flo, fhi = _full(t)
    lo = flo if lo is None else (lo if flo is None else max(lo, flo))
    hi = fhi if hi is None else (hi if fhi is None else min(hi, fhi))
    if lo is not None and hi is not None and lo > hi:
        return _full(t)
    return (lo, hi)


def bits_for(iv: Interval) -> int | None:
    """Smallest signed width (64, 128, ...) holding the interval, None if none up to MAX_BITS."""
    lo, hi = iv
    if lo is None or hi is None:
        return None
    bits = 64
    while bits <= MAX_BITS:
        if -(1 << (bits - 1)) <= lo and hi < (1 << (bits - 1)):
            return bits
        bits *= 2
    return None


class IndexWidths:
    """Widths of the idx nodes of one program, checked once before emission."""

    def __init__(self, prog: Program):
        self.prog = prog
        self.bits: dict[UOp, int] = {}
        self.accs: dict[str, Interval] = {}  # accumulator -> interval of all its values
        self.inits: dict[str, Interval] = {}
        self.acc_bits: dict[str, int] = {}  # accumulator -> width of its slot
        body = prog.body
        for k, s in enumerate(body):
            loc = next((x.loc for x in walk(body[k:]) if isinstance(x, Store)), None)
            # One loop nest at a time: a loop variable with step w only takes the values
            # 0, w, ..., stop - w (so `broadcast(i) + lanes` stays below stop), and the same
            # range may be vectorized in one nest and not in another.
            self.cache = {lp.var: (0, lp.stop - lp.step) for lp in walk((s,)) if isinstance(lp, Loop)}
            for stmt, loops in _nest((s,), ()):
                self._check_stmt(stmt, loops, loc)

    def width(self, u: UOp) -> int:
        """The LLVM width of idx node `u` (64 for anything not checked here)."""
        return self.bits.get(u, 64)

    def op_width(self, u: UOp) -> int:
        """The width `u` is computed in: wide enough for its result and its idx operands."""
        ws = [self.width(s) for s in u.src if s.dtype.scalar.is_idx]
        if u.dtype.scalar.is_idx:
            ws.append(self.width(u))
        return max(ws, default=64)

    # -- checks ------------------------------------------------------------------------------
    def _check_stmt(self, s, loops, loc):
        if isinstance(s, Loop):
            return
        if isinstance(s, AccInit):
            self.inits[s.name] = interval(s.value, self.cache, self.accs)
        if isinstance(s, AccUpdate) and s.value.dtype.scalar.is_idx:
            self.accs[s.name] = self._acc_interval(s, loops)
        roots = [s.value] + ([s.index] if isinstance(s, Store) else [])
        for root in roots:
            for node in root.toposort():
                self._check_node(node, loc)
        if isinstance(s, Store):  # a vector store at a scalar index writes `lanes` elements
            extent = s.value.dtype.lanes if s.index.dtype.lanes == 1 else 1
            self._check_access(s.buffer, s.index, loc, extent)

    def _acc_interval(self, s, loops) -> Interval:
        """Every value an idx accumulator takes: `acc = comb(acc, body)` folds at most
        `count` body values (the reduce loops' trip counts) into its initial value."""
        comb, body = s.value.op, s.value.src[1]
        lo, hi = interval(body, self.cache, self.accs)
        ilo, ihi = self.inits.get(s.name, (None, None))
        if None in (lo, hi, ilo, ihi):
            return (None, None)
        if comb == "add":
            count = 1
            for lp in loops:
                if lp.kind == "reduce":
                    count *= lp.stop
            return (ilo + min(0, count * lo), ihi + max(0, count * hi))
        return (min(lo, ilo), max(hi, ihi))  # max / min stay within the values folded

    def _check_node(self, node: UOp, loc):
        if node.dtype.scalar.is_idx:
            iv = interval(node, self.cache, self.accs)
            bits = bits_for(iv)
            if bits is None:
                raise IndexRangeError(
                    f"cannot bound the index arithmetic '{_show(node)}' (it ranges over "
                    f"[{_bound(iv[0])}, {_bound(iv[1])}]): idx values are computed exactly, in at "
                    f"most {MAX_BITS} bits", loc)
            self.bits[node] = max(bits, self.bits.get(node, 64))
            if node.op == "acc":
                self.acc_bits[node.arg] = max(bits, self.acc_bits.get(node.arg, 64))
        if node.op in ("load", "vload", "gather"):
            extent = node.dtype.lanes if node.op == "vload" else 1
            self._check_access(node.arg, node.src[0], loc, extent)

    def _check_access(self, buffer: str, index: UOp, loc, extent: int = 1):
        """Every element from `index` to `index + extent - 1` lies in the buffer."""
        size = self.prog.kernel.buffer(buffer).size
        lo, hi = interval(index, self.cache, self.accs)
        if lo is None or hi is None or lo < 0 or hi + extent - 1 >= size:
            raise IndexRangeError(
                f"cannot prove the index of '{buffer}' stays in [0, {size - 1}] (it ranges over "
                f"[{_bound(lo)}, {_bound(hi)}]); compiled code does not check indices at run time: "
                f"bound it, e.g. with '% {size}' or min/max", loc)


def _nest(stmts, loops):
    """Every statement with the loops that enclose it, outermost first."""
    for s in stmts:
        yield s, loops
        if isinstance(s, Loop):
            yield from _nest(s.body, loops + (s,))


def _bound(v) -> str:
    return "unbounded" if v is None else str(v)


def _show(u: UOp) -> str:
    return _fmt(u)



class I64Widths:
    """Every idx value at 64 bits: the GPU emitters' contract. Their lowering
    (`rewriter/lower/gpu.py`) builds idx terms from thread ids and strides bounded by the
    buffers, all far below 2**63; the GPU program is not a loop `Program`, so `IndexWidths`
    does not analyse it."""

    acc_bits: dict = {}

    def width(self, u: UOp) -> int:
        return 64

    def op_width(self, u: UOp) -> int:
        return 64
