"""Shared-memory bank conflicts as constraints: which layout (row padding) and which
thread-to-data mapping leaves every warp's shared-memory access conflict-free.

The hardware model (CUDA C++ Programming Guide, "Shared Memory" under compute capability
5.x and later, which sm_90 keeps): shared memory has 32 banks, each 4 bytes wide;
successive 32-bit words go to successive banks (bank = (byte address / 4) mod 32). A warp's
request is served in one pass unless two lanes touch the same bank at *different* 32-bit
words (lanes reading the same word get it broadcast). Accesses wider than 4 bytes are served
in phases: 8-byte accesses per half-warp (16 lanes), 16-byte accesses per quarter-warp
(8 lanes), so only lanes of one phase can conflict; each lane touches `bytes / 4`
consecutive words.

An access is an address *function* of the lane (0..31) and of uniform values that every lane
of the warp shares (loop counters, the warp's index in its block, unrolled copies), written
once against a tiny ops interface (`add`, `mul`, `div`, `mod`, `xor`, constants). The same
function is evaluated three ways:

  * `IntOps`  on Python ints: the brute-force checker used by the tests;
  * `Z3Ops`   on Z3 bitvectors: the constraint model;
  * by the GPU lowering on UOps (rewriter/lower/gpu.py), so the addresses checked are the
    addresses emitted.

The model, for one access: does there exist a uniform assignment and lanes l1 != l2 of the
same phase such that, for some words w1 of l1 and w2 of l2, bank(w1) == bank(w2) and
w1 != w2? Unsat means conflict-free for every warp and every iteration. `choose` walks the
candidate layouts in the caller's cost order and returns the first whose accesses are all
conflict-free (each checked by Z3), so the choice is made by the constraints, not by a
hand-written rule such as "pad by one".
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import z3

from rewriter.errors import RewriterError

BANKS = 32
BANK_BYTES = 4
WARP = 32


class BankModelError(RewriterError):
    pass


class IntOps:
    """Address arithmetic on Python ints (non-negative values only)."""

    @staticmethod
    def const(v):
        return int(v)

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def mul(a, c):
        return a * c

    @staticmethod
    def div(a, c):
        return a // c

    @staticmethod
    def mod(a, c):
        return a % c

    @staticmethod
    def xor(a, b):
        return a ^ b


class Z3Ops:
    """Address arithmetic on 32-bit Z3 bitvectors (unsigned division and remainder:
    every address and lane value is non-negative and far below 2**31)."""

    BITS = 32

    @classmethod
    def const(cls, v):
        return z3.BitVecVal(int(v), cls.BITS)

    @classmethod
    def _bv(cls, v):
        return v if isinstance(v, z3.BitVecRef) else cls.const(v)

    @classmethod
    def add(cls, a, b):
        return cls._bv(a) + cls._bv(b)

    @classmethod
    def mul(cls, a, c):
        return cls._bv(a) * cls._bv(c)

    @classmethod
    def div(cls, a, c):
        return z3.UDiv(cls._bv(a), cls._bv(c))

    @classmethod
    def mod(cls, a, c):
        return z3.URem(cls._bv(a), cls._bv(c))

    @classmethod
    def xor(cls, a, b):
        return cls._bv(a) ^ cls._bv(b)


@dataclass(frozen=True)
class Access:
    """One shared-memory instruction of a warp.

    `element_index(ops, lane, uniforms)` returns the element index in the tile that `lane`
    touches; `uniforms` maps each name in `ranges` to its value (0 <= value < range).
    `elem_bytes` is the tile element's size, `lanes` how many consecutive elements one
    thread moves in this instruction (a vector access of elem_bytes * lanes bytes)."""

    name: str
    element_index: Callable
    ranges: tuple = ()  # ((name, size), ...)
    elem_bytes: int = 4
    lanes: int = 1

    @property
    def access_bytes(self) -> int:
        return self.elem_bytes * self.lanes

    @property
    def phase(self) -> int:
        """Lanes served together: 32 for accesses of up to 4 bytes, 16 for 8, 8 for 16."""
        return WARP // max(1, self.access_bytes // BANK_BYTES)


def _words(ops, acc: Access, lane, uni):
    """The 32-bit words one lane touches (first and last differ only for wide accesses)."""
    first = ops.mul(acc.element_index(ops, lane, uni), acc.elem_bytes)
    n = max(1, acc.access_bytes // BANK_BYTES)
    return [ops.div(ops.add(first, BANK_BYTES * i), BANK_BYTES) for i in range(n)]


def conflicts_brute_force(acc: Access) -> int:
    """The worst number of distinct words hitting one bank in one phase, over every uniform
    assignment (1 = conflict-free). Exhaustive: the reference the Z3 model is tested against."""
    worst = 1
    names = [n for n, _ in acc.ranges]
    for values in itertools.product(*[range(s) for _, s in acc.ranges]):
        uni = dict(zip(names, values))
        for p0 in range(0, WARP, acc.phase):
            per_bank: dict[int, set] = {}
            for lane in range(p0, p0 + acc.phase):
                for w in _words(IntOps, acc, lane, uni):
                    per_bank.setdefault(w % BANKS, set()).add(w)
            worst = max(worst, max(len(s) for s in per_bank.values()))
    return worst


def conflict_degree(acc: Access) -> int:
    """`conflicts_brute_force`, evaluated on numpy arrays (every lane and uniform assignment
    at once): exhaustive and exact, fast enough for a cost model that ranks many layouts
    (the tiled transpose, lower/gpu_transpose.py). The address function must use only the
    ops interface's arithmetic, as every access here does."""
    names = [n for n, _ in acc.ranges]
    grids = np.meshgrid(*[np.arange(s, dtype=np.int64) for _, s in acc.ranges], indexing="ij") if names else []
    uni = {n: g.reshape(-1, 1) for n, g in zip(names, grids)}
    lane = np.arange(WARP, dtype=np.int64).reshape(1, -1)
    words = np.stack([np.broadcast_to(w, np.broadcast_shapes(np.shape(w), (1, WARP)))
                      for w in _words(IntOps, acc, lane, uni)], axis=-1)  # (assignments, lanes, n)
    a = words.shape[0]
    phases = WARP // acc.phase
    words = words.reshape(a, phases, -1)
    group = (np.arange(a).reshape(-1, 1, 1) * phases + np.arange(phases).reshape(1, -1, 1)) * BANKS + words % BANKS
    pairs = np.unique(np.stack([group.ravel(), words.ravel()], axis=1), axis=0)
    _, counts = np.unique(pairs[:, 0], return_counts=True)
    return int(counts.max())


