"""A numpy model of a "wgmma-matmul" launch (lower/gpu_wgmma.py), the simulator's stand-in for
its PTX (lower/gpu_sim.py runs it for a launch whose body is a `NativeBody`).

It executes the plan's own arithmetic at the level the PTX ISA and the driver API describe,
block by block and slice by slice, from the same `WgmmaPlan` methods the PTX emitter uses:

  * the copy engine (`tma_box`): box j of a slice at the plan's coordinates, elements
    outside the tensor map's dims read as zero, written row after row (128-byte rows) at
    the plan's offset in the stage with the 128-byte swizzle (16-byte chunk c of row r goes
    to chunk c ^ (r % 8) within its 1024-byte atom: CUDA driver API,
    CU_TENSOR_MAP_SWIZZLE_128B; PTX ISA 9.7.15.5.1.2, Swizzle<3, 4, 3>);
  * the descriptors (`operand`): the plan's (offset, LBO, SBO, trans) read back as the
    canonical layouts of PTX ISA 9.7.15.5.1.2.1.3 (K-major: ((8, m), (T, 2k)) :
    ((8T, SBO), (1, T)); MN-major: ((T, 8, m), (8, k)) : ((1, T, LBO), (8T, SBO)); T = 8
    halves), the swizzle applied to the whole address;
  * one wgmma = the exact sum of its 16 products per output plus the accumulator, rounded
    to f32 once (as the simulator models mma.sync);
  * the epilogue: the D fragment (register 4i + 2h + e of lane l of warp w is row
    16 w + l / 4 + 8 h, column 8 i + 2 (l % 4) + e) stored where row < M and column < N.

A wrong offset, stride, coordinate, transpose flag or guard in the plan shows up as a wrong
product here; the instruction encodings themselves are checked by ptxas and the GPU runs.
"""
from __future__ import annotations

import numpy as np

from rewriter.errors import RewriterError
from rewriter.lower.gpu_wgmma import ATOM_BYTES, SWIZZLE_BYTES, TMA_COORD_ALIGN, WG_K, WG_M, WgmmaPlan, WgOperand

HALF = 2


class ModelError(RewriterError):
    """The plan reads or writes outside a stage (what the GPU would do is undefined)."""


def swizzle(addr):
    """Byte address -> where the 128-byte swizzle puts it (atoms 1024-aligned)."""
    return addr ^ (((addr >> 7) & 7) << 4)


def tma_box(smem: np.ndarray, g: np.ndarray, op: WgOperand, j: int, k0: int, o0: int) -> None:
    """Write box j of the slice at k0 (tile origin o0) of global operand `g` (2-d, outer x
    inner as the tensor map sees it: rows = dims[1], columns = dims[0]) into `smem` (f16
    elements of one stage, byte addressed through a view)."""
    off, (x0, y0) = op.box_at(j, k0, o0)
    if (x0 * HALF) % TMA_COORD_ALIGN:  # a trap on the GPU (gpu_wgmma.TMA_COORD_ALIGN)
        raise ModelError(f"box {j} of {op.name} starts {x0 * HALF} bytes into a row, not 16-byte aligned")
    bw, bh = op.box
    rows = np.arange(bh)[:, None]
    cols = np.arange(bw)[None, :]
    gy, gx = y0 + rows, x0 + cols
    inside = (gy < g.shape[0]) & (gx < g.shape[1])
    vals = np.where(inside, g[np.minimum(gy, g.shape[0] - 1), np.minimum(gx, g.shape[1] - 1)], 0)
    at = swizzle(off + rows * SWIZZLE_BYTES + cols * HALF) // HALF
    if at.min() < 0 or at.max() >= len(smem):
        raise ModelError(f"box {j} of {op.name} lands outside its stage")
    smem[at] = vals


def operand(smem: np.ndarray, op: WgOperand, row0: int, step: int, rows: int) -> np.ndarray:
    """The (rows x 16) operand (m or n by k) a wgmma reads through the plan's descriptor."""
    return read_canonical(smem, op.descriptor(row0, step), rows, op.name)


