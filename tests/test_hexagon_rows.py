"""The general HVX lowering (`backends/hexagon/rows.py`): kernel families at sizes and types
that vary, each compiled by our selection (not LLVM's fallback), run on QEMU and checked
against the reference interpreter. Sizes are chosen off the vector grid on purpose: tails,
rows narrower or wider than a block, row pitches that leave the rows unaligned."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from rewriter.backends.hexagon.rows import MAX_INNER_POSITIONS
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _ours_checked(text: str, library, seed: int = 5):
    k = parse_kernels(text)[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    inputs = random_inputs(k, seed)
    assert not check_against_reference(k, load(opt)(inputs), inputs)
    return opt


@pytest.mark.parametrize("t, n", [("u8", 200), ("i8", 1000), ("i16", 257), ("u16", 64), ("i32", 333)])
def test_map_with_scalar_parameters_and_a_tail(t, n, library):
    """`lo`, `hi` are one element each (splatted once, in the prologue); n lanes end with a
    block that overlaps the one before."""
    _ours_checked(f"""kernel k(x: {t}[{n}], lo: {t}, hi: {t}) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = min(max(x[i], lo), hi) }}""", library)


@pytest.mark.parametrize("kk, h, w, pitch", [(2, 3, 128, 129), (3, 4, 150, 152), (5, 2, 200, 204), (3, 2, 256, 258)])
def test_window_sums_over_unaligned_rows(kk, h, w, pitch, library):
    """A KxK box filter: the rows are `pitch` bytes apart (no row is aligned but the first),
    the loop runs over output rows, each row's blocks unrolled, the last one overlapping."""
    _ours_checked(f"""kernel k(inp: u8[{h + kk - 1}, {pitch}]) -> (out: u8[{h}, {w}]) {{
      y = range({h}); x = range({w}); ky = range({kk}, reduce); kx = range({kk}, reduce)
      out[y, x] = cast<u8>(sum(cast<u16>(inp[y + ky, x + kx]), ky, kx) >> 3) }}""", library)


@pytest.mark.parametrize("t, w", [("u8", 128), ("i16", 96), ("u8", 160)])
def test_stride_two_pooling(t, w, library):
    """`inp[2y + dy, 2x + dx]`: two vectors per block, their even lanes (`vpacke`)."""
    _ours_checked(f"""kernel k(inp: {t}[6, {2 * w}]) -> (out: {t}[3, {w}]) {{
      y = range(3); x = range({w}); dy = range(2, reduce); dx = range(2, reduce)
      out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }}""", library)


@pytest.mark.parametrize("t, n", [("i32", 96), ("u32", 100)])
def test_word_products_by_the_expansion_rule(t, n, library):
    """No HVX instruction multiplies words: `hvx-mul-w` (rules/hexagon-expand.rules) makes
    it vmpyieo + vmpyie_acc."""
    opt = _ours_checked(f"""kernel k(a: {t}[{n}], b: {t}[{n}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = a[i] * b[i] + a[i] }}""", library)
    asm = opt.text("asm")
    assert "vmpyieo(" in asm and "+= vmpyie(" in asm


@pytest.mark.parametrize("a, b, w", [("i16", "i16", "i32"), ("u8", "u8", "u16"), ("u8", "i8", "i16"),
                                     ("i8", "i8", "i16"), ("u16", "u16", "u32"), ("u16", "i16", "i32")])
def test_widening_products(a, b, w, library):
    """`cast<W>(a) * cast<W>(b)`, W twice as wide: one widening vmpy a vector (its even and odd
    lanes in a pair) and a vshuff back to lane order; a 3-tap row filter by a weight vector."""
    opt = _ours_checked(f"""kernel k(x: {a}[2, 200], t: {b}[3]) -> (out: {w}[2, 190]) {{
      y = range(2); i = range(190); k = range(3, reduce)
      out[y, i] = sum(cast<{w}>(x[y, i + k]) * cast<{w}>(t[k]), k) }}""", library)
    assert "= vmpy(" in opt.text("asm")


