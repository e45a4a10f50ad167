"""Type inference for rules, and instantiation of a rule at each type it is verified at.

Every pattern node gets a type term; op signatures from the op table unify their operands
(Hindley-Milner style, with union-find). What stays unresolved after inference is the rule's
type parameter: a rule is instantiated once per type in its `[types]` list (default: every
integer type and idx at which it type-checks), each instance a pair of typed `UOp` trees.
All type errors are found here, before Z3 is ever called.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from rewriter.dsl.parser import RuleDecl
from rewriter.dsl.pattern import SUGAR, TYPE_PARAM, Bound, Pattern
from rewriter.errors import SourceLoc, TypeCheckError
from rewriter.ir.dtype import DEFAULT_RULE_TYPES, DType, bool_, parse_dtype
from rewriter.ir.ops import ANY, BOOL, FLOAT, NUMERIC, OPS, type_class
from rewriter.ir.uop import UOp, const, var


class _NotAtType(Exception):
    """The rule does not type-check at the requested instantiation type."""


@dataclass
class _TV:
    parent: int
    dtype: DType | None
    classes: frozenset


class TypeEnv:
    """Union-find over type variables, each carrying a concrete type or a set of classes."""

    def __init__(self, filename_text: str | None):
        self.vars: list[_TV] = []
        self.text = filename_text

    def fresh(self, classes=ANY, dtype: DType | None = None) -> int:
        self.vars.append(_TV(len(self.vars), dtype, frozenset(classes)))
        return len(self.vars) - 1

    def find(self, v: int) -> int:
        while self.vars[v].parent != v:
            self.vars[v].parent = self.vars[self.vars[v].parent].parent
            v = self.vars[v].parent
        return v

    def describe(self, v: int) -> str:
        tv = self.vars[self.find(v)]
        return str(tv.dtype) if tv.dtype is not None else describe_classes(tv.classes)

    def unify(self, a: int, b: int, loc: SourceLoc, what: str):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        A, B = self.vars[ra], self.vars[rb]
        if A.dtype is not None and B.dtype is not None and A.dtype != B.dtype:
            raise TypeCheckError(f"type mismatch in {what}: {A.dtype} vs {B.dtype}", loc, self.text)
        dtype = A.dtype or B.dtype
        classes = A.classes & B.classes
        if not classes or (dtype is not None and type_class(dtype) not in classes):
            raise TypeCheckError(f"type mismatch in {what}: {self.describe(ra)} vs {self.describe(rb)}",
                                 loc, self.text)
        B.parent = ra
        A.dtype, A.classes = dtype, classes


@dataclass(frozen=True)
class RuleInstance:
    """A rule at one type: typed left/right sides and precondition, ready to verify or match."""

    name: str
    loc: SourceLoc
    dtype: DType
    lhs: UOp
    rhs: UOp
    pre: UOp | None
    var_types: dict = field(compare=False)  # pattern name -> DType
    consts: frozenset = frozenset()  # names of constant symbols (uppercase)

    @property
    def inputs(self) -> list[UOp]:
        """Every input (variables and constant symbols) in a stable order."""
        seen = {}
        for root in (self.lhs, self.rhs, self.pre):
            if root is not None:
                for n in root.vars():
                    seen.setdefault(n.arg.name, n)
        return list(seen.values())


class Typing:
    """The inferred types of one rule (or expression)."""

    def __init__(self, text: str | None):
        self.env = TypeEnv(text)
        self.text = text
        self.node_type: dict[int, int] = {}  # id(pattern) -> type var
        self.names: dict[str, int] = {}
        self.keep: list[Pattern] = []  # keeps patterns alive so id() stays unique

    def infer(self, p: Pattern) -> int:
        self.keep.append(p)
        tv = self._infer(p)
        self.node_type[id(p)] = tv
        return tv

    def _infer(self, p: Pattern) -> int:
        env = self.env
        if p.kind in ("var", "const"):
            if p.name not in self.names:
                self.names[p.name] = env.fresh(ANY)
            tv = self.names[p.name]
            if p.dtype is not None:
                self.check_value_type(p.dtype, p.loc, f"'{p.name}'")
                env.unify(tv, env.fresh(ANY, p.dtype), p.loc,
                          f"the annotation of '{p.name}'")
            return tv
        if p.kind == "index":
            raise TypeCheckError(f"'{p.name}[...]' reads a buffer: loads only exist in kernels",
                                 p.loc, self.text)
        if p.kind == "lit":
            if isinstance(p.value, bool):
                return env.fresh({BOOL}, bool_)
            return env.fresh({FLOAT} if isinstance(p.value, float) else NUMERIC)
        return self._infer_op(p)

    def _infer_op(self, p: Pattern) -> int:
        env = self.env
        name = p.op
        if name in ("land", "lor", "lnot"):
            b = env.fresh({BOOL}, bool_)
            for a in p.args:
                env.unify(self.infer(a), b, a.loc or p.loc, f"operand of '{_sym(name)}'")
            return b
        opname = SUGAR[name][0] if name in SUGAR else name
        opdef = OPS.get(opname)
        if opdef is None:
            # `ns.name(...)` of an op not registered parses as op `ns` with flags: name it whole.
            written = ".".join((p.op,) + p.flags)
            known_ns = any(n.startswith(p.op + ".") for n in OPS)
            hint = (f" (no op of namespace '{p.op}' is registered: target ops are registered by "
                    "their target's package, import rewriter.targets, the registry)"
                    if p.flags and not known_ns else "")
            raise TypeCheckError(f"unknown op '{written}'{hint}", p.loc, self.text)
        if len(p.args) != opdef.arity:
            raise TypeCheckError(f"'{p.op}' takes {opdef.arity} operand{'s' * (opdef.arity != 1)}, "
                                 f"got {len(p.args)}", p.loc, self.text)
        for f in p.flags:
            if f not in opdef.flags:
                allowed = ", ".join(sorted(opdef.flags)) or "none"
                raise TypeCheckError(f"'{p.op}' has no flag '{f}' (allowed: {allowed})", p.loc, self.text)
        if opdef.sig.result == "@" and opdef.arity and p.dtype is None:
            raise TypeCheckError(f"'{p.op}' needs a target type, as in {p.op}<i32>(x)", p.loc, self.text)
        if p.dtype is not None and opdef.sig.result != "@":
            raise TypeCheckError(f"'{p.op}' takes no type argument", p.loc, self.text)
        if p.dtype is not None:
            self.check_value_type(p.dtype, p.loc, f"'{p.op}'")
            # A nullary op's type argument is the type it is computed at, so it must be in the
            # op's class: int_max<f32>() has no value (a cast's target may be any type).
            if not opdef.arity and type_class(p.dtype) not in opdef.sig.T:
                raise TypeCheckError(f"'{p.op}' is defined at {describe_classes(opdef.sig.T)}, "
                                     f"not {p.dtype}", p.loc, self.text)
        T = env.fresh(opdef.sig.T)
        what = f"'{_sym(name)}'"
        for param, a in zip(opdef.sig.params, p.args):
            target = T if param == "T" else self._fixed(param)
            env.unify(self.infer(a), target, a.loc or p.loc, f"operand of {what}")
        if opdef.sig.result == "T":
            return T
        if opdef.sig.result == "bool":
            return env.fresh({BOOL}, bool_)
        if opdef.sig.result != "@":  # a fixed result type (target instructions)
            return self._fixed(opdef.sig.result)
        if p.dtype is not None:  # casts
            return env.fresh(ANY, p.dtype)
        return T  # nullary constants (int_max()...) take their type from context

    def _fixed(self, name: str) -> int:
        """A type variable pinned to a signature's fixed type ("bool", "i8", ...)."""
        t = parse_dtype(name)
        return self.env.fresh({type_class(t)}, t)

    def check_value_type(self, t: DType, loc: SourceLoc | None, what: str):
        """Pointers are not values (they only name buffers), and have no type class."""
        if t.kind == "ptr":
            raise TypeCheckError(f"{what} cannot have the pointer type {t}: expressions compute "
                                 "values, not pointers", loc, self.text)

    def resolve(self, p: Pattern, at: DType | None) -> DType:
        tv = self.env.vars[self.env.find(self.node_type[id(p)])]
        if tv.dtype is not None:
            return tv.dtype
        if at is None or type_class(at) not in tv.classes:
            what = _sym(p.op) if p.kind == "op" else (p.name or p.value)
            raise _NotAtType(f"'{what}' needs {describe_classes(tv.classes)}")
        return at

    def build(self, p: Pattern, at: DType | None, bounds: dict) -> UOp:
        """The typed UOp of a pattern; `bounds` gives variables' inclusive (lo, hi)."""
        t = self.resolve(p, at)
        if p.kind in ("var", "const"):
            lo, hi = bounds.get(p.name, (None, None))
            return var(t, p.name, lo, hi)
        if p.kind == "lit":
            return const(t, _literal_at(p.value, t))
        srcs = tuple(self.build(a, at, bounds) for a in p.args)
        name = p.op
        if name in SUGAR:
            name, swap = SUGAR[name]
            if swap:
                srcs = srcs[::-1]
        if name == "bitcast" and (srcs[0].dtype.bits != t.bits or t.is_idx or srcs[0].dtype.is_idx):
            raise _NotAtType(f"bitcast from {srcs[0].dtype} to {t} changes the width")
        return UOp(name, t, srcs, tuple(sorted(p.flags)) or None)

    def is_polymorphic(self, roots) -> bool:
        return any(self.env.vars[self.env.find(self.node_type[id(n)])].dtype is None
                   for r in roots for n in r.walk())


