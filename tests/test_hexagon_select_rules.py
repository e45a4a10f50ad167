"""Selects, negation and doubling on HVX come from proven rules, not from the selector.

HVX compares by > and == only (vgt / veq into a Q register) and selects with vmux by byte;
`rules/hexagon-expand.rules` brings every other select to that form (`hvx-le-not`,
`hvx-ne-not`, `hvx-where-not`, and the `hvx-where-*` rules that compare or select at the
other operand's width), `-x` to `0 - x` (`hvx-neg-sub`), and `rules/hexagon.rules` doubles by
an add (`hvx-mul-two`). Each kernel compiles by our selection and checks on QEMU, at sizes off
the vector grid and across the integer types."""
import pytest

from rewriter.backends.hexagon.select import SelectionRewriter
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, var

from rewriter.runtime.hexagon import find_toolchain
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (the module fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")

CMPS = ["<", "<=", ">", ">=", "==", "!="]


@pytest.mark.parametrize("cmp", CMPS)
@pytest.mark.parametrize("ct, vt, n", [("u8", "u8", 300), ("i16", "i16", 130), ("i32", "u32", 77),
                                        ("u8", "i16", 200), ("i8", "u32", 150), ("u16", "i32", 70),
                                        ("i16", "u8", 260), ("u32", "i8", 140), ("i32", "u16", 90)])
def test_every_compare_selects_at_any_pair_of_widths(cmp, ct, vt, n, library):
    """`where(a cmp b, x, y)` for every compare, the compared and the selected types at equal,
    narrower and wider widths."""
    _ours_checked(f"""kernel k(a: {ct}[{n}], b: {ct}[{n}], x: {vt}[{n}], y: {vt}[{n}]) -> (out: {vt}[{n}]) {{
      i = range({n})
      out[i] = where(a[i] {cmp} b[i], x[i], y[i]) }}""", library)


@pytest.mark.parametrize("t, n", [("i8", 200), ("u8", 129), ("i16", 300), ("u32", 70), ("i32", 33)])
def test_negation_and_doubling(t, n, library):
    """`-x` and `x * 2` (the two outputs) at every width."""
    _ours_checked(f"""kernel k(x: {t}[{n}], y: {t}[{n}]) -> (neg: {t}[{n}], dbl: {t}[{n}]) {{
      i = range({n})
      neg[i] = -x[i] - y[i]
      dbl[i] = x[i] * 2 + y[i] }}""", library)


def test_the_selector_takes_selects_only_in_their_row_form(library):
    """The expansion rules, not Python, turn `a <= b` at bytes selecting words into a
    word compare `<` with the arms swapped: `where(cast<i32>(b) < cast<i32>(a), y, x)`."""
    u8, i32 = parse_dtype("u8"), parse_dtype("i32")
    a, b, x, y = var(u8, "a"), var(u8, "b"), var(i32, "x"), var(i32, "y")
    term = UOp("where", i32, (UOp("le", parse_dtype("bool"), (a, b)), x, y))
    got = SelectionRewriter(library).expand.normalize(term)
    assert format_uop(got) == "where(cast<i32>(b) < cast<i32>(a), y, x)", got
