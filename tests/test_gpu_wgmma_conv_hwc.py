"""The wgmma-conv strategy over channels-last images (lower/gpu_wgmma_conv.py, `ConvPlan.hwc`)
and the layout launch in front of a channels-first KxK kernel (lower/gpu_conv_layout.py):
plans over several C, O, H, W, KH x KW off the tiles simulated against the reference
interpreter (the numpy model executes the plan's box coordinates, K-major descriptors and
swizzles), every box start checked against the copy engine's rule, mutated plans caught,
ptxas for sm_90a without spills, and the notes saying which path ran and why."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rewriter.kernel.check import TENSOR_CORE_TOLERANCE
from rewriter.kernel.parser import parse_kernels
from rewriter.lower import gpu_wgmma_conv_model
from rewriter.lower.gpu_program import native_plan
from rewriter.lower.gpu_wgmma_conv import ConvPlan
from rewriter.lower.gpu_wgmma_model import ModelError
from tests.test_gpu_wgmma_conv import _assembles, _check, _conv, _lower, _rejected, _with_plan, library


def _conv_hwc(c, o, h, w, kh, kw, f16_out=False, pixel=None):
    """A 'valid' KH x KW convolution of a channels-last image img[y, x, c]; `pixel` pads each
    pixel's channels (elements) beyond c."""
    ho, wo, pc = h - kh + 1, w - kw + 1, pixel or c
    s = "sum(cast<f32>(img[y + ky, x + kx, c]) * cast<f32>(w[o, c, ky, kx]), c, ky, kx)"
    return parse_kernels(f"""kernel conv(img: f16[{h}, {w}, {pc}], w: f16[{o}, {c}, {kh}, {kw}]) ->
      (out: {'f16' if f16_out else 'f32'}[{o}, {ho}, {wo}]) {{
      o = range({o}); y = range({ho}); x = range({wo})
      c = range({c}, reduce); ky = range({kh}, reduce); kx = range({kw}, reduce)
      out[o, y, x] = {f'cast<f16>({s})' if f16_out else s} }}""")[0]


# (C, O, H, W, KH, KW, f16 out): channels 8..136 (one and three channel slices, off the
# 64-channel slice), output channels on and off the 64-channel tile (two tiles), rows off TY,
# columns off 64 (odd widths: scalar stores), 1x1 to 4x4 and non-square kernels.
CASES = [(16, 8, 20, 24, 3, 3, False), (64, 64, 10, 72, 3, 3, False), (72, 40, 9, 136, 3, 3, True),
         (8, 8, 11, 16, 2, 2, False), (16, 96, 13, 40, 3, 2, False), (32, 16, 14, 67, 4, 4, True),
         (8, 72, 7, 33, 1, 3, False), (136, 16, 6, 20, 2, 2, False), (24, 8, 9, 16, 1, 1, True)]
IDS = lambda c: "c{}-o{}-{}x{}-k{}x{}{}".format(*c[:6], "-h" if c[6] else "")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_channels_last_plan_matches_reference(case):
    k = _conv_hwc(*case)
    gp = _lower(k)
    assert [l.strategy for l in gp.launches] == ["wgmma-conv"], gp.notes
    p = native_plan(gp.launches[0])
    assert p.hwc and p.b_descriptor(0, 0)[3] == 0  # K-major image operand
    assert any("over the channels-last image" in n and "image K-major" in n for n in gp.notes), gp.notes
    assert _check(k, gp) == []


@pytest.mark.parametrize("case", CASES[:4] + [(16, 96, 13, 40, 2, 3, False), (8, 8, 12, 40, 1, 9, True)], ids=IDS)
def test_nchw_takes_the_layout_launch(case):
    """The same shapes channels-first: KW > 1 cannot shift channels-first boxes (the copy
    engine's 16-byte rule), so a tiled transpose into a channels-last temporary runs first;
    1-wide kernels keep the direct plan."""
    k = _conv(*case)
    gp = _lower(k)
    want = ["tiled-transpose", "wgmma-conv"] if case[5] > 1 else ["wgmma-conv"]
    assert [l.strategy for l in gp.launches] == want, gp.notes
    if case[5] > 1:
        (tmp,) = gp.scratch
        c, h, w = case[0], case[2], case[3]
        assert tmp.size == c * h * w and tmp.role == "temp"
        p = native_plan(gp.launches[1])
        assert p.hwc and p.img_buffer == tmp.name and p.img_sx == c and p.img_sy == w * c
        assert p.img_param == len(k.buffers)
        assert any("layout launch first" in n and "not copy-engine addressable" in n and "2 bytes into its row" in n
                   for n in gp.notes), gp.notes
    assert _check(k, gp, seed=4) == []


