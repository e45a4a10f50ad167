"""The scalar core's rows with a meaning (sfadd, sfsub, sfmpy, sfcmp.gt, mux) on QEMU against
their op-table patterns, IEEE special cases included (rewriter/runtime/hexagon_scalar_isa.py)."""
from __future__ import annotations

import dataclasses

import pytest

from rewriter.backends.hexagon.isa import INSNS
from rewriter.errors import ToolchainError
from rewriter.runtime import hexagon_scalar_isa
from rewriter.runtime.hexagon import find_toolchain


def _toolchain():
    try:
        return find_toolchain()
    except ToolchainError as e:
        pytest.skip(str(e))


def test_every_scalar_row_agrees_with_qemu():
    rows = hexagon_scalar_isa.testable_rows()
    assert {"sfadd", "sfsub", "sfmpy", "sfcmpgt", "mux"} <= {r.name for r in rows}
    n, bad = hexagon_scalar_isa.check_rows(seed=3, toolchain=_toolchain())
    assert n > 400 and not bad, "\n".join(bad[:10])


def test_a_wrong_meaning_is_caught():
    """The harness is not vacuous: sfadd stated as a subtraction disagrees with QEMU, and so
    does sfcmp.gt stated as `le` (which is true of equal operands)."""
    wrong = [dataclasses.replace(INSNS["sfadd"], sem="sub(u:f32, v:f32)"),
             dataclasses.replace(INSNS["sfcmpgt"], sem="le(v:f32, u:f32)")]
    _n, bad = hexagon_scalar_isa.check_rows(wrong, toolchain=_toolchain())
    assert any(b.startswith("sfadd") for b in bad) and any(b.startswith("sfcmpgt") for b in bad)
