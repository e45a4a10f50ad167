"""Assembly text for llvm-mc: the last step of the path select -> schedule -> allocate ->
emit (the searches over alternatives that drive it: `list_search.py`, `global_sched.py`).

The function follows the standard Hexagon ABI: `void name(ptr buf0, ptr buf1, ...)` with the
buffer pointers in r0-r5 in `kernel.buffers` order, the return address in r31 (`jumpr r31`),
and only caller-saved registers written (r0-r15, r28, v0-v31), except where a function allows
the callee-saved r16-r27 (`MachineFunction.callee_saved`): the ones used are saved in a frame
(`allocframe`) and restored before `dealloc_return`. The loop body is a hardware
loop: `loop0(label, Rs)` in the prologue's last packet and `:endloop0` on the body's last.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field, replace

from rewriter.backends.hexagon.isa import MODEL
from rewriter.backends.hexagon.mir import POOL_SUFFIX, STACK_ARGS, HexagonUnsupported, MachineFunction, MInsn
from rewriter.backends.hexagon.regalloc import reg_name
from rewriter.backends.hexagon.schedule import Schedule
from rewriter.errors import ToolchainError


@dataclass
class HexagonCode:
    asm: str  # text for llvm-mc; defines the global symbol kernel.name
    schedule: Schedule
    model_cycles: int
    machine: MachineFunction
    cycles: dict = field(default_factory=dict)  # per block, per loop iteration, total
    notes: list = field(default_factory=list)
    modulo: object = None  # global_sched.GlobalReport when scheduler="global" pipelined the loop
    explanation: object = None  # explain.Explanation: every alternative scheduler="global" tried
    unroll: int = 1  # the loop's unrolling factor
    #: A kernel split into one function per store (`parts.py`): each part's code (this one's
    #: asm holds them all, behind the kernel's wrapper; `machine` etc. are the first's).
    parts: tuple = ()

    @property
    def functions(self) -> tuple:
        """The code of each function the kernel runs: its parts, or itself."""
        return self.parts or (self,)


def emit_asm(mf: MachineFunction, sched: Schedule, assignment: dict) -> str:
    name = reg_name(assignment)
    lines = ["\t.text", f"\t.globl\t{mf.name}", f"\t.type\t{mf.name},@function", "\t.p2align\t4",
             f"{mf.name}:"]
    saved = _saved_pairs(assignment)
    lines += _frame_save(saved)
    # The frame moves sp: the stack arguments lie that much further above it.
    frame = 8 * len(saved) + 8 if saved else 0

    def text(ins: MInsn) -> str:
        if ins.mem == STACK_ARGS and frame:
            ins = replace(ins, imms={**ins.imms, "off": ins.imms["off"] + frame})
        return ins.text(name)

    for b in mf.blocks:
        bs = sched.blocks[b.name]
        if b is mf.loop and mf.trip:
            lines.append(f".L{mf.name}_loop:")
        for k, packet in enumerate(bs.packets):
            texts = [text(b.insns[i]) for i in packet]
            if saved and b is mf.blocks[-1] and k == len(bs.packets) - 1:
                # The return waits for the restores: `dealloc_return` below.
                texts = [t for t in texts if t != "jumpr r31"]
                if not texts:
                    continue
            end = ":endloop0" if (b is mf.loop and mf.trip and k == len(bs.packets) - 1) else ""
            lines.append(f"\t{{ {'; '.join(texts)} }}{end}")
    lines += _frame_restore(saved)
    lines.append(f"\t.size\t{mf.name}, .-{mf.name}")
    if mf.pool:  # the constant vectors (permute.py), aligned for vmem
        lines += ["\t.section\t.rodata", "\t.p2align\t7", f"{mf.name}{POOL_SUFFIX}:"]
        for v in mf.pool:
            lines += [f"\t.byte\t{', '.join(str(b) for b in v[k:k + 32])}" for k in range(0, len(v), 32)]
        lines.append("\t.text")
    return "\n".join(lines) + "\n"


def _saved_pairs(assignment: dict) -> list[int]:
    """The even halves of the callee-saved register pairs the allocation used (empty unless
    the function allowed them: `MachineFunction.callee_saved`)."""
    used = {p for r, p in assignment.items() if r.file == "R" and p in MODEL.callee_saved}
    return sorted({p & ~1 for p in used})


def _frame_save(pairs: list[int]) -> list[str]:
    """A frame holding the callee-saved pairs (`allocframe` also saves r31:30, and sets r29
    for the packets after it), stored two a packet (slots 0 and 1)."""
    if not pairs:
        return []
    out = [f"\t{{ allocframe(#{8 * len(pairs)}) }}"]
    stores = [f"memd(r29+#{8 * k}) = r{p + 1}:{p}" for k, p in enumerate(pairs)]
    out += [f"\t{{ {'; '.join(stores[k:k + 2])} }}" for k in range(0, len(stores), 2)]
    return out


def _frame_restore(pairs: list[int]) -> list[str]:
    """The saved pairs back, then `dealloc_return` (r31:30 and r29 restored, return)."""
    if not pairs:
        return []
    loads = [f"r{p + 1}:{p} = memd(r29+#{8 * k})" for k, p in enumerate(pairs)]
    return [f"\t{{ {'; '.join(loads[k:k + 2])} }}" for k in range(0, len(loads), 2)] + ["\t{ dealloc_return }"]


LLVM_MC = ("llvm-mc", "-triple=hexagon", "-mcpu=hexagonv66", "-mattr=+hvxv66,+hvx-length128b")
LLVM_MC_PACKAGE = "llvm-14"


def assemble(asm: str, obj_path) -> None:
    """Assemble `asm` into the object file `obj_path` with llvm-mc; a missing assembler or
    a rejected packet raises `ToolchainError` (with llvm-mc's own message)."""
    exe = shutil.which(LLVM_MC[0]) or shutil.which(LLVM_MC[0] + "-14")
    if exe is None:
        raise ToolchainError(f"llvm-mc not found: install the Debian package {LLVM_MC_PACKAGE}")
    res = subprocess.run([exe, *LLVM_MC[1:], "-filetype=obj", "-", "-o", str(obj_path)],
                         input=asm, capture_output=True, text=True)
    if res.returncode != 0:
        raise ToolchainError(f"llvm-mc rejected the assembly:\n{res.stderr.strip()}")
