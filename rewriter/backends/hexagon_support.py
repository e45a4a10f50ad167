"""Freestanding support routines for the LLVM baseline on Hexagon, written in LLVM IR.

The image our Hexagon runtime links has no libc, libm or compiler-rt, but LLVM's code for
Hexagon calls some of their routines: `llvm.exp2.f32` becomes a call of `exp2f`, integer
division and remainder become calls of compiler-rt's `__hexagon_{div,udiv,mod,umod}{si,di}3`
(v66 has no divide instruction; i128, from widened idx arithmetic, `__{div,udiv,mod,umod}ti3`), zeroing and copying loops become `memset` / `memcpy` /
`memmove`. The routines here are linked into the kernel's LLVM module (llvmlite's
`Module.link_in`) before -O3, so they are compiled by the same LLVM for the same target.
They are written against the C semantics LLVM expects of them; each uses only operations
Hexagon v66 has in hardware (integer ops, f32 add/mul/compare, conversions), so no further
library call can appear, and the libc ones carry `"no-builtins"` so that LLVM's loop-idiom
pass does not turn their own loops back into calls of themselves.

`exp2f(x)`: round to nearest n = round(x), f = x - n in [-0.5, 0.5]; 2**f = e**(f ln 2) by
its degree-6 Taylor polynomial (truncation error below 1.3e-7 relative for |f ln 2| <= 0.347);
scaled by 2**n as 2**(n//2) * 2**(n - n//2), two normal powers of two built from their bit
patterns, so that the overflow to +inf and the gradual underflow to subnormals and zero are
IEEE's. x is clamped to [-160, 128.5] first (beyond either end the result is 0 or +inf
anyway) so the float->int conversion is always defined; NaN is returned unchanged.

`__hexagon_sqrtf(x)` (LLVM's name for f32 sqrt on Hexagon): the classic bit-pattern estimate
of 1/sqrt(x), two Newton steps (relative error ~5e-6 -> ~1e-7, f32 rounding), s = x * y, then
one fma residual correction s + (x - s*s) * y/2, which lands within one ulp of the correctly
rounded root (measured: 99.9% exact, never more than 1 ulp off). Subnormal x is scaled by
2**24 first (and the root by 2**-12); 0, -0, +inf and NaN pass through, x < 0 gives NaN.

`log2f(x)`: x = 2**e * m with m in [sqrt(1/2), sqrt(2)) (subnormals scaled by 2**23 first);
log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172, by its series to s**9 (truncation
below 1e-9 relative); log2 x = e + log(m) / ln 2. Measured within 3 ulp of the correctly
rounded value. log2(0) = -inf, log2(+inf) = +inf, x < 0 or NaN gives NaN.

`__extendhfsf2` / `__truncsfhf2` (f16 <-> f32, the half travelling as its 16 bits): the
exponent is rebiased by 112 and the significand shifted by 13 bits; f16 subnormals are
converted exactly as m * 2**-24; the narrowing rounds to nearest, ties to even, by adding
0xfff plus the lowest kept bit before the shift, and f32 values below 2**-14 are rounded to
f16 subnormals by one f32 addition of 0.5 (whose ulp there is 2**-24, the f16 subnormal
step). >= 65520 gives inf, NaN stays a quiet NaN with its top payload bits. Both are exact.

Integer division: normalized shift-subtract, as compiler-rt's Hexagon routines do it. With
k = clz(d) - clz(n) (`llvm.ctlz`, Hexagon's `cl0` instruction), d << k lines its top bit up
with n's; k + 1 steps then compare, subtract and shift it back down, one quotient bit each,
so the loop runs only over the quotient's significant bits and nothing overflows. d > n
gives (0, n) at once. Signed forms divide the magnitudes and fix the signs as C does
(quotient truncated toward zero, remainder with the dividend's sign). A zero divisor gives
all-ones / the dividend (the IR makes it UB anyway).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_EXP2F = r"""
define float @exp2f(float %x) {
entry:
  %lo = fcmp olt float %x, -1.600000e+02
  %x1 = select i1 %lo, float -1.600000e+02, float %x
  %hi = fcmp ogt float %x1, 1.285000e+02
  %xc = select i1 %hi, float 1.285000e+02, float %x1
  %neg = fcmp olt float %xc, 0.000000e+00
  %half = select i1 %neg, float -5.000000e-01, float 5.000000e-01
  %xr = fadd float %xc, %half
  %n = fptosi float %xr to i32
  %nf = sitofp i32 %n to float
  %f = fsub float %xc, %nf
  %t = fmul float %f, 0x3FE62E4300000000
  %p6 = fmul float %t, 0x3F56C16C20000000
  %p5a = fadd float %p6, 0x3F81111120000000
  %p5 = fmul float %t, %p5a
  %p4a = fadd float %p5, 0x3FA5555560000000
  %p4 = fmul float %t, %p4a
  %p3a = fadd float %p4, 0x3FC5555560000000
  %p3 = fmul float %t, %p3a
  %p2a = fadd float %p3, 5.000000e-01
  %p2 = fmul float %t, %p2a
  %p1a = fadd float %p2, 1.000000e+00
  %p1 = fmul float %t, %p1a
  %p = fadd float %p1, 1.000000e+00
  %n1 = ashr i32 %n, 1
  %n2 = sub i32 %n, %n1
  %e1 = add i32 %n1, 127
  %b1 = shl i32 %e1, 23
  %s1 = bitcast i32 %b1 to float
  %e2 = add i32 %n2, 127
  %b2 = shl i32 %e2, 23
  %s2 = bitcast i32 %b2 to float
  %r1 = fmul float %p, %s1
  %r = fmul float %r1, %s2
  %isnan = fcmp uno float %x, %x
  %out = select i1 %isnan, float %x, float %r
  ret float %out
}
"""

# 0x7FF0000000000000 = +inf, 0x3810000000000000 = 2**-126 (smallest normal f32),
# 0x4170000000000000 = 2**24, 0x3F30000000000000 = 2**-12, 0x3FF6A09E60000000 = sqrt(2) rounded
# to f32, 0x3FF7154760000000 = 1/ln 2 rounded to f32, 0x4160000000000000 = 2**23.
_SQRTF = r"""
define float @__hexagon_sqrtf(float %x) {
entry:
  %tiny = fcmp olt float %x, 0x3810000000000000
  %xup = fmul float %x, 0x4170000000000000
  %xs = select i1 %tiny, float %xup, float %x
  %scale = select i1 %tiny, float 0x3F30000000000000, float 1.000000e+00
  %xi = bitcast float %xs to i32
  %half.bits = lshr i32 %xi, 1
  %yi = sub i32 1597463007, %half.bits
  %y0 = bitcast i32 %yi to float
  %hx = fmul float %xs, 5.000000e-01
  %yy0 = fmul float %y0, %y0
  %t0 = fmul float %hx, %yy0
  %u0 = fsub float 1.500000e+00, %t0
  %y1 = fmul float %y0, %u0
  %yy1 = fmul float %y1, %y1
  %t1 = fmul float %hx, %yy1
  %u1 = fsub float 1.500000e+00, %t1
  %y2 = fmul float %y1, %u1
  %s0 = fmul float %xs, %y2
  %ns0 = fneg float %s0
  %r0 = call float @llvm.fma.f32(float %ns0, float %s0, float %xs)
  %hy = fmul float %y2, 5.000000e-01
  %s1 = call float @llvm.fma.f32(float %r0, float %hy, float %s0)
  %res = fmul float %s1, %scale
  %isinf = fcmp oeq float %x, 0x7FF0000000000000
  %iszero = fcmp oeq float %x, 0.000000e+00
  %pass = or i1 %isinf, %iszero
  %r1 = select i1 %pass, float %x, float %res
  %bad = fcmp ult float %x, 0.000000e+00
  %out = select i1 %bad, float 0x7FF8000000000000, float %r1
  %isnan = fcmp uno float %x, %x
  %out2 = select i1 %isnan, float %x, float %out
  ret float %out2
}

