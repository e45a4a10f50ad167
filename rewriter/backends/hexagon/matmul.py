"""Byte matrix multiply with vrmpy: `c[m, n] = sum(cast<i32>(a[m, k]) * cast<i32>(b[k, n]), k)`.

Regrouping `k = 4t + q` gives every output word the four-term sums the `hvx-vrmpy-bb` rule
turns into `hvx.vrmpy_bb`; `Vx.w += vrmpy(Vu.b, Vv.b)` then needs, per word lane n, the four
bytes `b[4t + q, n]` side by side (Vu) and `a[m, 4t + q]` in every word (Vv, a `vsplat` of
one `memw`). The rows of b are 64 bytes, two to a vector, so three `vshuff`s make the quads:

    V0 = [b0 | b1], V1 = [b2 | b3]            (rows 4t .. 4t+3)
    P = vshuff(V1, V0, #-64)  -> lo [b0 | b2], hi [b1 | b3]
    Q = vshuff(P.hi, P.lo, #-1) -> lo b0[0] b1[0] b0[1] b1[1] ..., hi the same for b2, b3
    R = vshuff(Q.hi, Q.lo, #-2) -> lo b0[n] b1[n] b2[n] b3[n] for n < 32, hi for n >= 32

(`Vdd = vshuff(Vu, Vv, Rt)` interleaves Vv and Vu in units of -Rt bytes, Vv first, as
checked on qemu-hexagon.) One loop iteration computes one output row (64 words, two
accumulators), so the quads are rebuilt per row: no scratch memory, no stack frame.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, insn
from rewriter.backends.hexagon.select import substitute
from rewriter.ir.analysis import affine, depends
from rewriter.ir.uop import UOp, var


def matmul(sel, st: UOp) -> MachineFunction:
    k = sel.k
    if sel.unroll != 1:
        raise HexagonUnsupported("unrolling a matrix multiply")
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
    if aa != {mv: K, kv: 1} or ba != {kv: N, nv: 1} or N != 64 or K % 4 or K > 128 \
            or c.dtype.scalar.bits != 32 or c.shape != (M, N):
        raise HexagonUnsupported(f"the matrix multiply {la.arg}[{la.src[0]}] x {lb.arg}[{lb.src[0]}] "
                                 f"(a[m, k] x b[k, n] with 64 columns, k a multiple of 4)")
    # The target rules pick the instruction for four consecutive k.
    terms = []
    for q in range(4):
        t = body
        for ld in (la, lb):
            t = substitute(t, ld, var(ld.dtype, f"{ld.arg}@{q}"))
        terms.append(t)
    four = terms[0]
    for t in terms[1:]:
        four = UOp("add", value.dtype, (four, t))
    chosen = sel.rw.normalize(sel.simplify(four))
    names = [s.arg.name if s.op == "var" else None for s in chosen.src]
    if chosen.op != "hvx.vrmpy_bb" or sorted(names) != sorted(
            [f"{la.arg}@{q}" for q in range(4)] + [f"{lb.arg}@{q}" for q in range(4)]):
        raise HexagonUnsupported(f"the products {four} (selected {chosen}, no vrmpy(Vu.b,Vv.b))")
    pa, pb = sel.ptr[la.arg], sel.ptr[lb.arg]
    # b's rows as vectors 2t, 2t + 1; a base register every 8 vectors keeps offsets in #s4.
    bases = [pb]
    for j in range(1, (K // 2 + 7) // 8):
        r = sel.reg("R", f"{lb.arg}+{1024 * j}")
        sel.pro.add(insn("addi", d=r, u=pb, imm=1024 * j))
        bases.append(r)
    r64, r1, r2 = (sel.scalar_const(v, "R8") for v in (-64, -1, -2))
    accs = [sel.reg("V", "acc0"), sel.reg("V", "acc1")]
    for acc in accs:
        sel.body.add(insn("vzero", d=acc))
    for t in range(K // 4):
        v0, v1 = sel.reg("V", f"b{4 * t}"), sel.reg("V", f"b{4 * t + 2}")
        for v, vec in ((v0, 2 * t), (v1, 2 * t + 1)):
            sel.body.add(insn("vmem_ld", mem=lb.arg, d=v, p=bases[vec // 8], off=vec % 8))
        plo, phi, qlo, qhi, rlo, rhi = (sel.reg("V", f"quad{t}.{x}") for x in range(6))
        sel.body.add(insn("vshuffvdd", lo=plo, hi=phi, u=v1, v=v0, t=r64))
        sel.body.add(insn("vshuffvdd", lo=qlo, hi=qhi, u=phi, v=plo, t=r1))
        sel.body.add(insn("vshuffvdd", lo=rlo, hi=rhi, u=qhi, v=qlo, t=r2))
        word, splat = sel.reg("R", f"{la.arg}[m, {4 * t}]"), sel.reg("V", "splat")
        sel.body.add(insn("memw", mem=la.arg, d=word, p=pa, off=4 * t))
        sel.body.add(insn("vsplatw", d=splat, t=word))
        for acc, quad in zip(accs, (rlo, rhi)):
            sel.body.add(insn("vrmpybv_acc", d=acc, u=quad, v=splat))
    sel.store_vectors(c.name, accs)
    sel.body.add(insn("addi", d=pa, u=pa, imm=K))
    sel.advance_pointers(sel.body, {c.name: 4 * N})
    sel.notes.append(f"{c.name}: {M} rows of {N} words; {K // 4} vrmpy steps per row "
                     "(hvx.vrmpy_bb from rules/hexagon.rules), b's quads by 3 vshuffs")
    return sel.finish(M)
