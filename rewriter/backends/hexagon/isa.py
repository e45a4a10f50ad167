"""The Hexagon v66 / HVX-128 machine model, as data: one row per instruction the backend uses.

A row (`InsnDesc`) says how an instruction is written (an assembly template whose `{name}`
fields are operands), what its operands are (register classes: R scalar, R8 = r0..r7 for
the `Rt8` fields of valign, V vector, Q vector predicate, plus immediates), what it means
(`sem`, below), where it may issue (`slots`: scalar slots 0-3, every
instruction takes one) and which HVX resources it takes (`hvx`: alternatives, each a set),
and when its result may be read (`latency`, in packets).

Meaning (`sem`), in one of three forms (rewriter/backends/hexagon/lanesem.py evaluates the
first two with the op table's numpy evaluator; `lane_term` gives one output lane as an
op-table term for the Z3 encoders):
  * lane-wise: one op-table pattern over typed operand variables, `sat_add(u:u8, v:u8)`
    (output lane i = the pattern over the operands' lane i). Rows marked `lanewise` are the
    selector's pattern table (select.py covers kernel terms with them); the compares into Q
    are read by the selector the same way.
  * lane equations, for cross-lane rows: `out.T[index] = pattern; ...`, where the pattern's
    leaves may be lane references `x.T[index]` (T: b ub h uh w uw, or q for a predicate's
    byte bits; a register pair such as `uu` is one 256-byte operand, low register first) and
    `index` is integer arithmetic in the lane counter i, immediates and scalar operands:
    `d.w[i] = hvx.vrmpy_bb(u.b[4i], u.b[4i+1], ..., v.b[4i+3])`, `d.h[i+32] = hvx.vsat_hw(u.w[i])`.
    i ranges over every value that keeps all of the equation's references in range, and
    every output byte must be written exactly once.
  * prose, for memory, control and scalar rows (no lane meaning).
Every HVX row with a meaning (238 of them) is executed on qemu-hexagon against it, on random
vectors and vectors of edge lanes (0, 1, -1, MIN, MAX), by tests/test_hexagon_isa_qemu.py
(rewriter/runtime/hexagon_isa.py: all rows in one QEMU program). The instruction semantics
they state come from QEMU's target/hexagon/imported/mmvec/ext.idef and the Hexagon V66 HVX
Programmer's Reference Manual (80-N2040-44); QEMU is the arbiter where they were unclear.

Facts and where they come from:
  * HVX resources: two multipliers (MPY0, MPY1), SHIFT, XLANE (permute), LD and ST. A vector
    ALU op (VA) takes any one of MPY0/MPY1/SHIFT/XLANE; a double-vector ALU op (VA_DV) a
    pair (MPY0+MPY1 or SHIFT+XLANE); multiplies (VX) one multiplier, VX_DV both; shifts (VS)
    SHIFT; permutes (VP) XLANE; aligned loads LD plus one VA resource, unaligned loads LD
    plus XLANE; stores ST plus one VA resource. Scalar slots: loads 0/1, stores 0, VX 2/3,
    vmemu slot 0 with slot 1 left empty. Source: LLVM `HexagonDepIICHVX.td` (itinerary
    comments such as `/*SLOT01,LOAD,VA*/`, `/*SLOT23,VX_DV*/`, stages `CVI_MPY01`,
    `CVI_XLSHF`), QEMU `target/hexagon/imported/mmvec/ext.idef` (`A_RESTRICT_SLOT0ONLY` on
    vector stores, `A_RESTRICT_NOSLOT1` on vmemu), and the Hexagon V66 HVX Programmer's
    Reference Manual (80-N2040-44), "HVX slot and resource usage".
  * Every packet combination the scheduler may form was cross-checked against `llvm-mc
    -mcpu=hexagonv66 -mattr=+hvxv66,+hvx-length128b` (one vector load per packet, two
    vasr / vror / vpack never together, `+= vrmpy` excludes another multiply).
  * At most 4 instructions per packet, and at most 4 instruction words: a `##` constant
    extender costs one more word (Hexagon V66 Programmer's Reference Manual 80-N2040-45,
    "Packets", "Constant extenders").
  * Latencies are in packets and approximate LLVM's `HexagonScheduleV66.td`/HVX itineraries
    (producer stage 9 vs consumer stages 7/5 of the HVX pipeline): results of VA/VS ops
    are read by the next packet; multiplies, permutes and vector loads take 2. The core
    interlocks, so a short latency costs a stall, never a wrong result: the model only
    estimates cycles (`schedule.estimate_cycles`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rewriter.ir.dtype import parse_dtype
from rewriter.lower.target import TargetDesc

# ---- resources -------------------------------------------------------------------------------
MPY0, MPY1, SHIFT, XLANE, LD, ST = "mpy0", "mpy1", "shift", "xlane", "ld", "st"
HVX_RESOURCES = (MPY0, MPY1, SHIFT, XLANE, LD, ST)

# Resource classes (from the itinerary names): alternatives, each a frozenset to take together.
_VA = (frozenset({MPY0}), frozenset({MPY1}), frozenset({SHIFT}), frozenset({XLANE}))
RESOURCE_CLASSES: dict[str, tuple[frozenset, ...]] = {
    "VA": _VA,
    "VA_DV": (frozenset({MPY0, MPY1}), frozenset({SHIFT, XLANE})),
    "VX": (frozenset({MPY0}), frozenset({MPY1})),
    "VX_DV": (frozenset({MPY0, MPY1}),),
    "VS": (frozenset({SHIFT}),),
    "VP": (frozenset({XLANE}),),
    "VP_VS": (frozenset({SHIFT, XLANE}),),
    "LOAD": tuple(frozenset({LD}) | r for r in _VA),
    "LOADU": (frozenset({LD, XLANE}),),
    # An unaligned store rotates through the permute network as the unaligned load does
    # (llvm-mc: no vpacke or vdeal beside `vmemu(..) = Vs`).
    "STOREU": (frozenset({ST, XLANE}),),
    "STORE": tuple(frozenset({ST}) | r for r in _VA),
    # A permute whose result a new-value store writes in the same packet: the store part
    # takes ST alone (llvm-mc accepts `vrmpy + vshuff + vmem(..) = v.new` in one packet,
    # and rejects the same packet with a plain store, which needs a VA unit).
    "VP_VS+ST_NEW": (frozenset({SHIFT, XLANE, ST}),),
    "NONE": (frozenset(),),
}

SLOTS_ANY, SLOTS_MEM, SLOTS_ST, SLOTS_23, SLOTS_2, SLOTS_3 = (0, 1, 2, 3), (0, 1), (0,), (2, 3), (2,), (3,)


@dataclass(frozen=True)
class InsnDesc:
    """One machine instruction. Operand names in `asm` are `{d}` (defs) and `{u}`, `{v}`...
    (uses), each listed with its register class in `defs` / `uses`; immediates are `{imm}`
    fields named in `imms`. `sem` is the meaning: a lane-wise op-table pattern, lane
    equations, or for memory and control a plain description (see the module docstring)."""

    name: str
    llvm: str  # the LLVM opcode (HexagonDepInstrInfo.td), for reference
    asm: str
    defs: tuple[tuple[str, str], ...]
    uses: tuple[tuple[str, str], ...]
    sem: str
    rclass: str  # key of RESOURCE_CLASSES
    slots: tuple[int, ...]
    latency: int
    imms: tuple[str, ...] = ()
    words: int = 1  # instruction words (a constant extender adds one)
    no_slot1: bool = False  # the packet must leave slot 1 empty (vmemu)
    tied: tuple[tuple[str, str], ...] = ()  # (def, use) pairs that are one register (Vx +=)
    side_effect: str = ""  # "load" | "store" | "loop" | "branch" | ""
    # `sem` is a lane-wise pattern in the op-table language (parsed by the selector, which
    # covers kernel terms with these rows); its variables name the operands.
    lanewise: bool = False
    note: str = ""
    # Register-pair operands: (asm field, low def, high def); the pair is v(2k+1):2k.
    pairs: tuple[tuple[str, str, str], ...] = ()
    #: The slot sets of further machine instructions this row issues in the same packet (a
    #: bundle: `vmem(..) = Vs.new` must share its producer's packet, so the two are one row
    #: that every scheduler places as a unit). Each takes an instruction and a slot.
    bundle: tuple[tuple[int, ...], ...] = ()

    @property
    def slot_sets(self) -> tuple[tuple[int, ...], ...]:
        """The slot set of each machine instruction the row issues (one, or more for a bundle)."""
        return (self.slots,) + self.bundle

    @property
    def parts(self) -> int:
        """Machine instructions the row issues (counted against the packet's four)."""
        return 1 + len(self.bundle)

    @property
    def is_hvx(self) -> bool:
        return self.rclass != "NONE"

    @property
    def resource_options(self) -> tuple[frozenset, ...]:
        return RESOURCE_CLASSES[self.rclass]


def _row(name, llvm, asm, defs, uses, sem, rclass, slots, latency, **kw) -> InsnDesc:
    # A meaning written as one op over typed operand variables is lane-wise (selectable by
    # pattern); memory, lane moves and cross-lane ops describe themselves in words.
    kw.setdefault("lanewise", re.fullmatch(r"[a-z_.]+\((\w:\w+, )*\w:\w+\)", sem) is not None)
    return InsnDesc(name, llvm, asm, tuple(defs), tuple(uses), sem, rclass, tuple(slots), latency, **kw)


_D, _U, _V = ("d", "V"), ("u", "V"), ("v", "V")


def _rmpy4(op: str, a: str, b: str) -> str:
    """`op` over four a lanes then four b lanes; `{q}` in a or b is the byte position 0..3."""
    return f"{op}({', '.join(a.format(q=q) for q in range(4))}, {', '.join(b.format(q=q) for q in range(4))})"


def _rmpyi(acc: bool) -> str:
    """vrmpy(Vuu.ub, Rt.b, #u1) as lane equations. Byte position q of word lane i comes from
    Vuu.v1 (uu.ub[128 + ..]) when q < imm (low result) or q < 2 + imm (high result), else
    from Vuu.v0, and multiplies Rt byte (q - imm) mod 4 (low) or (q + 2 - imm) mod 4 (high):
    QEMU's gen_vrmpyubi (target/hexagon/genptr.c), the pairing hvx.vrmpyi_ubb_* spell out."""
    lo = _rmpy4("hvx.vrmpy_ubb", "uu.ub[4i+{q}+128*({q}<imm)]", "t.b[({q}+4-imm)%4]")
    hi = _rmpy4("hvx.vrmpy_ubb", "uu.ub[4i+{q}+128*({q}<2+imm)]", "t.b[({q}+6-imm)%4]")
    if acc:
        lo, hi = f"add(lo.w[i], {lo})", f"add(hi.w[i], {hi})"
    return f"lo.w[i] = {lo}; hi.w[i] = {hi}"


ROWS: tuple[InsnDesc, ...] = (
    # ---- HVX memory ----
    _row("vmem_ld", "V6_vL32b_ai", "{d} = vmem({p}+#{off})", [_D], [("p", "R")],
         "d = the 128 bytes at p + off*128 (p + off*128 aligned)", "LOAD", SLOTS_MEM, 2,
         imms=("off",), side_effect="load"),
    _row("vmem_ld_pi", "V6_vL32b_pi", "{d} = vmem({p}++#{inc})", [_D, ("p", "R")], [("p", "R")],
         "d = the 128 bytes at p; p += inc*128", "LOAD", SLOTS_MEM, 2, imms=("inc",),
         tied=(("p", "p"),), side_effect="load"),
    _row("vmemu_ld", "V6_vL32Ub_ai", "{d} = vmemu({p}+#{off})", [_D], [("p", "R")],
         "d = the 128 bytes at p + off*128, any alignment", "LOADU", SLOTS_ST, 2,
         imms=("off",), no_slot1=True, side_effect="load"),
    _row("vmem_st", "V6_vS32b_ai", "vmem({p}+#{off}) = {u}", [], [("p", "R"), _U],
         "the 128 bytes at p + off*128 = u", "STORE", SLOTS_ST, 1, imms=("off",), side_effect="store"),
    _row("vmemu_st", "V6_vS32Ub_ai", "vmemu({p}+#{off}) = {u}", [], [("p", "R"), _U],
         "the 128 bytes at p + off*128 = u, any alignment", "STOREU", SLOTS_ST, 1, imms=("off",),
         no_slot1=True, side_effect="store"),
    # A store of some bytes only (`rows.py`'s partial stores): predicated by a Q register.
    _row("vmem_st_q", "V6_vS32b_qpred_ai", "if ({q}) vmem({p}+#{off}) = {u}", [], [("q", "Q"), ("p", "R"), _U],
         "the bytes i of the 128 at p + off*128 (p aligned down) where q[i]: u[i]", "STORE", SLOTS_ST, 1,
         imms=("off",), side_effect="store"),
    # Byte masks: the first bytes of a vector (both use the permute network, as vror does:
    # llvm-mc refuses two, or one beside a valign). vsetq2 reads Rt = 128 as every byte.
    _row("vsetq", "V6_pred_scalar2", "{d} = vsetq({t})", [("d", "Q")], [("t", "R")],
         "d[i] = i < t mod 128", "VP", SLOTS_23, 1),
    _row("vsetq2", "V6_pred_scalar2v2", "{d} = vsetq2({t})", [("d", "Q")], [("t", "R")],
         "d[i] = i <= (t - 1) mod 128", "VP", SLOTS_23, 1),
    _row("qand_not", "V6_pred_and_n", "{d} = and({q},!{r})", [("d", "Q")], [("q", "Q"), ("r", "Q")],
         "d[i] = q[i] and not r[i]", "VA_DV", SLOTS_ANY, 1, note="two HVX units (llvm-mc: not beside a vshuff and a vmem)"),
    _row("vmem_st_pi", "V6_vS32b_pi", "vmem({p}++#{inc}) = {u}", [("p", "R")], [("p", "R"), _U],
         "the 128 bytes at p = u; p += inc*128", "STORE", SLOTS_ST, 1, imms=("inc",),
         tied=(("p", "p"),), side_effect="store"),
    # ---- HVX arithmetic (per lane: the pattern over the lane values of u, v) ----
    _row("vaddubsat", "V6_vaddubsat", "{d}.ub = vadd({u}.ub,{v}.ub):sat", [_D], [_U, _V],
         "sat_add(u:u8, v:u8)", "VA", SLOTS_ANY, 1),
    _row("vsububsat", "V6_vsububsat", "{d}.ub = vsub({u}.ub,{v}.ub):sat", [_D], [_U, _V],
         "sat_sub(u:u8, v:u8)", "VA", SLOTS_ANY, 1),
    _row("vaddb", "V6_vaddb", "{d}.b = vadd({u}.b,{v}.b)", [_D], [_U, _V], "add(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1),
    _row("vsubb", "V6_vsubb", "{d}.b = vsub({u}.b,{v}.b)", [_D], [_U, _V], "sub(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1),
    _row("vaddh", "V6_vaddh", "{d}.h = vadd({u}.h,{v}.h)", [_D], [_U, _V], "add(u:i16, v:i16)",
         "VA", SLOTS_ANY, 1),
    _row("vaddhsat", "V6_vaddhsat", "{d}.h = vadd({u}.h,{v}.h):sat", [_D], [_U, _V],
         "sat_add(u:i16, v:i16)", "VA", SLOTS_ANY, 1),
    _row("vadduhsat", "V6_vadduhsat", "{d}.uh = vadd({u}.uh,{v}.uh):sat", [_D], [_U, _V],
         "sat_add(u:u16, v:u16)", "VA", SLOTS_ANY, 1),
    _row("vaddw", "V6_vaddw", "{d}.w = vadd({u}.w,{v}.w)", [_D], [_U, _V], "add(u:i32, v:i32)",
         "VA", SLOTS_ANY, 1),
    _row("vsubh", "V6_vsubh", "{d}.h = vsub({u}.h,{v}.h)", [_D], [_U, _V], "sub(u:i16, v:i16)",
         "VA", SLOTS_ANY, 1),
    _row("vsubw", "V6_vsubw", "{d}.w = vsub({u}.w,{v}.w)", [_D], [_U, _V], "sub(u:i32, v:i32)",
         "VA", SLOTS_ANY, 1),
    _row("vmaxub", "V6_vmaxub", "{d}.ub = vmax({u}.ub,{v}.ub)", [_D], [_U, _V], "max(u:u8, v:u8)",
         "VA", SLOTS_ANY, 1),
    _row("vminub", "V6_vminub", "{d}.ub = vmin({u}.ub,{v}.ub)", [_D], [_U, _V], "min(u:u8, v:u8)",
         "VA", SLOTS_ANY, 1),
    _row("vmaxh", "V6_vmaxh", "{d}.h = vmax({u}.h,{v}.h)", [_D], [_U, _V], "max(u:i16, v:i16)",
         "VA", SLOTS_ANY, 1),
    _row("vminh", "V6_vminh", "{d}.h = vmin({u}.h,{v}.h)", [_D], [_U, _V], "min(u:i16, v:i16)",
         "VA", SLOTS_ANY, 1),
    _row("vmaxuh", "V6_vmaxuh", "{d}.uh = vmax({u}.uh,{v}.uh)", [_D], [_U, _V], "max(u:u16, v:u16)",
         "VA", SLOTS_ANY, 1),
    _row("vminuh", "V6_vminuh", "{d}.uh = vmin({u}.uh,{v}.uh)", [_D], [_U, _V], "min(u:u16, v:u16)",
         "VA", SLOTS_ANY, 1),
    _row("vmaxw", "V6_vmaxw", "{d}.w = vmax({u}.w,{v}.w)", [_D], [_U, _V], "max(u:i32, v:i32)",
         "VA", SLOTS_ANY, 1),
    _row("vminw", "V6_vminw", "{d}.w = vmin({u}.w,{v}.w)", [_D], [_U, _V], "min(u:i32, v:i32)",
         "VA", SLOTS_ANY, 1),
    # Bitwise: written at i8, the same bits at every lane width (the selector knows).
    _row("vand", "V6_vand", "{d} = vand({u},{v})", [_D], [_U, _V], "and(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1, note="any lane type"),
    _row("vor", "V6_vor", "{d} = vor({u},{v})", [_D], [_U, _V], "or(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1, note="any lane type"),
    _row("vxor", "V6_vxor", "{d} = vxor({u},{v})", [_D], [_U, _V], "xor(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1, note="any lane type"),
    _row("vnot", "V6_vnot", "{d} = vnot({u})", [_D], [_U], "not(u:i8)", "VA", SLOTS_ANY, 1,
         note="any lane type"),
    _row("vmaxb", "V6_vmaxb", "{d}.b = vmax({u}.b,{v}.b)", [_D], [_U, _V], "max(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1),
    _row("vminb", "V6_vminb", "{d}.b = vmin({u}.b,{v}.b)", [_D], [_U, _V], "min(u:i8, v:i8)",
         "VA", SLOTS_ANY, 1),
    _row("vaddbsat", "V6_vaddbsat", "{d}.b = vadd({u}.b,{v}.b):sat", [_D], [_U, _V],
         "sat_add(u:i8, v:i8)", "VA", SLOTS_ANY, 1),
    _row("vsubhsat", "V6_vsubhsat", "{d}.h = vsub({u}.h,{v}.h):sat", [_D], [_U, _V],
         "sat_sub(u:i16, v:i16)", "VA", SLOTS_ANY, 1),
    _row("vsubuhsat", "V6_vsubuhsat", "{d}.uh = vsub({u}.uh,{v}.uh):sat", [_D], [_U, _V],
         "sat_sub(u:u16, v:u16)", "VA", SLOTS_ANY, 1),
    _row("vaddwsat", "V6_vaddwsat", "{d}.w = vadd({u}.w,{v}.w):sat", [_D], [_U, _V],
         "sat_add(u:i32, v:i32)", "VA", SLOTS_ANY, 1),
    _row("vsubwsat", "V6_vsubwsat", "{d}.w = vsub({u}.w,{v}.w):sat", [_D], [_U, _V],
         "sat_sub(u:i32, v:i32)", "VA", SLOTS_ANY, 1),
    _row("vzero", "V6_vxor", "{d} = vxor({d},{d})", [_D], [], "d = 0 in every lane",
         "VA", SLOTS_ANY, 1),
    # ---- compares into vector predicates (Q) and selects ----
    _row("vcmpgt_ub", "V6_vgtub", "{d} = vcmp.gt({u}.ub,{v}.ub)", [("d", "Q")], [_U, _V],
         "lt(v:u8, u:u8)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpgt_b", "V6_vgtb", "{d} = vcmp.gt({u}.b,{v}.b)", [("d", "Q")], [_U, _V],
         "lt(v:i8, u:i8)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpgt_uh", "V6_vgtuh", "{d} = vcmp.gt({u}.uh,{v}.uh)", [("d", "Q")], [_U, _V],
         "lt(v:u16, u:u16)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpgt_h", "V6_vgth", "{d} = vcmp.gt({u}.h,{v}.h)", [("d", "Q")], [_U, _V],
         "lt(v:i16, u:i16)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpgt_uw", "V6_vgtuw", "{d} = vcmp.gt({u}.uw,{v}.uw)", [("d", "Q")], [_U, _V],
         "lt(v:u32, u:u32)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpgt_w", "V6_vgtw", "{d} = vcmp.gt({u}.w,{v}.w)", [("d", "Q")], [_U, _V],
         "lt(v:i32, u:i32)", "VA", SLOTS_ANY, 1, lanewise=False, note="d = u > v, per lane"),
    _row("vcmpeq_b", "V6_veqb", "{d} = vcmp.eq({u}.b,{v}.b)", [("d", "Q")], [_U, _V],
         "eq(u:i8, v:i8)", "VA", SLOTS_ANY, 1, lanewise=False, note="either signedness"),
    _row("vcmpeq_h", "V6_veqh", "{d} = vcmp.eq({u}.h,{v}.h)", [("d", "Q")], [_U, _V],
         "eq(u:i16, v:i16)", "VA", SLOTS_ANY, 1, lanewise=False, note="either signedness"),
    _row("vcmpeq_w", "V6_veqw", "{d} = vcmp.eq({u}.w,{v}.w)", [("d", "Q")], [_U, _V],
         "eq(u:i32, v:i32)", "VA", SLOTS_ANY, 1, lanewise=False, note="either signedness"),
    _row("vmux", "V6_vmux", "{d} = vmux({q},{u},{v})", [_D], [("q", "Q"), _U, _V],
         "d.b[i] = where(q.q[i], u.b[i], v.b[i])", "VA", SLOTS_ANY, 1),
    _row("vabsh", "V6_vabsh", "{d}.h = vabs({u}.h)", [_D], [_U], "abs(u:i16)", "VA", SLOTS_ANY, 1),
    _row("vabsw", "V6_vabsw", "{d}.w = vabs({u}.w)", [_D], [_U], "abs(u:i32)", "VA", SLOTS_ANY, 1),
    # ---- widening (into pairs, even and odd lanes apart) ----
    _row("vzxtb", "V6_vzb", "{dd}.uh = vzxt({u}.ub)", [("lo", "V"), ("hi", "V")], [_U],
         "lo.uh[i] = cast<u16>(u.ub[2i]); hi.uh[i] = cast<u16>(u.ub[2i+1])", "VA_DV",
         SLOTS_ANY, 2, pairs=(("dd", "lo", "hi"),)),
    _row("vsxtb", "V6_vsb", "{dd}.h = vsxt({u}.b)", [("lo", "V"), ("hi", "V")], [_U],
         "lo.h[i] = cast<i16>(u.b[2i]); hi.h[i] = cast<i16>(u.b[2i+1])", "VA_DV",
         SLOTS_ANY, 2, pairs=(("dd", "lo", "hi"),)),
    _row("vzxth", "V6_vzh", "{dd}.uw = vzxt({u}.uh)", [("lo", "V"), ("hi", "V")], [_U],
         "lo.uw[i] = cast<u32>(u.uh[2i]); hi.uw[i] = cast<u32>(u.uh[2i+1])", "VA_DV",
         SLOTS_ANY, 2, pairs=(("dd", "lo", "hi"),)),
    _row("vsxth", "V6_vsh", "{dd}.w = vsxt({u}.h)", [("lo", "V"), ("hi", "V")], [_U],
         "lo.w[i] = cast<i32>(u.h[2i]); hi.w[i] = cast<i32>(u.h[2i+1])", "VA_DV",
         SLOTS_ANY, 2, pairs=(("dd", "lo", "hi"),)),
    # ---- shifts by a scalar (VS) ----
    _row("vasrw", "V6_vasrw", "{d}.w = vasr({u}.w,{t})", [_D], [_U, ("t", "R")],
         "shr(u:i32, t:i32)", "VS", SLOTS_ANY, 1, note="t < 32"),
    _row("vasrh", "V6_vasrh", "{d}.h = vasr({u}.h,{t})", [_D], [_U, ("t", "R")],
         "shr(u:i16, t:i16)", "VS", SLOTS_ANY, 1, note="t < 16"),
    _row("vlsrw", "V6_vlsrw", "{d}.uw = vlsr({u}.uw,{t})", [_D], [_U, ("t", "R")],
         "shr(u:u32, t:u32)", "VS", SLOTS_ANY, 1, note="t < 32"),
    _row("vlsrh", "V6_vlsrh", "{d}.uh = vlsr({u}.uh,{t})", [_D], [_U, ("t", "R")],
         "shr(u:u16, t:u16)", "VS", SLOTS_ANY, 1, note="t < 16"),
    _row("vaslw", "V6_vaslw", "{d}.w = vasl({u}.w,{t})", [_D], [_U, ("t", "R")],
         "shl(u:i32, t:i32)", "VS", SLOTS_ANY, 1, note="t < 32"),
    _row("vaslh", "V6_vaslh", "{d}.h = vasl({u}.h,{t})", [_D], [_U, ("t", "R")],
         "shl(u:i16, t:i16)", "VS", SLOTS_ANY, 1, note="t < 16"),
    # ---- multiplies (VX) ----
    _row("vmpyiwb", "V6_vmpyiwb", "{d}.w = vmpyi({u}.w,{t}.b)", [_D], [_U, ("t", "R")],
         "hvx.vmpyi_wb(u:i32, t:i8)", "VX", SLOTS_23, 2, note="t splat in every byte of Rt"),
    _row("vmpyihb", "V6_vmpyihb", "{d}.h = vmpyi({u}.h,{t}.b)", [_D], [_U, ("t", "R")],
         "mul(u:i16, cast<i16>(t:i8))", "VX", SLOTS_23, 2, note="t splat in every byte of Rt"),
    _row("vmpyih", "V6_vmpyih", "{d}.h = vmpyi({u}.h,{v}.h)", [_D], [_U, _V], "mul(u:i16, v:i16)",
         "VX_DV", SLOTS_23, 2),
    _row("vrmpybv", "V6_vrmpybv", "{d}.w = vrmpy({u}.b,{v}.b)", [_D], [_U, _V],
         "d.w[i] = " + _rmpy4("hvx.vrmpy_bb", "u.b[4i+{q}]", "v.b[4i+{q}]"), "VX", SLOTS_23, 2),
    _row("vrmpybv_acc", "V6_vrmpybv_acc", "{d}.w += vrmpy({u}.b,{v}.b)", [_D], [_D, _U, _V],
         "d.w[i] = add(d.w[i], " + _rmpy4("hvx.vrmpy_bb", "u.b[4i+{q}]", "v.b[4i+{q}]") + ")", "VX_DV", SLOTS_23, 2,
         tied=(("d", "d"),)),
    _row("vrmpyubv", "V6_vrmpybusv", "{d}.w = vrmpy({u}.ub,{v}.b)", [_D], [_U, _V],
         "d.w[i] = " + _rmpy4("hvx.vrmpy_ubb", "u.ub[4i+{q}]", "v.b[4i+{q}]"), "VX", SLOTS_23, 2),
    _row("vrmpyubv_acc", "V6_vrmpybusv_acc", "{d}.w += vrmpy({u}.ub,{v}.b)", [_D], [_D, _U, _V],
         "d.w[i] = add(d.w[i], " + _rmpy4("hvx.vrmpy_ubb", "u.ub[4i+{q}]", "v.b[4i+{q}]") + ")", "VX_DV", SLOTS_23, 2,
         tied=(("d", "d"),)),
    _row("vrmpybus", "V6_vrmpybus", "{d}.w = vrmpy({u}.ub,{t}.b)", [_D], [_U, ("t", "R")],
         "d.w[i] = " + _rmpy4("hvx.vrmpy_ubb", "u.ub[4i+{q}]", "t.b[{q}]"), "VX", SLOTS_23, 2),
    _row("vrmpybus_acc", "V6_vrmpybus_acc", "{d}.w += vrmpy({u}.ub,{t}.b)", [_D], [_D, _U, ("t", "R")],
         "d.w[i] = add(d.w[i], " + _rmpy4("hvx.vrmpy_ubb", "u.ub[4i+{q}]", "t.b[{q}]") + ")", "VX", SLOTS_23, 2,
         tied=(("d", "d"),)),
    # The sliding-window form: Vuu = (x, x + 4 bytes) as a pair; #0 gives the byte shifts 0
    # (low) and 2 (high), #1 the shifts 1 and 3, of the filter row in Rt (QEMU's
    # gen_vrmpyubi / mmvec ext.idef; the lanes are hvx.vrmpyi_ubb_* of rewriter/backends/hexagon/ops.py).
    _row("vrmpybusi", "V6_vrmpybusi", "{dd}.w = vrmpy({uu}.ub,{t}.b,#{imm})", [("lo", "V"), ("hi", "V")],
         [("ulo", "V"), ("uhi", "V"), ("t", "R")],
         _rmpyi(False),
         "VX_DV", SLOTS_23, 2, imms=("imm",), pairs=(("dd", "lo", "hi"), ("uu", "ulo", "uhi"))),
    _row("vrmpybusi_acc", "V6_vrmpybusi_acc", "{dd}.w += vrmpy({uu}.ub,{t}.b,#{imm})",
         [("lo", "V"), ("hi", "V")], [("lo", "V"), ("hi", "V"), ("ulo", "V"), ("uhi", "V"), ("t", "R")],
         _rmpyi(True), "VX_DV", SLOTS_23, 2,
         imms=("imm",), pairs=(("dd", "lo", "hi"), ("uu", "ulo", "uhi")), tied=(("lo", "lo"), ("hi", "hi"))),
    _row("vsplatw", "V6_lvsplatw", "{d} = vsplat({t})", [_D], [("t", "R")],
         "d.w[i] = t:i32", "VX", SLOTS_23, 2),
    # ---- permutes (VP) ----
    _row("vpackwh_sat", "V6_vpackwh_sat", "{d}.h = vpack({u}.w,{v}.w):sat", [_D], [_U, _V],
         "d.h[i] = hvx.vsat_hw(v.w[i]); d.h[i+32] = hvx.vsat_hw(u.w[i])", "VP", SLOTS_ANY, 2),
    _row("vpackhub_sat", "V6_vpackhub_sat", "{d}.ub = vpack({u}.h,{v}.h):sat", [_D], [_U, _V],
         "d.ub[i] = hvx.vsat_ubh(v.h[i]); d.ub[i+64] = hvx.vsat_ubh(u.h[i])", "VP", SLOTS_ANY, 2),
    _row("vpackeb", "V6_vpackeb", "{d}.b = vpacke({u}.h,{v}.h)", [_D], [_U, _V],
         "d.b[i] = cast<i8>(v.h[i]); d.b[i+64] = cast<i8>(u.h[i])", "VP", SLOTS_ANY, 2),
    _row("vpackeh", "V6_vpackeh", "{d}.h = vpacke({u}.w,{v}.w)", [_D], [_U, _V],
         "d.h[i] = cast<i16>(v.w[i]); d.h[i+32] = cast<i16>(u.w[i])", "VP", SLOTS_ANY, 2),
    _row("valigni", "V6_valignbi", "{d} = valign({u},{v},#{imm})", [_D], [_U, _V],
         "d.b[i] = v.b[i+imm]; d.b[i+128-imm] = u.b[i]", "VP", SLOTS_ANY, 2, imms=("imm",)),
    _row("valign", "V6_valignb", "{d} = valign({u},{v},{t})", [_D], [_U, _V, ("t", "R8")],
         "d.b[i] = v.b[i+t%128]; d.b[i+128-t%128] = u.b[i]", "VP", SLOTS_ANY, 2),
    _row("vshuffvdd", "V6_vshuffvdd", "{dd} = vshuff({u},{v},{t})", [("lo", "V"), ("hi", "V")],
         [_U, _V, ("t", "R8")], "dd.b[2*(-t)*(i//(-t))+i%(-t)] = v.b[i]; dd.b[2*(-t)*(i//(-t))-t+i%(-t)] = u.b[i]", "VP_VS", SLOTS_ANY, 2, pairs=(("dd", "lo", "hi"),)),
    # The same vshuff with its low result stored by a new-value store in the same packet
    # (V6_vS32b_new_ai, slot 0 only: `vmem(Rt+#s4) = Os8.new`): the store takes no VA unit,
    # so a packet holds a double multiply, this vshuff and the store together.
    _row("vshuffvdd_stnew", "V6_vshuffvdd+V6_vS32b_new_ai", "{dd} = vshuff({u},{v},{t}); vmem({p}+#{off}) = {lo}.new",
         [("lo", "V"), ("hi", "V")], [_U, _V, ("t", "R8"), ("p", "R")],
         "as vshuffvdd; then the 128 bytes at p + off*128 = lo", "VP_VS+ST_NEW", SLOTS_ANY, 2,
         imms=("off",), words=2, side_effect="store", bundle=(SLOTS_ST,), pairs=(("dd", "lo", "hi"),)),
    _row("vdealvdd", "V6_vdealvdd", "{dd} = vdeal({u},{v},{t})", [("lo", "V"), ("hi", "V")],
         [_U, _V, ("t", "R8")], "dd.b[((i%(-2*t))//(-t))*128+(-t)*(i//(-2*t))+i%(-t)] = v.b[i]; "
         "dd.b[(((i+128)%(-2*t))//(-t))*128+(-t)*((i+128)//(-2*t))+i%(-t)] = u.b[i]", "VP_VS", SLOTS_ANY, 2,
         pairs=(("dd", "lo", "hi"),)),
    # A three-tap sliding sum on the multipliers (both: VX_DV; llvm-mc rejects it beside any
    # other multiply, and beside three VA ops): the pair uu is v(2k+1):2k, ulo the low vector.
    # Word lane i multiplies by Rt bytes 2(i%2) and 2(i%2)+1 (odd lanes use the upper two): the
    # differential test (tests/test_hexagon_isa_qemu.py) found that the earlier statement here,
    # t.b[0] and t.b[1] for every lane, disagrees with qemu-hexagon on odd lanes.
    _row("vtmpyhb", "V6_vtmpyhb", "{dd}.w = vtmpy({uu}.h,{t}.b)", [("lo", "V"), ("hi", "V")],
         [("ulo", "V"), ("uhi", "V"), ("t", "R")],
         "lo.w[i] = add(add(mul(cast<i32>(uu.h[2i]), cast<i32>(t.b[2*(i%2)])), mul(cast<i32>(uu.h[2i+1]), "
         "cast<i32>(t.b[2*(i%2)+1]))), cast<i32>(uu.h[2i+64])); hi.w[i] = add(add(mul(cast<i32>(uu.h[2i+1]), "
         "cast<i32>(t.b[2*(i%2)])), mul(cast<i32>(uu.h[2i+64]), cast<i32>(t.b[2*(i%2)+1]))), cast<i32>(uu.h[2i+65]))", "VX_DV", SLOTS_23, 2,
         pairs=(("dd", "lo", "hi"), ("uu", "ulo", "uhi"))),
    # The even halves of two vectors interleaved (VA: llvm-mc takes four in one packet).
    _row("vshuffeh", "V6_vshufeh", "{d}.h = vshuffe({u}.h,{v}.h)", [_D], [_U, _V],
         "d.h[2i] = v.h[2i]; d.h[2i+1] = u.h[2i]", "VA",
         SLOTS_ANY, 1),
    # The two halves of a 32-bit product (LLVM's HexagonPatternsHVX.td `mul` of words):
    # the selector's view of the `vmpyieoh` / `vmpyiewuh_acc` rows below, as the ops the
    # expansion rule `hvx-mul-w` (rules/hexagon-expand.rules) writes.
    _row("vmpyieo_w", "V6_vmpyieoh", "{d}.w = vmpyieo({u}.h,{v}.h)", [_D], [_U, _V],
         "hvx.vmpyieo(u:i32, v:i32)", "VX", SLOTS_23, 2),
    _row("vmpyie_acc_w", "V6_vmpyiewuh_acc", "{d}.w += vmpyie({u}.w,{v}.uh)", [_D], [_D, _U, _V],
         "hvx.vmpyie_acc(d:i32, u:i32, v:i32)", "VX_DV", SLOTS_23, 2, tied=(("d", "d"),)),
    _row("vror", "V6_vror", "{d} = vror({u},{t})", [_D], [_U, ("t", "R")],
         "d.b[i] = u.b[(i + t) % 128]", "VP", SLOTS_ANY, 2),
    # ---- scalar core ----
    _row("movi", "A2_tfrsi", "{d} = #{imm}", [("d", "R")], [], "d = imm (16-bit signed)",
         "NONE", SLOTS_ANY, 1, imms=("imm",)),
    _row("movi_ext", "A2_tfrsi", "{d} = ##{imm}", [("d", "R")], [], "d = imm (32-bit, extended)",
         "NONE", SLOTS_ANY, 1, imms=("imm",), words=2),
    # The address of a label (the constant pool of permute.py), resolved by the linker.
    _row("movsym", "A2_tfrsi", "{d} = ##{sym}", [("d", "R")], [], "d = the address sym (32-bit, extended)",
         "NONE", SLOTS_ANY, 1, imms=("sym",), words=2),
    _row("memub", "L2_loadrub_io", "{d} = memub({p}+#{off})", [("d", "R")], [("p", "R")],
         "d = the byte at p + off, zero-extended", "NONE", SLOTS_MEM, 2, imms=("off",),
         side_effect="load"),
    _row("memb", "L2_loadrb_io", "{d} = memb({p}+#{off})", [("d", "R")], [("p", "R")],
         "d = the byte at p + off, sign-extended", "NONE", SLOTS_MEM, 2, imms=("off",),
         side_effect="load"),
    _row("memuh", "L2_loadruh_io", "{d} = memuh({p}+#{off})", [("d", "R")], [("p", "R")],
         "d = the halfword at p + off (off even), zero-extended", "NONE", SLOTS_MEM, 2, imms=("off",),
         side_effect="load"),
    _row("memh", "L2_loadrh_io", "{d} = memh({p}+#{off})", [("d", "R")], [("p", "R")],
         "d = the halfword at p + off (off even), sign-extended", "NONE", SLOTS_MEM, 2, imms=("off",),
         side_effect="load"),
    _row("memw", "L2_loadri_io", "{d} = memw({p}+#{off})", [("d", "R")], [("p", "R")],
         "d = the word at p + off (off a multiple of 4)", "NONE", SLOTS_MEM, 2, imms=("off",),
         side_effect="load"),
    _row("asl_or", "S2_asl_i_r_or", "{d} |= asl({u},#{imm})", [("d", "R")], [("d", "R"), ("u", "R")],
         "d = d | (u << imm)", "NONE", SLOTS_23, 1, imms=("imm",), tied=(("d", "d"),)),
    _row("andi", "A2_andir", "{d} = and({u},#{imm})", [("d", "R")], [("u", "R")], "d = u & imm",
         "NONE", SLOTS_ANY, 1, imms=("imm",)),
    _row("subri", "A2_subri", "{d} = sub(#{imm},{u})", [("d", "R")], [("u", "R")], "d = imm - u",
         "NONE", SLOTS_ANY, 1, imms=("imm",)),
    _row("minr", "A2_min", "{d} = min({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")], "d = min(u, v), signed",
         "NONE", SLOTS_23, 1),
    _row("maxr", "A2_max", "{d} = max({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")], "d = max(u, v), signed",
         "NONE", SLOTS_23, 1),
    _row("addi", "A2_addi", "{d} = add({u},#{imm})", [("d", "R")], [("u", "R")], "d = u + imm",
         "NONE", SLOTS_ANY, 1, imms=("imm",)),
    _row("addi_ext", "A2_addi", "{d} = add({u},##{imm})", [("d", "R")], [("u", "R")],
         "d = u + imm (32-bit, extended)", "NONE", SLOTS_ANY, 1, imms=("imm",), words=2),
    _row("loop0", "J2_loop0r", "loop0({label},{u})", [], [("u", "R")],
         "hardware loop 0: the body from label runs u times", "NONE", SLOTS_3, 1,
         imms=("label",), side_effect="loop"),
    _row("jumpr", "J2_jumpr", "jumpr {u}", [], [("u", "R")], "return (u = r31)", "NONE",
         SLOTS_2, 1, side_effect="branch"),
)


# ---- HVX rows the selector does not use yet: the table's meaning, checked on QEMU ----------
# Every row below states its meaning (a lane-wise pattern over typed operand variables, or
# lane equations, see rewriter/backends/hexagon/lanesem.py) and is executed on qemu-hexagon
# against it by tests/test_hexagon_isa_qemu.py. `lanewise=False` keeps them out of the
# selector's pattern table until selection adopts them. Resource classes and slots follow
# the itineraries of LLVM's HexagonDepInstrInfo.td / HexagonDepIICHVX.td (CVI_VA: any slot,
# one ALU unit; CVI_VA_DV: a unit pair; CVI_VX / CVI_VX_DV: slots 2-3 and one / both
# multipliers; CVI_VS: the shifter; CVI_VP: the permute unit; CVI_VP_VS: both), latencies as
# for the rows above (VA 1, everything else 2).
_PAIR_D = (("lo", "V"), ("hi", "V"))
_PAIR_U = (("ulo", "V"), ("uhi", "V"))
_T = ("t", "R")
_Q = ("q", "Q")
_TYPES = {"b": "i8", "ub": "u8", "h": "i16", "uh": "u16", "w": "i32", "uw": "u32"}
_WIDER = {"b": "i16", "ub": "i16", "h": "i32", "uh": "i32", "w": "i64", "uw": "i64"}
_LAT = {"VA": 1}
_SLOTS = {"VX": SLOTS_23, "VX_DV": SLOTS_23}


def _x(name, llvm, asm, defs, uses, sem, rclass, **kw):
    """A row outside the selector's pattern table (lanewise=False), slots and latency by class."""
    kw.setdefault("lanewise", False)
    pairs = list(kw.pop("pairs", ()))
    names = {n for n, _c in tuple(defs) + tuple(uses)}
    if "lo" in names and ("dd", "lo", "hi") not in pairs:
        pairs.append(("dd", "lo", "hi"))
    if "ulo" in names:
        pairs.append(("uu", "ulo", "uhi"))
    if "vlo" in names:
        pairs.append(("vv", "vlo", "vhi"))
    if kw.get("tied") is None:
        kw["tied"] = tuple((n, n) for n, _c in defs if n in {u for u, _c2 in uses})
    return _row(name, llvm, asm, defs, uses, sem, rclass, _SLOTS.get(rclass, SLOTS_ANY),
                _LAT.get(rclass, 2), pairs=tuple(pairs), **kw)


def _sat(x: str, t: str, w: str) -> str:
    """x (at the wider type w) clamped to the range of lane type t, then narrowed."""
    dt = parse_dtype(_TYPES[t])
    return f"cast<{_TYPES[t]}>(min(max({x}, {dt.min}), {dt.max}))"


def _wide(x: str, t: str) -> str:
    return f"cast<{_WIDER[t]}>({x})"


def _acc(op: str, d: str, x: str, on: bool) -> str:
    return f"{op}({d}, {x})" if on else x


def _mk_rows():
    rows = []
    add = rows.append
    # Lane-wise arithmetic: (name, llvm, asm, pattern) per lane type; averages and absolute
    # differences are computed at twice the width (HVX PRM 80-N2040-44 "vavg": (u+v)>>1,
    # ":rnd" (u+v+1)>>1, "vnavg" (u-v)>>1, never wrapping).
    for t in ("ub", "b", "h", "uh", "w", "uw"):
        T, W = _TYPES[t], _WIDER[t]
        sfx = {"ub": "ub", "b": "b", "h": "h", "uh": "uh", "w": "w", "uw": "uw"}[t]
        s = f"cast<{W}>(u:{T}), cast<{W}>(v:{T})"
        add(_x(f"vavg{sfx}", f"V6_vavg{sfx}", f"{{d}}.{t} = vavg({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"cast<{T}>(shr(add({s}), 1))", "VA"))
        add(_x(f"vavg{sfx}rnd", f"V6_vavg{sfx}rnd", f"{{d}}.{t} = vavg({{u}}.{t},{{v}}.{t}):rnd", [_D],
               [_U, _V], f"cast<{T}>(shr(add(add({s}), 1), 1))", "VA"))
    for t, rt in (("ub", "b"), ("b", "b"), ("h", "h"), ("w", "w")):
        T, W = _TYPES[t], _WIDER[t]
        add(_x(f"vnavg{t}", f"V6_vnavg{t}", f"{{d}}.{rt} = vnavg({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"cast<{_TYPES[rt]}>(shr(sub(cast<{W}>(u:{T}), cast<{W}>(v:{T})), 1))", "VA"))
    for t, rt in (("ub", "ub"), ("h", "uh"), ("uh", "uh"), ("w", "uw")):
        T, W = _TYPES[t], _WIDER[t]
        add(_x(f"vabsdiff{t}", f"V6_vabsdiff{t}", f"{{d}}.{rt} = vabsdiff({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"cast<{_TYPES[rt]}>(abs(sub(cast<{W}>(u:{T}), cast<{W}>(v:{T}))))", "VX"))
    for t in ("b", "h", "w"):
        T, W = _TYPES[t], _WIDER[t]
        add(_x(f"vabs{t}_sat", f"V6_vabs{t}_sat", f"{{d}}.{t} = vabs({{u}}.{t}):sat", [_D], [_U],
               _sat(f"abs(cast<{W}>(u:{T}))", t, W), "VA"))
    add(_x("vabsb", "V6_vabsb", "{d}.b = vabs({u}.b)", [_D], [_U], "cast<i8>(abs(cast<i16>(u:i8)))", "VA"))
    add(_x("vsubbsat", "V6_vsubbsat", "{d}.b = vsub({u}.b,{v}.b):sat", [_D], [_U, _V], "sat_sub(u:i8, v:i8)", "VA"))
    add(_x("vadduwsat", "V6_vadduwsat", "{d}.uw = vadd({u}.uw,{v}.uw):sat", [_D], [_U, _V],
           "sat_add(u:u32, v:u32)", "VA"))
    add(_x("vsubuwsat", "V6_vsubuwsat", "{d}.uw = vsub({u}.uw,{v}.uw):sat", [_D], [_U, _V],
           "sat_sub(u:u32, v:u32)", "VA"))
    add(_x("vaddububb_sat", "V6_vaddububb_sat", "{d}.ub = vadd({u}.ub,{v}.b):sat", [_D], [_U, _V],
           _sat("add(cast<i16>(u:u8), cast<i16>(v:i8))", "ub", "i16"), "VA"))
    add(_x("vlsrb", "V6_vlsrb", "{d}.ub = vlsr({u}.ub,{t})", [_D], [_U, _T], "shr(u:u8, t:u8)", "VS", note="t < 8"))
    add(_x("vassign", "V6_vassign", "{d} = {u}", [_D], [_U], "d.b[i] = u.b[i]", "VA"))
    add(_x("vcombine", "V6_vcombine", "{dd} = vcombine({u},{v})", list(_PAIR_D), [_U, _V],
           "lo.b[i] = v.b[i]; hi.b[i] = u.b[i]", "VA_DV"))
    add(_x("vswap", "V6_vswap", "{dd} = vswap({q},{u},{v})", list(_PAIR_D), [_Q, _U, _V],
           "lo.b[i] = where(q.q[i], u.b[i], v.b[i]); hi.b[i] = where(q.q[i], v.b[i], u.b[i])", "VA_DV"))
    add(_x("vsplatb", "V6_lvsplatb", "{d}.b = vsplat({t})", [_D], [_T], "d.b[i] = t.b[0]", "VX"))
    add(_x("vsplath", "V6_lvsplath", "{d}.h = vsplat({t})", [_D], [_T], "d.h[i] = t.h[0]", "VX"))
    add(_x("vlaligni", "V6_vlalignbi", "{d} = vlalign({u},{v},#{imm})", [_D], [_U, _V],
           "d.b[i] = v.b[i+128-imm]; d.b[i+imm] = u.b[i]", "VP", imms=("imm",)))
    # Compares accumulated into a predicate (Qx &= / |= / ^= vcmp...): byte i of the
    # predicate is the compare of the lane holding byte i.
    for t in ("b", "ub", "h", "uh", "w", "uw"):
        k = {"b": 1, "ub": 1, "h": 2, "uh": 2, "w": 4, "uw": 4}[t]
        cmps = [("gt", f"lt(v.{t}[i//{k}], u.{t}[i//{k}])")]
        if not t.startswith("u"):
            cmps.append(("eq", f"eq(u.{t}[i//{k}], v.{t}[i//{k}])"))
        for cmp, term in cmps:
            for acc, sym in (("and", "&="), ("or", "|="), ("xor", "^=")):
                add(_x(f"v{cmp}{t}_{acc}", f"V6_v{cmp}{t}_{acc}", f"{{d}} {sym} vcmp.{cmp}({{u}}.{t},{{v}}.{t})",
                       [("d", "Q")], [("d", "Q"), _U, _V], f"d.q[i] = {acc}(d.q[i], {term})", "VA"))
    add(_x("vandqrt", "V6_vandqrt", "{d} = vand({q},{t})", [_D], [_Q, _T],
           "d.ub[i] = where(q.q[i], t.ub[i%4], 0)", "VX"))
    add(_x("vandqrt_acc", "V6_vandqrt_acc", "{d} |= vand({q},{t})", [_D], [_D, _Q, _T],
           "d.ub[i] = or(d.ub[i], where(q.q[i], t.ub[i%4], 0))", "VX"))
    add(_x("vandvrt", "V6_vandvrt", "{d} = vand({u},{t})", [("d", "Q")], [_U, _T],
           "d.q[i] = ne(and(u.ub[i], t.ub[i%4]), 0)", "VX"))
    add(_x("vandvrt_acc", "V6_vandvrt_acc", "{d} |= vand({u},{t})", [("d", "Q")], [("d", "Q"), _U, _T],
           "d.q[i] = or(d.q[i], ne(and(u.ub[i], t.ub[i%4]), 0))", "VX"))
    # Widening add/sub and multiplies into pairs: even lanes to the low vector, odd lanes to
    # the high one (PRM "Vdd.h = vadd(Vu.ub,Vv.ub)", "vmpy").
    # They take both multipliers (CVI_VX_DV), not a pair of ALU units: llvm-mc rejects
    # them beside any multiply (tests/test_hexagon_isa_qemu.py, the packet probes).
    for op, nm, t, r, s, rc in (("add", "vaddubh", "ub", "h", "u", "VX_DV"), ("add", "vadduhw", "uh", "w", "u", "VX_DV"),
                                ("add", "vaddhw", "h", "w", "", "VX_DV"), ("sub", "vsububh", "ub", "h", "u", "VX_DV"),
                                ("sub", "vsubuhw", "uh", "w", "u", "VX_DV"), ("sub", "vsubhw", "h", "w", "", "VX_DV")):
        R = _TYPES[r]
        for acc in (False, True) if op == "add" else (False,):
            body = lambda j: f"{op}(cast<{R}>(u.{t}[2i+{j}]), cast<{R}>(v.{t}[2i+{j}]))"
            asm = f"{{dd}}.{r} {'+=' if acc else '='} v{op}({{u}}.{t},{{v}}.{t})"
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""), asm, list(_PAIR_D),
                   (list(_PAIR_D) if acc else []) + [_U, _V],
                   f"lo.{r}[i] = {_acc('add', f'lo.{r}[i]', body(0), acc)}; hi.{r}[i] = {_acc('add', f'hi.{r}[i]', body(1), acc)}",
                   "VX_DV" if acc else rc))
    for nm, r, ta, tb in (("vmpybv", "h", "b", "b"), ("vmpyubv", "uh", "ub", "ub"), ("vmpybusv", "h", "ub", "b"),
                          ("vmpyhv", "w", "h", "h"), ("vmpyuhv", "uw", "uh", "uh"), ("vmpyhus", "w", "h", "uh")):
        R = _TYPES[r]
        for acc in (False, True):
            body = lambda j: f"mul(cast<{R}>(u.{ta}[2i+{j}]), cast<{R}>(v.{tb}[2i+{j}]))"
            asm = f"{{dd}}.{r} {'+=' if acc else '='} vmpy({{u}}.{ta},{{v}}.{tb})"
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""), asm, list(_PAIR_D),
                   (list(_PAIR_D) if acc else []) + [_U, _V],
                   f"lo.{r}[i] = {_acc('add', f'lo.{r}[i]', body(0), acc)}; hi.{r}[i] = {_acc('add', f'hi.{r}[i]', body(1), acc)}",
                   "VX_DV"))
    # By a scalar: lane j multiplies Rt's lane j mod (4 bytes / 2 halves).
    for nm, r, ta, tb, k, accop in (("vmpyub", "uh", "ub", "ub", 4, "add"), ("vmpybus", "h", "ub", "b", 4, "add"),
                                    ("vmpyh", "w", "h", "h", 2, None), ("vmpyuh", "uw", "uh", "uh", 2, "add")):
        R = _TYPES[r]
        for acc in (False, True) if accop else (False,):
            body = lambda j: f"mul(cast<{R}>(u.{ta}[2i+{j}]), cast<{R}>(t.{tb}[(2i+{j})%{k}]))"
            asm = f"{{dd}}.{r} {'+=' if acc else '='} vmpy({{u}}.{ta},{{t}}.{tb})"
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""), asm, list(_PAIR_D),
                   (list(_PAIR_D) if acc else []) + [_U, _T],
                   f"lo.{r}[i] = {_acc('add', f'lo.{r}[i]', body(0), acc)}; hi.{r}[i] = {_acc('add', f'hi.{r}[i]', body(1), acc)}",
                   "VX_DV"))
    body = lambda j: f"mul(cast<i32>(u.h[2i+{j}]), cast<i32>(t.h[{j}]))"
    add(_x("vmpyhsat_acc", "V6_vmpyhsat_acc", "{dd}.w += vmpy({u}.h,{t}.h):sat", list(_PAIR_D), list(_PAIR_D) + [_U, _T],
           f"lo.w[i] = sat_add(lo.w[i], {body(0)}); hi.w[i] = sat_add(hi.w[i], {body(1)})", "VX_DV"))
    # vmpyi: the low bits of lane products (no widening).
    for nm, asm, term, rc, accs in (
            # Word-by-half products take both multipliers (llvm-mc: none beside another multiply).
            ("vmpyiwh", "{d}.w {op} vmpyi({u}.w,{t}.h)", "mul(u.w[i], cast<i32>(t.h[i%2]))", "VX_DV", (False, True)),
            ("vmpyiwub", "{d}.w {op} vmpyi({u}.w,{t}.ub)", "mul(u.w[i], cast<i32>(t.ub[i%4]))", "VX", (False, True)),
            # The product lands in the upper half (<< 16): QEMU disagreed with the plain product.
            ("vmpyieoh", "{d}.w {op} vmpyieo({u}.h,{v}.h)",
             "cast<i32>(shl(mul(cast<i64>(u.h[2i]), cast<i64>(v.h[2i+1])), 16))", "VX", (False,)),
            ("vmpyiewuh", "{d}.w {op} vmpyie({u}.w,{v}.uh)", "mul(u.w[i], cast<i32>(v.uh[2i]))", "VX_DV", (False, True)),
            ("vmpyiowh", "{d}.w {op} vmpyio({u}.w,{v}.h)", "mul(u.w[i], cast<i32>(v.h[2i+1]))", "VX_DV", (False,)),
            ("vmpyih", "{d}.h {op} vmpyi({u}.h,{v}.h)", "mul(u.h[i], v.h[i])", "VX_DV", (True,)),
            ("vmpyihb", "{d}.h {op} vmpyi({u}.h,{t}.b)", "mul(u.h[i], cast<i16>(t.b[i%4]))", "VX", (True,)),
            ("vmpyiwb", "{d}.w {op} vmpyi({u}.w,{t}.b)", "mul(u.w[i], cast<i32>(t.b[i%4]))", "VX", (True,))):
        uses = [_U, _T] if "{t}" in asm else [_U, _V]
        for acc in accs:
            r = "h" if "{d}.h" in asm else "w"
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""), asm.replace("{op}", "+=" if acc else "="),
                   [_D], ([_D] if acc else []) + uses, f"d.{r}[i] = {_acc('add', f'd.{r}[i]', term, acc)}", rc))
    # vdmpy: two adjacent products summed (Rt lanes by lane position, as vmpy).
    # The saturating half-by-half forms take both multipliers (llvm-mc's packet verdicts).
    for nm, asm, r, ta, tb, k, sat, accs in (
            ("vdmpybus", "{d}.h {op} vdmpy({u}.ub,{t}.b)", "h", "ub", "b", 4, False, (False, True)),
            ("vdmpyhb", "{d}.w {op} vdmpy({u}.h,{t}.b)", "w", "h", "b", 4, False, (False, True)),
            ("vdmpyhsat", "{d}.w {op} vdmpy({u}.h,{t}.h):sat", "w", "h", "h", 2, True, (False, True)),
            ("vdmpyhsusat", "{d}.w {op} vdmpy({u}.h,{t}.uh):sat", "w", "h", "uh", 2, True, (False,))):
        R = "i64" if sat else _TYPES[r]
        prods = [f"mul(cast<{R}>(u.{ta}[2i+{j}]), cast<{R}>(t.{tb}[(2i+{j})%{k}]))" for j in (0, 1)]
        for acc in accs:
            total = f"add({prods[0]}, {prods[1]})"
            if acc:
                total = f"add({'cast<i64>(d.w[i])' if sat else f'd.{r}[i]'}, {total})"
            if sat:
                total = _sat(total, r, "i64")
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""),
                   asm.replace("{op}", "+=" if acc else "="), [_D], ([_D] if acc else []) + [_U, _T],
                   f"d.{r}[i] = {total}", "VX_DV" if tb in ("h", "uh") else "VX"))
    prods = [f"mul(cast<i64>(u.h[2i+{j}]), cast<i64>(v.h[2i+{j}]))" for j in (0, 1)]
    add(_x("vdmpyhvsat", "V6_vdmpyhvsat", "{d}.w = vdmpy({u}.h,{v}.h):sat", [_D], [_U, _V],
           f"d.w[i] = {_sat(f'add({prods[0]}, {prods[1]})', 'w', 'i64')}", "VX_DV"))
    # vdmpy of a pair and vmpa: the high result pairs the odd byte of v0 with the even of v1
    # (HVX PRM "vdmpy" / "vmpa" figures).
    for acc in (False, True):
        lo = "add(mul(cast<i16>(uu.ub[2i]), cast<i16>(t.b[(2i)%4])), mul(cast<i16>(uu.ub[2i+1]), cast<i16>(t.b[(2i+1)%4])))"
        hi = "add(mul(cast<i16>(uu.ub[2i+1]), cast<i16>(t.b[(2i)%4])), mul(cast<i16>(uu.ub[2i+128]), cast<i16>(t.b[(2i+1)%4])))"
        add(_x("vdmpybus_dv" + ("_acc" if acc else ""), "V6_vdmpybus_dv" + ("_acc" if acc else ""),
               f"{{dd}}.h {'+=' if acc else '='} vdmpy({{uu}}.ub,{{t}}.b)", list(_PAIR_D),
               (list(_PAIR_D) if acc else []) + list(_PAIR_U) + [_T],
               f"lo.h[i] = {_acc('add', 'lo.h[i]', lo, acc)}; hi.h[i] = {_acc('add', 'hi.h[i]', hi, acc)}", "VX_DV"))
    for nm, r, ta, k, accs in (("vmpabus", "h", "ub", 1, (False, True)), ("vmpahb", "w", "h", 2, (False, True))):
        R = _TYPES[r]
        n = 128 // k
        for acc in accs:
            lo = f"add(mul(cast<{R}>(uu.{ta}[2i]), cast<{R}>(t.b[0])), mul(cast<{R}>(uu.{ta}[2i+{n}]), cast<{R}>(t.b[1])))"
            hi = f"add(mul(cast<{R}>(uu.{ta}[2i+1]), cast<{R}>(t.b[2])), mul(cast<{R}>(uu.{ta}[2i+{n + 1}]), cast<{R}>(t.b[3])))"
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""),
                   f"{{dd}}.{r} {'+=' if acc else '='} vmpa({{uu}}.{ta},{{t}}.b)", list(_PAIR_D),
                   (list(_PAIR_D) if acc else []) + list(_PAIR_U) + [_T],
                   f"lo.{r}[i] = {_acc('add', f'lo.{r}[i]', lo, acc)}; hi.{r}[i] = {_acc('add', f'hi.{r}[i]', hi, acc)}", "VX_DV"))
    lo = "add(mul(cast<i16>(uu.ub[2i]), cast<i16>(vv.b[2i])), mul(cast<i16>(uu.ub[2i+128]), cast<i16>(vv.b[2i+128])))"
    hi = "add(mul(cast<i16>(uu.ub[2i+1]), cast<i16>(vv.b[2i+1])), mul(cast<i16>(uu.ub[2i+129]), cast<i16>(vv.b[2i+129])))"
    add(_x("vmpabusv", "V6_vmpabusv", "{dd}.h = vmpa({uu}.ub,{vv}.b)", list(_PAIR_D),
           list(_PAIR_U) + [("vlo", "V"), ("vhi", "V")], f"lo.h[i] = {lo}; hi.h[i] = {hi}", "VX_DV"))
    # vrmpy unsigned forms: four byte products summed into an unsigned word.
    # (row names: "vrmpyubv" above is LLVM's V6_vrmpybusv, ub x b; V6_vrmpyubv is "vrmpyubv_uw")
    for nm, llvm, b, asm in (("vrmpyub", "V6_vrmpyub", "t.ub[{q}]", "{d}.uw {op} vrmpy({u}.ub,{t}.ub)"),
                             ("vrmpyubv_uw", "V6_vrmpyubv", "v.ub[4i+{q}]", "{d}.uw {op} vrmpy({u}.ub,{v}.ub)")):
        terms = [f"mul(cast<u32>(u.ub[4i+{q}]), cast<u32>({b.format(q=q)}))" for q in range(4)]
        total = f"add(add({terms[0]}, {terms[1]}), add({terms[2]}, {terms[3]}))"
        for acc in (False, True):
            add(_x(nm + ("_acc" if acc else ""), llvm + ("_acc" if acc else ""), asm.replace("{op}", "+=" if acc else "="),
                   [_D], ([_D] if acc else []) + [_U, _T if "{t}" in asm else _V],
                   f"d.uw[i] = {_acc('add', 'd.uw[i]', total, acc)}", "VX_DV" if acc and "{v}" in asm else "VX"))
    # vtmpy on bytes: the vtmpyhb pattern at half lanes.
    for nm, ta in (("vtmpyb", "b"), ("vtmpybus", "ub")):
        for acc in (False, True):
            lo = (f"add(add(mul(cast<i16>(uu.{ta}[2i]), cast<i16>(t.b[2*(i%2)])), mul(cast<i16>(uu.{ta}[2i+1]), "
                  f"cast<i16>(t.b[2*(i%2)+1]))), cast<i16>(uu.{ta}[2i+128]))")
            hi = (f"add(add(mul(cast<i16>(uu.{ta}[2i+1]), cast<i16>(t.b[2*(i%2)])), mul(cast<i16>(uu.{ta}[2i+128]), "
                  f"cast<i16>(t.b[2*(i%2)+1]))), cast<i16>(uu.{ta}[2i+129]))")
            add(_x(nm + ("_acc" if acc else ""), f"V6_{nm}" + ("_acc" if acc else ""),
                   f"{{dd}}.h {'+=' if acc else '='} vtmpy({{uu}}.{ta},{{t}}.b)", list(_PAIR_D),
                   (list(_PAIR_D) if acc else []) + list(_PAIR_U) + [_T],
                   f"lo.h[i] = {_acc('add', 'lo.h[i]', lo, acc)}; hi.h[i] = {_acc('add', 'hi.h[i]', hi, acc)}", "VX_DV"))
    # Unpacks (natural order: the low half of u widens into lo), packs and saturations.
    for t, r in (("ub", "uh"), ("b", "h"), ("uh", "uw"), ("h", "w")):
        n = 64 if t in ("ub", "b") else 32
        add(_x(f"vunpack{t}", f"V6_vunpack{t}", f"{{dd}}.{r} = vunpack({{u}}.{t})", list(_PAIR_D), [_U],
               f"lo.{r}[i] = cast<{_TYPES[r]}>(u.{t}[i]); hi.{r}[i] = cast<{_TYPES[r]}>(u.{t}[i+{n}])", "VP_VS"))
    add(_x("vpackob", "V6_vpackob", "{d}.b = vpacko({u}.h,{v}.h)", [_D], [_U, _V],
           "d.b[i] = v.b[2i+1]; d.b[i+64] = u.b[2i+1]", "VP"))
    add(_x("vpackoh", "V6_vpackoh", "{d}.h = vpacko({u}.w,{v}.w)", [_D], [_U, _V],
           "d.h[i] = v.h[2i+1]; d.h[i+32] = u.h[2i+1]", "VP"))
    add(_x("vpackhb_sat", "V6_vpackhb_sat", "{d}.b = vpack({u}.h,{v}.h):sat", [_D], [_U, _V],
           "d.b[i] = hvx.vsat_bh(v.h[i]); d.b[i+64] = hvx.vsat_bh(u.h[i])", "VP"))
    add(_x("vpackwuh_sat", "V6_vpackwuh_sat", "{d}.uh = vpack({u}.w,{v}.w):sat", [_D], [_U, _V],
           f"d.uh[i] = {_sat('v.w[i]', 'uh', 'i32')}; d.uh[i+32] = {_sat('u.w[i]', 'uh', 'i32')}", "VP"))
    add(_x("vsatwh", "V6_vsatwh", "{d}.h = vsat({u}.w,{v}.w)", [_D], [_U, _V],
           "d.h[2i] = hvx.vsat_hw(v.w[i]); d.h[2i+1] = hvx.vsat_hw(u.w[i])", "VA"))
    add(_x("vsathub", "V6_vsathub", "{d}.ub = vsat({u}.h,{v}.h)", [_D], [_U, _V],
           "d.ub[2i] = hvx.vsat_ubh(v.h[i]); d.ub[2i+1] = hvx.vsat_ubh(u.h[i])", "VA"))
    for nm, t, r, half in (("vroundwh", "w", "h", 0x8000), ("vroundwuh", "w", "uh", 0x8000),
                           ("vroundhb", "h", "b", 0x80), ("vroundhub", "h", "ub", 0x80)):
        W, sh = _WIDER[t], 16 if t == "w" else 8
        e = lambda x: _sat(f"shr(add(cast<{W}>({x}), {half}), {sh})", r, W)
        add(_x(nm, f"V6_{nm}", f"{{d}}.{r} = vround({{u}}.{t},{{v}}.{t}):sat", [_D], [_U, _V],
               f"d.{r}[2i] = {e(f'v.{t}[i]')}; d.{r}[2i+1] = {e(f'u.{t}[i]')}", "VS"))
    # Narrowing shifts: v's lanes to the even results, u's to the odd (PRM "vasr" narrowing).
    for nm, t, r, rnd, sat, bits in (("vasrwh", "w", "h", False, False, 16), ("vasrwhsat", "w", "h", False, True, 16),
                                     ("vasrwhrndsat", "w", "h", True, True, 16), ("vasrwuhsat", "w", "uh", False, True, 16),
                                     ("vasrhubsat", "h", "ub", False, True, 8), ("vasrhubrndsat", "h", "ub", True, True, 8),
                                     ("vasrhbrndsat", "h", "b", True, True, 8)):
        W = _WIDER[t]
        tt = f"cast<{W}>(t:i32)"

        def e(x, W=W, tt=tt, rnd=rnd, sat=sat, r=r):
            x = f"cast<{W}>({x})"
            y = f"shr(add({x}, shr(shl(1, {tt}), 1)), {tt})" if rnd else f"shr({x}, {tt})"
            return _sat(y, r, W) if sat else f"cast<{_TYPES[r]}>({y})"
        sfx = (":rnd" if rnd else "") + (":sat" if sat else "")
        add(_x(nm, f"V6_{nm}", f"{{d}}.{r} = vasr({{u}}.{t},{{v}}.{t},{{t}}){sfx}", [_D], [_U, _V, ("t", "R8")],
               f"d.{r}[2i] = {e(f'v.{t}[i]')}; d.{r}[2i+1] = {e(f'u.{t}[i]')}", "VS", note=f"t < {bits}"))
    # Shuffles and deals within one vector or of the even/odd lanes of two.
    for t, n in (("b", 64), ("h", 32)):
        add(_x(f"vshuff{t}", f"V6_vshuff{t}", f"{{d}}.{t} = vshuff({{u}}.{t})", [_D], [_U],
               f"d.{t}[2i] = u.{t}[i]; d.{t}[2i+1] = u.{t}[i+{n}]", "VP"))
        add(_x(f"vdeal{t}", f"V6_vdeal{t}", f"{{d}}.{t} = vdeal({{u}}.{t})", [_D], [_U],
               f"d.{t}[i] = u.{t}[2i]; d.{t}[i+{n}] = u.{t}[2i+1]", "VP"))
    for t in ("b", "h"):
        llvm_t = {"b": "b", "h": "h"}[t]
        add(_x(f"vshuffe{t}" if t == "b" else "vshuffeh_", f"V6_vshufe{llvm_t}", f"{{d}}.{t} = vshuffe({{u}}.{t},{{v}}.{t})",
               [_D], [_U, _V], f"d.{t}[2i] = v.{t}[2i]; d.{t}[2i+1] = u.{t}[2i]", "VA")) if t == "b" else None
        add(_x(f"vshuffo{t}", f"V6_vshufo{llvm_t}", f"{{d}}.{t} = vshuffo({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"d.{t}[2i] = v.{t}[2i+1]; d.{t}[2i+1] = u.{t}[2i+1]", "VA"))
        add(_x(f"vshuffoe{t}", f"V6_vshufoe{llvm_t}", f"{{dd}}.{t} = vshuffoe({{u}}.{t},{{v}}.{t})", list(_PAIR_D), [_U, _V],
               f"lo.{t}[2i] = v.{t}[2i]; lo.{t}[2i+1] = u.{t}[2i]; hi.{t}[2i] = v.{t}[2i+1]; hi.{t}[2i+1] = u.{t}[2i+1]",
               "VA_DV"))
    # v's bytes 0 of each word, then v's bytes 2, then u's (QEMU disagreed with v/u alternating).
    add(_x("vdealb4w", "V6_vdealb4w", "{d}.b = vdeale({u}.b,{v}.b)", [_D], [_U, _V],
           "d.b[i] = v.b[4i]; d.b[i+32] = v.b[4i+2]; d.b[i+64] = u.b[4i]; d.b[i+96] = u.b[4i+2]", "VP"))
    # vdelta / vrdelta: a Benes network of 7 stages whose switch at byte j of stage `off`
    # is bit `off` of control byte v.ub[j] (QEMU ext.idef: tmp = Vu; per stage d.ub[k] =
    # (Vv.ub[k] & off) ? tmp.ub[k ^ off] : tmp.ub[k]; vdelta from off = 64 down to 1,
    # vrdelta from 1 up). The positions are static, so each output byte is a term of 127
    # `where`s over 128 input bytes.
    for nm, offs in (("vdelta", (64, 32, 16, 8, 4, 2, 1)), ("vrdelta", (1, 2, 4, 8, 16, 32, 64))):
        add(_x(nm, f"V6_{nm}", f"{{d}} = {nm}({{u}},{{v}})", [_D], [_U, _V], f"d.b[i] = {_benes('i', offs)}", "VP"))
    # Table lookups (QEMU ext.idef V6_vlutvvb / V6_vlutvwh, 128-byte vectors): byte lane i
    # looks up entry u.ub[i] mod 64 (vlut32: bytes, half `oddhalf` = bit 1 of Rt of the
    # half-words of v) where its top three bits equal Rt's low three, else 0; vlut16 the same
    # with 32 word entries, four matched bits, into a pair (even bytes low). The entry is
    # data, so it is chosen through a `where` tree over the index bits.
    m32 = "eq(and(cast<i32>(u.ub[i]), 224), shl(and(t:i32, 7), 5))"
    add(_x("vlut32", "V6_vlutvvb", "{d}.b = vlut32({u}.b,{v}.b,{t})", [_D], [_U, _V, ("t", "R8")],
           f"d.b[i] = where({m32}, {_select('u.ub[i]', 6, lambda j: f'v.b[2*{j}+(t>>1)%2]')}, 0)", "VP"))
    m16 = lambda at: f"eq(and(cast<i32>(u.ub[{at}]), 240), shl(and(t:i32, 15), 4))"
    sel = lambda at: _select(f"u.ub[{at}]", 5, lambda j: f"v.h[2*{j}+(t>>1)%2]")
    add(_x("vlut16", "V6_vlutvwh", "{dd}.h = vlut16({u}.b,{v}.h,{t})", list(_PAIR_D), [_U, _V, ("t", "R8")],
           f"lo.h[i] = where({m16('2i')}, {sel('2i')}, 0); hi.h[i] = where({m16('2i+1')}, {sel('2i+1')}, 0)",
           "VP_VS"))
    return tuple(r for r in rows if r is not None)


def _select(index: str, bits: int, leaf, base: int = 0) -> str:
    """Entry `index mod 2**bits` of the leaves leaf(0..2**bits-1), as a `where` tree."""
    if bits == 0:
        return leaf(base)
    half = 1 << (bits - 1)
    return (f"where(ne(and({index}, {half}), 0), {_select(index, bits - 1, leaf, base + half)}, "
            f"{_select(index, bits - 1, leaf, base)})")


def _benes(at: str, offs: tuple[int, ...]) -> str:
    """Byte `at` after the network stages `offs` (the last one outermost) applied to u."""
    if not offs:
        return f"u.b[{at}]"
    off = offs[-1]
    return (f"where(ne(and(v.ub[{at}], {off}), 0), {_benes(f'({at})^{off}', offs[:-1])}, "
            f"{_benes(at, offs[:-1])})")


ROWS = ROWS + _mk_rows()

INSNS: dict[str, InsnDesc] = {r.name: r for r in ROWS}
assert len(INSNS) == len(ROWS), "ISA row names are unique"


@dataclass(frozen=True)
class MachineModel:
    """What a scheduler (greedy here, a global solver later) needs: the rows, the packet
    limits, and the register files."""

    insns: dict = field(default_factory=lambda: dict(INSNS))
    max_insns: int = 4
    max_words: int = 4
    slots: tuple[int, ...] = (0, 1, 2, 3)
    hvx_resources: tuple[str, ...] = HVX_RESOURCES
    vector_bytes: int = 128
    vector_registers: int = 32
    scalar_registers: int = 32
    predicate_registers: int = 4  # q0-q3
    # r0-r5 carry the buffer pointers, r29-r31 are sp/fp/lr; r16-r27 are callee-saved (we
    # never touch them, so nothing needs saving). r28 is a caller-saved temporary.
    free_scalar: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 28)
    arg_registers: tuple[int, ...] = (0, 1, 2, 3, 4, 5)


MODEL = MachineModel()


def hexagon_target() -> TargetDesc:
    """Hexagon v66 with HVX in 128-byte mode: 32 vector registers of 128 bytes (V0..V31) and
    32 general registers (R0..R31), per the Hexagon V66 HVX Programmer's Reference Manual.
    The triple is the bare-metal one: our runtime (rewriter/runtime/hexagon.py) links a
    freestanding image with no libc. The one description of the machine for the lowering
    and for the LLVM baseline (`backends/hexagon_llvm.py`)."""
    return TargetDesc("hexagon", 128, 32, 32, triple="hexagon-unknown-elf", cpu="hexagonv66",
                      features="+hvxv66,+hvx-length128b")
