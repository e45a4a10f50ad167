"""Greedy rewriting to a fixpoint with the verified rule library.

`Rewriter.normalize(term)` rewrites bottom-up: operands first, then the root, where it
  1. folds operations on constants with the concrete evaluator (only where defined and not
     poison: `1 / 0` stays as written),
  2. folds integer terms whose range is a single value (`x % 4 < 4` is `true` for any x >= 0),
  3. orders commutative operands canonically (constants to the right), and
  4. at idx, takes the linear-sum step (rewrite/linear.py: like terms, div/mod of a sum by
     the ranges of its terms, div/mod recombination, compare folding) where it applies, else
  5. applies the first rule, in library order, whose left side matches and whose precondition
     the range analysis proves; the result is normalized again.
Normal forms are memoized per term (rules are context-free: a variable's bounds live in the
variable). A rewrite that comes back to a term already being normalized is a rule cycle and
is reported with the rules that form it.

With `trace=True` the rewriter records every step (`Rewriter.steps`): which rule fired on
which term, and which other rules also matched there but lost because they come later in
the library (`rewriter simplify --explain` prints them). The library order is the priority.
"""
from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass

from rewriter.errors import EvalError, RewriterError
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret
from rewriter.ir.ops import OPS
from rewriter.ir.printer import format_uop
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, const
from rewriter.rewrite.linear import fold_compare, fold_divmod, fold_sum
from rewriter.rewrite.matcher import RuleIndex, substitute


class RuleCycleError(RewriterError):
    def __init__(self, chain: list[tuple[str, str]]):
        steps = " -> ".join(f"{term} [{rule}]" for term, rule in chain)
        super().__init__(f"rule cycle: {steps}")
        self.chain = chain


class RewriteLimitError(RewriterError):
    pass


FOLD = "(engine: constant / range folding)"
ORDER = "(engine: canonical operand order)"
LINEAR = "(engine: linear sums at idx)"


@dataclass(frozen=True)
class Step:
    """One rewrite: `before` became `after` by the rule named `what` (or FOLD / ORDER);
    `also` names the rules that matched `before` too but come later in the library."""

    before: UOp
    after: UOp
    what: str
    also: tuple[str, ...] = ()


def fold_constant(node: UOp) -> UOp:
    """Evaluate an op whose operands are all constants; leave it if UB, poison or not scalar."""
    # Nullary table ops (int_max<T>(), bits<T>()) fold too: they are constants by another name.
    if (node.op not in OPS or any(s.op != "const" for s in node.src)
            or node.dtype.lanes > 1):
        return node
    d = ConcreteDomain(1)
    try:
        m = interpret([node], d, {})[node]
    except EvalError:  # an op the evaluator cannot run (e.g. bf16): keep the term
        return node
    if not bool(m.defined[0]) or bool(m.poison[0]):
        return node
    v = m.value[0]
    t = node.dtype
    value = bool(v) if t.is_bool else float(v) if t.is_float else int(v)
    return const(t, value)


def may_be_undefined(root: UOp, rng: dict) -> bool:
    """Could evaluating `root` hit UB or poison? (Preconditions must be defined to count.)
    A poison flag, or an op whose table entry says it may be undefined at these operand
    ranges (`OpDef.undefined_if`, stated next to its semantics). A `where` guards its arms
    (C's `?:`): an arm its condition's range never selects cannot make it undefined."""
    memo: dict[UOp, bool] = {}
    for n in root.toposort():  # operands first, so memo holds every operand
        memo[n] = _own_undefined(n, rng) or any(memo[s] for s in _evaluated(n, rng))
    return memo[root]


def _own_undefined(n: UOp, rng: dict) -> bool:
    if n.flags:
        return True
    d = OPS.get(n.op)
    return d is not None and d.undefined_if is not None and bool(d.undefined_if(n, rng))


def _evaluated(n: UOp, rng: dict) -> tuple:
    """The operands of `n` whose UB or poison can reach it."""
    if n.op == "where":
        c = rng.get(n.src[0])
        if c == (1, 1):
            return n.src[:2]
        if c == (0, 0):
            return (n.src[0], n.src[2])
    return n.src


def _canon_key(u: UOp) -> tuple:
    return (u.op == "const", format_uop(u))


