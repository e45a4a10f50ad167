"""`assert_refines(before, after, seed)`: the property-test oracle shared by the engine and
e-graph tests. It uses the fuzzer's samplers and refinement masks (rewriter.fuzz), so the
tests and `rewriter fuzz` judge a rewrite by the same rule: where `before` is defined and
not poison, `after` must be defined, not poison, and equal."""
from __future__ import annotations

import numpy as np
import pytest

from rewriter.dsl.pattern import format_uop
from rewriter.fuzz.refine import refinement_problems
from rewriter.fuzz.values import term_samples
from rewriter.ir.interp import interpret
from rewriter.ir.uop import UOp


def assert_refines(before: UOp, after: UOp, seed: int, n: int = 64) -> None:
    d, env, py = term_samples(before, seed, n)
    new = [v.arg.name for v in after.vars() if v not in env]
    assert not new, f"the rewrite introduced variables {new}"
    m = interpret([before, after], d, env)
    src, tgt = m[before], m[after]
    for what, mask in zip(("has UB", "is poison", "differs"), refinement_problems(d, before.dtype, src, tgt)):
        if np.any(mask):
            i = int(np.nonzero(mask)[0][0])
            inputs = {v.arg.name: py[v][i] for v in before.vars()}
            pytest.fail(f"{format_uop(before)} -> {format_uop(after)}: the result {what} at {inputs} "
                        f"({src.value[i]} vs {tgt.value[i]})")