declare float @llvm.fma.f32(float, float, float)
"""

_LOG2F = r"""
define float @log2f(float %x) {
entry:
  %tiny = fcmp olt float %x, 0x3810000000000000
  %xup = fmul float %x, 0x4160000000000000
  %xs = select i1 %tiny, float %xup, float %x
  %bias = select i1 %tiny, i32 150, i32 127
  %bits = bitcast float %xs to i32
  %eraw = lshr i32 %bits, 23
  %e8 = and i32 %eraw, 255
  %e0 = sub i32 %e8, %bias
  %mbits = and i32 %bits, 8388607
  %m1bits = or i32 %mbits, 1065353216
  %m1 = bitcast i32 %m1bits to float
  %big = fcmp ogt float %m1, 0x3FF6A09E60000000
  %mhalf = fmul float %m1, 5.000000e-01
  %m = select i1 %big, float %mhalf, float %m1
  %einc = zext i1 %big to i32
  %e = add i32 %e0, %einc
  %f = fsub float %m, 1.000000e+00
  %den = fadd float %f, 2.000000e+00
  %sv = fdiv float %f, %den
  %z = fmul float %sv, %sv
  %c4 = fmul float %z, 0x3FBC71C720000000
  %c3a = fadd float %c4, 0x3FC24924A0000000
  %c3 = fmul float %z, %c3a
  %c2a = fadd float %c3, 0x3FC99999A0000000
  %c2 = fmul float %z, %c2a
  %c1a = fadd float %c2, 0x3FD5555560000000
  %c1 = fmul float %z, %c1a
  %c0 = fadd float %c1, 1.000000e+00
  %two.s = fadd float %sv, %sv
  %ln = fmul float %two.s, %c0
  %l2m = fmul float %ln, 0x3FF7154760000000
  %ef = sitofp i32 %e to float
  %res = fadd float %ef, %l2m
  %isinf = fcmp oeq float %x, 0x7FF0000000000000
  %r1 = select i1 %isinf, float %x, float %res
  %iszero = fcmp oeq float %x, 0.000000e+00
  %r2 = select i1 %iszero, float 0xFFF0000000000000, float %r1
  %bad = fcmp ult float %x, 0.000000e+00
  %out = select i1 %bad, float 0x7FF8000000000000, float %r2
  ret float %out
}
"""

# f16 <-> f32 (the soft-promoted half travels as its 16 bits in a general register).
_HALF = r"""
define float @__extendhfsf2(i16 %h) {
entry:
  %w = zext i16 %h to i32
  %sign = and i32 %w, 32768
  %sign32 = shl i32 %sign, 16
  %e = and i32 %w, 31744
  %m = and i32 %w, 1023
  %m13 = shl i32 %m, 13
  %e.normal = add i32 %e, 114688
  %e.normal23 = shl i32 %e.normal, 13
  %normal = or i32 %e.normal23, %m13
  %special = or i32 %m13, 2139095040
  %mf = uitofp i32 %m to float
  %sub = fmul float %mf, 0x3E70000000000000
  %sub.bits = bitcast float %sub to i32
  %is.special = icmp eq i32 %e, 31744
  %is.sub = icmp eq i32 %e, 0
  %mag1 = select i1 %is.special, i32 %special, i32 %normal
  %mag = select i1 %is.sub, i32 %sub.bits, i32 %mag1
  %bits = or i32 %mag, %sign32
  %f = bitcast i32 %bits to float
  ret float %f
}

