"""Long row reductions by one transposing tree (`backends/hexagon/rowtree.py`): each output
lane's row (longer than a block, not a power of two, or rows of any pitch) is reduced
lane-wise to one vector, and the rows' vectors to lanes by deal rounds, one store a chunk
of rows. Every kernel is compiled by our selection (not LLVM's fallback), run on QEMU and
checked against the reference interpreter; row counts and widths are off the vector grid
on purpose (partial last blocks, unaligned rows, partial chunks)."""
from __future__ import annotations

import pytest

from rewriter.backends.hexagon.driver import compile_hexagon
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime.hexagon import find_toolchain, run_on_qemu
from tests.test_hexagon_rows import _ours_checked, library  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


def _tree(opt) -> str:
    (note,) = [n for n in opt.notes if "transposing tree" in n]
    return note


def _gathered(opt) -> bool:
    """Whether short segments that are not a power of two went to the gathers (permute.py,
    tried first: 64 rows of 5 i32 take 40 packets that way against the tree's 163)."""
    return not any("transposing tree" in n for n in opt.notes)


@pytest.mark.parametrize("kind, t, acc, rows, w, pad", [
    ("sum", "u8", "u32", 64, 200, 0), ("sum", "i16", "i32", 17, 1000, 3), ("reduce_min", "i16", "i16", 3, 200, 0),
    ("reduce_max", "u8", "u8", 1, 1000, 5), ("reduce_max", "i32", "i32", 64, 5, 0), ("sum", "u16", "u32", 3, 1000, 0),
    ("reduce_min", "u8", "u8", 64, 5, 2), ("sum", "u8", "i16", 17, 200, 1), ("sum", "i8", "i32", 3, 64, 7),
    ("reduce_max", "i8", "i8", 17, 64, 1), ("sum", "i16", "i16", 64, 130, 1)])
def test_row_reductions_by_one_transposing_tree(kind, t, acc, rows, w, pad, library):
    """`out[r] = kind(x[r, j + pad], j)`: each row's blocks combined lane-wise (byte sums by
    vrmpy, a partial last block's lanes past the row set to the identity), then the rows'
    vectors dealt to one lane each; rows of `w + pad` elements (unaligned where pad > 0)."""
    body = f"cast<{acc}>(x[r, j + {pad}])" if acc != t else f"x[r, j + {pad}]"
    opt = _ours_checked(f"""kernel k(x: {t}[{rows}, {w + pad}]) -> (out: {acc}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = {kind}({body}, j) }}""", library)
    if rows == 1 or (w == 5 and _gathered(opt)):  # (one row: rows.py's vror tree; rows of 5: gathers)
        return
    asm = opt.text("asm")
    # (no vror tree: the only rotations are the partial stores', one per two predicated stores)
    assert "vdeal(" in asm and 2 * asm.count("vror(") == asm.count("if (q"), _tree(opt)
    assert ("vrmpy(" in asm) == (kind == "sum" and t in ("u8", "i8")), _tree(opt)
    assert ("vdmpy(" in asm) == (kind == "sum" and t == "i16"), _tree(opt)  # (two signed halves a word)


@pytest.mark.parametrize("c, rows, w", [(-5, 17, 200), (127, 3, 1000), (300, 64, 100)])
def test_weighted_sums_of_halves_regroup_onto_vdmpy(c, rows, w, library):
    """`sum(cast<i32>(x[r, j]) * c, j)` of signed halves: two lanes a word lane of
    `Vx.w += vdmpy(Vu.h, Rt.b)` (rules/hexagon-regroup.rules) where c fits Rt's byte;
    otherwise widened and multiplied lane-wise, then the same tree."""
    opt = _ours_checked(f"""kernel k(x: i16[{rows}, {w}]) -> (out: i32[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = sum(cast<i32>(x[r, j]) * {c}, j) }}""", library)
    assert ("vdmpy(" in opt.text("asm")) == (-128 <= c <= 127), _tree(opt)


@pytest.mark.parametrize("rows, w", [(64, 200), (17, 130), (3, 100)])
def test_row_means_divide_the_dealt_sums(rows, w, library):
    """rowmean: the division by the row length (a proven reciprocal multiply) and the
    narrowing cast are lane-wise on the dealt sums, one store for the chunk's rows."""
    opt = _ours_checked(f"""kernel k(x: u8[{rows}, {w}]) -> (out: u8[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = cast<u8>(sum(cast<u32>(x[r, j]), j) / {w}) }}""", library)
    assert "vrmpy" in _tree(opt)


