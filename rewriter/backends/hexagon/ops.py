"""Hexagon HVX instructions whose per-lane meaning is not already a table op.

Each op is the meaning of one HVX instruction on *one output lane*, written over the same
`Domain` primitives as every other op, so the numpy evaluator and both Z3 encodings are
derived from this one definition (`rewriter verify rules/hexagon.rules` proves the
instruction-selection rules that produce them). Operands and result have fixed types (the
signature names them), because an HVX instruction reads and writes fixed element types.

They are registered into the op table (`rewriter.ir.ops.register_op`) when this module is
imported: importing `rewriter.backends.hexagon` (or the target registry `rewriter.targets`, every
target's ops) does it; the portable table in `rewriter/ir/` imports no target.

These are *target* ops (`target="hexagon"`, stage `target:hexagon`): a rule whose right side uses one is a target
rule, kept out of the portable library (`RuleLibrary.target_rules`), so the CPU pipeline
never rewrites to them; only the Hexagon selector (`rewriter/backends/hexagon/select.py`)
applies those rules.

Semantics follow the Hexagon V66 HVX Programmer's Reference Manual (80-N2040-44), and the
instruction behaviour in QEMU's `target/hexagon/imported/mmvec/ext.idef`:
  vrmpy       Vd.w[i] = sum_{k<4} Vu.b[4i+k] * Vv.b[4i+k]    (also Vu.ub x Vv.b / Rt.b,
              and Vd.uw from Vu.ub x Vv.ub / Rt.ub)
  vrmpy #u1   Vdd.w = vrmpy(Vuu.ub, Rt.b, #u1): per word lane i, each half sums four byte
              products of bytes of Vuu.v0.w[i] / Vuu.v1.w[i] with *rotated* bytes of Rt
              (QEMU's `gen_vrmpyubi` in target/hexagon/genptr.c spells the pairing out):
                #0: v0.w[i] = sum_q v0.ub[4i+q] Rt.b[q]  (plain vrmpy)
                    v1.w[i] = v1.ub[4i] Rt.b[2] + v1.ub[4i+1] Rt.b[3] + v0.ub[4i+2] Rt.b[0] + v0.ub[4i+3] Rt.b[1]
                #1: v0.w[i] = v1.ub[4i] Rt.b[3] + v0.ub[4i+1] Rt.b[0] + v0.ub[4i+2] Rt.b[1] + v0.ub[4i+3] Rt.b[2]
                    v1.w[i] = v1.ub[4i] Rt.b[1] + v1.ub[4i+1] Rt.b[2] + v1.ub[4i+2] Rt.b[3] + v0.ub[4i+3] Rt.b[0]
              the three sliding halves are the ops `hvx.vrmpyi_ubb_{lo1,hi0,hi1}` below,
              operands in byte-position order (q = 0..3, from v1 or v0 as above), then Rt.b[0..3].
  vdmpy       Vd.w[i] = Vu.h[2i] * Rt.b[2i % 4] + Vu.h[2i+1] * Rt.b[(2i+1) % 4]
  vmpyi       Vd.w[i] = Vu.w[i] * Rt.b[i % 4]                 (low 32 bits)
  vtmpy .b    Vdd.h = vtmpy(Vuu.ub, Rt.b): v0.h[i] = u[2i] Rt.b[2(i%2)] + u[2i+1] Rt.b[2(i%2)+1] + u[2i+128],
              v1.h[i] = u[2i+1] Rt.b[..] + u[2i+128] Rt.b[..+1] + u[2i+129] (u the pair's bytes):
              a three-tap filter (a, b, 1) of the even / odd outputs; `hvx.vtmpy_ubh` / `_bh`
  vpack:sat   Vd.h[i] = sat16(Vv.w[i]), Vd.h[i+32] = sat16(Vu.w[i])   (and .ub from .h)
"""
from __future__ import annotations

from rewriter.ir.dtype import i8, i16, i32, u8, u16, u32
from rewriter.ir.ops import INT, OpDef, Sig, register_op

#: The IR stage at which hvx ops may appear (`rewriter.ir.validate`).
STAGE = "target:hexagon"


def _op(name, sig, sem, doc):
    return register_op(OpDef(name, sig, sem, doc, target="hexagon", stages=frozenset({STAGE})))


def _rmpy(a_type, b_type=i8, out=i32):
    """Per 32-bit lane of vrmpy: the sum of four byte products, widened to 32 bits first
    (|sum| <= 4 * 255 * 255 < 2^31, so the additions never wrap)."""

    def sem(d, fx, t, a0, a1, a2, a3, b0, b1, b2, b3, node):
        total = d.const(out, 0)
        for a, b in ((a0, b0), (a1, b1), (a2, b2), (a3, b3)):
            prod = d.mul(out, d.icast(a_type, out, a), d.icast(b_type, out, b))
            total = d.add(out, total, prod)
        return total

    return sem


