"""Every HVX row of the machine model (rewriter/backends/hexagon/isa.py) whose `sem` the op
table evaluates, run on qemu-hexagon against that meaning: random vectors and vectors of
edge lanes (0, 1, -1, MIN, MAX at the operand's lane width), all rows in one QEMU process
(rewriter/runtime/hexagon_isa.py)."""
from __future__ import annotations

import dataclasses
import re
import subprocess

import numpy as np
import pytest
import z3

from rewriter.backends.hexagon.emit import LLVM_MC
from rewriter.backends.hexagon.isa import INSNS, MODEL
from rewriter.backends.hexagon.lanesem import SemError, equations, has_meaning, lane_term, row_meaning
from rewriter.backends.hexagon.schedule import packet_fits
from rewriter.dsl.parser import parse_expr
from rewriter.dsl.typecheck import Typing, to_uop
from rewriter.errors import ToolchainError
from rewriter.ir.interp import interpret
from rewriter.ir.smt import Z3BVDomain
from rewriter.ir.uop import UOp, var
from rewriter.runtime import hexagon_isa
from rewriter.runtime.hexagon import find_toolchain


def _toolchain():
    try:
        return find_toolchain()
    except ToolchainError as e:
        pytest.skip(str(e))


def test_every_row_with_a_meaning_matches_qemu():
    n, bad = hexagon_isa.check_rows(trials=4, seed=1, toolchain=_toolchain())
    assert n >= 4 * 150
    assert bad == []


@pytest.mark.slow
def test_rows_match_qemu_many_seeds():
    tc = _toolchain()
    for seed in range(2, 8):
        _n, bad = hexagon_isa.check_rows(trials=8, seed=seed, toolchain=tc)
        assert bad == [], seed


def test_the_harness_catches_a_wrong_meaning():
    """A row whose meaning is wrong (vaddh stated as vsubh) disagrees with QEMU."""
    wrong = dataclasses.replace(INSNS["vaddh"], sem="sub(u:i16, v:i16)")
    _n, bad = hexagon_isa.check_rows([wrong], trials=2, toolchain=_toolchain())
    assert bad and bad[0].row == "vaddh"


def test_meanings_write_every_output_byte_once():
    rng = np.random.default_rng(0)
    rows = hexagon_isa.testable_rows()
    assert len(rows) >= 150
    for row in rows:
        case = hexagon_isa.make_cases([row], trials=1, seed=int(rng.integers(1 << 30)))[0]
        out = row_meaning(row, case.operands, case.imms)  # raises SemError on a gap or overlap
        assert set(out) == {n for n, _c in row.defs}


def test_an_equation_with_a_gap_is_refused():
    gap = dataclasses.replace(INSNS["vshuffeh"], sem="d.h[2i] = v.h[2i]")
    with pytest.raises(SemError):
        row_meaning(gap, {"u": np.zeros(128, np.uint8), "v": np.zeros(128, np.uint8)})


def test_memory_and_control_rows_are_prose():
    assert not has_meaning(INSNS["vmem_ld"]) and not has_meaning(INSNS["loop0"])


def test_no_row_passes_by_comparing_nothing():
    hexagon_isa.UNCOMPARED.clear()
    hexagon_isa.check_rows(trials=2, seed=9, toolchain=_toolchain())
    assert not {k: v for k, v in hexagon_isa.UNCOMPARED.items() if v}


def test_row_names_and_llvm_opcodes():
    """Each tested row names an LLVM opcode (V6_*), and the table covers every family the
    issue lists (widening multiplies, vavg/vnavg, vabsdiff, shuffles, packs...)."""
    rows = hexagon_isa.testable_rows()
    assert all(r.llvm.startswith("V6_") for r in rows)
    names = {r.name for r in rows}
    for family in ("vmpy", "vmpyi", "vmpa", "vdmpy", "vtmpy", "vrmpy", "vavg", "vnavg", "vabsdiff", "vshuff",
                   "vdeal", "vpack", "vunpack", "vround", "vasr", "vsat", "valign", "vlalign", "vmux", "vswap", "vlut",
                   "vdelta", "vrdelta", "vgt", "veq", "vmin", "vmax"):
        assert any(n.startswith(family) for n in names), family


