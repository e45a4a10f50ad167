"""The verification runner: statuses, the proof cache, and the process pool."""
from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import z3

from rewriter.dsl.rule import build_rules
from rewriter.ir import ops
from rewriter.ir.ops import INT, OpDef, Sig
from rewriter.verifier import strategies
from rewriter.verifier.cachekey import KeyMaker, settings
from rewriter.verifier.runner import verify_instances

ROOT = Path(__file__).resolve().parent.parent
RULES = """\
rule add-zero [i8, u16]: x + 0 => x
rule wrong [u8]: x + 1 > x => true
rule fadd-zero [f32]: x + 0.0 => x
"""


def instances(text: str):
    return [i for r in build_rules(text, "t.rules") for i in r.instances]


def test_statuses_and_counterexamples():
    res = verify_instances(instances(RULES), jobs=1, timeout_s=10)
    assert [(r.rule, r.dtype, r.status) for r in res] == [
        ("add-zero", "i8", "proven"), ("add-zero", "u16", "proven"),
        ("wrong", "u8", "counterexample"), ("fadd-zero", "f32", "counterexample")]
    wrong = res[2]
    assert wrong.failure == "values differ"
    assert wrong.inputs == [{"name": "x", "type": "u8", "value": "0xff (unsigned 255, signed -1)"}]
    assert (wrong.source, wrong.target) == ("false", "true")
    assert res[3].inputs[0]["value"] == "-0.0 (0x80000000)"


def test_proof_cache_hits_and_misses(tmp_path: Path):
    first = verify_instances(instances(RULES), jobs=1, timeout_s=10, cache_dir=tmp_path)
    assert not any(r.cached for r in first)
    again = verify_instances(instances(RULES), jobs=1, timeout_s=10, cache_dir=tmp_path)
    assert all(r.cached for r in again)
    strip = lambda rs: [(r.rule, r.dtype, r.status, r.failure, r.inputs, r.source, r.target) for r in rs]
    assert strip(again) == strip(first)
    # an edited rule is verified again; the others still come from the cache
    edited = verify_instances(instances(RULES.replace("x + 1 > x", "x + 1 >= x")), jobs=1, timeout_s=10,
                              cache_dir=tmp_path)
    assert [r.cached for r in edited] == [True, True, False, True]


def test_corrupt_cache_is_only_slower(tmp_path: Path):
    (tmp_path / "verify.json").write_text("{not json")
    res = verify_instances(instances(RULES), jobs=1, timeout_s=10, cache_dir=tmp_path)
    assert [r.status for r in res][:2] == ["proven", "proven"]


def test_cache_key_depends_on_types_flags_and_settings():
    keys = KeyMaker(settings(30.0))
    a, b = instances("rule r [i8, i16]: add.nsw(x, 1) => x + 1\n")
    assert keys.key(a) != keys.key(b)  # i8 vs i16
    c = instances("rule r [i8]: x + 1 => x + 1\n")[0]
    assert keys.key(a) != keys.key(c)  # nsw flag
    assert keys.key(a) != KeyMaker(settings(5.0)).key(a)
    assert keys.key(a) == KeyMaker(settings(30.0)).key(a)


def test_process_pool_gives_the_serial_results():
    insts = instances(RULES)
    serial = verify_instances(insts, jobs=1, timeout_s=10)
    pooled = verify_instances(insts, jobs=2, timeout_s=10)
    key = lambda rs: [(r.rule, r.dtype, r.status, r.failure, r.inputs) for r in rs]
    assert key(pooled) == key(serial)


def test_cache_does_not_confuse_nullary_op_types(tmp_path: Path):
    good = instances("rule r: cast<i32>(int_max<i8>()) + x:i32 => x + 127\n")
    bad = instances("rule r: cast<i32>(int_max<i16>()) + x:i32 => x + 127\n")
    assert verify_instances(good, jobs=1, timeout_s=10, cache_dir=tmp_path)[0].status == "proven"
    assert verify_instances(bad, jobs=1, timeout_s=10)[0].status == "counterexample"  # without cache
    res = verify_instances(bad, jobs=1, timeout_s=10, cache_dir=tmp_path)[0]
    assert res.status == "counterexample", f"{res.status} (cached={res.cached})"


