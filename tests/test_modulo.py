"""The global modulo scheduler: bounds, both exact backends, the heuristic, the checker."""
from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.solver.modulo import (OPTIMAL, Choice, Dep, LoopProblem, Machine, ModuloSchedule, SchedOp,
                                    ScheduleError, Value, check_schedule, heuristic_schedule, max_live, mii, solve)

TOY = Machine("toy", {"ld": 2, "st": 1, "mpy": 2, "alu": 2}, 4, {"V": 32},
              frozenset({"mpy", "alu"}), frozenset({"ld"}))


def dot_body(trips=64) -> LoopProblem:
    """acc += a[i] * b[i]: two loads, a multiply, a loop-carried add, a store."""
    ops = (SchedOp("la", 1, ({"ld": 1},)), SchedOp("lb", 1, ({"ld": 1},)), SchedOp("m", 2, ({"mpy": 1},)),
           SchedOp("acc", 1, ({"alu": 1},)), SchedOp("st", 1, ({"st": 1},)))
    deps = (Dep("la", "m", 1), Dep("lb", "m", 1), Dep("m", "acc", 2), Dep("acc", "acc", 1, 1), Dep("acc", "st", 1))
    return LoopProblem(ops, deps, TOY, tuple(Value(n, "V") for n in ("la", "lb", "m", "acc")), trips=trips)


def test_dot_body_reaches_its_bound():
    p = dot_body()
    s = solve(p, 5)
    assert not check_schedule(s)
    # five ops through four slots: two packets per iteration at the least
    assert mii(p) == 2 and s.ii == 2 and s.status == OPTIMAL and s.gap == 0.0
    assert s.total_cycles == (p.trips + s.stages - 1) * s.ii
    assert s.lower_bound == s.total_cycles


def test_register_pressure_forces_a_larger_ii():
    """A 5-cycle load feeding a store: at II 1 or 2, more than two loaded values are live."""
    m = Machine("tiny", {"ld": 1, "st": 1}, 2, {"V": 2})
    p = LoopProblem((SchedOp("ld", 5, ({"ld": 1},)), SchedOp("st", 1, ({"st": 1},))), (Dep("ld", "st", 5),), m,
                    (Value("ld", "V"),), trips=100)
    s = solve(p, 5)
    assert not check_schedule(s)
    assert s.ii == 3 and s.status == OPTIMAL
    assert max_live(p, 2, {"ld": 0, "st": 5}) == {"V": 3}  # why II 2 fails


def test_choice_takes_the_alternative_the_machine_favours():
    """A 3-wide reduce: one double-resource multiply-reduce, or three ALU ops."""
    def problem(mpy, alu):
        m = Machine("m", {"mpy": mpy, "alu": alu}, 4, {"V": 8})
        ops = (SchedOp("vrmpy", 2, ({"mpy": 2},)), SchedOp("a0", 1, ({"alu": 1},)), SchedOp("a1", 1, ({"alu": 1},)),
               SchedOp("a2", 1, ({"alu": 1},)))
        deps = (Dep("a0", "a1", 1), Dep("a1", "a2", 1))
        return LoopProblem(ops, deps, m, (), (Choice("sum3", (("vrmpy",), ("a0", "a1", "a2")), ("vrmpy", "adds")),),
                           trips=32)
    s = solve(problem(mpy=2, alu=1), 5)
    assert s.picks == (0,) and s.ii == 1 and set(s.start) == {"vrmpy"}
    s = solve(problem(mpy=2, alu=3), 5)  # now both alternatives reach II 1
    assert s.ii == 1 and s.status == OPTIMAL and not check_schedule(s)


def test_slot_options_are_chosen_per_op():
    m = Machine("slots", {"s0": 1, "s1": 1}, 2, {})
    ops = tuple(SchedOp(f"o{i}", 1, ({"s0": 1}, {"s1": 1})) for i in range(4))
    s = solve(LoopProblem(ops, (), m, trips=10), 5)
    assert s.ii == 2 and not check_schedule(s)
    for r in range(2):
        assert sorted(s.option[n] for n in s.packets()[r]) == [0, 1]


def test_no_time_left_still_gives_a_checked_schedule_with_a_gap():
    p = dot_body()
    s = solve(p, 0.0)
    assert not check_schedule(s)
    assert s.lower_bound <= s.total_cycles and s.gap >= 0.0


