"""The shadowing checker: which rules can never fire because an earlier rule always wins.

Rules are tried in library order (files in the order of the folder's manifest rules/ORDER,
then by line) and the first match wins, so order *is* priority — no numbers. A later rule B is shadowed by an earlier rule A
when, at a type both are instantiated at, A has no precondition and A's left side matches
every term B's left side matches (B's left side is an instance of A's). `rewriter lint`
reports each such pair with both locations, so a user can see which rule wins and why.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.dsl.rule import CHOICE, RuleLibrary, scope_target
from rewriter.ir.ops import commutes
from rewriter.ir.uop import UOp


@dataclass(frozen=True)
class Shadowing:
    shadowed: object  # Rule
    winner: object  # Rule
    types: tuple

    def __str__(self) -> str:
        return (f"{self.shadowed.loc}: rule '{self.shadowed.name}' never fires at "
                f"{' '.join(map(str, self.types))}: '{self.winner.name}' ({self.winner.loc}) matches "
                f"every term it matches and is tried first")


def _generalizes(p: UOp, t: UOp, pc, tc, b: dict) -> bool:
    """Does pattern p (constant symbols pc) match every instance of pattern t (symbols tc)?"""
    if p.dtype != t.dtype:
        return False
    if p.op == "var":
        name = p.arg.name
        if name in pc and not (t.op == "const" or (t.op == "var" and t.arg.name in tc)):
            return False
        if name in b:
            return b[name] is t
        b[name] = t
        return True
    if p.op == "const":
        return t.op == "const" and repr(t.arg) == repr(p.arg) and type(t.arg) is type(p.arg)
    if p.op != t.op or len(p.src) != len(t.src) or not set(p.flags) <= set(t.flags):
        return False
    orders = [t.src]
    if len(t.src) == 2 and commutes(p.op, t.src[0].dtype):
        orders.append(t.src[::-1])
    for srcs in orders:
        trial = dict(b)
        if all(_generalizes(ps, ts, pc, tc, trial) for ps, ts in zip(p.src, srcs)):
            b.update(trial)
            return True
    return False


def find_shadowed(library) -> list[Shadowing]:
    """The shadowed rules of a `RuleLibrary`, every scope of it: each set of rules a
    pipeline applies together is checked (the portable rules; the portable rules with each
    target's; a target's expansions or regroupings alone, as its selector applies them; a
    choice's rules ahead of its target's), so a target's rule is never compared with another
    target's. Any other iterable of rules is checked as one ordered set."""
    if not isinstance(library, RuleLibrary):
        return _shadowed(list(library))
    out, seen = [], set()
    for view in [library.portable()] + [_applied_with(library, t) for t in library.targets]:
        for s in _shadowed(list(view)):
            if (s.shadowed.name, s.winner.name) not in seen:
                seen.add((s.shadowed.name, s.winner.name))
                out.append(s)
    return out


def _applied_with(library: RuleLibrary, scope: str) -> list:
    """The rules a pipeline applies together with scope `scope`'s, in priority order."""
    target = scope_target(scope)
    if scope == target:
        return list(library.for_target(scope))
    if CHOICE in scope:
        return list(library.target_rules(scope)) + list(library.target_rules(target))
    return list(library.target_rules(scope))


def _shadowed(rules) -> list[Shadowing]:
    out = []
    for j, later in enumerate(rules):
        for earlier in rules[:j]:
            types = []
            for bi in later.instances:
                for ai in earlier.instances:
                    if ai.pre is None and ai.dtype == bi.dtype and ai.lhs.op == bi.lhs.op and \
                            _generalizes(ai.lhs, bi.lhs, ai.consts, bi.consts, {}):
                        types.append(bi.dtype)
                        break
            if types:
                out.append(Shadowing(later, earlier, tuple(types)))
                break
    return out
