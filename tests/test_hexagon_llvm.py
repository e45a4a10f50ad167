"""The LLVM -O3 baseline for Hexagon: every example compiles, runs on QEMU and matches the
reference interpreter; HVX auto-vectorization is really on; the freestanding exp2f is exact
enough; missing library routines are typed errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rewriter.backends.hexagon_llvm import UnsupportedByBaseline, baseline_llvm_ir, compile_llvm_baseline
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime.hexagon import run_on_qemu

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.ir"))


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_correctly_through_the_baseline(path, library):
    k = load_kernel(path)
    inputs = random_inputs(k, seed=7)
    run = run_on_qemu(k, compile_llvm_baseline(k, library), inputs)
    assert check_against_reference(k, run.outputs, inputs) == []
    assert run.counts.packets > 0 and run.counts.insns >= run.counts.packets


def test_baseline_ir_is_hexagons_not_the_hosts(library):
    ir = baseline_llvm_ir(load_kernel(ROOT / "examples/add_sat_u8.ir"), library)
    assert 'target triple = "hexagon-unknown-elf"' in ir
    assert "e-m:e-p:32:32:32" in ir  # Hexagon's data layout: 32-bit pointers


_SCALAR_BUILD = """
import json, sys
import rewriter.backends.hexagon_llvm as H
H.LLVM_OPTIONS = tuple(o for o in H.LLVM_OPTIONS if o != "-hexagon-autohvx")
import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.runtime.hexagon import run_on_qemu
k = load_kernel(sys.argv[1])
run = run_on_qemu(k, H.compile_llvm_baseline(k, load_library([sys.argv[2]])), random_inputs(k, 1))
print(json.dumps({"packets": run.counts.packets, "hvx": run.counts.hvx_insns}))
"""


def test_hexagon_autohvx_option_takes_effect(library):
    """llvmlite ignores unknown option names silently: compare against a build without the
    option (a fresh process, since cl::opts are process-wide)."""
    path = ROOT / "examples/add_sat_u8.ir"
    k = load_kernel(path)
    hvx = run_on_qemu(k, compile_llvm_baseline(k, library), random_inputs(k, 1)).counts
    out = subprocess.run([sys.executable, "-c", _SCALAR_BUILD, str(path), str(ROOT / "rules")],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    scalar = json.loads(out.stdout)
    assert scalar["hvx"] == 0
    # 8192 bytes in 128-byte vectors: 64 vector loads of each input and 64 stores at least.
    assert hvx.hvx_insns >= 3 * 8192 // 128
    assert hvx.packets * 10 < scalar["packets"]


def test_requant_wrapping_multiply_is_not_a_fixed_point_multiply(library):
    """The HvxIdioms miscompile the baseline turns off: acc * 77 wraps in 32 bits for these
    inputs, so the shifted product differs from a full-width fixed-point multiply."""
    k = load_kernel(ROOT / "examples/requant_u8.ir")
    acc = np.array([50773491, 1095936102, -1997793075, -329310395] * 2048, dtype=np.int32)
    run = run_on_qemu(k, compile_llvm_baseline(k, library), {"acc": acc})
    assert check_against_reference(k, run.outputs, {"acc": acc}) == []


def test_freestanding_exp2f_matches_numpy(library):
    k = parse_kernels("""kernel exp2_f32(x: f32[512]) -> (out: f32[512]) {
      i = range(512)
      out[i] = exp2(x[i])
    }""")[0]
    special = [0.0, -0.0, 1.0, -1.0, 0.5, 127.0, 127.99, 128.0, 200.0, -126.0, -130.5, -149.0, -149.9,
               -151.0, -1000.0, np.inf, -np.inf, np.nan]
    rng = np.random.default_rng(0)
    x = np.concatenate([special, rng.uniform(-140, 127, 512 - len(special))]).astype(np.float32)
    got = run_on_qemu(k, compile_llvm_baseline(k, library), {"x": x}).outputs["out"]
    with np.errstate(over="ignore"):
        want = np.exp2(x.astype(np.float64)).astype(np.float32)  # correctly rounded to f32
    normal = np.isfinite(want) & (want >= np.finfo(np.float32).tiny)
    assert np.max(np.abs(got[normal] / want[normal].astype(np.float64) - 1)) < 1e-6
    # Subnormal results: within one unit of the smallest subnormal.
    tiny = np.isfinite(want) & ~normal
    assert tiny.sum() >= 5
    assert np.max(np.abs(got[tiny].astype(np.float64) - want[tiny])) <= 2.0 ** -149
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    assert np.isnan(got[np.isnan(x)]).all() and got[x == np.inf][0] == np.inf and got[x == 200][0] == np.inf
    assert got[x == -np.inf][0] == 0 and got[x == -1000][0] == 0


@pytest.mark.parametrize("t", ["i32", "u32", "i64", "u64"])
def test_integer_division_through_the_support_routines(t, library):
    """Hexagon has no divide instruction: LLVM calls __hexagon_{div,mod,udiv,umod}{si,di}3,
    which hexagon_support.py provides. Full-range operands, the extremes of each type, and
    divisors above the dividend (the early exit)."""
    k = parse_kernels(f"""kernel divmod_{t}(a: {t}[256], b: {t}[256]) -> (q: {t}[256], r: {t}[256]) {{
      i = range(256)
      q[i] = a[i] / b[i]
      r[i] = a[i] % b[i]
    }}""")[0]
    inputs = random_inputs(k, seed=3)
    a, b = inputs["a"], inputs["b"]
    b[b == 0] = 1
    b[:4] = [1, 2, 3, np.iinfo(b.dtype).max]
    a[:4] = np.iinfo(a.dtype).max
    if t.startswith("i"):
        b[4:8] = [-1, -2, -3, np.iinfo(b.dtype).min]
        a[(a == np.iinfo(a.dtype).min) & (b == -1)] = 0  # the one overflowing quotient is UB
    run = run_on_qemu(k, compile_llvm_baseline(k, library), inputs)
    assert check_against_reference(k, run.outputs, inputs) == []


def test_copy_through_the_support_memcpy(library):
    """LLVM turns a copy loop into a call of Hexagon's aligned-memcpy entry point."""
    k = parse_kernels("""kernel copy_u8(a: u8[8192]) -> (out: u8[8192]) {
      i = range(8192)
      out[i] = a[i]
    }""")[0]
    inputs = random_inputs(k, seed=5)
    run = run_on_qemu(k, compile_llvm_baseline(k, library), inputs)
    np.testing.assert_array_equal(run.outputs["out"], inputs["a"])


