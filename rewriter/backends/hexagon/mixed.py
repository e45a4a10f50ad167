"""One loop body with every selection alternative in it: the solver picks the form per copy.

The selection forms (`SelectionRewriter.forms`) are whole-kernel alternatives: the rewrite
choices of rules/hexagon-choice-*.rules (a sum of three neighbouring halves by vtmpy; a small
sum in word lanes) and the addressing forms (an off-grid read by `valign` of shared aligned
loads or by one `vmemu`). In an
elementwise body unrolled by U, each of the U copies (one block of lanes, its own output
vectors) can take any of them independently. `mixed_body` builds that body: per copy, the
code of every form that changes something (its own registers and its own stores), plus what
the copies share (the aligned loads, the pointer updates, the constants hoisted to the
prologue, the loop control). `mixed_problem` turns it into ONE `LoopProblem` with a
`Choice` per copy, so the modulo solver decides which alternative implements each copy's
output together with the placement of every instruction: a mixed body can spread the copies
over different HVX resources.

Why the body stays correct under any pick: the dependences are read off the body's order
by `pipeline_problem.body_dependences` (nearest partner per register), and that is exact for
every subset of alternatives only if no alternative writes a register another op outside it
reads or writes (`_check_private`, else the kernel gets no mixed body). So a copy's stores
live inside its alternatives and the output pointer advances by a shared `addi` (no
post-increment on a store that only some pick issues); memory order between stores is all
pairs (`schedule.dependences`), which needs no transitivity.

What it cannot express: an op issued only when *some* alternative needs it. A shared load
is always issued, even where the picks leave it dead (the last aligned load of an
unrolled sliding sum, when its last copy reads `vmemu`). And an unroll factor changes the
trip count, the copies and the registers, so factors stay an outer enumeration
(`global_sched.compile_global`), each with its own mixed body.

`project(body, picks)` is the function with only the picked alternatives (and the prologue
constants they no longer read removed); `projected_schedule` re-states the solver's schedule
over that function's own problem, which the independent checker then validates: a
dependence the mixed body missed shows up there.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from rewriter.backends.hexagon.isa import MODEL, MachineModel
from rewriter.backends.hexagon.mir import Block, HexagonUnsupported, MachineFunction
from rewriter.backends.hexagon.pipeline_problem import op_name, pipeline_problem
from rewriter.backends.hexagon.select import VBYTES, FormNotApplicable, Selector, _elem_bytes
from rewriter.backends.hexagon.rowtables import lane_types
from rewriter.backends.hexagon.selection import select
from rewriter.ir.analysis import flatten
from rewriter.solver.modulo import Choice, LoopProblem, ModuloSchedule

#: The order each copy's alternatives are generated in, which is the body's sequential order.
#: It matters because registers are not renamed (loop-carried anti-dependences): the
#: unaligned form's address adds must read the pointer before the shared aligned load
#: post-increments it, as in the pure unaligned body, or a chain add -> vmemu -> vadd ->
#: (anti) next aligned load lengthens the recurrence (sum3_i16 x1: RecMII 4 instead of 2).
#: The rewrite choices follow, in the rule library's order.
GENERATION_ORDER = ("unaligned", "native")


@dataclass
class MixedBody:
    """A `MachineFunction` whose loop holds every alternative; `choices[u]` lists, for copy
    u, (form, instruction indices of the loop) per alternative. Indices in no alternative are
    shared (always issued)."""

    machine: MachineFunction
    choices: list  # [(copy name, [(form, (loop indices...)), ...]), ...]

    def alternative_of(self) -> dict:
        """loop index -> (choice index, alternative index)."""
        return {k: (c, a) for c, (_, alts) in enumerate(self.choices) for a, (_, ks) in enumerate(alts) for k in ks}


def _check_private(mf: MachineFunction, where: dict) -> None:
    """Every register an alternative's op writes is written by no other op of the loop and
    read only inside that alternative; every register it reads is written by no op of another
    alternative (the condition for per-subset-exact dependences, see the module doc)."""
    insns = mf.loop.insns
    writers: dict = {}
    for k, i in enumerate(insns):
        for r in i.defs:
            writers.setdefault(r, []).append(k)
    for k, i in enumerate(insns):
        for r in i.defs:
            if k in where and (len(writers[r]) > 1 or any(
                    r in j.uses and where.get(m) != where[k] for m, j in enumerate(insns))):
                raise FormNotApplicable(f"alternatives that share the register {r} (no mixed body)")
        for r in i.uses:
            for w in writers.get(r, ()):
                if w in where and where.get(k) != where[w]:
                    raise FormNotApplicable(f"alternatives that share the register {r} (no mixed body)")


def mixed_body(kernel, simplify, select_rw, unroll: int, forms: tuple | None = None) -> MixedBody:
    """The loop body of an elementwise kernel at this unroll factor with, per copy, one
    alternative per selection form of `forms` (default: all of `select_rw.forms`) that
    changes something there (in `GENERATION_ORDER`).
    Raises `FormNotApplicable` where no copy has a second alternative, `HexagonUnsupported`
    where the selector cannot compile the kernel (see `select.select`)."""
    forms = getattr(select_rw, "forms", ("native", "unaligned")) if forms is None else forms
    select(kernel, simplify, select_rw, unroll, "native")  # (the same refusals as the pure body)
    usable = []
    for f in forms:  # the forms the selector compiles here as whole bodies (else: no alternative)
        if f == "native":
            continue
        try:
            select(kernel, simplify, select_rw, unroll, f)
            usable.append(f)
        except HexagonUnsupported:
            pass
    if not usable:
        raise FormNotApplicable("no selection form other than native applies to this kernel")
    if len(kernel.stores) != 1:  # (the general lowering's forms apply to whole bodies only)
        raise HexagonUnsupported(f"a mixed body of {len(kernel.stores)} stores")
    forms = tuple(f for f in GENERATION_ORDER if f == "native" or f in usable) \
        + tuple(f for f in usable if f not in GENERATION_ORDER)
    (st,) = kernel.stores
    sel = Selector(kernel, simplify, select_rw, unroll, "native")
    *indices, value = st.src
    out = kernel.buffer(st.arg)
    flat = sel.simplify(flatten(indices, out.shape))
    values, rewritten = {}, {}
    rname = size = None
    for f in forms:
        sel.set_form(f)
        v = sel.unroll_reductions(sel.flat_loads(value))
        rname, size, v = sel.fuse_ranges(out, flat, v)
        values[f] = sel.rw.normalize(sel.simplify(v))
        rewritten[f] = sel.choice is not None and values[f] != values["native"]  # (native comes first)
    types = lane_types(values["native"]) + [out.dtype]
    sel.block = VBYTES // min(_elem_bytes(t) for t in types)
    trip = size // sel.block // unroll
    if size % (sel.block * unroll):
        # The mixed body is the loop alone: the blocks the unroll leaves over and a last,
        # overlapping block are the pure forms' epilogue (rows.py), which it does not make.
        raise FormNotApplicable(f"{size} lanes are not a whole number of {unroll} x {sel.block}-lane "
                                "iterations (a mixed body has no epilogue)")
    if trip < 2:
        raise FormNotApplicable(f"unrolling by {unroll} leaves no loop (straight-line code has no mixed body)")
    body = sel.body
    choices = []
    for u in range(unroll):
        sel.lane_offset = u * sel.block
        alts = []
        for f in forms:
            sel.set_form(f)
            first, before = len(body.insns), sel.changed
            loads_before = set(sel.loads.values())
            regs = sel.gen(values[f], rname, {})
            sel.store_vectors(out.name, regs, first=u * len(regs))
            new_loads = set(sel.loads.values()) - loads_before
            own = tuple(k for k in range(first, len(body.insns))
                        if not (body.insns[k].desc.name == "vmem_ld" and body.insns[k].regs["d"] in new_loads))
            if f != "native" and sel.changed == before and not rewritten[f]:
                if not new_loads:  # the same code as native: no alternative
                    del body.insns[first:]
                    continue
            alts.append((f, own))
        choices.append((f"copy{u}", alts))
    if all(len(alts) < 2 for _, alts in choices):
        raise FormNotApplicable("no selection form other than native changes this kernel")
    choices = _privatize_loads(sel, body, choices)
    where = {k for _, alts in choices for _, ks in alts for k in ks}
    shared = {k for k in range(len(body.insns)) if k not in where}
    steps = {b: unroll * sel.block * _elem_bytes(kernel.buffer(b).dtype)
             for b in sorted({i.mem for i in body.insns if i.mem})}
    sel.advance_pointers(body, steps, eligible=shared)
    sel.notes.append(f"{out.name}: {trip} iterations of {unroll} x {sel.block} lanes over {rname}; per copy "
                     f"the solver picks among: {', '.join(forms)}")
    mf = sel.finish(trip)
    # (a copy with one alternative only is shared code, not a choice)
    result = MixedBody(mf, [(name, alts) for name, alts in choices if len(alts) > 1])
    _check_private(mf, result.alternative_of())
    return result


def _privatize_loads(sel, body: Block, choices: list) -> list:
    """A shared aligned load that only some alternatives of one choice read becomes theirs: one
    copy (own register) in each alternative that reads it, so a pick that does not read it
    does not issue it (the last aligned load of a sliding sum, dead when its last copy reads
    `vmemu`). Returns the choices over the rebuilt body's indices."""
    insns = body.insns
    owner = {k: (c, a) for c, (_, alts) in enumerate(choices) for a, (_, ks) in enumerate(alts) for k in ks}
    move: dict = {}  # load index -> the alternatives (c, a) that read it
    for k, i in enumerate(insns):
        if k in owner or i.desc.name != "vmem_ld":
            continue
        d = i.regs["d"]
        readers = {owner.get(j) for j, x in enumerate(insns) if d in x.uses}
        # (read by every alternative of the choice: issued anyway, it stays shared)
        if readers and None not in readers and len({c for c, _ in readers}) == 1 \
                and len(readers) < len(choices[next(iter(readers))[0]][1]):
            move[k] = sorted(readers)
    if not move:
        return choices
    new_index: dict = {}
    extra: dict = {}  # (c, a) -> new indices of its private loads
    out = []
    for k, i in enumerate(insns):
        if k not in move:
            new_index[k] = len(out)
            out.append(i)
            continue
        for c, a in move[k]:
            d = sel.reg("V", i.regs["d"].hint)
            clone = copy.copy(i)
            clone.regs, clone.imms = {**i.regs, "d": d}, dict(i.imms)
            for j in choices[c][1][a][1]:  # the alternative's readers read the private copy
                x = insns[j]
                x.regs = {f: (d if r == i.regs["d"] else r) for f, r in x.regs.items()}
            extra.setdefault((c, a), []).append(len(out))
            out.append(clone)
    body.insns[:] = out
    return [(name, [(f, tuple(sorted([new_index[k] for k in ks] + extra.get((c, a), []))))
                    for a, (f, ks) in enumerate(alts)]) for c, (name, alts) in enumerate(choices)]


