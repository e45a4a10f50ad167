"""The reference interpreter: evaluates a kernel with the op table's concrete semantics.

Every backend is checked against this. It has no schedule: a store is evaluated over the grid
of the parallel ranges that index it, all points at once as numpy arrays (the concrete
domain of `rewriter.ir.concrete`), and a reduction widens the grid by its reduce ranges and
folds them in index order with the table op of its kind — so integer sums wrap exactly as the
type says and float sums add in the order a sequential loop would. Undefined behaviour or
poison reaching a buffer, and out-of-bounds accesses, are errors that name the statement.
"""
from __future__ import annotations

from dataclasses import dataclass

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


def is_bf16_array(arr) -> bool:
    """An ml_dtypes.bfloat16 array (numpy calls its kind 'V': it is no numpy float type)."""
    return np.asarray(arr).dtype.name == "bfloat16"


def portable_array(arr) -> np.ndarray:
    """`arr` as the .npy format stores it faithfully: bf16 widened to float32, every value
    exact (the format has no bf16 type and would store ml_dtypes' as anonymous 2-byte
    records, `|V2`); any other array as it is. Outputs and fuzz cases are written so."""
    arr = np.asanyarray(arr)
    return arr.astype(np.float32) if is_bf16_array(arr) else arr


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
    if is_bf16_array(arr):  # checked as the float32 values it holds exactly
        arr = arr.astype(np.float32)
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


#: Working memory the reference may use for one store's evaluation, by default (issue 15: a
#: 1e8-element kernel evaluated all at once grew to about 10 GB). Buffers are held at their
#: own width; values under evaluation are Python ints (exact), about `_BYTES_PER_VALUE` each.
WORK_BYTES = 512 << 20
_BYTES_PER_VALUE = 64  # an object array slot + a Python int + the defined/poison flags


@dataclass
class ReferenceRun:
    """Outputs by buffer name, and how the evaluation was split to stay in its memory bound."""

    outputs: dict
    chunks: int = 1  # the most pieces one store (or one reduction) was evaluated in

    @property
    def note(self) -> str | None:
        return f"checked in {self.chunks:,} chunks (memory bound)" if self.chunks > 1 else None


def run_reference(kernel: Kernel, inputs: dict[str, np.ndarray],
                  max_bytes: int | None = None) -> dict[str, np.ndarray]:
    """The kernel's outputs on `inputs`; `max_bytes` bounds the working memory (see
    `reference_run`)."""
    return reference_run(kernel, inputs, max_bytes).outputs


def reference_run(kernel: Kernel, inputs: dict[str, np.ndarray], max_bytes: int | None = None) -> ReferenceRun:
    """Evaluate every store exactly, over its points in chunks small enough that the values
    under evaluation fit in about `max_bytes` (default `WORK_BYTES`, read at the call; a
    reduction's range is folded in chunks too). Buffers are held at their own width, so the
    bound is on top of the buffers themselves."""
    max_bytes = WORK_BYTES if max_bytes is None else max_bytes
    check_inputs(kernel, inputs)
    state: dict[str, np.ndarray] = {}
    for b in kernel.buffers:
        nt = numpy_dtype(b.dtype)
        if b.role == "input":
            state[b.name] = np.ascontiguousarray(np.asarray(inputs[b.name]).reshape(-1).astype(nt))
        else:
            state[b.name] = np.zeros(b.size, dtype=nt)
    locs = kernel.store_locs or (None,) * len(kernel.stores)
    chunks = 1
    for store, loc in zip(kernel.stores, locs):
        chunks = max(chunks, _run_store(kernel, store, state, loc, max(1, int(max_bytes))))
    return ReferenceRun({b.name: state[b.name].reshape(b.shape) for b in kernel.outputs}, chunks)


def _grid(kernel: Kernel, names: list[str], start: int = 0, stop: int | None = None) -> tuple[dict, int]:
    """Coordinates of the points [start, stop) of the grid of `names` (row-major order)."""
    sizes = [kernel.range(n).size for n in names]
    total = int(np.prod(sizes)) if sizes else 1
    stop = total if stop is None else min(stop, total)
    if not names:
        return {}, max(0, stop - start)
    coords = np.unravel_index(np.arange(start, stop, dtype=np.int64), sizes)
    return {name: coords[i].astype(object) for i, name in enumerate(names)}, stop - start


def _grid_size(kernel: Kernel, names) -> int:
    return int(np.prod([kernel.range(n).size for n in names])) if names else 1


