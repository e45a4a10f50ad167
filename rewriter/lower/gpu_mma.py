"""Strategy "mma-matmul": c[m, n] = sum(cast<f32>(A(m, k)) * cast<f32>(B(k, n)), k) with f16
or bf16 A and B (both the same) on the tensor cores
(`mma.sync.aligned.m16n8k16.row.col.f32.{f16.f16,bf16.bf16}.f32`, sm_80 and later). The DEFAULT for such matmuls on CUDA (`lower_gpu(..., tensor_cores=False)` /
`--no-tensor-cores` turns it off): the tensor core sums a k16 step's products in its own
order and precision, not the op table's sequential IEEE f32 fold, so the result matches the
reference only within `kernel.check.TENSOR_CORE_TOLERANCE` (docs/GPU.md, "Floating point").

What a block does (a BM x BN tile of c, `MmaConfig`): its warps form a grid of WM x WN warp
tiles; each warp keeps (WM/16) x (WN/8) accumulators of f32x4 (one m16n8 C fragment each).
The K loop moves BK-wide slices of A and B: every thread loads 16-byte vectors (8 halves)
of the next slice from global memory into registers while the current slice is multiplied
out of shared memory, then puts them into the *other* of two shared stages (double
buffering: one barrier a slice). A k16 step of a warp is one `ldmatrix.x4` per m16 tile of A,
one `ldmatrix.x4` per n16 of B (`.trans` when the operand's rows in memory are k) and
(WM/16) x (WN/8) mma.

Fragment layouts (PTX ISA, "Matrix Fragments for mma.m16n8k16 with floating point type",
9.7.14.5.8, and "Warp-level matrix load instruction: ldmatrix", 9.7.14.5.15), with
groupID = lane >> 2 and threadID_in_group = lane % 4:

  A (16 x 16, f16 a0..a7):  row = groupID (+8 for a2, a3, a6, a7),
                            col = 2 * threadID_in_group + (i & 1) (+8 for a4..a7)
  B (16 x 8,  f16 b0..b3):  row (k) = 2 * threadID_in_group + (i & 1) (+8 for b2, b3),
                            col (n) = groupID
  C/D (16 x 8, f32 c0..c3): row = groupID (+8 for c2, c3), col = 2 * threadID_in_group + (i & 1)
  ldmatrix .m8n8 .x4 .b16:  lanes 8q..8q+7 give the addresses of the 8 rows (16 bytes each)
                            of matrix q; lane l receives in register q the elements
                            (row l / 4, columns 2 (l % 4) and 2 (l % 4) + 1) of matrix q, or
                            with .trans (rows 2 (l % 4) and 2 (l % 4) + 1, column l / 4).

`a_elem`, `b_elem`, `c_elem` and `ldmatrix_source` are those tables as functions; the
simulator (lower/gpu_sim.py) executes ldmatrix and mma with them, and tests/test_gpu_mma.py
checks them entry by entry against the spec's rules.

Shared layouts (row padding or an XOR swizzle of the 16-byte chunks of a row) are chosen
by the bank model (solver/banks.py) over the four shared accesses (the two 16-byte tile
stores and the two ldmatrix reads; an ldmatrix's 8 row addresses of one matrix are served
together, like a quarter-warp of 16-byte accesses), cheapest candidate first.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import bf16, f16, f32, idx
from rewriter.ir.uop import UOp, const, var
from rewriter.lower.gpu_ops import GpuSpec, UOpOps, _c, _reduce_of, iadd, idiv, imod, imul
from rewriter.lower.gpu_program import (
    CTAID,
    TID,
    Barrier,
    CopyAsync,
    CopyCommit,
    CopyWait,
    Launch,
    Let,
    SharedStore,
    SharedTile,
)
from rewriter.lower.lower import _Lowerer
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.solver import banks

MMA_M, MMA_N, MMA_K = 16, 8, 16
CHUNK = 8  # f16 elements in one 16-byte vector (a row of an 8x8 ldmatrix matrix)
ASYNC_STAGES = 3
# Cost model constants (estimates, not measurements): mma.sync m16n8k16 issue an SM a cycle
# on sm_90 (microbenchmarks put mma.sync at ~60% of the dense f16 peak of 4096 flop/cycle/SM,
# one m16n8k16 = 4096 flops) and the cycles a global load takes under load.
MMA_PER_CYCLE = 0.6
LOAD_LATENCY = 1000
PIPELINES = ("cp.async", "registers")
# Both 2-byte types take the same fragments, layouts and order (PTX ISA 9.7.14.5.8 gives
# .f16 and .bf16 one layout); only the mma's type differs (backends/ptx.py).
INPUT_TYPES = (f16, bf16)


# -- fragment layouts (PTX ISA 9.7.14.5.8 / 9.7.14.5.15) ----------------------------------------
def a_elem(i: int, lane: int) -> tuple[int, int]:
    """(row, col) of element a_i (0..7) of lane `lane` in the 16x16 A fragment."""
    g, t = lane >> 2, lane % 4
    row = g + (8 if i in (2, 3, 6, 7) else 0)
    col = 2 * t + (i & 1) + (8 if i >= 4 else 0)
    return row, col


def b_elem(i: int, lane: int) -> tuple[int, int]:
    """(row k, col n) of element b_i (0..3) of lane `lane` in the 16x8 B fragment."""
    g, t = lane >> 2, lane % 4
    return 2 * t + (i & 1) + (8 if i >= 2 else 0), g


def c_elem(i: int, lane: int) -> tuple[int, int]:
    """(row, col) of element c_i (0..3) of lane `lane` in the 16x8 C/D fragment."""
    g, t = lane >> 2, lane % 4
    return g + (8 if i >= 2 else 0), 2 * t + (i & 1)


def ldmatrix_source(reg: int, half: int, lane: int, trans: bool) -> tuple[int, int]:
    """Which element lane `lane` receives as half `half` (0, 1) of register `reg` (matrix
    `reg` of an .x4): (the lane whose row address it comes from, the offset in that 8-element
    row)."""
    if trans:
        return 8 * reg + 2 * (lane % 4) + half, lane // 4
    return 8 * reg + lane // 4, 2 * (lane % 4) + half


# Which 8x8 block of the operand register q of an ldmatrix.x4 covers: (offset along the
# operand's outer dimension (m for A, n for B), offset along k). A: registers a0a1, a2a3,
# a4a5, a6a7 = (m 0, k 0), (m 8, k 0), (m 0, k 8), (m 8, k 8). B (two n8 fragments): b0b1, b2b3
# of n 0..7, then of n 8..15 = (n 0, k 0), (n 0, k 8), (n 8, k 0), (n 8, k 8).
def _block_of(operand: str, q: int) -> tuple[int, int]:
    if operand == "a":
        return 8 * (q % 2), 8 * (q // 2)
    return 8 * (q // 2), 8 * (q % 2)


# -- configurations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class MmaConfig:
    bm: int
    bn: int
    bk: int
    wm: int  # warp tile
    wn: int
    # How slices reach shared memory: "cp.async" (asynchronous 16-byte copies, ASYNC_STAGES
    # stages in flight, no registers) or "registers" (the next slice staged in registers
    # while the current one is multiplied, 2 stages).
    pipeline: str = "cp.async"

    @property
    def stages(self) -> int:
        return ASYNC_STAGES if self.pipeline == "cp.async" else 2

    @property
    def warps_m(self) -> int:
        return self.bm // self.wm

    @property
    def warps_n(self) -> int:
        return self.bn // self.wn

    @property
    def threads(self) -> int:
        return 32 * self.warps_m * self.warps_n

    @property
    def regs(self) -> int:
        """Registers a thread needs, roughly: accumulators, one k16 step's fragments, the
        staged next slice (4 registers a 16-byte vector) and ~40 for addresses and loop state."""
        acc = (self.wm // MMA_M) * (self.wn // MMA_N) * 4
        frags = (self.wm // 16) * 4 + (self.wn // 16) * 4
        staged = 4 * ((self.bm + self.bn) * self.bk // CHUNK) // self.threads if self.pipeline == "registers" else 0
        return acc + frags + staged + 40

    def shared_bytes(self, pad_a: int = 0, pad_b: int = 0, a_k_fast: bool = True, b_k_fast: bool = False) -> int:
        a = self.bm * (self.bk + pad_a) if a_k_fast else self.bk * (self.bm + pad_a)
        b = self.bn * (self.bk + pad_b) if b_k_fast else self.bk * (self.bn + pad_b)
        return self.stages * 2 * (a + b)

    def __str__(self) -> str:
        return (f"{self.bm}x{self.bn}x{self.bk}, warp tiles {self.wm}x{self.wn}, "
                f"{self.stages} stages through {self.pipeline}")


def mma_configs(m: int, n: int, kk: int, spec: GpuSpec, pipelines=PIPELINES) -> list:
    """The legal configurations, cheapest first by an estimated time per SM: the mma issue
    (MMA_PER_CYCLE), shared-memory bandwidth (128 bytes a cycle: ldmatrix reads and the
    staging stores) and L2 traffic ((BM + BN) x K halves a tile, ~64 bytes a cycle an SM),
    scaled by how evenly the tiles fill the SMs and by latency hiding (fewer than 8 resident
    warps an SM, too few slices in flight to cover LOAD_LATENCY, a lone block an SM). Of equal estimates the
    cp.async pipeline comes first (more slices in flight, no staging registers). Shared
    memory is counted unpadded here (the swizzles need none); the layout the bank model
    picks is checked against the limit again (`_mma_matmul`)."""
    found = []
    for pipeline, bm in ((p, bm) for p in pipelines for bm in (256, 128, 64, 32)):
        for bn in (256, 128, 64, 32):
            for bk in (64, 32):
                for wm in (64, 32, 16):
                    for wn in (64, 32, 16):
                        c = MmaConfig(bm, bn, bk, wm, wn, pipeline)
                        if m % bm or n % bn or kk % bk or bm % wm or bn % wn:
                            continue
                        t = c.threads
                        if t > spec.max_block or ((bm + bn) * bk // CHUNK) % t or (bm * bk // CHUNK) % t:
                            continue
                        if c.regs > 255:
                            continue
                        shared = c.shared_bytes()
                        if shared > spec.shared_per_block:
                            continue
                        resident = min(spec.threads_per_sm // t, spec.blocks_per_sm,
                                       spec.regs_per_sm // (c.regs * t), (228 * 1024) // shared)
                        if resident < 1:
                            continue
                        tiles = (m // bm) * (n // bn)
                        waves = -(-tiles // (spec.sms * resident))
                        fill = tiles / (waves * spec.sms * resident)
                        mmas = m * n * kk / (MMA_M * MMA_N * MMA_K)
                        per_warp_k16 = (wm // 16 + wn // 16) * 512  # ldmatrix.x4 bytes a k16 step
                        ld_bytes = tiles * c.warps_m * c.warps_n * (kk // 16) * per_warp_k16
                        st_bytes = tiles * (bm + bn) * kk * 2
                        cost = max(mmas / MMA_PER_CYCLE, (ld_bytes + st_bytes) / 128, st_bytes / 64)
                        cost = cost / spec.sms / fill / min(1.0, resident * t / 256)
                        # Latency: the slices in flight (stages - 1) must cover a global load
                        # (~LOAD_LATENCY cycles) with the tensor-core time of a slice, which the
                        # block shares with the other resident blocks; a lone block also stalls
                        # the SM at every barrier.
                        slice_cycles = bm * bn * bk / (MMA_M * MMA_N * MMA_K) / MMA_PER_CYCLE * resident
                        cost /= min(1.0, (c.stages - 1) * slice_cycles / LOAD_LATENCY)
                        cost /= 1.0 if resident > 1 else 0.85
                        found.append((cost, c))
    found.sort(key=lambda x: (x[0], -x[1].bm * x[1].bn, -x[1].bk, PIPELINES.index(x[1].pipeline)))
    return [c for _, c in found]


# -- shared layouts and the bank model -------------------------------------------------------------
@dataclass(frozen=True)
class TileLayout:
    """Row padding (elements, a multiple of 8 so 16-byte chunks stay aligned) and an XOR
    swizzle of a row's chunks: physical chunk = chunk ^ ((row / rows) % span) (span 0: none)."""

    pad: int = 0
    span: int = 0
    rows: int = 1

    def index(self, o, row, chunk, stride: int):
        """Element index of the 16-byte chunk `chunk` of tile row `row` (ops: banks' interface)."""
        if self.span:
            chunk = o.xor(chunk, o.mod(o.div(row, self.rows), self.span))
        return o.add(o.mul(row, stride), o.mul(chunk, CHUNK))

    def __str__(self) -> str:
        sw = f"chunk ^ ((row / {self.rows}) % {self.span})" if self.span else "no swizzle"
        return f"pad {self.pad}, {sw}"


