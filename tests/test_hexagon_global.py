"""The global (modulo) scheduler driving the Hexagon backend: `compile_hexagon(scheduler="global")`.

  * the resource bags of `pipeline_problem.pipeline_problem` accept exactly the packets `packet_fits` does;
  * the body's dependences keep accumulators, post-increments and loop-carried
    anti-dependences (the no-renaming condition);
  * every supported example: the modulo schedule passes the solver's checker, the pipelined
    blocks pass the backend's `check_schedule`, llvm-mc assembles it, QEMU's outputs equal
    the reference interpreter's and QEMU executes exactly the packets predicted;
  * random elementwise kernels (hypothesis) through the global scheduler against the reference.
"""
from __future__ import annotations

import re
from itertools import combinations_with_replacement, product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.backends.hexagon import HexagonUnsupported, check_schedule, compile_hexagon
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.isa import INSNS, MODEL
from rewriter.backends.hexagon.pipeline_problem import body_dependences, hexagon_machine, issue_options, _hall_sets, _slot_needs
from rewriter.backends.hexagon.mir import Block, Reg, insn
from rewriter.backends.hexagon.schedule import packet_fits
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime import hexagon
from rewriter.solver.modulo import check_schedule as check_modulo

REPO = Path(__file__).resolve().parent.parent
SUPPORTED = ["add_sat_u8", "sum3_i16", "requant_u8", "dot_i8", "conv3x3_u8", "maxpool2x2_u8", "matmul_i8"]


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


# ---- the packet rules as resource bags ---------------------------------------------------------
#: Rows a loop body uses: every slot set, every HVX resource class, vmemu's empty slot 1.
_ROWS = ["vmem_ld", "vmem_ld_pi", "vmemu_ld", "vmem_st", "vmem_st_pi", "vaddubsat", "vaddw", "vasrw",
         "vmpyiwb", "vmpyih", "vrmpybv_acc", "vrmpybus", "vpackhub_sat", "vshuffvdd", "memw", "addi",
         "asl_or", "movi_ext", "vcmpgt_ub", "vmux", "vzxtb", "vshuffvdd_stnew"]


def _bags_fit(descs) -> bool:
    hall = _hall_sets([n for d in (INSNS[r] for r in _ROWS) for n in _slot_needs(d)])
    machine = hexagon_machine(MODEL, [INSNS[r] for r in _ROWS], {"V": 32, "R": 32})
    if len(descs) > machine.issue_width:
        return False
    for combo in product(*[issue_options(d, hall) for d in descs]):
        used: dict = {}
        for bag in combo:
            for r, u in bag.items():
                used[r] = used.get(r, 0) + u
        if all(u <= machine.capacity[r] for r, u in used.items()):
            return True
    return False


def test_resource_bags_accept_exactly_the_legal_packets():
    descs = [INSNS[r] for r in _ROWS]
    checked = disagree = 0
    for size in range(1, 5):
        for combo in combinations_with_replacement(descs, size):
            checked += 1
            if _bags_fit(combo) != packet_fits(MODEL, combo):
                disagree += 1
                assert False, f"bags and packet_fits disagree on {[d.name for d in combo]}"
    assert checked > 5000 and disagree == 0


# ---- dependences of a loop body ----------------------------------------------------------------
def test_body_dependences_carry_accumulators_pointers_and_anti_dependences():
    p, acc, a, b = Reg("R", 0, phys=0), Reg("V", 1), Reg("V", 2), Reg("V", 3)
    body = Block("loop", [insn("vmem_ld_pi", d=a, p=p, inc=1),  # i0: a = vmem(p++)
                          insn("vmem_ld", d=b, p=p, off=0),  # i1: b = vmem(p + 0), the new p
                          insn("vrmpybv_acc", d=acc, u=a, v=b)])  # i2: acc += vrmpy(a, b)
    deps = {(d.src, d.dst, d.distance): d.latency for d in body_dependences(body)}
    assert deps[("i0", "i1", 0)] == 1  # the post-incremented pointer, a scalar add
    assert deps[("i0", "i2", 0)] == 2 and deps[("i1", "i2", 0)] == 2  # vector loads
    assert deps[("i2", "i2", 1)] == 2  # the accumulator, next iteration
    assert deps[("i1", "i0", 1)] == 0  # i1 reads p before the next i0 advances it
    assert deps[("i2", "i0", 1)] == 0 and deps[("i2", "i1", 1)] == 0  # a, b read before reloaded
    assert deps[("i0", "i0", 1)] == 1  # the pointer recurrence p++ -> p++
    assert ("i1", "i1", 1) not in deps  # a plain redefinition: II >= 1 already orders it