define i16 @__truncsfhf2(float %x) {
entry:
  %b = bitcast float %x to i32
  %sign32 = and i32 %b, -2147483648
  %sign = lshr i32 %sign32, 16
  %a = and i32 %b, 2147483647
  %is.nan = icmp ugt i32 %a, 2139095040
  %nan.m = lshr i32 %a, 13
  %nan.m10 = and i32 %nan.m, 1023
  %nan = or i32 %nan.m10, 32256
  %is.inf = icmp uge i32 %a, 1199566848
  %is.sub = icmp ult i32 %a, 947912704
  %af = bitcast i32 %a to float
  %rounded = fadd float %af, 5.000000e-01
  %rounded.bits = bitcast float %rounded to i32
  %sub = sub i32 %rounded.bits, 1056964608
  %a2 = sub i32 %a, 939524096
  %odd.all = lshr i32 %a2, 13
  %odd = and i32 %odd.all, 1
  %bias = add i32 %odd, 4095
  %a3 = add i32 %a2, %bias
  %normal = lshr i32 %a3, 13
  %m1 = select i1 %is.sub, i32 %sub, i32 %normal
  %m2 = select i1 %is.inf, i32 31744, i32 %m1
  %m3 = select i1 %is.nan, i32 %nan, i32 %m2
  %h32 = or i32 %m3, %sign
  %h = trunc i32 %h32 to i16
  ret i16 %h
}
"""

_UDIVMOD = r"""
define internal {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %num, i{n} %den) {{
entry:
  %zero = icmp eq i{n} %den, 0
  %small = icmp ugt i{n} %den, %num
  %trivial = or i1 %zero, %small
  br i1 %trivial, label %done.trivial, label %setup
done.trivial:
  %q.triv = select i1 %zero, i{n} -1, i{n} 0
  br label %exit
setup:
  %lz.num = call i{n} @llvm.ctlz.i{n}(i{n} %num, i1 false)
  %lz.den = call i{n} @llvm.ctlz.i{n}(i{n} %den, i1 true)
  %k = sub i{n} %lz.den, %lz.num
  %d0 = shl i{n} %den, %k
  br label %loop
loop:
  %i = phi i{n} [ %k, %setup ], [ %i.next, %loop ]
  %q = phi i{n} [ 0, %setup ], [ %q.next, %loop ]
  %r = phi i{n} [ %num, %setup ], [ %r.next, %loop ]
  %d = phi i{n} [ %d0, %setup ], [ %d.next, %loop ]
  %take = icmp uge i{n} %r, %d
  %r.sub = sub i{n} %r, %d
  %r.next = select i1 %take, i{n} %r.sub, i{n} %r
  %q.sh = shl i{n} %q, 1
  %take.n = zext i1 %take to i{n}
  %q.next = or i{n} %q.sh, %take.n
  %d.next = lshr i{n} %d, 1
  %i.next = sub i{n} %i, 1
  %last = icmp eq i{n} %i, 0
  br i1 %last, label %exit, label %loop
exit:
  %q.out = phi i{n} [ %q.triv, %done.trivial ], [ %q.next, %loop ]
  %r.out = phi i{n} [ %num, %done.trivial ], [ %r.next, %loop ]
  %res.q = insertvalue {{ i{n}, i{n} }} undef, i{n} %q.out, 0
  %res = insertvalue {{ i{n}, i{n} }} %res.q, i{n} %r.out, 1
  ret {{ i{n}, i{n} }} %res
}}

