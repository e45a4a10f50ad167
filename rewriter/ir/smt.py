"""The op table's primitives in Z3: `Z3IntDomain` and `Z3BVDomain` — the Z3 encoders.

* `Z3IntDomain` carries every integer as a Z3 Int holding its mathematical value (the same
  representation as the concrete evaluator). Fixed-width types wrap explicitly with `mod`,
  and their inputs carry range constraints. Exact and often far easier for Z3 when no-overflow
  facts hold (nsw arithmetic, division), but bitwise ops and shifts by a variable amount have
  no encoding here: they raise `NotEncodable` and the strategy steps aside (a shift by an
  amount Z3 simplifies to a constant is a multiplication or a floor division by 2^k).
* `Z3BVDomain` encodes fixed-width integers as bitvectors of their width; idx stays an Int.

Floats are Z3 FP terms of the type's format with round-to-nearest-even in both; `exp2` and
`log2` have no Z3 theory and are uninterpreted functions (so a "counterexample" that depends
on them is re-checked by the concrete evaluator before it is reported).

Z3 FP has a single NaN, and so does the IR: a bitcast from a float reads every NaN as the
canonical quiet NaN (see `bitcast` in ops.py), which is what `_float_bits` encodes; Z3's own
fp.to_ieee_bv would leave a NaN's bits unspecified.
"""
from __future__ import annotations

import z3
import z3.z3util

from rewriter.errors import NotEncodable
from rewriter.ir.dtype import DType

RNE = z3.RNE
# Every z3.fp* call below names its context: z3py builds fp terms in the default context
# when none is given, whatever the operands' context (the verifier gives each query its own).
_IDX_POW2_LIMIT = 62  # idx constants in pow2/log2 facts are assumed below 2**62


def fp_sort(t: DType, ctx=None):
    return z3.FPSort(t.ebits, t.sbits, ctx=ctx)


