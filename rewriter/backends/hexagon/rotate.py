"""Loop rotation: the loads of iteration i + 1 move into iteration i (two-stage software
pipelining, the cheapest kind).

The loop body `L(i); C(i)` (L: the vector loads and the input-pointer updates, C: the rest)
becomes

    prologue:  ...; L(0)
    loop x (n - 1):  C(i); L(i + 1)
    epilogue:  C(n - 1); ...

so inside the body the compute of one iteration and the loads of the next are independent
and the list scheduler can pack them into the same packets: a load-bound loop no longer
waits for its own loads. The same virtual registers carry the loaded vectors across the
back edge (register allocation sees them used before written in the loop, so they live
through it), and `C(i)`'s reads of them come before `L(i + 1)` overwrites them in the
sequential order, which the scheduler keeps (a write may share the reader's packet).

Applies when L and C are separable: L reads only pointers and its own results, C writes
nothing L reads, and no buffer is both loaded and stored (kernel outputs are not inputs).
"""
from __future__ import annotations

import copy

from rewriter.backends.hexagon.mir import Block, MachineFunction, Reg, insn


def rotate_loads(mf: MachineFunction) -> MachineFunction | None:
    """The rotated function, or None where rotation does not apply."""
    body = mf.loop.insns
    if mf.trip < 3 or not body:
        return None
    loaded = {i.mem for i in body if i.desc.side_effect == "load"}
    stored = {i.mem for i in body if i.desc.side_effect == "store"}
    if loaded & stored or not loaded:
        return None
    in_l = [False] * len(body)
    l_defs: set = set()
    # The registers load addresses come from: the loads' pointers, and what the address
    # adds (`a = add(p, #k)`) that compute them read, transitively.
    pointers_read = {r for i in body if i.desc.side_effect == "load" for r in i.uses}
    while True:
        more = {r for i in body if i.desc.name == "addi" and i.regs["d"] in pointers_read
                for r in i.uses} - pointers_read
        if not more:
            break
        pointers_read |= more
    for k, ins in enumerate(body):
        if ins.desc.side_effect == "load":
            in_l[k] = True
        elif ins.desc.name == "addi" and ins.regs["d"] in pointers_read and not any(
                i.desc.side_effect == "store" and ins.regs["d"] in i.uses for i in body):
            in_l[k] = True  # advances an input pointer (or a load address)
        if in_l[k]:
            l_defs |= set(ins.defs)
    loads = [i for k, i in enumerate(body) if in_l[k]]
    rest = [i for k, i in enumerate(body) if not in_l[k]]
    c_defs = {r for i in rest for r in i.defs}
    if any(set(i.uses) & c_defs for i in loads):
        return None  # a load depends on the compute
    pro = Block(mf.prologue.name, [copy.copy(i) for i in mf.prologue.insns])
    loop0 = next((i for i in pro.insns if i.desc.side_effect == "loop"), None)
    if loop0 is None:
        return None
    old_count = loop0.regs["u"]
    count = Reg("R", 10_000 + old_count.n, hint=f"#{mf.trip - 1}")
    pro.insns.remove(loop0)
    others = [i for b in (pro, mf.loop, mf.epilogue) for i in b.insns if old_count in i.uses]
    if not others:  # the old trip count had no other reader
        pro.insns = [i for i in pro.insns if old_count not in i.defs]
    pro.insns.append(insn("movi", d=count, imm=mf.trip - 1))  # (movi_ext past 16 bits: mir.insn)
    pro.insns += [_clone(i) for i in loads]
    pro.insns.append(insn("loop0", u=count, label=loop0.imms["label"]))
    loop = Block(mf.loop.name, rest + loads)
    epi = Block(mf.epilogue.name, [_clone(i) for i in rest] + list(mf.epilogue.insns))
    notes = list(mf.notes) + ["loads rotated one iteration ahead (two-stage pipeline)"]
    return MachineFunction(mf.name, pro, loop, epi, mf.trip - 1, notes, mf.args, callee_saved=mf.callee_saved,
                           pool=mf.pool)


def _clone(i):
    c = copy.copy(i)
    c.imms = dict(i.imms)
    c.regs = dict(i.regs)
    return c
