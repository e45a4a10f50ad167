"""Byte reductions over a range that walks rows of an operand (`backends/hexagon/rowquads.py`:
`c[m, n] = sum(a[m, k] * b[k, n], k)` regrouped by k-quads onto vrmpy): M, N, K off the
vector grid (partial word vectors, a K mod 4 tail, several column groups), row pitches that
leave b's rows unaligned, every signedness of a and b; each compiled by our selection (the
k-quad lowering, not LLVM's fallback), run on QEMU and checked against the reference."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from rewriter.backends.hexagon.driver import compile_hexagon
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime import hexagon
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _matmul(m, n, k, ta, tb, tc="i32", a_pitch=None, b_pitch=None):
    ap, bp = a_pitch or k, b_pitch or n
    return f"""kernel mm(a: {ta}[{m}, {ap}], b: {tb}[{k}, {bp}]) -> (c: {tc}[{m}, {n}]) {{
      i = range({m}); j = range({n}); r = range({k}, reduce)
      c[i, j] = sum(cast<{tc}>(a[i, r]) * cast<{tc}>(b[r, j]), r) }}"""


def _ours_by_quads(text, library, seed=3):
    (k,) = parse_kernels(text)
    opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    assert any("rowquads.py" in note for note in opt.notes), opt.notes
    inputs = random_inputs(k, seed)
    assert not check_against_reference(k, load(opt)(inputs), inputs)
    return opt


@pytest.mark.parametrize("m, n, k, ta, tb, tc", [
    (5, 100, 13, "u8", "i8", "i32"),  # N off the word grid, K mod 4 = 1
    (3, 32, 4, "i8", "i8", "i32"),  # one quad step
    (7, 200, 30, "i8", "u8", "i32"),  # a signed, b unsigned: a's word as Rt
    (4, 64, 40, "u8", "u8", "u32"),  # two rows of b a vector
    (6, 17, 9, "u8", "i8", "i32"),  # a row narrower than a word vector
    (1, 64, 3, "i8", "i8", "i32"),  # K < 4: only the zero-padded tail
    (2, 300, 7, "i8", "i8", "i32"),  # several column groups
    (3, 96, 70, "i8", "u8", "i32"),  # a long reduction (more than 32 terms)
])
def test_byte_products_over_rows(m, n, k, ta, tb, tc, library):
    _ours_by_quads(_matmul(m, n, k, ta, tb, tc), library)


@pytest.mark.parametrize("m, n, k, a_pitch, b_pitch", [(4, 80, 10, 13, 90), (3, 128, 8, 8, 130), (2, 40, 6, 6, 64)])
def test_row_pitches_off_the_grid(m, n, k, a_pitch, b_pitch, library):
    """a's rows `a_pitch` bytes apart (words not aligned), b's `b_pitch` (rows unaligned)."""
    _ours_by_quads(_matmul(m, n, k, "u8", "i8", a_pitch=a_pitch, b_pitch=b_pitch), library)


@pytest.mark.parametrize("unroll", [1, 2, 4])
def test_every_unroll_shares_the_quads(unroll, library):
    """The rows of an iteration share b's quads: per 4 k and 128 columns four vshuffs
    whatever the unroll (while a row's accumulators times the unroll fit 16 vectors), and
    one vrmpy per row and word vector."""
    (k,) = parse_kernels(_matmul(8, 128, 16, "i8", "i8"))
    code = compile_hexagon(k, library, unroll=unroll, rotate=False)
    assert code.asm.count("vshuff(") == 4 * 4
    assert code.asm.count("vrmpy(") == 4 * unroll * 4


@pytest.mark.parametrize("m, n, k, ta, tb, unroll, splits", [(8, 64, 20, "i8", "i8", 4, True),
                                                            (4, 128, 11, "u8", "i8", 4, True),
                                                            (8, 96, 9, "i8", "u8", 2, False)])
def test_multiplier_bound_steps_split_products(m, n, k, ta, tb, unroll, splits, library):
    """Where `+= vrmpy(Vu, Vv)` takes both multipliers, the products the step's other work
    leaves no room for are `vrmpy` into a temporary and a `vadd` (rowquads._balance); the
    Rt form (i8 a, u8 b: a's word as Rt) takes one multiplier and is never split. Checked
    on QEMU."""
    (kern,) = parse_kernels(_matmul(m, n, k, ta, tb))
    code = compile_hexagon(kern, library, unroll=unroll, rotate=False)
    assert (code.asm.count(".w = vadd(") > 0) == splits
    assert bool(re.search(r"vrmpy\(v\d+\.ub,r\d+\.b\)", code.asm)) == (not splits)  # (Rt: a's word)
    inputs = random_inputs(kern, 7)
    run = hexagon.run_on_qemu(kern, code.asm, inputs)
    assert check_against_reference(kern, run.outputs, inputs) == []


@pytest.mark.parametrize("kk, w", [(5, 100), (7, 130)])
def test_products_over_rows_of_a_moving_operand_are_not_quads(kk, w, library):
    """A vertical byte filter reads its image a row a tap too, but the image moves with the
    output rows, so no quads are shared: the general lowering's other paths cover it."""
    (k,) = parse_kernels(f"""kernel vf(img: u8[{kk + 3}, {w}], wt: i8[{kk}]) -> (out: i32[4, {w}]) {{
      y = range(4); x = range({w}); t = range({kk}, reduce)
      out[y, x] = sum(cast<i32>(img[y + t, x]) * cast<i32>(wt[t]), t) }}""")
    opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS and not any("rowquads.py" in n for n in opt.notes), opt.notes
    inputs = random_inputs(k, 2)
    assert not check_against_reference(k, load(opt)(inputs), inputs)
