"""`rewriter simplify`: an expression, typed variables with ranges, the library, a fixpoint.

This is the index-arithmetic workhorse a tensor compiler needs: `(a*4 + b) / 4` with
a in 0..100 and b in 0..3 is `a`. `--check` proves the result equal to the input with Z3
(under the declared ranges), through the same refinement check the rule verifier uses.

It applies the library's portable rules (`RuleLibrary.portable()`), or with `target` that
target's scope too (`RuleLibrary.for_target`), with either engine: the greedy `Rewriter`
(rewriter.rewrite) or equality saturation (rewriter.solver). Since it picks between the two
it sits above both (layers, bottom first: dsl, verifier, rewrite, solver, this front end).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rewriter.dsl.parser import parse_expr
from rewriter.dsl.rule import PORTABLE, RuleLibrary, load_library
from rewriter.dsl.typecheck import RuleInstance, Typing, _NotAtType, to_uop
from rewriter.errors import RewriterError, SourceError, SourceLoc, TypeCheckError
from rewriter.ir.dtype import DType, idx, parse_dtype
from rewriter.ir.ops import ANY
from rewriter.ir.printer import format_uop
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp
from rewriter.limits import Limits, limit_name
from rewriter.rewrite.engine import Rewriter
from rewriter.solver import SaturatingRewriter
from rewriter.verifier.strategies import run_portfolio

_DECL = re.compile(r"^([a-z_][a-z0-9_]*):([a-z0-9*]+)(?:=(-?\d+)\.\.(-?\d+))?$")


@dataclass(frozen=True)
class VarDecl:
    name: str
    dtype: DType
    lo: int | None = None
    hi: int | None = None


def _bound(decl: str, digits: str | None, limits: Limits) -> int | None:
    """A --var bound, at most `max_literal_bits` bits like a literal (checked on the digit
    count first: Python converts at most 4300 digits)."""
    if digits is None:
        return None
    n = len(digits.lstrip("-").lstrip("0"))
    value = int(digits) if n * 3 <= limits.max_literal_bits + 3 else None
    if value is None or abs(value).bit_length() > limits.max_literal_bits:
        name = decl.split(":", 1)[0]
        raise RewriterError(f"--var {name}: a bound of {n} digits exceeds the limit of "
                            f"{limits.max_literal_bits} bits ({limit_name('max_literal_bits')})")
    return value


def parse_var_decl(text: str, limits: Limits = Limits()) -> VarDecl:
    """`a:idx=0..100` (bounds inclusive and optional) -> VarDecl."""
    m = _DECL.match(text.strip())
    if not m:
        raise RewriterError(f"--var {text!r}: expected NAME:TYPE or NAME:TYPE=LO..HI, e.g. a:idx=0..100")
    try:
        t = parse_dtype(m.group(2))
    except RewriterError as e:
        raise RewriterError(f"--var {text!r}: {e}") from None
    if t.is_vector:
        raise RewriterError(f"--var {text!r}: {t} is a vector type: expressions are written at "
                            f"scalar types (here {t.scalar})")
    lo, hi = (_bound(text, m.group(g), limits) for g in (3, 4))
    if lo is not None:
        if lo > hi:
            raise RewriterError(f"--var {text!r}: empty range {lo}..{hi}")
        if t.is_int and (lo < t.min or hi > t.max):
            raise RewriterError(f"--var {text!r}: range {lo}..{hi} does not fit {t}")
        if not t.is_integral:
            raise RewriterError(f"--var {text!r}: ranges are for integer types")
    return VarDecl(m.group(1), t, lo, hi)


def typed_expr(text: str, decls: list[VarDecl], filename: str = "<expr>",
               limits: Limits = Limits()) -> UOp:
    """Parse and type an expression over declared variables (undeclared ones are errors)."""
    pattern = parse_expr(text, filename, limits)
    by_name = {d.name: d for d in decls}
    ty = Typing(text)
    for p in pattern.walk():
        if p.dtype is not None and p.dtype.is_vector:
            # As in rules (typecheck._check_rule_types): terms are scalar; a scalar cast to a
            # vector type and back was "proven equal" to the scalar.
            raise TypeCheckError(f"{p.dtype} is a vector type: expressions are written at scalar "
                                 f"types (here {p.dtype.scalar})", p.loc, text)
        if p.kind in ("var", "const") and p.name not in by_name:
            raise SourceError(f"undeclared variable '{p.name}': declare it with --var {p.name}:TYPE",
                              p.loc, text)
    ty.infer(pattern)
    first_use = {}
    for p in pattern.walk():
        first_use.setdefault(p.name, p.loc)
    for name, tv in ty.names.items():
        ty.env.unify(tv, ty.env.fresh(ANY, by_name[name].dtype), first_use[name],
                     f"the use of '{name}' (declared {by_name[name].dtype})")
    try:
        # Literals whose type nothing fixes (e.g. "1 + 2") are idx: index arithmetic.
        return to_uop(pattern, ty, idx, {d.name: (d.lo, d.hi) for d in decls})
    except _NotAtType as e:
        raise TypeCheckError(str(e), SourceLoc(filename, 1, 1), text) from None


@dataclass
class SimplifyResult:
    input: UOp
    output: UOp
    stats: Counter
    rule_locs: dict
    check: str = ""
    text: str = field(default="")
    explanation: list[str] = field(default_factory=list)


def format_range(u: UOp) -> str:
    lo, hi = ranges(u)[u]
    if u.dtype.is_float:
        return ""
    if u.dtype.is_bool:
        return "" if lo != hi else f"always {'true' if lo else 'false'}"
    show = lambda v, inf: inf if v is None else str(v)  # noqa: E731
    return f"range [{show(lo, '-inf')}, {show(hi, 'inf')}]"


def simplify_expr(text: str, decls: list[VarDecl], rule_paths, check: bool = False,
                  engine: str = "greedy", explain: bool = False,
                  target: str | None = None, limits: Limits = Limits()) -> SimplifyResult:
    """Simplify `text` with the portable rules of `rule_paths` (and `target`'s, if given).
    `rule_locs` of the result says where each rule is, and its scope for a target's rule."""
    term = typed_expr(text, decls, limits=limits)
    full = load_library(rule_paths)
    lib = full.for_target(target) if target else full.portable()
    rw = SaturatingRewriter(lib) if engine == "saturate" else Rewriter(lib, trace=explain)
    out = rw.normalize(term)
    where = rule_places(lib)
    res = SimplifyResult(term, out, rw.stats, {n: where.get(n, loc) for n, loc in rw.rule_locs.items()})
    if explain and engine == "saturate":
        res.explanation = [_with_scopes(line, lib) for line in rw.results[-1].report().split("\n")]
    elif explain:
        res.explanation = explain_greedy(rw, where)
    rng = format_range(out)
    res.text = f"{format_uop(out)}    # {out.dtype}" + (f", {rng}" if rng else "")
    if check:
        res.check = check_equal(term, out)
    return res


def rule_places(lib: RuleLibrary) -> dict[str, str]:
    """Rule name -> `file:line:col`, followed by `, scope NAME` for a target's rule and
    `, from "..."` where the rule says where it comes from."""
    return {r.name: str(r.loc) + ("" if r.scope == PORTABLE else f", scope {r.scope}")
            + (f', from "{r.decl.source}"' if r.decl.source else "") for r in lib}


def _with_scopes(line: str, lib: RuleLibrary) -> str:
    """A line of the saturation report, each target rule's `(file:line:col)` given its scope."""
    for r in lib:
        if r.scope != PORTABLE and f"  {r.name}  ({r.loc})" in line:
            line = line.replace(f"({r.loc})", f"({r.loc}, scope {r.scope})")
    return line


def explain_greedy(rw: Rewriter, where: dict[str, str] | None = None) -> list[str]:
    """One line per step, with the rule's location (`where`, default the rewriter's
    `rule_locs`) and the rules it won against."""
    where = {**rw.rule_locs, **(where or {})}
    lines = []
    for i, s in enumerate(rw.steps, 1):
        what = f"{s.what}  {where[s.what]}" if s.what in where else s.what
        lines.append(f"{i:3d}. {format_uop(s.before)}  =>  {format_uop(s.after)}    [{what}]")
        if s.also:
            lost = ", ".join(f"{n} ({where[n]})" for n in s.also)
            lines.append(f"     also matched, but later in the library: {lost}")
    return lines


def check_equal(before: UOp, after: UOp, timeout_s: float = 30.0) -> str:
    """Prove with Z3 that `after` refines `before` under the variables' declared bounds."""
    inst = RuleInstance("simplify", SourceLoc("<expr>", 1, 1), before.dtype, before, after, None,
                        {v.arg.name: v.dtype for v in before.vars()}, frozenset())
    out = run_portfolio(inst, timeout_s)
    if out.status == "proven":
        return "proven equal"
    if out.status == "counterexample":
        shown = ", ".join(f"{k}={v}" for k, v in out.inputs.items())
        return f"NOT equal ({out.note}) at {shown}"
    return f"unknown: {out.note}"
