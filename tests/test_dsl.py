"""The `.rules` language: printing and parsing are inverse, precedence is C's, locations are right.

Round trips:
  * patterns:  parse_expr(format_pattern(p)) == p for generated well-formed patterns (and a
    stricter structural key that, unlike Pattern.__eq__, tells -0.0 from 0.0 and true from 1);
  * rule files: parse_rules(format_rules(decls)) == decls (names, types, sides, preconditions,
    doc comments);
  * typed rules: build_rules(format_rules(decls)) gives equal decls and the very same typed
    UOp instances (hash-consing makes that an identity check);
  * every `.rules` file of the library (rules/, whatever exists when the test runs) and of
    tests/corpus/pass.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from rewriter.dsl.parser import RuleDecl, parse_expr, parse_rule_file, parse_rules
from rewriter.dsl.pattern import Pattern, format_pattern
from rewriter.dsl.rule import build_rules, format_rule, format_rules
from rewriter.dsl.typecheck import instantiate_rule
from rewriter.errors import SourceError, SourceLoc, TypeCheckError
from rewriter.ir.dtype import bool_, f32, i8, i32, idx, parse_dtype
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, const, var
from tests.strategies import patterns, rule_decls, typed_rule_decls

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------
# Strict structural keys (Pattern.__eq__ ignores locations, which we want, but also conflates
# 0.0 / -0.0 and true / 1, and a NaN literal is never equal to itself)
# ------------------------------------------------------------------------------------------
def lit_key(v):
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, float):
        return ("float", "nan" if math.isnan(v) else repr(v))
    return (type(v).__name__, v)


def pkey(p: Pattern | None):
    if p is None:
        return None
    return (p.kind, p.op, tuple(pkey(a) for a in p.args), p.name,
            lit_key(p.value) if p.kind == "lit" else None, str(p.dtype) if p.dtype is not None else None,
            tuple(p.flags))


def dkey(d: RuleDecl):
    return (d.name, pkey(d.lhs), pkey(d.rhs), pkey(d.pre),
            tuple(str(t) for t in d.types) if d.types is not None else None, d.doc)


def has_nan(p: Pattern | None) -> bool:
    return p is not None and any(n.kind == "lit" and isinstance(n.value, float) and math.isnan(n.value)
                                 for n in p.walk())


# ------------------------------------------------------------------------------------------
# Pattern round trips
# ------------------------------------------------------------------------------------------
@given(patterns(allow_nan=False))
def test_pattern_round_trip(p):
    text = format_pattern(p)
    note(f"printed: {text}")
    back = parse_expr(text)
    assert back == p
    assert pkey(back) == pkey(p)
    assert format_pattern(back) == text  # printing is canonical


@given(patterns(allow_nan=True))
def test_pattern_round_trip_strict_with_nan(p):
    """NaN literals round-trip too (compared with the strict key: see the xfail below)."""
    text = format_pattern(p)
    assert pkey(parse_expr(text)) == pkey(p)


@given(patterns(max_depth=3, allow_nan=False))
def test_parsed_locations_point_at_the_source(p):
    """Every parsed node's location is where its text starts: names, callees, operators."""
    text = format_pattern(p)
    back = parse_expr(text)
    from rewriter.ir.printer import BINARY as _BINARY
    from rewriter.ir.printer import UNARY as _UNARY

    for n in back.walk():
        assert n.loc is not None and n.loc.line == 1, n
        at = text[n.loc.col - 1:]
        if n.kind in ("var", "const"):
            assert at.startswith(n.name), (n, at)
        elif n.kind == "lit":
            assert at[:1] in "-0123456789tfin", (n, at)
        elif n.op in _BINARY and not n.flags and len(n.args) == 2:
            assert at.startswith(_BINARY[n.op][0]), (n, at)
        elif n.op in _UNARY and not n.flags and len(n.args) == 1:
            assert at.startswith(_UNARY[n.op]), (n, at)
        else:
            assert at.startswith(n.op), (n, at)