# ---- every supported example end to end ----------------------------------------------------------
@pytest.fixture(scope="module")
def global_code(library):
    # (1 s a candidate body, not the default 2: the assertions below hold at either, and the
    # module compiles every example; test_hexagon_explain covers the default's plumbing.)
    return {name: compile_hexagon(load_kernel(REPO / f"examples/{name}.ir"), library, scheduler="global",
                                  time_limit=1.0)
            for name in SUPPORTED}


@pytest.mark.parametrize("name", SUPPORTED)
def test_global_schedule_passes_both_checkers_and_matches_reference_on_qemu(name, global_code):
    code = global_code[name]
    report = code.modulo
    assert check_schedule(code.machine, code.schedule, MODEL) == []
    kernel = load_kernel(REPO / f"examples/{name}.ir")
    inputs = random_inputs(kernel, 11)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    if report is None:  # (only where the solver got no further than its heuristic: the list code won)
        assert "the list scheduler's loop was best" in code.notes[-1], code.notes
        return
    assert check_modulo(report.schedule) == []
    assert report.schedule.stages == report.stages and report.lower_bound <= report.total_cycles
    assert run.counts.packets == report.packets  # prologue + kernel x trips + epilogue, exactly


def test_pipelining_never_loses_to_the_list_scheduler_and_wins_where_it_overlaps(global_code, library):
    """On QEMU the global code executes no more packets than the list scheduler's (which
    rotates loads: a two-stage pipeline of its own), and strictly fewer on the kernels whose
    iterations the solver overlaps in three or more stages or at a proven-optimal II."""
    # (conv3x3 wins by its sliding form unrolled over 8 rows, which is best in one stage.)
    assert {"sum3_i16", "requant_u8"} <= {n for n in SUPPORTED if global_code[n].modulo and global_code[n].modulo.stages > 1}
    for name in SUPPORTED:
        kernel = load_kernel(REPO / f"examples/{name}.ir")
        listed = compile_hexagon(kernel, library)
        inputs = random_inputs(kernel, 5)
        ours = hexagon.run_on_qemu(kernel, global_code[name].asm, inputs).counts.packets
        theirs = hexagon.run_on_qemu(kernel, listed.asm, inputs).counts.packets
        assert ours <= theirs, (name, ours, theirs)
        if name in ("sum3_i16", "requant_u8", "conv3x3_u8"):
            assert ours < theirs, (name, ours, theirs)


# ---- random elementwise kernels ------------------------------------------------------------------
_N = 512
_BINARY = {"u8": ["sat_add({}, {})", "sat_sub({}, {})", "min({}, {})", "max({}, {})"],
           "i16": ["{} + {}", "{} - {}", "min({}, {})", "sat_add({}, {})"],
           "i32": ["{} + {}", "{} - {}", "max({}, {})"]}


@st.composite
def elementwise_kernels(draw):
    """`out[i] = f(a[i + c], b[i + c])` at u8/i16/i32: arithmetic, shifts, abs, compare and
    select (Q registers), b of another width (casts); unaligned offsets exercise valign."""
    t = draw(st.sampled_from(sorted(_BINARY)))
    tb = draw(st.sampled_from([t, t, "u8", "i16"]))

    def term(depth):
        if depth == 0 or draw(st.integers(0, 3)) == 0:
            name = draw(st.sampled_from("ab"))
            leaf = f"{name}[i + {draw(st.integers(0, 3))}]"
            return leaf if name == "a" or tb == t else f"cast<{t}>({leaf})"
        kind = draw(st.integers(0, 7))
        if t != "u8" and kind == 0:
            return f"({term(depth - 1)} >> {draw(st.integers(0, 7))})"
        if t != "u8" and kind == 1:
            return f"abs({term(depth - 1)})"
        if kind == 2:
            return f"where({term(depth - 1)} > {term(depth - 1)}, {term(depth - 1)}, {term(depth - 1)})"
        return "(" + draw(st.sampled_from(_BINARY[t])).format(term(depth - 1), term(depth - 1)) + ")"

    return (f"kernel rnd(a: {t}[{_N + 4}], b: {tb}[{_N + 4}]) -> (out: {t}[{_N}]) {{\n"
            f"  i = range({_N})\n  out[i] = {term(3)}\n}}\n")


