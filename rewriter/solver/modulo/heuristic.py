"""Iterative modulo scheduling without backtracking (after Rau, "Iterative Modulo Scheduling",
MICRO 1994): the fast schedule the exact solver starts from and falls back to.

For II = MII, MII+1, ...: ops in height order (a topological order of same-iteration
dependences), each at the first cycle of its window [earliest, earliest + II) whose packet
still has a free issue option in the modulo reservation table and that keeps every
already-placed successor reachable. If that fails, or registers overflow, II grows. When no
II up to the non-pipelined length works, the loop is not pipelined at all: a plain list
schedule with II = its length plus the longest latency, which is always valid.

The search is bounded by a `Budget` (a monotonic deadline and a cap on placement steps):
a large body at a large II made the II walk and `_sink` cost minutes (an 8-tap FIR with
literal taps took 695 s whatever `--time-limit` said). Out of budget, the heuristic
returns the best it has -- the plain list schedule at worst, computed first.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from rewriter.solver.modulo.bounds import mii
from rewriter.solver.modulo.problem import LoopProblem
from rewriter.solver.modulo.schedule import FALLBACK, FEASIBLE, ModuloSchedule, check_schedule


class OutOfBudget(Exception):
    """Internal: the budget ran out in the middle of one placement (caught in this module)."""


@dataclass
class Budget:
    """How much search the heuristic may do: until `deadline` (time.monotonic(); None: no
    deadline) and at most `max_steps` placement steps (None: no cap). `steps` counts the
    work done -- candidate cycles tried by placement and by `_sink` -- so tests can bound
    the search by work instead of by wall time on a loaded machine."""

    deadline: float | None = None
    max_steps: int | None = None
    steps: int = 0
    exhausted: bool = False
    #: Steps between two reads of the clock (reading it on every step would cost more than
    #: a step).
    CLOCK_EVERY = 256

    @classmethod
    def seconds(cls, limit: float | None) -> "Budget":
        return cls(None if limit is None else time.monotonic() + max(0.0, limit))

    def tick(self, n: int = 1) -> None:
        """Count `n` steps; raise `OutOfBudget` once the cap or the deadline is passed."""
        before = self.steps
        self.steps += n
        if self.max_steps is not None and self.steps > self.max_steps:
            self.exhausted = True
        elif self.deadline is not None and (before // self.CLOCK_EVERY != self.steps // self.CLOCK_EVERY) \
                and time.monotonic() > self.deadline:
            self.exhausted = True
        if self.exhausted:
            raise OutOfBudget


def default_picks(problem: LoopProblem) -> tuple:
    """Per choice, the alternative with the fewest ops (then the first)."""
    return tuple(min(range(len(c.alternatives)), key=lambda k: (len(c.alternatives[k]), k))
                 for c in problem.choices)


def _order(problem: LoopProblem, names: set) -> list[str]:
    """Height-first topological order over same-iteration dependences."""
    succ = {n: [] for n in names}
    indeg = {n: 0 for n in names}
    for d in problem.deps:
        if d.distance == 0 and d.src in names and d.dst in names:
            succ[d.src].append(d)
            indeg[d.dst] += 1
    height: dict = {}

    def h(n, depth=0):
        if n not in height:
            height[n] = 0 if depth > len(names) else max([d.latency + h(d.dst, depth + 1) for d in succ[n]] + [0])
        return height[n]

    ready = [n for n in names if indeg[n] == 0]
    out = []
    while ready:
        ready.sort(key=lambda n: (-h(n), n))
        n = ready.pop(0)
        out.append(n)
        for d in succ[n]:
            indeg[d.dst] -= 1
            if indeg[d.dst] == 0:
                ready.append(d.dst)
    if len(out) != len(names):  # a zero-distance cycle: no schedule exists
        return []
    return out


def _option_order(problem: LoopProblem, names: set) -> dict:
    """op name -> its option indices, least contended first. Contention of a resource: the
    units per cycle that issued ops with a single option must take from it, over its
    capacity. A vector ALU op that may take any of four units then leaves the multipliers to
    a double-vector multiply that needs both (first-fit in option order would hand them out
    first and block it)."""
    demand: dict = {}
    for o in problem.ops:
        if o.name in names and len(o.options) == 1:
            for r, u in o.options[0].items():
                demand[r] = demand.get(r, 0) + u
    cap = problem.machine.capacity

    def pressure(opt) -> float:
        return sum(demand.get(r, 0) / cap[r] for r in opt)

    return {o.name: sorted(range(len(o.options)), key=lambda k: (pressure(o.options[k]), k))
            for o in problem.ops if o.name in names}


def _fits(problem, table, count, cycle, option) -> bool:
    if count[cycle] >= problem.machine.issue_width:
        return False
    return all(table[cycle].get(r, 0) + u <= problem.machine.capacity[r] for r, u in option.items())


def _adjacency(problem: LoopProblem, names: set):
    preds = {n: [] for n in names}
    succs = {n: [] for n in names}
    for d in problem.deps:
        if d.src in names and d.dst in names:
            succs[d.src].append(d)
            preds[d.dst].append(d)
    return preds, succs


def _try_ii(problem: LoopProblem, picks: tuple, order: list[str], ii: int, adj, budget: Budget,
            bottom_up: bool = False):
    """One II, one direction. Top-down places each op at the first free cycle after its
    inputs, then sinks ops towards their uses; bottom-up places each op at the last free cycle
    before its uses (short lifetimes by construction) and shifts the result to start at 0."""
    preds, succs = adj
    prefer = _option_order(problem, set(order))
    table = [dict() for _ in range(ii)]
    count = [0] * ii
    start, option = {}, {}
    for n in (reversed(order) if bottom_up else order):
        op = problem.op(n)
        lo = hi = None
        for d in preds[n]:
            if d.src == n:
                if d.latency > d.distance * ii:
                    return None  # a recurrence on itself longer than the II
            elif d.src in start:
                b = start[d.src] + d.latency - d.distance * ii
                lo = b if lo is None else max(lo, b)
        for d in succs[n]:
            if d.dst != n and d.dst in start:
                b = start[d.dst] + d.distance * ii - d.latency
                hi = b if hi is None else min(hi, b)
        if bottom_up:
            top = hi if hi is not None else (lo if lo is not None else 0)
            cycles = [c for c in range(top, top - ii, -1) if lo is None or c >= lo]
        else:
            base = lo if lo is not None else 0
            cycles = [c for c in range(base, base + ii) if hi is None or c <= hi]
        placed = False
        budget.tick(len(cycles))
        for c in cycles:
            k = next((k for k in prefer[n] if _fits(problem, table, count, c % ii, op.options[k])), None)
            if k is not None:
                start[n], option[n] = c, k
                count[c % ii] += 1
                for r, u in op.options[k].items():
                    table[c % ii][r] = table[c % ii].get(r, 0) + u
                placed = True
                break
        if not placed:
            return None
    if bottom_up:
        shift = -min(start.values(), default=0)
        start = {n: c + shift for n, c in start.items()}
    else:
        _sink(problem, ii, order, start, option, table, count, adj, prefer, budget)
    sched = ModuloSchedule(problem, ii, start, option, picks, FEASIBLE, "heuristic")
    return sched if not check_schedule(sched) else None


def _chain_order(order: list[str], adj) -> list[str]:
    """A topological order that keeps each dependence chain together: depth-first from each
    sink through its inputs. Placed bottom-up, a whole chain then sits just before its
    store, instead of every chain's loads crowding the first packets."""
    preds, succs = adj
    rank = {n: i for i, n in enumerate(order)}
    seen: set = set()
    out: list[str] = []
    for sink in order:
        if any(d.dst != sink for d in succs[sink] if d.distance == 0):
            continue
        stack = [(sink, False)]
        while stack:
            n, expanded = stack.pop()
            if expanded:
                out.append(n)
                continue
            if n in seen:
                continue
            seen.add(n)
            stack.append((n, True))
            for d in sorted(preds[n], key=lambda d: -rank[d.src]):
                if d.distance == 0 and d.src not in seen:
                    stack.append((d.src, False))
    out += [n for n in order if n not in seen]
    return out


