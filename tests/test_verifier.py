"""The verification runner: statuses, the proof cache, and the process pool."""
from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.dsl.rule import build_rules
from rewriter.verifier.runner import instance_key, semantics_version, verify_instances

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


def test_cache_key_depends_on_types_flags_and_version():
    v = semantics_version()
    a, b = instances("rule r [i8, i16]: add.nsw(x, 1) => x + 1\n")
    keys = {instance_key(a, v, 30.0), instance_key(b, v, 30.0)}
    assert len(keys) == 2  # i8 vs i16
    c = instances("rule r [i8]: x + 1 => x + 1\n")[0]
    assert instance_key(a, v, 30.0) != instance_key(c, v, 30.0)  # nsw flag
    assert instance_key(a, v, 30.0) != instance_key(a, v, 5.0)
    assert instance_key(a, v, 30.0) != instance_key(a, "other-version", 30.0)


def test_process_pool_gives_the_serial_results():
    insts = instances(RULES)
    serial = verify_instances(insts, jobs=1, timeout_s=10)
    pooled = verify_instances(insts, jobs=2, timeout_s=10)
    key = lambda rs: [(r.rule, r.dtype, r.status, r.failure, r.inputs) for r in rs]
    assert key(pooled) == key(serial)


@pytest.mark.xfail(strict=True, reason=(
    "BUG runner.py instance_key: the key prints the terms with format_uop, which omits the type "
    "of nullary ops, so `cast<i32>(int_max<i8>()) + x:i32 => x + 127` (true) and the same rule "
    "with int_max<i16>() (false: 32767 != 127) get the same key; once the first is cached, "
    "`rewriter verify` reports the false rule as proven ('1 from cache')"))
def test_cache_does_not_confuse_nullary_op_types(tmp_path: Path):
    good = instances("rule r: cast<i32>(int_max<i8>()) + x:i32 => x + 127\n")
    bad = instances("rule r: cast<i32>(int_max<i16>()) + x:i32 => x + 127\n")
    assert verify_instances(good, jobs=1, timeout_s=10, cache_dir=tmp_path)[0].status == "proven"
    assert verify_instances(bad, jobs=1, timeout_s=10)[0].status == "counterexample"  # without cache
    res = verify_instances(bad, jobs=1, timeout_s=10, cache_dir=tmp_path)[0]
    assert res.status == "counterexample", f"{res.status} (cached={res.cached})"