def test_typed_text_tells_apart_terms_that_print_alike():
    """format_uop prints terms as rules are written; the cache key must not confuse any two."""
    from rewriter.ir.dtype import bool_, i8, i16, i32, u8
    from rewriter.ir.printer import format_uop
    from rewriter.ir.uop import UOp, const, var
    from rewriter.verifier.cachekey import typed_text

    x = var(i32, "x")
    pairs = [(UOp("int_max", i8), UOp("int_max", i16)),
             (UOp("cast", i32, (var(i8, "y"),)), UOp("cast", i32, (var(u8, "y"),))),
             (UOp("lt", bool_, (var(i8, "x"), const(i8, 0))), UOp("lt", bool_, (var(i16, "x"), const(i16, 0)))),
             (var(i32, "x", 0, 9), x)]
    for a, b in pairs:
        assert format_uop(a) == format_uop(b)
        assert typed_text(a) != typed_text(b)


# ------------------------------------------------------------------------------------------
# A verdict does not depend on the caller's history (issue 14)
# ------------------------------------------------------------------------------------------
# A fresh process proves it in 15K rlimit (the default solver after the plain core); in a
# process where any other Z3 context is alive the same query ran past every resource limit,
# and forked workers used to inherit the caller's contexts (075a80e: after the Z3 work of
# test_semantics_agree, verify/test_library's in-process run found it unknown).
HISTORY_RULE = "rule mod-add-mul-nuw [u16, u32]: add.nuw(mul.nuw(x, C), y) % C => y if y < C\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_verdict_does_not_depend_on_the_callers_z3_work(tmp_path, jobs):
    live = z3.Context()  # the caller's Z3 work, still alive: a context of its own and the main one
    z3.Solver(ctx=live).check(z3.Int("x", ctx=live) * z3.Int("y", ctx=live) == 6)
    z3.simplify(z3.Int("x") + 0)
    here = verify_instances(instances(HISTORY_RULE), jobs=jobs, timeout_s=30)
    path = tmp_path / "t.rules"
    path.write_text(HISTORY_RULE)
    run = subprocess.run([sys.executable, "-m", "rewriter.cli", "verify", str(path), "--no-cache", "--format", "json"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    fresh = json.loads(run.stdout)["results"]
    assert [(r.dtype, r.status, r.strategy, r.note) for r in here] == \
        [(r["dtype"], r["status"], r["strategy"], r["note"]) for r in fresh]
    assert [r.status for r in here] == ["proven", "proven"]


# ------------------------------------------------------------------------------------------
# Strategies on input spaces too large to enumerate
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, total", [  # each variable ranges over its type and poison
    ("rule r [i64]: x + 0 => x\n", (1 << 64) + 1),
    ("rule r [u16]: (x + y) + (z + w) => (x + w) + (z + y)\n", ((1 << 16) + 1) ** 4),  # np.prod wraps
    ("rule r [i32]: x + y => y + x\n", ((1 << 32) + 1) ** 2),
], ids=["i64", "4xu16", "2xi32"])
def test_exhaustive_counts_points_without_overflow(text, total):
    out = strategies.exhaustive(instances(text)[0])
    assert (out.status, out.note) == ("n/a", f"{total} input combinations")


# A reciprocal multiply for x / C at u32 (x < 2^12, 3 <= C <= 40): m = 2^18 / C + 1 is
# exact for every such x and C (x * (m * C - 2^18) < 2^18); m = 2^14 / C + 1 is not.
MAGIC = "rule r [u32]: x / C => (x * ((1 << {s}) / C + 1)) >> {s} if x < 4096 && 3 <= C && C <= 40 && !is_pow2(C)\n"


def test_exhaustive_enumerates_within_the_preconditions_bounds_a_constant_at_a_time():
    """x:u32 and C:u32 are 2^64 points, but the precondition bounds them by literals: 4096
    values of x for each of 38 values of C, one batch per constant."""
    assert strategies.exhaustive(instances(MAGIC.format(s=18))[0]).status == "proven"
    out = strategies.exhaustive(instances(MAGIC.format(s=14))[0])
    assert out.status == "counterexample"
    x, c = int(out.inputs["x"]), int(out.inputs["C"])
    assert x < 4096 and 3 <= c <= 40 and x // c != (x * ((1 << 14) // c + 1)) >> 14


def test_per_const_enumerates_only_the_constants_the_precondition_allows():
    """C:u32 has 2^32 values, the precondition allows 40: forty small queries."""
    text = "rule r [u32]: x * C - x => x * (C - 1) if 1 <= C && C <= 40\n"
    assert strategies.per_const(instances(text)[0], 100_000).status == "proven"
    unbounded = strategies.per_const(instances(text.replace(" if 1 <= C && C <= 40", ""))[0], 100_000)
    assert (unbounded.status, unbounded.note) == ("n/a", f"{1 << 32} constant combinations")


