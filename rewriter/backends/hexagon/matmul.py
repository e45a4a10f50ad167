"""Byte matrix multiply with vrmpy: `c[m, n] = sum(cast<W>(a[m, k]) * cast<W>(b[k, n]), k)`
for any M, any K that is a multiple of 4, any N that is a multiple of 32 (words fill whole
vectors), bytes of either signedness (W = i32, or u32 for two unsigned operands).

Regrouping `k = 4t + q` gives every output word a four-term sum, which the target rules turn
into one vrmpy op (`reduce.RMPY_ACC`: `hvx.vrmpy_bb`, `_ubb`, `_uub`); which load is the
instruction's Vu and which its Vv comes from the rule, so the unsigned operand lands where
the instruction wants it. `Vx.w += vrmpy(Vu, Vv)` then needs, per word lane n, the four
bytes `b[4t + q, n]` side by side and `a[m, 4t + q]` in every word (a `vsplat` of one
`memw`). For each block of 128 columns, the four rows of b are four loads (`vmem` where
the address is aligned, else `vmemu`), and four `vshuff`s make their quads:

    P = vshuff(b1, b0, #-1) -> lo b0[0] b1[0] b0[1] b1[1] ... (columns 0..63), hi 64..127
    Q = vshuff(b3, b2, #-1) -> the same for rows 2, 3
    R = vshuff(Q.lo, P.lo, #-2) -> lo b0[n] b1[n] b2[n] b3[n] for n < 32, hi 32 <= n < 64
    S = vshuff(Q.hi, P.hi, #-2) -> columns 64..95, 96..127

(`Vdd = vshuff(Vu, Vv, Rt)` interleaves Vv and Vu in units of -Rt bytes, Vv first, as
checked on qemu-hexagon.) With N = 64 two rows share a vector: two loads, a `vshuff` by 64
bytes puts rows 0, 2 and 1, 3 side by side, and two more make the quads. Another block
narrower than 128 columns (N = 32, 96, ...) reads past its row, which the buffer's laid-out
room allows, and computes only its columns' quads and words. One
loop iteration computes `unroll` output rows, which share the quads (b does not depend on
m), so the quads cost 8 instructions per four k per block whatever the unroll.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, insn
from rewriter.backends.hexagon.reduce import RMPY_ACC
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes, substitute
from rewriter.ir.analysis import affine, depends
from rewriter.ir.uop import UOp, var

#: Accumulator vectors one iteration may hold (unrolled rows x words per row / 32): the
#: rest of the 32 vector registers hold the quads, the splats and the loads in flight.
MAX_ACCUMULATORS = 16
#: Bytes `addi` takes back from b's pointer after a row (#s16): the largest b this reads.
MAX_B_BYTES = 1 << 15


def matmul(sel, st: UOp) -> MachineFunction:
    k = sel.k
    *indices, value = st.src
    c = k.buffer(st.arg)
    if len(indices) != 2 or any(i.op != "var" for i in indices) or value.arg[0] != "sum":
        raise HexagonUnsupported(f"the store {c.name}[...] (a matrix multiply needs c[m, n] = sum(...))")
    mv, nv = (i.arg.name for i in indices)
    (kv,) = value.arg[1]
    body = sel.flat_loads(value.src[0])
    loads = [n for n in body.toposort() if n.op == "load"]
    left = [ld for ld in loads if depends(ld.src[0], mv)]
    right = [ld for ld in loads if ld not in left]
    if len(left) != 1 or len(right) != 1:
        raise HexagonUnsupported("a matrix multiply other than a[m, k] times b[k, n]")
    (la,), (lb,) = left, right
    aa, ba = affine(la.src[0]), affine(lb.src[0])
    M, N, K = k.range(mv).size, k.range(nv).size, k.range(kv).size
    U = sel.unroll
    if aa != {mv: K, kv: 1} or ba != {kv: N, nv: 1} or N % 32 or K % 4 or c.dtype.scalar.bits != 32 \
            or c.shape != (M, N) or _elem_bytes(la.dtype) != 1 or _elem_bytes(lb.dtype) != 1:
        raise HexagonUnsupported(f"the matrix multiply {la.arg}[{la.src[0]}] x {lb.arg}[{lb.src[0]}] "
                                 f"(bytes, a[m, k] x b[k, n] with N a multiple of 32, K of 4)")
    blocks = -(-N // VBYTES)
    if M % U or U * blocks * 4 > MAX_ACCUMULATORS:
        raise HexagonUnsupported(f"a matrix multiply of {M} rows of {N} words unrolled by {U}")
    if K * N > MAX_B_BYTES or U * K > 4096:  # (memw's offset: #s11:2)
        raise HexagonUnsupported(f"a matrix multiply reading {K * N} bytes of {lb.arg} (at most {MAX_B_BYTES})")
    op, a_is_u = _rmpy_op(sel, body, value.dtype, la, lb)
    pa, pb = sel.ptr[la.arg], sel.ptr[lb.arg]
    r1, r2 = (sel.scalar_const(v, "R8") for v in (-1, -2))
    accs = [[sel.reg("V", f"acc{u}.{j}") for j in range(N // 32)] for u in range(U)]
    for row in accs:
        for acc in row:
            sel.body.add(insn("vzero", d=acc))
    for t in range(K // 4):
        splats = []
        for u in range(U):  # a[m + u, 4t .. 4t + 3] in every word
            word, splat = sel.reg("R", f"{la.arg}[m+{u}, {4 * t}]"), sel.reg("V", "splat")
            sel.body.add(insn("memw", mem=la.arg, d=word, p=pa, off=u * K))
            sel.body.add(insn("vsplatw", d=splat, t=word))
            splats.append(splat)
        for blk in range(blocks):
            quads = _quads(sel, lb.arg, pb, N, blk, (r1, r2))
            for u in range(U):
                for j, quad in enumerate(quads):
                    vu, vv = (splats[u], quad) if a_is_u else (quad, splats[u])
                    sel.body.add(insn(RMPY_ACC[op][0], d=accs[u][blk * 4 + j], u=vu, v=vv))
        # a's and b's pointers walk a step at a time (b's by four rows: 4N bytes on is
        # aligned again, N being a multiple of 32), so every load waits for its step and
        # few scalar registers are live whatever K.
        sel.body.add(insn("addi", d=pa, u=pa, imm=4))
        sel.body.add(insn("addi", d=pb, u=pb, imm=4 * N))
    sel.body.add(insn("addi", d=pb, u=pb, imm=-K * N))
    for u, row in enumerate(accs):
        sel.store_vectors(c.name, row, first=u * N // 32)
    sel.body.add(insn("addi", d=pa, u=pa, imm=U * K - K))
    sel.advance_pointers(sel.body, {c.name: 4 * N * U})
    sel.notes.append(f"{c.name}: {M} rows of {N} words, {U} an iteration; {K // 4} vrmpy steps per row "
                     f"({op} from rules/hexagon.rules), b's quads by 4 vshuffs per 128 columns")
    return sel.finish(M // U)


def _rmpy_op(sel, body: UOp, t, la: UOp, lb: UOp) -> tuple[str, bool]:
    """The vrmpy op the target rules make of four consecutive k, and whether a's bytes are
    its Vu operand (else b's are)."""
    terms = []
    for q in range(4):
        term = body
        for ld in (la, lb):
            term = substitute(term, ld, var(ld.dtype, f"{ld.arg}@{q}"))
        terms.append(term)
    four = terms[0]
    for term in terms[1:]:
        four = UOp("add", t, (four, term))
    chosen = sel.rw.normalize(sel.simplify(four))
    names = [s.arg.name if s.op == "var" else None for s in chosen.src]
    for u_load, v_load in ((la, lb), (lb, la)):
        if chosen.op in RMPY_ACC and names == [f"{u_load.arg}@{q}" for q in range(4)] + \
                [f"{v_load.arg}@{q}" for q in range(4)]:
            return chosen.op, u_load is la
    raise HexagonUnsupported(f"the products {four} (selected {chosen}, no vrmpy of two byte vectors)")


def _quads(sel, buf: str, pb, N: int, blk: int, shifts) -> list:
    """The quads of b's four rows at the pointer for columns `blk * 128` on, one vector per
    32 columns of the row (at most four): `b[q, n]` at byte 4n + q."""
    r1, r2 = shifts
    cols = min(VBYTES, N - blk * VBYTES)
    if N == 64:  # two rows a vector: [b0 | b1], [b2 | b3] -> [b0 | b2], [b1 | b3] (vshuff by 64)
        v0, v1 = _b_row(sel, buf, pb, 0), _b_row(sel, buf, pb, VBYTES)
        plo, phi = sel.reg("V", "b0|b2"), sel.reg("V", "b1|b3")
        sel.body.add(insn("vshuffvdd", lo=plo, hi=phi, u=v1, v=v0, t=sel.scalar_const(-64, "R8")))
        qlo, qhi = sel.reg("V", "b0b1"), sel.reg("V", "b2b3")
        sel.body.add(insn("vshuffvdd", lo=qlo, hi=qhi, u=phi, v=plo, t=r1))
        pairs = [(qhi, qlo)]
    else:
        rows = [_b_row(sel, buf, pb, q * N + blk * VBYTES) for q in range(4)]
        plo, phi, qlo, qhi = (sel.reg("V", f"b{x}") for x in ("01lo", "01hi", "23lo", "23hi"))
        sel.body.add(insn("vshuffvdd", lo=plo, hi=phi, u=rows[1], v=rows[0], t=r1))
        sel.body.add(insn("vshuffvdd", lo=qlo, hi=qhi, u=rows[3], v=rows[2], t=r1))
        pairs = [(qlo, plo), (qhi, phi)][:-(-cols // 64)]
    quads = []
    for hi, lo in pairs:
        d0, d1 = sel.reg("V", "quad"), sel.reg("V", "quad")
        sel.body.add(insn("vshuffvdd", lo=d0, hi=d1, u=hi, v=lo, t=r2))
        quads += [d0, d1]
    return quads[:cols // 32]


def _b_row(sel, buf: str, pb, byte: int):
    """128 bytes of b from `byte` past its pointer: `vmem` where that is aligned (the
    pointer is: it moves by 4N, a multiple of 128), else `vmemu` from an address register."""
    d = sel.reg("V", f"{buf}+{byte}B")
    if byte % VBYTES == 0 and -8 <= byte // VBYTES <= 7:
        sel.body.add(insn("vmem_ld", mem=buf, d=d, p=pb, off=byte // VBYTES))
        return d
    addr = sel.reg("R", f"&{buf}+{byte}B")
    sel.body.add(insn("addi", d=addr, u=pb, imm=byte))
    sel.body.add(insn("vmemu_ld" if byte % VBYTES else "vmem_ld", mem=buf, d=d, p=addr, off=0))
    return d
