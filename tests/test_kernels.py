"""Kernels end to end: every example optimized for the CPU, run and checked against the
reference interpreter; print/parse round trips; kernel errors; random small kernels."""
from __future__ import annotations

import functools
import glob

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rewriter.cli import main
from rewriter.dsl.rule import load_library
from rewriter.errors import SourceError
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.printer import format_kernel
from rewriter.kernel.reference import KernelRunError, random_inputs, run_reference
from rewriter.pipeline import check_against_reference, load, optimize

EXAMPLES = sorted(glob.glob("examples/*.ir"))


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


@pytest.mark.parametrize("path", EXAMPLES)
def test_example_on_cpu_matches_reference(path):
    kernel = load_kernel(path)
    for unroll, vectorize, engine in ((1, True, "greedy"), (2, True, "greedy"), (1, False, "greedy"),
                                      (1, True, "saturate")):
        opt = optimize(kernel, library(), "cpu", vectorize=vectorize, unroll=unroll, engine=engine)
        compiled = load(opt)
        for seed in (0, 1):
            inputs = random_inputs(kernel, seed)
            assert check_against_reference(kernel, compiled(inputs), inputs) == [], (path, unroll, vectorize, engine)


def test_examples_cover_the_issue_list():
    names = {load_kernel(p).name for p in EXAMPLES}
    assert {"add_sat_u8", "dot_i8", "conv3x3_u8", "matmul_i8", "requant_u8", "relu_f32",
            "softmax_f32", "sum3_i16"} <= names


@pytest.mark.parametrize("path", EXAMPLES)
def test_kernel_print_parse_round_trip(path):
    k = load_kernel(path)
    assert parse_kernels(format_kernel(k), path)[0] == k


def test_reference_computes_conv3x3_like_numpy():
    k = load_kernel("examples/conv3x3_u8.ir")
    ins = random_inputs(k, 7)
    i, w = ins["inp"].astype(np.int64), ins["w"].astype(np.int64)
    want = sum(i[ky:ky + 64, kx:kx + 128] * w[ky, kx] for ky in range(3) for kx in range(3))
    assert np.array_equal(run_reference(k, ins)["out"], want.astype(np.int32))


def test_reference_wraps_integer_sums_like_the_type():
    k = parse_kernels("kernel s(x: u8[4]) -> (o: u8) { i = range(4, reduce) o = sum(x[i], i) }")[0]
    assert run_reference(k, {"x": np.array([200, 100, 3, 4], np.uint8)})["o"] == (307 % 256)


def test_reference_reports_division_by_zero():
    k = parse_kernels("kernel d(a: i32[2], b: i32[2]) -> (o: i32[2]) { i = range(2) o[i] = a[i] / b[i] }",
                      "d.ir")[0]
    with pytest.raises(KernelRunError, match=r"^d\.ir:1:\d+: o\[1\]: division by zero \(b\[1\] is 0\)$"):
        run_reference(k, {"a": np.array([1, 2], np.int32), "b": np.array([1, 0], np.int32)})