# ------------------------------------------------------------------------------------------
# Rule round trips
# ------------------------------------------------------------------------------------------
@given(st.lists(rule_decls(allow_nan=False), max_size=3))
def test_rules_round_trip_syntactically(decls):
    text = format_rules(decls)
    note(text)
    back = parse_rules(text, "gen.rules")
    assert back == decls
    assert [dkey(d) for d in back] == [dkey(d) for d in decls]
    assert format_rules(back) == text
    for d in back:
        assert d.loc.file == "gen.rules"
        line = text.splitlines()[d.loc.line - 1]
        assert line[d.loc.col - 1:].startswith(d.name)


def _build_typed(decl: RuleDecl):
    """instantiate_rule, or None when the generated decl is polymorphic in a way no single
    instantiation type satisfies (e.g. a literal-only float subterm without [types])."""
    try:
        return instantiate_rule(decl, None)
    except TypeCheckError as e:
        note(f"rejected: {e}")
        return None


@given(typed_rule_decls())
def test_typed_rules_round_trip_through_build_rules(case):
    decl, term = case
    direct = _build_typed(decl)
    if direct is None:
        # Literal-only subterms stay polymorphic: name the type of the term's constants.
        consts = {n.dtype for n in term.toposort() if n.op in ("const", "int_max", "int_min", "bits")}
        for t in sorted(consts, key=str):
            decl = RuleDecl(decl.name, decl.lhs, decl.rhs, decl.pre, (t,), decl.loc, decl.doc)
            direct = _build_typed(decl)
            if direct is not None:
                break
    assume(direct is not None)
    text = format_rules([decl])
    note(text)
    rules = build_rules(text, "gen.rules")
    assert len(rules) == 1
    back = rules[0].decl
    assert dkey(back) == dkey(decl)
    if not any(has_nan(x) for x in (decl.lhs, decl.rhs, decl.pre)):
        assert back == decl
    # the very same typed terms (hash-consed UOps: identity)
    inst, _ = direct
    assert [(i.dtype, i.lhs, i.rhs, i.pre) for i in rules[0].instances] == \
           [(i.dtype, i.lhs, i.rhs, i.pre) for i in inst]
    assert all(a.lhs is b.lhs and a.rhs is b.rhs and a.pre is b.pre for a, b in zip(rules[0].instances, inst))
    if decl.types is None and len(inst) == 1:
        assert inst[0].lhs is term, f"{format_uop(inst[0].lhs)} vs {format_uop(term)}"


def _library_files() -> list:
    files = sorted((REPO / "rules").rglob("*.rules")) + sorted((REPO / "tests/corpus/pass").glob("*.rules"))
    return [pytest.param(p, id=str(p.relative_to(REPO))) for p in files]


@pytest.mark.parametrize("path", _library_files())
def test_library_file_round_trips(path: Path):
    """Every rule file (written concurrently by others: globbed when the tests are collected)."""
    text = path.read_text()
    rel = str(path.relative_to(REPO))
    try:
        parsed = parse_rule_file(text, rel)
    except SourceError as e:
        pytest.skip(f"does not parse (work in progress?): {e.render()}")
    decls = parsed.rules
    printed = format_rules(decls, scope=parsed.scope)
    back = parse_rule_file(printed, rel)
    assert back.scope == parsed.scope
    assert [dkey(d) for d in back.rules] == [dkey(d) for d in decls]
    assert format_rules(back.rules, scope=back.scope) == printed
    try:
        rules = build_rules(text, rel)
    except TypeCheckError as e:
        pytest.skip(f"does not type-check (work in progress?): {e.render()}")
    rebuilt = build_rules(printed, rel)
    assert [r.decl for r in rebuilt] == [r.decl for r in rules] or \
           [dkey(r.decl) for r in rebuilt] == [dkey(r.decl) for r in rules]
    for a, b in zip(rules, rebuilt):
        assert [(i.dtype, i.lhs, i.rhs, i.pre) for i in a.instances] == \
               [(i.dtype, i.lhs, i.rhs, i.pre) for i in b.instances], a.name


def test_some_library_files_are_checked():
    assert _library_files(), "tests/corpus/pass has rule files"


# ------------------------------------------------------------------------------------------
# Precedence and sugar
# ------------------------------------------------------------------------------------------
def V(name, dtype=None):
    return Pattern("var", name=name, dtype=dtype)


def C(name, dtype=None):
    return Pattern("const", name=name, dtype=dtype)


