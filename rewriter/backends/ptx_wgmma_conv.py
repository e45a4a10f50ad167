"""PTX text for a "wgmma-conv" launch (lower/gpu_wgmma_conv.py: what the kernel does and why).

PTX text for the reasons backends/ptx_wgmma.py gives (no wgmma, TMA, mbarrier-transaction or
setmaxnreg in our llvmlite's NVPTX; the accumulators must stay put between `wgmma.fence` and
`wgmma.wait_group`); its helpers (`_Text`, `_wait`, `_desc_hi`) and its `merge` are reused.

Parameters: every buffer of the program as a .u64 pointer, then the image's tensor map (a
3-d (x, y, c) CUtensorMap, `.param .align 64 .b8 [128]`). Dynamic shared memory, aligned up to
a 1024-byte atom: the weight blocks, the S stages, then the mbarriers full[S], empty[S] and
turn[2] (ConvPlan.barrier_base).

Roles (warpgroup 0 the producer, 1 and 2 the consumers; PTX ISA 8.0 forms as ptx_wgmma):
  producer  setmaxnreg.dec; one thread walks the block's tiles and their slices (g counts
            them over the block's life: stage g % S, round g / S), waits for empty[stage]
            (after the first round), arms full[stage] with the stage's bytes and issues the
            TY + KH - 1 `cp.async.bulk.tensor.3d` boxes of the slice;
  consumers setmaxnreg.inc; scatter the weights (ld.global.nc.v4 of 8 channels' taps,
            transposed in registers, st.shared.v4 per tap), fence.proxy.async and a named
            barrier of the 256 consumer threads; then consumer j takes the block's tiles
            j, j + 2, ...: waits its turn (turn[j]: the other consumer's main loop of the
            previous tile is done), for each slice waits full[stage], issues KH x 4 wgmma
            m64nNk16 (weights K-major from the resident blocks, image MN-major from the
            stage), waits for the slice before's (wait_group 1: one slice stays in flight)
            and releases that slice's stage (empty[stage], one arrival a warp); after the
            last slice hands the turn over (turn[1 - j]), waits for its own wgmmas,
            releases the last stage and stores its tile while the other consumer computes.

Because the main loops take turns, slices are consumed in g order, so every mbarrier wait is
for the current phase or the one before it: a wait never sees a barrier two phases behind
(the parity form cannot tell those apart).
"""
from __future__ import annotations

from rewriter.backends.ptx_wgmma import PTX_VERSION, TARGET, _desc_hi, _Text, _wait, roles_start  # noqa: F401
from rewriter.lower.gpu_wgmma import ATOM_BYTES, CONSUMER_REGS, PRODUCER_REGS, WG, WG_K, WG_M
from rewriter.lower.gpu_wgmma_conv import BC, BO, BOX_BYTES, BX, CONSUMERS, EPI_WARP_BYTES, ConvPlan

CONSUMER_THREADS = CONSUMERS * WG


def _desc_lo(t: _Text, dst: str, addr: str, lbo: int) -> None:
    """Bits 0..31 of a descriptor: the start address >> 4 (14 bits), LBO >> 4 in bits 16-29."""
    t(f"shr.u32 {dst}, {addr}, 4;")
    t(f"and.b32 {dst}, {dst}, 16383;")
    t(f"or.b32 {dst}, {dst}, {(lbo >> 4) << 16};")


def _tile(t: _Text, p: ConvPlan) -> None:
    """ot (%r9), x0 (%r10), y0 (%r11) of tile %r40 (ConvPlan.tile_of)."""
    t(f"rem.u32 %r9, %r40, {p.o_tiles};")
    t(f"div.u32 %r5, %r40, {p.o_tiles};")
    t(f"rem.u32 %r6, %r5, {p.x_tiles};")
    t(f"div.u32 %r7, %r5, {p.x_tiles};")
    t(f"mul.lo.u32 %r10, %r6, {BX};")
    t(f"mul.lo.u32 %r11, %r7, {p.ty};")


