"""Machine IR: instructions over registers, in blocks, as the selector produces them.

A `MachineFunction` is three straight-line blocks, the shape every supported kernel takes:
the prologue (constants, accumulators, the hardware-loop setup), the loop body (run `trip`
times by `loop0`), and the epilogue (final reductions, the last stores, `jumpr r31`).
Within a block the instruction order is the reference semantics: registers are mutable
(`p` of a post-increment load, the `Vx` of `Vx += vrmpy`), so dependences are read off the
order (`schedule.dependences`). Registers start virtual (`Reg(cls, n)`) except the argument
pointers, which are physical from the start (`Reg("R", 0, phys=0)`).
"""
from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from rewriter.backends.hexagon.isa import INSNS, InsnDesc
from rewriter.errors import RewriterError


class HexagonUnsupported(RewriterError):
    """A kernel (or part of one) the Hexagon backend cannot compile yet."""

    def __init__(self, what: str):
        super().__init__(f"hexagon: {what} not supported yet")


@dataclass(frozen=True)
class Reg:
    cls: str  # "R", "R8" (r0-r7), "V", "Q" (vector predicate) or "P" (scalar predicate)
    n: int
    phys: int | None = None  # fixed physical register (argument pointers), else virtual
    hint: str = ""

    @property
    def file(self) -> str:
        return self.cls if self.cls in ("V", "Q", "P") else "R"

    def __str__(self) -> str:
        if self.phys is not None:
            return f"{self.file.lower()}{self.phys}"
        return f"%{self.cls.lower()}{self.n}" + (f"<{self.hint}>" if self.hint else "")


#: The stack pointer: the scratch of a transpose is taken below it, and the buffers past the
#: argument registers are read above it (at the call, the ABI's word a buffer from sp + 0).
SP = Reg("R", -98, phys=29, hint="sp")
#: The memory the stack arguments' loads read (nothing in a kernel stores to it).
STACK_ARGS = "stack arguments"


@dataclass
class MInsn:
    desc: InsnDesc
    regs: dict  # operand field -> Reg (defs and uses share the field name when tied)
    imms: dict = field(default_factory=dict)
    mem: str | None = None  # the buffer a load/store touches (memory dependences)
    comment: str = ""

    @property
    def defs(self) -> list[Reg]:
        return [self.regs[n] for n, _ in self.desc.defs]

    @property
    def uses(self) -> list[Reg]:
        return [self.regs[n] for n, _ in self.desc.uses]

    def text(self, name_of) -> str:
        fields = {k: name_of(r) for k, r in self.regs.items()}
        fields.update({k: v for k, v in self.imms.items()})
        for f, lo, hi in self.desc.pairs:  # a register pair is written v3:2
            fields[f] = f"{name_of(self.regs[hi])}:{name_of(self.regs[lo]).lstrip('v%')}"
        return self.desc.asm.format(**fields)

    def __str__(self) -> str:
        return self.text(str)


#: Rows whose immediate is #s16, and their constant-extended twins (`##`: a second word in
#: the packet), which `insn` picks for an immediate out of that range.
EXTENDED = {"addi": "addi_ext", "movi": "movi_ext"}


def insn(name: str, mem: str | None = None, comment: str = "", **operands) -> MInsn:
    """An instruction of row `name`; keyword operands are registers or immediates by field.
    An `addi` / `movi` whose immediate needs more than 16 bits is its `##` twin (llvm-mc
    would extend it itself, a word the packet rules did not count)."""
    name = EXTENDED.get(name, name) if not -32768 <= operands.get("imm", 0) <= 32767 else name
    desc = INSNS[name]
    reg_fields = {n for n, _ in desc.defs} | {n for n, _ in desc.uses}
    regs = {k: v for k, v in operands.items() if k in reg_fields}
    imms = {k: v for k, v in operands.items() if k in desc.imms}
    missing = reg_fields - set(regs) | set(desc.imms) - set(imms)
    extra = set(operands) - reg_fields - set(desc.imms)
    if missing or extra:
        raise RewriterError(f"hexagon: {name} operands: missing {sorted(missing)}, unknown {sorted(extra)}")
    return MInsn(desc, regs, imms, mem, comment)


def extended(i: MInsn) -> MInsn:
    """`i` again after its immediate changed: the extended twin where it needs one now."""
    base = next((b for b, e in EXTENDED.items() if e == i.desc.name), i.desc.name)
    return insn(base, mem=i.mem, comment=i.comment, **i.regs, **i.imms)


@dataclass
class Block:
    name: str
    insns: list = field(default_factory=list)

    def add(self, i: MInsn) -> MInsn:
        self.insns.append(i)
        return i


#: The constant pool's label: the function's name and this.
POOL_SUFFIX = "_pool"


@dataclass
class MachineFunction:
    name: str
    prologue: Block
    loop: Block
    epilogue: Block
    trip: int  # loop iterations (0: no loop)
    notes: list = field(default_factory=list)
    args: int = 6  # argument registers r0.. that carry buffers (the others are free to use)
    _: KW_ONLY  # (the fields below by name only: two branches added them in either order)
    #: May registers be the callee-saved r16-r27 too (`regalloc`; `emit_asm` then saves the
    #: ones used in a frame): for the scalar core's register-hungry float code (scalar.py).
    callee_saved: bool = False
    #: Constant vectors the code loads from `<name>_pool` (POOL_SUFFIX), 128 bytes each,
    #: in order: control vectors and byte masks (permute.py).
    pool: tuple = ()

    @property
    def blocks(self) -> list[Block]:
        return [b for b in (self.prologue, self.loop, self.epilogue) if b.insns or b is self.prologue]

    def format(self) -> str:
        out = []
        for b in (self.prologue, self.loop, self.epilogue):
            out.append(f"{b.name}:" + (f"  # x{self.trip}" if b is self.loop else ""))
            out += [f"  {i}" for i in b.insns]
        return "\n".join(out) + "\n"
