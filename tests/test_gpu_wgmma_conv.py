"""The wgmma-conv strategy (lower/gpu_wgmma_conv.py; PTX: backends/ptx_wgmma_conv.py; its numpy
model: lower/gpu_wgmma_conv_model.py): plans at sizes on and off the tiles simulated against
the reference interpreter; mutated plans caught; the PTX assembled by ptxas for sm_90a without
spills; fallbacks named (among them every kernel wider than one tap: its shifted image boxes
would trap the copy engine, gpu_wgmma.TMA_COORD_ALIGN); and on a GPU, the real run."""
from __future__ import annotations

import functools
import shutil
from dataclasses import replace

import numpy as np
import pytest

from rewriter.dsl.rule import load_library
from rewriter.ir.dtype import f16
from rewriter.kernel.check import TENSOR_CORE_TOLERANCE, tolerance_for
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.lower.gpu import lower_gpu
from rewriter.lower.gpu_program import NativeBody, native_plan
from rewriter.lower.gpu_sim import simulate
from rewriter.lower import gpu_wgmma_conv_model
from rewriter.lower.gpu_wgmma import TMA_DTYPE, TensorMap
from rewriter.lower.gpu_wgmma_conv import ConvPlan
from rewriter.lower.gpu_wgmma_model import ModelError
from rewriter.pipeline import check_against_reference, make_rewriter, optimize, simplify_kernel
from tests.test_gpu import _has_gpu
from tests.test_gpu_wgmma import _ptxas


@functools.lru_cache(maxsize=1)
def library():
    import rewriter.targets  # noqa: F401

    return load_library(["rules"])


def _conv(c, o, h, w, kh, kw, f16_out=False, pitch=None):
    """A 'valid' KH x KW convolution; `pitch` pads the image rows (elements) beyond w."""
    ho, wo, pw = h - kh + 1, w - kw + 1, pitch or w
    s = "sum(cast<f32>(img[c, y + ky, x + kx]) * cast<f32>(w[o, c, ky, kx]), c, ky, kx)"
    return parse_kernels(f"""kernel conv(img: f16[{c}, {h}, {pw}], w: f16[{o}, {c}, {kh}, {kw}]) ->
      (out: {'f16' if f16_out else 'f32'}[{o}, {ho}, {wo}]) {{
      o = range({o}); y = range({ho}); x = range({wo})
      c = range({c}, reduce); ky = range({kh}, reduce); kx = range({kw}, reduce)
      out[o, y, x] = {f'cast<f16>({s})' if f16_out else s} }}""")[0]


def _lower(k, tensor_cores=True, opt_in=("wgmma-conv",)):
    """The GPU program, wgmma-conv opted in (lower/gpu.py OPT_IN) unless `opt_in` is ()."""
    rw = make_rewriter(library())
    return lower_gpu(simplify_kernel(k, rw), rw, tensor_cores=tensor_cores, validate=True, opt_in=opt_in)


def _with_plan(gp, edit):
    launches = []
    for l in gp.launches:
        p = native_plan(l)
        if p is not None:
            p = edit(p)
            l = replace(l, grid=p.grid, block=p.threads, body=(NativeBody(p),))
        launches.append(l)
    return replace(gp, launches=tuple(launches))


def _check(k, gp, seed=0):
    inputs = random_inputs(k, seed)
    return check_against_reference(k, simulate(gp, inputs), inputs, tolerance=TENSOR_CORE_TOLERANCE)


def _rejected(k, gp, errors=(ModelError,)) -> bool:
    """Whether the model refuses `gp` (one of `errors`: a read or a box the hardware would not
    make) or computes something other than the reference: how a wrong plan is caught."""
    try:
        return _check(k, gp) != []
    except errors:
        return True


# (C, O, H, W, KH, KW, f16 out): channels, output channels, rows and columns on and off the
# tiles (64 channels, 64 output channels, TY rows, 64 columns), two channel slices, two
# output-channel tiles, 1x1 / 2x1 / 3x1 / 5x1 kernels (one tap column: the widest the copy
# engine can address, see test_wider_kernels_are_refused), odd output widths (scalar stores),
# f16 outputs.
CASES = [(16, 8, 20, 24, 3, 1, False), (64, 64, 10, 72, 3, 1, False), (72, 40, 9, 136, 3, 1, False),
         (8, 8, 11, 16, 1, 1, False), (16, 96, 13, 40, 2, 1, False), (32, 64, 14, 72, 3, 1, True),
         (16, 8, 9, 24, 2, 1, False), (16, 16, 7, 40, 5, 1, True), (128, 16, 6, 16, 3, 1, False),
         (136, 72, 9, 136, 1, 1, False)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "c{}-o{}-{}x{}-k{}x{}{}".format(*c[:6], "-h" if c[6] else ""))
def test_conv_plan_matches_reference(case):
    k = _conv(*case)
    gp = _lower(k)
    assert [l.strategy for l in gp.launches] == ["wgmma-conv"], gp.notes
    assert tolerance_for([l.strategy for l in gp.launches]) == TENSOR_CORE_TOLERANCE
    assert _check(k, gp) == []


