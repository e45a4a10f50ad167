"""Test configuration: hypothesis profiles, golden-file switch.

Hypothesis profiles (pick one with HYPOTHESIS_PROFILE, default "default"):
  default  deadline=None (Z3 calls vary a lot in time), print_blob=True (a failure prints the
           `@reproduce_failure(...)` line to replay it exactly), 100 examples per test.
  ci       the same, with derandomize=False spelled out: every CI run explores new inputs.
  dev      a quick local loop: 20 examples.
  thorough 1000 examples, for a hunting session.

Reproducing a failure: hypothesis prints the falsifying example and, with print_blob=True, the
`@reproduce_failure(...)` decorator that replays it exactly; the failure is also saved in the
local example database (.hypothesis/) and replayed first on the next run. To pin the whole run,
pass `--hypothesis-seed=N` (hypothesis' pytest option; it disables the database). Nothing here
needs `-p no:randomly`: tests do not depend on their order, and their own randomness is seeded
(the per-op samples) or hypothesis-driven.

Golden files of `tests/corpus`: run with REWRITER_UPDATE_GOLDEN=1 to rewrite the `.expected`
files from the current output (then read the diff before keeping it).
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)

_COMMON = dict(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])

settings.register_profile("default", max_examples=100, **_COMMON)
settings.register_profile("ci", max_examples=100, derandomize=False, **_COMMON)
settings.register_profile("dev", max_examples=20, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header(config):
    profile = os.environ.get("HYPOTHESIS_PROFILE", "default")
    seed = config.getoption("hypothesis_seed", default=None)
    how = f"seed {seed} (--hypothesis-seed)" if seed is not None else \
        "random seeds; a failure prints its @reproduce_failure blob and is replayed from .hypothesis/"
    return f"HYPOTHESIS_PROFILE={profile}: {settings.default.max_examples} examples per test, {how}"


#: The modules whose `slow` tests are opt-in (others in this folder keep their own policy).
_OPT_IN_SLOW = {"test_semantics_agree.py", "test_dsl.py", "test_ir.py", "test_golden.py",
                "test_hexagon_op_matrix.py"}


def pytest_collection_modifyitems(config, items):
    """The `slow` tests of the modules above run only when selected with `-m slow` (CI's
    second step), so a plain `pytest tests/` stays fast."""
    if "slow" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest -m slow`")
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        path = str(item.path)
        if "slow" in item.keywords and os.path.dirname(path) == here and os.path.basename(path) in _OPT_IN_SLOW:
            item.add_marker(skip)