def _best_at(problem, picks, orders, ii, adj, budget: Budget):
    """The shortest valid schedule of three placements: top-down in height order, bottom-up
    in height order, bottom-up chain by chain (those finished before the budget ran out)."""
    height, chains = orders
    found = []
    for order, bottom_up in ((height, False), (height, True), (chains, True)):
        try:
            s = _try_ii(problem, picks, order, ii, adj, budget, bottom_up)
        except OutOfBudget:
            break
        if s is not None:
            found.append(s)
    return min(found, key=lambda s: s.length) if found else None


def _sink(problem: LoopProblem, ii: int, order: list[str], start: dict, option: dict, table, count, adj,
          prefer: dict, budget: Budget) -> None:
    """Move every op as late as its consumers allow (consumers first), where a packet has
    room: placing ops as early as possible stretches the lifetimes of the values they define
    (a load issued long before its use holds a register all that time). Moves keep every
    dependence, so the schedule stays valid. Out of budget it stops between two ops: the
    ops not yet moved stay where placement put them, which is valid too."""
    preds_of, succs_of = adj
    for n in reversed(order):
        succ = [d for d in succs_of[n] if d.dst != n]
        if not succ:
            continue
        latest = min(start[d.dst] + d.distance * ii - d.latency for d in succ)
        preds = [d for d in preds_of[n] if d.src != n]
        if latest <= start[n]:
            continue
        if not _afford(budget, latest - start[n]):
            return
        r0 = start[n] % ii
        count[r0] -= 1
        for r, u in problem.op(n).options[option[n]].items():
            table[r0][r] -= u
        for c in range(latest, start[n], -1):
            if any(start[d.src] + d.latency - d.distance * ii > c for d in preds):
                continue
            k = next((k for k in prefer[n] if _fits(problem, table, count, c % ii, problem.op(n).options[k])),
                     None)
            if k is not None:
                start[n], option[n] = c, k
                break
        rc = start[n] % ii
        count[rc] += 1
        for r, u in problem.op(n).options[option[n]].items():
            table[rc][r] = table[rc].get(r, 0) + u


