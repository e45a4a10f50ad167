"""Input values for the fuzzer: edge values per type, samples for terms, buffers for kernels.

Everything here is driven by a numpy `Generator` seeded from a number hypothesis drew, so a
case (term or kernel plus its seed) always sees the same inputs, and shrinking a case keeps
its inputs. Integers are mathematical values under the type's signedness, as in the concrete
evaluator; `idx` samples range far beyond 64 bits.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from rewriter.ir.concrete import ConcreteDomain, finfo, np_float
from rewriter.ir.dtype import DType
from rewriter.ir.uop import UOp
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import numpy_dtype

_NP_UINT = {16: np.uint16, 32: np.uint32, 64: np.uint64}

#: Kernel input profiles, per buffer: how its elements are drawn.
PROFILES = ("full", "small", "edges", "special")


@functools.lru_cache(maxsize=None)
def int_edges(t: DType) -> tuple[int, ...]:
    """Edge values of a fixed-width integer type: 0, +-1, MIN, MAX, powers of two (+-1)..."""
    raw = {0, 1, -1, 2, -2, 3, 4, 7, 8, t.min, t.max, t.min + 1, t.max - 1, t.bits - 1, t.bits}
    for k in range(t.bits):
        raw |= {1 << k, -(1 << k), (1 << k) - 1}
    return tuple(sorted({t.wrap(v) for v in raw}))


IDX_EDGES = sorted({0, 1, -1, 2, -2, 3, 4, 7, 8, -8, 15, 16, 255, 256, 1 << 16, 1 << 31, -(1 << 31),
                    (1 << 31) - 1, 1 << 32, (1 << 32) - 1, (1 << 63) - 1, -(1 << 63), 1 << 63,
                    1 << 64, (1 << 64) - 1, -(1 << 64)})


@functools.lru_cache(maxsize=None)
def float_edges(t: DType) -> tuple[float, ...]:
    """Specials and boundaries, each exactly representable in t (1e30 is inf in f16)."""
    ft = np_float(t)
    fi = finfo(ft)
    sub = float(np.nextafter(ft(0), ft(1)))
    raw = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1.5, -2.5, math.inf, -math.inf, math.nan,
           float(fi.tiny), -float(fi.tiny), sub, -sub, float(fi.max), -float(fi.max), float(fi.eps),
           1.0 + float(fi.eps), 0.1, 1e-3, 1e30, 127.5, 128.0, -128.5, -129.0, 255.5, 256.0, -0.75,
           32767.5, 32768.0, 65504.0, 65536.0, 2.0**31, -2.0**31, 2.0**32, 2.0**63, -2.0**63, 2.0**64]
    with np.errstate(over="ignore", invalid="ignore"):
        return tuple(float(ft(v)) for v in raw)


def float_from_bits(t: DType, bits: int) -> float:
    return float(np.array([bits], dtype=_NP_UINT[t.bits]).view(np_float(t))[0])


def small_ints(t: DType) -> list[int]:
    lo = -8 if (t.is_idx or t.signed) else 0
    return list(range(lo, 9))


# -------------------------------------------------------------------------------------------
# Samples for terms (one value per sample, per variable)
# -------------------------------------------------------------------------------------------
def _one(rng: np.random.Generator, t: DType, lo, hi, simple: bool = False):
    """One Python value of type t within optional inclusive bounds (`simple`: a small one)."""
    if t.is_bool:
        return bool(rng.integers(0, 2))
    if t.is_float:
        k = 1 if simple else rng.integers(0, 4)
        if k == 0:
            edges = float_edges(t)
            return edges[rng.integers(0, len(edges))]
        if k == 1:
            return float(np_float(t)(rng.integers(-8, 9) / (1, 2, 4)[rng.integers(0, 3)]))
        if k == 2:
            with np.errstate(over="ignore"):
                return float(np_float(t)(rng.standard_normal() * 10.0 ** rng.integers(-3, 6)))
        return float_from_bits(t, int(rng.integers(0, 1 << t.bits, dtype=np.uint64)))
    if lo is None:
        lo = t.min if t.is_int else -(1 << 70)
    if hi is None:
        hi = t.max if t.is_int else 1 << 70
    k = 1 if simple else rng.integers(0, 4)
    if k == 0:
        cands = _edges_within(t, lo, hi)
        return int(cands[rng.integers(0, len(cands))])
    if k == 1:
        cands = [v for v in small_ints(t) if lo <= v <= hi] or [lo]
        return int(cands[rng.integers(0, len(cands))])
    if k == 2 and t.is_idx and hi - lo > 1 << 20:
        mid = max(lo, min(hi, 0))
        return int(max(lo, min(hi, mid + int(rng.integers(-(1 << 40), 1 << 40)))))
    span = hi - lo + 1
    if span <= 1 << 62:
        return lo + int(rng.integers(0, span))
    return lo + int.from_bytes(rng.bytes(16), "little") % span


@functools.lru_cache(maxsize=4096)
def _edges_within(t: DType, lo: int, hi: int) -> list[int]:
    return [v for v in (int_edges(t) if t.is_int else IDX_EDGES) if lo <= v <= hi] + [lo, hi]


def term_samples(term: UOp, seed: int, n: int = 64):
    """(domain, env, python values) with `n` samples for every variable of `term`: the first
    eighth small numbers (so a failure is often shown on simple values), the rest a mix of
    edge values, small numbers and uniform values."""
    rng = np.random.default_rng(seed)
    d = ConcreteDomain(n)
    env, py = {}, {}
    for v in term.vars():
        vals = [_one(rng, v.dtype, v.arg.lo, v.arg.hi, i < n // 8) for i in range(n)]
        env[v] = d.from_python(v.dtype, vals)
        py[v] = vals
    return d, env, py


# -------------------------------------------------------------------------------------------
# Buffers for kernels
# -------------------------------------------------------------------------------------------
def buffer_values(rng: np.random.Generator, t: DType, shape, profile: str) -> np.ndarray:
    nt = numpy_dtype(t)
    size = int(np.prod(shape)) if shape else 1
    if t.is_bool:
        return rng.integers(0, 2, size).astype(bool).reshape(shape)
    if t.is_float:
        if profile == "small":  # small integers: exact under any summation order
            out = rng.integers(-4, 5, size).astype(nt)
            # and the values whose folds are order-sensitive or easy to get wrong: NaN, +-inf
            # and -0.0 (a sum or max over them does not depend on the order of the integers)
            special = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=nt)
            pick = rng.random(size) < 0.08
            out[pick] = special[rng.integers(0, len(special), int(pick.sum()))]
        else:
            out = rng.standard_normal(size).astype(nt)
            if profile in ("edges", "special"):
                edges = np.array(float_edges(t), dtype=nt)
                pick = rng.random(size) < (0.3 if profile == "special" else 0.1)
                out[pick] = edges[rng.integers(0, len(edges), int(pick.sum()))]
        return out.reshape(shape)
    info = np.iinfo(nt)
    if profile == "small":
        lo = -8 if t.signed else 0
        out = rng.integers(lo, 9, size)
    else:
        out = rng.integers(info.min, info.max, size, dtype=nt, endpoint=True)
        if profile in ("edges", "special"):
            edges = np.array(int_edges(t), dtype=object)
            pick = np.nonzero(rng.random(size) < 0.3)[0]
            for i in pick:
                out[i] = edges[rng.integers(0, len(edges))]
    return np.asarray(out).astype(nt).reshape(shape)


def kernel_inputs(kernel: Kernel, seed: int, profiles: dict | None = None) -> dict[str, np.ndarray]:
    """Inputs for every input buffer, each drawn with its profile (default "full")."""
    rng = np.random.default_rng(seed)
    profiles = profiles or {}
    return {b.name: buffer_values(rng, b.dtype, b.shape, profiles.get(b.name, "full"))
            for b in kernel.inputs}
