"""The sliding vrmpy for byte windows (`window.py`): the rewrite choice "sliding".

A window group (four taps of one row, `window.Group`) needs the row read at the byte shifts
s = 0..3 for its four accumulators (`acc_s[j]` = output lane 4j + s). `Vdd.w = vrmpy(Vuu.ub,
Rt.b, #u1)` takes the pair Vuu = (x, x + 4 bytes) and computes two of those shifts at once:
#0 gives the shifts 0 (low result) and 2 (high), #1 the shifts 1 and 3, each half pairing
the window's bytes with Rt's bytes rotated as QEMU's gen_vrmpyubi does (the lanes are
`hvx.vrmpyi_ubb_*` of ops.py). So a group costs two vector reads (x, and x + 4, which is the
next group's x in a row of more than four taps) and two double multiplies instead of four
reads and four multiplies: fewer loads and permutes, the same multiplier work.

It applies where the window's vrmpy op is `hvx.vrmpy_ubb` (unsigned image bytes, signed
weights in Rt: the only vrmpy with the #u1 form) and the selection's rules prove each half
is the window's dot product at its byte shift (`proves_sliding`). The target rules do not:
those rules (`hvx-vrmpyi-ubb-*`) are the choice file rules/hexagon-choice-sliding.rules, so
the global scheduler compiles a window with and without them and keeps what schedules
best. The choice reads the window's rows off the vector grid by `vmemu` (the "unaligned"
form's reads, `rows.RowSelector._vector`), as a pair of loads per group.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import Reg, insn
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, var

#: The vrmpy op (of rules/hexagon-regroup.rules) that has the sliding form.
SLIDING_OP = "hvx.vrmpy_ubb"
#: The byte shifts s = 1, 2, 3: the half of `vrmpy(Vuu.ub, Rt.b, #u1)` that computes it (an
#: op of ops.py) and, per byte position q of its word lane, whether the byte comes from
#: Vuu.v1 (the row 4 bytes on) or from v0 (the row).
SLIDING_HALVES = {1: ("hvx.vrmpyi_ubb_lo1", (True, False, False, False)),
                  2: ("hvx.vrmpyi_ubb_hi0", (True, True, False, False)),
                  3: ("hvx.vrmpyi_ubb_hi1", (True, True, True, False))}
#: The instruction's immediate -> the shifts of its (low, high) results.
SHIFTS = {0: (0, 2), 1: (1, 3)}


def slides(sel, op: str) -> bool:
    """Whether the window of vrmpy op `op` takes the sliding vrmpy in `sel`: where its rules
    (a rewrite choice's: `Selector.sliding`) prove the halves (`proves_sliding`)."""
    return sel.sliding and op == SLIDING_OP


def proves_sliding(rw) -> bool:
    """Whether by the rules of `rw` each half of `vrmpy(Vuu.ub, Rt.b, #u1)` over Vuu =
    (x, x + 4), with the byte of position q being x[4i + q] (+ 4 from v1), normalizes to
    vrmpy_ubb(x[4i+s .. 4i+s+3], Rt.b[0..3]) at its byte shift s, for any weight bytes."""
    u8, i8, i32 = (parse_dtype(t) for t in ("u8", "i8", "i32"))
    x = [var(u8, f"x@{k}") for k in range(7)]
    t = [var(i8, f"t@{q}") for q in range(4)]
    for shift, (op, from_v1) in SLIDING_HALVES.items():
        lane = UOp(op, i32, tuple(x[q + 4 * v1] for q, v1 in enumerate(from_v1)) + tuple(t))
        if rw.normalize(lane) != UOp(SLIDING_OP, i32, tuple(x[shift:shift + 4]) + tuple(t)):
            return False
    return True


def slide_group(sel, accs: list[Reg], lo: Reg, hi: Reg, word: Reg, fresh: bool) -> None:
    """One group into the four accumulators `accs` (by shift): `lo` the row at the group's
    first tap, `hi` 4 bytes on, `word` the weights in Rt; `fresh`: the accumulators are set,
    not added to."""
    lo, hi = pair_operand(sel, lo, hi)
    for imm, (s_lo, s_hi) in SHIFTS.items():
        sel.body.add(insn("vrmpybusi" if fresh else "vrmpybusi_acc", lo=accs[s_lo], hi=accs[s_hi],
                          ulo=lo, uhi=hi, t=word, imm=imm))


def pair_operand(sel, lo: Reg, hi: Reg) -> tuple[Reg, Reg]:
    """(lo, hi) as a register pair operand (v(2k+1):2k): a register is one half of one pair
    only, so where either is already paired otherwise (the pair's high vector is the next
    group's low one in a row of more than four taps) it is copied (`vassign`, a VA op).
    (tmpy.py's pairs too: one record of partners for both.)"""
    partner = sel.__dict__.setdefault("sliding_partner", {})
    if lo in sel.paired or partner.get(lo, hi) != hi:
        lo = _copy(sel, lo)
    if hi in sel.paired or partner.get(hi, lo) != lo:
        hi = _copy(sel, hi)
    partner[lo], partner[hi] = hi, lo
    return lo, hi


def _copy(sel, r: Reg) -> Reg:
    d = sel.reg("V", f"{r.hint} (pair)")
    sel.body.add(insn("vassign", d=d, u=r))
    return d
