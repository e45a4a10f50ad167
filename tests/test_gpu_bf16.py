"""bf16 on CUDA: the matmul c = sum(cast<f32>(a) * cast<f32>(b), k) with bf16 operands on wgmma
(the default on sm_90a: `.f32.bf16.bf16`, BFLOAT16 tensor maps) and on mma.sync for a target
without wgmma (`mma.sync...f32.bf16.bf16.f32`), simulated against the reference interpreter at
sizes on and off the tile, the PTX assembled by ptxas; elementwise bf16 (i16 bits computed in
f32) simulated and assembled; WebGPU refusing bf16 in one line; and on a GPU, the real run."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from rewriter.cli import main
from rewriter.kernel.check import TENSOR_CORE_TOLERANCE
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.lower.gpu import lower_gpu
from rewriter.lower.gpu_ops import H100
from rewriter.lower.gpu_program import native_plan
from rewriter.lower.gpu_sim import simulate
from rewriter.lower.gpu_wgmma import TMA_DTYPE
from rewriter.ir.dtype import bf16
from rewriter.pipeline import check_against_reference, make_rewriter, optimize, simplify_kernel
from tests.test_gpu import _has_gpu
from tests.test_gpu_wgmma import _mm, _ptxas, library

NO_WGMMA = replace(H100, wgmma=False)  # an sm_80-class target: tensor cores through mma.sync only


def _lower(k, spec=H100, tensor_cores=True):
    rw = make_rewriter(library())
    return lower_gpu(simplify_kernel(k, rw), rw, spec=spec, tensor_cores=tensor_cores, validate=True)


def _check(k, gp, seed=0):
    inputs = random_inputs(k, seed)
    assert inputs["a"].dtype.name == "bfloat16"
    return check_against_reference(k, simulate(gp, inputs), inputs, tolerance=TENSOR_CORE_TOLERANCE)


@pytest.mark.parametrize("case", [(200, 264, 136, True, False), (77, 80, 40, True, True),
                                  (264, 192, 200, False, False), (96, 320, 72, False, True)],
                         ids=["off-tile", "odd-n", "a-m-major", "a-m-b-k"])
def test_bf16_matmul_takes_wgmma_and_matches_reference(case):
    k = _mm(*case, t="bf16")
    gp = _lower(k)
    assert [l.strategy for l in gp.launches] == ["wgmma-matmul"]
    p = native_plan(gp.launches[0])
    assert p.dtype == bf16 and {t.dtype_code for t in p.tensor_maps()} == {TMA_DTYPE[bf16]} == {9}
    assert "bf16 x bf16 -> f32" in gp.notes[0]
    assert _check(k, gp) == []


@pytest.mark.parametrize("case", [(64, 64, 64, True, False), (128, 256, 64, True, True), (64, 128, 128, False, False)],
                         ids=["64^3", "multi-block-b-k", "a-m-major"])
def test_bf16_matmul_on_mma_sync_without_wgmma_matches_reference(case):
    k = _mm(*case, t="bf16")
    for spec, tc in ((NO_WGMMA, True), (H100, "mma")):
        gp = _lower(k, spec, tc)
        assert [l.strategy for l in gp.launches] == ["mma-matmul"]
        assert "f32 += bf16 x bf16" in gp.notes[0]
        assert _check(k, gp, 1) == []


@pytest.mark.parametrize("case", [(4096, 4096, 4096, True, False), (200, 264, 136, True, False),
                                  (264, 192, 200, False, False)], ids=["4096", "off-tile", "a-m-major"])
def test_bf16_wgmma_ptx_assembles_for_sm90a(tmp_path, case):
    opt = optimize(_mm(*case, t="bf16"), library(), "cuda")
    assert [l.strategy for l in opt.program.launches] == ["wgmma-matmul"]
    ptx = opt.text("ptx")
    assert "k16.f32.bf16.bf16 " in ptx and ".f16.f16" not in ptx
    _ptxas(tmp_path, ptx)
    assert {t.dtype_code for t in opt.code.launches[0].tensor_maps} == {9}  # CU_TENSOR_MAP_DATA_TYPE_BFLOAT16


def test_bf16_mma_sync_ptx_assembles(tmp_path):
    ptxas = shutil.which("ptxas")
    assert ptxas, "ptxas (CUDA toolkit) is needed: scripts/setup.sh installs it"
    opt = optimize(_mm(256, 256, 256, t="bf16"), library(), "cuda", tensor_cores="mma")
    ptx = opt.text("ptx")
    assert "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32" in ptx and "f16.f16" not in ptx
    f = tmp_path / "k.ptx"
    f.write_text(ptx)
    for arch in ("sm_90", "sm_90a"):  # the PTX names .target sm_90 (the one CUDA spec)
        r = subprocess.run([ptxas, f"-arch={arch}", str(f), "-o", str(tmp_path / "k.cubin")], capture_output=True, text=True)
        assert r.returncode == 0, (arch, r.stderr)


ELEMENTWISE = """kernel ew(x: bf16[N], y: bf16[N], f: f32[N]) -> (o: bf16[N], g: f32[N], s: f32) {
  i = range(N); j = range(N, reduce)
  o[i] = max(x[i] * y[i] + cast<bf16>(f[i]), x[i] / y[i])
  g[i] = cast<f32>(sqrt(abs(x[i])))
  s = sum(cast<f32>(x[j]), j)
}
"""


@pytest.mark.parametrize("n", [64, 1000])
def test_bf16_elementwise_on_cuda_matches_reference_and_assembles(tmp_path, n):
    k = parse_kernels(ELEMENTWISE.replace("N", str(n)), "ew.ir")[0]
    opt = optimize(k, library(), "cuda")
    inputs = random_inputs(k, 3)
    assert check_against_reference(k, simulate(opt.program, inputs), inputs) == []
    (tmp_path / "k.ptx").write_text(opt.text("ptx"))
    r = subprocess.run([shutil.which("ptxas"), "-arch=sm_90a", str(tmp_path / "k.ptx"), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_webgpu_refuses_bf16_in_one_line(tmp_path, capsys):
    src = tmp_path / "k.ir"
    src.write_text("kernel k(a: bf16[64]) -> (o: bf16[64]) {\n  i = range(64)\n  o[i] = a[i] + a[i]\n}\n")
    assert main(["optimize", str(src), "--target", "webgpu", "--emit", "wgsl"]) == 2
    err = capsys.readouterr().err
    assert "bfloat16" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.skipif(not _has_gpu(), reason="needs an NVIDIA GPU (CI has none: the simulator tests check the programs)")
@pytest.mark.parametrize("case", [(200, 264, 136, True, False), (77, 80, 40, True, True)])
def test_bf16_matmul_runs_on_the_gpu(case):
    from rewriter.runtime.cuda import run_cuda

    k = _mm(*case, t="bf16")
    inputs = random_inputs(k, 0)
    for tc in (True, "mma") if case[0] % 64 == 0 else (True,):
        opt = optimize(k, library(), "cuda", tensor_cores=tc)
        got, seconds = run_cuda(k, opt.code, inputs, repeat=2)
        assert check_against_reference(k, got, inputs, tolerance=TENSOR_CORE_TOLERANCE) == [] and seconds > 0
