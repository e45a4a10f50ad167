"""Freestanding math routines for the LLVM baseline on Hexagon, written in LLVM IR.

The image our Hexagon runtime links has no libc and no libm, but LLVM lowers some intrinsics
to library calls on Hexagon (`llvm.exp2.f32` becomes a call to `exp2f`). The routines here
are linked into the kernel's LLVM module (`llvmlite`'s `Module.link_in`) before -O3, so they
are compiled by the same LLVM for the same target, and the optimizer may inline them.

Each routine only uses operations that Hexagon v66 has in hardware (f32 add/mul/compare,
int<->float conversion, integer shifts) so that no further library call can appear.

`exp2f(x)`: round to nearest n = round(x), f = x - n in [-0.5, 0.5]; 2**f = e**(f ln 2) by
its degree-6 Taylor polynomial (truncation error below 1.3e-7 relative for |f ln 2| <= 0.347);
scaled by 2**n as 2**(n//2) * 2**(n - n//2), two normal powers of two built from their bit
patterns, so that the overflow to +inf and the gradual underflow to subnormals and zero are
IEEE's. x is clamped to [-160, 128.5] first (beyond either end the result is 0 or +inf
anyway) so the float->int conversion is always defined; NaN is returned unchanged.
"""
from __future__ import annotations

#: Symbols defined here, by the LLVM IR function that implements them.
PROVIDED = ("exp2f",)

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


def libm_ir(triple: str, data_layout: str) -> str:
    """The routines as one LLVM IR module for the given target."""
    return f'target triple = "{triple}"\ntarget datalayout = "{data_layout}"\n{_EXP2F}'
