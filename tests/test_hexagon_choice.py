"""Selection forms as solver Choices in one Hexagon loop body (`mixed.py`, `compile_global`).

  * the mixed body of sum3_i16 has a Choice per copy among native / widened / unaligned,
    alternatives own their registers and stores, and shared loads that only some picks read
    belong to those picks;
  * genuinely mixed picks (a different form per copy), placed and projected on the picks,
    pass the solver's independent checker on the projected program's own problem, the
    backend's packet checker and the allocator, and run on QEMU equal to the reference
    interpreter, executing exactly the packets predicted; random sliding sums likewise;
  * `compile_global` solves the mixed body (one problem), and --explain prints each Choice
    with the alternative taken, the pure forms next to it, and the ALU ceiling.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.backends.hexagon.emit import emit_asm
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.mixed import mixed_body, mixed_problem, project, projected_schedule
from rewriter.backends.hexagon.pipeline_emit import pipeline
from rewriter.backends.hexagon.regalloc import allocate
from rewriter.backends.hexagon.schedule import check_schedule
from rewriter.backends.hexagon.select import SelectionRewriter
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.rewrite.engine import Rewriter
from rewriter.runtime import hexagon
from rewriter.solver.modulo import check_schedule as check_modulo
from rewriter.solver.modulo import heuristic_schedule
from tests.strategies import sliding_sums

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


def _body(kernel, library, unroll):
    portable = Rewriter(library.portable())
    simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    return mixed_body(simple, portable.normalize, SelectionRewriter(library), unroll)


def _run_picks(kernel, body, picks, seed):
    """Place the mixed problem at these picks (the heuristic), project, check, emit, run."""
    problem = mixed_problem(body)
    ms = heuristic_schedule(problem, picks)
    assert ms is not None and not check_modulo(ms)
    mf, projected, sched = projected_schedule(body, ms)
    assert check_modulo(sched) == []  # the picked program's own dependences hold
    assert sched.total_cycles == ms.total_cycles and sched.ii == ms.ii
    piped = pipeline(mf, sched, MODEL)
    if piped is None:  # (a loop of fewer iterations than the schedule has stages)
        assert mf.trip < sched.stages
        return None
    assert check_schedule(piped.machine, piped.schedule, MODEL) == []
    asm = emit_asm(piped.machine, piped.schedule, allocate(piped.machine, piped.schedule, MODEL))
    inputs = random_inputs(kernel, seed)
    run = hexagon.run_on_qemu(kernel, asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == [], picks
    assert run.counts.packets == piped.packets_executed
    return asm


def test_sum3_mixed_body_has_a_choice_per_copy_with_private_alternatives(library):
    kernel = load_kernel(REPO / "examples/sum3_i16.ir")
    body = _body(kernel, library, 2)
    problem = mixed_problem(body)
    assert [c.name for c in problem.choices] == ["copy0", "copy1"]
    assert all(set(c.labels) == {"native", "widened", "unaligned", "vtmpy"} for c in problem.choices)
    insns = body.machine.loop.insns
    where = body.alternative_of()
    # every store is some copy's alternative; the pointers advance in shared code
    assert all(k in where for k, i in enumerate(insns) if i.desc.side_effect == "store")
    assert any(k not in where and i.desc.name == "addi" and i.regs["d"].phys == 1 for k, i in enumerate(insns))
    # the last aligned load (x + 2 vectors) only feeds the native / vtmpy / widened forms of copy 1:
    # each of them has its own, so an unaligned copy 1 issues no dead load
    last = [k for k, i in enumerate(insns) if i.desc.name == "vmem_ld" and i.regs["d"].hint == "x+2"]
    assert len(last) == 3 and {body.choices[where[k][0]][1][where[k][1]][0] for k in last} == {"native", "widened",
                                                                                              "vtmpy"}
    # the projection on pure unaligned reads with vmemu only, and drops the shuffle constant
    unaligned = tuple(c.labels.index("unaligned") for c in problem.choices)
    mf = project(body, unaligned)
    assert {i.desc.name for i in mf.loop.insns} >= {"vmemu_ld"} and not any(
        i.desc.name in ("valign", "valigni", "vsxth") for i in mf.loop.insns)
    assert not any(i.desc.name == "movi" and i.imms["imm"] == -4 for i in mf.prologue.insns)


@pytest.mark.parametrize("forms", [("unaligned", "native"), ("native", "widened"), ("widened", "unaligned"),
                                   ("vtmpy", "native"), ("unaligned", "vtmpy")])
def test_mixed_picks_run_on_qemu_equal_to_the_reference(library, forms):
    kernel = load_kernel(REPO / "examples/sum3_i16.ir")
    body = _body(kernel, library, 2)
    problem = mixed_problem(body)
    picks = tuple(c.labels.index(f) for c, f in zip(problem.choices, forms))
    asm = _run_picks(kernel, body, picks, seed=4)
    assert asm is not None
    marks = {"unaligned": "vmemu", "widened": "vsxt", "native": "valign", "vtmpy": "vtmpy"}
    assert all(marks[f] in asm for f in forms)


@settings(max_examples=4, deadline=None)
@given(sliding_sums(3), st.integers(0, 2**32 - 1), st.data())
def test_random_sliding_sums_with_random_mixed_picks_match_the_reference(library, text, seed, data):
    (kernel,) = parse_kernels(text, "rnd.ir")
    try:
        body = _body(kernel, library, 2)
    except HexagonUnsupported:  # (the selector's limits, or no form but native applies)
        return
    problem = mixed_problem(body)
    picks = tuple(data.draw(st.integers(0, len(c.alternatives) - 1)) for c in problem.choices)
    try:
        _run_picks(kernel, body, picks, seed)
    except HexagonUnsupported:  # (a widened copy can run out of vector registers)
        return


def test_compile_global_solves_the_mixed_body_and_explains_its_choices(library):
    kernel = load_kernel(REPO / "examples/sum3_i16.ir")
    code = compile_global(kernel, library, unroll=2, time_limit=1.0, exhaustive=True)
    ex = code.explanation
    mixed = [c for c in ex.candidates if c.form == "mixed" and c.valid]
    assert len(mixed) == 1 and [n for n, _, _ in mixed[0].choices] == ["copy0", "copy1"]
    pure = [c for c in ex.candidates if c.form != "mixed" and c.valid and c.placement != "list"]
    assert {c.form for c in pure} >= {"native", "unaligned", "vtmpy"}  # (widened x2 can run out of registers)
    # the mixed body's II bound holds over every pick, so it bounds each pure form's II too
    assert all(c.ii >= mixed[0].ii_lower_bound for c in pure)
    text = ex.render()
    assert "choices of " in text and "copy1: " in text and "pure forms at x2: " in text
    assert "ALU ceiling" in text and "ALU ceil" in text.splitlines()[2]
    assert ex.chosen.alu_saturation <= ex.chosen.alu_ceiling + 1e-9
    inputs = random_inputs(kernel, 2)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    assert run.counts.packets == ex.chosen.packets


def test_kernels_without_selection_forms_have_no_mixed_body(library):
    kernel = load_kernel(REPO / "examples/add_sat_u8.ir")
    with pytest.raises(HexagonUnsupported, match="no selection form other than native"):
        _body(kernel, library, 2)
    code = compile_global(kernel, library, unroll=2, time_limit=0.5)
    assert all(c.form == "native" for c in code.explanation.candidates)
    assert any(n.startswith("mixed x2: ") for n in code.explanation.not_applicable)
