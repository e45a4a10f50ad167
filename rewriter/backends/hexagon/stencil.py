"""2-D byte stencils with vrmpy: `out[y, x] = sum(cast<i32>(img[y+ky, x+kx]) * cast<i32>(w[ky, kx]), ky, kx)`.

`Vd.w = vrmpy(Vu.ub, Rt.b)` gives word lane j the sum of four byte products
`Vu.ub[4j+q] * Rt.b[q]`; with the filter row `(w[ky,0], w[ky,1], w[ky,2], 0)` in Rt (the
zero-padded 3-wide reduce of `rules/hexagon.rules`) and the image row read from byte `s`
(an unaligned `vmemu`), lane j is row ky's share of `out[y, 4j + s]`. Four shifts s = 0..3
give four accumulators of 32 words, `acc_s[j] = out[y, 4j + s]`, summed over the rows ky
with `Vx.w += vrmpy(Vu.ub, Rt.b)`. Two rounds of `vshuff` (interleave words, then pairs of
words; `Vdd = vshuff(Vu, Vv, Rt)` puts Vv's unit first, checked on qemu-hexagon) restore the
natural order: out[y, 0..127] in four vectors, stored aligned.

One loop iteration computes `sel.unroll` output rows of exactly 128 words (input rows loaded
once each, shared by the output rows that read them; the "sliding" form loads each as the pair
(row, row + 4) for `vrmpy(Vuu.ub, Rt.b, #u1)`, see docs/HEXAGON.md); the filter rows are packed
into scalar registers once, in the prologue (`memub` + `|= asl`).
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, insn
from rewriter.backends.hexagon.select import substitute as _subst
from rewriter.backends.hexagon.window import interleave_words
from rewriter.ir.analysis import affine, depends
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, var

#: The hvx op a row's products select (by the image's signedness) -> (row, accumulating row).
SCALAR_RMPY = {"hvx.vrmpy_ubb": ("vrmpybus", "vrmpybus_acc")}
#: The sliding form's byte shifts s = 1, 2, 3: the half of `vrmpy(Vuu.ub, Rt.b, #u1)` that
#: computes it (an op of rewriter/backends/hexagon/ops.py) and, per byte position q of its word lane,
#: whether the byte comes from Vuu.v1 (the row 4 bytes on) or from v0 (the row).
SLIDING_HALVES = {1: ("hvx.vrmpyi_ubb_lo1", (True, False, False, False)),
                  2: ("hvx.vrmpyi_ubb_hi0", (True, True, False, False)),
                  3: ("hvx.vrmpyi_ubb_hi1", (True, True, True, False))}


def stencil(sel, st: UOp) -> MachineFunction:
    """`sel` is a `select.Selector`; the store is `out[y, x] = sum(... , ky, kx)`."""
    k = sel.k
    *indices, value = st.src
    out = k.buffer(st.arg)
    if len(indices) != 2 or any(i.op != "var" for i in indices) or len(out.shape) != 2:
        raise HexagonUnsupported(f"the store {out.name}[...] (a stencil needs out[y, x])")
    yv, xv = (i.arg.name for i in indices)
    if out.shape[1] != 128 or out.dtype.scalar.bits != 32 or value.op != "reduce" or value.arg[0] != "sum":
        raise HexagonUnsupported(f"a stencil into {out} (rows of 128 words, a sum)")
    kyn, kxn = value.arg[1] if len(value.arg[1]) == 2 else (None, None)
    if kyn is None:
        raise HexagonUnsupported("a stencil without two reduce ranges")
    body = sel.flat_loads(value.src[0])
    loads = [n for n in body.toposort() if n.op == "load"]
    img = [ld for ld in loads if depends(ld.src[0], xv)]
    wts = [ld for ld in loads if ld not in img]
    if len(img) != 1 or len(wts) != 1:
        raise HexagonUnsupported("a stencil other than image times weights")
    (img,), (wt,) = img, wts
    ia, wa = affine(img.src[0]), affine(wt.src[0])
    if ia is None or wa is None or ia.get(xv) != 1 or ia.get(kxn) != 1 or ia.get(yv) != ia.get(kyn) \
            or set(ia) - {xv, yv, kxn, kyn, None} or set(wa) - {kxn, kyn, None} or wa.get(kxn) != 1:
        raise HexagonUnsupported(f"the stencil accesses {img.arg}[{img.src[0]}], {wt.arg}[{wt.src[0]}]")
    stride, wstride = ia[yv], wa.get(kyn, 0)
    nkx, nky = k.range(kxn).size, k.range(kyn).size
    if img.dtype.scalar.bits != 8 or wt.dtype.scalar.bits != 8 or nkx > 4 or nky > 8:
        raise HexagonUnsupported(f"a {nky}x{nkx} stencil of {img.dtype} by {wt.dtype}")
    # The target rules decide the instruction: one filter row's products, lane q = kx.
    terms = []
    for q in range(nkx):
        t = body
        for ld in (img, wt):
            t = _subst(t, ld, var(ld.dtype, f"{ld.arg}@{q}"))
        terms.append(t)
    row = terms[0]
    for t in terms[1:]:
        row = UOp("add", value.dtype, (row, t))
    chosen = sel.rw.normalize(sel.simplify(row))
    want = [f"{img.arg}@{q}" for q in range(nkx)], [f"{wt.arg}@{q}" for q in range(nkx)]
    args = [s.arg.name if s.op == "var" else s.arg for s in chosen.src]
    if chosen.op not in SCALAR_RMPY or args[:nkx] != want[0] or args[4:4 + nkx] != want[1]:
        raise HexagonUnsupported(f"a stencil row {row} (selected {chosen}, no scalar vrmpy)")
    plain, acc_row = SCALAR_RMPY[chosen.op]
    # Prologue: each filter row as four bytes of a scalar register (the 4th stays zero).
    wptr = sel.ptr[wt.arg]
    filt = []
    for ky in range(nky):
        base = wa.get(None, 0) + wstride * ky
        r = sel.reg("R", f"w{ky}")
        sel.pro.add(insn("memub", mem=wt.arg, d=r, p=wptr, off=base))
        for q in range(1, nkx):
            t = sel.reg("R", f"w{ky}{q}")
            sel.pro.add(insn("memub", mem=wt.arg, d=t, p=wptr, off=base + q))
            sel.pro.add(insn("asl_or", d=r, u=t, imm=8 * q))
        filt.append(r)
    p = sel.ptr[img.arg]
    if ia.get(None, 0):
        sel.pro.add(insn("addi", d=p, u=p, imm=ia[None]))
    rows, unroll = k.range(yv).size, sel.unroll
    if rows % unroll:
        raise HexagonUnsupported(f"unrolling a stencil of {rows} rows by {unroll}")
    pairs = sel.scalar_const(-8, "R8")
    # Loop body: `unroll` output rows, which read nky - 1 + unroll input rows. Each input
    # row's four shifted vectors are loaded once and feed every output row u that needs it
    # (filter row ky = r - u): 12 vrmpy per output row as before, but 4 (unroll + 2) vmemu
    # instead of 12 unroll. An output row is reordered and stored as soon as its last input
    # row has been read, so its four accumulators are free again early.
    accs = [[sel.reg("V", f"acc{u}.{s}") for s in range(4)] for u in range(unroll)]
    store_base = {0: sel.ptr[out.name]}
    if sel.sliding:
        _check_sliding_lanes(sel)
    for r in range(nky - 1 + unroll):
        # One address register walks the row (few live scalars).
        a = sel.reg("R", f"row{r}")
        if sel.sliding:  # the pair (row, row + 4): shifts 0, 2 at #0 and 1, 3 at #1
            lo, hi = sel.reg("V", f"{img.arg}[{r}]+0"), sel.reg("V", f"{img.arg}[{r}]+4")
            sel.body.add(insn("addi", d=a, u=p, imm=stride * r))
            sel.body.add(insn("vmemu_ld", mem=img.arg, d=lo, p=a, off=0))
            sel.body.add(insn("addi", d=a, u=a, imm=4))
            sel.body.add(insn("vmemu_ld", mem=img.arg, d=hi, p=a, off=0))
            for u in range(unroll):
                ky = r - u
                if 0 <= ky < nky:
                    for imm, (s_lo, s_hi) in enumerate(((0, 2), (1, 3))):
                        sel.body.add(insn("vrmpybusi" if ky == 0 else "vrmpybusi_acc", lo=accs[u][s_lo],
                                          hi=accs[u][s_hi], ulo=lo, uhi=hi, t=filt[ky], imm=imm))
        else:  # four vmemu a byte apart, one vrmpy each
            for s in range(4):
                sel.body.add(insn("addi", d=a, u=a if s else p, imm=1 if s else stride * r))
                v = sel.reg("V", f"{img.arg}[{r}]+{s}")
                sel.body.add(insn("vmemu_ld", mem=img.arg, d=v, p=a, off=0))
                for u in range(unroll):
                    ky = r - u
                    if 0 <= ky < nky:
                        sel.body.add(insn(plain if ky == 0 else acc_row, d=accs[u][s], u=v, t=filt[ky]))
        if 0 <= r - (nky - 1) < unroll:
            _store_row(sel, out.name, r - (nky - 1), accs[r - (nky - 1)], pairs, store_base)
    sel.body.add(insn("addi", d=p, u=p, imm=stride * unroll))
    sel.advance_pointers(sel.body, {out.name: 128 * 4 * unroll})
    sel.notes.append(f"{out.name}: {rows} rows of 128 words, {unroll} a loop iteration"
                     f"{f' ({nky - 1 + unroll} input rows loaded once each)' if unroll > 1 else ''}; "
                     f"{nky}x{nkx} filter as {chosen.op} "
                     f"(rules/hexagon.rules) over 4 byte shifts"
                     f"{' (two sliding vrmpy #0/#1 over the pair row, row + 4)' if sel.sliding else ''}, "
                     f"vshuff x4 to natural order")
    return sel.finish(rows // unroll)


def _check_sliding_lanes(sel):
    """The sliding form only if the target rules say each half of `vrmpy(Vuu.ub, Rt.b, #u1)`
    over Vuu = (x, x + 4) is the filter's dot product with the window at its byte shift:
    the half's word lane, with the byte of position q being x[4i + q] (+ 4 from v1), must
    normalize (rules/hexagon.rules `hvx-vrmpyi-ubb-*`, proven) to vrmpy_ubb(x[4i+s .. 4i+s+3],
    Rt.b[0..3]), for any filter bytes (the zero-padded 3-wide row included)."""
    u8, i8, i32 = (parse_dtype(t) for t in ("u8", "i8", "i32"))
    x = [var(u8, f"x@{k}") for k in range(7)]
    t = [var(i8, f"t@{q}") for q in range(4)]
    for shift, (op, from_v1) in SLIDING_HALVES.items():
        lane = UOp(op, i32, tuple(x[q + 4 * v1] for q, v1 in enumerate(from_v1)) + tuple(t))
        want = UOp("hvx.vrmpy_ubb", i32, tuple(x[shift:shift + 4]) + tuple(t))
        if sel.rw.normalize(lane) != want:
            raise HexagonUnsupported(f"the sliding vrmpy at byte shift {shift} ({op} is not the window's "
                                     f"vrmpy_ubb by the target rules)")


def _store_row(sel, out: str, u: int, accs: list, pairs, bases: dict):
    """Output row u of the iteration: its accumulators `acc_s[j] = out[y, 4j + s]` back in
    natural order by two rounds of vshuff (words, then pairs of words), stored as the
    vectors 4u .. 4u + 3 from the output pointer. `#s4` reaches vectors -8 .. 7, so vectors
    beyond get a base register `out + 1024 k` (computed in the body: one add per 8 vectors,
    read before the pointer's own advance at the end of the body)."""
    (plo, phi), (qlo, qhi) = interleave_words(sel, accs)

    def base(vec: int):
        if vec // 8 not in bases:
            bases[vec // 8] = sel.reg("R", f"{out}+{1024 * (vec // 8)}")
            sel.body.add(insn("addi", d=bases[vec // 8], u=sel.ptr[out], imm=1024 * (vec // 8)))
        return bases[vec // 8]

    for j, (x, y) in enumerate(((qlo, plo), (qhi, phi))):
        # The low result leaves by a new-value store in the vshuff's own packet (no VA
        # unit, and no register read later); the high one by a plain store.
        lo, hi = sel.reg("V", "out.lo"), sel.reg("V", "out.hi")
        vec = 4 * u + 2 * j
        p_lo, p_hi = base(vec), base(vec + 1)
        sel.body.add(insn("vshuffvdd_stnew", mem=out, lo=lo, hi=hi, u=x, v=y, t=pairs, p=p_lo, off=vec % 8))
        sel.body.add(insn("vmem_st", mem=out, p=p_hi, u=hi, off=(vec + 1) % 8))

