"""Every HVX row of the machine model (rewriter/backends/hexagon/isa.py) whose `sem` the op
table evaluates, run on qemu-hexagon against that meaning: random vectors and vectors of
edge lanes (0, 1, -1, MIN, MAX at the operand's lane width), all rows in one QEMU process
(rewriter/runtime/hexagon_isa.py)."""
from __future__ import annotations

import numpy as np
import pytest

from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import SemError, has_meaning, row_meaning
from rewriter.errors import ToolchainError
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
    import dataclasses
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
    import dataclasses
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
                   "vdeal", "vpack", "vunpack", "vround", "vasr", "vsat", "valign", "vlalign", "vmux", "vswap"):
        assert any(n.startswith(family) for n in names), family
