"""The IR core: hash-consed immutable UOps, dtypes, and the soundness of the range analysis."""
from __future__ import annotations

import math
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from rewriter.errors import RewriterError
from rewriter.ir.dtype import (
    DEFAULT_RULE_TYPES,
    SCALARS,
    DType,
    bool_,
    f16,
    f32,
    f64,
    i8,
    i16,
    i32,
    i64,
    idx,
    parse_dtype,
    u8,
    u16,
)
from rewriter.ir.printer import format_uop
from rewriter.ir.ranges import ranges, vmax, vmin
from rewriter.ir.uop import UOp, const, var
from tests.semantics_check import concrete_meanings
from tests.strategies import INT_DTYPES, bounded_terms, inputs_for, terms

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------
# Hash-consing
# ------------------------------------------------------------------------------------------
def test_same_fields_same_object():
    x, y = var(i32, "x"), var(i32, "y")
    assert var(i32, "x") is x
    assert UOp("add", i32, (x, y)) is UOp("add", i32, [x, y])  # src may be any iterable
    assert UOp("add", i32, (x, y), ("nsw",)) is UOp("add", i32, (x, y), ("nsw",))
    assert const(i8, 5) is const(i8, 5)
    assert var(idx, "n", 0, 10) is var(idx, "n", 0, 10)


@pytest.mark.parametrize("a, b", [
    (const(f32, 0.0), const(f32, -0.0)),
    (const(bool_, True), const(bool_, 1)),
    (const(i32, True), const(i32, 1)),
    (const(i32, 1), const(i32, 1.0)),
    (const(i8, 1), const(i16, 1)),
    (var(i32, "x"), var(i32, "y")),
    (var(i32, "x"), var(i64, "x")),
    (var(idx, "n", 0, 10), var(idx, "n")),
    (UOp("add", i32, (var(i32, "x"), var(i32, "y"))), UOp("add", i32, (var(i32, "x"), var(i32, "y")), ("nsw",))),
    (UOp("add", i32, (var(i32, "x"), var(i32, "y"))), UOp("add", i32, (var(i32, "y"), var(i32, "x")))),
], ids=["-0.0", "True-vs-1-bool", "True-vs-1-int", "1-vs-1.0", "dtype", "name", "var-dtype", "bounds",
        "flags", "operand-order"])
def test_different_fields_different_objects(a, b):
    assert a is not b and a != b
    assert (a.op, a.dtype, a.src, type(a.arg)) != (b.op, b.dtype, b.src, type(b.arg)) or repr(a.arg) != repr(b.arg)


def test_nan_constants_are_one_object():
    assert const(f32, float("nan")) is const(f32, math.nan)
    assert const(f32, float("nan")) is not const(f64, float("nan"))


@given(terms(max_depth=4))
def test_rebuilding_a_term_gives_the_same_object(t):
    rebuilt: dict = {}
    for n in t.toposort():
        rebuilt[n] = UOp(n.op, n.dtype, tuple(rebuilt[s] for s in n.src), n.arg)
        assert rebuilt[n] is n
    assert hash(rebuilt[t]) == hash(t)


@given(terms(max_depth=4))
def test_toposort_lists_operands_before_users_once(t):
    order = t.toposort()
    pos = {n: i for i, n in enumerate(order)}
    assert len(pos) == len(order)
    assert order[-1] is t
    for n in order:
        for s in n.src:
            assert pos[s] < pos[n]


def test_deep_terms_toposort_iteratively():
    u = var(i32, "x")
    for _ in range(5000):
        u = UOp("add", i32, (u, const(i32, 1)))
    assert len(u.toposort()) == 5002


# ------------------------------------------------------------------------------------------
# Immutability
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["op", "dtype", "src", "arg", "new_field"])
def test_uops_are_immutable(field):
    u = UOp("add", i8, (var(i8, "a"), var(i8, "b")))
    with pytest.raises(AttributeError):
        setattr(u, field, None)
    assert u.op == "add" and u.arg is None


