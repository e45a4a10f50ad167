"""Packets: dependences, a greedy list scheduler, an independent checker, a cycle estimate.

The data a later global solver consumes and must beat:
  * `dependences(block)`: edges (i, j, min_distance, latency, kind) read off the block's
    sequential order. RAW and WAW need j in a later packet (distance 1: a packet reads its
    registers before any of its instructions writes); WAR allows the same packet (distance
    0: the reader sees the old value); memory order between a store and any other access
    to the same buffer is strict; the branch goes last (distance 0). `latency` is when a RAW
    consumer can issue without a stall.
  * `Schedule`: per block, packets of instruction indices with their issue cycle.
  * `packet_fits(model, insns)` (`packet.py`): the packet rules.
The scheduler is cycle-driven list scheduling by critical path: at each cycle it fills one
packet with the ready instructions of highest priority that fit; an instruction whose
operand is not ready yet waits, and a cycle with nothing ready is a stall (no packet is
emitted; the core interlocks). `check_schedule` re-derives all constraints on its own.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import permutations, product

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import Block, MachineFunction
from rewriter.backends.hexagon.packet import packet_fits
from rewriter.backends.hexagon.packing import packing_bound
from rewriter.errors import RewriterError


class ScheduleError(RewriterError):
    pass


@dataclass(frozen=True)
class Dep:
    src: int
    dst: int
    distance: int  # dst's packet index - src's packet index >= distance
    latency: int  # dst's cycle - src's cycle >= latency avoids a stall
    kind: str  # "raw" | "war" | "waw" | "mem" | "branch"


def value_latency(ins, regs) -> int:
    """When `ins`'s results in `regs` can be read without a stall: the row's latency, but a
    post-incremented pointer is a scalar add, ready in the next packet."""
    if not ins.desc.is_hvx:  # the common case, without the generator (a million calls in long bodies)
        return ins.desc.latency
    return max(1 if r.file == "R" else ins.desc.latency for r in regs)


def dependences(block: Block) -> list[Dep]:
    """Every ordering edge of the block, in (later, earlier) instruction order: raw, else waw,
    else war for a pair sharing a register one of them writes; mem for two accesses to a
    buffer one of them stores to; branch into the block's branch or loop instruction. The
    pairs come from per-register and per-buffer indexes (`_related_pairs`), not from all
    n^2 pairs: bodies of a thousand instructions are common (the general lowering)."""
    deps: list[Dep] = []
    insns = block.insns
    defs = [set(x.defs) for x in insns]
    uses = [set(x.uses) for x in insns]
    related = sorted(_related_pairs(block), key=lambda p: (p[1], p[0]))
    branches = [j for j, b in enumerate(insns) if b.desc.side_effect in ("branch", "loop")]
    pairs = sorted(set(related) | {(i, j) for j in branches for i in range(j)}, key=lambda p: (p[1], p[0]))
    for i, j in pairs:
        a, b = insns[i], insns[j]
        adefs, auses, bdefs, buses = defs[i], uses[i], defs[j], uses[j]
        if adefs & buses:
            deps.append(Dep(i, j, 1, value_latency(a, adefs & buses), "raw"))
        elif adefs & bdefs:
            deps.append(Dep(i, j, 1, 1, "waw"))
        elif auses & bdefs:
            deps.append(Dep(i, j, 0, 0, "war"))
        if a.mem and a.mem == b.mem and "store" in (a.desc.side_effect, b.desc.side_effect):
            deps.append(Dep(i, j, 1, 1, "mem"))
        if b.desc.side_effect in ("branch", "loop"):
            deps.append(Dep(i, j, 0, 0, "branch"))
    return deps


@dataclass
class BlockSchedule:
    name: str
    packets: list  # list of lists of instruction indices (into the block)
    cycles: list  # issue cycle of each packet

    @property
    def length(self) -> int:
        return (self.cycles[-1] + 1) if self.cycles else 0

    @property
    def stalls(self) -> int:
        return self.length - len(self.packets)


@dataclass
class Schedule:
    blocks: dict = field(default_factory=dict)  # block name -> BlockSchedule

    def packet_count(self) -> int:
        return sum(len(b.packets) for b in self.blocks.values())


def carried_edges(block: Block) -> list[tuple[int, int, int]]:
    """(def, use, latency) of the values a loop body passes to its next iteration: `use`
    reads a register before any write to it in the block, `def` is the block's last write."""
    first_def, last_def = {}, {}
    for k, ins in enumerate(block.insns):
        for r in ins.defs:
            first_def.setdefault(r, k)
            last_def[r] = k
    out = []
    for j, ins in enumerate(block.insns):
        for r in ins.uses:
            if first_def.get(r, j) < j:
                continue
            if r in last_def and last_def[r] >= j:
                out.append((last_def[r], j, value_latency(block.insns[last_def[r]], {r})))
    return out


