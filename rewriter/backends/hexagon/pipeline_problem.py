"""The Hexagon loop body as the problem of the software pipeline we emit (`pipeline_emit.py`).

`pipeline_problem(mf, model, trips)` turns the loop block of a `MachineFunction` into the
target-neutral `rewriter.solver.modulo.LoopProblem`, with every constraint the emitted code
needs, because the emitter keeps the body's registers (no renaming). (`modulo.py`, the
backend's own adapter, states the body with true dependences only, to compare IIs.)

  * one `SchedOp` per `MInsn` (named `i<k>`, k its index in the body), whose `options` are the
    packet rules of `isa.py` written as resource bags, so that "every packet of the modulo
    reservation table respects the bags" is the same condition as `schedule.packet_fits`:
      - scalar slots: a packet's instructions can be matched to distinct slots from their
        slot sets iff, for every set T of slots, at most |T| instructions have their slot set
        inside T (Hall's theorem). One resource `slots<T>` of capacity |T| per T that is a
        union of occurring slot sets (a violated T shrinks to such a union), and each op takes
        one unit of every `slots<T>` that contains its slot set. `vmemu` (slot 0, slot 1 left
        empty) needs two slots: {0} and {1}.
      - instruction words: `words` of capacity 4, each op its words (a `##` extender costs
        one more); at most 4 instructions: the machine's issue width.
      - HVX resources (MPY0, MPY1, SHIFT, XLANE, LD, ST), capacity 1 each: one option per
        alternative of the op's resource class (`insn_desc.RESOURCE_CLASSES`), the same "all taken
        resources distinct" rule `packet_fits` checks.
    Nothing is left to a post-check: the test suite compares the two on packets.
  * dependences read off the body executed twice (`schedule.dependences` of body + body):
    edges within the first copy have distance 0, edges from the first copy into the second
    distance 1. That covers accumulators (`Vx += vrmpy`), post-incremented pointers, and the
    loop-carried anti-dependences that make the pipelined code correct *without register
    renaming*: a value must be read before the next iteration's copy of its definition
    overwrites it (WAR, distance 1, latency 0), which keeps every lifetime within one II, so
    the kernel needs no modulo variable expansion. A RAW edge's latency is the value latency
    (at least one packet: a packet reads its registers before it writes them).
  * a `Value` per virtual register an op defines ("V" vectors, "Q" predicates, "R" scalars
    incl. `Rt8`),
    against the usable registers minus those the loop only reads (invariants live through it).
    Only RAW edges are uses (`Dep.use`): the anti- and output dependences order ops without
    stretching the lifetime of what their source defines. The linear-scan allocator of
    `regalloc.py` still decides the real registers and rejects what does not fit.
"""
from __future__ import annotations

from itertools import combinations

from rewriter.backends.hexagon.isa import HVX_RESOURCES, MODEL, MachineModel
from rewriter.backends.hexagon.mir import Block, MachineFunction
from rewriter.backends.hexagon.packing import packing_bound
from rewriter.backends.hexagon.schedule import memory_pairs, value_latency
from rewriter.solver.modulo import Dep, LoopProblem, Machine, SchedOp, Value

#: HVX resources whose use counts as ALU work in the saturation report; loads as load work.
ALU_RESOURCES = frozenset({"mpy0", "mpy1", "shift", "xlane"})
LOAD_RESOURCES = frozenset({"ld"})


def op_name(k: int) -> str:
    return f"i{k}"


def _slot_needs(desc) -> list[frozenset]:
    """The slot sets an instruction occupies: one per machine instruction (a bundle has two),
    and {1} more for `vmemu` (slot 1 kept empty)."""
    needs = [frozenset(s) for s in desc.slot_sets]
    if desc.no_slot1:
        needs.append(frozenset({1}))
    return needs


def _slot_resource(t: frozenset) -> str:
    return "slots" + "".join(str(s) for s in sorted(t))


def _hall_sets(all_needs) -> list[frozenset]:
    """Every union of occurring slot sets: the Hall conditions that can be violated."""
    distinct = sorted(set(all_needs), key=sorted)
    unions: set = set()
    for r in range(1, len(distinct) + 1):
        for combo in combinations(distinct, r):
            unions.add(frozenset().union(*combo))
    return sorted(unions, key=lambda t: (len(t), sorted(t)))


def issue_options(desc, hall: list[frozenset]) -> tuple[dict, ...]:
    """The resource bags of one instruction: its slot-set units plus one HVX alternative."""
    base: dict = {}
    for t in hall:
        units = sum(1 for need in _slot_needs(desc) if need <= t)
        if units:
            base[_slot_resource(t)] = units
    base["words"] = desc.words
    if not desc.is_hvx:
        return (base,)
    return tuple({**base, **{r: 1 for r in sorted(alt)}} for alt in desc.resource_options)