def _layout_candidates(cols: int) -> list:
    """Cheapest first: less padding, then no swizzle, then narrower swizzles."""
    chunks = cols // CHUNK
    out = []
    for pad in (0, 8, 16):
        out.append(TileLayout(pad))
        for rows in (1, 2, 4):
            for span in (2, 4, 8):
                if span <= chunks:
                    out.append(TileLayout(pad, span, rows))
    return out


@dataclass(frozen=True)
class Operand:
    """One input of the product as the strategy stages it. `k_fast`: the global array is
    contiguous along k (the shared tile's rows are then m or n, read with plain ldmatrix),
    else contiguous along m/n (rows are k, read with ldmatrix.trans)."""

    name: str  # "a" or "b"
    load: UOp
    outer: str  # range name along m (A) or n (B)
    k_fast: bool
    extent: int  # BM or BN
    bk: int

    @property
    def tile_rows(self) -> int:
        return self.extent if self.k_fast else self.bk

    @property
    def tile_cols(self) -> int:
        return self.bk if self.k_fast else self.extent

    @property
    def trans(self) -> bool:
        return not self.k_fast


def _store_coords(o, op: Operand, e):
    """(row, chunk) of the e-th 16-byte chunk a block stages (walking the global rows)."""
    per_row = op.tile_cols // CHUNK
    return o.div(e, per_row), o.mod(e, per_row)


