"""Whole reductions of any length (`reduce.reduce_all`): the loop takes the whole iterations,
the lanes after them run in the epilogue a block at a time, a last partial block's lanes past
the end set to the reduction's identity (or, for a byte sum on vrmpy, its bytes zeroed).
Lengths below one block (no loop at all), off the block grid, and a few vectors long."""
import pytest

from rewriter.runtime.hexagon import find_toolchain
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (the module fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.mark.parametrize("t, acc, n", [("i16", "i32", 1000), ("u16", "u32", 77), ("i32", "i32", 333),
                                        ("u8", "u32", 130), ("i8", "i32", 4099)])
def test_sums_of_any_length(t, acc, n, library):
    opt = _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {acc}) {{
      i = range({n}, reduce)
      out = sum(cast<{acc}>(x[i]), i) }}""", library)
    assert any("epilogue" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("kind, t, n", [("reduce_max", "u8", 333), ("reduce_min", "i16", 50),
                                         ("reduce_max", "i32", 97), ("reduce_min", "u8", 20)])
def test_extrema_of_any_length(kind, t, n, library):
    """The identity of max / min is the type's bound: the lanes past the end never win."""
    _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {t}) {{
      i = range({n}, reduce)
      out = {kind}(x[i], i) }}""", library)


@pytest.mark.parametrize("a, b, acc, n", [("i8", "i8", "i32", 1000), ("u8", "i8", "i32", 300),
                                           ("u8", "u8", "u32", 77)])
def test_byte_dot_products_of_any_length_on_vrmpy(a, b, acc, n, library):
    opt = _ours_checked(f"""kernel k(x: {a}[{n}], y: {b}[{n}]) -> (out: {acc}) {{
      i = range({n}, reduce)
      out = sum(cast<{acc}>(x[i]) * cast<{acc}>(y[i]), i) }}""", library)
    assert any("vrmpy" in note for note in opt.notes), opt.notes
