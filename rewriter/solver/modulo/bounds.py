"""Lower bounds a modulo schedule cannot beat: the proof half of "optimal".

  * ResMII: every resource (and every group of resources that an op must draw from, such
    as "slot 2 or slot 3") can serve only so many units per cycle;
  * RecMII: a dependence cycle of total latency L spanning D iterations forces II >= L / D;
  * the critical path of one iteration bounds its length.

With choices, each bound takes, per choice, the alternative that is cheapest *for that bound*:
a sound under-estimate of whatever the solver picks.
"""
from __future__ import annotations

import itertools
import math

from rewriter.solver.modulo.problem import LoopProblem, SchedOp

#: Above this many pick combinations, the recurrence bound looks at mandatory ops only.
_MAX_COMBOS = 256


def _groups(problem: LoopProblem) -> list[frozenset]:
    """Candidate resource sets to bound: every single resource, and the union of resources
    each op's options draw from (an op that needs slot 2 *or* slot 3 loads the pair)."""
    out = {frozenset([r]) for r in problem.machine.capacity}
    for o in problem.ops:
        if len(o.options) > 1:
            out.add(frozenset(r for opt in o.options for r in opt))
    return sorted(out, key=lambda g: sorted(g))


def _need(op: SchedOp, group: frozenset) -> int:
    """Units of `group` the op uses whatever option it takes."""
    return min(sum(u for r, u in opt.items() if r in group) for opt in op.options)


def res_mii(problem: LoopProblem) -> int:
    where = problem.choice_of()
    mandatory = [o for o in problem.ops if o.name not in where]
    bound = 1
    for group in _groups(problem):
        cap = sum(problem.machine.capacity[r] for r in group)
        need = sum(_need(o, group) for o in mandatory)
        for c in problem.choices:
            need += min(sum(_need(problem.op(n), group) for n in alt) for alt in c.alternatives)
        bound = max(bound, math.ceil(need / cap))
    issued = len(mandatory) + sum(min(len(a) for a in c.alternatives) for c in problem.choices)
    return max(bound, math.ceil(issued / problem.machine.issue_width))


def _cyclic_parts(names: list[str], deps) -> list[set]:
    """The strongly connected components with a cycle (Tarjan, iterative): a positive cycle
    lies inside one, so only they need Bellman-Ford (a loop body's recurrences are few and
    small; the whole body is hundreds of ops)."""
    succ: dict = {n: [] for n in names}
    for d in deps:
        if d.src in succ and d.dst in succ:
            succ[d.src].append(d.dst)
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in names:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    part = set()
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        part.add(w)
                        if w == v:
                            break
                    if len(part) > 1 or v in succ[v]:
                        out.append(part)
    return out


class _Recurrences:
    """One strongly connected component's edges, indexed once for the many II values that
    `_rec_mii_of`'s binary search tries: whether latency - II * distance has a positive
    cycle there is Bellman-Ford on longest paths from a virtual source.

    The passes walk a topological order of the same-iteration (distance 0) edges, which a
    loop body's program order makes acyclic: one pass settles every path that crosses no
    iteration, so about as many passes as a path has carried edges suffice, where a work
    queue in arbitrary order re-relaxed long chains over and over (a 1300-op transpose: half
    a minute). A positive cycle shows as a cycle of the predecessor links (each node's last
    improver), looked for after each pass that changed something; n passes that all change
    something prove one as well (Bellman-Ford's bound)."""

    def __init__(self, names, deps):
        index = {n: k for k, n in enumerate(names)}
        self.n = len(names)
        self.edges: list = [[] for _ in range(self.n)]  # src -> [(dst, latency, distance)]
        for d in deps:
            if d.src in index and d.dst in index:
                self.edges[index[d.src]].append((index[d.dst], d.latency, d.distance))
        # A same-iteration cycle (a malformed body): any order; the pass bound still decides.
        self.order = _topological(self.n, self.edges) or list(range(self.n))

    def positive_cycle(self, ii: int) -> bool:
        out = [[(t, lat - ii * dist) for t, lat, dist in e] for e in self.edges]
        value = [0] * self.n
        pred: dict = {}
        for _ in range(self.n):
            changed = False
            for s in self.order:
                vs = value[s]
                for t, w in out[s]:
                    if vs + w > value[t]:
                        value[t] = vs + w
                        pred[t] = s
                        changed = True
            if not changed:
                return False
            if _pred_cycle(pred):
                return True
        return True


