"""The rewrite engine keeps meaning: rewriting a random term with the whole library never
changes its value where the original is defined and not poison (refinement, checked on
random inputs by the concrete evaluator), and golden one-line simplifications."""
from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewriter.dsl.rule import build_rules, load_library
from rewriter.errors import RewriterError
from rewriter.ir import dtype as dt
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, const, var
from rewriter.rewrite.engine import Rewriter, RuleCycleError
from rewriter.simplify import parse_var_decl, simplify_expr, typed_expr
from tests.refinement import assert_refines, engine_terms


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engine_terms(), st.integers(0, 2**32 - 1))
def test_library_rewrites_preserve_meaning(term, seed):
    out = Rewriter(library()).normalize(term)
    assert out.dtype == term.dtype
    assert_refines(term, out, seed)


def test_library_rewrites_fire():
    """The property above is not vacuous: random terms really do get rewritten."""
    rw = Rewriter(library())
    a, b = var(dt.i32, "a"), var(dt.i32, "b")
    t = UOp("add", dt.i32, (UOp("mul", dt.i32, (a, const(dt.i32, 1))), UOp("sub", dt.i32, (b, b))))
    assert rw.normalize(t) is a
    assert sum(rw.stats.values()) >= 2


# -- golden one-liners (egg style): expression, variables, expected result ----------------
GOLDEN = [
    ("(a*4 + b) / 4", ["a:idx=0..100", "b:idx=0..3"], "a"),
    ("(a*4 + b) % 4", ["a:idx=0..100", "b:idx=0..3"], "b"),
    ("a + 0", ["a:i32"], "a"),
    ("a * 1 + 0", ["a:u8"], "a"),
    ("a - a", ["a:i64"], "0"),
    ("2 * 3 + a", ["a:idx"], "a + 6"),
    ("a / 8 < 100", ["a:idx=0..799"], "true"),
    ("where(a < 10, a, 10)", ["a:idx=0..5"], "a"),
    ("1 / 0", [], "1 / 0"),  # UB is not folded away
]


@pytest.mark.parametrize("expr,decls,expected", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_simplify_golden(expr, decls, expected):
    res = simplify_expr(expr, [parse_var_decl(d) for d in decls], ["rules"], check=True)
    assert format_uop(res.output) == expected
    assert res.check == "proven equal" or expected == "1 / 0"


def test_rule_cycle_is_reported():
    rules = build_rules("rule flip-a: x - y => x + -y\nrule flip-b: x + -y => x - y\n", "cyc.rules")
    rw = Rewriter(rules)
    a, b = var(dt.i32, "a"), var(dt.i32, "b")
    with pytest.raises(RuleCycleError) as e:
        rw.normalize(UOp("sub", dt.i32, (a, b)))
    assert "flip-a" in str(e.value) and "flip-b" in str(e.value)


def test_simplify_rejects_undeclared_variable():
    with pytest.raises(RewriterError) as e:
        typed_expr("a + q", [parse_var_decl("a:i32")])
    assert "undeclared variable 'q'" in str(e.value)


def test_precondition_on_variable_needs_range_proof():
    rules = build_rules("rule small-div [idx]: y / C => 0 if y >= 0 && y < C\n", "p.rules")
    rw = Rewriter(rules)
    y_bounded, y_free = var(dt.idx, "y", 0, 3), var(dt.idx, "z")
    four = const(dt.idx, 4)
    assert rw.normalize(UOp("div", dt.idx, (y_bounded, four))) is const(dt.idx, 0)
    assert rw.normalize(UOp("div", dt.idx, (y_free, four))).op == "div"


def test_explain_names_the_winner_and_the_rules_it_beat(capsys):
    from rewriter.cli import main

    # At i32 (at idx the engine's linear-sum step, not a rule, takes `% 4 % 4` first).
    assert main(["simplify", "a % 4 % 4", "--var", "a:i32=0..100", "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("  1. a % 4 % 4  =>  a % 4    [mod-small  rules/divmod.rules:")
    assert out[1].startswith("     also matched, but later in the library: mod-small-signed (rules/divmod.rules:")
    assert out[-1] == "a % 4    # i32, range [0, 3]"


def test_explain_names_the_engine_linear_step(capsys):
    from rewriter.cli import main

    assert main(["simplify", "(a*4 + b) / 4", "--var", "a:idx=0..100", "--var", "b:idx=0..3", "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "  1. (a * 4 + b) / 4  =>  a    [(engine: linear sums at idx)]"
    assert out[-1] == "a    # idx, range [0, 100]"


def test_explain_with_the_egraph_reports_saturation(capsys):
    from rewriter.cli import main

    assert main(["simplify", "(a*4 + b) / 4", "--var", "a:idx=0..100", "--var", "b:idx=0..3", "--explain",
                 "--engine", "saturate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("saturated after ") and any("div-add-mul" in line for line in out)
    assert out[-1] == "a    # idx, range [0, 100]"