class Rewriter:
    def __init__(self, library, max_rewrites: int = 100_000, trace: bool = False, linear: bool = True):
        self.index = RuleIndex(library)
        self.linear = linear
        self.trace = trace
        self.steps: list[Step] = []
        self.max_rewrites = max_rewrites
        self.stats: Counter = Counter()
        self._norm: dict[UOp, UOp] = {}
        self._active: list[tuple[UOp, str]] = []
        self._rewrites = 0
        self._ranges: dict = {}  # shared across calls: terms are hash-consed and context-free

    # -- public ----------------------------------------------------------------------------
    @property
    def rule_locs(self) -> dict[str, str]:
        """rule name -> file:line:col, for reports of which rules fired."""
        return self.index.locs

    def fresh(self) -> "Rewriter":
        """A rewriter with this one's rule index (building it takes milliseconds) and empty
        memo, statistics and trace."""
        new = copy.copy(self)
        new.stats, new.steps, new._norm, new._active, new._rewrites, new._ranges = Counter(), [], {}, [], 0, {}
        return new

    def normalize(self, term: UOp) -> UOp:
        # Operands first, iteratively, so deep terms do not exhaust Python's stack.
        for n in term.toposort():
            if n not in self._norm:
                self._norm[n] = self._normalize_root(n)
        return self._norm[term]

    def rewrite_root(self, term: UOp) -> UOp:
        """`term` rewritten once, at its root, by the first rule that applies (its operands
        as they are), or `term` itself: one expansion step where a selector wants the rule's
        right side as written, not normalized further by the same rules."""
        fired = next(self._applicable(term), None)
        return term if fired is None else fired[0]

    # -- internals -------------------------------------------------------------------------
    def _normalize_root(self, n: UOp) -> UOp:
        if n.src:
            n = n.replace(src=tuple(self._norm.get(s) or self.normalize(s) for s in n.src))
        n = self._local(n)
        for i, (t, _) in enumerate(self._active):
            if t is n:
                raise RuleCycleError([(format_uop(x), r) for x, r in self._active[i:]])
        fired = self._apply_first(n)
        if fired is None:
            return n
        new, rule = fired
        self._rewrites += 1
        if self._rewrites > self.max_rewrites:
            raise RewriteLimitError(f"more than {self.max_rewrites} rewrites: the rules may not terminate")
        self.stats[rule] += 1
        self._active.append((n, rule))
        try:
            out = self.normalize(new)
        finally:
            self._active.pop()
        return out

    def _local(self, n: UOp) -> UOp:
        out = self._local_steps(n)
        if self.trace and out is not n:
            self.steps.append(Step(n, out, FOLD if out.op == "const" else ORDER))
        return out

    def _local_steps(self, n: UOp) -> UOp:
        n = fold_constant(n)
        if n.op not in OPS:  # const, var and kernel-level ops (load, reduce, ...) are leaves here
            return n
        t = n.dtype
        if t.is_integral or t.is_bool:
            lo, hi = ranges(n, self._ranges)[n]
            if lo is not None and lo == hi:
                return const(t, bool(lo) if t.is_bool else lo)
        if len(n.src) == 2 and OPS[n.op].commutes_at(n.src[0].dtype) and _canon_key(n.src[0]) > _canon_key(n.src[1]):
            n = n.replace(src=n.src[::-1])
        return n

    def _linear(self, n: UOp) -> UOp | None:
        """The linear-sum normal form and its div/mod/compare folds (rewrite/linear.py),
        tried before the rules: an idx sum is collected before any rule sees its shape."""
        rng = lambda u: ranges(u, self._ranges)[u]  # noqa: E731
        return fold_sum(n, self.normalize) or fold_divmod(n, rng) or fold_compare(n, rng)

    def _apply_first(self, n: UOp):
        new = self._linear(n) if self.linear else None
        if new is not None:
            if self.trace:
                self.steps.append(Step(n, new, LINEAR))
            return new, LINEAR
        fired = next(self._applicable(n), None)
        if fired is not None and self.trace:
            also = dict.fromkeys(name for _, name in self._applicable(n) if name != fired[1])
            self.steps.append(Step(n, fired[0], fired[1], tuple(also)))
        return fired

    def _applicable(self, n: UOp):
        """(result, rule name) for every rule that rewrites `n`, in priority order."""
        for cr in self.index.candidates(n):
            for b in cr.match(n):
                if cr.inst.pre is not None and not self._holds(substitute(cr.inst.pre, b)):
                    continue
                rhs = substitute(cr.inst.rhs, b)
                if rhs is n:
                    continue
                yield rhs, cr.inst.name

    def _holds(self, pre: UOp) -> bool:
        """A precondition holds if, after folding constants, the range analysis says it is
        always true and nothing in it can be undefined."""
        pre = self._fold_all(pre)
        if pre.op == "const":
            return pre.arg is True
        rng = ranges(pre, self._ranges)
        return rng[pre] == (1, 1) and not may_be_undefined(pre, rng)

    @staticmethod
    def _fold_all(root: UOp) -> UOp:
        memo: dict[UOp, UOp] = {}
        for n in root.toposort():
            m = n.replace(src=tuple(memo[s] for s in n.src)) if n.src else n
            memo[n] = fold_constant(m)
        return memo[root]
