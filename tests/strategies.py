"""Hypothesis strategies for the rewriter's IR and DSL.

* `terms(dtype)`: random WELL-TYPED `UOp` terms of any scalar dtype (i8..i64, u8..u64, idx,
  bool, f16, f32, f64). Leaves are variables (a small fixed pool of names per dtype, so variables
  repeat and DAGs share nodes) and constants (edge values: 0, 1, -1, MIN, MAX, powers of two;
  for floats -0.0, +-inf, nan, the smallest subnormal/normal, the largest finite value...).
  Internal nodes are drawn from the op table `OPS`, respecting each op's `Sig` (params, result,
  type classes `T`); a `cast`/`bitcast` node of type T draws its source type (bitcast: same
  width, never idx), nullary `int_max`/`int_min`/`bits` appear at integer types, `where`
  takes a bool condition,
  comparisons return bool, and poison flags (`nsw`, `nuw`, `exact`) are sometimes set (the arg
  is the sorted tuple of flags, or None, exactly like the type checker builds it).
* `values(dtype)`: input values for a dtype, as the Python values `ConcreteDomain.from_python`
  and the Z3 domains' `const` take (ints hold the mathematical value under the signedness).
* `inputs_for(term)`: a value for each variable of a term (within the variable's bounds).
* `bounded_terms()`: integer/idx/bool terms whose variables carry random (lo, hi) bounds (for
  the range analysis).
* `patterns()` / `rule_decls()`: well-formed DSL `Pattern`s and `RuleDecl`s (for print/parse
  round trips), in the subset of patterns the parser can produce;
  `typed_rule_decls()`: rules built from well-typed terms, which `build_rules` accepts.

Depth is bounded (`max_depth`, default 4) so terms stay small enough for Z3.
"""
from __future__ import annotations

import functools
import math
import struct
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from rewriter.dsl.parser import RuleDecl
from rewriter.dsl.pattern import SUGAR, Pattern
from rewriter.errors import SourceLoc
from rewriter.ir.concrete import finfo, np_float
from rewriter.ir.dtype import (
    SCALARS,
    DType,
    bf16,
    bool_,
    f16,
    f32,
    f64,
    i8,
    i16,
    i32,
    i64,
    idx,
    u8,
    u16,
    u32,
    u64,
)
from rewriter.fuzz.terms import producers_of
from rewriter.ir.ops import OPS, type_class
from rewriter.ir.uop import UOp, const, var

INT_DTYPES = (i8, i16, i32, i64, u8, u16, u32, u64)
FLOAT_DTYPES = (f16, bf16, f32, f64)
#: Every scalar dtype the concrete evaluator can run.
SCALAR_DTYPES = INT_DTYPES + (idx, bool_) + FLOAT_DTYPES
INTEGRAL_DTYPES = INT_DTYPES + (idx,)

VAR_POOL = ("a", "b", "c")

_NP_UINT = {16: np.uint16, 32: np.uint32, 64: np.uint64}


def var_name(name: str, t: DType) -> str:
    """Variable names carry their type, so one name never has two Z3 sorts."""
    return f"{name}_{t}"


# -------------------------------------------------------------------------------------------
# Values
# -------------------------------------------------------------------------------------------
def int_edges(t: DType) -> list[int]:
    """Edge values of a fixed-width integer type (mathematical values, in range)."""
    raw = {0, 1, -1, 2, -2, 3, t.min, t.max, t.min + 1, t.max - 1, t.bits - 1, t.bits}
    for k in range(t.bits):
        raw |= {1 << k, -(1 << k), (1 << k) - 1}
    return sorted({t.wrap(v) for v in raw})


IDX_EDGES = sorted({0, 1, -1, 2, -2, 3, 7, 8, -8, 255, 256, 1 << 16, 1 << 31, -(1 << 31), (1 << 31) - 1,
                    1 << 32, (1 << 32) - 1, (1 << 61) - 1, 1 << 61, -(1 << 61), (1 << 63) - 1, -(1 << 63),
                    1 << 64, (1 << 64) - 1})


