"""A kernel as whole-array operations: the peer programs of the GPU benchmark.

`array_kernel(kernel, xp)` returns a function `f(**inputs) -> {output name: array}` that
computes the kernel with the array library behind `xp` (`TorchOps(torch)` on the GPU
machine, `NumpyOps()` for the tests here): every store is one expression over arrays with
one axis per range of the kernel (size 1 where a value does not depend on that range), a
reduction sums (maxes, mins) over its ranges' axes, and a load whose indices are affine in
the ranges with non-negative coefficients is a strided *view* of its buffer (no gather:
`x[y + ky, x + kx]` is `as_strided`), any other load a gather. It is written once from the
kernel's own semantics, so every kernel of `bench/kernels/` and `examples/` has a PyTorch
version without a port per kernel; PyTorch runs it eagerly (one launch an op) and
`torch.compile` fuses it.

Integers keep the op table's wrapping semantics in a *carrier* type: the type itself where
the library has it, a wider signed one for u16 and u32 (PyTorch's uint16/uint32 lack most
CUDA ops) with the result masked after every op that can leave the range. Outputs come back
in their carriers; `same_bits` compares them with a buffer of the kernel's own type. Float
reductions are summed in the library's order (a tolerance, as for our own GPU code).
"""
from __future__ import annotations

import numpy as np

from rewriter.errors import RewriterError
from rewriter.ir.dtype import DType
from rewriter.kernel.kernel import Kernel

_CARRIER = {(8, False): "uint8", (8, True): "int8", (16, True): "int16", (16, False): "int32",
            (32, True): "int32", (32, False): "int64", (64, True): "int64", (64, False): "int64"}


def carrier(t: DType) -> str:
    """The array dtype name a value of IR type `t` is held in."""
    if t.is_bool:
        return "bool"
    if t.is_float:  # bf16: ml_dtypes registers the name with numpy; torch.bfloat16
        return "bfloat16" if t.ebits == 8 and t.bits == 16 else {16: "float16", 32: "float32", 64: "float64"}[t.bits]
    if t.is_idx:
        return "int64"
    return _CARRIER[(t.bits, t.signed)]


def _mask(t: DType) -> int | None:
    """The mask that wraps a carrier's value into `t`, where the carrier is wider than `t`."""
    if t.is_integral and not t.is_idx and not t.signed and t.bits in (16, 32):
        return (1 << t.bits) - 1
    return None


class NumpyOps:
    """The operations `array_kernel` needs, on numpy arrays (the tests' stand-in for torch)."""

    def asarray(self, x):
        return np.asarray(x)

    def dtype(self, name):
        return np.dtype(name)

    def arange(self, n):
        return np.arange(n, dtype=np.int64)

    def const(self, value, name):
        return np.asarray(value, dtype=name)

    def to(self, x, name):
        return np.asarray(x).astype(name)

    def view(self, x, sizes, strides, offset):
        flat = np.ascontiguousarray(x).reshape(-1)
        item = flat.itemsize
        return np.lib.stride_tricks.as_strided(flat[offset:], sizes, [s * item for s in strides], writeable=False)

    def gather(self, x, idx):
        return x[tuple(idx)]

    def where(self, c, a, b):
        return np.where(c, a, b)

    def minimum(self, a, b):
        return np.minimum(a, b)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def reduce(self, kind, x, dims, name):
        if kind == "sum":
            return np.sum(x, axis=tuple(dims), keepdims=True, dtype=name)
        return (np.max if kind == "reduce_max" else np.min)(x, axis=tuple(dims), keepdims=True)

    def expand(self, x, shape):
        return np.broadcast_to(x, shape)

    def contiguous(self, x):
        return np.ascontiguousarray(x).reshape(np.shape(x))  # (ascontiguousarray makes 0-d 1-d)

    def permute(self, x, order):
        return np.transpose(x, order)

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def zeros(self, shape, name):
        return np.zeros(shape, dtype=name)

    def store(self, target, sizes, strides, offset, value):
        flat = target.reshape(-1)
        v = np.lib.stride_tricks.as_strided(flat[offset:], sizes, [s * flat.itemsize for s in strides])
        v[...] = np.broadcast_to(value, sizes)

    def scatter(self, target, idx, value):
        target[tuple(idx)] = value

    def clamp(self, x, lo, hi):
        return np.clip(x, lo, hi)

    def trunc_div(self, a, b):
        if a.dtype.kind == "f":
            return a / b
        q = np.abs(a) // np.abs(b)
        return np.where((a < 0) != (b < 0), -q, q).astype(a.dtype)

    def fmod(self, a, b):
        return np.fmod(a, b)

    def exp2(self, x):
        return np.exp2(x)

    def sqrt(self, x):
        return np.sqrt(x)

    def log2(self, x):
        return np.log2(x)