def _run_store(kernel: Kernel, store: UOp, state, loc, max_bytes: int) -> int:
    """Evaluate one store in chunks of points; returns how many chunks it took (at most)."""
    *indices, value = store.src
    buf = kernel.buffer(store.arg)
    used = {v.arg.name for i in indices for v in i.vars()}
    names = [r.name for r in kernel.ranges if r.name in used]
    total = _grid_size(kernel, names)
    nodes = len({n for r in store.src for n in r.toposort()})
    per_chunk = max(1, max_bytes // (_BYTES_PER_VALUE * nodes))
    # A store that reads its own buffer sees it as it was before the store, as when all
    # points are evaluated at once: its writes wait until every chunk is done.
    reads_self = any(n.op == "load" and n.arg == buf.name for n in value.toposort()) or \
        any(n.op == "load" and n.arg == buf.name for i in indices for n in i.toposort())
    target = state[buf.name].copy() if reads_self else state[buf.name]
    ev = _Evaluator(kernel, state, loc, max_bytes)
    chunks = 0
    for start in range(0, total, per_chunk):
        grid, n = _grid(kernel, names, start, start + per_chunk)
        m = ev.eval(value, grid, n)
        idx = [ev.eval(i, grid, n) for i in indices]
        bad = ~np.asarray(m.defined, dtype=bool) | np.asarray(m.poison, dtype=bool)
        for i in idx:
            bad |= ~np.asarray(i.defined, dtype=bool) | np.asarray(i.poison, dtype=bool)
        if np.any(bad):
            k = int(np.nonzero(bad)[0][0])
            point = {nm: np.asarray([grid[nm][k]], dtype=object) for nm in names}
            raise KernelRunError(_Blame(ev, point).message(store, buf))
        flat = ev.flat_index(buf, [i.value for i in idx], n)
        target[flat] = _native(buf.dtype, m.value)
        chunks += 1
    if reads_self:
        state[buf.name][:] = target
    return max(chunks, ev.reduce_chunks)


def _native(t: DType, values) -> np.ndarray:
    """Domain values (exact Python ints for integers) at the buffer's own width."""
    return np.asarray(values).astype(numpy_dtype(t)) if not (t.is_float or t.is_bool) else values


def _from_native(t: DType, values: np.ndarray):
    """A buffer's elements as domain values: exact Python ints for integers."""
    return values.astype(object) if not (t.is_float or t.is_bool) else values


class _Evaluator:
    def __init__(self, kernel: Kernel, state, loc, max_bytes: int = WORK_BYTES):
        self.kernel, self.state, self.loc, self.max_bytes = kernel, state, loc, max_bytes
        self.reduce_chunks = 1

    @property
    def where(self) -> str:
        return str(self.loc or self.kernel.name)

    def flat_index(self, buf: Buffer, idx_values, n) -> np.ndarray:
        if not buf.shape:
            return np.zeros(n, dtype=np.int64)
        coords = [np.asarray(v, dtype=object) for v in idx_values]
        for dim, c in enumerate(coords):
            out = (c < 0) | (c >= buf.shape[dim])
            if np.any(out):
                k = int(np.nonzero(out)[0][0])
                at = ", ".join(str(cc[k]) for cc in coords)
                raise KernelRunError(f"{self.where}: access {buf.name}[{at}] is out of "
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
            m = Meaning(_from_native(buf.dtype, self.state[buf.name][flat]), defined, poison)
        elif node.op == "reduce":
            m = self._reduce(node, grid, n)
        else:
            m = apply_op(node, d, [self.eval(s, grid, n, memo) for s in node.src])
        memo[node] = m
        return m

    def _reduce(self, node: UOp, grid: dict, n: int) -> Meaning:
        """Fold the body over the reduce ranges in index order, in chunks of reduce points
        small enough for the memory bound (n outputs x a chunk of the reduce range)."""
        kind, names = node.arg
        total = _grid_size(self.kernel, names)
        nodes = len(node.src[0].toposort())
        step = max(1, self.max_bytes // (_BYTES_PER_VALUE * nodes * max(n, 1)))
        self.reduce_chunks = max(self.reduce_chunks, -(-total // step))
        t = node.dtype
        combine = UOp(REDUCTIONS[kind], t, (var(t, "acc"), var(t, "x")))
        d = ConcreteDomain(n)
        acc = None
        for start in range(0, total, step):
            sub, m = _grid(self.kernel, list(names), start, start + step)
            wide = {k: np.repeat(v, m) for k, v in grid.items()}
            wide.update({k: np.tile(v, n) for k, v in sub.items()})
            body = self.eval(node.src[0], wide, n * m)
            cols = lambda a: np.asarray(a).reshape(n, m)  # noqa: E731
            vals, dfn, psn = cols(body.value), cols(body.defined), cols(body.poison)
            if t.is_integral and m > 1:
                # Integer add (wrapping), max and min are associative and commutative and
                # never UB: the chunk folds at once, exactly as column by column would.
                fold = {"add": np.sum, "max": np.max, "min": np.min}[combine.op]
                part = fold(vals, axis=1)
                part = Meaning(d._wrap(t, part) if combine.op == "add" else part,
                               np.all(dfn, axis=1), np.any(psn, axis=1))
                acc = part if acc is None else apply_op(combine, d, [acc, part])
                continue
            for j in range(m):  # floats: in index order, as a sequential loop adds them
                col = Meaning(vals[:, j].copy(), dfn[:, j].copy(), psn[:, j].copy())
                acc = col if acc is None else apply_op(combine, d, [acc, col])
        return acc


class _Blame:
    """Why one point of a store is undefined or poison: the first op on the evaluated path
    (a `where` evaluates only the arm it selects) whose own semantics are UB or poison there,
    described with its operands' values, e.g. `division by zero (b[17] is 0)`."""

    def __init__(self, ev: _Evaluator, point: dict):
        self.ev, self.memo = ev, {}
        self.point = point

    def meaning(self, node: UOp, grid: dict) -> Meaning:
        key = (node, tuple((k, int(v[0])) for k, v in grid.items()))
        if key not in self.memo:
            self.memo[key] = self.ev.eval(node, grid, 1)
        return self.memo[key]

    def message(self, store: UOp, buf: Buffer) -> str:
        *indices, value = store.src
        at = ", ".join(str(self._one(self.meaning(i, self.point).value)) for i in indices)
        target = f"{buf.name}[{at}]" if indices else buf.name
        bad = next((i for i in indices if self._undefined(i, self.point)), value)
        return f"{self.ev.where}: {target}: {self.why(bad, self.point)}"

    @staticmethod
    def _one(v):
        return np.asarray(v, dtype=object)[0]

    def _undefined(self, node, grid) -> bool:
        m = self.meaning(node, grid)
        return not bool(np.asarray(m.defined)[0]) or bool(np.asarray(m.poison)[0])

    def why(self, node: UOp, grid: dict) -> str:
        """Descend to the op at fault (operands first, the selected arm of a `where` only)."""
        m = self.meaning(node, grid)
        ub = not bool(np.asarray(m.defined)[0])
        if node.op == "reduce":
            return self._why_reduce(node, grid, ub)
        for s in self._evaluated(node, grid):
            sm = self.meaning(s, grid)
            if not bool(np.asarray(sm.defined)[0]) or (not ub and bool(np.asarray(sm.poison)[0])):
                return self.why(s, grid)
        return self._own(node, grid, ub)

    def _evaluated(self, node: UOp, grid: dict) -> tuple:
        if node.op != "where":
            return node.src
        c = self.meaning(node.src[0], grid)
        if not bool(np.asarray(c.defined)[0]) or bool(np.asarray(c.poison)[0]):
            return node.src
        return (node.src[0], node.src[1] if bool(np.asarray(c.value)[0]) else node.src[2])

    def _why_reduce(self, node: UOp, grid: dict, ub: bool) -> str:
        kind, names = node.arg
        k = self.ev.kernel
        for j in range(_grid_size(k, names)):  # the first reduce point at fault, in fold order
            sub, _ = _grid(k, list(names), j, j + 1)
            wide = {**grid, **sub}
            if self._undefined(node.src[0], wide):
                at = ", ".join(f"{nm}={int(sub[nm][0])}" for nm in names)
                return f"{self.why(node.src[0], wide)} (at {at})"
        return "undefined behaviour" if ub else "poison"

    def _own(self, node: UOp, grid: dict, ub: bool) -> str:
        if node.op in ("div", "mod") and node.src[0].dtype.scalar.is_integral:
            verb = "division" if node.op == "div" else "remainder"
            x, y = (self.meaning(s, grid) for s in node.src)
            if bool(np.asarray(y.poison)[0]):
                return f"{verb} by a poison divisor ({self.describe(node.src[1], grid)})"
            yv, xv = self._one(y.value), self._one(x.value)
            if ub and yv == 0:
                return f"{verb} by zero ({self.describe(node.src[1], grid)} is 0)"
            if ub and yv == -1:
                return (f"{verb} overflows: {xv} {'/' if node.op == 'div' else '%'} -1 ({self.describe(node.src[0], grid)} is "
                        f"{xv}, {self.describe(node.src[1], grid)} is -1)")
        what = "undefined behaviour" if ub else "poison"
        return f"{node.op} computes {what}"

    def describe(self, node: UOp, grid: dict) -> str:
        """A short name for an operand: a load as `buf[index]`, a range by name, else its op."""
        if node.op == "load":
            at = ", ".join(str(self._one(self.meaning(s, grid).value)) for s in node.src)
            return f"{node.arg}[{at}]"
        if node.op == "var":
            return f"{node.arg.name} = {int(self._one(grid[node.arg.name]))}" if node.arg.name in grid \
                else node.arg.name
        if node.op == "const":
            return "the constant"
        return f"the {node.op}"
