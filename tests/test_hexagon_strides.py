"""Accesses that do not walk the lanes forwards one element at a time, by the general
lowering (`rows.py`, `permute.py`, `accumulate.py`, `remat.py`): mirrored and backward-strided
reads (`x[n - 1 - i]`), long reductions over a range memory walks a row at a time (column
sums, odd matrix products: the lanes are the store's), packed channels with many constants.
Each is compiled by our selection (not LLVM's fallback), run on QEMU and checked against the
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


@pytest.mark.parametrize("t, acc, h, w", [("u8", "u32", 300, 70), ("i16", "i32", 40, 131), ("u8", "u16", 50, 200),
                                          ("i32", "i32", 45, 33), ("i8", "i16", 37, 129),
                                          ("i8", "i32", 40, 260)])
def test_column_sums(t, acc, h, w, library):
    """`out[j] = sum(x[r, j], r)`: the lanes are j (the store's and the read's unit stride),
    the loop runs over r with the row's blocks in accumulators (accumulate.py)."""
    opt = _ours_checked(f"""kernel k(x: {t}[{h}, {w}]) -> (out: {acc}[{w}]) {{
      j = range({w}); r = range({h}, reduce)
      out[j] = sum(cast<{acc}>(x[r, j]), r) }}""", library)
    assert "as the loop" in " ".join(opt.notes)


@pytest.mark.parametrize("h, w", [(60, 70), (64, 300)])
def test_column_means(h, w, library):
    """A lane-wise term after the accumulated sum: its shift and narrowing in the epilogue."""
    _ours_checked(f"""kernel k(x: u8[{h}, {w}]) -> (out: u8[{w}]) {{
      j = range({w}); r = range({h}, reduce)
      out[j] = cast<u8>(sum(cast<u16>(x[r, j]), r) >> 6) }}""", library)


@pytest.mark.parametrize("t, kind, h, w", [("u8", "reduce_min", 77, 131), ("i16", "reduce_max", 50, 60),
                                           ("i32", "reduce_max", 40, 20), ("i8", "reduce_min", 33, 300)])
def test_column_extrema_with_a_bias(t, kind, h, w, library):
    """A column min / max and a lane-wise term after it, whose read is outside the reduction."""
    _ours_checked(f"""kernel k(x: {t}[{h}, {w}], b: {t}[{w}]) -> (out: {t}[{w}]) {{
      j = range({w}); r = range({h}, reduce)
      out[j] = max({kind}(x[r, j], r), b[j]) }}""", library)


@pytest.mark.parametrize("t, w, m, n, kk", [("i16", "i32", 7, 5, 129), ("i16", "i32", 3, 70, 40),
                                            ("u8", "u16", 2, 47, 65), ("i16", "i32", 9, 30, 40)])
def test_odd_matrix_products(t, w, m, n, kk, library):
    """`c[i, j] = sum(a[i, k] * b[k, j], k)` with k longer than an unrolled reduction: the
    lanes are j; where every row's accumulators fit, the loop runs over k (a's elements
    splatted, b's rows vectors), else over the rows i with k unrolled in the body."""
    _ours_checked(f"""kernel k(a: {t}[{m}, {kk}], b: {t}[{kk}, {n}]) -> (c: {w}[{m}, {n}]) {{
      i = range({m}); j = range({n}); k = range({kk}, reduce)
      c[i, j] = sum(cast<{w}>(a[i, k]) * cast<{w}>(b[k, j]), k) }}""", library)


@pytest.mark.parametrize("t, w, m, n, kk", [("u8", "u32", 33, 47, 65), ("i8", "i32", 5, 20, 50)])
def test_byte_matrix_products_into_words(t, w, m, n, kk, library):
    """Bytes into words: the expansion rules' widening product, widened again, accumulated
    in the rows' pair order and shuffled back once a row."""
    _ours_checked(f"""kernel k(a: {t}[{m}, {kk}], b: {t}[{kk}, {n}]) -> (c: {w}[{m}, {n}]) {{
      i = range({m}); j = range({n}); k = range({kk}, reduce)
      c[i, j] = sum(cast<{w}>(a[i, k]) * cast<{w}>(b[k, j]), k) }}""", library)


@pytest.mark.parametrize("t, h, w", [("u8", 48, 100), ("u8", 3, 129), ("u16", 5, 70)])
def test_packed_colour_conversion(t, h, w, library):
    """Three channels a pixel (a stride-3 gather) into three planes by nine coefficients,
    three offsets: more scalar constants than the loop keeps in registers, so some are set
    where they are read (remat.py)."""
    cs = [(66, 129, 25, 16), (-38, -74, 112, 128), (112, -94, -18, 128)]
    body = "\n".join(f"p{n}[y, x] = cast<{t}>((cast<i32>(rgb[y, x, 0]) * {a} + cast<i32>(rgb[y, x, 1]) * {b} + "
                     f"cast<i32>(rgb[y, x, 2]) * {c} + 128 >> 8) + {d})" for n, (a, b, c, d) in enumerate(cs))
    _ours_checked(f"""kernel k(rgb: {t}[{h}, {w}, 3]) -> (p0: {t}[{h}, {w}], p1: {t}[{h}, {w}], p2: {t}[{h}, {w}]) {{
      y = range({h}); x = range({w})
      {body} }}""", library)