class Z3IntDomain:
    name = "int"

    def __init__(self, ctx: z3.Context | None = None):
        self.ctx = ctx
        self._ufs: dict[tuple, z3.FuncDeclRef] = {}

    # -- construction -------------------------------------------------------------------
    def const(self, t: DType, v):
        if t.is_bool:
            return z3.BoolVal(bool(v), ctx=self.ctx)
        if t.is_float:
            return z3.FPVal(float(v), fp_sort(t, self.ctx), ctx=self.ctx)
        return z3.IntVal(t.wrap(int(v)), ctx=self.ctx)

    def var(self, t: DType, name: str):
        """A fresh input of type t and the constraint it satisfies (its type's range)."""
        if t.is_bool:
            return z3.Bool(name, ctx=self.ctx), self.true()
        if t.is_float:
            return z3.FP(name, fp_sort(t, self.ctx)), self.true()
        x = z3.Int(name, ctx=self.ctx)
        if t.is_idx:
            return x, self.true()
        return x, z3.And(x >= t.min, x <= t.max)

    def to_python(self, t: DType, model: z3.ModelRef, value) -> object:
        """Read a model value back as a Python int/bool/float."""
        v = model.eval(value, model_completion=True)
        if t.is_bool:
            return z3.is_true(v)
        if t.is_float:
            return _fp_to_float(v)
        n = v.as_long()
        return t.wrap(n) if t.is_int else n

    # -- booleans -----------------------------------------------------------------------
    def true(self):
        return z3.BoolVal(True, ctx=self.ctx)

    def false(self):
        return z3.BoolVal(False, ctx=self.ctx)

    @staticmethod
    def band(a, b):
        return z3.And(a, b)

    @staticmethod
    def bor(a, b):
        return z3.Or(a, b)

    @staticmethod
    def bxor(a, b):
        return z3.Xor(a, b)

    @staticmethod
    def bnot(a):
        return z3.Not(a)

    @staticmethod
    def beq(a, b):
        return a == b

    @staticmethod
    def ite(c, a, b):
        return z3.If(c, a, b)

    # -- integers as mathematical Ints ---------------------------------------------------
    def _wrap(self, t: DType, x):
        if not t.is_int:
            return x
        m = 1 << t.bits
        return z3.If(z3.And(x >= t.min, x <= t.max), x, (x - t.min) % m + t.min)

    def _view(self, t: DType, a, signed: bool):
        if signed == t.signed:
            return a
        m = 1 << t.bits
        return z3.If(a < 0, a + m, a) if not signed else z3.If(a > (m >> 1) - 1, a - m, a)

    def _out_of_range(self, t, x, signed):
        lo, hi = (-(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1) if signed else (0, (1 << t.bits) - 1)
        return z3.Or(x < lo, x > hi)

    def _ovf(self, t, a, b, signed, f):
        if not t.is_int:
            return self.false()
        return self._out_of_range(t, f(self._view(t, a, signed), self._view(t, b, signed)), signed)

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

    @staticmethod
    def _int_tdiv(a, b):
        # Z3's Int division is Euclidean; build C's truncating division from it.
        return z3.If(a >= 0, z3.If(b >= 0, a / b, -(a / -b)), z3.If(b >= 0, -((-a) / b), (-a) / (-b)))

    def tdiv(self, t, a, b):
        return self._wrap(t, self._int_tdiv(a, b))

    def trem(self, t, a, b):
        return self._wrap(t, a - b * self._int_tdiv(a, b))

    @staticmethod
    def lt(t, a, b):
        return a < b

    @staticmethod
    def le(t, a, b):
        return a <= b

    @staticmethod
    def eq(t, a, b):
        return a == b

    def _no(self, what):
        raise NotEncodable(f"{what} has no encoding over Z3 Ints")

    def and_(self, t, a, b):
        self._no("bitwise and")

    def or_(self, t, a, b):
        self._no("bitwise or")

    def xor(self, t, a, b):
        self._no("bitwise xor")

    def not_(self, t, a):
        self._no("bitwise not")

    def _amount(self, s) -> int | None:
        """A shift amount with no variable in it, as the constant Z3 simplifies it to
        (`log2(7) + 32` with the constant symbols fixed, `verifier.strategies.per_const_int`);
        None where it mentions a variable (even one that cancels: `y - y`)."""
        if z3.z3util.get_vars(s):
            return None
        v = z3.simplify(s)
        return v.as_long() if z3.is_int_value(v) else None

    def shl(self, t, a, s):
        # By a constant k: a * 2^k, wrapped (amounts outside [0, bits) are poison: the op's
        # semantics say so, whatever value is computed here).
        k = self._amount(s)
        if k is None or not t.is_int:
            self._no("shift by a non-constant amount")
        return self._wrap(t, a * (1 << max(0, min(k, t.bits))))

    def shr(self, t, a, s):
        # By a constant k: floor(a / 2^k) (Z3's Int division by a positive is floor): the
        # arithmetic shift of a signed value, the logical one of an unsigned (non-negative) one.
        k = self._amount(s)
        if k is None or not t.is_int:
            self._no("shift by a non-constant amount")
        return a / (1 << max(0, min(k, t.bits)))

    def shl_ovf(self, t, a, s, signed):
        # nsw / nuw: a * 2^k (a read at that signedness) leaves the range, as concrete.py says.
        k = self._amount(s)
        if k is None or not t.is_int:
            self._no("shift by a non-constant amount")
        return self._out_of_range(t, self._view(t, a, signed) * (1 << max(0, min(k, t.bits))), signed)

    def mulhi(self, t, a, b):
        return self._wrap(t, (a * b) / (1 << t.bits))  # Euclidean by a positive = floor

    def _pow2_limit(self, t):
        return _IDX_POW2_LIMIT if t.is_idx else t.bits - (1 if t.signed else 0)

    def is_pow2(self, t, a):
        return z3.Or([a == (1 << k) for k in range(self._pow2_limit(t))])

    def log2(self, t, a):
        r = z3.IntVal(0, ctx=self.ctx)
        for k in range(1, self._pow2_limit(t)):
            r = z3.If(a >= (1 << k), k, r)
        return r

    # -- conversions --------------------------------------------------------------------
    def icast(self, src, dst, a):
        return self._wrap(dst, a)

    def i2f(self, src, dst, a):
        return z3.fpRealToFP(RNE(self.ctx), z3.ToReal(a), fp_sort(dst, self.ctx), ctx=self.ctx)

    def _trunc_int(self, a):
        return z3.ToInt(z3.fpToReal(z3.fpRoundToIntegral(z3.RTZ(self.ctx), a, ctx=self.ctx), ctx=self.ctx))

    def f2i_in_range(self, src, dst, a):
        finite = z3.Not(z3.Or(z3.fpIsNaN(a, ctx=self.ctx), z3.fpIsInf(a, ctx=self.ctx)))
        if dst.is_idx:
            return finite
        r = z3.fpToReal(z3.fpRoundToIntegral(z3.RTZ(self.ctx), a, ctx=self.ctx), ctx=self.ctx)
        return z3.And(finite, r >= dst.min, r <= dst.max)

    def f2i(self, src, dst, a):
        return self._wrap(dst, self._trunc_int(a))

    def f2f(self, src, dst, a):
        return z3.fpFPToFP(RNE(self.ctx), a, fp_sort(dst, self.ctx), ctx=self.ctx)

    def bitcast(self, src, dst, a):
        self._no("bitcast")

    # -- floats -------------------------------------------------------------------------
    def fadd(self, t, a, b):
        return z3.fpAdd(RNE(self.ctx), a, b, ctx=self.ctx)

    def fsub(self, t, a, b):
        return z3.fpSub(RNE(self.ctx), a, b, ctx=self.ctx)

    def fmul(self, t, a, b):
        return z3.fpMul(RNE(self.ctx), a, b, ctx=self.ctx)

    def fdiv(self, t, a, b):
        return z3.fpDiv(RNE(self.ctx), a, b, ctx=self.ctx)

    def fneg(self, t, a):
        return z3.fpNeg(a, ctx=self.ctx)

    def fabs(self, t, a):
        return z3.fpAbs(a, ctx=self.ctx)

    def fsqrt(self, t, a):
        return z3.fpSqrt(RNE(self.ctx), a, ctx=self.ctx)

    def ffma(self, t, a, b, c):
        return z3.fpFMA(RNE(self.ctx), a, b, c, ctx=self.ctx)

    def _uf(self, name, t):
        key = (name, t)
        if key not in self._ufs:
            s = fp_sort(t, self.ctx)
            self._ufs[key] = z3.Function(f"{name}_{t}", s, s)
        return self._ufs[key]

    def fexp2(self, t, a):
        return self._uf("exp2", t)(a)

    def flog2(self, t, a):
        return self._uf("log2", t)(a)

    def flt(self, t, a, b):
        return z3.fpLT(a, b, ctx=self.ctx)

    def fle(self, t, a, b):
        return z3.fpLEQ(a, b, ctx=self.ctx)

    def feq(self, t, a, b):
        return z3.fpEQ(a, b, ctx=self.ctx)

    @staticmethod
    def same(t, a, b):
        """SMT equality: for floats, -0.0 != +0.0 and NaN == NaN (one NaN in Z3)."""
        return a == b


class Z3BVDomain(Z3IntDomain):
    """Fixed-width integers as bitvectors; everything else as in `Z3IntDomain`."""

    name = "bv"

    def const(self, t: DType, v):
        if t.is_int:
            return z3.BitVecVal(int(v) % (1 << t.bits), t.bits, ctx=self.ctx)
        return super().const(t, v)

    def var(self, t: DType, name: str):
        if t.is_int:
            return z3.BitVec(name, t.bits, ctx=self.ctx), self.true()
        return super().var(t, name)

    def to_python(self, t, model, value):
        if t.is_int:
            return t.wrap(model.eval(value, model_completion=True).as_long())
        return super().to_python(t, model, value)

    def add(self, t, a, b):
        return a + b if t.is_int else super().add(t, a, b)

    def sub(self, t, a, b):
        return a - b if t.is_int else super().sub(t, a, b)

    def mul(self, t, a, b):
        return a * b if t.is_int else super().mul(t, a, b)

    def add_ovf(self, t, a, b, signed):
        if not t.is_int:
            return self.false()
        if signed:
            return z3.Not(z3.And(z3.BVAddNoOverflow(a, b, True), z3.BVAddNoUnderflow(a, b)))
        return z3.Not(z3.BVAddNoOverflow(a, b, False))

    def sub_ovf(self, t, a, b, signed):
        if not t.is_int:
            return self.false()
        if signed:
            return z3.Not(z3.And(z3.BVSubNoOverflow(a, b), z3.BVSubNoUnderflow(a, b, True)))
        return z3.ULT(a, b)

    def mul_ovf(self, t, a, b, signed):
        if not t.is_int:
            return self.false()
        if signed:
            return z3.Not(z3.And(z3.BVMulNoOverflow(a, b, True), z3.BVMulNoUnderflow(a, b)))
        return z3.Not(z3.BVMulNoOverflow(a, b, False))

    def tdiv(self, t, a, b):
        if not t.is_int:
            return super().tdiv(t, a, b)
        return a / b if t.signed else z3.UDiv(a, b)  # bvsdiv truncates toward zero

    def trem(self, t, a, b):
        if not t.is_int:
            return super().trem(t, a, b)
        return z3.SRem(a, b) if t.signed else z3.URem(a, b)

    @staticmethod
    def lt(t, a, b):
        return (a < b) if not t.is_int or t.signed else z3.ULT(a, b)

    @staticmethod
    def le(t, a, b):
        return (a <= b) if not t.is_int or t.signed else z3.ULE(a, b)

    def and_(self, t, a, b):
        return a & b

    def or_(self, t, a, b):
        return a | b

    def xor(self, t, a, b):
        return a ^ b

    def not_(self, t, a):
        return ~a

    def shl(self, t, a, s):
        return a << s

    def shr(self, t, a, s):
        return a >> s if t.signed else z3.LShR(a, s)

    def shl_ovf(self, t, a, s, signed):
        back = (a << s) >> s if signed else z3.LShR(a << s, s)
        return back != a

    def mulhi(self, t, a, b):
        if not t.is_int:
            return super().mulhi(t, a, b)
        ext = z3.SignExt if t.signed else z3.ZeroExt
        full = ext(t.bits, a) * ext(t.bits, b)
        return z3.Extract(2 * t.bits - 1, t.bits, full)

    def is_pow2(self, t, a):
        if not t.is_int:
            return super().is_pow2(t, a)
        zero = self.const(t, 0)
        positive = (a > zero) if t.signed else (a != zero)
        return z3.And(positive, (a & (a - 1)) == zero)

    def log2(self, t, a):
        if not t.is_int:
            return super().log2(t, a)
        r = self.const(t, 0)
        for k in range(1, t.bits):
            r = z3.If(z3.UGE(a, self.const(t, 1 << k)), self.const(t, k), r)
        return r

    def icast(self, src, dst, a):
        if src.is_int and dst.is_int:
            if dst.bits < src.bits:
                return z3.Extract(dst.bits - 1, 0, a)
            if dst.bits == src.bits:
                return a
            return (z3.SignExt if src.signed else z3.ZeroExt)(dst.bits - src.bits, a)
        if src.is_int:  # -> idx
            return z3.BV2Int(a, is_signed=src.signed)
        if dst.is_int:  # idx ->
            return z3.Int2BV(a, dst.bits)
        return a

    def i2f(self, src, dst, a):
        if not src.is_int:
            return super().i2f(src, dst, a)
        conv = z3.fpSignedToFP if src.signed else z3.fpUnsignedToFP
        return conv(RNE(self.ctx), a, fp_sort(dst, self.ctx), ctx=self.ctx)

    def f2i(self, src, dst, a):
        if not dst.is_int:
            return super().f2i(src, dst, a)
        conv = z3.fpToSBV if dst.signed else z3.fpToUBV
        return conv(z3.RTZ(self.ctx), a, z3.BitVecSort(dst.bits, ctx=self.ctx), ctx=self.ctx)

    def bitcast(self, src, dst, a):
        bits = self._float_bits(src, a) if src.is_float else a
        return z3.fpBVToFP(bits, fp_sort(dst, self.ctx), ctx=self.ctx) if dst.is_float else bits

    def _float_bits(self, t: DType, a):
        # fp.to_ieee_bv is unspecified on NaN (Z3 picks any NaN pattern): say which one.
        return z3.If(z3.fpIsNaN(a, ctx=self.ctx), self._nan_bits(t), z3.fpToIEEEBV(a, ctx=self.ctx))

    def _nan_bits(self, t: DType):
        """The canonical quiet NaN's bits: sign 0, exponent all ones, top mantissa bit set."""
        mant_bits, ones = t.sbits - 1, (1 << t.ebits) - 1
        return z3.BitVecVal((ones << mant_bits) | (1 << (mant_bits - 1)), t.bits, ctx=self.ctx)


def _fp_to_float(v) -> float:
    """A Z3 FP numeral as a Python float (exact for formats up to f64)."""
    if v.isNaN():
        return float("nan")
    if v.isInf():
        return float("-inf") if v.isNegative() else float("inf")
    if v.isZero():
        return -0.0 if v.isNegative() else 0.0
    return float(z3.simplify(z3.fpToReal(v, ctx=v.ctx)).as_fraction())
