"""Loop programs to LLVM IR (shared by the CPU target and, later, NVPTX).

Each kernel becomes `void @<name>(ptr %buf, ...)` over its buffers in declaration order
(inputs, outputs, temporaries). Loop variables and accumulators live in allocas that
LLVM's mem2reg turns into SSA; values are emitted once per loop level (a value computed
outside a loop dominates its body and is reused there), except reads of accumulators.
"""
from __future__ import annotations

from llvmlite import ir

from rewriter.backends.idx_width import IndexWidths
from rewriter.backends.llvm_ops import EMIT, EmitError, const_value, llvm_type, storage_type
from rewriter.ir.dtype import DType
from rewriter.ir.interp import operand_type
from rewriter.ir.uop import UOp
from rewriter.lower.program import AccInit, AccUpdate, Loop, Program, Store


def check_idx_fits(prog: Program) -> IndexWidths:
    """idx is a mathematical integer: each idx node is emitted as i64 where the range
    analysis proves it fits, else in a wider integer (`idx_width`); unbounded idx values
    and accesses not proven in bounds are refused with the statement's location."""
    for b in prog.kernel.buffers:
        if b.size >= 1 << 62:
            raise EmitError(f"buffer '{b.name}' is too large to index with i64")
    return IndexWidths(prog)


def _wide_int(bits: int, lanes: int) -> DType:
    """The fixed-width integer an idx value wider than i64 is computed in."""
    return DType("int", bits, True).vec(lanes)


def _int_width(ty) -> int:
    return (ty.element if isinstance(ty, ir.VectorType) else ty).width


