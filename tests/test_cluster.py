"""`--cluster` (rewriter/cluster.py): the values it takes, and a 2-worker LocalCluster that
verifies, benches and fuzzes with the same results as a local run, the proof cache written
by the client alone."""
from __future__ import annotations

import argparse
import json
import operator

import pytest

from rewriter.bench import run_bench
from rewriter.cli import build_parser, main
from rewriter.cluster import Cluster, ClusterError, ClusterSpec, parse_cluster
from rewriter.dsl.rule import load_library
from rewriter.flags import cluster as cluster_flag
from rewriter.fuzz import run_from_args
from rewriter.rules_path import default_kernel_paths, default_rule_paths
from rewriter.targets import register_target_ops
from rewriter.verifier.cache import FILE, read_entries
from rewriter.verifier.runner import verify_instances

RULES = """rule add-zero: x + 0 => x
rule mul-one: x * 1 => x
rule sub-self: x - x => 0
rule wrong: x + 1 => x
"""


@pytest.mark.parametrize("text, spec", [("local", ClusterSpec()), ("local:3", ClusterSpec(workers=3)),
                                        ("tcp://10.0.0.5:8786", ClusterSpec(address="tcp://10.0.0.5:8786"))])
def test_cluster_values(text, spec):
    assert parse_cluster(text) == spec


@pytest.mark.parametrize("text", ["local:0", "local:-1", "local:x", "remote", "10.0.0.5:8786", "", "local:100000"])
def test_bad_cluster_values_are_usage_errors(text, capsys):
    with pytest.raises(ClusterError):
        parse_cluster(text)
    with pytest.raises(argparse.ArgumentTypeError):
        cluster_flag(text)
    with pytest.raises(SystemExit) as e:
        main(["verify", "--cluster", text])
    assert e.value.code == 2 and "--cluster" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("rewriter.cluster.CONNECT_TIMEOUT_S", 1)
    (tmp_path / "r.rules").write_text(RULES)
    assert main(["verify", str(tmp_path / "r.rules"), "--no-cache", "--cluster", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the scheduler" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def two_workers():
    with Cluster(parse_cluster("local:2"), setup=register_target_ops) as c:
        yield c


@pytest.mark.slow
def test_tasks_come_back_by_index_errors_included(two_workers):
    assert two_workers.workers == 2
    done = list(two_workers.map_tasks(operator.floordiv, [6, 8, 0], 2))
    assert sorted((d.index, d.value) for d in done) == [(0, 3), (1, 4), (2, 0)]
    (bad,) = list(two_workers.map_tasks(operator.floordiv, [1], 0))
    assert isinstance(bad.error, ZeroDivisionError) and bad.value is None


@pytest.mark.slow
def test_verify_on_two_workers_agrees_with_the_pool_and_the_client_writes_the_cache(two_workers, tmp_path):
    (tmp_path / "r.rules").write_text(RULES)
    rules = [str(tmp_path / "r.rules"), *[p for p in default_rule_paths() if p.endswith("hexagon.rules")]]
    instances = list(load_library(rules).all_instances())
    local = verify_instances(instances, jobs=1, timeout_s=10)
    cache = tmp_path / "cache"
    remote = verify_instances(instances, timeout_s=10, cache_dir=cache, cluster=two_workers)
    verdicts = lambda rs: [(r.rule, r.dtype, r.status) for r in rs]  # noqa: E731
    assert verdicts(remote) == verdicts(local)
    assert {r.status for r in remote} == {"proven", "counterexample"}  # target rules too: hvx ops on workers
    entries, bad = read_entries(cache / FILE)
    assert bad == 0 and len(entries) == len(instances)
    again = verify_instances(instances, timeout_s=10, cache_dir=cache, cluster=two_workers)
    assert all(r.cached for r in again) and verdicts(again) == verdicts(local)


@pytest.mark.slow
def test_bench_on_two_workers_makes_the_same_table(two_workers, capsys):
    kernels = [p for p in default_kernel_paths() if p.endswith(("relu_f32.ir", "add_sat_u8.ir"))]
    args = argparse.Namespace(target="cpu", repeat=1, save_report=None, kernels=kernels, cluster=two_workers)
    assert run_bench(args, load_library(default_rule_paths()), kernels) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "yes" in line]
    assert [r.split(" | ")[0] for r in rows] == ["| add_sat_u8", "| relu_f32"]  # the kernels' order


@pytest.mark.slow
def test_fuzz_on_two_workers_runs_two_seeds(two_workers, tmp_path, capsys):
    (tmp_path / "r.rules").write_text(RULES)
    args = build_parser().parse_args(["fuzz", "--rules", str(tmp_path / "r.rules"), "--mode", "terms",
                                      "--time", "3s", "--seed", "5", "--corpus", str(tmp_path / "corpus"),
                                      "--shrink-time", "2s"])
    assert run_from_args(args, cluster=two_workers) == 1  # `wrong` is found
    out = capsys.readouterr().out
    assert "on 2 workers" in out and "FAILED terms" in out
    saved = [p for p in (tmp_path / "corpus").glob("seed-*/*") if p.is_dir()]
    assert saved and all((p / "README.txt").is_file() for p in saved)


@pytest.mark.slow
def test_cli_verify_json_with_a_local_cluster(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(RULES)
    assert main(["verify", str(tmp_path / "r.rules"), "--cache-dir", str(tmp_path / "c"), "--cluster", "local:2",
                 "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)
    entries, _ = read_entries(tmp_path / "c" / FILE)
    assert len(entries) == len(list(load_library([str(tmp_path / "r.rules")]).all_instances()))


def test_jobs_and_a_cluster_together_are_refused_before_any_worker_starts(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(RULES)
    assert main(["verify", str(tmp_path / "r.rules"), "--no-cache", "--cluster", "local:2", "-j", "2"]) == 2
    assert "local:N sets the workers" in capsys.readouterr().err
