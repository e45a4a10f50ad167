"""Calibrate the verifier's resource limits (verifier/strategies.py SHORT_RLIMIT, LONG_RLIMIT).

Reads `rewriter verify rules/ --no-cache --format json` reports and prints, per strategy, the
Z3 work ("rlimit N" in a proven instance's note: Z3's `rlimit count` statistic of the query
that proved it) that the library's proofs needed: the largest, the percentiles, and the
instances above a threshold. A proof's count is deterministic (fixed seeds, a fresh context
per query), so the limits are chosen from these numbers with a margin, not from seconds.

    python scripts/calibrate_rlimit.py report.json [more.json ...] [--above N]
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("reports", nargs="+")
    ap.add_argument("--above", type=int, default=1_000_000)
    args = ap.parse_args()
    counts = defaultdict(list)
    for path in args.reports:
        for r in json.load(open(path))["results"]:
            m = re.match(r"rlimit (\d+)", r.get("note", ""))
            if r["status"] == "proven" and m:
                counts[r["strategy"]].append((int(m.group(1)), f"{r['rule']} [{r['dtype']}]"))
    for strategy, xs in sorted(counts.items()):
        xs.sort()
        n = len(xs)
        pct = {p: xs[min(n - 1, int(n * p / 100))][0] for p in (50, 90, 99)}
        print(f"{strategy}: {n} proofs; p50 {pct[50]}, p90 {pct[90]}, p99 {pct[99]}, max {xs[-1][0]}")
        for c, name in xs:
            if c > args.above:
                print(f"  {c:>12}  {name}")


if __name__ == "__main__":
    main()
