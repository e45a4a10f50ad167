"""Human and JSON reports for `rewriter verify`."""
from __future__ import annotations

import json
from collections import Counter, defaultdict

from rewriter.verifier.runner import InstanceResult


def rule_status(results: list[InstanceResult]) -> str:
    statuses = {r.status for r in results}
    if "counterexample" in statuses:
        return "counterexample"
    if "error" in statuses:
        return "error"
    if "unknown" in statuses:
        return "unknown"
    return "proven"


def _group(results):
    groups: dict[tuple, list[InstanceResult]] = defaultdict(list)
    for r in results:
        groups[(r.loc, r.rule)].append(r)
    return groups


def format_text(results: list[InstanceResult], seconds: float, verbose: bool = False) -> str:
    lines = []
    for (loc, rule), rs in _group(results).items():
        status = rule_status(rs)
        by_strategy = Counter(r.strategy for r in rs if r.status == "proven")
        how = ", ".join(f"{s} x{n}" if n > 1 else s for s, n in sorted(by_strategy.items()))
        bad = [r.dtype for r in rs if r.status != "proven"]
        good = [r.dtype for r in rs if r.status == "proven"]
        types = " ".join(bad) + (f" (proven at {' '.join(good)})" if bad and good else "") if bad \
            else " ".join(good)
        ms = sum(r.seconds for r in rs if not r.cached) * 1000
        label = {"proven": "proven", "counterexample": "COUNTEREXAMPLE", "unknown": "UNKNOWN",
                 "error": "ERROR"}[status]
        lines.append(f"{loc}: {rule}: {label} at {types}" + (f" ({how}; {ms:.0f} ms)" if how else ""))
        for r in rs:
            if r.status == "counterexample":
                lines.append(f"  counterexample at {r.dtype} (found by {r.strategy}): {r.failure}")
                for inp in r.inputs:
                    lines.append(f"    {inp['name']}: {inp['type']} = {inp['value']}")
                lines.append(f"    source = {r.source}")
                lines.append(f"    target = {r.target}")
            elif r.status == "unknown":
                lines.append(f"  unknown at {r.dtype} after {r.seconds:.1f} s: {r.note}")
            elif r.status == "error":
                lines.append(f"  error at {r.dtype}: {r.note}")
            elif verbose:
                lines.append(f"  {r.dtype}: proven by {r.strategy} in {r.seconds * 1000:.1f} ms"
                             + (" (cached)" if r.cached else ""))
    lines.append(summary_line(results, seconds))
    return "\n".join(lines)


def summary_line(results: list[InstanceResult], seconds: float) -> str:
    c = Counter(r.status for r in results)
    rules = len(_group(results))
    strategies = Counter(r.strategy for r in results if r.status == "proven")
    how = ", ".join(f"{s} {n}" for s, n in sorted(strategies.items()))
    cached = sum(r.cached for r in results)
    return (f"{rules} rules, {len(results)} instances: {c['proven']} proven"
            + (f" ({how})" if how else "")
            + f", {c['counterexample']} counterexamples, {c['unknown']} unknown"
            + (f", {c['error']} errors" if c["error"] else "")
            + f"; {cached} from cache; {seconds:.2f} s")


def format_json(results: list[InstanceResult], seconds: float) -> str:
    c = Counter(r.status for r in results)
    return json.dumps({
        "summary": {"rules": len(_group(results)), "instances": len(results), "proven": c["proven"],
                    "counterexamples": c["counterexample"], "unknown": c["unknown"], "errors": c["error"],
                    "cached": sum(r.cached for r in results), "seconds": round(seconds, 3)},
        "results": [r.to_json() for r in results],
    }, indent=1)
