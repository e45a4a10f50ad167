"""Targets describe themselves in data: vector width, registers, units. Each target
(`rewriter/targets/`) describes its machine with one; lowering reads only these fields."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetDesc:
    name: str
    vector_bytes: int  # width of one vector register
    vector_registers: int
    scalar_registers: int
    triple: str = ""
    cpu: str = ""
    features: str = ""
    #: One thread an output lane (GPUs): a scalar store stays one store a lane, so the vector
    #: plan counts the stores. False where LLVM's loop vectorizer widens a scalar loop itself
    #: (the CPU, Hexagon's baseline), which it does better than our gathers.
    lane_threads: bool = False

    def lanes(self, elem_bytes: int) -> int:
        return max(1, self.vector_bytes // max(1, elem_bytes))

