"""Single-precision kernels on the scalar core: f32 stores as one hardware loop over scalar
registers (v66 HVX has no float lanes).

The scalar core has IEEE binary32 add, subtract and multiply and an ordered compare
(`sfadd`, `sfsub`, `sfmpy`, `sfcmp.gt`: isa.py), two a packet in slots 2 and 3, beside two
memory accesses (`memw`, loads or stores) in slots 0 and 1. This lowering covers one store of
f32 buffers whose value is

  * elementwise over f32 loads and constants: add, sub, mul, min, max, and `where` over a
    float `lt`, in which
  * `sum` / `reduce_max` / `reduce_min` of such values over any reduce ranges may appear
    anywhere (`sum(a[r, k] * v[k], k) + b[r]`, a pool's `reduce_max` over ky, kx), but not
    one inside another: each is folded into an accumulator of its own, then the expression
    around it reads the accumulator,

in a nest of store ranges of any size. Integer buffers of up to 32 bits may be read beside
the f32 ones (a dequantization `cast<f32>(cast<i32>(q[i]) - zp) * scale`): loaded extended to
a word (`memb`, `memuh`, ...), added, subtracted and multiplied as words (`add`, `sub`,
`mpyi`: i32 and u32 wrap alike), converted by `convert_w2sf` / `convert_uw2sf` (round to
nearest even, as the op table's cast):

  * **Loop.** One hardware loop over the *loop index*: the longest run of consecutive store
    ranges that every access walks row-major (as rows.py fuses ranges): `y_x` of an
    elementwise 2-D kernel, `i` of a matmul (a's rows move with i, b stays put). An iteration
    computes `unroll` consecutive positions of it; the store's other ranges (the matmul's
    j) and the reduction are unrolled within each position, straight-line code that the
    list and modulo schedulers pack. Positions the unroll leaves over are the epilogue's.
  * **Exactness.** Every output is computed with the reference's operations in the
    reference's order: kernel/reference.py folds a float reduction in index order from its
    first term (row-major over its ranges), `((t0 + t1) + t2) + ...`, and so does this code, one rounding an operation,
    no fused multiply-add, no reassociation. The parallelism that fills the packets comes
    from computing several outputs at once, never from splitting one output's sum, so the
    results are the reference's bit for bit. min/max are the op table's definitions
    (`min(a, b) = b < a ? b : a`) as `sfcmp.gt` + `mux`: sfmin/sfmax return the number
    where one operand is NaN, which the op table's min/max do not.
  * **Addressing.** Each buffer's pointer (r0-r5) moves by its elements per iteration; an
    element is `memw(base+#off)` (`memb`/`memh` for narrower integers), off within #s11
    scaled by the element (-4096..4092 bytes for words, 2048 for halfwords, 1024 for bytes;
    llvm-mc would add a constant extender past it, a word the packet rules do not count).
    Reads farther away get a base register of their own (pointer + a multiple of the reach)
    that moves with it.
  * **Registers.** Outputs are generated in groups of `GROUP`: a group's accumulators and
    operands are live together, its loads are shared within it and loaded again by the
    next (the memory slots have room; registers do not). The function may use the
    callee-saved r16-r27 (`MachineFunction.callee_saved`: the emitter saves the ones used).

Anything else raises `HexagonUnsupported` naming it, and the target falls back to LLVM.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import typed_term
from rewriter.backends.hexagon.mir import HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.select import FormNotApplicable, Selector
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp
from rewriter.kernel.kernel import REDUCTIONS

F32 = parse_dtype("f32")
#: Outputs generated together (their accumulators live at once; see the module docstring).
GROUP = 8
#: Bytes a `memw(base+#off)` reaches above its base (#s11:2 reaches -4096..4092).
REACH = 4096
#: The most instructions one loop body may hold (the schedulers' work grows faster than
#: linearly with it); a larger nest needs nested loops, which this lowering does not make.
MAX_BODY = 3600
I32, U32 = parse_dtype("i32"), parse_dtype("u32")
#: Ops this lowering computes: their rows (an op-table pattern over registers, isa.py).
_OPS = ("add", "sub", "mul", "lt", "cast")
#: The scalar loads of each integer width (sign- or zero-extended to the word).
_LOADS = {(8, True): "memb", (8, False): "memub", (16, True): "memh", (16, False): "memuh"}


def _scalar_rows() -> dict:
    """(op, operand type) -> (row, operand fields in the pattern's order) for the scalar rows
    whose meaning is one op over their registers (`sfadd`: `add(u:f32, v:f32)`, `addr`:
    `add(u:i32, v:i32)`, `convert_w2sf`: `cast<f32>(u:i32)`): the table is the rule."""
    table = {}
    for row in INSNS.values():
        if row.is_hvx or row.side_effect or not row.defs or row.lanewise:
            continue
        try:
            p = typed_term(row.sem)
        except Exception:  # prose
            continue
        args = p.src
        if p.op in _OPS and args and all(a.op == "var" and a.dtype == args[0].dtype for a in args) \
                and (p.op != "cast" or p.dtype == F32):
            table[(p.op, args[0].dtype)] = (row, [a.arg.name for a in args])
    return table


ROWS = _scalar_rows()


class ScalarSelector(Selector):
    """`Selector` for f32 stores on the scalar core (`scalar()`: the module docstring)."""

    def scalar(self) -> MachineFunction:
        if self.form != "native":
            raise FormNotApplicable(f"the selection form '{self.form}' (the scalar core's floats have only native)")
        k = self.k
        others = [f"{b.name}: {b.dtype}" for b in k.buffers
                  if b.dtype != F32 and not (b.dtype.is_int and b.dtype.bits <= 32)]
        if others:
            raise HexagonUnsupported(f"buffers other than f32 and integers of up to 32 bits beside f32 ones "
                                     f"({', '.join(others)})")
        if len(k.stores) != 1 or k.temps:
            raise HexagonUnsupported("f32 kernels of several stores or with temporaries")
        (st,) = k.stores
        if k.buffer(st.arg).dtype != F32:
            raise HexagonUnsupported(f"a {k.buffer(st.arg).dtype} store beside f32 buffers")
        #: bytes an element of each buffer takes (its loads: memw, or memb/memh/... extending)
        self.esize = {b.name: b.dtype.bits // 8 for b in k.buffers}
        if any(i.op != "var" for i in st.src[:-1]) or len({i.arg.name for i in st.src[:-1]}) != len(st.src) - 1:
            raise HexagonUnsupported(f"the f32 store {st.arg} at computed indices")
        names = [i.arg.name for i in st.src[:-1]]
        value = self.flat_loads(self.simplify(st.src[-1]))
        # The reductions of the value, innermost first (the value itself may be one); each is
        # folded into an accumulator of its own, which the expression around it then reads.
        self.reductions = [n for n in value.toposort() if n.op == "reduce"]
        for r in self.reductions:
            if any(n.op == "reduce" for n in r.src[0].toposort()):
                raise HexagonUnsupported(f"an f32 {r.arg[0]} inside another reduction")
            # Word sums wrap alike signed or unsigned (`add`); the scalar core's word min/max
            # rows have no op-table meaning, so only f32 folds by compare.
            if not (r.dtype == F32 or (r.dtype in (I32, U32) and REDUCTIONS[r.arg[0]] == "add")):
                raise HexagonUnsupported(f"a {r.arg[0]} of {r.dtype} values on the scalar core")
        sizes = {n: k.range(n).size for n in names + [m for r in self.reductions for m in r.arg[1]]}
        self.sizes = sizes
        out = k.buffer(st.arg)
        accesses = [(st.arg, affine(self.simplify(flatten(st.src[:-1], out.shape))))]
        for n in value.toposort():
            if n.op == "load":
                a = affine(n.src[0])
                if a is None or set(a) - set(sizes) - {None}:
                    raise HexagonUnsupported(f"the f32 access {n.arg}[{n.src[0]}] (not affine in the nest's ranges)")
                accesses.append((n.arg, a))
        run = _loop_run(names, sizes, [a for _b, a in accesses])
        if not run:  # nothing to compute in parallel: exactness keeps a whole sum one chain
            what = self.reductions[-1].arg[0] if self.reductions else "value"
            raise HexagonUnsupported(f"an f32 {what} to one element (one chain in the reference's order)")
        self.last, self.folded = run[-1], set(run[:-1])  # the loop index moves along `last`
        self.step: dict = {}  # buffer -> elements its pointer moves per position of the loop index
        for b, a in accesses:
            if self.step.setdefault(b, a.get(self.last, 0)) != a.get(self.last, 0):
                raise HexagonUnsupported(f"accesses of {b} that move at different rates along {'_'.join(run)}")
        rest = [n for n in names if n not in run]
        positions = math.prod(sizes[n] for n in run)
        # Per output its ops (min/max are two), each reduction's body once a term, not counting
        # loads (some are shared): a lower estimate, to refuse before generating a huge body.
        per_output = sum(_ops(r.src[0]) * self._terms(r) for r in self.reductions) + _ops(value)
        inner = list(itertools.product(*(range(sizes[n]) for n in rest)))
        if self.unroll * len(inner) * per_output > MAX_BODY:
            raise HexagonUnsupported(f"an f32 loop body of more than {MAX_BODY} instructions (nested loops)")
        self.rest, self.value, self.store, self.store_index = rest, value, st, accesses[0][1]
        self.bases: dict = {}  # (buffer, 4096-byte window) -> its base register
        trip = positions // self.unroll
        if trip == 0:
            raise HexagonUnsupported(f"unrolling {positions} positions by {self.unroll}")
        self.block = self.pro if trip == 1 else self.body
        self._positions(range(self.unroll), inner)
        if len(self.block.insns) > MAX_BODY:
            raise HexagonUnsupported(f"an f32 loop body of {len(self.block.insns)} instructions (more than "
                                     f"{MAX_BODY}: nested loops)")
        for buf, n in sorted(self.step.items()):  # every moving pointer, at the end of the body
            moving = [self.ptr[buf]] + [r for (b, _w), r in sorted(self.bases.items()) if b == buf]
            for p in moving if n else ():
                self.block.add(insn("addi", d=p, u=p, imm=n * self.unroll * self.esize[buf]))
        if trip == 1:  # `finish` puts a one-trip body in the prologue: it is there already
            self.body.insns = []
        self.block = self.epi
        self._positions(range(positions - trip * self.unroll), inner)
        self.notes.append(f"{st.arg}: {trip} iterations of {self.unroll} position(s) of {'_'.join(run)}"
                          + (f" x {len(inner)} of {', '.join(rest)} (unrolled)" if rest else "")
                          + "".join(f", each a {r.arg[0]} over {self._terms(r)} terms of {', '.join(r.arg[1])} "
                                    "in index order" for r in self.reductions)
                          + f" on the scalar core (f32, exact: the reference's operations in its order)"
                          + (f"; {positions - trip * self.unroll} position(s) in the epilogue"
                             if positions % self.unroll else ""))
        mf = self.finish(trip)
        mf.callee_saved = True
        return mf

    # -- one group of outputs at a time ------------------------------------------------------
    def _positions(self, loop_positions, inner) -> None:
        outputs = [(p, dict(zip(self.rest, q))) for p in loop_positions for q in inner]
        for g in range(0, len(outputs), GROUP):
            group = outputs[g:g + GROUP]
            self.loaded: dict = {}  # (buffer, element) -> register, within the group
            done: list = [{} for _ in group]  # per output: reduce node -> its accumulator
            for r in self.reductions:  # the group's accumulators of one reduction live together
                rnames = r.arg[1]
                for point in itertools.product(*(range(self.sizes[n]) for n in rnames)):  # row-major
                    for j, (p, q) in enumerate(group):
                        at = {**q, self.last: p, **dict(zip(rnames, point))}
                        term = self._value(r.src[0], at, {})
                        done[j][r] = term if r not in done[j] else self._combine(r, done[j][r], term)
            for (p, q), memo in zip(group, done):
                at = {**q, self.last: p}
                result = self._value(self.value, at, memo)
                base, off = self._address(self.store.arg, self._element(self.store_index, at))
                self.block.add(insn("memw_st", mem=self.store.arg, p=base, u=result, off=off))

    def _terms(self, r: UOp) -> int:
        return math.prod(self.sizes[n] for n in r.arg[1])

    def _combine(self, r: UOp, acc: Reg, term: Reg) -> Reg:
        """Reduction `r`'s next step, `combine(acc, term)` as the reference folds it."""
        op = REDUCTIONS[r.arg[0]]
        if op == "add":  # (words: `add`, which wraps as i32 and u32 both do)
            return self._op("add", F32 if r.dtype == F32 else I32, acc, term)
        # max(acc, t) = acc < t ? t : acc; min(acc, t) = t < acc ? t : acc (the op table's)
        less = self._op("lt", F32, acc, term) if op == "max" else self._op("lt", F32, term, acc)
        return self._mux(less, term, acc)

    # -- values ------------------------------------------------------------------------------
    def _value(self, u: UOp, at: dict, memo: dict) -> Reg:
        if u in memo:
            return memo[u]
        if u.op == "load":
            r = self._load(u.arg, self._element(affine(u.src[0]), at))
        elif u.op == "const" and u.dtype == F32:
            r = self.scalar_const(int(np.float32(u.arg).view(np.int32)))
        elif u.op == "const" and u.dtype in (I32, U32):
            r = self.scalar_const(int(u.arg))
        elif u.op == "cast" and u.dtype in (I32, U32) and u.src[0].dtype.is_int and u.src[0].dtype.bits < 32:
            # A narrower integer sits in its register extended by its own signedness (its load
            # extends it): the word is already its value.
            r = self._value(u.src[0], at, memo)
        elif u.op == "cast" and u.dtype == F32 and u.src[0].dtype.is_int and u.src[0].dtype.bits <= 32:
            # Narrower integers are exact words (extended), so the signed conversion is theirs.
            src = u.src[0].dtype
            r = self._op("cast", I32 if src.bits < 32 or src.signed else U32, self._value(u.src[0], at, memo))
        elif u.op in ("min", "max") and u.dtype == F32:
            a, b = (self._value(s, at, memo) for s in u.src)
            # The op table's definitions: min(a, b) = b < a ? b : a, max(a, b) = a < b ? b : a.
            r = self._mux(self._op("lt", F32, b, a) if u.op == "min" else self._op("lt", F32, a, b), b, a)
        elif u.op == "where" and u.dtype == F32:
            c, x, y = (self._value(s, at, memo) for s in u.src)
            r = self._mux(c, x, y)
        elif (u.op, F32) in ROWS and all(s.dtype == F32 for s in u.src) and u.dtype in (F32, parse_dtype("bool")):
            r = self._op(u.op, F32, *(self._value(s, at, memo) for s in u.src))
        elif u.op in ("add", "sub", "mul") and u.dtype in (I32, U32):  # words wrap alike either way
            r = self._op(u.op, I32, *(self._value(s, at, memo) for s in u.src))
        else:
            raise HexagonUnsupported(f"the op {u.op} ({u.dtype}) in an f32 kernel on the scalar core")
        memo[u] = r
        return r

    def _op(self, op: str, t, *args: Reg) -> Reg:
        """`op` over operands of type `t`, by its row."""
        row, fields = ROWS[(op, t)]
        d = self.reg(row.defs[0][1], op)
        self.block.add(insn(row.name, d=d, **dict(zip(fields, args))))
        return d

    def _mux(self, p: Reg, x: Reg, y: Reg) -> Reg:
        d = self.reg("R", "mux")
        self.block.add(insn("mux", d=d, p=p, u=x, v=y))
        return d

    # -- memory ------------------------------------------------------------------------------
    def _element(self, coef: dict, at: dict) -> int:
        """The element an access reads at `at` (the unrolled ranges by value, `last` as the
        position within the iteration), relative to its buffer's pointer. The loop index's
        other ranges (`folded`) are in the position: they walk the buffer as `last` does."""
        return coef.get(None, 0) + sum(c * at[n] for n, c in coef.items() if n is not None and n not in self.folded)

    def _load(self, buf: str, elem: int) -> Reg:
        key = (buf, elem)
        if key not in self.loaded:
            base, off = self._address(buf, elem)
            r = self.reg("R", f"{buf}[{elem}]")
            t = self.k.buffer(buf).dtype
            self.block.add(insn(_LOADS.get((t.bits, t.signed), "memw"), mem=buf, d=r, p=base, off=off))
            self.loaded[key] = r
        return self.loaded[key]

    def _address(self, buf: str, elem: int) -> tuple[Reg, int]:
        """(base register, byte offset) of element `elem` of `buf`: the pointer where the
        offset is within its load's reach (#s11 scaled by the element: memw 4096 bytes, memh
        2048, memb 1024), else a base of its own window."""
        byte = self.esize[buf] * elem
        reach = REACH // 4 * self.esize[buf]
        if -reach <= byte < reach:
            return self.ptr[buf], byte
        window = byte // reach
        key = (buf, window)
        if key not in self.bases:
            # Made where it is first needed: the prologue for the loop (the body moves it with
            # the pointer), the epilogue after it (from the pointer where the loop left it).
            base = self.reg("R", f"{buf}+{window * reach}")
            where = self.pro if self.block is not self.epi else self.epi
            where.add(insn("addi", d=base, u=self.ptr[buf], imm=window * reach))
            self.bases[key] = base
        return self.bases[key], byte - window * reach


def _ops(u: UOp) -> int:
    """Instructions of `u`'s value ops (f32 and word: not its index arithmetic, which the
    addressing folds into offsets) outside its reductions (min/max are two)."""
    inside = {n for r in u.toposort() if r.op == "reduce" for n in r.src[0].toposort()}
    return sum(1 + (n.op in ("min", "max")) for n in u.toposort()
               if n.op not in ("const", "load", "reduce") and n not in inside
               and (n.dtype == F32 or n.dtype.is_int))


def _loop_run(names: list[str], sizes: dict, coefs: list[dict]) -> list[str]:
    """The longest run of consecutive store ranges that every access walks row-major (each
    range's coefficient is the next one's times its size), so that one index walks them all
    with one pointer step per buffer; the outermost of equal ones."""
    best: list[str] = []
    for i in range(len(names)):
        for j in range(i + 1, len(names) + 1):
            run = names[i:j]
            ok = all(c.get(a, 0) == c.get(b, 0) * sizes[b] for c in coefs for a, b in zip(run, run[1:]))
            if ok and math.prod(sizes[n] for n in run) > math.prod(sizes[n] for n in best):
                best = run
    return best