class TorchOps(NumpyOps):
    """The same operations on CUDA (or CPU) tensors."""

    def __init__(self, torch, device: str = "cuda"):
        self.torch, self.device = torch, device

    def asarray(self, x):
        return x if isinstance(x, self.torch.Tensor) else self.torch.as_tensor(x, device=self.device)

    def dtype(self, name):
        return getattr(self.torch, name)

    def arange(self, n):
        return self.torch.arange(n, dtype=self.torch.int64, device=self.device)

    def const(self, value, name):
        return self.torch.tensor(value, dtype=self.dtype(name), device=self.device)

    def to(self, x, name):
        return x.to(self.dtype(name))

    def view(self, x, sizes, strides, offset):
        return self.torch.as_strided(x, sizes, strides, offset)

    def gather(self, x, idx):
        return x[tuple(self.torch.broadcast_tensors(*idx))]

    def where(self, c, a, b):
        return self.torch.where(c, a, b)

    def minimum(self, a, b):
        return self.torch.minimum(a, b)

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def reduce(self, kind, x, dims, name):
        if kind == "sum":
            return self.torch.sum(x, dim=tuple(dims), keepdim=True, dtype=self.dtype(name))
        return (self.torch.amax if kind == "reduce_max" else self.torch.amin)(x, dim=tuple(dims), keepdim=True)

    def expand(self, x, shape):
        return x.expand(shape)

    def contiguous(self, x):
        return x.contiguous()

    def permute(self, x, order):
        return x.permute(order)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def zeros(self, shape, name):
        return self.torch.zeros(shape, dtype=self.dtype(name), device=self.device)

    def store(self, target, sizes, strides, offset, value):
        self.torch.as_strided(target, sizes, strides, offset).copy_(value.expand(sizes))

    def scatter(self, target, idx, value):
        idx = self.torch.broadcast_tensors(*idx, value)
        target[tuple(idx[:-1])] = idx[-1]

    def clamp(self, x, lo, hi):
        return self.torch.clamp(x, lo, hi)

    def trunc_div(self, a, b):
        return a / b if a.is_floating_point() else self.torch.div(a, b, rounding_mode="trunc")

    def fmod(self, a, b):
        return self.torch.fmod(a, b)

    def exp2(self, x):
        return self.torch.exp2(x)

    def sqrt(self, x):
        return self.torch.sqrt(x)

    def log2(self, x):
        return self.torch.log2(x)


def _affine(node) -> tuple[dict, int] | None:
    """(coefficient by range name, constant) of an index expression, or None."""
    if node.op == "const":
        return {}, int(node.arg)
    if node.op == "var":
        return {node.arg.name: 1}, 0
    if node.op in ("add", "sub"):
        a, b = _affine(node.src[0]), _affine(node.src[1])
        if a is None or b is None:
            return None
        s = 1 if node.op == "add" else -1
        co = dict(a[0])
        for k, v in b[0].items():
            co[k] = co.get(k, 0) + s * v
        return co, a[1] + s * b[1]
    if node.op == "mul":
        for x, y in (node.src, node.src[::-1]):
            if y.op == "const":
                a = _affine(x)
                if a is None:
                    return None
                return {k: v * int(y.arg) for k, v in a[0].items()}, a[1] * int(y.arg)
    return None


