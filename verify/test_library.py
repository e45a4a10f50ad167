"""The rule library in rules/: loads, has enough uniquely named rules, and every instance is
proven by the verifier (the slow part runs in CI's separate `-m slow` step)."""
from __future__ import annotations

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
    """In-process on purpose: after other tests' Z3 work (test_semantics_agree's), which the
    verifier's checks must not see (each runs in a process of its own, forked from a clean
    fork server: runner.py). Until that, mod-add-mul-nuw at u16/u32/u64 was unknown here."""
    from rewriter.verifier.runner import verify_instances

    instances = list(library.all_instances())  # target rules (hexagon.rules) too
    results = verify_instances(instances, jobs=2, cache_dir=tmp_path)
    assert len(results) == len(instances)
    bad = [f"{r.loc}: {r.rule} at {r.dtype}: {r.status} {r.failure or r.note}"
           for r in results if r.status != "proven"]
    assert not bad, "not proven:\n" + "\n".join(bad)


def test_no_rule_is_shadowed(library):
    """The greedy engine tries rules in file order, so a rule that an earlier rule always beats
    is dead code there (the e-graph would still use it, but the library should not rely on that)."""
    from rewriter.dsl.overlap import find_shadowed

    found = find_shadowed(library)
    assert not found, "\n".join(map(str, found))
