"""The proof cache: damaged or tampered files, what the key covers, interrupts, concurrent runs."""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rewriter.cli import main
from rewriter.dsl.rule import build_rules, load_library
from rewriter.ir import ops
from rewriter.verifier.cache import FILE, ProofCache, entry_check, read_entries
from rewriter.verifier.cachekey import KEY_FORMAT, KeyMaker, settings
from rewriter.verifier.runner import key_maker, verify_instances

ROOT = Path(__file__).resolve().parent.parent
KNOWN_BAD = ROOT / "verify" / "known-bad" / "abs-nonnegative.rules"  # 0 <= abs(x) => true at i32
QUICK = "rule add-zero [i8, i16, i32, i64]: x + 0 => x\n"
# Neither proven nor refuted within any short limit (f64 division): the portfolio spends its
# whole budget, minutes at --timeout 30, on each of these.
HARD = ("rule fdiv-hard [f64]: (x / y) * y => x * (y / y)\n"
        "rule fdiv-hard2 [f64]: (x / y) * z => x * (z / y)\n")


def instances(text: str):
    return [i for r in build_rules(text, "t.rules") for i in r.instances]


def cache_file(d: Path) -> dict:
    return json.loads((d / FILE).read_text())


def assert_clean(d: Path, entries: int):
    """The cache file is the current format and every entry passes its check."""
    good, bad = read_entries(d / FILE)
    assert (cache_file(d)["format"], bad, len(good)) == (KEY_FORMAT, 0, entries)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "rewriter.cli", *args]


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


# ------------------------------------------------------------------------------------------
# A damaged or tampered cache is ignored and repaired, never trusted, never a crash
# ------------------------------------------------------------------------------------------
def _entry(result: dict) -> dict:
    return {"result": result, "check": "0" * 64}


@pytest.mark.parametrize("text", [
    "{not json", "[1, 2, 3]", "null", '{"k": 5}', "\udcff",
    json.dumps({"format": KEY_FORMAT, "entries": [1, 2]}),
    json.dumps({"format": KEY_FORMAT - 1, "entries": {}}),
    json.dumps({"format": KEY_FORMAT, "entries": {"k": 5, "j": {"result": [], "check": 1}}}),
    json.dumps({"format": KEY_FORMAT, "entries": {"k": _entry({"status": "proven", "bogus": 1})}}),
], ids=["not-json", "list", "null", "flat-old-format", "not-utf8", "entries-list", "old-format",
        "entries-wrong-type", "result-wrong-fields"])
def test_a_malformed_cache_is_ignored_and_rewritten_clean(tmp_path: Path, text: str, capsys):
    (tmp_path / FILE).write_text(text, errors="surrogateescape")
    assert main(["verify", str(KNOWN_BAD), "--cache-dir", str(tmp_path), "-j", "1"]) == 1
    assert "1 counterexamples" in capsys.readouterr().out
    assert_clean(tmp_path, 1)


def _verify_known_bad(cache_dir: Path, capsys) -> tuple[int, str]:
    rc = main(["verify", str(KNOWN_BAD), "--cache-dir", str(cache_dir), "-j", "1"])
    return rc, capsys.readouterr().out


def test_a_forged_proof_does_not_make_a_known_bad_rule_pass(tmp_path: Path, capsys):
    assert _verify_known_bad(tmp_path, capsys)[0] == 1
    data = cache_file(tmp_path)
    (key, entry), = data["entries"].items()
    # the verdict edited to "proven", the check left as it was
    entry["result"].update(status="proven", failure="", inputs=[], source="", target="")
    (tmp_path / FILE).write_text(json.dumps(data))
    rc, out = _verify_known_bad(tmp_path, capsys)
    assert rc == 1 and "1 counterexamples" in out and "0 from cache" in out
    assert_clean(tmp_path, 1)  # the forged entry is gone, the real verdict saved


def test_a_proof_moved_to_another_key_is_not_trusted(tmp_path: Path, capsys):
    """An entry's check covers its key: a real proof of one rule pasted under the key of a
    known-bad rule is refused."""
    good = tmp_path / "good.rules"
    good.write_text("rule good [i32]: x + 0 => x\n")
    assert main(["verify", str(good), "--cache-dir", str(tmp_path), "-j", "1"]) == 0
    (proof,) = cache_file(tmp_path)["entries"].values()
    assert _verify_known_bad(tmp_path, capsys)[0] == 1
    data = cache_file(tmp_path)
    for entry in data["entries"].values():
        if entry["result"]["status"] == "counterexample":
            entry.update(proof)
    (tmp_path / FILE).write_text(json.dumps(data))
    rc, out = _verify_known_bad(tmp_path, capsys)
    assert rc == 1 and "0 from cache" in out
    assert_clean(tmp_path, 2)