def test_conv_plan_every_tile_height_and_stage_count():
    """The cost model picks TY = 4 where it fits; the other heights and fewer stages are plans
    too (and the benchmark times them), each still exact on sizes off the tile."""
    k = _conv(24, 24, 11, 40, 3, 1)
    gp = _lower(k)
    for ty in (1, 2, 3):
        assert _check(k, _with_plan(gp, lambda p: replace(p, ty=ty, stages=2))) == [], ty


def test_the_issue_shape_takes_the_layout_launch():
    """1 x 64 x 512 x 512, 64 filters 3 x 3 (issue 16): its tap columns kx = 1, 2 would copy
    channels-first boxes starting 2 and 4 bytes into a row, which trapped the H100 (illegal
    instruction); the note says so, and the store takes a layout launch into a channels-last
    temporary and the channels-last plan (tests/test_gpu_wgmma_conv_hwc.py)."""
    gp = _lower(_conv(64, 64, 512, 512, 3, 3))
    assert [l.strategy for l in gp.launches] == ["tiled-transpose", "wgmma-conv"]
    assert native_plan(gp.launches[1]).hwc
    assert any("layout launch first" in n and "kx = 1" in n and "2 bytes into its row" in n and "illegal instruction" in n
               for n in gp.notes), gp.notes


def test_the_issue_size_3x1_plan():
    """The same image, 64 filters 3 x 1: the plan shape the 3 x 3 had (TY = 4, 6 box rows)."""
    p = native_plan(_lower(_conv(64, 64, 512, 512, 3, 1)).launches[0])
    assert isinstance(p, ConvPlan)
    assert (p.ty, p.n, p.box_rows, p.k_slices) == (4, 256, 6, 1) and p.stages >= 2
    assert p.tiles == 1 * 8 * 128 and p.grid == 132
    assert p.weight_bytes == 3 * 8192 and p.shared_bytes <= 227 * 1024
    (tm,) = p.tensor_maps()
    assert tm.dims == (512, 512, 64) and tm.strides == (1024, 512 * 512 * 2) and tm.box == (64, 1, 64)
    assert p.tma_problem() is None


@pytest.mark.parametrize("coord, ok", [(0, True), (8, True), (16, True), (64, True), (4096 + 8, True), (-8, True),
                                       (1, False), (2, False), (7, False), (9, False), (63, False), (-1, False)])
def test_tma_coordinate_rule(coord, ok):
    """A box's innermost start must be 16 bytes into a row or a multiple of it: 8 f16
    elements (gpu_wgmma.TMA_COORD_ALIGN); the outer coordinates are free."""
    tm = TensorMap(0, TMA_DTYPE[f16], (512, 512, 64), 1024, (64, 1, 64), more_strides=(512 * 512 * 2,))
    for outer in ((0, 0), (3, 5), (511, 63)):
        assert (tm.coord_problem((coord,) + outer) is None) == ok, (coord, outer)


@pytest.mark.parametrize("case", CASES, ids=lambda c: "c{}-o{}-{}x{}-k{}x{}{}".format(*c[:6], "-h" if c[6] else ""))
def test_every_box_of_a_taken_plan_starts_aligned(case):
    """Every box the producer issues, over every tile, slice and box row (ConvPlan.box_coords,
    what the PTX and the model compute), starts on a 16-byte boundary of its image row."""
    p = native_plan(_lower(_conv(*case)).launches[0])
    for t in range(p.tiles):
        _, y0, x0 = p.tile_of(t)
        for s in range(p.k_slices):
            for r in range(p.box_rows):
                _, (x, y, c) = p.box_coords(y0, x0, s, r)
                assert (x * 2) % 16 == 0, (t, s, r, x)


