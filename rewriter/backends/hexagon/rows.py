"""The general HVX lowering: any nest of stores whose values are lane-wise (after small
reductions are unrolled), at any size, as one hardware loop over vector blocks.

The shape-specific strategies of `selection.py` (vrmpy dot products, transposes) come
first; this is what covers everything else of that kind, with no fixed size (byte windows:
`window.py`; long reductions over vectors: `accumulate.py`; byte matrix products by
k-quads: `rowquads.py`):

  * **Lanes.** The store's innermost range (coefficient 1 in its buffer) is the lane
    dimension; outer ranges join it while every access walks them contiguously too
    (`out[y, x]` over whole rows of every buffer is one range of `Y*X` lanes). A block is
    128 bytes of the narrowest type in the nest (`select.Selector.nvec`).
  * **Accesses.** Each load's flat index is affine in the store's ranges; per access, its
    coefficient on the lane range picks the load: 1 reads a vector (aligned `vmem`, two
    aligned loads and a `valign`, or `vmemu` where the alignment is not known at compile
    time), 0 reads one element and splats it (`memub`.. + `vsplat`; hoisted to the
    prologue where the pointer never moves), 2 reads two vectors and keeps the even lanes
    (`vpacke`: stride-2 windows, decimation; 4 and 8 by rounds of them), 3..8 otherwise a
    compile-time gather of the s vectors around the elements (`permute.py`: channels-last
    pixels).
  * **Index division.** An index dividing a range by a constant (`x[i / 2]`) is made affine
    first by splitting the range (`split.py`); a split lane range's stores, a lane apart,
    are interleaved by `vshuff` (or a gather where they are not a power of two). A small
    innermost store range that the accesses do not walk with the next one (a pixel's
    channels) becomes constants first, so its stores interleave the same way (`permute.py`).
  * **Loop.** With no outer range left, the loop runs over blocks; otherwise the outer
    ranges fuse into one row index (they must walk every buffer row-major) and the loop runs
    over rows, each iteration computing the whole row (at most `MAX_ROW_BLOCKS` blocks).
  * **Tails.** A row or range that is not a multiple of the block ends with one block that
    overlaps the one before (it ends on the last lane): recomputing lanes is harmless because
    no store's buffer is read by the nest. Blocks left over by unrolling go to the epilogue.
  * **Values.** Small reductions (`sum`, `reduce_max`, `reduce_min` over constant ranges, at
    most `MAX_TERMS` terms) become their terms; the rest is `Selector.gen`: the portable and
    the Hexagon target rules, then the ISA table's lane-wise rows.

Anything else raises `HexagonUnsupported` naming it, and the target falls back to LLVM.
"""
from __future__ import annotations

import itertools
import math

from rewriter.backends.hexagon.accumulate import accumulates, lower_accumulation
from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.newstore import fuse_new_value_stores
from rewriter.backends.hexagon.permute import MAX_STRIDE, unroll_channels
from rewriter.backends.hexagon.reduce import fold_all, reduction_row, regroup_rmpy, rmpy_step
from rewriter.backends.hexagon.remat import sink_constants
from rewriter.backends.hexagon.rowmemory import RowMemory
from rewriter.backends.hexagon.rowquads import quad_sum
from rewriter.backends.hexagon.rowtree import LongRowsUnsupported, lower_long_segments
from rewriter.backends.hexagon.segments import lower_segments, segment_plan
from rewriter.backends.hexagon.select import (
    VBYTES,
    SELECTION_FORMS,
    FormNotApplicable,
    SelectionRewriter,
    Selector,
    _elem_bytes,
    substitute,
)
from rewriter.backends.hexagon.rowtables import lane_types
from rewriter.backends.hexagon.split import interleave, split_divided_ranges, store_groups
from rewriter.backends.hexagon.streams import MAX_BODY, Stream
from rewriter.backends.hexagon.tmpy import gen_tmpy, linear_terms, rest_term, widening
from rewriter.backends.hexagon.tmpy import groups as tmpy_groups
from rewriter.backends.hexagon.window import gen_window, window_plan
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS

#: The most terms an unrolled reduction may have (a 5x5 window is 25; a longer one is a lane
#: reduction where its range can be the lanes, else refused).
MAX_TERMS = 32
#: The most blocks one row may take when the loop runs over rows (the row is unrolled).
MAX_ROW_BLOCKS = 8
#: Positions of the ranges between the row and the lanes that one row's body unrolls.
MAX_INNER_POSITIONS = 16
#: Loaded vectors the next position may share with the ones before it (more: loaded again).
MAX_SHARED_VECTORS = 16


