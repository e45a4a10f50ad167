"""Sliding windows of bytes regrouped onto vrmpy, for the general lowering (`rows.py`).

A window sum over bytes, `sum(cast<T>(x[.. + i + k]) * cast<T>(w[.., k]), .., k)` with `i`
the lane range, `k` a tap range that walks x along the lane, T a 32-bit integer (the weights
may be loads that stay put, constants, or absent: a box sum), is regrouped by fours along
`k`: for output lanes `i = 4j + s`,

    sum over taps k = 4c + q of x[4j + s + 4c + q] * w[4c + q]

is word lane j of `vrmpy(Vu, Rt)` with Vu the row read from byte `s + 4c` and Rt the four
weights of group c. Four accumulators (s = 0..3) take every group of every row of the
window (`Vx.w += vrmpy`), and two rounds of `vshuff` put their words back in lane order:
128 output lanes, four word vectors, which the rest of the lowering uses like any other
value (packs, shifts, stores, tails). A row of 5 taps is a group of 4 and a group of 1.

Which instruction a group is comes from the rules of `rules/hexagon-regroup.rules` (scope
hexagon-regroup, proven): the group's products, each operand a variable per byte position,
are summed and normalized by them alone, and the group qualifies where that is one vrmpy op
with the image's bytes in order as Vu and the weights (zero-padded) as Rt. A plain sum of
bytes is a product with the weight 1 (the portable rule mul-one read backwards).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from rewriter.backends.hexagon.mir import Reg, insn
from rewriter.backends.hexagon.reduce import RMPY_ACC, rmpy_insn
from rewriter.backends.hexagon.select import _elem_bytes
from rewriter.backends.hexagon.sliding import slide_group, slides
from rewriter.ir.analysis import affine
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, const, var

#: vrmpy groups one block may take (rows of the window x groups of four taps).
MAX_GROUPS = 32
#: Packed weight words kept in scalar registers through the loop; more are packed where used.
MAX_HOISTED_WORDS = 6
#: The weight type a weightless or constant-weighted window uses, by (image type, sum type):
#: the family of the vrmpy it becomes (u8 x i8 -> i32, i8 x i8 -> i32, u8 x u8 -> u32).
CONST_WEIGHTS = {("u8", "i32"): "i8", ("i8", "i32"): "i8", ("u8", "u32"): "u8"}


@dataclass(frozen=True)
class Group:
    """Four taps of one row of the window: `image`, the image load of the first tap (its
    bytes s, s + 1, ... are the following taps'); `weights`, per byte position the weight
    load, the constant, or 0 (a position past the row's last tap)."""

    image: UOp
    weights: tuple


@dataclass(frozen=True)
class Window:
    op: str  # the vrmpy op of rules/hexagon-regroup.rules (a key of reduce.RMPY_ACC)
    groups: tuple[Group, ...]


def window_plan(sel, u: UOp, lane: str, rw) -> Window | None:
    """`u` (a reduce node) as a window regrouped onto vrmpy, or None (see the module doc).
    `lane`: the lane range's name; `rw`: the regrouping rules' rewriter."""
    if rw is None or u.op != "reduce" or u.arg[0] != "sum" or not u.dtype.is_int or u.dtype.scalar.bits != 32:
        return None
    names = u.arg[1]
    body = u.src[0]
    shape = _shape(body, u.dtype)
    if shape is None:
        return None
    img, w = shape
    a = affine(img.src[0])
    if a is None or a.get(lane) != 1 or _elem_bytes(img.dtype) != 1:
        return None
    taps = [n for n in names if a.get(n) == 1]
    if len(taps) != 1:
        return None
    (tap,) = taps
    if isinstance(w, UOp):
        wa = affine(w.src[0])
        if wa is None or set(wa) - set(names) - {None} or _elem_bytes(w.dtype) != 1:
            return None  # weights that move with the lanes or the rows
        wtype = w.dtype.scalar
    else:
        name = CONST_WEIGHTS.get((str(img.dtype.scalar), str(u.dtype.scalar)))
        if name is None:
            return None
        wtype = parse_dtype(name)
        if not wtype.min <= w <= wtype.max:
            return None
    size = {n: sel.k.range(n).size for n in names}
    others = [n for n in names if n != tap]
    ngroups = -(-size[tap] // 4)
    if ngroups * _count(others, size) > MAX_GROUPS:
        return None
    rvar = {n: var(parse_dtype("idx"), n, 0, size[n] - 1) for n in names}
    op, groups = None, []
    for values in itertools.product(*(range(size[n]) for n in others)):
        fixed = {rvar[n]: const(rvar[n].dtype, v) for n, v in zip(others, values)}
        for c in range(ngroups):
            taps = [_shape(body.substitute({**fixed, rvar[tap]: const(rvar[tap].dtype, 4 * c + q)}), u.dtype)
                    for q in range(min(4, size[tap] - 4 * c))]
            if None in taps or any(isinstance(w, UOp) and not -1024 <= affine(w.src[0]).get(None, 0) < 1024
                                   for _, w in taps):
                return None  # (a weight beyond memub's #s11 offset)
            got = _group_op(rw, taps, u.dtype, wtype)
            if got is None or op not in (None, got):
                return None
            op = got
            groups.append(Group(taps[0][0], tuple(w for _, w in taps) + (0,) * (4 - len(taps))))
    return Window(op, tuple(groups))


def _group_op(rw, taps: list, t, wtype) -> str | None:
    """The vrmpy op of one group's taps ((image load, weight) each), by the regrouping
    rules: their products summed, each operand a variable per byte position, must normalize
    to one vrmpy op with the image bytes in order as Vu and the weights as Rt, zero-padded."""
    n = len(taps)
    four = None
    for q, (x, w) in enumerate(taps):
        wq = var(w.dtype, f"w@{q}") if isinstance(w, UOp) else const(wtype, w)
        prod = UOp("mul", t, (UOp("cast", t, (var(x.dtype, f"x@{q}"),)), UOp("cast", t, (wq,))))
        four = prod if four is None else UOp("add", t, (four, prod))
    got = rw.normalize(four)
    if got.op not in RMPY_ACC:
        return None
    xs = [f"x@{q}" for q in range(n)]

    def named(srcs):
        return [s.arg.name if s.op == "var" else None for s in srcs]

    if named(got.src[4:4 + n]) == xs and got.src[0].dtype == got.src[4].dtype:
        got = got.replace(src=got.src[4:] + got.src[:4])  # (u8 x u8, i8 x i8: the rules may put w first)
    if named(got.src[:n]) != xs or any(s.op != "const" or s.arg != 0 for s in got.src[n:4] + got.src[4 + n:]):
        return None
    if any((s.op == "var") != isinstance(w, UOp) for s, (_, w) in zip(got.src[4:4 + n], taps)):
        return None
    return got.op


def _count(names, size) -> int:
    n = 1
    for name in names:
        n *= size[name]
    return n


def _shape(body: UOp, t):
    """(image load, weight) of a window's term: `cast<T>(x) * cast<T>(w)` (w a load: the
    load), `cast<T>(x) * C` (the constant), `cast<T>(x)` (1); else None. The image is the
    operand the lanes move (the caller checks), so for two loads either may be it: the one
    whose index uses more ranges is taken as the image."""
    def cast_of(n):
        return n.src[0] if n.op == "cast" and n.dtype == t and n.src[0].op == "load" else None

    if cast_of(body) is not None:
        return cast_of(body), 1
    if body.op != "mul" or body.dtype != t:
        return None
    a, b = body.src
    if cast_of(a) is not None and cast_of(b) is not None:
        x, w = cast_of(a), cast_of(b)
        if len(affine(w.src[0]) or {}) > len(affine(x.src[0]) or {}):
            x, w = w, x
        return x, w
    for x, c in ((a, b), (b, a)):
        if cast_of(x) is not None and c.op == "const":
            return cast_of(x), int(c.arg)
    return None


def gen_window(sel, w: Window, image_vector) -> list[Reg]:
    """The window's 128 lanes as four word vectors in lane order, emitted into the current
    section of `sel` (a `rows.RowSelector`); `image_vector(load, extra)` is the vector of
    the load's buffer `extra` elements past the load's first lane in this block."""
    accs = [sel.reg("V", f"window.acc{s}") for s in range(4)]
    hoist = len({g.weights for g in w.groups}) <= MAX_HOISTED_WORDS
    slide = slides(sel, w.op)
    for i, g in enumerate(w.groups):
        word = _word(sel, g.weights, hoist)
        # (the first group sets the accumulators: no zeroing, one VA op fewer a shift)
        if slide:  # two shifts a double multiply over the pair (x, x + 4): sliding.py
            slide_group(sel, accs, image_vector(g.image, 0), image_vector(g.image, 4), word, fresh=i == 0)
            sel.slid += 1
            continue
        if RMPY_ACC[w.op][1] is None:  # (signed bytes: no Rt form, the word splatted)
            word = _splat(sel, word, hoist)
        for s in range(4):
            sel.body.add(rmpy_insn(w.op, accs[s], image_vector(g.image, s), word, fresh=i == 0))
    (plo, phi), (qlo, qhi) = interleave_words(sel, accs)
    pairs = sel.scalar_const(-8, "R8")
    out = []
    for x, y in ((qlo, plo), (qhi, phi)):
        d0, d1 = sel.reg("V", "window"), sel.reg("V", "window")
        sel.body.add(insn("vshuffvdd", lo=d0, hi=d1, u=x, v=y, t=pairs))
        out += [d0, d1]
        sel.fusable.add(d0)  # (stored as it is: a new-value store, newstore.py)
    note = (f"a window of {len(w.groups)} vrmpy groups ({w.op}, rules/hexagon-regroup.rules), 4 byte shifts"
            + (" (sliding vrmpy #0/#1 over the pair x, x + 4: sliding.py)" if slide else ""))
    if note not in sel.notes:
        sel.notes.append(note)
    return out


def interleave_words(sel, accs: list) -> list:
    """The first of the two vshuff rounds that put four accumulators `acc_s[j]` (lane
    4j + s) back in lane order: words of (acc0, acc1) and of (acc2, acc3) interleaved, two
    register pairs; the second round interleaves their pairs of words (`gen_window`)."""
    words = sel.scalar_const(-4, "R8")
    halves = []
    for hi, lo in ((accs[1], accs[0]), (accs[3], accs[2])):
        d0, d1 = sel.reg("V", "shuf.lo"), sel.reg("V", "shuf.hi")
        sel.body.add(insn("vshuffvdd", lo=d0, hi=d1, u=hi, v=lo, t=words))
        halves.append((d0, d1))
    return halves


def _word(sel, weights: tuple, hoist: bool):
    """The four weights as the bytes of one scalar register: a constant, or the weight
    loads' bytes packed (`memub`, `|= asl`) in the prologue, or where used (again for each
    block, so that no packed word stays live) if too many."""
    if all(not isinstance(x, UOp) for x in weights):
        return sel.scalar_const(sum((x & 0xFF) << (8 * q) for q, x in enumerate(weights)))
    key = ("window.word", weights)
    cache = sel.sloads if hoist else {}  # (packed where used: live for one group only)
    if key in cache:
        return cache[key]
    block = sel.pro if hoist else sel.body
    r = None
    for q, x in enumerate(weights):
        if not isinstance(x, UOp):
            if x != 0:
                return None
            continue
        off = affine(x.src[0]).get(None, 0)
        t = sel.reg("R", f"{x.arg}+{off}")
        block.add(insn("memub", mem=x.arg, d=t, p=sel.ptr[x.arg], off=off))
        if r is None and q == 0:
            r = t
        elif r is None:
            r = sel.reg("R", "word")
            block.add(insn("movi", d=r, imm=0))
            block.add(insn("asl_or", d=r, u=t, imm=8 * q))
        else:
            block.add(insn("asl_or", d=r, u=t, imm=8 * q))
    cache[key] = r
    return r


def _splat(sel, word: Reg, hoist: bool) -> Reg:
    key = ("window.splat", word)
    cache = sel.sloads if hoist else {}
    if key not in cache:
        d = sel.reg("V", "window.word")
        (sel.pro if hoist else sel.body).add(insn("vsplatw", d=d, t=word))
        cache[key] = d
    return cache[key]
