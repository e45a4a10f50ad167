"""Instruction selection for HVX: a simplified kernel -> a `MachineFunction` (virtual registers).

This is the HVX-specific lowering the generic `lower/` does not fit: HVX works on 128-byte
vectors whatever the element width, so one loop iteration handles a *block* of lanes sized by
the narrowest element type in the kernel (128 u8 lanes = 2 vectors of 64 halves = 4 vectors
of 32 words), and a value of type T occupies `block * bytes(T) / 128` vectors, lanes in
natural order. Two kernel shapes are compiled:

  * elementwise: `out[i] = f(x[i + c], ...)` over one range, with small `sum` reductions
    unrolled (sum3: `x[i] + x[i+1] + x[i+2]`); unaligned `x[i + c]` reads two aligned vectors
    shared by every access and picks the bytes with `valign`;
  * multiply-reduce: `out = sum(cast(a[i]) * cast(b[i]), i)` over bytes: the reduction is
    regrouped four lanes at a time, `i = 128 t + 4 j + q`, which gives every word lane j the
    four-term sum the `hvx-vrmpy-*` rules turn into `hvx.vrmpy_*`; the word lanes accumulate
    with `Vx.w += vrmpy(Vu.b,Vv.b)` and fold with a `vror`/`vadd` tree at the end.

Every rewrite from the kernel's term to HVX ops goes through the proven target rules
(`rules/hexagon.rules`, applied by the ordinary rewrite engine); the ISA rows' own lane-wise
patterns (`isa.py`) then cover the term, one instruction per vector of a value. What is not
covered raises `HexagonUnsupported` ("hexagon: <what> not supported yet").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.licm import hoist_invariants
from rewriter.backends.hexagon.rowtables import (
    PACKS, WIDENING_MULS, LANE_ROWS, COMPARE_ROWS, TERM_ROWS, _match,
    _EXTEND, _TRUNCATE, SIGNLESS, BITWISE, _lane_coverable,
    _elem_bytes, _signed_twin, _splat_bits, _signed32, lane_row, lane_types,
)
from rewriter.backends.hexagon.mir import (
    SP,
    STACK_ARGS,
    Block,
    HexagonUnsupported,
    MachineFunction,
    Reg,
    extended,
    insn,
)
from rewriter.backends.hexagon.sliding import proves_sliding
from rewriter.backends.hexagon.tmpy import proves_tmpy
from rewriter.backends.hexagon.wordmul import word_mulhi
from rewriter.dsl.rule import EXPAND, REGROUP, RuleLibrary
from rewriter.errors import RewriterError
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import DType, parse_dtype
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import Kernel
from rewriter.rewrite.engine import Rewriter

VBYTES = MODEL.vector_bytes

#: The most independent accumulators a sum of widening products splits into (`widening_dot`).
MAX_DOT_CHAINS = 2
#: The largest reduce range an elementwise kernel unrolls (sum3's k); larger ones are loops.
MAX_UNROLLED_REDUCE = 8
#: Addressing forms: alternatives in how the selector reads memory, which the global scheduler
#: compiles and compares (`global_sched.py`, `--explain`) like the rewrite choices (the
#: `scope hexagon-choice-NAME` rule files: `SelectionRewriter.choices`; the two together are
#: `SelectionRewriter.forms`). name -> the `Form` flags (rows.py reads unaligned):
#:   * unaligned: an access `x[i + c]` off the vector grid is one unaligned load
#:     (`vmemu`, slot 0 with slot 1 empty, LD + XLANE) from an address register, instead of two
#:     aligned loads shared by every access and a `valign` (XLANE).
#: (Byte windows' sliding vrmpy is not a form but the rewrite choice "sliding",
#: rules/hexagon-choice-sliding.rules: `SelectionRewriter.slides`.) A form other than
#: "native" applies only where it changes something (else `FormNotApplicable`).


class Form(NamedTuple):
    """What an addressing form switches on (all off: "native")."""

    unaligned: bool = False


SELECTION_FORMS = {"native": Form(), "unaligned": Form(unaligned=True)}


class SelectionRewriter(Rewriter):
    """The Hexagon target rules (scope hexagon), which selection normalizes terms with,
    `expand`: the expansions (scope hexagon-expand), applied only at a node no instruction
    row covers (`Selector._gen`), and `regroup` (scope hexagon-regroup, `window.py`). With
    `choice`, that rewrite choice's rules come ahead of the target rules."""

    def __init__(self, library, choice: str | None = None):
        hexagon = list(library.target_rules("hexagon"))
        chosen = list(library.choices("hexagon")[choice]) if choice else []  # (ahead: they win)
        super().__init__(RuleLibrary(chosen + hexagon))
        self.expand = Rewriter(library.target_rules("hexagon" + EXPAND))
        #: The regrouping rules (scope hexagon-regroup): only for the sums `window.py` writes
        #: four taps at a time.
        self.regroup = Rewriter(library.target_rules("hexagon" + REGROUP))
        #: The target rules whose results lane-wise rows cover (`rows.py` computes each lane
        #: on its own: a vrmpy's four-lane sums are for the strategies that regroup lanes).
        self.lanewise = Rewriter(RuleLibrary([r for r in chosen + hexagon if _lane_coverable(r.decl.rhs)]))
        #: The rewrite choices (rules/hexagon-choice-NAME.rules): NAME -> the selection
        #: rewriter with that file's rules ahead of the target rules (none inside a choice).
        self.choices: dict[str, "SelectionRewriter"] = {} if choice else {
            name: SelectionRewriter(library, name) for name in library.choices("hexagon")}
        #: Whether these rules prove the halves of `vrmpy(Vuu.ub, Rt.b, #u1)` to be a byte
        #: window's products at its byte shifts (sliding.py): then the windows of a kernel
        #: selected with them take the sliding vrmpy (the choice "sliding" has those rules).
        self.slides = proves_sliding(self)
        #: The byte types whose three-tap rows these rules prove to be vtmpy (tmpy.py): then a
        #: 16-bit sum over such rows takes it (the choice "vtmpyb" has those rules).
        self.tmpy = proves_tmpy(self)

    @property
    def forms(self) -> tuple[str, ...]:
        """Every selection alternative: the addressing forms, then the rewrite choices."""
        return tuple(SELECTION_FORMS) + tuple(self.choices)


