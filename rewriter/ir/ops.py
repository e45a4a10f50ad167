"""THE op vocabulary: every op a UOp may carry, declared once (`VOCAB`, `op_info`).

Each declaration (`OpDef`) gives the op's arity, typing rule (`Sig`), what its `arg` holds
(`OpDef.arg`: poison flags, a constant's value, a buffer name, lane indices...), the IR
stages it may appear in (`OpDef.stages`: kernel, lowered, gpu, target:<name>) and its flags.
Ops with semantics form the op table proper (`OPS`): their meaning, range transfer and where
they may be UB (`OpDef.undefined_if`) are defined here. Structural ops (const, var, load,
store, reduce, acc, vload, gather, hreduce, sload, shfl, mma, ...: `structural=True`) have
no semantics here; they are declared with their typing and stages in `rewriter.ir.structural`,
which this module imports last.
Target instructions (`hvx.*`) are registered by their target's package with `register_op`
(`rewriter.backends.hexagon.ops`); this module imports no target. `rewriter.ir.validate`
checks nodes against these declarations.

Semantics are written against the `Domain` protocol (`rewriter.ir.domain`): a small algebra of
primitives (wrapping add, truncating division, overflow tests, IEEE arithmetic, `ite`...) that
has three implementations — concrete numpy arrays (`ConcreteDomain`, the evaluator), Z3
bitvectors and Z3 integers (`rewriter.ir.smt`). The evaluator and the Z3 encoder are both
`rewriter.ir.interp.interpret` run in a different domain, so they cannot disagree about what an
op means.

A semantics function is `sem(d, fx, t, *args, node)`:
  d     the domain,
  fx    `Effects`: `fx.ub(cond)` marks undefined behaviour, `fx.poison(cond)` a poison result,
  t     the dispatch type (the type of the operands, `T` in the signature),
  args  operand values, node the UOp (for its dtype, flags and arg).
Poison from operands propagates automatically (`interpret` does it); `where` is the one op
that only propagates the poison of the arm it selects, and the one op that guards its arms as
C's `?:` does: UB in the arm it does not select is not UB (`where(b != 0, a / b, 0)`).

Integer values are mathematical values under the type's signedness (see `dtype.py`).
Flags follow LLVM: `nsw`/`nuw` make signed/unsigned overflow poison, `exact` makes a lossy
division or right shift poison. Shifting by >= the bit width is poison; division by zero and
signed `MIN / -1` are UB, as in C and LLVM, and so is division by a poison divisor (LLVM): UB
is never decided from a poison operand's value, which is garbage that differs between domains.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

from rewriter.ir.dtype import DType

# Type classes used by signatures.
INT, IDX, FLOAT, BOOL = "int", "idx", "float", "bool"
INTEGRAL = frozenset({INT, IDX})
NUMERIC = frozenset({INT, IDX, FLOAT})
BITS = frozenset({INT, BOOL})
ORDERED = NUMERIC
ANY = frozenset({INT, IDX, FLOAT, BOOL})


def commutes(op: str, operand: DType) -> bool:
    """Whether `op` (a table op; anything else never commutes) commutes at this operand type."""
    d = OPS.get(op)
    return d is not None and d.commutes_at(operand)


def type_class(t: DType) -> str:
    return {"int": INT, "idx": IDX, "float": FLOAT, "bool": BOOL}[t.scalar.kind]


@dataclass(frozen=True)
class Sig:
    """A typing rule. Parameters and result are `"T"` (the op's type variable, constrained to
    `T`), `"bool"`, `"@"` (the result type is the node's own explicit type: casts and
    nullary constants), or a scalar type name such as `"i8"` (a fixed type: target
    instructions read and write fixed element types). A vector node's operands have its
    lane count (`bool` and fixed types included).

    Structural ops (loads, lanes of vectors...) use a few more parameter forms, relative to
    the node's own type: `"idx"` (a scalar index), `"idx~"` (an idx vector with the node's
    lanes), `"idx|idx~"` (either: a shared-tile read), `"lane"` (the node's lane type, a scalar), `"vec"` (a vector of the node's lane
    type), `"any"` (any value). A parameter ending in `*` stands for zero or more operands
    (a load's indices); an op with one has no fixed arity."""

    params: tuple[str, ...]
    result: str
    T: frozenset = NUMERIC

    @property
    def variadic(self) -> bool:
        return any(p.endswith("*") for p in self.params)


# What a node's `arg` holds, per op (`OpDef.arg`). Only ARG_FLAGS is read as poison flags
# (`UOp.flags`); every other kind is data.
ARG_FLAGS = "flags"  # None or a sorted tuple of the op's declared flags (nsw, nuw, exact)
ARG_NONE = "none"  # nothing: None
ARG_VALUE = "value"  # a constant's value: bool / int / float, or a tuple of lane values
ARG_VAR = "var"  # a `Var` record (name, bounds)
ARG_BUFFER = "buffer"  # the name of a buffer (or of a GPU shared-memory tile)
ARG_REDUCE = "reduce"  # (kind, (range name, ...)): kind names a reduction (sum, reduce_max...)
ARG_NAME = "name"  # a name: an accumulator, a GPU special index, a shuffle or mma shape
ARG_LANE = "lane"  # one lane index (int)
ARG_LANES = "lanes"  # a tuple of lane indices
ARG_OP = "op"  # the name of a table op (the fold of an hreduce)
ARG_TILE = "tile"  # (tile name, transposed?) of an ldmatrix
ARG_KINDS = frozenset({ARG_FLAGS, ARG_NONE, ARG_VALUE, ARG_VAR, ARG_BUFFER, ARG_REDUCE, ARG_NAME,
                       ARG_LANE, ARG_LANES, ARG_OP, ARG_TILE})

# Stages of the IR (what `rewriter.ir.validate` checks against). An op lists the stages it
# may appear in; a target stage `target:<name>` admits the kernel and lowered vocabularies
# plus the ops registered with that target.
KERNEL, LOWERED, GPU = "kernel", "lowered", "gpu"
EVERY_STAGE = frozenset({KERNEL, LOWERED, GPU})


@dataclass
class Effects:
    """Collects an op's own UB and poison conditions while its semantics run."""

    d: object
    defined: object
    poison_: object
    operands_poison: tuple = ()  # whether each operand is poison (set by the interpreter)

    def operand_poison(self, i: int):
        """Whether operand i is poison: a check that must not trust that operand's value."""
        return self.operands_poison[i] if i < len(self.operands_poison) else self.d.false()

    def ub(self, cond):
        self.defined = self.d.band(self.defined, self.d.bnot(cond))

    def poison(self, cond):
        self.poison_ = self.d.bor(self.poison_, cond)


Interval = tuple  # (lo, hi), either may be None (unbounded); for integral types and bool


@dataclass(frozen=True)
class OpDef:
    """One op of the vocabulary: every op a UOp may carry is declared by one OpDef.

    Ops with semantics (`sem`) are the op table proper (`OPS`): the evaluator, the Z3
    encoders, the range analysis and the rule DSL know them. Structural ops
    (`structural=True`: const, var, load, reduce, acc, vload, shfl...) have no semantics of
    their own here; they are the leaves and plumbing that kernels, lowered programs and GPU
    programs are made of, declared with the same arity, typing, arg kind and stages so that
    `rewriter.ir.validate` checks every node against one table."""

    name: str
    sig: Sig
    sem: dict[str, Callable]  # keyed by type class of T ("int" covers idx too) or "any"
    doc: str
    flags: frozenset[str] = frozenset()
    # The type classes (of the operands) at which swapping the two operands keeps the value.
    # Not a bool: float min/max are `b < a ? b : a`, which tells -0.0 from +0.0 and NaN
    # from a number by position, while integer min/max commute.
    commutative: frozenset[str] = frozenset()
    infix: str | None = None  # DSL operator symbol, if any
    range: Callable | None = None  # (t_result, arg_intervals, node) -> Interval
    select_poison: bool = False  # poison only from the selected arm (where)
    encodable_int: bool = True  # has an exact encoding over Z3 Int (no bitwise ops)
    # The target whose instruction this op models (e.g. "hexagon" for `hvx.*` ops), or None
    # for portable ops. Rules rewriting to a target op are kept out of the portable library.
    target: str | None = None
    # What the node's arg holds (ARG_*): poison flags for table ops, data for the others.
    arg: str = ARG_FLAGS
    # The IR stages the op may appear in (KERNEL, LOWERED, GPU, "target:<name>").
    stages: frozenset = EVERY_STAGE
    structural: bool = False  # no evaluator semantics: a leaf or plumbing op (see above)
    # (node, ranges) -> whether evaluating the node may be UB or poison *of its own* (not from
    # its operands), given `ranges` (rewriter.ir.ranges) of its operands. None: never (a
    # total op). Stated next to the semantics that call `fx.ub` / `fx.poison`; poison flags
    # are the other source, read off the node (`UOp.flags`). The rewrite engine's
    # `may_be_undefined` is this predicate over a term.
    undefined_if: Callable | None = None
    # Extra typing of a structural op, beyond `sig`: (node) -> a message, or None when fine.
    check: Callable | None = None
    arity: int | None = field(init=False)  # None for a variadic op

    def __post_init__(self):
        assert self.arg in ARG_KINDS, (self.name, self.arg)
        assert self.structural or self.sem, f"{self.name}: an op with no semantics is structural"
        object.__setattr__(self, "arity", None if self.sig.variadic else len(self.sig.params))

    @property
    def partial(self) -> bool:
        """Whether the op itself may be UB or poison on some operands (`undefined_if`)."""
        return self.undefined_if is not None

    def commutes_at(self, operand: DType) -> bool:
        """Whether op(a, b) == op(b, a) for operands of type `operand`."""
        return operand.kind in self.commutative  # a vector's kind is its lanes' kind

    def semantics_for(self, t: DType) -> Callable | None:
        cls = type_class(t)
        key = INT if cls == IDX else cls
        return self.sem.get(key) or self.sem.get("any")


#: Every declared op, structural ones included: what `op_info` answers and the validator
#: checks nodes against.
VOCAB: dict[str, OpDef] = {}
#: The op table proper: the ops with semantics (portable and target instructions). The
#: evaluator, the Z3 encoders, the range analysis and the rule DSL read this one.
OPS: dict[str, OpDef] = {}
#: DSL infix symbol -> op name (filled as ops register). `>`, `>=` are sugar: the parser
#: swaps operands.
INFIX: dict[str, str] = {}


#: op name -> (its OpDef, the module whose top-level code registered it, or None): how
#: another process gets the same op (`registered_by`).
_REGISTRARS: dict[str, tuple[OpDef, str | None]] = {}


def register_op(d: OpDef) -> OpDef:
    """Declare an op. Target packages register their instructions with this (e.g.
    `rewriter.backends.hexagon.ops` for `hvx.*`), so the portable table imports no target."""
    if d.name in VOCAB:
        raise ValueError(f"op '{d.name}' is declared twice")
    _REGISTRARS[d.name] = (d, _importing_module())
    install_op(d)
    return d


def install_op(d: OpDef) -> None:
    """Put `d` in the tables under its name, replacing an op of that name: how a verifier
    worker receives an op that importing no module registers (one a test made on the fly)."""
    VOCAB[d.name] = d
    if not d.structural:
        OPS[d.name] = d
    if d.infix:
        INFIX[d.infix] = d.name


def _importing_module() -> str | None:
    """The module whose import is registering an op: the caller of `register_op` is that
    module's top-level code, or a helper of that module called from it (`_op`). None when
    the op is registered from a running function (made at run time, as a test does)."""
    f = sys._getframe(2)  # register_op's caller
    name = f.f_globals.get("__name__")
    while f is not None and f.f_globals.get("__name__") == name:
        if f.f_code.co_name == "<module>":
            return name
        f = f.f_back
    return None


def registered_by(d: OpDef) -> str | None:
    """The module whose import registers `d` (this very OpDef), or None: then importing no
    module gives another process this op (it was made or replaced at run time)."""
    got = _REGISTRARS.get(d.name)
    return got[1] if got is not None and got[0] is d else None


def op_info(name: str) -> OpDef | None:
    """The declaration of op `name` (table or structural), or None if it is not declared."""
    return VOCAB.get(name)


def _op(name, sig, sem, doc, **kw) -> OpDef:
    return register_op(OpDef(name, sig, sem, doc, **kw))


# ----------------------------------------------------------------------------------------
# Interval helpers for the range transfer functions. None means unbounded.
# ----------------------------------------------------------------------------------------
def _iv_combine(f, a: Interval, b: Interval) -> Interval:
    if None in a or None in b:
        return (None, None)
    vals = [f(x, y) for x in a for y in b]
    return (min(vals), max(vals))


def _clip(t: DType, iv: Interval) -> Interval:
    """A result interval for type t: if it may leave t's range the op may wrap, so the
    honest answer is t's whole range."""
    lo, hi = iv
    if t.is_int or t.is_bool:
        if lo is None or hi is None or lo < t.min or hi > t.max:
            return (t.min, t.max)
    return iv


def _clip_flagged(t: DType, iv: Interval, n) -> Interval:
    """With a no-wrap flag matching the type's signedness, a result outside the type's range
    is poison, so the non-poison values are the interval clipped to the range."""
    lo, hi = iv
    if t.is_int and ("nsw" if t.signed else "nuw") in n.flags:
        lo = t.min if lo is None else max(lo, t.min)
        hi = t.max if hi is None else min(hi, t.max)
        return (lo, hi) if lo <= hi else (t.min, t.max)
    return _clip(t, iv)


def _r_add(t, a, b, n):
    return _clip_flagged(t, (None if None in (a[0], b[0]) else a[0] + b[0],
                             None if None in (a[1], b[1]) else a[1] + b[1]), n)


def _r_sub(t, a, b, n):
    return _clip_flagged(t, (None if None in (a[0], b[1]) else a[0] - b[1],
                             None if None in (a[1], b[0]) else a[1] - b[0]), n)


def _r_mul(t, a, b, n):
    return _clip_flagged(t, _iv_combine(lambda x, y: x * y, a, b), n)


def _r_neg(t, a, n):
    return _clip(t, (None if a[1] is None else -a[1], None if a[0] is None else -a[0]))


def _tdiv(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return q if (x >= 0) == (y >= 0) else -q


def _r_div(t, a, b, n):
    if None in b or b[0] <= 0 <= b[1]:
        # The divisor may be 0 (UB, so ignored) or unbounded: |a / b| <= |a|, and
        # the sign follows the dividend only when no divisor is negative.
        if None in a:
            return _clip(t, (None, None))
        m = max(abs(a[0]), abs(a[1]))
        if b[0] is None or b[0] < 0:
            return _clip(t, (-m, m))
        return _clip(t, (min(a[0], 0), max(a[1], 0)))
    if None in a:
        if b[0] > 0 and a[0] is not None and a[0] >= 0:
            return _clip(t, (0, None))
        return _clip(t, (None, None))
    # A divisor interval that excludes 0 keeps trunc(a / b) monotone in each
    # operand, so the extremes are at the corners.
    return _clip(t, _iv_combine(_tdiv, a, b))


def _r_mod(t, a, b, n):
    # C remainder: the sign of the dividend, |a % b| <= |a| and |a % b| < |b|.
    m = None if None in b else max(abs(b[0]), abs(b[1])) - 1
    lo = 0 if a[0] is not None and a[0] >= 0 else _iv_max(a[0], None if m is None else -m)
    hi = 0 if a[1] is not None and a[1] <= 0 else _iv_min(a[1], m)
    # Every divisor larger in magnitude than every dividend: a % b == a.
    if None not in a and None not in b and not (b[0] <= 0 <= b[1]):
        if max(abs(a[0]), abs(a[1])) < min(abs(b[0]), abs(b[1])):
            return _clip(t, a)
    return _clip(t, (lo, hi))


def _iv_max(x, y):
    """max of two optional lower bounds; None means unbounded (-inf)."""
    return y if x is None else x if y is None else max(x, y)


def _iv_min(x, y):
    """min of two optional upper bounds; None means unbounded (+inf)."""
    return y if x is None else x if y is None else min(x, y)


def _r_min(t, a, b, n):
    lo = None if None in (a[0], b[0]) else min(a[0], b[0])
    hi = b[1] if a[1] is None else a[1] if b[1] is None else min(a[1], b[1])
    return (lo, hi)


def _r_max(t, a, b, n):
    hi = None if None in (a[1], b[1]) else max(a[1], b[1])
    lo = b[0] if a[0] is None else a[0] if b[0] is None else max(a[0], b[0])
    return (lo, hi)


def _r_abs(t, a, n):
    if None in a:
        return _clip(t, (0, None))
    if a[0] >= 0:
        return a
    if a[1] <= 0:
        return _clip(t, (-a[1], -a[0]))
    return _clip(t, (0, max(-a[0], a[1])))


def _r_and(t, a, b, n):
    if t.is_bool:
        return (a[0] & b[0], a[1] & b[1])
    # x & y with one side non-negative lies in [0, that side's max].
    ups = [iv[1] for iv in (a, b) if iv[0] is not None and iv[0] >= 0]
    return (0, min(ups)) if ups else (t.min, t.max)


def _r_or(t, a, b, n):
    if t.is_bool:
        return (a[0] | b[0], a[1] | b[1])
    if a[0] >= 0 and b[0] >= 0:
        return (max(a[0], b[0]), (1 << max(a[1], b[1]).bit_length()) - 1)
    return (t.min, t.max)


def _r_not(t, a, n):
    if t.is_bool:
        return (1 - a[1], 1 - a[0])
    return _clip(t, (-a[1] - 1, -a[0] - 1))


def _r_shr(t, a, s, n):
    if None in s or None in a or s[0] < 0 or s[1] >= t.bits:
        return (t.min, t.max)
    return (min(a[0] >> s[0], a[0] >> s[1]), max(a[1] >> s[0], a[1] >> s[1]))


def _r_shl(t, a, s, n):
    if None in s or None in a or s[0] < 0 or s[1] >= t.bits:
        return (t.min, t.max)
    return _clip(t, _iv_combine(lambda x, k: x << k, a, s))


def _cmp_range(decide):
    def r(t, a, b, n):
        verdict = decide(a, b)
        return (verdict, verdict) if verdict is not None else (0, 1)

    return r


def _lt_decide(a, b):
    if a[1] is not None and b[0] is not None and a[1] < b[0]:
        return 1
    if a[0] is not None and b[1] is not None and a[0] >= b[1]:
        return 0
    return None


def _le_decide(a, b):
    if a[1] is not None and b[0] is not None and a[1] <= b[0]:
        return 1
    if a[0] is not None and b[1] is not None and a[0] > b[1]:
        return 0
    return None


def _eq_decide(a, b):
    if a[0] is not None and a[0] == a[1] == b[0] == b[1]:
        return 1
    if (a[1] is not None and b[0] is not None and a[1] < b[0]) or (
        a[0] is not None and b[1] is not None and a[0] > b[1]
    ):
        return 0
    return None


def _r_where(t, c, a, b, n):
    if c == (1, 1):
        return a
    if c == (0, 0):
        return b
    return (None if None in (a[0], b[0]) else min(a[0], b[0]),
            None if None in (a[1], b[1]) else max(a[1], b[1]))


def _r_cast(t, a, n):
    if t.is_idx:
        return a
    if t.is_bool:
        return (0, 1) if not (a[0] == a[1] and a[0] is not None) else ((1, 1) if a[0] else (0, 0))
    return _clip(t, a)


def _sat_interval(t, a, b, op):
    if None in a or None in b:
        return (t.min, t.max)
    lo, hi = (a[0] + b[0], a[1] + b[1]) if op == "add" else (a[0] - b[1], a[1] - b[0])
    return (min(max(lo, t.min), t.max), max(min(hi, t.max), t.min))


# ----------------------------------------------------------------------------------------
# Integer semantics (fixed width and idx; the domain handles the difference).
# ----------------------------------------------------------------------------------------
def _overflow_flags(d, fx, t, node, ovf):
    """Poison for nsw/nuw: `ovf(signed)` says whether the exact result leaves the range."""
    for flag, signed in (("nsw", True), ("nuw", False)):
        if flag in node.flags and t.is_int:
            fx.poison(ovf(signed))


def _s_add(d, fx, t, a, b, node):
    _overflow_flags(d, fx, t, node, lambda s: d.add_ovf(t, a, b, s))
    return d.add(t, a, b)


def _s_sub(d, fx, t, a, b, node):
    _overflow_flags(d, fx, t, node, lambda s: d.sub_ovf(t, a, b, s))
    return d.sub(t, a, b)


def _s_mul(d, fx, t, a, b, node):
    _overflow_flags(d, fx, t, node, lambda s: d.mul_ovf(t, a, b, s))
    return d.mul(t, a, b)


def _s_neg(d, fx, t, a, node):
    return d.sub(t, d.const(t, 0), a)


def _div_checks(d, fx, t, a, b):
    # A poison divisor makes the division UB (LLVM), whatever value a domain computed for it:
    # that value is garbage (concrete `y << 8` at i8 computes y << 0, Z3's bvshl gives 0), so
    # UB decided from it would differ between the evaluator and Z3.
    fx.ub(d.bor(fx.operand_poison(1), d.eq(t, b, d.const(t, 0))))
    if t.is_int and t.signed:
        # MIN / -1 overflows: UB in C and LLVM. A poison dividend may be MIN, so over -1 it
        # is UB as well (as in Alive2).
        maybe_min = d.bor(fx.operand_poison(0), d.eq(t, a, d.const(t, t.min)))
        fx.ub(d.band(maybe_min, d.eq(t, b, d.const(t, -1))))


def _s_div(d, fx, t, a, b, node):
    _div_checks(d, fx, t, a, b)
    q = d.tdiv(t, a, b)
    if "exact" in node.flags:
        fx.poison(d.bnot(d.eq(t, d.trem(t, a, b), d.const(t, 0))))
    return q


def _s_mod(d, fx, t, a, b, node):
    _div_checks(d, fx, t, a, b)
    return d.trem(t, a, b)


def _shift_amount_poison(d, fx, t, s):
    # Shift amounts outside [0, bits) are poison (LLVM); negative only exists when signed.
    fx.poison(d.bnot(d.band(d.le(t, d.const(t, 0), s), d.lt(t, s, d.const(t, t.bits)))) if t.signed
              else d.bnot(d.lt(t, s, d.const(t, t.bits))))


def _s_shl(d, fx, t, a, s, node):
    _shift_amount_poison(d, fx, t, s)
    _overflow_flags(d, fx, t, node, lambda sg: d.shl_ovf(t, a, s, sg))
    return d.shl(t, a, s)


def _s_shr(d, fx, t, a, s, node):
    _shift_amount_poison(d, fx, t, s)
    r = d.shr(t, a, s)
    if "exact" in node.flags:
        fx.poison(d.bnot(d.eq(t, d.shl(t, r, s), a)))
    return r


def _s_min(d, fx, t, a, b, node):
    return d.ite(d.lt(t, b, a), b, a)


def _s_max(d, fx, t, a, b, node):
    return d.ite(d.lt(t, a, b), b, a)


def _s_abs(d, fx, t, a, node):
    # Integer abs wraps at MIN (abs(-128) == -128 in i8), like C's common behaviour.
    return d.ite(d.lt(t, a, d.const(t, 0)), d.sub(t, d.const(t, 0), a), a)


def _s_sat_add(d, fx, t, a, b, node):
    ovf = d.add_ovf(t, a, b, t.signed)
    if not t.signed:
        return d.ite(ovf, d.const(t, t.max), d.add(t, a, b))
    clamp = d.ite(d.lt(t, b, d.const(t, 0)), d.const(t, t.min), d.const(t, t.max))
    return d.ite(ovf, clamp, d.add(t, a, b))


def _s_sat_sub(d, fx, t, a, b, node):
    ovf = d.sub_ovf(t, a, b, t.signed)
    if not t.signed:
        return d.ite(ovf, d.const(t, 0), d.sub(t, a, b))
    clamp = d.ite(d.lt(t, b, d.const(t, 0)), d.const(t, t.max), d.const(t, t.min))
    return d.ite(ovf, clamp, d.sub(t, a, b))


def _s_is_pow2(d, fx, t, a, node):
    return d.is_pow2(t, a)


def _s_log2_int(d, fx, t, a, node):
    # floor(log2(a)); poison for a <= 0 so that `log2(C)` in a rule is only meaningful
    # where the rule's precondition makes it so.
    fx.poison(d.le(t, a, d.const(t, 0)))
    return d.log2(t, a)


# ----------------------------------------------------------------------------------------
# Float semantics (IEEE 754, round to nearest even).
# ----------------------------------------------------------------------------------------
def _f2(prim):
    return lambda d, fx, t, a, b, node: getattr(d, prim)(t, a, b)


def _f1(prim):
    return lambda d, fx, t, a, node: getattr(d, prim)(t, a)


def _s_fmin(d, fx, t, a, b, node):
    # C's `a < b ? a : b` after swapping: min(a, b) = b < a ? b : a. NaN in b yields a.
    return d.ite(d.flt(t, b, a), b, a)


def _s_fmax(d, fx, t, a, b, node):
    return d.ite(d.flt(t, a, b), b, a)


def _s_fabs(d, fx, t, a, node):
    return d.fabs(t, a)


def _s_recip(d, fx, t, a, node):
    return d.fdiv(t, d.const(t, 1.0), a)


def _s_fma(d, fx, t, a, b, c, node):
    return d.ffma(t, a, b, c)


# ----------------------------------------------------------------------------------------
# Bool semantics
# ----------------------------------------------------------------------------------------
def _b2(prim):
    return lambda d, fx, t, a, b, node: getattr(d, prim)(a, b)


# ----------------------------------------------------------------------------------------
# Casts
# ----------------------------------------------------------------------------------------
def _s_cast(d, fx, t, a, node):
    dst = node.dtype.scalar
    src = t
    if src == dst:
        return a
    if dst.is_bool:
        if src.is_float:
            return d.bnot(d.feq(src, a, d.const(src, 0.0)))
        return d.bnot(d.eq(src, a, d.const(src, 0)))
    if src.is_bool:
        one, zero = (1.0, 0.0) if dst.is_float else (1, 0)
        return d.ite(a, d.const(dst, one), d.const(dst, zero))
    if src.is_integral and dst.is_integral:
        return d.icast(src, dst, a)  # trunc / sext / zext, all "wrap the value"
    if src.is_integral and dst.is_float:
        return d.i2f(src, dst, a)
    if src.is_float and dst.is_integral:
        # Truncates toward zero; NaN or out of range is poison (LLVM fptosi/fptoui).
        fx.poison(d.bnot(d.f2i_in_range(src, dst, a)))
        return d.f2i(src, dst, a)
    return d.f2f(src, dst, a)


def _s_bitcast(d, fx, t, a, node):
    return d.bitcast(t, node.dtype.scalar, a)


def _s_nullary(which):
    def sem(d, fx, t, node):
        t = node.dtype.scalar
        return d.const(t, {"int_max": t.max, "int_min": t.min, "bits": t.bits}[which])

    return sem


# ----------------------------------------------------------------------------------------
# Where the semantics above may be UB or poison (`OpDef.undefined_if`), read off the operand
# ranges: the conditions `fx.ub` / `fx.poison` test, over-approximated by intervals.
# ----------------------------------------------------------------------------------------
def _u_div(n, rng) -> bool:
    """Integer / and %: the divisor may be 0, or -1 for a signed type (MIN / -1)."""
    t = n.src[0].dtype
    if not t.is_integral:
        return False  # float division is total (IEEE)
    lo, hi = rng[n.src[1]]
    return lo is None or hi is None or lo <= 0 <= hi or (t.is_int and t.signed and lo <= -1 <= hi)


def _u_shift(n, rng) -> bool:
    """<< and >>: the amount may leave [0, bits)."""
    lo, hi = rng[n.src[1]]
    return lo is None or hi is None or lo < 0 or hi >= n.src[0].dtype.bits


def _u_log2(n, rng) -> bool:
    """Integer log2: the operand may be <= 0."""
    lo = rng[n.src[0]][0]
    return n.src[0].dtype.is_integral and (lo is None or lo <= 0)


def _u_cast(n, rng) -> bool:
    """float -> int or bool: NaN or out of range is poison (a conservative yes)."""
    return n.src[0].dtype.is_float and not n.dtype.is_float


# ----------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------
TT = ("T", "T")
ARITH_FLAGS = frozenset({"nsw", "nuw"})

_op("add", Sig(TT, "T"), {INT: _s_add, FLOAT: _f2("fadd")}, "addition (wraps)",
    flags=ARITH_FLAGS, commutative=ANY, infix="+", range=_r_add)
_op("sub", Sig(TT, "T"), {INT: _s_sub, FLOAT: _f2("fsub")}, "subtraction (wraps)",
    flags=ARITH_FLAGS, infix="-", range=_r_sub)
_op("mul", Sig(TT, "T"), {INT: _s_mul, FLOAT: _f2("fmul")}, "multiplication (wraps)",
    flags=ARITH_FLAGS, commutative=ANY, infix="*", range=_r_mul)
_op("neg", Sig(("T",), "T"), {INT: _s_neg, FLOAT: _f1("fneg")}, "negation (wraps at MIN)",
    range=_r_neg)
_op("div", Sig(TT, "T"), {INT: _s_div, FLOAT: _f2("fdiv")},
    "division truncating toward zero; /0, MIN/-1 and division by a poison divisor are UB "
    "(LLVM; a poison dividend over -1 may be MIN/-1: UB too)", flags=frozenset({"exact"}),
    infix="/", range=_r_div, undefined_if=_u_div)
_op("mod", Sig(TT, "T", INTEGRAL), {INT: _s_mod},
    "remainder with the dividend's sign (C %); %0, MIN%-1 and % by a poison divisor are UB "
    "(as for division)", infix="%", range=_r_mod, undefined_if=_u_div)
_op("shl", Sig(TT, "T", frozenset({INT})), {INT: _s_shl}, "shift left; amount >= bits is poison",
    flags=ARITH_FLAGS, infix="<<", range=_r_shl, encodable_int=False, undefined_if=_u_shift)
_op("shr", Sig(TT, "T", frozenset({INT})), {INT: _s_shr},
    "shift right: arithmetic for signed types, logical for unsigned", flags=frozenset({"exact"}),
    infix=">>", range=_r_shr, encodable_int=False, undefined_if=_u_shift)
_op("and", Sig(TT, "T", BITS), {INT: _f2("and_"), BOOL: _b2("band")}, "bitwise / logical and",
    commutative=ANY, infix="&", range=_r_and, encodable_int=False)
_op("or", Sig(TT, "T", BITS), {INT: _f2("or_"), BOOL: _b2("bor")}, "bitwise / logical or",
    commutative=ANY, infix="|", range=_r_or, encodable_int=False)
_op("xor", Sig(TT, "T", BITS), {INT: _f2("xor"), BOOL: _b2("bxor")}, "bitwise / logical xor",
    commutative=ANY, infix="^", encodable_int=False)
_op("not", Sig(("T",), "T", BITS), {INT: _f1("not_"), BOOL: lambda d, fx, t, a, n: d.bnot(a)},
    "bitwise / logical not", infix="~", range=_r_not, encodable_int=False)
_op("min", Sig(TT, "T"), {INT: _s_min, FLOAT: _s_fmin}, "minimum (floats: b < a ? b : a)",
    commutative=INTEGRAL, range=_r_min)
_op("max", Sig(TT, "T"), {INT: _s_max, FLOAT: _s_fmax}, "maximum (floats: a < b ? b : a)",
    commutative=INTEGRAL, range=_r_max)
_op("abs", Sig(("T",), "T"), {INT: _s_abs, FLOAT: _s_fabs}, "absolute value (ints wrap at MIN)",
    range=_r_abs)
_op("lt", Sig(TT, "bool", ANY - {BOOL}), {INT: _f2("lt"), FLOAT: _f2("flt")}, "less than",
    infix="<", range=_cmp_range(_lt_decide))
_op("le", Sig(TT, "bool", ANY - {BOOL}), {INT: _f2("le"), FLOAT: _f2("fle")}, "less or equal",
    infix="<=", range=_cmp_range(_le_decide))
_op("eq", Sig(TT, "bool", ANY), {INT: _f2("eq"), FLOAT: _f2("feq"), BOOL: _b2("beq")},
    "equality (floats: IEEE, NaN != NaN)", commutative=ANY, infix="==",
    range=_cmp_range(_eq_decide))
_op("ne", Sig(TT, "bool", ANY),
    {INT: lambda d, fx, t, a, b, n: d.bnot(d.eq(t, a, b)),
     FLOAT: lambda d, fx, t, a, b, n: d.bnot(d.feq(t, a, b)),
     BOOL: lambda d, fx, t, a, b, n: d.bxor(a, b)},
    "inequality (floats: IEEE, NaN != anything)", commutative=ANY, infix="!=",
    range=_cmp_range(lambda a, b: None if (r := _eq_decide(a, b)) is None else 1 - r))
_op("where", Sig(("bool", "T", "T"), "T", ANY),
    {"any": lambda d, fx, t, c, a, b, n: d.ite(c, a, b)}, "select: c ? a : b; the arm not selected is neither UB nor poison (C's ?:)",
    range=_r_where, select_poison=True)
_op("cast", Sig(("T",), "@", ANY), {"any": _s_cast},
    "conversion: trunc/sext/zext by source signedness, int<->float, float<->float",
    range=_r_cast, undefined_if=_u_cast)
# Floats in the IR have one NaN, as in Z3: arithmetic may return any NaN (LLVM leaves the
# payload unspecified, x86 and numpy keep the first operand's), so the one place bits become
# visible, a bitcast from a float, reads every NaN as the canonical quiet NaN. Rewrites such as
# a + b -> b + a or x * 1.0 -> x stay sound under bitcast, and targets agree with the reference.
_op("bitcast", Sig(("T",), "@", ANY), {"any": _s_bitcast},
    "reinterpret the bits (same width); every NaN reads as the canonical quiet NaN",
    encodable_int=False)
_op("sat_add", Sig(TT, "T", frozenset({INT})), {INT: _s_sat_add}, "saturating addition",
    commutative=ANY, range=lambda t, a, b, n: _sat_interval(t, a, b, "add"))
_op("sat_sub", Sig(TT, "T", frozenset({INT})), {INT: _s_sat_sub}, "saturating subtraction",
    range=lambda t, a, b, n: _sat_interval(t, a, b, "sub"))
_op("mulhi", Sig(TT, "T", frozenset({INT})), {INT: _f2("mulhi")},
    "high half of the double-width product", commutative=ANY)
_op("sqrt", Sig(("T",), "T", frozenset({FLOAT})), {FLOAT: _f1("fsqrt")}, "square root")
_op("exp2", Sig(("T",), "T", frozenset({FLOAT})), {FLOAT: _f1("fexp2")},
    "2**x (uninterpreted in Z3: only congruence is provable)")
_op("log2", Sig(("T",), "T", NUMERIC), {INT: _s_log2_int, FLOAT: _f1("flog2")},
    "floats: log2 (uninterpreted in Z3); integers: floor(log2(x)), poison for x <= 0",
    undefined_if=_u_log2)
_op("recip", Sig(("T",), "T", frozenset({FLOAT})), {FLOAT: _s_recip}, "1 / x")
_op("fma", Sig(("T", "T", "T"), "T", frozenset({FLOAT})), {FLOAT: _s_fma},
    "fused multiply-add, one rounding")
_op("is_pow2", Sig(("T",), "bool", INTEGRAL), {INT: _s_is_pow2}, "x is a power of two (x > 0)")
_op("int_max", Sig((), "@", frozenset({INT})), {"any": _s_nullary("int_max")},
    "largest value of the type")
_op("int_min", Sig((), "@", frozenset({INT})), {"any": _s_nullary("int_min")},
    "smallest value of the type")
_op("bits", Sig((), "@", frozenset({INT})), {"any": _s_nullary("bits")}, "bit width of the type")


# The structural ops (const, var, load, store, reduce, ...), declared after the table ops: the
# module imports the names above from this one, which is complete by now.
import rewriter.ir.structural  # noqa: E402,F401  (registers them)
