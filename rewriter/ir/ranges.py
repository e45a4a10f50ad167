"""Range analysis: `vmin`/`vmax` of every integer, idx and bool node, from the op table.

Each op's interval transfer function lives beside its semantics in `ops.py`; this module only
walks the DAG. Bounds are inclusive; `None` means unbounded (idx) or unknown (floats). For
bools the interval is over {0, 1}: (1, 1) means "always true", which is how the rewrite engine
decides a rule's preconditions on variables (`x >= 0`, `x < C`).

The analysis is sound for non-poison values: an op whose result may wrap reports its type's
whole range, and an op flagged nsw/nuw is poison wherever the unwrapped interval would lie.
"""
from __future__ import annotations

from rewriter.ir.ops import OPS
from rewriter.ir.uop import UOp

Interval = tuple


def _full(node: UOp) -> Interval:
    t = node.dtype.scalar
    if t.is_int or t.is_bool:
        return (t.min, t.max)
    return (None, None)


def ranges(root: UOp, cache: dict | None = None) -> dict[UOp, Interval]:
    """Interval of every node below `root` (pass `cache` to share work across calls)."""
    out = cache if cache is not None else {}
    for node in root.toposort():
        if node not in out:
            out[node] = _node_range(node, out)
    return out


def _node_range(node: UOp, out) -> Interval:
    t = node.dtype.scalar
    if t.is_float or node.dtype.lanes > 1:
        return (None, None)
    if node.op == "const":
        v = int(node.arg)
        return (v, v)
    if node.op == "var":
        lo, hi = _full(node)
        a = node.arg
        return (a.lo if a.lo is not None else lo, a.hi if a.hi is not None else hi)
    if node.op == "reduce":
        return _reduce_range(node, out)
    opdef = OPS.get(node.op)
    if opdef is None or opdef.range is None or any(s.dtype.scalar.is_float for s in node.src):
        return _full(node)
    iv = opdef.range(t, *[out[s] for s in node.src], node)
    lo, hi = iv
    flo, fhi = _full(node)
    # Intersect with the type's range: transfer functions may be loose at the edges.
    lo = flo if lo is None else (lo if flo is None else max(lo, flo))
    hi = fhi if hi is None else (hi if fhi is None else min(hi, fhi))
    if lo is not None and hi is not None and lo > hi:
        return _full(node)
    return (lo, hi)


def _reduce_range(node: UOp, out) -> Interval:
    """A kernel reduction (`rewriter/kernel/kernel.py`): max and min stay within the body's
    interval; a sum of n terms within n times it, where that does not wrap the type. The
    term count is read off the reduce ranges' variables in the body (`var(idx, name, 0,
    size - 1)`); a range the body does not use leaves the count unknown."""
    kind, names = node.arg
    lo, hi = out[node.src[0]]
    if kind in ("reduce_max", "reduce_min"):
        return (lo, hi) if lo is not None and hi is not None else _full(node)
    sizes = {n.arg.name: n.arg.hi + 1 for n in node.src[0].toposort()
             if n.op == "var" and n.arg.name in names and n.arg.lo == 0 and n.arg.hi is not None}
    if kind != "sum" or lo is None or hi is None or set(sizes) != set(names):
        return _full(node)
    count = 1
    for size in sizes.values():
        count *= size
    flo, fhi = _full(node)
    lo, hi = lo * count, hi * count
    fits = (flo is None or flo <= lo) and (fhi is None or hi <= fhi)  # idx: unbounded, never wraps
    return (lo, hi) if fits else _full(node)


def vmin(node: UOp):
    return ranges(node)[node][0]


def vmax(node: UOp):
    return ranges(node)[node][1]
