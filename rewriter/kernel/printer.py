"""Kernels back to `.ir` text; `parse_kernels(format_kernel(k))` gives `k` again."""
from __future__ import annotations

from rewriter.ir.printer import format_uop
from rewriter.kernel.kernel import Kernel


def format_store(store, declare: bool = False) -> str:
    """One statement; `declare` adds the element type (`t[i]: i32 = ...`), which the first
    store to a temporary carries so that a value of bare literals parses at that type."""
    *indices, value = store.src
    target = f"{store.arg}[{', '.join(format_uop(i) for i in indices)}]" if indices else store.arg
    if declare:
        target += f": {value.dtype}"
    return f"{target} = {format_uop(value)}"


def format_kernel(k: Kernel) -> str:
    ins = ", ".join(str(b) for b in k.inputs)
    outs = ", ".join(str(b) for b in k.outputs)
    lines = [f"kernel {k.name}({ins}) -> ({outs}) {{"]
    for r in k.ranges:
        lines.append(f"  {r.name} = range({r.size}{', reduce' if r.reduce else ''})")
    declared = {b.name for b in k.inputs + k.outputs}
    for s in k.stores:
        lines.append(f"  {format_store(s, declare=s.arg not in declared)}")
        declared.add(s.arg)
    lines.append("}")
    return "\n".join(lines) + "\n"
