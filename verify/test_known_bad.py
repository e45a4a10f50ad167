"""The known-bad corpus: plausible rewrite rules that are unsound, one per file.

Every file must be rejected by the verifier with a confirmed counterexample (never merely
"unknown"): this is the evidence that the verifier actually catches the bug classes real
compilers have shipped (signedness, wrap-around, shift amounts, signed zeros, NaN, poison).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
from rewriter.cli import main

KNOWN_BAD = Path(__file__).resolve().parent / "known-bad"
FILES = sorted(KNOWN_BAD.glob("*.rules"))


def test_corpus_size():
    assert len(FILES) >= 12, f"only {len(FILES)} known-bad rules in {KNOWN_BAD}"


def test_one_rule_per_file_with_header():
    from rewriter.dsl.parser import parse_rules

    for f in FILES:
        text = f.read_text()
        assert len(parse_rules(text, str(f))) == 1, f"{f.name}: expected exactly one rule"
        assert text.lstrip().startswith("#"), f"{f.name}: needs a header comment explaining the bug"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_rejected_with_counterexample(path, capsys):
    rc = main(["verify", str(path), "--no-cache", "-j", "1", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    statuses = [r["status"] for r in report["results"]]
    assert rc == 1, f"{path.name}: the verifier accepted an unsound rule"
    assert "counterexample" in statuses, f"{path.name}: no counterexample ({statuses})"
    assert "unknown" not in statuses, f"{path.name}: some instance is unknown ({statuses})"
    for r in report["results"]:
        if r["status"] == "counterexample":
            assert r["inputs"], f"{path.name}: counterexample without inputs"