def L(v):
    return Pattern("lit", value=v)


def op(name, *args, dtype=None, flags=()):
    return Pattern("op", name, tuple(args), dtype=dtype, flags=tuple(flags))


a, b, c, x, y = V("a"), V("b"), V("c"), V("x"), V("y")

PRECEDENCE = [
    ("a - b - c", op("sub", op("sub", a, b), c), "a - b - c"),
    ("a - (b - c)", op("sub", a, op("sub", b, c)), "a - (b - c)"),
    ("(a - b) - c", op("sub", op("sub", a, b), c), "a - b - c"),
    ("a / b * c", op("mul", op("div", a, b), c), "a / b * c"),
    ("a << b + c", op("shl", a, op("add", b, c)), "a << b + c"),
    ("(a << b) + c", op("add", op("shl", a, b), c), "(a << b) + c"),
    ("a & b == c", op("and", a, op("eq", b, c)), "a & b == c"),
    ("(a & b) == c", op("eq", op("and", a, b), c), "(a & b) == c"),
    ("a | b ^ c & a", op("or", a, op("xor", b, op("and", c, a))), "a | b ^ c & a"),
    ("a || b && c", op("lor", a, op("land", b, c)), "a || b && c"),
    ("a < b == b < a", op("eq", op("lt", a, b), op("lt", b, a)), "a < b == b < a"),
    ("a + b * c", op("add", a, op("mul", b, c)), "a + b * c"),
    ("(a + b) * c", op("mul", op("add", a, b), c), "(a + b) * c"),
    ("a % b % c", op("mod", op("mod", a, b), c), "a % b % c"),
    ("-a * b", op("mul", op("neg", a), b), "-a * b"),
    ("-(a * b)", op("neg", op("mul", a, b)), "-(a * b)"),
    ("- -a", op("neg", op("neg", a)), "--a"),
    ("~a + !b", op("add", op("not", a), op("lnot", b)), "~a + !b"),
    ("a - -1", op("sub", a, L(-1)), "a - (-1)"),
    ("-1", L(-1), "-1"),
    ("-(1)", L(-1), "-1"),
    ("- 2.5", L(-2.5), "-2.5"),
    ("-inf", L(-math.inf), "-inf"),
    ("-true", op("neg", L(True)), "-true"),
    ("0x1F + 0", op("add", L(31), L(0)), "31 + 0"),
    ("x > y", op("gt", x, y), "x > y"),
    ("x >= y", op("ge", x, y), "x >= y"),
    ("x > y && !(x == y)", op("land", op("gt", x, y), op("lnot", op("eq", x, y))), "x > y && !(x == y)"),
    ("cast<i32>(x)", op("cast", x, dtype=i32), "cast<i32>(x)"),
    ("bitcast<f32>(x:i32)", op("bitcast", V("x", i32), dtype=f32), "bitcast<f32>(x:i32)"),
    ("cast<i8x128>(x)", op("cast", x, dtype=parse_dtype("i8x128")), "cast<i8x128>(x)"),
    ("mul.nsw(x, C)", op("mul", x, C("C"), flags=["nsw"]), "mul.nsw(x, C)"),
    ("add.nuw.nsw(x, 1)", op("add", x, L(1), flags=["nuw", "nsw"]), "add.nuw.nsw(x, 1)"),
    ("div.exact(x, 4)", op("div", x, L(4), flags=["exact"]), "div.exact(x, 4)"),
    ("add(x, y)", op("add", x, y), "x + y"),
    ("where(x < y, x, y)", op("where", op("lt", x, y), x, y), "where(x < y, x, y)"),
    ("int_max()", op("int_max"), "int_max()"),
    ("x:i32 + y:i8", op("add", V("x", i32), V("y", i8)), "x:i32 + y:i8"),
    ("C:idx * 2", op("mul", C("C", idx), L(2)), "C:idx * 2"),
    ("x:f32* == y", op("eq", V("x", parse_dtype("f32*")), y), "x:f32* == y"),
    ("true != false", op("ne", L(True), L(False)), "true != false"),
    ("1e-05 + 1.0", op("add", L(1e-05), L(1.0)), "1e-05 + 1.0"),
    ("a   +\n  b # comment\n", op("add", a, b), "a + b"),
]


