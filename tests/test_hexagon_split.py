"""Index division in the general HVX lowering (`backends/hexagon/split.py`): ranges split by
the divisors of their indices (`x / 2`, `(i + 1) / 2`, `i % 4`), the lane range's remainders
stored interleaved by `vshuff`. The rewrite is checked against the reference interpreter on
its own; the kernels are compiled by our selection, run on QEMU and checked. Sizes are off the
vector grid on purpose (tails, rows narrower than a block, odd heights)."""
from __future__ import annotations

import numpy as np
import pytest

from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.split import split_divided_ranges
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.pipeline import Options, optimize
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by

qemu = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


from tests.test_hexagon_rows import _ours_checked, library  # noqa: E402,F401 (the shared check; the fixture)


@pytest.mark.parametrize("text", [
    """kernel k(inp: u8[3, 5]) -> (out: u8[6, 10]) {
      y = range(6); x = range(10)
      out[y, x] = inp[y / 2, x / 2] }""",
    """kernel k(x: i16[13]) -> (y: i16[24]) {
      i = range(24)
      y[i] = x[i / 2] + x[(i + 1) / 2] - x[(i + 3) / 4] }""",
    """kernel k(x: i32[6], w: i32[4]) -> (y: i32[24]) {
      i = range(24)
      y[i] = x[i / 4] * w[i % 4] + x[(i / 2) / 2] }""",
    """kernel k(inp: u8[5, 7]) -> (out: u8[10, 7]) {
      y = range(10); x = range(7)
      out[y, x] = inp[y / 2, x] + inp[(y + 1) / 2 % 5, 6 - x] }""",
])
def test_the_split_is_the_same_kernel(text):
    """The rewrite leaves no division or remainder in an index, and the split kernel computes
    what the kernel does (nested divisions take a second round; a remainder of a split range
    is a constant)."""
    k = parse_kernels(text)[0]
    split = split_divided_ranges(k)
    assert not any(n.op in ("div", "mod") for st in split.stores for n in st.toposort())
    assert len(split.stores) > len(k.stores)
    inputs = random_inputs(k, 1)
    want, got = run_reference(k, inputs), run_reference(split, inputs)
    for name in want:
        assert np.array_equal(want[name], got[name]), name


@pytest.mark.parametrize("index, why", [
    ("x[(i - 1) / 2]", "may be negative"),
    ("x[i / 3]", "not a multiple of 3"),
])
def test_the_split_refuses_what_it_cannot_make_exact(index, why):
    """A dividend that may be negative (division truncates toward zero: not the split's
    floor) and a range its divisor does not divide are refused by name."""
    k = parse_kernels(f"""kernel k(x: u8[64]) -> (y: u8[64]) {{
      i = range(64)
      y[i] = {index} }}""")[0]
    with pytest.raises(HexagonUnsupported, match=why):
        split_divided_ranges(k)


@qemu
@pytest.mark.parametrize("t, d, h, w", [("u8", 2, 32, 64), ("u8", 2, 5, 100), ("u8", 4, 3, 50),
                                        ("i16", 2, 3, 70), ("i16", 4, 3, 33), ("i32", 2, 7, 45), ("i32", 4, 2, 20)])
def test_nearest_upsampling(t, d, h, w, library):
    """`out[y, x] = inp[y / d, x / d]`: the row remainders are stores d rows apart (sharing
    the loads), the lane remainders d vectors merged by vshuff rounds."""
    opt = _ours_checked(f"""kernel k(inp: {t}[{h}, {w}]) -> (out: {t}[{d * h}, {d * w}]) {{
      y = range({d * h}); x = range({d * w})
      out[y, x] = inp[y / {d}, x / {d}] }}""", library)
    assert any("interleaved by vshuff" in n for n in opt.notes), opt.notes
    assert "vshuff(" in opt.text("asm")


