"""Parse `.ir` text into typed `Kernel`s.

Statements are checked as a compiler user expects: every name resolves (a range, a buffer),
loads and stores have one index per dimension, indices are idx, a store's value has the
buffer's element type, reduce ranges are only used inside a reduction over them, parallel
ranges on the right also index the target (otherwise the result would be a race), a store's
index is injective in its parallel ranges (affine, with strides that cannot collide), a
statement reads the buffer it stores only at the element it writes (anything else races
under parallel execution), and an index that the range analysis proves out of bounds is an
error at its `file:line:col`.
Stores to undeclared names define temporaries (shape from their range indices).
"""
from __future__ import annotations

from pathlib import Path

import lark

from rewriter.dsl.parser import _Builder, _parse
from rewriter.dsl.pattern import Pattern
from rewriter.dsl.source import read_source
from rewriter.dsl.typecheck import Typing, _NotAtType
from rewriter.errors import RewriterError, SourceError, TypeCheckError
from rewriter.ir.analysis import affine
from rewriter.ir.dtype import DType, bool_, f16, f32, f64, i8, i16, i32, i64, idx
from rewriter.ir.ops import ANY, BOOL, FLOAT, IDX, INT, NUMERIC
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, var
from rewriter.kernel.kernel import REDUCTIONS, Buffer, Kernel, RangeDecl
from rewriter.kernel.validate import validate_kernel
from rewriter.limits import Limits, limit_name


def load_kernels(path, validate: bool = False, limits: Limits = Limits()) -> list[Kernel]:
    p = Path(path)
    return parse_kernels(read_source(p), str(p), validate, limits)


def load_kernel(path, validate: bool = False, limits: Limits = Limits()) -> Kernel:
    ks = load_kernels(path, validate, limits)
    if len(ks) != 1:
        raise RewriterError(f"{path}: expected one kernel, found {len(ks)}")
    return ks[0]


def parse_kernels(text: str, filename: str = "<ir>", validate: bool = False,
                  limits: Limits = Limits()) -> list[Kernel]:
    """The kernels of `.ir` text; `validate` checks each at the "kernel" stage
    (rewriter.kernel.validate), raising IRValidationError. `limits` bounds nesting, names,
    literals, dimensions, ranges and buffer sizes (rewriter.limits)."""
    tree = _parse(text, filename, "kernel_file", limits)
    b = _Builder(filename, text, limits)
    kernels = [_KernelBuilder(b, text).build(k) for k in tree.children]
    seen = set()
    for k in kernels:
        if k.name in seen:
            raise SourceError(f"duplicate kernel name '{k.name}'", k.loc, text)
        seen.add(k.name)
        if validate:
            validate_kernel(k)
    return kernels


#: The default type of each width, for literals a `bitcast` fixes only the width of.
_BY_WIDTH = {INT: {8: i8, 16: i16, 32: i32, 64: i64}, FLOAT: {16: f16, 32: f32, 64: f64}}


