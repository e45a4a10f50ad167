"""The kernel model: typed buffers, named index ranges and an ordered list of stores.

A kernel says *what* is computed, never how: no loop order, vector width or unrolling. Its
statements are `UOp` trees over four kernel-level ops beside the op table's ALU ops:

  var     an index range: `var(idx, name, 0, size - 1)`, so the range analysis and the
          rewrite engine see its bounds with no special case;
  load    `UOp("load", T, (i0, i1, ...), arg=buffer)`: one element of a buffer;
  reduce  `UOp("reduce", T, (body,), arg=(kind, (range, ...)))`: `body` combined over the
          named reduce ranges with the table op of `kind` (sum -> add, reduce_max -> max,
          reduce_min -> min), in index order;
  store   `UOp("store", T, (i0, i1, ..., value), arg=buffer)`.

They are declared (arity, types, arg kind, stage) in `rewriter.ir.ops.VOCAB` beside the table
ops; `rewriter.kernel.validate.validate_kernel` checks a kernel against those declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rewriter.errors import SourceLoc
from rewriter.ir.dtype import DType
from rewriter.ir.uop import UOp

#: Reduction name in `.ir` text -> the op-table op that combines two partial results.
REDUCTIONS = {"sum": "add", "reduce_max": "max", "reduce_min": "min"}


@dataclass(frozen=True)
class Buffer:
    name: str
    dtype: DType
    shape: tuple[int, ...]
    role: str  # "input" | "output" | "temp"

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def __str__(self) -> str:
        return f"{self.name}: {self.dtype}" + (f"[{', '.join(map(str, self.shape))}]" if self.shape else "")


@dataclass(frozen=True)
class RangeDecl:
    name: str
    size: int
    reduce: bool = False


@dataclass(frozen=True)
class Kernel:
    name: str
    buffers: tuple[Buffer, ...]  # inputs, outputs, then temporaries, in declaration order
    ranges: tuple[RangeDecl, ...]
    stores: tuple[UOp, ...]
    loc: SourceLoc | None = field(default=None, compare=False)
    store_locs: tuple = field(default=(), compare=False)  # SourceLoc per store

    def buffer(self, name: str) -> Buffer:
        for b in self.buffers:
            if b.name == name:
                return b
        raise KeyError(name)

    @property
    def inputs(self) -> list[Buffer]:
        return [b for b in self.buffers if b.role == "input"]

    @property
    def outputs(self) -> list[Buffer]:
        return [b for b in self.buffers if b.role == "output"]

    @property
    def temps(self) -> list[Buffer]:
        return [b for b in self.buffers if b.role == "temp"]

    def range(self, name: str) -> RangeDecl:
        for r in self.ranges:
            if r.name == name:
                return r
        raise KeyError(name)

    def with_stores(self, stores) -> "Kernel":
        return Kernel(self.name, self.buffers, self.ranges, tuple(stores), self.loc, self.store_locs)