def _z3_equal(a, b) -> bool:
    """Whether two op-table terms agree for every value of their variables (Z3, bitvectors)."""
    d = Z3BVDomain()
    env = {v: d.var(v.dtype, v.arg.name)[0] for v in {*a.vars(), *b.vars()}}
    m = interpret([a, b], d, env)
    s = z3.Solver()
    s.add(m[a].value != m[b].value)
    return s.check() == z3.unsat


@pytest.mark.parametrize("imm", [0, 1])
def test_sliding_vrmpy_lanes_are_the_ops_the_rules_prove(imm):
    """The selector reads `vrmpy(Vuu.ub, Rt.b, #u1)`'s lanes as the ops hvx.vrmpy_ubb /
    hvx.vrmpyi_ubb_* of rules/hexagon.rules (operands in byte-position order, v1 bytes where
    the window wraps). Proven with Z3 against the row's lane equations, which QEMU checks."""
    row = INSNS["vrmpybusi"]
    ops = {("lo", 0): "hvx.vrmpy_ubb", ("hi", 0): "hvx.vrmpyi_ubb_hi0",
           ("lo", 1): "hvx.vrmpyi_ubb_lo1", ("hi", 1): "hvx.vrmpyi_ubb_hi1"}
    v1 = {("lo", 0): 0, ("hi", 0): 2, ("lo", 1): 1, ("hi", 1): 3}  # positions read from Vuu.v1
    for out in ("lo", "hi"):
        for lane in (0, 5, 31):
            pos = [f"x{q}:u8" for q in range(4)]
            text = f"{ops[(out, imm)]}({', '.join(pos)}, t0:i8, t1:i8, t2:i8, t3:i8)"
            p = parse_expr(text)
            ty = Typing(text)
            ty.infer(p)
            want = to_uop(p, ty, None)
            names = {f"x{q}": f"uu.ub[{4 * lane + q + (128 if q < v1[(out, imm)] else 0)}]" for q in range(4)}
            names.update({f"t{q}": f"t.b[{q}]" for q in range(4)})
            want = want.substitute({v: var(v.dtype, names[v.arg.name]) for v in want.vars()})
            got = lane_term(row, out, lane, {"imm": imm})
            assert _z3_equal(got, want), (out, lane)


def test_pack_rows_are_the_saturations_the_rules_prove():
    """vpack(Vu.w,Vv.w):sat's lanes are hvx.vsat_hw of the rule hvx-vsat-hw: lane 3 of the
    result is v's word 3 saturated, lane 35 is u's word 3 (Z3)."""
    row = INSNS["vpackwh_sat"]
    for lane, src in ((3, "v.w[3]"), (35, "u.w[3]")):
        want = UOp("hvx.vsat_hw", lane_term(row, "d", lane).dtype, (var(lane_term(row, "d", lane).src[0].dtype, src),))
        assert _z3_equal(lane_term(row, "d", lane), want)


# Probe instructions of each resource class, on registers no instance uses (v24+, r20+, q3).
_PROBES = {"vaddubsat": "v24.ub = vadd(v25.ub,v26.ub):sat", "vasrw": "v27.w = vasr(v25.w,r20)",
           "vmpyiwb": "v28.w = vmpyi(v25.w,r21.b)", "vrmpybv_acc": "v29.w += vrmpy(v25.b,v26.b)",
           "vpackwh_sat": "v30.h = vpack(v25.w,v26.w):sat", "vshuffvdd": "v31:30 = vshuff(v25,v26,r7)",
           "vmem_ld": "v24 = vmem(r22+#0)", "vmem_st": "vmem(r23+#0) = v25"}


