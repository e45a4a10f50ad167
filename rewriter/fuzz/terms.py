"""Hypothesis strategies for random well-typed `UOp` terms.

`TermBuilder` grows a term top-down from the op table (`rewriter.ir.ops.OPS`): every op whose
signature can produce the wanted type is a candidate (`T`-typed arithmetic, comparisons and
`is_pow2` for bool, `cast`/`bitcast` from another type, nullary `int_max()`...), poison flags
are sometimes set, and leaves are variables, constants (edge values such as 0, 1, -1, MIN,
MAX, powers of two, NaN, -0.0) or an earlier subterm again, so `x - x`, `min(t, t)` and other
shapes the rules look for turn up. A third of the inner nodes are the left side of a rule of
the library under test (`rule_templates`) with random subterms for its variables: the
shapes the rules rewrite, including any rule just added. Choices are ordered so that
hypothesis shrinks towards leaves, variables and the first ops of the table.

The same builder makes the values of random kernels (`kernels.py`), with loads as leaves.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from hypothesis import strategies as st

from rewriter.fuzz.values import IDX_EDGES, float_edges, int_edges
from rewriter.ir import dtype as dt
from rewriter.ir.dtype import DType
from rewriter.ir.ops import OPS, type_class
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, const, var
from rewriter.rewrite.engine import fold_constant
from rewriter.rewrite.matcher import substitute

INT_DTYPES = dt.INT_TYPES
FLOAT_DTYPES = (dt.f16, dt.bf16, dt.f32, dt.f64)
#: Every scalar type the concrete evaluator runs: the types terms are generated at.
TERM_DTYPES = INT_DTYPES + (dt.idx, dt.bool_) + FLOAT_DTYPES
VAR_POOL = ("a", "b", "c")

#: Ops drawn twice as often as the rest: the ones most rules are about.
COMMON_OPS = frozenset({"add", "sub", "mul", "neg", "div", "mod", "shl", "shr", "and", "or", "xor", "not",
                        "min", "max", "where", "lt", "le", "eq", "ne", "cast"})

#: Ops whose operand type is not fixed by their result: some operand's type must be pinned by
#: the text (see `TermBuilder.settle`), or a printed term would not parse back the same.
_FREE_OPERAND_TYPE = {"lt", "le", "eq", "ne", "cast", "bitcast", "is_pow2"}

OpFilter = Callable[[str, DType], bool]


def _all_ops(name: str, t: DType) -> bool:
    return True


def var_name(name: str, t: DType) -> str:
    """Variables carry their type in their name (`a_i32`): one name, one type."""
    return f"{name}_{t}"


def can_bitcast(src: DType, dst: DType) -> bool:
    return src.bits == dst.bits and not src.is_idx and not dst.is_idx


@functools.lru_cache(maxsize=None)
def constants(t: DType) -> tuple:
    """Constant values of type t, the likely-interesting ones first."""
    if t.is_bool:
        return (False, True)
    if t.is_float:
        # by repr: 0.0 == -0.0 would drop the negative zero
        return tuple({repr(v): v for v in (0.0, 1.0, -1.0, 2.0) + float_edges(t)}.values())
    if t.is_int:
        first = [0, 1, -1, 2, 3, 4, 8, 7, t.bits - 1, t.max, t.min, 16, 255]
        return tuple(dict.fromkeys([t.wrap(v) for v in first] + list(int_edges(t))))
    return tuple(dict.fromkeys([0, 1, -1, 2, 3, 4, 8, 7, 16, 64, 255, 256, 1024] + IDX_EDGES))


def rule_templates(library, dtypes=TERM_DTYPES) -> dict:
    """dtype -> the rule instances whose left side (and every type in it) the fuzzer can use:
    terms grown from them are the shapes the rules rewrite."""
    ok = set(dtypes) | {dt.bool_}
    out: dict = {}
    for inst in library.instances():
        if all(n.dtype in ok for n in inst.lhs.toposort()):
            out.setdefault(inst.lhs.dtype, []).append(inst)
    return out


def fold_all(root: UOp) -> UOp:
    """Fold every constant subterm (what the engine does to preconditions)."""
    memo: dict = {}
    for n in root.toposort():
        m = n.replace(src=tuple(memo[s] for s in n.src)) if n.src else n
        memo[n] = fold_constant(m)
    return memo[root]


def _pinned(u: UOp, memo: dict) -> bool:
    """Does the text of `u` fix its type? (variables, loads, casts and comparisons do; literals
    and `int_max()` do not; other ops when one of their `T` operands does.)"""
    if u in memo:
        return memo[u]
    if u.op in ("var", "load"):
        out = True
    elif u.op == "reduce":
        out = _pinned(u.src[0], memo)
    elif u.op == "const" or u.op not in OPS:
        out = False
    else:
        sig = OPS[u.op].sig
        out = sig.result == "bool" or (sig.result == "@" and bool(sig.params)) or any(
            _pinned(s, memo) for p, s in zip(sig.params, u.src) if p == "T")
    memo[u] = out
    return out


def has_var(u: UOp) -> bool:
    return any(n.op in ("var", "load") for n in u.toposort())


def producers_of(t: DType, operand_types: Callable, cast_sources: Callable,
                 allow: OpFilter) -> list[tuple[str, str]]:
    """The op table's typing rules read backwards: (kind, op) pairs that can build a term of
    type t, in table order. kind is "T" (result is the operand type), "bool" (a comparison:
    needs some operand type, `operand_types(op)`), "cast" (needs a source type,
    `cast_sources(op, t)`) or "nullary" (int_max<T>() and the like)."""
    out = []
    cls = type_class(t)
    for name, od in OPS.items():
        if od.target:  # target instructions (hvx.*) never appear in portable terms
            continue
        sig = od.sig
        if sig.result == "T":
            if cls in sig.T and od.semantics_for(t) is not None and allow(name, t):
                out.append(("T", name))
        elif sig.result == "bool":
            if t.is_bool and operand_types(name):
                out.append(("bool", name))
        elif sig.params:
            if cast_sources(name, t):
                out.append(("cast", name))
        elif cls in sig.T and allow(name, t):
            out.append(("nullary", name))
    return out


@dataclass
class TermBuilder:
    """Draws one term with `draw` (inside an `st.composite`).

    leaf(t)        an optional hook returning a non-constant leaf of type t (or None): kernels
                   use it for loads; by default leaves are the variables of `VAR_POOL`;
    allow(op, T)   which ops may appear at dispatch type T;
    dtypes         the types free operands (comparisons, cast sources) are drawn from;
    bounds         (name, dtype) -> (lo, hi) for bounded variables;
    flag_weight    0 never sets nsw/nuw/exact; k sets some with probability ~1/k.
    """

    draw: Callable
    dtypes: tuple = TERM_DTYPES
    allow: OpFilter = _all_ops
    leaf: Callable | None = None
    bounds: dict = field(default_factory=dict)
    flag_weight: int = 3
    shared: dict = field(default_factory=dict)  # dtype -> subterms built so far
    templates: dict = field(default_factory=dict)  # dtype -> [RuleInstance] (see rule_templates)
    _producers: dict = field(default_factory=dict)

    # -- leaves ------------------------------------------------------------------------------
    def variable(self, t: DType) -> UOp:
        if self.leaf is not None:
            u = self.leaf(t)
            if u is not None:
                return u
        name = self.draw(st.sampled_from(VAR_POOL))
        lo, hi = self.bounds.get((name, t), (None, None))
        return var(t, var_name(name, t), lo, hi)

    def constant(self, t: DType) -> UOp:
        """Mostly the few values rules care about (0, 1, -1, 2...), then edges, then any."""
        vals = constants(t)
        k = self.draw(st.integers(0, 3))
        if k == 0 or (k == 3 and not (t.is_int or t.is_idx)):
            v = self.draw(st.sampled_from(vals[:4]))
        elif k == 1:
            v = self.draw(st.sampled_from(vals[:13]))
        elif k == 2:
            v = self.draw(st.sampled_from(vals))
        elif t.is_int:
            v = self.draw(st.integers(t.min, t.max))
        else:
            v = self.draw(st.integers(-(1 << 70), 1 << 70))
        return const(t, v)

    def leaf_term(self, t: DType) -> UOp:
        kinds = 3 if self.shared.get(t) else 2
        k = self.draw(st.integers(0, kinds - 1))
        if k == 0:
            return self.variable(t)
        if k == 1:
            return self.constant(t)
        return self.draw(st.sampled_from(self.shared[t]))

    # -- ops ---------------------------------------------------------------------------------
    def producers(self, t: DType) -> list[tuple[str, str]]:
        """(kind, op) pairs that can produce type t, in table order; common ops twice."""
        key = (t, self.allow)
        if key not in self._producers:
            out = producers_of(t, self.operand_types, self.cast_sources, self.allow)
            self._producers[key] = out + [p for p in out if p[1] in COMMON_OPS]
        return self._producers[key]

    def operand_types(self, name: str) -> list[DType]:
        od = OPS[name]
        return [u for u in self.dtypes
                if type_class(u) in od.sig.T and od.semantics_for(u) is not None and self.allow(name, u)]

    def cast_sources(self, name: str, t: DType) -> list[DType]:
        if not self.allow(name, t):
            return []
        srcs = [u for u in self.dtypes if u != t]
        if name == "bitcast":
            srcs = [u for u in srcs if can_bitcast(u, t)]
        return srcs

    def flags(self, name: str, t: DType):
        allowed = sorted(OPS[name].flags)
        if not allowed or not self.flag_weight or t.is_float:
            return None
        if self.draw(st.integers(0, self.flag_weight)) != self.flag_weight:
            return None
        fs = self.draw(st.lists(st.sampled_from(allowed), min_size=1, unique=True))
        return tuple(sorted(fs))

    # -- terms -------------------------------------------------------------------------------
    def term(self, t: DType, depth: int, root: bool = False) -> UOp:
        """A term of type t at most `depth` ops deep (`root`: not a bare leaf)."""
        if depth <= 0 or (not root and self.draw(st.integers(0, 3)) == 0):
            return self.leaf_term(t)
        prods = self.producers(t)
        if not prods:
            return self.leaf_term(t)
        if self.templates.get(t) and self.draw(st.integers(0, 2)) == 2:
            u = self.from_template(self.draw(st.sampled_from(self.templates[t])), depth - 1)
        else:
            kind, name = self.draw(st.sampled_from(prods))
            u = self.node(kind, name, t, depth - 1)
        if u.src and u not in self.shared.setdefault(t, []):
            self.shared[t].append(u)
        return u

    def from_template(self, inst, depth: int) -> UOp:
        """A rule's left side with its variables replaced by random subterms and its constant
        symbols by random constants (drawn again, twice, if they make the precondition false)."""
        binding: dict = {}
        names = [v for v in inst.lhs.vars()]
        for _ in range(3):
            for v in names:
                if v.arg.name in inst.consts:
                    binding[v.arg.name] = self.constant(v.dtype)
            if inst.pre is None or fold_all(substitute(inst.pre, {**binding, **{
                    v.arg.name: v for v in names if v.arg.name not in inst.consts}})).arg is not False:
                break
        for v in names:
            if v.arg.name not in inst.consts:
                binding[v.arg.name] = self.term(v.dtype, depth)
        return substitute(inst.lhs, binding)

    def settle(self, root: UOp) -> UOp:
        """Make every literal's type follow from the text. The syntax has no typed literals, so
        an op whose operand type is free (comparison, cast, bitcast, is_pow2) over operands
        whose type nothing pins (`cast<f64>(where(c, 1.0, 0.0))`) is folded, or gets a variable;
        and `-C` is folded (the parser reads `-240` as one literal, which may not fit u8)."""
        memo: dict = {}
        pins: dict = {}
        for n in root.toposort():
            m = n.replace(src=tuple(memo[s] for s in n.src)) if n.src else n
            if (m.op in _FREE_OPERAND_TYPE and not any(_pinned(s, pins) for s in m.src)) or \
                    (m.op == "neg" and m.src[0].op == "const"):
                folded = fold_all(m)
                if folded.op == "const":
                    m = folded
                elif m.op != "neg":
                    m = m.replace(src=(self.variable(m.src[0].dtype),) + m.src[1:])
            memo[n] = m
        return memo[root]

    def operand(self, t: DType, depth: int, op: str, pos: int) -> UOp:
        """Hook for operands needing care (kernels guard divisors); plain terms by default."""
        return self.term(t, depth)

    def node(self, kind: str, name: str, t: DType, depth: int) -> UOp:
        od = OPS[name]
        if kind == "T":
            srcs = tuple(self.operand(dt.bool_ if p == "bool" else t, depth, name, i)
                         for i, p in enumerate(od.sig.params))
            return UOp(name, t, srcs, self.flags(name, t))
        if kind == "bool":
            u = self.draw(st.sampled_from(self.operand_types(name)))
            srcs = [self.operand(u, depth, name, i) for i in range(od.arity)]
            if not any(has_var(s) for s in srcs):
                srcs[0] = self.variable(u)
            return UOp(name, dt.bool_, tuple(srcs), None)
        if kind == "cast":
            u = self.draw(st.sampled_from(self.cast_sources(name, t)))
            src = self.term(u, depth)
            if not has_var(src):
                src = self.variable(u)
            return UOp(name, t, (src,), None)
        return UOp(name, t, (), None)  # int_max(), int_min(), bits()


@dataclass(frozen=True)
class TermCase:
    """A term and the seed of its input samples."""

    term: UOp
    seed: int

    @property
    def dtype(self) -> DType:
        return self.term.dtype

    def var_decls(self) -> list[str]:
        """`rewriter simplify --var` declarations of the term's variables."""
        out = []
        for v in self.term.vars():
            bounds = f"={v.arg.lo}..{v.arg.hi}" if v.arg.lo is not None and v.arg.hi is not None else ""
            out.append(f"{v.arg.name}:{v.dtype}{bounds}")
        return out

    def text(self) -> str:
        return f"{format_uop(self.term)}  : {self.term.dtype}  [{', '.join(self.var_decls())}]"


