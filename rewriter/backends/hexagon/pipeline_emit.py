"""Software-pipelined code from a modulo schedule: prologue, steady-state kernel, epilogue.

A `ModuloSchedule` of the loop body (`pipeline_problem.pipeline_problem`) issues op k of iteration j at
cycle `start[k] + j * II`; `S = stages`. The loop of N iterations becomes

    prologue:  the original prologue; then the windows 0 .. S-2 of the flat schedule (the
               first S-1 iterations' early stages); loop0 over N - (S-1) iterations
               (or the same instructions list-scheduled as one block, when that is shorter)
    kernel:    one window of II packets: op k from iteration (window - stage(k)), in packet
               start[k] mod II (a packet that no op uses is left out: it would be a nop)
    epilogue:  the windows N .. N+S-2 (the last S-1 iterations' late stages); then the
               original epilogue (or both list-scheduled as one block, when that is shorter)

Registers are not renamed: every copy of an instruction keeps its virtual registers. That is
correct because the problem carries the loop's anti-dependences at distance 1 (a value is
read before the next iteration's copy of its definition overwrites it), so no lifetime
exceeds II and the kernel needs no unrolling (modulo variable expansion). The blocks then go
through the backend's own `check_schedule` (each block's sequential order is the flat
order: cycle, then iteration, then body position), `regalloc.allocate` and `emit_asm`.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import Block, MachineFunction, MInsn, Reg, insn
from rewriter.backends.hexagon.pipeline_problem import op_name
from rewriter.backends.hexagon.schedule import BlockSchedule, Schedule, packet_fits, schedule_block
from rewriter.solver.modulo import ModuloSchedule


@dataclass
class Pipelined:
    """The pipelined function and its packets (in the backend's `Schedule` form)."""

    machine: MachineFunction
    schedule: Schedule
    stages: int
    kernel_trips: int
    ii: int

    @property
    def packets_executed(self) -> int:
        """What QEMU counts: prologue and epilogue once, the kernel `kernel_trips` times."""
        blocks = self.schedule.blocks
        loop = len(blocks[self.machine.loop.name].packets) if self.machine.loop.name in blocks else 0
        return sum(len(b.packets) for b in blocks.values()) + (self.kernel_trips - 1) * loop

    @property
    def model_cycles(self) -> int:
        """Cycles by the machine model's latencies: prologue and epilogue by their issue
        cycles (stalls included), the kernel II cycles per iteration (its empty rows are
        stalls; the modulo schedule keeps every latency, across the back edge too)."""
        out = 0
        for name, bs in self.schedule.blocks.items():
            out += self.ii * self.kernel_trips if name == self.machine.loop.name else bs.length
        return out


def _clone(i: MInsn) -> MInsn:
    c = copy.copy(i)
    c.imms, c.regs = dict(i.imms), dict(i.regs)
    return c


def _packets(timed, base_cycle: int) -> tuple[list, list, list]:
    """[(cycle, key, insn)] -> (insns in sequential order, packets of indices, cycles)."""
    timed = sorted(timed, key=lambda x: (x[0], x[1]))
    insns, packets, cycles = [], [], []
    for t, _, ins in timed:
        if not cycles or cycles[-1] != base_cycle + t:
            packets.append([])
            cycles.append(base_cycle + t)
        packets[-1].append(len(insns))
        insns.append(ins)
    return insns, packets, cycles


def _append(dst: tuple[list, list, list], src: tuple[list, list, list], gap: int) -> None:
    """Append block part `src` after `dst`, its cycles shifted past dst's end plus `gap`
    (room for the longest latency between the two parts)."""
    insns, packets, cycles = dst
    shift = (cycles[-1] + 1 + gap) if cycles else 0
    first = len(insns)
    insns += src[0]
    packets += [[first + i for i in p] for p in src[1]]
    cycles += [shift + c - (src[2][0] if src[2] else 0) for c in src[2]]


def _cost(part) -> tuple[int, int]:
    """(cycles, packets) of a block part."""
    return (part[2][-1] + 1 if part[2] else 0, len(part[1]))


def _list_part(insns, model) -> tuple[list, list, list]:
    if not insns:
        return [], [], []
    bs = schedule_block(Block("part", list(insns)), model)
    return list(insns), [list(p) for p in bs.packets], list(bs.cycles)


def pipeline(mf: MachineFunction, sched: ModuloSchedule, model: MachineModel = MODEL,
             merge: bool = True) -> Pipelined | None:
    """The software-pipelined form of `mf` under `sched`; None when the loop runs fewer
    iterations than the pipeline has stages (or has no hardware loop to re-count).
    `merge=False` keeps the modulo placement of ramp and drain (never list-scheduled with the
    original prologue / epilogue: shorter lifetimes there, for when registers run out)."""
    ii, stages, n = sched.ii, sched.stages, mf.trip
    body = mf.loop.insns
    kernel_trips = n - (stages - 1)
    loop0 = next((i for i in mf.prologue.insns if i.desc.side_effect == "loop"), None)
    if kernel_trips < 1 or loop0 is None or not body:
        return None
    start = [sched.start[op_name(k)] for k in range(len(body))]
    stage = [s // ii for s in start]
    longest = max([i.desc.latency for b in (mf.prologue, mf.loop, mf.epilogue) for i in b.insns] + [1])

    # Prologue: the original one with a new trip count, then the ramp, then loop0.
    old_count = loop0.regs["u"]
    top = max([r.n for b in (mf.prologue, mf.loop, mf.epilogue) for i in b.insns for r in i.regs.values()] + [0])
    count = Reg("R", top + 1, hint=f"#{kernel_trips}")
    head = [_clone(i) for i in mf.prologue.insns if i is not loop0]
    if not any(old_count in i.uses for b in (mf.prologue, mf.loop, mf.epilogue) for i in b.insns if i is not loop0):
        head = [i for i in head if old_count not in i.defs]
    head.append(insn("movi", d=count, imm=kernel_trips))  # (movi_ext past 16 bits: mir.insn)
    pro = _list_part(head, model)
    ramp = [(start[k] + j * ii, (j, k), _clone(body[k]))
            for j in range(stages - 1) for k in range(len(body)) if start[k] + j * ii < (stages - 1) * ii]
    _append(pro, _packets(ramp, 0), longest - 1)
    new_loop0 = insn("loop0", u=count, label=loop0.imms["label"])
    insns, packets, cycles = pro
    if packet_fits(model, [insns[i].desc for i in packets[-1]] + [new_loop0.desc]) and \
            not any(count in insns[i].defs for i in packets[-1]):
        packets[-1].append(len(insns))
    else:
        packets.append([len(insns)])
        cycles.append(cycles[-1] + 1)
    insns.append(new_loop0)
    # The same instructions list-scheduled as one block (the sequential order is the flat
    # one, so any valid schedule of it hands the kernel the same registers): it can overlap
    # the ramp with the original prologue. The shorter one is kept.
    merged = _list_part(head + [i for _, _, i in sorted(ramp, key=lambda x: (x[0], x[1]))]
                        + [insn("loop0", u=count, label=loop0.imms["label"])], model)
    pro = min(pro, merged, key=_cost) if merge else pro

    # Kernel: one window; older iterations (higher stages) first among equal cycles.
    kern = _packets([(start[k] % ii, (-stage[k], k), _clone(body[k])) for k in range(len(body))], 0)

    # Epilogue: the drain, then the original epilogue.
    drain = [(start[k] + j * ii - n * ii, (j, k), _clone(body[k]))
             for j in range(n - stages + 1, n) for k in range(len(body)) if start[k] + j * ii >= n * ii]
    epi = _packets(drain, 0)
    _append(epi, _list_part([_clone(i) for i in mf.epilogue.insns], model), longest - 1)
    merged = _list_part([_clone(i) for _, _, i in sorted(drain, key=lambda x: (x[0], x[1]))]
                        + [_clone(i) for i in mf.epilogue.insns], model)
    epi = min(epi, merged, key=_cost) if merge else epi

    blocks = {"pro": (mf.prologue.name, pro), "loop": (mf.loop.name, kern), "epi": (mf.epilogue.name, epi)}
    out = {key: Block(name, part[0]) for key, (name, part) in blocks.items()}
    notes = list(mf.notes) + [f"software-pipelined: II {ii}, {stages} stage(s), kernel x{kernel_trips}"]
    new_mf = MachineFunction(mf.name, out["pro"], out["loop"], out["epi"], kernel_trips, notes, mf.args,
                             callee_saved=mf.callee_saved, pool=mf.pool)
    schedule = Schedule({name: BlockSchedule(name, part[1], part[2]) for name, part in blocks.values()
                         if part[0] or name == mf.prologue.name})
    return Pipelined(new_mf, schedule, stages, kernel_trips, ii)
