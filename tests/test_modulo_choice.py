"""Choices in the modulo model: the solver picks alternatives and placement together.

  * random loop bodies with Choices (hypothesis): CP-SAT's and the heuristic's schedules pass
    the independent checker, and CP-SAT's total is at most every pure alternative's (solved
    alone as its own problem), since it can always pick that one;
  * a body where mixing alternatives beats every pure pick (two copies, two units);
  * the ALU ceiling: ALU work over (ALU units x MII), and what sets MII.
"""
from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.solver.modulo import (OPTIMAL, Choice, Dep, LoopProblem, Machine, SchedOp, ScheduleError, Value,
                                    check_schedule, heuristic_schedule, solve)
from rewriter.solver.modulo import uniform_picks
from rewriter.solver.modulo.bounds import alu_ceiling, binding_bound

MACHINE = Machine("rnd", {"mpy": 1, "alu": 2, "ld": 1, "s0": 1, "s1": 1}, 3, {"V": 8},
                  frozenset({"mpy", "alu"}), frozenset({"ld"}))
OPTIONS = [({"mpy": 1},), ({"alu": 1},), ({"alu": 2},), ({"ld": 1, "alu": 1},), ({"s0": 1}, {"s1": 1}),
           ({"mpy": 1}, {"alu": 1})]


@st.composite
def choice_problems(draw):
    """Shared ops (a load feeding the copies, a store-like sink), then 1-3 copies, each a
    Choice of 2-3 alternatives (chains of 1-3 ops from the shared input to the sink)."""
    ops, deps, choices, values = [], [], [], []

    def op(name):
        o = SchedOp(name, draw(st.integers(0, 3)), draw(st.sampled_from(OPTIONS)))
        ops.append(o)
        if draw(st.booleans()):
            values.append(Value(name, "V"))
        return name

    src, sink = op("in"), None
    if draw(st.booleans()):
        deps.append(Dep(src, src, draw(st.integers(1, 3)), 1))  # a pointer-like recurrence
    ends = []
    for c in range(draw(st.integers(1, 3))):
        alts = []
        for a in range(draw(st.integers(2, 3))):
            chain = [op(f"c{c}a{a}o{k}") for k in range(draw(st.integers(1, 3)))]
            deps.append(Dep(src, chain[0], draw(st.integers(0, 2))))
            deps += [Dep(x, y, draw(st.integers(0, 3))) for x, y in zip(chain, chain[1:])]
            if draw(st.integers(0, 3)) == 0:  # an accumulator inside the alternative
                deps.append(Dep(chain[-1], chain[-1], draw(st.integers(1, 3)), 1))
            alts.append(tuple(chain))
            ends.append(chain[-1])
        choices.append(Choice(f"copy{c}", tuple(alts), tuple(f"alt{a}" for a in range(len(alts)))))
    sink = op("out")
    deps += [Dep(e, sink, draw(st.integers(0, 2))) for e in ends]
    return LoopProblem(tuple(ops), tuple(deps), MACHINE, tuple(values), tuple(choices),
                       trips=draw(st.integers(2, 40)))


def pure(p: LoopProblem, picks: tuple) -> LoopProblem:
    """The body with these picks as its own problem, without choices."""
    sub = p.restricted(picks)
    assert not sub.choices and {o.name for o in sub.ops} == {o.name for o in p.issued(picks)}
    return sub


def _solve(p):
    try:
        return solve(p, 5)
    except ScheduleError as e:  # (no schedule fits 8 registers: spilling is not modelled)
        assert "register" in str(e)
        return None


