"""The same model as `z3model.py`, for OR-tools' CP-SAT solver (measured faster on packed
loop bodies: docs/SCHEDULING.md has the numbers), behind the same `solve_ii` interface.

Per op, one Boolean per (packet c, issue option k) pair, exactly one of which holds when the
op is issued (none when its alternative is not picked): resources and issue width are then
plain linear sums of those Booleans. t_i = II * q_i + sum c * p_i,c,k. Register pressure uses
the same lifetime split as the Z3 model, linearised: the lifetime of value v covers packet c
lq_v times, plus once more (b_v,c) unless lm_v <= (c - r_v) mod II, where the modulo is
`c - r_v + II * [r_v > c]`, again a linear sum of the packet Booleans.
"""
from __future__ import annotations

import time

from ortools.sat.python import cp_model

from rewriter.solver.modulo.problem import LoopProblem
from rewriter.solver.modulo.schedule import FEASIBLE, ModuloSchedule

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"


class _Model:
    def __init__(self, problem: LoopProblem, ii: int, horizon: int, registers: str = "exact"):
        self.p, self.ii, self.horizon = problem, ii, horizon
        m = self.m = cp_model.CpModel()
        self.t, self.r, self.pk, self.issued, self.z = {}, {}, {}, {}, []
        for ci, c in enumerate(problem.choices):
            zs = [m.NewBoolVar(f"z_{ci}_{a}") for a in range(len(c.alternatives))]
            m.AddExactlyOne(zs)
            self.z.append(zs)
        where = problem.choice_of()
        for o in problem.ops:
            n = o.name
            iss = self.z[where[n][0]][where[n][1]] if n in where else m.NewConstant(1)
            self.issued[n] = iss
            pk = self.pk[n] = {(c, k): m.NewBoolVar(f"p_{n}_{c}_{k}") for c in range(ii)
                               for k in range(len(o.options))}
            m.Add(sum(pk.values()) == 1).OnlyEnforceIf(iss)
            m.Add(sum(pk.values()) == 0).OnlyEnforceIf(iss.Not())
            r = self.r[n] = sum(c * b for (c, _), b in pk.items())
            q = m.NewIntVar(0, horizon // ii + 1, f"q_{n}")
            t = self.t[n] = m.NewIntVar(0, horizon, f"t_{n}")
            m.Add(t == ii * q + r)
        for d in problem.deps:
            m.Add(self.t[d.dst] + ii * d.distance - self.t[d.src] >= d.latency).OnlyEnforceIf(
                [self.issued[d.src], self.issued[d.dst]])
        # Row c's (op, option, variable)s, in op order: one pass, where filtering every op's
        # variables for each row and resource took minutes at II 254 (gemv_f32 x8).
        rows: list = [[] for _ in range(ii)]
        for o in problem.ops:
            for (c, k), b in self.pk[o.name].items():
                rows[c].append((o, k, b))
        for c in range(ii):
            m.Add(sum(b for _, _, b in rows[c]) <= problem.machine.issue_width)
            for res, cap in problem.machine.capacity.items():
                terms = [(o.options[k][res], b) for o, k, b in rows[c] if o.options[k].get(res, 0)]
                if sum(w for w, _ in terms) > cap:
                    m.Add(sum(w * b for w, b in terms) <= cap)
        if registers != "none":
            self._registers(exact=registers == "exact")
        self.length = m.NewIntVar(0, horizon + 1, "length")
        for o in problem.ops:
            m.Add(self.length >= self.t[o.name] + 1).OnlyEnforceIf(self.issued[o.name])
        m.Minimize(self.length)

    def _registers(self, exact: bool):
        """Register pressure. Always the aggregate form (the register-cycles of one window
        fit in II times the file: a cheap necessary condition that keeps lifetimes short);
        with `exact`, the count in every packet."""
        p, ii, m = self.p, self.ii, self.m
        by_class: dict = {}
        spans: dict = {}
        for v in p.values:
            n, iss = v.op, self.issued[v.op]
            e = m.NewIntVar(0, 2 * self.horizon + ii * 8, f"e_{n}")
            m.Add(e >= self.t[n] + 1)
            for d in p.uses_of(n):
                m.Add(e >= self.t[d.dst] + ii * d.distance).OnlyEnforceIf(self.issued[d.dst])
            span = m.NewIntVar(0, 2 * self.horizon + ii * 8, f"span_{n}")
            m.Add(span == e - self.t[n]).OnlyEnforceIf(iss)
            m.Add(span == 0).OnlyEnforceIf(iss.Not())
            spans.setdefault(v.reg_class, []).append(v.size * span)
            if not exact:
                continue
            lq = m.NewIntVar(0, (2 * self.horizon) // ii + 8, f"lq_{n}")
            lm = m.NewIntVar(0, ii - 1, f"lm_{n}")
            m.Add(e - self.t[n] == ii * lq + lm)
            bs = []
            x = [[] for _ in range(ii)]  # row c -> the op's variables placing it there
            for (c, _), b in self.pk[n].items():
                x[c].append(b)
            # later[c]: placed in a row after c, as suffix sums (not ii^2 terms a value), the
            # rows in ascending order when the expression is flattened, as a plain sum has them.
            later: list = [0] * ii
            for c in range(ii - 2, -1, -1):
                later[c] = sum(x[c + 1]) + later[c + 1]
            for c in range(ii):
                b = m.NewBoolVar(f"b_{n}_{c}")
                m.Add(lm <= c - self.r[n] + ii * later[c] + ii * b)  # b = 0 only if lm <= (c - r) mod II
                bs.append(b)
            by_class.setdefault(v.reg_class, []).append((v, iss, lq, bs))
        for cls, terms in spans.items():
            m.Add(sum(terms) <= p.machine.registers[cls] * ii)
        for cls, vals in by_class.items():
            cap = p.machine.registers[cls]
            for c in range(ii):
                live = []
                for v, iss, lq, bs in vals:
                    # unissued values hold no register: their counts are free to be zero
                    lv = m.NewIntVar(0, cap + 1, f"live_{v.op}_{c}")
                    m.Add(lv >= lq + bs[c]).OnlyEnforceIf(iss)
                    live.append(v.size * lv)
                m.Add(sum(live) <= cap)

    def decode(self, solver) -> ModuloSchedule:
        picks = tuple(next(a for a, b in enumerate(zs) if solver.Value(b)) for zs in self.z)
        start, option = {}, {}
        for o in self.p.ops:
            if not solver.Value(self.issued[o.name]):
                continue
            start[o.name] = solver.Value(self.t[o.name])
            option[o.name] = next(k for (_, k), b in self.pk[o.name].items() if solver.Value(b))
        return ModuloSchedule(self.p, self.ii, start, option, picks, FEASIBLE, "cp-sat")


class _Watch(cp_model.CpSolverSolutionCallback):
    """Keeps the shortest schedule that `accept` approves; with `stop`, ends the search at
    the first one."""

    def __init__(self, model, accept, stop: bool):
        super().__init__()
        self.model, self.accept, self.stop, self.found = model, accept, stop, None

    def on_solution_callback(self):
        sched = self.model.decode(self)
        if self.accept(sched) and (self.found is None or sched.length < self.found.length):
            self.found = sched
            if self.stop:
                self.StopSearch()


def run(model, deadline: float, *, best_length: int | None, accept, first: bool, workers: int, tune=None):
    """Solve a model with `.m` (the CpModel), `.length` and `.decode(values)` (this module's
    or `timeindexed.py`'s) until `deadline`: (status, schedule, length_proven_optimal).
    `tune(parameters)` may set solver parameters. With `accept`, only schedules it approves
    count: the shortest found, or with `first` the first one; the length is proven optimal
    only when the solver's optimum itself is approved."""
    if best_length is not None:
        model.m.Add(model.length <= best_length - 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, deadline - time.monotonic())
    solver.parameters.num_workers = workers
    if tune is not None:
        tune(solver.parameters)
    watch = _Watch(model, accept, first) if accept else None
    st = solver.Solve(model.m, watch)
    if st == cp_model.INFEASIBLE:
        return UNSAT, None, False
    if watch is not None:
        if watch.found is None:
            return UNKNOWN, None, False  # (schedules may exist, none approved in time)
        optimal = st == cp_model.OPTIMAL and watch.found.length == solver.Value(model.length)
        return SAT, watch.found, optimal
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SAT, model.decode(solver), st == cp_model.OPTIMAL
    return UNKNOWN, None, False


def solve_ii(problem: LoopProblem, ii: int, horizon: int, deadline: float, *, best_length: int | None = None,
             registers: str = "exact", accept=None, first: bool = False, workers: int = 2):
    """(status, schedule, length_proven_optimal) for this II, as `z3model.solve_ii` (see `run`)."""
    if deadline - time.monotonic() <= 0.01:
        return UNKNOWN, None, False
    return run(_Model(problem, ii, horizon, registers), deadline, best_length=best_length, accept=accept,
               first=first, workers=workers)
