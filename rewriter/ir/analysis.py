"""Pure analyses of index expressions (UOps over idx), shared by the kernel checks, every
lowering and the backends: the affine form of an index, the alignment it guarantees, whether
it depends on a variable, and the row-major flat index of a multi-dimensional access.
"""
from __future__ import annotations

import math

from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const


def affine(u: UOp) -> dict | None:
    """Coefficients of an idx expression linear in its variables ({name: coef, None: const}),
    or None where it is not affine (products of variables, division, loads...)."""
    if u.op == "const":
        return {None: int(u.arg)}
    if u.op == "var":
        return {u.arg.name: 1}
    if u.op in ("add", "sub"):
        a, b = affine(u.src[0]), affine(u.src[1])
        if a is None or b is None:
            return None
        sign = 1 if u.op == "add" else -1
        out = dict(a)
        for k, v in b.items():
            out[k] = out.get(k, 0) + sign * v
        return out
    if u.op == "neg":
        a = affine(u.src[0])
        return None if a is None else {k: -v for k, v in a.items()}
    if u.op == "mul":
        a, b = affine(u.src[0]), affine(u.src[1])
        if a is None or b is None:
            return None
        if set(a) <= {None}:
            a, b = b, a
        if set(b) <= {None}:
            c = b.get(None, 0)
            return {k: v * c for k, v in a.items()}
    return None


def index_alignment(index: UOp, multiples: dict) -> int:
    """The largest power of two (up to 2^20) every value of `index` is a multiple of, from
    its affine form and what is known of its variables (`multiples`: name -> a multiple
    every value of it is, e.g. a launch's alignment facts); 1 where it is not affine."""
    a = affine(index)
    if a is None:
        return 1
    g = 0
    for name, coef in a.items():
        g = math.gcd(g, abs(coef) * (1 if name is None else multiples.get(name, 1)))
    g = g or (1 << 20)
    return g & -g


def depends(u: UOp, name: str) -> bool:
    return any(v.arg.name == name for v in u.vars())


def flatten(indices, shape) -> UOp:
    """Row-major flat index of a multi-dimensional access."""
    flat = const(idx, 0)
    for i, dim in zip(indices, shape):
        flat = UOp("add", idx, (UOp("mul", idx, (flat, const(idx, dim))), i))
    return flat
