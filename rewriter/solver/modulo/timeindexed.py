"""The modulo model again, time-indexed, for CP-SAT: one Boolean per (op, absolute cycle,
issue option), behind the same `solve_ii` interface as `cpsat_model.py`.

Why a second encoding: `cpsat_model.py` writes a start as `t = II * q + row`, with the row
a sum of Booleans and the stage q an integer. Its dependences are then linear in t, whose
LP relaxation says little about rows; on a body whose packets must be filled exactly (conv3x3:
every packet two of {double multiply, double permute, slot-0 memory op}), CP-SAT finds no
schedule within a minute even where one packs at the bound. Here every op has a window of
absolute cycles [asap, alap] inside the horizon, and a monotone step variable per cycle,
`by[i][c]` = "op i has issued by cycle c". A dependence `t_j >= t_i + d` is then the
two-literal clause `by[j][c] -> by[i][c - d]` for every c (the strong time-indexed form,
whose relaxation is tight), resources are sums over the cycles of one row `c % II`, and a
value is live in cycle c exactly when its definition has issued by c and some use has not
(`live >= by[def][c] - by[use][c - distance * II]`), which counts registers per row exactly
as `schedule.max_live` does. Measured on the conv3x3 bodies (docs/SCHEDULING.md): schedules
at the packing bound in seconds where the other encoding times out.

The price is size: (ops x horizon) Booleans, so `solve` calls it with a horizon of the few
stages that can still beat the incumbent, never to prove an II infeasible (that needs the
full horizon, which `cpsat_model.py` handles with integer starts).
"""
from __future__ import annotations

import time

from ortools.sat.python import cp_model

from rewriter.solver.modulo import cpsat_model
from rewriter.solver.modulo.cpsat_model import UNKNOWN, UNSAT
from rewriter.solver.modulo.problem import LoopProblem
from rewriter.solver.modulo.schedule import FEASIBLE, ModuloSchedule


def windows(problem: LoopProblem, horizon: int, ii: int) -> tuple[dict, dict]:
    """(asap, alap) per op within cycles [0, horizon): longest paths over the dependences,
    each `t_dst >= t_src + latency - II * distance` (a loop-carried edge bounds its source
    from above: a value must be read before the next iteration overwrites it), from the
    sources and to the sinks. An op of an unpicked alternative imposes nothing, so only
    dependences between ops outside choices tighten a window. A window left empty (or a
    positive cycle, which keeps raising them) means no schedule within the horizon."""
    where = problem.choice_of()
    asap = {o.name: 0 for o in problem.ops}
    alap = {o.name: horizon - 1 for o in problem.ops}
    firm = [(d.src, d.dst, d.latency - ii * d.distance) for d in problem.deps
            if d.src not in where and d.dst not in where]
    for _ in range(len(problem.ops) + 1):  # Bellman-Ford: settles in path-length rounds
        changed = False
        for src, dst, w in firm:
            if asap[dst] < asap[src] + w:
                asap[dst], changed = asap[src] + w, True
            if alap[src] > alap[dst] - w:
                alap[src], changed = alap[dst] - w, True
        if not changed:
            break
        if any(asap[n] > alap[n] for n in asap):
            break
    return asap, alap


#: Seconds of Python model building per (op, cycle, option) Boolean: 50-130 us measured on
#: the conv3x3 bodies (the register rows grow faster than the Booleans), taken high.
BUILD_SECONDS_PER_CELL = 150e-6


def cells(problem: LoopProblem, bounds: tuple[dict, dict]) -> int:
    """The (op, cycle, option) Booleans the model would have within these windows."""
    asap, alap = bounds
    return sum(max(0, alap[o.name] - asap[o.name] + 1) * len(o.options) for o in problem.ops)