def conflict_witness(acc: Access, timeout_ms: int = 20000):
    """None if the access is conflict-free for every warp and iteration (Z3 proves it), else
    a dict (lane1, lane2, uniform values) of two lanes that conflict."""
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    l1, l2 = z3.BitVecs("lane1 lane2", Z3Ops.BITS)
    uni = {n: z3.BitVec(n, Z3Ops.BITS) for n, _ in acc.ranges}
    for n, size in acc.ranges:
        s.add(z3.ULT(uni[n], size))
    s.add(z3.ULT(l1, WARP), z3.ULT(l2, WARP), l1 != l2)
    s.add(z3.UDiv(l1, acc.phase) == z3.UDiv(l2, acc.phase))
    w1, w2 = _words(Z3Ops, acc, l1, uni), _words(Z3Ops, acc, l2, uni)
    s.add(z3.Or([z3.And(z3.URem(a, BANKS) == z3.URem(b, BANKS), a != b) for a in w1 for b in w2]))
    r = s.check()
    if r == z3.unsat:
        return None
    if r != z3.sat:
        raise BankModelError(f"bank model for '{acc.name}': Z3 answered {r}")
    m = s.model()
    out = {"lane1": m.eval(l1).as_long(), "lane2": m.eval(l2).as_long()}
    out.update({n: m.eval(v, model_completion=True).as_long() for n, v in uni.items()})
    return out


def conflict_free(acc: Access) -> bool:
    return conflict_witness(acc) is None


def choose(candidates, accesses_of: Callable):
    """The first candidate (in the caller's cost order) whose every access is proven
    conflict-free; `accesses_of(candidate)` lists its accesses. Returns (candidate, log),
    the log saying why each earlier candidate was rejected."""
    log = []
    for cand in candidates:
        bad = None
        for acc in accesses_of(cand):
            w = conflict_witness(acc)
            if w is not None:
                bad = (acc.name, w)
                break
        if bad is None:
            return cand, log
        log.append(f"{cand}: '{bad[0]}' conflicts (lanes {bad[1]['lane1']} and {bad[1]['lane2']})")
    raise BankModelError("no candidate shared-memory layout is conflict-free: " + "; ".join(log))
