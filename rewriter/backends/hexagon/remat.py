"""Scalar constants rematerialized where they are used, when the loop would hold too many.

Selection sets every scalar constant once, in the prologue (`Selector.scalar_const`): a
word-times-byte coefficient for `vmpyi`, a shift amount, a splat's word. Each one used in the
loop or the epilogue then holds a scalar register through the whole loop. A nest with many
distinct coefficients (a colour conversion: nine products, three rounding shifts, three
offsets) holds more of them than the scalar file has room for beside the body's own address
arithmetic, and register allocation fails.

`sink_constants` keeps the constants the loop reads most often where they are and sets each
of the others again right before every instruction of the loop and the epilogue that reads
it, in a fresh register (a `movi` is one scalar slot; HVX packets seldom fill theirs), so its
live range is one instruction long. The prologue keeps a constant's first definition only
where the prologue itself still reads it. The result computes the same values: a `movi` has
no inputs and no side effect.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import Block

#: Rows that set a register to an immediate and nothing else.
CONSTANT_ROWS = ("movi", "movi_ext")
#: Scalar registers left to the body's own values (addresses, scalar loads, a partial
#: store's masks) beside the constants that stay live through the loop.
RESERVED_SCALARS = 5


def sink_constants(pro: Block, body: Block, epi: Block, buffers: int, new_reg) -> int:
    """Rematerialize the prologue's scalar constants past the loop's budget (module
    docstring); `buffers` pointers take argument registers, `new_reg(cls, hint)` makes a
    virtual register. Returns how many constants were sunk."""
    defs = {i.defs[0]: i for i in pro.insns if i.desc.name in CONSTANT_ROWS}
    uses = Counter(r for b in (body, epi) for i in b.insns for r in set(i.uses) if r in defs)
    pool = len(MODEL.free_scalar) + max(0, len(MODEL.arg_registers) - buffers)
    budget = pool - RESERVED_SCALARS
    if len(uses) <= budget:
        return 0
    keep = {r for r, _ in sorted(uses.items(), key=lambda x: (-x[1], x[0].n))[:budget]}
    sunk = {r for r in uses if r not in keep}
    for block in (body, epi):
        out = []
        for i in block.insns:
            renamed = {}
            for field, r in i.regs.items():
                if r in sunk and field not in {n for n, _ in i.desc.defs}:
                    if r not in renamed:
                        fresh = new_reg(r.cls, r.hint)
                        c = defs[r]
                        out.append(replace(c, regs={**c.regs, c.desc.defs[0][0]: fresh}))
                        renamed[r] = fresh
            out.append(replace(i, regs={f: renamed.get(r, r) for f, r in i.regs.items()}) if renamed else i)
        block.insns = out
    read_in_pro = {r for i in pro.insns for r in i.uses}
    pro.insns = [i for i in pro.insns if not (i.desc.name in CONSTANT_ROWS and i.defs[0] in sunk
                                               and i.defs[0] not in read_in_pro)]
    return len(sunk)
