"""`ConcreteDomain`: the op table's primitives over numpy arrays — the reference evaluator.

Every value is a 1-D array holding one sample per element, so one `interpret` call evaluates a
term on thousands of inputs at once (the exhaustive verifier strategy and the fuzzers rely on
this). Integers (fixed width and idx) are object arrays of Python ints holding the
mathematical value under the type's signedness: exact at every width, no silent overflow.
Floats are numpy float16/32/64 arrays, whose +,-,*,/,sqrt are IEEE round-to-nearest-even;
bf16 values are `ml_dtypes.bfloat16` arrays (numpy has no bf16 type). ml_dtypes computes a
bf16 op in f32 and rounds the result to bf16 to nearest even: f32's 24 bits are at least
2 x 8 + 2, so that double rounding is the correctly rounded result for +,-,*,/ and sqrt
(Figueroa 1995), and its conversions from f64 round once. Bools are numpy bool arrays.

The primitive names are the `Domain` protocol (see `rewriter.ir.smt` for the Z3 versions);
UB and poison are not decided here: ops report them through `Effects`.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import ml_dtypes
import numpy as np

from rewriter.errors import EvalError
from rewriter.ir.dtype import DType

_NP_FLOAT = {16: np.float16, 32: np.float32, 64: np.float64}
_NP_UINT = {16: np.uint16, 32: np.uint32, 64: np.uint64}


def np_float(t: DType):
    if t.ebits == 8 and t.bits == 16:
        return ml_dtypes.bfloat16
    return _NP_FLOAT[t.bits]


def finfo(ftype):
    """numpy's finfo, or ml_dtypes' for bf16 (numpy's does not know the type)."""
    return ml_dtypes.finfo(ftype) if ftype is ml_dtypes.bfloat16 else np.finfo(ftype)


def _vec(f):
    """Apply a Python scalar function elementwise, returning an object array."""
    u = np.frompyfunc(f, 1, 1)
    return lambda a: np.asarray(u(a), dtype=object)


_bit_length = _vec(lambda x: int(x).bit_length())
_to_int = _vec(int)


@lru_cache(maxsize=None)
def _overflow_threshold(ftype) -> Fraction:
    """The smallest magnitude that rounds to infinity: halfway between the largest finite value
    and the next power of two (which ties to even: to infinity, as the largest finite value's
    significand is odd). For f64 it is 2**1024 - 2**970."""
    top = Fraction(float(finfo(ftype).max))
    ulp = top - Fraction(float(np.nextafter(ftype(finfo(ftype).max), ftype(0))))
    return top + ulp / 2


def _round_exact(q: Fraction, ftype) -> float:
    """Round an exact rational to the nearest `ftype` value, ties to even: one rounding.
    Magnitudes at or beyond the overflow threshold give +-inf (float(q) would raise)."""
    if abs(q) >= _overflow_threshold(ftype):
        return ftype(np.inf if q > 0 else -np.inf)
    with np.errstate(over="ignore"):
        c = ftype(float(q))  # float(q) is correctly rounded to f64; may double-round below f64
        if not np.isfinite(c):  # double rounding past the largest finite value: step back
            c = np.nextafter(c, ftype(0))
        best = c
        for cand in (np.nextafter(c, ftype(-np.inf)), np.nextafter(c, ftype(np.inf))):
            if not np.isfinite(cand):
                continue
            db, dc = abs(Fraction(float(best)) - q), abs(Fraction(float(cand)) - q)
            bits = np.array([cand], dtype=ftype).view(_NP_UINT[np.dtype(ftype).itemsize * 8])[0]
            if dc < db or (dc == db and int(bits) % 2 == 0):
                best = cand
    return best


def _canonical_nan_bits(t: DType) -> int:
    """The quiet NaN every NaN reads as through a bitcast (see `bitcast` in ops.py)."""
    mant_bits = t.sbits - 1
    return (((1 << t.ebits) - 1) << mant_bits) | (1 << (mant_bits - 1))


class ConcreteDomain:
    """Primitives over numpy arrays of `n` samples."""

    name = "concrete"

    def __init__(self, n: int):
        self.n = n

    # -- construction -------------------------------------------------------------------
    def const(self, t: DType, v):
        if t.is_bool:
            return np.full(self.n, bool(v))
        if t.is_float:
            return np.full(self.n, v, dtype=np_float(t))
        return np.full(self.n, t.wrap(int(v)), dtype=object)

    def from_python(self, t: DType, values) -> np.ndarray:
        """Input samples (a list or array) as a domain value of type t."""
        if t.is_bool:
            return np.asarray(values, dtype=bool)
        if t.is_float:
            return np.asarray(values, dtype=np_float(t))
        # Vectorized (object arrays of Python ints: exact at every width); the exhaustive
        # verifier passes millions of samples through here.
        return self._wrap(t, _to_int(np.asarray(values, dtype=object)))

    # -- booleans -----------------------------------------------------------------------
    def true(self):
        return np.ones(self.n, dtype=bool)

    def false(self):
        return np.zeros(self.n, dtype=bool)

    band, bor, bxor = staticmethod(np.logical_and), staticmethod(np.logical_or), staticmethod(np.logical_xor)
    bnot = staticmethod(np.logical_not)

    @staticmethod
    def beq(a, b):
        return np.asarray(a == b, dtype=bool)

    @staticmethod
    def ite(c, a, b):
        return np.where(c, a, b)

    # -- integers -----------------------------------------------------------------------
    @staticmethod
    def _wrap(t: DType, x):
        if not t.is_int:
            return x
        return (x - t.min) % (1 << t.bits) + t.min

    @staticmethod
    def _view(t: DType, a, signed: bool):
        """The exact value of a's bits under the given interpretation."""
        if signed == t.signed:
            return a
        m = 1 << t.bits
        return a % m if not signed else (a + (m >> 1)) % m - (m >> 1)

    def _fits(self, t: DType, x, signed: bool):
        lo, hi = (-(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1) if signed else (0, (1 << t.bits) - 1)
        return np.asarray((x >= lo) & (x <= hi), dtype=bool)

    def _ovf(self, t, a, b, signed, f):
        if not t.is_int:
            return self.false()
        return ~self._fits(t, f(self._view(t, a, signed), self._view(t, b, signed)), signed)

    def add(self, t, a, b):
        return self._wrap(t, a + b)

    def sub(self, t, a, b):
        return self._wrap(t, a - b)

    def mul(self, t, a, b):
        return self._wrap(t, a * b)

    def add_ovf(self, t, a, b, signed):
        return self._ovf(t, a, b, signed, lambda x, y: x + y)

    def sub_ovf(self, t, a, b, signed):
        return self._ovf(t, a, b, signed, lambda x, y: x - y)

    def mul_ovf(self, t, a, b, signed):
        return self._ovf(t, a, b, signed, lambda x, y: x * y)

    def tdiv(self, t, a, b):
        safe = np.where(b == 0, 1, b)
        q = abs(a) // abs(safe)
        q = np.where((a < 0) != (safe < 0), -q, q)
        return self._wrap(t, np.asarray(q, dtype=object))

    def trem(self, t, a, b):
        safe = np.where(b == 0, 1, b)
        q = abs(a) // abs(safe)
        q = np.where((a < 0) != (safe < 0), -q, q)
        return self._wrap(t, np.asarray(a - safe * q, dtype=object))

    @staticmethod
    def lt(t, a, b):
        return np.asarray(a < b, dtype=bool)

    @staticmethod
    def le(t, a, b):
        return np.asarray(a <= b, dtype=bool)

    @staticmethod
    def eq(t, a, b):
        return np.asarray(a == b, dtype=bool)

    def and_(self, t, a, b):
        return self._wrap(t, a & b)

    def or_(self, t, a, b):
        return self._wrap(t, a | b)

    def xor(self, t, a, b):
        return self._wrap(t, a ^ b)

    def not_(self, t, a):
        return self._wrap(t, ~a)

    @staticmethod
    def _amount(t, s):
        # Out-of-range amounts are poison (decided by the op); compute something harmless.
        return np.where((s >= 0) & (s < t.bits), s, 0)

    def shl(self, t, a, s):
        return self._wrap(t, a << self._amount(t, s))

    def shr(self, t, a, s):
        return a >> self._amount(t, s)  # Python >> is arithmetic; unsigned values are >= 0

    def shl_ovf(self, t, a, s, signed):
        return ~self._fits(t, self._view(t, a, signed) << self._amount(t, s), signed)

    def mulhi(self, t, a, b):
        return self._wrap(t, (a * b) >> t.bits)

    def is_pow2(self, t, a):
        return np.asarray((a > 0) & ((a & (a - 1)) == 0), dtype=bool)

    def log2(self, t, a):
        return np.asarray(np.where(a > 0, _bit_length(a) - 1, 0), dtype=object)

    # -- conversions --------------------------------------------------------------------
    def icast(self, src, dst, a):
        return self._wrap(dst, a)

    def i2f(self, src, dst, a):
        ft = np_float(dst)
        # Beyond 2**53 (exact in f64) round once from the exact value, to +-inf past the range.
        out = [ft(v) if abs(v) < (1 << 53) else _round_exact(Fraction(int(v)), ft) for v in a]
        with np.errstate(over="ignore"):
            return np.asarray([ft(x) for x in out], dtype=ft)

    def f2i_in_range(self, src, dst, a):
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(a)
            if dst.is_idx:
                return ok
            tr = np.where(ok, np.trunc(a.astype(np.float64)), 0.0)
            # Compare with exact floats: `tr <= dst.max` would round 2**63 - 1 up to 2.0**63.
            # min and max + 1 are 0 or powers of two, exact in f64.
            return ok & (tr >= float(dst.min)) & (tr < float(dst.max + 1))

    def f2i(self, src, dst, a):
        with np.errstate(invalid="ignore"):
            tr = np.where(np.isfinite(a), np.trunc(a.astype(np.float64)), 0.0)
        return self._wrap(dst, np.asarray([int(x) for x in tr], dtype=object))

    def f2f(self, src, dst, a):
        with np.errstate(over="ignore", invalid="ignore"):  # ml_dtypes flags a NaN cast as invalid
            return a.astype(np_float(dst))

    def bitcast(self, src, dst, a):
        if src.bits != dst.bits:
            raise EvalError(f"bitcast from {src} to {dst}: widths differ")
        ut = _NP_UINT.get(src.bits, np.uint8)
        if src.is_float:
            af = np.asarray(a, dtype=np_float(src))
            raw = np.where(np.isnan(af), _canonical_nan_bits(src), af.view(ut))
            bits = np.asarray([int(x) for x in raw], dtype=object)
        else:
            bits = a % (1 << src.bits)
        if dst.is_float:
            return np.asarray([int(x) for x in bits], dtype=ut).view(np_float(dst))
        return self._wrap(dst, bits)

    # -- floats -------------------------------------------------------------------------
    @staticmethod
    def _f(fn, *args):
        with np.errstate(all="ignore"):
            return fn(*args)

    def fadd(self, t, a, b):
        return self._f(np.add, a, b)

    def fsub(self, t, a, b):
        return self._f(np.subtract, a, b)

    def fmul(self, t, a, b):
        return self._f(np.multiply, a, b)

    def fdiv(self, t, a, b):
        return self._f(np.divide, a, b)

    def fneg(self, t, a):
        return -a

    def fabs(self, t, a):
        return np.abs(a)

    def fsqrt(self, t, a):
        return self._f(np.sqrt, a)

    def fexp2(self, t, a):
        return self._f(np.exp2, a)

    def flog2(self, t, a):
        return self._f(np.log2, a)

    def ffma(self, t, a, b, c):
        ft = np_float(t)
        out = np.empty(len(a), dtype=ft)
        for i, (x, y, z) in enumerate(zip(a, b, c)):
            if np.isfinite(x) and np.isfinite(y) and np.isfinite(z):
                q = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
                r = _round_exact(q, ft)
                # An exact zero takes the sign IEEE gives x*y + z (round to nearest).
                out[i] = r if q != 0 else self._f(np.add, ft(x) * ft(y), z)
            elif np.isfinite(x) and np.isfinite(y):
                # The exact product is finite (even where rounding it would overflow): the
                # sum is z itself, inf or NaN.
                out[i] = z
            else:
                out[i] = self._f(lambda: ft(np.float64(x) * np.float64(y) + np.float64(z)))
        return out

    @staticmethod
    def flt(t, a, b):
        return np.asarray(a < b, dtype=bool)

    @staticmethod
    def fle(t, a, b):
        return np.asarray(a <= b, dtype=bool)

    @staticmethod
    def feq(t, a, b):
        return np.asarray(a == b, dtype=bool)

    # -- refinement ---------------------------------------------------------------------
    def same(self, t: DType, a, b):
        """Structural equality: floats equal when bitwise-equal up to NaN payload."""
        if t.is_float:
            with np.errstate(invalid="ignore"):
                both_nan = np.isnan(a) & np.isnan(b)
                return both_nan | ((a == b) & (np.signbit(a) == np.signbit(b)))
        return np.asarray(a == b, dtype=bool)