def _afford(budget: Budget, steps: int) -> bool:
    try:
        budget.tick(steps)
        return True
    except OutOfBudget:
        return False


def _list_schedule(problem: LoopProblem, picks: tuple, order: list[str]) -> ModuloSchedule:
    """No overlap between iterations: each op as early as its same-iteration inputs and the
    packet's resources allow, then II = length + the longest latency."""
    big = 1 << 30
    table: dict = {}
    count: dict = {}
    start, option = {}, {}
    inputs: dict = {}  # op -> its same-iteration dependences (one pass, not ops x deps)
    for d in problem.deps:
        if d.distance == 0:
            inputs.setdefault(d.dst, []).append(d)
    for n in order:
        op = problem.op(n)
        c = max([start[d.src] + d.latency for d in inputs.get(n, ()) if d.src in start] + [0])
        while True:
            row = table.setdefault(c, {})
            k = next((k for k, opt in enumerate(op.options)
                      if count.get(c, 0) < problem.machine.issue_width
                      and all(row.get(r, 0) + u <= problem.machine.capacity[r] for r, u in opt.items())), None)
            if k is not None:
                break
            c += 1
            if c > big:  # unreachable: every option fits an empty packet (checked by LoopProblem)
                raise AssertionError("no packet fits")
        start[n], option[n] = c, k
        count[c] = count.get(c, 0) + 1
        for r, u in op.options[k].items():
            row[r] = row.get(r, 0) + u
    length = max(start.values(), default=0) + 1
    ii = length + max([d.latency for d in problem.deps] + [0])
    return ModuloSchedule(problem, ii, start, option, picks, FALLBACK, "list")


def heuristic_schedule(problem: LoopProblem, picks: tuple | None = None,
                       budget: Budget | None = None) -> ModuloSchedule | None:
    """The best II the heuristic finds for these picks (default: `default_picks`) within
    `budget` (default: unbounded); None only when a same-iteration dependence cycle makes
    the problem infeasible. The result can overflow a register file when nothing the
    heuristic tries fits (the checker says so). Out of budget: the best schedule found so
    far, the list schedule when there is none (`budget.exhausted` says it happened)."""
    budget = budget or Budget()
    picks = default_picks(problem) if picks is None else tuple(picks)
    names = {o.name for o in problem.issued(picks)}
    order = _order(problem, names)
    if not order and names:
        return None
    adj = _adjacency(problem, names)
    orders = (order, _chain_order(order, adj))
    fallback = _list_schedule(problem, picks, order)
    for ii in range(mii(problem), fallback.ii):
        if budget.exhausted:
            return fallback
        s = _best_at(problem, picks, orders, ii, adj, budget)
        if s is not None:
            return s
    if not check_schedule(fallback) or budget.exhausted:
        return fallback
    # The list schedule overflows a register file (it issues everything as early as it can):
    # a modulo schedule at a larger II, whose ops sink towards their uses, may still fit.
    for ii in range(fallback.ii, 3 * fallback.ii):
        if budget.exhausted:
            break
        s = _best_at(problem, picks, orders, ii, adj, budget)
        if s is not None:
            return s
    return fallback
