"""GpuProgram -> LLVM IR for NVPTX -> PTX for sm_90, through llvmlite's NVPTX target.

Each launch becomes one `ptx_kernel` function taking every buffer (the kernel's, then the
device-only scratch buffers) as a `ptr addrspace(1)` (global memory); shared tiles are
`addrspace(3)` globals of the module. The statement and value emission is the CPU's
(`llvm_emit.ProgramEmitter`, the op table's `llvm_ops.EMIT`), extended here with the GPU
statements and values of lower/gpu_program.py:

  special  -> llvm.nvvm.read.ptx.sreg.{tid,ctaid,ntid}.x (zero-extended to idx = i64)
  Barrier  -> llvm.nvvm.barrier0 (bar.sync 0)
  shfl     -> llvm.nvvm.shfl.sync.down.{i32,f32} with the full mask (narrower types widened)
  sload / SharedStore -> loads/stores through the tile's addrspace(3) global
  ldmatrix -> llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4{.trans}.b16 (4 x i32 -> <8 x half>)
  mma      -> llvm.nvvm.mma.m16n8k16.row.col.f32.f32 (f16 A/B as <2 x half> pairs, f32 C/D):
              mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 (LLVM's IntrinsicsNVVM.td names
              the f16-input variants by their D and C types); bf16 A/B (i16 bits) through
              llvm.nvvm.mma.m16n8k16.row.col.bf16 as i32 pairs: ...f32.bf16.bf16.f32
  CopyAsync / CopyCommit / CopyWait -> llvm.nvvm.cp.async.cg.shared.global.16,
              llvm.nvvm.cp.async.commit.group, llvm.nvvm.cp.async.wait.group

Vector loads and stores carry the alignment the program proves (Launch.multiples: a range
that steps by its width keeps every index a multiple of it), so NVPTX emits
ld.global.v4 / st.global.v4 rather than splitting them into scalar accesses. Device
allocations (cuMemAlloc) are 256-byte aligned, so a buffer's base never lowers it. A vector
load at an aligned index plus a small offset (`x[i + k : +8]`, k a short loop's variable or a
constant: stencils and FIRs under the map strategy) is a *window load*: the aligned vector
at the aligned part, the aligned pieces of the next `max offset` elements, and the lanes
wanted shifted out of their concatenation (`_window_load`); LLVM merges the aligned loads of
the unrolled offsets, so sum3 i16 reads 16 + 4 bytes a thread instead of ten 2-byte loads.
Byte vectors' min and max are computed four lanes a word as two 16-bit-pair ops
(`byte_minmax`: max.u16x2), not a prmt + cvt + max.u16 a lane as LLVM splits them.

NVPTX facts: LLVM's NVPTXUsage.rst (address spaces 1 global / 3 shared, the ptx_kernel
calling convention, the nvvm.maxntid function attribute, the sreg/shfl/barrier intrinsics).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from llvmlite import ir

from rewriter.backends.idx_width import I64Widths
from rewriter.backends.llvm_emit import ProgramEmitter
from rewriter.backends.llvm_ops import EmitError, is_bf16, llvm_type, storage_type
from rewriter.backends.llvm_tools import binding, optimize
from rewriter.errors import ToolchainError
from rewriter.ir.analysis import affine, index_alignment
from rewriter.ir.dtype import DType
from rewriter.lower.gpu_ops import pieces
from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const
from rewriter.lower.gpu_program import (Barrier, CopyAsync, CopyCommit, CopyWait, GpuProgram, If, Launch, Let,
                                        SharedStore)
from rewriter.lower.program import Loop
from rewriter.backends import ptx_wgmma, ptx_wgmma_conv
from rewriter.backends.ptx_wgmma import merge
from rewriter.lower.gpu_wgmma_conv import ConvPlan
from rewriter.lower.gpu_program import native_plan

TRIPLE = "nvptx64-nvidia-cuda"
SM = "sm_90"
PTX_FEATURES = "+ptx80"
_I32, _I64 = ir.IntType(32), ir.IntType(64)


class _Buffers:
    """What ProgramEmitter reads from a kernel (`buffer(name)`, `buffers`), over the kernel's
    buffers and the program's scratch buffers."""

    def __init__(self, buffers):
        self.buffers = tuple(buffers)
        self._by = {b.name: b for b in self.buffers}

    def buffer(self, name):
        return self._by[name]