def hexagon_machine(model: MachineModel, descs, registers: dict) -> Machine:
    hall = _hall_sets([n for d in descs for n in _slot_needs(d)])
    capacity = {_slot_resource(t): len(t) for t in hall}
    capacity.update({r: 1 for r in HVX_RESOURCES})
    capacity["words"] = model.max_words
    return Machine("hexagon-v66-hvx128", capacity, model.max_insns,
                   dict(registers),
                   alu_resources=ALU_RESOURCES, load_resources=LOAD_RESOURCES)


def _precise_dependences(insns) -> list[tuple[int, int, int, str]]:
    """(src, dst, latency, kind) of a straight-line sequence, each register edge to its
    nearest partner only: a read from its reaching definition (RAW), a read to the next write
    of the register (WAR), a write to the next write (WAW); memory order as `dependences`
    has it. Longer-range orders follow by transitivity, so the schedule keeps every pairwise
    order `schedule.check_schedule` demands, without the redundant edges that would stretch
    lifetimes (and the register model) through intervening redefinitions."""
    out = []
    last_def: dict = {}
    readers: dict = {}  # register -> reads since its last write
    for j, ins in enumerate(insns):
        for r in dict.fromkeys(ins.uses):
            if r in last_def:
                i = last_def[r]
                out.append((i, j, max(1, value_latency(insns[i], {r})), "raw"))
        for r in dict.fromkeys(ins.defs):
            for i in readers.get(r, ()):
                if i != j:
                    out.append((i, j, 0, "war"))
            if r in last_def and r not in ins.uses:
                out.append((last_def[r], j, 1, "waw"))
        for r in dict.fromkeys(ins.uses):
            readers.setdefault(r, []).append(j)
        for r in dict.fromkeys(ins.defs):
            last_def[r] = j
            readers[r] = []
    # (a store's order against every access to its buffer, as `dependences`' "mem" edges:
    # distance and latency 1)
    out += [(i, j, 1, "mem") for i, j in memory_pairs(insns)]
    return out


def body_dependences(block: Block) -> list[Dep]:
    """Same-iteration (distance 0) and next-iteration (distance 1) edges of a loop body: the
    dependences of the body run twice, edges into the second copy at distance 1."""
    insns = block.insns
    n = len(insns)
    out: dict = {}
    for src, dst, latency, kind in _precise_dependences(list(insns) + list(insns)):
        if src >= n:
            continue  # (both ends in the second copy: the first copy's edges again)
        distance, dst = (0, dst) if dst < n else (1, dst - n)
        if distance == 1 and dst == src and kind == "waw":
            continue  # an op after its own previous copy: II >= 1 already says so
        key = (src, dst, distance)
        lat, use = out.get(key, (0, False))
        out[key] = (max(lat, latency), use or kind == "raw")
    return [Dep(op_name(i), op_name(j), lat, dist, use=use) for (i, j, dist), (lat, use) in sorted(out.items())]


def usable_registers(mf: MachineFunction, model: MachineModel = MODEL) -> dict:
    """Register file -> registers the loop's own values may use: the allocator's pools (V,
    Q, P, and the scalar registers r6-r15, r28, unused argument registers and, where the
    function allows them, r16-r27) less the virtual
    registers the body reads but never writes (invariants held through the loop)."""
    body = mf.loop.insns
    defined = {r for i in body for r in i.defs}
    invariant = {r for i in body for r in i.uses if r not in defined and r.phys is None}
    spare = [r for r in model.arg_registers if r >= mf.args]
    pools = {"V": model.vector_registers, "Q": model.predicate_registers, "P": model.scalar_predicates,
             "R": len(set(model.free_scalar) | set(spare) | set(model.callee_saved if mf.callee_saved else ()))}
    return {f: max(0, n - sum(1 for r in invariant if r.file == f)) for f, n in pools.items()}


def pipeline_problem(mf: MachineFunction, model: MachineModel = MODEL, trips: int | None = None,
                     floor: bool = True) -> LoopProblem:
    """The loop body of `mf` as a modulo-scheduling problem (see the module doc). `floor`
    adds the packing bound as the II floor; a body that will get choices has none (the bound
    of the union of every alternative is no bound on one pick)."""
    body = mf.loop.insns
    descs = [i.desc for i in body]
    machine = hexagon_machine(model, descs, usable_registers(mf, model))
    hall = _hall_sets([n for d in descs for n in _slot_needs(d)])
    ops = tuple(SchedOp(op_name(k), ins.desc.latency, issue_options(ins.desc, hall), str(ins))
                for k, ins in enumerate(body))
    values = tuple(Value(op_name(k), r.file, 1) for k, ins in enumerate(body)
                   for r in dict.fromkeys(ins.defs) if r.phys is None)
    # The kernel's II rows are legal packets holding every op once: II >= the packing bound.
    return LoopProblem(ops, tuple(body_dependences(mf.loop)), machine, values,
                       trips=mf.trip if trips is None else trips, ii_floor=packing_bound(descs, model) if floor else 0)