def _stage(t: _Text, p: ConvPlan) -> None:
    """Slice counter %r14 -> stage %r20, round %r21, full[stage]'s address %r19."""
    t(f"rem.u32 %r20, %r14, {p.stages};")
    t(f"div.u32 %r21, %r14, {p.stages};")
    t("shl.b32 %r19, %r20, 3;")
    t("add.u32 %r19, %r19, %r3;")


def _producer(t: _Text, p: ConvPlan, name: str) -> None:
    t(f"setmaxnreg.dec.sync.aligned.u32 {PRODUCER_REGS};")
    t("@!%p0 bra EXIT;")  # one thread issues every copy
    t(f"mov.b64 %rd0, {name}_tma_img;")
    t("cvta.param.u64 %rd0, %rd0;")
    t("mov.u32 %r14, 0;")  # slice of the block's life
    t("mov.u32 %r40, %r1;")  # tile
    t("P_TILE:")
    _tile(t, p)
    t("mov.u32 %r13, 0;")  # slice of the tile
    t("P_LOOP:")
    _stage(t, p)
    # The first round finds its stages free; later ones wait for the consumer of the slice
    # S before to have released the stage (empty's phase of the previous round).
    t("setp.eq.u32 %p2, %r21, 0;")
    t("@%p2 bra P_FREE;")
    t("add.u32 %r17, %r21, 1;")
    t("and.b32 %r17, %r17, 1;")
    t(f"add.u32 %r18, %r19, {8 * p.stages};")
    _wait(t, "P_WAIT", "%r18", "%r17")
    t("P_FREE:")
    t(f"mbarrier.arrive.expect_tx.shared::cta.b64 %rd2, [%r19], {p.stage_bytes};")
    t(f"mad.lo.u32 %r22, %r20, {p.stage_bytes}, %r2;")
    t(f"add.u32 %r22, %r22, {p.stage_base};")
    t(f"div.u32 %r23, %r13, {p.c_slices};")  # kx
    t(f"rem.u32 %r24, %r13, {p.c_slices};")
    t(f"mul.lo.u32 %r24, %r24, {BC};")  # first channel
    t("add.u32 %r25, %r10, %r23;")  # x0 + kx
    # ConvPlan.box_coords: box r at r * 8 KB, rows y0 + r; coordinates innermost first:
    # (c, x, y) channels-last, (x, y, c) channels-first.
    coords = "{%r24, %r25, %r26}" if p.hwc else "{%r25, %r26, %r24}"
    for r in range(p.box_rows):
        t(f"add.u32 %r26, %r11, {r};")
        t(f"add.u32 %r27, %r22, {r * BOX_BYTES};")
        t("cp.async.bulk.tensor.3d.shared::cluster.global.mbarrier::complete_tx::bytes "
          f"[%r27], [%rd0, {coords}], [%r19];")
    t("add.u32 %r14, %r14, 1;")
    t("add.u32 %r13, %r13, 1;")
    t(f"setp.lt.u32 %p5, %r13, {p.k_slices};")
    t("@%p5 bra P_LOOP;")
    t(f"add.u32 %r40, %r40, {p.grid};")
    t(f"setp.lt.u32 %p5, %r40, {p.tiles};")
    t("@%p5 bra P_TILE;")
    t("bra EXIT;")


