"""bf16 end to end: the reference evaluator (ml_dtypes), .npz inputs and outputs, the check's
tolerance, and the CPU target (bf16 as i16 bits in LLVM IR: backends/llvm_round.py), bit for
bit against the reference on the values where roundings go wrong: ties, values just off a
tie, subnormals, overflow, infinities and NaN."""
from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
import pytest

from rewriter.cli import main
from rewriter.dsl.rule import load_library
from rewriter.kernel.check import BF16_TOLERANCE, compare
from rewriter.kernel.inputs import read_inputs
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.pipeline import load, optimize

BF16 = ml_dtypes.bfloat16


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


def rne_bits(x: np.ndarray) -> np.ndarray:
    """f32 -> bf16 bits rounded to nearest even, independently of ml_dtypes: exact rationals."""
    out = []
    for v in np.asarray(x, np.float32):
        if np.isnan(v):
            out.append(0x7FC0)
            continue
        bits = int(np.array(v, np.float32).view(np.uint32))
        lo, rest = bits >> 16, bits & 0xFFFF
        up = rest > 0x8000 or (rest == 0x8000 and lo & 1)
        out.append((lo + up) & 0xFFFF)
    return np.array(out, np.uint16)


def bits(a) -> np.ndarray:
    a = np.asarray(a)
    nan = np.isnan(a)
    return np.where(nan, 0x7FC0, a.view(np.uint16))


def tricky_f32(n: int, seed: int) -> np.ndarray:
    """f32 values at, just below and just above bf16 midpoints, across the exponent range,
    plus subnormals, the overflow edge, zeros, infinities and NaN."""
    rng = np.random.default_rng(seed)
    hi = rng.integers(0, 1 << 16, n, dtype=np.uint32) << 16
    lo = rng.choice(np.array([0x8000, 0x7FFF, 0x8001, 0, 0xFFFF, 1], np.uint32), n)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 3.3895314e38, 3.4e38, 1e-40, -1e-45, 9.2e-41],
                       np.float32)
    return np.concatenate([(hi | lo).view(np.float32), special])


def test_reference_rounds_f32_to_bf16_to_nearest_even():
    x = tricky_f32(4000, 0)
    k = parse_kernels(f"kernel r(a: f32[{len(x)}]) -> (o: bf16[{len(x)}]) {{\n  i = range({len(x)})\n"
                      "  o[i] = cast<bf16>(a[i])\n}\n", "r.ir")[0]
    got = run_reference(k, {"a": x})["o"]
    assert np.array_equal(bits(got), rne_bits(x))


def test_reference_bf16_arithmetic_is_one_rounding_of_the_exact_result():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(500).astype(BF16)
    b = (rng.standard_normal(500) * 2.0 ** rng.integers(-20, 20, 500)).astype(BF16)
    k = parse_kernels("kernel r(a: bf16[500], b: bf16[500]) -> (s: bf16[500], p: bf16[500], q: bf16[500]) {\n"
                      "  i = range(500)\n  s[i] = a[i] + b[i]\n  p[i] = a[i] * b[i]\n  q[i] = a[i] / b[i]\n}\n",
                      "r.ir")[0]
    out = run_reference(k, {"a": a, "b": b})
    fa, fb = a.astype(np.float64), b.astype(np.float64)
    for name, exact in (("s", fa + fb), ("p", fa * fb)):  # exact in f64: 8-bit significands
        assert np.array_equal(out[name].view(np.uint16), exact.astype(BF16).view(np.uint16)), name
    assert out["s"].dtype == BF16


