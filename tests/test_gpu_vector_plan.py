"""The map's vector plan (lower/lower.py `plan`) where a thread runs each lane: gathered maps
store one vector a thread, far gathers (a column) stay scalar, the CPU keeps scalar loops for
LLVM to vectorize. Each program is simulated against the reference at sizes and types that vary."""
from __future__ import annotations

import pytest

from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import run_reference
from rewriter.lower.gpu_ops import H100, WEBGPU
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import optimize
from tests.test_gpu_window import _inputs, _program, _same, library

GATHERED = [
    # index division (nearest upsampling), a width that is not a power of two
    "kernel u(inp: {t}[12, 40]) -> (out: {t}[24, 80]) {{ y = range(24); x = range(80)\n"
    "  out[y, x] = inp[y / 2, x / 2] }}",
    # a stride-2 read (decimation) with arithmetic
    "kernel d(x: {t}[400]) -> (y: {t}[200]) {{ i = range(200)\n  y[i] = max(x[i * 2], x[i * 2 + 1]) - x[i * 2 + 1] }}",
    # channels-last to one channel (stride 3)
    "kernel g(rgb: {t}[8, 48, 3]) -> (out: {t}[8, 48]) {{ y = range(8); x = range(48)\n"
    "  out[y, x] = max(max(rgb[y, x, 0], rgb[y, x, 1]), rgb[y, x, 2]) }}",
]


@pytest.mark.parametrize("t", ["u8", "i16", "f32"])
@pytest.mark.parametrize("n", range(len(GATHERED)))
def test_gathered_maps_store_vectors_on_gpus_and_match_the_reference(n, t):
    kernel = parse_kernels(GATHERED[n].format(t=t), "k.ir")[0]
    for spec in (H100, WEBGPU):
        gp = _program(kernel, spec)
        assert [l.strategy for l in gp.launches] == ["map"], gp.notes
        # (three f32 gathers of lanes 12 bytes apart tie with the scalar form: 4 a lane either way)
        assert ("vectorize" in gp.notes[-1]) == (n < 2 or t != "f32"), gp.notes
        inputs = _inputs(kernel, seed=5, nan=False)
        assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs)), gp.notes
    cpu = optimize(kernel, library(), "cpu")
    assert any(n.endswith("scalar") for n in cpu.notes), cpu.notes  # LLVM's to vectorize


def test_a_column_gather_stays_one_element_a_thread():
    """out[i, j] = inp[j, i] on WebGPU (no tiled transpose there): lanes a row apart."""
    kernel = parse_kernels("kernel t(inp: i32[64, 48]) -> (out: i32[48, 64]) { i = range(48); j = range(64)\n"
                           "  out[i, j] = inp[j, i] }", "t.ir")[0]
    gp = _program(kernel, WEBGPU)
    assert gp.notes[-1].endswith("scalar"), gp.notes
    inputs = _inputs(kernel, seed=6)
    assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs))
