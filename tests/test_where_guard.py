"""`where` is C's `?:` (issue 14): UB in the arm it does not select is not UB, on every target.

The interpreter (all three domains), the rewrite engine's `may_be_undefined`, the reference
interpreter's diagnosis of UB that remains, every backend available here run against the
reference on zero divisors and MIN / -1, a cpu run that would trap (SIGFPE) reported as an
error instead of a signal death, and the reference's memory bound (issue 15).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import z3

from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError, ToolchainError
from rewriter.fuzz.targets import get_target
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.dtype import DType, bool_
from rewriter.ir.interp import interpret
from rewriter.ir.ranges import ranges
from rewriter.ir.smt import Z3BVDomain
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import KernelRunError, reference_run, run_reference
from rewriter.pipeline import optimize
from rewriter.rewrite.engine import may_be_undefined

ROOT = Path(__file__).resolve().parents[1]
I32 = DType("int", 32, True)


@pytest.fixture(scope="module")
def library():
    return load_library([str(ROOT / "rules")])


def _guarded(t: DType, cond_op: str = "ne"):
    a, b = var(t, "a"), var(t, "b")
    c = UOp(cond_op, bool_, (b, const(t, 0)))
    return a, b, UOp("where", t, (c, UOp("div", t, (a, b)), const(t, 0)))


def test_concrete_where_guards_the_unselected_arm_and_needs_the_selected_one():
    t = I32
    a, b, g = _guarded(t)
    d = ConcreteDomain(4)
    env = {a: d.from_python(t, [7, 7, t.min, 5]), b: d.from_python(t, [0, 2, -1, 0])}
    m = interpret([g], d, env)[g]
    # b=0 selects the constant arm: defined; MIN / -1 is selected: UB, as in C.
    assert list(m.defined) == [True, True, False, True]
    assert [int(v) for v, ok in zip(m.value, m.defined) if ok] == [0, 3, 0]
    # The other way round the division is selected exactly where b = 0 (MIN / -1 is not).
    _, _, bad = _guarded(t, "eq")
    assert list(interpret([bad], d, env)[bad].defined) == [False, True, True, False]


@pytest.mark.parametrize("bits,signed", [(8, True), (16, False), (32, True)])
def test_z3_proves_the_guarded_division_always_defined(bits, signed):
    t = DType("int", bits, signed)
    a, b, g = _guarded(t)
    d = Z3BVDomain()
    av, bv = d.var(t, "a")[0], d.var(t, "b")[0]
    m = interpret([g], d, {a: av, b: bv})[g]
    s = z3.Solver()
    s.add(z3.Not(m.defined))
    if signed:  # MIN / -1 remains: the only way to be undefined
        assert s.check() == z3.sat
        s.add(z3.Not(z3.And(bv == (1 << bits) - 1, av == 1 << (bits - 1))))
    assert s.check() == z3.unsat


def test_a_poison_condition_needs_both_arms_defined():
    t = I32
    x, b = var(t, "x"), var(t, "b")
    poison_c = UOp("lt", bool_, (UOp("shl", t, (x, const(t, 40))), const(t, 0)))  # shift >= width
    g = UOp("where", t, (poison_c, UOp("div", t, (x, b)), const(t, 0)))
    d = ConcreteDomain(2)
    m = interpret([g], d, {x: d.from_python(t, [1, 1]), b: d.from_python(t, [0, 1])})[g]
    assert list(m.defined) == [False, True] and all(m.poison)


def test_may_be_undefined_skips_an_arm_the_condition_never_selects():
    t = I32
    x, b = var(t, "x", 0, 9), var(t, "b", 0, 9)
    div = UOp("div", t, (x, b))
    never = UOp("lt", bool_, (x, const(t, 0)))  # x in 0..9: never true
    assert not may_be_undefined(UOp("where", t, (never, div, x)), ranges(UOp("where", t, (never, div, x))))
    maybe = UOp("lt", bool_, (x, const(t, 5)))
    term = UOp("where", t, (maybe, div, x))
    assert may_be_undefined(term, ranges(term))


GUARDED = """kernel g(a: {t}[{n}], b: {t}[{n}]) -> (q: {t}[{n}], r: {t}[{n}], s: {t}) {{
  i = range({n})
  j = range({n}, reduce)
  q[i] = where(b[i] != 0{ok_i}, a[i] / b[i], a[i])
  r[i] = where(b[i] == 0{bad_i}, 7, a[i] % b[i])
  s = sum(where(b[j] != 0{ok_j}, a[j] / b[j], 1), j)
}}"""


def _guarded_kernel(t: DType, n: int):
    # Signed types also guard MIN / -1 (the one other UB of / and %), as a C programmer would.
    def minus1(i):
        return f"(a[{i}] == {t.min} && b[{i}] == -1)" if t.signed else ""
    text = GUARDED.format(t=t, n=n, ok_i=f" && !{minus1('i')}" if t.signed else "",
                          bad_i=f" || {minus1('i')}" if t.signed else "",
                          ok_j=f" && !{minus1('j')}" if t.signed else "")
    return parse_kernels(text, "g.ir")[0]


def _inputs(t: DType, n: int, seed: int):
    rng = np.random.default_rng(seed)
    nt = {(8, True): np.int8, (16, False): np.uint16, (32, True): np.int32, (64, True): np.int64}[(t.bits, t.signed)]
    a = rng.integers(t.min, t.max, n, dtype=nt, endpoint=True)
    b = rng.integers(-2 if t.signed else 0, 3, n).astype(nt)  # many zeros (and -1s)
    b[0] = 0
    if t.signed:
        a[1], b[1] = t.min, -1
    return {"a": a, "b": b}


def _available(name: str, kernel, library):
    try:
        return get_target(name).build(kernel, library)
    except RewriterError as e:  # a missing toolchain or an unsupported op: nothing to compare
        pytest.skip(f"{name}: {e}")


@pytest.mark.parametrize("target", ["ref", "cpu", "cuda-sim", "webgpu", "cuda", "hexagon"])
@pytest.mark.parametrize("t,n", [(DType("int", 8, True), 37), (DType("int", 32, True), 256),
                                 (DType("int", 16, False), 100), (DType("int", 64, True), 64)])
def test_guarded_division_agrees_with_the_reference_on_every_target(library, target, t, n):
    k = _guarded_kernel(t, n)
    ins = _inputs(t, n, seed=n)
    want = run_reference(k, ins)
    b = ins["b"]
    assert want["q"][0] == ins["a"][0] and want["r"][0] == 7  # b = 0: the other arm
    built = _available(target, k, library)
    try:
        got = built.run(ins)
    except ToolchainError as e:  # no GPU (cuda) here: the simulator runs the same program
        pytest.skip(f"{target}: {e}")
    for name in ("q", "r", "s"):
        assert np.array_equal(np.asarray(got[name]), want[name]), (target, name)
    assert np.count_nonzero(b == 0) > 1


def test_hexagon_says_the_llvm_fallback_made_the_guarded_division(library):
    """Our HVX selector has no integer division: the Hexagon target ships LLVM -O3's code for
    it (the guarded division above runs on QEMU and agrees with the reference) and says so."""
    k = parse_kernels("kernel h(a: i32[1024], b: i32[1024]) -> (q: i32[1024]) {\n  i = range(1024)\n"
                      "  q[i] = where(b[i] != 0, a[i] / b[i], a[i])\n}\n", "h.ir")[0]
    opt = optimize(k, library, "hexagon")
    assert any(n.startswith("fallback: LLVM -O3") and "op div at i32 not supported" in n for n in opt.notes)


def test_reference_names_store_index_and_operand_of_remaining_ub():
    k = parse_kernels("""kernel u(a: i32[20], b: i32[20, 5]) -> (o: i32[20], p: i32[20]) {
  i = range(20)
  j = range(5, reduce)
  o[i] = where(a[i] > 0, a[i] / b[i, 0], 0)
  p[i] = sum(a[i] % b[i, j], j)
}""", "u.ir")[0]
    a = np.arange(20, dtype=np.int32) - 3
    b = np.ones((20, 5), np.int32)
    b[1, 0] = 0  # a[1] = -2: the arm is not selected, no UB
    b[17, 0] = 0
    with pytest.raises(KernelRunError, match=r"^u\.ir:4:3: o\[17\]: division by zero \(b\[17, 0\] is 0\)$"):
        run_reference(k, {"a": a, "b": b})
    b[17, 0], b[1, 0], b[4, 3] = 1, 1, 0
    with pytest.raises(KernelRunError, match=r"^u\.ir:5:3: p\[4\]: remainder by zero \(b\[4, 3\] is 0\) \(at j=3\)$"):
        run_reference(k, {"a": a, "b": b})
    b[4, 3], b[9, 0], a[9] = 1, -1, np.iinfo(np.int32).min
    # o's arm is not selected at a[9] < 0; p's remainder is unguarded.
    with pytest.raises(KernelRunError, match=r"p\[9\]: remainder overflows: -2147483648 % -1 \(a\[9\] is "
                                             r"-2147483648, b\[9, 0\] is -1\) \(at j=0\)$"):
        run_reference(k, {"a": a, "b": b})


def test_cpu_run_of_an_unguarded_division_by_zero_is_an_error_not_a_signal(tmp_path):
    (tmp_path / "d.ir").write_text("kernel d(a: i64[300], b: i64[300]) -> (o: i64[300]) {\n"
                                   "  i = range(300)\n  o[i] = a[i] / b[i]\n}\n")
    b = np.ones(300, np.int64)
    b[217] = 0
    np.savez(tmp_path / "in.npz", a=np.arange(300, dtype=np.int64), b=b)
    for cmd in (["run", "--target", "cpu", "d.ir", "--inputs", "in.npz", "-o", "out.npz"],
                ["optimize", "--target", "cpu", "--check", "d.ir", "--inputs", "in.npz", "-o", "d.ll"]):
        p = subprocess.run([sys.executable, "-m", "rewriter.cli", *cmd], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert p.returncode == 1, (p.returncode, p.stderr)  # never negative (a signal), never 136
        err = p.stderr.strip().splitlines()
        assert len(err) == 1 and "d.ir:3:3: o[217]: division by zero (b[217] is 0)" in err[0], p.stderr
        assert "SIGFPE" in err[0]


@pytest.mark.parametrize("t,n", [("u8", 1 << 19), ("i32", 200_000)])
def test_reference_stays_within_its_memory_bound(t, n):
    """Issue 15: a large kernel's check grew to ~10 GB. With a 1 MiB bound the reference
    evaluates in chunks (each reduction too) and gives exactly the unchunked result."""
    import tracemalloc

    k = parse_kernels(f"""kernel big(a: {t}[{n}], b: {t}[{n}]) -> (o: {t}[{n}], s: {t}) {{
  i = range({n})
  j = range({n}, reduce)
  o[i] = where(b[i] != 0, a[i] / b[i], a[i]) + 1
  s = sum(a[j] & 3, j)
}}""", "big.ir")[0]
    nt = np.uint8 if t == "u8" else np.int32
    rng = np.random.default_rng(n)
    ins = {"a": rng.integers(0, 100, n).astype(nt), "b": rng.integers(0, 4, n).astype(nt)}
    tracemalloc.start()
    small = reference_run(k, ins, max_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    buffers = 3 * n * np.dtype(nt).itemsize
    assert small.chunks > 8 and small.note == f"checked in {small.chunks:,} chunks (memory bound)"
    assert peak < buffers + (16 << 20), peak  # unbounded, this kernel takes ~150 MB per 1M points
    q = np.where(ins["b"] != 0, ins["a"] // np.where(ins["b"] != 0, ins["b"], 1), ins["a"]) + 1
    assert np.array_equal(small.outputs["o"], q.astype(nt))
    assert int(small.outputs["s"]) == int(np.sum(ins["a"].astype(np.int64) & 3)) % (1 << 32 if t == "i32" else 256)


def test_optimize_check_says_it_checked_in_chunks(tmp_path, monkeypatch, capsys):
    from rewriter import cli
    from rewriter.kernel import reference

    monkeypatch.setattr(reference, "WORK_BYTES", 64 << 10)  # the default bound, read per call
    (tmp_path / "k.ir").write_text("kernel k(a: i32[5000]) -> (o: i32[5000]) {\n  i = range(5000)\n"
                                   "  o[i] = where(a[i] != 0, 1000 / a[i], -1)\n}\n")
    np.savez(tmp_path / "in.npz", a=np.arange(5000, dtype=np.int32) % 5)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["optimize", "--target", "cpu", "--check", "k.ir", "--inputs", "in.npz", "-o", "k.ll"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^# checked in \d+ chunks \(memory bound\)$", out, re.MULTILINE), out
    assert "# check against the reference interpreter: ok" in out
