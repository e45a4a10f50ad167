"""Spelled-out stencils on shared window tiles (lower/gpu_stencil.py): every tap of one buffer
at a fixed offset, the expression written term by term. Each kernel is lowered for CUDA and
WebGPU, simulated against the reference interpreter (the edge values of every type in the
inputs, the tiles' vector reads checked against the alignment the PTX emitter claims), its
PTX assembled by ptxas, and a few run through wgpu. Sizes, types, strides and pitches vary."""
from __future__ import annotations

import shutil

import pytest

from rewriter.backends.ptx import emit_ptx
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import run_reference
from rewriter.lower.gpu_ops import H100, WEBGPU
from rewriter.lower.gpu_sim import simulate
from tests.test_gpu_window import _aligned_shared_reads, _inputs, _program, _ptxas, _same, _width

# name -> source; each takes window-tiled through the stencil path on both specs.
STENCILS = {
    # the suite's Gaussian at another size: a 258-byte pitch keeps no staging vector wider than 2
    "gauss3x3_u8_odd": """kernel g(inp: u8[34, 258]) -> (out: u8[32, 256]) {
        y = range(32); x = range(256)
        out[y, x] = cast<u8>((cast<u16>(inp[y, x]) + cast<u16>(inp[y, x + 1]) * 2 + cast<u16>(inp[y, x + 2])
                    + cast<u16>(inp[y + 1, x]) * 2 + cast<u16>(inp[y + 1, x + 1]) * 4 + cast<u16>(inp[y + 1, x + 2]) * 2
                    + cast<u16>(inp[y + 2, x]) + cast<u16>(inp[y + 2, x + 1]) * 2 + cast<u16>(inp[y + 2, x + 2]) + 8) >> 4) }""",
    # two taps of a Sobel column, signed 16-bit out, the taps starting one column in
    "sobel_gy_i16": """kernel s(inp: u8[18, 131]) -> (gy: i16[16, 128]) {
        y = range(16); x = range(128)
        gy[y, x] = cast<i16>(inp[y + 2, x + 1]) - cast<i16>(inp[y, x + 1]) + (cast<i16>(inp[y + 2, x + 2]) - cast<i16>(inp[y, x + 2])) * 2
                   + cast<i16>(inp[y + 2, x + 3]) - cast<i16>(inp[y, x + 3]) }""",
    # a cross (no corners) over floats: the sum in the order written, bit-exact, NaN included
    "cross5_f32": """kernel c(inp: f32[10, 66]) -> (out: f32[8, 64]) {
        y = range(8); x = range(64)
        out[y, x] = inp[y + 1, x + 1] * 4.0 - inp[y, x + 1] - inp[y + 2, x + 1] - inp[y + 1, x] - inp[y + 1, x + 2] }""",
    # stride 2 both ways (a decimating filter), i16 in and out
    "decimate_i16": """kernel d(inp: i16[34, 258]) -> (out: i16[16, 128]) {
        y = range(16); x = range(128)
        out[y, x] = (inp[y * 2, x * 2] + inp[y * 2, x * 2 + 1] + inp[y * 2 + 1, x * 2] + inp[y * 2 + 1, x * 2 + 1]
                     + inp[y * 2 + 2, x * 2 + 2]) >> 2 }""",
    # a loaded weight, a per-column bias read directly, x itself in the expression
    "weighted_u8": """kernel w(inp: u8[20, 130], k: i32[2], bias: i32[128]) -> (out: i32[16, 128]) {
        y = range(16); x = range(128)
        out[y, x] = cast<i32>(inp[y, x]) * k[0] + cast<i32>(inp[y + 4, x + 2]) * k[1] + bias[x] + cast<i32>(x) }""",
}


#: On WebGPU the cost model gives this one a tile of one output a thread (its i16 words read
#: at stride 2 cost more as packed rows), which the stencil path leaves to the map.
WEBGPU_MAP = {"decimate_i16"}


def _kernel(name):
    return parse_kernels(STENCILS[name], f"{name}.ir")[0]


@pytest.mark.parametrize("name", sorted(STENCILS))
def test_stencils_take_window_tiles_and_match_the_reference(name, monkeypatch):
    kernel = _kernel(name)
    for spec in (H100, WEBGPU):
        gp = _program(kernel, spec)
        inputs = _inputs(kernel, seed=1)
        if spec is WEBGPU and name in WEBGPU_MAP:
            assert [l.strategy for l in gp.launches] == ["map"], gp.notes
        else:
            assert [l.strategy for l in gp.launches] == ["window-tiled"], (spec is H100, gp.notes)
            assert "for a stencil of" in gp.notes[0] and _width(gp) > 1, gp.notes
            reads = _aligned_shared_reads(gp, inputs, monkeypatch)
            assert reads and all(ok for _, _, ok in reads), [(claim, ok) for _, claim, ok in reads]
        assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs)), (spec is H100, gp.notes)


@pytest.mark.parametrize("name", sorted(STENCILS))
def test_stencil_ptx_assembles(name, tmp_path):
    if shutil.which("ptxas") is None:
        pytest.skip("ptxas not on PATH (CUDA toolkit; CI has it)")
    _ptxas(emit_ptx(_program(_kernel(name), H100))[1], tmp_path)


@pytest.mark.parametrize("source", [
    # one row of taps: the map's window loads already read it once (a 1-D filter)
    """kernel r(inp: u8[16, 130]) -> (out: u16[16, 128]) { y = range(16); x = range(128)
        out[y, x] = cast<u16>(inp[y, x]) + cast<u16>(inp[y, x + 2]) }""",
    # a width no whole warp of vectors divides: no tile shape, the map takes it
    """kernel t(inp: u8[18, 102]) -> (out: u16[16, 100]) { y = range(16); x = range(100)
        out[y, x] = cast<u16>(inp[y, x]) + cast<u16>(inp[y + 2, x + 2]) }""",
    # taps at two x strides: not one window
    """kernel m(inp: u8[18, 400]) -> (out: u16[16, 128]) { y = range(16); x = range(128)
        out[y, x] = cast<u16>(inp[y, x]) + cast<u16>(inp[y + 2, x * 3]) }""",
])
def test_what_is_not_one_window_stays_on_the_map_and_is_right(source):
    kernel = parse_kernels(source, "k.ir")[0]
    gp = _program(kernel, H100)
    assert [l.strategy for l in gp.launches] == ["map"], gp.notes
    inputs = _inputs(kernel, seed=2)
    assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs))


@pytest.mark.parametrize("name", ["gauss3x3_u8_odd", "cross5_f32"])
def test_stencils_run_as_wgsl(name):
    """Through wgpu (lavapipe in CI): the u8 tile packed four to a word, the f32 one not."""
    from rewriter.pipeline import compare, optimize
    from rewriter.runtime.webgpu import run_webgpu
    from tests.test_gpu_window import library

    kernel = _kernel(name)
    opt = optimize(kernel, library(), "webgpu")
    assert [d.mode for d in opt.code.dispatches] == ["window-tiled"], opt.notes
    inputs = _inputs(kernel, 4, nan=False)  # WGSL may assume no NaN (docs/WEBGPU.md)
    got, _, _ = run_webgpu(kernel, opt.code, inputs)
    assert compare(kernel, got, run_reference(kernel, inputs)) == []
