"""Byte reductions whose range walks *rows* of an operand, regrouped onto vrmpy by k-quads:
`c[m, n] = sum(a[m, k] * b[k, n], k)` (a matrix product), and any reduction of that form
that `accumulate.py` hands over: one long sum over a range k of the product of two byte
loads, `b` walking the store's lanes n one byte a lane and k a row of R bytes at a time,
`a` the same element in every lane and k one byte at a time.

Regrouping `k = 4t + q` gives every output word a four-term sum, which the target rules
turn into one vrmpy op (`reduce.regroup_rmpy`: `hvx.vrmpy_bb`, `_ubb`, `_uub`, proven in
rules/hexagon.rules); the rule says which load is the instruction's Vu and which its Vv, so
the unsigned operand lands where the instruction wants it. `Vx.w += vrmpy(Vu, Vv)` then
needs, per word lane n, the four bytes `b[4t + q, n]` side by side (a *quad*) and
`a[m, 4t + q]` in every word. For each 128 columns the four rows of b are four loads
(`vmem` where the address is aligned, else `vmemu`) and four `vshuff`s make their quads:

    P = vshuff(b1, b0, #-1) -> lo b0[0] b1[0] b0[1] b1[1] ... (columns 0..63), hi 64..127
    Q = vshuff(b3, b2, #-1) -> the same for rows 2, 3
    R = vshuff(Q.lo, P.lo, #-2) -> lo b0[n] b1[n] b2[n] b3[n] for n < 32, hi 32 <= n < 64
    S = vshuff(Q.hi, P.hi, #-2) -> columns 64..95, 96..127

(`Vdd = vshuff(Vu, Vv, Rt)` interleaves Vv and Vu in units of -Rt bytes, Vv first, as
checked on qemu-hexagon: isa.py's `vshuffvdd` lanes.) Where a block has at most 64 columns
and rows are 64 bytes apart, two rows share a vector: two loads, a `vshuff` by 64 bytes puts
rows 0, 2 and 1, 3 side by side, and two more make the quads. The quads depend on k and n
only, so the `unroll` output rows of one iteration share them: 8 instructions per four k
per 128 columns whatever the unroll. a's four bytes are one `memw` where the address is a
word (else bytes gathered by `memub` + `asl_or`), a scalar Rt where the vrmpy has that form
and a is its Vv operand (`reduce.RMPY_ACC`), else a `vsplat`.

  * **Any K.** The last K mod 4 steps are one more quad step whose missing rows are zero
    vectors (and whose word has only their bytes): each missing product is 0 * x, so the sum
    is exact.
  * **Any N.** A block narrower than 128 columns computes only its columns' quads and words
    (its loads read past the row's end into the next row or the buffer's spare room, lanes
    that are never stored); the last word vector of a row past N is a predicated store.
  * **Many columns.** The accumulators of one column group (up to `MAX_ACCUMULATORS` vectors
    over the unrolled rows) live through the k steps; wider rows take several groups, each
    walking k again.
  * **Loop.** One hardware loop over the store's rows (`unroll` a iteration), every k step
    unrolled in the body (at most `MAX_QUAD_STEPS` quad steps a group).
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, insn
from rewriter.backends.hexagon.insn_desc import LD, MPY0, MPY1, ST
from rewriter.backends.hexagon.reduce import RMPY_ACC, reduction_row, regroup_rmpy, rmpy_insn
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import parse_dtype

#: Accumulator vectors one iteration may hold (unrolled rows x word vectors of a column
#: group): the rest of the 32 vector registers hold the quads, splats and loads in flight.
MAX_ACCUMULATORS = 16
#: The most quad steps (four k each) one column group unrolls in the body.
MAX_QUAD_STEPS = 64
#: Word lanes a vector holds.
WORDS = VBYTES // 4


def quad_sum(sel, st, red) -> bool:
    """Whether reduce node `red` of store `st` has this module's form whatever its length (a
    short one too is kept a reduction rather than unrolled into terms: `rows.py` hands it to
    `accumulate.py` as a long one): the store's whole value a sum over one range of the
    product of two byte loads,
    one walking the range one byte at a time, the other a row at a time and the store's
    innermost range one byte a lane."""
    if red is not st.src[-1] or red.op != "reduce" or red.arg[0] != "sum" or len(red.arg[1]) != 1:
        return False
    (r,) = red.arg[1]
    g = regroup_rmpy(sel, sel.flat_loads(red.src[0]), sel.regroup_rw)
    if g is None or isinstance(g.v, int) or g.u.op != "load" or g.v.op != "load" or g.lanes != 4:
        return False
    out = sel.k.buffer(st.arg)
    store = affine(sel.simplify(flatten(st.src[:-1], out.shape)))
    lanes = [n for n, c in (store or {}).items() if n is not None and c == 1]
    if len(lanes) != 1 or out.dtype.scalar.bits != 32 or any(_elem_bytes(ld.dtype) != 1 for ld in (g.u, g.v)):
        return False
    (lane,) = lanes
    forms = [affine(ld.src[0]) or {} for ld in (g.u, g.v)]
    # (b: lanes and k only, so its quads are shared by every row; a: one byte per k, none per lane)
    b = [f for f in forms if f.get(lane, 0) == 1 and f.get(r, 0) > 1 and set(f) <= {None, lane, r}]
    a = [f for f in forms if f.get(lane, 0) == 0 and f.get(r, 0) == 1]
    return len(b) == 1 and len(a) == 1


def row_quads(sel, st, value, red, outer: list, lanes: list, width: int, accesses: list):
    """The machine function of store `st` (value `value`, whose long reduction is `red`)
    by k-quads, or None where the reduction does not have this form (the caller lowers it
    otherwise); raises `HexagonUnsupported` where it has the form but a size is not
    covered."""
    k = sel.k
    (r,) = red.arg[1]
    lane = lanes[-1]
    out = k.buffer(st.arg)
    if red is not value or red.arg[0] != "sum" or len(lanes) != 1 or out.dtype.scalar.bits != 32:
        return None
    g = regroup_rmpy(sel, red.src[0], sel.regroup_rw)
    if g is None or g.lanes != 4 or isinstance(g.v, int) or g.u.op != "load" or g.v.op != "load":
        return None
    forms = {ld: affine(ld.src[0]) for ld in (g.u, g.v)}
    rows_of = [ld for ld, a in forms.items() if a.get(lane, 0) == 1 and a.get(r, 0) >= 1]
    words_of = [ld for ld, a in forms.items() if a.get(lane, 0) == 0 and a.get(r, 0) == 1]
    if len(rows_of) != 1 or len(words_of) != 1 or rows_of[0] is words_of[0]:
        return None
    (lb,), (la,) = rows_of, words_of
    if _elem_bytes(la.dtype) != 1 or _elem_bytes(lb.dtype) != 1:
        return None
    rows, inner = sel._split_rows(accesses, outer)
    if inner:
        raise HexagonUnsupported(f"a k-quad product in a nest over {', '.join(inner)} (nested loops)")
    sel.streams = sel._streams(accesses, rows, lanes)
    if any(forms[lb].get(n, 0) for n in rows):
        return None  # (b moves with the rows: the quads would not be shared)
    return _lower(sel, st, g, la, lb, r, rows, width, forms)


def _lower(sel, st, g, la, lb, r: str, rows: list, width: int, forms: dict):
    k = sel.k
    out = k.buffer(st.arg)
    n_rows = 1
    for n in rows:
        n_rows *= k.range(n).size
    U = sel.unroll
    if n_rows % U:
        raise HexagonUnsupported(f"unrolling {n_rows} rows by {U}")
    K = k.range(r).size
    R = forms[lb][r]  # b's bytes from one k to the next
    steps = -(-K // 4)
    if steps > MAX_QUAD_STEPS:
        raise HexagonUnsupported(f"a k-quad product of {K} steps a row (more than {4 * MAX_QUAD_STEPS}; nested loops)")
    if 4 * R > (1 << 15) - 1:
        raise HexagonUnsupported(f"a k-quad product whose rows of {lb.arg} are {R} bytes apart (beyond addi's #s16)")
    trip = n_rows // U
    sel.block = WORDS
    sel.vloads, sel.sloads = {}, {}
    step = {b: s.row * U for b, s in sel.streams.items()}
    sel._set_reach(trip, step)
    a_is_u = g.u is la
    vec_row, scalar_row = RMPY_ACC[g.op]
    rt_form = not a_is_u and scalar_row is not None  # (a's word as Rt: no splat)
    shifts = (sel.scalar_const(-1, "R8"), sel.scalar_const(-2, "R8"))
    per_group = max(1, MAX_ACCUMULATORS // U)
    if per_group >= 4:
        per_group -= per_group % 4  # (whole 128-column blocks)
    group_cols = per_group * WORDS
    a_row = sel.streams[la.arg].row
    c_row = sel.streams[st.arg].row
    c_first = sel.store_forms[0].get(None, 0)
    for c0 in range(0, width, group_cols):
        cols = min(group_cols, width - c0)
        nvec = -(-cols // WORDS)
        accs = [[sel.reg("V", f"acc{u}.{j}") for j in range(nvec)] for u in range(U)]
        walk = sel.reg("R", f"&{lb.arg}+{c0}B")
        sel.body.add(insn("addi", d=walk, u=sel.ptr[lb.arg], imm=forms[lb].get(None, 0) + c0))
        # (a's and b's walkers move a step at a time, so each step's loads wait for it and
        # few scalar registers are live whatever K)
        a_walk = sel.reg("R", f"&{la.arg}")
        a_first = forms[la].get(None, 0)
        sel.body.add(insn("addi", d=a_walk, u=sel.ptr[la.arg], imm=a_first))
        for t in range(steps):
            valid = min(4, K - 4 * t)  # (the k of this step; the rest are zero rows)
            words = [_a_word(sel, la, a_walk, u * a_row, (a_first + u * a_row) % 4 == 0 and (a_row * U) % 4 == 0,
                             valid) for u in range(U)]
            if not rt_form:
                words = [_splat(sel, w) for w in words]
            base = forms[lb].get(None, 0) + c0 + 4 * t * R  # (walk's byte in b)
            start, products = len(sel.body.insns), []
            for blk in range(0, cols, VBYTES):
                quads = _quads(sel, lb.arg, walk, base, R, blk, min(VBYTES, cols - blk), valid, shifts)
                for u in range(U):
                    for j, quad in enumerate(quads):
                        acc = accs[u][blk // WORDS + j]
                        vu, vv = (words[u], quad) if a_is_u else (quad, words[u])
                        sel.body.add(rmpy_insn(g.op, acc, vu, vv, fresh=t == 0))
                        products.append(sel.body.insns[-1])
            _balance(sel, start, products, g.op, out.dtype.scalar)
            if t + 1 < steps:
                sel.body.add(insn("addi", d=walk, u=walk, imm=4 * R))
                sel.body.add(insn("addi", d=a_walk, u=a_walk, imm=4))
        for u in range(U):
            for j, acc in enumerate(accs[u]):
                at = (u * c_row + c_first + c0 + j * WORDS) * 4
                keep = min(WORDS, cols - j * WORDS)
                if keep == WORDS:
                    sel._store(st.arg, at, acc)
                else:
                    sel._partial_store(st.arg, at, acc, keep * 4)
    sel._advance(step)
    how = "Rt" if rt_form else "a vsplat"
    sel.notes.append(f"{st.arg}: {trip} iterations of {U} row(s), each a sum over {r} by {steps} k-quad vrmpy "
                     f"step(s) ({g.op} from rules/hexagon.rules; {la.arg}'s four bytes as {how}, {lb.arg}'s quads "
                     f"by vshuff, shared by the rows) over {width} words of {st.arg} "
                     f"in {-(-width // group_cols)} column group(s) (rowquads.py)")
    return sel.finish(trip)


def _balance(sel, start: int, products: list, op: str, t) -> None:
    """Where `Vx += vrmpy(Vu, Vv)` takes both multipliers (a VX_DV row: isa.py) the step
    would be bound by them while the shifter and permute units idle: as many products as
    the step's other HVX work leaves room for (each of those units beside the multipliers
    balances half an accumulating product) stay `+=`, the rest become `t = vrmpy(Vu, Vv)`
    (one multiplier) and `Vx = vadd(Vx, t)` (any unit): the same units in all, fewer packets
    at the multipliers' bound. Adds wrap alike in either order, so the sum is the same."""
    acc_rows = [i for i in products if i.desc.name == RMPY_ACC[op][0]]
    if not acc_rows or _multipliers(acc_rows[0].desc) < 2:
        return
    insns = sel.body.insns
    others = [i for i in insns[start:] if i not in products]
    room = sum(_units(i.desc) for i in others) // 2 - sum(_multipliers(i.desc) for i in others)
    row, fields, _ = reduction_row("sum", t)
    for ins in acc_rows[max(room, 0):]:
        k = next(n for n, x in enumerate(insns) if x is ins)
        acc, tmp = ins.regs["d"], sel.reg("V", "product")
        insns[k:k + 1] = [rmpy_insn(op, tmp, ins.regs["u"], ins.regs["v"], fresh=True),
                          insn(row.name, d=acc, **{fields[0]: acc, fields[1]: tmp})]