def _topological(n: int, edges: list) -> list | None:
    """A topological order of the distance-0 edges (Kahn), or None where they form a cycle."""
    indegree = [0] * n
    for e in edges:
        for t, _, dist in e:
            indegree[t] += dist == 0
    order = [k for k in range(n) if indegree[k] == 0]
    for k in order:  # the list grows while it is walked
        for t, _, dist in edges[k]:
            if dist == 0:
                indegree[t] -= 1
                if indegree[t] == 0:
                    order.append(t)
    return order if len(order) == n else None


def _pred_cycle(pred: dict) -> bool:
    """Whether the predecessor links close a cycle: then that cycle's weight is positive
    (each link was set by a strict improvement), so Bellman-Ford may stop."""
    done: set = set()
    for start in pred:
        path: set = set()
        n = start
        while n in pred and n not in done:
            if n in path:
                return True
            path.add(n)
            n = pred[n]
        done |= path
    return False


def _rec_mii_of(names: list[str], deps) -> int:
    hi = max(1, sum(max(0, d.latency) for d in deps))
    parts = _cyclic_parts(names, deps)
    part_of = {n: k for k, part in enumerate(parts) for n in part}
    inner: dict = {}  # part -> its edges
    for d in deps:
        if d.src in part_of and part_of[d.src] == part_of.get(d.dst):
            inner.setdefault(part_of[d.src], []).append(d)
    graphs = [_Recurrences(sorted(parts[k]), ds) for k, ds in inner.items()]

    def positive(ii: int) -> bool:
        return any(g.positive_cycle(ii) for g in graphs)

    if not positive(hi):
        lo = 1
        while lo < hi:  # smallest II without a positive cycle
            mid = (lo + hi) // 2
            if positive(mid):
                lo = mid + 1
            else:
                hi = mid
        return lo
    return hi  # a cycle of distance 0: no II works; the solver reports it infeasible


def rec_mii(problem: LoopProblem) -> int:
    where = problem.choice_of()
    mandatory = [o.name for o in problem.ops if o.name not in where]
    combos = math.prod(len(c.alternatives) for c in problem.choices) if problem.choices else 1
    if combos > _MAX_COMBOS:
        return _rec_mii_of(mandatory, problem.deps)
    best = None
    for picks in itertools.product(*(range(len(c.alternatives)) for c in problem.choices)):
        names = [o.name for o in problem.issued(picks)]
        v = _rec_mii_of(names, problem.deps)
        best = v if best is None else min(best, v)
    return best or 1


def critical_path(problem: LoopProblem, picks: tuple | None = None) -> int:
    """Cycles of one iteration at the least: the longest same-iteration latency chain + 1
    (over mandatory ops when no picks are given)."""
    where = problem.choice_of()
    if picks is None:
        names = {o.name for o in problem.ops if o.name not in where}
    else:
        names = {o.name for o in problem.issued(picks)}
    deps = [d for d in problem.deps if d.distance == 0 and d.src in names and d.dst in names]
    est = {n: 0 for n in names}
    for _ in range(len(names)):
        changed = False
        for d in deps:
            if est[d.src] + d.latency > est[d.dst]:
                est[d.dst] = est[d.src] + d.latency
                changed = True
        if not changed:
            break
    return max(est.values(), default=-1) + 1


def min_registers(problem: LoopProblem) -> dict:
    """Register class -> registers every schedule needs, whatever its II: a value read by its
    own op `d` iterations later (an accumulator) is live for d whole windows, so it holds d
    registers throughout; any other value is live for at least one cycle, which adds one more
    register in some packet. (Over mandatory ops only, so choices cannot make it unsound.)"""
    where = problem.choice_of()
    fixed: dict = {}
    other: dict = {}
    for v in problem.values:
        if v.op in where:
            continue
        d = max((dep.distance for dep in problem.uses_of(v.op) if dep.dst == v.op), default=0)
        if d:
            fixed[v.reg_class] = fixed.get(v.reg_class, 0) + v.size * d
        else:
            other[v.reg_class] = True
    return {c: fixed.get(c, 0) + (1 if other.get(c) else 0) for c in set(fixed) | set(other)}