def test_per_const_int_settles_word_division_by_a_magic_multiply():
    """x / C at u32 against mulhi by Granlund-Montgomery's magic number: bit-blasting stalls,
    over Ints with each divisor in place (the shift by log2(C) + 32 a floor division) every
    divisor is linear; an off-by-one magic is a counterexample, confirmed by the evaluator."""
    magic = "mulhi(x, cast<u32>((1 << (cast<u64>(log2(C)) + 32)) / cast<u64>(C) + {k})) >> log2(C)"
    pre = (" if 2 < C && C <= 40 && !is_pow2(C) && ((1 << (cast<u64>(log2(C)) + 32)) / cast<u64>(C) + 1)"
           " * cast<u64>(C) - (1 << (cast<u64>(log2(C)) + 32)) <= (1 << cast<u64>(log2(C)))\n")
    good = instances("rule r: x:u32 / C => " + magic.format(k=1) + pre)[0]
    assert strategies.per_const_int(good, 500_000).status == "proven"
    bad = strategies.per_const_int(instances("rule r: x:u32 / C => " + magic.format(k=2) + pre)[0], 500_000)
    assert bad.status == "counterexample"
    x, c = bad.inputs["x"], bad.inputs["C"]
    assert x // c != (x * ((1 << (32 + c.bit_length() - 1)) // c + 2) >> 32) >> (c.bit_length() - 1)


def test_per_const_counts_constants_without_overflow():
    out = strategies.per_const(instances("rule r [i64]: x + C => C + x\n")[0], 1000)
    assert (out.status, out.note) == ("n/a", f"{1 << 64} constant combinations")


# ------------------------------------------------------------------------------------------
# A crash in one instance's check: an op made at run time whose semantics crash at 16 bits
# (the workers receive it by value: no module they can import registers it)
# ------------------------------------------------------------------------------------------
def _boom(d, fx, t, x, node):
    if t.bits == 16:
        raise ZeroDivisionError("boom\nsecond line")
    return x


def _die(d, fx, t, x, node):
    if t.bits == 16:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer, or a crash in Z3, would
    return x


@pytest.fixture
def crash_ops(monkeypatch):
    for name, sem in (("testcrash.boom", _boom), ("testcrash.die", _die)):
        d = OpDef(name, Sig(("T",), "T", frozenset({INT})), {"any": sem}, "x, or a crash at 16 bits")
        monkeypatch.setitem(ops.VOCAB, name, d)
        monkeypatch.setitem(ops.OPS, name, d)


CRASH_RULES = RULES.replace("x + 0 => x", "testcrash.boom(x) + 0 => testcrash.boom(x)")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_instance_is_an_error_not_the_end_of_the_run(crash_ops, tmp_path, jobs):
    res = verify_instances(instances(CRASH_RULES), jobs=jobs, timeout_s=10, cache_dir=tmp_path)
    assert [(r.dtype, r.status) for r in res] == [
        ("i8", "proven"), ("u16", "error"), ("u8", "counterexample"), ("f32", "counterexample")]
    assert res[1].note == "the check crashed: ZeroDivisionError: boom"
    # an error is not cached: the next run checks that instance again
    again = verify_instances(instances(CRASH_RULES), jobs=1, timeout_s=10, cache_dir=tmp_path)
    assert [r.cached for r in again] == [True, False, True, True]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_check_that_kills_its_worker_is_an_error_and_the_run_ends(crash_ops, jobs):
    text = RULES.replace("x + 0 => x", "testcrash.die(x) + 0 => testcrash.die(x)")
    res = verify_instances(instances(text), jobs=jobs, timeout_s=10)
    assert len(res) == 4 and res[1].status == "error"
    assert "BrokenProcessPool" in res[1].note
    # the checks the dead worker's pool had not finished are errors too, never a hang
    assert {r.status for r in res} <= {"proven", "counterexample", "error"}


def _live_contexts() -> int:
    gc.collect()
    return sum(isinstance(o, z3.Context) for o in gc.get_objects())


