"""Exact roundings in LLVM IR that LLVM itself would leave to a runtime library, and bf16.

bf16 values live in LLVM IR as their bits, `i16` (llvmlite's IR builder has no `bfloat`
type, and LLVM would lower a `bfloat` truncation on x86 to compiler-rt's `__truncsfbf2`,
which MCJIT cannot resolve). Arithmetic on bf16 widens to f32 (`bf16_to_f32`: the bits
shifted up 16, exact), computes there and rounds the f32 result back to nearest even
(`f32_to_bf16`): f32's 24 bits are at least 2 x 8 + 2, so for +, -, *, / and sqrt the two
roundings give the correctly rounded bf16 result (Figueroa 1995), as the reference's
ml_dtypes does. Wider sources round to odd first (`f64_to_f32_round_to_odd`,
`f64_sum_round_to_odd`), so that the final rounding to bf16 is the only one that counts.

Every helper takes scalars or vectors alike (the lanes of `v.type`).
"""
from __future__ import annotations

from llvmlite import ir

_I16, _I32, _I64 = ir.IntType(16), ir.IntType(32), ir.IntType(64)
F32, F64 = ir.FloatType(), ir.DoubleType()
BF16_CANONICAL_NAN = 0x7FC0  # the quiet NaN every NaN reads as (ops.py's bitcast)


def lanes_of(ty) -> int:
    return ty.count if isinstance(ty, ir.VectorType) else 1


def like(ty, base):
    """`base` with the lanes of `ty`."""
    n = lanes_of(ty)
    return ir.VectorType(base, n) if n > 1 else base


def splat(ty, v):
    """The constant `v` of type `ty` (every lane)."""
    if isinstance(ty, ir.VectorType):
        return ir.Constant(ty, [ir.Constant(ty.element, v)] * ty.count)
    return ir.Constant(ty, v)


def _fabs(b: ir.IRBuilder, v):
    n = lanes_of(v.type)
    suffix = ("f64" if (v.type.element if n > 1 else v.type) == F64 else "f32")
    name = f"llvm.fabs.{f'v{n}' if n > 1 else ''}{suffix}"
    fn = b.module.globals.get(name) or ir.Function(b.module, ir.FunctionType(v.type, [v.type]), name=name)
    return b.call(fn, [v])


def bf16_to_f32(b: ir.IRBuilder, v):
    """bf16 bits (i16) -> the f32 of the same value: the bits are f32's upper half."""
    wide = b.zext(v, like(v.type, _I32))
    return b.bitcast(b.shl(wide, splat(wide.type, 16)), like(v.type, F32))


def f32_to_bf16(b: ir.IRBuilder, v):
    """f32 -> bf16 bits, rounded to nearest even on the bits: adding 0x7FFF plus the kept
    part's lowest bit carries into the kept half exactly when the dropped half is above the
    midpoint, or at it with an odd kept part; overflow carries into the exponent and gives
    infinity, as rounding does. NaN becomes the canonical quiet NaN (a NaN whose payload
    sits in the dropped half would otherwise round to infinity)."""
    i32 = like(v.type, _I32)
    bits = b.bitcast(v, i32)
    lsb = b.and_(b.lshr(bits, splat(i32, 16)), splat(i32, 1))
    rounded = b.lshr(b.add(b.add(bits, splat(i32, 0x7FFF)), lsb), splat(i32, 16))
    out = b.trunc(rounded, like(v.type, _I16))
    return b.select(b.fcmp_unordered("uno", v, v), splat(out.type, BF16_CANONICAL_NAN), out)


def _step_to_odd(b: ir.IRBuilder, bits, inexact, away):
    """Round-to-odd's last step on an IEEE value's bits: where the rounding to nearest was
    inexact and landed on an even significand, step one ulp back toward the exact value
    (down in magnitude where the rounding went away from zero, else up)."""
    one = splat(bits.type, 1)
    even = b.icmp_unsigned("==", b.and_(bits, one), splat(bits.type, 0))
    step = b.select(away, splat(bits.type, -1), one)
    return b.add(bits, b.select(b.and_(inexact, even), step, splat(bits.type, 0)))


