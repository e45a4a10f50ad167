"""f32 kernels on the scalar core (rewriter/backends/hexagon/scalar.py), compiled by our
selection, run on QEMU and compared with the reference *bit for bit* (tolerance 0: the code
keeps the reference's operations and order, so nothing but NaN payloads may differ)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rewriter.backends.hexagon import compile_hexagon
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime.hexagon import find_toolchain, run_on_qemu
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent
EXACT = (0.0, 0.0)

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _ours_exact(text: str, library, unroll: int | None = None, inputs=None, seed: int = 7):
    """Compiled by our selection (through the pipeline; at one unroll factor by the backend
    directly, so that factor's tail is the code that runs), exact on QEMU. The assembly."""
    k = parse_kernels(text)[0]
    inputs = inputs or random_inputs(k, seed)
    if unroll is None:
        opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
        assert made_by(opt.code) == OURS, opt.notes
        got, asm = load(opt)(inputs), opt.text("asm")
    else:
        code = compile_hexagon(k, library, unroll=unroll)
        got, asm = run_on_qemu(k, code.asm, inputs).outputs, code.asm
    bad = check_against_reference(k, got, inputs, tolerance=EXACT)
    assert not bad, bad
    return asm, got


@pytest.mark.parametrize("n, taps, unroll", [(37, 5, 4), (1000, 3, 8), (9, 8, 2), (130, 1, None)])
def test_fir_sums_in_reference_order(n, taps, unroll, library):
    """`sum(x[i + k] * h[k], k)`: each output's products added in index order; n off the unroll."""
    asm, _ = _ours_exact(f"""kernel k(x: f32[{n + taps - 1}], h: f32[{taps}]) -> (y: f32[{n}]) {{
      i = range({n}); k = range({taps}, reduce)
      y[i] = sum(x[i + k] * h[k], k) }}""", library, unroll)
    assert "sfmpy(" in asm and ("sfadd(" in asm or taps == 1) and "+= sfmpy" not in asm


@pytest.mark.parametrize("m, n, p, unroll", [(5, 7, 9, 1), (3, 12, 2, 2), (6, 1, 17, 4)])
def test_matrix_products(m, n, p, unroll, library):
    """A matmul loops over i (a's rows move, b stays), j and k unrolled in the body."""
    _ours_exact(f"""kernel k(a: f32[{m}, {p}], b: f32[{p}, {n}]) -> (c: f32[{m}, {n}]) {{
      i = range({m}); j = range({n}); k = range({p}, reduce)
      c[i, j] = sum(a[i, k] * b[k, j], k) }}""", library, unroll)


@pytest.mark.parametrize("op", ["a[y, x] + b[y, x]", "a[y, x] - b[y, x] * 0.75", "min(a[y, x], b[y, x])",
                                "max(a[y, x] * b[y, x], s)", "where(a[y, x] < b[y, x], s, a[y, x])"])
def test_elementwise_maps_over_a_fused_nest(op, library):
    """y and x walk every buffer row-major: one loop over y_x (3 x 11 = 33 positions, off the
    unroll), a scalar parameter `s` whose pointer stays put, a constant hoisted."""
    _ours_exact(f"""kernel k(a: f32[3, 11], b: f32[3, 11], s: f32) -> (out: f32[3, 11]) {{
      y = range(3); x = range(11)
      out[y, x] = {op} }}""", library, unroll=4)


@pytest.mark.parametrize("kind, r, n", [("reduce_max", 5, 13), ("reduce_min", 9, 4), ("sum", 2, 31)])
def test_row_reductions(kind, r, n, library):
    _ours_exact(f"""kernel k(x: f32[{r}, {n}]) -> (out: f32[{r}]) {{
      i = range({r}); j = range({n}, reduce)
      out[i] = {kind}(x[i, j], j) }}""", library)


def test_min_max_with_nan_and_signed_zeros_as_the_op_table(library):
    """min/max are `b < a ? b : a` / `a < b ? b : a` (sfcmp.gt + mux), not sfmin/sfmax, which
    return the number beside a NaN: with NaNs and zeros of both signs in the inputs the
    outputs still equal the reference's."""
    text = """kernel k(a: f32[40], b: f32[40]) -> (lo: f32[40]) {
      i = range(40)
      lo[i] = max(min(a[i], b[i]), a[i] - b[i]) }"""
    k = parse_kernels(text)[0]
    vals = np.array([np.nan, 0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 2.5], np.float32)
    rng = np.random.default_rng(0)
    inputs = {"a": rng.choice(vals, 40), "b": rng.choice(vals, 40)}
    _asm, got = _ours_exact(text, library, inputs=inputs)
    assert np.isnan(got["lo"]).any()


def test_offsets_beyond_memw_reach_get_moving_bases(library):
    """x[i + 1500] is 6000 bytes past the pointer (memw reaches 4092): a base register of its
    own, moved with the pointer each iteration."""
    asm, _ = _ours_exact("""kernel k(x: f32[1800]) -> (out: f32[300]) {
      i = range(300)
      out[i] = x[i] + x[i + 1500] }""", library, unroll=8)
    assert "add(r0,#4096)" in asm.replace(" ", "")


@pytest.mark.parametrize("kind, h, w, k, s", [("reduce_max", 4, 5, 3, 3), ("reduce_min", 3, 9, 2, 2),
                                               ("sum", 2, 11, 3, 1)])
def test_reductions_over_several_ranges_fold_row_major(kind, h, w, k, s, library):
    """A pool's reduction over (ky, kx): its terms folded row-major over the two ranges, as
    the reference folds them; strides and windows varied."""
    _ours_exact(f"""kernel k(x: f32[{s * (h - 1) + k}, {s * (w - 1) + k}]) -> (out: f32[{h}, {w}]) {{
      y = range({h}); j = range({w}); ky = range({k}, reduce); kx = range({k}, reduce)
      out[y, j] = {kind}(x[{s} * y + ky, {s} * j + kx], ky, kx) }}""", library)


@pytest.mark.parametrize("r, n, unroll", [(23, 77, None), (9, 4, 2), (17, 1, 8)])
def test_reductions_inside_an_expression(r, n, unroll, library):
    """`sum(a[r, k] * v[k], k) + b[r]` (a gemv with bias) and two reductions in one value:
    each folded into its own accumulator, which the expression around it reads."""
    _ours_exact(f"""kernel k(a: f32[{r}, {n}], v: f32[{n}], b: f32[{r}]) -> (out: f32[{r}]) {{
      i = range({r}); k = range({n}, reduce)
      out[i] = sum(a[i, k] * v[k], k) + b[i] }}""", library, unroll)
    _ours_exact(f"""kernel k(a: f32[{r}, {n}]) -> (out: f32[{r}]) {{
      i = range({r}); k = range({n}, reduce)
      out[i] = (reduce_max(a[i, k], k) - reduce_min(a[i, k], k)) * 0.5 }}""", library, unroll)


@pytest.mark.parametrize("t, n, unroll", [("i8", 513, None), ("u8", 37, 4), ("i16", 1000, 8), ("u16", 9, 2),
                                          ("i32", 130, None), ("u32", 77, 8)])
def test_integers_beside_floats(t, n, unroll, library):
    """A dequantization: integer loads extended to words (memb, memuh, ...), word arithmetic
    (a zero point subtracted, a multiplier), the conversion to f32 rounded as the op table's
    cast; words far from 0 (u32, products that wrap) included by the random inputs."""
    w = "u32" if t == "u32" else "i32"
    asm, _ = _ours_exact(f"""kernel k(q: {t}[{n}], zp: {w}, m: {w}, scale: f32) -> (out: f32[{n}]) {{
      i = range({n})
      out[i] = cast<f32>((cast<{w}>(q[i]) - zp) * m) * scale }}""", library, unroll)
    assert "convert_" in asm and "mpyi(" in asm


@pytest.mark.parametrize("t, r, n, unroll", [("i8", 6, 5, 4), ("u16", 9, 33, 2), ("i32", 5, 17, 1)])
def test_integer_sums_inside_a_float_value(t, r, n, unroll, library):
    """A word sum folded in a float kernel is a word `add` (wrapping), not `sfadd` of the
    words' bits; converted to f32 after it."""
    asm, _ = _ours_exact(f"""kernel k(q: {t}[{r}, {n}], s: f32) -> (o: f32[{r}]) {{
      i = range({r}); k = range({n}, reduce)
      o[i] = cast<f32>(sum(cast<i32>(q[i, k]), k)) * s }}""", library, unroll)
    assert "add(r" in asm.replace(" ", "") and "convert_w2sf" in asm


def test_refused_by_name(library):
    """Outside the lowering: a reduction inside another, an i64 buffer beside f32 ones, an
    integer store, a whole sum to one element (exact means one chain: nothing to run in parallel)."""
    from rewriter.backends.hexagon.scalar import ScalarSelector
    for text, why in (("""kernel k(x: f32[4, 6]) -> (out: f32[4]) {
                        i = range(4); a = range(6, reduce); b = range(6, reduce)
                        out[i] = sum(x[i, a] * reduce_max(x[i, b], b), a) }""", "inside another reduction"),
                      ("""kernel k(x: f32[8], n: i64[8]) -> (out: f32[8]) {
                        i = range(8)
                        out[i] = x[i] }""", "other than f32"),
                      ("""kernel k(q: i32[4, 6]) -> (out: f32[4]) {
                        i = range(4); a = range(6, reduce)
                        out[i] = cast<f32>(reduce_max(q[i, a], a)) }""", "reduce_max of i32"),
                      ("""kernel k(x: f32[8]) -> (out: i32[8]) {
                        i = range(8)
                        out[i] = cast<i32>(x[i]) }""", "i32 store beside f32"),
                      ("""kernel k(x: f32[50]) -> (out: f32) {
                        i = range(50, reduce)
                        out = sum(x[i], i) }""", "to one element")):
        k = parse_kernels(text)[0]
        with pytest.raises(HexagonUnsupported, match=why):
            ScalarSelector(k, lambda u: u, None, 1).scalar()


def test_body_estimate_counts_value_ops_not_index_arithmetic(library):
    """A 32-term matmul row (j and k unrolled: 32 x 32 products a position) is within the body
    limit: the estimate counts the products and sums, not the index expressions of the loads
    (counting those refused it once)."""
    from rewriter.backends.hexagon.scalar import ScalarSelector
    from rewriter.backends.hexagon.select import SelectionRewriter
    from rewriter.kernel.simplify import make_rewriter, simplify_kernel
    k = parse_kernels("""kernel k(a: f32[64, 32], b: f32[32, 32]) -> (c: f32[64, 32]) {
      i = range(64); j = range(32); p = range(32, reduce)
      c[i, j] = sum(a[i, p] * b[p, j], p) }""")[0]
    rw = make_rewriter(library)
    mf = ScalarSelector(simplify_kernel(k, rw), rw.normalize, SelectionRewriter(library), 1).scalar()
    assert sum(i.desc.name == "sfmpy" for i in mf.loop.insns) == 32 * 32
