"""Kernel -> one WGSL module: a compute entry point per store, dispatched in store order.

Each store is lowered on its own by the ordinary lowering (`rewriter.lower.lower`, scalar:
`vectorize=False`; a GPU thread is the vector lane) into a loop nest: parallel loops around
accumulators, reduce loops and one `Store`. This module maps that nest onto the WebGPU grid
(see `plan_store` for the decisions) and prints it:

  "thread"     one invocation per output element (or per storage word of a packed output:
               4 `u8` / 2 `i16` elements, so no two invocations write one word); the
               parallel loops become a decomposition of the global invocation index, the
               reduce loops stay sequential loops in the invocation, in index order.
  "workgroup"  one workgroup per output element for a long reduction with few outputs: the
               invocations stride over the reduce space, then fold their partial results in
               `var<workgroup>` memory with a barrier-separated tree. Exact for integer
               reductions (wrapping add, min, max are associative and commutative); for
               floats a reassociation, as the CPU vectorizer's reduction lanes are.
  "tiled"      a workgroup per 16 x 16 block of a matmul-shaped store, its operands staged
               in `var<workgroup>` tiles between barriers (`wgsl_tiles`).

Buffers are bound from the kernel signature (group 0, binding = declaration order):
inputs `var<storage, read>`, outputs and temporaries `var<storage, read_write>`, all as
arrays of 4-byte words with the packing of `wgsl_types`. Consecutive dispatches see each
other's writes (WebGPU synchronizes storage between dispatches), which is what the stores'
order needs (softmax: the row maximum, then the row sum, then the output).

The GPU lowering of the ptx branch (`rewriter/lower/gpu.py`) is meant to replace
`plan_store`: the mapping here only reads a `Program`, so a grid/tile plan from there can be
printed by the same statement emitter.
"""
from __future__ import annotations

import math

import numpy as np
from dataclasses import dataclass, field

from rewriter.backends.wgsl_ops import EMIT, HELPER_DEPS, HELPERS
from rewriter.backends.wgsl_tiles import TILE, entry_tiled, find_tiles
from rewriter.backends.wgsl_types import (WgslError, carrier, from_bits, is_f16, literal, storage,
                                          to_bits, words)
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import apply_op
from rewriter.ir.uop import const
from rewriter.kernel.kernel import Kernel
from rewriter.lower.lower import affine, lower
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store
from rewriter.lower.target import TargetDesc


@dataclass(frozen=True)
class WebGPULimits:
    """WebGPU's default limits (W3C WebGPU spec, 3.6.2 "Limits"): what every adapter accepts
    without asking for more, so the shaders run on any WebGPU implementation."""

    max_invocations: int = 256  # maxComputeInvocationsPerWorkgroup
    max_workgroup_bytes: int = 16384  # maxComputeWorkgroupStorageSize
    max_groups_per_dim: int = 65535  # maxComputeWorkgroupsPerDimension
    max_storage_buffers: int = 8  # maxStorageBuffersPerShaderStage
    max_binding_bytes: int = 1 << 27  # maxStorageBufferBindingSize (128 MiB)
    # Planner thresholds (ours, not WebGPU's): a reduction this long with fewer outputs than
    # `fill_threads` (about what keeps a large GPU busy) gets a workgroup per output.
    workgroup_reduce_min: int = 256
    fill_threads: int = 16384
    # A thread-mapped store of at least `coarsen_min_items` items gives each invocation
    # `coarsen` of them, a workgroup's width apart (coalesced, independent loads in flight,
    # fewer workgroups to schedule).
    coarsen: int = 4
    coarsen_min_items: int = 1 << 20


DEFAULT_LIMITS = WebGPULimits()


def webgpu_target() -> TargetDesc:
    """The lowering's view of WebGPU: scalar programs (vector_bytes=4: one 32-bit lane)."""
    return TargetDesc("webgpu", 4, 0, 0)


@dataclass(frozen=True)
class Binding:
    name: str  # the kernel buffer
    dtype: object
    count: int  # elements
    words: int  # 4-byte words in the GPU buffer
    role: str  # input | output | temp
    binding: int


@dataclass(frozen=True)
class Dispatch:
    entry: str
    groups: tuple[int, int, int]
    workgroup_size: int
    mode: str  # "thread" | "workgroup"
    note: str


@dataclass(frozen=True)
class WgslShader:
    """The emitted module and everything the runtime needs to run it."""

    kernel: Kernel
    code: str
    bindings: tuple[Binding, ...]
    dispatches: tuple[Dispatch, ...]
    notes: tuple[str, ...] = field(default=())
    features: tuple[str, ...] = ()  # WebGPU device features the module needs ("shader-f16")


