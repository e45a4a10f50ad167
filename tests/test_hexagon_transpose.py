"""Transposes on HVX (`backends/hexagon/transpose.py`): `out[i, j] = f(inp[j, i])` at 1-, 2- and
4-byte elements, compiled by our selection (not LLVM's fallback), run on QEMU and checked
against the reference interpreter. Sizes are off the tile grid on purpose: a last block of
columns or rows that overlaps the one before, fewer input rows than a vector has lanes (rows
stored over the rows after them, the last ones predicated), fewer columns than lanes, row
pitches and offsets that leave the rows unaligned, and lane-wise ops of the transposed read."""
from __future__ import annotations

import pytest

from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by
from tests.test_hexagon_rows import _ours_checked as _checked
from tests.test_hexagon_rows import library  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


def _ours_checked(text: str, library, seed: int = 5):
    """test_hexagon_rows' check (ours, on QEMU, against the reference), and the transpose's
    own: a transpose of few rows (three words a lane) is a compile-time gather (permute.py)
    now; every other one is the shuffle network."""
    opt = _checked(text, library, seed)
    if not any("gather" in n for n in opt.notes):
        assert any("a transpose of" in n for n in opt.notes), opt.notes
        assert "vshuff(" in opt.text("asm")
    return opt


@pytest.mark.parametrize("t, rows, cols", [
    ("u8", 33, 130),   # 130 x 33 out: 33 input rows of 128 lanes (spilled rows), a last column block overlapping
    ("i16", 40, 72),   # fewer rows than the 64 lanes, 72 columns: one block and an overlapping one
    ("i16", 20, 128),  # two whole column blocks, the loop over them; the last block's rows predicated
    ("i32", 40, 45),   # two row tiles (the second overlapping), 45 columns
    ("i32", 37, 20),   # fewer columns than lanes: the vectors for the missing ones never computed
    ("i16", 20, 30),   # both sides shorter than a vector: straight-line code, no loop
    ("u8", 5, 7),
    ("i32", 3, 100),   # three rows: three iterations of output rows of 12 bytes, the last block predicated
])
def test_transpose_off_the_grid(t, rows, cols, library):
    _ours_checked(f"""kernel k(inp: {t}[{rows}, {cols}]) -> (out: {t}[{cols}, {rows}]) {{
      i = range({cols}); j = range({rows})
      out[i, j] = inp[j, i] }}""", library)


@pytest.mark.parametrize("t, w, expr", [
    ("i16", "i16", "inp[j, i] + 1"),
    ("u8", "i16", "cast<i16>(inp[j, i]) - 5"),   # widened: two output vectors a row segment
    ("i32", "i32", "max(inp[j, i], 0) * 3"),
])
def test_transpose_with_lane_wise_ops(t, w, expr, library):
    """The network moves the read; the op runs on each output row segment."""
    _ours_checked(f"""kernel k(inp: {t}[35, 70]) -> (out: {w}[70, 35]) {{
      i = range(70); j = range(35)
      out[i, j] = {expr} }}""", library)


def test_transpose_of_unaligned_rows(library):
    """Input rows 75 elements apart, read from column 3: every row load is `vmemu`."""
    _ours_checked("""kernel k(inp: i16[40, 75]) -> (out: i16[70, 40]) {
      i = range(70); j = range(40)
      out[i, j] = inp[j, i + 3] }""", library)


def test_two_transposed_reads_fall_back(library):
    """Two transposed reads are not covered (one network per read): the LLVM code runs, and
    is right."""
    text = """kernel k(a: i16[40, 72], b: i16[40, 72]) -> (out: i16[72, 40]) {
      i = range(72); j = range(40)
      out[i, j] = a[j, i] + b[j, i] }"""
    k = parse_kernels(text)[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) != OURS
    inputs = random_inputs(k, 3)
    assert not check_against_reference(k, load(opt)(inputs), inputs)
