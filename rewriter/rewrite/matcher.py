"""Compiled matchers: find which rule instance applies at a term's root, and with what bindings.

Each verified `RuleInstance` is indexed by its left side's root (op, dtype), so a term only
meets the rules that can possibly match it. A left side is itself a UOp tree whose `var`
leaves are pattern variables (constant symbols among them must bind to `const` terms);
matching walks both trees, trying both operand orders for commutative ops, and backtracks
through a generator. Flags on the pattern must be present on the term; a term may carry more
(a flagged op is more poisonous, so any rule proven for the plain op holds for it).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.ops import OPS
from rewriter.ir.uop import UOp

Bindings = dict


@dataclass(frozen=True)
class CompiledRule:
    inst: RuleInstance
    priority: int  # position in the library: earlier files and lines win

    def match(self, term: UOp) -> Iterator[Bindings]:
        yield from _match(self.inst.lhs, term, {}, self.inst.consts)


def _match(p: UOp, t: UOp, b: Bindings, consts) -> Iterator[Bindings]:
    if p.dtype != t.dtype:
        return
    if p.op == "var":
        name = p.arg.name
        if name in consts and t.op != "const":
            return
        if name in b:
            if b[name] is t:
                yield b
            return
        yield {**b, name: t}
        return
    if p.op == "const":
        if t.op == "const" and type(t.arg) is type(p.arg) and repr(t.arg) == repr(p.arg):
            yield b
        return
    if p.op != t.op or not set(p.flags) <= set(t.flags) or len(p.src) != len(t.src):
        return
    orders = [t.src]
    if len(t.src) == 2 and OPS[p.op].commutes_at(t.src[0].dtype) and t.src[0] is not t.src[1]:
        orders.append(t.src[::-1])
    for srcs in orders:
        yield from _match_all(p.src, srcs, b, consts)


def _match_all(ps, ts, b, consts) -> Iterator[Bindings]:
    if not ps:
        yield b
        return
    for b1 in _match(ps[0], ts[0], b, consts):
        yield from _match_all(ps[1:], ts[1:], b1, consts)


class RuleIndex:
    """Rule instances by the (op, dtype) of their left side's root, in priority order."""

    def __init__(self, library):
        self.by_root: dict[tuple, list[CompiledRule]] = defaultdict(list)
        self.locs: dict[str, str] = {}
        for prio, rule in enumerate(library):
            self.locs[rule.name] = str(rule.loc)
            for inst in rule.instances:
                self.by_root[(inst.lhs.op, inst.lhs.dtype)].append(CompiledRule(inst, prio))

    def candidates(self, term: UOp) -> list[CompiledRule]:
        return self.by_root.get((term.op, term.dtype), [])


def substitute(root: UOp, b: Bindings) -> UOp:
    """Replace pattern variables in `root` by their bindings."""
    memo: dict[UOp, UOp] = {}
    for n in root.toposort():
        if n.op == "var":
            memo[n] = b[n.arg.name]
        elif n.src:
            memo[n] = n.replace(src=tuple(memo[s] for s in n.src))
        else:
            memo[n] = n
    return memo[root]
