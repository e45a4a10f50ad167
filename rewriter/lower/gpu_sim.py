"""A lockstep simulator of GpuPrograms: every thread of a launch runs each statement before
any thread runs the next, over numpy arrays with one entry per thread, with the op table's
exact semantics (`interp.apply_op` in the concrete domain, the reference interpreter's).

Why it exists: CI has no GPU, yet the GPU lowering (thread mappings, shared tiles, shuffles,
split reductions, fused rows) must be checked against the reference interpreter on every
example. Lockstep execution is one legal schedule of a program whose shared-memory accesses
are ordered by barriers, so a wrong index, a missed element, a bad shuffle or a wrong
combination shows up as a mismatch; what it cannot show is a missing barrier (a race the
lockstep order happens to resolve) or anything about the PTX itself (ptxas and the GPU
runs check that).

Warp-level matrix values (`ldmatrix`, `mma`: the tensor-core strategy) are executed per warp
with the PTX ISA's fragment layouts (lower/gpu_mma.py's layout functions).

Semantics mirrored from backends/ptx.py: `shfl` down by `off` reads lane + off of the warp,
or the thread's own value past lane 31 (clamp 31); `If` masks threads; `Loop`s have uniform
trip counts; loads of masked-off threads are not performed.
"""
from __future__ import annotations

import numpy as np

from rewriter.errors import RewriterError
from rewriter.ir.concrete import ConcreteDomain, np_float
from rewriter.ir.interp import Meaning, apply_op, lane_defined
from rewriter.ir.uop import UOp, var
from rewriter.kernel.reference import _domain_array, check_inputs, to_numpy
from rewriter.lower.gpu_mma import CHUNK, a_elem, b_elem, c_elem, ldmatrix_source
from rewriter.lower.gpu_program import (Barrier, CopyAsync, CopyCommit, CopyWait, GpuProgram, If, Launch, Let,
                                        SharedStore)
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.lower import gpu_wgmma_conv_model as conv_model
from rewriter.lower import gpu_wgmma_model as wgmma_model
from rewriter.lower.gpu_wgmma_conv import ConvPlan
from rewriter.lower.gpu_program import native_plan


class SimulationError(RewriterError):
    pass


def _zeros(t, n: int):
    if t.is_float:
        return np.zeros(n, dtype=np_float(t))
    if t.is_bool:
        return np.zeros(n, dtype=bool)
    return np.zeros(n, dtype=object)


def _merge(mask, new: Meaning, old: Meaning | None) -> Meaning:
    if old is None:
        return new

    def pick(a, b):
        if isinstance(a, tuple):
            return tuple(np.where(mask, x, y) for x, y in zip(a, b))
        return np.where(mask, a, b)

    return Meaning(pick(new.value, old.value), pick(new.defined, old.defined), pick(new.poison, old.poison))


