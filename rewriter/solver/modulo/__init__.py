"""The global scheduling model: modulo schedules of loop bodies, solved exactly and anytime.

    from rewriter.solver.modulo import LoopProblem, SchedOp, Dep, Machine, solve, check_schedule
    sched = solve(problem, time_limit=10.0)
    sched.ii, sched.total_cycles, sched.lower_bound, sched.gap, sched.status
    assert not check_schedule(sched)

`solve` is anytime. It starts from the heuristic (`heuristic.py`: iterative modulo scheduling,
or a plain list schedule when nothing pipelines), then asks Z3 (`z3model.py`) for each
initiation interval from the lower bound (`bounds.py`) upward: an unsat II raises the proven
bound, a sat one gives a schedule whose length is tightened until proven minimal. The
objective is the fewest total cycles, `(trips + stages - 1) * II`. Whatever the time limit,
the result is the best schedule found with a proven lower bound on total cycles (`gap` 0 means
optimal), and it has passed the independent checker (`schedule.check_schedule`).
"""
from __future__ import annotations

import math
import time
from dataclasses import replace

from rewriter.solver.modulo.bounds import critical_path, mii, min_registers, rec_mii, res_mii
from rewriter.solver.modulo.heuristic import Budget, default_picks, heuristic_schedule
from rewriter.solver.modulo.problem import Choice, Dep, LoopProblem, Machine, SchedOp, ScheduleError, Value
from rewriter.solver.modulo.schedule import (FALLBACK, FEASIBLE, OPTIMAL, ModuloSchedule, Violation,
                                             check_schedule, max_live)
from rewriter.solver.modulo import cpsat_model, timeindexed, z3model
from rewriter.solver.modulo.z3model import SAT, UNKNOWN, UNSAT

#: The exact backends behind one model; "cp-sat" is the default by measurement
#: (docs/SCHEDULING.md).
SOLVERS = {"cp-sat": cpsat_model.solve_ii, "z3": z3model.solve_ii}

__all__ = ["LoopProblem", "SchedOp", "Dep", "Value", "Choice", "Machine", "ScheduleError", "ModuloSchedule",
           "Violation", "check_schedule", "max_live", "solve", "heuristic_schedule", "Budget", "default_picks", "mii",
           "res_mii", "rec_mii", "min_registers", "critical_path", "OPTIMAL", "FEASIBLE", "FALLBACK"]


def _stage_bound(problem: LoopProblem, ii: int, cp: int) -> int:
    """No schedule at this II totals fewer cycles: stages >= ceil(length / II) >= ceil(CP / II)."""
    return (problem.trips + max(1, math.ceil(cp / ii)) - 1) * ii


def _horizon(problem: LoopProblem, ii: int) -> int:
    """A flat length no optimal schedule needs to exceed: every op can wait at most one II
    window beyond its latest input."""
    longest = max([d.latency for d in problem.deps] + [1])
    return len(problem.ops) * (ii + longest) + 1


def _valid(sched: ModuloSchedule) -> bool:
    """What the solvers' `accept` hooks ask: does the independent checker pass it?"""
    return not check_schedule(sched)


