"""New-value stores of vshuff results: a peephole over a selected block (`rows.py`).

`Vdd = vshuff(Vu, Vv, Rt)` followed, later in the block, by an aligned store of its low
result `vmem(Rt+#s4) = Vdd.v0` becomes one packet's pair `vshuff(...); vmem(..) = lo.new`
(the ISA row `vshuffvdd_stnew`: V6_vS32b_new_ai, a new-value store that takes no VA unit,
so the packet still holds a double multiply beside them). The window's last vshuff round
(window.py) ends this way; rows.py fuses only those (`RowSelector.fusable`): where slot 0
rather than the VA units limits a body (interleaved stores, transposes), the bundle, which
takes slot 0 for its store, measured slower (upsample2x_linear_u8 71 -> 98 packets).

The vshuff moves down to the store's place (the store does not move: its address register
and its order among the memory operations stay as selected), which is allowed where nothing
between them reads or writes the vshuff's results or writes its operands.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import Block, insn


def fuse_new_value_stores(block: Block, fusable=None) -> int:
    """Fuses in place the stores of the vectors in `fusable` (None: any); returns how many
    stores became new-value stores."""
    fused = 0
    insns = block.insns
    j = 0
    while j < len(insns):
        st = insns[j]
        if st.desc.name == "vmem_st" and (fusable is None or st.regs["u"] in fusable):
            i = _producer(insns, j, st.regs["u"])
            if i is not None:
                sh = insns[i]
                insns[j] = insn("vshuffvdd_stnew", mem=st.mem, comment=sh.comment, lo=sh.regs["lo"],
                                hi=sh.regs["hi"], u=sh.regs["u"], v=sh.regs["v"], t=sh.regs["t"],
                                p=st.regs["p"], off=st.imms["off"])
                del insns[i]
                fused += 1
                continue  # (j is now the instruction after the fused pair)
        j += 1
    return fused


def _producer(insns: list, j: int, value) -> int | None:
    """The index of the vshuff whose low result the store at `j` stores, where it may move
    down to `j`; else None."""
    for i in range(j - 1, -1, -1):
        x = insns[i]
        if value in x.defs:
            break
    else:
        return None
    sh = insns[i]
    if sh.desc.name != "vshuffvdd" or sh.regs["lo"] != value:
        return None
    results = {sh.regs["lo"], sh.regs["hi"]}
    operands = set(sh.uses)
    for x in insns[i + 1:j]:
        if results & (set(x.uses) | set(x.defs)) or operands & set(x.defs):
            return None
    return i