def mixed_problem(body: MixedBody, model: MachineModel = MODEL) -> LoopProblem:
    """The mixed loop body as one `LoopProblem`, a `Choice` per copy."""
    problem = pipeline_problem(body.machine, model, floor=False)
    choices = tuple(Choice(name, tuple(tuple(op_name(k) for k in ks) for _, ks in alts),
                           tuple(f for f, _ in alts)) for name, alts in body.choices)
    return replace(problem, choices=choices)


def picked(body: MixedBody, picks: tuple) -> list[str]:
    """'copy0: native', ... for --explain."""
    return [f"{name}: {alts[k][0]}" for (name, alts), k in zip(body.choices, picks)]


def _kept(body: MixedBody, picks: tuple) -> list[int]:
    where = body.alternative_of()
    return [k for k in range(len(body.machine.loop.insns)) if k not in where or picks[where[k][0]] == where[k][1]]


def project(body: MixedBody, picks: tuple) -> MachineFunction:
    """The function with only the picked alternatives in its loop (same order), and the
    prologue's pure definitions nothing reads any more removed."""
    mf = body.machine
    loop = Block(mf.loop.name, [mf.loop.insns[k] for k in _kept(body, picks)])
    pro = list(mf.prologue.insns)
    while True:  # dead constants (a widened copy's shuffle unit, when no copy is widened)
        used = {r for b in (pro, loop.insns, mf.epilogue.insns) for i in b for r in i.uses}
        dead = [i for i in pro if not i.desc.side_effect and i.defs
                and all(r.phys is None and r not in used for r in i.defs)]
        if not dead:
            break
        pro = [i for i in pro if i not in dead]
    return MachineFunction(mf.name, Block(mf.prologue.name, pro), loop, mf.epilogue, mf.trip,
                           list(mf.notes), mf.args, callee_saved=mf.callee_saved, pool=mf.pool)


def projected_schedule(body: MixedBody, ms: ModuloSchedule, model: MachineModel = MODEL):
    """(projected function, its LoopProblem, the solver's schedule restated over it). The
    caller runs the independent checker on the result."""
    mf = project(body, ms.picks)
    problem = pipeline_problem(mf, model)
    kept = _kept(body, ms.picks)
    start = {op_name(j): ms.start[op_name(k)] for j, k in enumerate(kept)}
    option = {op_name(j): ms.option[op_name(k)] for j, k in enumerate(kept)}
    return mf, problem, ModuloSchedule(problem, ms.ii, start, option, (), ms.status, ms.solver, ms.lower_bound,
                                       ms.ii_lower_bound, ms.seconds, ms.log)