def _ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance in units in the last place between finite f32 values of the same sign."""
    return np.abs(got.view(np.int32).astype(np.int64) - want.view(np.int32).astype(np.int64))


@pytest.mark.parametrize("op, ref, max_ulp", [("sqrt", np.sqrt, 1), ("log2", np.log2, 4)])
def test_freestanding_sqrt_and_log2(op, ref, max_ulp, library):
    special = [0.0, -0.0, 1.0, 2.0, 4.0, 0.25, 9.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, 1e-40, 1.17e-38,
               3.4e38, 1.0000001, 0.99999994]
    rng = np.random.default_rng(1)
    n = 1024
    x = np.concatenate([special, np.exp(rng.uniform(-100, 88, n // 2 - len(special))),
                        rng.uniform(0.5, 2, n // 2)]).astype(np.float32)
    k = parse_kernels(f"kernel {op}_f32(x: f32[{n}]) -> (out: f32[{n}]) {{\n  i = range({n})\n"
                      f"  out[i] = {op}(x[i])\n}}")[0]
    got = run_on_qemu(k, compile_llvm_baseline(k, library), {"x": x}).outputs["out"]
    with np.errstate(all="ignore"):
        want = ref(x.astype(np.float64)).astype(np.float32)  # correctly rounded
    finite = np.isfinite(want)
    assert _ulps(got[finite], want[finite]).max() <= max_ulp
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isinf(want)], want[np.isinf(want)])
    if op == "sqrt":
        assert np.signbit(got[(x == 0) & np.signbit(x)]).all()  # sqrt(-0) = -0


def test_freestanding_half_conversions_are_exact(library):
    """__extendhfsf2 on every f16 bit pattern; __truncsfhf2 on every finite f16, every
    midpoint between neighbours (the round-to-nearest-even ties) and the overflow edge."""
    every = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    k = parse_kernels("kernel ext(x: f16[65536]) -> (out: f32[65536]) {\n  i = range(65536)\n"
                      "  out[i] = cast<f32>(x[i])\n}")[0]
    got = run_on_qemu(k, compile_llvm_baseline(k, library), {"x": every}).outputs["out"]
    want = every.astype(np.float32)
    same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
    assert same.all()

    finite = np.sort(want[np.isfinite(want)])
    edges = np.array([65504, 65519.996, 65520, 1e6, np.inf, -np.inf, np.nan, 2.0 ** -25, 2.0 ** -26], np.float32)
    x = np.concatenate([finite, (finite[1:] + finite[:-1]) / 2, edges]).astype(np.float32)
    n = len(x)
    k = parse_kernels(f"kernel trunc(x: f32[{n}]) -> (out: f16[{n}]) {{\n  i = range({n})\n"
                      f"  out[i] = cast<f16>(x[i])\n}}")[0]
    got = run_on_qemu(k, compile_llvm_baseline(k, library), {"x": x}).outputs["out"]
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)  # numpy rounds to nearest, ties to even
    same = (got.view(np.uint16) == want.view(np.uint16)) | (np.isnan(got) & np.isnan(want))
    assert same.all()


def test_missing_library_routine_is_named(library):
    k = parse_kernels("""kernel mul_f64(a: f64[64], b: f64[64]) -> (out: f64[64]) {
      i = range(64)
      out[i] = a[i] * b[i]
    }""")[0]
    with pytest.raises(UnsupportedByBaseline, match="__hexagon_muldf3"):
        compile_llvm_baseline(k, library)
