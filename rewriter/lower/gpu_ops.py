"""Shared pieces of the GPU lowering (lower/gpu.py, lower/gpu_tiles.py): the machine
description, idx arithmetic on UOps (also the bank model's ops interface, so the addresses
the model checks are the ones the program uses), and small term utilities."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from rewriter.errors import RewriterError
from rewriter.ir.dtype import bool_, idx, u32
from rewriter.ir.uop import UOp, const
from rewriter.lower.gpu_program import Let
from rewriter.lower.target import TargetDesc


class GpuLoweringError(RewriterError):
    pass


@dataclass(frozen=True)
class GpuSpec:
    """NVIDIA H100/H200, compute capability 9.0 (CUDA C++ Programming Guide, "Technical
    Specifications per Compute Capability": 1024 threads per block, 2048 resident threads and
    32 resident blocks per SM, 64K 32-bit registers per SM, 48 KB of static shared memory per
    block, 32 lanes per warp); 132 SMs on the H100/H200 SXM parts."""

    sms: int = 132
    warp: int = 32
    max_block: int = 1024
    threads_per_sm: int = 2048
    blocks_per_sm: int = 32
    regs_per_sm: int = 65536
    shared_per_block: int = 48 * 1024
    vector_bytes: int = 16  # widest global load/store per thread (ld.global.v4.b32)
    # What the target can express, beside the sizes (the WebGPU record below differs here):
    shuffles: bool = True  # a fixed 32-lane warp with shuffles (else reductions fold in shared memory)
    shared_elem_bytes: int = 1  # the fewest bytes a shared-tile element takes (WebGPU: 32-bit carriers)
    index_bits: int = 64  # idx arithmetic is emitted in this width (PTX: i64; WGSL: i32)
    # The narrowest global store that does not touch a neighbour's bytes (PTX: st.global.u8).
    # WGSL's storage words are 32 bits: a lone u8 store is an atomicAnd + atomicOr pair on the
    # word other invocations also write, so strategies that can give a thread this many bytes
    # of adjacent outputs along the contiguous dimension do (whole-word, atomic-free stores).
    store_bytes: int = 1
    # Warp-level matrix instructions (mma.sync, ldmatrix; sm_80+): the "mma-matmul"
    # strategy (lower/gpu_mma.py). WGSL has none.
    tensor_cores: bool = True
    # Warpgroup matrix instructions and the tensor copy engine (wgmma, TMA, setmaxnreg; sm_90a):
    # the "wgmma-matmul" strategy (lower/gpu_wgmma.py).
    wgmma: bool = True
    # Adjacent outputs a thread along x in window tiles (lower/gpu_tiles.py): 0 lets the cost
    # model choose; N forces N where it is legal (the benchmark's one-output `#w1` row).
    window_outputs: int = 0
    # The most bytes one input row of a window-direct thread may take (lower/gpu_pool.py): one
    # vector by default; 32 lets maxpool2x2 u8 give a thread 16 outputs (two 16-byte loads a
    # row, one 16-byte store), the benchmark's `#d32` row.
    row_load_bytes: int = 16
    # Window tiles of 8/16-bit integers packed into shared words of this many bytes (0: the
    # tile is byte addressable as it is on CUDA). WGSL's `var<workgroup>` memory has no
    # 8/16-bit stores, so a u8 tile is otherwise one u8 per 32-bit carrier (4x the memory,
    # a window row W+2 separate reads). Packed, every staging store writes one whole word
    # (its bytes assembled from global memory by one invocation) and window rows are read a
    # word at a time, bytes extracted with shifts and masks (backends/wgsl.py); the bank
    # model then sees the real 1-byte elements in 4-byte slots.
    window_tile_words: int = 0


H100 = GpuSpec()

# WebGPU's default limits (W3C WebGPU, 3.6.2 "Limits": maxComputeInvocationsPerWorkgroup 256,
# maxComputeWorkgroupStorageSize 16384) on the same machine: the cost models keep the H100's
# SM counts, so WebGPU decides what CUDA decides wherever those limits allow. WGSL has no
# fixed subgroup size (subgroups are an optional extension), so block reductions fold
# through `var<workgroup>` trees, and its workgroup arrays hold 32-bit carriers for 8/16-bit
# data (backends/wgsl_types.py). Vectors stay 16 bytes (vec4<u32>, one 128-bit access).
# Window tiles of 8/16-bit integers are packed into 32-bit words there (`window_tile_words`),
# so they take CUDA's sizes and the cost model chooses W as it does for CUDA (conv3x3_u8:
# 4, CUDA's program). Measured on the H200 through Vulkan (bench/results/webgpu.md,
# 2026-12-01 18:43 UTC, CUDA 33.8 us): packed, 71.2 us at W = 1, 49.6 at 2, 35.6-36.0 at 4
# (the model's choice); with the 32-bit carriers of before, 51.4 us at W = 2.
WEBGPU = GpuSpec(max_block=256, shared_per_block=16 * 1024, shuffles=False, shared_elem_bytes=4, index_bits=32,
                 tensor_cores=False, wgmma=False, window_tile_words=4)
# The same with word-granular stores (4 adjacent u8 outputs a thread in window tiles, no
# atomics). Not the default: measured on the H200 (bench/results/webgpu.md, 2026-12-01 16:35
# UTC) maxpool2x2_u8 took 108.7 us this way against 93.5 us with byte stores through atomics,
# most likely because a lane's 4 outputs read shared columns 8 words apart (8-way bank
# conflicts on 32-bit carriers, where one output a lane reads them 2 apart). Window tiles are
# packed four u8 to a shared word now (`window_tile_words`); this record with packed tiles
# is not measured yet (docs/WEBGPU.md, "Not done yet").
# maxpool itself no longer takes the window tile: its windows do not overlap, so window-direct
# (lower/gpu_pool.py) stores whole words of outputs under either spec.
WEBGPU_WORD_STORES = replace(WEBGPU, store_bytes=4)
BLOCK_REDUCE_MIN = 256


def cuda_target() -> TargetDesc:
    return TargetDesc("cuda", H100.vector_bytes, 255, 255, "nvptx64-nvidia-cuda", "sm_90", "+ptx80", lane_threads=True)


def webgpu_target() -> TargetDesc:
    """The lowering's view of WebGPU: 16-byte vectors (one vec4<u32> a thread), as CUDA's."""
    return TargetDesc("webgpu", 16, 0, 0, lane_threads=True)


# -- idx arithmetic on UOps ------------------------------------------------------------------
def _c(v: int) -> UOp:
    return const(idx, int(v))


def _as(u) -> UOp:
    return u if isinstance(u, UOp) else _c(u)


def iadd(a, b) -> UOp:
    a, b = _as(a), _as(b)
    if b.op == "const" and b.arg == 0:
        return a
    if a.op == "const" and a.arg == 0:
        return b
    return UOp("add", idx, (a, b))


def imul(a, c) -> UOp:
    a, c = _as(a), _as(c)
    if c.op == "const" and c.arg == 1:
        return a
    if (c.op == "const" and c.arg == 0) or (a.op == "const" and a.arg == 0):
        return _c(0)
    return UOp("mul", idx, (a, c))


def idiv(a, c: int) -> UOp:
    return _as(a) if c == 1 else UOp("div", idx, (_as(a), _c(c)))


def imod(a, c: int) -> UOp:
    return _c(0) if c == 1 else UOp("mod", idx, (_as(a), _c(c)))


def ilt(a, b) -> UOp:
    return UOp("lt", bool_, (_as(a), _as(b)))


def ieq(a, b) -> UOp:
    return UOp("eq", bool_, (_as(a), _as(b)))


class UOpOps:
    """The bank model's ops interface (solver/banks.py) building idx UOps: the addresses the
    model checks are the addresses the program uses."""

    const = staticmethod(_c)
    add = staticmethod(iadd)
    mul = staticmethod(imul)
    div = staticmethod(idiv)
    mod = staticmethod(imod)

    @staticmethod
    def xor(a, b):
        # The op table defines bitwise ops at fixed widths only (idx is an unbounded integer):
        # the swizzle's operands are small non-negative chunk numbers, so xor them as u32.
        return UOp("cast", idx, (UOp("xor", u32, (UOp("cast", u32, (_as(a),)), UOp("cast", u32, (_as(b),)))),))


def pieces(nbytes: int, align: int, widest: int) -> list:
    """(byte offset, bytes) of the accesses that move `nbytes` consecutive bytes starting at an
    address known to be a multiple of `align`: each piece the widest power of two (at most
    `widest`) that its own offset keeps aligned -- 6 bytes at a 4-aligned start are 4 + 2,
    10 at an 8-aligned one 8 + 2. The window tile's cost model counts these and the PTX
    emitter issues them (an access wider than its alignment would fault on the GPU)."""
    out, k = [], 0
    while k < nbytes:
        p = widest
        while p > 1 and (p > nbytes - k or align % p or k % p):
            p //= 2
        out.append((k, p))
        k += p
    return out


def _decompose(linear: UOp, dims) -> list:
    """Let statements binding each (var, count, step) of `dims` (outermost first) from a
    linear id in row-major order."""
    out, stride = [], 1
    for v, count, step in reversed(dims):
        value = imod(idiv(linear, stride), count) if stride * count > 1 else _c(0)
        out.append(Let(v, imul(value, step)))
        stride *= count
    return list(reversed(out))


def _pow2_floor(n: int) -> int:
    return 1 << (max(1, n).bit_length() - 1)


def _reduce_of(value: UOp):
    reds = [n for n in value.toposort() if n.op == "reduce"]
    if len(reds) != 1 or any(n.op == "reduce" for n in reds[0].src[0].toposort()):
        return None
    return reds[0]


def _block_sizes(spec: GpuSpec) -> tuple:
    """The block sizes the cost models choose from: whole warps up to the target's limit."""
    return tuple(b for b in (1024, 512, 256, 128, 64, 32) if b <= spec.max_block)


def _block_size(n_threads: int, spec: GpuSpec):
    """Threads per block for a map over `n_threads`: the fewest waves of resident blocks
    (small blocks hit the 32-blocks-an-SM limit before the 2048-threads one), then blocks on
    as many SMs as possible, then 256 threads (8 warps) on ties. Returns (block, cost)."""
    best = None
    for b in _block_sizes(spec):
        blocks = -(-n_threads // b)
        per_wave = spec.sms * min(spec.blocks_per_sm, spec.threads_per_sm // b)
        waves = -(-blocks // per_wave)
        cost = (waves, -min(blocks, spec.sms), abs(math.log2(b) - 8))
        if best is None or cost < best[1]:
            best = (b, cost)
    return best
