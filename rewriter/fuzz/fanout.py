"""`rewriter fuzz --cluster`: one fuzz run per worker, each under its own seed, merged here.

A cluster of N workers runs N seeds (derived from the run's seed, as rounds are: `--seed S
--cluster local:N` replays the same N seeds), each for the whole `--time` at once: the
run's wall-clock budget is unchanged and its CPU budget is N times a single run's.

Failures: a worker fuzzes into a temporary corpus of its own and sends back the files of
each failure it saved; this process writes them under `<corpus>/seed-<seed>/` (a failure
another worker reported already is only counted). So workers need no shared file system
(a remote scheduler's workers have none of ours), no two write into one folder, and a case
folder's README names the seed that replays it alone (`rewriter fuzz --seed <seed>`
without `--cluster`).
"""
from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Callable

from rewriter.cluster import Cluster
from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError
from rewriter.fuzz.runner import Failure, FuzzConfig, FuzzReport, make_modes, round_seed, run_fuzz

#: Derived seeds fit the range `--seed` takes, so each one can be replayed by hand.
_SEED_BITS = 32


def worker_seeds(seed: int, workers: int) -> list[int]:
    return [round_seed(seed, -1 - k) % (1 << _SEED_BITS) for k in range(workers)]


def fuzz_one_seed(seed: int, config: FuzzConfig) -> tuple[FuzzReport, dict[str, bytes]]:
    """What one worker runs: `run_fuzz` under `seed` into a temporary corpus; the report (its
    failures' paths relative to that corpus) and the corpus' files by relative path."""
    with tempfile.TemporaryDirectory(prefix="rewriter-fuzz-") as tmp:
        root = Path(tmp)
        report = run_fuzz(replace(config, seed=seed, corpus=root), log=lambda line: None)
        for f in report.failures:
            f.path = f.path.relative_to(root)
        files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return report, files


def run_fuzz_on_cluster(config: FuzzConfig, cluster: Cluster, log=print,
                        progress: Callable[[FuzzReport, float], None] | None = None) -> FuzzReport:
    """Fuzz on every worker of `cluster` (module doc); the merged report, failures written
    under `config.corpus`. `progress(merged so far, seconds)` as each worker's run returns."""
    library = config.library if config.library is not None else load_library(config.rules)
    if config.max_failures < 1:
        raise RewriterError("--max-failures must be at least 1")
    make_modes(config, library)  # bad modes, types and targets are refused here, before any worker runs
    seed = config.seed if config.seed is not None else random.SystemRandom().randrange(1 << _SEED_BITS)
    seeds = worker_seeds(seed, cluster.workers)
    log(f"rewriter fuzz: seed {seed}, {config.time_s:g} s on {len(seeds)} workers "
        f"(seeds {', '.join(map(str, seeds))}); failures go to {config.corpus}/seed-<seed>/")
    merged = FuzzReport(seed, rules=len(library))
    start = time.monotonic()
    # The library travels loaded: a worker elsewhere need not have our rule files.
    for done in cluster.map_tasks(fuzz_one_seed, seeds, replace(config, library=library)):
        if done.error is not None:
            raise done.error
        report, files = done.value
        _merge(merged, report, files, Path(config.corpus) / f"seed-{report.seed}", log)
        if progress is not None:
            progress(merged, time.monotonic() - start)
    merged.elapsed = time.monotonic() - start
    return merged


def _merge(merged: FuzzReport, report: FuzzReport, files: dict[str, bytes], folder: Path, log):
    """Add one worker's run: its counts, and its failures with their files, except a failure
    another worker reported already (two seeds often find the same bug first)."""
    merged.rounds += report.rounds
    for mode, counts in report.counts.items():
        merged.counts.setdefault(mode, Counter()).update(counts)
        merged.first_cases.setdefault(mode, report.first_cases.get(mode, []))
    seen = {(f.mode, f.kind, f.message) for f in merged.failures}
    for f in report.failures:
        if (f.mode, f.kind, f.message) in seen:
            merged.counts[f.mode]["a known failure again"] += 1
            continue
        seen.add((f.mode, f.kind, f.message))
        for rel, data in files.items():
            if Path(rel).parts[:len(f.path.parts)] == f.path.parts:
                path = folder / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        moved = Failure(f.mode, f.kind, f.message, folder / f.path, f.round)
        merged.failures.append(moved)
        log(f"FAILURE ({f.mode}): {f.message}")
        log(f"  saved to {moved.path}/  (seed {report.seed}, round {f.round})")