def float_edges(t: DType) -> list[float]:
    ft = np_float(t)
    fi = finfo(ft)
    smallest_sub = float(np.nextafter(ft(0), ft(1)))
    out = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1.5, math.inf, -math.inf, math.nan,
           float(fi.tiny), -float(fi.tiny), smallest_sub, -smallest_sub, float(fi.max), -float(fi.max),
           float(fi.eps), 1.0 + float(fi.eps), float(np.nextafter(ft(1), ft(0))), 65504.0, 1e-3, 0.1, 1e30,
           # integer-conversion boundaries (casts to i8..u64, idx)
           127.5, 128.0, -128.5, -129.0, 255.5, 256.0, -0.75, 32767.5, 32768.0, 65535.0, 65536.0,
           2.0**31, -2.0**31, 2.0**32, 2.0**53 + 2, 2.0**63, -2.0**63, 2.0**64, 1.5 * 2.0**64]
    # Every value exactly representable in the type (f16 can't hold 1e30: that becomes inf).
    with np.errstate(over="ignore", invalid="ignore"):
        return [float(ft(v)) for v in out]


def float_bits(t: DType, v) -> int:
    """The IEEE bit pattern of v as a value of float type t."""
    return int(np.array([v], dtype=np_float(t)).view(_NP_UINT[t.bits])[0])


@functools.lru_cache(maxsize=None)
def values(t: DType) -> st.SearchStrategy:
    """Input values of dtype t (Python int / bool / float)."""
    t = t.scalar
    if t.is_bool:
        return st.booleans()
    if t.is_int:
        return st.one_of(st.sampled_from(int_edges(t)), st.integers(t.min, t.max))
    if t.is_idx:
        return st.one_of(st.sampled_from(IDX_EDGES), st.integers(-300, 300),
                         st.integers(-(1 << 40), 1 << 40), st.integers(-(1 << 70), 1 << 70))
    if t.is_float:
        w = t.bits
        # bf16: f32 values rounded to it (hypothesis draws IEEE widths only)
        fl = st.floats(width=32 if t == bf16 else w, allow_nan=True, allow_infinity=True, allow_subnormal=True)
        return st.one_of(st.sampled_from(float_edges(t)),
                         fl.map(lambda v, t=t: float(np_float(t)(v))) if t == bf16 else fl,
                         # arbitrary bit patterns: NaN payloads, signalling NaNs, subnormals
                         st.integers(0, (1 << w) - 1).map(lambda b, t=t: _float_from_bits(t, b)))
    raise ValueError(f"no values for {t}")


def _float_from_bits(t: DType, b: int) -> float:
    if t.bits == 64:
        return struct.unpack("<d", struct.pack("<Q", b))[0]
    return float(np.array([b], dtype=_NP_UINT[t.bits]).view(np_float(t))[0])


# -------------------------------------------------------------------------------------------
# Terms
# -------------------------------------------------------------------------------------------
def _can_bitcast(src: DType, dst: DType) -> bool:
    """The type checker's rule: same width, never idx (bool only to bool: width 1)."""
    return src.bits == dst.bits and not src.is_idx and not dst.is_idx


OpFilter = Callable[[str, DType], bool]  # (op name, dispatch type T) -> allowed?


def _all_ops(name: str, t: DType) -> bool:
    return True


