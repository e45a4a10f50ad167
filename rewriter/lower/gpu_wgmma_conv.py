"""Strategy "wgmma-conv": a stride-1 KH x KW convolution over f16 input, channels-first or
channels-last (img[y + ky, x + kx, c]),

    out[o, y, x] = sum(cast<f32>(img[c, y + ky, x + kx]) * cast<f32>(w[o, c, ky, kx]), c, ky, kx)

(optionally cast<f16> of the sum), as an implicit GEMM on Hopper's warpgroup tensor cores
(sm_90a): M = output channels, N = output pixels, K = C x KH x KW. The output size is the
kernel's own ranges ('valid' convolution of whatever input the kernel declares: padding is the
caller's, as in the language there are no out-of-bounds loads).

Why this orientation and these pieces (the numbers are the H100's, and the 1 x 64 x 512 x 512,
64-channel 3 x 3 case of issue 16):

  * Operand B, the im2col matrix (k = c at tap (ky, kx), n = pixel), is read straight from the
    image: for a fixed tap and a slice of 64 channels, the 64 pixels x0 + kx .. x0 + kx + 63 of
    one row are a box of the image shifted by (ky, kx), which the copy engine's tiled mode
    (`cp.async.bulk.tensor.3d`) writes as a canonical layout wgmma reads with the 128-byte
    swizzle: channels-last a (64 c, 64 x) box, K-major (a pixel's 64 channels one 128-byte
    row); channels-first a (64 x, 64 c) box, MN-major (x the contiguous n, c the k rows), legal
    for kx = 0 only (below). No im2col mode. Out-of-bounds boxes are zero-filled by the copy
    engine: tiles overhanging the image need no guards on the loads.
  * One stage holds the TY + KH - 1 input rows of a (kx, 64-channel) slice: 64 x 64 boxes
    one above the other, 8 KB each. The wgmma of output row t at tap ky reads box t + ky, so
    the KH row taps share one load (input traffic from L2: KW x (TY + KH - 1) / TY times the
    image instead of KH x KW times), and the TY output rows are one wgmma of N = 64 TY:
    consecutive boxes 8 KB apart are the descriptor's LBO (the next 64 n).
  * Operand A, the weights (64 output channels x 64 k), stays resident in shared memory for the
    whole kernel (9 x 8 KB for 64 x 64 x 3 x 3): loaded once per block, no B traffic in the main
    loop. The consumer threads scatter them from the contiguous [O, C, KH, KW] array into
    K-major 128-byte-swizzled blocks, one per (output-channel tile, tap, channel slice): a
    thread reads 8 channels' taps of one output channel (16 x KH x KW contiguous bytes) and
    writes one 16-byte chunk per tap, the transposition done in registers.
  * Tiles of 64 output channels x TY rows x 64 columns (N = 256 at TY = 4: 128 accumulators a
    thread), persistent blocks of 3 warpgroups: one producer (one thread issues the copies into
    a ring of S stages guarded by mbarriers, as gpu_wgmma) and two consumers that take the
    block's tiles in turn (ping-pong): a consumer's main loop starts when the other's has
    finished (a pair of `turn` mbarriers), so one consumer's epilogue (64 KB of f32 stores a
    tile) runs under the other's wgmmas. With M = 64 only one warpgroup can share a tile.

Channels-first images take kernels one tap wide only (KW = 1: 1x1, 3x1, ...) directly. The box
of tap column kx starts at x0 + kx, 2 kx bytes into an image row, and the copy engine traps
(CUDA_ERROR_ILLEGAL_INSTRUCTION) on a box whose innermost start is not 16-byte aligned
(gpu_wgmma.TMA_COORD_ALIGN; issue 16's H100 fault, confirmed by bench/conv_bisect.py).
ConvPlan.tma_problem checks every box start. Channels-last images, img[y + ky, x + kx, c], take
any KH x KW: a box is (64 c, 64 x, 1 y), 64 pixel rows of 128 bytes (the K-major layout, as the
weights: wgmma trans-b 0), and the tap shift moves x, an outer coordinate. A channels-first
image with KW > 1 (NeedsChannelsLast) gets a layout launch into a channels-last temporary first
(lower/gpu_conv_layout.py) and then the channels-last plan.

Sizes off the tiles: output channels (64), rows (TY), columns (64) and channels (64) that do not
divide are zero-filled boxes (image) or zeroed weights (channels and output channels past the
kernel's) and guarded stores. What it needs, else `--explain` says why and the store goes on to
the other strategies (the `map` launch today): f16 image and weights, the weights contiguous
[O, C, KH, KW] with C a multiple of 8, the image contiguous along x with rows and channel planes
16-byte aligned (the copy engine's rule), the weights and at least two stages within the 227 KB
of shared memory (64 x 64 x 3 x 3 uses 72 KB of weights and three 48 KB stages).

Summation order: for each output, k is consumed in k16 steps (16 channels of one tap) into one f32
accumulator, slices (kx, channel slice) in order and the KH taps within a slice in order: a
different order from the reference's fold over (c, ky, kx), so results agree within
`kernel.check.TENSOR_CORE_TOLERANCE` (as the wgmma and mma.sync matmuls).

PTX: backends/ptx_wgmma_conv.py. The numpy model (gpu_wgmma_conv_model.py) executes a plan from
the same methods the emitter uses, so CI checks the plan's arithmetic without a GPU.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.ir.analysis import affine
from rewriter.ir.dtype import f16, f32
from rewriter.lower.gpu_conv_layout import channels_last_launches
from rewriter.lower.gpu_ops import GpuSpec, _reduce_of
from rewriter.lower.gpu_program import Launch, NativeBody
from rewriter.lower.gpu_wgmma import (ALIGN_SLACK, ATOM_BYTES, SHARED_LIMIT, SWIZZLE_BYTES, TMA_DTYPE, WG, WG_K, WG_M,
                                      TensorMap)

BX = SWIZZLE_BYTES // 2  # output columns a tile: one 128-byte box row of x
BC = SWIZZLE_BYTES // 2  # channels a K slice
BO = WG_M  # output channels a tile (one m64 wgmma)
BOX_BYTES = BX * BC * 2  # one (64 x, 64 c) box: 8 KB, 8 swizzle atoms
CONSUMERS = 2  # ping-pong
MAX_TY = 4  # wgmma N <= 256
MIN_STAGES, MAX_STAGES = 2, 4
BARRIER_BYTES = 8
#: The epilogue's staging area: 1 KB a consumer warp (8 output channels x 32 pixels of f32, or
#: of f16), after the barriers (ConvPlan.epi_base; backends/ptx_wgmma_conv._epilogue_staged).
EPI_WARP_BYTES = 1024
EPI_BYTES = CONSUMERS * (WG // 32) * EPI_WARP_BYTES + 128
#: Whether plans stage their epilogue (ConvPlan.staged_out): f32 outputs, and f16 outputs whose
#: column pairs are 4-byte aligned (even strides and width).
STAGED_OUT = True


class ConvUnsupported(Exception):
    """Why a store does not take this strategy (a note; the next strategy is tried)."""


class NeedsChannelsLast(ConvUnsupported):
    """A channels-first plan whose shifted boxes the copy engine cannot address (KW > 1):
    `plan` is that plan, which gpu_conv_layout turns into a layout launch + a channels-last
    plan over a temporary."""

    def __init__(self, why: str, plan: "ConvPlan"):
        super().__init__(why)
        self.plan = plan


@dataclass(frozen=True)
class ConvPlan:
    """Everything the PTX emitter and the model need. Image and output strides in elements;
    the image's tensor map covers (xs, ys, c) = the columns, rows and channels the kernel reads."""

    name: str
    o: int  # output channels
    c: int  # input channels
    kh: int
    kw: int
    ho: int  # output rows
    wo: int  # output columns
    img_buffer: str
    img_param: int
    img_sy: int  # elements between image rows
    img_sc: int  # elements between channel planes
    w_buffer: str
    w_param: int
    out_buffer: str
    out_param: int
    out_so: int  # elements between output channel planes
    out_sy: int  # elements between output rows
    out_f16: bool  # the sum cast to f16 (else stored as f32)
    ty: int  # output rows a tile
    stages: int
    params: tuple  # names of the pointer parameters, in order
    blocks: int  # persistent blocks (each walks tiles b, b + blocks, ...)
    # Channels innermost (img[y + ky, x + kx, c], `img_sx` elements between pixels, img_sc 1):
    # boxes (64 c, 64 x, 1 y), B K-major. Else channels-first (img_sx 1): boxes (64 x, 1 y, 64 c),
    # B MN-major, and only KW = 1 is addressable (tma_problem).
    hwc: bool = False
    img_sx: int = 1
    # The epilogue goes through shared memory (each warp's 8 x 32 fragment chunks written there,
    # read back along the output rows: one warp store = 128 contiguous bytes of one or two
    # rows) instead of storing the D fragment directly (8 channel planes x 16 bytes a warp
    # store: the stores bounded the 3x3, bench/results/gpu.md).
    staged_out: bool = False

    # -- sizes ---------------------------------------------------------------------------------
    @property
    def taps(self) -> int:
        return self.kh * self.kw

    @property
    def n(self) -> int:
        """wgmma N: TY rows of 64 pixels."""
        return BX * self.ty

    @property
    def box_rows(self) -> int:
        return self.ty + self.kh - 1

    @property
    def stage_bytes(self) -> int:
        return self.box_rows * BOX_BYTES

    @property
    def c_slices(self) -> int:
        return -(-self.c // BC)

    @property
    def k_slices(self) -> int:
        """Slices a tile: (kx, channel slice), kx outer."""
        return self.kw * self.c_slices

    @property
    def o_tiles(self) -> int:
        return -(-self.o // BO)

    @property
    def x_tiles(self) -> int:
        return -(-self.wo // BX)

    @property
    def y_tiles(self) -> int:
        return -(-self.ho // self.ty)

    @property
    def tiles(self) -> int:
        return self.o_tiles * self.x_tiles * self.y_tiles

    @property
    def grid(self) -> int:
        return min(self.blocks, self.tiles)

    @property
    def threads(self) -> int:
        return WG * (1 + CONSUMERS)

    @property
    def weight_bytes(self) -> int:
        return self.o_tiles * self.taps * self.c_slices * BOX_BYTES

    @property
    def weights_padded(self) -> bool:
        """Whether the weight blocks have rows or columns past the kernel's (zeroed first)."""
        return self.o % BO != 0 or self.c % BC != 0

    @property
    def stage_base(self) -> int:
        """Byte offset of stage 0 in the (1024-aligned) dynamic window: after the weights."""
        return self.weight_bytes

    @property
    def barrier_base(self) -> int:
        """full[s] at +8 s, empty[s] at +8 (S + s), turn[j] at +8 (2 S + j)."""
        return self.weight_bytes + self.stages * self.stage_bytes

    @property
    def epi_base(self) -> int:
        """Byte offset of the epilogue's staging area (128-aligned, after the barriers)."""
        end = self.barrier_base + BARRIER_BYTES * (2 * self.stages + CONSUMERS)
        return -(-end // 128) * 128

    @property
    def shared_bytes(self) -> int:
        end = self.barrier_base + BARRIER_BYTES * (2 * self.stages + CONSUMERS)
        return (self.epi_base + EPI_BYTES - 128 if self.staged_out else end) + ALIGN_SLACK

    @property
    def img_extent(self) -> tuple:
        """(columns, rows, channels) of the image the kernel reads."""
        return self.wo + self.kw - 1, self.ho + self.kh - 1, self.c

    # -- the walk ------------------------------------------------------------------------------
    def tiles_of_block(self, b: int) -> range:
        return range(b, self.tiles, self.grid)

    def tile_of(self, t: int) -> tuple:
        """(output-channel tile, first row, first column) of tile t: output-channel tiles
        fastest (they read the same image boxes), then columns, then rows."""
        ot, r = t % self.o_tiles, t // self.o_tiles
        return ot, (r // self.x_tiles) * self.ty, (r % self.x_tiles) * BX

    def slice_of(self, s: int) -> tuple:
        """(kx, first channel) of slice s of a tile."""
        return s // self.c_slices, (s % self.c_slices) * BC

    def box_coords(self, y0: int, x0: int, s: int, r: int) -> tuple:
        """(byte offset in the stage, tensor-map coordinates innermost first) of box r of slice
        s: (c, x, y) channels-last (the tap shift x0 + kx an outer coordinate, always legal),
        (x, y, c) channels-first (x0 + kx innermost: tma_problem)."""
        kx, c0 = self.slice_of(s)
        if self.hwc:
            return r * BOX_BYTES, (c0, x0 + kx, y0 + r)
        return r * BOX_BYTES, (x0 + kx, y0 + r, c0)

    def weight_block(self, ot: int, tap: int, s: int) -> int:
        """Index of the weight block of output-channel tile ot, tap (ky * KW + kx) and the
        channel slice of slice s (tap kx, channel slice) of a tile."""
        return (ot * self.taps + tap) * self.c_slices + s % self.c_slices

    def weight_offset(self, o, c, tap):
        """Byte offset in the weight area of weight (o, c, tap), swizzled as the copy engine
        would have written it: the K-major canonical layout (row o % 64 of 128 bytes, chunk
        (c % 64) / 8 at chunk ^ (row % 8)). Ints or numpy arrays."""
        ot, ol, cs, cl = o // BO, o % BO, c // BC, c % BC
        block = (ot * self.taps + tap) * self.c_slices + cs
        return block * BOX_BYTES + ol * SWIZZLE_BYTES + (((cl // 8) ^ (ol % 8)) * 16) + (cl % 8) * 2

    def a_descriptor(self, ot: int, ky: int, s: int, step: int) -> tuple:
        """(byte offset in the weight area, LBO, SBO, trans) of the weights' wgmma operand at
        row tap ky of slice s, k16 step `step` (K-major: step j 32 j bytes into the rows)."""
        kx = s // self.c_slices
        return self.weight_block(ot, ky * self.kw + kx, s) * BOX_BYTES + step * WG_K * 2, 16, ATOM_BYTES, 0

    def b_descriptor(self, ky: int, step: int) -> tuple:
        """(byte offset in the stage, LBO, SBO, trans) of the image's wgmma operand at row tap
        ky: boxes ky..ky+TY-1.

        Channels-last: each box is 64 pixel rows of 128 bytes (64 channels), the K-major
        canonical layout with the 128-byte swizzle (PTX ISA "Shared Memory Matrix Layout":
        8-row groups SBO = 1024 bytes apart; LBO unused for swizzled K-major, 16 as the A
        operand's); the TY boxes are contiguous, so pixel group g of the N = 64 TY is
        1024 g bytes in, across box boundaries; the k16 step j starts 32 j bytes into the rows
        (trans-b 0, as the matmul's K-major B).
        Channels-first: MN-major (LBO: the next 64 pixels are the next row's box), the k16
        step j 16 channel rows = 2048 j bytes in (trans-b 1)."""
        if self.hwc:
            return ky * BOX_BYTES + step * WG_K * 2, 16, ATOM_BYTES, 0
        return ky * BOX_BYTES + step * WG_K * SWIZZLE_BYTES, BOX_BYTES, ATOM_BYTES, 1

    def tensor_maps(self) -> tuple:
        xs, ys, cs = self.img_extent
        if self.hwc:  # (c, x, y): 64 channels = one 128-byte swizzle row a pixel
            return (TensorMap(self.img_param, TMA_DTYPE[f16], (cs, xs, ys), self.img_sx * 2, (BC, BX, 1),
                              more_strides=(self.img_sy * 2,)),)
        return (TensorMap(self.img_param, TMA_DTYPE[f16], (xs, ys, cs), self.img_sy * 2, (BX, 1, BC),
                          more_strides=(self.img_sc * 2,)),)

    def tma_problem(self) -> str | None:
        """Why some image box the producer issues would trap the copy engine (None if none):
        every (x tile, slice) start, through box_coords as the PTX and the model take them,
        against TensorMap.coord_problem. Channels-first, rows and channels are outer
        dimensions; channels-last, columns and rows (their strides are 16-byte multiples,
        plan_conv's check), so box row 0 of each stands for all."""
        (tm,) = self.tensor_maps()
        for xt in range(self.x_tiles):
            for s in range(self.k_slices):
                why = tm.coord_problem(self.box_coords(0, xt * BX, s, 0)[1])
                if why:
                    kx, _ = self.slice_of(s)
                    return f"tap column kx = {kx}: {why}"
        return None

    def operand_problem(self) -> None:
        """Nothing to check beyond the buffers' types: the plan takes f16 operands only."""
        return None

    def buffer_types(self) -> tuple:
        return ((self.img_buffer, "f16"), (self.w_buffer, "f16"), (self.out_buffer, "f16" if self.out_f16 else "f32"))

    def __str__(self) -> str:
        return (f"{self.kh}x{self.kw} conv as implicit GEMM: {BO} out-channels x {self.ty} rows x {BX} columns a tile "
                f"({self.tiles}), m64n{self.n}k16, weights resident ({self.weight_bytes // 1024} KB), "
                f"{self.stages} stages of {self.box_rows} x {'(64 c, 64 x) boxes, image K-major (channels-last)' if self.hwc else '(64 x, 64 c) boxes, image MN-major (channels-first)'} "
                f"({self.stage_bytes // 1024} KB), "
                f"persistent, 2 ping-pong consumer warpgroups + 1 TMA producer; "
                f"{'f16' if self.out_f16 else 'f32'} out"
                + (", stored through shared memory (128-byte rows a warp store)" if self.staged_out else ", stored from the fragment"))


def choose(ho: int, kh: int, weight_bytes: int) -> tuple:
    """(TY, stages): the most rows a tile (wgmma N = 64 TY, fewer box rows re-read per output
    row: (TY + KH - 1) / TY) that leaves room for MIN_STAGES stages beside the weights, not
    more rows than the output has; then as many stages (up to MAX_STAGES) as fit. None if
    nothing fits."""
    room = SHARED_LIMIT - ALIGN_SLACK - weight_bytes - BARRIER_BYTES * (2 * MAX_STAGES + CONSUMERS) - EPI_BYTES
    for ty in range(min(MAX_TY, ho), 0, -1):
        stage = (ty + kh - 1) * BOX_BYTES
        if room >= MIN_STAGES * stage:
            return ty, min(MAX_STAGES, room // stage)
    return None


def _match(lw, st):
    """(buffer, indices, the sum, image load, weight load, out-f16) of
    out[o, y, x] = [cast<f16>](sum(cast<f32>(f16 load) * cast<f32>(f16 load), c, ky, kx)), else None."""
    buf, indices, value = lw.flat_store(st)
    r = _reduce_of(value)
    if r is None or r.arg[0] != "sum" or r.dtype != f32 or len(r.arg[1]) != 3 or len(indices) != 3:
        return None
    if not all(i.op == "var" for i in indices):
        return None
    if value is r:
        out_f16 = False
    elif value.op == "cast" and value.dtype == f16 and value.src[0] is r:
        out_f16 = True
    else:
        return None
    term = r.src[0]
    if term.op != "mul" or term.dtype != f32:
        return None
    loads = []
    for s in term.src:
        if s.op != "cast" or s.src[0].op != "load" or s.src[0].dtype != f16:
            return None
        loads.append(s.src[0])
    oname = indices[0].arg.name
    with_o = [ld for ld in loads if oname in {v.arg.name for v in ld.vars()}]
    if len(with_o) != 1:
        return None
    wl = with_o[0]
    il = loads[1] if loads[0] is wl else loads[0]
    return buf, indices, r, il, wl, out_f16


def plan_conv(lw, st, name: str, spec: GpuSpec, buffers: tuple) -> ConvPlan:
    """The plan for store `st`, or ConvUnsupported saying why not."""
    got = _match(lw, st)
    if got is None:
        raise ConvUnsupported("not a convolution of f16 image and weights summed in f32")
    buf, indices, r, il, wl, out_f16 = got
    oname, yname, xname = (i.arg.name for i in indices)
    size = lambda v: lw.k.range(v).size
    ia, wa = affine(il.src[0]), affine(wl.src[0])
    if ia is None or wa is None:
        raise ConvUnsupported("an index that is not affine")
    red = set(r.arg[1])
    # The image names the reduce ranges: kx has x's coefficient, ky y's, c is the third;
    # channels-first img[c, y + ky, x + kx] (x's coefficient 1) or channels-last
    # img[y + ky, x + kx, c] (c's coefficient 1).
    sy, sx = ia.get(yname, 0), ia.get(xname, 0)
    kxs = [v for v in red if sx and ia.get(v) == sx]
    kys = [v for v in red if sy and ia.get(v) == sy and v not in kxs]
    if len(kxs) != 1 or len(kys) != 1 or len(red) != 3:
        raise ConvUnsupported(f"{il.arg} is not read at [c, y + ky, x + kx] or [y + ky, x + kx, c] (stride 1)")
    kxn, kyn = kxs[0], kys[0]
    (cn,) = red - {kxn, kyn}
    c, kh, kw = size(cn), size(kyn), size(kxn)
    if wa.get(None, 0) or set(wa) - red - {oname} or \
            (wa.get(kxn), wa.get(kyn), wa.get(cn), wa.get(oname)) != (1, kw, kh * kw, c * kh * kw):
        raise ConvUnsupported(f"{wl.arg} is not a contiguous [O, C, KH, KW] array read at [o, c, ky, kx]")
    sc = ia.get(cn, 0)
    hwc = sc == 1 and sx != 1
    if set(ia) - {xname, yname, cn, kyn, kxn, None} or (sx != 1 and not hwc):
        raise ConvUnsupported(f"{il.arg} is contiguous neither along x nor along c (stride 1)")
    if ia.get(None, 0):
        raise ConvUnsupported(f"{il.arg}'s index has a constant offset (the copy engine needs 16-byte aligned rows)")
    outer = (("pixels", sx), ("rows", sy)) if hwc else (("rows", sy), ("channel planes", sc))
    for what, stride in outer:
        if stride <= 0 or (stride * 2) % 16:
            raise ConvUnsupported(f"{il.arg}'s {what} ({stride} halves apart) are not 16-byte aligned "
                                  f"(the copy engine's strides)")
    if hwc and (sx < c or sy < sx * (size(xname) + kw - 1)):
        raise ConvUnsupported(f"{il.arg}'s pixels or rows overlap (strides {sx}, {sy} halves)")
    if c % 8:
        raise ConvUnsupported(f"{c} input channels (the weight loads take 8 channels at a time)")
    o, ho, wo = size(oname), size(yname), size(xname)
    if len(buf.shape) != 3:
        raise ConvUnsupported("the output is not a 3-d array")
    out_so, out_sy = buf.shape[1] * buf.shape[2], buf.shape[2]
    weight_bytes = -(-o // BO) * kh * kw * -(-c // BC) * BOX_BYTES
    pick = choose(ho, kh, weight_bytes)
    if pick is None:
        raise ConvUnsupported(f"the weights ({weight_bytes // 1024} KB in 64 x 64 blocks) and two stages exceed "
                              f"{SHARED_LIMIT // 1024} KB of shared memory")
    ty, stages = pick
    p = ConvPlan(name, o, c, kh, kw, ho, wo, il.arg, buffers.index(il.arg), sy, sc, wl.arg, buffers.index(wl.arg),
                 buf.name, buffers.index(buf.name), out_so, out_sy, out_f16, ty, stages, buffers, spec.sms,
                 hwc, sx if hwc else 1, STAGED_OUT and (not out_f16 or (out_so % 2 == 0 and out_sy % 2 == 0 and wo % 2 == 0)))
    why = p.tma_problem()
    if why:
        # The boxes of tap column kx start kx pixels into a row (x contiguous); only a layout
        # with channels innermost (a pixel = C x 2 bytes) can shift them legally.
        msg = f"the image boxes of a {kw}-wide kernel are not copy-engine addressable: {why}"
        if not hwc:
            raise NeedsChannelsLast(msg, p)
        raise ConvUnsupported(msg)
    return p


def conv_left_out(lw, st, spec: GpuSpec) -> bool:
    """Whether this strategy would look at store `st` (a convolution shape on a wgmma target):
    lower/gpu.py's note when the strategy is not in the order (gpu.OPT_IN)."""
    return bool(getattr(spec, "wgmma", False)) and _match(lw, st) is not None


def _wgmma_conv(lw, st, name: str, spec: GpuSpec, notes: list, buffers: tuple, scratch: list | None = None):
    """The launch(es), or None (with a note saying why, when the store is a convolution at
    all). A channels-first image with a kernel wider than one tap takes a layout launch into
    a channels-last temporary (lower/gpu_conv_layout.py) first, where `scratch` (the program's
    device-only buffers, appended to) is given."""
    if not getattr(spec, "wgmma", False) or _match(lw, st) is None:
        return None
    try:
        p = plan_conv(lw, st, name, spec, buffers + tuple(b.name for b in scratch or ()))
    except NeedsChannelsLast as e:
        got = channels_last_launches(lw, e.plan, name, spec, notes, scratch, str(e))
        if got is None:
            return None
        pre, p = got
        return pre + [_conv_launch(p, name, notes, "channels-last temporary")]
    except ConvUnsupported as e:
        notes.append(f"{name}: wgmma-conv not taken ({e}); falling back to the next strategy")
        return None
    return [_conv_launch(p, name, notes, "channels-last image" if p.hwc else "channels-first image")]


def _conv_launch(p: ConvPlan, name: str, notes: list, source: str) -> Launch:
    notes.append(f"{name}: wgmma-conv (sm_90a wgmma.mma_async + TMA tiled boxes, implicit GEMM) over the {source}: "
                 f"{p}, {p.threads} threads x {p.grid} blocks, {p.shared_bytes} bytes of dynamic shared memory; "
                 f"sizes off the tile: zero-filled boxes, zeroed weights and guarded stores")
    return Launch(name, p.grid, p.threads, (NativeBody(p),), (), "wgmma-conv")
