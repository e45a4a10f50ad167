"""The public kernel suite `bench/kernels/`: at least 30 kernels, each parses, says what it
computes in a comment, and (slow step) runs on the CPU target and matches the reference
interpreter on random inputs."""
from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference, load, optimize

SUITE = sorted((Path(__file__).resolve().parent.parent / "bench" / "kernels").glob("*.ir"))


def test_the_suite_is_large_enough_and_every_kernel_parses():
    assert len(SUITE) >= 30
    for path in SUITE:
        k = load_kernel(path)
        assert k.name == path.stem  # the file is named after its kernel (bench rows use the name)
        assert path.read_text().startswith("# ")


@pytest.mark.slow
@pytest.mark.parametrize("path", SUITE, ids=[p.stem for p in SUITE])
def test_suite_kernel_matches_the_reference_on_the_cpu(path):
    lib = load_library([Path(__file__).resolve().parent.parent / "rules"])
    k = load_kernel(path)
    inputs = random_inputs(k, 1)
    assert not check_against_reference(k, load(optimize(k, lib, "cpu"))(inputs), inputs)
