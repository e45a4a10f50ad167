"""Byte stencils on Hexagon unrolled over output rows, with input-row reuse (`stencil.py`).

  * at every unroll factor U the selector accepts, each input row's four shifted vectors
    are loaded once per iteration (4 (U + nky - 1) vmemu) and feed every output row that
    needs them (nky * 4 U vrmpy), and the output rows are stored once each;
  * every candidate the schedulers choose among (list scheduler, with and without rotation;
    the global modulo scheduler at each factor) runs on qemu-hexagon and equals the
    reference interpreter, for conv3x3_u8 and for a 5x4 filter over another image size;
  * a factor that does not divide the rows is refused, and conv3x3 gets strictly fewer
    packets unrolled than one row an iteration.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from rewriter.backends.hexagon import HexagonUnsupported, check_schedule, compile_hexagon
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.isa import MODEL
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime import hexagon

REPO = Path(__file__).resolve().parent.parent
#: A 5-row, 4-column filter over 16 output rows (image rows 131 bytes apart, an offset row).
STENCIL_5X4 = """kernel st5x4(img: u8[21, 131], w: i8[5, 4]) -> (out: i32[16, 128]) {
  y = range(16); x = range(128); ky = range(5, reduce); kx = range(4, reduce)
  out[y, x] = sum(cast<i32>(img[y + ky + 1, x + kx]) * cast<i32>(w[ky, kx]), ky, kx)
}
"""


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


def _kernels():
    (st5x4,) = parse_kernels(STENCIL_5X4, "st5x4.ir")
    return {"conv3x3_u8": load_kernel(REPO / "examples/conv3x3_u8.ir"), "st5x4": st5x4}


KERNELS = _kernels()
NKY = {"conv3x3_u8": 3, "st5x4": 5}


def _check_on_qemu(kernel, code, seed):
    inputs = random_inputs(kernel, seed)  # every integer type's whole range
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    return run


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("unroll", [2, 4, 8])
def test_unrolled_stencil_loads_each_input_row_once(name, unroll, library):
    from rewriter.backends.hexagon.selection import select
    from rewriter.rewrite.engine import Rewriter

    kernel, nky = KERNELS[name], NKY[name]
    portable, selector = Rewriter(library.portable()), Rewriter(library.target_rules("hexagon"))
    simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    mf = select(simple, portable.normalize, selector, unroll)
    body = [i.desc.name for i in mf.loop.insns]
    rows = kernel.ranges[0].size
    assert mf.trip == rows // unroll
    assert body.count("vmemu_ld") == 4 * (unroll + nky - 1)
    assert body.count("vrmpybus") + body.count("vrmpybus_acc") == 4 * nky * unroll
    assert body.count("vrmpybus") == 4 * unroll  # one fresh accumulator per output row and shift
    # Per output row two rounds of vshuff; the second round's low results leave by
    # new-value stores bundled with their vshuff, the high ones by plain stores.
    assert body.count("vshuffvdd") == body.count("vshuffvdd_stnew") == body.count("vmem_st") == 2 * unroll


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("unroll,rotate", [(2, False), (2, True), (4, False), (8, False)])
def test_list_scheduled_unrolled_stencil_matches_reference_on_qemu(name, unroll, rotate, library):
    kernel = KERNELS[name]
    try:
        code = compile_hexagon(kernel, library, unroll=unroll, rotate=rotate)
    except HexagonUnsupported as e:
        # The list scheduler does not pipeline: with its 8 rows in flight and the rotated
        # loads live across the back edge, registers can run out (the candidate is dropped).
        assert "registers" in str(e) or "register pair" in str(e), e
        return
    run = _check_on_qemu(kernel, code, 3)
    assert run.counts.packets >= code.cycles["packets"]


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("unroll", [1, 2, 4, 8])
@pytest.mark.parametrize("form", ["native", "sliding"])
def test_global_unrolled_stencil_matches_reference_on_qemu(name, unroll, form, library):
    kernel = KERNELS[name]
    code = compile_global(kernel, library, unroll=unroll, time_limit=0.5, forms=(form,))
    assert code.modulo is not None and code.modulo.unroll == unroll, code.notes
    assert bool(re.search(r"vrmpy\(v\d+:\d+\.ub,r\d+\.b,#1\)", code.asm)) == (form == "sliding")
    run = _check_on_qemu(kernel, code, 7 + unroll)
    assert run.counts.packets == code.modulo.packets  # the schedule's own count, exactly


@pytest.mark.parametrize("unroll", [1, 2, 4])
def test_sliding_form_loads_each_row_as_one_pair(unroll, library):
    """Per input row: two vmemu (the row and the row 4 bytes on) feeding `vrmpy(Vuu.ub,
    Rt.b, #0)` and `#1` per output row that reads it; no single-vector vrmpy left."""
    from rewriter.backends.hexagon.selection import select
    from rewriter.rewrite.engine import Rewriter

    kernel = KERNELS["conv3x3_u8"]
    portable, selector = Rewriter(library.portable()), Rewriter(library.target_rules("hexagon"))
    simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    mf = select(simple, portable.normalize, selector, unroll, "sliding")
    body = [i.desc.name for i in mf.loop.insns]
    assert body.count("vmemu_ld") == 2 * (unroll + 2)
    assert body.count("vrmpybusi") == 2 * unroll and body.count("vrmpybusi_acc") == 4 * unroll
    assert not {"vrmpybus", "vrmpybus_acc"} & set(body)
    imms = [i.imms["imm"] for i in mf.loop.insns if i.desc.name.startswith("vrmpybusi")]
    assert imms.count(0) == imms.count(1) == 3 * unroll


def test_sliding_form_is_refused_where_it_changes_nothing(library):
    from rewriter.backends.hexagon.select import FormNotApplicable
    from rewriter.backends.hexagon.selection import select
    from rewriter.rewrite.engine import Rewriter

    portable, selector = Rewriter(library.portable()), Rewriter(library.target_rules("hexagon"))
    for name in ("add_sat_u8", "dot_i8", "matmul_i8"):
        kernel = load_kernel(REPO / f"examples/{name}.ir")
        simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
        with pytest.raises(FormNotApplicable):
            select(simple, portable.normalize, selector, 1, "sliding")


def test_sliding_lanes_need_the_proven_rules(library):
    """Without the `hvx-vrmpyi-ubb-*` rules the selector cannot show that a half of
    vrmpy(Vuu.ub, Rt.b, #u1) is the window it wants, and refuses the form."""
    from rewriter.backends.hexagon.selection import select
    from rewriter.rewrite.engine import Rewriter

    kernel = KERNELS["conv3x3_u8"]
    portable = Rewriter(library.portable())
    from rewriter.dsl.rule import RuleLibrary

    rules = RuleLibrary([r for r in library.target_rules("hexagon") if not r.name.startswith("hvx-vrmpyi-")])
    simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    with pytest.raises(HexagonUnsupported, match="sliding vrmpy at byte shift 1"):
        select(simple, portable.normalize, Rewriter(rules), 1, "sliding")


def test_unroll_must_divide_the_rows(library):
    (k,) = parse_kernels(STENCIL_5X4.replace("out: i32[16, 128]", "out: i32[6, 128]")
                         .replace("range(16)", "range(6)").replace("u8[21, 131]", "u8[11, 131]"), "st6.ir")
    with pytest.raises(HexagonUnsupported, match="unrolling (a stencil of )?6 rows by 4"):
        compile_hexagon(k, library, unroll=4)
    assert compile_hexagon(k, library, unroll=2).machine.trip == 3


def test_global_scheduler_picks_an_unrolled_conv3x3(library):
    code = compile_global(KERNELS["conv3x3_u8"], library, time_limit=0.5)
    chosen = code.explanation.chosen
    once = [c for c in code.explanation.candidates if c.unroll == 1 and c.packets]
    assert chosen.unroll > 1 and chosen.packets < min(c.packets for c in once)
    assert code.modulo.alu_saturation > max(c.alu_saturation for c in once)