class _Model:
    def __init__(self, problem: LoopProblem, ii: int, horizon: int, registers: str, bounds=None):
        self.p, self.ii = problem, ii
        m = self.m = cp_model.CpModel()
        asap, alap = self.asap, self.alap = bounds or windows(problem, horizon, ii)
        where = problem.choice_of()
        self.empty = any(asap[o.name] > alap[o.name] for o in problem.ops if o.name not in where)
        if self.empty:
            return
        self.z = []
        for ci, c in enumerate(problem.choices):
            zs = [m.NewBoolVar(f"z_{ci}_{a}") for a in range(len(c.alternatives))]
            m.AddExactlyOne(zs)
            self.z.append(zs)
        #: per op: its (cycle, option) Booleans, its "issued by cycle c" steps over its window,
        #: the last cycle of that window, and the step there ("issued at all")
        self.issued, self.x, self.by, self.last, self.done = {}, {}, {}, {}, {}
        for o in problem.ops:
            n = o.name
            lo, hi = asap[n], max(asap[n], alap[n])
            iss = self.z[where[n][0]][where[n][1]] if n in where else None
            self.issued[n], self.last[n] = iss, hi
            x = self.x[n] = {(c, k): m.NewBoolVar(f"x_{n}_{c}_{k}") for c in range(lo, hi + 1)
                             for k in range(len(o.options))}
            if iss is None:
                m.AddExactlyOne(x.values())
            else:
                m.Add(sum(x.values()) == iss)
            by, acc = {}, 0
            for c in range(lo, hi + 1):
                acc = acc + sum(x[c, k] for k in range(len(o.options)))
                b = m.NewBoolVar(f"by_{n}_{c}")
                m.Add(b == acc)
                by[c] = b
            self.by[n], self.done[n] = by, by[hi]
        for d in problem.deps:
            self._precede(d)
        rows: list[list] = [[] for _ in range(ii)]  # (op, option, Boolean) by row c % II, in one pass
        for o in problem.ops:
            for (c, k), b in self.x[o.name].items():
                rows[c % ii].append((o, k, b))
        for in_row in rows:
            m.Add(sum(b for _, _, b in in_row) <= problem.machine.issue_width)
            for res, cap in problem.machine.capacity.items():
                terms = [(o.options[k][res], b) for o, k, b in in_row if o.options[k].get(res, 0)]
                if sum(w for w, _ in terms) > cap:
                    m.Add(sum(w * b for w, b in terms) <= cap)
        if registers != "none":
            self._registers()
        self.length = m.NewIntVar(0, horizon, "length")
        for o in problem.ops:
            m.Add(self.length >= sum((c + 1) * b for (c, _), b in self.x[o.name].items()))
        m.Minimize(self.length)

    def _by(self, n: str, c: int):
        """'op n has issued by cycle c' as a literal or a constant."""
        if c < self.asap[n]:
            return 0
        return self.by[n][c] if c <= self.last[n] else self.done[n]  # (after: issued exactly when picked)

    def _precede(self, d) -> None:
        shift = d.latency - self.ii * d.distance  # t_dst >= t_src + shift
        src_iss = self.issued[d.src]
        for c in self.by[d.dst]:
            need = self._by(d.src, c - shift)
            if need is self.done[d.src] and src_iss is None:
                continue  # the source has surely issued by then
            lhs = self.by[d.dst][c]
            if isinstance(need, int):
                if src_iss is None:
                    self.m.Add(lhs == 0)
                else:
                    self.m.AddImplication(lhs, src_iss.Not())
            elif src_iss is None:
                self.m.AddImplication(lhs, need)
            else:
                self.m.AddBoolOr([lhs.Not(), need, src_iss.Not()])

    def _registers(self) -> None:
        """Per row, the registers live in its cycles (see the module doc) within the file."""
        p, ii, m = self.p, self.ii, self.m
        rows: dict = {}
        for v in p.values:
            n = v.op
            ends = [self.last[d.dst] + ii * d.distance for d in p.uses_of(n)]
            for c in range(self.asap[n], max([self.last[n]] + ends) + 1):
                at = self._by(n, c)
                live = m.NewBoolVar(f"live_{n}_{c}")
                if not p.uses_of(n):  # a value nobody reads still holds its register one cycle
                    if (c, 0) in self.x[n]:
                        for k in range(len(p.op(n).options)):
                            m.AddImplication(self.x[n][c, k], live)
                for d in p.uses_of(n):
                    done = self._by(d.dst, c - ii * d.distance)
                    if isinstance(done, int):
                        m.AddImplication(at, live)
                    else:
                        m.AddBoolOr([at.Not(), done, live])
                rows.setdefault((v.reg_class, c % ii), []).append(v.size * live)
        for (cls, _), terms in rows.items():
            m.Add(sum(terms) <= p.machine.registers[cls])

    def decode(self, solver) -> ModuloSchedule:
        picks = tuple(next(a for a, b in enumerate(zs) if solver.Value(b)) for zs in self.z)
        start, option = {}, {}
        for o in self.p.ops:
            for (c, k), b in self.x[o.name].items():
                if solver.Value(b):
                    start[o.name], option[o.name] = c, k
        return ModuloSchedule(self.p, self.ii, start, option, picks, FEASIBLE, "cp-sat")


def _first_schedule(parameters) -> None:
    # Any schedule will do: neither probing nor symmetry detection in presolve (they took
    # ~60% of the time to a first schedule of conv3x3 x4 at II 30: 5-6 s with them, 2-3 s
    # without, over three seeds).
    parameters.cp_model_probing_level = 0
    parameters.symmetry_level = 0


def solve_ii(problem: LoopProblem, ii: int, horizon: int, deadline: float, *, best_length: int | None = None,
             registers: str = "exact", accept=None, first: bool = False, workers: int = 2):
    """(status, schedule, length_proven_optimal) for this II with every start below
    `horizon`, as `cpsat_model.solve_ii`; `registers` is "exact" or "none" ("total" counts
    as exact: the per-row count here is as cheap as an aggregate)."""
    if deadline - time.monotonic() <= 0.01:
        return UNKNOWN, None, False
    bounds = windows(problem, horizon, ii)
    if cells(problem, bounds) * BUILD_SECONDS_PER_CELL > 0.5 * (deadline - time.monotonic()):
        # Building alone would eat the time: the anytime limit holds, the try is skipped.
        return UNKNOWN, None, False
    model = _Model(problem, ii, horizon, registers, bounds)
    if model.empty:
        return UNSAT, None, False
    if first:
        model.m.ClearObjective()  # (the first schedule ends the search anyway)
    return cpsat_model.run(model, deadline, best_length=best_length, accept=accept, first=first, workers=workers,
                           tune=_first_schedule if first else None)
