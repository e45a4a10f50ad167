"""Accesses that do not walk the lanes forwards one element at a time, by the general
lowering (`rows.py`, `permute.py`): mirrored reads (`x[n - 1 - i]`, a negative stride), each
compiled by our selection (not LLVM's fallback), run on QEMU and checked against the
reference interpreter. Sizes are off the vector grid on purpose: a tail block that overlaps
the one before, rows narrower than a block (the lanes past the row would read below it)."""
from __future__ import annotations

import pytest

from rewriter.runtime.hexagon import find_toolchain
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.mark.parametrize("t, n", [("u8", 333), ("i16", 100), ("i32", 77), ("u8", 40)])
def test_reversed_signal(t, n, library):
    """`out[i] = x[n - 1 - i] + 1`: each block's vector read where its lowest lane is, its
    lanes reversed by one delta pass (permute.py)."""
    opt = _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = x[{n - 1} - i] + 1 }}""", library)
    assert "delta(" in opt.text("asm")


@pytest.mark.parametrize("t, n, s", [("u8", 200, 3), ("i16", 90, 2), ("u8", 150, 5), ("i32", 50, 3)])
def test_backward_strides(t, n, s, library):
    """`x[c - s*i]`: s source vectors gathered, walked backwards."""
    _ours_checked(f"""kernel k(x: {t}[{s * n + 7}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = x[{s * (n - 1) + 3} - {s} * i] }}""", library)


@pytest.mark.parametrize("t, h, w", [("u8", 5, 200), ("i16", 3, 50), ("i32", 4, 45), ("u16", 2, 130)])
def test_mirrored_rows(t, h, w, library):
    """A horizontal mirror of rows of any pitch (a row narrower than a block reads only its
    own lanes), beside a forward read of another buffer."""
    _ours_checked(f"""kernel k(x: {t}[{h}, {w}], y: {t}[{h}, {w}]) -> (out: {t}[{h}, {w}]) {{
      r = range({h}); j = range({w})
      out[r, j] = max(x[r, {w - 1} - j], y[r, j]) }}""", library)


@pytest.mark.parametrize("t, h, w", [("u8", 6, 70), ("i16", 4, 33)])
def test_rotated_half_turn(t, h, w, library):
    """Rows and columns both reversed: the whole image walked backwards as one lane range."""
    _ours_checked(f"""kernel k(x: {t}[{h}, {w}]) -> (out: {t}[{h}, {w}]) {{
      r = range({h}); j = range({w})
      out[r, j] = x[{h - 1} - r, {w - 1} - j] }}""", library)
