"""What the general lowering (`rows.py`) shares with the strategies it hands nests to
(`segments.py`, `rowtree.py`): how one buffer is walked (`Stream`) and the body's size limit.
A module of its own so that they import it, not each other."""
from __future__ import annotations

from dataclasses import dataclass

#: The most instructions one loop body may hold: the schedulers' work grows with it faster
#: than linearly, and a body this long gains nothing from being one (compile time is bounded).
MAX_BODY = 3000


@dataclass(frozen=True)
class Stream:
    """How one buffer is walked: `lane` elements per lane (0: a splatted element, 1: a
    vector, 2: every other element) and `row` elements per row of the loop."""

    lane: int
    row: int
