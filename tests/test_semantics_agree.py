"""The concrete evaluator and the Z3 encodings (bitvector and Int) agree.

They are one interpreter (`interpret`) run over three domains, so they can only disagree where a
domain primitive is wrong or where the op table's semantics depend on something the domains
represent differently. For random well-typed terms and random inputs, and for every op of the
op table at every dtype it supports, the concrete meaning (value, defined, poison) of every node
must equal the Z3 meaning on the same inputs. See `tests/semantics_check.py` for the exact
comparison and for the nodes excluded (each excluded library bug has a strict-xfail test here).
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
import z3
from hypothesis import given, note
from hypothesis import strategies as st

from rewriter.errors import NotEncodable
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.dtype import bool_, f16, f32, f64, i8, i32, i64, idx, parse_dtype, u8, u64
from rewriter.ir.interp import interpret, operand_type
from rewriter.ir.ops import OPS, type_class
from rewriter.ir.printer import format_uop
from rewriter.ir.smt import Z3BVDomain, Z3IntDomain
from rewriter.ir.uop import UOp, const, var
from tests.semantics_check import compare, concrete_meanings, describe_inputs, same_value
from tests.strategies import (
    IDX_EDGES,
    INT_DTYPES,
    SCALAR_DTYPES,
    TermGen,
    _can_bitcast,
    float_bits,
    float_edges,
    inputs_for,
    int_edges,
    var_name,
)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

DOMAINS = (Z3BVDomain, Z3IntDomain)


def expect_not_encodable_int(term: UOp) -> bool:
    """Whether Z3IntDomain must refuse the term: bitwise ops at fixed-width integer types,
    shifts there by an amount that mentions a variable (one with none is a multiplication or
    a floor division by 2^k), and bitcast at any type."""
    for n in term.toposort():
        if n.op in ("var", "const"):
            continue
        if n.op == "bitcast":
            return True
        if n.op in ("shl", "shr") and operand_type(n).is_int and not n.src[1].vars():
            continue
        if not OPS[n.op].encodable_int and operand_type(n).is_int:
            return True
    return False


def check_term(term: UOp, inputs: dict, mode: str = "solver") -> int:
    note(f"term: {format_uop(term)} : {term.dtype}")
    note(f"inputs: {describe_inputs(inputs)}")
    total = 0
    for dom_cls in DOMAINS:
        try:
            problems, compared = compare(term, [inputs], dom_cls(), mode)
        except NotEncodable:
            assert dom_cls is Z3IntDomain and expect_not_encodable_int(term), \
                f"{dom_cls.__name__} raised NotEncodable for {format_uop(term)}"
            continue
        if dom_cls is Z3IntDomain:
            assert not expect_not_encodable_int(term), "Z3IntDomain encoded a bitwise op/shift/bitcast"
        assert not problems, "\n".join(problems)
        total += compared
    return total


# ------------------------------------------------------------------------------------------
# Random terms
# ------------------------------------------------------------------------------------------
@given(st.data())
def test_random_terms_agree(data):
    # float exp2/log2 are generated too: their defined/poison are compared, not their values
    term = data.draw(TermGen().terms(None, 4), label="term")
    inputs = data.draw(inputs_for(term), label="inputs")
    check_term(term, inputs)


@given(st.data())
def test_random_bool_terms_agree(data):
    """Rooted at bool: comparisons, is_pow2, where/casts to bool, logical ops get exercised
    with operands of every type."""
    term = data.draw(TermGen().terms(bool_, 3), label="term")
    inputs = data.draw(inputs_for(term), label="inputs")
    check_term(term, inputs)


@given(st.data())
def test_random_int_terms_agree_in_subst_mode(data):
    """Same property with the other way of feeding inputs (ground terms from `dom.const`)."""
    t = data.draw(st.sampled_from(INT_DTYPES + (idx,)), label="dtype")
    term = data.draw(TermGen().terms(t, 4), label="term")
    inputs = data.draw(inputs_for(term), label="inputs")
    check_term(term, inputs, mode="subst")


# ------------------------------------------------------------------------------------------
# Every op at every dtype it supports (deterministic, not left to hypothesis' luck)
# ------------------------------------------------------------------------------------------
def _edges(t) -> list:
    if t.is_bool:
        return [False, True]
    if t.is_int:
        return int_edges(t)
    if t.is_idx:
        return IDX_EDGES + [-300, 300, 5, -5, 6]
    return float_edges(t)


def op_cases():
    """(op, operand dtype T, result dtype) for every op and every scalar dtype it supports."""
    for name, od in OPS.items():
        sig = od.sig
        if sig.result == "@" and sig.params:  # cast, bitcast: every source x target pair
            for src in SCALAR_DTYPES:
                for dst in SCALAR_DTYPES:
                    if name == "bitcast" and not _can_bitcast(src, dst):
                        continue
                    yield pytest.param(name, src, dst, id=f"{name}-{src}-{dst}")
        elif sig.result not in ("T", "bool", "@"):  # fixed types (target instructions: hvx.*)
            yield pytest.param(name, parse_dtype(sig.params[0]), parse_dtype(sig.result), id=name)
        elif sig.result == "@":  # nullary int_max / int_min / bits
            for t in SCALAR_DTYPES:
                if type_class(t) in sig.T:
                    yield pytest.param(name, t, t, id=f"{name}-{t}")
        else:
            for t in SCALAR_DTYPES:
                if type_class(t) in sig.T and od.semantics_for(t) is not None:
                    res = t if sig.result == "T" else bool_
                    yield pytest.param(name, t, res, id=f"{name}-{t}")


def _node_variants(name: str, t, res) -> list[UOp]:
    od = OPS[name]
    if od.sig.result == "@" and not od.sig.params:
        return [UOp(name, res, (), None)]
    operands = []
    for i, p in enumerate(od.sig.params):
        pt = bool_ if p == "bool" else t if p == "T" else parse_dtype(p)
        operands.append(var(pt, var_name("abcdefgh"[i], pt)))
    flag_sets = [None] + [(f,) for f in sorted(od.flags)]
    if len(od.flags) > 1:
        flag_sets.append(tuple(sorted(od.flags)))
    if od.sig.result == "@":
        flag_sets = [None]
    return [UOp(name, res, tuple(operands), fl) for fl in flag_sets]


def _samples(node: UOp, n: int, seed: str) -> list[dict]:
    vs = node.vars()
    if not vs:
        return [{}]
    rng = random.Random(seed)
    pools = [_edges(v.dtype) for v in vs]
    if len(vs) == 1:
        vals = pools[0] if len(pools[0]) <= n else rng.sample(pools[0], n)
        combos = [(x,) for x in vals]
    else:
        combos = [tuple(rng.choice(p) for p in pools) for _ in range(n)]
        # equal operands (x - x, x / x, x == x ...) where the operand types agree
        if all(v.dtype == vs[0].dtype for v in vs):
            combos += [(x,) * len(vs) for x in rng.sample(pools[0], min(3, len(pools[0])))]
    return [dict(zip(vs, c)) for c in combos]


def _has_fixed_width(node: UOp) -> bool:
    return any(n.dtype.is_int for n in node.toposort())


def run_op_case(name, t, res, n):
    compared = 0
    for node in _node_variants(name, t, res):
        samples = _samples(node, n, f"{name}-{t}-{res}-{node.arg}")
        # Z3BVDomain differs from Z3IntDomain only on fixed-width integers: elsewhere it is the
        # same code, so one domain is enough (the random-term tests still run both everywhere).
        for dom_cls in DOMAINS if _has_fixed_width(node) else (Z3BVDomain,):
            try:
                problems, k = compare(node, samples, dom_cls(), "subst")
            except NotEncodable:
                assert dom_cls is Z3IntDomain and expect_not_encodable_int(node)
                continue
            assert not problems, f"{len(problems)} disagreements, first ones:\n" + "\n".join(problems[:8])
            compared += k
    assert compared > 0


@pytest.mark.parametrize("name, t, res", list(op_cases()))
def test_op_agrees(name, t, res):
    run_op_case(name, t, res, n=8)


@pytest.mark.slow
def test_every_op_agrees_thoroughly():
    """The per-op comparison with 15x the samples (CI's slow step: `pytest -m slow`)."""
    for case in op_cases():
        run_op_case(*case.values, n=150)


def test_op_cases_cover_the_whole_table():
    covered = {c.values[0] for c in op_cases()}
    assert covered == set(OPS)
    dtypes = {c.values[1] for c in op_cases()}
    assert dtypes == set(SCALAR_DTYPES)


# ------------------------------------------------------------------------------------------
# Domain primitives that the op-level comparison does not isolate
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("t", SCALAR_DTYPES, ids=str)
@pytest.mark.parametrize("dom_cls", DOMAINS, ids=lambda c: c.name)
def test_const_and_to_python_round_trip(t, dom_cls):
    """`to_python(const(v))` is v, the value `ConcreteDomain.const` holds (ints wrap)."""
    d, cd = dom_cls(), ConcreteDomain(1)
    model = z3.Solver()
    model.check()
    m = model.model()
    vals = _edges(t)
    if t.is_int:
        vals = vals + [t.max + 1, t.min - 1, 1 << 70, -(1 << 70)]  # out of range: wraps
    for v in vals:
        back = d.to_python(t, m, d.const(t, v))
        with np.errstate(all="ignore"):
            ref = cd.const(t, v)[0]
        assert same_value(t, back, ref), f"const({v!r}) -> {back!r}, concrete {ref!r}"


@pytest.mark.parametrize("t", [i8, u8, i32, u64, idx, bool_, f16, f32, f64], ids=str)
@pytest.mark.parametrize("dom_cls", DOMAINS, ids=lambda c: c.name)
def test_var_constraint_is_the_type_range(t, dom_cls):
    """Int-domain fixed-width vars are constrained to the type's range; others unconstrained."""
    x, c = dom_cls().var(t, "x")
    s = z3.Solver()
    s.add(c)
    assert s.check() == z3.sat
    if t.is_int and dom_cls is Z3IntDomain:
        for bad in (t.min - 1, t.max + 1):
            assert s.check(x == bad) == z3.unsat
        for good in (t.min, t.max):
            assert s.check(x == good) == z3.sat
    else:
        assert z3.is_true(z3.simplify(c))


# ------------------------------------------------------------------------------------------
# Known disagreements (library bugs): strict xfail, each with a minimal repro
# ------------------------------------------------------------------------------------------
def _z3_meaning(term, inputs, dom):
    from tests.semantics_check import z3_meanings_solver

    return z3_meanings_solver(term, inputs, dom)[term]


def test_fma_f64_overflow():
    a, b, c = (var(f64, n) for n in "abc")
    node = UOp("fma", f64, (a, b, c))
    m = concrete_meanings(node, [{a: 1e200, b: 1e200, c: 0.0}])[0][node]
    assert m.value == math.inf


@pytest.mark.parametrize("t", [f16, f32, f64], ids=str)
def test_huge_idx_to_float_cast(t):
    n = var(idx, "n")
    node = UOp("cast", t, (n,))
    assert _z3_meaning(node, {n: 2**1100}, Z3BVDomain()).value == math.inf
    m = concrete_meanings(node, [{n: 2**1100}])[0][node]
    assert m.value == math.inf


def test_fma_f64_overflowing_product_plus_infinity():
    a, b, c = (var(f64, n) for n in "abc")
    node = UOp("fma", f64, (a, b, c))
    inputs = {a: 1e200, b: 1e200, c: -math.inf}
    conc = concrete_meanings(node, [inputs])[0][node]
    zv = _z3_meaning(node, inputs, Z3BVDomain())
    assert zv.value == -math.inf
    assert same_value(f64, conc.value, zv.value), f"concrete {conc.value}, z3 {zv.value}"


@pytest.mark.parametrize("t, n", [
    (f64, 2**1024 - 2**970),  # the halfway point to 2**1024 ties to even: inf
    (f64, 2**1024 - 2**970 - 1),  # just below: the largest finite f64
    (f64, -(2**1024 - 2**970)),
    (f32, 2**128 - 2**103 - 1),  # rounds to the f32 halfway point in f64: must not double-round
    (f32, 2**128 - 2**103),
    (f16, 65519),
    (f16, 65520),
], ids=["f64-half", "f64-below", "f64-neg", "f32-below", "f32-half", "f16-below", "f16-half"])
def test_int_to_float_rounding_at_the_overflow_threshold(t, n):
    """The concrete cast rounds the exact integer once (ties to even), like Z3; these are the
    cases where the evaluator's shortcuts (float(), then narrowing) could round differently."""
    x = var(idx, "n")
    node = UOp("cast", t, (x,))
    conc = concrete_meanings(node, [{x: n}])[0][node]
    zv = _z3_meaning(node, {x: n}, Z3BVDomain())
    assert same_value(t, conc.value, zv.value), f"concrete {conc.value!r}, z3 {zv.value!r}"


@pytest.mark.parametrize("dst, x", [(i64, 2.0**63), (u64, 2.0**64)], ids=["i64", "u64"])
def test_float_to_64bit_cast_boundary_is_poison(dst, x):
    a = var(f64, "a")
    node = UOp("cast", dst, (a,))
    conc = concrete_meanings(node, [{a: x}])[0][node]
    for dom in (Z3BVDomain(), Z3IntDomain()):
        assert _z3_meaning(node, {a: x}, dom).poison
    assert conc.poison, f"cast<{dst}>({x!r}) is not poison concretely (value {conc.value})"


@pytest.mark.parametrize("bits", [0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FC0BEEF], ids=hex)
def test_bitcast_of_nan_agrees(bits):
    """Every NaN, whatever its sign and payload, reads as the canonical quiet NaN, in the
    evaluator and in Z3 alike (the IR's floats have one NaN)."""
    a = var(f32, "a")
    node = UOp("bitcast", i32, (a,))
    nan = float(np.array([bits], dtype=np.uint32).view(np.float32)[0])
    conc = concrete_meanings(node, [{a: nan}])[0][node]
    assert int(conc.value) == 0x7FC00000
    d = Z3BVDomain()
    zx, _ = d.var(f32, "a")
    m = interpret([node], d, {a: zx})[node]
    s = z3.Solver()
    s.add(zx == d.const(f32, math.nan))
    # the concrete value must be the only one Z3 allows
    s.add(m.value != d.const(i32, int(conc.value)))
    assert s.check() == z3.unsat, f"Z3 allows bitcast<i32>(NaN) = {s.model().eval(m.value)}"


def test_nan_payloads_are_not_observable():
    """x * 1.0 quiets a signalling NaN (other bits), yet under a bitcast both sides read as the
    canonical NaN: the rewrite is sound in Z3 and on the evaluator's signalling NaN alike."""
    from rewriter.dsl.rule import build_rules
    from rewriter.verifier.refine import check_concrete
    from rewriter.verifier.strategies import run_portfolio

    inst = build_rules("rule r: bitcast<i32>(x:f32 * 1.0) => bitcast<i32>(x)\n", "t.rules")[0].instances[0]
    snan = np.array([0x7F800001], dtype=np.uint32).view(np.float32)[0]
    assert list(check_concrete(inst, {"x": [snan]}).failure) == [-1]  # -1: no failure
    assert run_portfolio(inst, 10.0).status == "proven"


def test_div_by_poison_ub_agrees():
    x, y = var(i8, "x"), var(i8, "y")
    node = UOp("div", i8, (x, UOp("shl", i8, (y, const(i8, 8)))))
    inputs = {x: 1, y: 1}
    conc = concrete_meanings(node, [inputs])[0][node]
    zv = _z3_meaning(node, inputs, Z3BVDomain())
    assert conc.defined == zv.defined, f"defined: concrete {conc.defined}, z3 {zv.defined}"


def test_strategies_agree_on_division_by_poison():
    from rewriter.dsl.rule import build_rules
    from rewriter.verifier.strategies import exhaustive, smt

    inst = build_rules("rule r [i8]: x / (y << 8) => x / 0\n", "t.rules")[0].instances[0]
    by_smt = smt(inst, Z3BVDomain, 5000).status
    by_enum = exhaustive(inst).status
    assert by_smt == by_enum, f"smt-bv: {by_smt}, exhaustive: {by_enum}"


# ------------------------------------------------------------------------------------------
# Sanity checks of the comparison itself
# ------------------------------------------------------------------------------------------
def test_comparison_detects_a_wrong_value():
    """The checker is not vacuous: a domain with a wrong primitive is caught."""

    class BadBV(Z3BVDomain):
        def add(self, t, a, b):
            return super().add(t, a, b) + (1 if t.is_int else 0)

    x, y = var(i8, "x"), var(i8, "y")
    node = UOp("add", i8, (x, y))
    problems, _ = compare(node, [{x: 1, y: 2}], BadBV(), "solver")
    assert problems and "value" in problems[0]


def test_float_comparison_is_structural():
    assert same_value(f32, math.nan, -math.nan)
    assert not same_value(f32, 0.0, -0.0)
    assert not same_value(f32, math.nan, 1.0)
    assert float_bits(f16, -0.0) == 0x8000
