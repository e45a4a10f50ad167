"""The heuristic modulo scheduler under a budget: `--time-limit` bounds all of the search,
the heuristic included (it once ran 695 s on an 8-tap FIR whatever the limit said)."""
from __future__ import annotations

import time

import pytest

from rewriter.solver.modulo import (Budget, Dep, LoopProblem, Machine, SchedOp, Value, check_schedule,
                                    heuristic_schedule, solve)
from rewriter.solver.modulo.problem import ScheduleError

#: Few registers: low IIs overflow them, so the heuristic walks (and sinks at) many IIs.
TIGHT = Machine("tight", {"ld": 2, "st": 1, "mpy": 2, "alu": 2}, 4, {"V": 6},
                frozenset({"mpy", "alu"}), frozenset({"ld"}))


def fir_body(taps: int, latency: int = 4) -> LoopProblem:
    """y[i] = sum_k x[i + k] * c_k: `taps` loads and multiplies and a chain of adds."""
    ops, deps, values = [], [], []
    for k in range(taps):
        ops += [SchedOp(f"ld{k}", latency, ({"ld": 1},)), SchedOp(f"m{k}", 2, ({"mpy": 1},))]
        deps.append(Dep(f"ld{k}", f"m{k}", latency))
        values += [Value(f"ld{k}", "V"), Value(f"m{k}", "V")]
        if k:
            src = "m0" if k == 1 else f"a{k - 1}"
            ops.append(SchedOp(f"a{k}", 1, ({"alu": 1},)))
            deps += [Dep(src, f"a{k}", 2 if k == 1 else 1), Dep(f"m{k}", f"a{k}", 2)]
            values.append(Value(f"a{k}", "V"))
    ops.append(SchedOp("st", 1, ({"st": 1},)))
    deps.append(Dep(f"a{taps - 1}", "st", 1))
    return LoopProblem(tuple(ops), tuple(deps), TIGHT, tuple(values), trips=256)


@pytest.mark.parametrize("taps", [8, 16])
def test_a_step_cap_bounds_the_heuristic_and_still_gives_a_schedule(taps):
    p = fir_body(taps)
    free = Budget()
    unbounded = heuristic_schedule(p, budget=free)
    assert unbounded is not None and not free.exhausted
    cap = free.steps // 10
    assert cap > 100  # the body makes real work, so the cap below is a real cut
    capped = Budget(max_steps=cap)
    s = heuristic_schedule(p, budget=capped)
    assert capped.exhausted
    # One placement's window (at most the largest II tried) past the cap, never more.
    assert capped.steps <= cap + 3 * unbounded.ii + 64
    assert s is not None and set(s.start) == {o.name for o in p.issued(s.picks)}
    # The best so far is the list schedule at worst: dependences and resources hold
    # (it can only overflow registers, which the unbounded run may too).
    assert all(v.kind == "registers" for v in check_schedule(s))


def test_an_expired_deadline_stops_at_the_first_clock_read():
    p = fir_body(16)
    b = Budget(deadline=time.monotonic() - 1.0)
    s = heuristic_schedule(p, budget=b)
    assert s is not None and b.exhausted and b.steps <= 2 * Budget.CLOCK_EVERY + 64


def test_solve_with_a_tiny_time_limit_finishes_in_proportion():
    """Generous factor: CP-SAT and the checker add fixed costs on a loaded machine; before
    the budget, the heuristic alone ignored the limit entirely."""
    p = fir_body(16)
    t0 = time.monotonic()
    try:
        solve(p, 0.05)
    except ScheduleError as e:  # six registers: no time to find a fitting schedule, said so
        assert "time limit" in str(e)
    assert time.monotonic() - t0 < 0.05 * 40 + 2.0
