"""PTX text for a "wgmma-matmul" launch (lower/gpu_wgmma.py: what the kernel does and why).

Written as PTX rather than through LLVM: the NVPTX backend of our llvmlite has no wgmma,
TMA, mbarrier-transaction or setmaxnreg intrinsics, and a wgmma's 128 accumulators must stay
in the registers the asynchronous instruction names (between `wgmma.fence` and
`wgmma.wait_group` nothing may move them). The kernel is appended to the LLVM module's PTX
(`merge`), whose target becomes sm_90a (wgmma and setmaxnreg exist only there: PTX ISA
9.7.15 "Asynchronous Warpgroup Level Matrix Instructions", 9.7.18.x "setmaxnreg").

Parameters: every buffer of the program as a .u64 pointer (the runtime passes the same list
to every launch), then one 128-byte tensor map per operand (`.param .align 64 .b8 [128]`,
the CUtensorMap the runtime encodes; its generic address comes from `cvta.param`, as nvcc
emits for a `__grid_constant__` CUtensorMap). Dynamic shared memory: one `.extern .shared`
array, aligned up to a 1024-byte swizzle atom in the kernel.

Instruction forms (PTX ISA 8.0+): mbarrier.init / arrive / arrive.expect_tx /
try_wait.parity on .shared::cta (9.7.13.15), cp.async.bulk.tensor.2d ... mbarrier::complete_tx::bytes
(9.7.9.25), wgmma.fence / mma_async / commit_group / wait_group (9.7.15.5-9.7.15.7),
fence.proxy.async and fence.mbarrier_init (9.7.13.4).
"""
from __future__ import annotations

import re

from rewriter.lower.gpu_wgmma import ATOM_BYTES, CONSUMER_REGS, PRODUCER_REGS, WG, WG_K, WG_M, WgmmaPlan

PTX_VERSION = (8, 0)  # wgmma, setmaxnreg, mbarrier expect_tx: PTX ISA 8.0
TARGET = "sm_90a"


def _desc_hi(sbo: int) -> int:
    """Bits 32..63 of a descriptor: SBO >> 4 in bits 32-45, 128-byte swizzle (1) in 62-63
    (PTX ISA 9.7.15.5.1.2.2, "Matrix Descriptor Format")."""
    return (sbo >> 4) | (1 << 30)


class _Text:
    def __init__(self):
        self.lines = []

    def __call__(self, s: str) -> None:
        self.lines.append("\t" + s if not s.endswith(":") else s)


def _wait(t: _Text, label: str, bar: str, parity: str) -> None:
    """Spin until the phase of parity `parity` of mbarrier `bar` has completed."""
    t(f"{label}:")
    t(f"mbarrier.try_wait.parity.shared::cta.b64 %p3, [{bar}], {parity};")
    t(f"@!%p3 bra {label};")


def _advance(t: _Text, p: WgmmaPlan, loop: str) -> None:
    """Next slice: i += 1, stage s += 1 (wrapping to 0 and counting the round at S)."""
    t("add.u32 %r13, %r13, 1;")
    t("add.u32 %r14, %r14, 1;")
    t(f"setp.eq.u32 %p4, %r14, {p.stages};")
    t("@%p4 mov.u32 %r14, 0;")
    t("@%p4 add.u32 %r15, %r15, 1;")
    t(f"setp.lt.u32 %p5, %r13, {p.k_slices};")
    t(f"@%p5 bra {loop};")


def _tile(t: _Text, p: WgmmaPlan) -> None:
    """m0 (%r10), n0 (%r11) of tile %r40 (WgmmaPlan.tile_of)."""
    per_group = p.group_m * p.tiles_n
    t(f"div.u32 %r4, %r40, {per_group};")
    t(f"mul.lo.u32 %r5, %r4, {p.group_m};")
    t(f"mov.u32 %r6, {p.tiles_m};")
    t("sub.u32 %r6, %r6, %r5;")
    t(f"min.u32 %r6, %r6, {p.group_m};")
    t(f"rem.u32 %r7, %r40, {per_group};")
    t("rem.u32 %r8, %r7, %r6;")
    t("add.u32 %r8, %r8, %r5;")
    t("div.u32 %r9, %r7, %r6;")
    t(f"mul.lo.u32 %r10, %r8, {p.bm};")
    t(f"mul.lo.u32 %r11, %r9, {p.bn};")