class TermGen:
    """Builds term strategies. `var_bounds` maps (name, dtype) to (lo, hi) for bounded vars;
    `allow(op, T)` filters ops by name and dispatch type; `dtypes` is the universe of types used
    for operands whose type is free (comparison operands, cast sources)."""

    def __init__(self, allow: OpFilter = _all_ops, dtypes=SCALAR_DTYPES, var_bounds=None,
                 var_pool=VAR_POOL, with_flags: bool = True):
        self.allow = allow
        self.dtypes = tuple(dtypes)
        self.var_bounds = var_bounds or {}  # (pool name, dtype) -> (lo, hi)
        self.var_pool = var_pool
        self.with_flags = with_flags
        self._cache: dict = {}

    # -- leaves ------------------------------------------------------------------------------
    def var(self, t: DType, name: str) -> UOp:
        lo, hi = self.var_bounds.get((name, t), (None, None))
        return var(t, var_name(name, t), lo, hi)

    def leaf(self, t: DType) -> st.SearchStrategy:
        key = ("leaf", t)
        if key not in self._cache:
            self._cache[key] = self._make_leaf(t)
        return self._cache[key]

    def _make_leaf(self, t: DType) -> st.SearchStrategy:
        variables = st.sampled_from(self.var_pool).map(lambda n: self.var(t, n))
        constants = values(t).map(lambda v: const(t, v))
        return st.one_of(variables, constants)

    # -- op choices --------------------------------------------------------------------------
    def producers(self, t: DType) -> list[tuple[str, str]]:
        """(kind, op) pairs whose result can have type t."""
        key = ("producers", t)
        if key not in self._cache:
            self._cache[key] = self._make_producers(t)
        return self._cache[key]

    def _make_producers(self, t: DType) -> list[tuple[str, str]]:
        return producers_of(t, self._operand_types, self._cast_sources, self.allow)

    def _sampled(self, key, items) -> st.SearchStrategy:
        if key not in self._cache:
            self._cache[key] = st.sampled_from(items())
        return self._cache[key]

    def _operand_types(self, name: str) -> list[DType]:
        od = OPS[name]
        return [u for u in self.dtypes
                if type_class(u) in od.sig.T and od.semantics_for(u) is not None and self.allow(name, u)]

    def _cast_sources(self, name: str, t: DType) -> list[DType]:
        srcs = [u for u in self.dtypes if self.allow(name, u)]
        if name == "bitcast":
            srcs = [u for u in srcs if _can_bitcast(u, t)]
        return srcs

    def _flags(self, name: str) -> st.SearchStrategy:
        key = ("flags", name)
        if key not in self._cache:
            self._cache[key] = self._make_flags(name)
        return self._cache[key]

    def _make_flags(self, name: str) -> st.SearchStrategy:
        allowed = sorted(OPS[name].flags)
        if not allowed or not self.with_flags:
            return st.just(None)
        return st.lists(st.sampled_from(allowed), unique=True).map(lambda fs: tuple(sorted(fs)) or None)

    # -- the recursive strategy ----------------------------------------------------------------
    def terms(self, t: DType | None = None, max_depth: int = 4) -> st.SearchStrategy:
        if t is None:
            return st.sampled_from(self.dtypes).flatmap(lambda u: self.terms(u, max_depth))
        return self._term(t, max_depth)

    def _term(self, t: DType, depth: int) -> st.SearchStrategy:
        key = ("term", t, depth)
        if key not in self._cache:
            self._cache[key] = self._make_term(t, depth)
        return self._cache[key]

    def _make_term(self, t: DType, depth: int) -> st.SearchStrategy:
        if depth <= 0:
            return self.leaf(t)
        prods = self.producers(t)
        if not prods:
            return self.leaf(t)

        choose = st.sampled_from(prods)

        @st.composite
        def node(draw):
            kind, name = draw(choose)
            od = OPS[name]
            sub = depth - 1
            if kind == "T":
                srcs = tuple(draw(self._term(bool_ if p == "bool" else t, sub)) for p in od.sig.params)
                return UOp(name, t, srcs, draw(self._flags(name)))
            if kind == "bool":
                u = draw(self._sampled(("opnd", name), lambda: self._operand_types(name)))
                srcs = tuple(draw(self._term(u, sub)) for _ in od.sig.params)
                return UOp(name, bool_, srcs, draw(self._flags(name)))
            if kind == "cast":
                u = draw(self._sampled(("cast", name, t), lambda: self._cast_sources(name, t)))
                return UOp(name, t, (draw(self._term(u, sub)),), None)
            return UOp(name, t, (), None)  # nullary: int_max(), int_min(), bits()

        # Index 0 (a leaf) is what hypothesis shrinks towards.
        nodes = node()
        return st.integers(0, 3).flatmap(lambda k: self.leaf(t) if k == 0 else nodes)