@pytest.mark.parametrize("a, b, w, taps, n", [("i16", "i16", "i32", 9, 150), ("u8", "u8", "u16", 5, 300),
                                              ("i8", "i8", "i16", 12, 129), ("u16", "i16", "i32", 4, 70)])
def test_sums_of_widening_products_accumulate_then_shuffle_once(a, b, w, taps, n, library):
    """A sum of `taps` widening products accumulates in the multiply rows' even/odd lane
    order (`Vdd += vmpy(Vu, Vv)`, in independent chains) and takes one `vshuff` back to lane
    order per output vector, not one per product."""
    opt = _ours_checked(f"""kernel k(x: {a}[3, {n + taps}], t: {b}[{taps}]) -> (out: {w}[3, {n}]) {{
      y = range(3); i = range({n}); k = range({taps}, reduce)
      out[y, i] = sum(cast<{w}>(x[y, i + k]) * cast<{w}>(t[k]), k) + cast<{w}>(x[y, i]) }}""", library)
    asm = opt.text("asm")
    assert "+= vmpy(" in asm
    assert asm.count("vshuff(") < asm.count("vmpy(")


@pytest.mark.parametrize("acc_t, scale_t, out_t, rows, c, shift", [
    ("i32", "i16", "i8", 6, 128, 15), ("i32", "i16", "i8", 10, 96, 12), ("i32", "u8", "u8", 12, 200, 7),
    ("i16", "i8", "i8", 9, 64, 5)])
def test_per_channel_invariants_are_hoisted_out_of_the_loop(acc_t, scale_t, out_t, rows, c, shift, library):
    """`scale[c]` does not depend on the row: its vectors, extension and shuffles are loaded
    and computed once, before the loop (licm.py), however many rows the body unrolls; the
    clamp to the output's range is a saturating pack (hvx-vsat-* rules)."""
    lo, hi = (-128, 127) if out_t == "i8" else (0, 255)
    opt = _ours_checked(f"""kernel k(acc: {acc_t}[{rows}, {c}], scale: {scale_t}[{c}]) -> (out: {out_t}[{rows}, {c}]) {{
      y = range({rows}); ch = range({c})
      out[y, ch] = cast<{out_t}>(min(max((acc[y, ch] * cast<{acc_t}>(scale[ch]) + {1 << (shift - 1)}) >> {shift},
                                         {lo}), {hi})) }}""", library)
    assert any("hoisted to the prologue" in note for note in opt.notes), opt.notes


def test_per_row_scalars_and_two_stores(library):
    """`scale[y]` is one element a row (loaded and splatted each iteration); two stores over
    one nest share the loop and the loads."""
    _ours_checked("""kernel k(acc: i16[5, 70], scale: i16[5]) -> (lo: i16[5, 70], hi: i16[5, 70]) {
      y = range(5); c = range(70)
      lo[y, c] = min(acc[y, c], scale[y])
      hi[y, c] = max(acc[y, c] - scale[y], 0) }""", library)


@pytest.mark.parametrize("t, rows, w, pitch", [("u8", 4, 50, 64), ("i16", 3, 20, 33), ("u8", 1, 100, 101),
                                                ("i32", 5, 7, 9)])
def test_rows_narrower_than_a_block_store_only_their_lanes(t, rows, w, pitch, library):
    """A row of fewer lanes than a block: the block is computed whole and its first `w`
    lanes stored by two predicated stores (the row rotated into place); the bytes around
    each row keep what they held (the reference compares the whole output)."""
    opt = _ours_checked(f"""kernel k(x: {t}[{rows}, {pitch}]) -> (out: {t}[{rows}, {w}]) {{
      y = range({rows}); j = range({w})
      out[y, j] = x[y, j + 1] - x[y, j] }}""", library)
    assert "if (q" in opt.text("asm")


@pytest.mark.parametrize("w", [128, 200])
def test_a_temporary_read_where_written_is_computed_in_place(w, library):
    """unsharp's shape: `blur` is written and read at [y, x] only, so it is inlined."""
    _ours_checked(f"""kernel k(inp: u8[5, {w + 2}]) -> (out: u8[3, {w}]) {{
      y = range(3); x = range({w}); ky = range(3, reduce); kx = range(3, reduce)
      blur[y, x] = sum(cast<i16>(inp[y + ky, x + kx]), ky, kx) >> 3
      out[y, x] = cast<u8>(min(max(cast<i16>(inp[y + 1, x + 1]) * 2 - blur[y, x], 0), 255)) }}""", library)