def mii(problem: LoopProblem) -> int:
    """The II no schedule goes below: resources, recurrences, and the target's own floor."""
    return max(res_mii(problem), rec_mii(problem), problem.ii_floor)


def total_lower_bound(problem: LoopProblem, ii_lower: int) -> int:
    """total = (trips + stages - 1) * II >= (trips - 1) * II + length >= (trips - 1) * II_lb + CP."""
    return (problem.trips - 1) * ii_lower + critical_path(problem)


def binding_bound(problem: LoopProblem) -> tuple[int, str]:
    """(MII, what sets it): the resource group, the issue width or the recurrence whose
    bound is the largest (for --explain: why a body cannot go faster)."""
    where = problem.choice_of()
    mandatory = [o for o in problem.ops if o.name not in where]
    best, why = 1, "one packet per iteration"
    for group in _groups(problem):
        cap = sum(problem.machine.capacity[r] for r in group)
        need = sum(_need(o, group) for o in mandatory)
        for c in problem.choices:
            need += min(sum(_need(problem.op(n), group) for n in alt) for alt in c.alternatives)
        if math.ceil(need / cap) > best:
            best, why = math.ceil(need / cap), f"{'+'.join(sorted(group))}: {need} units / {cap} per cycle"
    issued = len(mandatory) + sum(min(len(a) for a in c.alternatives) for c in problem.choices)
    if math.ceil(issued / problem.machine.issue_width) > best:
        best, why = math.ceil(issued / problem.machine.issue_width), \
            f"issue width: {issued} instructions / {problem.machine.issue_width} per packet"
    rec = rec_mii(problem)
    if rec > best:
        best, why = rec, f"recurrence: RecMII {rec}"
    if problem.ii_floor > best:
        best, why = problem.ii_floor, f"packets: the target's floor {problem.ii_floor} (its packet rules together)"
    return best, why


def alu_work(problem: LoopProblem, picks: tuple | None = None) -> int:
    """Units of the machine's ALU resources one iteration needs at the least (per op, its
    cheapest option; with choices, the picked alternatives, or the least over them)."""
    alu = frozenset(problem.machine.alu_resources)
    if picks is not None:
        return sum(_need(o, alu) for o in problem.issued(picks))
    where = problem.choice_of()
    work = sum(_need(o, alu) for o in problem.ops if o.name not in where)
    for c in problem.choices:
        work += min(sum(_need(problem.op(n), alu) for n in alt) for alt in c.alternatives)
    return work


def alu_ceiling(problem: LoopProblem, ii_lower: int = 0) -> tuple[float, str]:
    """(ceiling, why): the highest ALU saturation any schedule of this body can reach, its
    ALU work over (ALU units x MII), and the bound that sets MII. Saturation is work / (units
    x II) and every schedule has II >= MII, so none exceeds it; `ii_lower`, an II bound the
    exact solver proved (every smaller II infeasible), tightens it. Where MII comes from
    another resource (dot: one vector load per packet, two loads per vrmpy) the ceiling shows
    why the ALUs cannot be kept busy. (For a body with choices, the largest work over the
    alternatives against the least MII: a bound over every pick.)"""
    units = sum(problem.machine.capacity.get(r, 0) for r in problem.machine.alu_resources)
    if not units:
        return 0.0, "no ALU resources"
    if problem.choices:
        alu = frozenset(problem.machine.alu_resources)
        where = problem.choice_of()
        work = sum(_need(o, alu) for o in problem.ops if o.name not in where)
        work += sum(max(sum(_need(problem.op(n), alu) for n in alt) for alt in c.alternatives)
                    for c in problem.choices)
    else:
        work = alu_work(problem)
    ii, why = binding_bound(problem)
    if ii_lower > ii:
        ii, why = ii_lower, f"the solver's proof: no schedule at II {ii_lower - 1}"
    return min(1.0, work / (units * ii)), why
