"""Three-tap byte filters summed in halves on vtmpy, for the general lowering (`rows.py`): the
rewrite choice "vtmpyb" (rules/hexagon-choice-vtmpyb.rules). A word sum takes it too where
the groups' part fits 16 bits (`widening`): then it competes with the zero-padded 3-wide
vrmpy of the byte windows (window.py), which the choice does not use.

A 16-bit sum (u16 or i16: wrapping addition is the same bits) over an 8-bit image, written any
way (`sum(cast<u16>(x[y + ky, x + kx]), ky, kx)` unrolled, or a Gaussian spelled out as nine
weighted terms, or a Sobel gradient's differences), is a linear form: constant weights times
terms, plus a constant (`linear_terms`). Terms `cast<T>(load)` of one byte buffer that differ
only by the element offset c, c + 1, c + 2 along the lanes, with weights (a, b, s) where s
divides a and b (`groups`), are s times one half lane of

    Vdd.h = vtmpy(Vuu.ub, Rt.b)    Vuu = (x at c, x at c + 2),  Rt.b = a/s, b/s, a/s, b/s

whose low vector holds the even outputs x[c + 2i] a + x[c + 2i + 1] b + x[c + 2i + 2] and the
high vector the odd ones (its lane equations: `vtmpybus` in hvx_rows.py, checked on QEMU). So
a 3x3 filter row is one instruction for 128 outputs instead of three widenings and adds. The
groups of a sum add up in that even/odd order (`Vxx.h += vtmpy` where s is 1), one `vshuff`
of halves puts the sum back in lane order, and the terms left over are added lane-wise.

Whether a group is the instruction is the choice's rules' to say: a probe with variable
weights must normalize to `hvx.vtmpy_ubh` / `hvx.vtmpy_bh` of the taps in order
(`proves_tmpy`), so without the choice file nothing takes this path.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rewriter.backends.hexagon.mir import Reg, insn
from rewriter.backends.hexagon.sliding import pair_operand
from rewriter.ir.analysis import affine
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, const, var

#: The byte types vtmpy reads, its op (rules/hexagon-choice-vtmpyb.rules) and its rows.
TMPY = {"u8": ("hvx.vtmpy_ubh", "vtmpybus"), "i8": ("hvx.vtmpy_bh", "vtmpyb")}


def proves_tmpy(rw) -> frozenset:
    """The byte types ("u8", "i8") whose three-tap probe the rules of `rw` normalize to the
    vtmpy op: `cast<i16>(x0) * cast<i16>(t0) + cast<i16>(x1) * cast<i16>(t1) + cast<i16>(x2)`
    with variable weights t0, t1 (i8) must become op(x0, x1, x2, t0, t1). Where the image is
    i8 too, the engine may bind a product's two factors either way round; the op's meaning
    is symmetric in each product (a signed byte times a signed byte), so that is the same."""
    i16, i8 = parse_dtype("i16"), parse_dtype("i8")
    proven = set()
    for name, (op, _row) in TMPY.items():
        t = parse_dtype(name)
        x = [var(t, f"x@{q}") for q in range(3)]
        w = [var(i8, f"t@{q}") for q in range(2)]

        def c(v):
            return UOp("cast", i16, (v,))

        probe = UOp("add", i16, (UOp("add", i16, (UOp("mul", i16, (c(x[0]), c(w[0]))),
                                                  UOp("mul", i16, (c(x[1]), c(w[1]))))), c(x[2])))
        got = rw.normalize(probe)
        if got.op != op or got.src[2] is not x[2]:
            continue
        if all({got.src[q], got.src[3 + q]} == {x[q], w[q]} and (t == i8 or got.src[q] is x[q]) for q in (0, 1)):
            proven.add(name)
    return frozenset(proven)


def linear_terms(u: UOp) -> tuple[dict, int]:
    """`u` (an integer sum) as ({term: weight}, constant): adds, subtractions, negations and
    products by constants of its own type walked through, anything else a term. Weights and
    the constant are plain integers (the caller works modulo 2^bits)."""
    terms: dict = defaultdict(int)
    total = 0
    stack = [(u, 1)]
    while stack:
        n, k = stack.pop()
        if n.dtype != u.dtype:
            terms[n] += k
        elif n.op == "const":
            total += k * int(n.arg)
        elif n.op == "add":
            stack += [(s, k) for s in n.src]
        elif n.op == "sub":
            stack += [(n.src[0], k), (n.src[1], -k)]
        elif n.op == "neg":
            stack.append((n.src[0], -k))
        elif n.op == "mul" and any(s.op == "const" for s in n.src):
            c, other = (n.src[0], n.src[1]) if n.src[0].op == "const" else (n.src[1], n.src[0])
            stack.append((other, k * int(c.arg)))
        elif n.op == "shl" and n.src[1].op == "const":
            stack.append((n.src[0], k << int(n.src[1].arg)))
        else:
            terms[n] += k
    return {n: k for n, k in terms.items() if k}, total


@dataclass(frozen=True)
class Group:
    """Three taps of one byte row: `load` the first tap's (offset c), weights (a, b) in Rt
    and the group's factor `scale` (the third tap's weight)."""

    load: UOp
    image: str  # "u8" or "i8"
    a: int
    b: int
    scale: int


def groups(terms: dict, lane: str, types: frozenset, bits: int) -> tuple[list[Group], dict]:
    """The vtmpy groups of a linear form's terms (see the module doc) and the terms left.
    `lane`: the lane range's name (every tap moves one element a lane along it); `types`:
    the byte types the rules prove (`proves_tmpy`); `bits`: the sum's width."""
    rows: dict = defaultdict(dict)  # (buffer, image type, the index but its constant) -> {offset: (term, load)}
    for term, k in terms.items():
        load = term.src[0] if term.op == "cast" and term.src[0].op == "load" else None
        if load is None or str(load.dtype) not in types:
            continue
        a = affine(load.src[0])
        if a is None or a.get(lane) != 1:
            continue
        key = (load.arg, str(load.dtype), frozenset((n, v) for n, v in a.items() if n is not None))
        rows[key].setdefault(a.get(None, 0), (term, load))
    left = dict(terms)
    found = []
    for (_buf, image, _rest), taps in rows.items():
        for c in sorted(taps):
            if c not in taps or c + 2 not in taps:
                continue
            w = [_signed(left.get(taps[c + q][0], 0) if c + q in taps else 0, bits) for q in range(3)]
            s = w[2]
            if not w[0] or not s or w[0] % s or w[1] % s:
                continue
            a, b = w[0] // s, w[1] // s
            if not (-128 <= a <= 127 and -128 <= b <= 127) or not _scalable(s):
                continue
            found.append(Group(taps[c][1], image, a, b, s))
            for q in range(3):
                if c + q in taps:
                    left.pop(taps[c + q][0], None)
            for q in (1, 2):  # (the taps used: no later group starts on them)
                taps.pop(c + q, None)
    return found, left


