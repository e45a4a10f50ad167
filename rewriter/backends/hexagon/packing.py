"""The packing bound: the fewest legal packets that can hold a block's instructions.

Counting each resource on its own (4 slots, one LD, one XLANE, two multipliers, ...) gives a
lower bound that the packet rules can make unreachable: an instruction that needs one of
several resources, a `vmemu` that keeps slot 1 empty, a store that also takes a VA unit --
each resource count alone can be met while no packet holds the combination the counts
assume. This bound takes the rules themselves: it enumerates every multiset of at most
`max_insns` of the block's instruction kinds that `packet_fits` accepts (a "pattern"), and
finds with CP-SAT the fewest patterns whose copies cover every instruction. Dependences and
latencies are ignored, so no schedule of the block, list or modulo, can use fewer packets: a
lower bound still, and never below the per-resource one (every per-resource count is a
consequence of packet legality). Subsets of a legal packet are legal, so covering with at
least the needed count is exact.

The integer program has one variable per pattern (a few hundred for the suite's loop bodies)
and one row per instruction kind; CP-SAT proves it optimal in milliseconds there. Should it
not within the time limit, its proven lower bound is used: still a lower bound.
"""
from __future__ import annotations

import functools
from collections import Counter
from itertools import combinations_with_replacement

from ortools.sat.python import cp_model

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.packet import packet_fits

#: Seconds CP-SAT may take for one block (the suite's blocks take milliseconds; NV12 to
#: RGB's body of 448 instructions, 2.4 s, and at a 1 s limit it had no bound above 0 yet).
TIME_LIMIT = 5.0


def patterns(kinds: tuple, model: MachineModel = MODEL) -> list[tuple[int, ...]]:
    """Every legal packet over `kinds` (instruction descriptions), as counts per kind. (Cached:
    each unroll factor of a kernel asks again for the same kinds, and a body of thirty kinds
    has tens of thousands of packets to try.)"""
    return _patterns(kinds, _Same(model))


class _Same:
    """A cache key that is its object's identity (a machine model holds dicts: no hash)."""

    def __init__(self, obj):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


@functools.lru_cache(maxsize=64)
def _patterns(kinds: tuple, key: _Same) -> list[tuple[int, ...]]:
    model = key.obj
    found = []
    for size in range(1, model.max_insns + 1):
        for combo in combinations_with_replacement(range(len(kinds)), size):
            if packet_fits(model, [kinds[k] for k in combo]):
                c = Counter(combo)
                found.append(tuple(c.get(k, 0) for k in range(len(kinds))))
    return found


def packing_bound(descs, model: MachineModel = MODEL) -> int:
    """The fewest legal packets holding every instruction of `descs` (see the module doc)."""
    counts = Counter(descs)
    if not counts:
        return 0
    kinds = tuple(sorted(counts, key=lambda d: d.name))
    return _solve(kinds, tuple(counts[k] for k in kinds), model)


def _solve(kinds: tuple, need: tuple, model: MachineModel) -> int:
    pats = patterns(kinds, model)
    if any(not any(p[k] for p in pats) for k in range(len(kinds))):
        raise ValueError("an instruction fits no packet on its own")
    m = cp_model.CpModel()
    x = [m.NewIntVar(0, max(need), f"p{i}") for i in range(len(pats))]
    for k, n in enumerate(need):
        m.Add(sum(p[k] * v for p, v in zip(pats, x) if p[k]) >= n)
    m.Minimize(sum(x))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT
    solver.parameters.num_workers = 1  # deterministic, and the machine's cores are shared
    status = solver.Solve(m)
    if status == cp_model.OPTIMAL:
        return int(round(solver.ObjectiveValue()))
    return int(-(-solver.BestObjectiveBound() // 1))