def _next_tile(t: _Text, p: WgmmaPlan, label: str) -> None:
    """The block's next tile (WgmmaPlan.tiles_of_block), if any."""
    t(f"add.u32 %r40, %r40, {p.grid};")
    t(f"setp.lt.u32 %p5, %r40, {p.tiles};")
    t(f"@%p5 bra {label};")


def _producer(t: _Text, p: WgmmaPlan, name: str) -> None:
    t(f"setmaxnreg.dec.sync.aligned.u32 {PRODUCER_REGS};")
    t("@!%p0 bra EXIT;")  # one thread issues every copy
    t(f"mov.b64 %rd0, {name}_tma_a;")
    t("cvta.param.u64 %rd0, %rd0;")
    t(f"mov.b64 %rd1, {name}_tma_b;")
    t("cvta.param.u64 %rd1, %rd1;")
    t("mov.u32 %r14, 0;")  # stage
    t("mov.u32 %r15, 0;")  # round (slices / S), over every tile of the block
    t("mov.u32 %r40, %r1;")  # tile
    t("P_TILE:")
    _tile(t, p)
    t("mov.u32 %r13, 0;")  # slice of the tile
    t("mov.u32 %r16, 0;")  # k0
    t("P_LOOP:")
    # The first S slices find their stages free; later ones wait for the consumers to have
    # released the stage (the empty barrier's phase of the previous round).
    t("setp.eq.u32 %p2, %r15, 0;")
    t("@%p2 bra P_FREE;")
    t("add.u32 %r17, %r15, 1;")
    t("and.b32 %r17, %r17, 1;")
    t("shl.b32 %r18, %r14, 3;")
    t("add.u32 %r18, %r18, %r3;")
    t(f"add.u32 %r18, %r18, {8 * p.stages};")
    _wait(t, "P_WAIT", "%r18", "%r17")
    t("P_FREE:")
    t("shl.b32 %r19, %r14, 3;")
    t("add.u32 %r19, %r19, %r3;")
    t(f"mbarrier.arrive.expect_tx.shared::cta.b64 %rd2, [%r19], {p.stage_bytes};")
    t(f"mad.lo.u32 %r20, %r14, {p.stage_bytes}, %r2;")
    for op, base, tm, o0 in ((p.a, 0, "%rd0", "%r10"), (p.b, p.a.stage_bytes, "%rd1", "%r11")):
        for j in range(op.boxes):
            off = op.box_at(j, 0, 0)[0]  # coordinates as box_at gives them, in registers
            t(f"add.u32 %r21, %r20, {base + off};")
            if op.k_fast:  # one box: (k0, o0)
                coords = ("%r16", o0)
            else:  # box j: (o0 + 64 j, k0)
                t(f"add.u32 %r30, {o0}, {j * op.row_elems};")
                coords = ("%r30", "%r16")
            t(f"cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes "
              f"[%r21], [{tm}, {{{coords[0]}, {coords[1]}}}], [%r19];")
    t(f"add.u32 %r16, %r16, {p.bk};")
    _advance(t, p, "P_LOOP")
    _next_tile(t, p, "P_TILE")
    t("bra EXIT;")


