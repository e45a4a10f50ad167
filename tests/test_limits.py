"""Inputs past the limits of rewriter/limits.py, and malformed numbers and bytes, through the
command line: each is exit 2 with a one-line `file:line:col` error (naming the limit where one
is hit), never a traceback. Each case was a traceback or a RecursionError before (issue 15).
"""
from __future__ import annotations

import re

import pytest

from rewriter.cli import main
from rewriter.dsl.parser import parse_expr, parse_rules
from rewriter.dsl.rule import load_library
from rewriter.errors import SourceError
from rewriter.ir import printer
from rewriter.ir.dtype import i32
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, var
from rewriter.kernel.parser import parse_kernels
from rewriter.limits import Limits
from rewriter.rules_path import default_rule_paths


def _refused(capsys, argv, where: str, message: str) -> str:
    """Run the CLI; exit 2, the error at `where` (file:line:col), `message` in it, no traceback."""
    rc = main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert rc == 2, text
    assert "Traceback" not in text and "RecursionError" not in text
    first = out.err.splitlines()[0]
    assert re.match(rf"^{re.escape(where)}: ", first), first
    assert message in first, first
    return first


def _kernel(body: str, params: str = "a: i32[64]", outs: str = "o: i32[64]") -> str:
    return f"kernel k({params}) -> ({outs}) {{\n  i = range(64)\n  {body}\n}}\n"


# -- numbers -----------------------------------------------------------------------------------

def test_leading_zero_literals_are_errors_in_rules_kernels_and_simplify(tmp_path, capsys):
    rules = tmp_path / "z.rules"
    rules.write_text("rule r: x + 08 => x + 8\n")
    _refused(capsys, ["verify", "--no-cache", str(rules)], f"{rules}:1:13", "leading zero (write 8")
    ir = tmp_path / "z.ir"
    ir.write_text("kernel k(a: u8[064]) -> (o: u8[64]) {\n  i = range(64)\n  o[i] = a[i]\n}\n")
    _refused(capsys, ["run", str(ir)], f"{ir}:1:16", "'064' has a leading zero")
    _refused(capsys, ["simplify", "x + 00", "--var", "x:i32"], "<expr>:1:5", "leading zero")


def test_zero_and_hex_literals_still_parse():
    assert parse_expr("0 + 0x0F + 0xff").args[1].value == 255
    assert parse_expr("0x0F").value == 15


@pytest.mark.parametrize("literal,what", [("9" * 5000, "5000 digits"), ("0x" + "f" * 5000, "5000 hex digits"),
                                          ("1" + "0" * 39, "40 digits")])
def test_huge_literals_name_the_limit(tmp_path, capsys, literal, what):
    rules = tmp_path / "big.rules"
    rules.write_text(f"rule r: x + {literal} => x\n")
    _refused(capsys, ["verify", "--no-cache", str(rules)], f"{rules}:1:13",
             f"literal of {what} exceeds the limit of 128 bits (rewriter.limits.Limits.max_literal_bits; raise it with --limit max_literal_bits=N)")


def test_the_literal_limit_is_exact_and_can_be_raised():
    assert parse_expr(str((1 << 128) - 1)).value == (1 << 128) - 1
    with pytest.raises(SourceError, match="max_literal_bits"):
        parse_expr(str(1 << 128))
    assert parse_rules("rule r: x + 0x1" + "0" * 50 + " => x", limits=Limits(max_literal_bits=256))[0].lhs \
        .args[1].value == 1 << 200


def test_a_huge_var_bound_is_refused(capsys):
    rc = main(["simplify", "x", "--var", "x:idx=0.." + "9" * 5000])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and "max_literal_bits" in err and len(err) < 300


# -- bytes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["fmt", "verify", "lint"])
def test_a_file_that_is_not_utf8_is_an_error_at_its_first_bad_byte(tmp_path, capsys, command):
    rules = tmp_path / "bad.rules"
    rules.write_bytes(b"rule r: x + 0 => x\nrule \xc3\xa9 s: \xff\n")
    _refused(capsys, [command, str(rules)], f"{rules}:2:11", "byte 0xff is not UTF-8")


