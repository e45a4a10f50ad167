"""Register allocation after scheduling: linear scan over the packet order.

Scheduling runs on virtual registers (no false dependences), then every virtual register
gets a physical one. A register's live interval runs from the first packet that mentions it
to the last, in the order prologue, loop, epilogue; a register the loop mentions and any
other block mentions too (a constant hoisted to the prologue, an accumulator read in the
epilogue) or that the loop reads before it writes it (carried into the next iteration) is
live through the whole loop. Intervals may touch: a packet reads its registers before it
writes any, so a register last read in packet p can be written again in packet p.

Scalar registers come from the caller-saved ones beyond the argument pointers (r6-r15, r28:
no callee-saved r16-r27 is used, so nothing needs saving); the `R8` class (valign's Rt8) is
r0-r7, that is r6 or r7 here. Vector registers are v0-v31 (all caller-saved in the ABI).
"""
from __future__ import annotations

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg
from rewriter.backends.hexagon.schedule import Schedule


def allocate(mf: MachineFunction, sched: Schedule, model: MachineModel = MODEL) -> dict:
    """Virtual register -> physical register number (physical ones map to themselves)."""
    first: dict[Reg, int] = {}
    last: dict[Reg, int] = {}
    blocks_of: dict[Reg, set] = {}
    pos = 0
    loop_span = None
    carried: set = set()
    for b in mf.blocks:
        bs = sched.blocks[b.name]
        start = pos
        written: set = set()
        for packet in bs.packets:
            for i in packet:
                ins = b.insns[i]
                for r in ins.uses + ins.defs:
                    first.setdefault(r, pos)
                    last[r] = pos
                    blocks_of.setdefault(r, set()).add(b.name)
            if b is mf.loop:
                for i in packet:
                    ins = b.insns[i]
                    carried |= {r for r in ins.uses if r not in written}
                for i in packet:
                    written |= set(b.insns[i].defs)
            pos += 1
        if b is mf.loop and mf.trip:
            loop_span = (start, pos - 1)
    for r in list(first):
        if loop_span and mf.loop.name in blocks_of[r] and (len(blocks_of[r]) > 1 or r in carried):
            first[r] = min(first[r], loop_span[0])
            last[r] = max(last[r], loop_span[1])
    # Register pairs (vshuff's Vdd): both halves are one allocation unit, v(2k+1):2k.
    partner: dict[Reg, Reg] = {}
    lows: set = set()
    for b in mf.blocks:
        for ins in b.insns:
            for _, lo, hi in ins.desc.pairs:
                partner[ins.regs[lo]], partner[ins.regs[hi]] = ins.regs[hi], ins.regs[lo]
                lows.add(ins.regs[lo])
    for r, q in partner.items():
        first[r] = first[q] = min(first[r], first[q])
        last[r] = last[q] = max(last[r], last[q])
    assignment: dict[Reg, int] = {}
    pools = {"V": list(range(model.vector_registers)),
             "R": [r for r in model.free_scalar if r not in (6, 7)] + [6, 7],
             "R8": [6, 7]}
    active: list[tuple[int, Reg, int]] = []  # (end, reg, phys)
    busy = {"V": set(), "R": set()}
    order = sorted((r for r in first if r.phys is None), key=lambda r: (first[r], r.cls != "R8", r.n))
    for r in order:
        start = first[r]
        # Free what ended before this packet, or ends in it with a read (never a register
        # written and dropped in this very packet: two writes would share the packet).
        for item in [a for a in active if a[0] < start or (a[0] == start and first[a[1]] < a[0])]:
            active.remove(item)
            busy[item[1].file].discard(item[2])
        if r in assignment:  # the other half of a pair, placed with it
            continue
        if r in partner:
            lo, hi = (r, partner[r]) if r in lows else (partner[r], r)
            free = [p for p in pools["V"][::2] if p not in busy["V"] and p + 1 not in busy["V"]]
            if not free:
                raise HexagonUnsupported("no free vector register pair")
            for reg, phys in ((lo, free[0]), (hi, free[0] + 1)):
                assignment[reg] = phys
                busy["V"].add(phys)
                active.append((last[reg], reg, phys))
            continue
        free = [p for p in pools[r.cls] if p not in busy[r.file]]
        if not free:
            raise HexagonUnsupported(f"more than {len(pools[r.cls])} live {r.cls} registers")
        phys = free[0]
        assignment[r] = phys
        busy[r.file].add(phys)
        active.append((last[r], r, phys))
    for r in first:
        if r.phys is not None:
            assignment[r] = r.phys
    return assignment


def reg_name(assignment: dict):
    def name(r: Reg) -> str:
        return f"{'v' if r.file == 'V' else 'r'}{assignment[r]}"

    return name
