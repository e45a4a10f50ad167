"""The same kernel at a larger size, for measuring bandwidth on a GPU.

The benchmark suite's kernels (`bench/kernels/`) are sized for a DSP's scratch memory (a few
KB): on a GPU they measure the launch, not the memory system. `scale_kernel` multiplies the
kernel's data-parallel ranges (those of 4 points or more: rows, columns, pixels, channels of
a depthwise layer; a 3-channel colour axis or a 3x3 window stays) by one power-of-two factor,
the largest that keeps every buffer within `max_bytes`; a kernel with no parallel range (a
whole reduction) scales its long reduce ranges instead. Each buffer dimension grows by as
much as the largest index the kernel uses on it grows (interval bounds of the index
expressions), so halos and strides stay what they were: conv3x3's input stays its output + 2
per side, a stride-2 pooling input twice its output.
"""
from __future__ import annotations

from dataclasses import replace

from rewriter.kernel.kernel import Kernel
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.printer import format_kernel


def _bounds(node, sizes: dict) -> tuple[int, int]:
    """Inclusive (lo, hi) of an index expression with each range r in [0, sizes[r] - 1]."""
    op = node.op
    if op == "const":
        return int(node.arg), int(node.arg)
    if op == "var":
        return 0, sizes[node.arg.name] - 1
    a = [_bounds(s, sizes) for s in node.src]
    if op == "add":
        return a[0][0] + a[1][0], a[0][1] + a[1][1]
    if op == "sub":
        return a[0][0] - a[1][1], a[0][1] - a[1][0]
    if op == "mul":
        c = [x * y for x in a[0] for y in a[1]]
        return min(c), max(c)
    if op == "div" and a[1][0] == a[1][1] and a[1][0] > 0 and a[0][0] >= 0:
        return a[0][0] // a[1][0], a[0][1] // a[1][0]
    if op == "mod" and a[1][0] == a[1][1] and a[1][0] > 0 and a[0][0] >= 0:
        return 0, min(a[0][1], a[1][0] - 1)
    raise ValueError(f"index op '{op}' has no bound here")


def _accesses(k: Kernel):
    """(buffer name, index expressions) of every load and store."""
    for s in k.stores:
        yield s.arg, s.src[:-1]
        for n in s.src[-1].toposort():
            if n.op == "load":
                yield n.arg, n.src


def _shapes(k: Kernel, sizes: dict) -> dict:
    old = {r.name: r.size for r in k.ranges}
    hi_old, hi_new = {}, {}
    for name, idx in _accesses(k):
        for d, ix in enumerate(idx):
            key = (name, d)
            hi_old[key] = max(hi_old.get(key, -1), _bounds(ix, old)[1])
            hi_new[key] = max(hi_new.get(key, -1), _bounds(ix, sizes)[1])
    return {b.name: tuple(n + hi_new.get((b.name, d), 0) - hi_old.get((b.name, d), 0)
                          for d, n in enumerate(b.shape)) for b in k.buffers}


def _bytes(k: Kernel, shapes: dict) -> int:
    most = 0
    for b in k.buffers:
        n = max(1, b.dtype.bits // 8)
        for s in shapes[b.name]:
            n *= s
        most = max(most, n)
    return most


def scale_kernel(k: Kernel, max_bytes: int = 64 << 20) -> tuple[Kernel, int]:
    """(the kernel with its scaled ranges and buffers, the factor); factor 1 (the kernel
    itself) where nothing scales or an index has no bound."""
    grow = [r.name for r in k.ranges if not r.reduce and r.size >= 4] or \
        [r.name for r in k.ranges if r.reduce and r.size >= 32]
    if not grow:
        return k, 1
    base = {r.name: r.size for r in k.ranges}
    try:
        if _bytes(k, _shapes(k, base)) > max_bytes:
            return k, 1
        g = 1
        while _bytes(k, _shapes(k, {**base, **{n: base[n] * g * 2 for n in grow}})) <= max_bytes:
            g *= 2
    except ValueError:
        return k, 1
    if g == 1:
        return k, 1
    sizes = {**base, **{n: base[n] * g for n in grow}}
    shapes = _shapes(k, sizes)
    big = Kernel(k.name, tuple(replace(b, shape=shapes[b.name]) for b in k.buffers),
                 tuple(replace(r, size=sizes[r.name]) for r in k.ranges), k.stores)
    return parse_kernels(format_kernel(big), f"{k.name} x{g}")[0], g
