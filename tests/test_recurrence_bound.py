"""RecMII on random dependence graphs against brute force.

`bounds.rec_mii` finds the smallest II at which latency - II * distance has no positive cycle
with Bellman-Ford passes over the same-iteration edges' topological order (fast on the
1300-op bodies of a transpose); here it is compared with the same question answered by a
max-plus Floyd-Warshall closure, on graphs shaped like loop bodies (same-iteration edges go
forward in program order, carried ones anywhere)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.solver.modulo import Dep, LoopProblem, Machine, SchedOp
from rewriter.solver.modulo.bounds import rec_mii


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