@pytest.mark.parametrize("t, rows, w", [("i32", 17, 5), ("i16", 64, 200), ("u8", 3, 1000)])
def test_values_beside_the_tree_read_a_vector_of_rows(t, rows, w, library):
    """A per-row element beside the reduction (`c[r]`) is read as the output lanes are, a
    vector for the chunk's rows (only as many vectors as the chunk's lanes need)."""
    _ours_checked(f"""kernel k(x: u8[{rows}, {w}], c: {t}[{rows}]) -> (out: {t}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = cast<{t}>(reduce_max(x[r, j], j)) + c[r] }}""", library)


@pytest.mark.parametrize("t, acc, b, rows, w, pitch", [
    ("u8", "i32", 2, 17, 200, 17), ("i16", "i16", 3, 5, 130, 6), ("u8", "u8", 2, 64, 5, 64),
    ("i16", "i32", 2, 3, 1000, 4)])
def test_two_row_ranges(t, acc, b, rows, w, pitch, library):
    """`out[b, r]`: where the output rows are contiguous (pitch == rows) the row ranges
    and the lanes are one sequence in chunks; otherwise the loop runs over b, each row's
    lanes in chunks."""
    kind = "sum" if acc != t else "reduce_min"
    body = f"cast<{acc}>(x[b, r, j])" if acc != t else "x[b, r, j]"
    opt = _ours_checked(f"""kernel k(x: {t}[{b}, {rows}, {w + 1}]) -> (out: {acc}[{b}, {pitch}]) {{
      b = range({b}); r = range({rows}); j = range({w}, reduce)
      out[b, r] = {kind}({body}, j) }}""", library)
    if w == 5 and _gathered(opt):
        return
    assert ("a row over b" in _tree(opt)) == (pitch != rows), _tree(opt)


@pytest.mark.parametrize("a, v, rows, w", [("u8", "i8", 17, 200), ("i8", "i8", 3, 1000), ("u8", "u8", 64, 64)])
def test_matrix_vector_products_share_the_vector(a, v, rows, w, library):
    """A gemv: the vector's blocks do not move with the rows (loaded once a section), each
    row's blocks `+= vrmpy` against them, then the tree."""
    acc = "u32" if (a, v) == ("u8", "u8") else "i32"
    opt = _ours_checked(f"""kernel k(x: {a}[{rows}, {w}], v: {v}[{w}]) -> (out: {acc}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = sum(cast<{acc}>(x[r, j]) * cast<{acc}>(v[j]), j) }}""", library)
    assert "vrmpy(" in opt.text("asm"), _tree(opt)


@pytest.mark.parametrize("s", [3, 12])
def test_segments_that_are_not_powers_of_two(s, library):
    """A segment of 3 or 12 lanes (the deal rounds of segments.py halve powers of two): the
    gathers (permute.py) where they cover it, else each output lane's segment its own vector,
    then the tree."""
    (_ours_checked(f"""kernel k(x: u8[2, {8 * s}]) -> (out: i32[2, 8]) {{
      y = range(2); g = range(8); j = range({s}, reduce)
      out[y, g] = sum(cast<i32>(x[y, g * {s} + j]), j) }}""", library))


@pytest.mark.parametrize("t, rows, w", [("u8", 300, 200), ("i16", 150, 100)])
def test_many_rows_loop_over_chunks_with_a_tail(t, rows, w, library):
    """More rows than a chunk: the loop runs over chunks of rows (unrolled by 2 here), the
    chunks left by the unrolling and a partial last chunk in the epilogue."""
    text = f"""kernel k(x: {t}[{rows}, {w}]) -> (out: {t}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = reduce_max(x[r, j], j) }}"""
    kernel = parse_kernels(text)[0]
    code = compile_hexagon(kernel, library, unroll=2, rotate=False, scheduler="list")
    inputs = random_inputs(kernel, 3)
    assert check_against_reference(kernel, run_on_qemu(kernel, code.asm, inputs).outputs, inputs) == []
    (note,) = [n for n in code.notes if "transposing tree" in n]
    assert "iteration(s) of 2 x" in note and "in the epilogue" in note, note


def test_what_the_tree_cannot_cover_is_the_lane_reduction(library, monkeypatch):
    """Where the tree refuses (here: a chunk may read at most one block, a row takes two),
    rows.py's lane reduction covers the nest instead: j the lanes, a vror tree a row."""
    from rewriter.backends.hexagon import rowtree

    monkeypatch.setattr(rowtree, "MAX_CHUNK_BLOCKS", 1)
    opt = _ours_checked("""kernel k(x: u8[5, 200]) -> (out: u32[5]) {
      r = range(5); j = range(200, reduce)
      out[r] = sum(cast<u32>(x[r, j]), j) }""", library)
    assert not [n for n in opt.notes if "transposing tree" in n]
    assert any("vror tree" in n for n in opt.notes), opt.notes
