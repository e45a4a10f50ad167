"""Block reductions of sizes no chunk divides (lower/gpu.py `_block_reduce_body`): whole chunks
run, the elements past the size are skipped. Before, such a reduction (a dot of 777 or 4099
elements, a min of 10007) fell to the map: one thread folding every element. Each is
simulated against the reference on the CUDA and WebGPU specs."""
from __future__ import annotations

import pytest

from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import run_reference
from rewriter.lower.gpu_ops import H100, WEBGPU
from rewriter.lower.gpu_sim import simulate
from tests.test_gpu_window import _inputs, _program, _same


@pytest.mark.parametrize("n, t, body", [
    (777, "i32", "sum(a[i] * b[i], i)"),
    (4099, "i16", "sum(cast<i32>(a[i]) * cast<i32>(b[i]), i)"),
    (10007, "u16", "reduce_min(a[i], i)"),
    (300, "u8", "reduce_max(a[i] - b[i], i)"),
    (1030, "f32", "reduce_max(a[i], i)"),
    (2052, "i8", "sum(cast<i32>(a[i]), i)"),  # 4 lanes a thread: the tail is whole vectors
])
def test_reductions_of_any_size_take_a_block(n, t, body):
    out = "f32" if t == "f32" else ("i32" if body.startswith("sum") else t)
    kernel = parse_kernels(f"kernel r(a: {t}[{n}], b: {t}[{n}]) -> (o: {out}) {{ i = range({n}, reduce)\n"
                           f"  o = {body} }}", "r.ir")[0]
    for spec in (H100, WEBGPU):
        gp = _program(kernel, spec)
        assert [l.strategy for l in gp.launches] == ["block-reduce"], gp.notes
        inputs = _inputs(kernel, seed=7, nan=False)
        assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs)), gp.notes
