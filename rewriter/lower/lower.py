"""Kernel -> loop program: ranges become loops, one range is vectorized, reductions get
accumulators, and every address is a flat index simplified with the rule library.

Decisions (recorded in `Program.notes`):
  * loop order: the target's parallel ranges outermost in index order, reduce ranges inside;
  * the vector range: the innermost parallel range when the store is contiguous in it, or the
    innermost reduce range of a pure reduction (split into lanes of partial results, folded
    at the end; exact for integers, a reassociation for float sums, never done for float
    max/min, whose fold depends on the order through NaN and signed zeros) — whichever the load cost
    model prefers (invariant < contiguous < gather), or none;
  * the width: the target's vector bytes over the widest element type, halved until it
    divides the range.
"""
from __future__ import annotations

import math

from rewriter.errors import RewriterError
from rewriter.ir.analysis import affine, depends, flatten
from rewriter.ir.dtype import DType, idx
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import REDUCTIONS, Kernel
from rewriter.kernel.validate import validate_kernel
from rewriter.lower.program import AccInit, AccUpdate, Loop, Program, Store
from rewriter.lower.target import TargetDesc
from rewriter.lower.validate import validate_program


class LoweringError(RewriterError):
    pass


def _identity(kind: str, t: DType):
    """The value an accumulator may start from without changing the fold, or None.

    The reference folds from the first element (docs/KERNELS.md). -0.0 is an exact identity
    of float addition (-0.0 + x == x for every x, +0.0 and -0.0 included; +0.0 is not:
    0.0 + -0.0 == +0.0), and t.min / t.max are identities of integer max / min. Float max and
    min have none: `max(acc, x) = acc < x ? x : acc` keeps a NaN first element but skips
    later NaNs, so no start value reproduces both (-inf gave 63.0 where the reference gives
    nan); nor does idx (unbounded). Those start from the first element instead."""
    op = REDUCTIONS[kind]
    if op == "add":
        return -0.0 if t.is_float else 0
    if t.is_float or t.is_idx:
        return None
    return t.min if op == "max" else t.max


def split_identity(kind: str, t: DType):
    """The start value of a reduction that is split across lanes or threads and folded as a
    tree (the GPU lowerings): `_identity`, or for float max / min the infinity that no other
    value beats. Such a split fold already reassociates, so it matches the reference's
    first-element fold on every input but NaN (docs/GPU.md); idx has no such bound."""
    ident = _identity(kind, t)
    if ident is None and t.is_float:
        return -math.inf if REDUCTIONS[kind] == "max" else math.inf
    if ident is None:
        raise LoweringError(f"{kind} over idx values has no start value for a split reduction (not supported yet)")
    return ident


def _order_sensitive(kind: str, t: DType) -> bool:
    """Float max/min folds depend on the order (NaN, signed zeros): never split into lanes."""
    return t.is_float and REDUCTIONS[kind] in ("max", "min")