def test_src_is_a_tuple():
    u = UOp("add", i8, [var(i8, "a"), var(i8, "b")])
    assert isinstance(u.src, tuple)


def test_uop_attributes_cannot_be_deleted():
    u = UOp("mul", i8, (var(i8, "del_a"), var(i8, "del_b")))
    with pytest.raises(AttributeError):
        del u.arg
    assert u.arg is None


# ------------------------------------------------------------------------------------------
# Pickling
# ------------------------------------------------------------------------------------------
@given(terms(max_depth=4))
def test_pickle_round_trip_keeps_identity(t):
    assert pickle.loads(pickle.dumps(t)) is t
    assert pickle.loads(pickle.dumps([t, t.src])) == [t, t.src]


@pytest.mark.parametrize("u", [const(f32, -0.0), const(f32, math.nan), const(bool_, True), var(idx, "n", -3, 7),
                               UOp("shl", u8, (var(u8, "a"), const(u8, 1)), ("nsw", "nuw"))], ids=format_uop)
def test_pickle_special_args(u):
    assert pickle.loads(pickle.dumps(u)) is u


def test_pickle_across_processes_yields_the_existing_object():
    """A term pickled by another process unpickles to this process's hash-consed node."""
    code = ("import pickle, sys; from rewriter.ir.dtype import i32; from rewriter.ir.uop import UOp, var, const; "
            "x = var(i32, 'x', 0, 9); t = UOp('where', i32, (UOp('lt', __import__('rewriter.ir.dtype').ir.dtype.bool_, "
            "(x, const(i32, 3))), x, const(i32, -0))); sys.stdout.buffer.write(pickle.dumps(t))")
    blob = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=REPO).stdout
    x = var(i32, "x", 0, 9)
    mine = UOp("where", i32, (UOp("lt", bool_, (x, const(i32, 3))), x, const(i32, 0)))
    assert pickle.loads(blob) is mine


def test_pickle_deep_term():
    u = var(i32, "x")
    for _ in range(5000):
        u = UOp("add", i32, (u, const(i32, 1)))
    assert pickle.loads(pickle.dumps(u)) is u
    assert "5002 nodes" in repr(u)  # repr abridges what format_uop cannot print recursively


@pytest.mark.parametrize("t, a, b", [(f32.vec(2), (0.0, 0.0), (-0.0, 0.0)), (i8.vec(2), (1, 1), (True, 1))],
                         ids=["-0.0-lane", "True-lane"])
def test_vector_constants_keep_lane_identity(t, a, b):
    ca = const(t, a)
    cb = const(t, b)
    assert ca is not cb
    assert repr(cb.arg) == repr(b)


# ------------------------------------------------------------------------------------------
# DTypes
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(SCALARS))
def test_scalar_dtype_names_round_trip(name):
    t = parse_dtype(name)
    assert t is SCALARS[name] and str(t) == name and t.name == name
    assert repr(t) == f"dtypes.{name}"
    assert not t.is_vector and t.scalar == t and t.lanes == 1


@pytest.mark.parametrize("name, scalar, lanes", [("i8x128", i8, 128), ("f32x4", f32, 4), ("u16x2", u16, 2),
                                                 ("boolx8", bool_, 8), ("idxx4", idx, 4), ("f16x1024", f16, 1024)])
def test_vector_dtypes(name, scalar, lanes):
    t = parse_dtype(name)
    assert str(t) == name and t.lanes == lanes and t.is_vector
    assert t.scalar == scalar and t == scalar.vec(lanes)
    assert t.kind == scalar.kind and t.bits == scalar.bits and t.signed == scalar.signed
    assert parse_dtype(str(t)) == t


