"""A kernel of independent stores as one function per store, called in order by a wrapper.

Our selection compiles one loop nest per function, and some pairs of stores it cannot put in
one loop (a minimum and a maximum of the same signal, two long reductions, f32 code of
several stores). When no store reads a buffer that a store writes, the stores are
independent: each becomes a kernel of its own (the same buffers, so the same arguments),
compiled by the whole search alone, and the kernel's symbol is a small wrapper that calls
them in the kernel's order (`wrapper_asm`). The shared loads are read once a part (the cost
of the split, which the LLVM comparison the target runs still weighs).

The wrapper keeps the ABI each part expects: r0-r5 hold the first six buffers at every
call (saved in its frame, reloaded after each call: a part walks them), the buffers past
the sixth are copied to its own outgoing area at sp + 0, and it returns through
`dealloc_return` (allocframe saved the link register).
"""
from __future__ import annotations

import dataclasses

from rewriter.backends.hexagon.emit import HexagonCode
from rewriter.backends.hexagon.isa import MODEL
from rewriter.kernel.kernel import Kernel


def independent_parts(kernel: Kernel, simple: Kernel) -> list[tuple[Kernel, Kernel]] | None:
    """(part, its simplified form) a store, named `<kernel>__<k>`, where the kernel has several
    stores and no store of the simplified kernel `simple` reads what a store writes (else
    None: the order of the stores' elements would matter, and a part would read another's
    output)."""
    if len(kernel.stores) < 2 or len(simple.stores) != len(kernel.stores):
        return None
    written = {st.arg for st in simple.stores}
    for st in simple.stores:
        if any(n.op == "load" and n.arg in written for s in st.src for n in s.toposort()):
            return None
    locs = kernel.store_locs or (None,) * len(kernel.stores)

    def part(k: Kernel, i: int) -> Kernel:
        return dataclasses.replace(k, name=f"{kernel.name}__{i}", stores=(k.stores[i],), store_locs=(locs[i],))

    return [(part(kernel, i), part(simple, i)) for i in range(len(kernel.stores))]


def wrapper_asm(name: str, parts: list[str], buffers: int) -> str:
    """The function `name`: calls each of `parts` with the caller's arguments (`buffers` of
    them), in order (the module docstring)."""
    args = len(MODEL.arg_registers)
    stacked = max(0, buffers - args)
    outgoing = -(-4 * stacked // 8) * 8
    saved = outgoing  # r1:0, r3:2, r5:4 from here
    lines = ["\t.text", f"\t.globl\t{name}", f"\t.type\t{name},@function", "\t.p2align\t4", f"{name}:",
             f"\t{{ allocframe(#{outgoing + 24}) }}",
             f"\t{{ memd(r29+#{saved}) = r1:0; memd(r29+#{saved + 8}) = r3:2 }}",
             f"\t{{ memd(r29+#{saved + 16}) = r5:4 }}"]
    # allocframe put the caller's sp at r30 + 8: its stack arguments start there.
    for i in range(stacked):
        lines += [f"\t{{ r6 = memw(r30+#{8 + 4 * i}) }}", f"\t{{ memw(r29+#{4 * i}) = r6 }}"]
    for k, part in enumerate(parts):
        if k:
            lines += [f"\t{{ r1:0 = memd(r29+#{saved}); r3:2 = memd(r29+#{saved + 8}) }}",
                      f"\t{{ r5:4 = memd(r29+#{saved + 16}) }}"]
        lines.append(f"\t{{ call {part} }}")
    lines.append("\t{ dealloc_return }")
    return "\n".join(lines) + "\n"


def packets(asm: str) -> int:
    """Packets in straight-line assembly (the wrapper: each runs once)."""
    return sum(line.startswith("\t{") for line in asm.splitlines())


def joined(kernel: Kernel, codes: list[HexagonCode]) -> HexagonCode:
    """The parts' code as the kernel's: the wrapper and every part's assembly, their model
    cycles and notes added up; `parts` keeps each part's code (listing, --explain, bench)."""
    names = [c.machine.name for c in codes]
    wrapper = wrapper_asm(kernel.name, names, len(kernel.buffers))
    extra = packets(wrapper)
    notes = [f"{len(codes)} independent stores, one function each ({', '.join(names)}), called in order by "
             f"{kernel.name} ({extra} packets of its own): one loop could not hold them"]
    for name, c in zip(names, codes):
        notes += [f"{name}: {n}" for n in c.notes]
    first, total = codes[0], sum(c.model_cycles for c in codes) + extra
    return HexagonCode(wrapper + "".join(c.asm for c in codes), first.schedule, total, first.machine,
                       {"packets": sum(c.cycles.get("packets", 0) for c in codes) + extra, "total": total},
                       notes, None, first.explanation, first.unroll, parts=tuple(codes))