class _KernelTyping(Typing):
    """Typing for kernel statements: names are ranges (idx) or buffers; loads and reductions."""

    def __init__(self, text, kb: "_KernelBuilder"):
        super().__init__(text)
        self.kb = kb
        self.width_hint: dict = {}  # id(operand pattern of a bitcast) -> the width it must have

    def _infer(self, p: Pattern) -> int:
        env, kb = self.env, self.kb
        if p.dtype is not None and p.dtype.is_vector:
            # Vector widths are the targets' decision; the reference would evaluate every
            # lane of `cast<i32x99999999999>` (hanging), and the lowering re-vectorizes it.
            raise TypeCheckError(f"kernels compute on scalars: {p.dtype} is a vector type (the "
                                 f"targets choose vector widths; write {p.dtype.scalar})", p.loc, self.text)
        if p.kind == "index":
            buf = kb.buffer_for_load(p)
            for a in p.args:
                env.unify(self.infer(a), env.fresh(ANY, idx), a.loc or p.loc, f"an index of '{p.name}'")
            return env.fresh(ANY, buf.dtype)
        if p.kind in ("var", "const"):
            if p.name in kb.ranges:
                return env.fresh(ANY, idx)
            if p.name in kb.buffers and not kb.buffers[p.name].shape:
                return env.fresh(ANY, kb.buffers[p.name].dtype)  # a scalar parameter
            raise TypeCheckError(f"unknown name '{p.name}' (not a range or a buffer)", p.loc, self.text)
        if p.kind == "op" and p.op in REDUCTIONS:
            if len(p.args) < 2:
                raise TypeCheckError(f"'{p.op}' takes a value and the reduce ranges it combines over, "
                                     f"as in {p.op}(x[i], i)", p.loc, self.text)
            for r in p.args[1:]:
                if r.kind != "var" or r.name not in kb.ranges or not kb.ranges[r.name].reduce:
                    raise TypeCheckError(f"'{p.op}' combines over reduce ranges; '{r}' is not one "
                                         f"(declare it as {r} = range(N, reduce))", r.loc or p.loc, self.text)
            t = env.fresh(NUMERIC)
            env.unify(self.infer(p.args[0]), t, p.args[0].loc or p.loc, f"the value of '{p.op}'")
            return t
        if p.kind == "op" and p.op == "range":
            raise TypeCheckError("'range' only declares a range: y = range(64)", p.loc, self.text)
        out = super()._infer(p)
        if p.kind == "op" and p.op == "bitcast" and p.dtype is not None and p.args:
            # `bitcast<i64>(sum(-0.0, k))`: nothing fixes the operand's type but its width,
            # which must be the target's; a default then picks that width (f64, not f32).
            self.width_hint[id(p.args[0])] = p.dtype.bits
        return out

    def resolve(self, p: Pattern, at) -> DType:
        """A type nothing in the statement fixes (an expression of bare literals) defaults as
        in C: idx where an integer fits (index arithmetic), else i32, f32 or bool -- at the
        width a `bitcast` of it demands, where one does (i64, f64, ...)."""
        tv = self.env.vars[self.env.find(self.node_type[id(p)])]
        if tv.dtype is None:
            width = self._hinted_width(tv)
            for cls, t in ((IDX, idx), (INT, i32), (FLOAT, f32), (BOOL, bool_)):
                if cls in tv.classes:
                    if width and cls in (INT, FLOAT) and width in _BY_WIDTH[cls]:
                        return _BY_WIDTH[cls][width]
                    if cls is IDX and width and width != 64:
                        continue
                    return t
        return super().resolve(p, at)

    def _hinted_width(self, tv) -> int | None:
        for node_id, bits in self.width_hint.items():
            if self.env.vars[self.env.find(self.node_type[node_id])] is tv:
                return bits
        return None

    def build(self, p: Pattern, at, bounds) -> UOp:
        kb = self.kb
        if p.kind == "index":
            indices = tuple(self.build(a, at, bounds) for a in p.args)
            kb.check_bounds(kb.buffers[p.name], indices, p.args, p.loc)
            kb.loads.append((p, indices))
            return UOp("load", kb.buffers[p.name].dtype, indices, p.name)
        if p.kind in ("var", "const"):
            if p.name in kb.ranges:
                return kb.range_var(p.name)
            return UOp("load", kb.buffers[p.name].dtype, (), p.name)
        if p.kind == "op" and p.op in REDUCTIONS:
            body = self.build(p.args[0], at, bounds)
            return UOp("reduce", body.dtype, (body,), (p.op, tuple(a.name for a in p.args[1:])))
        u = super().build(p, at, bounds)
        if u.op in ("div", "mod") and ranges(u.src[1])[u.src[1]] == (0, 0):
            # Every element would divide by zero: a mistake, not a kernel (a data-dependent
            # zero divisor is caught when the kernel runs).
            kb.err(f"{'division' if u.op == 'div' else 'remainder'} by zero: {DIVISOR_ALWAYS_ZERO}", p.loc)
        return u


