"""`rewriter fuzz`: random well-typed terms and small kernels, rewritten with the rule library,
run on the chosen targets and checked against the interpreter; failures are shrunk by
hypothesis and saved to a corpus folder.

    rewriter fuzz --rules rules/ [--target cpu] [--time 60s] [--seed N] [--corpus DIR]
                  [--mode terms|kernels|both] [--types i32,f32] [--max-failures N]
                  [--shrink-time 30s]

Modules (each one job):
  values.py   input values: edge values per type, term samples, kernel buffers
  terms.py    hypothesis strategies for well-typed UOp terms (`term_cases`, `TermBuilder`)
  kernels.py  hypothesis strategies for small kernels (`kernel_cases`)
  refine.py   one term: normalize, check refinement on samples, blame the wrong step
  targets.py  the registry of targets (`register_target`, `run_target`; `ref`, `cpu`)
  corpus.py   corpus folders, terms wrapped as runnable kernels
  modes.py    the two modes: check one case, save a failure
  runner.py   the loop: rounds, time limit, shrinking, summary (`run_fuzz`, `FuzzConfig`)

Exit codes: 0 no failure, 1 failures found, 2 bad input (a `RewriterError`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rewriter.flags import COUNT, SEED, cluster
from rewriter.fuzz.fanout import run_fuzz_on_cluster
from rewriter.fuzz.runner import FuzzConfig, format_summary, parse_duration, run_fuzz
from rewriter.rules_path import default_rule_paths


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The `fuzz` subcommand's options (of `rewriter fuzz`)."""
    p.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    p.add_argument("--target", action="append",
                   help="where kernels run, repeatable or comma-separated: cpu, ref (default: cpu)")
    p.add_argument("--time", default="60s", help="how long to search: 60, 60s, 2m (default: 60s)")
    p.add_argument("--seed", type=SEED, help="seed of the run (default: random, printed); the same seed "
                   "replays the same cases")
    p.add_argument("--corpus", default="fuzz-corpus", help="folder for failures (default: fuzz-corpus/)")
    p.add_argument("--mode", choices=["terms", "kernels", "both"], default="both",
                   help="random terms (checked with the evaluator), kernels (run on the targets), or both")
    p.add_argument("--types", action="append",
                   help="only these scalar types, comma-separated, e.g. i32,u8,f32 (default: all)")
    p.add_argument("--max-failures", type=COUNT, default=1,
                   help="stop after this many distinct failures (default: 1)")
    p.add_argument("--shrink-time", default="30s",
                   help="time to shrink each failure, may run past --time (default: 30s)")
    p.add_argument("--cluster", type=cluster, metavar="local[:N]|ADDRESS",
                   help="one seed per Dask worker, each for the whole --time: a LocalCluster of N workers "
                   "(default: one per core) or a scheduler's address (tcp://host:8786); failures under "
                   "<corpus>/seed-<seed>/")


def config_from_args(args):
    targets = [t.strip() for spec in (args.target or ["cpu"]) for t in spec.split(",") if t.strip()]
    return FuzzConfig(rules=args.rules or default_rule_paths(), targets=targets, time_s=parse_duration(args.time),
                      seed=args.seed, corpus=Path(args.corpus), mode=args.mode,
                      max_failures=args.max_failures, shrink_s=parse_duration(args.shrink_time),
                      types=args.types or [])


def run_from_args(args, out=None, cluster=None, progress=None) -> int:
    """Run from parsed arguments, print the summary; the exit code. `RewriterError`s propagate
    (the CLI prints them). `cluster`: an open `rewriter.cluster.Cluster` to fan seeds out to;
    `progress`: a `rewriter.progress.Progress` for rounds and failures over time."""
    out = out or sys.stdout
    config = config_from_args(args)

    def log(line):
        if progress is not None:
            progress.finish()  # the line is redrawn by the next update, below what is printed
        print(line, file=out, flush=True)

    def show(report, seconds):
        if progress is not None:
            failures = len(report.failures)
            progress.update(report.rounds, note=f"rounds, {failures} failure{'s' * (failures != 1)}, "
                            f"{sum(c['cases'] for c in report.counts.values())} cases")

    try:
        if cluster is not None:
            report = run_fuzz_on_cluster(config, cluster, log=log, progress=show)
        else:
            report = run_fuzz(config, log=log, progress=show)
    finally:
        if progress is not None:
            progress.finish()
    print(format_summary(report, config), file=out, flush=True)
    if cluster is not None and report.failures:
        print(f"  (the seeds of {cluster.workers} workers: replay with the same --cluster, or one case alone "
              "with the seed its README names)", file=out, flush=True)
    return report.exit_code


__all__ = ["add_arguments", "config_from_args", "run_from_args", "run_fuzz"]