def test_an_entry_with_a_correct_check_is_a_hit(tmp_path: Path):
    """The check is what makes an entry usable (an honest writer's entries keep working)."""
    inst = instances("rule r [i8]: x + 0 => x\n")[0]
    key = key_maker(10).key(inst)
    result = {"status": "counterexample", "strategy": "made-up", "seconds": 0.5, "failure": "values differ",
              "note": "", "inputs": [], "source": "1", "target": "2"}
    (tmp_path / FILE).write_text(json.dumps({"format": KEY_FORMAT, "entries": {
        key: {"result": result, "check": entry_check(key, result)}}}))
    (res,) = verify_instances([inst], jobs=1, timeout_s=10, cache_dir=tmp_path)
    assert (res.cached, res.status, res.strategy) == (True, "counterexample", "made-up")


# ------------------------------------------------------------------------------------------
# The key covers every module that defines meaning, found through the op table
# ------------------------------------------------------------------------------------------
def test_hvx_rules_are_keyed_by_the_hexagon_op_module():
    lib = load_library([str(ROOT / "rules" / "hexagon.rules")])
    hvx = next(i for i in lib.all_instances() if "hvx." in str(i.rhs))
    keys = KeyMaker(settings(30.0))
    names = {m.__name__ for m in keys.meaning_modules(hvx)}
    assert "rewriter.backends.hexagon.ops" in names
    assert {"rewriter.ir.ops", "rewriter.ir.smt", "rewriter.ir.concrete", "rewriter.ir.interp",
            "rewriter.ir.dtype", "rewriter.verifier.refine", "rewriter.verifier.strategies"} <= names
    portable = instances("rule r [i32]: x + 0 => x\n")[0]
    assert "rewriter.backends.hexagon.ops" not in {m.__name__ for m in keys.meaning_modules(portable)}


OP_MODULE = '''\
from rewriter.ir.dtype import i32
from rewriter.ir.ops import INT, OpDef, Sig


def twice(d, fx, t, x, node):
    return d.{body}


DEF = OpDef("testop.twice", Sig(("i32",), "i32", frozenset({{INT}})), {{"any": twice}}, "x twice")
'''


def _register_op_from(path: Path, monkeypatch) -> None:
    spec = importlib.util.spec_from_file_location("testop_meaning", path)
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "testop_meaning", mod)
    spec.loader.exec_module(mod)
    monkeypatch.setitem(ops.VOCAB, "testop.twice", mod.DEF)
    monkeypatch.setitem(ops.OPS, "testop.twice", mod.DEF)


def test_an_op_from_a_new_module_is_in_the_key_and_altering_it_changes_the_key(tmp_path, monkeypatch):
    path = tmp_path / "testop_meaning.py"
    path.write_text(OP_MODULE.format(body="add(i32, x, x)"))
    _register_op_from(path, monkeypatch)
    (uses,) = instances("rule r: testop.twice(x:i32) => x + x\n")
    (other,) = instances("rule r [i32]: x + 0 => x\n")
    assert "testop_meaning" in {m.__name__ for m in KeyMaker(settings(30.0)).meaning_modules(uses)}
    before = [key_maker(10).key(uses), key_maker(10).key(other)]
    assert verify_instances([uses], jobs=1, timeout_s=10, cache_dir=tmp_path)[0].status == "proven"

    path.write_text(OP_MODULE.format(body="mul(i32, x, x)"))  # the op's meaning changes
    after = [key_maker(10).key(uses), key_maker(10).key(other)]
    assert before[0] != after[0]
    assert before[1] == after[1]  # a rule that does not use the op keeps its proof
    # the stale "proven" is not served: the changed meaning is checked (here, in-process
    # registration is unchanged, so the verdict is the same; what matters is the miss)
    assert not verify_instances([uses], jobs=1, timeout_s=10, cache_dir=tmp_path)[0].cached


# ------------------------------------------------------------------------------------------
# Interrupts: prompt, and the verdicts found so far are kept
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupt_stops_the_workers_and_keeps_the_finished_proofs(tmp_path: Path, jobs: int):
    insts = instances(QUICK + HARD)
    seen = []

    def interrupt_after_the_quick_ones(res, done, total):
        seen.append(res.rule)
        if len(seen) == 4:
            raise KeyboardInterrupt

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        verify_instances(insts, jobs=jobs, timeout_s=30, cache_dir=tmp_path,
                         progress=interrupt_after_the_quick_ones)
    assert time.monotonic() - start < 15  # not the minutes the hard instances would take
    assert seen == ["add-zero"] * 4
    assert_clean(tmp_path, 4)
    again = verify_instances(insts[:4], jobs=1, timeout_s=30, cache_dir=tmp_path)
    assert all(r.cached and r.status == "proven" for r in again)