def schedule_block(block: Block, model: MachineModel = MODEL, cyclic: bool = False,
                   in_order: bool = False, window: int | None = None,
                   deps: list[Dep] | None = None) -> BlockSchedule:
    """`cyclic`: the block is a loop body, so a value it passes to the next iteration (a
    rotated load) is as urgent as the path that consumes it there. `in_order`: priority is
    the block's own order instead of the critical path, which keeps each value's lifetime
    close to the selector's (the retry where the critical path needs more registers than
    there are: it starts every load first). `window`: no instruction is placed more than
    that many places after the first one not placed yet, which bounds how far loads run
    ahead of their users (independent scalar loads in a free slot would all go first).
    `deps`: the block's `dependences`, where the caller schedules it more than once."""
    n = len(block.insns)
    deps = dependences(block) if deps is None else deps
    preds: list[list[Dep]] = [[] for _ in range(n)]
    succs: list[list[Dep]] = [[] for _ in range(n)]
    for d in deps:
        preds[d.dst].append(d)
        succs[d.src].append(d)
    # Priority: the longest latency-weighted path to the end of the block.
    prio = [0] * n
    for i in reversed(range(n)):
        prio[i] = max([max(d.latency, d.distance) + prio[d.dst] for d in succs[i]], default=0) + 1
    if in_order:
        prio = [0] * n
    elif cyclic:
        for i, j, lat in carried_edges(block):
            prio[i] = max(prio[i], lat + prio[j])
    rank = sorted(range(n), key=lambda i: (-prio[i], i))  # priorities are fixed: sort once
    rank_of = {i: r for r, i in enumerate(rank)}
    # `waiting[i]`: predecessors of i neither placed nor in the packet being filled. Only an
    # instruction with none waiting can be ready, and that set only grows (until it is
    # placed), so it is kept in priority order instead of rescanning all n per candidate
    # (a 1300-instruction transpose spent most of a minute in that scan).
    waiting = [len(preds[i]) for i in range(n)]
    eligible = [r for r, i in enumerate(rank) if waiting[i] == 0]  # ranks, sorted
    packet_of: dict[int, int] = {}
    cycle_of: dict[int, int] = {}
    packets: list[list[int]] = []
    cycles: list[int] = []
    cycle = 0
    first = 0  # the first instruction not in a packet yet
    while len(packet_of) < n:
        current: list[int] = []
        pidx = len(packets)
        # Candidates in priority order; each must have every predecessor placed, in an
        # earlier packet where the edge demands one, and its operands ready by `cycle`.
        progress = True
        while progress:
            progress = False
            end = n if window is None else min(n, first + window)
            full: set = set()  # rows that do not fit beside `current` (the same answer for every copy)
            for r in eligible:
                i = rank[r]
                if not first <= i < end:
                    continue
                if id(block.insns[i].desc) in full or not _ready(i, preds, packet_of, cycle_of, current, pidx, cycle):
                    continue
                if not packet_fits(model, [block.insns[k].desc for k in current + [i]]):
                    full.add(id(block.insns[i].desc))
                else:
                    current.append(i)
                    eligible.remove(r)
                    for d in succs[i]:
                        waiting[d.dst] -= 1
                        if waiting[d.dst] == 0:
                            bisect.insort(eligible, rank_of[d.dst])
                    progress = True
                    break
        if current:
            for i in current:
                packet_of[i], cycle_of[i] = pidx, cycle
            packets.append(sorted(current))
            cycles.append(cycle)
            while first < n and first in packet_of:
                first += 1
        cycle += 1
        if cycle > 100 * (n + 1) + 100:
            raise ScheduleError(f"{block.name}: the scheduler made no progress")
    return BlockSchedule(block.name, packets, cycles)


