"""Loop programs to LLVM IR (shared by the CPU target and, later, NVPTX).

Each kernel becomes `void @<name>(ptr %buf, ...)` over its buffers in declaration order
(inputs, outputs, temporaries). Loop variables and accumulators live in allocas that
LLVM's mem2reg turns into SSA; values are emitted once per loop level (a value computed
outside a loop dominates its body and is reused there), except reads of accumulators.

`where(c, a, b)` is C's `?:` (the op table): UB in the arm it does not select is not UB. LLVM's
`select` evaluates both arms, and an `sdiv`/`udiv`/`srem`/`urem` by zero (or MIN / -1) is UB
in LLVM and traps on x86, so an integer division inside an arm divides by `select(g, d, 1)`,
where `g` is the (frozen) conjunction of the conditions selecting that arm: where the arm is
selected it divides by `d` as written, where not, by 1, and its value is discarded.
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
    # The where-arm guard in effect: an LLVM i1 (or <N x i1>) or None, and the key of the UOp
    # conditions it is made of (class defaults: subclasses set up their own state).
    guard = None
    guard_key: tuple = ()

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
        # A term holding a guarded division is a different value under each guard.
        key = (u, self.guard_key) if self.guard_key and self.traps(u) else u
        hit = self.lookup(key)
        if hit is not None:
            return hit
        v = self._value(u)
        # Cached in the current loop level only (popped when the loop ends, so every reuse is
        # dominated); accumulator reads change with each update and are never cached.
        if not _reads_acc(u):
            self.scopes[-1][key] = v
        return v

    def traps(self, u: UOp) -> bool:
        """Whether `u` holds an integer division that may trap (a divisor not a safe constant)."""
        cache = self.__dict__.setdefault("_traps", {})
        hit = cache.get(u)
        if hit is None:
            hit = _may_trap(u) or any(self.traps(s) for s in u.src)
            cache[u] = hit
        return hit

    def guarded_where(self, u: UOp):
        """`where` whose arms may trap: each arm emitted under its own guard (see the module)."""
        c = self.value(u.src[0])
        arms = []
        for cond, arm in ((c, u.src[1]), (self.b.not_(c), u.src[2])):
            if not self.traps(arm):
                arms.append(self.value(arm))
                continue
            saved = self.guard, self.guard_key
            g = _freeze(self.b, cond)
            self.guard = g if saved[0] is None else self.b.and_(_lanes_as(self.b, saved[0], g.type), g)
            self.guard_key = saved[1] + ((u.src[0], arm is u.src[1]),)
            try:
                arms.append(self.value(arm))
            finally:
                self.guard, self.guard_key = saved
        return self.b.select(c, *arms)

    def safe_divisor(self, u: UOp, divisor):
        """The divisor of an integer division under the current guard: itself where the guard
        holds, 1 where not (then the quotient is discarded by the `where` above)."""
        if self.guard is None or not _may_trap(u):
            return divisor
        one = ir.Constant(divisor.type, 1) if not isinstance(divisor.type, ir.VectorType) else \
            ir.Constant(divisor.type, [ir.Constant(divisor.type.element, 1)] * divisor.type.count)
        return self.b.select(_lanes_as(self.b, self.guard, divisor.type), divisor, one)

    def _value(self, u: UOp):
        b = self.b
        if u.op == "where" and (self.traps(u.src[1]) or self.traps(u.src[2])):
            return self.guarded_where(u)
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
        args = [self.value(s) for s in u.src]
        if _may_trap(u):
            args[1] = self.safe_divisor(u, args[1])
        return fn(b, u, operand_type(u).vec(u.dtype.lanes) if u.dtype.lanes > 1 and u.src else operand_type(u),
                  *args)

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
        if _may_trap(u):
            args[1] = self.safe_divisor(u, args[1])
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


def _may_trap(u: UOp) -> bool:
    """An integer division or remainder whose divisor is not a constant other than 0 and -1
    (x86's idiv traps on a zero divisor and on MIN / -1)."""
    if u.op not in ("div", "mod") or not u.src[0].dtype.scalar.is_integral:
        return False
    d = u.src[1]
    if d.op == "const" and d.dtype.lanes == 1 and d.arg not in (0, -1):
        return False
    return True


def _freeze(b: ir.IRBuilder, v):
    """`freeze v`: a poison condition picks one arm rather than making the divisor poison
    (llvmlite has no builder method; the instruction prints as `freeze <type> <value>`)."""
    instr = ir.instructions.Instruction(b.block, v.type, "freeze", [v])
    b._insert(instr)
    return instr


def _lanes_as(b: ir.IRBuilder, g, ty):
    """The guard `g` (i1 or <N x i1>) shaped like a value of type `ty`: a scalar guard is
    splat across a vector; a vector guard over a scalar division holds if any lane holds."""
    want = ty.count if isinstance(ty, ir.VectorType) else 1
    have = g.type.count if isinstance(g.type, ir.VectorType) else 1
    if want == have:
        return g
    if have > 1:  # any lane selects the arm: the scalar division runs for it
        acc = b.extract_element(g, ir.Constant(ir.IntType(32), 0))
        for i in range(1, have):
            acc = b.or_(acc, b.extract_element(g, ir.Constant(ir.IntType(32), i)))
        g = acc
    if want == 1:
        return g
    vt = ir.VectorType(ir.IntType(1), want)
    one = b.insert_element(ir.Constant(vt, ir.Undefined), g, ir.Constant(ir.IntType(32), 0))
    return b.shuffle_vector(one, ir.Constant(vt, ir.Undefined),
                            ir.Constant(ir.VectorType(ir.IntType(32), want), [0] * want))


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