def _dmpy(d, fx, t, a0, a1, b0, b1, node):
    """Per 32-bit lane of vdmpy(Vu.h, Rt.b): two half-by-byte products summed in 32 bits
    (|sum| <= 2 * 2^15 * 2^7 = 2^23: the additions never wrap)."""
    total = d.const(i32, 0)
    for a, b in ((a0, b0), (a1, b1)):
        total = d.add(i32, total, d.mul(i32, d.icast(i16, i32, a), d.icast(i8, i32, b)))
    return total


def _clamp(src, dst):
    """Saturate a `src` value into `dst`'s range (the `:sat` of a narrowing pack)."""

    def sem(d, fx, t, x, node):
        lo, hi = d.const(src, dst.min), d.const(src, dst.max)
        c = d.ite(d.lt(src, x, lo), lo, d.ite(d.lt(src, hi, x), hi, x))
        return d.icast(src, dst, c)

    return sem


def _s_mpyi_wb(d, fx, t, x, c, node):
    return d.mul(i32, x, d.icast(i8, i32, c))


def _rmpy_rotated(pairing):
    """One sliding half of vrmpy(Vuu.ub, Rt.b, #u1): byte position q times Rt byte pairing[q]."""

    def sem(d, fx, t, a0, a1, a2, a3, b0, b1, b2, b3, node):
        bs = (b0, b1, b2, b3)
        total = d.const(i32, 0)
        for a, k in zip((a0, a1, a2, a3), pairing):
            prod = d.mul(i32, d.icast(u8, i32, a), d.icast(i8, i32, bs[k]))
            total = d.add(i32, total, prod)
        return total

    return sem


_B4 = ("i8",) * 4
_op("hvx.vrmpy_bb", Sig(_B4 + _B4, "i32", frozenset({INT})), {"any": _rmpy(i8)},
    "HVX vrmpy(Vu.b,Vv.b), one word lane: sum of four signed byte products")
_op("hvx.vrmpy_ubb", Sig(("u8",) * 4 + _B4, "i32", frozenset({INT})), {"any": _rmpy(u8)},
    "HVX vrmpy(Vu.ub,Vv.b), one word lane: sum of four unsigned-by-signed byte products")
_op("hvx.vrmpy_uub", Sig(("u8",) * 8, "u32", frozenset({INT})), {"any": _rmpy(u8, u8, u32)},
    "HVX vrmpy(Vu.ub,Vv.ub) / (Vu.ub,Rt.ub), one word lane: sum of four unsigned byte products")
_op("hvx.vdmpy_hb", Sig(("i16", "i16", "i8", "i8"), "i32", frozenset({INT})), {"any": _dmpy},
    "HVX vdmpy(Vu.h,Rt.b), one word lane: sum of two signed half-by-byte products")
_op("hvx.vmpyi_wb", Sig(("i32", "i8"), "i32", frozenset({INT})), {"any": _s_mpyi_wb},
    "HVX vmpyi(Vu.w,Rt.b), one word lane: word times sign-extended byte, low 32 bits")
_op("hvx.vsat_hw", Sig(("i32",), "i16", frozenset({INT})), {"any": _clamp(i32, i16)},
    "HVX vpack(Vu.w,Vv.w):sat, one half lane: the word saturated to a signed half")
_op("hvx.vsat_ubh", Sig(("i16",), "u8", frozenset({INT})), {"any": _clamp(i16, u8)},
    "HVX vpack(Vu.h,Vv.h):sat, one byte lane: the half saturated to an unsigned byte")
_op("hvx.vsat_bh", Sig(("i16",), "i8", frozenset({INT})), {"any": _clamp(i16, i8)},
    "HVX vpack(Vu.h,Vv.h):sat into .b, one byte lane: the half saturated to a signed byte")


def _s_tmpy3(d, fx, t, a0, a1, a2, node):
    return d.add(i16, d.add(i16, a0, a1), a2)


_op("hvx.vtmpy3_h", Sig(("i16", "i16", "i16"), "i16", frozenset({INT})), {"any": _s_tmpy3},
    "HVX Vdd.w = vtmpy(Vuu.h, Rt.b) with Rt.b = 1, 1, then vshuffe(Vdd.v1.h, Vdd.v0.h), one half "
    "lane: the wrapped sum of three halves. The pair reads lanes i and i + 2, so the selector "
    "maps the operands to three neighbouring lanes of one buffer (select.py `three_tap`)")