def _ready(i, preds, packet_of, cycle_of, current, pidx, cycle) -> bool:
    for d in preds[i]:
        if d.src in current:
            if d.distance > 0:
                return False
            continue
        if d.src not in packet_of:
            return False
        if pidx - packet_of[d.src] < d.distance or cycle - cycle_of[d.src] < d.latency:
            return False
    return True


def schedule_function(mf: MachineFunction, model: MachineModel = MODEL, in_order: bool = False,
                      window: int | None = None, deps: dict | None = None) -> Schedule:
    """Each block list-scheduled; `deps`: block name -> its `dependences`, computed once by a
    caller that tries several orders on the same blocks."""
    s = Schedule()
    for b in mf.blocks:
        s.blocks[b.name] = schedule_block(b, model, cyclic=b is mf.loop and mf.trip > 0, in_order=in_order,
                                          window=window, deps=(deps or {}).get(b.name))
    return s


# ---- the independent checker -------------------------------------------------------------------
def check_schedule(mf: MachineFunction, sched: Schedule, model: MachineModel = MODEL) -> list[str]:
    """Every violation of `sched` for `mf` (empty: valid). Re-derives the constraints from
    the blocks' sequential semantics: each instruction exactly once, dependences kept (no
    instruction reads a register written in its own packet or later, none writes before an
    earlier reader's packet, two writers never share a packet), latencies kept by the
    schedule's issue cycles (a reader issues no earlier than its producer's latency allows:
    the cycles, hence the cycle estimate, are honest), packets within the slot, word and
    HVX-resource limits, the branch in the last packet, cycles increasing."""
    errors: list[str] = []
    for b in mf.blocks:
        bs = sched.blocks.get(b.name)
        if bs is None:
            errors.append(f"{b.name}: no schedule")
            continue
        flat = [i for p in bs.packets for i in p]
        if sorted(flat) != list(range(len(b.insns))):
            errors.append(f"{b.name}: instructions scheduled {sorted(flat)} != 0..{len(b.insns) - 1}")
            continue
        where = {i: k for k, p in enumerate(bs.packets) for i in p}
        cycle = {i: bs.cycles[k] for k, p in enumerate(bs.packets) for i in p} \
            if len(bs.cycles) == len(bs.packets) else {}
        defs = [set(x.defs) for x in b.insns]
        uses = [set(x.uses) for x in b.insns]
        for i, j in _related_pairs(b):
            a, ins = b.insns[i], b.insns[j]
            pa, pj = where[i], where[j]
            raw = defs[i] & uses[j]
            if raw and not pa < pj:
                errors.append(f"{b.name}: '{ins}' reads a register '{a}' writes in packet {pa} (at {pj})")
            elif raw and cycle and cycle[j] - cycle[i] < value_latency(a, raw):
                # The core would stall here: the schedule's cycles claim too little time.
                errors.append(f"{b.name}: '{ins}' issues {cycle[j] - cycle[i]} cycle(s) after "
                              f"'{a}', whose latency is {a.desc.latency}")
            if defs[i] & defs[j] and not pa < pj:
                errors.append(f"{b.name}: '{a}' and '{ins}' write the same register in packets {pa}, {pj}")
            if uses[i] & defs[j] and not pa <= pj:
                errors.append(f"{b.name}: '{ins}' overwrites a register '{a}' still reads (packets {pj} < {pa})")
            if a.mem and a.mem == ins.mem and "store" in (a.desc.side_effect, ins.desc.side_effect) \
                    and not pa < pj:
                errors.append(f"{b.name}: memory order of '{a}' and '{ins}' on {a.mem}")
        for j, ins in enumerate(b.insns):
            if ins.desc.side_effect in ("branch", "loop") and where[j] != len(bs.packets) - 1:
                errors.append(f"{b.name}: '{ins}' is not in the last packet")
        for k, p in enumerate(bs.packets):
            descs = [b.insns[i].desc for i in p]
            if not _packet_legal(model, descs):
                errors.append(f"{b.name}: packet {k} {{ {'; '.join(str(b.insns[i]) for i in p)} }} "
                              "breaks the slot/resource limits")
        if any(c2 <= c1 for c1, c2 in zip(bs.cycles, bs.cycles[1:])) or len(bs.cycles) != len(bs.packets):
            errors.append(f"{b.name}: packet cycles {bs.cycles} do not increase")
    return errors