class FormNotApplicable(HexagonUnsupported):
    """A selection form other than "native" that does not apply to this kernel (nothing in it
    for the form to change): not a missing feature, so its message says just that."""

    def __init__(self, why: str):
        RewriterError.__init__(self, f"hexagon: {why}")


@dataclass
class _Access:
    buffer: str
    offset: int  # element offset from the block's first lane


class Selector:
    """Builds one `MachineFunction`; `rules` is the selector's rewriter (target rules)."""

    def __init__(self, kernel: Kernel, simplify, select_rw, unroll: int = 1, form: str = "native"):
        self.k = kernel
        self.expand = select_rw.expand if isinstance(select_rw, SelectionRewriter) else None
        self.unroll = unroll  # blocks per loop iteration
        self.form = form  # a key of SELECTION_FORMS or a rewrite choice of `select_rw`
        self.base_rw = select_rw
        self.paired: set = set()  # registers already in a register-pair operand (vtmpy's uu)
        self.changed = 0  # places where the form differs from "native"
        self.slid = 0  # window groups on the sliding vrmpy (the choice "sliding": sliding.py)
        self.lane_offset = 0  # the first lane of the block being generated
        self.simplify = simplify
        # What an expansion's result is normalized with: the target rules without a choice's,
        # which would rewrite it straight back (vtmpy3 off its lanes -> the adds -> vtmpy3).
        self.plain_rw = select_rw
        self.set_form(form)
        self.n_regs = 0
        self.pro, self.body, self.epi = Block("prologue"), Block("loop"), Block("epilogue")
        self.ptr = self._pointers(kernel)
        self.consts: dict = {}
        self.patterns: dict = {}  # TERM_ROWS' meanings in this selector's normal form, by row
        self.loads: dict = {}
        self.qregs: dict = {}  # the rotating predicate registers (select_lanes)
        self.q_uses: list = []
        # Predicate registers that byte masks may hold through the loop (set by a lowering
        # that knows its other users), and how many they hold (permute.py).
        self.q_fixed_budget, self.q_fixed = 0, 0
        self.pool: list = []  # constant vectors (bytearrays), emitted after the code (permute.py)
        self.notes: list[str] = []

    def _pointers(self, kernel: Kernel) -> dict:
        """Buffer -> the register holding its address: r0-r5 for the first six (the ABI's
        argument registers), and for the rest a register loaded in the prologue from the
        stack, where the caller passes them a word each from sp + 0."""
        args = MODEL.arg_registers
        ptr = {}
        for i, b in enumerate(kernel.buffers):
            if i < len(args):
                ptr[b.name] = Reg("R", -1 - i, phys=args[i], hint=b.name)
            else:
                ptr[b.name] = Reg("R", -1 - i, hint=f"&{b.name}")
                self.pro.add(insn("memw", mem=STACK_ARGS, d=ptr[b.name], p=SP, off=4 * (i - len(args))))
        return ptr

    def rotating_q(self) -> Reg:
        """The next of the rotating predicate registers: the four less those held by fixed
        byte masks (`q_fixed`, permute.py), taken in turn (a reuse orders the new def after
        the reader of the old one), so a body of many compares or byte masks never needs
        more (and a register written again is never hoisted)."""
        slot = len(self.q_uses) % self.q_rotation()
        if slot not in self.qregs:
            self.qregs[slot] = self.reg("Q", f"q{slot}")
        q = self.qregs[slot]
        self.q_uses.append(q)
        return q

    def q_rotation(self) -> int:
        """How many predicate registers rotate (`rotating_q`)."""
        return MODEL.predicate_registers - self.q_fixed

    def set_form(self, form: str) -> None:
        """Switch the selection form (`mixed.py` switches it per unrolled copy): an addressing
        form's flags, or a rewrite choice's rules (`self.rw`: the choice's rewriter)."""
        choices = getattr(self.base_rw, "choices", {})
        if form not in SELECTION_FORMS and form not in choices:
            raise HexagonUnsupported(f"the selection form '{form}' (choose from: "
                                     f"{', '.join(tuple(SELECTION_FORMS) + tuple(choices))})")
        self.unaligned = SELECTION_FORMS.get(form, Form()).unaligned
        self.rw = choices.get(form, self.base_rw)
        self.choice = form if form in choices else None
        # A choice whose rules prove the sliding vrmpy slides byte windows (window.py), and
        # that reads their rows off the vector grid by vmemu, as the unaligned form does.
        self.sliding = self.choice is not None and getattr(self.rw, "slides", False)
        self.tmpy = getattr(self.rw, "tmpy", frozenset()) if self.choice is not None else frozenset()
        self.unaligned = self.unaligned or self.sliding

    def reg(self, cls: str, hint: str = "") -> Reg:
        self.n_regs += 1
        return Reg(cls, self.n_regs, hint=hint)

    # -- constants (hoisted to the prologue) ---------------------------------------------------
    def scalar_const(self, value: int, cls: str = "R") -> Reg:
        value = _signed32(value)
        key = ("r", value, cls)
        if key not in self.consts:
            r = self.reg(cls, f"#{value}")
            self.pro.add(insn("movi", d=r, imm=value))  # (movi_ext past 16 bits: mir.insn)
            self.consts[key] = r
        return self.consts[key]

    def vector_const(self, value: int, t: DType) -> Reg:
        key = ("v", value, t.scalar)
        if key not in self.consts:
            v = self.reg("V", f"splat {value}")
            if value == 0:
                self.pro.add(insn("vzero", d=v))
            else:
                self.pro.add(insn("vsplatw", d=v, t=self.scalar_const(_splat_bits(value, t))))
            self.consts[key] = v
        return self.consts[key]

    def first_bytes(self, r: Reg, keep: int, rest: Reg) -> Reg:
        """`r`'s first `keep` bytes, the rest from `rest` (`vsetq` + `vmux`): a partial
        block's lanes past a row's or a range's end set to the reduction's identity."""
        q, d = self.reg("Q", f"first {keep}B"), self.reg("V", "masked")
        self.body.add(insn("vsetq", d=q, t=self.scalar_const(keep)))
        self.body.add(insn("vmux", d=d, q=q, u=r, v=rest))
        return d

    # -- loads ---------------------------------------------------------------------------------
    def aligned(self, buffer: str, vec: int) -> Reg:
        """The aligned vector `vec` vectors past the block's start in `buffer` (loaded once)."""
        key = (buffer, vec)
        if key not in self.loads:
            if not -8 <= vec <= 7:
                raise HexagonUnsupported(f"a load {vec} vectors from the pointer (beyond #s4)")
            v = self.reg("V", f"{buffer}+{vec}")
            self.body.add(insn("vmem_ld", mem=buffer, d=v, p=self.ptr[buffer], off=vec))
            self.loads[key] = v
        return self.loads[key]

    def load_vectors(self, acc: _Access, t: DType, n: int) -> list[Reg]:
        out = []
        for j in range(n):
            byte = acc.offset * _elem_bytes(t) + VBYTES * j
            lo, shift = divmod(byte, VBYTES)
            if shift == 0:
                out.append(self.aligned(acc.buffer, lo))
                continue
            if self.unaligned:  # one vmemu from an address register (p + byte)
                addr = self.reg("R", f"&{acc.buffer}+{byte}B")
                self.body.add(insn("addi", d=addr, u=self.ptr[acc.buffer], imm=byte))
                d = self.reg("V", f"{acc.buffer}+{byte}B")
                self.body.add(insn("vmemu_ld", mem=acc.buffer, d=d, p=addr, off=0))
                self.changed += 1
                out.append(d)
                continue
            a, b = self.aligned(acc.buffer, lo), self.aligned(acc.buffer, lo + 1)
            d = self.reg("V", f"{acc.buffer}+{byte}B")
            if shift < 8:
                self.body.add(insn("valigni", d=d, u=b, v=a, imm=shift))
            else:
                self.body.add(insn("valign", d=d, u=b, v=a, t=self.scalar_const(shift, "R8")))
            out.append(d)
        return out

    # -- elementwise kernels -------------------------------------------------------------------
    def access(self, load: UOp, rname: str) -> _Access:
        a = affine(load.src[0])
        if a is None or set(a) - {rname, None} or a.get(rname) != 1:
            raise HexagonUnsupported(f"the access {load.arg}[{load.src[0]}] (only x[i + c])")
        return _Access(load.arg, a.get(None, 0) + self.lane_offset)

    def nvec(self, t: DType) -> int:
        n = self.block * _elem_bytes(t)
        if n % VBYTES:
            raise HexagonUnsupported(f"{self.block} lanes of {t} (not whole vectors)")
        return n // VBYTES

    def gen(self, u: UOp, rname: str, memo: dict) -> list[Reg]:
        if u in memo:
            return memo[u]
        out = self._gen(u, rname, memo)
        memo[u] = out
        return out

    def _gen(self, u: UOp, rname: str, memo) -> list[Reg]:
        t = u.dtype
        if t.is_float or t.is_bool or t.is_idx or t.scalar.bits > 32:
            raise HexagonUnsupported(f"values of type {t}")
        n = self.nvec(t)
        if u.op == "load":
            return self.load_vectors(self.access(u, rname), t, n)
        if u.op == "const":
            return [self.vector_const(int(u.arg), t)] * n
        if u.op == "add" and not u.flags:
            out = self.widening_dot(u, rname, memo)
            if out is not None:
                return out
        out = self._term_row(u, rname, memo)
        if out is not None:
            return out
        if u.op == "mul" and not u.flags:
            out = self.widening_mul(u, rname, memo)
            if out is not None:
                return out
        if u.op == "cast" and u.src[0].dtype.is_int and t.is_int:
            return self.convert(u, rname, memo)
        if u.op in PACKS:
            src = self.gen(u.src[0], rname, memo)
            out = []
            for j in range(0, len(src), 2):
                d = self.reg("V", u.op)
                self.body.add(insn(PACKS[u.op], d=d, u=src[j + 1], v=src[j]))
                out.append(d)
            return out
        if u.op == "where":
            return self.select_lanes(u, rname, memo)
        if u.op == "hvx.vtmpy3_h":  # (the choice "vtmpy"; off neighbouring lanes: expanded)
            out = self.three_tap(u, rname)
            if out is not None:
                return out
        if u.op == "mulhi" and (out := word_mulhi(self, u, rname, memo)) is not None:
            return out  # (the high word of a product of words: two multiplies, wordmul.py)
        key = (u.op, t.scalar)
        if key not in LANE_ROWS and u.op in SIGNLESS:
            key = (u.op, _signed_twin(t))
        if key not in LANE_ROWS and u.op in BITWISE:
            key = (u.op, parse_dtype("i8"))
        covered = lane_row(key, u)  # (a shift by a vector of amounts: the vector form)
        if (covered is None or u.flags) and self.expand is not None:
            # One expansion rule (scope hexagon-expand) at this node: what its right side
            # leaves uncovered is expanded where `gen` meets it, so a covered node there (a
            # widening product, a byte shift by a constant) keeps its row.
            expanded = self.expand.rewrite_root(u)
            if expanded is not u:
                return self.gen(self.plain_rw.normalize(expanded), rname, memo)
        if covered is None or u.flags:
            raise HexagonUnsupported(f"the op {u.op}{'.' + '.'.join(u.flags) if u.flags else ''} at {t}")
        row, names, types = covered
        tied = {use for _, use in row.tied}
        operands = []
        for s, name, ty in zip(u.src, names, types):
            if name in tied:  # an accumulator the row overwrites: registers of its own
                operands.append(("V", self._gen(s, rname, memo)))
            elif any(n == name for n, c in row.uses if c == "V"):
                operands.append(("V", self.gen(s, rname, memo)))
            else:  # a scalar register operand: constants only
                if s.op != "const":
                    raise HexagonUnsupported(f"{row.name} with a non-constant scalar operand")
                value = int(s.arg)
                reg_value = _splat_bits(value, ty) if ty.scalar.bits == 8 else value  # Rt.b: 4 bytes
                operands.append(("R", self.scalar_const(reg_value)))
        out = []
        for j in range(n):
            fields = {"d": self.reg("V", u.op)}
            for (kind, val), name in zip(operands, names):
                fields[name] = val[j] if kind == "V" else val
            self.body.add(insn(row.name, **fields))
            out.append(fields["d"])  # (a tied accumulator's register, updated in place)
        return out

    def _term_row(self, u: UOp, rname: str, memo) -> list[Reg] | None:
        """`u` by one row of `TERM_ROWS` whose meaning it is (the row's pattern normalized by
        the same portable rules as the kernel, so both are in one canonical form), or None."""
        for pattern, row in TERM_ROWS.get(u.op, ()):
            if row.name not in self.patterns:
                self.patterns[row.name] = self.simplify(pattern)
            binding: dict = {}
            if not _match(self.patterns[row.name], u, binding):
                continue
            operands = {name: self.gen(binding[name], rname, memo) for name, _ in row.uses}
            out = []
            for j in range(self.nvec(u.dtype)):
                d = self.reg("V", row.name)
                self.body.add(insn(row.name, d=d, **{name: regs[j] for name, regs in operands.items()}))
                out.append(d)
            return out
        return None

    def three_tap(self, u: UOp, rname: str) -> list[Reg] | None:
        """`hvx.vtmpy3_h(x[i + c], x[i + c + 1], x[i + c + 2])` (rules/hexagon-choice-vtmpy.rules:
        operands three neighbouring reads of one buffer, any order, each maybe cast between
        the two signednesses of 16 bits) as `vtmpy` + `vshuffe` per vector, or None where
        the operands are not such reads."""
        leaves = [n.src[0] if n.op == "cast" and n.src[0].dtype.scalar.bits == 16 else n for n in u.src]
        if any(n.op != "load" for n in leaves):
            return None
        try:
            accs = [self.access(n, rname) for n in leaves]
        except HexagonUnsupported:
            return None
        first = min(a.offset for a in accs)
        if len({a.buffer for a in accs}) != 1 or sorted(a.offset for a in accs) != [first, first + 1, first + 2]:
            return None
        n = self.nvec(u.dtype)
        low = self.load_vectors(_Access(accs[0].buffer, first), u.dtype, n)
        high = self.load_vectors(_Access(accs[0].buffer, first + 2), u.dtype, n)
        if any(r in self.paired for r in low + high) or set(low) & set(high):
            return None  # (a register can be one half of one pair only)
        ones = self.scalar_const(0x01010101)
        out = []
        for lo_in, hi_in in zip(low, high):
            self.paired |= {lo_in, hi_in}
            lo, hi, d = self.reg("V", "tmpy.lo"), self.reg("V", "tmpy.hi"), self.reg("V", "sum3")
            self.body.add(insn("vtmpyhb", lo=lo, hi=hi, ulo=lo_in, uhi=hi_in, t=ones))
            self.body.add(insn("vshuffeh", d=d, u=hi, v=lo))
            out.append(d)
        self.changed += 1
        return out

    def _widening_operands(self, u: UOp):
        """(row, a, b) where `u` is `cast<W>(a) * cast<W>(b)` with a, b half W's width and a
        widening multiply row for their types (`WIDENING_MULS`, operands in the row's order),
        else None."""
        if u.op != "mul" or u.flags:
            return None
        a, b = u.src
        if a.op != "cast" or b.op != "cast":
            return None
        key = (a.src[0].dtype.scalar, b.src[0].dtype.scalar)
        row = WIDENING_MULS.get(key) or WIDENING_MULS.get(key[::-1])
        if row is None or any(2 * x.bits != u.dtype.scalar.bits for x in key):
            return None
        return (row, a.src[0], b.src[0]) if key in WIDENING_MULS else (row, b.src[0], a.src[0])

    def widening_dot(self, u: UOp, rname: str, memo) -> list[Reg] | None:
        """A sum with two or more widening products among its terms (`x0*y0 + x1*y1 + ...`,
        each `cast<W>(a) * cast<W>(b)` of `widening_mul`'s shape): the products accumulate in
        the rows' own lane order (`Vdd += vmpy(Vu, Vv)`: lanes 2i in the low vector, 2i + 1
        in the high) and one `vshuff` puts the sum in lane order, instead of one `vshuff`
        and one add per product. Equal: a lane permutation commutes with lane-wise wrapping
        addition, and the accumulating row adds the exact product modulo 2^W as `add` does.
        The other terms are added after. None where fewer than two terms are such products."""
        t = u.dtype
        terms, stack = [], [u]
        while stack:
            n = stack.pop()
            if n.op == "add" and n.dtype == t and not n.flags:
                stack += reversed(n.src)
            else:
                terms.append(n)
        products = [(n, self._widening_operands(n)) for n in terms]
        products = [(n, p) for n, p in products if p is not None]
        if len(products) < 2:
            return None
        # Several independent accumulators: one chain of `+=` is a recurrence as long as its
        # products times the multiply latency, and the next iteration's chain reuses its
        # registers, so a single chain would bound the software pipeline's II by it.
        nchains = max(1, min(MAX_DOT_CHAINS, len(products) // 4))
        chains: list[list | None] = [None] * nchains  # per chain, per input vector: (lo, hi)
        for k, (_, (row, a, b)) in enumerate(products):
            ra, rb = self.gen(a, rname, memo), self.gen(b, rname, memo)
            c = k % nchains
            if chains[c] is None:
                chains[c] = [(self.reg("V", f"{row}.lo"), self.reg("V", f"{row}.hi")) for _ in ra]
                for (lo, hi), x, y in zip(chains[c], ra, rb):
                    self.body.add(insn(row, lo=lo, hi=hi, u=x, v=y))
            else:
                for (lo, hi), x, y in zip(chains[c], ra, rb):
                    self.body.add(insn(row + "_acc", lo=lo, hi=hi, u=x, v=y))
        add_row = LANE_ROWS[("add", _signed_twin(t))][0].name
        acc = chains[0]
        for other in chains[1:]:
            summed = []
            for (lo, hi), (lo2, hi2) in zip(acc, other):
                nlo, nhi = self.reg("V", "dot.lo"), self.reg("V", "dot.hi")
                self.body.add(insn(add_row, d=nlo, u=lo, v=lo2))
                self.body.add(insn(add_row, d=nhi, u=hi, v=hi2))
                summed.append((nlo, nhi))
            acc = summed
        unit = self.scalar_const(-t.scalar.bits // 8, "R8")
        out = []
        for lo, hi in acc:
            nlo, nhi = self.reg("V", "dot.lo"), self.reg("V", "dot.hi")
            self.body.add(insn("vshuffvdd", lo=nlo, hi=nhi, u=hi, v=lo, t=unit))
            out += [nlo, nhi]
        rest = [n for n in terms if all(n is not m for m, _ in products)]
        if rest:
            other = rest[0]
            for n in rest[1:]:
                other = UOp("add", t, (other, n))
            key = ("add", t.scalar) if ("add", t.scalar) in LANE_ROWS else ("add", _signed_twin(t))
            row, names, _ = LANE_ROWS[key]
            summed = []
            for x, y in zip(out, self.gen(other, rname, memo)):
                d = self.reg("V", "add")
                self.body.add(insn(row.name, d=d, **dict(zip(names, (x, y)))))
                summed.append(d)
            out = summed
        return out

    def widening_mul(self, u: UOp, rname: str, memo) -> list[Reg] | None:
        """`cast<W>(a) * cast<W>(b)` with a, b half W's width: per input vector one widening
        multiply row (`WIDENING_MULS`: its lanes 2i into the low vector of a pair, 2i + 1
        into the high, as the row's QEMU-checked meaning says) and a `vshuff` back to lane
        order, as `convert` does for an extension. Their product is the exact one, so its low
        W bits are the kernel's whatever W's signedness. None where `u` is not that shape."""
        a, b = _narrow_constant(*u.src)
        if a.op != "cast" or b.op != "cast":
            return None
        key = (a.src[0].dtype.scalar, b.src[0].dtype.scalar)
        row = WIDENING_MULS.get(key) or WIDENING_MULS.get(key[::-1])
        if row is None or any(2 * x.bits != u.dtype.scalar.bits for x in key):
            return None
        if key not in WIDENING_MULS:
            a, b = b, a
        ra, rb = self.gen(a.src[0], rname, memo), self.gen(b.src[0], rname, memo)
        unit = self.scalar_const(-u.dtype.scalar.bits // 8, "R8")
        out = []
        for x, y in zip(ra, rb):
            lo, hi, nlo, nhi = (self.reg("V", f"{row}.{k}") for k in ("lo", "hi", "nlo", "nhi"))
            self.body.add(insn(row, lo=lo, hi=hi, u=x, v=y))
            self.body.add(insn("vshuffvdd", lo=nlo, hi=nhi, u=hi, v=lo, t=unit))
            out += [nlo, nhi]
        return out

    def convert(self, u: UOp, rname: str, memo) -> list[Reg]:
        """An integer cast, one width step (8 <-> 16 <-> 32) at a time. Widening extends by
        the source's signedness (`vzxt`/`vsxt`: even lanes to the low vector of a pair, odd
        ones to the high) and interleaves the pair back with `vshuff`; narrowing truncates
        with `vpacke` (the low vector's lanes first). Same width: the same bits."""
        src = u.src[0]
        sbits, dbits = src.dtype.scalar.bits, u.dtype.scalar.bits
        regs = self.gen(src, rname, memo)
        bits = sbits
        while bits < dbits:
            ext = _EXTEND.get((bits, src.dtype.signed))
            if ext is None:
                raise HexagonUnsupported(f"a cast from {src.dtype} to {u.dtype}")
            unit = self.scalar_const(-2 * bits // 8, "R8")
            out = []
            for r in regs:
                lo, hi, nlo, nhi = (self.reg("V", f"ext{x}") for x in range(4))
                self.body.add(insn(ext, lo=lo, hi=hi, u=r))
                self.body.add(insn("vshuffvdd", lo=nlo, hi=nhi, u=hi, v=lo, t=unit))
                out += [nlo, nhi]
            regs, bits = out, bits * 2
        while bits > dbits:
            pack = _TRUNCATE.get(bits)
            if pack is None:
                raise HexagonUnsupported(f"a cast from {src.dtype} to {u.dtype}")
            out = []
            for j in range(0, len(regs), 2):
                d = self.reg("V", "trunc")
                self.body.add(insn(pack, d=d, u=regs[j + 1], v=regs[j]))
                out.append(d)
            regs, bits = out, bits // 2
        return regs

    def select_lanes(self, u: UOp, rname: str, memo) -> list[Reg]:
        """`where(a < b, x, y)` or `where(a == b, x, y)` with the compare at the values' lane
        width: the compare row into a Q register, then `vmux`, per vector. Every other select
        is brought to that form by the expansions (rules/hexagon-expand.rules: `hvx-le-not`,
        `hvx-ne-not`, `hvx-where-*`), or is not covered."""
        c, x, y = u.src
        if c.op not in ("lt", "eq") or c.src[0].dtype.scalar.bits != u.dtype.scalar.bits:
            # One expansion step at the condition (a <= b is !(b < a)) or at the select (the
            # arms swapped, the widths matched): the arms and operands keep their own rows.
            expanded = u
            if self.expand is not None:
                cond = self.expand.rewrite_root(c)
                expanded = u.replace(src=(cond, x, y)) if cond is not c else self.expand.rewrite_root(u)
            if expanded is not u:
                return self.gen(self.plain_rw.normalize(expanded), rname, memo)
            cmp_type = f" of {c.src[0].dtype}" if c.src else ""
            raise HexagonUnsupported(f"a select on {c.op}{cmp_type} choosing {u.dtype}")
        a, b = c.src
        t = a.dtype.scalar
        key = (c.op, t) if (c.op, t) in COMPARE_ROWS else (c.op, _signed_twin(t))
        if key not in COMPARE_ROWS:
            raise HexagonUnsupported(f"the compare {c.op} at {t}")
        row, names = COMPARE_ROWS[key]
        va, vb = self.gen(a, rname, memo), self.gen(b, rname, memo)
        vx, vy = self.gen(x, rname, memo), self.gen(y, rname, memo)
        out = []
        for j in range(len(vx)):
            # Four predicate registers in all: the compares take them in turn (a reuse
            # orders each compare after the vmux that read the register before).
            q = self.rotating_q()
            self.body.add(insn(row.name, d=q, **{names[0]: va[j], names[1]: vb[j]}))
            d = self.reg("V", "where")
            self.body.add(insn("vmux", d=d, q=q, u=vx[j], v=vy[j]))
            out.append(d)
        return out

    def store_vectors(self, buffer: str, regs: list[Reg], first: int = 0):
        for j, r in enumerate(regs):
            if first + j > 7:
                raise HexagonUnsupported(f"a store {first + j} vectors from the pointer (beyond #s4)")
            self.body.add(insn("vmem_st", mem=buffer, p=self.ptr[buffer], u=r, off=first + j))

    def advance_pointers(self, block: Block, step_bytes: dict, eligible: set | None = None):
        """Advance every pointer by its bytes per iteration: the first access at offset 0
        becomes post-incrementing where `#s3` can hold the step (the accesses after it, in
        block order, see the advanced pointer: their offsets drop by the step), else an add
        at the end of the block. `eligible` (instruction indices) limits which accesses may
        post-increment (`mixed.py`: not one that only some alternative issues)."""
        for buf, nbytes in step_bytes.items():
            inc = nbytes // VBYTES
            p = self.ptr[buf]
            accesses = [k for k, i in enumerate(block.insns) if i.mem == buf and i.regs.get("p") == p]
            zero = [k for k in accesses if block.insns[k].imms.get("off") == 0
                    and (eligible is None or k in eligible)]
            later = [k for k in accesses if zero and k > zero[0]]
            # Address registers computed from the pointer (the "unaligned" form's p + byte)
            # after the post-increment see the advanced pointer too: their offsets drop alike.
            addresses = [k for k, i in enumerate(block.insns) if i.desc.name == "addi" and i.regs["u"] == p
                         and i.regs["d"] != p and zero and k > zero[0]]
            if zero and -4 <= inc <= 3 and nbytes % VBYTES == 0 and all(
                    -8 <= block.insns[k].imms["off"] - inc <= 7 for k in later):
                first = block.insns[zero[0]]
                name = {"vmem_ld": "vmem_ld_pi", "vmem_st": "vmem_st_pi"}[first.desc.name]
                block.insns[zero[0]] = insn(name, mem=buf, inc=inc, **first.regs)
                for k in later:
                    block.insns[k].imms["off"] -= inc
                for k in addresses:
                    block.insns[k].imms["imm"] -= nbytes
                    block.insns[k] = extended(block.insns[k])
            else:
                block.add(insn("addi", d=p, u=p, imm=nbytes))

    def elementwise(self, st: UOp) -> MachineFunction:
        *indices, value = st.src
        out = self.k.buffer(st.arg)
        flat = self.simplify(flatten(indices, out.shape))
        value = self.unroll_reductions(self.flat_loads(value))
        rname, size, value = self.fuse_ranges(out, flat, value)
        simple = self.simplify(value)
        value = self.rw.normalize(simple)
        if self.choice and value != self.base_rw.normalize(simple):
            self.changed += 1  # (the choice's rules rewrote the term)
        types = lane_types(value)
        types.append(out.dtype)
        self.block = VBYTES // min(_elem_bytes(t) for t in types)
        if size % self.block:
            raise HexagonUnsupported(f"a range of {size} lanes (not a multiple of {self.block})")
        if (size // self.block) % self.unroll:
            raise HexagonUnsupported(f"unrolling {size // self.block} iterations by {self.unroll}")
        for u in range(self.unroll):  # each copy: the next block of lanes (loads shared)
            self.lane_offset = u * self.block
            regs = self.gen(value, rname, {})
            self.store_vectors(out.name, regs, first=u * len(regs))
        steps = {b: self.unroll * self.block * _elem_bytes(self.k.buffer(b).dtype)
                 for b in sorted({i.mem for i in self.body.insns if i.mem})}
        if self.form != "native" and not (self.slid if self.sliding else self.changed):
            raise FormNotApplicable(f"the selection form '{self.form}' changes nothing in this kernel")
        self.advance_pointers(self.body, steps)
        self.notes.append(f"{out.name}: {size // self.block} iterations of {self.block} lanes over {rname}; "
                          f"selected: {value}")
        return self.finish(size // self.block // self.unroll)

    def fuse_ranges(self, out, flat: UOp, value: UOp):
        """The store's ranges as one: `out[y, x]` over whole rows is `out[i]` with
        `i = y * X + x`, and so is every load that walks its buffer the same way (plus a
        constant). Returns (range name, size, value over that range)."""
        a = affine(flat)
        names = [k for k in (a or {}) if k]
        if a is None or not names or a.get(None, 0) != 0:
            raise HexagonUnsupported(f"the store {out.name}[{flat}] (only out[i] over whole rows)")
        names.sort(key=lambda n: -a[n])
        stride = 1
        for n in reversed(names):  # row-major and contiguous: coefficients 1, X, X*Y, ...
            if a[n] != stride:
                raise HexagonUnsupported(f"a strided store to {out.name}[{flat}]")
            stride *= self.k.range(n).size
        if len(names) == 1:
            return names[0], stride, value
        fused = var(parse_dtype("idx"), "_".join(names), 0, stride - 1)
        memo: dict = {}

        def rebuild(n: UOp) -> UOp:  # loads are leaves: their indices are rewritten whole
            if n in memo:
                return memo[n]
            if n.op == "load":
                la = affine(n.src[0])
                if la is None or {k: c for k, c in la.items() if k} != {k: a[k] for k in names}:
                    raise HexagonUnsupported(f"the access {n.arg}[{n.src[0]}] (not walking {out.name}'s rows)")
                idx = UOp("add", fused.dtype, (fused, const(fused.dtype, la.get(None, 0))))
                memo[n] = UOp("load", n.dtype, (self.simplify(idx),), n.arg)
            elif n.op == "var" and n.arg.name in names:
                raise HexagonUnsupported(f"the range {n.arg.name} used as a value")
            else:
                memo[n] = n.replace(src=tuple(rebuild(x) for x in n.src)) if n.src else n
            return memo[n]

        return fused.arg.name, stride, rebuild(value)

    def flat_loads(self, u: UOp) -> UOp:
        memo: dict = {}
        for n in u.toposort():
            if n.op == "load":
                buf = self.k.buffer(n.arg)
                memo[n] = UOp("load", n.dtype, (self.simplify(flatten([memo[s] for s in n.src], buf.shape)),), n.arg)
            elif n.src and n.op != "reduce":
                memo[n] = n.replace(src=tuple(memo[s] for s in n.src))
            elif n.op == "reduce":
                memo[n] = n.replace(src=(memo[n.src[0]],))
            else:
                memo[n] = n
        return memo[u]

    def unroll_reductions(self, u: UOp) -> UOp:
        """A small `sum` over constant ranges, as the sum of its terms (index order)."""
        memo: dict = {}
        for n in u.toposort():
            if n.src:
                n2 = n.replace(src=tuple(memo[s] for s in n.src))
            else:
                n2 = n
            if n.op == "reduce":
                kind, names = n.arg
                if kind != "sum":
                    raise HexagonUnsupported(f"a {kind} reduction in an elementwise kernel")
                terms = [n2.src[0]]
                for name in names:
                    size = self.k.range(name).size
                    if size > MAX_UNROLLED_REDUCE:
                        raise HexagonUnsupported(f"a reduction over {size} lanes inside an elementwise kernel")
                    rv = var(parse_dtype("idx"), name, 0, size - 1)
                    terms = [substitute(t, rv, const(rv.dtype, c)) for t in terms for c in range(size)]
                acc = terms[0]
                for t in terms[1:]:
                    acc = UOp("add", n.dtype, (acc, t))
                n2 = acc
            memo[n] = n2
        return memo[u]

    # -- multiply-reduce kernels (vrmpy) ---------------------------------------------------------
    def finish(self, trip: int) -> MachineFunction:
        if trip > 1:
            hoisted = hoist_invariants(self.pro, self.body, self.epi)
            if hoisted:
                self.notes.append(f"{hoisted} loop-invariant instruction(s) hoisted to the prologue (licm.py)")
            count = self.scalar_const(trip)
            self.pro.add(insn("loop0", u=count, label=f".L{self.k.name}_loop"))
            loop = self.body
        else:
            self.pro.insns += self.body.insns
            loop = Block("loop")
        self.epi.add(insn("jumpr", u=Reg("R", -99, phys=31, hint="lr")))
        return MachineFunction(self.k.name, self.pro, loop, self.epi, trip if trip > 1 else 0, self.notes,
                               min(len(self.k.buffers), len(MODEL.arg_registers)),
                               pool=tuple(bytes(v) for v in self.pool))


def _narrow_constant(a: UOp, b: UOp) -> tuple[UOp, UOp]:
    """(a, b) with a constant operand beside a `cast<W>(x)` written as the cast of a constant
    of x's type where its value fits that type (`cast<u32>(x:u16) * 52429`, a magic multiplier:
    the widening multiply of x by a splat), so `widening_mul` sees two extensions."""
    if a.op == "const" and b.op == "cast":
        b, a = _narrow_constant(b, a)
        return a, b
    if a.op == "cast" and b.op == "const" and a.src[0].dtype.is_int:
        n = a.src[0].dtype.scalar
        if n.min <= int(b.arg) <= n.max:
            b = UOp("cast", b.dtype, (const(n, int(b.arg)),))
    return a, b


def substitute(u: UOp, old: UOp, new: UOp) -> UOp:
    """`u` with every occurrence of the node `old` replaced by `new`."""
    return u.substitute({old: new})