OPS_KERNEL = """kernel ops(x: bf16[N], y: bf16[N], z: bf16[N], f: f32[N], d: f64[N], w: i32[N], l: i64[N], u: u64[N])
    -> (add: bf16[N], mul: bf16[N], div: bf16[N], fma: bf16[N], sq: bf16[N], mn: bf16[N], lt: bool[N],
        ff: bf16[N], fd: bf16[N], fw: bf16[N], fl: bf16[N], fu: bf16[N], back: f32[N], half: f16[N],
        int: i32[N], raw: u16[N], from_raw: bf16[N], sel: bf16[N]) {
  i = range(N)
  add[i] = x[i] + y[i]
  mul[i] = x[i] * y[i]
  div[i] = x[i] / y[i]
  fma[i] = fma(x[i], y[i], z[i])
  sq[i] = sqrt(abs(x[i]))
  mn[i] = min(x[i], y[i])
  lt[i] = x[i] < y[i]
  ff[i] = cast<bf16>(f[i])
  fd[i] = cast<bf16>(d[i])
  fw[i] = cast<bf16>(w[i])
  fl[i] = cast<bf16>(l[i])
  fu[i] = cast<bf16>(u[i])
  back[i] = cast<f32>(x[i])
  half[i] = cast<f16>(x[i])
  int[i] = where(abs(x[i]) < 1000.0, cast<i32>(x[i]), 0)
  raw[i] = bitcast<u16>(x[i])
  from_raw[i] = bitcast<bf16>(cast<u16>(w[i] & 65535))
  sel[i] = where(x[i] < 0.0, y[i], z[i])
}
"""


def ops_inputs(n: int, seed: int) -> dict:
    with np.errstate(invalid="ignore"):  # NaN and inf among the values, on purpose
        return _ops_inputs(n, seed)


