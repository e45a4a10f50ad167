"""The saturation loop (egg's `Runner`): each iteration e-matches every rule instance against
the e-graph (read phase), applies the matches whose preconditions the analysis proves (write
phase), then rebuilds. Every instance is indexed by its left side's root (op, dtype), and
instances of different rules with the same left side share one search.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from rewriter.ir.uop import UOp
from rewriter.solver.egraph import EGraph
from rewriter.solver.extract import default_cost, extract

SATURATED, NODE_LIMIT, ITER_LIMIT, TIME_LIMIT = "saturated", "node limit", "iteration limit", "time limit"


@dataclass
class RuleStat:
    name: str
    loc: str  # file:line:col
    matches: int = 0  # matches whose precondition held (each applied once)
    merges: int = 0  # of those, the ones that merged two different classes


@dataclass
class IterStat:
    nodes: int
    classes: int
    matches: int
    seconds: float


@dataclass
class SaturationResult:
    egraph: EGraph
    root: int
    iterations: int
    stop_reason: str
    rule_stats: dict[str, RuleStat] = field(default_factory=dict)
    history: list[IterStat] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def match_counts(self) -> dict[str, int]:
        return {n: s.matches for n, s in self.rule_stats.items() if s.matches}

    @property
    def rule_locs(self) -> dict[str, str]:
        return {n: s.loc for n, s in self.rule_stats.items()}

    @property
    def nodes(self) -> int:
        return self.egraph.node_count

    @property
    def classes(self) -> int:
        return len(self.egraph)

    def report(self) -> str:
        head = (f"{self.stop_reason} after {self.iterations} iterations, {self.nodes} nodes, "
                f"{self.classes} classes, {self.seconds:.3f}s")
        rows = sorted((s for s in self.rule_stats.values() if s.matches), key=lambda s: (-s.matches, s.name))
        cols = "  matches merges  rule (a match whose result was already equal merges nothing)"
        return "\n".join([head, cols] + [f"  {s.matches:7d} {s.merges:6d}  {s.name}  ({s.loc})" for s in rows])


@dataclass
class _Inst:
    name: str
    lhs: UOp
    rhs: UOp
    pre: UOp | None
    consts: frozenset
    key: int  # position in the library, for the applied-match memo and the scheduler
    times_banned: int = 0
    banned_until: int = 0


def _compile(library) -> dict[tuple, list[_Inst]]:
    """Rule instances by the (op, dtype) of their left side's root, in library order."""
    by_root: dict[tuple, list[_Inst]] = {}
    n = 0
    for rule in library:
        for inst in rule.instances:
            by_root.setdefault((inst.lhs.op, inst.lhs.dtype), []).append(
                _Inst(rule.name, inst.lhs, inst.rhs, inst.pre, inst.consts, n))
            n += 1
    return by_root