class _Launch:
    def __init__(self, gp: GpuProgram, launch: Launch, state: dict, copies: str = "late"):
        self.gp, self.launch, self.state = gp, launch, state
        if copies not in ("late", "early"):
            raise SimulationError(f"copies must be 'late' or 'early', not {copies!r}")
        self.copies = copies
        self.open_group: list = []  # cp.async writes issued since the last commit
        self.groups: list = []  # committed groups, oldest first
        self.bufs = {b.name: b for b in gp.buffers}
        self.n = launch.grid * launch.block
        self.d = ConcreteDomain(self.n)
        ids = np.arange(self.n)
        self.ids = {"tid.x": (ids % launch.block).astype(object), "ctaid.x": (ids // launch.block).astype(object),
                    "ntid.x": np.full(self.n, launch.block, dtype=object)}
        self.block_of = ids // launch.block
        self.tiles = {t.name: (t, np.stack([_zeros(t.dtype, t.size) for _ in range(launch.grid)]))
                      for t in launch.shared}
        self.env: dict[str, Meaning] = {}
        self.accs: dict[str, Meaning] = {}

    def ok(self):
        return Meaning(None, self.d.true(), self.d.false())

    # -- values -------------------------------------------------------------------------------
    def value(self, u: UOp, mask, memo: dict) -> Meaning:
        if u in memo:
            return memo[u]
        m = self._value(u, mask, memo)
        memo[u] = m
        return m

    def _index(self, m: Meaning, mask, size: int, what: str):
        idx = np.where(mask, m.value, 0).astype(np.int64)
        bad = mask & ((idx < 0) | (idx >= size))
        if np.any(bad):
            k = int(np.nonzero(bad)[0][0])
            raise SimulationError(f"{self.launch.name}: thread {k} accesses {what}[{idx[k]}] out of bounds "
                                  f"(size {size})")
        return idx

    def _value(self, u, mask, memo) -> Meaning:
        d = self.d
        if u.op == "var":
            if u.arg.name not in self.env:
                raise SimulationError(f"{self.launch.name}: '{u.arg.name}' read before it is bound")
            return self.env[u.arg.name]
        if u.op == "special":
            return Meaning(self.ids[u.arg], d.true(), d.false())
        if u.op == "acc":
            return self.accs[u.arg]
        if u.op == "lanes":
            return Meaning(tuple(d.const(u.dtype.scalar, i) for i in range(u.dtype.lanes)), d.true(), d.false())
        if u.op == "broadcast":
            s = self.value(u.src[0], mask, memo)
            return Meaning((s.value,) * u.dtype.lanes, s.defined, s.poison)
        if u.op == "extract":
            s = self.value(u.src[0], mask, memo)
            return Meaning(s.value[u.arg], lane_defined(s, u.arg, True), s.poison)
        if u.op == "vshuffle":
            s = self.value(u.src[0], mask, memo)
            lanes = None if s.lanes_defined is None else tuple(s.lanes_defined[i] for i in u.arg)
            return Meaning(tuple(s.value[i] for i in u.arg), s.defined, s.poison, lanes)
        if u.op in ("load", "vload", "gather", "sload"):
            return self.load(u, mask, memo)
        if u.op == "hreduce":
            s = self.value(u.src[0], mask, memo)
            t = u.dtype
            node = UOp(u.arg, t, (var(t, "a"), var(t, "b")))
            acc = Meaning(s.value[0], s.defined, s.poison)
            for lane in s.value[1:]:
                acc = apply_op(node, d, [acc, Meaning(lane, s.defined, s.poison)])
            return acc
        if u.op == "ldmatrix":
            return self.ldmatrix(u, mask, memo)
        if u.op == "mma":
            return self.mma(u, mask, memo)
        if u.op == "shfl":
            s = self.value(u.src[0], mask, memo)
            off = int(u.src[1].arg)
            lane = np.arange(self.n) % 32
            src = np.where(lane + off < 32, np.arange(self.n) + off, np.arange(self.n))
            return Meaning(np.asarray(s.value)[src], np.asarray(s.defined)[src], np.asarray(s.poison)[src])
        return apply_op(u, d, [self.value(s, mask, memo) for s in u.src])

    # -- warp-level matrix ops (lower/gpu_mma.py: the PTX ISA's layouts as functions) ----------
    def _whole_warps(self, mask, what: str):
        if not np.all(mask):
            raise SimulationError(f"{self.launch.name}: {what} with some lanes of a warp inactive")
        if self.launch.block % 32:
            raise SimulationError(f"{self.launch.name}: {what} in a block of {self.launch.block} threads")

    def ldmatrix(self, u, mask, memo) -> Meaning:
        """ldmatrix.x4(.trans).b16: lane l gives the row address of row l % 8 of matrix
        l / 8; register q of lane l holds the two halves `ldmatrix_source` names."""
        self._whole_warps(mask, "ldmatrix")
        tile_name, trans = u.arg
        tile, arr = self.tiles[tile_name]
        ix = self.value(u.src[0], mask, memo)
        addr = np.asarray(ix.value).astype(np.int64)
        bad = (addr % CHUNK != 0) | (addr < 0) | (addr + CHUNK > tile.size)
        if np.any(bad):
            k = int(np.nonzero(bad)[0][0])
            raise SimulationError(f"{self.launch.name}: thread {k} gives ldmatrix row {tile_name}[{addr[k]}] "
                                  f"(misaligned or out of bounds, size {tile.size})")
        ids = np.arange(self.n)
        lane, wbase = ids % 32, ids - ids % 32
        vals = []
        for q in range(4):
            for h in range(2):
                src, off = ldmatrix_source(q, h, lane, trans)
                vals.append(arr[self.block_of, addr[wbase + src] + off])
        ok = np.asarray(ix.defined, dtype=bool) & ~np.asarray(ix.poison, dtype=bool)
        okw = np.repeat(ok.reshape(-1, 32).all(axis=1), 32)
        return Meaning(tuple(vals), okw, ~okw)

    def mma(self, u, mask, memo) -> Meaning:
        """mma.sync m16n8k16 f32 += f16 x f16 for every warp: its fragments gathered into
        A (16x16), B (16x8), C (16x8) by the PTX ISA layouts, D = A B + C. The products of
        halves are exact in f32; the tensor core's sum order is its own: modelled as the exact
        sum rounded once to f32 (compared with the reference within its float tolerance)."""
        self._whole_warps(mask, "mma")
        a, b, c = (self.value(s, mask, memo) for s in u.src)
        nw, lane = self.n // 32, np.arange(32)
        A, B, C = np.zeros((nw, 16, 16)), np.zeros((nw, 16, 8)), np.zeros((nw, 16, 8))
        for i in range(8):
            A[:, a_elem(i, lane)[0], a_elem(i, lane)[1]] = np.asarray(a.value[i], dtype=np.float64).reshape(nw, 32)
        for i in range(4):
            B[:, b_elem(i, lane)[0], b_elem(i, lane)[1]] = np.asarray(b.value[i], dtype=np.float64).reshape(nw, 32)
            C[:, c_elem(i, lane)[0], c_elem(i, lane)[1]] = np.asarray(c.value[i], dtype=np.float64).reshape(nw, 32)
        D = (A @ B + C).astype(np.float32)
        out = tuple(D[:, c_elem(i, lane)[0], c_elem(i, lane)[1]].reshape(self.n) for i in range(4))
        ok = np.ones(self.n, dtype=bool)
        for m in (a, b, c):
            ok &= np.asarray(m.defined, dtype=bool) & ~np.asarray(m.poison, dtype=bool)
        okw = np.repeat(ok.reshape(-1, 32).all(axis=1), 32)
        return Meaning(out, okw, ~okw)

    def load(self, u, mask, memo) -> Meaning:
        lanes = u.dtype.lanes
        index = self.value(u.src[0], mask, memo)
        if u.op == "sload":
            tile, arr = self.tiles[u.arg]
            get = lambda i: arr[self.block_of, self._index(i, mask, tile.size, u.arg)]  # noqa: E731
        else:
            flat = self.state[u.arg]
            get = lambda i: flat[self._index(i, mask, len(flat), u.arg)]  # noqa: E731
        if u.op == "gather" or u.src[0].dtype.lanes > 1:  # a vector index: one element a lane
            vals = tuple(get(Meaning(index.value[l], None, None)) for l in range(lanes))
        elif lanes > 1:
            vals = tuple(get(Meaning(index.value + l, None, None)) for l in range(lanes))
        else:
            vals = get(index)
        return Meaning(vals, index.defined, index.poison)

    # -- statements -----------------------------------------------------------------------------
    def run(self, stmts, mask):
        for s in stmts:
            memo: dict = {}
            if isinstance(s, Let):
                self.env[s.var.arg.name] = _merge(mask, self.value(s.value, mask, memo), self.env.get(s.var.arg.name))
            elif isinstance(s, (AccInit, AccUpdate)):
                self.accs[s.name] = _merge(mask, self.value(s.value, mask, memo), self.accs.get(s.name))
            elif isinstance(s, If):
                c = self.value(s.cond, mask, memo)
                self.run(s.body, mask & np.asarray(c.value, dtype=bool))
            elif isinstance(s, Barrier):
                pass  # lockstep: every thread is already here
            elif isinstance(s, Loop):
                for v in range(0, s.stop, s.step):
                    self.env[s.var.arg.name] = Meaning(self.d.const(s.var.dtype, v), self.d.true(), self.d.false())
                    self.run(s.body, mask)
            elif isinstance(s, (Store, SharedStore)):
                self.store(s, mask, memo)
            elif isinstance(s, CopyAsync):
                self.copy_async(s, mask, memo)
            elif isinstance(s, CopyCommit):
                self.groups.append(self.open_group)
                self.open_group = []
            elif isinstance(s, CopyWait):
                while len(self.groups) > s.pending:
                    for land in self.groups.pop(0):
                        land()
            else:
                raise SimulationError(f"unknown statement {s!r}")

    def copy_async(self, s, mask, memo):
        """The global values are read now (inputs do not change during a launch); the
        shared write lands "early" (at once) or "late" (at the CopyWait that completes its
        group): a program correct under both does not read a stage before its copy is
        waited for, nor overwrite a stage another thread may still read."""
        val = self.value(s.value, mask, memo)
        lanes = s.value.dtype.lanes
        gidx = np.asarray(self.value(s.value.src[0], mask, memo).value).astype(np.int64)
        if np.any(mask & (gidx % lanes != 0)):
            k = int(np.nonzero(mask & (gidx % lanes != 0))[0][0])
            raise SimulationError(f"{self.launch.name}: thread {k} copies from a misaligned address "
                                  f"({s.value.arg}[{gidx[k]}], {lanes} elements)")
        tile, arr = self.tiles[s.tile]
        index = self.value(s.index, mask, memo)
        ks = [self._index(Meaning(index.value + l if l else index.value, None, None), mask, tile.size, s.tile)
              for l in range(lanes)]
        blocks = self.block_of[mask]
        vals = [np.asarray(val.value[l])[mask] for l in range(lanes)]
        ks = [k[mask] for k in ks]

        def land():
            for l in range(lanes):
                arr[blocks, ks[l]] = vals[l]

        if self.copies == "early":
            land()
        else:
            self.open_group.append(land)

    def store(self, s, mask, memo):
        val = self.value(s.value, mask, memo)
        bad = mask & (~np.asarray(val.defined, dtype=bool) | np.asarray(val.poison, dtype=bool))
        if np.any(bad):
            raise SimulationError(f"{self.launch.name}: thread {int(np.nonzero(bad)[0][0])} stores an undefined value")
        index = self.value(s.index, mask, memo)
        lanes = s.value.dtype.lanes
        vals = val.value if lanes > 1 else (val.value,)
        for l in range(lanes):
            i = Meaning(index.value + l if l else index.value, None, None)
            if isinstance(s, SharedStore):
                tile, arr = self.tiles[s.tile]
                k = self._index(i, mask, tile.size, s.tile)
                arr[self.block_of[mask], k[mask]] = np.asarray(vals[l])[mask]
            else:
                flat = self.state[s.buffer]
                k = self._index(i, mask, len(flat), s.buffer)
                flat[k[mask]] = np.asarray(vals[l])[mask]


def simulate(gp: GpuProgram, inputs: dict, copies: str = "late") -> dict:
    """Run every launch of `gp` in order; returns the kernel's outputs as numpy arrays.
    `copies`: when asynchronous copies (CopyAsync) land in shared memory, "late" (at the
    wait that completes them) or "early" (when issued); see `_Launch.copy_async`."""
    k = gp.kernel
    check_inputs(k, inputs)
    state = {}
    for b in gp.buffers:
        state[b.name] = (_domain_array(b, inputs[b.name]) if b.role == "input" and b.name in inputs
                         else _zeros(b.dtype, b.size))
    for launch in gp.launches:
        plan = native_plan(launch)
        if isinstance(plan, ConvPlan):  # PTX text, not statements: its numpy model
            conv_model.run(plan, state[plan.img_buffer], state[plan.w_buffer], state[plan.out_buffer])
            continue
        if plan is not None:  # PTX text, not statements: its numpy model (lower/gpu_wgmma_model.py)
            wgmma_model.run(plan, state[plan.a.buffer], state[plan.b.buffer], state[plan.c_buffer])
            continue
        sim = _Launch(gp, launch, state, copies)
        sim.run(launch.body, np.ones(sim.n, dtype=bool))
    return {b.name: to_numpy(b, state[b.name]) for b in k.outputs}