def test_fallback_when_nothing_pipelines():
    """One register, a value live 4 cycles: no II below the flat length fits."""
    m = Machine("one", {"a": 1}, 1, {"V": 1})
    ops = (SchedOp("x", 4, ({"a": 1},)), SchedOp("y", 1, ({"a": 1},)))
    p = LoopProblem(ops, (Dep("x", "y", 4), Dep("y", "x", 1, 1)), m, (Value("x", "V"), Value("y", "V")), trips=8)
    h = heuristic_schedule(p)
    assert not check_schedule(h)
    s = solve(p, 5)
    assert not check_schedule(s) and s.ii >= 5


def test_checker_rejects_each_kind_of_violation():
    p = dot_body()
    good = solve(p, 5)
    late = dict(good.start, m=good.start["la"])  # the multiply before its load's latency
    kinds = {v.kind for v in check_schedule(replace(good, start=late))}
    assert "dependence" in kinds
    crowded = ModuloSchedule(p, 1, {"la": 0, "lb": 1, "m": 3, "acc": 5, "st": 6},
                             {n: 0 for n in ("la", "lb", "m", "acc", "st")})
    assert {v.kind for v in check_schedule(crowded)} >= {"issue"}
    small = replace(p, machine=replace(TOY, registers={"V": 1}))
    assert "registers" in {v.kind for v in check_schedule(replace(good, problem=small))}
    assert check_schedule(replace(good, option=dict(good.option, m=7)))[0].kind == "option"


def test_malformed_problems_are_typed_errors():
    with pytest.raises(ScheduleError, match="unknown resource"):
        LoopProblem((SchedOp("a", 1, ({"nope": 1},)),), (), TOY)
    with pytest.raises(ScheduleError, match="unknown op"):
        LoopProblem((SchedOp("a", 1, ({"ld": 1},)),), (Dep("a", "b", 1),), TOY)
    with pytest.raises(ScheduleError, match="no schedule exists"):
        solve(LoopProblem((SchedOp("a", 1, ({"ld": 1},)), SchedOp("b", 1, ({"ld": 1},))),
                          (Dep("a", "b", 1), Dep("b", "a", 1)), TOY), 1)
    with pytest.raises(ScheduleError, match="unknown solver"):
        solve(dot_body(), 1, solver="gurobi")


# -- random problems -------------------------------------------------------------------------------
MACHINE = Machine("rnd", {"a": 1, "b": 2, "s0": 1, "s1": 1}, 2, {"V": 8})


@st.composite
def problems(draw, max_ops=5):
    n = draw(st.integers(1, max_ops))
    opts = [({"a": 1},), ({"b": 1},), ({"b": 2},), ({"s0": 1}, {"s1": 1})]
    ops = tuple(SchedOp(f"o{i}", draw(st.integers(0, 3)), draw(st.sampled_from(opts))) for i in range(n))
    deps = []
    for i in range(n):
        for j in range(n):
            if (i < j and draw(st.booleans())) or (i >= j and draw(st.integers(0, 4)) == 0):
                deps.append(Dep(ops[i].name, ops[j].name, draw(st.integers(0, 3)), 0 if i < j else 1))
    vals = tuple(Value(o.name, "V") for o in ops if draw(st.booleans()))
    return LoopProblem(ops, tuple(deps), MACHINE, vals, trips=draw(st.integers(1, 20)))


def brute_force_total(p: LoopProblem, horizon: int, max_ii: int) -> int | None:
    """The fewest total cycles of any schedule with starts below `horizon` and II <= max_ii."""
    best = None
    ops = [o.name for o in p.ops]
    for ii in range(1, max_ii + 1):
        for starts in itertools.product(range(horizon), repeat=len(ops)):
            if min(starts) != 0:
                continue  # shifting a schedule keeps it valid: start somewhere at 0
            for opts in itertools.product(*(range(len(p.op(n).options)) for n in ops)):
                s = ModuloSchedule(p, ii, dict(zip(ops, starts)), dict(zip(ops, opts)))
                if (best is None or s.total_cycles < best) and not check_schedule(s):
                    best = s.total_cycles
    return best


def solve_or_register_bound(p, **kw):
    """The schedule, or None where no schedule fits the register files: proven by
    `min_registers`, or not found by the exact search (then the heuristic must not have found
    one either: a valid heuristic schedule is always kept)."""
    try:
        return solve(p, 5, **kw)
    except ScheduleError as e:
        if "needs at least" not in str(e):
            assert "fits the register files" in str(e), e
            h = heuristic_schedule(p)
            assert h is None or {v.kind for v in check_schedule(h)} == {"registers"}
        return None


