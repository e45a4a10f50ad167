"""Issue 14's verifier goals, measured: a cold `rewriter verify rules/ -j 2 --no-cache` within
60 s on 2 cores, and 0 unknowns in 10 cold runs while another process keeps both cores busy.

    PYTHONPATH=. .venv/bin/python bench/verify_determinism.py [--idle 3] [--loaded 10] [--hogs 2]
        [--out bench/results/verify.md] [--root TREE]

`--root` runs the CLI of another source tree (e.g. `git archive <commit>` unpacked), to compare
the same command before and after a change under the same conditions.

Each run is the CLI in a fresh process (`--format json`, no cache), as a user runs it. Before
each run the machine's load (`os.getloadavg`, what `uptime` shows) is recorded: other users'
work counts too. Loaded runs start `--hogs` busy-loop processes first (pure Python spinning,
one core each) and stop them after the run. Per run: wall time, the verdict counts, and the
unknown instances by name; the report also says whether every run gave every instance the
same verdict and strategy.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["-m", "rewriter.cli", "verify", "rules/", "-j", "2", "--no-cache", "--format", "json"]


def _spin():
    while True:
        pass


def run_once(hogs: int, root: Path = ROOT) -> dict:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_spin, daemon=True) for _ in range(hogs)]
    for p in procs:
        p.start()
    if hogs:
        time.sleep(1.0)  # let the hogs take the cores before the run starts
    load = os.getloadavg()
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, *COMMAND], cwd=root, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
    finally:
        wall = time.monotonic() - start
        for p in procs:
            p.kill()
            p.join()
    results = json.loads(proc.stdout)["results"]
    return {"load": load, "wall": wall, "exit": proc.returncode, "hogs": hogs,
            "counts": Counter(r["status"] for r in results),
            "unknown": [f"{r['rule']} at {r['dtype']}: {r['note']}" for r in results if r["status"] != "proven"],
            "verdicts": {(r["loc"], r["rule"], r["dtype"]): (r["status"], r["strategy"], r["note"]) for r in results}}


def _row(n: int, r: dict) -> str:
    c = r["counts"]
    return (f"| {n} | {r['hogs']} | {r['load'][0]:.2f} {r['load'][1]:.2f} {r['load'][2]:.2f} | {r['wall']:.1f} | "
            f"{c['proven']} | {c['unknown']} | {c['counterexample'] + c['error']} | {r['exit']} |")


def report(runs: list[dict], root: Path = ROOT) -> str:
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"date {date}, {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"tree {root}", "",
             "command (per run):", "", f"    PYTHONPATH=. python {' '.join(COMMAND)}", "",
             "| run | busy-loop hogs | load 1/5/15 min before | wall s | proven | unknown | other | exit |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    lines += [_row(n + 1, r) for n, r in enumerate(runs)]
    for hogs in sorted({r["hogs"] for r in runs}):
        walls = [r["wall"] for r in runs if r["hogs"] == hogs]
        unknown = sum(r["counts"]["unknown"] for r in runs if r["hogs"] == hogs)
        lines.append(f"\n{hogs} hogs: {len(walls)} runs, wall min {min(walls):.1f} s, median "
                     f"{sorted(walls)[len(walls) // 2]:.1f} s, max {max(walls):.1f} s; {unknown} unknown in all")
    same = all(r["verdicts"] == runs[0]["verdicts"] for r in runs)
    lines.append(f"\nEvery run gave every instance the same verdict, strategy and note (a proof's rlimit count): "
                 f"{'yes' if same else 'NO'}")
    for n, r in enumerate(runs):
        for u in r["unknown"]:
            lines.append(f"- run {n + 1}: {u}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--idle", type=int, default=3, help="runs without hogs")
    ap.add_argument("--loaded", type=int, default=10, help="runs with --hogs busy loops")
    ap.add_argument("--hogs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="append the report to this file")
    ap.add_argument("--root", type=Path, default=ROOT, help="the source tree whose CLI runs")
    args = ap.parse_args()
    runs = []
    for hogs, n in ((0, args.idle), (args.hogs, args.loaded)):
        for _ in range(n):
            runs.append(run_once(hogs, args.root.resolve()))
            print(_row(len(runs), runs[-1]), flush=True)
    text = report(runs, args.root.resolve())
    print(text)
    if args.out:
        with args.out.open("a") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