BAD_KERNELS = [
    ("kernel a(x: f32[4]) -> (y: f32[4]) { i = range(5) y[i] = x[i] }", "index 0 of 'x' ranges over [0, 4]"),
    ("kernel a(x: f32[4]) -> (y: f32[4]) { i = range(4) j = range(4) y[i] = x[j] }", "does not index 'y'"),
    ("kernel a(x: i8[4]) -> (y: f32[4]) { i = range(4) y[i] = x[i] }", "type mismatch"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = q[i] }", "unknown buffer 'q'"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) }", "output 'y' is never stored"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4, reduce) y[i] = x[i] }", "reduce range 'i' indexes"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = sum(x[i], i) }", "not one"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = x[i, i] }", "has 1 dimension"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) x[i] = y[i] }", "is an input"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = 3 y[i] = x[i] }", "must declare a range"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) i[i] = x[i] y[i] = x[i] }", "'i' is a range"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) i: i8 = 3 y[i] = x[i] }", "'i' is a range"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = foo(x[i]) }", "unknown op 'foo'"),
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = x[i] +  }", "unexpected"),
    # B3/B4: stores whose points collide, and statements that read what another point writes
    ("kernel a(x: i8[8]) -> (y: i8[4]) { i = range(8) y[i / 2] = x[i] }", "must be affine"),
    ("kernel a(x: i8[4]) -> (y: i8[8]) { i = range(4) j = range(4) y[i + j] = x[i] }",
     "store to the same element of 'y'"),
    ("kernel a(x: i8[8]) -> (y: i8[8]) { i = range(8) y[i * 0] = x[i] }", "does not move with range 'i'"),
    ("kernel a(x: i8[4]) -> (y: i8[4, 4]) { i = range(4) j = range(2) y[j, 0 * i] = x[i] }",
     "does not move with range 'i'"),
    ("kernel a(x: i8[16]) -> (y: i8[16]) { i = range(16) y[i] = x[i] y[i] = y[15 - i] + 1 }",
     "reads it at another index"),
    ("kernel a(x: i8[16]) -> (y: i8[16]) { i = range(16) k = range(16, reduce) y[i] = x[i] "
     "y[i] = sum(y[k], k) }", "reads it at another index"),
    # a divisor that is always zero: no element of the kernel is defined
    ("kernel a(x: i8[4]) -> (y: i8[4]) { i = range(4) y[i] = x[i / 0] }", "division by zero"),
    ("kernel a(x: u8[4]) -> (y: u8[4]) { i = range(4) y[i] = x[i] % 0 }", "remainder by zero"),
]


@pytest.mark.parametrize("text,message", BAD_KERNELS, ids=[m for _, m in BAD_KERNELS])
def test_kernel_errors_point_at_the_source(text, message):
    with pytest.raises(SourceError) as e:
        parse_kernels(text, "bad.ir")
    rendered = e.value.render()
    assert message in rendered
    assert rendered.startswith("bad.ir:1:")
    assert "^" in rendered.splitlines()[-1]


