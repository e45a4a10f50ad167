"""The loop body of a `MachineFunction` as the global scheduler's `LoopProblem`.

`rewriter/solver/modulo/` (docs/SCHEDULING.md) schedules a loop body as a software-pipelined
modulo schedule, over a target-neutral problem. This module is the Hexagon side: it states
our selected loop body with the machine model of `isa.py`, so the solver's II can be compared
with the list scheduler's iteration (the baseline it must beat) and, later, drive emission.

  * ops: one per instruction; its issue options are every (scalar slot, HVX resource
    alternative) pair the row allows, each a bag `{"slot2": 1, "mpy0": 1, "words": 1}`
    (vmemu also holds `slot1`, which must stay empty beside it);
  * deps: the true dependences only (RAW within the iteration, and the values the body passes
    to the next iteration at distance 1, such as accumulators, pointers and rotated loads),
    plus the memory order of stores; WAR and WAW orderings are artefacts of our register
    reuse, which a modulo schedule replaces by its own register assignment;
  * values: every register an instruction defines (a pair counts 2), in classes V, R, Q;
  * machine: 4 slots, 4 words, one unit of each HVX resource, the register files.
"""
from __future__ import annotations

from itertools import product

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction
from rewriter.backends.hexagon.schedule import carried_edges, dependences
from rewriter.solver.modulo import Dep, LoopProblem, Machine, SchedOp, Value


def machine(model: MachineModel = MODEL):
    capacity = {f"slot{s}": 1 for s in model.slots}
    capacity.update({r: 1 for r in model.hvx_resources})
    capacity["words"] = model.max_words
    regs = {"V": model.vector_registers, "R": len(model.free_scalar) + 2, "Q": model.predicate_registers}
    return Machine("hexagon-v66-hvx128", capacity, model.max_insns, regs,
                   alu_resources=frozenset({"mpy0", "mpy1", "shift", "xlane"}),
                   load_resources=frozenset({"ld", "st"}))


def _options(desc) -> tuple[dict, ...]:
    out = []
    for *slots, res in product(*desc.slot_sets, desc.resource_options):
        if desc.no_slot1 and 1 in slots or len(set(slots)) < len(slots):
            continue
        opt = {f"slot{slot}": 1 for slot in slots}
        opt["words"] = desc.words
        opt.update({r: 1 for r in res})
        if desc.no_slot1:
            opt["slot1"] = 1
        out.append(opt)
    return tuple(out)


def loop_problem(mf: MachineFunction, model: MachineModel = MODEL):
    """The global scheduler's problem for `mf`'s loop body."""
    body = mf.loop
    if not mf.trip or not body.insns:
        raise HexagonUnsupported(f"a modulo schedule of {mf.name}, which has no loop")
    names = [f"i{k}" for k in range(len(body.insns))]
    ops = tuple(SchedOp(n, ins.desc.latency, _options(ins.desc), str(ins)) for n, ins in zip(names, body.insns))
    deps = [Dep(names[d.src], names[d.dst], d.latency, 0) for d in dependences(body) if d.kind in ("raw", "mem")]
    deps += [Dep(names[i], names[j], lat, 1) for i, j, lat in carried_edges(body)]
    values = []
    for n, ins in zip(names, body.insns):  # a pair's halves count one register each
        values += [Value(n, r.file, 1) for r in ins.defs if r.phys is None]
    return LoopProblem(ops, tuple(dict.fromkeys(deps)), machine(model), tuple(values), (), mf.trip)