def _broadcast(a, b) -> list[int]:
    """numpy's broadcast of two shapes of the same rank (kept out of numpy: this runs under
    PyTorch's tracers too)."""
    a, b = list(a), list(b)
    a, b = [1] * (len(b) - len(a)) + a, [1] * (len(a) - len(b)) + b
    return [max(x, y) for x, y in zip(a, b)]


def _strides(shape) -> list[int]:
    out, s = [], 1
    for d in reversed(shape):
        out.append(s)
        s *= d
    return out[::-1]


class _Lowering:
    def __init__(self, kernel: Kernel, xp):
        self.k, self.xp = kernel, xp
        self.axes = {r.name: i for i, r in enumerate(kernel.ranges)}
        self.sizes = [r.size for r in kernel.ranges]

    def _one_hot(self, names):
        return [self.sizes[i] if r.name in names else 1 for i, r in enumerate(self.k.ranges)]

    def _layout(self, shape, indices):
        """(sizes, strides, offset) of the strided view that `buf[indices]` is over the
        kernel's axes, or None where an index is not affine with non-negative coefficients."""
        st = _strides(shape)
        per_axis = [0] * len(self.sizes)
        offset = 0
        for d, ix in enumerate(indices):
            a = _affine(ix)
            if a is None or a[1] < 0 or any(v < 0 for v in a[0].values()):
                return None
            offset += a[1] * st[d]
            for name, c in a[0].items():
                per_axis[self.axes[name]] += c * st[d]
        sizes = [self.sizes[i] if per_axis[i] else 1 for i in range(len(self.sizes))]
        return sizes, per_axis, offset

    def wrap(self, t: DType, x):
        m = _mask(t)
        return x & self.xp.const(m, carrier(t)) if m is not None else x

    def ev(self, node, env, memo):
        if node in memo:
            return memo[node]
        xp, t, op = self.xp, node.dtype, node.op
        if op == "var":
            shape = [1] * len(self.sizes)
            shape[self.axes[node.arg.name]] = self.sizes[self.axes[node.arg.name]]
            r = xp.reshape(xp.arange(self.sizes[self.axes[node.arg.name]]), shape)
        elif op == "const":
            r = xp.const(node.arg, carrier(t))
        elif op == "load":
            buf = self.k.buffer(node.arg)
            arr = env[node.arg]
            lay = self._layout(buf.shape, node.src) if buf.shape else None
            if not buf.shape:
                r = xp.reshape(arr, [1] * len(self.sizes))
            elif lay is not None:
                r = xp.view(arr, *lay)
            else:
                r = xp.gather(arr, [self.ev(s, env, memo) for s in node.src])
        elif op == "reduce":
            kind, names = node.arg
            body = self.ev(node.src[0], env, memo)
            shape = _broadcast(body.shape, self._one_hot(names))
            body = xp.expand(body, shape)
            r = self.wrap(t, xp.reduce(kind, body, [self.axes[n] for n in names], carrier(t)))
        else:
            r = self._alu(node, [self.ev(s, env, memo) for s in node.src])
        memo[node] = r
        return r

    def _alu(self, node, a):
        xp, t, op = self.xp, node.dtype, node.op
        c = carrier(t)
        if op == "cast":
            return self.wrap(t, xp.to(a[0], c))  # a narrower carrier truncates (wraps) itself
        if op in ("add", "sub", "mul", "shl"):
            r = {"add": lambda: a[0] + a[1], "sub": lambda: a[0] - a[1], "mul": lambda: a[0] * a[1],
                 "shl": lambda: a[0] << a[1]}[op]()
            return self.wrap(t, r)
        if op == "neg":
            return self.wrap(t, -a[0])
        if op == "not":
            return self.wrap(t, ~a[0])
        if op == "shr":
            return a[0] >> a[1]
        if op == "div":
            return self.wrap(t, xp.trunc_div(a[0], a[1]))
        if op == "mod":
            return xp.fmod(a[0], a[1])
        if op in ("and", "or", "xor"):
            return {"and": lambda: a[0] & a[1], "or": lambda: a[0] | a[1], "xor": lambda: a[0] ^ a[1]}[op]()
        if op in ("min", "max"):
            if t.is_float:  # the op table's: min = b < a ? b : a, max = a < b ? b : a
                return xp.where(a[1] < a[0], a[1], a[0]) if op == "min" else xp.where(a[0] < a[1], a[1], a[0])
            return (xp.minimum if op == "min" else xp.maximum)(a[0], a[1])
        if op == "abs":
            return self.wrap(t, abs(a[0]))
        if op in ("lt", "le", "eq", "ne"):
            return {"lt": lambda: a[0] < a[1], "le": lambda: a[0] <= a[1], "eq": lambda: a[0] == a[1],
                    "ne": lambda: a[0] != a[1]}[op]()
        if op == "where":
            return xp.where(a[0], a[1], a[2])
        if op in ("sat_add", "sat_sub"):
            wide = "int16" if t.bits <= 8 else "int32" if t.bits <= 16 else "int64"
            x, y = xp.to(a[0], wide), xp.to(a[1], wide)
            r = x + y if op == "sat_add" else x - y
            return xp.to(xp.clamp(r, t.min, t.max), c)
        if op in ("exp2", "sqrt", "log2"):
            return getattr(xp, op)(a[0])
        if op == "recip":
            return xp.const(1.0, c) / a[0]
        if op == "fma":
            return a[0] * a[1] + a[2]
        raise RewriterError(f"array_kernel: the op '{op}' has no whole-array translation")

    def run(self, inputs: dict) -> dict:
        xp = self.xp
        env = {}
        for b in self.k.inputs:
            x = xp.asarray(inputs[b.name])
            if x.dtype != xp.dtype(carrier(b.dtype)):
                x = self.wrap(b.dtype, xp.to(x, carrier(b.dtype)))
            env[b.name] = x
        for store in self.k.stores:
            *indices, value = store.src
            buf = self.k.buffer(store.arg)
            v = self.ev(value, env, {})
            identity = [ix.arg.name for ix in indices if ix.op == "var"]
            if len(identity) == len(indices) and len(set(identity)) == len(indices) and \
                    [self.sizes[self.axes[n]] for n in identity] == list(buf.shape) and \
                    sum(s.arg == buf.name for s in self.k.stores) == 1:
                # out[a, b] = value: the value's axes, in the index order, are the buffer
                full = _broadcast(v.shape, self._one_hot(identity))
                v = xp.expand(v, full)
                order = [self.axes[n] for n in identity]
                rest = [i for i in range(len(self.sizes)) if i not in order]
                v = xp.permute(v, order + rest)
                env[buf.name] = xp.contiguous(xp.reshape(v, tuple(buf.shape)))
                continue
            if buf.name not in env:
                env[buf.name] = xp.zeros(list(buf.shape) or [], carrier(buf.dtype))
            if not buf.shape:
                env[buf.name] = xp.reshape(v, ())
                continue
            lay = self._layout(buf.shape, indices)
            if lay is not None:
                xp.store(env[buf.name], *lay, v)
            else:
                xp.scatter(env[buf.name], [self.ev(ix, env, {}) for ix in indices], v)
        return {b.name: env[b.name] for b in self.k.outputs}


def array_kernel(kernel: Kernel, xp=None):
    """`f(**inputs) -> {output: array}`: the kernel as whole-array operations of `xp`
    (default numpy). Inputs may be given in the buffer's own type or its carrier."""
    low = _Lowering(kernel, xp or NumpyOps())
    return lambda **inputs: low.run(inputs)


def same_bits(t: DType, got, want) -> np.ndarray:
    """Elementwise: integer values equal modulo 2^bits (a carrier, a signed reinterpretation
    and the buffer's own type all compare equal)."""
    if t.is_integral and not t.is_idx:
        m = (1 << t.bits) - 1
        return (np.asarray(got).astype(np.int64) & m) == (np.asarray(want).astype(np.int64) & m) if t.bits < 64 \
            else np.asarray(got).astype(np.int64) == np.asarray(want).astype(np.int64)
    return np.asarray(got) == np.asarray(want)