def f64_to_f32_round_to_odd(b: ir.IRBuilder, a):
    """f64 -> f32 rounding to odd, so that a following rounding to a format of at most 22
    bits (f16, bf16) is the correctly rounded f64 -> that format (f32 keeps 24 >= 2p + 2
    bits, Boldo & Melquiond 2008). LLVM would call compiler-rt's __truncdfhf2 for a direct
    f64 -> f16 fptrunc, which MCJIT cannot resolve, and two plain roundings (f64 -> f32 ->
    f16) are wrong for some ties."""
    near = b.fptrunc(a, like(a.type, F32))
    back = b.fpext(near, a.type)
    inexact = b.fcmp_ordered("!=", back, a)  # false for NaN: NaN passes through unchanged
    # A rounding away from zero (|near| > |a|) steps the magnitude down, else up; this also
    # turns an overflow to inf into FLT_MAX and an underflow to 0 into the smallest subnormal.
    away = b.fcmp_ordered(">", _fabs(b, back), _fabs(b, a))
    bits = b.bitcast(near, like(a.type, _I32))
    return b.bitcast(_step_to_odd(b, bits, inexact, away), near.type)


def f64_sum_round_to_odd(b: ir.IRBuilder, p, q):
    """p + q (f64) rounded to odd: the rounded sum s, and its exact error by TwoSum (Knuth:
    e = (p - (s - bb)) + (q - bb), bb = s - p), which tells whether s was exact and on which
    side the exact sum lies. Infinities and NaN give a NaN error, read as exact."""
    s = b.fadd(p, q)
    bb = b.fsub(s, p)
    err = b.fadd(b.fsub(p, b.fsub(s, bb)), b.fsub(q, bb))
    zero = splat(s.type, 0.0)
    inexact = b.fcmp_ordered("!=", err, zero)
    # s rounded away from zero exactly when the error points back toward zero: opposite signs.
    away = b.xor(b.fcmp_ordered("<", s, zero), b.fcmp_ordered("<", err, zero))
    bits = b.bitcast(s, like(s.type, _I64))
    return b.bitcast(_step_to_odd(b, bits, inexact, away), s.type)


def f64_to_bf16(b: ir.IRBuilder, a):
    """f64 -> bf16 bits, one rounding to nearest even (through f32 rounded to odd)."""
    return f32_to_bf16(b, f64_to_f32_round_to_odd(b, a))


def int_to_bf16(b: ir.IRBuilder, a, signed: bool):
    """An integer (any width up to 64) -> bf16 bits, one rounding. Up to 32 bits the value
    is exact in f64; a 64-bit one is split into its high and low 32 bits, each exact in f64,
    and their sum rounded to odd."""
    width = (a.type.element if isinstance(a.type, ir.VectorType) else a.type).width
    f64 = like(a.type, F64)
    conv = b.sitofp if signed else b.uitofp
    if width <= 32:
        return f64_to_bf16(b, conv(a, f64))
    hi = b.ashr(a, splat(a.type, 32)) if signed else b.lshr(a, splat(a.type, 32))
    lo = b.and_(a, splat(a.type, 0xFFFFFFFF))
    p = b.fmul(conv(hi, f64), splat(f64, 2.0 ** 32))
    return f64_to_bf16(b, f64_sum_round_to_odd(b, p, b.uitofp(lo, f64)))


def bf16_fma(b: ir.IRBuilder, x, y, z):
    """x * y + z of bf16 bits, one rounding: the product of two 8-bit significands is exact
    in f64 (16 bits; exponents within f64's range), the sum is rounded to odd by TwoSum."""
    f64 = like(x.type, F64)
    w = [b.fpext(bf16_to_f32(b, v), f64) for v in (x, y, z)]
    return f64_to_bf16(b, f64_sum_round_to_odd(b, b.fmul(w[0], w[1]), w[2]))