def test_no_check_leaves_a_z3_context_alive():
    """A worker runs its checks one after another, each from the Z3 state the one before left
    (runner.py): a context left alive would change the next checks' work (HISTORY_RULE)."""
    text = (HISTORY_RULE + RULES  # Int and bitvector proofs, counterexamples (int, float)
            + "rule per-const [i8]: (x * C) / C => x if C == 1\n"  # per-const, exhaustive
            + "rule r [f32]: exp2(x + 0.0) => exp2(x)\n")  # unknown: a counterexample Z3 alone finds
    before = _live_contexts()
    outcomes = [strategies.run_portfolio(i, 10.0) for i in instances(text)]
    assert {o.status for o in outcomes} == {"proven", "counterexample", "unknown"}
    assert _live_contexts() == before


def test_cli_reports_an_error_and_exits_1(crash_ops, tmp_path, capsys):
    from rewriter.cli import main

    path = tmp_path / "t.rules"
    path.write_text("rule add-zero [i8, u16]: testcrash.boom(x) + 0 => testcrash.boom(x)\n")
    assert main(["verify", str(path), "--no-cache", "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert "add-zero: ERROR at u16 (proven at i8)" in out
    assert "  error at u16: the check crashed: ZeroDivisionError: boom" in out
    assert "1 proven (smt-bv 1), 0 counterexamples, 0 unknown, 1 errors;" in out


# ------------------------------------------------------------------------------------------
# Notes of unknown instances say what happened
# ------------------------------------------------------------------------------------------
def test_bf16_counterexamples_are_confirmed_and_bf16_is_enumerated():
    """bf16 runs in the concrete evaluator (ml_dtypes): Z3's counterexample -0.0 + 0.0 = +0.0
    is confirmed, and a lone bf16 is enumerated (2^16 values) as a lone f16 is, so a rule Z3
    cannot decide (exp2 is uninterpreted there) is proven; at f32 it stays unknown, and the
    note says why Z3's counterexample is not confirmed."""
    out = strategies.run_portfolio(instances("rule r [bf16]: x + 0.0 => x\n")[0], 10.0)
    assert out.status == "counterexample" and float(out.inputs["x"]) == 0.0
    out = strategies.run_portfolio(instances("rule r [bf16]: exp2(x + 0.0) => exp2(x)\n")[0], 10.0)
    assert (out.status, out.strategy) == ("proven", "exhaustive")
    out = strategies.run_portfolio(instances("rule r [f32]: exp2(x + 0.0) => exp2(x)\n")[0], 10.0)
    assert out.status == "unknown"
    assert "smt-bv found a counterexample (x=-0.0)" in out.note
    assert "float exp2/log2 are uninterpreted in Z3" in out.note
    assert out.note.count("smt-bv found") == 1  # the longer rerun's identical note is not repeated


def test_a_bitcast_nan_is_the_canonical_nan():
    """Every NaN reads as 0x7fc00000 through a bitcast: proven in Z3, and true on all f16s."""
    for text in ("rule r: bitcast<i32>(x:f32) != 0x7fc00000 => x == x\n",
                 "rule r: bitcast<i16>(x:f16) != 0x7e00 => x == x\n"):
        res = verify_instances(instances(text), jobs=1, timeout_s=10)[0]
        assert res.status == "proven", (text, res.status, res.note)
    inst = instances("rule r: bitcast<i16>(x:f16) != 0x7e00 => x == x\n")[0]
    assert strategies.exhaustive(inst).status == "proven"


def test_nan_payload_rule_on_f16_is_proven_by_enumeration_too():
    inst = instances("rule r: bitcast<i16>(x:f16 * 1.0) => bitcast<i16>(x)\n")[0]
    assert strategies.exhaustive(inst).status == "proven"


def test_bitcast_round_trip_is_still_proven():
    res = verify_instances(instances("rule r: bitcast<f32>(bitcast<i32>(x:f32)) => x\n"), jobs=1, timeout_s=10)[0]
    assert (res.status, res.strategy) == ("proven", "smt-bv")


# ------------------------------------------------------------------------------------------
# Poison inputs (refine.py): every variable may be poison, constants never, and all
# strategies agree on it
# ------------------------------------------------------------------------------------------
MUL_BY_COND = "rule r [i8]: where(c, x, 0) => x * cast<i8>(c)\n"


def _poison_cex(res):
    return {i["name"]: i["value"] for i in res.inputs}


def test_a_poison_variable_refutes_select_as_arithmetic():
    res = verify_instances(instances(MUL_BY_COND), jobs=1, timeout_s=10)[0]
    assert (res.status, res.failure) == ("counterexample", "target is poison")
    assert _poison_cex(res) == {"c": "false", "x": "poison"}
    assert (res.source, res.target) == ("0x00 (unsigned 0, signed 0)", "poison")


def test_every_strategy_sees_poison_inputs():
    inst = instances(MUL_BY_COND)[0]
    for out in (strategies.exhaustive(inst),
                strategies.smt(inst, strategies.Z3BVDomain, strategies.SHORT_RLIMIT),
                strategies.smt(inst, strategies.Z3IntDomain, strategies.SHORT_RLIMIT)):
        assert out.status == "counterexample", out.strategy
        assert out.inputs["x"] is strategies.POISON and out.inputs["c"] is False, out.strategy
        assert strategies.confirm(inst, out.inputs) == "target is poison"


def test_constants_are_never_poison():
    # the same rewrite with a constant symbol in place of x is sound
    inst = instances("rule r [i8]: where(c, C, 0) => C * cast<i8>(c)\n")[0]
    assert strategies.run_portfolio(inst, 10.0).status == "proven"
    text = "rule r [i8]: where(c, C, 0) => C * cast<i8>(c) if C != 0\n"
    assert strategies.per_const(instances(text)[0], strategies.SHORT_RLIMIT).status == "proven"


def test_a_variable_used_twice_is_one_poison_bit():
    # x - x is poison exactly when x is: with one bit per use it could be poison while the
    # selected x is not, and this (sound) rule would be refuted
    inst = instances("rule r [i8]: where(c, x, x - x) => where(c, x, 0) if c\n")[0]
    assert strategies.run_portfolio(inst, 10.0).status == "proven"
    assert strategies.exhaustive(inst).status == "proven"


def test_a_precondition_on_a_variable_does_not_exempt_it_from_poison():
    # x == 0 holds of x's non-poison values; at x = poison (c false) the target is still poison
    inst = instances("rule r [i8]: where(c, x, 0) => x * cast<i8>(c) if x == 0\n")[0]
    out = strategies.run_portfolio(inst, 10.0)
    assert out.status == "counterexample" and out.inputs["x"] is strategies.POISON
    assert strategies.exhaustive(inst).status == "counterexample"


def test_the_library_style_select_rules_stay_proven():
    for text in ("rule r [i8, bool]: where(c, a, a) => a\n", "rule r: where(c, true, false) => c\n",
                 "rule r [i8]: where(x < y, x, y) => min(x, y)\n"):
        for inst in instances(text):
            assert strategies.run_portfolio(inst, 10.0).status == "proven", text


# ------------------------------------------------------------------------------------------
# Deterministic limits (strategies.py): resource limits, not the clock
# ------------------------------------------------------------------------------------------
def test_a_resource_limit_is_reported_as_such():
    inst = instances("rule r [i32]: (x / y) * y + x % y => x\n")[0]
    out = strategies.smt(inst, strategies.Z3BVDomain, 1000)
    assert out.status == "unknown" and out.note == "unknown (resource limit 1000)"


def test_verdicts_and_work_do_not_depend_on_earlier_queries():
    inst = instances("rule r [i32]: (x * 3) / 3 => x if x >= 0 && x <= 1000\n")[0]
    first = strategies.smt(inst, strategies.Z3IntDomain, strategies.SHORT_RLIMIT)
    for other in instances("rule s [i32, i64]: x * (y + z) => x * y + x * z\n"):
        strategies.smt(other, strategies.Z3BVDomain, strategies.SHORT_RLIMIT)
    again = strategies.smt(inst, strategies.Z3IntDomain, strategies.SHORT_RLIMIT)
    assert first.status == again.status == "proven"
    assert first.note == again.note  # "rlimit N": the same amount of work, to the unit


def test_nonlinear_idx_div_mod_is_proven_deterministically():
    """mul-mod-factor at idx was unknown after 32 s in one cold run and proven in 1.6 s in the
    next (the default solver's nonlinear tactics race against the clock). The plain SMT core
    proves it within the short limit, with the same amount of work every time."""
    text = ("rule mul-mod-factor [idx]: (x * C1) % C2 => (x % (C2 / C1)) * C1"
            " if x >= 0 && C1 > 0 && C2 > 0 && C2 % C1 == 0\n")
    inst = instances(text)[0]
    # idx is an Int in either domain: smt() names the bitvector domain's query "smt-int"
    runs = [strategies.smt(inst, strategies.Z3BVDomain, strategies.SHORT_RLIMIT) for _ in range(2)]
    assert [r.status for r in runs] == ["proven", "proven"]
    assert runs[0].note == runs[1].note
