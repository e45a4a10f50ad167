"""Soak tests for CI (slow): the fuzzer over every target CI has, and concurrent verify runs
on one proof cache with one of them killed.

Each runs the CLI in a subprocess, as a user does. Seeds are fixed so that a failure replays
(`rewriter fuzz --seed N` with the same arguments); a time budget bounds the number of cases,
so a faster machine tries more of them.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rewriter.dsl.rule import load_library
from rewriter.verifier.cache import FILE, ProofCache, read_entries
from rewriter.verifier.cachekey import KEY_FORMAT
from rewriter.verifier.runner import key_maker

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def rewriter(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rewriter.cli", *args], env=ENV, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ------------------------------------------------------------------------------------------
# The fuzzer, bounded in time, over every target CI can run (cuda needs a GPU: cuda-sim is
# its lowering on the lockstep simulator)
# ------------------------------------------------------------------------------------------
FUZZ_RUNS = {
    # terms (target-independent) and kernels on the quick targets
    "ref-cpu-webgpu-cuda-sim": ["--target", "ref,cpu,webgpu,cuda-sim", "--mode", "both", "--seed", "15001"],
    # a Hexagon kernel is assembled, linked and run on QEMU: slower, so a budget of its own
    "hexagon": ["--target", "hexagon", "--mode", "kernels", "--seed", "15002"],
}


@pytest.mark.slow
@pytest.mark.parametrize("run", FUZZ_RUNS.values(), ids=FUZZ_RUNS.keys())
def test_fuzz_soak_finds_nothing(tmp_path: Path, run: list[str]):
    proc = rewriter("fuzz", "--time", "20s", "--shrink-time", "30s", "--corpus", str(tmp_path / "corpus"), *run)
    out, err = proc.communicate(timeout=300)  # 20 s of search, 30 s to shrink a failure, start-up
    text = out.decode() + err.decode()
    assert proc.returncode == 0, text
    assert "no failures" in text and not (tmp_path / "corpus").exists(), text


# ------------------------------------------------------------------------------------------
# Two cold verify runs on one cache, one killed mid-run: a third run is correct and complete
# ------------------------------------------------------------------------------------------
RULE_FILES = [str(ROOT / "rules" / f) for f in ("logic.rules", "select.rules", "minmax.rules")]


def _group_alive(pgid: int) -> list[int]:
    """The processes of a process group (the killed run's orphaned workers, if any)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def _wait_for(cond, timeout_s: float, what: str):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


@pytest.mark.slow
def test_concurrent_verify_runs_one_killed_then_a_third_is_complete(tmp_path: Path):
    cache = tmp_path / "cache"
    args = ["verify", *RULE_FILES, "-j", "2", "--cache-dir", str(cache), "--format", "json"]
    survivor = rewriter(*args, start_new_session=True)
    # no pipes: a killed run's orphaned workers would hold them open
    victim = subprocess.Popen([sys.executable, "-m", "rewriter.cli", *args], env=ENV, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # mid-run: proofs are being saved, and the runs are far from done
        _wait_for(lambda: (cache / FILE).exists() and len(read_entries(cache / FILE)[0]) >= 20, 120,
                  "the first saved proofs")
        assert victim.poll() is None, "the run to kill finished first: use bigger rule files"
        os.kill(victim.pid, signal.SIGKILL)  # the parent only, as the OOM killer would
        victim.wait(timeout=10)
        # its workers notice and exit, rather than wait on a dead parent's queue forever
        _wait_for(lambda: not _group_alive(victim.pid), 10, "the killed run's workers to exit")
        out, err = survivor.communicate(timeout=300)
        assert survivor.returncode == 0, err.decode()
        assert json.loads(out)["summary"]["proven"] == json.loads(out)["summary"]["instances"]
    finally:
        for p in (survivor, victim):
            if p.poll() is None or _group_alive(p.pid):
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    third = rewriter(*args)
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0, err.decode()
    summary = json.loads(out)["summary"]
    assert summary["proven"] == summary["instances"] == summary["cached"] > 300
    # the cache is valid (every entry passes its check) and holds every instance
    good, bad = read_entries(cache / FILE)
    assert (json.loads((cache / FILE).read_text())["format"], bad) == (KEY_FORMAT, 0)
    keys = key_maker(30.0)
    stored = ProofCache(cache)
    instances = list(load_library(RULE_FILES).all_instances())
    assert all(stored.get(keys.key(i)) is not None for i in instances)
    assert not list(cache.glob("*.tmp"))