def test_resource_classes_agree_with_llvm_mc(tmp_path):
    """Each row with a meaning in a packet with itself, with a probe of every resource class,
    and with itself and a probe: the model's verdict (slots and HVX resources) equals
    llvm-mc's, which encodes LLVM's itineraries (HexagonDepIICHVX.td)."""
    rows = hexagon_isa.testable_rows()
    packets, verdicts = [], []
    for row in rows:
        a, b = hexagon_isa.instance(row, 0, 0, 0), hexagon_isa.instance(row, 12, 8, 2)
        combos = [([row, row], [a, b])]
        for probe, text in _PROBES.items():
            combos.append(([row, INSNS[probe]], [a, text]))
            combos.append(([row, row, INSNS[probe]], [a, b, text]))
        for descs, parts in combos:
            packets.append("\t{ " + "; ".join(parts) + " }")
            verdicts.append(packet_fits(MODEL, descs))
    header = ["\t.text", "f:"]
    src = tmp_path / "packets.s"
    src.write_text("\n".join(header + packets) + "\n")
    res = subprocess.run([*LLVM_MC, "-filetype=obj", str(src), "-o", str(tmp_path / "p.o")],
                         capture_output=True, text=True)
    rejected = {int(m.group(1)) - len(header) - 1 for m in re.finditer(r"packets\.s:(\d+):\d+: error", res.stderr)}
    wrong = [packets[k] + ("  (model: legal)" if verdicts[k] else "  (model: illegal)")
             for k in range(len(packets)) if verdicts[k] == (k in rejected)]
    assert not wrong, f"{len(wrong)} disagreements:\n" + "\n".join(wrong[:40])


def _lane_value(data: np.ndarray, name: str, dtype) -> int:
    """The value of input lane `x.T[k]` (a lane_term variable name) in operand bytes."""
    op, t, k = re.fullmatch(r"(\w+)\.(\w+)\[(\d+)\]", name).groups()
    width = 1 if t == "q" else {"b": 1, "ub": 1, "h": 2, "uh": 2, "w": 4, "uw": 4}[t]
    raw = int.from_bytes(bytes(data[op][int(k) * width:(int(k) + 1) * width]), "little")
    return dtype.wrap(raw) if not dtype.is_bool else bool(raw)


def test_z3_encoding_of_every_lane_equation_agrees_with_numpy():
    """Every row stated as lane equations: two output lanes of each result, encoded by the Z3
    bitvector domain at the case's concrete inputs, equal the numpy evaluator's bytes (which
    QEMU checks): the verifier's encoding runs the same meaning."""
    rng = np.random.default_rng(4)
    d = Z3BVDomain()
    rows = [r for r in hexagon_isa.testable_rows() if "=" in r.sem and "[" in r.sem]
    assert len(rows) >= 100
    for row in rows:
        case = hexagon_isa.make_cases([row], trials=1, seed=int(rng.integers(1 << 30)))[0]
        want = row_meaning(row, case.operands, case.imms)
        ops = dict(case.operands)
        for pair, lo, hi in row.pairs:
            if lo in ops:
                ops[pair] = np.concatenate([ops[lo], ops[hi]])
        scalars = {n: int(np.frombuffer(bytes(ops[n]), "<i4")[0]) for n, c in row.uses if c in ("R", "R8")}
        for out, _cls in row.defs:
            eqs = {e.out: e for e in equations(row.sem)}
            if out in eqs:
                term = lane_term(row, out, 0, case.imms, scalars)
            else:  # written through its pair: lane 0 of the high half is the pair's lane 128/width
                pair, lo = next((p, lo) for p, lo, hi in row.pairs if out in (lo, hi))
                t = eqs[pair].out_type
                per = 128 if t == "bool" else 128 * 8 // int(re.sub(r"\D", "", t))
                term = lane_term(row, pair, 0 if out == lo else per, case.imms, scalars)
            width = 1 if term.dtype.scalar.is_bool else term.dtype.scalar.bits // 8
            env = {}
            for v in term.vars():
                name, t = v.arg.name, v.dtype.scalar
                value = scalars[name] if name in scalars else _lane_value(ops, name, t)
                env[v] = d.const(t, t.wrap(value) if not t.is_bool else value)
            got = z3.simplify(interpret([term], d, env)[term].value)
            got = (1 if z3.is_true(got) else 0) if term.dtype.scalar.is_bool else got.as_long()
            exp = int.from_bytes(bytes(want[out][0][:width]), "little")
            assert got == exp, (row.name, out)