def test_a_kernel_that_is_not_utf8_is_an_error(tmp_path, capsys):
    ir = tmp_path / "bad.ir"
    ir.write_bytes(b"kernel \xfe")
    _refused(capsys, ["run", str(ir)], f"{ir}:1:8", "byte 0xfe is not UTF-8")


# -- depth -------------------------------------------------------------------------------------

def test_deep_nesting_and_long_chains_name_the_depth_limit(tmp_path, capsys):
    neg = tmp_path / "neg.rules"
    neg.write_text("rule r: " + "-" * 10000 + "x => x\n")
    _refused(capsys, ["verify", "--no-cache", str(neg)], f"{neg}:1:137",
             "nested deeper than 128 levels")
    chain = tmp_path / "chain.rules"
    chain.write_text("rule r: x" + " + x" * 400 + " => x\n")
    _refused(capsys, ["fmt", str(chain)], f"{chain}:1:9", "rewriter.limits.Limits.max_depth")
    ir = tmp_path / "chain.ir"
    ir.write_text(_kernel("o[i] = a[i]" + " + a[i]" * 250))
    _refused(capsys, ["run", str(ir)], f"{ir}:3:10", "nested deeper than 128 levels")
    _refused(capsys, ["simplify", "(" * 3000 + "-" * 3000 + "x" + ")" * 3000, "--var", "x:i32"],
             "<expr>:1:3129", "max_depth")


def test_a_kernel_at_the_depth_limit_compiles_runs_and_checks(tmp_path, capsys):
    """The default depth is safe: a chain at the limit goes through parsing, typing, both
    engines' rewriting, lowering, LLVM, the JIT and the reference, inside Python's default
    recursion limit (under pytest's own frames too)."""
    ir = tmp_path / "deep.ir"
    ir.write_text(_kernel("o[i] = a[i]" + " + a[i] * 3" * 124))  # 127 levels: 124 adds, a mul, a load, its index
    assert parse_kernels(ir.read_text(), limits=Limits(max_depth=127))
    with pytest.raises(SourceError, match="max_depth"):
        parse_kernels(ir.read_text(), limits=Limits(max_depth=126))
    assert main(["optimize", str(ir), "--check"]) == 0
    assert "check against the reference interpreter: ok" in capsys.readouterr().out
    rules = tmp_path / "deep.rules"
    rules.write_text("rule r: " + "x - (" * 127 + "x" + ")" * 127 + " => x - x\n")
    assert main(["verify", "--no-cache", "-j", "1", str(rules)]) == 0


# -- shapes, ranges, names ---------------------------------------------------------------------

@pytest.mark.parametrize("params,outs,body,where,message", [
    ("a: u8[100000000000]", "o: u8[64]", "o[i] = a[i]", "1:10",
     "buffer 'a' of 100000000000 bytes exceeds the limit of 4294967296 bytes "
     "(rewriter.limits.Limits.max_buffer_bytes; raise it with --limit max_buffer_bytes=N)"),
    ("a: f32[64]", "o: f32[100000, 100000]", "o[i, i * 0 + 1] = a[i]", "1:26", "40000000000 bytes"),
    ("a: u8[" + ", ".join(["2"] * 40) + "]", "o: u8[64]", "o[i] = 0", "1:40",
     "40 dimensions exceeds the limit of 8 (rewriter.limits.Limits.max_dims; raise it with --limit max_dims=N)"),
    ("a: u8[4]", "o: u8", "k = range(1000000000000000000000000000000, reduce)\n  o = sum(a[k % 4], k)", "3:13",
     "a range of 1000000000000000000000000000000 exceeds the limit of 4294967296"),
])
def test_huge_shapes_and_ranges_name_their_limit(tmp_path, capsys, params, outs, body, where, message):
    ir = tmp_path / "huge.ir"
    ir.write_text(_kernel(body, params, outs))
    _refused(capsys, ["run", str(ir)], f"{ir}:{where}", message)
    _refused(capsys, ["optimize", str(ir), "--target", "hexagon", "--emit", "asm"], f"{ir}:{where}", message)


