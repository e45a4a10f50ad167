"""The HVX rows beyond the ones the selector started from: per row its assembly, operands,
resources and meaning (lane-wise or lane equations), every one executed on qemu-hexagon
against that meaning by tests/test_hexagon_isa_qemu.py. `isa.py` joins them to its own rows
into the machine model; its docstring says where the facts come from."""
from __future__ import annotations

from rewriter.backends.hexagon.insn_desc import SLOTS_23, SLOTS_ANY, _D, _U, _V, _row
from rewriter.ir.dtype import parse_dtype

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
    # abs at i8 wraps at -128 as the op table's abs does (-128 stays -128): the selector's row
    # for abs at i8 (V6_vabsb, HVX v65+; Q6_Vb_vabs_Vb, CVI_VA, slots 0-3).
    add(_x("vabsb", "V6_vabsb", "{d}.b = vabs({u}.b)", [_D], [_U], "abs(u:i8)", "VA", lanewise=True))
    # Leading zeros (V6_vcl0w / V6_vcl0h, HVX v60, CVI_VS: hvx_hexagon_protos.h): integer log2.
    add(_x("vcl0w", "V6_vcl0w", "{d}.uw = vcl0({u}.uw)", [_D], [_U], "hvx.cl0_w(u:u32)", "VS", lanewise=True))
    add(_x("vcl0h", "V6_vcl0h", "{d}.uh = vcl0({u}.uh)", [_D], [_U], "hvx.cl0_h(u:u16)", "VS", lanewise=True))
    add(_x("vsubbsat", "V6_vsubbsat", "{d}.b = vsub({u}.b,{v}.b):sat", [_D], [_U, _V], "sat_sub(u:i8, v:i8)", "VA"))
    add(_x("vadduwsat", "V6_vadduwsat", "{d}.uw = vadd({u}.uw,{v}.uw):sat", [_D], [_U, _V],
           "sat_add(u:u32, v:u32)", "VA"))
    add(_x("vsubuwsat", "V6_vsubuwsat", "{d}.uw = vsub({u}.uw,{v}.uw):sat", [_D], [_U, _V],
           "sat_sub(u:u32, v:u32)", "VA"))
    add(_x("vaddububb_sat", "V6_vaddububb_sat", "{d}.ub = vadd({u}.ub,{v}.b):sat", [_D], [_U, _V],
           _sat("add(cast<i16>(u:u8), cast<i16>(v:i8))", "ub", "i16"), "VA"))
    # The one byte shift HVX has (V6_vlsrb, v62+): the selector's row for shr at u8 by a constant.
    add(_x("vlsrb", "V6_vlsrb", "{d}.ub = vlsr({u}.ub,{t})", [_D], [_U, _T], "shr(u:u8, t:u8)", "VS", note="t < 8",
           lanewise=True))
    # Shifts by a vector of amounts, per lane (V6_vaslhv .. V6_vlsrwv, CVI_VS; Halide selects
    # them for shl/shr of vectors by vectors). An amount outside [0, bits) shifts the other way
    # (QEMU ext.idef: fBIDIR_*SHIFT of the amount's low 5/6 bits, sign-extended), where the op
    # table's shift is poison: they are tested with amounts in range (the note's bound, read
    # by rewriter/runtime/hexagon_isa.py). The selector takes them where a shift's amount is
    # not a constant (rowtables.lane_row).
    for t, T in (("h", "i16"), ("w", "i32")):
        U = {"i16": "u16", "i32": "u32"}[T]
        add(_x(f"vasl{t}v", f"V6_vasl{t}v", f"{{d}}.{t} = vasl({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"shl(u:{T}, v:{T})", "VS", lanewise=True, note=f"v < {T[1:]}"))
        add(_x(f"vasr{t}v", f"V6_vasr{t}v", f"{{d}}.{t} = vasr({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"shr(u:{T}, v:{T})", "VS", lanewise=True, note=f"v < {T[1:]}"))
        add(_x(f"vlsr{t}v", f"V6_vlsr{t}v", f"{{d}}.{t} = vlsr({{u}}.{t},{{v}}.{t})", [_D], [_U, _V],
               f"shr(u:{U}, v:{U})", "VS", lanewise=True, note=f"v < {T[1:]}"))
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
    # The full 64-bit product of words in two steps (v62+), as LLVM lowers mulhs of HVX words
    # (HexagonISelLoweringHVX.cpp, MulHS_V62): vmpye gives u * v.uh[2i] (48 bits) as a 64-bit
    # value shifted left by 16 (hi = prod >> 16, lo = prod << 16); the accumulating vmpyo adds
    # u * v.h[2i+1] to hi and moves lo's high half down (Hexagon V66 HVX PRM, "vmpye"/"vmpyo"
    # 64-bit forms; the lanes as QEMU computes them). After both, hi is the high word of the
    # signed product and lo its low word (wordmul.py).
    prod = "mul(cast<i64>(u.w[i]), cast<i64>(v.uh[2i]))"
    add(_x("vmpyewuh_64", "V6_vmpyewuh_64", "{dd} = vmpye({u}.w,{v}.uh)", list(_PAIR_D), [_U, _V],
           f"lo.w[i] = cast<i32>(shl({prod}, 16)); hi.w[i] = cast<i32>(shr({prod}, 16))", "VX_DV"))
    acc = "add(mul(cast<i64>(u.w[i]), cast<i64>(v.h[2i+1])), cast<i64>(hi.w[i]))"
    add(_x("vmpyowh_64_acc", "V6_vmpyowh_64_acc", "{dd} += vmpyo({u}.w,{v}.h)", list(_PAIR_D), list(_PAIR_D) + [_U, _V],
           f"hi.w[i] = cast<i32>(shr({acc}, 16)); lo.h[2i] = lo.h[2i+1]; lo.h[2i+1] = cast<i16>({acc})", "VX_DV"))
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


HVX_ROWS = _mk_rows()