@pytest.mark.parametrize("name, elem", [("f32*", "f32"), ("i8x128*", "i8x128"), ("u64**", "u64*"), ("bool*", "bool")])
def test_pointer_dtypes(name, elem):
    t = parse_dtype(name)
    assert t.kind == "ptr" and t.elem == parse_dtype(elem) and t.bits == 64
    assert str(t) == name and parse_dtype(str(t)) == t
    assert "DType(" in repr(t)


@pytest.mark.parametrize("name", ["i33", "int32", "I32", "i8x1", "i8x0", "x4", "", "*", "f32x", "i8x-2", "f 32", "i8 "])
def test_unknown_dtype_names(name):
    with pytest.raises(RewriterError, match="unknown type"):
        parse_dtype(name)


@pytest.mark.parametrize("t", INT_DTYPES, ids=str)
def test_int_dtype_ranges(t):
    n = 1 << t.bits
    assert t.max - t.min == n - 1
    assert (t.min < 0) == t.signed
    assert t.wrap(t.max + 1) == t.min and t.wrap(t.min - 1) == t.max


@given(st.sampled_from(INT_DTYPES), st.integers(-(1 << 130), 1 << 130))
def test_wrap_is_modular_reduction_into_range(t, v):
    w = t.wrap(v)
    assert t.min <= w <= t.max
    assert (w - v) % (1 << t.bits) == 0
    assert t.wrap(w) == w


def test_classification():
    assert all(t.is_int and t.is_integral and not t.is_idx for t in INT_DTYPES)
    assert idx.is_idx and idx.is_integral and not idx.is_int and idx.min is None and idx.max is None
    assert idx.wrap(1 << 100) == 1 << 100
    assert f16.is_float and (f16.ebits, f16.sbits) == (5, 11) and (f64.ebits, f64.sbits) == (11, 53)
    assert bool_.is_bool and (bool_.min, bool_.max) == (0, 1)
    assert DEFAULT_RULE_TYPES == INT_DTYPES + (idx,)
    assert DType("int", 8, True) is not i8 and DType("int", 8, True) == i8  # a value type


# ------------------------------------------------------------------------------------------
# Range analysis soundness
# ------------------------------------------------------------------------------------------
def _contains(iv, v) -> bool:
    lo, hi = iv
    return (lo is None or lo <= v) and (hi is None or v <= hi)


def check_ranges_sound(term: UOp, inputs: dict) -> int:
    rs = ranges(term)
    conc = concrete_meanings(term, [inputs])[0]
    checked = 0
    for n in term.toposort():
        iv = rs[n]
        if n.dtype.is_float:
            assert iv == (None, None)
            continue
        lo, hi = iv
        assert lo is None or hi is None or lo <= hi, f"empty interval {iv} for {format_uop(n)}"
        m = conc[n]
        if not m.defined or m.poison:
            continue
        v = int(m.value)
        assert _contains(iv, v), f"{format_uop(n)} : {n.dtype} = {v}, outside its range {iv}"
        checked += 1
    return checked


@given(st.data())
def test_ranges_are_sound(data):
    term = data.draw(bounded_terms(), label="term")
    inputs = data.draw(inputs_for(term), label="inputs")
    note(f"term: {format_uop(term)} : {term.dtype}")
    note("bounds: " + ", ".join(f"{v.arg.name} in [{v.arg.lo}, {v.arg.hi}]" for v in term.vars()))
    check_ranges_sound(term, inputs)


@given(st.data())
def test_ranges_are_sound_for_integer_only_terms(data):
    """Integer/idx/bool operands only (no float casts hiding sub-ranges): deeper use of the
    transfer functions of arithmetic, shifts, bitwise ops, min/max, where, comparisons."""
    from tests.strategies import INTEGRAL_DTYPES

    term = data.draw(bounded_terms(operand_dtypes=INTEGRAL_DTYPES + (bool_,)), label="term")
    inputs = data.draw(inputs_for(term), label="inputs")
    note(f"term: {format_uop(term)} : {term.dtype}")
    note("bounds: " + ", ".join(f"{v.arg.name} in [{v.arg.lo}, {v.arg.hi}]" for v in term.vars()))
    check_ranges_sound(term, inputs)