def _sym(name: str) -> str:
    """How the user wrote an op: its infix symbol where it has one."""
    sugar = {"land": "&&", "lor": "||", "lnot": "!", "gt": ">", "ge": ">=", "neg": "-"}
    return sugar.get(name) or (OPS[name].infix if name in OPS and OPS[name].infix else name)


_CLASS_TEXT = {frozenset({BOOL}): "bool", frozenset({FLOAT}): "a float type",
               frozenset({"int"}): "a fixed-width integer type", frozenset({"int", "idx"}): "an integer type",
               NUMERIC: "a number type", frozenset({"int", "bool"}): "an integer type or bool"}


def describe_classes(classes) -> str:
    return _CLASS_TEXT.get(frozenset(classes)) or " or ".join(sorted(classes)) or "no type"


def to_uop(p: Pattern, typing: Typing, at: DType | None, bounds: dict | None = None) -> UOp:
    """Build the typed UOp for a pattern at instantiation type `at`."""
    return typing.build(p, at, bounds or {})


def _literal_at(v, t: DType):
    if t.is_bool:
        return bool(v)
    if t.is_float:
        return float(v)
    if isinstance(v, float):
        raise _NotAtType(f"float literal {v} at integer type {t}")
    if t.is_int and not (-(1 << (t.bits - 1)) <= v <= (1 << t.bits) - 1):
        raise _NotAtType(f"literal {v} does not fit {t}")
    return t.wrap(v)