declare i{n} @llvm.ctlz.i{n}(i{n}, i1)

define i{n} @{prefix}udiv{suffix}(i{n} %a, i{n} %b) {{
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %a, i{n} %b)
  %q = extractvalue {{ i{n}, i{n} }} %qr, 0
  ret i{n} %q
}}

define i{n} @{prefix}umod{suffix}(i{n} %a, i{n} %b) {{
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %a, i{n} %b)
  %r = extractvalue {{ i{n}, i{n} }} %qr, 1
  ret i{n} %r
}}

define i{n} @{prefix}div{suffix}(i{n} %a, i{n} %b) {{
  %sa = icmp slt i{n} %a, 0
  %sb = icmp slt i{n} %b, 0
  %na = sub i{n} 0, %a
  %nb = sub i{n} 0, %b
  %ua = select i1 %sa, i{n} %na, i{n} %a
  %ub = select i1 %sb, i{n} %nb, i{n} %b
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %ua, i{n} %ub)
  %q = extractvalue {{ i{n}, i{n} }} %qr, 0
  %nq = sub i{n} 0, %q
  %neg = xor i1 %sa, %sb
  %res = select i1 %neg, i{n} %nq, i{n} %q
  ret i{n} %res
}}

define i{n} @{prefix}mod{suffix}(i{n} %a, i{n} %b) {{
  %sa = icmp slt i{n} %a, 0
  %sb = icmp slt i{n} %b, 0
  %na = sub i{n} 0, %a
  %nb = sub i{n} 0, %b
  %ua = select i1 %sa, i{n} %na, i{n} %a
  %ub = select i1 %sb, i{n} %nb, i{n} %b
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %ua, i{n} %ub)
  %r = extractvalue {{ i{n}, i{n} }} %qr, 1
  %nr = sub i{n} 0, %r
  %res = select i1 %sa, i{n} %nr, i{n} %r
  ret i{n} %res
}}
"""

# Byte loops; memmove copies backwards when the destination lies above the source.
_LIBC = r"""
define ptr @memset(ptr %dst, i32 %c, i32 %n) #0 {
entry:
  %byte = trunc i32 %c to i8
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr i8, ptr %dst, i32 %i
  store i8 %byte, ptr %p
  %i.next = add i32 %i, 1
  %more = icmp ult i32 %i.next, %n
  br i1 %more, label %loop, label %exit
exit:
  ret ptr %dst
}

define ptr @memcpy(ptr %dst, ptr %src, i32 %n) #0 {
entry:
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %s = getelementptr i8, ptr %src, i32 %i
  %v = load i8, ptr %s
  %d = getelementptr i8, ptr %dst, i32 %i
  store i8 %v, ptr %d
  %i.next = add i32 %i, 1
  %more = icmp ult i32 %i.next, %n
  br i1 %more, label %loop, label %exit
