"""Segmented lane reductions of the general HVX lowering (`backends/hexagon/segments.py`):
each output lane reduces a segment of S consecutive input lanes (`x[.., g * S + j]`), by
vrmpy or lane-wise combination over the other reduced ranges, then vdeal rounds. Each kernel
is compiled by our selection (not LLVM's fallback), run on QEMU and checked against the
reference interpreter; sizes are off the vector grid on purpose (partial chunks, unaligned
rows, rows whose lanes do not fill a block)."""
from __future__ import annotations

import pytest

from rewriter.backends.hexagon.driver import compile_hexagon
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime.hexagon import find_toolchain, run_on_qemu
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


def _bits(t: str) -> int:
    return int(t.lstrip("iu"))


def _segments(opt) -> str:
    (note,) = [n for n in opt.notes if "segments of" in n]
    return note


@pytest.mark.parametrize("s, acc, rows, groups, pitch", [(4, "i32", 3, 37, 150), (8, "i32", 5, 16, 130),
                                                         (16, "u32", 2, 21, 341), (32, "i32", 3, 9, 300)])
def test_byte_sums_of_segments_regroup_onto_vrmpy(s, acc, rows, groups, pitch, library):
    """`out[y, g] = sum(cast(x[y, g * S + j]), j)`: words of four-lane sums by vrmpy against
    ones, then log2(S / 4) deal rounds; rows of `pitch` bytes (unaligned), a row's lanes a
    partial block."""
    opt = _ours_checked(f"""kernel k(x: u8[{rows}, {pitch}]) -> (out: {acc}[{rows}, {groups}]) {{
      y = range({rows}); g = range({groups}); j = range({s}, reduce)
      out[y, g] = sum(cast<{acc}>(x[y, g * {s} + j + 1]), j) }}""", library)
    asm = opt.text("asm")
    assert "+= vrmpy(" in asm and ("vdeal(" in asm) == (s > 4), _segments(opt)


@pytest.mark.parametrize("kind, t, acc, s, rows, groups", [("sum", "i16", "i16", 8, 3, 12), ("reduce_max", "u8", "u8", 16, 2, 18),
                                                           ("sum", "i8", "i16", 16, 3, 17), ("sum", "u8", "u16", 8, 2, 40),
                                                           ("reduce_min", "i16", "i16", 4, 4, 17), ("sum", "i16", "i32", 16, 2, 18),
                                                           ("reduce_max", "i8", "i8", 32, 3, 5)])
def test_segments_of_any_type_and_reduction(kind, t, acc, s, rows, groups, library):
    """Sums, maxima and minima at bytes and halves (widened or not): the body combined at
    its own width, log2(S) deal rounds of the reduction's row."""
    body = f"cast<{acc}>(x[y, g * {s} + j])" if acc != t else f"x[y, g * {s} + j]"
    opt = _ours_checked(f"""kernel k(x: {t}[{rows}, {groups * s + 3}]) -> (out: {acc}[{rows}, {groups}]) {{
      y = range({rows}); g = range({groups}); j = range({s}, reduce)
      out[y, g] = {kind}({body}, j) }}""", library)
    words = kind == "sum" and _bits(t) == 8  # (byte sums below 32 bits accumulate in words: vrmpy)
    assert f"{(s // 4 if words else s).bit_length() - 1} vdeal round(s)" in _segments(opt)


@pytest.mark.parametrize("b, h, w", [(16, 4, 8), (8, 3, 5), (4, 4, 32), (8, 2, 16)])
def test_sums_of_absolute_differences_of_blocks(b, h, w, library):
    """SAD of BxB blocks (motion estimation): |a - b| of bytes is vabsdiff widened (rule
    hvx-absdiff-ub-w), so the block rows' sums are vrmpy against ones; the rows of a block
    are positions. Images two bytes wider than the blocks (rows unaligned)."""
    opt = _ours_checked(f"""kernel k(a: u8[{h * b}, {w * b + 2}], c: u8[{h * b}, {w * b + 2}]) -> (out: i32[{h}, {w}]) {{
      by = range({h}); bx = range({w}); dy = range({b}, reduce); dx = range({b}, reduce)
      out[by, bx] = sum(abs(cast<i32>(a[by * {b} + dy, bx * {b} + dx]) - cast<i32>(c[by * {b} + dy, bx * {b} + dx])), dy, dx) }}""",
                        library)
    asm = opt.text("asm")
    assert "vabsdiff(" in asm and "+= vrmpy(" in asm, _segments(opt)


@pytest.mark.parametrize("t, s, rows, groups", [("i16", 16, 6, 8), ("u8", 8, 4, 32)])
def test_contiguous_output_rows_are_dealt_and_stored_together(t, s, rows, groups, library):
    """Rows whose input lanes fill whole blocks and whose output rows are contiguous: the
    unrolled rows' vectors pair in the same deal rounds, one store for them all."""
    text = f"""kernel k(x: {t}[{rows}, {groups * s + 5}]) -> (out: {t}[{rows}, {groups}]) {{
      y = range({rows}); g = range({groups}); j = range({s}, reduce)
      out[y, g] = reduce_min(x[y, g * {s} + j + 5], j) }}"""
    _ours_checked(text, library)
    kernel = parse_kernels(text)[0]
    code = compile_hexagon(kernel, library, unroll=2, rotate=False, scheduler="list")
    inputs = random_inputs(kernel, 3)
    assert check_against_reference(kernel, run_on_qemu(kernel, code.asm, inputs).outputs, inputs) == []
    assert "the 2 unrolled rows' lanes dealt and stored together" in _segments(code)