@settings(max_examples=40)
@given(problems())
def test_random_problems_solve_to_checked_schedules(p):
    h = heuristic_schedule(p)
    s = solve_or_register_bound(p)
    if s is None:
        return
    assert not check_schedule(s)
    assert s.lower_bound <= s.total_cycles
    assert h is None or check_schedule(h) or s.total_cycles <= h.total_cycles


@settings(max_examples=25)
@given(problems(max_ops=4))
def test_both_exact_backends_agree_on_optimal_totals(p):
    a, b = solve_or_register_bound(p, solver="cp-sat"), solve_or_register_bound(p, solver="z3")
    if a is None or b is None:
        assert a is None and b is None
        return
    assert not check_schedule(a) and not check_schedule(b)
    if a.status == OPTIMAL and b.status == OPTIMAL:
        assert a.total_cycles == b.total_cycles


@settings(max_examples=15)
@given(problems(max_ops=3))
def test_optimal_means_brute_force_finds_nothing_better(p):
    s = solve_or_register_bound(p)
    if s is None or s.status != OPTIMAL:
        return
    horizon = min(s.length + 2, 9)
    bf = brute_force_total(p, horizon, min(s.total_cycles, 8))
    assert bf is None or bf >= s.total_cycles


def test_diagram_shows_every_op_and_every_idle_unit():
    from rewriter.solver.modulo.diagram import schedule_svg

    s = solve(dot_body(), 5)
    svg = schedule_svg(s, "dot")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    for name in s.start:
        assert f">{name}" in svg
    units = sum(TOY.capacity.values()) * s.ii
    busy = sum(sum(s.problem.op(n).options[s.option[n]].values()) for n in s.start)
    assert svg.count('fill="#e4e4e4"') == units - busy


# -- the time-indexed model (timeindexed.py) ---------------------------------------------------------
def _brute_force_within(p: LoopProblem, ii: int, horizon: int) -> bool:
    """Whether any schedule at this II with every start below `horizon` passes the checker."""
    ops = [o.name for o in p.ops]
    for starts in itertools.product(range(horizon), repeat=len(ops)):
        for opts in itertools.product(*(range(len(p.op(n).options)) for n in ops)):
            if not check_schedule(ModuloSchedule(p, ii, dict(zip(ops, starts)), dict(zip(ops, opts)))):
                return True
    return False


@settings(max_examples=30, deadline=None)
@given(problems(max_ops=3), st.integers(1, 3), st.integers(1, 5))
def test_time_indexed_model_is_exact_within_its_horizon(p, ii, horizon):
    """Dependences (both distances), resources, issue width and the per-row register count
    are encoded exactly: a schedule exists below the horizon iff the model finds one, and
    what it finds passes the independent checker."""
    import time

    from rewriter.solver.modulo import timeindexed

    status, found, _ = timeindexed.solve_ii(p, ii, horizon, time.monotonic() + 20)
    assert status in ("sat", "unsat")
    assert (status == "sat") == _brute_force_within(p, ii, horizon)
    if found is not None:
        assert not check_schedule(found) and found.length <= horizon


def test_time_indexed_try_packs_where_the_integer_start_model_stalls():
    """Every op needs one of two resources in a fixed pairing that only a perfect packing
    meets (a row holds one 'pair' op and one 'half' op); chains of three make the rows
    depend on one another. The time-indexed try (the first phase-1 try in `solve`) finds
    II = ResMII with a proven-tight bound."""
    m = Machine("pairs", {"p": 2, "h": 1}, 4, {"V": 64}, frozenset({"p", "h"}))
    ops, deps = [], []
    for c in range(8):
        names = [f"c{c}a", f"c{c}b", f"c{c}s"]
        ops += [SchedOp(names[0], 2, ({"p": 2},)), SchedOp(names[1], 2, ({"p": 2},)), SchedOp(names[2], 1, ({"h": 1},))]
        deps += [Dep(names[0], names[1], 2), Dep(names[1], names[2], 2)]
    p = LoopProblem(tuple(ops), tuple(deps), m, (), trips=32)
    s = solve(p, 20)
    assert not check_schedule(s)
    assert s.ii == mii(p) == 16 and s.ii_lower_bound == 16