def _units(desc) -> int:
    """HVX units other than load and store an instruction takes (its cheapest option)."""
    options = desc.resource_options
    return min(len(o - {LD, ST}) for o in options) if options else 0


def _multipliers(desc) -> int:
    options = desc.resource_options
    return min(len(o & {MPY0, MPY1}) for o in options) if options else 0


def _a_word(sel, la, p, byte: int, aligned: bool, valid: int):
    """a's bytes `byte` .. `byte + valid - 1` past `p` as one word register (the bytes past
    `valid` zero or anything: they multiply zero rows); `aligned`: `p + byte` is a word's
    address."""
    if aligned and valid == 4 and -4096 <= byte <= 4092:
        w = sel.reg("R", f"{la.arg}+{byte}B")
        sel.body.add(insn("memw", mem=la.arg, d=w, p=p, off=byte))
        return w
    if not -1024 <= byte <= 1023 - valid:
        addr = sel.reg("R", f"&{la.arg}+{byte}B")
        sel.body.add(insn("addi", d=addr, u=p, imm=byte))
        p, byte = addr, 0
    w = None
    for q in range(valid):  # (zero-extended bytes: or-ed in at their positions)
        b = sel.reg("R", f"{la.arg}+{byte + q}B")
        sel.body.add(insn("memub", mem=la.arg, d=b, p=p, off=byte + q))
        if w is None:
            w = b
        else:
            sel.body.add(insn("asl_or", d=w, u=b, imm=8 * q))
    return w


