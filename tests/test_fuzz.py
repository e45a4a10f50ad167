"""`rewriter fuzz`: it finds planted unsound rules (in terms and in kernels) within seconds and
writes runnable corpus entries that name them; `--seed` replays a run; targets plug in; a
crash of generated code is a finding, not the end of the run; and a short run over the real
library finds nothing (while bugs the fuzzer found are open, that test is an expected failure:
each is probed directly, so it turns strict again once they are fixed)."""
from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from rewriter.cli import main as cli_main
from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError
from rewriter.fuzz.corpus import new_entry, wrap_term, write_new
from rewriter.fuzz.runner import FuzzConfig, parse_duration, run_fuzz
from rewriter.fuzz.targets import (
    TARGETS,
    TargetCrash,
    call_isolated,
    register_target,
    run_target,
)
from rewriter.ir import dtype as dt
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import numpy_dtype, run_reference


def fuzz(tmp_path, **kw):
    kw.setdefault("corpus", tmp_path / "corpus")
    kw.setdefault("shrink_s", 5.0)
    kw.setdefault("seed", 1)
    return run_fuzz(FuzzConfig(**kw), log=lambda line: None)


def entry_naming(report, rule: str):
    """The corpus entry whose README blames (or lists) `rule`."""
    for f in report.failures:
        readme = (f.path / "README.txt").read_text()
        if f"  {rule} (" in readme or f"  {rule}  (" in readme:
            return f.path, readme
    raise AssertionError(f"no failure names {rule}: {[f.message for f in report.failures]}")


def check_entry_runs(entry, rules_path):
    kernel = parse_kernels((entry / "case.ir").read_text(), str(entry / "case.ir"))[0]
    with np.load(entry / "inputs.npz") as data:
        inputs = {k: data[k] for k in data.files}
    return kernel, inputs, load_library([rules_path])


