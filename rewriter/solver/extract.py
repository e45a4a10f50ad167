"""Cost-based extraction from an e-graph (egg's `Extractor`): the cheapest term of a class.

A cost function is `cost(op, dtype, arg, child_costs) -> number`, monotone in the children
(every op costs more than its operands, so cycles never win). The best term of every class
is found by a bottom-up fixpoint over all classes. Ties are broken deterministically, never
by Python's hash order: fewer poison flags first (a flag-free term is the more defined one),
then the printed term (`format_uop`) in string order. Operands of commutative ops are put in
the greedy engine's canonical order (constants on the right).

Two cost functions are provided:
  * `default_cost`: a per-op table (`DEFAULT_COSTS`) of rough latencies on a scalar core,
    plus the operands' costs (a tree cost: shared subterms count once per use);
  * `ast_size`: the number of nodes of the term (egg's `AstSize`).
"""
from __future__ import annotations

from typing import Callable

from rewriter.ir.ops import commutes
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp
from rewriter.solver.egraph import EGraph

CostFn = Callable[[str, object, object, tuple], float]

#: Cost of one node, excluding its operands. Leaves are (nearly) free, single-cycle ALU ops
#: cost 1, multiplies 3, memory 4, divisions and transcendental functions 20.
DEFAULT_COSTS: dict[str, int] = {
    # leaves
    "const": 0, "var": 1, "int_max": 1, "int_min": 1, "bits": 1,
    # single-cycle integer / logic
    "add": 1, "sub": 1, "neg": 1, "and": 1, "or": 1, "xor": 1, "not": 1, "shl": 1, "shr": 1,
    "min": 1, "max": 1, "lt": 1, "le": 1, "eq": 1, "ne": 1, "where": 1, "cast": 1, "bitcast": 1,
    "abs": 2, "sat_add": 2, "sat_sub": 2, "is_pow2": 2,
    # multiplies
    "mul": 3, "mulhi": 4, "fma": 4,
    # slow arithmetic
    "div": 20, "mod": 20, "recip": 10, "sqrt": 20, "exp2": 20, "log2": 20,
    # kernel-level (opaque) ops
    "load": 4, "store": 4, "vload": 4, "gather": 16, "reduce": 10, "hreduce": 4,
    "broadcast": 1, "lanes": 0, "acc": 1,
}
#: An op missing from the table.
UNKNOWN_OP_COST = 5


def default_cost(op: str, dtype, arg, child_costs: tuple) -> float:
    return DEFAULT_COSTS.get(op, UNKNOWN_OP_COST) + sum(child_costs)


def ast_size(op: str, dtype, arg, child_costs: tuple) -> float:
    return 1 + sum(child_costs)




class Extractor:
    """The best term (and its cost) of every class of an e-graph, computed once."""

    def __init__(self, egraph: EGraph, cost: CostFn = default_cost):
        if egraph.pending or egraph.analysis_pending:
            egraph.rebuild()
        self.egraph = egraph
        self.cost = cost
        self.best: dict[int, tuple[float, UOp]] = {}
        self._keys: dict[UOp, tuple] = {}
        self._texts: dict[UOp, str] = {}
        self._fixpoint()

    def _key(self, u: UOp) -> tuple:
        k = self._keys.get(u)
        if k is None:
            flags = sum(len(n.flags) for n in u.toposort())
            k = self._keys[u] = (flags, self._text(u))
        return k

    def _text(self, u: UOp) -> str:
        t = self._texts.get(u)
        if t is None:
            t = self._texts[u] = format_uop(u)
        return t

    def _node_uop(self, node, kids: tuple) -> UOp:
        op, dt, _, arg = node
        if op in ("const", "var"):
            return arg
        if len(kids) == 2 and commutes(op, kids[0].dtype) and \
                (kids[0].op == "const", self._text(kids[0])) > (kids[1].op == "const", self._text(kids[1])):
            kids = kids[::-1]  # the greedy engine's canonical order: constants on the right
        return UOp(op, dt, kids, arg)

    def _fixpoint(self) -> None:
        eg, best, cost = self.egraph, self.best, self.cost
        order = sorted(eg.classes)
        changed = True
        while changed:
            changed = False
            for cid in order:
                cur = best.get(cid)
                for node in eg.classes[cid].nodes:
                    kids = node[2]
                    if any(k not in best for k in kids):
                        continue
                    c = cost(node[0], node[1], node[3], tuple(best[k][0] for k in kids))
                    if cur is not None and c > cur[0]:
                        continue
                    u = self._node_uop(node, tuple(best[k][1] for k in kids))
                    if cur is None or c < cur[0] or (u is not cur[1] and self._key(u) < self._key(cur[1])):
                        cur = best[cid] = (c, u)
                        changed = True

    def find_best(self, class_id: int) -> tuple[UOp, float]:
        cid = self.egraph.find(class_id)
        if cid not in self.best:
            raise ValueError(f"e-class {cid} has no finite term")
        c, u = self.best[cid]
        return u, c


def extract(egraph: EGraph, class_id: int, cost: CostFn = default_cost) -> tuple[UOp, float]:
    """The cheapest term of `class_id` under `cost`, and its cost."""
    return Extractor(egraph, cost).find_best(class_id)