def _consumer(t: _Text, p: WgmmaPlan) -> None:
    nacc = p.bn // 2
    t(f"setmaxnreg.inc.sync.aligned.u32 {CONSUMER_REGS};")
    t("sub.u32 %r22, %r12, 1;")  # consumer index
    t("and.b32 %r23, %r0, 31;")  # lane
    t("shr.u32 %r24, %r0, 5;")
    t("and.b32 %r24, %r24, 3;")  # warp in the warpgroup
    t("setp.eq.u32 %p7, %r0, %r0;")  # scale-d = true: D = A B + D (accumulators start at 0)
    a_cw = p.a.descriptor(WG_M, 0)[0] - p.a.descriptor(0, 0)[0]  # a consumer's 64 rows of A
    a_lbo, a_sbo, a_tr = p.a.descriptor(0, 0)[1:]
    b_lbo, b_sbo, b_tr = p.b.descriptor(0, 0)[1:]
    t(f"mov.u32 %r28, {_desc_hi(a_sbo)};")
    t(f"mov.u32 %r29, {_desc_hi(b_sbo)};")
    t("mov.u32 %r14, 0;")
    t("mov.u32 %r15, 0;")
    t("mov.u32 %r40, %r1;")
    t("C_TILE:")
    _tile(t, p)
    for i in range(nacc):
        t(f"mov.f32 %f{i}, 0f00000000;")
    t("mov.u32 %r13, 0;")
    t("C_LOOP:")
    t("shl.b32 %r19, %r14, 3;")
    t("add.u32 %r19, %r19, %r3;")
    t("and.b32 %r17, %r15, 1;")
    _wait(t, "C_WAIT", "%r19", "%r17")
    t(f"mad.lo.u32 %r20, %r14, {p.stage_bytes}, %r2;")
    t(f"mad.lo.u32 %r25, %r22, {a_cw}, %r20;")
    t(f"add.u32 %r26, %r20, {p.a.stage_bytes};")
    t("wgmma.fence.sync.aligned;")
    accs = ", ".join(f"%f{i}" for i in range(nacc))
    for step in range(p.bk // WG_K):
        for reg, lo, base, lbo, d in (("%rd3", "%r27", "%r25", a_lbo, p.a.descriptor(0, step)),
                                      ("%rd4", "%r32", "%r26", b_lbo, p.b.descriptor(0, step))):
            t(f"add.u32 {lo}, {base}, {d[0]};")
            t(f"shr.u32 {lo}, {lo}, 4;")
            t(f"and.b32 {lo}, {lo}, 16383;")
            t(f"or.b32 {lo}, {lo}, {(lbo >> 4) << 16};")
        t("mov.b64 %rd3, {%r27, %r28};")
        t("mov.b64 %rd4, {%r32, %r29};")
        t(f"wgmma.mma_async.sync.aligned.m64n{p.bn}k16.f32.{p.dtype}.{p.dtype} {{{accs}}}, %rd3, %rd4, %p7, 1, 1, {a_tr}, {b_tr};")
    t("wgmma.commit_group.sync.aligned;")
    t("wgmma.wait_group.sync.aligned 0;")
    # The stage's operands have been read: one arrival a warp hands it back to the producer.
    t("setp.eq.u32 %p6, %r23, 0;")
    t(f"add.u32 %r33, %r19, {8 * p.stages};")
    t("@%p6 mbarrier.arrive.shared::cta.b64 %rd5, [%r33];")
    _advance(t, p, "C_LOOP")
    _epilogue(t, p)
    _next_tile(t, p, "C_TILE")


def _epilogue(t: _Text, p: WgmmaPlan) -> None:
    """D fragment of m64nN (PTX ISA 9.7.15.5.1.1.1): register 4i + 2h + e of the thread
    (warp w of its warpgroup, lane l) is row 16 w + l / 4 + 8 h, column 8 i + 2 (l % 4) + e."""
    t(f"ld.param.u64 %rd6, [{p.name}_p{p.c_param}];")
    t("cvta.to.global.u64 %rd6, %rd6;")
    t("shl.b32 %r34, %r24, 4;")
    t("shr.u32 %r35, %r23, 2;")
    t("add.u32 %r34, %r34, %r35;")
    t(f"mad.lo.u32 %r34, %r22, {WG_M}, %r34;")
    t("add.u32 %r34, %r34, %r10;")  # row of h = 0
    t("and.b32 %r36, %r23, 3;")
    t("shl.b32 %r36, %r36, 1;")
    t("add.u32 %r36, %r36, %r11;")  # column of i = 0
    guard_rows, guard_cols = p.m % p.bm != 0, p.n % p.bn != 0
    pairs = p.ldc % 2 == 0 and p.n % 2 == 0  # 8-byte aligned pairs (col is even)
    for h in (0, 1):
        row = "%r34" if h == 0 else "%r37"
        if h:
            t("add.u32 %r37, %r34, 8;")
        t(f"mul.wide.u32 %rd7, {row}, {p.ldc * 4};")
        t("mul.wide.u32 %rd8, %r36, 4;")
        t("add.u64 %rd7, %rd7, %rd8;")
        t("add.u64 %rd7, %rd7, %rd6;")
        if guard_rows:
            t(f"setp.lt.u32 %p8, {row}, {p.m};")
        for i in range(p.bn // 8):
            vals = (f"%f{4 * i + 2 * h}", f"%f{4 * i + 2 * h + 1}")
            for e in ((None,) if pairs else (0, 1)):
                pred = ""
                if guard_rows or guard_cols:
                    if guard_cols:
                        t(f"add.u32 %r38, %r36, {8 * i + (e or 0)};")
                        t(f"setp.lt.u32 %p9, %r38, {p.n};")
                        if guard_rows:
                            t("and.pred %p9, %p9, %p8;")
                        pred = "@%p9 "
                    else:
                        pred = "@%p8 "
                off = 32 * i + 4 * (e or 0)
                if e is None:
                    t(f"{pred}st.global.v2.f32 [%rd7+{off}], {{{vals[0]}, {vals[1]}}};")
                else:
                    t(f"{pred}st.global.f32 [%rd7+{off}], {vals[e]};")


def roles_start(t: _Text, smem: str, barrier_base: int, barriers: list) -> None:
    """The start of a warp-specialized kernel: %r0 the thread, %r1 the block, %r2 the dynamic
    shared window aligned up to a swizzle atom, %r3 its mbarriers (`barrier_base` bytes in);
    thread 0 initializes each (i, n) of `barriers`, in that order, as barrier i (at +8 i)
    expecting n arrivals; then warpgroup 0 falls through to the producer and the others
    branch to `CONSUMER`."""
    t("mov.u32 %r0, %tid.x;")
    t("mov.u32 %r1, %ctaid.x;")
    t(f"mov.u32 %r2, {smem};")
    t(f"add.u32 %r2, %r2, {ATOM_BYTES - 1};")
    t(f"and.b32 %r2, %r2, {-ATOM_BYTES};")  # swizzle atoms start 1024-aligned
    t(f"add.u32 %r3, %r2, {barrier_base};")
    t("setp.eq.u32 %p0, %r0, 0;")
    t("@!%p0 bra INIT_DONE;")
    for i, n in barriers:
        t(f"mbarrier.init.shared::cta.b64 [%r3+{8 * i}], {n};")
    # The barriers' initialization must be visible to the copy engine (the async proxy).
    t("fence.mbarrier_init.release.cluster;")
    t("fence.proxy.async.shared::cta;")
    t("INIT_DONE:")
    t("bar.sync 0;")
    t("shr.u32 %r12, %r0, 7;")  # warpgroup
    t("setp.ne.u32 %p1, %r12, 0;")
    t("@%p1 bra CONSUMER;")


def kernel_ptx(p: WgmmaPlan, nparams: int) -> tuple[str, str]:
    """(module-scope declaration of the dynamic shared window, the .entry) for plan `p` in a
    program of `nparams` buffers (the kernel's, then its scratch buffers)."""
    name = p.name
    smem = f"{name}_smem"
    params = [f"\t.param .u64 {name}_p{i}" for i in range(nparams)]
    params += [f"\t.param .align 64 .b8 {name}_tma_a[128]", f"\t.param .align 64 .b8 {name}_tma_b[128]"]
    t = _Text()
    # full[s] at +8 s (the producer's one arrival), empty[s] at +8 (S + s) (every consumer warp)
    roles_start(t, smem, p.stages * p.stage_bytes,
                [b for s in range(p.stages) for b in ((s, 1), (p.stages + s, p.consumers * WG // 32))])
    _producer(t, p, name)
    t("CONSUMER:")
    _consumer(t, p)
    t("EXIT:")
    t("ret;")
    body = "\n".join(t.lines)
    entry = (f".visible .entry {name}(\n" + ",\n".join(params) + "\n)\n"
             f".maxntid {p.threads}, 1, 1\n.minnctapersm 1\n{{\n"
             f"\t.reg .pred %p<10>;\n\t.reg .b32 %r<41>;\n\t.reg .b64 %rd<9>;\n\t.reg .f32 %f<{p.bn // 2}>;\n"
             f"{body}\n}}\n")
    return f".extern .shared .align 1024 .b8 {smem}[];\n", entry


def merge(llvm_ptx: str, plans, nparams: int, render=None) -> str:
    """The LLVM module's PTX with the native kernels appended: target sm_90a, PTX >= 8.0.
    `render(plan, nparams)` -> (declaration, entry) writes each plan (default: kernel_ptx)."""
    if not plans:
        return llvm_ptx
    text = re.sub(r"^\.target\s+sm_90a?\b", f".target {TARGET}", llvm_ptx, count=1, flags=re.M)

    def version(m):
        v = (int(m.group(1)), int(m.group(2)))
        return ".version %d.%d" % max(v, PTX_VERSION)

    text = re.sub(r"^\.version\s+(\d+)\.(\d+)", version, text, count=1, flags=re.M)
    decls, entries = zip(*((render or kernel_ptx)(p, nparams) for p in plans))
    return text.rstrip("\n") + "\n\n" + "".join(decls) + "\n" + "\n".join(entries)