@pytest.mark.parametrize("t, acc, n, s", [("u8", "u8", 2048, 16), ("i16", "i32", 187, 16), ("u8", "u8", 128, 64)])
def test_one_long_row_loops_over_chunks(t, acc, n, s, library):
    """No outer range: the loop runs over chunks of a block of output lanes, what is left
    (a partial chunk) in the epilogue; a segment of 64 lanes (more terms than unroll) too."""
    kind = "reduce_max" if acc == t else "sum"
    body = f"cast<{acc}>(x[g * {s} + j + 2])" if acc != t else f"x[g * {s} + j]"
    opt = _ours_checked(f"""kernel k(x: {t}[{n * s + 2}]) -> (out: {acc}[{n}]) {{
      g = range({n}); j = range({s}, reduce)
      out[g] = {kind}({body}, j) }}""", library)
    assert "segments of" in _segments(opt)


def test_values_around_the_reduction(library):
    """The rest of the value is lane-wise over the output lanes: a per-row element added
    (splatted), a mean by a proven reciprocal multiply (the reduction's range known), a
    shift and a narrowing cast; a weight per position of the other reduced range (vrmpy
    against a splatted weight)."""
    _ours_checked("""kernel k(x: u8[5, 130], c: i32[5]) -> (out: i32[5, 16]) {
      y = range(5); g = range(16); j = range(8, reduce)
      out[y, g] = sum(cast<i32>(x[y, g * 8 + j]), j) + c[y] }""", library)
    _ours_checked("""kernel k(x: u8[4, 99]) -> (out: u8[4, 6]) {
      y = range(4); g = range(6); j = range(16, reduce)
      out[y, g] = cast<u8>(sum(cast<u32>(x[y, g * 16 + j]), j) / 9) }""", library)
    opt = _ours_checked("""kernel k(x: u8[12, 100]) -> (out: u8[3, 25]) {
      y = range(3); g = range(25); dy = range(4, reduce); j = range(4, reduce)
      out[y, g] = cast<u8>(sum(cast<u16>(x[y * 4 + dy, g * 4 + j]), dy, j) >> 4) }""", library)
    assert "vrmpy" in _segments(opt)  # (a u16 sum accumulated in words: hvx-widen-twice-*)
    _ours_checked("""kernel k(x: u8[12, 140], w: i8[4]) -> (out: i32[3, 33]) {
      y = range(3); g = range(33); dy = range(4, reduce); j = range(4, reduce)
      out[y, g] = sum(cast<i32>(x[y * 4 + dy, g * 4 + j]) * cast<i32>(w[dy]), dy, j) }""", library)


def test_every_other_element_and_signed_bytes(library):
    """A segment read every other element (`vpacke`/`vpacko` of two vectors), and SAD of
    signed bytes (no vabsdiff rule: widened lane-wise, then the rounds)."""
    _ours_checked("""kernel k(x: u8[3, 600]) -> (out: i32[3, 17]) {
      y = range(3); g = range(17); j = range(16, reduce)
      out[y, g] = sum(cast<i32>(x[y, g * 32 + j * 2 + 1]), j) }""", library)
    _ours_checked("""kernel k(a: i8[16, 64], b: i8[16, 64]) -> (out: i32[2, 8]) {
      by = range(2); bx = range(8); dy = range(8, reduce); dx = range(8, reduce)
      out[by, bx] = sum(abs(cast<i32>(a[by * 8 + dy, bx * 8 + dx]) - cast<i32>(b[by * 8 + dy, bx * 8 + dx])), dy, dx) }""",
                  library)


@pytest.mark.parametrize("text", [
    """kernel k(x: i8[3, 200]) -> (out: i32[3, 24]) {
      y = range(3); g = range(24); j = range(8, reduce)
      out[y, g] = sum(cast<i32>(x[y, g * 8 + j]), j) }""",
    """kernel k(a: u8[4, 260], b: i8[4, 260]) -> (out: i32[4, 16]) {
      y = range(4); g = range(16); j = range(16, reduce)
      out[y, g] = sum(cast<i32>(a[y, g * 16 + j]) * cast<i32>(b[y, g * 16 + j + 3]), j) }""",
    """kernel k(x: u8[4, 3, 70]) -> (out: i32[3, 4, 8]) {
      c = range(3); y = range(4); g = range(8); j = range(8, reduce)
      out[c, y, g] = sum(cast<i32>(x[y, c, g * 8 + j]), j) }""",
    """kernel k(x: u8[2, 3, 128]) -> (out: u8[2, 3, 8]) {
      b = range(2); y = range(3); g = range(8); j = range(16, reduce)
      out[b, y, g] = reduce_max(x[b, y, g * 16 + j], j) }"""])
def test_segments_in_other_nests(text, library):
    """Signed byte sums (vrmpy against a splatted ones vector: no scalar form), segment dot
    products of two moving images, an outer range that is not the row index (unrolled
    positions), two outer ranges fused into one row index."""
    assert "segments of" in _segments(_ours_checked(text, library))
