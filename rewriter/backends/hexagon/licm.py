"""Loop-invariant code motion on machine IR: what the loop body computes the same way every
iteration moves to the prologue, once, and copies of it become one.

Selection builds the body block by block, and a value that does not depend on the loop (a
per-channel scale read at every row, its sign extension, a weight vector) is selected again in
each unrolled row: `requant_i32_i8_perchannel` sign-extended and shuffled its 128 scales eight
times an iteration. Hoisting them is a property of the machine function, not of any one
selection strategy, so it runs on every one (`Selector.finish`).

An instruction of the body is invariant when
  * it is pure (no side effect, no register it both reads and writes: `Vx += ...`, a
    post-increment pointer) or a load of a buffer no instruction of the function stores to;
  * every register it reads is defined outside the body or by an instruction already hoisted
    (the body is straight-line in program order, so one pass in order finds them all);
  * every register it writes is written nowhere else in the function (virtual registers are
    written once, except tied ones and the physical ones, which stay);
  * it writes only vector registers (scalar and predicate registers are few, and the scalar
    ones are address arithmetic the body needs anyway).
The hoisted instructions keep their order at the end of the prologue (before `loop0`), where
identical ones (same row, operands and immediates) become one.

Hoisting lengthens live ranges: every vector the body reads from the prologue holds a register
through the whole loop. So the vectors live into the loop are capped (`MAX_LIVE_IN_VECTORS`);
past the cap, the hoisting of the latest candidates is undone (with whatever depends on them)
until the rest fits.
"""
from __future__ import annotations

from collections import Counter

from rewriter.backends.hexagon.mir import Block, MInsn, Reg

#: The most vector registers the loop body may read from the prologue after hoisting (of 32:
#: the rest are the body's own, and a software-pipelined body overlaps iterations).
MAX_LIVE_IN_VECTORS = 12


def hoist_invariants(pro: Block, body: Block, epi: Block) -> int:
    """Move the invariant instructions of `body` (see the module docstring) to the end of `pro`,
    merging identical ones; returns how many instructions left the body."""
    before = len(body.insns)
    # Copies of an invariant instruction compute one value: the first (earlier in the
    # straight-line body, its registers written once) serves them all, hoisted or not.
    body.insns[:] = _merge(body.insns, _candidates(pro, body, epi), (body, epi))
    hoisted = _fit(body.insns, _candidates(pro, body, epi), pro)
    keep = set(hoisted)
    moved = [body.insns[n] for n in hoisted]
    body.insns[:] = [i for n, i in enumerate(body.insns) if n not in keep]
    at = next((k for k, i in enumerate(pro.insns) if i.desc.side_effect == "loop"), len(pro.insns))
    pro.insns[at:at] = moved
    return before - len(body.insns)


def _candidates(pro: Block, body: Block, epi: Block) -> list[int]:
    """Indices of the invariant instructions of `body`, in order."""
    written = {i.mem for b in (pro, body, epi) for i in b.insns if i.desc.side_effect == "store"}
    defs = Counter(r for b in (pro, body, epi) for i in b.insns for r in i.defs)
    in_body = {r for i in body.insns for r in i.defs}
    out: list[int] = []
    made: set[Reg] = set()  # registers the candidates write
    for n, i in enumerate(body.insns):
        if _invariant(i, written, defs, in_body, made):
            out.append(n)
            made.update(i.defs)
    return out


def _invariant(i: MInsn, written: set, defs: Counter, in_body: set, made: set) -> bool:
    d = i.desc
    if d.tied or d.bundle or d.side_effect not in ("", "load"):
        return False
    if d.side_effect == "load" and (i.mem is None or i.mem in written):
        return False
    if not i.defs or any(r.file != "V" or r.phys is not None or defs[r] != 1 for r in i.defs):
        return False
    return all(r not in in_body or r in made for r in i.uses)


def _live_in(insns: list, hoisted: list, pro: Block) -> int:
    """Vector registers the body (without `hoisted`) reads that the prologue (with them) defines."""
    out = {r for n in hoisted for r in insns[n].defs}
    out |= {r for i in pro.insns for r in i.defs}
    keep = set(hoisted)
    return len({r for n, i in enumerate(insns) if n not in keep for r in i.uses if r.file == "V" and r in out})


def _fit(insns: list, hoisted: list, pro: Block) -> list:
    """`hoisted` cut until the vectors live into the loop fit MAX_LIVE_IN_VECTORS: the latest
    candidate goes back into the body each round, with every candidate that reads its result."""
    hoisted = list(hoisted)
    while hoisted and _live_in(insns, hoisted, pro) > MAX_LIVE_IN_VECTORS:
        back = {r for r in insns[hoisted.pop()].defs}
        kept = []
        for n in hoisted:
            if any(r in back for r in insns[n].uses):
                back.update(insns[n].defs)
            else:
                kept.append(n)
        hoisted = kept
    return hoisted


def _merge(insns: list, candidates: list, blocks: tuple) -> list:
    """`insns` without the candidates identical to an earlier one (after renaming the ones
    merged before); a dropped copy's registers are renamed to the kept one's in `blocks`."""
    rename: dict = {}
    seen: dict = {}
    drop = set()
    for n in candidates:
        i = insns[n]
        uses = tuple(sorted(((f, rename.get(r, r)) for f, r in i.regs.items() if (f, r) not in _defs(i)),
                            key=lambda x: x[0]))
        key = (i.desc.name, i.mem, uses, tuple(sorted(i.imms.items())))
        if key in seen:
            for (f, _), r in zip(i.desc.defs, i.defs):
                rename[r] = seen[key].regs[f]
            drop.add(n)
        else:
            seen[key] = i
    if rename:
        for b in blocks:
            for i in b.insns:
                i.regs = {f: rename.get(r, r) for f, r in i.regs.items()}
    return [i for n, i in enumerate(insns) if n not in drop]


def _defs(i: MInsn) -> set:
    return {(f, i.regs[f]) for f, _ in i.desc.defs}