def test_issue_shape_plans():
    """1 x 64 x 512 x 512, 64 filters 3 x 3 (issue 16): channels-last directly, NCHW through the
    layout launch; TY = 4 (m64n256), 6 box rows a slice, 3 slices (kx), every box aligned."""
    for k in (_conv_hwc(64, 64, 512, 512, 3, 3), _conv(64, 64, 512, 512, 3, 3)):
        gp = _lower(k)
        p = native_plan(gp.launches[-1])
        assert isinstance(p, ConvPlan) and p.hwc
        assert (p.ty, p.n, p.box_rows, p.k_slices, p.tiles, p.grid) == (4, 256, 6, 3, 8 * 128, 132)
        (tm,) = p.tensor_maps()
        assert tm.dims == (64, 512, 512) and tm.strides == (128, 512 * 128) and tm.box == (64, 64, 1)
        assert p.tma_problem() is None and p.shared_bytes <= 227 * 1024


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_channels_last_box_starts_aligned(case):
    """Every box over every tile, slice and box row: the innermost coordinate (channels) is a
    multiple of 64, the pixel shift x0 + kx an outer coordinate."""
    p = native_plan(_lower(_conv_hwc(*case)).launches[0])
    (tm,) = p.tensor_maps()
    for t in range(p.tiles):
        _, y0, x0 = p.tile_of(t)
        for s in range(p.k_slices):
            kx, _ = p.slice_of(s)
            for r in range(p.box_rows):
                _, co = p.box_coords(y0, x0, s, r)
                assert tm.coord_problem(co) is None and co[1] == x0 + kx and co[2] == y0 + r, (t, s, r, co)


