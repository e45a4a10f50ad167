"""`assert_refines(before, after, seed)`: the property-test oracle shared by the engine and
e-graph tests. It uses the fuzzer's samplers and refinement masks (rewriter.fuzz), so the
tests and `rewriter fuzz` judge a rewrite by the same rule: where `before` is defined and
not poison, `after` must be defined, not poison, and equal."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st

from rewriter.fuzz.refine import refinement_problems
from rewriter.fuzz.values import term_samples
from rewriter.ir import dtype as dt
from rewriter.ir.interp import interpret
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, const, var


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


# -- small terms in the engines' home ground: index and integer arithmetic -------------------
ENGINE_TYPES = (dt.i8, dt.u8, dt.i16, dt.i32, dt.u32, dt.i64, dt.idx)
_BINARY = ("add", "sub", "mul", "div", "mod", "min", "max", "and", "or", "xor", "shl", "shr",
           "sat_add", "sat_sub")
_UNARY = ("neg", "abs", "not")
_BITWISE = {"and", "or", "xor", "shl", "shr", "not", "sat_add", "sat_sub"}
_FLAGS = {"add": ("nsw", "nuw"), "sub": ("nsw", "nuw"), "mul": ("nsw", "nuw"), "div": ("exact",)}


def _leaves(t):
    names = [var(t, n, *((0, 50) if t.is_idx and n == "a" else (None, None))) for n in ("a", "b", "c")]
    return st.one_of(st.sampled_from(names),
                     st.sampled_from([0, 1, 2, 3, 4, 7, 8, 16, -1, 255]).map(lambda v: const(t, t.wrap(v))))


def _terms(t, depth: int, flags: bool):
    if depth == 0:
        return _leaves(t)
    sub = _terms(t, depth - 1, flags)
    ops2 = [o for o in _BINARY if not (t.is_idx and o in _BITWISE)]
    ops1 = [o for o in _UNARY if not (t.is_idx and o in _BITWISE)]
    flag = st.none() if t.is_idx or not flags else \
        st.one_of(st.none(), st.none(), st.sampled_from(["nsw", "nuw", "exact"]))

    def binary(x):
        op, a, b, f = x
        return UOp(op, t, (a, b), (f,) if f in _FLAGS.get(op, ()) else None)

    cond = st.tuples(st.sampled_from(["lt", "le", "eq", "ne"]), sub, sub).map(
        lambda x: UOp(x[0], dt.bool_, (x[1], x[2])))
    return st.one_of(_leaves(t), st.tuples(st.sampled_from(ops2), sub, sub, flag).map(binary),
                     st.tuples(st.sampled_from(ops1), sub).map(lambda x: UOp(x[0], t, (x[1],))),
                     st.tuples(cond, sub, sub).map(lambda x: UOp("where", t, x)))


def engine_terms(types=ENGINE_TYPES, depth: int = 3, flags: bool = False) -> st.SearchStrategy:
    """Random terms of depth <= `depth` at one of `types`: arithmetic, bitwise, comparisons
    under `where`, over three variables (`a` bounded at idx) and the constants rules like."""
    return st.sampled_from(list(types)).flatmap(lambda t: _terms(t, depth, flags))