def _weights(t: _Text, p: ConvPlan, name: str) -> None:
    """The consumers (thread %r39 of 256) write the weight blocks (ConvPlan.weight_offset):
    group q = 8 consecutive (o, c) pairs, 16 KH KW contiguous bytes; pair i's tap is half
    i T + tap of the group, and the 8 pairs of one tap are one 16-byte chunk in shared memory."""
    taps = p.taps
    if p.weights_padded:  # rows/columns past the kernel's must be zeros, not stale data
        t("mov.u32 %r41, %r39;")
        t("W_ZERO:")
        t("shl.b32 %r42, %r41, 4;")
        t("add.u32 %r42, %r42, %r2;")
        t("st.shared.v4.b32 [%r42], {0, 0, 0, 0};")
        t(f"add.u32 %r41, %r41, {CONSUMER_THREADS};")
        t(f"setp.lt.u32 %p5, %r41, {p.weight_bytes // 16};")
        t("@%p5 bra W_ZERO;")
        t(f"bar.sync 1, {CONSUMER_THREADS};")
    groups = p.o * p.c // 8
    t(f"ld.param.u64 %rd9, [{name}_p{p.w_param}];")
    t("cvta.to.global.u64 %rd9, %rd9;")
    t("mov.u32 %r41, %r39;")
    t(f"setp.ge.u32 %p5, %r41, {groups};")
    t("@%p5 bra W_DONE;")
    t("W_LOOP:")
    t(f"mul.wide.u32 %rd10, %r41, {16 * taps};")
    t("add.u64 %rd10, %rd10, %rd9;")
    for u in range(taps):
        t(f"ld.global.nc.v4.b32 {{%wv{4 * u}, %wv{4 * u + 1}, %wv{4 * u + 2}, %wv{4 * u + 3}}}, [%rd10+{16 * u}];")
    t("shl.b32 %r42, %r41, 3;")  # first pair
    t(f"div.u32 %r43, %r42, {p.c};")  # o
    t(f"rem.u32 %r44, %r42, {p.c};")  # first c (a multiple of 8)
    # base = ((ot T) CS + cs) 8 KB + ol 128 + ((cl / 8) ^ (ol % 8)) 16
    t(f"shr.u32 %r45, %r43, 6;")  # ot
    t(f"mul.lo.u32 %r45, %r45, {taps * p.c_slices};")
    t("shr.u32 %r46, %r44, 6;")  # cs
    t("add.u32 %r45, %r45, %r46;")
    t(f"mul.lo.u32 %r45, %r45, {BOX_BYTES};")
    t(f"and.b32 %r46, %r43, {BO - 1};")  # ol
    t("shl.b32 %r47, %r46, 7;")
    t("add.u32 %r45, %r45, %r47;")
    t("and.b32 %r47, %r46, 7;")
    t(f"and.b32 %r48, %r44, {BC - 1};")
    t("shr.u32 %r48, %r48, 3;")  # cl / 8
    t("xor.b32 %r48, %r48, %r47;")
    t("shl.b32 %r48, %r48, 4;")
    t("add.u32 %r45, %r45, %r48;")
    t("add.u32 %r45, %r45, %r2;")
    for m in range(4 * taps):
        t(f"mov.b32 {{%hv{2 * m}, %hv{2 * m + 1}}}, %wv{m};")
    for tap in range(taps):
        for m in range(4):
            t(f"mov.b32 %pk{m}, {{%hv{2 * m * taps + tap}, %hv{(2 * m + 1) * taps + tap}}};")
        t(f"st.shared.v4.b32 [%r45+{tap * p.c_slices * BOX_BYTES}], {{%pk0, %pk1, %pk2, %pk3}};")
    t(f"add.u32 %r41, %r41, {CONSUMER_THREADS};")
    t(f"setp.lt.u32 %p5, %r41, {groups};")
    t("@%p5 bra W_LOOP;")
    t("W_DONE:")
    # Written by ordinary stores, read next by the tensor cores (the async proxy).
    t("fence.proxy.async.shared::cta;")
    t(f"bar.sync 1, {CONSUMER_THREADS};")