class _Lowerer:
    def __init__(self, kernel: Kernel, target: TargetDesc, rewriter, vectorize: bool = True,
                 unroll: int = 1):
        self.k, self.target, self.rw, self.allow_vector = kernel, target, rewriter, vectorize
        self.unroll = unroll
        self.notes: list[str] = []
        self.n_acc = 0

    def simplify(self, u: UOp) -> UOp:
        return self.rw.normalize(u) if self.rw is not None else u

    def range_var(self, name: str) -> UOp:
        return var(idx, name, 0, self.k.range(name).size - 1)

    # -- flat loads --------------------------------------------------------------------------
    def flat_loads(self, u: UOp, memo: dict) -> UOp:
        """Replace each multi-index load by a load at a simplified flat index."""
        if u in memo:
            return memo[u]
        if u.op == "load":
            buf = self.k.buffer(u.arg)
            srcs = [self.flat_loads(s, memo) for s in u.src]
            out = UOp("load", u.dtype, (self.simplify(flatten(srcs, buf.shape)),), u.arg)
        elif u.src:
            out = u.replace(src=tuple(self.flat_loads(s, memo) for s in u.src))
        else:
            out = u
        memo[u] = out
        return out

    def flat_store(self, st: UOp):
        """(buffer, indices, value) of a store, every load in them at a flat index and the
        value simplified: the first step of every lowering strategy."""
        *indices, value = st.src
        memo: dict = {}
        indices = [self.flat_loads(i, memo) for i in indices]
        return self.k.buffer(st.arg), indices, self.simplify(self.flat_loads(value, memo))

    # -- vector plan ---------------------------------------------------------------------------
    def load_cost(self, value: UOp, vname: str | None, width: int) -> float:
        cost = 0.0
        for n in value.toposort():
            if n.op != "load":
                continue
            if vname is None or not depends(n.src[0], vname):
                cost += 0.25 if vname else 1.0
            else:
                a = affine(n.src[0])
                cost += 1.0 if a is not None and a.get(vname) == 1 else self._gather_cost(n, a, vname, width)
        return cost / max(width, 1)

    def _gather_cost(self, load: UOp, a: dict | None, vname: str, width: int) -> float:
        """A gathered vector load: a load a lane. Where lanes are threads (GPUs) also the
        assembly, and a gather whose lanes lie far apart (a column of a row-major matrix:
        more than 16 bytes from lane to lane) twice: each thread then holds `width`
        uncoalesced loads in flight where `width` threads would spread them (WebGPU's
        transposes ran 1.8-1.9x slower vectorized on an H100: bench/results/gpu.md, "The
        map's vector plan counts the stores")."""
        if not self.target.lane_threads:
            return float(width)
        step = abs(a.get(vname, 0)) * max(1, load.dtype.scalar.bits // 8) if a is not None else 0
        return float(2 * width if step > 16 else width + 1)

    def width_for(self, value: UOp, size: int) -> int:
        widest = max((n.dtype.scalar.bits for n in value.toposort()
                      if n.dtype.scalar.bits and not n.dtype.is_bool and not n.dtype.is_idx), default=8)
        w = self.target.lanes(max(1, widest // 8))
        while w > 1 and size % w:
            w //= 2
        return w

    def plan(self, flat: UOp, value: UOp, par: list[str], reduces: list[UOp]):
        """(vector range, width, mode) with mode "parallel" | "reduce" | None."""
        # Where a thread runs each lane (`TargetDesc.lane_threads`: GPUs) the store is a memory
        # access too, once an output (each reduction step loads): a lane's own scalar store,
        # or a share of one vector store along `p`. Without it a gathered map (`out[y, x] =
        # inp[y / 2, x / 2]`) tied with the scalar form and stored a byte a thread. (On the
        # CPU the scalar loop is LLVM's to vectorize: 2-7x faster than our gathers there.)
        steps = math.prod(self.k.range(n).size for r in reduces for n in r.arg[1]) \
            if self.target.lane_threads else math.inf
        options = [(self.load_cost(value, None, 1) + 1 / steps, None, 1, None)]
        if not self.allow_vector:
            return options[0][1:]
        if par:
            p = par[-1]
            a = affine(flat)
            if a is not None and a.get(p) == 1:
                w = self.width_for(value, self.k.range(p).size)
                if w > 1:
                    options.append((self.load_cost(value, p, w) + 1 / (w * steps), p, w, "parallel"))
        if len(reduces) == 1 and value is reduces[0] and not _order_sensitive(value.arg[0], value.dtype):
            r = reduces[0].arg[1][-1]
            w = self.width_for(value, self.k.range(r).size)
            if w > 1:
                options.append((self.load_cost(value, r, w) + 1 / steps, r, w, "reduce"))
        best = min(options, key=lambda o: o[0])
        return best[1:]

    # -- vectorization ---------------------------------------------------------------------------
    def vec(self, u: UOp, vname: str, w: int, memo: dict) -> UOp:
        if u in memo:
            return memo[u]
        out = self._vec(u, vname, w, memo)
        memo[u] = out
        return out

    def _vec(self, u, vname, w, memo):
        if u.op == "var":
            if u.arg.name != vname:
                return u
            lanes = UOp("lanes", idx.vec(w))
            return UOp("add", idx.vec(w), (UOp("broadcast", idx.vec(w), (u,)), lanes))
        if u.op in ("const", "acc"):
            return u
        if u.op == "load":
            index = u.src[0]
            if not depends(index, vname):
                return u
            a = affine(index)
            if a is not None and a.get(vname) == 1:
                return UOp("vload", u.dtype.vec(w), (index,), u.arg)
            return UOp("gather", u.dtype.vec(w), (self.vec(index, vname, w, memo),), u.arg)
        srcs = [self.vec(s, vname, w, memo) for s in u.src]
        if not any(s.dtype.lanes > 1 for s in srcs):
            return u.replace(src=tuple(srcs))
        srcs = [s if s.dtype.lanes > 1 else UOp("broadcast", s.dtype.vec(w), (s,)) for s in srcs]
        return UOp(u.op, u.dtype.vec(w), tuple(srcs), u.arg)

    @staticmethod
    def _widen(u: UOp, w: int) -> UOp:
        """`u` as a w-lane vector. A value that does not depend on the vectorized range stays
        scalar under `vec`, yet a vector store or a vector accumulator needs every lane."""
        return u if u.dtype.lanes > 1 else UOp("broadcast", u.dtype.vec(w), (u,))

    # -- one store -------------------------------------------------------------------------------
    def store(self, st: UOp, loc=None):
        buf, indices, value = self.flat_store(st)
        flat = self.simplify(flatten(indices, buf.shape))
        used = {v.arg.name for i in indices for v in i.vars()}
        par = [r.name for r in self.k.ranges if r.name in used]
        reduces = [n for n in value.toposort() if n.op == "reduce"]
        for r in reduces:
            if any(n.op == "reduce" for n in r.src[0].toposort()):
                raise LoweringError(f"{buf.name}: nested reductions are not lowered yet")
        vname, w, mode = self.plan(flat, value, par, reduces)
        self.notes.append(f"{buf.name}: loops {', '.join(par + [n for r in reduces for n in r.arg[1]]) or '-'}; "
                          + (f"vectorize '{vname}' x{w} ({mode})" if mode else "scalar"))
        inner: list = []
        replace: dict = {}
        for r in reduces:
            inner += self.reduction(r, vname if mode == "parallel" else None,
                                    (vname, w) if mode == "reduce" else None, w, replace)
        value = value.substitute(replace)
        if mode == "parallel":
            vmemo: dict = {}
            value = self._widen(self.vec(value, vname, w, vmemo), w)
        inner.append(Store(buf.name, flat, value, loc))
        body = tuple(inner)
        for name in reversed(par):
            step = w if (mode == "parallel" and name == vname) else 1
            body = (Loop(self.range_var(name), self.k.range(name).size, step, body, "parallel"),)
        return body

    def reduction(self, r: UOp, par_vec: str | None, red_vec, w: int, replace: dict) -> list:
        kind, names = r.arg
        comb = REDUCTIONS[kind]
        self.n_acc += 1
        name = f"acc{self.n_acc}"
        t = r.dtype
        lanes = w if (par_vec or red_vec) else 1
        at = t.vec(lanes) if lanes > 1 else t
        body = r.src[0]
        vname = par_vec or (red_vec[0] if red_vec else None)
        identity = _identity(kind, t)
        if identity is not None:
            init = const(t, identity)
            if lanes > 1:
                init = UOp("broadcast", at, (init,))
        else:
            # Start from the first element (every reduce range at 0); folding it again is
            # harmless, max and min are idempotent: max(e, e) == e, NaN included.
            init = self.simplify(body.substitute({self.range_var(n): const(idx, 0) for n in names}))
            if vname:
                init = self.vec(init, vname, w, {})
            if lanes > 1:
                init = self._widen(init, lanes)
        if vname:
            body = self.vec(body, vname, w, {})
        if lanes > 1:
            body = self._widen(body, lanes)
        acc = UOp("acc", at, (), name)
        update = AccUpdate(name, UOp(comb, at, (acc, body)))
        loop_body: tuple = (update,)
        for depth, n in enumerate(reversed(names)):
            step = w if (red_vec and n == red_vec[0]) else 1
            size = self.k.range(n).size
            # Unroll the innermost reduce loop when the factor divides its trip count.
            unroll = self.unroll if depth == 0 and size % (step * self.unroll) == 0 else 1
            loop_body = (Loop(self.range_var(n), size, step, loop_body, "reduce", unroll),)
        replace[r] = UOp("hreduce", t, (acc,), comb) if red_vec else acc
        return [AccInit(name, at, init), *loop_body]


def lower(kernel: Kernel, target: TargetDesc, rewriter=None, vectorize: bool = True,
          unroll: int = 1, validate: bool = False) -> Program:
    """Lower every store of `kernel` in order; `rewriter` simplifies indices and values;
    `unroll` copies the innermost reduce loop's body that many times per iteration.
    `validate` checks the kernel at the "kernel" stage and the program at the "lowered" stage
    (rewriter.lower.validate), raising IRValidationError."""
    if validate:
        validate_kernel(kernel)
    if unroll < 1:
        raise LoweringError(f"unroll factor must be >= 1, got {unroll}")
    lw = _Lowerer(kernel, target, rewriter, vectorize, unroll)
    body: list = []
    locs = kernel.store_locs or (None,) * len(kernel.stores)
    for st, loc in zip(kernel.stores, locs):
        body += lw.store(st, loc)
    program = Program(kernel, tuple(body), target, tuple(lw.notes))
    return validate_program(program) if validate else program