def terms(t: DType | None = None, max_depth: int = 4, allow: OpFilter = _all_ops,
          dtypes=SCALAR_DTYPES) -> st.SearchStrategy:
    """Random well-typed UOp terms of dtype t (any scalar dtype when None)."""
    return TermGen(allow=allow, dtypes=dtypes).terms(t, max_depth)


def inputs_for(term: UOp) -> st.SearchStrategy:
    """A dict var-UOp -> Python value for every variable of `term` (within declared bounds)."""
    vs = term.vars()
    return st.fixed_dictionaries({v: _bounded_values(v) for v in vs})


def _bounded_values(v: UOp) -> st.SearchStrategy:
    lo, hi = v.arg.lo, v.arg.hi
    if lo is None and hi is None:
        return values(v.dtype)
    lo = lo if lo is not None else (v.dtype.min if v.dtype.min is not None else -(1 << 70))
    hi = hi if hi is not None else (v.dtype.max if v.dtype.max is not None else 1 << 70)
    edges = sorted({lo, hi, min(max(0, lo), hi), min(max(1, lo), hi), min(max(-1, lo), hi)})
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi))


def _bounds(t: DType) -> st.SearchStrategy:
    """Inclusive (lo, hi) bounds for a variable of integral type t (idx: maybe half-open)."""
    lo_min = t.min if t.min is not None else -(1 << 66)
    hi_max = t.max if t.max is not None else 1 << 66
    end = st.one_of(st.integers(max(-20, lo_min), min(20, hi_max)), st.integers(lo_min, hi_max))

    def make(a, b, which):
        lo, hi = min(a, b), max(a, b)
        if t.is_idx and which != "both":
            return (lo, None) if which == "lo" else (None, hi)
        return (lo, hi)

    return st.builds(make, end, end, st.sampled_from(["both", "lo", "hi"]))


def with_bounds(term: UOp, bounds: dict) -> UOp:
    """The same term with variables replaced by bounded ones: bounds maps var-UOp -> (lo, hi)."""
    out: dict = {}
    for n in term.toposort():
        if n.op == "var" and n in bounds:
            out[n] = var(n.dtype, n.arg.name, *bounds[n])
        else:
            out[n] = UOp(n.op, n.dtype, tuple(out[s] for s in n.src), n.arg)
    return out[term]


_BOUNDED_GENS: dict = {}


@st.composite
def bounded_terms(draw, dtypes=INTEGRAL_DTYPES + (bool_,), max_depth: int = 4,
                  operand_dtypes=SCALAR_DTYPES):
    """A term of an integer, idx or bool type; most of its integral variables carry random
    inclusive (lo, hi) bounds (idx ones may be bounded on one side only)."""
    key = (tuple(operand_dtypes),)
    if key not in _BOUNDED_GENS:
        _BOUNDED_GENS[key] = TermGen(dtypes=operand_dtypes)
    gen = _BOUNDED_GENS[key]
    t = draw(st.sampled_from(dtypes))
    term = draw(gen.terms(t, max_depth))
    bounds = {}
    for v in term.vars():
        if v.dtype.is_integral and draw(st.integers(0, 3)) > 0:
            bounds[v] = draw(_bounds(v.dtype))
    return with_bounds(term, bounds)