class ProgramEmitter:
    def __init__(self, prog: Program, module: ir.Module, fn_name: str | None = None):
        self.prog = prog
        self.k = prog.kernel
        self.module = module
        params = [ir.PointerType() for _ in self.k.buffers]
        self.fn = ir.Function(module, ir.FunctionType(ir.VoidType(), params), name=fn_name or self.k.name)
        for arg, buf in zip(self.fn.args, self.k.buffers):
            arg.name = buf.name
            arg.add_attribute("noalias")
        self.ptr = {buf.name: arg for arg, buf in zip(self.fn.args, self.k.buffers)}
        entry = self.fn.append_basic_block("entry")
        self.entry = ir.IRBuilder(entry)
        body = self.fn.append_basic_block("body")
        self.b = ir.IRBuilder(body)
        self.slots: dict[str, ir.AllocaInstr] = {}
        self.scopes: list[dict] = [{}]
        self.loop_vars: dict[str, ir.AllocaInstr] = {}
        self.widths: IndexWidths | None = None

    def emit(self) -> ir.Function:
        self.widths = check_idx_fits(self.prog)
        self.stmts(self.prog.body)
        self.b.ret_void()
        self.entry.branch(self.b.block.function.blocks[1])
        return self.fn

    # -- statements ------------------------------------------------------------------------------
    def alloca(self, ty, name):
        return self.entry.alloca(ty, name=name)

    def stmts(self, stmts):
        for s in stmts:
            if isinstance(s, Loop):
                self.loop(s)
            elif isinstance(s, AccInit):
                ty = llvm_type(s.dtype)
                if s.dtype.scalar.is_idx and self.widths.acc_bits.get(s.name, 64) > 64:
                    ty = llvm_type(_wide_int(self.widths.acc_bits[s.name], s.dtype.lanes))
                slot = self.slots.get(s.name) or self.alloca(ty, s.name)
                self.slots[s.name] = slot
                self.b.store(self._fit(self.value(s.value), ty), slot)
            elif isinstance(s, AccUpdate):
                slot = self.slots[s.name]
                self.b.store(self._fit(self.value(s.value), slot.type.pointee), slot)
            elif isinstance(s, Store):
                self.store(s)

    def loop(self, lp: Loop):
        name = lp.var.arg.name
        slot = self.alloca(ir.IntType(64), name)
        self.loop_vars[name] = slot
        self.b.store(ir.Constant(ir.IntType(64), 0), slot)
        head = self.fn.append_basic_block(f"{name}.head")
        body = self.fn.append_basic_block(f"{name}.body")
        done = self.fn.append_basic_block(f"{name}.done")
        self.b.branch(head)
        self.b.position_at_end(head)
        i = self.b.load(slot)
        self.b.cbranch(self.b.icmp_signed("<", i, ir.Constant(ir.IntType(64), lp.stop)), body, done)
        self.b.position_at_end(body)
        step = ir.Constant(ir.IntType(64), lp.step)
        for copy in range(lp.unroll):
            if copy:  # the next copy sees the variable one step further
                self.b.store(self.b.add(self.b.load(slot), step, flags=["nsw", "nuw"]), slot)
            self.scopes.append({})
            self.stmts(lp.body)
            self.scopes.pop()
        self.b.store(self.b.add(self.b.load(slot), step, flags=["nsw", "nuw"]), slot)
        self.b.branch(head)
        self.b.position_at_end(done)

    def element_ptr(self, buf: str, index):
        t = self.k.buffer(buf).dtype
        return self.b.gep(self.ptr[buf], [index], inbounds=True, source_etype=storage_type(t))

    def store(self, s: Store):
        t = self.k.buffer(s.buffer).dtype
        val = self.value(s.value)
        if t.is_bool:
            val = self.b.zext(val, ir.VectorType(ir.IntType(8), s.value.dtype.lanes)
                              if s.value.dtype.lanes > 1 else ir.IntType(8))
        self.b.store(val, self.element_ptr(s.buffer, self.value(s.index)), align=max(1, t.bits // 8))

    # -- values -------------------------------------------------------------------------------------
    def lookup(self, u: UOp):
        for scope in reversed(self.scopes):
            if u in scope:
                return scope[u]
        return None

    def value(self, u: UOp):
        hit = self.lookup(u)
        if hit is not None:
            return hit
        v = self._value(u)
        # Cached in the current loop level only (popped when the loop ends, so every reuse is
        # dominated); accumulator reads change with each update and are never cached.
        if not _reads_acc(u):
            self.scopes[-1][u] = v
        return v

    def _value(self, u: UOp):
        b = self.b
        wide = u.dtype.scalar.is_idx and self.widths.width(u) > 64
        if u.op == "const":
            return const_value(_wide_int(self.widths.width(u), u.dtype.lanes) if wide else u.dtype, u.arg)
        if u.op == "var":
            return b.load(self.loop_vars[u.arg.name])
        if u.op == "acc":
            return b.load(self.slots[u.arg])
        if u.op == "lanes":
            return ir.Constant(llvm_type(u.dtype), [ir.Constant(ir.IntType(64), i) for i in range(u.dtype.lanes)])
        if u.op == "broadcast":
            s = self.value(u.src[0])
            vt = llvm_type(_wide_int(self.widths.width(u), u.dtype.lanes) if wide else u.dtype)
            one = b.insert_element(ir.Constant(vt, ir.Undefined), s, ir.Constant(ir.IntType(32), 0))
            return b.shuffle_vector(one, ir.Constant(vt, ir.Undefined),
                                    ir.Constant(ir.VectorType(ir.IntType(32), u.dtype.lanes), [0] * u.dtype.lanes))
        if u.op in ("load", "vload"):
            return self.load(u)
        if u.op == "gather":
            return self.gather(u)
        if u.op == "hreduce":
            return self.hreduce(u)
        fn = EMIT.get(u.op)
        if fn is None:
            raise EmitError(f"no LLVM emitter for op '{u.op}'")
        if self.widths.op_width(u) > 64:
            return self._wide(u, fn)
        return fn(b, u, operand_type(u).vec(u.dtype.lanes) if u.dtype.lanes > 1 and u.src else operand_type(u),
                  *[self.value(s) for s in u.src])

    def _fit(self, v, ty):
        """An idx value at the width of the slot it goes to (exact: both widths hold every
        value the range analysis allows)."""
        if v.type == ty:
            return v
        vw, tw = _int_width(v.type), _int_width(ty)
        return self.b.sext(v, ty) if vw < tw else self.b.trunc(v, ty)

    def _wide(self, u: UOp, fn):
        """An op on idx values wider than i64: operands sign-extended to the width the op
        needs, the result truncated to its own (exact: the range analysis bounds it)."""
        w = self.widths.op_width(u)
        lanes = u.dtype.lanes
        args = []
        for s in u.src:
            v = self.value(s)
            if s.dtype.scalar.is_idx and self.widths.width(s) < w:
                v = self.b.sext(v, llvm_type(_wide_int(w, s.dtype.lanes)))
            args.append(v)
        t = operand_type(u)
        t = _wide_int(w, 1) if t.is_idx else t
        t = t.vec(lanes) if lanes > 1 and u.src else t
        node = u
        if u.dtype.scalar.is_idx:  # emitters that read the node's own type see the wide one
            node = UOp(u.op, _wide_int(w, lanes), u.src, u.arg)
        r = fn(self.b, node, t, *args)
        if u.dtype.scalar.is_idx and self.widths.width(u) < w:
            r = self.b.trunc(r, llvm_type(_wide_int(self.widths.width(u), lanes)))
        return r

    def load(self, u: UOp):
        t = self.k.buffer(u.arg).dtype
        ptr = self.element_ptr(u.arg, self.value(u.src[0]))
        lanes = u.dtype.lanes
        st = storage_type(t)
        ty = ir.VectorType(st, lanes) if lanes > 1 else st
        v = self.b.load(ptr, typ=ty, align=max(1, t.bits // 8) if not t.is_bool else 1)
        if t.is_bool:
            v = self.b.trunc(v, llvm_type(u.dtype))
        return v

    def gather(self, u: UOp):
        lanes = u.dtype.lanes
        index = self.value(u.src[0])
        out = ir.Constant(llvm_type(u.dtype), ir.Undefined)
        t = self.k.buffer(u.arg).dtype
        for i in range(lanes):
            k = self.b.extract_element(index, ir.Constant(ir.IntType(32), i))
            v = self.b.load(self.element_ptr(u.arg, k), typ=storage_type(t))
            if t.is_bool:
                v = self.b.trunc(v, ir.IntType(1))
            out = self.b.insert_element(out, v, ir.Constant(ir.IntType(32), i))
        return out

    def hreduce(self, u: UOp):
        """Fold the lanes in lane order with the table op (exactly what the reference does
        when it folds a reduction, up to the lane split itself)."""
        vec = self.value(u.src[0])
        t = u.dtype
        if t.is_idx and _int_width(vec.type) > 64:
            t = _wide_int(_int_width(vec.type), 1)
        fn = EMIT[u.arg]
        node = UOp(u.arg, t, (UOp("var", t, (), None), UOp("var", t, (), None)))
        acc = self.b.extract_element(vec, ir.Constant(ir.IntType(32), 0))
        for i in range(1, u.src[0].dtype.lanes):
            acc = fn(self.b, node, t, acc, self.b.extract_element(vec, ir.Constant(ir.IntType(32), i)))
        return acc


def _reads_acc(u: UOp) -> bool:
    return any(n.op == "acc" for n in u.toposort())


def emit_module(prog: Program, triple: str = "", data_layout: str = "") -> ir.Module:
    mod = ir.Module(name=prog.kernel.name)
    if triple:
        mod.triple = triple
    if data_layout:
        mod.data_layout = data_layout
    ProgramEmitter(prog, mod).emit()
    return mod
