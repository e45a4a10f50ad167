"""Numeric command-line values (and `--cluster`'s), checked in one place.

Every numeric flag of every command parses through one of these argparse types, so each is
refused the same way (argparse's exit 2 and one `error:` line) before any work starts: a
value must be finite, inside its range, and not so large that it overflows where it goes
(Z3 takes its timeout as milliseconds in an unsigned 32-bit integer; `inf` seconds made
every verify instance an OverflowError, and a hexagon `--time-limit inf` searched forever).
"""
from __future__ import annotations

import argparse
import math
from dataclasses import fields
from typing import Callable

from rewriter.cluster import ClusterError, parse_cluster
from rewriter.limits import Limits

#: The longest time a flag may give a solver or a timer: a week. Far below Z3's limit
#: (2**32 - 1 ms, about 49 days); anything longer is a typo, not a plan.
MAX_SECONDS = 7 * 24 * 3600.0
#: Seeds: numpy's generators and hypothesis take any non-negative integer; 64 bits are plenty.
MAX_SEED = 2**64 - 1
#: Counts (repetitions, workers, unroll factors, failures): far above any useful value,
#: low enough that a typo is refused instead of running for days or exhausting memory.
MAX_COUNT = 1_000_000

#: The most copies of a loop body `--unroll` asks for: more only makes code no cache holds
#: (and a compile that takes minutes).
MAX_UNROLL = 1024

#: The most worker processes `-j` starts: each holds its own Z3, so far more than any machine's
#: cores only exhausts memory.
MAX_JOBS = 1024


def integer(low: int, high: int = MAX_COUNT) -> Callable[[str], int]:
    """An argparse type: an integer in low..high (inclusive)."""
    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {text}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be <= {high}, got {text}")
        return value
    return parse


def seconds(high: float = MAX_SECONDS) -> Callable[[str], float]:
    """An argparse type: a positive, finite number of seconds, at most `high`."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number of seconds, got {text}")
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g} seconds, got {text}")
        return value
    return parse


#: The argparse types of the flags every command shares.
SEED = integer(0, MAX_SEED)
COUNT = integer(1)
UNROLL = integer(1, MAX_UNROLL)
JOBS = integer(1, MAX_JOBS)


def limit_override(text: str) -> tuple[str, int]:
    """`--limit NAME=VALUE`: one field of `rewriter.limits.Limits` raised (or lowered) for
    this command, VALUE a positive integer (`8e9` and `1_000_000` are read too)."""
    name, eq, value = text.partition("=")
    names = [f.name for f in fields(Limits)]
    if not eq or name.strip() not in names:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME one of {', '.join(names)}, got {text!r}")
    try:
        number = float(value.replace("_", "")) if any(c in value for c in ".eE") else int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: expected a whole number, got {value!r}") from None
    if not math.isfinite(number) or number != int(number) or number < 1 or number > 1 << 64:
        raise argparse.ArgumentTypeError(f"{name}: must be a whole number from 1 to 2**64, got {value}")
    return name.strip(), int(number)


def cluster(text: str):
    """`--cluster local | local:N | tcp://host:port` (rewriter/cluster.py), refused as a usage error."""
    try:
        return parse_cluster(text)
    except ClusterError as e:
        raise argparse.ArgumentTypeError(str(e)) from e