exit:
  ret ptr %dst
}

define ptr @memmove(ptr %dst, ptr %src, i32 %n) #0 {
entry:
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %exit, label %pick
pick:
  %di = ptrtoint ptr %dst to i32
  %si = ptrtoint ptr %src to i32
  %above = icmp ugt i32 %di, %si
  br i1 %above, label %back, label %fwd
fwd:
  %i = phi i32 [ 0, %pick ], [ %i.next, %fwd ]
  %s = getelementptr i8, ptr %src, i32 %i
  %v = load i8, ptr %s
  %d = getelementptr i8, ptr %dst, i32 %i
  store i8 %v, ptr %d
  %i.next = add i32 %i, 1
  %more = icmp ult i32 %i.next, %n
  br i1 %more, label %fwd, label %exit
back:
  %j = phi i32 [ %n, %pick ], [ %j.next, %back ]
  %j.next = sub i32 %j, 1
  %s2 = getelementptr i8, ptr %src, i32 %j.next
  %v2 = load i8, ptr %s2
  %d2 = getelementptr i8, ptr %dst, i32 %j.next
  store i8 %v2, ptr %d2
  %more2 = icmp ne i32 %j.next, 0
  br i1 %more2, label %back, label %exit
exit:
  ret ptr %dst
}

; LLVM's Hexagon lowering calls this name for copies it knows are 8-byte aligned, at least
; 32 bytes and a multiple of 8 (HexagonSelectionDAGInfo.cpp); same arguments as memcpy.
define ptr @__hexagon_memcpy_likely_aligned_min32bytes_mult8bytes(ptr %dst, ptr %src, i32 %n) #0 {
  %r = call ptr @memcpy(ptr %dst, ptr %src, i32 %n)
  ret ptr %r
}

attributes #0 = { "no-builtins" }
"""

@dataclass(frozen=True)
class Group:
    """Routines linked in together, and the optimized-IR text that predicts LLVM's code will
    call them (a guess that saves a second compile; the object's symbol table decides)."""

    names: tuple[str, ...]
    ir: str
    hint: str  # regular expression over the optimized LLVM IR


def _divisions(n: int, suffix: str, widths: str, prefix: str = "__hexagon_") -> Group:
    return Group(tuple(f"{prefix}{op}{suffix}" for op in ("div", "udiv", "mod", "umod")),
                 _UDIVMOD.format(n=n, top=n - 1, suffix=suffix, prefix=prefix),
                 rf"= [su](?:div|rem)(?: exact)? (?:<\d+ x )?i(?:{widths})\b")


GROUPS = (
    Group(("exp2f",), _EXP2F, r"@llvm\.exp2\.(?:v\d+)?f32\b"),
    Group(("__hexagon_sqrtf",), _SQRTF, r"@llvm\.sqrt\.(?:v\d+)?f32\b"),
    Group(("log2f",), _LOG2F, r"@llvm\.log2\.(?:v\d+)?f32\b"),
    Group(("__extendhfsf2", "__truncsfhf2"), _HALF, r"\bhalf\b"),
    _divisions(32, "si3", "8|16|32"),
    _divisions(64, "di3", "64"),
    # idx arithmetic the range analysis widens past 64 bits (backends/idx_width.py): LLVM
    # calls compiler-rt's generic names for i128 (no __hexagon_ variant exists).
    _divisions(128, "ti3", "128", prefix="__"),
    Group(("memset", "memcpy", "memmove", "__hexagon_memcpy_likely_aligned_min32bytes_mult8bytes"), _LIBC,
          r"@(?:llvm\.)?mem(?:set|cpy|move)\b"),
)

#: Every symbol this module can provide.
PROVIDED = tuple(name for g in GROUPS for name in g.names)


def predicted(optimized_ir: str) -> set[str]:
    """Symbols of every group whose hint occurs in the optimized IR."""
    return {name for g in GROUPS if re.search(g.hint, optimized_ir) for name in g.names}


def support_ir(triple: str, data_layout: str, needed) -> str:
    """The groups defining any of `needed`, as one LLVM IR module for the given target."""
    needed = set(needed)
    body = "".join(g.ir for g in GROUPS if needed & set(g.names))
    return f'target triple = "{triple}"\ntarget datalayout = "{data_layout}"\n{body}'