def _signed(k: int, bits: int) -> int:
    k %= 1 << bits
    return k - (1 << bits) if k >= 1 << (bits - 1) else k


def _in_type(k: int, t) -> int:
    """`k` modulo 2^bits as a value of type `t` (signed or not)."""
    return _signed(k, t.scalar.bits) if t.signed else k % (1 << t.scalar.bits)


def _scalable(s: int) -> bool:
    """Whether a group's factor is applied by one VA op: +-1 (an add or a subtraction), or
    +-2^n (a shift, then one of those)."""
    m = abs(s)
    return m & (m - 1) == 0


def gen_tmpy(sel, found: list[Group], image_vector) -> list[Reg]:
    """The groups' sum as two half vectors in lane order, emitted into the current section of
    `sel` (a `rows.RowSelector`); `image_vector(load, extra)` as in window.py."""
    acc = None  # (lo, hi): the even and the odd outputs so far
    # A group of a positive factor first (shifted, it starts the sum), then the factor-1
    # groups, which accumulate into that pair in place (`+= vtmpy`), then the rest.
    first = next((g for g in found if g.scale > 1), None) or next((g for g in found if g.scale == 1), None)
    order = ([first] if first else []) + sorted((g for g in found if g is not first), key=lambda g: g.scale != 1)
    for g in order:
        lo_in, hi_in = pair_operand(sel, image_vector(g.load, 0), image_vector(g.load, 2))
        rt = sel.scalar_const(((g.a & 0xFF) | (g.b & 0xFF) << 8) * 0x10001)
        row = TMPY[g.image][1]
        if g.scale == 1 and acc is not None:
            sel.body.add(insn(row + "_acc", lo=acc[0], hi=acc[1], ulo=lo_in, uhi=hi_in, t=rt))
            continue
        lo, hi = sel.reg("V", "tmpy.even"), sel.reg("V", "tmpy.odd")
        sel.body.add(insn(row, lo=lo, hi=hi, ulo=lo_in, uhi=hi_in, t=rt))
        if abs(g.scale) != 1:
            shift = sel.scalar_const(abs(g.scale).bit_length() - 1)
            lo, hi = (_op(sel, "vaslh", "tmpy.scaled", u=r, t=shift) for r in (lo, hi))
        if acc is None and g.scale > 0:
            acc = (lo, hi)
        elif acc is None:
            zero = sel.vector_const(0, parse_dtype("i16"))
            acc = tuple(_op(sel, "vsubh", "tmpy.sum", u=zero, v=r) for r in (lo, hi))
        else:
            acc = tuple(_op(sel, "vaddh" if g.scale > 0 else "vsubh", "tmpy.sum", u=x, v=r) for x, r in zip(acc, (lo, hi)))
    d0, d1 = sel.reg("V", "tmpy"), sel.reg("V", "tmpy")
    sel.body.add(insn("vshuffvdd", lo=d0, hi=d1, u=acc[1], v=acc[0], t=sel.scalar_const(-2, "R8")))
    note = (f"three-tap byte rows as vtmpy ({len(found)} a block; rules/hexagon-choice-vtmpyb.rules, "
            "tmpy.py), one vshuff of halves back to lane order")
    if note not in sel.notes:
        sel.notes.append(note)
    return [d0, d1]


