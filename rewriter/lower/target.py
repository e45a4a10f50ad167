"""Targets describe themselves in data: vector width, registers, units. Later targets
(Hexagon, CUDA, WebGPU) extend this record; lowering reads only these fields."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetDesc:
    name: str
    vector_bytes: int  # width of one vector register
    vector_registers: int
    scalar_registers: int
    triple: str = ""
    cpu: str = ""
    features: str = ""

    def lanes(self, elem_bytes: int) -> int:
        return max(1, self.vector_bytes // max(1, elem_bytes))


def cpu_target() -> TargetDesc:
    """The machine we run on, read from LLVM's host detection."""
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    feats = llvm.get_host_cpu_features()
    if feats.get("avx512f"):
        vbytes, vregs = 64, 32
    elif feats.get("avx2") or feats.get("avx"):
        vbytes, vregs = 32, 16
    else:
        vbytes, vregs = 16, 16
    return TargetDesc("cpu", vbytes, vregs, 16, llvm.get_process_triple(), llvm.get_host_cpu_name(),
                      feats.flatten())


def hexagon_target() -> TargetDesc:
    """Hexagon v66 with HVX in 128-byte mode: 32 vector registers of 128 bytes (V0..V31) and
    32 general registers (R0..R31), per the Hexagon V66 HVX Programmer's Reference Manual.
    The triple is the bare-metal one: our runtime (rewriter/runtime/hexagon.py) links a
    freestanding image with no libc."""
    return TargetDesc("hexagon", 128, 32, 32, "hexagon-unknown-elf", "hexagonv66", "+hvxv66,+hvx-length128b")