def memory_pairs(insns) -> list[tuple[int, int]]:
    """The pairs i < j of accesses to one buffer, one of them a store: the memory orders
    among `dependences`' edges (its "mem" kind), without the register pairs."""
    accesses: dict = {}
    for k, ins in enumerate(insns):
        if ins.mem:
            accesses.setdefault(ins.mem, []).append(k)
    pairs = set()
    for ks in accesses.values():
        for st in (k for k in ks if insns[k].desc.side_effect == "store"):
            pairs.update((min(st, x), max(st, x)) for x in ks if x != st)
    return sorted(pairs, key=lambda p: (p[1], p[0]))


def _related_pairs(b: Block) -> list[tuple[int, int]]:
    """The pairs i < j of instructions that share a register one of them writes, or a buffer
    one of them stores to: the only pairs with an order to check (every other pair may go
    anywhere). Found per register and per buffer, not over all n^2 pairs (a 1000-instruction
    body took minutes to check)."""
    writers, readers = {}, {}
    for k, ins in enumerate(b.insns):
        for r in set(ins.defs):
            writers.setdefault(r, []).append(k)
        for r in set(ins.uses):
            readers.setdefault(r, []).append(k)
    pairs = set(memory_pairs(b.insns))
    for r, ws in writers.items():
        for w in ws:
            for x in ws + readers.get(r, []):
                if x != w:
                    pairs.add((min(w, x), max(w, x)))
    return sorted(pairs)


def _packet_legal(model: MachineModel, descs) -> bool:
    """The packet rules again, by brute force over every slot and resource assignment (an
    implementation independent of `packet_fits`)."""
    if sum(d.parts for d in descs) > model.max_insns or sum(d.words for d in descs) > model.max_words:
        return False
    no1 = any(d.no_slot1 for d in descs)
    parts = [ss for d in descs for ss in d.slot_sets]
    slots_ok = any(all(s in ss and not (no1 and s == 1) for ss, s in zip(parts, perm))
                   for perm in permutations(model.slots, len(parts)))
    if not slots_ok:
        return False
    hvx = [d for d in descs if d.is_hvx]
    for choice in product(*[d.resource_options for d in hvx]):
        flat = [r for res in choice for r in res]
        if len(flat) == len(set(flat)):
            return True
    return not hvx