@pytest.mark.parametrize("text, expected", [
    ("x % 8", (0, 7)),
    ("x / 4", (0, 25)),
    ("x + 1", (1, 101)),
    ("x - 200", (-200, -100)),
    ("x < 101", (1, 1)),
    ("x < 0", (0, 0)),
    ("x == 200", (0, 0)),
    ("min(x, 50)", (0, 50)),
    ("max(x, 50)", (50, 100)),
    ("where(x < 101, x, 1000)", (0, 100)),
    ("x * x", (0, 10000)),
    ("abs(x - 50)", (0, 50)),
])
def test_ranges_of_bounded_idx(text, expected):
    """x : idx in [0, 100]."""
    from rewriter.dsl.parser import parse_expr
    from rewriter.dsl.typecheck import Typing, to_uop

    p = parse_expr(text)
    ty = Typing(None)
    ty.infer(p)
    u = to_uop(p, ty, idx, bounds={"x": (0, 100)})
    assert (vmin(u), vmax(u)) == expected


def test_ranges_of_bitwise_ops():
    x = var(i32, "x")
    m = UOp("and", i32, (x, const(i32, 15)))
    assert ranges(m)[m] == (0, 15)
    y = var(u8, "y", 3, 9)
    o = UOp("or", u8, (y, const(u8, 16)))
    assert ranges(o)[o] == (16, 31)


def test_ranges_of_fixed_width_wrap_to_the_type():
    x = var(u8, "x", 200, 255)
    assert ranges(UOp("add", u8, (x, const(u8, 100))))[UOp("add", u8, (x, const(u8, 100)))] == (0, 255)
    y = var(i8, "y", 0, 10)
    s = UOp("shl", i8, (y, const(i8, 3)))
    assert ranges(s)[s] == (0, 80)


def test_ranges_of_kernel_reductions():
    """A sum of n terms is within n times the body's interval where that fits the type (a
    mean of 200 bytes stays below 51001, which the u32 division rules need); max and min
    keep the body's; a sum that could wrap, or over a range the body does not use, is the
    whole type."""
    from rewriter.ir.dtype import u32

    j = var(idx, "j", 0, 199)
    x = UOp("load", u8, (j,), arg="x")
    body = UOp("cast", u32, (x,))
    total = UOp("reduce", u32, (body,), arg=("sum", ("j",)))
    assert ranges(total)[total] == (0, 200 * 255)
    biggest = UOp("reduce", u8, (x,), arg=("reduce_max", ("j",)))
    assert ranges(biggest)[biggest] == (0, 255)
    wraps = UOp("reduce", u8, (x,), arg=("sum", ("j",)))
    assert ranges(wraps)[wraps] == (0, 255)
    unused = UOp("reduce", u32, (body,), arg=("sum", ("j", "k")))
    assert ranges(unused)[unused] == (0, (1 << 32) - 1)


@pytest.mark.parametrize("t", [u8, i32, idx], ids=str)
def test_mod_range_lower_bound(t):
    a, b = var(t, "a", 1, 1), var(t, "b", 1, 5)
    r = UOp("mod", t, (a, b))
    m = concrete_meanings(r, [{a: 1, b: 1}])[0][r]
    assert m.defined and not m.poison and m.value == 0
    assert _contains(ranges(r)[r], 0), f"range {ranges(r)[r]} excludes 1 % 1 = 0"


@pytest.mark.parametrize("t", [i32, idx], ids=str)
def test_div_range_with_negative_divisor(t):
    a, b = var(t, "a", 0, 5), var(t, "b", -1, 1)
    q = UOp("div", t, (a, b))
    m = concrete_meanings(q, [{a: 5, b: -1}])[0][q]
    assert m.defined and not m.poison and m.value == -5
    assert _contains(ranges(q)[q], -5), f"range {ranges(q)[q]} excludes 5 / -1 = -5"