def test_cli_reports_ir_errors_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.ir"
    bad.write_text("kernel a(x: i8[4]) -> (y: i8[4]) {\n  i = range(4)\n  y[i] = x[i] + z\n}\n")
    assert main(["optimize", str(bad), "--check"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:17: unknown name 'z'" in err and "Traceback" not in err


def test_cli_optimize_check_and_never_overwrite_input(tmp_path, capsys):
    src = tmp_path / "k.ir"
    src.write_text(open("examples/add_sat_u8.ir").read())
    assert main(["optimize", str(src), "--check"]) == 0
    assert "check against the reference interpreter: ok" in capsys.readouterr().out
    assert main(["optimize", str(src), "-o", str(src)]) == 2
    assert src.read_text() == open("examples/add_sat_u8.ir").read()
    out = tmp_path / "k.ll"
    assert main(["optimize", str(src), "--emit", "llvm", "-o", str(out)]) == 0
    assert "define void @\"add_sat_u8\"" in out.read_text() or "define void @add_sat_u8" in out.read_text()


# -- random small kernels: cpu == interpreter -------------------------------------------------
INT_OPS = ["+", "-", "*", "&", "|", "^"]
CALLS = ["min", "max", "sat_add", "sat_sub"]


@st.composite
def small_kernels(draw):
    t = draw(st.sampled_from(["i8", "u8", "i16", "i32", "u32", "i64", "f32"]))
    n = draw(st.sampled_from([1, 3, 4, 8, 12, 16, 33, 64]))
    reduce = draw(st.booleans())
    m = draw(st.sampled_from([1, 2, 3, 4, 8])) if reduce else 0
    idx = "i, k" if reduce else "i"
    leaves = [f"a[{idx}]", f"b[{idx}]", "1", "3"]

    def expr(depth):
        if depth == 0 or draw(st.integers(0, 3)) == 0:
            return draw(st.sampled_from(leaves))
        kind = draw(st.integers(0, 3))
        a, b = expr(depth - 1), expr(depth - 1)
        if kind == 0 and not t.startswith("f"):
            return f"({a} {draw(st.sampled_from(INT_OPS))} {b})"
        if kind == 0:
            return f"({a} {draw(st.sampled_from(['+', '-', '*']))} {b})"
        if kind == 1:
            fn = draw(st.sampled_from(CALLS if not t.startswith("f") else ["min", "max"]))
            return f"{fn}({a}, {b})"
        if kind == 2:
            return f"where({a} < {b}, {a}, {b})"
        return f"-{a}" if t.startswith("f") or t.startswith("i") else f"~{a}"

    body = expr(3)
    shape = f"[{n}, {m}]" if reduce else f"[{n}]"
    if t.startswith("f"):
        body = body.replace(" 1", " 1.0").replace("(1", "(1.0").replace(" 3", " 3.0").replace("(3", "(3.0")
        leaves_fix = {"1": "1.0", "3": "3.0"}
        body = leaves_fix.get(body, body)
    ranges = f"i = range({n})" + (f"; k = range({m}, reduce)" if reduce else "")
    value = f"{draw(st.sampled_from(['sum', 'reduce_max', 'reduce_min']))}({body}, k)" if reduce else body
    return f"kernel r(a: {t}{shape}, b: {t}{shape}) -> (o: {t}[{n}]) {{ {ranges}; o[i] = {value} }}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_kernels(), st.integers(0, 1000), st.booleans())
def test_random_kernels_cpu_matches_reference(text, seed, vectorize):
    try:
        kernel = parse_kernels(text, "random.ir")[0]
    except SourceError as e:  # e.g. a literal that does not fit u8
        assume(False)
        raise AssertionError(e)
    inputs = random_inputs(kernel, seed)
    if kernel.inputs[0].dtype.is_float:  # the values float folds get wrong: NaN, +-inf, -0.0
        rng = np.random.default_rng(seed)
        for arr in inputs.values():
            flat = arr.reshape(-1)
            pick = rng.random(flat.size) < 0.1
            flat[pick] = rng.choice(np.array([np.nan, np.inf, -np.inf, -0.0], arr.dtype), int(pick.sum()))
    try:
        want = run_reference(kernel, inputs)
    except KernelRunError:
        assume(False)  # UB/poison on these inputs: nothing to compare
    got = load(optimize(kernel, library(), "cpu", vectorize=vectorize))(inputs)
    from rewriter.pipeline import compare

    assert compare(kernel, got, want) == [], text


def test_outputs_never_replace_a_source_file(tmp_path, capsys):
    other = tmp_path / "mine.ir"
    other.write_text("kernel k(x: i32) -> (o: i32) { o = x }\n")
    rules = tmp_path / "mine.rules"
    rules.write_text("rule r: x + 0 => x\n")
    for target in (other, rules):
        before = target.read_text()
        assert main(["optimize", "examples/relu_f32.ir", "-o", str(target)]) == 2
        assert main(["bench", "examples/relu_f32.ir", "--repeat", "1", "--out", str(target)]) == 2
        assert target.read_text() == before
    assert "would overwrite an existing" in capsys.readouterr().err


def test_temporary_of_bare_literals_round_trips_with_its_declared_type():
    """A temporary whose value has no typed leaf parses at the declared type; the printer
    declares every temporary (found by the fuzzer: it printed kernels it could not parse)."""
    src = ("kernel k(x: i32[4]) -> (o: i32[4]) {\n  i = range(4)\n  t[i]: i32 = (3 & 1) * 5\n"
           "  o[i] = x[i] + t[i]\n}\n")
    k = parse_kernels(src)[0]
    assert format_kernel(k) == src and parse_kernels(format_kernel(k))[0] == k
    with pytest.raises(SourceError, match="'o' holds i32, not i64"):
        parse_kernels(src.replace("o[i] =", "o[i]: i64 ="))


def test_a_bitcast_gives_its_bare_literal_operand_its_width():
    """Found by `rewriter fuzz --seed 51`: `bitcast<i64>(sum(-0.0, k))` (printed from an f64
    kernel) did not parse back: nothing typed the literal, f32 by default, and a bitcast from
    f32 to i64 changes the width. The literal now defaults at the width the bitcast needs."""
    src = ("kernel f() -> (out: f64[1]) {\n  i = range(1)\n  k = range(1, reduce)\n"
           "  out[i] = bitcast<f64>(bitcast<i64>(sum(-0.0, k)))\n}\n")
    k = parse_kernels(src)[0]
    inner = k.stores[0].src[-1].src[0].src[0]
    assert inner.op == "reduce" and str(inner.dtype) == "f64"
    assert format_kernel(k) == src and parse_kernels(format_kernel(k))[0] == k
    ints = parse_kernels("kernel g() -> (out: f32[1]) {\n  i = range(1)\n  out[i] = bitcast<f32>(7 + 1)\n}\n")[0]
    assert str(ints.stores[0].src[-1].src[0].dtype) == "i32"
    halves = parse_kernels("kernel h() -> (out: i16[1]) {\n  i = range(1)\n  out[i] = bitcast<i16>(1.5)\n}\n")[0]
    assert str(halves.stores[0].src[-1].src[0].dtype) == "f16"


def test_literals_nothing_types_default_as_in_c():
    """Found by the fuzzer: `cast<f32>(sum(0.0 + 0.0, k))` printed from an f16 reduction did not
    parse ('+' needs a float type); unconstrained literals now default to idx / i32 / f32."""
    k = parse_kernels("kernel k() -> (o: f32[1], p: i32[1]) { i = range(1) r = range(2, reduce)\n"
                      "  o[i] = cast<f32>(sum(0.5 + 0.25, r))  p[i] = cast<i32>(3 & 5) }")[0]
    out = run_reference(k, {})
    assert out["o"][0] == 1.5 and out["p"][0] == 1
    assert [str(s.src[-1].src[0].dtype) for s in k.stores] == ["f32", "i32"]


# -- B1: idx is a mathematical integer, not i64 -----------------------------------------------
WIDE_IDX_KERNELS = [
    # i * C overflows i64 for i >= 3; the reference reduces the exact product mod 16.
    "kernel w(a: i32[16]) -> (o: i32[16]) { i = range(16) o[i] = a[(i * 3074457345618258603) % 16] }",
    # The same with a divisor that needs libgcc's 128-bit division.
    "kernel w(a: i32[16]) -> (o: i32[16]) { i = range(16) o[i] = a[(i * 3074457345618258603) % 13] }",
    # u64 values near 2**64 are positive idx values: i64 would read a[negative].
    "kernel w(a: i32[16], b: u64[16]) -> (o: i32[16]) { i = range(16) o[i] = a[cast<idx>(b[i]) % 16] }",
    "kernel w(a: i32[16], b: u64[16]) -> (o: i32[16]) { i = range(16) o[i] = a[cast<idx>(b[i]) % 7 + 2] }",
    # An exact intermediate past i64 that comes back in range.
    "kernel w(a: i64[16]) -> (o: i64[16]) { i = range(16) "
    "o[i] = cast<i64>(min(cast<idx>(a[i]) * 3, 9223372036854775807)) }",
    # An idx reduction: its accumulator's interval comes from the trip count.
    "kernel w(a: i32[16]) -> (o: i32[16]) { i = range(16) j = range(4, reduce) "
    "o[i] = a[min(max(sum(i * 4611686018427387904 + j, j) % 16, 0), 15)] }",
]


@pytest.mark.parametrize("text", WIDE_IDX_KERNELS)
def test_idx_wider_than_i64_is_computed_exactly(text):
    kernel = parse_kernels(text, "wide.ir")[0]
    inputs = random_inputs(kernel, 3)
    if "b" in inputs:  # values at the top of u64, where an i64 reading turns negative
        inputs["b"] = np.array([2**64 - 1 - k for k in range(16)], dtype=np.uint64)
    for vectorize in (True, False):
        compiled = load(optimize(kernel, library(), "cpu", vectorize=vectorize))
        assert check_against_reference(kernel, compiled(inputs), inputs) == [], (text, vectorize)


def test_idx_width_analysis_picks_the_narrowest_exact_width():
    from rewriter.backends.idx_width import bits_for

    assert bits_for((0, 2**63 - 1)) == 64 and bits_for((-(2**63), 0)) == 64
    assert bits_for((0, 2**63)) == 128 and bits_for((-(2**63) - 1, 0)) == 128
    assert bits_for((0, 2**200)) == 256 and bits_for((0, 2**300)) is None
    assert bits_for((None, 0)) is None


def test_unboundable_idx_and_access_are_refused_with_their_location():
    """An idx value the range analysis cannot bound has no exact fixed width, and an access
    it cannot keep in bounds would be unchecked at run time: both are refused at the
    statement (a SourceError: exit 2), never wrapped or read out of bounds."""
    from rewriter.backends.idx_width import IndexRangeError, IndexWidths
    from rewriter.errors import SourceLoc
    from rewriter.ir.dtype import i32, idx
    from rewriter.ir.uop import UOp, const, var
    from rewriter.lower.program import Loop, Program, Store

    k = parse_kernels("kernel u(a: i32[16]) -> (o: i32[16]) { i = range(16) o[i] = a[i] }")[0]
    loc = SourceLoc("u.ir", 1, 40)
    i = var(idx, "i", 0, 15)

    def program(index):
        return Program(k, (Loop(i, 16, 1, (Store("o", i, UOp("load", i32, (index,), "a"), loc),)),), None)

    unknown = UOp("acc", idx, (), "mystery")  # an accumulator nothing initializes
    with pytest.raises(IndexRangeError, match="cannot bound") as e:
        IndexWidths(program(UOp("mod", idx, (unknown, const(idx, 16)))))
    assert e.value.render().startswith("u.ir:1:40:")
    with pytest.raises(IndexRangeError, match=r"index of 'a' stays in \[0, 15\]"):
        IndexWidths(program(UOp("add", idx, (i, const(idx, 1)))))
    assert IndexWidths(program(i)).width(i) == 64
    # A 4-lane load from i < 16 would read a[16..18]; from i in 0, 4, 8, 12 it stays inside.
    vload = UOp("vload", i32.vec(4), (i,), "a")
    with pytest.raises(IndexRangeError, match=r"ranges over \[0, 15\]"):
        IndexWidths(Program(k, (Loop(i, 16, 1, (Store("o", i, vload, loc),)),), None))
    IndexWidths(Program(k, (Loop(i, 16, 4, (Store("o", i, vload, loc),)),), None))


def test_injective_stores_and_same_element_reads_are_accepted():
    """The race checks reject only what can collide: strided, reversed, 2-D and mixed-radix
    stores and a read of the element being written still run and match the reference."""
    src = ("kernel ok(x: i32[16]) -> (y: i32[64], z: i32[16], w: i32[4, 4], v: i32[16]) {\n"
           "  i = range(16)\n  a = range(4)\n  b = range(4)\n"
           "  y[3 * i + 1] = x[i]\n  z[15 - i] = x[i]\n  w[b, a] = x[4 * a + b]\n"
           "  v[4 * a + b] = x[b]\n  v[4 * a + b] = v[4 * a + b] + 1\n}\n")
    kernel = parse_kernels(src, "ok.ir")[0]
    inputs = random_inputs(kernel, 1)
    compiled = load(optimize(kernel, library(), "cpu"))
    assert check_against_reference(kernel, compiled(inputs), inputs) == []


# -- B2: float reduce_max / reduce_min fold from the first element, as the reference -------
def _same_floats(got, want):
    got, want = np.asarray(got), np.asarray(want)
    nan = np.isnan(want)
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[want.dtype.itemsize]
    return np.array_equal(np.isnan(got), nan) and np.array_equal(got[~nan].view(bits), want[~nan].view(bits))


@pytest.mark.parametrize("t", ["f32", "f16", "f64"])
def test_float_max_min_reductions_fold_nan_and_signed_zeros_like_the_reference(t):
    src = (f"kernel m(a: {t}[64], b: {t}[8, 64], c: {t}[64, 16]) -> (mx: {t}, mn: {t}, s: {t}, "
           f"rows: {t}[8], cols: {t}[16]) {{\n"
           "  i = range(8)\n  q = range(16)\n  j = range(64, reduce)\n  mx = reduce_max(a[j], j)\n"
           "  mn = reduce_min(a[j], j)\n  s = sum(a[j], j)\n  rows[i] = reduce_max(b[i, j], j)\n"
           "  cols[q] = reduce_min(c[j, q], j)\n}\n")  # cols: vectorized across q, one fold per lane
    kernel = parse_kernels(src, "m.ir")[0]
    nt = np.dtype(numpy_dtype_of(t))
    cases = []
    a = np.arange(64).astype(nt)
    for first_nan in (True, False):  # NaN first: the result is NaN; NaN later: skipped
        x = a.copy()
        x[0 if first_nan else 5] = np.nan
        cases.append(x)
    cases.append(np.array([-0.0] * 64, nt))  # the sum of -0.0s is -0.0 (+0.0 is no identity)
    z = np.zeros(64, nt)
    z[::2] = -0.0
    cases.append(z)  # ties between -0.0 and +0.0 keep the first
    cases.append(np.array([np.inf, -np.inf] * 32, nt))
    rng = np.random.default_rng(0)
    b = rng.standard_normal((8, 64)).astype(nt)
    b[::2, 0] = np.nan
    b[1::2, 7] = np.nan
    b[3] = -0.0
    c = rng.standard_normal((64, 16)).astype(nt)
    c[0, ::3] = np.nan
    c[9, 1::3] = np.nan
    c[:, 2] = 0.0
    c[5::2, 2] = -0.0
    for x in cases:
        inputs = {"a": x, "b": b, "c": c}
        want = run_reference(kernel, inputs)
        for vectorize in (True, False):
            got = load(optimize(kernel, library(), "cpu", vectorize=vectorize))(inputs)
            for name in ("mx", "mn", "s", "rows", "cols"):
                assert _same_floats(got[name], want[name]), (name, vectorize, x[:4], got[name], want[name])


def numpy_dtype_of(t: str):
    return {"f16": np.float16, "f32": np.float32, "f64": np.float64}[t]


def test_optimize_output_never_replaces_inputs_kernel_or_rules(tmp_path, capsys):
    """B5: `optimize --check --inputs in.npz -o in.npz` overwrote the inputs with IR text."""
    kernel = load_kernel("examples/relu_f32.ir")
    ins = tmp_path / "in.npz"
    np.savez(ins, **random_inputs(kernel, 0))
    before = ins.read_bytes()
    rules = tmp_path / "lib"
    rules.mkdir()
    (rules / "r.rules").write_text("rule r: x + 0 => x\n")
    for target in (ins, rules / "r.rules"):
        assert main(["optimize", "examples/relu_f32.ir", "--check", "--inputs", str(ins),
                     "--rules", str(rules), "-o", str(target)]) == 2
        assert "would overwrite the input file" in capsys.readouterr().err
    assert ins.read_bytes() == before and (rules / "r.rules").read_text() == "rule r: x + 0 => x\n"
    # Unreadable inputs are reported before anything is written.
    out = tmp_path / "out.txt"
    assert main(["optimize", "examples/relu_f32.ir", "--check", "--inputs", str(tmp_path / "nope.npz"),
                 "-o", str(out)]) == 2
    assert not out.exists()
    assert main(["optimize", "examples/relu_f32.ir", "--check", "--inputs", str(ins), "-o", str(out)]) == 0
    assert out.exists() and ins.read_bytes() == before


@pytest.mark.parametrize("path", ["examples/dot_i8.ir", "examples/conv3x3_u8.ir", "examples/softmax_f32.ir"])
def test_emit_ir_output_is_a_kernel_that_runs(path, tmp_path, capsys):
    """B7: `--emit ir` printed the loop program as code after the kernel, so the file did not
    parse back. The program is now `#` comments: the output runs and computes the same."""
    out = tmp_path / "out.ir"
    assert main(["optimize", path, "--emit", "ir", "-o", str(out)]) == 0
    text = out.read_text()
    assert "# " in text and any(line.lstrip("# ").startswith("for ") for line in text.splitlines())
    emitted, original = load_kernel(out), load_kernel(path)
    inputs = random_inputs(original, 2)
    from rewriter.pipeline import compare

    assert compare(original, run_reference(emitted, inputs), run_reference(original, inputs)) == []
    assert main(["run", str(out), "--target", "ref", "-o", str(tmp_path / "o.npz")]) == 0


@pytest.mark.parametrize("values,message", [
    (np.full(8192, 0.7, np.float32), "non-integer value 0.7"),
    (np.full(8192, np.nan, np.float64), "non-integer value nan"),
    (np.full(8192, 300, np.int64), "values outside u8 (from 300 to 300)"),
    (np.full(8192, -1, np.int16), "values outside u8"),
])
def test_inputs_that_an_integer_buffer_cannot_hold_are_refused(values, message, tmp_path, capsys):
    """B8: floats and NaN fed to u8 buffers were cast silently (0.7 -> 0, NaN -> 0...)."""
    ins = tmp_path / "in.npz"
    np.savez(ins, a=values, b=np.zeros(8192, np.uint8))
    for target in ("ref", "cpu"):
        assert main(["run", "examples/add_sat_u8.ir", "--target", target, "--inputs", str(ins),
                     "-o", str(tmp_path / "o.npz")]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1
    np.savez(ins, a=np.full(8192, 7.0), b=np.zeros(8192, np.uint8))  # integral floats are exact
    assert main(["run", "examples/add_sat_u8.ir", "--inputs", str(ins), "-o", str(tmp_path / "o.npz")]) == 0


def test_names_may_hold_capitals_after_their_first_letter():
    """`scale_N`, `xIn`: names start lowercase (an initial capital is a rule constant, `C`)
    but may hold capitals after it, as users write them."""
    from rewriter.kernel.parser import parse_kernels
    (k,) = parse_kernels("kernel scale_N(xIn: u8[4]) -> (outY: u8[4]) {\n  i = range(4)\n  outY[i] = xIn[i] + xIn[i]\n}\n")
    assert k.name == "scale_N" and [b.name for b in k.buffers] == ["xIn", "outY"]


@pytest.mark.parametrize("n, dtype", [(1000, "i16"), (77, "u8"), (4099, "f32")])
def test_a_scalar_temporary_holds_one_value_for_the_stores_after_it(n, dtype):
    """`m = reduce_max(a[i], i)` defines a 0-dimensional temporary (found by an outside
    kernel: the parser asked for a range there). argmax as two reductions through it, at
    several sizes and types; it prints (typed) and parses back, and the CPU agrees with the
    reference interpreter."""
    src = (f"kernel argmax(a: {dtype}[{n}]) -> (o: i32[1]) {{\n  i = range({n}, reduce)\n  z = range(1)\n"
           f"  m = reduce_max(a[i], i)\n  o[z] = reduce_min(where(a[i] == m, cast<i32>(i), {n}), i)\n}}\n")
    k = parse_kernels(src)[0]
    assert k.buffer("m").shape == () and k.buffer("m").role == "temp"
    assert parse_kernels(format_kernel(k))[0] == k
    inputs = random_inputs(k, 3)
    want = run_reference(k, inputs)
    assert want["o"][0] == int(np.argmax(inputs["a"]))
    assert check_against_reference(k, load(optimize(k, library(), "cpu"))(inputs), inputs) == []
    with pytest.raises(SourceError, match="unknown op 'rnage'"):
        parse_kernels(src.replace("range(1)", "rnage(1)"))