# -------------------------------------------------------------------------------------------
# DSL patterns
# -------------------------------------------------------------------------------------------
#: Variable names. Avoids the keywords and the literal words (true, false, inf, nan); names
#: that merely *start* with a keyword-like word are covered by explicit tests.
PATTERN_VARS = ("a", "b", "x", "y", "z", "x1", "tmp", "_t", "a_b", "iffy", "rules", "idx")
PATTERN_CONSTS = ("C", "C1", "K", "MAX_X", "Cb")
TYPE_NAMES = tuple(SCALARS) + ("i8x128", "f32x4", "u16x2", "boolx8", "idxx4")
POINTER_TYPES = ("f32*", "i8*", "u64x2*")

_BINARY_OPS = ("lor", "land", "or", "xor", "and", "eq", "ne", "lt", "le", "gt", "ge", "shl", "shr",
               "add", "sub", "mul", "div", "mod")
_UNARY_OPS = ("neg", "not", "lnot")


def _arity(op: str) -> int:
    if op in ("land", "lor"):
        return 2
    if op == "lnot":
        return 1
    name = SUGAR[op][0] if op in SUGAR else op
    return OPS[name].arity


_ALL_PATTERN_OPS = tuple(OPS) + tuple(SUGAR)


@functools.lru_cache(maxsize=None)
def pattern_literals(allow_nan: bool = True) -> st.SearchStrategy:
    floats = st.floats(allow_nan=allow_nan, allow_infinity=True)
    return st.one_of(
        st.integers(-(1 << 70), 1 << 70),
        st.sampled_from([0, 1, -1, 255, -128, 1 << 63]),
        st.booleans(),
        floats,
        st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-05, 1e+16, 5e-324, math.inf, -math.inf, 0.1])
        | (st.just(math.nan) if allow_nan else st.nothing()),
    ).map(lambda v: Pattern("lit", value=v))


def _dtype(name: str) -> DType:
    from rewriter.ir.dtype import parse_dtype

    return parse_dtype(name)


@functools.lru_cache(maxsize=None)
def pattern_leaves(allow_nan: bool = True) -> st.SearchStrategy:
    annot = st.one_of(st.none(), st.sampled_from(TYPE_NAMES + POINTER_TYPES).map(_dtype))
    variables = st.builds(lambda n, t: Pattern("var", name=n, dtype=t), st.sampled_from(PATTERN_VARS), annot)
    consts = st.builds(lambda n, t: Pattern("const", name=n, dtype=t), st.sampled_from(PATTERN_CONSTS), annot)
    return st.one_of(variables, consts, pattern_literals(allow_nan))


@functools.lru_cache(maxsize=None)
def patterns(max_depth: int = 4, allow_nan: bool = True) -> st.SearchStrategy:
    """Well-formed patterns as the parser produces them: table ops and sugar with their arity,
    flags only where the op allows them (and never on sugar), a target type only on
    `cast`/`bitcast`/nullary ops, and no `neg` of a numeric literal (the parser folds `-1`)."""
    leaves = pattern_leaves(allow_nan)
    if max_depth <= 0:
        return leaves

    @st.composite
    def node(draw):
        op = draw(st.sampled_from(_ALL_PATTERN_OPS))
        n = _arity(op)
        args = tuple(draw(patterns(max_depth - 1, allow_nan)) for _ in range(n))
        flags: tuple = ()
        if op in OPS and OPS[op].flags:
            flags = tuple(draw(st.lists(st.sampled_from(sorted(OPS[op].flags)), unique=True, max_size=2)))
        dtype = None
        if op in OPS and OPS[op].sig.result == "@":
            tn = st.sampled_from(TYPE_NAMES)
            dtype = _dtype(draw(tn)) if (n or draw(st.booleans())) else None
        if op == "neg" and not flags and args[0].kind == "lit" and not isinstance(args[0].value, bool):
            args = (Pattern("var", name="x"),)
        return Pattern("op", op, args, dtype=dtype, flags=flags)

    nodes = node()
    return st.integers(0, 2).flatmap(lambda k: leaves if k == 0 else nodes)