def _ldmatrix_coords(o, op: Operand, lane, outer0, k0):
    """(row, chunk) of the row address `lane` gives to the ldmatrix.x4 whose 16x16 block of
    the operand starts at (outer0, k0)."""
    q, r = o.div(lane, 8), o.mod(lane, 8)
    # _block_of as arithmetic on q, valid for the ops interface (no Python branching on q).
    q_lo, q_hi = o.mod(q, 2), o.div(q, 2)
    off_o, off_k = (q_lo, q_hi) if op.name == "a" else (q_hi, q_lo)
    outer = o.add(outer0, o.mul(off_o, 8))
    kk = o.add(k0, o.mul(off_k, 8))
    if op.k_fast:
        return o.add(outer, r), o.div(kk, CHUNK)
    return o.add(kk, r), o.div(outer, CHUNK)


def _accesses(c: MmaConfig, ops_: tuple, lays: tuple):
    """The four shared-memory instructions of the strategy, as bank-model accesses."""
    out = []
    t = c.threads
    for op, lay in zip(ops_, lays):
        stride = op.tile_cols + lay.pad
        size = op.tile_rows * stride
        slots = op.tile_rows * op.tile_cols // CHUNK // t

        def store(o, lane, u, op=op, lay=lay, stride=stride, size=size):
            e = o.add(o.add(o.mul(u["warp"], 32), lane), o.mul(u["slot"], t))
            row, ch = _store_coords(o, op, e)
            return o.add(o.mul(u["stage"], size), lay.index(o, row, ch, stride))

        warps_outer = c.warps_m if op.name == "a" else c.warps_n
        w_outer = c.wm if op.name == "a" else c.wn

        def read(o, lane, u, op=op, lay=lay, stride=stride, size=size, w_outer=w_outer):
            outer0 = o.add(o.mul(u["warp"], w_outer), o.mul(u["sub"], 16))
            row, ch = _ldmatrix_coords(o, op, lane, outer0, o.mul(u["kk"], 16))
            return o.add(o.mul(u["stage"], size), lay.index(o, row, ch, stride))

        out.append(banks.Access(f"{op.name.upper()} tile store", store,
                                (("warp", c.warps_m * c.warps_n), ("slot", max(1, slots)), ("stage", c.stages)), 2, CHUNK))
        out.append(banks.Access(f"{op.name.upper()} ldmatrix{'.trans' if op.trans else ''}", read,
                                (("warp", warps_outer), ("sub", w_outer // 16), ("kk", op.bk // 16),
                                 ("stage", c.stages)), 2, CHUNK))
    return out


def choose_layouts(c: MmaConfig, ops_: tuple):
    """The bank model's layout for each operand's tile (each tile's two accesses are
    independent of the other tile's layout, so each is chosen on its own)."""
    lays, log = [], []
    for op in ops_:
        def accesses(lay, op=op):
            dummy = [TileLayout() if o is not op else lay for o in ops_]
            return [a for a in _accesses(c, ops_, tuple(dummy)) if a.name.startswith(op.name.upper())]
        lay, why = banks.choose(_layout_candidates(op.tile_cols), accesses)
        lays.append(lay)
        log += why
    return tuple(lays), log


# -- the strategy ----------------------------------------------------------------------------------
def _match(lw: _Lowerer, st: UOp):
    """(buffer, indices, value, reduce, A operand load, B operand load, m, n, k names) when the
    store is c[m, n] = epilogue(sum(cast<f32>(T load) * cast<f32>(T load), k)), T f16 or bf16,
    else None."""
    buf, indices, value = lw.flat_store(st)
    r = _reduce_of(value)
    if r is None or r.arg[0] != "sum" or r.dtype != f32 or len(r.arg[1]) != 1 or len(indices) != 2:
        return None
    if not all(i.op == "var" for i in indices):
        return None
    term = r.src[0]
    if term.op != "mul" or term.dtype != f32:
        return None
    loads = []
    for s in term.src:
        if s.op != "cast" or s.src[0].op != "load" or s.src[0].dtype not in INPUT_TYPES:
            return None
        loads.append(s.src[0])
    mname, nname = indices[0].arg.name, indices[1].arg.name
    kname = r.arg[1][0]
    by_vars = {frozenset(v.arg.name for v in ld.vars()): ld for ld in loads}
    la, lb = by_vars.get(frozenset((mname, kname))), by_vars.get(frozenset((nname, kname)))
    if la is None or lb is None or la is lb or la.dtype != lb.dtype:
        return None
    return buf, indices, value, r, la, lb, mname, nname, kname


def _fast_is_k(load: UOp, kname: str, oname: str):
    """True if the load's index is contiguous along k, False along the other range, None if
    neither has coefficient 1 (no 16-byte vectors then)."""
    a = affine(load.src[0])
    if a is None:
        return None
    if a.get(kname) == 1:
        return True
    if a.get(oname) == 1:
        return False
    return None


def _aligned_chunks(load: UOp, fast: str) -> bool:
    """Whether every 16-byte chunk the strategy reads starts 16-byte aligned (the fast range
    steps by 8 elements; every other term of the index a multiple of 8): what cp.async.cg
    needs. Device allocations are 256-byte aligned."""
    a = affine(load.src[0])
    return a is not None and a.get(fast) == 1 and all(c % CHUNK == 0 for v, c in a.items() if v != fast)


def _mma_matmul(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list, pipelines=PIPELINES,
                config: MmaConfig | None = None):
    """The launch, or None when the store is not an f16 or bf16 product summed in f32, nothing
    divides the problem, or no layout is conflict-free. `pipelines` limits the ways slices
    reach shared memory (both by default; the cost model picks); `config` forces one
    configuration (tests: the 4096^3 shape on a problem small enough to simulate)."""
    if not spec.tensor_cores:
        return None
    got = _match(lw, st)
    if got is None:
        return None
    buf, indices, value, r, la, lb, mname, nname, kname = got
    k = lw.k
    fa, fb = _fast_is_k(la, kname, mname), _fast_is_k(lb, kname, nname)
    if fa is None or fb is None:
        return None
    if not (_aligned_chunks(la, kname if fa else mname) and _aligned_chunks(lb, kname if fb else nname)):
        pipelines = tuple(p for p in pipelines if p != "cp.async")
    m, n, kk = (k.range(x).size for x in (mname, nname, kname))
    chosen, log = None, []
    for c in ([config] if config else mma_configs(m, n, kk, spec, pipelines)[:8]):
        ops_ = (Operand("a", la, mname, fa, c.bm, c.bk), Operand("b", lb, nname, fb, c.bn, c.bk))
        try:
            lays, why = choose_layouts(c, ops_)
        except banks.BankModelError:
            log.append(f"{c}: no conflict-free layout")
            continue
        if c.shared_bytes(lays[0].pad, lays[1].pad, fa, fb) > spec.shared_per_block:
            log.append(f"{c}: the padded tiles exceed the shared memory")
            continue
        chosen = (c, ops_, lays)
        log += why
        break
    if chosen is None:
        return None
    c, ops_, lays = chosen
    body, multiples, tiles = _program(lw, c, ops_, lays, buf, indices, value, r, kname, kk, n)
    ntiles = (m // c.bm) * (n // c.bn)
    notes.append(f"{name}: mma-matmul (tensor cores, mma.sync m16n8k16 f32 += {la.dtype} x {la.dtype}; off: --no-tensor-cores) {c}, "
                 f"{c.threads} threads x {ntiles} blocks; shared layout by the bank model: A {lays[0]}, B {lays[1]}"
                 + (f" (rejected: {'; '.join(log[:3])}{' ...' if len(log) > 3 else ''})" if log else ""))
    resident = max(1, min(spec.threads_per_sm // c.threads, spec.regs_per_sm // (c.regs * c.threads)))
    return [Launch(name, ntiles, c.threads, tuple(body), tiles, "mma-matmul", multiples, min_blocks_per_sm=resident)]


@dataclass(frozen=True)
class _Chunk:
    """One 16-byte chunk a thread moves each slice: the global index variables it binds,
    where it lands in a stage of the tile."""

    op: Operand
    tile: SharedTile
    ov: UOp  # outer (m or n) index variable of the global load
    kv: UOp  # k index variable
    o_at: UOp  # its outer value (the slice's k offset is added to k_off)
    k_off: UOp
    at: UOp  # element index in one stage of the tile
    vload: UOp  # the 8-element global load (indices in ov, kv)
    reg: str  # its staging register (pipeline "registers")

    def lets(self, k_slice: UOp) -> list:
        return [Let(self.ov, self.o_at), Let(self.kv, iadd(k_slice, self.k_off))]

    def dest(self, stage: UOp) -> UOp:
        return iadd(imul(stage, self.op.tile_rows * self.tile.row_stride), self.at)


def _chunks(lw, c: MmaConfig, ops_, lays, kname: str, kk: int, base: dict):
    tiles, chunks, multiples = [], [], []
    for op, lay in zip(ops_, lays):
        tile = SharedTile(f"{op.name}_tile", op.load.dtype, c.stages * op.tile_rows, op.tile_cols, lay.pad)
        tiles.append(tile)
        ov = var(idx, f"__{op.name}_outer", 0, lw.k.range(op.outer).size - 1)
        kv = var(idx, f"__{op.name}_k", 0, kk - 1)
        multiples.append(((kv if op.k_fast else ov).arg.name, CHUNK))
        gidx = lw.simplify(op.load.src[0].substitute({lw.range_var(op.outer): ov, lw.range_var(kname): kv}))
        vload = UOp("vload", op.load.dtype.vec(CHUNK), (gidx,), op.load.arg)
        for s_ in range(op.tile_rows * op.tile_cols // CHUNK // c.threads):
            row, ch = _store_coords(UOpOps, op, iadd(TID, s_ * c.threads))
            o_off, k_off = (row, imul(ch, CHUNK)) if op.k_fast else (imul(ch, CHUNK), row)
            chunks.append(_Chunk(op, tile, ov, kv, iadd(base[op.name], o_off), k_off,
                                 lay.index(UOpOps, row, ch, tile.row_stride), vload, f"stage_{op.name}{s_}"))
    return tiles, chunks, multiples


def _copy_slice(chunks, k_slice: UOp, stage: UOp) -> list:
    """cp.async of every chunk of one slice into `stage`, then one commit (one group)."""
    out = []
    for ch in chunks:
        out += ch.lets(k_slice) + [CopyAsync(ch.tile.name, ch.dest(stage), ch.vload)]
    return out + [CopyCommit()]


def _program(lw, c: MmaConfig, ops_, lays, buf, indices, value, r, kname, kk, n):
    """The statements of one block (see the module docstring). Pipelines:

      cp.async (S stages): slices 0..S-2 are copied before the loop; iteration i waits
        until at most S-2 groups are pending (slice i has landed), barriers (every thread's
        copies visible; every thread done with slice i-1), copies slice i+S-1 into the
        stage slice i-1 used, and multiplies stage i % S.
      registers (2 stages): slice i+1 is loaded into registers, stage i % 2 multiplied, the
        registers stored into the other stage, one barrier.

    Slices past the last are clamped onto the last (redundant, in-bounds copies into a stage
    nobody reads again)."""
    lane, warp = imod(TID, 32), idiv(TID, 32)
    warp_pos = {"a": idiv(warp, c.warps_n), "b": imod(warp, c.warps_n)}
    tiles_n = n // c.bn
    base = {"a": imul(idiv(CTAID, tiles_n), c.bm), "b": imul(imod(CTAID, tiles_n), c.bn)}
    k0 = var(idx, f"{kname}_tile", 0, kk - 1)
    S = c.stages
    slice_no = idiv(k0, c.bk)
    stage = imod(slice_no, S)
    tiles, chunks, multiples = _chunks(lw, c, ops_, lays, kname, kk, base)
    last = _c(kk - c.bk)
    body: list = []
    loop: list = []
    if c.pipeline == "cp.async":
        for s_ in range(S - 1):
            body += _copy_slice(chunks, _c(min(s_ * c.bk, kk - c.bk)), _c(s_))
        ahead = UOp("min", idx, (iadd(k0, (S - 1) * c.bk), last))
        loop += [CopyWait(S - 2), Barrier()] + _copy_slice(chunks, ahead, imod(iadd(slice_no, S - 1), S))
    else:
        for ch in chunks:
            body += ch.lets(_c(0)) + [AccInit(ch.reg, ch.vload.dtype, ch.vload)]
        body += [SharedStore(ch.tile.name, ch.dest(_c(0)), UOp("acc", ch.vload.dtype, (), ch.reg)) for ch in chunks]
        body.append(Barrier())
        nxt = UOp("min", idx, (iadd(k0, c.bk), last))
        for ch in chunks:
            loop += ch.lets(nxt) + [AccUpdate(ch.reg, ch.vload)]
    mt, nt = c.wm // MMA_M, c.wn // MMA_N
    zero = UOp("broadcast", f32.vec(4), (const(f32, 0.0),))
    body += [AccInit(f"acc_{i}_{j}", f32.vec(4), zero) for i in range(mt) for j in range(nt)]
    loop += _multiply(c, ops_, lays, tiles, lane, warp_pos, stage)
    if c.pipeline == "registers":
        other = UOp("sub", idx, (_c(1), stage))
        loop += [SharedStore(ch.tile.name, ch.dest(other), UOp("acc", ch.vload.dtype, (), ch.reg)) for ch in chunks]
        loop.append(Barrier())
    body.append(Loop(k0, kk, c.bk, tuple(loop), "serial"))
    if c.pipeline == "cp.async":
        body.append(CopyWait(0))  # nothing left in flight when the block exits
    direct = value is r
    body += _epilogue(lw, c, buf, indices, value, r, lane, warp_pos, base, direct)
    if direct:
        multiples.append((indices[1].arg.name, 2))
    return body, tuple(multiples), tuple(tiles)


def _multiply(c: MmaConfig, ops_, lays, tiles, lane, warp_pos, stage) -> list:
    """One slice: per k16 step, the ldmatrix.x4 of each 16 rows of the warp's A and 16
    columns of its B, then every (m16, n8) mma."""
    out = []
    mt, nt = c.wm // MMA_M, c.wn // MMA_N
    for ks in range(c.bk // MMA_K):
        frags = {}
        for op, lay, tile in zip(ops_, lays, tiles):
            w_outer = c.wm if op.name == "a" else c.wn
            size = op.tile_rows * tile.row_stride
            for sub in range(w_outer // 16):
                outer0 = iadd(imul(warp_pos[op.name], w_outer), sub * 16)
                row, ch = _ldmatrix_coords(UOpOps, op, lane, outer0, _c(ks * MMA_K))
                addr = iadd(imul(stage, size), lay.index(UOpOps, row, ch, tile.row_stride))
                frags[op.name, sub] = UOp("ldmatrix", op.load.dtype.vec(CHUNK), (addr,), (tile.name, op.trans))
        for i in range(mt):
            for j in range(nt):
                bfrag = UOp("vshuffle", ops_[1].load.dtype.vec(4), (frags["b", j // 2],), tuple(range(4 * (j % 2), 4 * (j % 2) + 4)))
                acc = UOp("acc", f32.vec(4), (), f"acc_{i}_{j}")
                out.append(AccUpdate(f"acc_{i}_{j}", UOp("mma", f32.vec(4), (frags["a", i], bfrag, acc), "m16n8k16")))
    return out


def _epilogue(lw, c: MmaConfig, buf, indices, value, r, lane, warp_pos, base, direct: bool) -> list:
    """c0 c1 at (groupID, 2 tig + 0/1) of each C fragment, c2 c3 eight rows below: a pair
    of f32 stores (or the epilogue per element)."""
    out = []
    mv, nv = lw.range_var(indices[0].arg.name), lw.range_var(indices[1].arg.name)
    g, tig = idiv(lane, 4), imod(lane, 4)
    flat = lw.simplify(flatten(indices, buf.shape))
    for i in range(c.wm // MMA_M):
        for j in range(c.wn // MMA_N):
            acc = UOp("acc", f32.vec(4), (), f"acc_{i}_{j}")
            row0 = iadd(base["a"], iadd(imul(warp_pos["a"], c.wm), iadd(i * MMA_M, g)))
            col0 = iadd(base["b"], iadd(imul(warp_pos["b"], c.wn), iadd(j * MMA_N, imul(tig, 2))))
            for half in (0, 1):
                out += [Let(mv, iadd(row0, 8 * half)), Let(nv, col0)]
                if direct:
                    out.append(Store(buf.name, flat, UOp("vshuffle", f32.vec(2), (acc,), (2 * half, 2 * half + 1))))
                    continue
                for e in (0, 1):
                    if e:
                        out.append(Let(nv, iadd(col0, 1)))
                    out.append(Store(buf.name, flat, value.substitute({r: UOp("extract", f32, (acc,), 2 * half + e)})))
    return out