class _KernelBuilder:
    def __init__(self, b: _Builder, text: str):
        self.b = b
        self.text = text
        self.buffers: dict[str, Buffer] = {}
        self.ranges: dict[str, RangeDecl] = {}
        self.stored: set[str] = set()
        self.loads: list = []  # (pattern, indices) of the loads of the statement being built

    def err(self, msg, loc):
        raise SourceError(msg, loc, self.text)

    def range_var(self, name: str) -> UOp:
        r = self.ranges[name]
        return var(idx, name, 0, r.size - 1)

    def build(self, node: lark.Tree) -> Kernel:
        kids = [k for k in node.children if k is not None]
        name_tok = kids[0]
        arrow = next(i for i, k in enumerate(kids) if isinstance(k, lark.Token) and k.type == "KARROW")
        for param in kids[1:arrow]:
            self.add_param(param, "input")
        n_out = 0
        for k in kids[arrow + 1:]:
            if isinstance(k, lark.Tree) and k.data == "param":
                self.add_param(k, "output")
                n_out += 1
        stores, locs = [], []
        for st in kids[arrow + 1 + n_out:]:
            done = self.define(st) if st.data == "define" else self.store(st)
            if done is not None:
                stores.append(done[0])
                locs.append(done[1])
        loc = self.b.loc(name_tok)
        for buf in self.buffers.values():
            if buf.role == "output" and buf.name not in self.stored:
                self.err(f"output '{buf.name}' is never stored", loc)
        return Kernel(str(name_tok), tuple(self.buffers.values()), tuple(self.ranges.values()),
                      tuple(stores), loc, tuple(locs))

    def scalar_type(self, tok) -> DType:
        """A buffer element type: a scalar (not a pointer, not a vector)."""
        dtype = self.b.dtype(tok)
        if dtype.kind == "ptr" or dtype.is_vector or dtype.is_idx:
            self.err(f"buffer elements are scalars of a fixed width, got {dtype}", self.b.loc(tok))
        return dtype

    def add_param(self, node: lark.Tree, role: str):
        name_tok, type_tok = node.children[0], node.children[1]
        shape = ()
        if len(node.children) > 2:
            dims = node.children[2].children
            if len(dims) > self.b.limits.max_dims:
                self.err(f"a buffer of {len(dims)} dimensions exceeds the limit of {self.b.limits.max_dims} "
                         f"({limit_name('max_dims')})", self.b.loc(dims[self.b.limits.max_dims]))
            shape = tuple(self.b.int_value(t) for t in dims)
            for t, s in zip(dims, shape):
                if s <= 0:
                    self.err(f"dimension must be positive, got {s}", self.b.loc(t))
        if str(name_tok) in self.buffers:
            self.err(f"duplicate parameter '{name_tok}'", self.b.loc(name_tok))
        dtype = self.scalar_type(type_tok)
        buf = Buffer(str(name_tok), dtype, shape, role)
        self.check_size(buf, self.b.loc(name_tok))
        self.buffers[str(name_tok)] = buf

    def check_size(self, buf: Buffer, loc):
        """A buffer every runner can allocate: at most `max_buffer_bytes` (numpy would fail
        with a MemoryError, and the reference keeps integers as Python objects)."""
        nbytes = buf.size * max(1, buf.dtype.bits // 8)
        if nbytes > self.b.limits.max_buffer_bytes:
            self.err(f"buffer '{buf.name}' of {nbytes} bytes exceeds the limit of "
                     f"{self.b.limits.max_buffer_bytes} bytes ({limit_name('max_buffer_bytes')})", loc)

    def define(self, node: lark.Tree):
        name_tok, _, value = node.children
        name = str(name_tok)
        buf = self.buffers.get(name)
        if buf is not None and not buf.shape:
            return self.store(node)  # `out = ...` stores to a scalar (0-dimensional) buffer
        p = self.b.expr(value)
        # `m = reduce_max(a[i], i)`: a scalar (0-dimensional) temporary. A bare literal
        # (`i = 3`) is far likelier a range missing its `range(...)` than a constant
        # worth a buffer (`t: i32 = 3` declares one), so it gets the range error below.
        if not (p.kind == "op" and p.op == "range") and p.kind != "lit" and name not in self.ranges \
                and name not in self.buffers:
            return self.store(node)
        ok = (p.kind == "op" and p.op == "range" and 1 <= len(p.args) <= 2 and p.args[0].kind == "lit"
              and isinstance(p.args[0].value, int) and not isinstance(p.args[0].value, bool)
              and (len(p.args) == 1 or (p.args[1].kind == "var" and p.args[1].name == "reduce")))
        if not ok:
            self.err(f"'{name} = ...' must declare a range: {name} = range(N) or {name} = range(N, reduce)",
                     p.loc or self.b.loc(name_tok))
        if p.args[0].value <= 0:
            self.err("a range needs a positive size", p.args[0].loc)
        if p.args[0].value > self.b.limits.max_range_extent:
            self.err(f"a range of {p.args[0].value} exceeds the limit of {self.b.limits.max_range_extent} "
                     f"({limit_name('max_range_extent')})", p.args[0].loc)
        if name in self.ranges or name in self.buffers:
            self.err(f"'{name}' is already defined", self.b.loc(name_tok))
        self.ranges[name] = RangeDecl(name, p.args[0].value, len(p.args) == 2)

    def buffer_for_load(self, p: Pattern) -> Buffer:
        buf = self.buffers.get(p.name)
        if buf is None:
            self.err(f"unknown buffer '{p.name}'", p.loc)
        if buf.role == "temp" and buf.name not in self.stored or buf.role == "output" and buf.name not in self.stored:
            self.err(f"'{p.name}' is read before it is stored", p.loc)
        if len(p.args) != len(buf.shape):
            self.err(f"'{p.name}' has {len(buf.shape)} dimension{'s' * (len(buf.shape) != 1)}, "
                     f"indexed with {len(p.args)}", p.loc)
        return buf

    def store(self, node: lark.Tree):
        name_tok = node.children[0]
        name = str(name_tok)
        loc = self.b.loc(name_tok)
        annot = next((c for c in node.children if isinstance(c, lark.Tree) and c.data == "annotation"), None)
        exprs = [c for c in node.children[1:] if c is not annot and
                 not (isinstance(c, lark.Token) and c.type == "ASSIGN")]
        index_ps = [self.b.expr(e) for e in exprs[:-1]]
        value_p = self.b.expr(exprs[-1])
        if name in self.buffers and self.buffers[name].role == "input":
            self.err(f"'{name}' is an input: kernels do not write their inputs", loc)
        if name in self.ranges:
            self.err(f"'{name}' is a range: a store needs a buffer (name the temporary otherwise)", loc)
        ty = _KernelTyping(self.text, self)
        vt = ty.infer(value_p)
        if annot is not None:
            # `t[i]: i32 = ...` types a temporary whose value alone does not (all literals).
            at_tok = annot.children[0]
            at = self.scalar_type(at_tok)
            known = self.buffers.get(name)
            if known is not None and known.dtype != at:
                self.err(f"'{name}' holds {known.dtype}, not {at}", self.b.loc(at_tok))
            ty.env.unify(vt, ty.env.fresh(ANY, at), value_p.loc or loc, f"the value stored to '{name}' ({at})")
        for ip in index_ps:
            ty.env.unify(ty.infer(ip), ty.env.fresh(ANY, idx), ip.loc or loc, f"an index of '{name}'")
        buf = self.buffers.get(name)
        if buf is not None:
            if len(index_ps) != len(buf.shape):
                self.err(f"'{name}' has {len(buf.shape)} dimensions, indexed with {len(index_ps)}", loc)
            ty.env.unify(vt, ty.env.fresh(ANY, buf.dtype), value_p.loc or loc,
                         f"the value stored to '{name}' ({buf.dtype})")
        self.loads = []
        try:
            value = ty.build(value_p, idx, {})
            indices = [ty.build(ip, idx, {}) for ip in index_ps]
        except _NotAtType as e:
            raise TypeCheckError(str(e), value_p.loc or loc, self.text) from None
        if buf is None:
            buf = self.new_temp(name, index_ps, value.dtype, loc)
        self.check_ranges(name, index_ps, indices, value, loc)
        self.check_bounds(buf, indices, index_ps, loc)
        self.check_injective(buf, indices, index_ps, loc)
        self.check_self_reads(buf, indices)
        self.stored.add(name)
        return UOp("store", value.dtype, tuple(indices) + (value,), name), loc

    def new_temp(self, name, index_ps, dtype: DType, loc) -> Buffer:
        if len(index_ps) > self.b.limits.max_dims:
            self.err(f"a buffer of {len(index_ps)} dimensions exceeds the limit of {self.b.limits.max_dims} "
                     f"({limit_name('max_dims')})", index_ps[self.b.limits.max_dims].loc or loc)
        shape = []
        for ip in index_ps:
            if ip.kind != "var" or ip.name not in self.ranges or self.ranges[ip.name].reduce:
                self.err(f"'{name}' is not a parameter, so this store defines a temporary: index it "
                         f"with parallel ranges only", ip.loc or loc)
            shape.append(self.ranges[ip.name].size)
        buf = Buffer(name, dtype, tuple(shape), "temp")
        self.check_size(buf, loc)
        self.buffers[name] = buf
        return buf

    def check_ranges(self, name, index_ps, indices, value: UOp, loc):
        """Parallel ranges on the right must index the target; reduce ranges only inside
        a reduction over them."""
        target = {v.arg.name for i in indices for v in i.vars()}
        for v in target:
            if self.ranges[v].reduce:
                self.err(f"reduce range '{v}' indexes the target '{name}': reduce over it on the right", loc)
        for v in _free_ranges(value):
            if self.ranges[v].reduce:
                self.err(f"reduce range '{v}' is used outside a reduction over it", loc)
            if v not in target:
                self.err(f"range '{v}' is used on the right but does not index '{name}': "
                         f"every element would be written {self.ranges[v].size} times", loc)

    def check_injective(self, buf: Buffer, indices, index_ps, loc):
        """Every point of the parallel ranges must store its own element: two points writing
        one element race under parallel execution (and the reference keeps an arbitrary
        one). The flat index must be affine in the ranges with strides that cannot collide:
        sorted by magnitude, each stride exceeds the farthest the smaller ones reach."""
        where = next((p.loc for p in index_ps if p.loc), loc)
        strides, flat = [1] * len(buf.shape), {}
        for d in range(len(buf.shape) - 2, -1, -1):
            strides[d] = strides[d + 1] * buf.shape[d + 1]
        for dim, (u, p) in enumerate(zip(indices, index_ps)):
            a = affine(u)
            if a is None:
                self.err(f"index {dim} of '{buf.name}' must be affine in the ranges (sums of ranges "
                         f"times constants): other stores could race", p.loc or loc)
            for k, c in a.items():
                if k is not None:
                    flat[k] = flat.get(k, 0) + c * strides[dim]
        reach = 0
        terms = sorted(((abs(c), k) for k, c in flat.items() if self.ranges[k].size > 1), key=lambda t: t[0])
        for k in {v.arg.name for u in indices for v in u.vars()}:
            if self.ranges[k].size > 1 and flat.get(k, 0) == 0:
                terms.insert(0, (0, k))
        for c, k in terms:
            if c == 0:
                self.err(f"the index of '{buf.name}' does not move with range '{k}': its "
                         f"{self.ranges[k].size} points store to the same element, a race", where)
            if c <= reach:
                self.err(f"points of the parallel ranges store to the same element of '{buf.name}' "
                         f"(range '{k}' moves the index by {c}, within the reach {reach} of the "
                         f"others): a race under parallel execution", where)
            reach += c * (self.ranges[k].size - 1)

    def check_self_reads(self, buf: Buffer, indices):
        """A statement may read the buffer it stores only at the element it writes: reading
        another element races with the point that writes it under parallel execution."""
        for p, load_idx in self.loads:
            if p.name == buf.name and tuple(load_idx) != tuple(indices):
                self.err(f"this statement stores '{buf.name}' and reads it at another index: a race "
                         f"under parallel execution (read a copy, or the same element)", p.loc)

    def check_bounds(self, buf: Buffer, indices, index_ps, loc):
        """An index the range analysis proves can leave its dimension is an error (for loads
        and stores alike); data-dependent indices are checked when the kernel runs."""
        for dim, (u, p) in enumerate(zip(indices, index_ps)):
            lo, hi = ranges(u)[u]
            if (hi is not None and hi >= buf.shape[dim]) or (lo is not None and lo < 0):
                self.err(f"index {dim} of '{buf.name}' ranges over [{lo}, {hi}] but the dimension "
                         f"is {buf.shape[dim]}", p.loc or loc)


#: What the error for a divisor the range analysis proves is always 0 says (the fuzzer skips
#: the kernels it draws with one: rewriter/fuzz/modes.py).
DIVISOR_ALWAYS_ZERO = "the divisor is always 0"


def _free_ranges(u: UOp) -> set[str]:
    """Range names used in `u` outside reductions over them."""
    if u.op == "var":
        return {u.arg.name}
    if u.op == "reduce":
        return _free_ranges(u.src[0]) - set(u.arg[1])
    out: set[str] = set()
    for s in u.src:
        out |= _free_ranges(s)
    return out