def _indexed_stages(problem: LoopProblem, ii: int, beat: int | None) -> range:
    """The stage counts the time-indexed try takes in turn at this II: the fewest the
    critical path allows, then one more, as far as a schedule with that many stages still
    totals fewer cycles than `beat` (the incumbent's; None: no incumbent). Each stage more
    adds II cycles to every op's window, and the model grows with it (measured on conv3x3
    x4: a first schedule in 2-5 s at 2 stages, none in 40 s at 3)."""
    need = max(1, math.ceil(critical_path(problem) / ii))
    cap = need + 1 if beat is None else min(need + 1, (beat - 1) // ii - problem.trips + 1)
    return range(need, cap + 1)


def _feasible(solve_ii, problem, ii, deadline, near: int, beat: int | None = None, indexed: bool = False):
    """Phase 1 at one II: any schedule the checker accepts, in up to four tries that share
    the time left: (1) only the aggregate register bound (a relaxation: much easier, and most
    schedules it finds fit the register files anyway) with starts below `near` (about twice
    the heuristic's length: small domains, fast, but its unsat proves nothing), 15% of the
    time; (1b) with `indexed`, the time-indexed model (`timeindexed.py`) over the fewest
    stages that can still total fewer cycles than `beat` (the incumbent's), with 80% of what
    is left: small, with exact registers, and the one that packs tight bodies, but its unsat
    proves nothing either; (2) the relaxation over the full horizon, whose unsat proves this
    II infeasible; (3) the exact register model. (The order: the random 64-op body of
    bench/modulo_sizes.py is found by (1) at once and its length then minimized from a short
    schedule; conv3x3 x4 at its bound only by (1b).)"""
    full = _horizon(problem, ii)

    def integer(horizon, registers, share):
        left = deadline - time.monotonic()
        if left <= 0.01:
            return UNKNOWN, None
        status, found, _ = solve_ii(problem, ii, horizon, time.monotonic() + share * left, registers=registers,
                                    accept=_valid, first=True)
        return status, found

    status, found = integer(min(near, full), "total", 0.15)
    if status == SAT or (status == UNSAT and near >= full):
        return status, found
    until = time.monotonic() + 0.8 * (deadline - time.monotonic())
    for stages in (_indexed_stages(problem, ii, beat) if indexed else ()):
        status, found, _ = timeindexed.solve_ii(problem, ii, min(full, stages * ii), until, accept=_valid,
                                                first=True)
        if status == SAT:
            return status, found
        if status == UNKNOWN:  # (more stages: a larger model, no faster)
            break
    for horizon, registers, share in ((full, "total", 0.5), (full, "exact", 1.0)):
        status, found = integer(horizon, registers, share)
        if status == SAT:
            return status, found
        if status == UNSAT:
            return status, None
    return UNKNOWN, None


def _descend(solve_ii, problem, best, undecided: int, deadline, log, solver):
    """Anytime improvement after the walk up from the lower bound stalled at an II it could
    not decide: try the incumbent's II - 1, - 2, ... (each easier than the bound, since more
    cycles a row leave more room), keeping every schedule found, until one is not found or
    the time is up. An II found infeasible here proves nothing below it (feasibility is not
    monotone in II), so the lower bound stays where the walk left it."""
    ii = best.ii - 1
    while ii > undecided and time.monotonic() < deadline:
        until = time.monotonic() + (deadline - time.monotonic()) / 2
        status, found = _feasible(solve_ii, problem, ii, until, 2 * best.length + ii, best.total_cycles,
                                  solver == "cp-sat")
        if status != SAT or found.total_cycles >= best.total_cycles:
            log.append(f"II {ii}: {'infeasible' if status == UNSAT else 'no better schedule found'} ({solver})")
            break
        log.append(f"II {ii}: a schedule of length {found.length} ({solver}, below the heuristic's)")
        best, ii = found, found.ii - 1
    return best


def uniform_picks(problem: LoopProblem) -> list[tuple]:
    """Pick vectors that take alternative k of every choice (where it has one, else its
    last): with per-copy choices of the same forms, the pure forms."""
    most = max((len(c.alternatives) for c in problem.choices), default=0)
    return [tuple(min(k, len(c.alternatives) - 1) for c in problem.choices) for k in range(most)]


def _seed(problem: LoopProblem, budget: Budget | None = None) -> ModuloSchedule | None:
    """The heuristic's best schedule over the default picks and every uniform pick vector
    (valid ones first, then the fewest total cycles): the incumbent is at least as good as
    every pure form's heuristic schedule. All of it within `budget` (the solve's deadline):
    out of time, each further pick vector gets the list schedule only."""
    found = []
    budget = budget or Budget()
    for picks in dict.fromkeys([default_picks(problem)] + uniform_picks(problem)):
        s = heuristic_schedule(problem, picks, budget)
        if s is not None:
            found.append(s)
    if not found:
        return None
    return min(found, key=lambda s: (bool(check_schedule(s)), s.total_cycles))


def solve(problem: LoopProblem, time_limit: float = 10.0, *, solver: str = "cp-sat",
          exact: bool = True) -> ModuloSchedule:
    """The best modulo schedule found within `time_limit` seconds (see the module doc);
    `exact=False` stops after the heuristic (its bound then comes from MII alone).

    Phase 1 walks II up from the lower bound until a schedule exists (each unsat II raises the
    proven bound); phase 2 minimizes the iteration length at that II (fewer pipeline stages);
    IIs above it are only bounded, since (trips - 1) * II + critical path grows with II."""
    if solver not in SOLVERS:
        raise ScheduleError(f"unknown solver '{solver}' (choose from: {', '.join(SOLVERS)})")
    solve_ii = SOLVERS[solver]
    t0 = time.monotonic()
    deadline = t0 + max(0.0, time_limit)
    for cls, need in sorted(min_registers(problem).items()):
        if need > problem.machine.registers[cls]:
            raise ScheduleError(f"the loop needs at least {need} '{cls}' registers at every II; the machine has "
                                f"{problem.machine.registers[cls]} (spilling is not modelled)")
    # The heuristic shares the deadline: it is part of the search `time_limit` bounds.
    best = _seed(problem, Budget(deadline))
    if best is None:
        raise ScheduleError("no schedule exists: a dependence cycle within one iteration has no distance")
    log = [f"heuristic ({best.solver}): II {best.ii}, length {best.length}, total {best.total_cycles}"]
    cp = critical_path(problem)
    ii_lb = mii(problem)
    log.append(f"lower bounds: ResMII {res_mii(problem)}, RecMII {rec_mii(problem)}, critical path {cp}")
    # The heuristic's fallback can overflow a register file (it knows no spilling); then
    # there is no incumbent and the exact search must find any valid schedule at all.
    overflow = check_schedule(best)
    incumbent = not overflow
    if not incumbent:
        log.append(f"heuristic: {overflow[0]}")
        if not exact:
            raise ScheduleError(f"no schedule found that fits the register files ({overflow[0]})")
    length_optimal = False
    if exact and problem.choices:
        # The pure alternatives first, each as its own (choice-free, far easier) problem with
        # a share of half the time: the joint search then starts from the best of them and
        # only has to beat it (a mixed pick), so the result is never worse than a pure one
        # solved alone in that time.
        uniform = uniform_picks(problem)
        for picks in uniform:
            share = max(0.0, min(time_limit / (2 * len(uniform)), deadline - time.monotonic()))
            try:
                alone = solve(problem.restricted(picks), share, solver=solver)
            except ScheduleError:
                continue
            lifted = ModuloSchedule(problem, alone.ii, alone.start, alone.option, picks, FEASIBLE, alone.solver)
            if not check_schedule(lifted) and (not incumbent or lifted.total_cycles < best.total_cycles):
                best, incumbent = lifted, True
                names = ", ".join(dict.fromkeys(c.label(k) for c, k in zip(problem.choices, picks)))
                log.append(f"every choice at its alternative {names}, alone ({alone.solver}): II {alone.ii}, "
                           f"total {alone.total_cycles}")
    if exact:
        ii, last_ii = ii_lb, (best.ii if incumbent else 4 * best.ii)
        while ii < last_ii and time.monotonic() < deadline:
            # 70% of the time left per II while an incumbent exists: an II the solver cannot
            # decide leaves time for the descent below. (More than half: the first II, the
            # bound, is where the time-indexed try packs tight bodies, conv3x3 x4 in ~4 s.)
            until = deadline if not incumbent else time.monotonic() + 0.7 * (deadline - time.monotonic())
            status, found = _feasible(solve_ii, problem, ii, until, 2 * best.length + ii,
                                      best.total_cycles if incumbent else None, solver == "cp-sat")
            if status == UNSAT:
                log.append(f"II {ii}: infeasible ({solver})")
                ii_lb = ii = ii + 1
                continue
            if status == SAT and (not incumbent or found.total_cycles < best.total_cycles):
                log.append(f"II {ii}: a schedule of length {found.length} ({solver})")
                best, incumbent = found, True
            elif status != SAT:
                log.append(f"II {ii}: unknown within the time limit")
                best = _descend(solve_ii, problem, best, ii, deadline, log, solver)
            break
        if not incumbent:
            raise ScheduleError("no schedule found that fits the register files within the time limit "
                                "(spilling is not modelled)")
        status, found, length_optimal = solve_ii(problem, best.ii, _horizon(problem, best.ii), deadline,
                                                 best_length=best.length, registers="total", accept=_valid)
        if status == SAT and found.total_cycles <= best.total_cycles:  # (accepted: already checked)
            best = found
            log.append(f"II {best.ii}: length {best.length}{' (optimal)' if length_optimal else ''}")
        elif status == UNSAT:
            length_optimal = True
            log.append(f"II {best.ii}: length {best.length} is optimal ({solver})")
    # Lower bound on total cycles over every II not ruled out.
    bounds = [best.total_cycles if length_optimal else _stage_bound(problem, best.ii, cp)]
    ii = ii_lb
    while (problem.trips - 1) * ii + cp < best.total_cycles and ii < best.ii + 4 * best.length:
        if ii != best.ii:
            bounds.append(_stage_bound(problem, ii, cp))
        ii += 1
    lower = min(min(bounds), best.total_cycles)
    status = OPTIMAL if lower >= best.total_cycles else (FALLBACK if best.status == FALLBACK else FEASIBLE)
    out = replace(best, status=status, lower_bound=lower, ii_lower_bound=min(ii_lb, best.ii),
                  seconds=time.monotonic() - t0, log=tuple(log))
    bad = check_schedule(out)
    if bad:  # never hand out a schedule the checker rejects
        raise ScheduleError(f"internal error: {out.solver} produced an invalid schedule: {bad[0]}")
    return out