@qemu
@pytest.mark.parametrize("t, wide, n", [("u8", "u16", 4096), ("u8", "u16", 300), ("i16", "i32", 150), ("u16", "u32", 77)])
def test_linear_upsampling(t, wide, n, library):
    """`y[i] = (x[i / 2] + x[(i + 1) / 2] + 1) >> 1`: the even outputs copy, the odd ones
    average the neighbours (one read off the grid), interleaved. At unsigned types the
    average written with unsigned widening is `vavg:rnd` (rules/hexagon.rules), and the even
    outputs' `(x + x + 1) >> 1` is x (rules/bitwise.rules)."""
    opt = _ours_checked(f"""kernel k(x: {t}[{n + 1}]) -> (y: {t}[{2 * n}]) {{
      i = range({2 * n})
      y[i] = cast<{t}>((cast<{wide}>(x[i / 2]) + cast<{wide}>(x[(i + 1) / 2]) + 1) >> 1) }}""", library)
    asm = opt.text("asm")
    if t.startswith("u"):
        assert "):rnd" in asm and "vzxt(" not in asm


@qemu
@pytest.mark.parametrize("t, wide, n", [("u8", "u16", 130), ("i16", "i32", 100), ("i32", "i32", 40)])
def test_linear_4x_by_weights_of_the_remainder(t, wide, n, library):
    """4x linear interpolation with the weights read at `i % 4`: each remainder's weights are
    one element (splatted), its value a weighted sum of two neighbours."""
    _ours_checked(f"""kernel k(x: {t}[{n + 1}], w: {wide}[4]) -> (y: {t}[{4 * n}]) {{
      i = range({4 * n})
      y[i] = cast<{t}>((cast<{wide}>(x[i / 4]) * w[i % 4] + cast<{wide}>(x[i / 4 + 1]) * w[3 - i % 4]) >> 2) }}""",
                  library)


@qemu
@pytest.mark.parametrize("t, d, n", [("u8", 4, 1000), ("i16", 2, 257), ("i32", 4, 70)])
def test_one_dimensional_repeats(t, d, n, library):
    """`out[i] = x[i / d]` over one range: blocks of the input, d interleaved output vectors."""
    _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {t}[{d * n}]) {{
      i = range({d * n})
      out[i] = x[i / {d}] }}""", library)


@qemu
@pytest.mark.parametrize("t, h, w", [("u8", 5, 100), ("i16", 3, 64), ("u8", 7, 300)])
def test_rows_only_split(t, h, w, library):
    """`out[y, x] = inp[y / 2, x]`: only the rows are split; each input row is stored twice."""
    _ours_checked(f"""kernel k(inp: {t}[{h}, {w}]) -> (out: {t}[{2 * h}, {w}]) {{
      y = range({2 * h}); x = range({w})
      out[y, x] = inp[y / 2, x] }}""", library)


@qemu
@pytest.mark.parametrize("t, h, w", [("u8", 5, 100), ("i16", 3, 70), ("i32", 4, 33)])
def test_columns_only_split(t, h, w, library):
    """`out[y, x] = inp[y, x / 2]`: the rows of both buffers stay contiguous over the split
    lane range, so they join it into one run of lanes (no row loop)."""
    _ours_checked(f"""kernel k(inp: {t}[{h}, {w}]) -> (out: {t}[{h}, {2 * w}]) {{
      y = range({h}); x = range({2 * w})
      out[y, x] = inp[y, x / 2] }}""", library)


@qemu
def test_what_the_split_cannot_cover_falls_back_by_name(library):
    """A divisor of 9 on the lanes would interleave nine stores: not a power of two, which
    vshuff (pairs) interleaves, and more than a gather (permute.py) takes: refused by name,
    and LLVM's code runs. (A divisor of 3 is a gather: tests/test_hexagon_permute.py.)"""
    k = parse_kernels("""kernel k(x: u8[100]) -> (out: u8[900]) {
      i = range(900)
      out[i] = x[i / 9] }""")[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="list"))
    assert made_by(opt.code) != OURS
    assert any("vshuff interleaves pairs" in n for n in opt.notes), opt.notes
