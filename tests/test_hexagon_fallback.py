"""Every kernel compiles for Hexagon: where our HVX selection cannot cover a kernel, the
target ships LLVM -O3's code and says so; where ours compiles, the fewer packets on QEMU
win (rewriter/targets/hexagon.py). Each case runs on QEMU and is checked against the
reference interpreter."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.targets.hexagon import FALLBACK, LLVM_FASTER, OURS, VERSUS, _race, made_by

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _kernel(text: str):
    return parse_kernels(text)[0]


def _checked(kernel, library, inputs=None, **options):
    opt = optimize(kernel, library, "hexagon", Options(scheduler="list", **options))
    inputs = inputs if inputs is not None else random_inputs(kernel, 3)
    got = load(opt)(inputs)
    assert not check_against_reference(kernel, got, inputs)
    return opt


#: Kernels our selection does not cover today, one per feature the fallback must carry,
#: at sizes that are not multiples of the vector (and small: QEMU runs them in well under
#: a second).
FALLBACKS = {
    "float_temporary": """kernel k(x: f32[8, 20]) -> (out: f32[8, 20]) {
      r = range(8); i = range(20); j = range(20, reduce)
      s[r]: f32 = sum(x[r, j], j)
      out[r, i] = x[r, i] - s[r] }""",
    "division": """kernel k(x: i32[300], d: i32[300]) -> (q: i32[300]) {
      i = range(300)
      q[i] = x[i] / (d[i] % 7 + 9) }""",
    "strided": """kernel k(x: u8[1800]) -> (out: u8[200]) {
      i = range(200)
      out[i] = max(x[i * 9], x[i * 9 + 2]) }""",
    "ninthed_index": """kernel k(x: u8[16]) -> (out: u8[144]) {
      i = range(144)
      out[i] = x[i / 9] + 1 }""",
    "temporary": """kernel k(x: u8[10, 140]) -> (out: u8[10, 140]) {
      r = range(10); j = range(140); k = range(140, reduce)
      m[r]: u8 = reduce_max(x[r, k], k)
      out[r, j] = m[r] - x[r, j] }""",
    "wide_idx_modulo": """kernel k(n: i64[1], x: i16[30]) -> (out: i16[9]) {
      i = range(9); k = range(1, reduce)
      out[i] = sum(x[cast<idx>(n[k]) * 3 % 15 + 14], k) }""",
}


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_kernels_our_selection_rejects_run_on_llvms_code(name, library):
    k = _kernel(FALLBACKS[name])
    opt = _checked(k, library)
    assert made_by(opt.code) == FALLBACK
    assert any(n.startswith("fallback: LLVM -O3 (our selection: ") for n in opt.notes)
    assert opt.target.summary(opt.lowered)[0].startswith("fallback: LLVM -O3 (our selection: ")
    assert opt.text("ir").startswith("# made by: LLVM -O3")
    asm = opt.text("asm")
    assert f".globl\t{k.name}" in asm or f".globl {k.name}" in asm


@pytest.mark.parametrize("op, want", [("min", [np.nan, 1.0, np.nan, -2.0]), ("max", [np.nan, 1.0, np.nan, 3.0])])
def test_float_min_max_keep_the_op_tables_nan(op, want, library):
    """LLVM's Hexagon backend turns the compare-and-select into sfmin/sfmax (IEEE minNum:
    min(NaN, 7) = 7); the op table says a < b ? ... : a, so NaN in `a` wins."""
    k = _kernel(f"""kernel k(a: f32[4], b: f32[4]) -> (out: f32[4]) {{
      i = range(4)
      out[i] = {op}(a[i], b[i]) }}""")
    inputs = {"a": np.array([np.nan, 1, np.nan, -2], np.float32), "b": np.array([7, np.nan, np.nan, 3], np.float32)}
    opt = _checked(k, library, inputs)
    got = load(opt)(inputs)["out"]
    np.testing.assert_array_equal(got, np.array(want, np.float32))


@pytest.mark.parametrize("example", ["add_sat_u8", "maxpool2x2_u8"])
def test_our_code_is_kept_where_it_runs_fewer_packets(example, library):
    k = load_kernel(ROOT / "examples" / f"{example}.ir")
    opt = _checked(k, library)
    assert made_by(opt.code) == OURS
    race = [x for x in opt.notes if x.startswith(VERSUS)]
    assert len(race) == 1 and "ours kept" in race[0]
    assert opt.text("ir").startswith("# made by: our HVX selection")
    # Without the race: our code, and no word of LLVM.
    alone = _checked(k, library, versus_llvm=False)
    assert made_by(alone.code) == OURS and not any(x.startswith(VERSUS) for x in alone.notes)


def test_llvms_code_is_shipped_where_ours_does_not_run(library):
    """The race's other branch: our code broken on purpose (it cannot assemble) loses to
    LLVM's, which is then what the target loads."""
    k = _kernel("""kernel k(a: u8[256], b: u8[256]) -> (out: u8[256]) {
      i = range(256)
      out[i] = sat_sub(a[i], b[i]) }""")
    ours = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False)).code
    broken = replace(ours, asm=ours.asm.replace(f"{k.name}:", "\tnot_an_instruction\n" + f"{k.name}:", 1))
    code = _race(k, broken, library, Options(scheduler="list"))
    assert made_by(code) == LLVM_FASTER and "our code failed on QEMU" in code.reason
    assert code.ours is broken


def test_explain_says_fallback(library):
    k = _kernel(FALLBACKS["division"])
    opt = optimize(k, library, "hexagon", Options(time_limit=0.5))
    assert opt.target.explain(opt.lowered).startswith("fallback: LLVM -O3 (our selection: HexagonUnsupported")
    with pytest.raises(RewriterError, match="the code is LLVM's"):
        opt.target.schedule_svg(opt.lowered, "t")


def test_a_kernel_neither_can_compile_is_a_typed_error(library):
    k = _kernel("""kernel k(a: f64[64], b: f64[64]) -> (out: f64[64]) {
      i = range(64)
      out[i] = a[i] * b[i] }""")
    with pytest.raises(RewriterError, match=r"our selection failed .* and so did LLVM's baseline .*__hexagon_muldf3"):
        optimize(k, library, "hexagon", Options(scheduler="list"))


@pytest.mark.parametrize("n, acc", [(300, "i64"), (77, "u64")])
def test_values_wider_than_a_lane_are_refused_by_their_type(n, acc, library):
    """A 64-bit accumulator is named as the reason (it was reported as "rows of N lanes
    (nested loops)", the first structural refusal a search met); LLVM's code runs and checks."""
    src = "i16" if acc == "i64" else "u16"
    k = _kernel(f"""kernel k(a: {src}[{n}], b: {src}[{n}]) -> (out: {acc}) {{
      i = range({n}, reduce)
      out = sum(cast<{acc}>(a[i]) * cast<{acc}>(b[i]), i) }}""")
    opt = _checked(k, library)
    assert made_by(opt.code) == FALLBACK
    assert f"values of type {acc} (an HVX lane holds at most 32 bits" in opt.target.summary(opt.lowered)[0]
