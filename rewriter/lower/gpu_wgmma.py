"""Strategy "wgmma-matmul": c[m, n] = sum(cast<f32>(A(m, k)) * cast<f32>(B(k, n)), k) with f16
or bf16 A and B (both the same) on Hopper's warpgroup tensor-core instructions (sm_90a): `wgmma.mma_async` reading
both operands from shared memory, fed by the tensor copy engine (TMA,
`cp.async.bulk.tensor`) through a ring of shared stages guarded by mbarriers. Tried before
"mma-matmul" (lower/gpu_mma.py, mma.sync) on targets with `GpuSpec.wgmma`; what it does not
cover (an epilogue on the sum, operands whose rows are not 16-byte aligned, ...) goes
on to mma-matmul unchanged, and `--explain` says why.

What a block does (`WgmmaPlan`): a BM x BN tile of c, BM = 64 x CONSUMERS. Its threads are
1 + CONSUMERS warpgroups of 128 (warp specialization):

  * the producer warpgroup (warpgroup 0; one thread issues, the rest idle with few
    registers: `setmaxnreg.dec`) walks the K slices (BK = 64 halves = 128 bytes, the span of
    the 128-byte swizzle): for slice i it waits until stage i % S is free (mbarrier
    `empty[s]`, after the first S slices), announces the stage's bytes on `full[s]`
    (`mbarrier.arrive.expect_tx`) and issues the TMA copies of A's and B's boxes into it;
    the copy engine completes `full[s]` when the bytes have landed;
  * each consumer warpgroup (`setmaxnreg.inc`: 128 f32 accumulators a thread at BN = 256)
    owns 64 rows of the tile: for slice i it waits on `full[s]` (phase parity (i / S) % 2),
    issues BK/16 `wgmma.mma_async.m64nBNk16` (descriptors into stage s), commits, waits for
    them, and each warp's lane 0 arrives on `empty[s]` (count: the consumer warps), handing
    the stage back to the producer;
  * the epilogue stores each consumer thread's accumulators straight from registers (the
    m64nN D fragment: PTX ISA 9.7.15.5.1.1, "Matrix Fragments for wgmma.m64nNk16"),
    guarded by row < M and column < N where the tile overhangs the matrix;
  * persistent (`WgmmaPlan.blocks`, one block an SM by default): a block walks tiles b,
    b + blocks, ... with its stage ring and barrier phases running on across tiles, so the
    producer is already filling the next tile's stages while the consumers store.

Any M, N, K: the tensor maps (`cuTensorMapEncodeTiled`, made by the runtime from the
device pointers: runtime/cuda.py) describe the operands at their true extents, and the copy
engine fills a box's elements outside them with zeros (CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE),
which add nothing to the sums; the epilogue's guards drop the rows and columns past the
matrix. The one shape condition is the copy engine's: every row of an operand in global
memory starts 16-byte aligned (its row stride a multiple of 8 halves, no constant offset).

Shared layouts (PTX ISA 9.7.15.5.1.2, "Shared Memory Matrix Layout", canonical layouts with
128-byte swizzling, T = 8 halves): every box the copy engine writes has 128-byte rows (64
halves along the operand's contiguous dimension), swizzled in 1024-byte atoms of 8 rows
(16-byte chunk c of row r lands at chunk c ^ (r % 8)), which is the layout the descriptors
name:

  K-major (the operand contiguous along k: a[m, k], b[n, k]; wgmma trans 0): one box of
    BK x rows; ((8, m), (T, 2k)) : ((8T, SBO), (1, T)), SBO = 1024 bytes (8 rows); the k16
    step j starts 32 j bytes into the row (the swizzle applies to the whole address);
  MN-major (contiguous along m or n: b[k, n]; trans 1): rows / 64 boxes of 64 (m or n) x BK;
    ((T, 8, m), (8, k)) : ((1, T, LBO), (8T, SBO)), LBO = one box (the next 64 along m/n),
    SBO = 1024 bytes (the next 8 k); the k16 step j starts 16 rows = 2048 j bytes in.

Summation order: for each output, K is consumed in k16 steps in ascending k (slices in
order, BK/16 wgmma each, issued in order into one f32 accumulator), the same order as the
mma.sync path (docs/GPU.md, "Floating point"): `kernel.check.TENSOR_CORE_TOLERANCE`. bf16
takes the same plan, layouts and order as f16 (both 2-byte elements): only the wgmma's
type (`.f32.bf16.bf16`) and the tensor maps' element type (BFLOAT16) differ. A product of
two bf16 (8-bit significands) is exact in f32 as one of two halves is, except below f32's
normal range (bf16 shares f32's exponents: 2^-133 squared underflows).

The emitted PTX is in backends/ptx_wgmma.py; lower/gpu_wgmma_model.py executes a plan in
numpy (the simulator's model of it: the copy engine's swizzled boxes, the descriptors'
canonical layouts, the D fragment and the guarded stores), so CI checks the plan's
arithmetic without a GPU.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.ir.analysis import affine
from rewriter.ir.dtype import DType, bf16, f16
from rewriter.lower.gpu_mma import _match
from rewriter.lower.gpu_ops import GpuSpec
from rewriter.lower.gpu_program import Launch, NativeBody

# Data tables (PTX ISA 9.7.15; CUDA driver API cuda.h 13.0, "Tensor Map Object Management").
WG = 128  # threads of a warpgroup
WG_M = 64  # rows of one wgmma (m64nNk16)
WG_K = 16
SWIZZLE_BYTES = 128  # the 128-byte swizzle: box rows of 128 bytes, 1024-byte atoms of 8 rows
ATOM_BYTES = 1024
SHARED_LIMIT = 227 * 1024  # opt-in dynamic shared memory a block may have on sm_90
ALIGN_SLACK = 1024  # the dynamic window is aligned up to an atom in the kernel
CONSUMERS = 2  # consumer warpgroups: BM = 128
MAX_STAGES = 6
# Registers a thread (setmaxnreg: multiples of 8 in 24..256; the block's sum within 64K).
PRODUCER_REGS, CONSUMER_REGS = 40, 232
# Cost model estimates (not measurements): dense f16 wgmma at 4096 flop a cycle an SM; ~64
# bytes a cycle an SM from L2; a TMA load's latency under load (cycles, as gpu_mma's).
FLOP_PER_CYCLE, L2_BYTES_PER_CYCLE, LOAD_LATENCY = 4096, 64, 1000
# Tile rows walked together (the blocks resident at once share B's columns in L2). H100,
# 4096^3, a block a tile: 16 rows 196.5 us, 8 rows 199.2, 4 rows 206.1; persistent: 16 and 8
# alike (192.8, 192.7). The shipped plan (persistent, 16, 3 stages) measured 191.0 us.
GROUP_M = 16
INPUT_TYPES = (f16, bf16)
TMA_DTYPE = {f16: 6, bf16: 9}  # CU_TENSOR_MAP_DATA_TYPE_FLOAT16, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
SWIZZLE_128B, L2_PROMOTION_256B = 3, 3  # CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B
TMA_ELEM_BYTES = {6: 2, 9: 2}  # bytes of an element of each TMA_DTYPE code
# The copy engine reads a box from the address its coordinates give; the innermost coordinate
# times the element size must be a multiple of 16 bytes, else the copy traps with
# CUDA_ERROR_ILLEGAL_INSTRUCTION (the driver's encode cannot check it: coordinates come at run
# time). Not in the driver API text, which gives the same 16 bytes for the base address and
# the strides only; documented by Triton (Gluon TMA tutorial, triton-lang/triton#9112: "the
# innermost coordinate must be 16-byte aligned"), found on hardware in triton-lang/triton#7385
# and tile-ai/tilelang#2527, and on the H100 here (issue 16: the wgmma conv's x + kx boxes).
TMA_COORD_ALIGN = 16


class WgmmaUnsupported(Exception):
    """Why a store does not take this strategy (a note; mma-matmul is tried next)."""


@dataclass(frozen=True)
class TensorMap:
    """One cuTensorMapEncodeTiled call, on the device pointer of kernel parameter `param`:
    dims and box innermost first (elements), the second dimension's stride in bytes, and
    those of any further dimensions (`more_strides`: rank 3 for the convolution's image)."""

    param: int
    dtype_code: int
    dims: tuple
    stride_bytes: int
    box: tuple
    swizzle: int = SWIZZLE_128B
    l2_promotion: int = L2_PROMOTION_256B
    more_strides: tuple = ()

    @property
    def strides(self) -> tuple:
        """Every outer dimension's stride in bytes (cuTensorMapEncodeTiled's globalStrides)."""
        return (self.stride_bytes,) + tuple(self.more_strides)

    @property
    def elem_bytes(self) -> int:
        return TMA_ELEM_BYTES[self.dtype_code]

    def coord_problem(self, coords: tuple) -> str | None:
        """Why a box at `coords` (innermost first, elements) would trap the copy engine, or
        None: its first byte along the innermost dimension must be 16-byte aligned
        (TMA_COORD_ALIGN; the base and the outer strides are 16-byte multiples, checked where
        the map is made, so the innermost coordinate alone decides)."""
        off = coords[0] * self.elem_bytes
        if off % TMA_COORD_ALIGN:
            return (f"a box at innermost coordinate {coords[0]} starts {off} bytes into its row, not a multiple "
                    f"of {TMA_COORD_ALIGN} (the copy engine traps: illegal instruction)")
        return None


@dataclass(frozen=True)
class WgOperand:
    """A or B as the copy engine and the descriptors see it. `k_fast`: contiguous along k
    (K-major) else along m/n (MN-major); `stride`: elements between consecutive global rows
    (rows are m/n when k_fast, else k); `rows`: BM or BN."""

    name: str
    buffer: str
    param: int
    k_fast: bool
    outer: int  # M or N
    kk: int  # K
    stride: int
    rows: int
    bk: int
    dtype: DType = f16  # the element type (f16 or bf16: 2 bytes either way)

    @property
    def row_elems(self) -> int:
        return SWIZZLE_BYTES // 2

    @property
    def boxes(self) -> int:
        return 1 if self.k_fast else self.rows // self.row_elems

    @property
    def box(self) -> tuple:
        return (self.bk, self.rows) if self.k_fast else (self.row_elems, self.bk)

    @property
    def box_bytes(self) -> int:
        return self.box[0] * self.box[1] * 2

    @property
    def stage_bytes(self) -> int:
        return self.rows * self.bk * 2

    def tensor_map(self) -> TensorMap:
        dims = (self.kk, self.outer) if self.k_fast else (self.outer, self.kk)
        return TensorMap(self.param, TMA_DTYPE[self.dtype], dims, self.stride * 2, self.box)

    def box_at(self, j: int, k0, o0):
        """(shared offset in the stage, coordinates innermost first) of box j of the slice at
        k0 whose tile starts at o0 (ints or anything with + and *)."""
        if self.k_fast:
            return 0, (k0, o0)
        return j * self.box_bytes, (o0 + j * self.row_elems, k0)

    def descriptor(self, row0: int, step: int) -> tuple:
        """(byte offset in the stage, LBO, SBO, trans) of the wgmma operand whose first row
        (m or n) is `row0` of the tile, at k16 step `step` of the slice."""
        if self.k_fast:
            return row0 * SWIZZLE_BYTES + step * WG_K * 2, 16, ATOM_BYTES, 0
        assert row0 % self.row_elems == 0
        return (row0 // self.row_elems) * self.box_bytes + step * WG_K * SWIZZLE_BYTES, self.box_bytes, ATOM_BYTES, 1


@dataclass(frozen=True)
class WgmmaPlan:
    """Everything the PTX emitter and the model need: sizes, tile, stages, operands, the
    output's parameter and row stride, and the parameter list (every program buffer)."""

    name: str
    m: int
    n: int
    k: int
    bm: int
    bn: int
    bk: int
    stages: int
    a: WgOperand
    b: WgOperand
    c_param: int
    c_buffer: str
    ldc: int
    params: tuple  # names of the pointer parameters, in order
    group_m: int = GROUP_M
    # Blocks launched (0: one a tile). Fewer: each block walks tiles b, b + blocks, ...
    # (persistent), its producer filling the next tile's stages while the consumers store.
    blocks: int = 0

    @property
    def dtype(self) -> DType:
        """The operands' element type (A and B share it: `_match`)."""
        return self.a.dtype

    @property
    def consumers(self) -> int:
        return self.bm // WG_M

    @property
    def threads(self) -> int:
        return WG * (1 + self.consumers)

    @property
    def tiles_m(self) -> int:
        return -(-self.m // self.bm)

    @property
    def tiles_n(self) -> int:
        return -(-self.n // self.bn)

    @property
    def tiles(self) -> int:
        return self.tiles_m * self.tiles_n

    @property
    def grid(self) -> int:
        return min(self.blocks, self.tiles) if self.blocks else self.tiles

    def tiles_of_block(self, b: int) -> range:
        return range(b, self.tiles, self.grid)

    @property
    def k_slices(self) -> int:
        return -(-self.k // self.bk)

    @property
    def stage_bytes(self) -> int:
        return self.a.stage_bytes + self.b.stage_bytes

    @property
    def shared_bytes(self) -> int:
        """The dynamic shared memory asked for: the stages, their two mbarriers each, and the
        slack the kernel uses to align the window to a swizzle atom."""
        return self.stages * self.stage_bytes + 16 * self.stages + ALIGN_SLACK

    def tile_of(self, t: int) -> tuple:
        """(tile row, tile column) of tile t: GROUP_M tile rows are walked column by column,
        so the blocks resident at once read few columns of B (L2 reuse)."""
        per_group = self.group_m * self.tiles_n
        first = (t // per_group) * self.group_m
        size = min(self.tiles_m - first, self.group_m)
        r = t % per_group
        return first + r % size, r // size

    def tensor_maps(self) -> tuple:
        return (self.a.tensor_map(), self.b.tensor_map())

    def operand_problem(self) -> str | None:
        """Why the operands cannot be multiplied by this PTX (None if they can): A and B
        share one type of INPUT_TYPES (the checker's hook)."""
        if self.a.dtype != self.b.dtype or self.a.dtype not in INPUT_TYPES:
            return f"operands of {self.a.dtype} and {self.b.dtype}, not both f16 or both bf16"
        return None

    def buffer_types(self) -> tuple:
        """(buffer, element type) of every buffer the PTX reads or writes."""
        return ((self.a.buffer, str(self.a.dtype)), (self.b.buffer, str(self.b.dtype)), (self.c_buffer, "f32"))

    def __str__(self) -> str:
        major = lambda o: "K-major" if o.k_fast else "MN-major"
        return (f"{self.bm}x{self.bn}x{self.bk} tiles ({self.tiles}), {self.stages} stages of {self.stage_bytes // 1024} KB, "
                f"{'persistent, ' if self.grid < self.tiles else ''}"
                f"{self.consumers} consumer warpgroups of m64n{self.bn}k16 + 1 TMA producer; "
                f"A {major(self.a)}, B {major(self.b)} (128-byte swizzle)")


def choose_tile(m: int, n: int, kk: int, spec: GpuSpec, b_k_fast: bool) -> tuple:
    """(BM, BN, BK, stages): of the wgmma widths that tile the block's B boxes, the one with the
    least estimated time = waves x a tile's cycles a K slice, max(tensor-core issue, L2
    traffic of its A and B slices); ties to the wider tile (fewer bytes a flop). Stages: enough
    slices in flight to cover LOAD_LATENCY, within the shared memory."""
    bm = WG_M * CONSUMERS
    best = None
    for bn in (256, 192, 128, 64):
        if not b_k_fast and bn % (SWIZZLE_BYTES // 2):
            continue
        tiles = -(-m // bm) * -(-n // bn)
        waves = -(-tiles // spec.sms)
        cycles = max(2 * bm * bn / FLOP_PER_CYCLE, (bm + bn) * 2 / L2_BYTES_PER_CYCLE)
        key = (waves * cycles, -bn)
        if best is None or key < best[0]:
            best = (key, bn)
    bn = best[1]
    bk = SWIZZLE_BYTES // 2
    stage = (bm + bn) * bk * 2
    # The slices in flight must cover a load's latency with the tensor-core time of a slice,
    # plus one stage being multiplied and one being refilled. More stages bought nothing on
    # the H100 at 4096^3 (3 stages 191.0 us, 4 stages 192.8, bench/results/gpu.md).
    slice_cycles = 2 * bm * bn * bk / FLOP_PER_CYCLE
    want = 2 + -(-LOAD_LATENCY // int(slice_cycles))
    stages = max(3, min(want, MAX_STAGES, (SHARED_LIMIT - ALIGN_SLACK) // (stage + 16)))
    return bm, bn, bk, stages


def _operand(lw, load, name: str, outer: str, kname: str, buffers: tuple, rows: int, bk: int) -> WgOperand:
    a = affine(load.src[0])
    if a is None or set(a) - {outer, kname, None}:
        raise WgmmaUnsupported(f"{load.arg}'s index is not affine in ({outer}, {kname})")
    if a.get(None, 0):
        raise WgmmaUnsupported(f"{load.arg}'s index has a constant offset (the copy engine needs 16-byte aligned rows)")
    if a.get(kname) == 1:
        k_fast, stride = True, a.get(outer, 0)
    elif a.get(outer) == 1:
        k_fast, stride = False, a.get(kname, 0)
    else:
        raise WgmmaUnsupported(f"{load.arg} is contiguous along neither {outer} nor {kname}")
    if stride <= 0 or (stride * 2) % 16:
        raise WgmmaUnsupported(f"{load.arg}'s rows are {stride} halves apart (the copy engine needs a multiple of 8)")
    size = lambda v: lw.k.range(v).size
    if stride < size(kname if k_fast else outer):  # overlapping rows: not a tensor map the driver takes
        raise WgmmaUnsupported(f"{load.arg}'s rows overlap ({stride} halves apart)")
    return WgOperand(name, load.arg, buffers.index(load.arg), k_fast, size(outer), size(kname), stride, rows, bk,
                     load.dtype)


def plan_wgmma(lw, st, name: str, spec: GpuSpec, buffers: tuple) -> WgmmaPlan:
    """The plan for store `st`, or WgmmaUnsupported saying why not."""
    got = _match(lw, st)
    if got is None:
        raise WgmmaUnsupported("not an f16 or bf16 product summed in f32")
    buf, indices, value, r, la, lb, mname, nname, kname = got
    if la.dtype not in INPUT_TYPES:
        raise WgmmaUnsupported(f"{la.dtype} inputs")
    if value is not r:
        raise WgmmaUnsupported("an epilogue on the sum (the wgmma epilogue stores the accumulators as they are)")
    if len(buf.shape) != 2:
        raise WgmmaUnsupported("the output is not a 2-d array")
    m, n, kk = (lw.k.range(x).size for x in (mname, nname, kname))
    b_fast = affine(lb.src[0])
    bm, bn, bk, stages = choose_tile(m, n, kk, spec, b_fast is not None and b_fast.get(kname) == 1)
    a = _operand(lw, la, "a", mname, kname, buffers, bm, bk)
    b = _operand(lw, lb, "b", nname, kname, buffers, bn, bk)
    if not b.k_fast and bn % b.row_elems:
        raise WgmmaUnsupported("an MN-major B tile that is not whole 64-column boxes")
    # Persistent: one block an SM (its registers, 384 x 168, and its stages allow no second),
    # each walking tiles b, b + SMs, ...: the producer fills the next tile's stages while the
    # consumers store the last one (H100 4096^3: 192.7 us against 199.2 with a block a tile).
    return WgmmaPlan(name, m, n, kk, bm, bn, bk, stages, a, b, buffers.index(buf.name), buf.name,
                     buf.shape[1], buffers, blocks=spec.sms)


def _wgmma_matmul(lw, st, name: str, spec: GpuSpec, notes: list, buffers: tuple):
    """The launch, or None (with a note saying why) when the store is not covered."""
    if not getattr(spec, "wgmma", False):
        return None
    if _match(lw, st) is None:
        return None  # not a tensor-core matmul at all: nothing to explain
    try:
        p = plan_wgmma(lw, st, name, spec, buffers)
    except WgmmaUnsupported as e:
        notes.append(f"{name}: wgmma-matmul not taken ({e}); falling back to mma-matmul (mma.sync)")
        return None
    notes.append(f"{name}: wgmma-matmul (sm_90a wgmma.mma_async + TMA, warp-specialized; mma.sync instead: tensor_cores=\"mma\") "
                 f"{p.dtype} x {p.dtype} -> f32, {p}, {p.threads} threads x {p.grid} blocks, {p.shared_bytes} bytes of "
                 f"dynamic shared memory; M, N, K off the tile: zero-filled boxes and guarded stores")
    return [Launch(name, p.grid, p.threads, (NativeBody(p),), (), "wgmma-matmul")]

