"""GpuProgram -> one WGSL module: a compute entry point per launch, dispatched in order.

The decisions are the GPU lowering's (`rewriter/lower/gpu.py`: map, block-reduce,
fused-rows, window-direct, window-tiled, tiled-matmul; grid, block, vector widths, shared
tiles and their bank-model padding), made for `gpu_ops.WEBGPU`: the H100's cost-model numbers under WebGPU's
default limits (256 invocations a workgroup, 16 KiB of workgroup memory) and without warp
shuffles (block reductions fold through a `var<workgroup>` tree). This module only renders
what the program says, in what WGSL can express:

  launch <<<grid, block>>>   `@workgroup_size(block)`, dispatched as an x * y grid of
                             workgroups (65535 a dimension); ctaid.x = wid.y * nwg.x + wid.x,
                             and the workgroups past `grid` return at once (uniformly)
  tid.x / ctaid.x            `local_invocation_index` / the linear workgroup id
  shared tiles               `var<workgroup>` arrays of carriers (8/16-bit integers held in
                             32-bit registers, `wgsl_types`), Barrier -> `workgroupBarrier()`;
                             a word-packed tile (`SharedTile.word_bytes`: window tiles) is an
                             `array<u32>` of 4 u8 / 2 i16 a word, stored whole words at a
                             time and read through `span_words` (funnel shifts)
  vectors (16 bytes)         one WGSL value a lane: WGSL's vectors stop at 4 lanes and have
                             no 8/16-bit integers, so the lanes of a vector op are printed as
                             scalar ops; the 16-byte access itself stays one thread's 16
                             contiguous bytes (4 words of packed u8, vec4-sized for f32)
  narrow stores              a store that writes whole 4-byte words of a packed buffer (a
                             vector store of a multiple of the word's lanes at an aligned
                             index) assembles the words; any other store into a packed buffer
                             (a scalar u8 result, an unaligned lane) clears and sets its own
                             bits of the word with `atomicAnd` / `atomicOr`, so neighbouring
                             invocations writing the other bytes of the word do not race.
                             Such a buffer is bound as `array<atomic<u32>>`.

Buffers are bound from the program's buffer list (the kernel signature, then the device-only
scratch buffers of split reductions; group 0, binding = that order): inputs
`var<storage, read>`, the rest `var<storage, read_write>`, as 4-byte words packed as
`wgsl_types` says. WebGPU makes each dispatch's storage writes visible to the next, which is
the launches' in-order semantics.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rewriter.backends.wgsl_ops import EMIT, HELPER_DEPS, HELPERS
from rewriter.backends.wgsl_shape import substituted, unrolled, vec4_buffers, walk, whole_words
from rewriter.backends.wgsl_swar import SWAR, lane_spec
from rewriter.backends.wgsl_types import WgslError, carrier, from_bits, is_f16, literal, storage, to_bits, words
from rewriter.ir.analysis import index_alignment
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.dtype import idx
from rewriter.ir.interp import apply_op
from rewriter.ir.uop import UOp, const
from rewriter.kernel.kernel import REDUCTIONS, Kernel
from rewriter.lower.gpu_program import Barrier, GpuProgram, If, Launch, Let, SharedStore
from rewriter.lower.program import AccInit, AccUpdate, Loop, Store


@dataclass(frozen=True)
class WebGPULimits:
    """WebGPU's default limits (W3C WebGPU spec, 3.6.2 "Limits"): what every adapter accepts
    without asking for more, so the shaders run on any WebGPU implementation. The two that
    shape the lowering are in `gpu_ops.WEBGPU`; these are checked on the rendered module."""

    max_invocations: int = 256  # maxComputeInvocationsPerWorkgroup
    max_workgroup_bytes: int = 16384  # maxComputeWorkgroupStorageSize
    max_groups_per_dim: int = 65535  # maxComputeWorkgroupsPerDimension
    max_storage_buffers: int = 8  # maxStorageBuffersPerShaderStage
    max_binding_bytes: int = 1 << 27  # maxStorageBufferBindingSize (128 MiB)


DEFAULT_LIMITS = WebGPULimits()


@dataclass(frozen=True)
class Binding:
    name: str  # the kernel buffer (or scratch buffer)
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
    mode: str  # the launch's strategy: map | block-reduce | fused-rows | window-direct | window-tiled | tiled-matmul
    note: str
    blocks: int = 0  # the launch's grid (groups may round it up to an x * y rectangle)


@dataclass(frozen=True)
class WgslShader:
    """The emitted module and everything the runtime needs to run it."""

    kernel: Kernel
    code: str
    bindings: tuple[Binding, ...]
    dispatches: tuple[Dispatch, ...]
    notes: tuple[str, ...] = field(default=())
    features: tuple[str, ...] = ()  # WebGPU device features the module needs ("shader-f16")
    program: GpuProgram | None = None  # the lowering this module renders


def _grid(groups: int, limits: WebGPULimits) -> tuple[int, int, int]:
    """`groups` workgroups as an x * y grid within the per-dimension limit, balanced so that
    at most one row's worth (< y) of workgroups has nothing to do."""
    gy = -(-groups // limits.max_groups_per_dim)
    if gy > limits.max_groups_per_dim:
        raise WgslError(f"{groups} workgroups exceed WebGPU's {limits.max_groups_per_dim}^2 grid")
    gx = -(-groups // gy)
    return (max(gx, 1), max(gy, 1), 1)


class _Emitter:
    """Prints one launch's body; every value (every lane of a vector value) gets its own `let`."""

    def __init__(self, buffers: dict, launch: Launch, prefix: str, helpers: set, atomic: set,
                 vec4: frozenset = frozenset()):
        self.bufs = buffers
        self.vec4 = vec4
        self.swar_memo: dict = {}
        self.launch = launch
        self.prefix = prefix
        self.helpers = helpers
        self.atomic = atomic
        self.multiples = dict(launch.multiples)
        self.tiles = {t.name: t for t in launch.shared}
        self.lines: list[str] = []
        self.depth = 1
        self.memo: dict = {}
        self.folded: dict = {}
        self.deps: dict = {}
        self.names: dict[str, str] = {}  # range var name -> WGSL name
        self.n = 0

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
                self.saved = em.memo, em.names
                em.memo, em.names = dict(em.memo), dict(em.names)

            def __exit__(self, *exc):
                em.depth -= 1
                em.memo, em.names = self.saved  # names bound inside are out of scope now
                em.line("}")
        return _Block()

    def _deps(self, u: UOp) -> frozenset:
        """The range variables and accumulators `u` reads (what a Let or an update changes)."""
        got = self.deps.get(u)
        if got is None:
            own = ({u.arg.name} if u.op == "var" else {"acc:" + u.arg} if u.op == "acc"
                   else {"buf:" + u.arg} if u.op in ("load", "vload", "gather") else set())
            got = frozenset(own).union(*(self._deps(s) for s in u.src)) if u.src else frozenset(own)
            self.deps[u] = got
        return got

    def forget(self, name: str):
        """Drop the cached values that read `name`: it has a new value from here on."""
        nodes = ((k, k[0] if isinstance(k, tuple) else k) for k in self.memo)
        stale = [k for k, u in nodes if (name in self._deps(u) if isinstance(u, UOp)
                                         else name == f"buf:{k[1]}")]  # ("word", buffer, index)
        for key in stale:
            del self.memo[key]

    # -- scalar values ------------------------------------------------------------------------
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
        elif u.op in EMIT and u.dtype.lanes == 1:
            srcs = [self.fold(s) for s in u.src]
            if all(s is not None for s in srcs):
                d = ConcreteDomain(1)
                m = apply_op(u.replace(src=tuple(srcs)), d, [apply_op(s, d, []) for s in srcs])
                ok = bool(np.asarray(m.defined).reshape(-1)[0]) and not bool(np.asarray(m.poison).reshape(-1)[0])
                out = const(u.dtype, np.asarray(m.value).reshape(-1)[0] if ok else 0)
        self.folded[u] = out
        return out

    def value(self, u: UOp) -> str:
        if u.dtype.lanes > 1:
            raise WgslError(f"internal: vector value {u.op} used as a scalar")
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
        if u.op == "special":
            return {"tid.x": "tid", "ctaid.x": "ctaid", "ntid.x": f"{self.launch.block}i"}[u.arg]
        if u.op == "load":
            out = self.element(u.arg, self.value(u.src[0]))
        elif u.op == "sload":
            out = self.sload(u.arg, self.value(u.src[0]), u.dtype)
        elif u.op == "extract":
            out = self.lane(u.src[0], u.arg)
        elif u.op == "hreduce":
            out = self.hreduce(u)
        elif u.op == "shfl":
            raise WgslError("internal: a warp shuffle reached the WGSL emitter (WebGPU lowers without them)")
        elif u.op in EMIT:
            out = self.op(u, [self.value(s) for s in u.src])
        else:
            raise WgslError(f"op '{u.op}' has no WGSL emitter")
        self.memo[u] = out
        return out

    def op(self, u: UOp, args: list) -> str:
        """One scalar op (or one lane of a vector op) of the op table."""
        s = u.dtype.scalar
        if u.op == "mulhi" and s.bits == 32:
            name = f"mulhi_{carrier(s)}"
            self.helpers.update((name, *HELPER_DEPS.get(name, ())))
        t = u.src[0].dtype.scalar if u.src else s
        if u.op == "where":
            t = u.src[1].dtype.scalar
        for x in u.src:
            carrier(x.dtype.scalar)  # rejects 64-bit operands with a clear error
        expr = EMIT[u.op](UOp(u.op, s, (), u.arg), t, *args)
        out = self.fresh()
        self.line(f"let {out}: {carrier(s)} = {expr};")
        return out

    def hreduce(self, u: UOp) -> str:
        """The lanes folded in lane order with the reduction's op (as the reference does)."""
        comb = u.arg if u.arg in EMIT else REDUCTIONS.get(u.arg, u.arg)
        t = u.dtype
        acc = self.lane(u.src[0], 0)
        proxy = UOp(comb, t, (UOp("acc", t, (), "_"), UOp("acc", t, (), "_")))
        for i in range(1, u.src[0].dtype.lanes):
            acc = self.op(proxy, [acc, self.lane(u.src[0], i)])
        return acc

    # -- memory -------------------------------------------------------------------------------
    def word(self, buf: str, i: str) -> str:
        ref = f"b_{buf}[{i}]"
        return f"atomicLoad(&{ref})" if buf in self.atomic else ref

    def element(self, buf: str, i: str, lane_word=None) -> str:
        """Element `i` of kernel buffer `buf` as its carrier. `lane_word` = (word index,
        constant bit offset) when the caller knows the word (an aligned vector lane)."""
        b = self.bufs[buf]
        st = storage(b.dtype)
        out = self.fresh()
        if not st.packed:
            self.line(f"let {out}: {carrier(b.dtype)} = {self.word(buf, i)};")
            return out
        if lane_word is not None:
            base, k, bit = lane_word
            w = self.load_word(buf, base, k)
            shift = f"{bit}u"
        else:
            w = self.fresh("w")
            self.line(f"let {w}: u32 = {self.word(buf, f'{i} >> {st.per_word.bit_length() - 1}u')};")
            shift = f"(u32({i} & {st.per_word - 1}i) * {st.bits}u)"
        self.line(f"let {out}: {carrier(b.dtype)} = {from_bits(b.dtype, w, shift)};")
        return out

    def load_word(self, buf: str, base: str, k: int) -> str:
        """Word `k` after the word holding element `base` (a whole-word-aligned element
        index) of `buf`, loaded once per scope: from a `vec4` binding as a component of one
        16-byte load."""
        st = storage(self.bufs[buf].dtype)
        sh = st.per_word.bit_length() - 1
        if buf in self.vec4:
            vindex = f"(({base} >> {sh + 2}u) + {k // 4}i)"
            key = ("word", buf, vindex)
            q = self.memo.get(key)
            if q is None:
                q = self.fresh("q")
                self.line(f"let {q}: vec4<{st.word}> = b_{buf}[{vindex}];")
                self.memo[key] = q
            return f"{q}[{k % 4}]"
        windex = f"(({base} >> {sh}u) + {k}i)" if sh else f"({base} + {k}i)"
        key = ("word", buf, windex)
        w = self.memo.get(key)
        if w is None:
            w = self.fresh("w")
            self.line(f"let {w}: {st.word} = {self.word(buf, windex)};")
            self.memo[key] = w
        return w

    # -- packed lanes a word at a time (wgsl_swar) --------------------------------------------
    def swar_ok(self, u: UOp) -> bool:
        """Whether every word of vector `u` can be computed as a word (no lane unpacking)."""
        got = self.swar_memo.get(u)
        if got is not None:
            return got
        spec = lane_spec(u.dtype)
        ok = False
        if spec is not None and u.dtype.lanes > 1:
            if u.op == "vload":
                st = storage(self.bufs[u.arg].dtype)
                ok = st.packed and index_alignment(u.src[0], self.multiples) % st.per_word == 0
            elif u.op == "broadcast":
                ok = True
            elif u.op in ("cast", "bitcast"):
                src = u.src[0].dtype.scalar
                ok = src.is_int and src.bits == spec.bits and self.swar_ok(u.src[0])
            elif u.op == "vshuffle":  # a byte (half-word) permutation of whole packed words
                ok = lane_spec(u.src[0].dtype) is not None and self.swar_ok(u.src[0])
            else:
                ok = (u.op, u.dtype.scalar.signed) in SWAR and all(self.swar_ok(s) for s in u.src)
        self.swar_memo[u] = ok
        return ok

    def swar_word(self, u: UOp, k: int) -> str:
        """Word `k` of the packed vector `u` (`swar_ok(u)`), as a u32."""
        key = (u, "swar", k)
        if key in self.memo:
            return self.memo[key]
        spec = lane_spec(u.dtype)

        def let(expr: str) -> str:
            name = self.fresh()
            self.line(f"let {name}: u32 = {expr};")
            return name

        if u.op == "vload":
            out = self.load_word(u.arg, self.value(u.src[0]), k)
        elif u.op == "broadcast":
            out = let(f"({to_bits(u.dtype.scalar, self.value(u.src[0]))} * {spec.ones})")
        elif u.op == "vshuffle":
            out = self.permuted_word(u, k, let)
        else:
            out = SWAR[(u.op, u.dtype.scalar.signed)](let, spec, *(self.swar_word(s, k) for s in u.src))
        self.memo[key] = out
        return out

    def permuted_word(self, u: UOp, k: int, let) -> str:
        """Word `k` of `vshuffle(v, lanes)` from the words of packed `v`: the output lanes are
        grouped by (source word, shift), each group one shift and one mask, the groups or-ed
        (the even bytes of words a, b: (a & 0xff) | ((a >> 8) & 0xff00) | ((b << 16) &
        0xff0000) | ((b << 8) & 0xff000000))."""
        spec = lane_spec(u.dtype)
        per = 32 // spec.bits
        lane_mask = (1 << spec.bits) - 1
        groups: dict = {}
        for j in range(per):
            src = u.arg[k * per + j]
            key = (src // per, (j - src % per) * spec.bits)
            groups[key] = groups.get(key, 0) | (lane_mask << (j * spec.bits))
        parts = []
        for (word, shift), mask in groups.items():
            w = self.swar_word(u.src[0], word)
            moved = w if shift == 0 else f"({w} << {shift}u)" if shift > 0 else f"({w} >> {-shift}u)"
            parts.append(moved if mask == 0xFFFFFFFF else f"({moved} & {hex(mask)}u)")
        return let(" | ".join(parts))

    def tile_name(self, tile: str) -> str:
        return f"{self.prefix}_{tile}"

    def sload(self, tile: str, i: str, t) -> str:
        out = self.fresh()
        packing = self.tile_packing(tile)
        if packing is None:
            self.line(f"let {out}: {carrier(t.scalar)} = {self.tile_name(tile)}[{i}];")
            return out
        per, bits = packing
        w = self.fresh("w")
        self.line(f"let {w}: u32 = {self.tile_name(tile)}[{i} >> {per.bit_length() - 1}u];")
        self.line(f"let {out}: {carrier(t.scalar)} = {from_bits(t, w, f'(u32({i} & {per - 1}i) * {bits}u)')};")
        return out

    # -- word-packed shared tiles (SharedTile.word_bytes) ---------------------------------------
    def tile_packing(self, tile: str):
        """(elements a word, bits an element) of a word-packed tile, None for a tile of carriers."""
        t = self.tiles[tile]
        if not t.word_bytes:
            return None
        eb = max(1, t.dtype.scalar.bits // 8)
        return t.word_bytes // eb, 8 * eb

    def span_words(self, fetch, base: str, align: int, n: int, per: int, bits: int) -> list:
        """The ceil(n / per) u32 words holding elements base .. base + n - 1 of an array of
        words packing `per` elements each (element `base` in the low bits of the first word),
        where `base` is known to be a multiple of `align`. `fetch(word index)` reads a word.
        Aligned: the words themselves. Else each word is the funnel of two adjacent words by
        s = bits * (base % per): (a >> s) | ((b << 1) << (31 - s)) -- the split shift keeps
        every shift amount below 32 (s = 0 gives a). Only words holding one of the n elements
        are read (the word past the last one is clamped onto it), so a read at the end of a
        buffer or tile stays inside it."""
        sh = per.bit_length() - 1
        count = -(-n // per)
        w0 = self.fresh("wi")
        self.line(f"let {w0}: i32 = {base} >> {sh}u;")
        if align % per == 0:
            return [fetch(w0 if k == 0 else f"{w0} + {k}i") for k in range(count)]
        touched = -(-(n + per - align) // per)
        last = self.fresh("wi")
        if touched > count:  # the last word holding one of the elements
            self.line(f"let {last}: i32 = ({base} + {n - 1}i) >> {sh}u;")
        raw = [fetch(w0 if k == 0 else f"{w0} + {k}i" if k < count else f"min({w0} + {k}i, {last})")
               for k in range(touched)]
        s = self.fresh("s")
        self.line(f"let {s}: u32 = u32({base} & {per - 1}i) * {bits}u;")
        out = []
        for j in range(count):
            w = self.fresh()
            hi = f" | (({raw[j + 1]} << 1u) << (31u - {s}))" if j + 1 < touched else ""
            self.line(f"let {w}: u32 = ({raw[j]} >> {s}){hi};")
            out.append(w)
        return out

    def word_fetcher(self, read):
        """`span_words`' fetch: word index -> a fresh `let` holding the word `read(index)` names."""
        def fetch(wi: str) -> str:
            w = self.fresh("w")
            self.line(f"let {w}: u32 = {read(wi)};")
            return w
        return fetch

    def fetch_tile_word(self, tile: str):
        return self.word_fetcher(lambda wi: f"{self.tile_name(tile)}[{wi}]")

    def fetch_buffer_word(self, buf: str):
        return self.word_fetcher(lambda wi: self.word(buf, wi))

    def tile_row_lane(self, u: UOp, i: int) -> str:
        """Lane `i` of a vector read of consecutive elements of a word-packed tile: the words
        the read spans are loaded once (`span_words`), each lane one shift and mask."""
        per, bits = self.tile_packing(u.arg)
        key = (u, "words")
        ws = self.memo.get(key)
        if ws is None:
            ws = self.span_words(self.fetch_tile_word(u.arg), self.value(u.src[0]),
                                 index_alignment(u.src[0], self.multiples), u.dtype.lanes, per, bits)
            self.memo[key] = ws
        out = self.fresh()
        self.line(f"let {out}: {carrier(u.dtype.scalar)} = {from_bits(u.dtype, ws[i // per], f'{(i % per) * bits}u')};")
        return out

    def store_tile_words(self, s: SharedStore):
        """A store into a word-packed tile: whole words at a word-aligned index (the lowering's
        contract, checked here); the bytes of a last word past the value's lanes are padding.
        A value that is a vector load of a packed buffer is moved a word at a time."""
        per, bits = self.tile_packing(s.tile)
        if index_alignment(s.index, self.multiples) % per:
            raise WgslError(f"internal: a store into word-packed tile {s.tile} at an index not known to be word-aligned")
        v, n = s.value, s.value.dtype.lanes
        st = storage(self.bufs[v.arg].dtype) if v.op in ("vload", "load") else None
        if st is not None and st.packed and st.bits == bits:
            ws = self.span_words(self.fetch_buffer_word(v.arg), self.value(v.src[0]),
                                 index_alignment(v.src[0], self.multiples), n, per, bits)
        else:
            vals = [self.lane(v, j) for j in range(n)]
            ws = [" | ".join(f"({to_bits(v.dtype, vals[q])} << {(q % per) * bits}u)" for q in range(w * per, min(n, w * per + per)))
                  for w in range(-(-n // per))]
        wi = self.fresh("wi")
        self.line(f"let {wi}: i32 = {self.value(s.index)} >> {per.bit_length() - 1}u;")
        for k, w in enumerate(ws):
            self.line(f"{self.tile_name(s.tile)}[{wi if k == 0 else f'{wi} + {k}i'}] = {w};")

    # -- vector values, a lane at a time ----------------------------------------------------------
    def lane(self, u: UOp, i: int) -> str:
        if u.dtype.lanes == 1:
            return self.value(u)
        key = (u, i)
        if key in self.memo:
            return self.memo[key]
        if u.op == "broadcast":
            out = self.value(u.src[0])
        elif u.op == "lanes":
            out = f"{i}i"
        elif u.op == "vshuffle":
            out = self.lane(u.src[0], u.arg[i])
        elif u.op == "acc":
            out = f"{u.arg}_{i}"
        elif u.op == "vload":
            out = self.vload_lane(u, i)
        elif u.op == "gather":
            out = self.element(u.arg, self.lane(u.src[0], i))
        elif u.op == "sload" and u.src[0].dtype.lanes == 1 and self.tile_packing(u.arg):
            out = self.tile_row_lane(u, i)
        elif u.op == "sload":  # consecutive elements from a scalar index, else one a lane
            at = self.lane(u.src[0], i) if u.src[0].dtype.lanes > 1 else f"({self.value(u.src[0])} + {i}i)"
            out = self.sload(u.arg, at, u.dtype)
        elif u.op in EMIT:
            out = self.op(u, [self.lane(s, i) for s in u.src])
        else:
            raise WgslError(f"op '{u.op}' on vectors has no WGSL emitter")
        self.memo[key] = out
        return out

    def vload_lane(self, u: UOp, i: int) -> str:
        b = self.bufs[u.arg]
        st = storage(b.dtype)
        base = self.value(u.src[0])
        if st.packed and index_alignment(u.src[0], self.multiples) % st.per_word == 0:
            return self.element(u.arg, "", (base, i // st.per_word, (i % st.per_word) * st.bits))
        if u.arg in self.vec4:  # unpacked: a lane is a word
            return self.load_word(u.arg, base, i)
        return self.element(u.arg, f"({base} + {i}i)")

    # -- statements ---------------------------------------------------------------------------
    def stmts(self, body):
        for s in body:
            if isinstance(s, Loop) and unrolled(s):
                for k in range(0, s.stop, s.step):
                    self.stmts(tuple(substituted(b, {s.var: const(idx, k)}) for b in s.body))
            elif isinstance(s, Loop):
                name = self.fresh(f"r_{s.var.arg.name}_")
                with self.block(f"for (var {name}: i32 = 0i; {name} < {s.stop}i; {name} = {name} + {s.step}i)"):
                    self.names[s.var.arg.name] = name
                    self.forget(s.var.arg.name)
                    self.stmts(s.body)
            elif isinstance(s, Let):
                value = self.value(s.value)
                name = self.fresh(f"r_{s.var.arg.name}_")
                self.line(f"let {name}: i32 = {value};")
                self.names[s.var.arg.name] = name
                self.forget(s.var.arg.name)
            elif isinstance(s, If):
                with self.block(f"if ({self.value(s.cond)})"):
                    self.stmts(s.body)
            elif isinstance(s, Barrier):
                self.line("workgroupBarrier();")
            elif isinstance(s, AccInit):
                self.acc_assign(s.name, s.dtype, s.value, declare=True)
            elif isinstance(s, AccUpdate):
                self.acc_assign(s.name, s.value.dtype, s.value, declare=False)
            elif isinstance(s, SharedStore) and self.tile_packing(s.tile):
                self.store_tile_words(s)
            elif isinstance(s, SharedStore):
                tile, i = self.tile_name(s.tile), self.value(s.index)
                lanes = s.value.dtype.lanes
                vals = [self.lane(s.value, j) for j in range(lanes)]
                for j, v in enumerate(vals):
                    self.line(f"{tile}[{i if lanes == 1 else f'{i} + {j}i'}] = {v};")
            elif isinstance(s, Store):
                self.store(s)
            else:
                raise WgslError(f"internal: unknown statement {s!r}")

    def acc_assign(self, name: str, t, value: UOp, declare: bool):
        lanes = t.lanes
        vals = [self.lane(value, j) for j in range(lanes)]  # every lane before any assignment
        names = [name] if lanes == 1 else [f"{name}_{j}" for j in range(lanes)]
        for n, v in zip(names, vals):
            self.line(f"var {n}: {carrier(t.scalar)} = {v};" if declare else f"{n} = {v};")
        self.forget("acc:" + name)

    def store(self, s: Store):
        self._store(s)
        self.forget("buf:" + s.buffer)  # loads of this buffer made before the store are stale

    def _store(self, s: Store):
        b = self.bufs[s.buffer]
        st = storage(b.dtype)
        lanes = s.value.dtype.lanes
        i = self.value(s.index)
        sh = st.per_word.bit_length() - 1
        if st.packed and whole_words(s, self.bufs, self.multiples) and self.swar_ok(s.value):
            self.put_words(b, i, [self.swar_word(s.value, w) for w in range(lanes // st.per_word)])
            return
        vals = [self.lane(s.value, j) for j in range(lanes)]
        if b.name in self.vec4:
            self.put_words(b, i, vals if not st.packed else [
                " | ".join(f"({to_bits(b.dtype, vals[w * st.per_word + q])} << {q * st.bits}u)"
                           for q in range(st.per_word)) for w in range(lanes // st.per_word)])
            return
        ref = lambda w: f"b_{b.name}[{w}]"  # noqa: E731
        put = (lambda w, v: self.line(f"atomicStore(&{ref(w)}, {v});")) if b.name in self.atomic else \
            (lambda w, v: self.line(f"{ref(w)} = {v};"))
        if not st.packed:
            for j, v in enumerate(vals):
                put(i if lanes == 1 else f"{i} + {j}i", v)
            return
        if whole_words(s, self.bufs, self.multiples):
            for w in range(lanes // st.per_word):
                parts = [f"({to_bits(b.dtype, vals[w * st.per_word + q])} << {q * st.bits}u)"
                         for q in range(st.per_word)]
                put(f"({i} >> {sh}u) + {w}i", " | ".join(parts))
            return
        # Part of a word: clear, then set, only this element's bits (atomically: the other
        # elements of the word may be another invocation's).
        for j, v in enumerate(vals):
            e = self.fresh("e")
            self.line(f"let {e}: i32 = {i if lanes == 1 else f'{i} + {j}i'};")
            shift = f"(u32({e} & {st.per_word - 1}i) * {st.bits}u)"
            self.line(f"atomicAnd(&{ref(f'{e} >> {sh}u')}, ~({hex(st.mask)}u << {shift}));")
            self.line(f"atomicOr(&{ref(f'{e} >> {sh}u')}, {to_bits(b.dtype, v)} << {shift});")


    def put_words(self, b, i: str, ws: list):
        """Store whole words `ws` from element `i` (word-aligned) of buffer `b` on: 16 bytes
        at a time into a `vec4` binding, else a word at a time."""
        st = storage(b.dtype)
        sh = st.per_word.bit_length() - 1
        if b.name in self.vec4:
            for g in range(0, len(ws), 4):
                self.line(f"b_{b.name}[({i} >> {sh + 2}u) + {g // 4}i] = vec4<{st.word}>({', '.join(ws[g:g + 4])});")
            return
        for w, v in enumerate(ws):
            at = f"({i} >> {sh}u) + {w}i" if sh else f"{i} + {w}i"
            if b.name in self.atomic:
                self.line(f"atomicStore(&b_{b.name}[{at}], {v});")
            else:
                self.line(f"b_{b.name}[{at}] = {v};")


_HEAD = ("@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, "
         "@builtin(num_workgroups) nwg: vec3<u32>")


def bindings(gp: GpuProgram) -> tuple[Binding, ...]:
    return tuple(Binding(b.name, b.dtype, b.size, words(b.dtype, b.size), b.role, i)
                 for i, b in enumerate(gp.buffers))


def render_wgsl(gp: GpuProgram, limits: WebGPULimits = DEFAULT_LIMITS) -> WgslShader:
    kernel = gp.kernel
    binds = bindings(gp)
    if len(binds) > limits.max_storage_buffers:
        raise WgslError(f"kernel '{kernel.name}' needs {len(binds)} buffers; WebGPU binds at most "
                        f"{limits.max_storage_buffers} storage buffers per shader stage by default (no splitting yet)")
    for b in binds:
        if b.words * 4 > limits.max_binding_bytes:
            raise WgslError(f"buffer '{b.name}' ({b.words * 4} bytes) exceeds WebGPU's default "
                            f"{limits.max_binding_bytes}-byte storage binding (no splitting yet)")
    bufs = {b.name: b for b in gp.buffers}
    atomic = set()
    for launch in gp.launches:
        mult = dict(launch.multiples)
        for s in walk(launch.body):
            if isinstance(s, Store) and not whole_words(s, bufs, mult):
                atomic.add(s.buffer)
    vec4 = vec4_buffers(gp, atomic)
    decls, helpers, bodies, dispatches = [], set(), [], []
    for b in binds:
        access = "read" if b.role == "input" else "read_write"
        word = storage(b.dtype).word
        word = f"atomic<{word}>" if b.name in atomic else f"vec4<{word}>" if b.name in vec4 else word
        decls.append(f"@group(0) @binding({b.binding}) var<storage, {access}> b_{b.name}: "
                     f"array<{word}>;  // {b.role} {b.dtype}[{b.count}]")
    for n, launch in enumerate(gp.launches):
        if launch.block > limits.max_invocations:
            raise WgslError(f"internal: launch {launch.name} has {launch.block} threads a block")
        entry = f"k{n}_{launch.name}"
        wbytes = 0
        for t in launch.shared:
            ct = carrier(t.dtype)
            if t.word_bytes:  # word-packed (SharedTile.word_bytes): u32 words of narrow elements
                n = -(-t.size * max(1, t.dtype.scalar.bits // 8) // 4)
                decls.append(f"var<workgroup> {entry}_{t.name}: array<u32, {n}>;  // {t.dtype} packed")
                wbytes += 4 * n
                continue
            decls.append(f"var<workgroup> {entry}_{t.name}: array<{ct}, {t.size}>;")
            wbytes += t.size * (2 if ct == "f16" else 4)
        if wbytes > limits.max_workgroup_bytes:
            raise WgslError(f"internal: launch {launch.name} uses {wbytes} bytes of workgroup memory")
        em = _Emitter(bufs, launch, entry, helpers, atomic, vec4)
        groups = _grid(launch.grid, limits)
        em.line("let ctaid: i32 = i32(wid.y * nwg.x + wid.x);")
        if groups[0] * groups[1] != launch.grid:
            em.line(f"if (ctaid >= {launch.grid}i) {{ return; }}")  # workgroup-uniform
        em.line("let tid: i32 = i32(lid);")
        em.stmts(launch.body)
        bodies.append("\n".join([f"@compute @workgroup_size({launch.block})",
                                 f"fn {entry}({_HEAD}) {{", *em.lines, "}"]))
        note = f"{entry}: {launch.strategy}, {launch.grid} workgroups of {launch.block}"
        dispatches.append(Dispatch(entry, groups, launch.block, launch.strategy, note, launch.grid))
    helper_code = [HELPERS[h] for h in HELPERS if h in helpers]
    uses_f16 = any(is_f16(b.dtype) for b in gp.buffers) or any(
        is_f16(n.dtype) for st in kernel.stores for n in st.toposort() if n.dtype.kind != "ptr")
    head = f"// {kernel.name}: generated by rewriter's WebGPU backend" + ("\nenable f16;" if uses_f16 else "")
    code = "\n\n".join([head, "\n".join(decls), *helper_code, *bodies]) + "\n"
    notes = tuple(gp.notes) + tuple(d.note for d in dispatches)
    return WgslShader(kernel, code, binds, tuple(dispatches), notes,
                      ("shader-f16",) if uses_f16 else (), gp)