def estimate_cycles(mf: MachineFunction, sched: Schedule) -> dict:
    """Cycles from the model: each block's issue cycles (packets + stalls); the loop body
    once per iteration, plus the stalls its loop-carried dependences add across the back
    edge (a value written late in one iteration and read early in the next)."""
    out = {}
    total = 0
    for b in mf.blocks:
        bs = sched.blocks[b.name]
        length = bs.length
        if b is mf.loop and mf.trip:
            length = max(length, _carried_length(b, bs))
            out["loop_iteration"] = length
            total += length * mf.trip
        else:
            total += length
        out[b.name] = bs.length
    out["total"] = total
    out["packets"] = sched.packet_count()
    return out


def _carried_length(block: Block, bs: BlockSchedule) -> int:
    cyc = {i: bs.cycles[k] for k, p in enumerate(bs.packets) for i in p}
    need = bs.length
    writers: dict = {}
    for i, a in enumerate(block.insns):
        for r in set(a.defs):
            writers.setdefault(r, []).append(i)
    for j, ins in enumerate(block.insns):
        uses = set(ins.uses)
        for i in sorted({i for r in uses for i in writers.get(r, ()) if i >= j}):
            # a's value reaches ins of the next iteration when ins reads it before any redefinition.
            a = block.insns[i]
            need = max(need, cyc[i] + value_latency(a, set(a.defs) & uses) - cyc[j])
    return need


def resource_bound(mf: MachineFunction, model: MachineModel = MODEL) -> int:
    """A lower bound on the packets `mf` executes with its instructions as selected: per
    block, no schedule fits in fewer packets than its busiest resource allows
    (`per_resource_bound`), nor in fewer than the fewest legal packets that hold its
    instructions (`packing.packing_bound`: the packet rules taken together, which the
    per-resource counts are not), the loop counted `trip` times. What a global scheduler
    could at best reach."""
    total = 0
    for b in mf.blocks:
        descs = [i.desc for i in b.insns]
        packets = max(per_resource_bound(descs, model), packing_bound(descs, model)) if descs else 0
        total += packets * (mf.trip if b is mf.loop and mf.trip else 1)
    return total


def per_resource_bound(descs, model: MachineModel = MODEL) -> int:
    """Packets the busiest resource needs: 4 slots and 4 words a packet; one LD, one ST, one
    SHIFT, one XLANE; two multipliers; four units of the VA pool, which every HVX
    instruction draws from; slot 0, slots 2-3 -- each counted on its own."""
    if not descs:
        return 0
    parts = [ss for d in descs for ss in d.slot_sets]
    need = [len(parts) / model.max_insns, sum(d.words for d in descs) / model.max_words,
            sum(1 for ss in parts if ss == (0,)), sum(1 for ss in parts if set(ss) <= {2, 3}) / 2]
    for res in model.hvx_resources:  # instructions that need this very resource
        need.append(sum(1 for d in descs if d.is_hvx and all(res in o for o in d.resource_options)))
    pool = {"mpy0", "mpy1", "shift", "xlane"}
    need.append(sum(min(len(o & pool) for o in d.resource_options) for d in descs if d.is_hvx) / 4)
    mpy = {"mpy0", "mpy1"}
    need.append(sum(min(len(o & mpy) for o in d.resource_options) for d in descs if d.is_hvx
                    and all(o & mpy for o in d.resource_options)) / 2)
    return max(1, -int(-max(need) // 1))


def alu_work(mf: MachineFunction) -> int:
    """HVX compute units the program keeps busy, the loop counted `trip` times: each
    non-memory HVX instruction's share of the four-unit pool (two multipliers, the shifter,
    the permute unit; a double-vector instruction takes two), and the computing part of a
    bundle (a vshuff whose result a new-value store writes). Over 4 x packets executed this
    is the ALU saturation the bench reports."""
    pool = {"mpy0", "mpy1", "shift", "xlane"}
    total = 0
    for b in mf.blocks:
        units = sum(min(len(o & pool) for o in i.desc.resource_options) for i in b.insns
                    if i.desc.is_hvx and (i.mem is None or i.desc.bundle))
        total += units * (mf.trip if b is mf.loop and mf.trip else 1)
    return total
