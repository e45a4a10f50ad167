"""The reference interpreter: evaluates a kernel with the op table's concrete semantics.

Every backend is checked against this. It has no schedule: a store is evaluated over the grid
of the parallel ranges that index it, all points at once as numpy arrays (the concrete
domain of `rewriter.ir.concrete`), and a reduction widens the grid by its reduce ranges and
folds them in index order with the table op of its kind — so integer sums wrap exactly as the
type says and float sums add in the order a sequential loop would. Undefined behaviour or
poison reaching a buffer, and out-of-bounds accesses, are errors that name the statement.
"""
from __future__ import annotations

import numpy as np

from rewriter.errors import RewriterError
from rewriter.ir.concrete import ConcreteDomain, np_float
from rewriter.ir.dtype import DType
from rewriter.ir.interp import Meaning, apply_op
from rewriter.ir.uop import UOp, var
from rewriter.kernel.kernel import REDUCTIONS, Buffer, Kernel

_NP_INT = {(8, True): np.int8, (16, True): np.int16, (32, True): np.int32, (64, True): np.int64,
           (8, False): np.uint8, (16, False): np.uint16, (32, False): np.uint32, (64, False): np.uint64}


class KernelRunError(RewriterError):
    """The kernel itself misbehaved on these inputs (UB, poison, out-of-bounds access)."""

    exit_code = 1


def numpy_dtype(t: DType):
    if t.is_bool:
        return np.bool_
    if t.is_float:
        return np_float(t)
    if t.is_idx:
        return np.int64
    return _NP_INT[(t.bits, t.signed)]


def to_numpy(buf: Buffer, flat) -> np.ndarray:
    return np.asarray(flat, dtype=numpy_dtype(buf.dtype)).reshape(buf.shape)


def random_inputs(kernel: Kernel, seed: int = 0) -> dict[str, np.ndarray]:
    """Inputs covering each type's whole range (ints) or a normal distribution (floats)."""
    rng = np.random.default_rng(seed)
    out = {}
    for b in kernel.inputs:
        t, nt = b.dtype, numpy_dtype(b.dtype)
        if t.is_float:
            out[b.name] = rng.standard_normal(b.shape).astype(nt)
        elif t.is_bool:
            out[b.name] = rng.integers(0, 2, b.shape).astype(bool)
        else:
            info = np.iinfo(nt)
            out[b.name] = rng.integers(info.min, info.max, b.shape, dtype=nt, endpoint=True)
    return out


def _domain_array(buf: Buffer, arr: np.ndarray):
    flat = np.asarray(arr).reshape(-1)
    t = buf.dtype
    if t.is_float or t.is_bool:
        return flat.astype(numpy_dtype(t))
    vals = flat.astype(object)
    if len(vals) and (min(vals) < t.min or max(vals) > t.max):
        raise RewriterError(f"input '{buf.name}' has values outside {t}")
    return vals


def check_inputs(kernel: Kernel, inputs: dict) -> None:
    for b in kernel.inputs:
        if b.name not in inputs:
            raise RewriterError(f"missing input '{b.name}' ({b})")
        arr = np.asarray(inputs[b.name])
        if arr.shape != b.shape:
            raise RewriterError(f"input '{b.name}' has shape {list(arr.shape)}, the kernel declares "
                                f"{list(b.shape)}")
        _check_values(b, arr)


def _check_values(b: Buffer, arr: np.ndarray) -> None:
    """Values an integer or bool buffer can hold exactly: a cast would silently truncate
    1.5 or NaN (and wrap 300 into a u8), and the targets would compute on other inputs."""
    t = b.dtype
    if arr.dtype.kind not in "biuf":
        raise RewriterError(f"input '{b.name}' ({b}) has values of numpy type {arr.dtype}")
    if t.is_float or not arr.size:
        return
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.trunc(np.where(np.isfinite(arr), arr, 0)))
        if np.any(bad):
            v = arr.reshape(-1)[int(np.nonzero(bad.reshape(-1))[0][0])]
            shown = np.format_float_positional(v)
            raise RewriterError(f"input '{b.name}' ({b}) has the non-integer value {shown}: "
                                f"integer and bool buffers take integers")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < t.min or hi > t.max:
        raise RewriterError(f"input '{b.name}' ({b}) has values outside {t} "
                            f"(from {lo} to {hi})")