def saturate(root: UOp, library, *, node_limit: int = 10_000, iter_limit: int = 30,
             time_limit: float = 5.0, match_limit: int = 1000, ban_length: int = 5) -> SaturationResult:
    """Equality saturation of `root` with every rule instance of `library`.

    Stops when nothing changes (`saturated`), the e-graph exceeds `node_limit` nodes, after
    `iter_limit` iterations or `time_limit` seconds. Like egg's BackoffScheduler, a rule
    instance with more than `match_limit << times_banned` matches in one iteration is
    skipped for `ban_length << times_banned` iterations (saturation is only reported once
    no instance is banned)."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    library = list(library)
    eg = EGraph()
    root_id = eg.add(root)
    eg.rebuild()
    by_root = _compile(library)
    stats = {r.name: RuleStat(r.name, str(r.loc)) for r in library}
    applied: set = set()
    history: list[IterStat] = []
    reason, it = ITER_LIMIT, 0
    while it < iter_limit:
        if eg.node_count > node_limit:
            reason = NODE_LIMIT
            break
        ti = time.perf_counter()
        version = eg.version
        matches, out_of_time = _search(eg, by_root, it, match_limit, ban_length, deadline)
        n_applied = 0
        stop = TIME_LIMIT if out_of_time else None
        for inst, cid, b in matches:
            if stop:
                break
            if time.perf_counter() > deadline:
                stop = TIME_LIMIT
            elif eg.node_count > node_limit:
                stop = NODE_LIMIT
            else:
                n_applied += _apply(eg, inst, cid, b, applied, stats[inst.name])
        eg.rebuild()
        it += 1
        history.append(IterStat(eg.node_count, len(eg), n_applied, time.perf_counter() - ti))
        if stop:
            reason = stop
            break
        if eg.version == version and _can_stop(by_root, it):
            reason = SATURATED
            break
    if reason == ITER_LIMIT and eg.node_count > node_limit:
        reason = NODE_LIMIT
    return SaturationResult(eg, eg.find(root_id), it, reason, stats, history, time.perf_counter() - t0)


def _search(eg: EGraph, by_root, it, match_limit, ban_length, deadline):
    by_op: dict[tuple, list] = {}
    for c in eg.classes.values():
        for n in c.nodes:
            by_op.setdefault((n[0], n[1]), []).append((c.id, n))
    out = []
    for key, insts in by_root.items():
        cands = by_op.get(key)
        if not cands:
            continue
        shared: dict = {}  # instances of different rules often share a left side
        for inst in insts:
            if inst.banned_until > it:
                continue
            if time.perf_counter() > deadline:
                return out, True
            pk = (inst.lhs, inst.consts)
            if pk not in shared:
                shared[pk] = [(cid, b) for cid, n in cands for b in eg.match_node(inst.lhs, n, [{}], inst.consts)]
            found = [(inst, cid, b) for cid, b in shared[pk]]
            threshold = match_limit << inst.times_banned
            if len(found) > threshold:
                inst.banned_until = it + (ban_length << inst.times_banned)
                inst.times_banned += 1
                continue
            out.extend(found)
    return out, False


def _can_stop(by_root, it) -> bool:
    banned = [i for insts in by_root.values() for i in insts if i.banned_until > it]
    if not banned:
        return True
    delta = min(i.banned_until for i in banned) - it
    for i in banned:
        i.banned_until -= delta
    return False


def _apply(eg: EGraph, inst: _Inst, cid: int, b: dict, applied: set, stat: RuleStat) -> int:
    cid = eg.find(cid)
    key = (inst.key, cid, tuple(sorted((n, eg.find(c)) for n, c in b.items())))
    if key in applied:
        return 0
    if inst.pre is not None and not eg.holds(inst.pre, b):
        return 0
    applied.add(key)
    stat.matches += 1
    new = eg.instantiate(inst.rhs, b)
    if eg.find(new) == eg.find(cid):
        return 1
    if not eg.compatible(new, cid):
        eg.conflicts += 1
        return 1
    eg.union(new, cid)
    stat.merges += 1
    return 1


def simplify_saturating(term: UOp, library, *, cost=default_cost, **limits) -> tuple[UOp, SaturationResult]:
    """Saturate `term` with `library` (limits: node_limit, iter_limit, time_limit,
    match_limit, ban_length; see `saturate`) and extract the cheapest equivalent term."""
    res = saturate(term, library, **limits)
    best, _ = extract(res.egraph, res.root, cost)
    return best, res


class SaturatingRewriter:
    """The greedy `Rewriter`'s interface (`normalize`, `stats`, `rule_locs`) over equality
    saturation: every term is saturated with the whole library and the cheapest equivalent
    under `cost` is extracted, so rule order does not matter and no rule shadows another."""

    def __init__(self, library, *, cost=default_cost, **limits):
        self.library = list(library)
        self.cost = cost
        self.limits = limits
        self.stats: Counter = Counter()
        self.rule_locs = {r.name: str(r.loc) for r in self.library}
        self.results: list[SaturationResult] = []
        self._memo: dict[UOp, UOp] = {}

    def normalize(self, term: UOp) -> UOp:
        out = self._memo.get(term)
        if out is None:
            out, res = simplify_saturating(term, self.library, cost=self.cost, **self.limits)
            self.stats.update(res.match_counts)
            self.results.append(res)
            self._memo[term] = self._memo[out] = out
        return out