def _check_rule_types(decl, text: str | None) -> None:
    """The types a rule names ([..] list, annotations, type arguments) are scalar value types,
    each listed once. Rules are written at scalar types and the backends apply them lane-wise,
    so a vector type in a rule is a mistake (and the verifiers encode scalars only)."""
    locs = decl.type_locs or ()
    seen = set()
    for i, t in enumerate(decl.types or ()):
        loc = locs[i] if i < len(locs) else decl.loc
        if t.kind == "ptr":
            raise TypeCheckError(f"rule '{decl.name}' cannot be instantiated at the pointer type {t}",
                                 loc, text)
        if t.is_vector:
            raise TypeCheckError(f"rule '{decl.name}' names the vector type {t}: rules are written "
                                 f"at scalar types (here {t.scalar}) and the backends apply them "
                                 "lane-wise", loc, text)
        if t in seen:
            # An error, not a silent dedup: a repeated type is most likely a typo for another
            # one, which would then go unverified.
            raise TypeCheckError(f"type {t} is listed twice in the types of rule '{decl.name}'",
                                 loc, text)
        seen.add(t)
    for root in (decl.lhs, decl.rhs, decl.pre):
        for p in root.walk() if root is not None else ():
            if p.dtype is not None and p.dtype.is_vector:
                raise TypeCheckError(f"rule '{decl.name}' names the vector type {p.dtype}: rules are "
                                     f"written at scalar types (here {p.dtype.scalar}) and the "
                                     "backends apply them lane-wise", p.loc or decl.loc, text)


