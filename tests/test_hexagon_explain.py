"""`--explain` for the Hexagon global scheduler (`explain.py`, `global_sched.compile_global`).

  * sum3_i16 and dot_i8 record more than one candidate (unroll factors, solver vs list
    placement; sum3 also its three selection forms), the chosen one is the one
    with the fewest model cycles (then packets) among the valid ones, and the emitted code is
    that candidate's: its packets are what QEMU executes, its II the kernel's;
  * the rejected selection forms (sum3 widened to 32-bit lanes; its off-grid reads as `vmemu`)
    are real code: they run on QEMU, equal the reference interpreter, and execute exactly the
    packets their rows state;
  * a dropped candidate says why; the CLI prints the table, chosen first, with exit 0.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.backends.hexagon.explain import Candidate, Explanation
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime import hexagon
from tests.strategies import sliding_sums

REPO = Path(__file__).resolve().parent.parent
#: Seconds per candidate loop: enough for CP-SAT to prove these small bodies optimal.
LIMIT = 1.0


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


@pytest.fixture(scope="module")
def compiled(library):
    """Every alternative placed (`exhaustive`: no cut by lower bound), to compare them."""
    return {name: compile_global(load_kernel(REPO / f"examples/{name}.ir"), library, time_limit=LIMIT,
                                 exhaustive=True)
            for name in ("sum3_i16", "dot_i8")}


@pytest.mark.parametrize("name", ["sum3_i16", "dot_i8"])
def test_the_cut_by_lower_bound_keeps_the_best(name, compiled, library):
    """The default search does not place a loop whose lower bound is above the best model
    cycles found: it must end with the same best as placing every loop, having placed fewer."""
    cut = compile_global(load_kernel(REPO / f"examples/{name}.ir"), library, time_limit=LIMIT)
    full = compiled[name].explanation
    assert cut.explanation.chosen.model_cycles == full.chosen.model_cycles
    pruned = any("pruned" in line for line in cut.explanation.not_applicable)
    assert len(cut.explanation.candidates) < len(full.candidates) if pruned else \
        len(cut.explanation.candidates) == len(full.candidates)
    assert pruned or name == "dot_i8"  # (sum3's x1 and x2 bodies cannot beat its x4 vtmpy)


@pytest.mark.parametrize("name", ["sum3_i16", "dot_i8"])
def test_the_chosen_candidate_is_the_cheapest_and_is_the_code_emitted(name, compiled):
    code = compiled[name]
    ex = code.explanation
    valid = [c for c in ex.candidates if c.valid]
    assert len(valid) > 1
    assert {c.unroll for c in valid} >= {1, 2, 4} and "list" in {c.placement for c in valid}
    chosen = ex.chosen
    assert chosen.key == min(c.key for c in valid) and ex.ranked()[0] is chosen
    # The emitted code is the chosen candidate's: same II, packets and model cycles.
    assert code.model_cycles == chosen.model_cycles and code.modulo is not None
    assert (code.modulo.unroll, code.modulo.ii, code.modulo.packets) == (chosen.unroll, chosen.ii, chosen.packets)
    assert chosen.ii_lower_bound >= max(chosen.res_mii, chosen.rec_mii) and chosen.ii >= chosen.ii_lower_bound
    kernel = load_kernel(REPO / f"examples/{name}.ir")
    inputs = random_inputs(kernel, 5)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    assert run.counts.packets == chosen.packets
    assert chosen.packets_per_element == pytest.approx(run.counts.packets / 8192)


def test_sum3_weighs_every_selection_form_and_the_chosen_is_native(compiled):
    ex = compiled["sum3_i16"].explanation
    assert {c.form for c in ex.candidates if c.valid} == {"native", "widened", "unaligned", "vtmpy", "mixed"}
    # vtmpy computes a copy with one permute (native: two valigns on the one XLANE unit): x4
    # drops from II 8 (XLANE-bound) to II 7, where the ALU work (25 units on 4) is the bound.
    # A tie with the mixed body (all copies vtmpy) keeps the first found.
    assert ex.chosen.form == "vtmpy" or all(f == "vtmpy" for _, f, _ in ex.chosen.choices)
    native = min((c for c in ex.candidates if c.valid and c.form == "native"), key=lambda c: c.key)
    assert ex.chosen.model_cycles < native.model_cycles and ex.chosen.ii < native.ii
    assert native.alu_saturation == pytest.approx(native.alu_ceiling) and "xlane" in native.ceiling_why
    assert ex.chosen.alu_saturation <= ex.chosen.alu_ceiling + 1e-9
    for form in ("widened", "unaligned"):
        # Widening doubles the vectors every add touches; vmemu loads make it load-bound
        # (one load unit): both lose on model cycles, and the verdict says by how much.
        best = min((c for c in ex.candidates if c.valid and c.form == form), key=lambda c: c.key)
        assert best.model_cycles > ex.chosen.model_cycles
        assert ex.verdict(best).startswith("lost: +")


@pytest.mark.parametrize("form,unroll,marks", [("widened", 1, ("vsxt", "vpacke")), ("unaligned", 2, ("vmemu",)),
                                               ("vtmpy", 4, ("vtmpy", "vshuffe"))])
def test_a_rejected_selection_form_is_real_code(library, form, unroll, marks):
    """The rejected forms compute the same outputs, in the packets their rows state."""
    kernel = load_kernel(REPO / "examples/sum3_i16.ir")
    code = compile_global(kernel, library, unroll=unroll, time_limit=LIMIT, forms=(form,))
    row = code.explanation.chosen
    assert (row.form, row.unroll) == (form, unroll) and all(m in code.asm for m in marks)
    inputs = random_inputs(kernel, 9)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    assert run.counts.packets == row.packets


@settings(max_examples=5, deadline=None)
@given(sliding_sums(4), st.sampled_from(["widened", "unaligned", "vtmpy"]), st.sampled_from([1, 2]),
       st.integers(0, 2**32 - 1))
def test_random_sliding_sums_in_every_selection_form_match_the_reference(library, text, form, unroll, seed):
    (kernel,) = parse_kernels(text, "rnd.ir")
    try:
        code = compile_global(kernel, library, unroll=unroll, time_limit=0.5, forms=(form,))
    except HexagonUnsupported:  # (the selector's limits: a register file, a load offset)
        return
    assert code.explanation.chosen is not None and code.explanation.chosen.form == form
    inputs = random_inputs(kernel, seed)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == [], (text, form)
    assert run.counts.packets == code.explanation.chosen.packets


def test_dot_has_no_other_selection_form_and_says_so(compiled):
    ex = compiled["dot_i8"].explanation
    assert {c.form for c in ex.candidates} == {"native"}
    assert any("widened x1" in n and "unaligned x1" in n and "elementwise" in n for n in ex.not_applicable)
    assert any("mixed x1" in n for n in ex.not_applicable)
    # Two vector loads per vrmpy, one load unit: MII is the loads', and the ALUs (the
    # vrmpy's two multipliers, a VA unit per load) can be at most half busy.
    assert ex.chosen.alu_ceiling == pytest.approx(0.5) and ex.chosen.ceiling_why.startswith("ld")
    assert ex.chosen.alu_saturation <= ex.chosen.alu_ceiling + 1e-9


def test_verdicts_and_table_layout():
    ok = dict(elements=100, ii=4, ii_lower_bound=4, res_mii=4, rec_mii=2, gap=0.0, stages=2, status="optimal",
              alu_saturation=0.5, load_saturation=1.0, seconds=0.1)
    ex = Explanation("k", [Candidate("native", 1, "list", 120, 130, **ok),
                           Candidate("native", 2, "cp-sat", 110, 100, **ok),
                           Candidate("native", 4, "cp-sat", 105, 100, **ok),
                           Candidate("native", 8, "cp-sat", elements=100, reason="more than 32 live V registers")])
    assert ex.chosen.unroll == 4  # same model cycles as x2, fewer packets
    assert ex.verdict(ex.candidates[1]) == "lost: same model cycles, +5 packets"
    assert ex.verdict(ex.candidates[0]) == "lost: +30 model cycles (+30.0%)"
    assert ex.verdict(ex.candidates[3]) == "dropped: more than 32 live V registers"
    lines = ex.render().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("alternative"))
    table = lines[header:header + 5]
    assert [r.split()[1] for r in table[1:]] == ["x4", "x2", "x1", "x8"]
    # Aligned columns: every row's "model cycles" cell ends where the header's does.
    end = table[0].index("model cycles") + len("model cycles")
    assert all(r[end - 1] != " " for r in table[1:4]) and table[4][end - 1] == "-"


def test_cli_explain_prints_the_table_chosen_first(capsys, tmp_path):
    from rewriter.cli import main

    rc = main(["optimize", str(REPO / "examples/dot_i8.ir"), "--target", "hexagon", "--explain", "--check",
               "--emit", "asm", "-o", str(tmp_path / "k.s")])
    out = capsys.readouterr().out
    assert rc == 0 and "check against the reference interpreter: ok" in out
    rows = [line for line in out.splitlines() if re.match(r"# native x\d+ ", line)]
    assert len(rows) > 1 and "chosen" in rows[0] and all("lost" in r or "dropped" in r for r in rows[1:])
    assert re.search(r"# chosen: native x\d+ .*\n#   II \d+, lower bound \d+ \(ResMII \d+, RecMII \d+\), gap", out)
    assert "ALU saturation" in out and "solver search log" in out
    packets = int(re.search(r"ran dot_i8 on hexagon: (\d+) packets", out).group(1))
    assert re.search(rf"# chosen: .*, {packets} packets", out)


def test_cli_explain_needs_the_global_scheduler(capsys):
    from rewriter.cli import main

    assert main(["optimize", str(REPO / "examples/dot_i8.ir"), "--target", "hexagon", "--explain",
                 "--scheduler", "list"]) == 2
    assert "--explain needs --scheduler global" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["optimize", "bench"])
@pytest.mark.parametrize("argv, says", [
    (["--target", "hexagon", "--scheduler", "list", "--time-limit", "1"], "--time-limit needs --scheduler global"),
    (["--target", "cpu", "--time-limit", "1"], "--time-limit is for --target hexagon"),
])
def test_cli_time_limit_is_refused_where_nothing_searches(capsys, command, argv, says):
    from rewriter.cli import main

    assert main([command, str(REPO / "examples/dot_i8.ir"), *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_cli_time_limit_reaches_the_solver(capsys, monkeypatch):
    """The flag is what every candidate body's search gets (default: 2 s)."""
    from rewriter.backends.hexagon import driver, global_sched
    from rewriter.cli import main

    seen = []

    def spy(*args, time_limit, **kw):
        seen.append(time_limit)
        return real(*args, time_limit=time_limit, **kw)

    real = driver.compile_global
    monkeypatch.setattr(driver, "compile_global", spy)
    assert main(["optimize", str(REPO / "examples/dot_i8.ir"), "--target", "hexagon", "--time-limit", "0.3"]) == 0
    assert main(["optimize", str(REPO / "examples/dot_i8.ir"), "--target", "hexagon"]) == 0
    assert seen == [0.3, global_sched.DEFAULT_TIME_LIMIT]


@pytest.mark.parametrize("n", [1000, 3000])
def test_the_time_limit_bounds_the_whole_search(n, library):
    """`time_limit` times the number of candidates is the whole search: with a limit far
    shorter than one candidate takes, the first is tried and every later one is skipped,
    named in --explain; the code is still correct."""
    kernel = parse_kernels(f"""kernel k(a: u8[{n}], b: u8[{n}]) -> (out: u8[{n}]) {{
      i = range({n})
      out[i] = max(a[i], b[i]) - min(a[i], b[i]) }}""")[0]
    code = compile_global(kernel, library, time_limit=1e-4)
    skipped = [line for line in code.explanation.not_applicable if "skipped: the search's time" in line]
    assert len(skipped) == 1 and skipped[0].count(" x") >= 10, code.explanation.not_applicable
    inputs = random_inputs(kernel, 3)
    assert check_against_reference(kernel, hexagon.run_on_qemu(kernel, code.asm, inputs).outputs, inputs) == []