def test_the_model_refuses_a_misaligned_channel_start():
    img = np.zeros((16, 20, 24))
    stage = np.zeros(8192 // 2)
    gpu_wgmma_conv_model.tma_box(stage, img, 0, 3, 5, 8, hwc=True)  # any pixel shift is legal
    for c0 in (1, 4, 12):
        with pytest.raises(ModelError, match="bytes into a row"):
            gpu_wgmma_conv_model.tma_box(stage, img, 0, 0, 0, c0, hwc=True)


@pytest.mark.parametrize("edit, why", [
    (lambda p: replace(p, img_sx=p.img_sx + 8), "pixel stride"),
    (lambda p: replace(p, img_sy=p.img_sy - p.img_sx), "row stride"),
    (lambda p: replace(p, hwc=False), "read channels-first"),
    (lambda p: replace(p, kw=p.kw - 1), "one tap column fewer"),
])
def test_model_catches_a_wrong_channels_last_plan(edit, why):
    k = _conv_hwc(16, 8, 12, 72, 3, 3)
    assert _rejected(k, _with_plan(_lower(k), edit), (ModelError, IndexError)), why


def test_model_catches_wrong_channels_last_descriptors(monkeypatch):
    k = _conv_hwc(16, 8, 12, 72, 3, 3)
    gp = _lower(k)
    good = ConvPlan.b_descriptor
    for bad in (lambda d: d[:3] + (1,),  # the image read MN-major
                lambda d: (d[0], d[1], 2 * d[2], d[3]),  # 8-pixel groups 2 KB apart
                lambda d: (d[0] + 16, d[1], d[2], d[3])):  # the k16 step off by 8 channels
        monkeypatch.setattr(ConvPlan, "b_descriptor", lambda self, ky, step, bad=bad: bad(good(self, ky, step)))
        assert _rejected(k, gp)


def test_padded_pixels_take_it():
    """Pixels padded beyond C (a channel pitch of 16-byte multiples): the tensor map's x stride."""
    k = _conv_hwc(16, 8, 9, 21, 3, 3, pixel=24)
    gp = _lower(k)
    assert [l.strategy for l in gp.launches] == ["wgmma-conv"]
    assert native_plan(gp.launches[0]).img_sx == 24
    assert _check(k, gp) == []


@pytest.mark.parametrize("case, pixel, why", [
    ((12, 8, 9, 24, 3, 3), None, "16-byte aligned"),  # 24-byte pixels
    ((16, 8, 9, 24, 3, 3), 20, "16-byte aligned"),
    ((72, 70, 4, 16, 3, 3), None, "exceed 227 KB"),
])
def test_channels_last_refusals_are_explained(case, pixel, why):
    k = _conv_hwc(*case, pixel=pixel)
    gp = _lower(k)
    assert "wgmma-conv" not in [l.strategy for l in gp.launches]
    assert any("wgmma-conv not taken" in n and why in n for n in gp.notes), gp.notes


@pytest.mark.parametrize("k", [_conv_hwc(64, 64, 512, 512, 3, 3, True), _conv(64, 64, 512, 512, 3, 3),
                               _conv_hwc(16, 40, 9, 136, 4, 4, False)], ids=["hwc-issue-h", "nchw-issue", "hwc-4x4"])
def test_ptx_assembles_for_sm90a_without_spills(k, tmp_path):
    _assembles(k, tmp_path)


def test_tolerance_is_the_tensor_cores():
    k = _conv(16, 8, 20, 24, 3, 3)
    from rewriter.kernel.check import tolerance_for
    assert tolerance_for([l.strategy for l in _lower(k).launches]) == TENSOR_CORE_TOLERANCE


@pytest.mark.parametrize("f16", [True, False])
def test_staged_epilogue_layout(f16):
    """The staged epilogue's shared-memory layout (backends/ptx_wgmma_conv.staged_write /
    staged_read, the formulas its instructions compute): every (row, column) of a warp's
    8 x 32 chunk has one place inside the warp's 1 KB, each read finds the element its store
    writes (row -> output channel, column -> pixel), a read step covers whole rows (128
    contiguous bytes of output a warp store), and neither side has bank conflicts (the
    CUDA guide's model: 32 banks of 4 bytes; 8-byte accesses served per half-warp)."""
    from rewriter.backends.ptx_wgmma_conv import staged_read, staged_write
    from rewriter.lower.gpu_wgmma_conv import EPI_WARP_BYTES

    es = 2 if f16 else 4
    where = {}
    for k in range(4):
        accesses = []
        for lane in range(32):
            off, row, col = staged_write(f16, lane, k)
            assert 0 <= off and off + 2 * es <= EPI_WARP_BYTES and off % (2 * es) == 0
            for e in range(2):  # the pair: two halves of a b32, or a v2.f32
                assert (row, col + e) not in where.values()
                where[off + e * es] = (row, col + e)
            accesses.append(off)
        phase = 32 if f16 else 16  # b32 one phase; 8-byte accesses one half-warp each
        for p0 in range(0, 32, phase):
            banks = [(a // 4 + w) % 32 for a in accesses[p0:p0 + phase] for w in range(2 * es // 4)]
            assert len(set(banks)) == len(banks), (k, p0)
    assert len(where) == 8 * 32
    for m in range(4 if f16 else 8):
        rows, banks = set(), []
        for lane in range(32):
            off, row, col = staged_read(f16, lane, m)
            for e in range(4 // es):
                assert where[off + e * es] == (row, col + e), (m, lane)
            rows.add(row)
            banks.append(off // 4 % 32)
        assert len(banks) == len(set(banks)) and len(rows) == (2 if f16 else 1)


def test_staged_epilogue_is_planned_where_it_fits():
    p = native_plan(_lower(_conv_hwc(64, 64, 512, 512, 3, 3, True)).launches[0])
    assert p.staged_out and p.stages == 3 and p.shared_bytes <= 227 * 1024
    assert p.epi_base % 128 == 0 and p.epi_base >= p.barrier_base + 8 * (2 * p.stages + 2)
    # odd output width in f16: the pairs are not 4-byte aligned: the direct epilogue
    assert not native_plan(_lower(_conv_hwc(16, 8, 9, 21, 3, 3, True)).launches[0]).staged_out
    assert native_plan(_lower(_conv_hwc(16, 8, 9, 21, 3, 3, False)).launches[0]).staged_out
