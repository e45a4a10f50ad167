"""Hypothesis strategies for small random kernels.

A kernel is one or two statements over one or two parallel ranges, with or without
reductions (`sum`, `reduce_max`, `reduce_min` over one or two reduce ranges, pure or inside
an expression), sometimes through a temporary (`t0[i] = reduce_max(...)` then
`out[i, j] = f(t0[i], ...)`). Values are random well-typed terms (`terms.TermBuilder`) whose
leaves are loads of input buffers created on demand: each with its own element type (read
through a cast where it differs), its own index expressions (the plain range, affine forms,
random index arithmetic with `/`, `%`, `min`..., products with constants past 2**63, or a
data-dependent gather, also through u64/i64 values), and its shape
taken from the range analysis of those indices, so every access is in bounds. Range sizes do
and do not divide the vector widths.

Divisors and shift amounts are usually guarded (a constant, `max(e, 1)`, `e & (bits - 1)`),
because undefined behaviour anywhere in a buffer makes the reference refuse the whole input.
Kernels with float reductions only use exact arithmetic on small integer-valued inputs, so
the order a target sums in cannot change the result.

The kernel is printed with the project's printer and parsed back: what runs is what the
`.ir` file of a failure says.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from rewriter.errors import RewriterError
from rewriter.fuzz.terms import TermBuilder
from rewriter.fuzz.values import PROFILES
from rewriter.ir import dtype as dt
from rewriter.ir.dtype import DType
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import Buffer, Kernel, RangeDecl
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.printer import format_kernel

#: Element types of kernel buffers (no idx: buffers hold storable scalars).
KERNEL_DTYPES = (dt.i32, dt.u8, dt.i8, dt.i16, dt.u16, dt.u32, dt.i64, dt.u64, dt.f32, dt.f16, dt.f64,
                 dt.bool_, dt.bf16)
NUMERIC_DTYPES = tuple(t for t in KERNEL_DTYPES if not t.is_bool)
PAR_SIZES = (1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128)
RED_SIZES = (1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 32, 33)
FORMS = ("map", "reduce", "map2", "reduce_expr", "temp", "reduce_all", "reduce2")
REDUCE_KINDS = ("sum", "reduce_max", "reduce_min")
#: Ops allowed on floats in kernels with float reductions: exact on small integers.
EXACT_FLOAT_OPS = {"add", "sub", "mul", "neg", "abs", "min", "max", "where", "cast", "lt", "le", "eq", "ne"}
#: Index multipliers whose products with a range variable leave i64 (2**63 / 3 rounded, ...).
BIG_IDX_CONSTANTS = (3074457345618258603, 1 << 62, (1 << 63) - 1, (1 << 64) + 7, 1 << 80)
MAX_BUFFER = 1 << 14
MAX_WORK = 1 << 12
MAX_INPUTS = 4


@dataclass(frozen=True)
class KernelCase:
    """A kernel (its `.ir` text and the kernel parsed from it), per-buffer input profiles,
    and the seed of its inputs."""

    text: str
    kernel: Kernel | None  # None: the printed text did not parse back (a printer/parser bug)
    profiles: dict
    seed: int
    exact_floats: bool = False
    parse_error: str = ""


@dataclass
class _State:
    ranges: dict = field(default_factory=dict)  # name -> RangeDecl
    inputs: list = field(default_factory=list)  # [(Buffer, indices)]
    temps: list = field(default_factory=list)  # [(Buffer, indices)] readable temporaries
    exact_floats: bool = False
    names: int = 0
    dtypes: tuple = KERNEL_DTYPES  # element types buffers may have
    templates: dict = field(default_factory=dict)  # rule left sides to grow terms from

    def new_name(self) -> str:
        self.names += 1
        return f"x{self.names - 1}"

    def range_var(self, name: str) -> UOp:
        return var(dt.idx, name, 0, self.ranges[name].size - 1)


class KernelTermBuilder(TermBuilder):
    """A `TermBuilder` whose leaves are loads, range indices and scalars of one scope (the
    ranges a statement, or a reduction body, may use), with guarded divisors and shifts."""

    def __init__(self, draw, state: _State, scope: list[str], reductions=None, **kw):
        universe = tuple(t for t in state.dtypes if not t.is_bool) + (dt.bool_, dt.idx)
        super().__init__(draw, dtypes=universe, allow=self._allow, leaf=self._leaf, flag_weight=8,
                         templates=state.templates, **kw)
        self.state, self.scope = state, scope
        self.reductions = reductions or []  # (dtype, UOp) leaves offered to the outer expression

    def _allow(self, name: str, t: DType) -> bool:
        if t.is_idx:
            return name in ("add", "sub", "mul", "div", "mod", "min", "max", "where", "cast", "lt", "le",
                            "eq", "ne")
        if self.state.exact_floats and t.is_float:
            return name in EXACT_FLOAT_OPS
        return True

    def cast_sources(self, name: str, t: DType) -> list[DType]:
        srcs = super().cast_sources(name, t)
        if self.state.exact_floats and t.is_float:
            srcs = [u for u in srcs if u.is_float]  # integers could be too large to sum exactly
        return srcs

    # -- leaves ------------------------------------------------------------------------------
    def _leaf(self, t: DType) -> UOp:
        draw, s = self.draw, self.state
        if t.is_idx:
            if not self.scope:
                return const(t, draw(st.integers(0, 8)))
            return s.range_var(draw(st.sampled_from(self.scope)))
        options = ["load"]
        same = [(b, ix) for b, ix in s.inputs + s.temps if b.dtype == t and self._in_scope(ix)]
        temps = [(b, ix) for b, ix in s.temps if self._in_scope(ix) and self._castable(b.dtype, t)]
        if same:
            options.insert(0, "same")
        if temps:
            options.insert(0, "temp")
        if self.reductions and any(rt == t for rt, _ in self.reductions):
            options.insert(0, "reduction")
        if self.scope and self._castable(dt.idx, t):
            options.append("range")
        options.append("scalar")
        kind = draw(st.sampled_from(options))
        if kind == "reduction":
            return draw(st.sampled_from([r for rt, r in self.reductions if rt == t]))
        if kind in ("same", "temp"):
            b, ix = draw(st.sampled_from(same if kind == "same" else temps))
            return self._as(t, UOp("load", b.dtype, ix, b.name))
        if kind == "range":
            return UOp("cast", t, (s.range_var(draw(st.sampled_from(self.scope))),))
        if kind == "scalar":
            return self._as(t, self._new_input(t, scalar=True))
        return self._as(t, self._new_input(t))

    def constant(self, t: DType) -> UOp:
        if self.state.exact_floats and t.is_float:
            return const(t, float(self.draw(st.integers(-4, 4))))
        return super().constant(t)

    def _castable(self, u: DType, t: DType) -> bool:
        return u == t or not (self.state.exact_floats and t.is_float and not u.is_float)

    def _in_scope(self, indices) -> bool:
        return all(v.arg.name in self.scope for i in indices for v in i.vars())

    def _as(self, t: DType, load: UOp) -> UOp:
        return load if load.dtype == t else UOp("cast", t, (load,))

    def _new_input(self, t: DType, scalar: bool = False) -> UOp:
        draw, s = self.draw, self.state
        usable = [(b, ix) for b, ix in s.inputs if self._in_scope(ix) and bool(b.shape) != scalar]
        if len(s.inputs) >= MAX_INPUTS and usable:
            b, ix = draw(st.sampled_from(usable))
            return UOp("load", b.dtype, ix, b.name)
        if s.exact_floats and t.is_float:
            u = t  # small integer-valued floats: exact sums in any order
        else:
            u = t if draw(st.integers(0, 2)) or t not in s.dtypes else draw(st.sampled_from(s.dtypes))
        if scalar or not self.scope:
            b = Buffer(s.new_name(), u, (), "input")
            s.inputs.append((b, ()))
            return UOp("load", u, (), b.name)
        ndim = draw(st.integers(1, 2))
        indices, shape = [], []
        for _ in range(ndim):
            ix, size = self._index()
            indices.append(ix)
            shape.append(size)
        b = Buffer(s.new_name(), u, tuple(shape), "input")
        s.inputs.append((b, tuple(indices)))
        return UOp("load", u, tuple(indices), b.name)

    def _index(self) -> tuple[UOp, int]:
        """An in-bounds index expression over the scope and the dimension it indexes."""
        draw, s = self.draw, self.state
        r = s.range_var(draw(st.sampled_from(self.scope)))
        kind = draw(st.integers(0, 6))
        if kind == 1:
            e = UOp("add", dt.idx, (UOp("mul", dt.idx, (r, const(dt.idx, draw(st.integers(1, 3))))),
                                    const(dt.idx, draw(st.integers(0, 3)))))
        elif kind == 2:
            sub = KernelTermBuilder(draw, s, self.scope)
            e = sub.term(dt.idx, 2)
        elif kind == 3 and len(s.inputs) < MAX_INPUTS:
            mask = draw(st.sampled_from([3, 7, 15]))
            g = Buffer(s.new_name(), draw(st.sampled_from([dt.u8, dt.i32, dt.u16])),
                       (s.ranges[r.arg.name].size,), "input")
            s.inputs.append((g, (r,)))
            load = UOp("load", g.dtype, (r,), g.name)
            e = UOp("cast", dt.idx, (UOp("and", g.dtype, (load, const(g.dtype, mask))),))
        elif kind == 5:
            # idx is exact: a product past 2**63 reduced back into range (i64 would wrap).
            big = const(dt.idx, draw(st.sampled_from(BIG_IDX_CONSTANTS)))
            e = UOp("mod", dt.idx, (UOp("mul", dt.idx, (r, big)), const(dt.idx, draw(st.integers(1, 17)))))
        elif kind == 6 and len(s.inputs) < MAX_INPUTS and any(t in s.dtypes for t in (dt.u64, dt.i64, dt.u32)):
            # A data-derived index over a wide element type: u64 values past 2**63 are
            # positive idx values, i64 ones negative (the offset below keeps it in bounds).
            # Only types the caller allows (a target without 64-bit types asks for none).
            wide = [t for t in (dt.u64, dt.i64, dt.u32) if t in s.dtypes]
            g = Buffer(s.new_name(), draw(st.sampled_from(wide)),
                       (s.ranges[r.arg.name].size,), "input")
            s.inputs.append((g, (r,)))
            e = UOp("cast", dt.idx, (UOp("load", g.dtype, (r,), g.name),))
            if draw(st.booleans()):
                e = UOp("mul", dt.idx, (e, const(dt.idx, draw(st.sampled_from([3, 5, 2**40 + 1])))))
            e = UOp("mod", dt.idx, (e, const(dt.idx, draw(st.integers(1, 17)))))
        else:
            e = r
        lo, hi = ranges(e)[e]
        if lo is None or hi is None or hi - lo >= MAX_BUFFER:
            e, lo, hi = r, 0, s.ranges[r.arg.name].size - 1
        if lo < 0:
            e = UOp("add", dt.idx, (e, const(dt.idx, -lo)))
            lo, hi = 0, hi - lo
        elif hi >= MAX_BUFFER:  # a narrow range far out (a large constant): shift it to 0, so
            # the buffer stays small (a 2**32-element input would take 16 GiB to fill)
            e = UOp("sub", dt.idx, (e, const(dt.idx, lo)))
            lo, hi = 0, hi - lo
        return e, hi + 1 + draw(st.integers(0, 2))

    # -- guarded operands -------------------------------------------------------------------------
    def operand(self, t: DType, depth: int, op: str, pos: int) -> UOp:
        draw = self.draw
        if t.is_integral and pos == 1 and op in ("div", "mod"):
            k = draw(st.integers(0, 3))
            if k == 0 or t.is_idx:
                c = draw(st.sampled_from([2, 3, 4, 7, 8, 16, 1, 5, 64] if t.is_idx or not t.is_int or t.bits > 8
                                         else [2, 3, 4, 7, 8, 16, 1, 5]))
                return const(t, c)
            if k == 1:
                return UOp("max", t, (self.term(t, depth), const(t, draw(st.integers(1, 3)))))
            d = self.term(t, depth)
            # (a divisor the range analysis shows is always 0 is a kernel error the parser
            # rejects; a data-dependent zero stays, the reference reports it when it runs)
            return UOp("max", t, (d, const(t, 1))) if ranges(d)[d] == (0, 0) else d
        if t.is_int and pos == 1 and op in ("shl", "shr"):
            k = draw(st.integers(0, 3))
            if k == 0:
                return const(t, draw(st.integers(0, t.bits - 1)))
            if k == 1:
                return UOp("and", t, (self.term(t, depth), const(t, t.bits - 1)))
        return self.term(t, depth)

    def node(self, kind: str, name: str, t: DType, depth: int) -> UOp:
        u = super().node(kind, name, t, depth)
        if name == "log2" and t.is_integral and u.src:
            u = u.replace(src=(UOp("max", t, (u.src[0], const(t, 1))),))
        return u


def _declare(draw, s: _State, name: str, sizes, reduce: bool) -> str:
    """A range whose size keeps the whole iteration space within MAX_WORK points (the reference
    evaluates every point with exact integers: big kernels would be slow, not better)."""
    work = 1
    for r in s.ranges.values():
        work *= r.size
    sizes = [n for n in sizes if n * work <= MAX_WORK] or [1]
    s.ranges[name] = RangeDecl(name, draw(st.sampled_from(sizes)), reduce)
    return name


def _reduction(draw, s: _State, t: DType, par: list[str], reds: list[str], depth: int) -> UOp:
    kind = draw(st.sampled_from(REDUCE_KINDS))
    b = KernelTermBuilder(draw, s, par + reds)
    body = b.settle(b.term(t, depth, root=draw(st.booleans())))
    return UOp("reduce", t, (body,), (kind, tuple(reds)))


def _statement(draw, s: _State, t: DType, par: list[str], reds: list[str], form: str, depth: int) -> UOp:
    if reds and form != "reduce_expr" and (form == "reduce_all" or draw(st.integers(0, 2))):
        return _reduction(draw, s, t, par, reds, depth)  # a pure reduction
    if reds:
        r = _reduction(draw, s, t, par, reds, depth - 1)
        b = KernelTermBuilder(draw, s, par, reductions=[(t, r)])
        value = b.settle(b.term(t, depth, root=True))
        if r not in value.toposort():
            value = UOp(draw(st.sampled_from(["add", "max", "min"])), t, (value, r))
        return value
    b = KernelTermBuilder(draw, s, par)
    value = b.settle(b.term(t, depth, root=True))
    for tb, ix in s.temps:  # make sure the temporary is read
        if not any(n.op == "load" and n.arg == tb.name for n in value.toposort()):
            value = UOp("and" if t.is_bool else "add", t, (value, b._as(t, UOp("load", tb.dtype, ix, tb.name))))
    return value


def _store(name: str, par: list[str], s: _State, value: UOp) -> UOp:
    return UOp("store", value.dtype, tuple(s.range_var(p) for p in par) + (value,), name)


@st.composite
def kernel_cases(draw, dtypes=KERNEL_DTYPES, max_depth: int = 3, templates=None) -> KernelCase:
    """A random small kernel with inputs' profiles and seed (see the module docstring)."""
    dtypes = tuple(t for t in dtypes if not t.is_idx) or KERNEL_DTYPES
    t = draw(st.sampled_from(dtypes))
    form = draw(st.sampled_from(FORMS))
    if t.is_bool and form != "temp":
        form = draw(st.sampled_from(["map", "map2"]))
    s = _State(dtypes=dtypes, templates=templates or {})
    numeric = tuple(u for u in dtypes if not u.is_bool) or (dt.i32,)
    par = [_declare(draw, s, "i", PAR_SIZES, False)] if form != "reduce_all" else []
    if form in ("map2", "temp", "reduce2"):
        par.append(_declare(draw, s, "j", PAR_SIZES[:12], False))
    reds = []
    if form in ("reduce", "reduce_expr", "reduce_all", "reduce2") or (form == "temp" and draw(st.booleans())):
        reds.append(_declare(draw, s, "k", RED_SIZES, True))
        if draw(st.integers(0, 3)) == 0:
            reds.append(_declare(draw, s, "l", RED_SIZES[:8], True))
    stores, temps = [], []
    if form == "temp":
        tt = t if draw(st.booleans()) else draw(st.sampled_from(numeric if reds else dtypes))
        if reds and tt.is_bool:
            tt = numeric[0]
        s.exact_floats = bool(reds) and tt.is_float
        tpar = par[:1]
        value = _statement(draw, s, tt, tpar, reds, "temp", max_depth)
        if not any(n.op == "load" for n in value.toposort()):  # a temporary's type comes from its value
            b = KernelTermBuilder(draw, s, tpar)
            value = UOp("and" if tt.is_bool else "add", tt, (value, b._as(tt, b._new_input(tt))))
        tbuf = Buffer("t0", tt, tuple(s.ranges[p].size for p in tpar), "temp")
        stores.append(_store("t0", tpar, s, value))
        temps.append(tbuf)
        s.temps.append((tbuf, tuple(s.range_var(p) for p in tpar)))
        reds = []
    else:
        s.exact_floats = bool(reds) and t.is_float
    value = _statement(draw, s, t, par, reds, form, max_depth)
    out = Buffer("out", t, tuple(s.ranges[p].size for p in par), "output")
    stores.append(_store("out", par, s, value))
    buffers = tuple(b for b, _ in s.inputs) + (out,) + tuple(temps)
    kernel = Kernel("fuzz", buffers, tuple(s.ranges.values()), tuple(stores))
    text = format_kernel(kernel)
    try:
        parsed, error = parse_kernels(text, "fuzz.ir")[0], ""
    except RewriterError as e:  # reported as a failure: every printed kernel must parse back
        parsed, error = None, (e.render() if hasattr(e, "render") else str(e))
    profiles = {b.name: ("small" if s.exact_floats else draw(st.sampled_from(PROFILES)))
                for b, _ in s.inputs}
    seed = draw(st.integers(0, 2**32 - 1))
    return KernelCase(text, parsed, profiles, seed, s.exact_floats, error)