def _ops_inputs(n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    f = tricky_f32(n - 10, seed)
    x = f.astype(BF16)
    y = np.where(rng.random(n) < 0.5, -x, rng.standard_normal(n)).astype(BF16)[rng.permutation(n)]
    z = (rng.standard_normal(n) * 2.0 ** rng.integers(-30, 30, n)).astype(BF16)
    # f64 values that round differently through f32 (double rounding): a bf16 midpoint plus a tiny bit
    mid = f.astype(np.float64) + np.where(rng.random(n) < 0.5, 1, -1) * np.abs(f.astype(np.float64)) * 2.0 ** -40
    d = np.where(np.isfinite(mid), mid, 1.5)
    big = rng.integers(-(1 << 62), 1 << 62, n, dtype=np.int64)
    # integers just off a bf16 midpoint in their low bits: 2^40 + 2^32 + 1 and such
    l = np.where(rng.random(n) < 0.5, big, (np.int64(1) << 40) + (np.int64(1) << 32) + rng.integers(-3, 4, n))
    u = rng.integers(0, np.iinfo(np.uint64).max, n, dtype=np.uint64, endpoint=True)
    w = rng.integers(-(1 << 31), (1 << 31) - 1, n, dtype=np.int32)
    return {"x": x, "y": y, "z": z, "f": f, "d": d, "w": w, "l": l, "u": u}


@pytest.mark.parametrize("vectorize", [True, False])
def test_cpu_bf16_ops_match_the_reference_bit_for_bit(vectorize):
    n = 4106
    kernel = parse_kernels(OPS_KERNEL.replace("N", str(n)), "ops.ir")[0]
    inputs = ops_inputs(n, 3)
    want = run_reference(kernel, inputs)
    got = load(optimize(kernel, library(), "cpu", vectorize=vectorize))(inputs)
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        if b.dtype.is_float and b.dtype.bits == 16 and b.dtype.ebits == 8:
            g, w = g.view(BF16), w.view(BF16)
        if b.dtype.is_float:
            assert np.array_equal(np.isnan(g), np.isnan(w)), b.name
            ok = ~np.isnan(w)
            width = {2: np.uint16, 4: np.uint32}[w.dtype.itemsize]
            bad = np.nonzero(g[ok].view(width) != w[ok].view(width))[0]
        else:
            bad = np.nonzero(g != w)[0]
        assert not len(bad), (b.name, [(inputs["x"][ok][i] if b.dtype.is_float else i) for i in bad[:3]],
                              g[ok][bad[:3]] if b.dtype.is_float else g[bad[:3]])


def test_bf16_outputs_are_compared_within_their_own_precision():
    k = parse_kernels("kernel r(a: bf16[4]) -> (o: bf16[4], p: f32[4]) {\n  i = range(4)\n"
                      "  o[i] = a[i]\n  p[i] = cast<f32>(a[i])\n}\n", "r.ir")[0]
    want = {"o": np.ones(4, BF16), "p": np.ones(4, np.float32)}
    near = {"o": np.full(4, 1 + 2.0 ** -7, BF16), "p": want["p"]}  # one bf16 ulp off
    assert compare(k, near, want) == []
    far = {"o": np.full(4, 1 + 2.0 ** -4, BF16), "p": want["p"]}  # 8 ulps off
    assert [m.buffer for m in compare(k, far, want)] == ["o"]
    assert BF16_TOLERANCE[0] < 2.0 ** -5


def test_bf16_npz_inputs_and_outputs(tmp_path, capsys):
    src = tmp_path / "k.ir"
    src.write_text("kernel k(a: bf16[3]) -> (o: bf16[3]) {\n  i = range(3)\n  o[i] = a[i] * a[i]\n}\n")
    kernel = parse_kernels(src.read_text(), str(src))[0]
    a = np.array([1.5, -3.0, 2.0 ** -100], BF16)
    raw, floats = tmp_path / "raw.npz", tmp_path / "floats.npz"
    np.savez(raw, a=a)  # np.save keeps ml_dtypes' bf16 as 2-byte records (|V2)
    np.savez(floats, a=a.astype(np.float64))
    for path in (raw, floats):
        got = read_inputs(path, kernel)["a"]
        assert got.dtype == BF16 or got.dtype.kind == "f"
        assert np.array_equal(got.astype(np.float64), a.astype(np.float64))
    out = tmp_path / "out.npz"
    assert main(["run", str(src), "--target", "ref", "--inputs", str(raw), "-o", str(out)]) == 0
    o = np.load(out)["o"]
    assert o.dtype == np.float32  # written exactly, as numpy reads it back
    assert np.array_equal(o, (a.astype(np.float32) ** 2).astype(BF16).astype(np.float32))
    records = tmp_path / "bad.npz"
    k2 = tmp_path / "k2.ir"
    k2.write_text("kernel k(a: f32[3]) -> (o: f32[3]) {\n  i = range(3)\n  o[i] = a[i]\n}\n")
    np.savez(records, a=a)  # 2-byte records are bf16 only for a bf16 input
    capsys.readouterr()
    assert main(["run", str(k2), "--target", "ref", "--inputs", str(records)]) == 2
    err = capsys.readouterr().err
    assert "numpy type |V2" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_random_bf16_inputs_and_a_cpu_matmul(tmp_path):
    for m, n, k in ((16, 24, 40), (5, 7, 3)):
        kernel = parse_kernels(f"kernel mm(a: bf16[{m}, {k}], b: bf16[{k}, {n}]) -> (c: f32[{m}, {n}]) {{\n"
                               f"  m = range({m}); n = range({n}); k = range({k}, reduce)\n"
                               "  c[m, n] = sum(cast<f32>(a[m, k]) * cast<f32>(b[k, n]), k)\n}\n", "mm.ir")[0]
        inputs = random_inputs(kernel, 2)
        assert inputs["a"].dtype == BF16
        want = run_reference(kernel, inputs)["c"]
        exact = inputs["a"].astype(np.float64) @ inputs["b"].astype(np.float64)
        assert np.allclose(want, exact, rtol=1e-5, atol=1e-5)
        got = load(optimize(kernel, library(), "cpu"))(inputs)["c"]
        assert np.allclose(got, want, rtol=1e-4, atol=1e-5)


def test_array_translation_of_a_bf16_kernel_matches_reference():
    """The benchmark's PyTorch / numpy port (kernel/array_ref.py) holds bf16 as bf16."""
    from rewriter.kernel.array_ref import array_kernel, carrier
    from tests.test_gpu_suite import _agree

    k = parse_kernels("kernel t(a: bf16[6, 40], b: bf16[40]) -> (o: bf16[6, 40], s: f32[6]) {\n"
                      "  y = range(6); x = range(40); r = range(40, reduce)\n"
                      "  o[y, x] = a[y, x] * b[x] + a[y, x]\n"
                      "  s[y] = sum(cast<f32>(a[y, r]) * cast<f32>(b[r]), r)\n}\n", "t.ir")[0]
    assert carrier(k.buffer("a").dtype) == "bfloat16"
    inputs = random_inputs(k, 4)
    got = array_kernel(k)(**inputs)
    assert got["o"].dtype == BF16
    _agree(k, got, run_reference(k, inputs))
