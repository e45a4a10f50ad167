"""tinygrad's symbolic unit tests as a golden corpus (tests/corpus/symbolic/cases.txt).

Each case: an index expression, its variables' ranges, and the form tinygrad simplifies it
to (tinygrad commit 0c3260d5d9aa0b81ec44fc7f9052a7ab25f22df1, test/null/test_uop_symbolic.py,
the last version with C division; scripts/port_tinygrad_symbolic.py made the data).
`run_case` simplifies with the library, checks the result against the input with the
concrete evaluator (every point of the ranges, or edges plus random samples when there are
too many) and counts nodes of both forms as trees (tinygrad's expected form is a string, a
tree). `python -m tests.symbolic_corpus` prints the summary and every case still larger.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewriter.fuzz.refine import refinement_problems
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp
from rewriter.rewrite.engine import Rewriter
from rewriter.rules_path import default_rule_paths
from rewriter.dsl.rule import load_library
from rewriter.simplify import parse_var_decl, typed_expr

CASES = Path(__file__).parent / "corpus" / "symbolic" / "cases.txt"
EXHAUSTIVE = 20_000  # at most this many points: every one; else edges + random samples
SAMPLES = 4_000


@dataclass(frozen=True)
class Case:
    line: int
    name: str
    expr: str
    decls: tuple
    expected: str


@dataclass
class Outcome:
    case: Case
    output: UOp
    correct: bool
    size: int
    expected_size: int
    ms: float
    problem: str = ""

    @property
    def small_enough(self) -> bool:
        return self.size <= self.expected_size


def load_cases(path: Path = CASES) -> list[Case]:
    out = []
    for i, raw in enumerate(path.read_text().splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        name, expr, decls, expected = (f.strip() for f in raw.split(";;"))
        out.append(Case(i, name, expr, tuple(parse_var_decl(d) for d in decls.split()), expected))
    return out


def tree_size(u: UOp) -> int:
    """Nodes of `u` as a tree (shared subterms counted at every use), as in a printed form."""
    sizes: dict[UOp, int] = {}
    for n in u.toposort():
        sizes[n] = 1 + sum(sizes[s] for s in n.src)
    return sizes[u]


def _points(vs: list[UOp], seed: int):
    """Every assignment of the variables' ranges, or the corners plus random samples."""
    spans = [(v.arg.lo, v.arg.hi) for v in vs]
    total = 1
    for lo, hi in spans:
        total *= hi - lo + 1
    if total <= EXHAUSTIVE:
        return [list(c) for c in zip(*itertools.product(*(range(lo, hi + 1) for lo, hi in spans)))] if vs else []
    rng = np.random.default_rng(seed)
    corners = list(itertools.product(*((lo, hi) for lo, hi in spans)))[:256]
    cols = []
    for j, (lo, hi) in enumerate(spans):
        cols.append([c[j] for c in corners] + [int(x) for x in rng.integers(lo, hi + 1, SAMPLES)])
    return cols


def equal_on_ranges(before: UOp, after: UOp, seed: int = 0) -> str:
    """'' if `after` refines `before` on every checked point of the declared ranges."""
    vs = before.vars()
    extra = [v.arg.name for v in after.vars() if v not in vs]
    if extra:
        return f"new variables {extra}"
    cols = _points(vs, seed)
    n = len(cols[0]) if cols else 1
    d = ConcreteDomain(n)
    env = {v: np.array(c, dtype=object) for v, c in zip(vs, cols)}
    m = interpret([before, after], d, env)
    for what, mask in zip(("new UB", "new poison", "different value"),
                          refinement_problems(d, before.dtype, m[before], m[after])):
        if np.any(mask):
            i = int(np.nonzero(mask)[0][0])
            at = ", ".join(f"{v.arg.name}={env[v][i]}" for v in vs)
            return f"{what} at {at}"
    return ""


def make_rewriter() -> Rewriter:
    return Rewriter(load_library(default_rule_paths()).portable())


def run_case(rw: Rewriter, case: Case) -> Outcome:
    term = typed_expr(case.expr, list(case.decls))
    expected = typed_expr(case.expected, list(case.decls))
    t0 = time.perf_counter()
    out = rw.fresh().normalize(term)
    ms = (time.perf_counter() - t0) * 1e3
    problem = equal_on_ranges(term, out, case.line)
    return Outcome(case, out, not problem, tree_size(out), tree_size(expected), ms, problem)


def run_all() -> list[Outcome]:
    rw = make_rewriter()
    return [run_case(rw, c) for c in load_cases()]


def summary(outs: list[Outcome]) -> str:
    n = len(outs)
    small = sum(o.small_enough for o in outs)
    ok = sum(o.correct for o in outs)
    slow = max(o.ms for o in outs)
    return (f"{n} cases: {ok} correct, {small} at most as large as tinygrad's "
            f"({100 * small / n:.1f}%), slowest {slow:.1f} ms")


if __name__ == "__main__":
    import rewriter.targets  # noqa: F401
    outs = run_all()
    for o in outs:
        if not o.correct or not o.small_enough:
            flag = "WRONG " + o.problem if not o.correct else f"{o.size} > {o.expected_size}"
            print(f"{o.case.line}: {o.case.expr}  ->  {format_uop(o.output)}   want {o.case.expected}   [{flag}]")
    print(summary(outs))