def widening(found: list[Group]) -> str | None:
    """The unpack row that widens the groups' 16-bit sum to words exactly, or None: the
    sum's range over every byte value (each tap's weight times the image type's range)
    within the signed halves (`vunpack(Vu.h)`, sign-extending) or the unsigned ones
    (`vunpack(Vu.uh)`). Modulo 2^16 the halves are exact, so within that range so is the
    extension."""
    lo = hi = 0
    for g in found:
        x_lo, x_hi = (0, 255) if g.image == "u8" else (-128, 127)
        for w in (g.scale * g.a, g.scale * g.b, g.scale):
            lo += min(w * x_lo, w * x_hi)
            hi += max(w * x_lo, w * x_hi)
    if -(1 << 15) <= lo and hi < 1 << 15:
        return "vunpackh"
    if 0 <= lo and hi < 1 << 16:
        return "vunpackuh"
    return None


def _op(sel, row: str, hint: str, **fields) -> Reg:
    d = sel.reg("V", hint)
    sel.body.add(insn(row, d=d, **fields))
    return d


def rest_term(left: dict, total: int, t) -> UOp | None:
    """The terms no group took, and the constant, as one sum of type `t` (None if nothing)."""
    out = None
    for term, k in left.items():
        part = term if k == 1 else UOp("mul", t, (term, const(t, _in_type(k, t))))
        out = part if out is None else UOp("add", t, (out, part))
    total = _in_type(total, t)
    if total:
        out = const(t, total) if out is None else UOp("add", t, (out, const(t, total)))
    return out