@pytest.mark.parametrize("text, expected, printed", PRECEDENCE, ids=[p[0] for p in PRECEDENCE])
def test_precedence_and_printing(text, expected, printed):
    p = parse_expr(text)
    assert p == expected and pkey(p) == pkey(expected)
    assert format_pattern(p) == printed
    assert pkey(parse_expr(printed)) == pkey(expected)


def test_sugar_is_resolved_by_the_type_checker():
    """`x > y` is `y < x`; `x >= y` is `y <= x`; && || ! are bool and/or/not."""
    (r,) = build_rules("rule r: where(x:i32 > y && !(x >= y || false), x, y) => y\n", "t.rules")
    (inst,) = r.instances
    X, Y = var(i32, "x"), var(i32, "y")
    gt = UOp("lt", bool_, (Y, X))
    ge = UOp("le", bool_, (Y, X))
    cond = UOp("and", bool_, (gt, UOp("not", bool_, (UOp("or", bool_, (ge, const(bool_, False))),))))
    assert inst.lhs is UOp("where", i32, (cond, X, Y))


def test_flags_and_types_reach_the_uops():
    (r,) = build_rules("rule r [i8, u16]: mul.nuw.nsw(x, C) => shl.nsw(x, C)\n", "t.rules")
    assert [str(i.dtype) for i in r.instances] == ["i8", "u16"]
    inst = r.instances[0]
    assert inst.lhs.arg == ("nsw", "nuw") and inst.rhs.arg == ("nsw",)
    assert inst.consts == frozenset({"C"})
    assert {v.arg.name for v in inst.inputs} == {"x", "C"}


def test_doc_comments_attach_to_the_next_rule():
    text = "# header, not a doc\n\n# first line\n#   second line\nrule r: x + 0 => x\nrule q: x * 1 => x\n"
    r, q = parse_rules(text, "t.rules")
    assert r.doc == "first line second line"
    assert q.doc == ""
    assert r.loc == SourceLoc("t.rules", 5, 6)
    assert format_rule(r) == "# first line second line\nrule r: x + 0 => x"


def test_locations_of_multi_line_rules():
    text = "rule r:\n    x +\n      y\n  => y + x\n  if x < y\n"
    (d,) = parse_rules(text, "t.rules")
    assert d.loc == SourceLoc("t.rules", 1, 6)
    assert d.lhs.loc == SourceLoc("t.rules", 2, 7)  # the '+'
    assert d.lhs.args[1].loc == SourceLoc("t.rules", 3, 7)
    assert d.pre.loc == SourceLoc("t.rules", 5, 8)


# ------------------------------------------------------------------------------------------
# Fixed bugs (regression tests)
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["info", "nano", "truex", "falsey", "inf_count"])
def test_variables_may_start_with_a_literal_word(name):
    assert parse_expr(f"{name} + 1") == op("add", V(name), L(1))


@pytest.mark.parametrize("text", ["neg(1)", "neg(-2)", "neg(1.5)"])
def test_neg_of_literal_call_round_trips(text):
    p = parse_expr(text)
    assert parse_expr(format_pattern(p)) == p


def test_nan_literal_pattern_equals_itself():
    assert parse_expr("x == nan") == parse_expr("x == nan")


@pytest.mark.parametrize("t1, t2", [("x * -0.0", "x * 0.0"), ("x + true", "x + 1")])
def test_pattern_equality_distinguishes_literals(t1, t2):
    assert parse_expr(t1) != parse_expr(t2)


@pytest.mark.parametrize("sep", ["\x0c", "\u2028", "\x85"], ids=["formfeed", "u2028", "nel"])
def test_error_excerpt_is_the_right_line(sep):
    text = f"# a comment{sep}with a separator\nrule r: x + => x\n"
    with pytest.raises(SourceError) as e:
        parse_rules(text, "t.rules")
    assert e.value.loc.line == 2
    assert e.value.render().splitlines()[1].strip() == "rule r: x + => x"


def test_end_of_input_error_points_past_the_end():
    text = "rule r: x + y => (x"
    with pytest.raises(SourceError) as e:
        parse_rules(text, "t.rules")
    assert "end of input" in e.value.message
    assert (e.value.loc.line, e.value.loc.col) == (1, len(text) + 1)


