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

from dataclasses import dataclass, field

from rewriter.backends.hexagon.hvx_rows import HVX_ROWS
from rewriter.backends.hexagon.insn_desc import (
    HVX_RESOURCES, SLOTS_2, SLOTS_3, SLOTS_23, SLOTS_ANY, SLOTS_MEM, SLOTS_ST, InsnDesc, _D, _row, _U, _V,
)
from rewriter.lower.target import TargetDesc


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
    _row("memw_st", "S2_storeri_io", "memw({p}+#{off}) = {u}", [], [("p", "R"), ("u", "R")],
         "the word at p + off (off a multiple of 4) = u", "NONE", SLOTS_MEM, 1, imms=("off",),
         side_effect="store", note="two stores, or a store and a load, share a packet (llvm-mc)"),
    # Single-precision floats on the scalar core (scalar.py): IEEE binary32, round to
    # nearest even, one rounding per instruction (Hexagon V66 Programmer's Reference Manual
    # 80-N2040-45, "XTYPE/FP"). llvm-mc places every one of them in slot 2 or 3 only ("can
    # utilize slots: 2, 3": LLVM's HexagonDepIICScalar.td itineraries). Their meanings are
    # op-table patterns over one value per register (`lanewise=False`: the HVX selector's
    # table is vectors); tests/test_hexagon_scalar_isa_qemu.py runs each on QEMU against it.
    # The latency is the model's approximation (QEMU's packet counts do not depend on it).
    # No sfmin/sfmax: they return the number where one operand is NaN, the op table's
    # min/max (`b < a ? b : a`) does not, so min/max are sfcmp.gt + mux (scalar.py).
    _row("sfadd", "F2_sfadd", "{d} = sfadd({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "add(u:f32, v:f32)", "NONE", SLOTS_23, 2, lanewise=False),
    _row("sfsub", "F2_sfsub", "{d} = sfsub({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "sub(u:f32, v:f32)", "NONE", SLOTS_23, 2, lanewise=False),
    _row("sfmpy", "F2_sfmpy", "{d} = sfmpy({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "mul(u:f32, v:f32)", "NONE", SLOTS_23, 2, lanewise=False),
    # Integer words to single precision, rounded to nearest even like the op table's cast
    # (the USR rounding mode's default; V66 PRM "XTYPE/FP", CONVERT_W2SF / CONVERT_UW2SF).
    _row("convert_w2sf", "F2_conv_w2sf", "{d} = convert_w2sf({u})", [("d", "R")], [("u", "R")],
         "cast<f32>(u:i32)", "NONE", SLOTS_23, 2, lanewise=False),
    _row("convert_uw2sf", "F2_conv_uw2sf", "{d} = convert_uw2sf({u})", [("d", "R")], [("u", "R")],
         "cast<f32>(u:u32)", "NONE", SLOTS_23, 2, lanewise=False),
    # Word arithmetic on the scalar core (the integer half of a mixed f32 kernel: scalar.py);
    # `sub(Rt,Rs)` is Rt - Rs.
    _row("addr", "A2_add", "{d} = add({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "add(u:i32, v:i32)", "NONE", SLOTS_ANY, 1, lanewise=False),
    _row("subr", "A2_sub", "{d} = sub({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "sub(u:i32, v:i32)", "NONE", SLOTS_ANY, 1, lanewise=False),
    _row("mpyi", "M2_mpyi", "{d} = mpyi({u},{v})", [("d", "R")], [("u", "R"), ("v", "R")],
         "mul(u:i32, v:i32)", "NONE", SLOTS_23, 2, lanewise=False),
    # u > v, false where either is NaN (an ordered compare): the op table's lt(v, u).
    _row("sfcmpgt", "F2_sfcmpgt", "{d} = sfcmp.gt({u},{v})", [("d", "P")], [("u", "R"), ("v", "R")],
         "lt(v:f32, u:f32)", "NONE", SLOTS_23, 1, lanewise=False),
    _row("mux", "C2_mux", "{d} = mux({p},{u},{v})", [("d", "R")], [("p", "P"), ("u", "R"), ("v", "R")],
         "where(p:bool, u:i32, v:i32)", "NONE", SLOTS_ANY, 1, lanewise=False, note="any 32-bit values"),
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


ROWS = ROWS + HVX_ROWS

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
    scalar_predicates: int = 4  # p0-p3 (caller-saved)
    # r0-r5 carry the buffer pointers, r29-r31 are sp/fp/lr; r16-r27 are callee-saved (we
    # never touch them, so nothing needs saving). r28 is a caller-saved temporary.
    free_scalar: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 28)
    arg_registers: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    # Callee-saved: used only where a function allows it (`MachineFunction.callee_saved`),
    # saved and restored in pairs by `emit.emit_asm`'s frame.
    callee_saved: tuple[int, ...] = tuple(range(16, 28))


MODEL = MachineModel()


def hexagon_target() -> TargetDesc:
    """Hexagon v66 with HVX in 128-byte mode: 32 vector registers of 128 bytes (V0..V31) and
    32 general registers (R0..R31), per the Hexagon V66 HVX Programmer's Reference Manual.
    The triple is the bare-metal one: our runtime (rewriter/runtime/hexagon.py) links a
    freestanding image with no libc. The one description of the machine for the lowering
    and for the LLVM baseline (`backends/hexagon_llvm.py`)."""
    return TargetDesc("hexagon", 128, 32, 32, triple="hexagon-unknown-elf", cpu="hexagonv66",
                      features="+hvxv66,+hvx-length128b")