def _draw_bounds(draw) -> dict:
    """Bounds for some idx variables: mostly 0..N-1 (the shape of a kernel range), so the
    range analysis can decide the preconditions of index rules."""
    bounds = {}
    for name in VAR_POOL:
        k = draw(st.integers(0, 3))
        if k == 0:
            continue
        if k in (1, 2):
            hi = draw(st.sampled_from([0, 1, 3, 7, 15, 31, 63, 100, 127, 255, 1023]))
            bounds[(name, dt.idx)] = (0, hi)
        else:
            lo = draw(st.integers(-300, 300))
            bounds[(name, dt.idx)] = (lo, lo + draw(st.integers(0, 600)))
    return bounds


@st.composite
def term_cases(draw, dtypes=TERM_DTYPES, max_depth: int = 4, templates=None) -> TermCase:
    """A random well-typed term of one of `dtypes` (default: every scalar type; operands of
    comparisons and casts are of these types or bool), with its samples' seed. Idx variables
    are sometimes bounded; `templates` (from `rule_templates`) seeds terms with rules' left
    sides."""
    dtypes = tuple(dtypes)
    t = draw(st.sampled_from(dtypes))
    universe = dtypes + ((dt.bool_,) if dt.bool_ not in dtypes else ())
    b = TermBuilder(draw, dtypes=universe, bounds=_draw_bounds(draw), templates=templates or {})
    term = b.settle(b.term(t, max_depth, root=True))
    seed = draw(st.integers(0, 2**32 - 1))
    return TermCase(term, seed)

