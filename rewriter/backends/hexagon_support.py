"""Freestanding support routines for the LLVM baseline on Hexagon, written in LLVM IR.

The image our Hexagon runtime links has no libc, libm or compiler-rt, but LLVM's code for
Hexagon calls some of their routines: `llvm.exp2.f32` becomes a call of `exp2f`, integer
division and remainder become calls of compiler-rt's `__hexagon_{div,udiv,mod,umod}{si,di}3`
(v66 has no divide instruction), zeroing and copying loops become `memset` / `memcpy` /
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

Integer division: normalized shift-subtract, as compiler-rt's Hexagon routines do it. With
k = clz(d) - clz(n) (`llvm.ctlz`, Hexagon's `cl0` instruction), d << k lines its top bit up
with n's; k + 1 steps then compare, subtract and shift it back down, one quotient bit each,
so the loop runs only over the quotient's significant bits and nothing overflows. d > n
gives (0, n) at once. Signed forms divide the magnitudes and fix the signs as C does
(quotient truncated toward zero, remainder with the dividend's sign). A zero divisor gives
all-ones / the dividend (the IR makes it UB anyway).
"""
from __future__ import annotations

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

define i{n} @__hexagon_udiv{suffix}(i{n} %a, i{n} %b) {{
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %a, i{n} %b)
  %q = extractvalue {{ i{n}, i{n} }} %qr, 0
  ret i{n} %q
}}

define i{n} @__hexagon_umod{suffix}(i{n} %a, i{n} %b) {{
  %qr = call {{ i{n}, i{n} }} @rewriter.udivmod{n}(i{n} %a, i{n} %b)
  %r = extractvalue {{ i{n}, i{n} }} %qr, 1
  ret i{n} %r
}}

define i{n} @__hexagon_div{suffix}(i{n} %a, i{n} %b) {{
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

define i{n} @__hexagon_mod{suffix}(i{n} %a, i{n} %b) {{
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

def _divisions(n: int, suffix: str) -> tuple[tuple[str, ...], str]:
    return (tuple(f"__hexagon_{op}{suffix}" for op in ("div", "udiv", "mod", "umod")),
            _UDIVMOD.format(n=n, top=n - 1, suffix=suffix))


#: (symbols defined, their LLVM IR): a group is linked in whole when one of its symbols is needed.
GROUPS = (
    (("exp2f",), _EXP2F),
    _divisions(32, "si3"),
    _divisions(64, "di3"),
    (("memset", "memcpy", "memmove", "__hexagon_memcpy_likely_aligned_min32bytes_mult8bytes"), _LIBC),
)

#: Every symbol this module can provide.
PROVIDED = tuple(name for names, _ in GROUPS for name in names)


def support_ir(triple: str, data_layout: str, needed) -> str:
    """The groups defining any of `needed`, as one LLVM IR module for the given target."""
    needed = set(needed)
    body = "".join(ir for names, ir in GROUPS if needed & set(names))
    return f'target triple = "{triple}"\ntarget datalayout = "{data_layout}"\n{body}'