def _reject_ignored_types(decl, ty: Typing, text: str | None) -> None:
    """A rule whose annotations and casts fix every type has one instance, at that type; a
    [..] list naming another type would be silently ignored (`rule tmf [f32]: x + y =>
    x + cast<f16>(y)` was proven at f16 only), so it is an error at the list entry."""
    try:
        fixed = to_uop(decl.lhs, ty, None).dtype
    except _NotAtType:
        return  # reported by the instantiation below
    locs = decl.type_locs or ()
    for i, t in enumerate(decl.types):
        if t != fixed:
            raise TypeCheckError(f"rule '{decl.name}' lists {t}, but its annotations and casts fix "
                                 f"its type to {fixed}: the list would be ignored (remove it, or "
                                 f"write [{fixed}])", locs[i] if i < len(locs) else decl.loc, text)


def check_bindings(decl: RuleDecl, text: str | None) -> None:
    """Structural checks that need no types: a left side that is an operation, and every name
    on the right side or in the precondition bound by the left side."""
    if decl.lhs.kind != "op":
        raise TypeCheckError("the left side of a rule must be an operation, not a lone "
                             f"{'variable' if decl.lhs.kind != 'lit' else 'literal'}",
                             decl.lhs.loc or decl.loc, text)
    bound = decl.lhs.names()
    for side, what in ((decl.rhs, "right side"), (decl.pre, "precondition")):
        if side is None:
            continue
        for p in side.walk():
            if p.kind in ("var", "const") and p.name not in bound:
                raise TypeCheckError(f"'{p.name}' on the {what} is not bound by the left side",
                                     p.loc or decl.loc, text)


def _uses(decl, what) -> bool:
    return any(what(p) for r in (decl.lhs, decl.rhs, decl.pre) if r is not None for p in r.walk())


def _is_param(p: Pattern) -> bool:
    return p.dtype is TYPE_PARAM or (p.kind == "lit" and isinstance(p.value, Bound)
                                     and p.value.dtype is TYPE_PARAM)


def _substitute(p: Pattern | None, t: DType | None, text: str | None) -> Pattern | None:
    """`p` with the type parameter T as `t` and every MIN<..>/MAX<..> as its number."""
    if p is None:
        return None
    if p.kind == "lit" and isinstance(p.value, Bound):
        v = p.value.value_at(t) if t is not None or p.value.dtype is not TYPE_PARAM else None
        if v is None:
            raise TypeCheckError(f"{p.value} is not a number: {t} has no {p.value.which.lower()}imum",
                                 p.loc, text)
        return replace(p, value=v)
    return replace(p, args=tuple(_substitute(a, t, text) for a in p.args),
                   dtype=t if p.dtype is TYPE_PARAM else p.dtype)