@settings(max_examples=6, deadline=None)
@given(elementwise_kernels(), st.sampled_from([1, 2]), st.integers(0, 2**32 - 1))
def test_random_elementwise_kernels_through_the_global_scheduler(library, text, unroll, seed):
    (kernel,) = parse_kernels(text, "rnd.ir")
    try:
        code = compile_global(kernel, library, unroll=unroll, time_limit=0.5)
    except HexagonUnsupported:
        # The selector's limit (a load offset beyond #s4 at this unroll), not the scheduler's:
        # the list path refuses the same kernel.
        with pytest.raises(HexagonUnsupported):
            compile_hexagon(kernel, library, unroll=unroll)
        return
    assert code.modulo is not None or not code.machine.trip, code.notes[-1]
    assert check_schedule(code.machine, code.schedule, MODEL) == []
    inputs = random_inputs(kernel, seed)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == [], text
    assert code.modulo is None or run.counts.packets == code.modulo.packets


def test_a_loop_too_short_to_pipeline_keeps_the_best_code(library):
    """Two pooled rows: a three-stage pipeline cannot run (two iterations), the one-stage list
    placement pays a loop; unrolled away, straight-line code is the best candidate."""
    (kernel,) = parse_kernels("kernel pool(inp: u8[4, 256]) -> (out: u8[2, 128]) {\n"
                              "  y = range(2); x = range(128); dy = range(2, reduce); dx = range(2, reduce)\n"
                              "  out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx)\n}\n", "pool.ir")
    code = compile_global(kernel, library, time_limit=1.0)
    listed = compile_hexagon(kernel, library)
    inputs = random_inputs(kernel, 2)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    assert run.counts.packets <= hexagon.run_on_qemu(kernel, listed.asm, inputs).counts.packets


# ---- the command line --------------------------------------------------------------------------
def test_cli_global_scheduler_checks_on_qemu_and_draws_the_loop(capsys, tmp_path):
    from rewriter.cli import main

    svg = tmp_path / "loop.svg"
    rc = main(["optimize", str(REPO / "examples/sum3_i16.ir"), "--target", "hexagon", "--scheduler", "global",
               "--time-limit", "0.5", "--schedule-svg", str(svg), "--check", "--emit", "asm", "-o", str(tmp_path / "k.s")])
    out = capsys.readouterr().out
    assert rc == 0 and "check against the reference interpreter: ok" in out
    assert re.search(r"global schedule .*II \d+ \(bound \d+\)", out)
    assert svg.read_text().startswith("<svg") and ":endloop0" in (tmp_path / "k.s").read_text()


@pytest.mark.parametrize("text", [
    "kernel k(a: u8[1000], b: u8[1000]) -> (out: u8[1000]) { i = range(1000)\n out[i] = sat_add(a[i], b[i]) }",
    "kernel k(a: i16[37, 150], b: i16[37, 150]) -> (out: i16[37, 150]) { y = range(37); x = range(150)\n"
    " out[y, x] = sat_sub(a[y, x], b[y, x]) }",
    "kernel k(a: u16[5000]) -> (out: u16[5000]) { i = range(5000)\n out[i] = min(max(a[i], 100), 60000) }",
    "kernel k(x: u8[300]) -> (out: u8[297]) { i = range(297)\n"
    " out[i] = cast<u8>((cast<u16>(x[i]) + cast<u16>(x[i + 1]) + cast<u16>(x[i + 2])) >> 2) }",
])
def test_lanes_off_the_unrolled_grid_keep_their_tail(text, library):
    """Lanes that are not a whole number of unrolled iterations: the pure forms end with an
    epilogue (leftover blocks, a last overlapping block); the mixed body has none, so it is
    refused there rather than dropping the tail (it once did: unseen kernels, 2026-12-07)."""
    k = parse_kernels(text)[0]
    code = compile_hexagon(k, library, scheduler="global", time_limit=2.0)
    inputs = random_inputs(k, 3)
    assert not check_against_reference(k, hexagon.run_on_qemu(k, code.asm, inputs).outputs, inputs)
