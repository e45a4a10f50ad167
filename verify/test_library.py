"""The rule library in rules/: loads, has enough uniquely named rules, and every instance is
proven by the verifier (the slow part runs in CI's separate `-m slow` step)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
from rewriter.dsl.rule import load_library

RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture(scope="module")
def library():
    return load_library([RULES])


def test_library_loads_with_enough_rules(library):
    assert len(library) >= 150, f"only {len(library)} rules in {RULES}"


def test_rule_names_unique(library):
    dup = [n for n, c in Counter(r.name for r in library).items() if c > 1]
    assert not dup, f"duplicate rule names: {dup}"


def test_every_file_has_a_header(library):
    for f in library.files:
        assert f.read_text().lstrip().startswith("#"), f"{f.name}: needs a header comment"


@pytest.mark.slow
def test_library_verifies(library, tmp_path):
    """`rewriter verify rules/` as a user runs it: a fresh process. In-process, after other
    tests have used Z3 heavily, the forked workers inherit the parent's Z3 state and a few
    instances (mod-add-mul-nuw) then need more than their resource limit: Z3's work on a
    query in a fresh Context still depends on the process's history (an open finding)."""
    instances = list(library.all_instances())  # target rules (hexagon.rules) too
    run = subprocess.run([sys.executable, "-m", "rewriter.cli", "verify", str(RULES), "-j", "2", "--no-cache",
                          "--format", "json"], capture_output=True, text=True, cwd=RULES.parent, timeout=1800)
    results = json.loads(run.stdout)["results"]
    assert len(results) == len(instances), run.stderr
    bad = [f"{r['loc']}: {r['rule']} at {r['dtype']}: {r['status']} {r['failure'] or r['note']}"
           for r in results if r["status"] != "proven"]
    assert not bad, "not proven:\n" + "\n".join(bad)
    assert run.returncode == 0, run.stderr


def test_no_rule_is_shadowed(library):
    """The greedy engine tries rules in file order, so a rule that an earlier rule always beats
    is dead code there (the e-graph would still use it, but the library should not rely on that)."""
    from rewriter.dsl.overlap import find_shadowed

    found = find_shadowed(library)
    assert not found, "\n".join(map(str, found))