def test_a_temporary_is_bounded_too(tmp_path, capsys):
    ir = tmp_path / "t.ir"
    ir.write_text("kernel k(a: u8[4]) -> (o: u8[4]) {\n  i = range(65536); j = range(65537); "
                  "r = range(4)\n  t[i, j] = a[0]\n  o[r] = a[r]\n}\n")
    _refused(capsys, ["run", str(ir)], f"{ir}:3:3", "buffer 't' of 4295032832 bytes")


def test_long_names_are_refused_and_the_limit_can_be_raised(tmp_path, capsys):
    name = "b" * 1100
    text = _kernel(f"o[i] = {name}[i]", f"{name}: i32[64]")
    ir = tmp_path / "long.ir"
    ir.write_text(text)
    _refused(capsys, ["run", str(ir)], f"{ir}:1:10",
             "a name of 1100 characters exceeds the limit of 256 (rewriter.limits.Limits.max_name_length; raise it with --limit max_name_length=N)")
    assert parse_kernels(text, limits=Limits(max_name_length=1100))[0].inputs[0].name == name
    # At the limit, the kernel's and the buffer's names go through LLVM (a name of ~1 KiB made
    # the emitted IR invalid).
    at_limit = _kernel(f"o[i] = {'b' * 256}[i] + 1", f"{'b' * 256}: i32[64]")
    ir.write_text(at_limit.replace("kernel k(", f"kernel {'k' * 256}("))
    assert main(["optimize", str(ir), "--check"]) == 0
    assert "check against the reference interpreter: ok" in capsys.readouterr().out


# -- printing deep terms -----------------------------------------------------------------------

def test_format_uop_prints_terms_deeper_than_the_recursion_limit():
    x, y = var(i32, "x"), var(i32, "y")
    chain, neg = x, x
    for _ in range(5000):
        chain = UOp("add", i32, (chain, y))
        neg = UOp("neg", i32, (neg,))
    assert format_uop(chain) == "x" + " + y" * 5000
    assert format_uop(neg) == "-" * 5000 + "x"
    right = y
    for _ in range(3000):  # right-nested: every level parenthesized
        right = UOp("sub", i32, (x, right))
    assert format_uop(right) == "x - (" * 2999 + "x - y" + ")" * 2999


def test_the_iterative_printer_agrees_with_the_recursive_one():
    """Two spellings of one printer (the recursive one is the fast path): every term of the
    rule library, with and without a `leaf` override, prints the same through both."""
    library = load_library(default_rule_paths())
    leaf = lambda n: "K" if n.op == "const" and n.arg == 1 else None  # noqa: E731
    terms = [t for inst in library.all_instances() for t in (inst.lhs, inst.rhs, inst.pre) if t is not None]
    assert len(terms) > 500
    for t in terms:
        for lf in (None, leaf):
            assert printer._fmt_iterative(t, lf) == printer._fmt(t, 0, lf, 10 ** 6)


# -- vector types where terms are scalar -------------------------------------------------------

def test_vector_types_in_kernels_and_simplify_are_refused(tmp_path, capsys):
    """`cast<i32x99999999999>(a[i])` hung the reference (it evaluated every lane); in
    `rewriter simplify` a scalar cast to a vector and back was "proven equal"."""
    ir = tmp_path / "vec.ir"
    ir.write_text(_kernel("o[i] = cast<i32>(cast<i32x99999999999>(a[i]))"))
    _refused(capsys, ["run", str(ir)], f"{ir}:3:20", "kernels compute on scalars: i32x99999999999")
    _refused(capsys, ["simplify", "cast<i32>(cast<i32x4>(x))", "--var", "x:i32"], "<expr>:1:11",
             "i32x4 is a vector type")
    assert main(["simplify", "x", "--var", "x:i32x4"]) == 2
    assert "vector type" in capsys.readouterr().err