def _tmpy_bytes(a_type):
    """One half lane of vtmpy(Vuu.ub / Vuu.b, Rt.b): three neighbouring bytes, the first two
    times signed bytes of Rt, the third times 1, summed in 16 bits (wrapping)."""

    def sem(d, fx, t, a0, a1, a2, t0, t1, node):
        total = d.icast(a_type, i16, a2)
        for a, w in ((a0, t0), (a1, t1)):
            total = d.add(i16, total, d.mul(i16, d.icast(a_type, i16, a), d.icast(i8, i16, w)))
        return total

    return sem


for _name, _t in (("hvx.vtmpy_ubh", u8), ("hvx.vtmpy_bh", i8)):
    _op(_name, Sig((str(_t),) * 3 + ("i8", "i8"), "i16", frozenset({INT})), {"any": _tmpy_bytes(_t)},
        f"HVX Vdd.h = vtmpy(Vuu.{'ub' if _t == u8 else 'b'}, Rt.b), one half lane: a0 * Rt.b[0] + a1 * Rt.b[1] + "
        "a2 in 16 bits, a0..a2 three neighbouring bytes (the pair reads bytes 2i, 2i + 1 of v0 and 2i of v1 = "
        "x + 2 for the even lane; tmpy.py maps the operands)")

#: The sliding halves of `Vdd.w = vrmpy(Vuu.ub, Rt.b, #u1)` (name -> Rt byte per position).
VRMPYI_HALVES = {"hvx.vrmpyi_ubb_lo1": (3, 0, 1, 2), "hvx.vrmpyi_ubb_hi0": (2, 3, 0, 1),
                 "hvx.vrmpyi_ubb_hi1": (1, 2, 3, 0)}
for _name, _pairing in VRMPYI_HALVES.items():
    _op(_name, Sig(("u8",) * 4 + _B4, "i32", frozenset({INT})), {"any": _rmpy_rotated(_pairing)},
        f"HVX vrmpy(Vuu.ub,Rt.b,#u1), one word lane of a sliding half: byte position q (of "
        f"Vuu.v1 or v0) times Rt.b[{', '.join(map(str, _pairing))}][q]")


def _s_mpyieo(d, fx, t, x, y, node):
    """(low half of x) * (high half of y), shifted to the high half: modulo 2^32 that is
    x * (y - zext(low half of y)), which is how it is stated (no shift or extract op)."""
    low = d.icast(u16, i32, d.icast(i32, u16, y))
    return d.mul(i32, x, d.sub(i32, y, low))


def _s_mpyie_acc(d, fx, t, acc, x, y, node):
    return d.add(i32, acc, d.mul(i32, x, d.icast(u16, i32, d.icast(i32, u16, y))))


_op("hvx.vmpyieo", Sig(("i32", "i32"), "i32", frozenset({INT})), {"any": _s_mpyieo},
    "HVX vmpyieo(Vu.h,Vv.h), one word lane: u's low half times v's high half, in the high half")
_op("hvx.vmpyie_acc", Sig(("i32", "i32", "i32"), "i32", frozenset({INT})), {"any": _s_mpyie_acc},
    "HVX Vx.w += vmpyie(Vu.w,Vv.uh), one word lane: x plus u times v's low half (unsigned)")


def _high_half(src, dst):
    """The high half of a `src` lane as a `dst` lane (`dst` half as wide): bits
    [bits(dst), bits(src)) whatever the signedness (an arithmetic and a logical shift agree
    on the bits they keep)."""

    def sem(d, fx, t, x, node):
        return d.icast(src, dst, d.shr(src, x, d.const(src, dst.bits)))

    return sem


_op("hvx.hi_hw", Sig(("i32",), "i16", frozenset({INT})), {"any": _high_half(i32, i16)},
    "HVX vpacko(Vu.w,Vv.w), one half lane: the high half of the word")
_op("hvx.hi_bh", Sig(("i16",), "i8", frozenset({INT})), {"any": _high_half(i16, i8)},
    "HVX vpacko(Vu.h,Vv.h), one byte lane: the high byte of the half")


def _leading_zeros(t):
    """The number of leading zero bits of a `t` lane (t's width for 0): bits - 1 - log2(x)."""

    def sem(d, fx, _t, x, node):
        width = d.sub(t, d.const(t, t.bits - 1), d.log2(t, x))
        return d.ite(d.eq(t, x, d.const(t, 0)), d.const(t, t.bits), width)

    return sem


_op("hvx.cl0_w", Sig(("u32",), "u32", frozenset({INT})), {"any": _leading_zeros(u32)},
    "HVX vcl0(Vu.uw), one word lane: the count of leading zero bits")
_op("hvx.cl0_h", Sig(("u16",), "u16", frozenset({INT})), {"any": _leading_zeros(u16)},
    "HVX vcl0(Vu.uh), one half lane: the count of leading zero bits")