RULE_NAMES = st.from_regex(r"[a-z0-9][a-z0-9_\-]{0,12}", fullmatch=True)
DOCS = st.text(alphabet=st.characters(codec="ascii", categories=("L", "N", "P", "S", "Zs")),
               max_size=30).map(lambda s: " ".join(s.split()))


@st.composite
def rule_decls(draw, max_depth: int = 3, allow_nan: bool = True):
    """Syntactically well-formed (not necessarily well-typed) rule declarations."""
    name = draw(RULE_NAMES)
    types = draw(st.one_of(st.none(), st.lists(st.sampled_from(TYPE_NAMES), min_size=1, max_size=3)))
    types = tuple(_dtype(t) for t in types) if types is not None else None
    lhs = draw(patterns(max_depth, allow_nan))
    rhs = draw(patterns(max_depth, allow_nan))
    pre = draw(st.one_of(st.none(), patterns(max_depth, allow_nan)))
    doc = draw(DOCS)
    return RuleDecl(name, lhs, rhs, pre, types, SourceLoc("<gen>", 1, 1), doc)


# -------------------------------------------------------------------------------------------
# Well-typed rules, built from typed terms
# -------------------------------------------------------------------------------------------
def uop_pattern(u: UOp) -> Pattern:
    """A typed term as a pattern that type-checks back to the same types: every variable
    annotated, nullary ops with their type argument."""
    if u.op == "var":
        return Pattern("var", name=u.arg.name, dtype=u.dtype)
    if u.op == "const":
        return Pattern("lit", value=u.arg)
    dtype = u.dtype if OPS[u.op].sig.result == "@" else None
    return Pattern("op", u.op, tuple(uop_pattern(s) for s in u.src), dtype=dtype, flags=u.flags)


def has_neg_literal(u: UOp) -> bool:
    return any(n.op == "neg" and n.src[0].op == "const" for n in u.toposort())


@st.composite
def typed_rule_decls(draw, max_depth: int = 3):
    """(RuleDecl, lhs term) where the decl is built from a well-typed term: the left side is an
    op, the right side and precondition are subterms of it (so every name is bound)."""
    gen = TermGen(allow=lambda n, t: not (t.is_float and n in ("exp2", "log2")))
    t = draw(st.sampled_from(SCALAR_DTYPES))
    # no neg(literal): it prints as a negative literal (see test_neg_of_literal_call_round_trips)
    lhs = draw(gen.terms(t, max_depth).filter(lambda u: u.op not in ("var", "const") and not has_neg_literal(u)))
    nodes = lhs.toposort()
    rhs = draw(st.sampled_from([n for n in nodes if n.dtype == lhs.dtype]))
    bools = [n for n in nodes if n.dtype == bool_]
    pre = draw(st.one_of(st.none(), st.sampled_from(bools))) if bools else None
    name = draw(RULE_NAMES)
    doc = draw(DOCS)
    decl = RuleDecl(name, uop_pattern(lhs), uop_pattern(rhs), uop_pattern(pre) if pre is not None else None,
                    None, SourceLoc("<gen>", 1, 1), doc)
    return decl, lhs


@st.composite
def sliding_sums(draw, max_taps: int = 4):
    """`out[i] = g(sum(a[i + k + c], k), b[i + d])` at u8/i16: a small sum (the widened and
    vtmpy forms change it) over off-grid reads (the unaligned form changes those)."""
    t = draw(st.sampled_from(["u8", "i16"]))
    taps, c, d = draw(st.integers(2, max_taps)), draw(st.integers(0, 3)), draw(st.integers(0, 3))
    combine = draw(st.sampled_from(["{} + {}", "{} - {}", "max({}, {})", "sat_add({}, {})"]))
    value = combine.format(f"sum(a[i + k + {c}], k)", f"b[i + {d}]")
    return (f"kernel rnd(a: {t}[520], b: {t}[520]) -> (out: {t}[512]) {{\n"
            f"  i = range(512); k = range({taps}, reduce)\n  out[i] = {value}\n}}\n")