def test_the_model_refuses_a_misaligned_box():
    """The numpy model treats a box the copy engine would trap on as an error, so a plan that
    issues one fails in CI, not on the GPU."""
    img = np.zeros((16, 20, 24))
    stage = np.zeros(8192 // 2)
    gpu_wgmma_conv_model.tma_box(stage, img, 0, 8, 3, 0)
    for x0 in (1, 2, 4, 12):
        with pytest.raises(ModelError, match="bytes into a row"):
            gpu_wgmma_conv_model.tma_box(stage, img, 0, x0, 3, 0)


@pytest.mark.parametrize("edit, why", [
    (lambda p: replace(p, img_sy=p.img_sy + 8), "image row stride"),
    (lambda p: replace(p, kh=p.kh - 1), "one tap row fewer"),
    (lambda p: replace(p, out_sy=p.out_sy + 2), "output row stride"),
    (lambda p: replace(p, c=p.c - 8), "a channel group left out"),
    (lambda p: replace(p, wo=p.wo - 3), "columns guarded off"),
])
def test_model_catches_a_wrong_plan(edit, why):
    k = _conv(16, 8, 20, 72, 3, 1)
    assert _rejected(k, _with_plan(_lower(k), edit), (ModelError, IndexError)), why


def test_model_catches_wrong_descriptors(monkeypatch):
    k = _conv(16, 8, 12, 72, 3, 1)
    gp = _lower(k)
    good = ConvPlan.b_descriptor
    monkeypatch.setattr(ConvPlan, "b_descriptor", lambda self, ky, step: (lambda d: (d[0], d[2], d[1], d[3]))(
        good(self, ky, step)))  # LBO and SBO swapped
    assert _rejected(k, gp)
    monkeypatch.setattr(ConvPlan, "b_descriptor", lambda self, ky, step: good(self, ky, step)[:3] + (0,))
    assert _rejected(k, gp)  # the image read K-major


@pytest.mark.parametrize("case, why", [
    ((72, 70, 4, 16, 3, 3), "exceed 227 KB"),  # weights: 2 x 2 x 9 blocks of 8 KB
    ((12, 8, 9, 24, 3, 3), "input channels"),  # C not a multiple of 8
    ((16, 8, 9, 21, 3, 3), "16-byte aligned"),  # 42-byte image rows
    ((8, 8, 9, 24, 5, 5), "exceed 227 KB"),
    # KW > 1 (the H100's fault, issue 16: boxes at x0 + 1, x0 + 2) now takes the layout
    # launch: tests/test_gpu_wgmma_conv_hwc.py
])
def test_fallbacks_are_explained_and_correct(case, why):
    k = _conv(*case)
    gp = _lower(k)
    assert "wgmma-conv" not in [l.strategy for l in gp.launches]
    assert any("wgmma-conv not taken" in n and why in n for n in gp.notes), gp.notes
    inputs = random_inputs(k, 1)
    assert check_against_reference(k, simulate(gp, inputs), inputs) == []


def test_padded_rows_take_it():
    """Image rows padded to a 16-byte multiple (a pitch) are fine: the tensor map's stride."""
    k = _conv(16, 8, 9, 21, 3, 1, pitch=24)
    gp = _lower(k)
    assert [l.strategy for l in gp.launches] == ["wgmma-conv"]
    assert _check(k, gp) == []


@pytest.mark.parametrize("case", [(16, 8, 20, 24, 3, 1, False), (72, 40, 9, 136, 1, 1, True), (16, 8, 9, 24, 3, 3, True)])
def test_on_by_default(case):
    """Since it ran correctly on an H100 (docs/GPU.md) the strategy is a default one: no
    opt-in needed (the CLI's --wgmma-conv is still accepted); leaving it out of an explicit
    strategy order still says how it would be taken."""
    k = _conv(*case)
    gp = _lower(k, opt_in=())
    assert "wgmma-conv" in [l.strategy for l in gp.launches], gp.notes
    inputs = random_inputs(k, 3)
    assert check_against_reference(k, simulate(gp, inputs), inputs, tolerance=tolerance_for(
        [l.strategy for l in gp.launches])) == []
    assert [l.strategy for l in optimize(k, library(), "cuda").program.launches] == \
        [l.strategy for l in optimize(k, library(), "cuda", wgmma_conv=True).program.launches]


def test_no_tensor_cores_leaves_it_out():
    gp = _lower(_conv(16, 8, 20, 24, 3, 1), tensor_cores=False)
    assert "wgmma-conv" not in [l.strategy for l in gp.launches]


@pytest.mark.parametrize("case", [(64, 64, 512, 512, 3, 1, False), (64, 64, 512, 512, 1, 1, True),
                                  (72, 40, 9, 136, 3, 1, False), (16, 16, 7, 40, 5, 1, True)])
def test_ptx_assembles_for_sm90a_without_spills(case, tmp_path):
    _assembles(_conv(*case), tmp_path)


def _assembles(k, tmp_path) -> None:
    """`k`'s conv PTX (TMA copies, wgmma) assembles for sm_90a without spills, setmaxnreg
    honoured; skipped without ptxas (the CUDA toolkit; CI has it)."""
    if shutil.which("ptxas") is None:
        pytest.skip("ptxas not on PATH (CUDA toolkit; CI has it)")
    ptx = optimize(k, library(), "cuda", wgmma_conv=True).text("ptx")
    assert ".target sm_90a" in ptx and "cp.async.bulk.tensor.3d" in ptx and "wgmma.mma_async" in ptx
    assert "C7508" not in _ptxas(tmp_path, ptx)  # setmaxnreg honoured


@pytest.mark.skipif(not _has_gpu(), reason="needs an NVIDIA GPU (CI has none: the model tests check the plan)")
@pytest.mark.parametrize("case", CASES[:6])
def test_conv_on_gpu(case):
    from rewriter.runtime.cuda import run_cuda

    k = _conv(*case)
    opt = optimize(k, library(), "cuda", wgmma_conv=True)
    assert [l.strategy for l in opt.program.launches] == ["wgmma-conv"]
    inputs = random_inputs(k, 2)
    got, _ = run_cuda(k, opt.code, inputs)
    assert check_against_reference(k, got, inputs, tolerance=TENSOR_CORE_TOLERANCE) == []