def read_canonical(smem: np.ndarray, desc: tuple, rows: int, name: str = "operand") -> np.ndarray:
    """The (rows x 16) operand a wgmma reads from `smem` (f16 elements) through descriptor
    `desc` = (byte offset, LBO, SBO, trans), with the 128-byte swizzle."""
    off, lbo, sbo, trans = desc
    r = np.arange(rows)[:, None]
    k = np.arange(WG_K)[None, :]
    if not trans:  # K-major: a row is 128 bytes of k; 8-row groups SBO apart
        addr = off + (r % 8) * SWIZZLE_BYTES + (r // 8) * sbo + k * HALF
    else:  # MN-major: a k row is 128 bytes of m/n; 64-wide blocks LBO apart, 8-k groups SBO apart
        per = SWIZZLE_BYTES // HALF
        addr = off + (r % per) * HALF + (r // per) * lbo + (k % 8) * SWIZZLE_BYTES + (k // 8) * sbo
    assert ATOM_BYTES == 8 * SWIZZLE_BYTES
    at = swizzle(addr) // HALF
    if at.min() < 0 or at.max() >= len(smem):
        raise ModelError(f"a wgmma operand of {name} reads outside its stage ({desc})")
    return smem[at]


def d_fragment(n: int):
    """(warp, register) -> (rows, columns) over the 32 lanes of the m64nNk16 D fragment:
    register 4i + 2h + e of lane l of warp w is row 16 w + l / 4 + 8 h, column 8 i + 2 (l % 4) + e
    (PTX ISA 9.7.15.5.1.1, "Matrix Fragments for wgmma.m64nNk16")."""
    lane = np.arange(32)
    for w in range(4):
        for reg in range(n // 2):
            i, h, e = reg // 4, (reg % 4) // 2, reg % 2
            yield w, reg, 16 * w + lane // 4 + 8 * h, 8 * i + 2 * (lane % 4) + e


def _global(op: WgOperand, flat: np.ndarray) -> np.ndarray:
    """The operand as the tensor map sees it: dims[1] rows of dims[0] elements, `stride` apart."""
    inner, outer = op.tensor_map().dims
    idx = np.arange(outer)[:, None] * op.stride + np.arange(inner)[None, :]
    return flat[idx].astype(np.float64)


def run(plan: WgmmaPlan, a_flat: np.ndarray, b_flat: np.ndarray, c_flat: np.ndarray) -> None:
    """Execute every block of the plan, storing into the flat f32 array `c_flat`."""
    ga, gb = _global(plan.a, a_flat), _global(plan.b, b_flat)
    for t in (t for blk in range(plan.grid) for t in plan.tiles_of_block(blk)):
        tm, tn = plan.tile_of(t)
        m0, n0 = tm * plan.bm, tn * plan.bn
        acc = np.zeros((plan.consumers, WG_M, plan.bn), dtype=np.float32)
        for i in range(plan.k_slices):
            k0 = i * plan.bk
            sa = np.zeros(plan.a.stage_bytes // HALF)
            sb = np.zeros(plan.b.stage_bytes // HALF)
            for j in range(plan.a.boxes):
                tma_box(sa, ga, plan.a, j, k0, m0)
            for j in range(plan.b.boxes):
                tma_box(sb, gb, plan.b, j, k0, n0)
            for cw in range(plan.consumers):
                for step in range(plan.bk // WG_K):
                    a = operand(sa, plan.a, WG_M * cw, step, WG_M)
                    b = operand(sb, plan.b, 0, step, plan.bn)
                    acc[cw] = (a @ b.T + acc[cw].astype(np.float64)).astype(np.float32)
        for cw in range(plan.consumers):
            for _, _, rows, cols in d_fragment(plan.bn):
                gr, gc = m0 + WG_M * cw + rows, n0 + cols
                ok = (gr < plan.m) & (gc < plan.n)
                c_flat[gr[ok] * plan.ldc + gc[ok]] = acc[cw, rows[ok], cols[ok]]
