"""The engine's linear-sum step (rewriter/rewrite/linear.py) is trusted code, not a proven
rule: every step it takes on random idx terms is checked here against the evaluator, on
every point (or edges plus random samples) of the variables' ranges."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.ir.dtype import bool_, idx
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, const, var
from rewriter.rewrite.engine import LINEAR
from rewriter.rewrite.linear import build, linear
from tests.symbolic_corpus import equal_on_ranges, make_rewriter

VARS = [var(idx, "a", 0, 9), var(idx, "b", 0, 3), var(idx, "c", -6, 5), var(idx, "n", -8, 0)]
DIVISOR = var(idx, "d", 1, 4)


def _terms(depth: int):
    leaf = st.one_of(st.sampled_from(VARS), st.integers(-20, 40).map(lambda v: const(idx, v)))
    if depth == 0:
        return leaf
    sub = _terms(depth - 1)
    scale = st.integers(-12, 30).filter(lambda v: v != 0).map(lambda v: const(idx, v))
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from(["add", "sub"]), sub, sub).map(lambda t: UOp(t[0], idx, (t[1], t[2]))),
        st.tuples(sub, scale).map(lambda t: UOp("mul", idx, t)),
        sub.map(lambda x: UOp("neg", idx, (x,))),
        st.tuples(st.sampled_from(["div", "mod"]), sub, scale).map(lambda t: UOp(t[0], idx, (t[1], t[2]))),
        st.tuples(st.sampled_from(["div", "mod"]), sub, scale).map(
            lambda t: UOp(t[0], idx, (t[1], UOp("mul", idx, (DIVISOR, t[2]))))),
    )


TERMS = _terms(3)
COMPARES = st.tuples(st.sampled_from(["lt", "le"]), TERMS, st.integers(-30, 60), st.booleans()).map(
    lambda t: UOp(t[0], bool_, (t[1], const(idx, t[2])) if t[3] else (const(idx, t[2]), t[1])))

_RW = make_rewriter()


def _check_steps(term: UOp) -> None:
    rw = _RW.fresh()
    rw.trace = True
    out = rw.normalize(term)
    for s in rw.steps:
        if s.what == LINEAR:
            problem = equal_on_ranges(s.before, s.after)
            assert not problem, f"linear step {format_uop(s.before)} -> {format_uop(s.after)}: {problem}"
    problem = equal_on_ranges(term, out)
    assert not problem, f"{format_uop(term)} -> {format_uop(out)}: {problem}"


@settings(max_examples=150)
@given(TERMS)
def test_linear_steps_keep_the_value(term):
    _check_steps(term)


@settings(max_examples=80)
@given(COMPARES)
def test_linear_compare_steps_keep_the_value(term):
    _check_steps(term)


@given(TERMS)
def test_linear_form_rebuilds_to_an_equal_term(term):
    lin = linear(term)
    back = build(lin.terms, lin.k)
    assert not equal_on_ranges(term, back)


def test_like_terms_collect():
    a, b = VARS[0], VARS[1]
    s = UOp("add", idx, (UOp("add", idx, (UOp("mul", idx, (a, const(idx, 2))), b)), UOp("mul", idx, (a, const(idx, 3)))))
    assert format_uop(_RW.fresh().normalize(s)) == "a * 5 + b"


def test_recombination_three_levels_with_outer_multiplier():
    x = var(idx, "x", 0, 10_000)
    d = lambda u, c: UOp("div", idx, (u, const(idx, c)))  # noqa: E731
    m = lambda u, c: UOp("mod", idx, (u, const(idx, c)))  # noqa: E731
    k = lambda u, c: UOp("mul", idx, (u, const(idx, c)))  # noqa: E731
    # (x % 3 + (x / 3) % 224 * 3 + (x / 672) * 672) * 5
    s = k(UOp("add", idx, (UOp("add", idx, (m(x, 3), k(m(d(x, 3), 224), 3))), k(d(x, 672), 672))), 5)
    assert format_uop(_RW.fresh().normalize(s)) == "x * 5"