def _wait_for_entries(d: Path, n: int, proc: subprocess.Popen, deadline_s: float = 60.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end and proc.poll() is None:
        if (d / FILE).exists() and len(read_entries(d / FILE)[0]) >= n:
            return
        time.sleep(0.1)
    raise AssertionError(f"the run did not save {n} proofs in {deadline_s} s (exit {proc.poll()})")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_a_cold_verify_within_seconds(tmp_path: Path, jobs: str):
    """SIGINT to the process group, as a terminal sends it: exit 130 in seconds, one line on
    stderr, the finished proofs kept. (Before: -j 1 ignored it, -j 2 took ~87 s.)"""
    rules = tmp_path / "mix.rules"
    rules.write_text(QUICK + HARD)
    cache = tmp_path / "cache"
    proc = subprocess.Popen(cli("verify", str(rules), "-j", jobs, "--timeout", "30", "--cache-dir", str(cache)),
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_for_entries(cache, 4, proc)
        os.killpg(proc.pid, signal.SIGINT)
        start = time.monotonic()
        _, err = proc.communicate(timeout=30)
        stopped = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130
    assert stopped < 5, f"took {stopped:.1f} s to stop"
    assert err.decode().strip() == "rewriter: interrupted"
    assert_clean(cache, 4)


def _session(sid: int) -> list[int]:
    """The live processes of session `sid` (zombies, which hold nothing, left out)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_verify_leaves_no_process_behind(tmp_path: Path):
    """SIGKILL to the CLI alone (the OOM killer): its fork server, the workers (whose parent
    is the fork server) and the checks they forked all exit within seconds."""
    rules = tmp_path / "mix.rules"
    rules.write_text(QUICK + HARD)
    cache = tmp_path / "cache"
    proc = subprocess.Popen(cli("verify", str(rules), "-j", "2", "--timeout", "30", "--cache-dir", str(cache)),
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_entries(cache, 4, proc)  # the workers are in the hard checks now
        assert len(_session(proc.pid)) >= 5  # the CLI, the fork server, 2 workers, their checks
        proc.kill()
        proc.wait()
        end = time.monotonic() + 5
        while _session(proc.pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert _session(proc.pid) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------
# Concurrent runs merge
# ------------------------------------------------------------------------------------------
def _result(strategy: str) -> dict:
    return {"status": "proven", "strategy": strategy, "seconds": 0.1, "failure": "", "note": "",
            "inputs": [], "source": "", "target": ""}


def test_two_runs_that_loaded_the_same_file_both_keep_their_proofs(tmp_path: Path):
    a, b = ProofCache(tmp_path), ProofCache(tmp_path)  # both loaded before either saved
    a.put("ka", _result("a"))
    b.put("kb", _result("b"))
    a.save()
    b.save()
    assert ProofCache(tmp_path).entries == {"ka": _result("a"), "kb": _result("b")}
    assert b.get("ka") == _result("a")  # a save also brings in what the others saved


def test_a_killed_writers_temporary_file_is_removed(tmp_path: Path):
    stale = tmp_path / f"{FILE}.99999.tmp"
    stale.write_text('{"half": ')
    cache = ProofCache(tmp_path)
    cache.put("k", _result("x"))
    cache.save()
    assert not stale.exists() and ProofCache(tmp_path).get("k") == _result("x")


def test_two_concurrent_cli_runs_on_different_files_keep_both(tmp_path: Path):
    files = [tmp_path / "a.rules", tmp_path / "b.rules"]
    files[0].write_text("rule a-add-zero [i8, i16, i32]: x + 0 => x\n")
    files[1].write_text("rule b-mul-one [i8, i16, i32]: x * 1 => x\nrule b-or-zero [u8]: x | 0 => x\n")
    cache = tmp_path / "cache"
    procs = [subprocess.Popen(cli("verify", str(f), "-j", "1", "--cache-dir", str(cache)), env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for f in files]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    both = [i for f in files for r in build_rules(f.read_text(), str(f)) for i in r.instances]
    res = verify_instances(both, jobs=1, timeout_s=30, cache_dir=cache)
    assert [r.cached for r in res] == [True] * 7
    assert_clean(cache, 7)