# -- planted bugs ------------------------------------------------------------------------------
def test_planted_rule_is_found_in_terms(tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text("rule bad: x - 1 => x\n")
    report = fuzz(tmp_path, rules=[str(bad)], targets=["ref"], time_s=5, mode="terms",
                  types=["i8", "i32", "u16", "idx"], max_failures=2, shrink_s=2)
    assert report.exit_code == 1
    entry, readme = entry_naming(report, "bad")
    assert f"{bad}:1:" in readme  # the rule's file:line:col
    assert "original:" in readme and "rewritten:" in readme and "rewriter simplify" in readme
    kernel, inputs, lib = check_entry_runs(entry, bad)
    # The saved kernel shows the bug: the planted rule changes what it computes.
    want = run_reference(kernel, inputs)
    got = run_target("ref", kernel, lib, inputs)
    assert any(not np.array_equal(got[k], want[k]) for k in want)


def test_planted_rule_is_found_in_kernels(tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text("rule bad-shr [i32]: x / 2 => x >> 1\n")
    report = fuzz(tmp_path, rules=[str(bad)], targets=["ref"], time_s=10, mode="kernels", types=["i32"])
    assert report.exit_code == 1
    entry, readme = entry_naming(report, "bad-shr")
    assert f"{bad}:1:" in readme and "rewriter optimize" in readme and "inputs.npz" in readme
    kernel, inputs, lib = check_entry_runs(entry, bad)
    want = run_reference(kernel, inputs)
    got = run_target("ref", kernel, lib, inputs)
    assert any(not np.array_equal(got[k], want[k]) for k in want)


# -- the real library ----------------------------------------------------------------------------
# Bugs the fuzzer found in the project, each pinned by its minimal repro.
def test_float_max_keeps_its_operand_order():
    from rewriter.ir.printer import format_uop
    from rewriter.rewrite.engine import Rewriter

    a32 = var(dt.f32, "a")  # max(0.5, a) != max(a, 0.5) for a = NaN or -0.0 / +0.0 pairs
    assert format_uop(Rewriter(load_library(["rules"])).normalize(
        UOp("max", dt.f32, (const(dt.f32, 0.5), a32)))) == "max(0.5, a)"


def test_one_mod_a_is_not_folded():
    from rewriter.rewrite.engine import Rewriter

    t = UOp("mod", dt.i32, (const(dt.i32, 1), var(dt.i32, "a")))  # 1 % 1 == 0, 1 % 2 == 1
    assert Rewriter(load_library(["rules"])).normalize(t).op != "const"


def test_mul_add_const_terminates():
    from rewriter.rewrite.engine import Rewriter

    t = UOp("add", dt.u16, (UOp("mul", dt.u16, (var(dt.u16, "a"), const(dt.u16, 32))), const(dt.u16, 32)))
    Rewriter(load_library(["rules"])).normalize(t)  # raised RuleCycleError


@pytest.mark.parametrize("src, inputs", [
    # a vectorized store of a loop-invariant value wrote one lane of each vector
    ("kernel k(x: i32) -> (o: i32[16]) { i = range(16) o[i] = x }", {"x": np.array(5, np.int32)}),
    # a reduction whose body does not use the vectorized range: vector acc + scalar body
    ("kernel r(x: i32[8]) -> (o: i32[8]) { i = range(8) k = range(4, reduce) o[i] = sum(x[i], k) }",
     {"x": np.arange(8, dtype=np.int32)}),
    ("kernel r(x: i32) -> (o: i32[1]) { i = range(1) k = range(32, reduce) o[i] = sum(x, k) }",
     {"x": np.array(3, np.int32)}),
    # fma at f16 went through f64 and __truncdfhf2 (SIGSEGV)
    ("kernel f(x: f16[4]) -> (o: f16[4]) { i = range(4) o[i] = fma(x[i], x[i], x[i]) }",
     {"x": np.array([0.1257, -3.0, 65504.0, 1e-7], np.float16)}),
    # cast<f16>(f64) called __truncdfhf2, which MCJIT cannot resolve (SIGSEGV)
    ("kernel h(x: f64[8]) -> (o: f16[8]) { i = range(8) o[i] = cast<f16>(x[i]) }",
     {"x": np.array([1.0, 65519.99, 65520.0, -1e-8, 2049.0000001, np.nan, np.inf, 3.14159], np.float64)}),
])
def test_fuzz_found_kernels_match_the_reference(src, inputs):
    from rewriter.kernel.reference import run_reference
    from rewriter.pipeline import load, optimize

    k = parse_kernels(src)[0]
    want = run_reference(k, inputs)
    for vectorize in (True, False):
        got = call_isolated(load(optimize(k, load_library(["rules"]), "cpu", vectorize=vectorize)), inputs)
        for name in want:
            np.testing.assert_array_equal(got[name], want[name])


def test_short_run_over_the_real_library_finds_nothing(tmp_path):
    report = fuzz(tmp_path, rules=["rules"], targets=["cpu"], time_s=3, mode="both", max_failures=3,
                  shrink_s=2, seed=3)
    assert report.counts["terms"]["cases"] > 0 and report.counts["kernels"]["cases"] > 0
    assert report.failures == [], [(f.path / "README.txt").read_text() for f in report.failures]


# -- reproducibility, plumbing -------------------------------------------------------------------
def test_same_seed_same_first_cases(tmp_path):
    lib = load_library(["rules"])
    runs = [fuzz(tmp_path / str(i), rules=["rules"], library=lib, targets=["ref"], time_s=2, mode="both", seed=s,
                 max_failures=10, shrink_s=0.3) for i, s in enumerate((5, 5, 6))]
    for mode in ("terms", "kernels"):
        a, b, c = (r.first_cases[mode] for r in runs)
        n = min(len(a), len(b))
        assert n >= 1 and a[:n] == b[:n], mode
        assert a[:n] != c[:n] or not c, mode


def test_targets_plug_in(tmp_path):
    def zeros(kernel, library, inputs):
        return {b.name: np.zeros(b.shape, numpy_dtype(b.dtype)) for b in kernel.outputs}

    def reference(kernel, library, inputs):
        return run_reference(kernel, inputs)

    register_target("test-zeros", run=zeros)
    register_target("test-reference", run=reference)
    try:
        assert fuzz(tmp_path / "ok", rules=["rules"], targets=["test-reference"], time_s=1.5,
                    mode="kernels").failures == []
        report = fuzz(tmp_path / "bad", rules=["rules"], targets=["test-zeros"], time_s=5, mode="kernels",
                      shrink_s=2)
        assert report.failures and "test-zeros" in report.failures[0].message
        assert (report.failures[0].path / "case.ir").exists()
    finally:
        TARGETS.pop("test-zeros", None)
        TARGETS.pop("test-reference", None)


def test_crashing_code_is_a_finding_not_the_end():
    with pytest.raises(TargetCrash, match="SIGSEGV"):
        call_isolated(lambda _: os.kill(os.getpid(), signal.SIGSEGV), None)
    with pytest.raises(TargetCrash, match="ZeroDivisionError"):
        call_isolated(lambda x: 1 // x, 0)
    assert call_isolated(lambda x: {"o": np.arange(x)}, 3)["o"].tolist() == [0, 1, 2]


def test_terms_become_runnable_kernels():
    n = var(dt.idx, "n_idx", 0, 7)  # a range-shaped variable stays a range
    a = var(dt.i32, "a_i32")
    term = UOp("add", dt.i32, (a, UOp("cast", dt.i32, (n,))))
    kernel, text, inputs = wrap_term(term, {a: [10, 20, 30]}, [0, 2])
    assert parse_kernels(text)[0] == kernel
    out = run_reference(kernel, inputs)["out"]
    assert out.shape == (8, 2) and out[3].tolist() == [13, 33]


def test_corpus_entries_never_overwrite(tmp_path):
    first = new_entry(tmp_path, "terms", "same case", 7)
    second = new_entry(tmp_path, "terms", "same case", 7)
    assert first != second and first.name.startswith("terms-") and first.name.endswith("-seed7")
    write_new(first / "README.txt", "one")
    with pytest.raises(FileExistsError):
        write_new(first / "README.txt", "two")
    assert (first / "README.txt").read_text() == "one"


@pytest.mark.parametrize("text,seconds", [("60", 60), ("60s", 60), ("2m", 120), ("1.5m", 90), ("500ms", 0.5)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("argv,message", [
    (["--target", "nope", "--time", "1s"], "unknown fuzz target 'nope'"),
    (["--time", "soon"], "bad duration 'soon'"),
    (["--time", "0s"], "must be positive"),
    (["--types", "i8x4", "--time", "1s"], "cannot fuzz at i8x4"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path):
    assert cli_main(["fuzz", *argv, "--corpus", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unknown_target_is_a_rewriter_error():
    with pytest.raises(RewriterError, match="known: .*cpu.*ref"):
        run_target("nope", None, None, {})


def test_kernel_fuzzer_generates_indices_past_i64_and_cpu_agrees():
    """B1 (idx lowered to i64) was invisible to the fuzzer: its indices stayed small. It now
    draws products with constants past 2**63 and indices derived from u64/i64 data; the
    CPU must agree with the reference on such kernels."""
    from hypothesis import HealthCheck, Phase, find, settings

    from rewriter.fuzz.kernels import BIG_IDX_CONSTANTS, kernel_cases
    from rewriter.fuzz.values import kernel_inputs

    quick = settings(max_examples=2000, database=None, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))
    for wanted in (lambda c: any(str(k) in c.text for k in BIG_IDX_CONSTANTS),
                   lambda c: "cast<idx>(x" in c.text and ": u64[" in c.text):
        case = find(kernel_cases(dtypes=(dt.i32, dt.u64)), lambda c: c.kernel is not None and wanted(c),
                    settings=quick)
        inputs = kernel_inputs(case.kernel, case.seed, case.profiles)
        try:
            want = run_reference(case.kernel, inputs)
        except RewriterError:
            continue  # UB on these inputs: nothing to compare
        got = run_target("cpu", case.kernel, load_library(["rules"]), inputs)
        for name in want:
            np.testing.assert_array_equal(got[name], want[name], err_msg=case.text)


def test_generated_kernels_keep_their_buffers_small():
    """An index that is a narrow range far from 0 (a large constant) used to size its buffer
    by its top (`x1: i32[2**32]` for `x1[2**32 - 1]`: 16 GiB of input, the fuzzer OOM-killed);
    indices are shifted so every dimension stays within MAX_BUFFER (+ the padding)."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    from rewriter.fuzz.kernels import MAX_BUFFER, kernel_cases

    def too_big(c):
        return c.kernel is not None and any(n > MAX_BUFFER + 2 for b in c.kernel.buffers for n in b.shape)

    quick = settings(max_examples=300, database=None, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck))
    with pytest.raises(NoSuchExample):
        find(kernel_cases(dtypes=(dt.i32, dt.u64)), too_big, settings=quick)


def test_kernel_fuzzer_draws_only_types_every_target_computes_faithfully():
    """WebGPU's documented f16 gap (lavapipe computes it at f32 precision) is left out of the
    kernels drawn for it, as the random-kernel tests do; other targets keep f16."""
    from rewriter.fuzz.modes import KernelMode
    lib = load_library(["rules"])
    assert dt.f16 not in KernelMode(lib, [TARGETS["cpu"], TARGETS["webgpu"]]).dtypes
    assert dt.f16 in KernelMode(lib, [TARGETS["cpu"]]).dtypes
    assert dt.f32 in KernelMode(lib, [TARGETS["webgpu"]]).dtypes


def test_webgpu_fuzz_target_does_not_compare_non_finite_results():
    """`-inf - -inf` is NaN, but WGSL lets the compiler assume no inf/NaN (lavapipe folds
    `x - x` to 0): the kernel fuzzer does not compare such a result on webgpu (as the
    random-kernel tests `assume` finite results), and counts it."""
    from collections import Counter

    from rewriter.fuzz.kernels import KernelCase
    from rewriter.fuzz.modes import KernelMode
    text = "kernel f(x: f32[2]) -> (out: f32[2]) {\n  i = range(2)\n  out[i] = x[i] - x[i]\n}\n"
    k = parse_kernels(text)[0]
    case = KernelCase(text, k, {"x": "special"}, 0)
    mode = KernelMode(load_library(["rules"]), [TARGETS["webgpu"]])
    counts = Counter()
    for seed in range(40):  # the "special" profile draws inf/NaN often
        case = KernelCase(text, k, {"x": "special"}, seed)
        assert mode.check(case, counts) is None
    assert counts["inf/NaN results (not compared on webgpu)"] > 0


def test_a_targets_refusal_subclass_is_a_known_gap_not_a_failure():
    """webgpu's WgslTypeError (a WgslError placed at its store) is a refusal like its base
    (a soak run reported an i64 kernel as a failure when only the class's own name counted)."""
    from rewriter.fuzz.modes import _unsupported
    from rewriter.targets.webgpu import WgslTypeError

    assert _unsupported(WgslTypeError("type i64 is not supported by the WebGPU backend yet: ..."))
    assert not _unsupported(WgslTypeError("an internal bug"))
    assert not _unsupported(ValueError("not supported yet"))