def test_literal_words_still_lex_as_literals():
    assert parse_expr("true && false") == op("land", L(True), L(False))
    assert pkey(parse_expr("inf + -inf * nan")) == pkey(op("add", L(math.inf), op("mul", L(-math.inf), L(math.nan))))
    assert parse_expr("(inf)") == L(math.inf)  # followed by a non-word character


@pytest.mark.parametrize("text, printed", [
    ("neg(-inf)", "neg(-inf)"), ("neg(nan)", "neg(nan)"), ("neg(1) + 2", "neg(1) + 2"),
    ("-neg(3)", "-neg(3)"), ("neg(true)", "-true"), ("neg(x)", "-x"),
])
def test_neg_of_a_number_literal_prints_as_a_call(text, printed):
    p = parse_expr(text)
    assert format_pattern(p) == printed
    assert pkey(parse_expr(printed)) == pkey(p)


def test_literal_equality_is_consistent_with_hash():
    a, b = parse_expr("x * nan"), parse_expr("x * nan")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    distinct = [parse_expr(t) for t in ("x * 0.0", "x * -0.0", "x * 0", "x * false", "x * 1", "x * true")]
    assert len(set(distinct)) == len(distinct)
    (d,) = parse_rules("rule r [f32]: x * nan => nan\n", "t.rules")
    (e,) = parse_rules(format_rules([d]), "t.rules")
    assert d == e  # the documented guarantee, now also with a NaN literal


def test_doc_comment_lines_are_counted_like_lark():
    text = "# first\x0cstill the first line\nrule r: x + 0 => x\n"
    (d,) = parse_rules(text, "t.rules")
    assert d.loc.line == 2 and d.doc == "first\x0cstill the first line"


@pytest.mark.parametrize("text, line, col", [
    ("rule r: x + 0 => x if\n", 1, 22),          # a trailing newline: still past `if`
    ("rule r: x + 0 => x if  # why\n\n", 1, 22),  # trailing comment and blank lines
    ("rule r: x +\n  (y\n", 2, 5),
])
def test_end_of_input_error_points_past_the_last_token(text, line, col):
    with pytest.raises(SourceError) as e:
        parse_rules(text, "t.rules")
    assert "end of input" in e.value.message
    assert (e.value.loc.line, e.value.loc.col) == (line, col)


def test_each_listed_type_has_its_location():
    (d,) = parse_rules("rule r [i8,  u16 , f32]: x + 0 => x\n", "t.rules")
    assert [(l.line, l.col) for l in d.type_locs] == [(1, 9), (1, 14), (1, 20)]


def test_a_type_listed_twice_is_an_error():
    """An error rather than a silent dedup: `[i8, i8]` is most likely a typo for another type,
    which would then go unverified. The caret is under the second occurrence."""
    text = "rule r [i8, u8, i8]: x + 0 => x\n"
    (d,) = parse_rules(text, "t.rules")
    with pytest.raises(TypeCheckError) as e:
        instantiate_rule(d, text)
    assert "i8 is listed twice" in e.value.message
    assert (e.value.loc.line, e.value.loc.col) == (1, 17)


@pytest.mark.parametrize("text, col, words", [
    ("rule r: x:i8x4 + 0 => x\n", 9, "vector type i8x4"),
    ("rule r [i32, i32x4]: x + 0 => x\n", 14, "vector type i32x4"),
    ("rule r: cast<i8x4>(x:i8) + 0 => cast<i8x4>(x)\n", 9, "vector type i8x4"),
    ("rule r [i32*]: x + 0 => x\n", 9, "pointer type i32*"),
    ("rule r: x:i32* + 0 => x\n", 9, "pointer type i32*"),
    ("rule r: x + int_max<f32>() => x + int_max<f32>()\n", 13, "not f32"),
    ("rule r: x + bits<idx>() => x + bits<idx>()\n", 13, "not idx"),
    ("rule r: x + int_min<bool>() => x + int_min<bool>()\n", 13, "not bool"),
])
def test_types_a_rule_cannot_name(text, col, words):
    (d,) = parse_rules(text, "t.rules")
    with pytest.raises(TypeCheckError) as e:
        instantiate_rule(d, text)
    assert words in e.value.message
    assert (e.value.loc.line, e.value.loc.col) == (1, col)


