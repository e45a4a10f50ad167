"""Register allocation after scheduling: linear scan over live segments in packet order.

Scheduling runs on virtual registers (no false dependences), then every virtual register
gets a physical one. Packets are numbered in the order prologue, loop, epilogue. A virtual
register is live over one *segment* per block that mentions it or carries it:
  * inside a block, from its first mention to its last;
  * a value live into the loop (read there before written) is live from its last prologue
    mention on; through the whole loop if the loop never writes it (an invariant), else
    (an accumulator, a rotated load, a value of a pipelined kernel's later stage) from the
    loop's start to the last read before the loop's first write, and from that write to
    the loop's end;
  * a value live into the epilogue is live from the epilogue's start, and from its last
    write in the loop (or the prologue) to that block's end.
Block boundaries sit at half positions, so a value crossing one overlaps everything live
there. Two segments may touch at a packet: a packet reads its registers before it writes
any, so a register last read in packet p can be written again in packet p (but two writes
in one packet never share a register: a segment whose last mention is a write ends a
quarter packet later).

Scalar registers come from the caller-saved ones beyond the argument pointers (r6-r15, r28),
then, where the function allows it (`MachineFunction.callee_saved`: the scalar core's float
code), the callee-saved r16-r27, which `emit.emit_asm` saves in a frame; the `R8` class (the `Rt8` of
valign, vshuff, vdeal) is r0-r7: r6, r7 and the argument registers no buffer uses. Vector registers are v0-v31 (all
caller-saved); a register pair (vshuff's Vdd) is v(2k+1):2k.
"""
from __future__ import annotations

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg
from rewriter.backends.hexagon.schedule import Schedule


def _upward_exposed(block, order) -> set:
    """Registers the block reads before it writes them (in packet order)."""
    seen_def: set = set()
    out: set = set()
    for packet in order:
        for i in packet:
            out |= {r for r in block.insns[i].uses if r not in seen_def}
        for i in packet:
            seen_def |= set(block.insns[i].defs)
    return out


def live_segments(mf: MachineFunction, sched: Schedule) -> dict[Reg, list[tuple[float, float]]]:
    """Virtual (and physical) register -> its live segments (start, end) in packet positions."""
    spans, mentions = {}, {}
    pos = 0
    for b in mf.blocks:
        bs = sched.blocks[b.name]
        spans[b.name] = (pos - 0.5, pos + len(bs.packets) - 0.5)
        for k, packet in enumerate(bs.packets):
            for i in packet:
                ins = b.insns[i]
                for r in ins.uses:
                    mentions.setdefault((r, b.name), []).append((pos + k, "use"))
                for r in ins.defs:
                    mentions.setdefault((r, b.name), []).append((pos + k, "def"))
        pos += len(bs.packets)
    looping = bool(mf.trip) and mf.loop in mf.blocks
    live_in = {b.name: _upward_exposed(b, sched.blocks[b.name].packets) for b in mf.blocks}
    into_loop = live_in.get(mf.loop.name, set()) if looping else set()
    into_epi = live_in.get(mf.epilogue.name, set())
    segs: dict[Reg, list] = {}
    for (r, name), ms in mentions.items():
        lo, hi = min(p for p, _ in ms), max(p for p, _ in ms)
        if any(p == hi and kind == "def" for p, kind in ms):
            # Written in its last packet (a pair half the rest of the code never reads: the
            # low word of wordmul.py's `Vxx += vmpyo`): no other write may take the register
            # in that packet, so the segment reaches past the packet's reads.
            hi += 0.25
        start, end = spans[name]
        if name == mf.loop.name and r in into_loop:
            first_def = min((p for p, kind in ms if kind == "def"), default=None)
            if first_def is None:
                lo, hi = start, end  # an invariant: live all around the loop
            else:
                # Carried around the back edge (a value of a software-pipelined kernel's
                # later stage, an accumulator): live from the loop's start to its last read
                # of the previous iteration's value, and from the first write on to the
                # end; the register is free in between, when the kernel's stages are apart.
                reads = [p for p, kind in ms if kind == "use" and p <= first_def]
                segs.setdefault(r, []).append((start, max(reads)))
                lo, hi = first_def, end
        if name != mf.epilogue.name and (r in into_epi or (name == mf.prologue.name and r in into_loop)):
            hi = end  # flows out of this block
        if name == mf.epilogue.name and r in into_epi:
            lo = start
        segs.setdefault(r, []).append((lo, hi))
    # A value the epilogue reads but the loop never mentions still crosses the loop.
    if looping:
        for r in into_epi:
            if (r, mf.loop.name) not in mentions and r in segs:
                segs[r].append(spans[mf.loop.name])
    return segs


def _overlap(a, b) -> bool:
    (s1, e1), (s2, e2) = a, b
    if s1 == s2:
        return True  # both written in one packet (or both live in at the same boundary)
    return not (e1 <= s2 or e2 <= s1)


def allocate(mf: MachineFunction, sched: Schedule, model: MachineModel = MODEL) -> dict:
    """Virtual register -> physical register number (physical ones map to themselves)."""
    segs = live_segments(mf, sched)
    partner: dict[Reg, Reg] = {}
    lows: set = set()
    for b in mf.blocks:
        for ins in b.insns:
            for _, lo, hi in ins.desc.pairs:
                partner[ins.regs[lo]], partner[ins.regs[hi]] = ins.regs[hi], ins.regs[lo]
                lows.add(ins.regs[lo])
    # Argument registers no buffer uses are free too (r3-r5 for a three-buffer kernel), and
    # they are among the few that `Rt8` fields accept.
    spare = [r for r in model.arg_registers if r >= mf.args]
    low = sorted({6, 7} | set(spare))
    pools = {"V": list(range(model.vector_registers)), "Q": list(range(model.predicate_registers)),
             "P": list(range(model.scalar_predicates)),
             "R": [r for r in model.free_scalar if r not in low] + low
             + (list(model.callee_saved) if mf.callee_saved else []),  # the frame's last: it costs packets
             "R8": low}
    occupied: dict[tuple[str, int], list] = {}  # (file, phys) -> segments already placed there

    def free(file: str, phys: int, mine) -> bool:
        return not any(_overlap(a, b) for a in occupied.get((file, phys), ()) for b in mine)

    def place(file: str, phys: int, mine):
        occupied.setdefault((file, phys), []).extend(mine)

    assignment: dict[Reg, int] = {}
    order = sorted((r for r in segs if r.phys is None),
                   key=lambda r: (min(s for s, _ in segs[r]), r.cls != "R8", r.n))
    for r in order:
        if r in assignment:
            continue
        if r in partner:  # both halves of a pair at once, on an even/odd pair
            lo, hi = (r, partner[r]) if r in lows else (partner[r], r)
            slo, shi = segs.get(lo, []), segs.get(hi, [])
            phys = next((p for p in pools["V"][::2] if free("V", p, slo) and free("V", p + 1, shi)), None)
            if phys is None:
                raise HexagonUnsupported("no free vector register pair")
            assignment[lo], assignment[hi] = phys, phys + 1
            place("V", phys, slo)
            place("V", phys + 1, shi)
            continue
        phys = next((p for p in pools[r.cls] if free(r.file, p, segs[r])), None)
        if phys is None:
            raise HexagonUnsupported(f"more than {len(pools[r.cls])} live {r.cls} registers")
        assignment[r] = phys
        place(r.file, phys, segs[r])
    for r in segs:
        if r.phys is not None:
            assignment[r] = r.phys
    return assignment


def reg_name(assignment: dict):
    def name(r: Reg) -> str:
        return f"{r.file.lower()}{assignment[r]}"

    return name