@dataclass(frozen=True)
class StorePlan:
    mode: str
    workgroup_size: int
    items: int  # output items (thread: elements, or words when packed) or workgroups (workgroup)
    pack: int  # output elements per item (thread mode, packed output)
    per_invocation: int = 1  # items per invocation (thread mode)
    tiles: object = None  # wgsl_tiles.TileInfo (tiled mode)

    @property
    def groups(self) -> int:
        if self.mode in ("workgroup", "tiled"):
            return self.items
        return -(-self.items // (self.workgroup_size * self.per_invocation))


def _pow2_ceil(n: int) -> int:
    return 1 << max(0, (n - 1).bit_length())


def _pow2_floor(n: int) -> int:
    return 1 << (max(1, n).bit_length() - 1)


def _row_major(pars, flat) -> bool:
    """Whether the store's flat index is the row-major index of its parallel loops."""
    a = affine(flat)
    if a is None:
        return False
    stride, want = 1, {None: 0}
    for lp in reversed(pars):
        want[lp.var.arg.name] = stride
        stride *= lp.stop
    # A range of one element is always 0: its coefficient does not matter (and the rule
    # library may already have folded it away).
    single = {lp.var.arg.name for lp in pars if lp.stop == 1}
    return ({k: v for k, v in a.items() if v and k not in single}
            == {k: v for k, v in want.items() if v and k not in single})


def _reduction_nest(inner):
    """(AccInit, [reduce loops], AccUpdate, Store) when `inner` is one pure reduction."""
    if len(inner) != 3 or not isinstance(inner[0], AccInit) or not isinstance(inner[2], Store):
        return None
    loops, body = [], (inner[1],)
    while len(body) == 1 and isinstance(body[0], Loop) and body[0].kind == "reduce":
        loops.append(body[0])
        body = body[0].body
    if not loops or len(body) != 1 or not isinstance(body[0], AccUpdate) or body[0].name != inner[0].name:
        return None
    return inner[0], loops, body[0], inner[2]


def plan_store(kernel: Kernel, pars, inner, limits: WebGPULimits = DEFAULT_LIMITS) -> StorePlan:
    """Thread or workgroup mapping and the workgroup size (see the module docstring):
    a workgroup per 16 x 16 output tile with `var<workgroup>` staging when the store has
    the matmul shape (`wgsl_tiles`); a workgroup per output when the store is one reduction of at least
    `workgroup_reduce_min` elements, fewer than `fill_threads` outputs and an unpacked
    result; else a thread per output (per word when packed) in workgroups of 256, fewer
    when there is less work."""
    store = inner[-1]
    outputs = math.prod(lp.stop for lp in pars)
    st = storage(kernel.buffer(store.buffer).dtype)
    nest = _reduction_nest(inner)
    tiles = find_tiles(pars, nest) if not st.packed else None
    if tiles is not None:
        return StorePlan("tiled", TILE * TILE, outputs // (TILE * TILE), 1, tiles=tiles)
    if nest is not None and not st.packed:
        red = math.prod(lp.stop for lp in nest[1])
        if red >= limits.workgroup_reduce_min and outputs < limits.fill_threads:
            wg = min(limits.max_invocations, _pow2_floor(red))
            return StorePlan("workgroup", wg, outputs, 1)
    pack = 1
    if st.packed:
        buf = kernel.buffer(store.buffer)
        if not _row_major(pars, store.index) or (outputs != buf.size and outputs % st.per_word):
            raise WgslError(f"store to packed {buf.dtype} buffer '{buf.name}' does not write whole "
                            f"{st.per_word}-element words in order; the WebGPU backend does not support that yet")
        pack = st.per_word
    items = -(-outputs // pack)
    per = limits.coarsen if items >= limits.coarsen_min_items else 1
    return StorePlan("thread", min(limits.max_invocations, _pow2_ceil(items)), items, pack, max(1, per))


def _grid(groups: int, limits: WebGPULimits) -> tuple[int, int, int]:
    """`groups` workgroups as an x * y grid within the per-dimension limit, balanced so that
    at most one row's worth (< y) of workgroups has nothing to do (a 65535 x 2 grid for
    65536 workgroups would schedule 65534 idle ones)."""
    gy = -(-groups // limits.max_groups_per_dim)
    if gy > limits.max_groups_per_dim:
        raise WgslError(f"{groups} workgroups exceed WebGPU's {limits.max_groups_per_dim}^2 grid")
    gx = -(-groups // gy)
    return (max(gx, 1), max(gy, 1), 1)


class _Emitter:
    """Prints statements of one entry point; every value node gets its own `let`."""

    def __init__(self, kernel: Kernel, helpers: set):
        self.k = kernel
        self.lines: list[str] = []
        self.depth = 1
        self.memo: dict = {}
        self.folded: dict = {}
        self.names: dict[str, str] = {}  # range var name -> WGSL name
        self.n = 0
        self.helpers = helpers

    def line(self, text: str):
        self.lines.append("  " * self.depth + text)

    def fresh(self, stem: str = "v") -> str:
        self.n += 1
        return f"{stem}{self.n}"

    def block(self, head: str):
        """`with em.block("for (...)"):` -- a WGSL block with its own value scope."""
        em = self

        class _Block:
            def __enter__(self):
                em.line(head + " {")
                em.depth += 1
                self.saved = em.memo
                em.memo = dict(em.memo)

            def __exit__(self, *exc):
                em.depth -= 1
                em.memo = self.saved
                em.line("}")
        return _Block()

    # -- values --------------------------------------------------------------------------------
    def fold(self, u):
        """`u` as a constant when all its leaves are constants, evaluated with the op table's
        own semantics (`apply_op`), else None. WGSL would evaluate such an expression at
        shader creation and reject one that overflows or shifts too far (`1i << 31u`), which
        the IR calls poison: any value then refines it, so poison and UB fold to 0."""
        if u in self.folded:
            return self.folded[u]
        out = None
        if u.op == "const":
            out = u
        elif u.op in EMIT:
            srcs = [self.fold(s) for s in u.src]
            if all(s is not None for s in srcs):
                d = ConcreteDomain(1)
                m = apply_op(u.replace(src=tuple(srcs)), d, [apply_op(s, d, []) for s in srcs])
                ok = bool(np.asarray(m.defined).reshape(-1)[0]) and not bool(np.asarray(m.poison).reshape(-1)[0])
                out = const(u.dtype, np.asarray(m.value).reshape(-1)[0] if ok else 0)
        self.folded[u] = out
        return out

    def value(self, u) -> str:
        if u in self.memo:
            return self.memo[u]
        folded = self.fold(u) if u.op in EMIT else None
        if folded is not None:
            u = folded
        if u.op == "const":
            return literal(u.dtype, u.arg)
        if u.op == "var":
            return self.names[u.arg.name]
        if u.op == "acc":
            return u.arg
        if u.op == "load":
            out = self.load(u)
        elif u.op in EMIT:
            if u.op == "mulhi" and u.dtype.scalar.bits == 32:
                name = f"mulhi_{carrier(u.dtype)}"
                self.helpers.update((name, *HELPER_DEPS.get(name, ())))
            args = [self.value(s) for s in u.src]
            t = u.src[0].dtype if u.src else u.dtype
            if u.op == "where":
                t = u.src[1].dtype
            for s in u.src:
                carrier(s.dtype)  # rejects 64-bit operands with a clear error
            expr = EMIT[u.op](u, t, *args)
            out = self.fresh()
            self.line(f"let {out}: {carrier(u.dtype)} = {expr};")
        else:
            raise WgslError(f"op '{u.op}' has no WGSL emitter (the backend emits scalar programs)")
        self.memo[u] = out
        return out

    def load(self, u) -> str:
        if u.arg.startswith("@"):  # a workgroup tile (wgsl_tiles): carriers, unpacked
            out = self.fresh()
            self.line(f"let {out}: {carrier(u.dtype)} = {u.arg[1:]}[{self.value(u.src[0])}];")
            return out
        buf = self.k.buffer(u.arg)
        st = storage(buf.dtype)
        i = self.value(u.src[0])
        out = self.fresh()
        if not st.packed:
            self.line(f"let {out}: {carrier(buf.dtype)} = b_{buf.name}[{i}];")
            return out
        sh = st.per_word.bit_length() - 1
        w = self.fresh("w")
        self.line(f"let {w}: u32 = b_{buf.name}[{i} >> {sh}u];")
        shift = f"(u32({i} & {st.per_word - 1}i) * {st.bits}u)"
        self.line(f"let {out}: {carrier(buf.dtype)} = {from_bits(buf.dtype, w, shift)};")
        return out

    def stored(self, s: Store) -> str:
        """The store's value converted to its buffer's storage word type (unpacked)."""
        return self.value(s.value)

    # -- statements ----------------------------------------------------------------------------
    def decompose(self, e: str, loops):
        """Bind each loop's variable from the row-major linear index `e`."""
        stride = 1
        for lp in reversed(loops):
            name = f"r_{lp.var.arg.name}"
            q = e if stride == 1 else f"({e} / {stride}i)"
            is_outer = lp is loops[0]
            self.line(f"let {name}: i32 = {q if is_outer else f'{q} % {lp.stop}i'};")
            self.names[lp.var.arg.name] = name
            stride *= lp.stop

    def stmts(self, body):
        for s in body:
            if isinstance(s, Loop):
                if s.kind == "parallel":
                    raise WgslError("internal: a parallel loop inside a reduction")
                name = f"r_{s.var.arg.name}"
                self.names[s.var.arg.name] = name
                with self.block(f"for (var {name}: i32 = 0i; {name} < {s.stop}i; {name} = {name} + {s.step}i)"):
                    self.stmts(s.body)
            elif isinstance(s, AccInit):
                self.line(f"var {s.name}: {carrier(s.dtype)} = {self.value(s.value)};")
            elif isinstance(s, AccUpdate):
                v = self.value(s.value)
                self.line(f"{s.name} = {v};")
            elif isinstance(s, Store):
                buf = self.k.buffer(s.buffer)
                self.line(f"b_{buf.name}[{self.value(s.index)}] = {self.stored(s)};")
            else:
                raise WgslError(f"internal: unknown statement {s!r}")


_HEAD = ("@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, "
         "@builtin(num_workgroups) nwg: vec3<u32>")


def _entry_thread(kernel, em: _Emitter, name: str, pars, inner, plan: StorePlan) -> list[str]:
    wg, per = plan.workgroup_size, plan.per_invocation
    outputs = math.prod(lp.stop for lp in pars)
    if per == 1:
        em.line(f"let t: i32 = i32((wid.y * nwg.x + wid.x) * {wg}u + lid);")
        em.line(f"if (t >= {plan.items}i) {{ return; }}")
        _thread_item(kernel, em, pars, inner, plan, outputs)
        return []
    # `per` items a workgroup's width apart: item = group * (wg * per) + c * wg + lid
    em.line(f"let base: i32 = i32(wid.y * nwg.x + wid.x) * {wg * per}i + i32(lid);")
    with em.block(f"for (var c: i32 = 0i; c < {per}i; c = c + 1i)"):
        em.line(f"let t: i32 = base + c * {wg}i;")
        with em.block(f"if (t < {plan.items}i)"):
            _thread_item(kernel, em, pars, inner, plan, outputs)
    return []


def _thread_item(kernel, em: _Emitter, pars, inner, plan: StorePlan, outputs: int):
    """The statements computing item `t`: one output element, or one packed word."""
    if plan.pack == 1:
        em.decompose("t", pars)
        em.stmts(inner)
        return
    store = inner[-1]
    buf = kernel.buffer(store.buffer)
    st = storage(buf.dtype)
    em.line("var word: u32 = 0u;")
    with em.block(f"for (var lane: i32 = 0i; lane < {plan.pack}i; lane = lane + 1i)"):
        em.line(f"let e: i32 = t * {plan.pack}i + lane;")
        with em.block(f"if (e < {outputs}i)"):
            em.decompose("e", pars)
            em.stmts(inner[:-1])
            bits = to_bits(buf.dtype, em.value(store.value))
            em.line(f"word = word | ({bits} << (u32(lane) * {st.bits}u));")
    em.line(f"b_{buf.name}[t] = word;")


def _entry_workgroup(kernel, em: _Emitter, name: str, pars, inner, plan: StorePlan) -> list[str]:
    init, loops, update, store = _reduction_nest(inner)
    wg = plan.workgroup_size
    scratch = f"red_{name}"
    t = carrier(init.dtype)
    em.line("let t: i32 = i32(wid.y * nwg.x + wid.x);")
    em.line(f"if (t >= {plan.items}i) {{ return; }}")  # workgroup-uniform: barriers stay legal
    em.decompose("t", pars)
    em.line(f"var {init.name}: {t} = {em.value(init.value)};")
    red = math.prod(lp.stop for lp in loops)
    with em.block(f"for (var r: i32 = i32(lid); r < {red}i; r = r + {wg}i)"):
        em.decompose("r", loops)
        em.line(f"{init.name} = {em.value(update.value)};")
    em.line(f"{scratch}[lid] = {init.name};")
    em.line("workgroupBarrier();")
    comb = update.value
    with em.block(f"for (var s: u32 = {wg // 2}u; s > 0u; s = s >> 1u)"):
        with em.block("if (lid < s)"):
            em.line(f"let x: {t} = {scratch}[lid];")
            em.line(f"let y: {t} = {scratch}[lid + s];")
            em.line(f"{scratch}[lid] = {EMIT[comb.op](comb, comb.dtype, 'x', 'y')};")
        em.line("workgroupBarrier();")
    with em.block("if (lid == 0u)"):
        em.line(f"{init.name} = {scratch}[0];")
        em.stmts((store,))
    return [f"var<workgroup> {scratch}: array<{t}, {wg}>;"]


_ENTRIES = {"thread": _entry_thread, "workgroup": _entry_workgroup, "tiled": entry_tiled}


def _peel(body):
    pars = []
    while len(body) == 1 and isinstance(body[0], Loop) and body[0].kind == "parallel":
        if body[0].step != 1:
            raise WgslError("internal: vectorized parallel loop reached the WGSL emitter")
        pars.append(body[0])
        body = body[0].body
    return pars, tuple(body)


def bindings(kernel: Kernel) -> tuple[Binding, ...]:
    out = tuple(Binding(b.name, b.dtype, b.size, words(b.dtype, b.size), b.role, i)
                for i, b in enumerate(kernel.buffers))
    return out


def emit_wgsl(kernel: Kernel, rewriter=None, limits: WebGPULimits = DEFAULT_LIMITS) -> WgslShader:
    """The WGSL module of `kernel` (already simplified; `rewriter` simplifies the flat
    indices the lowering builds). Raises WgslError for what WGSL cannot express."""
    binds = bindings(kernel)
    if len(binds) > limits.max_storage_buffers:
        raise WgslError(f"kernel '{kernel.name}' has {len(binds)} buffers; WebGPU binds at most "
                        f"{limits.max_storage_buffers} storage buffers per shader stage by default (no splitting yet)")
    for b in binds:
        if b.words * 4 > limits.max_binding_bytes:
            raise WgslError(f"buffer '{b.name}' ({b.words * 4} bytes) exceeds WebGPU's default "
                            f"{limits.max_binding_bytes}-byte storage binding (no splitting yet)")
    decls, helpers, bodies, dispatches, notes = [], set(), [], [], []
    for b in binds:
        access = "read" if b.role == "input" else "read_write"
        decls.append(f"@group(0) @binding({b.binding}) var<storage, {access}> b_{b.name}: "
                     f"array<{storage(b.dtype).word}>;  // {b.role} {b.dtype}[{b.count}]")
    target = webgpu_target()
    for n, st in enumerate(kernel.stores):
        prog = lower(kernel.with_stores([st]), target, rewriter, vectorize=False)
        pars, inner = _peel(prog.body)
        plan = plan_store(kernel, pars, inner, limits)
        name = f"store{n}_{st.arg}"
        em = _Emitter(kernel, helpers)
        scratch = _ENTRIES[plan.mode](kernel, em, name, pars, inner, plan)
        decls += scratch
        bodies.append("\n".join([f"@compute @workgroup_size({plan.workgroup_size})",
                                 f"fn {name}({_HEAD}) {{", *em.lines, "}"]))
        note = (f"{st.arg}: {plan.mode} mapping, {plan.groups} workgroups of {plan.workgroup_size}"
                + (f" ({TILE}x{TILE} outputs each, k staged {TILE} at a time)" if plan.mode == "tiled" else "")
                + (f", {plan.pack} elements per word" if plan.pack > 1 else "")
                + (f", {plan.per_invocation} {'words' if plan.pack > 1 else 'elements'} per invocation"
                   if plan.per_invocation > 1 else ""))
        groups = _grid(plan.groups, limits)
        dispatches.append(Dispatch(name, groups, plan.workgroup_size, plan.mode, note))
        notes.append(note)
    helper_code = [HELPERS[h] for h in HELPERS if h in helpers]
    uses_f16 = any(is_f16(b.dtype) for b in kernel.buffers) or any(
        is_f16(n.dtype) for st in kernel.stores for n in st.toposort() if n.dtype.kind != "ptr")
    head = f"// {kernel.name}: generated by rewriter's WebGPU backend" + ("\nenable f16;" if uses_f16 else "")
    code = "\n\n".join([head, "\n".join(decls), *helper_code, *bodies]) + "\n"
    return WgslShader(kernel, code, binds, tuple(dispatches), tuple(notes),
                      ("shader-f16",) if uses_f16 else ())