def test_nullary_ops_at_their_own_types_still_check():
    (r,) = build_rules("rule r: x + int_max<i8>() => x + int_max<i8>()\n", "t.rules")
    assert [str(i.dtype) for i in r.instances] == ["i8"]


def test_types_list_that_casts_make_irrelevant_is_an_error():
    """B6: `[f32]` on a rule whose casts fix its type to f16 was silently ignored (the rule
    was proven at f16 only). It is an error at the list entry; naming the fixed type is fine."""
    text = "rule tmf [f32]: x + y => x + cast<f16>(y)\n"
    with pytest.raises(TypeCheckError, match="lists f32, but its annotations and casts fix its type to f16") \
            as e:
        build_rules(text, "t.rules")
    assert e.value.loc == SourceLoc("t.rules", 1, 11)
    (rule,) = build_rules(text.replace("f32", "f16"), "t.rules")
    assert [str(i.dtype) for i in rule.instances] == ["f16"]


def test_default_rule_library_does_not_depend_on_the_current_directory(tmp_path, monkeypatch, capsys):
    """B10: the default `rules/` was relative to the cwd, so `cd /tmp && rewriter simplify
    "a+0" --var a:i32` failed. It is found from the package; in the repo it stays `rules`."""
    from rewriter.cli import main

    assert main(["simplify", "a + 0", "--var", "a:i32", "--stats"]) == 0
    assert "(rules/algebra.rules:" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["simplify", "a + 0", "--var", "a:i32", "--stats"]) == 0
    out = capsys.readouterr().out
    library = Path(__file__).resolve().parent.parent / "rules"
    assert out.splitlines()[0].startswith("a ") and f"({library}/algebra.rules:" in out


@pytest.mark.parametrize("argv,message", [
    (["verify", "-j", "0"], "must be >= 1, got 0"),
    (["verify", "--timeout", "-1"], "must be positive, got -1"),
    (["verify", "--timeout", "soon"], "expected a number"),
    (["optimize", "examples/relu_f32.ir", "--run", "--repeat", "0"], "must be >= 1, got 0"),
    (["optimize", "examples/relu_f32.ir", "--unroll", "0"], "must be >= 1, got 0"),
    (["bench", "examples/relu_f32.ir", "--repeat", "-3"], "must be >= 1, got -3"),
])
def test_bad_numbers_on_the_command_line_are_refused(argv, message, capsys):
    """B12: `--repeat 0` printed 'inf us per call', `-j 0`/`--timeout -1` were accepted."""
    from rewriter.cli import main

    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err


def test_duplicate_var_and_empty_rule_folder_are_errors(tmp_path, capsys):
    from rewriter.cli import main

    assert main(["simplify", "a + a", "--var", "a:i32", "--var", "a:i8"]) == 2
    assert "--var a is declared 2 times" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["verify", str(tmp_path / "empty")]) == 2  # "0 rules: all proven" was exit 0
    err = capsys.readouterr().err
    assert "no .rules files" in err and len(err.strip().splitlines()) == 1


def test_closed_stdout_stops_quietly():
    """B12: `rewriter fmt ... | head -1` ended in a BrokenPipeError traceback."""
    import subprocess
    import sys

    files = " ".join(["rules/algebra.rules"] * 40)  # far more than a pipe buffer holds
    cmd = f"{sys.executable} -m rewriter.cli fmt {files} | head -c 1 > /dev/null"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert done.returncode == 141 and done.stderr == "", done.stderr