@pytest.mark.parametrize("kind, t, acc, rows, w", [("sum", "i16", "i32", 3, 256), ("sum", "u8", "u32", 2, 300),
                                                  ("reduce_min", "i16", "i16", 4, 100), ("reduce_max", "u8", "u8", 1, 77),
                                                  ("sum", "i8", "i16", 5, 129)])
def test_long_reductions_along_rows(kind, t, acc, rows, w, library):
    """`out[r] = kind(x[r, j], j)` with j too long to unroll: each row's blocks accumulate
    (a partial last block's extra lanes set to the identity), the rows' vectors are dealt to
    lanes by one tree and stored together (rowtree.py; tests/test_hexagon_rowtree.py)."""
    body = f"cast<{acc}>(x[r, j])" if acc != t else "x[r, j]"
    _ours_checked(f"""kernel k(x: {t}[{rows}, {w + 3}]) -> (out: {acc}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = {kind}({body}, j) }}""", library)


@pytest.mark.parametrize("a, b, acc, rows, w", [("u8", "i8", "i32", 3, 256), ("u8", "i8", "i32", 2, 200),
                                                ("i8", "i8", "i32", 4, 130), ("u8", "u8", "u32", 2, 390)])
def test_byte_dot_products_along_rows_regroup_onto_vrmpy(a, b, acc, rows, w, library):
    """`out[r] = sum(cast(a[r, j]) * cast(v[j]), j)` (a gemv): four lanes at a time are one
    word lane of vrmpy (rules/hexagon.rules), so each 128-byte block is one `+= vrmpy`; a
    partial last block's bytes past the row are zeroed."""
    opt = _ours_checked(f"""kernel k(x: {a}[{rows}, {w + 5}], v: {b}[{w}]) -> (out: {acc}[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = sum(cast<{acc}>(x[r, j]) * cast<{acc}>(v[j]), j) }}""", library)
    assert "+= vrmpy(" in opt.text("asm")