@dataclass(frozen=True)
class _ProgShim:
    kernel: object


class LaunchEmitter(ProgramEmitter):
    """One launch as one `ptx_kernel` function."""

    def __init__(self, gp: GpuProgram, launch: Launch, module: ir.Module):
        self.prog = _ProgShim(_Buffers(gp.buffers))
        self.k = self.prog.kernel
        self.module = module
        self.launch = launch
        self.multiple = dict(launch.multiples)
        self.byte_pairs = True  # byte min/max as 16-bit pairs (`byte_minmax`)
        self.loop_max = {}  # loop variable -> its largest value (window loads bound offsets by it)
        _loop_bounds(launch.body, self.loop_max)
        # Loops whose variable offsets a window load are unrolled here, so that every shift
        # of the joined window is a constant (a variable one goes through local memory).
        self.unroll_full = set()
        if launch.strategy == "fused-rows":  # the passes over the row unrolled alike, so that
            # the later passes' loads of the input row are the first pass's (invariant.load):
            # the row stays in registers between the passes (short rows only)
            self.unroll_full |= {lp.var.arg.name for lp in _loops(launch.body) if lp.stop // lp.step <= 16}
        for u in _uops(launch.body):
            if u.op in ("load", "vload") and u.dtype.lanes > 1:
                t = gp.buffers[[b.name for b in gp.buffers].index(u.arg)].dtype
                split = self._window_split(u.src[0], u.dtype.lanes, max(1, t.bits // 8))
                if split is not None:
                    self.unroll_full |= {v.arg.name for v in split[1].vars()}
        params = [ir.PointerType(addrspace=1) for _ in self.k.buffers]
        self.fn = ir.Function(module, ir.FunctionType(ir.VoidType(), params), name=launch.name)
        self.fn.calling_convention = "ptx_kernel"
        for arg, buf in zip(self.fn.args, self.k.buffers):
            arg.name = buf.name
            arg.add_attribute("noalias")
        self.ptr = {buf.name: arg for arg, buf in zip(self.fn.args, self.k.buffers)}
        # Loads of an input (never written by the program) carry !invariant.load in fused-rows
        # launches, so LLVM reuses the first pass's loads of the row across the barriers (other
        # strategies keep their code as measured)
        self.inputs = {buf.name for buf in gp.kernel.inputs} if launch.strategy == "fused-rows" else set()
        self.invariant = module.add_metadata([])
        self.entry = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.b = ir.IRBuilder(self.fn.append_basic_block("body"))
        self.slots, self.scopes, self.loop_vars = {}, [{}], {}
        self.widths = I64Widths()
        self.tiles = {}
        for t in launch.shared:
            g = ir.GlobalVariable(module, ir.ArrayType(storage_type(t.dtype), t.size),
                                  name=f"{launch.name}__{t.name}", addrspace=3)
            g.linkage = "internal"
            g.align = 16
            g.initializer = ir.Constant(g.value_type, ir.Undefined)
            self.tiles[t.name] = (g, t)

    def emit(self):
        self.stmts(self.launch.body)
        self.b.ret_void()
        self.entry.branch(self.fn.blocks[1])
        return self.fn

    # -- statements ------------------------------------------------------------------------------
    def stmts(self, stmts):
        for s in stmts:
            if isinstance(s, Let):
                self.let(s)
            elif isinstance(s, If):
                self.if_(s)
            elif isinstance(s, Barrier):
                self._call("llvm.nvvm.barrier0", ir.VoidType(), [])
            elif isinstance(s, CopyAsync):
                g, t = self.tiles[s.tile]
                dst = self.tile_ptr(g, self.value(s.index))
                src = self.element_ptr(s.value.arg, self.value(s.value.src[0]))
                self._call("llvm.nvvm.cp.async.cg.shared.global.16", ir.VoidType(), [dst, src])
            elif isinstance(s, CopyCommit):
                self._call("llvm.nvvm.cp.async.commit.group", ir.VoidType(), [])
            elif isinstance(s, CopyWait):
                self._call("llvm.nvvm.cp.async.wait.group", ir.VoidType(), [ir.Constant(_I32, s.pending)])
            elif isinstance(s, SharedStore):
                g, t = self.tiles[s.tile]
                ptr = self.tile_ptr(g, self.value(s.index))
                val = self.value(s.value)
                lanes = s.value.dtype.lanes
                if lanes > 1:  # a vector into consecutive elements (gpu_mma: 16-byte chunks, aligned)
                    ptr = self.b.bitcast(ptr, ir.PointerType(val.type, addrspace=3))
                self.b.store(val, ptr, align=max(1, t.dtype.bits // 8) * lanes)
            else:
                super().stmts([s])

    def loop(self, lp):
        if lp.var.arg.name not in self.unroll_full:
            return super().loop(lp)
        slot = self.alloca(_I64, lp.var.arg.name)
        self.loop_vars[lp.var.arg.name] = slot
        for v in range(0, lp.stop, lp.step):  # every iteration, the variable a constant
            self.b.store(ir.Constant(_I64, v), slot)
            self.scopes.append({})
            self.stmts(lp.body)
            self.scopes.pop()

    def tile_ptr(self, g, index):
        # Typed-pointer GEP (llvmlite types globals that way): element `index` of the array.
        return self.b.gep(g, [ir.Constant(_I64, 0), index], inbounds=True)

    def let(self, s: Let):
        name = s.var.arg.name
        slot = self.loop_vars.get(name)
        if slot is None:
            slot = self.loop_vars[name] = self.alloca(_I64, name)
        self.b.store(self.value(s.value), slot)
        # Every cached value computed from the old binding is stale now.
        for scope in self.scopes:
            for u in [u for u in scope if any(v.arg.name == name for v in u.vars())]:
                del scope[u]

    def if_(self, s: If):
        cond = self.value(s.cond)
        then = self.fn.append_basic_block("then")
        done = self.fn.append_basic_block("endif")
        self.b.cbranch(cond, then, done)
        self.b.position_at_end(then)
        self.scopes.append({})  # values made inside do not dominate the code after it
        self.stmts(s.body)
        self.scopes.pop()
        self.b.branch(done)
        self.b.position_at_end(done)

    # -- values -----------------------------------------------------------------------------------
    def _call(self, name, ret, args):
        fn = self.module.globals.get(name)
        if fn is None:
            fn = ir.Function(self.module, ir.FunctionType(ret, [a.type for a in args]), name=name)
        return self.b.call(fn, args)

    def _value(self, u):
        if u.op == "special":
            return self.b.zext(self._call(f"llvm.nvvm.read.ptx.sreg.{u.arg}", _I32, []), _I64)
        if u.op == "sload":
            return self.shared_load(u)
        if u.op == "extract":
            return self.b.extract_element(self.value(u.src[0]), ir.Constant(_I32, u.arg))
        if u.op == "vshuffle":  # lanes picked by constant indices: shufflevector (prmt for bytes)
            v = self.value(u.src[0])
            mask = ir.Constant(ir.VectorType(_I32, len(u.arg)), list(u.arg))
            return self.b.shuffle_vector(v, ir.Constant(v.type, ir.Undefined), mask)
        if u.op == "shfl":
            return self.shuffle(u)
        if u.op == "ldmatrix":
            return self.ldmatrix(u)
        if u.op == "mma":
            return self.mma(u)
        if u.op in ("exp2", "log2") and u.dtype.is_float:
            return self.transcendental(u)
        t = u.dtype
        if u.op in ("max", "min") and t.lanes % 4 == 0 and t.scalar.is_int and t.scalar.bits == 8 and self.byte_pairs:
            return byte_minmax(self.b, u.op, t.scalar.signed, self.value(u.src[0]), self.value(u.src[1]))
        return super()._value(u)

    def shared_load(self, u):
        """A shared-tile read. A lane-vector index is one contiguous read from its first lane
        where it is `broadcast(base) + lanes()` (the vectorized window term), else one element
        a lane. A contiguous vector read is issued as the aligned `gpu_ops.pieces` of the
        alignment its index proves (an affine index: its coefficients and `Launch.multiples`;
        the window tile's row reads, e.g. 6 bytes at a 4-aligned start: ld.shared.u32 +
        ld.shared.u16): a misaligned ld.shared faults on the GPU. An index that is not affine
        (the matmul micro-tile's, through tid / threads-along-n) keeps the alignment its
        strategy builds (rows padded to multiples of the vector width)."""
        g, t = self.tiles[u.arg]
        st = storage_type(t.dtype)
        eb = max(1, t.dtype.bits // 8)
        lanes = u.dtype.lanes
        index = u.src[0]
        if index.dtype.lanes > 1:
            base = _contiguous_base(index)
            if base is None:
                iv = self.value(index)
                out = ir.Constant(ir.VectorType(st, lanes), ir.Undefined)
                for i in range(lanes):
                    lane = ir.Constant(_I32, i)
                    ptr = self.tile_ptr(g, self.b.extract_element(iv, lane))
                    out = self.b.insert_element(out, self.b.load(ptr, typ=st, align=eb), lane)
                return out
            index = base
        if lanes == 1:
            return self.b.load(self.tile_ptr(g, self.value(index)), typ=st, align=eb)
        align = self._align(index, t.dtype, lanes) if affine(index) is not None else eb * lanes
        parts = pieces(eb * lanes, align, 16)
        start = self.value(index)
        if len(parts) == 1:
            return self.b.load(self.tile_ptr(g, start), typ=ir.VectorType(st, lanes), align=align)
        out = ir.Constant(ir.VectorType(st, lanes), ir.Undefined)
        for off, nbytes in parts:
            n = nbytes // eb
            at = self.b.add(start, ir.Constant(start.type, off // eb)) if off else start
            ptr = self.tile_ptr(g, at)
            if n == 1:
                out = self.b.insert_element(out, self.b.load(ptr, typ=st, align=nbytes), ir.Constant(_I32, off // eb))
                continue
            ty = ir.VectorType(st, n)
            piece = self.b.load(self.b.bitcast(ptr, ir.PointerType(ty, addrspace=3)), typ=ty, align=nbytes)
            for i in range(n):
                out = self.b.insert_element(out, self.b.extract_element(piece, ir.Constant(_I32, i)),
                                            ir.Constant(_I32, off // eb + i))
        return out

    def transcendental(self, u):
        """exp2/log2 of floats. NVPTX lowers llvm.exp2 of f16/f32 to ex2.approx but has no
        instruction (and we link no libdevice) for log2 or for f64, where LLVM would abort
        looking for a libcall. log2 of f16/f32 goes through lg2.approx.f32 (PTX ISA,
        "Floating Point Instructions: lg2": max error 2^-22 relative away from 1)."""
        t: DType = u.dtype
        if t.scalar.bits == 64 or t.scalar.ebits == 8 and t.scalar.bits == 16:
            raise EmitError(f"{u.op} of {t.scalar} is not supported on cuda yet (needs libdevice)")
        if u.op == "exp2":
            return super()._value(u)
        v = self.value(u.src[0])
        f32 = ir.FloatType()

        def one(x):
            wide = self.b.fpext(x, f32) if t.scalar.bits == 16 else x
            r = self._call("llvm.nvvm.lg2.approx.f", f32, [wide])
            return self.b.fptrunc(r, llvm_type(t.scalar)) if t.scalar.bits == 16 else r

        if t.lanes == 1:
            return one(v)
        out = ir.Constant(llvm_type(t), ir.Undefined)
        for i in range(t.lanes):
            lane = ir.Constant(_I32, i)
            out = self.b.insert_element(out, one(self.b.extract_element(v, lane)), lane)
        return out

    def ldmatrix(self, u):
        """Four b32 registers (matrix q in register q) as the 8 halves of the value."""
        tile, trans = u.arg
        g, t = self.tiles[tile]
        ptr = self.tile_ptr(g, self.value(u.src[0]))
        ret = ir.LiteralStructType([_I32] * 4)
        name = f"llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4{'.trans' if trans else ''}.b16"
        regs = self._call(name, ret, [ptr])
        vec = ir.Constant(ir.VectorType(_I32, 4), ir.Undefined)
        for q in range(4):
            vec = self.b.insert_element(vec, self.b.extract_value(regs, q), ir.Constant(_I32, q))
        return self.b.bitcast(vec, llvm_type(u.dtype))

    def mma(self, u):
        """D = A B + C of the warp: A as four <2 x half>, B as two, C and D four floats; bf16
        A and B (i16 bits here: llvm_round.py) as four and two i32, as NVVM's bf16 variant
        takes them."""
        a, b, c = (self.value(s) for s in u.src)
        f32 = ir.FloatType()
        cs = [self.b.extract_element(c, ir.Constant(_I32, i)) for i in range(4)]
        if is_bf16(u.src[0].dtype):
            regs = [self.b.bitcast(a, ir.VectorType(_I32, 4)), self.b.bitcast(b, ir.VectorType(_I32, 2))]
            args = [self.b.extract_element(r, ir.Constant(_I32, i)) for r in regs for i in range(r.type.count)]
            d = self._call("llvm.nvvm.mma.m16n8k16.row.col.bf16", ir.LiteralStructType([f32] * 4), args + cs)
            return self._vector4(d)
        half2 = ir.VectorType(ir.HalfType(), 2)

        def pairs(v, n):
            return [self.b.shuffle_vector(v, ir.Constant(v.type, ir.Undefined),
                                          ir.Constant(ir.VectorType(_I32, 2), [2 * i, 2 * i + 1])) for i in range(n)]

        fn_name = "llvm.nvvm.mma.m16n8k16.row.col.f32.f32"
        args = pairs(a, 4) + pairs(b, 2) + cs
        assert all(x.type == half2 for x in args[:6])
        return self._vector4(self._call(fn_name, ir.LiteralStructType([f32] * 4), args))

    def _vector4(self, d):
        """The four floats of an mma's result struct as a <4 x float>."""
        out = ir.Constant(ir.VectorType(ir.FloatType(), 4), ir.Undefined)
        for i in range(4):
            out = self.b.insert_element(out, self.b.extract_value(d, i), ir.Constant(_I32, i))
        return out

    def shuffle(self, u):
        t: DType = u.dtype
        v = self.value(u.src[0])
        off = self.b.trunc(self.value(u.src[1]), _I32)
        full = ir.Constant(_I32, -1)
        clamp = ir.Constant(_I32, 31)
        if t.is_float and t.bits == 32:
            return self._call("llvm.nvvm.shfl.sync.down.f32", ir.FloatType(), [full, v, off, clamp])
        if t.bits > 32 or t.lanes > 1:
            raise EmitError(f"no warp shuffle for {t}")
        if t.is_float:  # f16: move the bits
            v = self.b.zext(self.b.bitcast(v, ir.IntType(16)), _I32)
            r = self._call("llvm.nvvm.shfl.sync.down.i32", _I32, [full, v, off, clamp])
            return self.b.bitcast(self.b.trunc(r, ir.IntType(16)), llvm_type(t))
        if t.bits < 32:
            v = (self.b.sext if t.signed else self.b.zext)(v, _I32)
        r = self._call("llvm.nvvm.shfl.sync.down.i32", _I32, [full, v, off, clamp])
        return self.b.trunc(r, llvm_type(t)) if t.bits < 32 else r

    # -- aligned global accesses ---------------------------------------------------------------------
    def _align(self, index, t: DType, lanes: int) -> int:
        ebytes = max(1, t.bits // 8) if not t.is_bool else 1
        if lanes == 1:
            return ebytes
        g = index_alignment(index, self.multiple)
        elems = 1
        while elems < lanes and g % (elems * 2) == 0:
            elems *= 2
        return ebytes * elems

    def _window_split(self, index, lanes: int, elem: int):
        """(aligned part, offset part, largest offset) of a vector index whose aligned part
        is a multiple of `lanes` and whose offset is a non-negative sum of constants and
        short loops' variables, at most 48 bytes of `elem`-byte elements (or `lanes`);
        None for any other index."""
        a = affine(index)
        if a is None:
            return None
        vars_ = {v.arg.name: v for v in index.vars()}
        aligned, offset, most = const(idx, 0), const(idx, 0), 0
        for name, c in a.items():
            if name is None:
                q, r = divmod(c, lanes)
                aligned, offset, most = UOp("add", idx, (aligned, const(idx, q * lanes))), \
                    UOp("add", idx, (offset, const(idx, r))), most + r
                continue
            term = UOp("mul", idx, (vars_[name], const(idx, c)))
            if (c * self.multiple.get(name, 1)) % lanes == 0:
                aligned = UOp("add", idx, (aligned, term))
            elif c > 0 and name in self.loop_max and self.loop_max[name] < 16:
                offset, most = UOp("add", idx, (offset, term)), most + c * self.loop_max[name]
            else:
                return None
        return (aligned, offset, most) if 0 < most <= max(lanes, 48 // elem) else None

    def _window_load(self, u, t: DType, lanes: int):
        """The vector `buf[aligned + off : +lanes]` (0 <= off <= most) as the aligned
        vector at `aligned` and the aligned pieces of the `most` elements after it, joined as
        one integer and shifted right by `off` elements; None where the index is not of that
        form. Reads exactly the elements the offsets reach (no access past them)."""
        e = max(1, t.bits // 8)
        if t.is_bool or lanes == 1 or lanes & (lanes - 1) or lanes * e > 16 or \
                index_alignment(u.src[0], self.multiple) % lanes == 0:
            return None
        split = self._window_split(u.src[0], lanes, e)
        if split is None:
            return None
        aligned, offset, most = split
        st = storage_type(t)
        bits = lanes * e * 8
        wide = ir.IntType(bits + most * e * 8)
        base = self.b.load(self.element_ptr(u.arg, self.value(aligned)), typ=ir.VectorType(st, lanes), align=lanes * e)
        joined = self.b.zext(self.b.bitcast(base, ir.IntType(bits)), wide)
        after = self.value(UOp("add", idx, (aligned, const(idx, lanes))))
        for start, nbytes in pieces(most * e, lanes * e, 16):
            ptr = self.element_ptr(u.arg, self.b.add(after, ir.Constant(after.type, start // e)))
            piece = self.b.load(ptr, typ=ir.IntType(nbytes * 8), align=nbytes)
            piece = self.b.shl(self.b.zext(piece, wide), ir.Constant(wide, bits + start * 8))
            joined = self.b.or_(joined, piece)
        off = self.value(offset)
        off = self.b.zext(off, wide) if off.type.width < wide.width else self.b.trunc(off, wide) \
            if off.type.width > wide.width else off
        shifted = self.b.lshr(joined, self.b.mul(off, ir.Constant(wide, e * 8)))
        return self.b.bitcast(self.b.trunc(shifted, ir.IntType(bits)), ir.VectorType(st, lanes))

    def load(self, u):
        t = self.k.buffer(u.arg).dtype
        lanes = u.dtype.lanes
        window = self._window_load(u, t, lanes)
        if window is not None:
            return window
        ptr = self.element_ptr(u.arg, self.value(u.src[0]))
        st = storage_type(t)
        ty = ir.VectorType(st, lanes) if lanes > 1 else st
        v = self.b.load(ptr, typ=ty, align=self._align(u.src[0], t, lanes))
        if u.arg in self.inputs:
            v.set_metadata("invariant.load", self.invariant)
        if t.is_bool:
            v = self.b.trunc(v, llvm_type(u.dtype))
        return v

    def store(self, s):
        t = self.k.buffer(s.buffer).dtype
        val = self.value(s.value)
        lanes = s.value.dtype.lanes
        if t.is_bool:
            val = self.b.zext(val, ir.VectorType(ir.IntType(8), lanes) if lanes > 1 else ir.IntType(8))
        self.b.store(val, self.element_ptr(s.buffer, self.value(s.index)), align=self._align(s.index, t, lanes))


def byte_minmax(b: ir.IRBuilder, op: str, signed: bool, x, y):
    """Lane-wise max/min of two <4n x i8> vectors, four lanes a 32-bit word: the even and the
    odd bytes of each word widened in place to 16-bit lanes (masks and a shift) and compared
    by one `llvm.umax/umin.v2i16` each (sm_90's max.u16x2), then merged back. LLVM splits an
    i8 vector max into a prmt, a cvt and a max.u16 a lane; this is ~2.5 instructions a lane.
    Signed bytes compare as unsigned after flipping their sign bits (and flip back)."""
    n = x.type.count // 4
    words = ir.VectorType(_I32, n)
    halves = ir.VectorType(ir.IntType(16), 2 * n)

    def splat(v):
        return ir.Constant(words, [ir.Constant(_I32, v)] * n)

    xs, ys = b.bitcast(x, words), b.bitcast(y, words)
    if signed:
        xs, ys = b.xor(xs, splat(0x80808080)), b.xor(ys, splat(0x80808080))
    mask, eight = splat(0x00FF00FF), splat(8)
    name = f"llvm.u{op}.v{2 * n}i16"
    fn = b.module.globals.get(name) or ir.Function(b.module, ir.FunctionType(halves, [halves, halves]), name=name)
    parts = []
    for shift in (False, True):
        a = b.and_(b.lshr(xs, eight) if shift else xs, mask)
        c = b.and_(b.lshr(ys, eight) if shift else ys, mask)
        parts.append(b.bitcast(b.call(fn, [b.bitcast(a, halves), b.bitcast(c, halves)]), words))
    r = b.or_(parts[0], b.shl(parts[1], eight))
    if signed:
        r = b.xor(r, splat(0x80808080))
    return b.bitcast(r, x.type)


def _uops(stmts):
    """Every UOp node the statements hold (their values, indices, conditions, nested)."""
    seen = set()
    for s in stmts:
        for v in vars(s).values() if hasattr(s, "__dict__") else (getattr(s, f) for f in s.__dataclass_fields__):
            items = v if isinstance(v, tuple) else (v,)
            for x in items:
                if isinstance(x, UOp):
                    for n in x.toposort():
                        if n not in seen:
                            seen.add(n)
                            yield n
                elif hasattr(x, "__dataclass_fields__"):
                    yield from _uops((x,))


def _loops(stmts):
    """Every Loop of a body, nested ones too."""
    for s in stmts:
        if isinstance(s, Loop):
            yield s
        for attr in ("body", "then", "orelse"):
            sub = getattr(s, attr, None)
            if isinstance(sub, tuple):
                yield from _loops(sub)


def _loop_bounds(stmts, out: dict) -> None:
    """Every Loop's variable -> its largest value, through nested statements."""
    for s in stmts:
        if isinstance(s, Loop):
            out[s.var.arg.name] = (s.stop - 1) // s.step * s.step
        for field in ("body", "then", "orelse"):
            sub = getattr(s, field, None)
            if isinstance(sub, tuple):
                _loop_bounds(sub, out)


def _contiguous_base(index):
    """`base` where the lane-vector index is `broadcast(base) + lanes()` (either order), else None."""
    if index.op != "add":
        return None
    a, b = index.src
    if a.op == "lanes":
        a, b = b, a
    return a.src[0] if a.op == "broadcast" and b.op == "lanes" else None


_NV = None


def _nvptx():
    global _NV  # one target machine per process: creating it costs more than a kernel's PTX
    llvm = binding()
    if _NV is None:
        try:
            target = llvm.Target.from_triple(TRIPLE)
        except RuntimeError as e:
            raise ToolchainError(f"this llvmlite has no NVPTX target ({e}); install llvmlite >= 0.44") from None
        _NV = target.create_target_machine(cpu=SM, features=PTX_FEATURES, opt=3)
    return _NV


def emit_llvm(gp: GpuProgram, window_loads: bool = True) -> str:
    """The program's LLVM IR for NVPTX (one function per launch); `window_loads=False` emits
    misaligned vector loads as they are (LLVM splits them into element loads) and byte
    min/max as LLVM's i8 vector ops, the forms before `_window_load` and `byte_minmax`, for
    the benchmark's comparison rows."""
    tm = _nvptx()
    mod = ir.Module(name=gp.kernel.name)
    mod.triple = TRIPLE
    mod.data_layout = str(tm.target_data)
    for launch in gp.launches:
        if native_plan(launch) is not None:
            continue  # written as PTX text (ptx_wgmma), appended by emit_ptx
        e = LaunchEmitter(gp, launch, mod)
        if not window_loads:
            e.unroll_full, e._window_split, e.byte_pairs = set(), lambda *a: None, False
        e.emit()
    text = str(mod)
    # llvmlite has no string function attributes: give each kernel its block size, so ptxas
    # may use the registers a thread can have at that size (.maxntid).
    for launch in gp.launches:
        attrs = f'"nvvm.maxntid"="{launch.block}"'
        if launch.min_blocks_per_sm:
            attrs += f' "nvvm.minctasm"="{launch.min_blocks_per_sm}"'
        text = re.sub(rf'(define ptx_kernel void @"{re.escape(launch.name)}"\([^\n]*\))\n',
                      lambda m: f"{m.group(1)} {attrs}\n", text)
    return text


def _native_ptx(plan, nparams: int) -> tuple[str, str]:
    """(declaration, entry) of a launch written as PTX text by its plan's own emitter."""
    if isinstance(plan, ConvPlan):
        return ptx_wgmma_conv.kernel_ptx(plan, nparams)
    return ptx_wgmma.kernel_ptx(plan, nparams)


def emit_ptx(gp: GpuProgram, window_loads: bool = True) -> tuple[str, str]:
    """(optimized LLVM IR, PTX text for sm_90)."""
    tm = _nvptx()
    mod = optimize(emit_llvm(gp, window_loads), tm)
    plans = [native_plan(l) for l in gp.launches if native_plan(l) is not None]
    return str(mod), merge(tm.emit_assembly(mod), plans, len(gp.buffers), _native_ptx)
