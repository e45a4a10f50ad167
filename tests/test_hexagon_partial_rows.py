"""Rows narrower than a block at a buffer's end: a block of the narrowest type's lanes holds
more lanes than the row, so the wider operands' vectors past the row's stored lanes are never
read (they would lie past the buffer, beyond its one vector of padding), nor the high vector of
a stride-2 pair whose even or odd lanes all come from the low one."""
import pytest

from rewriter.runtime.hexagon import find_toolchain
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (the module fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.mark.parametrize("rows, width, wide", [(200, 64, "i32"), (37, 40, "i32"), (9, 100, "i16"), (50, 33, "i32")])
def test_wide_rows_narrowed_to_bytes(rows, width, wide, library):
    """Channels-last bias + ReLU + requantize: words in, bytes out, rows of `width` lanes."""
    _ours_checked(f"""kernel k(acc: {wide}[{rows}, {width}], bias: {wide}[{width}]) -> (out: u8[{rows}, {width}]) {{
      p = range({rows}); c = range({width})
      out[p, c] = cast<u8>(min(max((acc[p, c] + bias[c]) >> 4, 0), 255)) }}""", library)


@pytest.mark.parametrize("t, ch, h, w", [("i16", 8, 20, 31), ("u8", 3, 10, 50), ("i32", 2, 6, 15)])
def test_stride_two_pooling_of_narrow_rows(t, ch, h, w, library):
    """A rounded 2x2 average with stride 2, channels first, output rows narrower than a block."""
    _ours_checked(f"""kernel k(x: {t}[{ch}, {2 * h}, {2 * w}]) -> (out: {t}[{ch}, {h}, {w}]) {{
      c = range({ch}); y = range({h}); j = range({w})
      out[c, y, j] = cast<{t}>((cast<i32>(x[c, 2 * y, 2 * j]) + cast<i32>(x[c, 2 * y, 2 * j + 1])
                    + cast<i32>(x[c, 2 * y + 1, 2 * j]) + cast<i32>(x[c, 2 * y + 1, 2 * j + 1]) + 2) >> 2) }}""",
                  library)