def _consumer(t: _Text, p: ConvPlan, name: str) -> None:
    nacc = p.n // 2
    t(f"setmaxnreg.inc.sync.aligned.u32 {CONSUMER_REGS};")
    t("sub.u32 %r22, %r12, 1;")  # consumer j
    t("and.b32 %r23, %r0, 31;")  # lane
    t("shr.u32 %r24, %r0, 5;")
    t("and.b32 %r24, %r24, 3;")  # warp in the warpgroup
    t(f"sub.u32 %r39, %r0, {WG};")  # consumer thread 0..255
    _weights(t, p, name)
    t("setp.eq.u32 %p7, %r0, %r0;")  # scale-d = true: D = A B + D (accumulators start at 0)
    t(f"mov.u32 %r28, {_desc_hi(ATOM_BYTES)};")  # SBO 1024, 128-byte swizzle: both operands
    t(f"mad.lo.u32 %r40, %r22, {p.grid}, %r1;")  # tile j of the block: ctaid + j grid
    t(f"mul.lo.u32 %r14, %r22, {p.k_slices};")  # its first slice
    t("mov.u32 %r38, 0;")  # tiles this consumer has done
    t("setp.eq.u32 %p6, %r23, 0;")  # lane 0 of a warp arrives for it
    t(f"setp.ge.u32 %p5, %r40, {p.tiles};")
    t("@%p5 bra EXIT;")
    turn = 16 * p.stages  # turn[j] at barrier base + 8 (2 S + j)
    t("C_TILE:")
    # Wait for turn (consumer 0's n-th tile: turn[0]'s completion n - 1; consumer 1's: turn[1]'s n).
    t("add.u32 %r42, %r38, %r22;")
    t("setp.eq.u32 %p2, %r42, 0;")
    t("@%p2 bra C_GO;")
    t("sub.u32 %r42, %r42, 1;")
    t("and.b32 %r42, %r42, 1;")
    t("shl.b32 %r43, %r22, 3;")
    t("add.u32 %r43, %r43, %r3;")
    t(f"add.u32 %r43, %r43, {turn};")
    _wait(t, "C_TURN", "%r43", "%r42")
    t("C_GO:")
    _tile(t, p)
    t(f"mul.lo.u32 %r30, %r9, {p.taps * p.c_slices * BOX_BYTES};")
    t("add.u32 %r30, %r30, %r2;")  # the tile's weight blocks
    for i in range(nacc):
        t(f"mov.f32 %f{i}, 0f00000000;")
    t("mov.u32 %r13, 0;")
    t("C_LOOP:")
    _stage(t, p)
    t("and.b32 %r17, %r21, 1;")
    _wait(t, "C_WAIT", "%r19", "%r17")
    t(f"mad.lo.u32 %r25, %r20, {p.stage_bytes}, %r2;")
    t(f"add.u32 %r25, %r25, {p.stage_base};")
    t(f"mad.lo.u32 %r26, %r13, {BOX_BYTES}, %r30;")  # weight block of (tap kx, channel slice)
    t("wgmma.fence.sync.aligned;")
    accs = ", ".join(f"%f{i}" for i in range(nacc))
    a0 = p.a_descriptor(0, 0, 0, 0)
    b0 = p.b_descriptor(0, 0)
    for ky in range(p.kh):
        for step in range(BC // WG_K):
            # ConvPlan.a_descriptor / b_descriptor relative to the slice's block / the stage.
            da = p.a_descriptor(0, ky, 0, step)[0] - a0[0]
            db = p.b_descriptor(ky, step)[0] - b0[0]
            t(f"add.u32 %r27, %r26, {da};")
            _desc_lo(t, "%r27", "%r27", a0[1])
            t(f"add.u32 %r32, %r25, {db};")
            _desc_lo(t, "%r32", "%r32", b0[1])
            t("mov.b64 %rd3, {%r27, %r28};")
            t("mov.b64 %rd4, {%r32, %r28};")
            t(f"wgmma.mma_async.sync.aligned.m64n{p.n}k16.f32.f16.f16 {{{accs}}}, %rd3, %rd4, %p7, 1, 1, "
              f"{a0[3]}, {b0[3]};")
    t("wgmma.commit_group.sync.aligned;")
    # One slice's wgmmas stay in flight while the next slice's are issued: wait for the
    # slice before (at most one group pending), then hand its stage back (empty, one arrival
    # a warp). With the consumers' main loops taking turns, waiting for all (group 0) here
    # would drain the tensor pipe once a slice.
    t("wgmma.wait_group.sync.aligned 1;")
    t("setp.ne.u32 %p9, %r13, 0;")
    t("and.pred %p9, %p9, %p6;")
    t("@%p9 mbarrier.arrive.shared::cta.b64 %rd5, [%r33];")
    t(f"add.u32 %r33, %r19, {8 * p.stages};")  # this slice's empty[stage], released next
    t("add.u32 %r14, %r14, 1;")
    t("add.u32 %r13, %r13, 1;")
    t(f"setp.lt.u32 %p5, %r13, {p.k_slices};")
    t("@%p5 bra C_LOOP;")
    # The other consumer's turn (turn[1 - j]) while the last slice's wgmmas finish (its
    # wgmmas queue behind them), then this tile's stores under its wgmmas.
    t("sub.u32 %r43, 1, %r22;")
    t("shl.b32 %r43, %r43, 3;")
    t("add.u32 %r43, %r43, %r3;")
    t(f"add.u32 %r43, %r43, {turn};")
    t("@%p6 mbarrier.arrive.shared::cta.b64 %rd5, [%r43];")
    t("wgmma.wait_group.sync.aligned 0;")
    t("@%p6 mbarrier.arrive.shared::cta.b64 %rd5, [%r33];")  # the last slice's stage
    (_epilogue_staged if p.staged_out else _epilogue)(t, p, name)
    t("add.u32 %r38, %r38, 1;")
    t(f"add.u32 %r14, %r14, {p.k_slices};")  # skip the other consumer's tile
    t(f"add.u32 %r40, %r40, {CONSUMERS * p.grid};")
    t(f"setp.lt.u32 %p5, %r40, {p.tiles};")
    t("@%p5 bra C_TILE;")


def _epilogue(t: _Text, p: ConvPlan, name: str) -> None:
    """The m64nN D fragment: register 4i + 2h + e of lane l of warp w is output channel
    o0 + 16 w + l / 4 + 8 h, pixel 8 i + 2 (l % 4) + e of the tile: row y0 + i / 8, column
    x0 + 8 (i % 8) + 2 (l % 4) + e. Stores guarded where the tile overhangs."""
    es = 2 if p.out_f16 else 4
    pairs = p.out_so % 2 == 0 and p.out_sy % 2 == 0 and p.wo % 2 == 0
    g_o, g_y, g_x = p.o % BO != 0, p.ho % p.ty != 0, p.wo % BX != 0
    t(f"ld.param.u64 %rd6, [{name}_p{p.out_param}];")
    t("cvta.to.global.u64 %rd6, %rd6;")
    t("shl.b32 %r34, %r24, 4;")
    t("shr.u32 %r35, %r23, 2;")
    t("add.u32 %r34, %r34, %r35;")
    t(f"mad.lo.u32 %r34, %r9, {BO}, %r34;")  # output channel of h = 0
    t("and.b32 %r36, %r23, 3;")
    t("shl.b32 %r36, %r36, 1;")
    t("add.u32 %r36, %r36, %r10;")  # column of i % 8 = 0, e = 0
    for h in (0, 1):
        t(f"add.u32 %r37, %r34, {8 * h};")
        if g_o:
            t(f"setp.lt.u32 %p{10 + h}, %r37, {p.o};")
        t(f"mul.wide.u32 %rd{7 + h}, %r37, {p.out_so * es};")
    for q in range(8):
        for e in ((0,) if pairs else (0, 1)):
            if g_x:
                t(f"add.u32 %r35, %r36, {8 * q + e};")
                t(f"setp.lt.u32 %p{16 + 2 * q + e}, %r35, {p.wo};")
    t("mul.wide.u32 %rd10, %r36, " + f"{es};")
    t("add.u64 %rd10, %rd10, %rd6;")
    for r in range(p.ty):
        _output_row(t, p, r, es, g_y, "%r35", f"%p{12 + r}", "%rd9", "%rd10")
        for h in (0, 1):
            t(f"add.u64 %rd11, %rd9, %rd{7 + h};")
            for q in range(8):
                i = 8 * r + q
                regs = (f"%f{4 * i + 2 * h}", f"%f{4 * i + 2 * h + 1}")
                for e in ((None,) if pairs else (0, 1)):
                    conds = ([f"%p{10 + h}"] if g_o else []) + ([f"%p{12 + r}"] if g_y else []) + \
                            ([f"%p{16 + 2 * q + (e or 0)}"] if g_x else [])
                    pred = _guard(t, conds)
                    off = (8 * q + (e or 0)) * es
                    if e is None and p.out_f16:
                        t(f"cvt.rn.f16x2.f32 %r35, {regs[1]}, {regs[0]};")  # upper half: the odd column
                        t(f"{pred}st.global.b32 [%rd11+{off}], %r35;")
                    elif e is None:
                        t(f"{pred}st.global.v2.f32 [%rd11+{off}], {{{regs[0]}, {regs[1]}}};")
                    elif p.out_f16:
                        t(f"cvt.rn.f16.f32 %hs, {regs[e]};")
                        t(f"{pred}st.global.b16 [%rd11+{off}], %hs;")
                    else:
                        t(f"{pred}st.global.f32 [%rd11+{off}], {regs[e]};")



def _output_row(t: _Text, p: ConvPlan, r: int, es: int, g_y: bool, y: str, pred: str, addr: str, base: str) -> None:
    """Row r of the tile, for both epilogues: `y` = y0 + r, `pred` = (y < HO) where rows run
    off the output (`g_y`), `addr` = `base` + y times the output's row pitch (`es` bytes an
    element)."""
    t(f"add.u32 {y}, %r11, {r};")
    if g_y:
        t(f"setp.lt.u32 {pred}, {y}, {p.ho};")
    t(f"mul.wide.u32 {addr}, {y}, {p.out_sy * es};")
    t(f"add.u64 {addr}, {addr}, {base};")


def _guard(t: _Text, conds: list) -> str:
    """The conjunction of the predicates `conds` in %p8, as a store's guard prefix ("" if
    none: the store is unconditional)."""
    if not conds:
        return ""
    t(f"mov.pred %p8, {conds[0]};")
    for c in conds[1:]:
        t(f"and.pred %p8, %p8, {c};")
    return "@%p8 "


def staged_write(f16: bool, lane: int, k: int) -> tuple:
    """(byte offset in the warp's area, row, first column) where `_epilogue_staged` writes lane
    `lane`'s fragment pair k of a chunk (row lane / 4, columns 8 k + 2 (lane % 4) + 0, 1): the
    formulas its instructions compute, for the tests."""
    lr, q = lane // 4, lane % 4
    col = 8 * k + 2 * q
    if f16:
        return lr * 64 + 16 * (k ^ (lr >> 1)) + 4 * q, lr, col
    return lr * 128 + 16 * ((2 * k + (q >> 1)) ^ ((2 * lr) % 8)) + 8 * (q & 1), lr, col


def staged_read(f16: bool, lane: int, m: int) -> tuple:
    """(byte offset, row, first column) lane `lane` reads at read step m (and stores to that
    row's output channel and column): f16 a pixel pair of row 2m + lane / 16, f32 a pixel of
    row m."""
    if f16:
        lr, pp = 2 * m + lane // 16, lane % 16
        return lr * 64 + 16 * ((pp >> 2) ^ m) + 4 * (pp & 3), lr, 2 * pp
    return m * 128 + 16 * ((lane >> 2) ^ ((2 * m) % 8)) + 4 * (lane & 3), m, lane


def _epilogue_staged(t: _Text, p: ConvPlan, name: str) -> None:
    """The D fragment through shared memory, one warp at a time (its own 1 KB at
    ConvPlan.epi_base, so only warp-level syncs): for each chunk (tile row r, half-row a,
    h) the warp's 8 output channels x 32 pixels are written as the fragment holds them
    (lane l: channel l / 4, pixels 8 k + 2 (l % 4) + e, k = 0..3) and read back along the
    channels' rows, so each warp store writes 128 contiguous bytes: f32 one channel's 32
    pixels (a lane one pixel), f16 two channels' 32 pixels (a lane a pixel pair).
    Rows are 64 (f16) or 128 (f32) bytes; the 16-byte chunks are XOR-swizzled by the row
    (f16: chunk ^ (row / 2), f32: chunk ^ (2 row % 8)) so the writes and reads are free of
    bank conflicts. Stores guarded where the tile overhangs, as the direct epilogue."""
    f16 = p.out_f16
    es = 2 if f16 else 4
    g_o, g_y, g_x = p.o % BO != 0, p.ho % p.ty != 0, p.wo % BX != 0
    t(f"ld.param.u64 %rd6, [{name}_p{p.out_param}];")
    t("cvta.to.global.u64 %rd6, %rd6;")
    # the warp's area: epi_base + (4 j + w) KB
    t("shl.b32 %e0, %r22, 2;")
    t("add.u32 %e0, %e0, %r24;")
    t(f"mad.lo.u32 %e0, %e0, {EPI_WARP_BYTES}, %r2;")
    t(f"add.u32 %e0, %e0, {p.epi_base};")
    t("shr.u32 %e1, %r23, 2;")  # write side: row lr = lane / 4
    t("and.b32 %e2, %r23, 3;")  # q = lane % 4
    row_b = 64 if f16 else 128
    if f16:  # write (lr, 8k + 2q): lr 64 + 16 (k ^ (lr / 2)) + 4 q
        t(f"mad.lo.u32 %e3, %e1, {row_b}, %e0;")
        t("shl.b32 %e5, %e2, 2;")
        t("add.u32 %e3, %e3, %e5;")
        t("shr.u32 %e4, %e1, 1;")
        # read m: row 2m + lane / 16, pair pp = lane % 16: row 64 + 16 ((pp / 4) ^ m) + 4 (pp % 4)
        t("shr.u32 %e6, %r23, 4;")
        t(f"mad.lo.u32 %e6, %e6, {row_b}, %e0;")
        t("and.b32 %e7, %r23, 3;")
        t("shl.b32 %e7, %e7, 2;")
        t("add.u32 %e6, %e6, %e7;")
        t("shr.u32 %e7, %r23, 2;")
        t("and.b32 %e7, %e7, 3;")
        # global column of the lane: x0 + 2 pp; channel of the lane: + lane / 16
        t("and.b32 %e10, %r23, 15;")
        t("shl.b32 %e10, %e10, 1;")
        t("shr.u32 %e11, %r23, 4;")
    else:  # write (lr, 8k + 2q): lr 128 + 16 ((2k + q / 2) ^ (2 lr % 8)) + 8 (q % 2)
        t(f"mad.lo.u32 %e3, %e1, {row_b}, %e0;")
        t("and.b32 %e5, %e2, 1;")
        t("shl.b32 %e5, %e5, 3;")
        t("add.u32 %e3, %e3, %e5;")
        t("shl.b32 %e4, %e1, 1;")
        t("and.b32 %e4, %e4, 7;")
        t("shr.u32 %e5, %e2, 1;")
        t("xor.b32 %e4, %e4, %e5;")
        # read row lr: lr 128 + 16 ((lane / 4) ^ (2 lr % 8)) + 4 (lane % 4)
        t("and.b32 %e6, %r23, 3;")
        t("shl.b32 %e6, %e6, 2;")
        t("add.u32 %e6, %e6, %e0;")
        t("shr.u32 %e7, %r23, 2;")
        t("mov.u32 %e10, %r23;")  # global column of the lane: x0 + lane
        t("mov.u32 %e11, 0;")
    t("add.u32 %e12, %e10, %r10;")  # x0 + the lane's column (+ 32 a per chunk)
    t(f"mul.wide.u32 %ed0, %e12, {es};")
    t("add.u64 %ed0, %ed0, %rd6;")
    # first channel of the warp (h = 0, row 0) + the lane's row offset on the read side
    t(f"mad.lo.u32 %e9, %r9, {BO}, %e11;")
    t("shl.b32 %e13, %r24, 4;")
    t("add.u32 %e9, %e9, %e13;")
    reads = 4 if f16 else 8
    for r in range(p.ty):
        _output_row(t, p, r, es, g_y, "%e14", "%p12", "%ed1", "%ed0")
        for a in (0, 1):
            if g_x:
                t(f"add.u32 %e15, %e12, {32 * a};")
                t(f"setp.lt.u32 %p13, %e15, {p.wo};")
            for h in (0, 1):
                for k in range(4):
                    i = 8 * r + 4 * a + k
                    lo, hi = f"%f{4 * i + 2 * h}", f"%f{4 * i + 2 * h + 1}"
                    if f16:
                        t(f"xor.b32 %e5, %e4, {k};")
                        t("shl.b32 %e5, %e5, 4;")
                        t("add.u32 %e5, %e5, %e3;")
                        t(f"cvt.rn.f16x2.f32 %e8, {hi}, {lo};")  # upper half: the odd column
                        t("st.shared.b32 [%e5], %e8;")
                    else:
                        t(f"xor.b32 %e5, %e4, {2 * k};")
                        t("shl.b32 %e5, %e5, 4;")
                        t("add.u32 %e5, %e5, %e3;")
                        t(f"st.shared.v2.f32 [%e5], {{{lo}, {hi}}};")
                t("bar.warp.sync 0xffffffff;")
                for m in range(reads):
                    lr = 2 * m if f16 else m  # the row read (f16: + lane / 16, in %e9)
                    if f16:
                        t(f"xor.b32 %e5, %e7, {m};")
                        t("shl.b32 %e5, %e5, 4;")
                        t("add.u32 %e5, %e5, %e6;")
                        t(f"ld.shared.b32 %e8, [%e5+{m * 2 * row_b}];")
                    else:
                        t(f"xor.b32 %e5, %e7, {(2 * m) % 8};")
                        t("shl.b32 %e5, %e5, 4;")
                        t("add.u32 %e5, %e5, %e6;")
                        t(f"ld.shared.b32 %e8, [%e5+{m * row_b}];")
                    t(f"add.u32 %e14, %e9, {8 * h + lr};")
                    conds = []
                    if g_o:
                        t(f"setp.lt.u32 %p14, %e14, {p.o};")
                        conds.append("%p14")
                    if g_y:
                        conds.append("%p12")
                    if g_x:
                        conds.append("%p13")
                    t(f"mul.wide.u32 %ed2, %e14, {p.out_so * es};")
                    t("add.u64 %ed2, %ed2, %ed1;")
                    pred = _guard(t, conds)
                    t(f"{pred}st.global.b32 [%ed2+{32 * a * es}], %e8;")
                t("bar.warp.sync 0xffffffff;")  # the reads done before the next chunk's writes

def kernel_ptx(p: ConvPlan, nparams: int) -> tuple[str, str]:
    """(module-scope declaration of the dynamic shared window, the .entry) for plan `p` in a
    program of `nparams` buffers."""
    name = p.name
    smem = f"{name}_smem"
    params = [f"\t.param .u64 {name}_p{i}" for i in range(nparams)]
    params += [f"\t.param .align 64 .b8 {name}_tma_img[128]"]
    t = _Text()
    warps = WG // 32
    # full[S] (the producer's one arrival), empty[S] and turn[CONSUMERS] (one consumer's warps)
    roles_start(t, smem, p.barrier_base, [b for s in range(p.stages) for b in ((s, 1), (p.stages + s, warps))]
                + [(2 * p.stages + j, warps) for j in range(CONSUMERS)])
    _producer(t, p, name)
    t("CONSUMER:")
    _consumer(t, p, name)
    t("EXIT:")
    t("ret;")
    body = "\n".join(t.lines)
    taps = p.taps
    entry = (f".visible .entry {name}(\n" + ",\n".join(params) + "\n)\n"
             f".maxntid {p.threads}, 1, 1\n.minnctapersm 1\n{{\n"
             f"\t.reg .pred %p<40>;\n\t.reg .b32 %r<50>;\n\t.reg .b64 %rd<12>;\n\t.reg .f32 %f<{p.n // 2}>;\n"
             f"\t.reg .b32 %e<16>;\n\t.reg .b64 %ed<3>;\n\t.reg .b32 %wv<{4 * taps}>;\n\t.reg .b16 %hv<{8 * taps}>;\n\t.reg .b32 %pk<4>;\n\t.reg .b16 %hs;\n"
             f"{body}\n}}\n")
    return f".extern .shared .align 1024 .b8 {smem}[];\n", entry


assert WG_M == BO
