"""The high word of a product of words (`mulhi` at i32), which no single HVX row computes.

HVX v62+ forms the full 64-bit signed product of word lanes in two multiplies into a register
pair (the rows `vmpyewuh_64` and `vmpyowh_64_acc` of hvx_rows.py, each checked on QEMU against
its lane equations): `Vdd = vmpye(Vu.w, Vv.uh)` then `Vdd += vmpyo(Vu.w, Vv.h)`, after which
the pair's high vector holds mulhi(u, v) lane by lane, in lane order, and the low one the low
word (LLVM lowers ISD::MULHS of HVX words the same way: HexagonISelLoweringHVX.cpp,
`LowerHvxMulh`, MulHS_V62).

The unsigned high word is the signed one corrected by two selects (rules/hexagon-expand.rules,
`hvx-mulhi-uw`). (The division of words by a constant would multiply by its magic number
through this sequence too; its rules are not in the library yet: rules/hexagon-expand.rules.)

The sequence is not a rule's right side: rules rewrite to ops of one row each, and these two
rows write a pair of which only one half is kept. `Selector._gen` calls `word_mulhi` for a
`mulhi` node; anything else is left to the rows and rules.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import Reg, insn
from rewriter.ir.uop import UOp


def word_mulhi(sel, u: UOp, rname: str, memo) -> list[Reg] | None:
    """`mulhi(a, b)` at i32 as vmpye + vmpyo per vector (the module docstring); None for any
    other node. A constant operand is a splat vector (`Selector.gen` of a const)."""
    if u.op != "mulhi" or u.dtype.scalar.name != "i32":
        return None
    a, b = (sel.gen(x, rname, memo) for x in u.src)
    out = []
    for x, y in zip(a, b):
        lo, hi = sel.reg("V", "mulhi.lo"), sel.reg("V", "mulhi.hi")
        sel.body.add(insn("vmpyewuh_64", lo=lo, hi=hi, u=x, v=y))
        sel.body.add(insn("vmpyowh_64_acc", lo=lo, hi=hi, u=x, v=y))
        out.append(hi)
    return out