class RowSelector(RowMemory, Selector):
    """`Selector` with the general addressing of the module docstring (`rows()`)."""

    #: Whether segments longer than a block (or not powers of two) are `rowtree.py`'s.
    long_segments = True
    #: Whether short segments that are not a power of two are left to the gathers (permute.py)
    #: first; `gathered_segments` says a nest was, so `rows()` retries it with the tree.
    gather_segments = True
    gathered_segments = False
    #: Lanes of the block whose values are stored (None: all); loads leave the vectors past
    #: them out (`rowtree.py`'s partial chunks: a vector there may be past the buffer's end).
    live_lanes = None
    #: Lanes of the current block that are stored (None: all): a partial row's block; reads
    #: walking backwards read only these (their other lanes would be below the row).
    valid_lanes = None
    #: Which of `_split_rows`' candidates this selector takes, and whether more are left.
    split_pick, more_splits = 0, False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.args = (args, kwargs)
        #: Vectors whose aligned stores may bundle with the vshuff that makes them (window.py's
        #: results: there the stores' VA units are what the multiplies need; elsewhere, a
        #: transpose's or an interleave's, slot 0 is what limits, and a bundle takes it too).
        self.fusable: set = set()

    def rows(self) -> MachineFunction:
        """The machine function of the kernel by the general lowering. Its forms: "native",
        and "unaligned" (reads off the vector grid by `vmemu` rather than `valign`), which
        the global scheduler tries as an alternative where it changes something."""
        try:
            mf = self._rows()
        except LongRowsUnsupported as e:
            # (the transposing tree cannot cover it: a long reduction along rows as its own
            # lane reduction, a vror tree a row)
            return self._retry(e, long_segments=False)
        except FormNotApplicable:
            raise
        except HexagonUnsupported as e:
            if self.more_splits:  # (another split of the rows and the unrolled positions)
                return self._retry(e, split_pick=self.split_pick + 1)
            if not self.gathered_segments:
                raise
            # (the gathers could not cover these segments: the transposing tree may)
            return self._retry(e, gather_segments=False)
        if self.form != "native" and not (self.slid if self.sliding else self.changed):
            raise FormNotApplicable(f"the selection form '{self.form}' changes nothing here")
        return mf

    def finish(self, trip: int) -> MachineFunction:
        for block in (self.body, self.epi):  # (a window's vshuff and its store: one packet, newstore.py)
            fuse_new_value_stores(block, self.fusable)
        sunk = sink_constants(self.pro, self.body, self.epi, len(self.k.buffers), self.reg) if trip > 1 else 0
        if sunk:  # (more scalar constants than the loop has registers for: remat.py)
            self.notes.append(f"{sunk} scalar constant(s) set where the loop reads them (remat.py)")
        return super().finish(trip)

    def _retry(self, error: HexagonUnsupported, **flags) -> MachineFunction:
        """`rows()` again on a fresh selector with `flags` set; where that fails too, the
        first attempt's `error` is the reason given (a form that does not apply stays so)."""
        retry = type(self)(*self.args[0], **self.args[1])
        # (the flags of this attempt carry over: each retry changes one more, so they end)
        for name in ("long_segments", "gather_segments", "split_pick"):
            setattr(retry, name, getattr(self, name))
        for name, value in flags.items():
            setattr(retry, name, value)
        try:
            return retry.rows()
        except FormNotApplicable:
            raise
        except HexagonUnsupported:
            raise error from None

    def _rows(self) -> MachineFunction:
        if self.form not in SELECTION_FORMS and self.choice is None:
            raise FormNotApplicable(f"the selection form '{self.form}' is not one the general lowering has")
        if any(b.dtype.is_float for b in self.k.buffers):
            raise HexagonUnsupported("floating-point buffers (v66 HVX has no float lanes)")
        # (index divisions made affine: split.py; a small channel range unrolled: permute.py)
        k = self.k = unroll_channels(split_divided_ranges(self.k))
        stores = self._inline_temps(list(k.stores))
        written = {st.arg for st in stores}
        self.store_forms = [self._store_form(st) for st in stores]
        self.store_names = {n for n in self.store_forms[0] if n is not None}
        if any({n for n in f if n is not None} != self.store_names for f in self.store_forms):
            raise HexagonUnsupported("stores over different ranges")
        self.regroup_rw = self.rw  # every target rule: a lane reduction's vrmpy (reduce.regroup_rmpy)
        self.windows = None  # the regrouping rules (window.py), once the lanes are known
        if isinstance(self.rw, SelectionRewriter):
            self.windows = self.rw.regroup
            self.rw = self.rw.lanewise
            self.plain_rw = self.plain_rw.lanewise
        plan = segment_plan(self, stores, MAX_TERMS)  # (segments.py: each lane reduces S input lanes)
        if plan is not None:
            return (lower_long_segments if plan.long else lower_segments)(self, plan)
        self.lane_reduce = self._lane_reduction(stores)
        values = []
        for st in stores:
            simple = self.simplify(self.unroll_small(self.flat_loads(st.src[-1]), self._long_window))
            value = self.rw.normalize(simple)
            if any(n.op == "load" and n.arg in written for n in value.toposort()):
                raise HexagonUnsupported("a store whose buffer the kernel reads")
            if self.choice is not None and value != self.base_rw.lanewise.normalize(simple):
                self.changed += 1  # (the choice's rules rewrote the term)
            values.append(value)
        accesses = self._accesses(stores, values)
        if self.lane_reduce is not None and accumulates(self, stores, accesses):
            return lower_accumulation(self, stores, values, accesses)  # (the lanes: the store's)
        outer, lanes, width = self._lane_ranges(stores, accesses)
        outer, self.inner = self._split_rows(accesses, outer)
        self.inner_pos: dict = {}
        self.groups = store_groups(stores, self.store_forms, lanes[-1], lambda b: _elem_bytes(k.buffer(b).dtype))
        if any(g.factor > 1 for g in self.groups):  # (the notes: how each interleaves)
            how = {g.buffer: "a gather (permute.py)" if g.factor & (g.factor - 1) else "vshuff (split.py)"
                   for g in self.groups if g.factor > 1}
            self.notes += [f"{b}: stores a lane apart interleaved by {h}" for b, h in how.items()]
        rows = 1
        for n in outer:
            rows *= k.range(n).size
        streams = self._streams(accesses, outer, lanes)
        types = lane_types(*values)
        types += [k.buffer(st.arg).dtype for st in stores]
        self.block = VBYTES // min(_elem_bytes(t) for t in types)
        # Predicate registers the gathers' byte masks may hold through the loop: all but the
        # compares' one rotating register, or one where partial stores take three at once.
        partial = self.lane_reduce is not None or width < self.block
        self.q_fixed_budget = MODEL.predicate_registers - (3 if partial else 1)
        self.lane_var = lanes[-1]
        self.window_plans: dict = {}
        if self.block == VBYTES and self.windows is not None and not self.tmpy:
            # (under a choice that takes vtmpy, a word window's rows are its three-tap groups)
            # Byte windows stay reductions, regrouped onto vrmpy where generated (window.py).
            kept = [self.rw.normalize(self.simplify(self.unroll_small(self.flat_loads(st.src[-1]), self._window)))
                    for st in stores]
            if any(n.op == "reduce" and self._window(n) for v in kept for n in v.toposort()):
                values = kept
        lane_name = "_".join(lanes)
        self.lane_name = lane_name
        self.streams = streams
        self.vloads: dict = {}
        self.sloads: dict = {}
        if rows == 1 and width >= self.block and self.lane_reduce is None and not self.inner:  # over blocks
            blocks = width // self.block
            trip = blocks // self.unroll
            if trip == 0:
                raise HexagonUnsupported(f"unrolling {blocks} blocks by {self.unroll}")
            step = self.unroll * self.block
            self._set_reach(trip, {b: s.lane * step for b, s in streams.items()})
            for u in range(self.unroll):
                self._block(stores, values, 0, u * self.block)
            self._advance({b: s.lane * step for b, s in streams.items()})
            self.body, body = self.epi, self.body  # the leftover blocks and the tail: epilogue
            self.vloads = {}
            for j in range(blocks - trip * self.unroll):
                self._block(stores, values, 0, j * self.block)
            if width % self.block:
                self._block(stores, values, 0, width - self.block - trip * step)
            self.body = body
            self.notes.append(f"{'; '.join(dict.fromkeys(st.arg for st in stores))}: {trip} iterations of "
                              f"{self.unroll} x {self.block} lanes over {lane_name}"
                              + (f", the last {width % self.block} lanes by an overlapping block"
                                 if width % self.block else ""))
            return self.finish(trip)
        nblocks = -(-width // self.block)
        if nblocks > MAX_ROW_BLOCKS:
            raise HexagonUnsupported(f"rows of {width} lanes ({nblocks} blocks; nested loops)")
        positions = [dict(zip(self.inner, p)) for p in itertools.product(*(range(k.range(n).size) for n in self.inner))]
        if rows % self.unroll:
            raise HexagonUnsupported(f"unrolling {rows} rows by {self.unroll}")
        offsets = [j * self.block for j in range(width // self.block)]
        if width % self.block and width > self.block:
            offsets.append(width - self.block)
        self._set_reach(rows // self.unroll, {b: s.row * self.unroll for b, s in streams.items()})
        if self.lane_reduce is not None:
            if self.inner:
                raise HexagonUnsupported(f"a long reduction in a nest over {', '.join(self.inner)} (nested loops)")
            (st,), (value,) = stores, values
            for u in range(self.unroll):
                self.here = (u, 0)
                regs = self.gen(value, self.lane_name, {})
                out = self.k.buffer(st.arg)
                eb = _elem_bytes(out.dtype)
                self._partial_store(st.arg, u * streams[st.arg].row * eb, regs[0], eb)
            self._advance({b: s.row * self.unroll for b, s in streams.items()})
            kind = self.lane_reduce.arg[0]
            self.notes.append(f"{st.arg}: {rows // self.unroll} iterations of {self.unroll} row(s), each a {kind} "
                              f"over {width} lanes of {lane_name} in {-(-width // self.block)} block(s) of "
                              f"{self.block}, folded by a vror tree, one element stored")
            return self.finish(rows // self.unroll)
        for u in range(self.unroll):
            for pos in positions:
                self.inner_pos = pos
                if self.inner and sum(key[0] in ("v", "grid") for key in self.vloads) > MAX_SHARED_VECTORS:
                    self.vloads = {}  # (loaded again: sharing them all would hold too many registers)
                for o in offsets:
                    self._block(stores, values, u, o)
                if width < self.block:  # one block, its first `width` lanes stored
                    self._block(stores, values, u, 0, valid=width)
        self.inner_pos = {}
        self._advance({b: s.row * self.unroll for b, s in streams.items()})
        self.notes.append(f"{'; '.join(dict.fromkeys(st.arg for st in stores))}: {rows // self.unroll} iterations of "
                          f"{self.unroll} row(s) over {'_'.join(outer) or 'one row'}, each "
                          + (f"{len(positions)} positions of {', '.join(self.inner)} (unrolled) x " if self.inner else "")
                          + f"{max(len(offsets), 1)} block(s) of "
                          f"{self.block} lanes over {lane_name}"
                          + (" (the last overlapping)" if width % self.block and width > self.block else "")
                          + (f", {width} lanes stored by predicated stores" if width < self.block and any(
                              width * streams[g.buffer].lane * _elem_bytes(k.buffer(g.buffer).dtype) % VBYTES
                              for g in self.groups) else ""))
        return self.finish(rows // self.unroll)

    def _inline_temps(self, stores: list) -> list:
        """The stores with every temporary computed where it is read: a temporary written
        once and read only at the indices it is written at (`blur[y, x]` in the nest that
        wrote it) is its value there, so it needs no memory. Anything else is refused."""
        temps = {b.name for b in self.k.temps}
        if not temps:
            return stores
        defs = {st.arg: st for st in stores if st.arg in temps}
        if len(defs) != len(temps) or sum(st.arg in temps for st in stores) != len(temps):
            raise HexagonUnsupported("a temporary buffer written more than once (or never)")
        out = []
        for st in stores:
            if st.arg in temps:
                continue
            memo = {}
            for n in st.toposort():
                new = n.replace(src=tuple(memo[x] for x in n.src)) if n.src else n
                if n.op == "load" and n.arg in temps:
                    d = defs[n.arg]
                    if n.src != d.src[:-1]:
                        raise HexagonUnsupported(f"the temporary {n.arg} read at other indices than written")
                    new = memo[d.src[-1]] if d.src[-1] in memo else d.src[-1]
                memo[n] = new
            if any(n.op == "load" and n.arg in temps for n in memo[st].toposort()):
                raise HexagonUnsupported("a temporary computed from another temporary")
            out.append(memo[st])
        return out

    # -- the nest --------------------------------------------------------------------------------
    def _store_form(self, st: UOp) -> dict:
        """The affine flat index of store `st` over the ranges (the split of `split.py` makes
        them `2x' + r`)."""
        a = affine(self.simplify(flatten(st.src[:-1], self.k.buffer(st.arg).shape)))
        if a is None or any(n is not None and self.k.range(n).reduce for n in a):
            raise HexagonUnsupported(f"the store {st.arg}[{', '.join(map(str, st.src[:-1]))}] (not affine in "
                                     "the ranges)")
        return a

    def _affine(self, load: UOp, names: set) -> dict:
        a = affine(load.src[0])
        if a is None or set(a) - names - {None}:
            raise HexagonUnsupported(f"the access {load.arg}[{load.src[0]}] (not affine in the store's ranges)")
        return a

    def _accesses(self, stores, values):
        """(buffer, affine flat index) of every store and load."""
        names = self.store_names | {r for v in values for n in v.toposort() if n.op == "reduce" for r in n.arg[1]}
        out = []
        for st, value, flat in zip(stores, values, self.store_forms):
            out.append((st.arg, flat))
            out += [(n.arg, self._affine(n, names)) for n in value.toposort() if n.op == "load"]
        return out

    def _lane_ranges(self, stores, accesses):
        """(outer ranges outermost first, lane ranges, lanes per row); `accesses` is
        `_accesses(stores, values)`."""
        store_a = accesses[0][1]
        order = sorted((n for n in store_a if n), key=lambda n: -store_a[n])
        if self.lane_reduce is not None:  # the reduction's range is the lane range
            (lane,) = self.lane_reduce.arg[1]
            for buf, a in accesses:
                if not _readable(a.get(lane, 0)):
                    raise HexagonUnsupported(f"the access {buf} with {a.get(lane)} elements per lane of {lane}")
            return order, [lane], self.k.range(lane).size
        if not order or store_a[order[-1]] != 1 and not self._interleaved(stores, order[-1]):
            raise HexagonUnsupported(f"the store {stores[0].arg} (its innermost range is not contiguous)")
        lane = order[-1]
        written = {st.arg for st in stores}
        for buf, a in accesses:
            if buf not in written and not _readable(a.get(lane, 0)) or buf in written and a.get(lane, 0) < 1:
                raise HexagonUnsupported(f"the access {buf} with {a.get(lane)} elements per lane of {lane}")
        lanes, width = [lane], self.k.range(lane).size
        for n in reversed(order[:-1]):  # join outer ranges walked contiguously by every access
            if all(a.get(n, 0) == a.get(lane, 0) * width for _, a in accesses):
                lanes.insert(0, n)
                width *= self.k.range(n).size
            else:
                break
        outer = [n for n in order if n not in lanes]
        return outer, lanes, width

    def _interleaved(self, stores, lane: str) -> bool:
        """Whether the stores walk `lane` several elements a lane, the elements between
        written by other stores: the remainders of a split lane range (`split.py`)."""
        return any(g.factor > 1 for g in store_groups(stores, self.store_forms, lane,
                                                        lambda b: _elem_bytes(self.k.buffer(b).dtype)))

    def _split_rows(self, accesses, outer) -> tuple[list, list]:
        """(row ranges, unrolled ranges) of the outer ranges: a run of them that walks every
        buffer as one row index is the loop's row; the ranges outside it are unrolled in the
        body, each position an element offset per access, at most MAX_INNER_POSITIONS of
        them. Those after the run (a channels-last nest: rows over y, the x positions
        unrolled, the lanes over c) or before it (a few channel planes of different pitches:
        out[c, y, x] from img[c, y + ky, x + kx], rows over y, c unrolled): every output is
        written once whatever the order, so any of them may be the loop's. The candidates,
        in order: the outermost runs, longest first, then the others, longest first; the
        selector takes `split_pick` of them, and `rows()` tries the next where a later step
        refuses that one (`more_splits`: registers may run out for one and not another)."""
        def positions(inner):
            return math.prod(self.k.range(n).size for n in inner)

        runs = sorted(((lo, length) for length in range(len(outer), -1, -1) for lo in range(len(outer) - length + 1)),
                      key=lambda r: (r[0] > 0, -r[1], r[0]))
        found = []
        for lo, length in runs:
            row, inner = outer[lo:lo + length], outer[:lo] + outer[lo + length:]
            if positions(inner) <= MAX_INNER_POSITIONS and all(
                    a.get(o, 0) == a.get(i, 0) * self.k.range(i).size
                    for _, a in accesses for o, i in zip(row, row[1:])):
                found.append((row, inner))
        if len(found) <= self.split_pick:
            self._one_row_index(accesses, outer)  # (raises: says which access)
            return outer, []
        self.more_splits = len(found) > self.split_pick + 1
        return found[self.split_pick]

    def _inner_offset(self, a: dict) -> int:
        """Elements the current inner position adds to an access with affine index `a`."""
        return sum(a.get(n, 0) * v for n, v in self.inner_pos.items())

    def _one_row_index(self, accesses, outer) -> None:
        """The outer ranges as one row index: they must walk every buffer row-major."""
        for buf, a in accesses:
            for o, inner in zip(outer, outer[1:]):
                if a.get(o, 0) != a.get(inner, 0) * self.k.range(inner).size:
                    raise HexagonUnsupported(f"the access {buf} over {o}, {inner} (not one row index; "
                                             "nested loops)")

    def _lane_reduction(self, stores):
        """The reduction whose range becomes the lane range (`out[r] = sum(x[r, j], j)` with
        j too long to unroll), or None: one store, one such reduction over one range."""
        big = [n for st in stores for n in st.src[-1].toposort() if n.op == "reduce"
               and (_terms(self.k, n) > MAX_TERMS or quad_sum(self, st, n))]  # (rowquads.py)
        if all(len(n.arg[1]) > 1 for n in big):
            return None  # (a long reduction over several ranges may be a window: `_long_window`)
        if len(stores) != 1 or len(big) != 1 or len(big[0].arg[1]) != 1:
            raise HexagonUnsupported("a long reduction beside other stores or reductions (or over several ranges)")
        return big[0]

    def _streams(self, accesses, outer, lanes) -> dict:
        streams = {}
        for buf, a in accesses:
            s = Stream(a.get(lanes[-1], 0), a.get(outer[-1], 0) if outer else 0)
            if streams.setdefault(buf, s) != s:
                raise HexagonUnsupported(f"accesses walking {buf} in different ways")
        return streams

    def unroll_small(self, u: UOp, keep=None) -> UOp:
        """Reductions over constant ranges as their terms, folded by the reduction's op;
        `keep(node)`: a reduction to leave as it is (a window regrouped onto vrmpy)."""
        memo: dict = {}
        for n in u.toposort():
            n2 = n.replace(src=tuple(memo[s] for s in n.src)) if n.src else n
            if n.op == "reduce" and self.lane_reduce is not None and n.arg == self.lane_reduce.arg:
                self.lane_reduce = n2  # (its body unrolled inside)
            elif n.op == "reduce" and keep is not None and keep(n2):
                pass
            elif n.op == "reduce":
                kind, names = n.arg
                terms = [n2.src[0]]
                for name in names:
                    size = self.k.range(name).size
                    if len(terms) * size > MAX_TERMS:
                        raise HexagonUnsupported(f"a reduction of more than {MAX_TERMS} terms in a lane-wise nest")
                    rv = var(parse_dtype("idx"), name, 0, size - 1)
                    terms = [substitute(t, rv, const(rv.dtype, c)) for t in terms for c in range(size)]
                acc = terms[0]
                for t in terms[1:]:
                    acc = UOp(REDUCTIONS[kind], n.dtype, (acc, t))
                n2 = acc
            memo[n] = n2
        return memo[u]

    # -- one block -------------------------------------------------------------------------------
    def _set_reach(self, trip: int, step: dict) -> None:
        """How far past each pointer a vector load may read, per section: a buffer is laid out
        rounded up to 128 bytes plus one spare vector (`runtime/hexagon_start.py`), and the
        pointer moves `step` elements an iteration (the loop's last iteration, or after it)."""
        self.reach = {}
        for b in self.k.buffers:
            eb = _elem_bytes(b.dtype)
            room = -(-b.size * eb // VBYTES) * VBYTES + VBYTES
            # (the loop's furthest pointer: its last iteration's, or its first's where the
            # pointer walks backwards, a mirrored read)
            for section, moved in (("loop", max(0, (trip - 1) * step.get(b.name, 0))),
                                   ("epilogue", trip * step.get(b.name, 0))):
                self.reach[(section, b.name)] = room - moved * eb

    def _fits(self, buf: str, end: int) -> bool:
        return end <= self.reach[(self.body.name, buf)]

    def _block(self, stores, values, row: int, lane: int, valid: int | None = None, memo=None) -> None:
        """Every store's block of lanes starting at `lane` of row `row` of the iteration
        (element offsets relative to the pointers as they are at that point); `valid`: only
        that many lanes are stored (a row narrower than a block); `memo`: terms whose
        vectors are known (an accumulated reduction's, accumulate.py)."""
        if len(self.body.insns) > MAX_BODY:
            raise HexagonUnsupported(f"a loop body of more than {MAX_BODY} instructions (unroll less)")
        self.here, self.valid_lanes = (row, lane), valid
        memo = {} if memo is None else dict(memo)
        values = [self.gen(value, self.lane_name, memo) for value in values]
        self.valid_lanes = None
        for g in self.groups:
            eb = _elem_bytes(self.k.buffer(g.buffer).dtype)
            regs = values[g.members[0]] if g.factor == 1 else interleave(self, [values[m] for m in g.members], eb)
            s = self.streams[g.buffer]
            lanes_per_vec = VBYTES // eb
            first = row * s.row + s.lane * lane + g.form.get(None, 0) + self._inner_offset(g.form)
            for j, r in enumerate(regs):
                at = (first + j * lanes_per_vec) * eb
                keep = lanes_per_vec if valid is None else min(lanes_per_vec, valid * s.lane - j * lanes_per_vec)
                if keep == lanes_per_vec:
                    self._store(g.buffer, at, r)
                elif keep > 0:
                    self._partial_store(g.buffer, at, r, keep * eb)

    def _gen(self, u: UOp, rname: str, memo) -> list[Reg]:
        if u.op == "load":
            return self._load(u)
        if u.op == "reduce" and self.lane_reduce is not None and u.arg == self.lane_reduce.arg:
            return self._reduce_lanes(u, rname)
        if u.op == "reduce":
            plan = self._window(u)
            if plan is None:  # (normalizing after the unroll changed it: unroll it now)
                return self.gen(self.rw.normalize(self.simplify(self.unroll_small(u))), rname, memo)
            return gen_window(self, plan, self._image_vector)
        if u.op == "var":
            raise HexagonUnsupported(f"the range {u.arg.name} used as a value")
        if u.op in ("add", "sub") and self.tmpy and self.block == VBYTES and u.dtype.is_int \
                and u.dtype.scalar.bits in (16, 32) and (got := self._tmpy_sum(u, rname, memo)) is not None:
            return got
        return super()._gen(u, rname, memo)

    def _tmpy_sum(self, u: UOp, rname: str, memo) -> list[Reg] | None:
        """A 16-bit sum whose byte taps come in threes as vtmpy (tmpy.py, the choice "vtmpyb"),
        the terms left added lane-wise; None where no three taps group."""
        terms, total = linear_terms(u)
        found, left = tmpy_groups(terms, self.lane_var, self.tmpy, u.dtype.scalar.bits)
        if not found:
            return None
        widen = None
        if u.dtype.scalar.bits == 32:
            # A word sum: the groups' part computed in halves (wrapping) is exact once widened
            # where its range fits 16 bits, signed or not (tmpy.widening).
            widen = widening(found)
            if widen is None:
                return None
        regs = gen_tmpy(self, found, self._image_vector)
        if widen is not None:
            words = []
            for r in regs:
                lo, hi = self.reg("V", "tmpy.w"), self.reg("V", "tmpy.w")
                self.body.add(insn(widen, lo=lo, hi=hi, u=r))
                words += [lo, hi]
            regs = words
        self.changed += 1
        rest = rest_term(left, total, u.dtype)
        if rest is None:
            return regs
        other = self.gen(self.rw.normalize(rest), rname, memo)
        out = []
        for a, b in zip(regs, other):
            d = self.reg("V", "tmpy+rest")
            self.body.add(insn("vaddh" if widen is None else "vaddw", d=d, u=a, v=b))
            out.append(d)
        return out

    def _reduce_lanes(self, u: UOp, rname: str) -> list[Reg]:
        """The lane reduction of the current row: its body a block at a time combined by the
        reduction's lane row into accumulator vectors (the lanes past the row's end of a
        last, partial block set to the identity by a `vmux`), the vectors into one, then a
        `vror` tree folds the lanes into lane 0. Every vector of the value holds it there."""
        if u.dtype.is_float:
            raise HexagonUnsupported(f"a reduction at {u.dtype}")
        kind = u.arg[0]
        t = u.dtype.scalar
        row_desc, fields, identity_value = reduction_row(kind, t)

        def combine(a: Reg, b: Reg) -> Reg:
            d = self.reg("V", kind)
            self.body.add(insn(row_desc.name, d=d, **{fields[0]: a, fields[1]: b}))
            return d

        row, _ = self.here
        width = self.k.range(u.arg[1][0]).size
        eb = _elem_bytes(t)
        g = regroup_rmpy(self, u.src[0], self.regroup_rw) if kind == "sum" and self.block == VBYTES else None
        if g is not None:
            return [self._reduce_rmpy(g, rname, width, row_desc, fields)] * self.nvec(t)
        identity = self.vector_const(identity_value, t)
        acc = None
        for lane in range(0, width, self.block):
            self.here, self.valid_lanes = (row, lane), min(self.block, width - lane)
            regs = self.gen(u.src[0], rname, {})
            self.valid_lanes = None
            valid = min(self.block, width - lane) * eb  # bytes of real lanes in the block
            for j, r in enumerate(regs):
                keep = min(max(valid - j * VBYTES, 0), VBYTES)
                if keep == 0:
                    regs[j] = identity
                elif keep < VBYTES:
                    regs[j] = self.first_bytes(r, keep, identity)
            acc = regs if acc is None else [combine(a, b) for a, b in zip(acc, regs)]
        self.here = (row, 0)
        return [fold_all(self, self.body, acc, row_desc, fields, eb, hint=kind)] * len(acc)

    def _reduce_rmpy(self, g, rname: str, width: int, row_desc, fields) -> Reg:
        """The current row's sum over bytes as `Vx += vrmpy` a block at a time
        (`reduce.regroup_rmpy`); a last, partial block's Vu bytes past the row's end are
        zeroed by a `vmux`, so they add nothing. Then a `vror` tree folds the word lanes."""
        row, _ = self.here
        acc = self.reg("V", "acc")
        self.body.add(insn("vzero", d=acc))
        zero = self.vector_const(0, parse_dtype("u8"))
        for lane in range(0, width, self.block):
            self.here = (row, lane)
            (ur,) = self.gen(g.u, rname, {})
            vr = None if isinstance(g.v, int) else self.gen(g.v, rname, {})[0]
            valid = min(self.block, width - lane)
            if valid < self.block:
                ur = self.first_bytes(ur, valid, zero)
            rmpy_step(self, self.body, acc, g, ur, vr)
        self.here = (row, 0)
        note = (f"a sum over {width} bytes a row: {-(-width // self.block)} vrmpy "
                f"({g.op} from rules/hexagon.rules) and a vror tree")
        if note not in self.notes:
            self.notes.append(note)
        return fold_all(self, self.body, [acc], row_desc, fields, 4)

    def _long_window(self, u: UOp) -> bool:
        """Whether reduce node `u` stays a reduction while the lanes are found: one of more
        than MAX_TERMS terms over several ranges, which only a window (window.py) covers;
        once the lanes are known, one that is not a window is refused by `unroll_small`."""
        return len(u.arg[1]) > 1 and _terms(self.k, u) > MAX_TERMS

    def _window(self, u: UOp):
        """The window plan of reduce node `u` (window.py), or None; memoized by node."""
        if u not in self.window_plans:
            self.window_plans[u] = window_plan(self, u, self.lane_var, self.windows) if self.block == VBYTES else None
        return self.window_plans[u]

    def _image_vector(self, load: UOp, extra: int) -> Reg:
        """The vector of `load`'s buffer `extra` elements past its first lane in this block."""
        return self._vector(load.arg, (self._first(load) + extra) * _elem_bytes(load.dtype))

    def _first(self, load: UOp) -> int:
        """The element of `load`'s buffer its first lane reads in the current block (row,
        lane offset, inner position), relative to the pointer."""
        s = self.streams[load.arg]
        row, lane = self.here
        a = affine(load.src[0])
        return a.get(None, 0) + row * s.row + s.lane * lane + self._inner_offset(a)


def _readable(elements_per_lane: int) -> bool:
    """Whether a read walking this many elements a lane has a lowering: a splat (0), a
    vector (1), even lanes (2), a gather (permute.py; backwards too: a mirror)."""
    return -MAX_STRIDE <= elements_per_lane <= MAX_STRIDE


def _terms(kernel, reduce: UOp) -> int:
    n = 1
    for name in reduce.arg[1]:
        n *= kernel.range(name).size
    return n
