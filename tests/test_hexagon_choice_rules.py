"""Rewrite choices are rule files: `scope hexagon-choice-NAME` makes NAME an alternative the
Hexagon search compiles with those rules applied ahead of the target rules and without them,
keeping what schedules best (`SelectionRewriter.forms`, global_sched.py, mixed.py).

  * the library's choices are the project's files (vtmpy, widened) and any a user adds,
    which the global scheduler then tries, `--explain` lists, and QEMU runs correctly;
  * the two shipped choices compile kernels they were not written for (other types, sizes
    off the vector grid) to correct code, each in its own form."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.select import SELECTION_FORMS, SelectionRewriter
from rewriter.dsl.rule import load_library
from rewriter.errors import SourceError
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime import hexagon
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets import TARGETS

REPO = Path(__file__).resolve().parent.parent
needs_qemu = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")

#: A choice a user might add: a subtraction as an add of the complement plus one.
SHIFT_CHOICE = """scope hexagon-choice-complement

# x - y is x + ~y + 1 in two's complement (wrapping alike).
rule hvx-sub-complement [i16, u16]: x - y => x + (y ^ -1) + 1
"""


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


@pytest.fixture(scope="module")
def with_shift(tmp_path_factory):
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(REPO / "rules", rules)
    (rules / "hexagon-choice-shift.rules").write_text(SHIFT_CHOICE)
    with open(rules / "ORDER", "a") as f:
        f.write("hexagon-choice-shift.rules\n")
    return load_library([rules])


def test_the_forms_are_the_addressing_forms_then_the_choice_files(library, with_shift):
    assert SelectionRewriter(library).forms == tuple(SELECTION_FORMS) + ("vtmpy", "widened", "narrowed", "sliding", "vtmpyb")
    assert SelectionRewriter(with_shift).forms[-1] == "complement"
    TARGETS.check_scopes(with_shift)  # (a choice scope is one of the target's)


def _run(kernel, code, seed=3):
    inputs = random_inputs(kernel, seed)
    run = hexagon.run_on_qemu(kernel, code.asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    return run


@needs_qemu
def test_a_choice_file_a_user_adds_is_tried_and_runs(with_shift):
    (kernel,) = parse_kernels("""kernel k(x: i16[700], y: i16[700]) -> (out: i16[700]) {
      i = range(700)
      out[i] = x[i] - y[i] }""")
    code = compile_global(kernel, with_shift, unroll=1, time_limit=0.5, exhaustive=True)
    assert "complement" in {c.form for c in code.explanation.candidates}
    # One vsub never loses to a vxor and two vadds (and a tie keeps the form found first).
    assert code.explanation.chosen.form != "complement"
    chosen = compile_global(kernel, with_shift, unroll=1, time_limit=0.5, forms=("complement",))
    assert chosen.explanation.chosen.form == "complement" and "vxor" in chosen.asm
    _run(kernel, chosen)


@needs_qemu
@pytest.mark.parametrize("form, t, n, marks", [("vtmpy", "u16", 640, ("vtmpy", "vshuffe")),
                                                 ("vtmpy", "i16", 192, ("vtmpy",)),
                                                 ("widened", "u16", 1000, ("vzxt",)),
                                                 ("widened", "i16", 320, ("vsxt",))])
def test_the_shipped_choices_compile_other_types_and_sizes(library, form, t, n, marks):
    (kernel,) = parse_kernels(f"""kernel k(x: {t}[{n + 3}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = x[i + 1] + x[i] + x[i + 2] + x[i + 3] - x[i] }}""")
    code = compile_global(kernel, library, unroll=1, time_limit=0.5, forms=(form,))
    assert code.explanation.chosen.form == form and all(m in code.asm for m in marks), code.asm
    run = _run(kernel, code)
    assert run.counts.packets == code.explanation.chosen.packets


@needs_qemu
@pytest.mark.parametrize("t, n", [("i16", 256), ("u16", 300)])
def test_a_vtmpy_sum_off_neighbouring_lanes_is_the_adds_again(library, t, n):
    """The choice rewrites every three-half sum; where its terms are not neighbouring reads
    of one buffer the selector expands it back to the adds (`hvx-vtmpy3-adds`), which the
    choice's own rules must not rewrite again (they would forever)."""
    (kernel,) = parse_kernels(f"""kernel k(x: {t}[{n}], y: {t}[{n}], z: {t}[{n}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = x[i] + y[i] + z[i] }}""")
    try:
        code = compile_global(kernel, library, unroll=1, time_limit=0.5, forms=("vtmpy",))
    except HexagonUnsupported:  # (nothing for the form to change, or 300 lanes: not elementwise)
        assert n % 64, "a whole number of blocks compiles in the vtmpy form"
        return
    assert "vtmpy" not in code.asm
    _run(kernel, code)


def test_a_choice_scope_needs_a_name(tmp_path):
    (tmp_path / "c.rules").write_text("scope hexagon-choice-\nrule c-add-zero: x + 0 => x\n")
    with pytest.raises(SourceError, match="unknown scope 'hexagon-choice-'"):
        TARGETS.check_scopes(load_library([tmp_path / "c.rules"]))


@needs_qemu
@pytest.mark.parametrize("src, dst, n, c", [("i8", "u16", 257, 300), ("u8", "i16", 640, -7), ("u8", "u16", 1000, 5)])
def test_word_arithmetic_truncated_to_halves_is_narrowed(library, src, dst, n, c):
    """The choice "narrowed": a product and a sum computed in words and truncated to halves
    are computed on halves (rules/hexagon-choice-narrowed.rules), and run correctly."""
    (kernel,) = parse_kernels(f"""kernel k(x: {src}[{n}], y: {src}[{n}]) -> (out: {dst}[{n}]) {{
      i = range({n})
      out[i] = cast<{dst}>(cast<i32>(x[i]) * {c} + cast<i32>(y[i])) }}""")
    code = compile_global(kernel, library, unroll=1, time_limit=0.5, forms=("narrowed",))
    assert code.explanation.chosen.form == "narrowed"
    _run(kernel, code)
