"""A numpy model of a "wgmma-conv" launch (lower/gpu_wgmma_conv.py), the simulator's stand-in
for its PTX (lower/gpu_sim.py runs it for a launch whose body is a NativeBody of a ConvPlan).

It executes the plan from the methods the PTX emitter uses (backends/ptx_wgmma_conv.py), at
the level of the PTX ISA and the driver API, with gpu_wgmma_model's pieces:

  * the weights' scatter into shared memory (`ConvPlan.weight_offset`: the swizzled K-major
    blocks), everything else in the weight area zero;
  * the copy engine: box r of slice s of a tile at `ConvPlan.box_coords`, (x, y, c) elements
    outside the tensor map's dims read as zero, written as 64 rows (c) of 128 bytes (x)
    channels-first, or 64 rows (x) of 128 bytes (c) channels-last, with the 128-byte swizzle;
    a box whose innermost start is not 16-byte aligned is a ModelError, as it is a trap on
    the GPU (gpu_wgmma.TMA_COORD_ALIGN);
  * the descriptors (`a_descriptor`, `b_descriptor`) read back as the canonical layouts
    (gpu_wgmma_model.read_canonical), one wgmma = the exact sum of its products plus the
    accumulator rounded to f32 once;
  * the epilogue: the m64nN D fragment (gpu_wgmma_model.d_fragment), pixel n of the tile at
    row n / 64, column n % 64, stored where the output channel, row and column exist.

A wrong coordinate, offset, stride, swizzle or guard in the plan shows up as a wrong output
here; the instruction encodings are checked by ptxas and the GPU runs.
"""
from __future__ import annotations

import numpy as np

from rewriter.lower.gpu_wgmma import SWIZZLE_BYTES, TMA_COORD_ALIGN, WG_K, WG_M
from rewriter.lower.gpu_wgmma_conv import BC, BOX_BYTES, BX, ConvPlan
from rewriter.lower.gpu_wgmma_model import HALF, ModelError, d_fragment, read_canonical, swizzle


def weights(plan: ConvPlan, w_flat: np.ndarray) -> np.ndarray:
    """The weight area as the consumers leave it (f16 elements as float64)."""
    smem = np.zeros(plan.weight_bytes // HALF)
    o, c, tap = np.meshgrid(np.arange(plan.o), np.arange(plan.c), np.arange(plan.taps), indexing="ij")
    at = np.asarray(plan.weight_offset(o, c, tap))
    if at.min() < 0 or at.max() + HALF > plan.weight_bytes or at.min() % HALF:
        raise ModelError("a weight lands outside the weight area")
    if len(np.unique(at)) != at.size:
        raise ModelError("two weights land on one element")
    smem[at // HALF] = w_flat[((o * plan.c + c) * plan.taps + tap)].astype(np.float64)
    return smem


def tma_box(stage: np.ndarray, img: np.ndarray, off: int, x0: int, y0: int, c0: int, hwc: bool = False) -> None:
    """The copy engine's box at (x0, y0, c0) of `img` (indexed [c, y, x] over the tensor map's
    dims) into `stage` at byte `off`, rows of 128 bytes, swizzled: channels-first a
    (64 x, 1 y, 64 c) box, rows c of 64 x; channels-last (`hwc`) a (64 c, 64 x, 1 y) box, rows x
    of 64 c. The innermost start (x0, or c0 channels-last) must be 16-byte aligned: the copy
    engine traps otherwise (TMA_COORD_ALIGN)."""
    inner = c0 if hwc else x0
    if (inner * HALF) % TMA_COORD_ALIGN:
        raise ModelError(f"a box at {'c' if hwc else 'x'} = {inner} starts {inner * HALF} bytes into a row "
                         f"(the copy engine traps)")
    cs, ys, xs = img.shape
    c = np.arange(BC)[:, None] + c0
    x = np.arange(BX)[None, :] + x0
    inside = (c < cs) & (x < xs) & (0 <= y0 < ys) & (x >= 0)
    vals = np.where(inside, img[np.minimum(c, cs - 1), min(max(y0, 0), ys - 1), np.clip(x, 0, xs - 1)], 0)
    if hwc:  # row = pixel (x - x0), 128 bytes of channels
        at = swizzle(off + (x - x0) * SWIZZLE_BYTES + (c - c0) * HALF) // HALF
    else:  # row = channel, 128 bytes of pixels
        at = swizzle(off + (c - c0) * SWIZZLE_BYTES + (x - x0) * HALF) // HALF
    if at.min() < 0 or at.max() >= len(stage):
        raise ModelError("a box lands outside its stage")
    stage[at] = vals


def run(plan: ConvPlan, img_flat: np.ndarray, w_flat: np.ndarray, out_flat: np.ndarray) -> None:
    """Execute every tile of the plan, storing into the flat output array `out_flat`."""
    xs, ys, cs = plan.img_extent
    idx = (np.arange(cs)[:, None, None] * plan.img_sc + np.arange(ys)[None, :, None] * plan.img_sy
           + np.arange(xs)[None, None, :] * plan.img_sx)
    img = img_flat[idx].astype(np.float64)
    wsm = weights(plan, w_flat)
    for t in (t for blk in range(plan.grid) for t in plan.tiles_of_block(blk)):
        ot, y0, x0 = plan.tile_of(t)
        acc = np.zeros((WG_M, plan.n), dtype=np.float32)
        for s in range(plan.k_slices):
            stage = np.zeros(plan.stage_bytes // HALF)
            for r in range(plan.box_rows):
                off, coords = plan.box_coords(y0, x0, s, r)
                bc, bx, by = coords if plan.hwc else (coords[2], coords[0], coords[1])
                tma_box(stage, img, off, bx, by, bc, plan.hwc)
            for ky in range(plan.kh):
                for step in range(BC // WG_K):
                    a = read_canonical(wsm, plan.a_descriptor(ot, ky, s, step), WG_M, "the weights")
                    b = read_canonical(stage, plan.b_descriptor(ky, step), plan.n, "the image")
                    acc = (a @ b.T + acc.astype(np.float64)).astype(np.float32)
        for _, _, rows, cols in d_fragment(plan.n):
            o, y, x = ot * WG_M + rows, y0 + cols // BX, x0 + cols % BX
            ok = (o < plan.o) & (y < plan.ho) & (x < plan.wo)
            v = acc[rows[ok], cols[ok]]
            out_flat[o[ok] * plan.out_so + y[ok] * plan.out_sy + x[ok]] = v.astype(np.float16) if plan.out_f16 else v


assert BOX_BYTES == BX * BC * HALF