def _instantiate_param(decl, text: str | None):
    """A rule over the type parameter T: one plain rule per entry of its [..] list, with T
    (and MIN<T>, MAX<T>) replaced by that type; the instances of all of them."""
    if decl.types is None:
        raise TypeCheckError(f"rule '{decl.name}' uses the type parameter T: list its types, as in "
                             "[signed, idx]", decl.loc, text)
    instances = []
    for i, t in enumerate(decl.types):
        loc = decl.type_locs[i] if decl.type_locs and i < len(decl.type_locs) else decl.loc
        plain = replace(decl, lhs=_substitute(decl.lhs, t, text), rhs=_substitute(decl.rhs, t, text),
                        pre=_substitute(decl.pre, t, text), types=None, type_locs=None, type_names=None)
        try:
            got, _ = instantiate_rule(plain, text)
        except TypeCheckError as e:
            raise TypeCheckError(f"rule '{decl.name}' at T = {t}: {e.message}", loc, text) from None
        # T may fix the instance's type (cast<T>(x:T)) or only a bound's value (MAX<T>, the
        # rest polymorphic): then keep the instance at T itself.
        at_t = [x for x in got if x.dtype == t]
        instances += at_t if at_t else got
    return instances, []


def instantiate_rule(decl, text: str | None):
    """Type-check a `RuleDecl` and build its instances. Returns (instances, skipped) where
    skipped lists (type, reason) for default types the rule does not apply to."""
    if _uses(decl, _is_param):
        return _instantiate_param(decl, text)
    if _uses(decl, lambda p: p.kind == "lit" and isinstance(p.value, Bound)):
        decl = replace(decl, lhs=_substitute(decl.lhs, None, text), rhs=_substitute(decl.rhs, None, text),
                       pre=_substitute(decl.pre, None, text))
    check_bindings(decl, text)
    _check_rule_types(decl, text)
    ty = Typing(text)
    lt = ty.infer(decl.lhs)
    rt = ty.infer(decl.rhs)
    ty.env.unify(lt, rt, decl.rhs.loc or decl.loc, "the two sides of the rule")
    if decl.pre is not None:
        ty.env.unify(ty.infer(decl.pre), ty.env.fresh({BOOL}, bool_), decl.pre.loc or decl.loc,
                     "the precondition (it must be a bool)")
    roots = [r for r in (decl.lhs, decl.rhs, decl.pre) if r is not None]
    consts = frozenset(n.name for r in roots for n in r.walk() if n.kind == "const")
    if not ty.is_polymorphic(roots):
        candidates, explicit = [None], False
        if decl.types is not None:
            _reject_ignored_types(decl, ty, text)
    elif decl.types is not None:
        candidates, explicit = list(decl.types), True
    else:
        candidates, explicit = list(DEFAULT_RULE_TYPES), False
    instances, skipped = [], []
    type_locs = decl.type_locs if explicit and decl.type_locs else ()
    for i, at in enumerate(candidates):
        try:
            lhs, rhs = to_uop(decl.lhs, ty, at), to_uop(decl.rhs, ty, at)
            pre = to_uop(decl.pre, ty, at) if decl.pre is not None else None
        except _NotAtType as why:
            if explicit:  # point at the offending entry of the [..] list
                loc = type_locs[i] if i < len(type_locs) else decl.loc
                raise TypeCheckError(f"rule '{decl.name}' does not type-check at {at}: {why}",
                                     loc, text) from None
            skipped.append((at, str(why)))
            continue
        var_types = {n.arg.name: n.dtype for r in (lhs, rhs, pre) if r is not None for n in r.vars()}
        instances.append(RuleInstance(decl.name, decl.loc, at or lhs.dtype, lhs, rhs, pre,
                                      var_types, consts))
    if not instances:
        hint = ("a float rule must name its float types, as in [f32]" if any(
            n.kind == "lit" and isinstance(n.value, float) for r in roots for n in r.walk())
            else "name the types it applies to with [..]")
        raise TypeCheckError(f"rule '{decl.name}' type-checks at none of the default types "
                             f"(i8..i64, u8..u64, idx): {hint}", decl.loc, text)
    return instances, skipped