def run_reference(kernel: Kernel, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    check_inputs(kernel, inputs)
    state: dict[str, np.ndarray] = {}
    for b in kernel.buffers:
        if b.role == "input":
            state[b.name] = _domain_array(b, inputs[b.name])
        else:
            zero = False if b.dtype.is_bool else (0.0 if b.dtype.is_float else 0)
            state[b.name] = ConcreteDomain(b.size).const(b.dtype, zero)
    locs = kernel.store_locs or (None,) * len(kernel.stores)
    for store, loc in zip(kernel.stores, locs):
        _run_store(kernel, store, state, loc)
    return {b.name: to_numpy(b, state[b.name]) for b in kernel.outputs}


def _grid(kernel: Kernel, names: list[str]) -> tuple[dict, int]:
    sizes = [kernel.range(n).size for n in names]
    n = int(np.prod(sizes)) if sizes else 1
    if not names:
        return {}, 1
    coords = np.indices(sizes).reshape(len(sizes), -1)
    return {name: coords[i].astype(object) for i, name in enumerate(names)}, n


def _run_store(kernel: Kernel, store: UOp, state, loc):
    *indices, value = store.src
    buf = kernel.buffer(store.arg)
    used = {v.arg.name for i in indices for v in i.vars()}
    names = [r.name for r in kernel.ranges if r.name in used]
    grid, n = _grid(kernel, names)
    ev = _Evaluator(kernel, state, loc)
    m = ev.eval(value, grid, n)
    idx = [ev.eval(i, grid, n) for i in indices]
    bad = ~np.asarray(m.defined, dtype=bool) | np.asarray(m.poison, dtype=bool)
    for i in idx:
        bad |= ~np.asarray(i.defined, dtype=bool) | np.asarray(i.poison, dtype=bool)
    if np.any(bad):
        k = int(np.nonzero(bad)[0][0])
        what = "undefined behaviour" if not np.asarray(m.defined)[k] else "poison"
        at = ", ".join(f"{nm}={grid[nm][k]}" for nm in names)
        raise KernelRunError(f"{loc or kernel.name}: storing to '{buf.name}' at {at or 'its element'} "
                             f"computes {what}")
    flat = ev.flat_index(buf, [i.value for i in idx], n)
    state[buf.name][flat] = m.value


class _Evaluator:
    def __init__(self, kernel: Kernel, state, loc):
        self.kernel, self.state, self.loc = kernel, state, loc

    def flat_index(self, buf: Buffer, idx_values, n) -> np.ndarray:
        if not buf.shape:
            return np.zeros(n, dtype=np.int64)
        coords = [np.asarray(v, dtype=object) for v in idx_values]
        for dim, c in enumerate(coords):
            out = (c < 0) | (c >= buf.shape[dim])
            if np.any(out):
                k = int(np.nonzero(out)[0][0])
                at = ", ".join(str(cc[k]) for cc in coords)
                raise KernelRunError(f"{self.loc or self.kernel.name}: access {buf.name}[{at}] is out of "
                                     f"bounds (shape {list(buf.shape)})")
        return np.ravel_multi_index([c.astype(np.int64) for c in coords], buf.shape)

    def eval(self, node: UOp, grid: dict, n: int, memo=None) -> Meaning:
        memo = {} if memo is None else memo
        if node in memo:
            return memo[node]
        d = ConcreteDomain(n)
        if node.op == "var":
            m = Meaning(grid[node.arg.name], d.true(), d.false())
        elif node.op == "load":
            idx = [self.eval(s, grid, n, memo) for s in node.src]
            buf = self.kernel.buffer(node.arg)
            flat = self.flat_index(buf, [i.value for i in idx], n)
            defined, poison = d.true(), d.false()
            for i in idx:
                defined, poison = defined & i.defined, poison | i.poison
            m = Meaning(self.state[buf.name][flat], defined, poison)
        elif node.op == "reduce":
            m = self._reduce(node, grid, n)
        else:
            m = apply_op(node, d, [self.eval(s, grid, n, memo) for s in node.src])
        memo[node] = m
        return m

    def _reduce(self, node: UOp, grid: dict, n: int) -> Meaning:
        kind, names = node.arg
        sub, m = _grid(self.kernel, list(names))
        wide = {k: np.repeat(v, m) for k, v in grid.items()}
        wide.update({k: np.tile(v, n) for k, v in sub.items()})
        body = self.eval(node.src[0], wide, n * m)
        t = node.dtype
        combine = UOp(REDUCTIONS[kind], t, (var(t, "acc"), var(t, "x")))
        d = ConcreteDomain(n)
        cols = lambda a: np.asarray(a).reshape(n, m)  # noqa: E731
        vals, dfn, psn = cols(body.value), cols(body.defined), cols(body.poison)
        acc = Meaning(vals[:, 0].copy(), dfn[:, 0].copy(), psn[:, 0].copy())
        for j in range(1, m):
            acc = apply_op(combine, d, [acc, Meaning(vals[:, j], dfn[:, j], psn[:, j])])
        return acc