@pytest.mark.parametrize("t, acc, n", [("u8", "i32", 1024), ("i8", "i32", 512), ("u8", "u32", 768)])
def test_byte_sums_regroup_onto_vrmpy_against_ones(t, acc, n, library):
    """A sum of bytes, four lanes at a time, is vrmpy against 0x01010101 (a splatted vector
    for signed bytes, which have no scalar form): one instruction per 128 bytes."""
    opt = _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {acc}) {{
      i = range({n}, reduce)
      out = sum(cast<{acc}>(x[i]), i) }}""", library)
    assert "+= vrmpy(" in opt.text("asm")


@pytest.mark.parametrize("k, d, pitch", [(3, 9, 140), (2, 3, 130), (3, 7, 129)])
def test_division_by_a_constant_is_a_proven_reciprocal_multiply(k, d, pitch, library):
    """`sum / d` at u16 (the sum's range, from the reduction, keeps it below 2^15): the
    expansion rule hvx-div-u16-const (proven divisor by divisor) makes it a multiply and a
    shift; HVX has no divide."""
    _ours_checked(f"""kernel k(inp: u8[{2 * 4 + k}, {pitch}]) -> (out: u8[4, 60]) {{
      y = range(4); x = range(60); dy = range({k}, reduce); dx = range({k}, reduce)
      out[y, x] = cast<u8>(sum(cast<u16>(inp[y * 2 + dy, x * 2 + dx]), dy, dx) / {d}) }}""", library)


@pytest.mark.parametrize("rows, w", [(3, 200), (2, 100), (4, 150)])
def test_row_means_divide_by_even_constants(rows, w, library):
    """`sum(cast<u32>(x[r, j]), j) / w`: an even divisor's twos first (a shift), then the
    reciprocal multiply on a dividend the reduction's range keeps below 2^15."""
    _ours_checked(f"""kernel k(x: u8[{rows}, {w}]) -> (out: u8[{rows}]) {{
      r = range({rows}); j = range({w}, reduce)
      out[r] = cast<u8>(sum(cast<u32>(x[r, j]), j) / {w}) }}""", library)


@pytest.mark.parametrize("a, b, acc, m, n, k", [("u8", "i8", "i32", 5, 128, 64), ("i8", "i8", "i32", 4, 64, 32),
                                                ("i8", "u8", "i32", 3, 96, 16), ("u8", "u8", "u32", 2, 256, 8),
                                                ("i16", "i16", "i32", 4, 64, 8), ("u8", "i8", "i32", 6, 32, 12)])
def test_matrix_products_of_any_shape_and_signedness(a, b, acc, m, n, k, library):
    """`c[i, j] = sum(cast(a[i, k]) * cast(b[k, j]), k)`: bytes by vrmpy on quads of b's rows
    (the rules pick which operand is the unsigned Vu), any M, N a multiple of 32 (two rows a
    vector at 64, blocks of 128 columns otherwise), K a multiple of 4; halves through the
    general lowering's widening products."""
    _ours_checked(f"""kernel k(a: {a}[{m}, {k}], b: {b}[{k}, {n}]) -> (c: {acc}[{m}, {n}]) {{
      i = range({m}); j = range({n}); r = range({k}, reduce)
      c[i, j] = sum(cast<{acc}>(a[i, r]) * cast<{acc}>(b[r, j]), r) }}""", library)


@pytest.mark.parametrize("img, wt, acc, taps, n", [("u8", "i8", "i32", 16, 1000), ("u8", "i8", "i32", 5, 300),
                                                   ("i8", "i8", "i32", 7, 256), ("u8", "u8", "u32", 3, 130),
                                                   ("u8", "i8", "i32", 2, 100)])
def test_fir_filters_regroup_their_taps_onto_vrmpy(img, wt, acc, taps, n, library):
    """`y[i] = sum(cast(x[i + k]) * cast(h[k]), k)`: taps by fours (a last group of 1-3
    zero-padded, rules/hexagon-regroup.rules), four byte shifts into four accumulators,
    vshuffs back to lane order; lengths off the block grid end with an overlapping block."""
    opt = _ours_checked(f"""kernel k(x: {img}[{n + taps - 1}], h: {wt}[{taps}]) -> (y: {acc}[{n}]) {{
      i = range({n}); k = range({taps}, reduce)
      y[i] = sum(cast<{acc}>(x[i + k]) * cast<{acc}>(h[k]), k) }}""", library)
    assert any("a window of" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("t, acc, ky, kx, h, w", [("u8", "i32", 5, 5, 3, 128), ("u8", "i32", 3, 3, 2, 100),
                                                 ("i8", "i32", 2, 7, 2, 200), ("u8", "u32", 4, 6, 3, 64)])
def test_box_sums_of_bytes_regroup_onto_vrmpy_against_ones(t, acc, ky, kx, h, w, library):
    """A box filter's sum of bytes is a product by the constant 1 per tap
    (hvx-regroup-*-1c): Rt = 0x01010101 (and zeros where a row's taps run out)."""
    opt = _ours_checked(f"""kernel k(inp: {t}[{h + ky - 1}, {w + kx + 3}]) -> (out: {acc}[{h}, {w}]) {{
      y = range({h}); x = range({w}); a = range({ky}, reduce); b = range({kx}, reduce)
      out[y, x] = sum(cast<{acc}>(inp[y + a, x + b]), a, b) }}""", library)
    assert any("a window of" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("t, ky, kx", [("u8", 4, 10), ("i8", 6, 6)])
def test_windows_of_more_terms_than_unroll_stay_windows(t, ky, kx, library):
    """A window of more than 32 taps (4x10) is not unrolled while the lanes are found, so it
    reaches the regrouping; one that is no byte window is refused by name."""
    opt = _ours_checked(f"""kernel k(img: {t}[{ky + 4}, {kx + 140}]) -> (out: i32[5, 141]) {{
      y = range(5); x = range(141); a = range({ky}, reduce); b = range({kx}, reduce)
      out[y, x] = sum(cast<i32>(img[y + a, x + b]), a, b) }}""", library)
    assert any("a window of" in note for note in opt.notes), opt.notes
    k = parse_kernels("""kernel k(img: i16[10, 150]) -> (out: i32[5, 141]) {
      y = range(5); x = range(141); a = range(4, reduce); b = range(10, reduce)
      out[y, x] = sum(cast<i32>(img[y + a, x + b]), a, b) }""")[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="list"))
    assert made_by(opt.code) != OURS
    assert any("a reduction of more than 32 terms in a lane-wise nest" in n for n in opt.notes), opt.notes


def test_weighted_windows_then_narrowed(library):
    """A 5x5 weighted blur into bytes: the window's words (u8 x u8 in u32, ten groups, more
    weight words than stay in registers: packed where used), then the rounding shift and
    the narrowing casts of the general lowering."""
    opt = _ours_checked("""kernel k(inp: u8[7, 140], w: u8[5, 5]) -> (out: u8[3, 136]) {
      y = range(3); x = range(136); ky = range(5, reduce); kx = range(5, reduce)
      out[y, x] = cast<u8>((sum(cast<u32>(inp[y + ky, x + kx]) * cast<u32>(w[ky, kx]), ky, kx) + 128) >> 13) }""",
                        library)
    assert any("a window of 10 vrmpy groups" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("row", [961, 300])
def test_reads_far_from_the_pointer_use_extended_immediates(row, library):
    """A base `row * 79` bytes past the pointer needs more than #s16 (found by the fuzzer:
    llvm-mc extended the add itself, a word the packet did not have room for)."""
    opt = _ours_checked(f"""kernel k(x: u8[1000, 79]) -> (out: u8[32]) {{
      i = range(32)
      out[i] = x[{row}, i + 16] + 128 }}""", library)
    assert ("add(r1,##" in opt.text("asm").replace(" ", "") or "add(r0,##" in opt.text("asm").replace(" ", "")) \
        == (row * 79 > 32767)


@pytest.mark.parametrize("t, h, w, c", [("i16", 4, 4, 64), ("i16", 3, 5, 40), ("i16", 2, 6, 128), ("i32", 3, 2, 32)])
def test_channels_last_nests_unroll_the_positions_between_row_and_lanes(t, h, w, c, library):
    """`out[y, x, c]` read at `inp[y + ky, x + kx, c]`: y and x are not one row index (the
    input's rows are wider), so the loop runs over y and the x positions are unrolled in
    the body, each an element offset per access; the lanes are the channels."""
    opt = _ours_checked(f"""kernel k(inp: {t}[{h + 2}, {w + 2}, {c}], wt: {t}[3, 3, {c}]) -> (out: {t}[{h}, {w}, {c}]) {{
      y = range({h}); x = range({w}); ch = range({c}); ky = range(3, reduce); kx = range(3, reduce)
      out[y, x, ch] = sum(inp[y + ky, x + kx, ch] * wt[ky, kx, ch], ky, kx) }}""", library)
    assert any(f"positions of x (unrolled)" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("img, wt, acc, planes, h, w", [("u8", "i8", "i32", 3, 20, 128), ("u8", "i8", "i32", 2, 18, 200),
                                                       ("i16", "i16", "i16", 4, 17, 70), ("u8", "u8", "u16", 5, 4, 64)])
def test_outer_planes_of_another_pitch_unroll_around_the_row(img, wt, acc, planes, h, w, library):
    """`out[c, y, x]` read at `img[c, y + ky, x + kx]`: the planes hold more input rows
    than output rows, so c and y are not one row index; the loop runs over y and the few
    planes are unrolled in the body (positions outside the row), each an element offset
    per access. Where the planes have few rows, the loop may run over the planes instead,
    the rows unrolled (the run of one length that is outermost)."""
    opt = _ours_checked(f"""kernel k(im: {img}[{planes}, {h + 2}, {w + 3}], wt: {wt}[3, 3]) -> (out: {acc}[{planes}, {h}, {w}]) {{
      c = range({planes}); y = range({h}); x = range({w}); ky = range(3, reduce); kx = range(3, reduce)
      out[c, y, x] = sum(cast<{acc}>(im[c, y + ky, x + kx]) * cast<{acc}>(wt[ky, kx]), ky, kx) }}""", library)
    unrolled = "c" if h > MAX_INNER_POSITIONS else "y"
    assert any(f"positions of {unrolled} (unrolled)" in note for note in opt.notes), opt.notes


@pytest.mark.parametrize("w", [128, 200])
def test_the_unaligned_form_reads_off_grid_by_vmemu(w, library):
    """The general lowering's "unaligned" form (an alternative the global scheduler weighs):
    a read off the vector grid is one vmemu from its own address instead of two grid loads
    and a valign; both forms check on QEMU."""
    from rewriter.backends.hexagon.global_sched import compile_global
    from rewriter.runtime.hexagon import run_on_qemu

    kernel = parse_kernels(f"""kernel k(inp: u8[4, {w + 2}]) -> (a: i16[2, {w}], b: i16[2, {w}]) {{
      y = range(2); x = range({w})
      a[y, x] = cast<i16>(inp[y, x + 2]) - cast<i16>(inp[y + 2, x])
      b[y, x] = cast<i16>(inp[y + 1, x + 1]) * 3 }}""")[0]
    inputs = random_inputs(kernel, 2)
    asm = {}
    for form in ("native", "unaligned"):
        asm[form] = compile_global(kernel, library, unroll=1, forms=(form,), time_limit=0.5).asm
        assert check_against_reference(kernel, run_on_qemu(kernel, asm[form], inputs).outputs, inputs) == []
    assert "valign(" in asm["native"] and "valign(" not in asm["unaligned"]
    assert "vmemu(" in asm["unaligned"]


@pytest.mark.parametrize("a, b, acc, n", [("u8", "i8", "i32", 200), ("i8", "i8", "i32", 130), ("u8", "u8", "u32", 256)])
def test_word_products_of_bytes_are_widening_byte_multiplies(a, b, acc, n, library):
    """`cast<W>(a) * cast<W>(b)` of bytes into words: the product fits 16 bits, so the
    expansion rules (hvx-mul-w-bytes-*) make it the widening byte multiply, widened once
    more, rather than two 32-bit multiplies per word vector."""
    opt = _ours_checked(f"""kernel k(x: {a}[{n}], y: {b}[{n}]) -> (out: {acc}[{n}]) {{
      i = range({n})
      out[i] = cast<{acc}>(x[i]) * cast<{acc}>(y[i]) + cast<{acc}>(x[i]) }}""", library)
    asm = opt.text("asm")
    assert "vmpyieo(" not in asm and "vmpy(" in asm


def test_unrolled_rows_share_their_input_rows(library):
    """Two output rows of a 5x5 window read 6 input rows, not 10: the second row's loads are
    the first's where they overlap (a regression once dropped them between rows)."""
    from rewriter.backends.hexagon.driver import compile_hexagon

    kernel = parse_kernels("""kernel k(inp: u8[12, 140]) -> (out: i32[8, 128]) {
      y = range(8); x = range(128); ky = range(5, reduce); kx = range(5, reduce)
      out[y, x] = sum(cast<i32>(inp[y + ky, x + kx]), ky, kx) }""")[0]

    def loads(unroll):
        code = compile_hexagon(kernel, library, unroll=unroll, rotate=False, scheduler="list")
        return sum(len(re.findall(r"= vmemu?\(", line)) for line in code.asm.splitlines()
                   if not line.lstrip().startswith("//"))

    assert loads(2) < 2 * loads(1)


def test_what_it_cannot_cover_says_why(library):
    """An index that is not affine in the store's ranges is refused by name (the target then
    falls back to LLVM's code)."""
    k = parse_kernels("""kernel k(x: u8[70]) -> (out: u8[140]) {
      i = range(140)
      out[i] = x[i * i % 70] + 1 }""")[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="list"))
    assert made_by(opt.code) != OURS
    assert any("(not affine in the store's ranges)" in n for n in opt.notes)