@settings(max_examples=30, deadline=None)
@given(choice_problems())
def test_choices_solve_to_checked_schedules_no_worse_than_any_pure_pick(p):
    for picks in [None] + uniform_picks(p):
        h = heuristic_schedule(p, picks)
        assert h is not None and all(v.kind == "registers" for v in check_schedule(h))
    s = _solve(p)
    if s is None:
        return
    assert not check_schedule(s) and s.lower_bound <= s.total_cycles
    assert set(s.start) == {o.name for o in p.issued(s.picks)}
    combos = list(itertools.product(*(range(len(c.alternatives)) for c in p.choices)))
    for picks in combos[:12]:
        alone = _solve(pure(p, picks))
        if alone is None:
            continue
        assert not check_schedule(alone)
        # The picked body's bound is no lower than the mixed problem's (choices relax it).
        assert alone.ii >= s.ii_lower_bound
        if s.status == OPTIMAL:
            assert s.total_cycles <= alone.total_cycles, (picks, s.picks)
        if picks in uniform_picks(p):  # the seed: never worse than a pure form's heuristic
            h = heuristic_schedule(p, picks)
            if not check_schedule(h):
                assert s.total_cycles <= h.total_cycles


def _copies(n: int) -> LoopProblem:
    """n copies of one value, each on the multiplier or on the ALU (one unit each)."""
    m = Machine("two-units", {"mpy": 1, "alu": 1}, 4, {"V": 8}, frozenset({"mpy", "alu"}))
    ops, choices = [], []
    for c in range(n):
        ops += [SchedOp(f"m{c}", 2, ({"mpy": 1},)), SchedOp(f"a{c}", 1, ({"alu": 1},))]
        choices.append(Choice(f"copy{c}", ((f"m{c}",), (f"a{c}",)), ("mpy", "alu")))
    return LoopProblem(tuple(ops), (), m, tuple(Value(o.name, "V") for o in ops), tuple(choices), trips=50)


def test_mixed_picks_beat_every_pure_form_when_they_balance_the_units():
    p = _copies(4)
    s = solve(p, 5)
    assert not check_schedule(s) and s.status == OPTIMAL
    assert s.ii == 2 and sorted(s.picks) == [0, 0, 1, 1]  # two copies per unit
    for picks in uniform_picks(p):
        assert solve(pure(p, picks), 5).ii == 4
    assert s.alu_saturation == 1.0


def test_alu_ceiling_names_the_bound_a_load_bound_body_hits():
    """dot's shape on HVX: two loads (LD + one ALU unit each) per double-multiplier vrmpy,
    one load unit: MII 2, ALU work 4 of 4 units x 2 cycles = 50% at best."""
    m = Machine("hvx", {"ld": 1, "mpy0": 1, "mpy1": 1, "shift": 1, "xlane": 1}, 4, {"V": 32},
                frozenset({"mpy0", "mpy1", "shift", "xlane"}), frozenset({"ld"}))
    va = [{"ld": 1, r: 1} for r in ("mpy0", "mpy1", "shift", "xlane")]
    ops = (SchedOp("la", 2, tuple(va)), SchedOp("lb", 2, tuple(va)), SchedOp("rmpy", 2, ({"mpy0": 1, "mpy1": 1},)))
    p = LoopProblem(ops, (Dep("la", "rmpy", 2), Dep("lb", "rmpy", 2), Dep("rmpy", "rmpy", 2, 1)), m,
                    tuple(Value(n, "V") for n in ("la", "lb", "rmpy")), trips=64)
    ceiling, why = alu_ceiling(p)
    assert ceiling == 0.5 and why.startswith("ld:")
    assert binding_bound(p)[0] == 2
    s = solve(p, 5)
    assert s.alu_saturation <= ceiling and s.ii == 2
    # Unbound by loads (no LD use) and without the accumulator's recurrence, the same work
    # fills the ALUs: the ceiling is 100%; with the recurrence (latency 2), RecMII sets it.
    free_ops = tuple(SchedOp(o.name, o.latency, tuple({k: v for k, v in opt.items() if k != "ld"}
                                                      for opt in o.options)) for o in ops)
    free = LoopProblem(free_ops, p.deps[:2], m, p.values, trips=64)
    assert alu_ceiling(free) == (1.0, "one packet per iteration")
    assert alu_ceiling(LoopProblem(free_ops, p.deps, m, p.values, trips=64)) == (0.5, "recurrence: RecMII 2")
