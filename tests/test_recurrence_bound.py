"""RecMII on random dependence graphs against brute force, and the search's cut by lower bound.

`bounds.rec_mii` finds the smallest II at which latency - II * distance has no positive cycle
with Bellman-Ford passes over the same-iteration edges' topological order (fast on the
1300-op bodies of a transpose); here it is compared with the same question answered by a
max-plus Floyd-Warshall closure, on graphs shaped like loop bodies (same-iteration edges go
forward in program order, carried ones anywhere)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathlib import Path

from rewriter.backends.hexagon import global_sched
from rewriter.backends.hexagon.global_sched import PRUNED, compile_global
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.solver.modulo import Dep, LoopProblem, Machine, SchedOp
from rewriter.solver.modulo.bounds import mii, rec_mii, total_lower_bound


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


def _positive_cycle(n: int, deps, ii: int) -> bool:
    """Max-plus closure: a positive cycle makes some node's longest path to itself > 0."""
    neg = float("-inf")
    w = [[neg] * n for _ in range(n)]
    for d in deps:
        w[d.src][d.dst] = max(w[d.src][d.dst], d.latency - ii * d.distance)
    for k in range(n):
        for i in range(n):
            if w[i][k] == neg:
                continue
            for j in range(n):
                if w[k][j] != neg and w[i][k] + w[k][j] > w[i][j]:
                    w[i][j] = w[i][k] + w[k][j]
    return any(w[i][i] > 0 for i in range(n))


@st.composite
def _bodies(draw):
    n = draw(st.integers(2, 9))
    edges = []
    for _ in range(draw(st.integers(1, 3 * n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        distance = draw(st.integers(0, 3)) if a < b else draw(st.integers(1, 3))
        edges.append((a, b, draw(st.integers(0, 6)), distance))
    return n, edges


@settings(max_examples=150, deadline=None)
@given(_bodies())
def test_rec_mii_is_the_smallest_ii_without_a_positive_cycle(body):
    n, edges = body
    ops = tuple(SchedOp(f"o{k}", 1, ({"alu": 1},)) for k in range(n))
    problem = LoopProblem(ops, tuple(Dep(f"o{a}", f"o{b}", lat, dist) for a, b, lat, dist in edges),
                          Machine("m", {"alu": 4}, 4))
    got = rec_mii(problem)
    plain = [Dep(a, b, lat, dist) for a, b, lat, dist in edges]
    expected = next(ii for ii in range(1, 200) if not _positive_cycle(n, plain, ii))
    assert got == expected, (edges, got, expected)


@pytest.mark.parametrize("source", [
    "kernel k(a: u8[34, 200]) -> (o: u16[32, 198]) { y = range(32); x = range(198)\n"
    "  o[y, x] = cast<u16>(a[y, x]) + cast<u16>(a[y + 1, x + 1]) * 2 + cast<u16>(a[y + 2, x + 2]) }",
    "kernel k(a: i16[700], b: i16[700]) -> (o: i16[700]) { i = range(700)\n"
    "  o[i] = max(a[i], b[i]) - (a[i] >> 2) }",
])
def test_a_pruned_loop_could_not_have_won(source, library, monkeypatch):
    """The search does not place a loop whose lower bound is above the best model cycles
    found so far. The cut is sound only if no placed candidate ever runs fewer model cycles
    than its loop's bound: checked on every candidate placed, and every pruned label is one
    the search selected."""
    placed = []
    real = global_sched._place

    def spy(mf, problem, schedules, label, elements, explanation, dropped, best, *args, **kw):
        searched = kw.get("searched") or problem
        before = len(explanation.candidates)
        out = real(mf, problem, schedules, label, elements, explanation, dropped, best, *args, **kw)
        bound = total_lower_bound(searched, mii(searched))
        placed.extend((label, bound, c.model_cycles) for c in explanation.candidates[before:]
                      if c.model_cycles is not None)
        return out

    monkeypatch.setattr(global_sched, "_place", spy)
    kernel = parse_kernels(source)[0]
    code = compile_global(kernel, library, time_limit=0.3)
    assert placed
    assert all(bound <= cycles for _, bound, cycles in placed), placed
    pruned = [line for line in code.explanation.not_applicable if PRUNED in line]
    solved = {f"{form} x{factor}" for (form, factor), _, _ in placed}
    for line in pruned:  # "native x8, widened x2: pruned: ...": none of them was placed
        assert not solved & set(line.split(": ")[0].split(", ")), (line, solved)