def test_fmt_keeps_every_comment(tmp_path, capsys):
    """B11: `rewriter fmt` dropped section comments (the whole header of algebra.rules) and
    comments after code. It keeps them all, is idempotent, and the rules parse back equal."""
    from rewriter.cli import main

    src = ("# header\n#   of the file\n\n# section one\n\n# doc of a,\n# two lines\nrule a: x +   0 => x\n"
           "rule b:\n  x * 1\n  => x   # trailing note\n# last words\n")
    f = tmp_path / "c.rules"
    f.write_text(src)
    assert main(["fmt", str(f)]) == 0
    out = capsys.readouterr().out
    assert out == ("# header\n#   of the file\n\n# section one\n\n# doc of a,\n# two lines\n"
                   "rule a: x + 0 => x\n\nrule b: x * 1 => x\n\n# trailing note\n# last words\n")
    back, orig = parse_rules(out, "c.rules"), parse_rules(src, "c.rules")
    assert [(d.name, d.doc, format_rule(d)) for d in back] == [(d.name, d.doc, format_rule(d)) for d in orig]
    for path in sorted(Path("rules").glob("*.rules")):
        text = path.read_text()
        assert main(["fmt", str(path)]) == 0
        once = capsys.readouterr().out
        comments = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")]
        assert [ln for ln in once.splitlines() if ln.startswith("#")] == comments, path
        f.write_text(once)
        assert main(["fmt", str(f)]) == 0 and capsys.readouterr().out == once, path


# ---- type parameter T, named type classes, MIN<..>/MAX<..>, provenance -------------------
def test_type_parameter_makes_one_rule_at_every_listed_type():
    text = "rule cast-id [ints, idx, bool, floats]: cast<T>(x:T) => x\n"
    (decl,) = parse_rules(text, "t.rules")
    insts, _ = instantiate_rule(decl, text)
    assert [str(i.dtype) for i in insts] == ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
                                             "idx", "bool", "f16", "f32", "f64"]
    assert all(i.lhs.op == "cast" and i.lhs.src[0].dtype == i.dtype for i in insts)
    assert format_rule(decl) == "rule cast-id [ints, idx, bool, floats]: cast<T>(x:T) => x"


def test_type_classes_expand_in_lists():
    (decl,) = parse_rules("rule r [signed, idx]: x - x => 0\n", "t.rules")
    assert [str(t) for t in decl.types] == ["i8", "i16", "i32", "i64", "idx"]


def test_bounds_are_literals_of_their_type():
    text = ("rule r [signed]: sat_add(x, y) => x + y if y >= 0 && x <= MAX<T> - y\n"
            "rule s: cast<idx>(cast<i32>(x:idx)) => x if x >= MIN<i32> && x <= MAX<i32>\n")
    r, s = parse_rules(text, "t.rules")
    insts, _ = instantiate_rule(r, text)
    assert [format_uop(i.pre) for i in insts] == [f"0 <= y & x <= {m} - y" for m in (127, 32767, 2**31 - 1, 2**63 - 1)]
    (inst,) = instantiate_rule(s, text)[0]
    assert format_uop(inst.pre) == "(-2147483648) <= x & x <= 2147483647"
    assert parse_rules(format_rule(s), "again")[0] == s


@pytest.mark.parametrize("text, message", [
    ("rule r: cast<T>(x:T) => x\n", "uses the type parameter T: list its types"),
    ("rule r [idx]: x + MAX<T> => x\n", "MAX<T> is not a number: idx has no maximum"),
    ("rule r: x + MIN<f32> => x\n", "only fixed-width integer types have bounds"),
])
def test_type_parameter_and_bound_errors(text, message):
    with pytest.raises(SourceError) as e:
        for d in parse_rules(text, "t.rules"):
            instantiate_rule(d, text)
    assert message in str(e.value) and e.value.loc.line == 1


def test_provenance_is_kept_and_printed():
    text = 'rule add-zero: x + 0 => x if x >= 0 from "LLVM InstCombine: InstCombineAddSub.cpp"\n'
    (decl,) = parse_rules(text, "t.rules")
    assert decl.source == "LLVM InstCombine: InstCombineAddSub.cpp"
    assert format_rule(decl) == text.strip()
    # `from` stays an ordinary variable name elsewhere
    (d2,) = parse_rules("rule r: from + 0 => from\n", "t.rules")
    assert d2.lhs.args[0].name == "from"


def test_explain_shows_provenance(capsys):
    from rewriter.cli import main

    assert main(["simplify", "sat_add(a, b)", "--var", "a:i32=0..100", "--var", "b:i32=-5..5", "--explain"]) == 0
    out = capsys.readouterr().out
    assert '[sat-add-in-range  rules/algebra.rules:' in out and 'from "LLVM InstCombine: InstCombineCalls.cpp' in out
