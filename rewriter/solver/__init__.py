"""Equality saturation: an e-graph over UOps (`egraph.py`), saturated with the verified rule
library (`saturate.py`), and cost-based extraction (`extract.py`). See docs/EGRAPH.md.

    best, res = simplify_saturating(term, load_library(["rules"]), node_limit=5000)
    print(format_uop(best), res.stop_reason, res.match_counts)

`SaturatingRewriter` is the drop-in for the greedy `Rewriter` that `rewriter optimize
--engine saturate` uses.
"""
from rewriter.solver.egraph import EClass, EGraph
from rewriter.solver.extract import DEFAULT_COSTS, Extractor, ast_size, default_cost, extract
from rewriter.solver.saturate import (ITER_LIMIT, NODE_LIMIT, SATURATED, TIME_LIMIT, IterStat, RuleStat,
                                      SaturatingRewriter, SaturationResult, saturate, simplify_saturating)

__all__ = ["EGraph", "EClass", "SaturationResult", "RuleStat", "IterStat", "saturate",
           "simplify_saturating", "SaturatingRewriter", "extract", "Extractor", "default_cost", "ast_size",
           "DEFAULT_COSTS", "SATURATED", "NODE_LIMIT", "ITER_LIMIT", "TIME_LIMIT"]
