"""The progress line (rewriter/progress.py): on a terminal only, never with --format json,
and what verify, bench, fuzz and the Hexagon global scheduler tell it."""
from __future__ import annotations

import argparse
import io
import json

import pytest

from rewriter.bench import run_bench
from rewriter.cli import build_parser, main
from rewriter.dsl.rule import load_library
from rewriter.fuzz import run_from_args
from rewriter.kernel.parser import parse_kernels
from rewriter.pipeline import optimize
from rewriter.progress import Progress
from rewriter.rules_path import default_kernel_paths, default_rule_paths
from rewriter.target import Options

RULE = "rule add-zero: x + 0 => x\n"


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_count_item_and_time_redrawn_in_place_then_cleared():
    tty = FakeTTY()
    p = Progress(tty, 3, label="verify", min_interval_s=0)
    p.update(1, "add-zero")
    p.update(3, "mul-one")
    shown = tty.getvalue()
    assert shown.startswith("\rverify [") and "1/3" in shown and "add-zero" in shown
    assert "3/3" in shown and "mul-one" in shown and "0s" in shown
    p.finish()
    assert tty.getvalue().endswith("\r") and tty.getvalue().rsplit("\r", 2)[1].strip() == ""


def test_redraws_are_throttled_but_the_last_one_is_not():
    tty = FakeTTY()
    p = Progress(tty, 100, min_interval_s=3600)
    for n in range(1, 101):
        p.update(n, f"item{n}")
    assert tty.getvalue().count("\r") == 2 and "100/100" in tty.getvalue()


@pytest.mark.parametrize("stream, enabled", [(io.StringIO(), True), (FakeTTY(), False), (None, True)])
def test_nothing_is_written_to_a_pipe_or_when_disabled(stream, enabled):
    p = Progress(stream, 2, enabled=enabled, min_interval_s=0)
    p.update(1, "x")
    p.detail("candidate 1/4")
    p.finish()
    assert not p.active and (stream is None or stream.getvalue() == "")


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "small.rules"
    path.write_text(RULE)
    return str(path)


def test_verify_shows_progress_on_a_terminal_and_nothing_with_json(rules, tmp_path, monkeypatch, capsys):
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["verify", rules, "--no-cache", "-j", "1"]) == 0
    assert "verify [" in tty.getvalue() and "add-zero" in tty.getvalue()
    capsys.readouterr()
    tty.seek(0), tty.truncate()
    assert main(["verify", rules, "--no-cache", "-j", "1", "--format", "json"]) == 0
    assert tty.getvalue() == ""
    assert json.loads(capsys.readouterr().out)  # stdout stays the report alone
    assert main(["verify", rules, "--no-cache", "-j", "1", "--no-progress"]) == 0
    assert tty.getvalue() == ""


def test_bench_counts_kernels_on_a_terminal(monkeypatch, capsys):
    kernel = next(p for p in default_kernel_paths() if p.endswith("relu_f32.ir"))
    tty = FakeTTY()
    args = argparse.Namespace(target="cpu", repeat=1, save_report=None, kernels=[kernel],
                              progress=Progress(tty, label="bench", min_interval_s=0), cluster=None)
    assert run_bench(args, load_library(default_rule_paths()), [kernel]) == 0
    assert "bench [" in tty.getvalue() and "relu_f32.ir" in tty.getvalue() and "1/1" in tty.getvalue()
    assert "relu_f32" in capsys.readouterr().out


def test_the_global_scheduler_tells_each_candidate():
    (kernel,) = parse_kernels("kernel add(a: u8[256], b: u8[256]) -> (out: u8[256]) {\n"
                              "  i = range(256)\n  out[i] = a[i] + b[i]\n}\n", "add.ir")
    told = []
    optimize(kernel, load_library(default_rule_paths()), "hexagon",
             Options(scheduler="global", time_limit=0.5, progress=lambda *a: told.append(a)))
    tried = [t for t, _, _ in told]
    total = told[0][1]
    assert tried == sorted(tried) and tried[0] == 0 and told[-1][:2] == (total, total)
    # Each candidate is told as it is selected, each loop as it is placed (a candidate the
    # selector refuses has no placement step: the count moves past it).
    labels = [label for _, _, label in told[:-1]]
    assert len(told) <= total + 1 and all(labels) and "native x1" in labels and "native x1 placement" in labels


def test_fuzz_shows_rounds_and_failures_on_a_terminal(rules, tmp_path):
    args = build_parser().parse_args(["fuzz", "--rules", rules, "--mode", "terms", "--time", "2s", "--seed", "1",
                                      "--corpus", str(tmp_path / "corpus")])
    tty, out = FakeTTY(), io.StringIO()
    assert run_from_args(args, out=out, progress=Progress(tty, label="fuzz", min_interval_s=0)) == 0
    assert "fuzz " in tty.getvalue() and "0 failures" in tty.getvalue() and "rounds" in tty.getvalue()
    assert "\r" not in out.getvalue()
