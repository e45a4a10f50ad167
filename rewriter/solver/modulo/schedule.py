"""A modulo schedule, what it costs, and the independent checker that every schedule passes.

The checker shares no code with the solvers (`z3model.py`, `heuristic.py`): it recomputes
every constraint from the problem's data by plain counting, so a bug in an encoding shows up
as a rejected schedule instead of wrong code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rewriter.solver.modulo.problem import LoopProblem

OPTIMAL, FEASIBLE, FALLBACK = "optimal", "feasible", "fallback"


@dataclass(frozen=True)
class ModuloSchedule:
    """Op `name` issues in cycle `start[name]` of the flat one-iteration schedule, with issue
    option `option[name]`; iteration k's copy issues at `start + k * ii`. Ops of alternatives
    that were not picked are absent. `picks[i]` is the alternative taken for choice i."""

    problem: LoopProblem
    ii: int
    start: dict
    option: dict
    picks: tuple = ()
    status: str = FEASIBLE  # optimal (II and length proven minimal) | feasible | fallback
    solver: str = ""
    lower_bound: int = 0  # proven lower bound on total cycles
    ii_lower_bound: int = 0  # proven lower bound on II
    seconds: float = 0.0
    log: tuple = field(default=(), compare=False)  # what the search tried, for --explain

    # -- cost ------------------------------------------------------------------------------------
    @property
    def length(self) -> int:
        """Cycles from the first to the last issue of one iteration, plus one."""
        return max(self.start.values(), default=-1) + 1

    @property
    def stages(self) -> int:
        return max(1, -(-self.length // self.ii))

    @property
    def total_cycles(self) -> int:
        """A software-pipelined loop runs trips + stages - 1 windows of II cycles (prologue,
        steady state, epilogue)."""
        return (self.problem.trips + self.stages - 1) * self.ii

    @property
    def gap(self) -> float:
        """(total - proven lower bound) / lower bound: 0.0 means proven optimal."""
        lb = max(1, self.lower_bound)
        return max(0.0, (self.total_cycles - lb) / lb)

    def usage(self) -> dict:
        """Resource -> units used in the steady state (one II window)."""
        out: dict = {}
        for name, k in self.option.items():
            for r, units in self.problem.op(name).options[k].items():
                out[r] = out.get(r, 0) + units
        return out

    def saturation(self, resources) -> float:
        """Busy units / available units over the steady state, for the named resources."""
        cap = self.problem.machine.capacity
        res = [r for r in resources if r in cap]
        avail = sum(cap[r] for r in res) * self.ii
        if not avail:
            return 0.0
        used = self.usage()
        return sum(used.get(r, 0) for r in res) / avail

    @property
    def alu_saturation(self) -> float:
        return self.saturation(self.problem.machine.alu_resources)

    @property
    def load_saturation(self) -> float:
        return self.saturation(self.problem.machine.load_resources)

    def packets(self) -> list[list[str]]:
        """The steady-state kernel: for each of the II packets, the ops it issues (by start)."""
        rows: list[list[str]] = [[] for _ in range(self.ii)]
        for name in sorted(self.start, key=lambda n: (self.start[n], n)):
            rows[self.start[name] % self.ii].append(name)
        return rows


@dataclass(frozen=True)
class Violation:
    kind: str  # dependence | resource | issue | registers | choice | option
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def lifetimes(problem: LoopProblem, ii: int, start: dict) -> list[tuple[str, int, int, int]]:
    """(register class, size, first cycle, end cycle) of every issued value: live from its
    definition's issue until the issue of its last use (a `use` dependence out of the defining
    op; ordering edges do not count; a use `distance` iterations later
    issues `distance * ii` cycles later); a value nobody reads still takes one cycle."""
    out = []
    for v in problem.values:
        if v.op not in start:
            continue
        s = start[v.op]
        ends = [start[d.dst] + d.distance * ii for d in problem.uses_of(v.op) if d.dst in start]
        out.append((v.reg_class, v.size, s, max([s + 1] + ends)))
    return out


def max_live(problem: LoopProblem, ii: int, start: dict) -> dict:
    """Register class -> the most registers live in any cycle of the steady state."""
    live: dict = {}
    for cls, size, s, e in lifetimes(problem, ii, start):
        row = live.setdefault(cls, [0] * ii)
        for c in range(s, e):
            row[c % ii] += size
    return {cls: max(row) for cls, row in live.items()}


def check_schedule(sched: ModuloSchedule) -> list[Violation]:
    """Every constraint the schedule must meet; an empty list means it is valid."""
    p, ii, out = sched.problem, sched.ii, []
    if ii < 1:
        return [Violation("issue", f"II must be >= 1, got {ii}")]
    if len(sched.picks) != len(p.choices):
        return [Violation("choice", f"{len(p.choices)} choices but {len(sched.picks)} picks")]
    for c, k in zip(p.choices, sched.picks):
        if not 0 <= k < len(c.alternatives):
            out.append(Violation("choice", f"choice '{c.name}' has no alternative {k}"))
    if out:
        return out
    issued = {o.name for o in p.issued(sched.picks)}
    if set(sched.start) != issued:
        missing, extra = issued - set(sched.start), set(sched.start) - issued
        out.append(Violation("choice", f"scheduled ops differ from the picked alternatives "
                                       f"(missing {sorted(missing)}, extra {sorted(extra)})"))
        return out
    for name in issued:
        if sched.start[name] < 0:
            out.append(Violation("issue", f"'{name}' starts at negative cycle {sched.start[name]}"))
        k = sched.option.get(name)
        if k is None or not 0 <= k < len(p.op(name).options):
            out.append(Violation("option", f"'{name}' has no issue option {k}"))
    if out:
        return out
    for d in p.deps:
        if d.src in issued and d.dst in issued:
            slack = sched.start[d.dst] + d.distance * ii - sched.start[d.src] - d.latency
            if slack < 0:
                out.append(Violation("dependence", f"{d.src} -> {d.dst} (latency {d.latency}, distance "
                                                   f"{d.distance}) is short by {-slack} cycle(s)"))
    per_cycle: list[dict] = [dict() for _ in range(ii)]
    count = [0] * ii
    for name in issued:
        r = sched.start[name] % ii
        count[r] += 1
        for res, units in p.op(name).options[sched.option[name]].items():
            per_cycle[r][res] = per_cycle[r].get(res, 0) + units
    for r in range(ii):
        if count[r] > p.machine.issue_width:
            out.append(Violation("issue", f"packet {r} issues {count[r]} > {p.machine.issue_width} instructions"))
        for res, used in per_cycle[r].items():
            if used > p.machine.capacity[res]:
                out.append(Violation("resource", f"packet {r} uses {used} '{res}' > {p.machine.capacity[res]}"))
    for cls, need in max_live(p, ii, sched.start).items():
        if need > p.machine.registers[cls]:
            out.append(Violation("registers", f"{need} '{cls}' registers live > {p.machine.registers[cls]}"))
    return out