def _splat(sel, word):
    d = sel.reg("V", "splat")
    sel.body.add(insn("vsplatw", d=d, t=word))
    return d


def _quads(sel, buf: str, walk, base: int, R: int, blk: int, cols: int, valid: int, shifts) -> list:
    """The quads of b's rows 0 .. `valid` - 1 (the rest zero) from `walk` (at byte `base` of
    b) for columns `blk` .. `blk + cols`: one vector per 32 columns, `b[q, n]` at byte 4n + q."""
    r1, r2 = shifts
    if cols <= 64 and R == 64 and valid == 4:  # two rows a vector: [b0|b1], [b2|b3] -> [b0|b2], [b1|b3]
        v0, v1 = (_b_vector(sel, buf, walk, base, blk + x) for x in (0, VBYTES))
        plo, phi = sel.reg("V", "b0|b2"), sel.reg("V", "b1|b3")
        sel.body.add(insn("vshuffvdd", lo=plo, hi=phi, u=v1, v=v0, t=sel.scalar_const(-64, "R8")))
        qlo, qhi = sel.reg("V", "b0b1"), sel.reg("V", "b2b3")
        sel.body.add(insn("vshuffvdd", lo=qlo, hi=qhi, u=phi, v=plo, t=r1))
        pairs = [(qhi, qlo)]
    else:
        zero = sel.vector_const(0, parse_dtype("u8"))
        rows = [_b_vector(sel, buf, walk, base, q * R + blk) if q < valid else zero for q in range(4)]
        halves = -(-cols // 64)
        plo, phi, qlo, qhi = (sel.reg("V", f"b{x}") for x in ("01lo", "01hi", "23lo", "23hi"))
        sel.body.add(insn("vshuffvdd", lo=plo, hi=phi, u=rows[1], v=rows[0], t=r1))
        if valid > 2:
            sel.body.add(insn("vshuffvdd", lo=qlo, hi=qhi, u=rows[3], v=rows[2], t=r1))
        else:
            qlo = qhi = zero
        pairs = [(qlo, plo), (qhi, phi)][:halves]
    quads = []
    for hi, lo in pairs:
        d0, d1 = sel.reg("V", "quad"), sel.reg("V", "quad")
        sel.body.add(insn("vshuffvdd", lo=d0, hi=d1, u=hi, v=lo, t=r2))
        quads += [d0, d1]
    return quads[:-(-cols // WORDS)]


def _b_vector(sel, buf: str, walk, base: int, byte: int):
    """128 bytes of b from `byte` past `walk` (which is at byte `base` of b): `vmem` where
    the address is aligned, else `vmemu` (from an address register off the #s4 grid)."""
    if not sel._fits(buf, base + byte + VBYTES):  # (b's pointer never moves: bytes of b)
        raise HexagonUnsupported(f"a vector read past the end of {buf} (a k-quad product)")
    d = sel.reg("V", f"{buf}+{base + byte}B")
    if byte % VBYTES == 0 and -8 <= byte // VBYTES <= 7:
        row = "vmem_ld" if (base + byte) % VBYTES == 0 else "vmemu_ld"
        sel.body.add(insn(row, mem=buf, d=d, p=walk, off=byte // VBYTES))
        return d
    addr = sel.reg("R", f"&{buf}+{base + byte}B")
    sel.body.add(insn("addi", d=addr, u=walk, imm=byte))
    sel.body.add(insn("vmem_ld" if (base + byte) % VBYTES == 0 else "vmemu_ld", mem=buf, d=d, p=addr, off=0))
    return d
