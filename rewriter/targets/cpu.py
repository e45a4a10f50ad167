"""The CPU target: loop programs (`lower/lower.py`) as LLVM IR for the host, optimized at O3
and run through MCJIT (`runtime/cpu.py`). It works anywhere llvmlite does: the default."""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.cpu import emit_llvm
from rewriter.backends.llvm_tools import host_target
from rewriter.kernel.printer import format_kernel
from rewriter.lower.lower import lower
from rewriter.lower.program import format_program
from rewriter.runtime.cpu import CompiledKernel, compile_ir
from rewriter.target import Executable, Lowered, Options, Run, Target


def as_comments(text: str) -> str:
    """A listing as `#` comments, so `--emit ir` output is a kernel file that still parses
    (`rewriter run out.ir`) and shows the lowered program below the kernel."""
    return "".join(line if line.startswith("#") else f"#   {line}" if line.strip() else line
                   for line in text.splitlines(keepends=True))


@dataclass
class CpuExecutable(Executable):
    compiled: CompiledKernel  # the JIT-compiled function (its host assembly in `.asm`)

    def __call__(self, inputs: dict) -> dict:
        return self.compiled(inputs)

    def run(self, inputs: dict, repeat: int = 1) -> Run:
        outputs = self.compiled(inputs)
        if repeat < 1:
            return Run(outputs, "ran once")
        seconds = self.compiled.time(inputs, repeat=repeat)
        return Run(outputs, f"{seconds * 1e6:.1f} us per call (best of {repeat})", seconds)


class CpuTarget(Target):
    def describe(self):
        return host_target()

    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        prog = lower(simplified, self.describe(), rewriter, vectorize=options.vectorize, unroll=options.unroll,
                     validate=options.validate)
        return Lowered(kernel, simplified, prog, emit_llvm(prog), list(prog.notes))

    def emit(self, lowered: Lowered, kind: str) -> str:
        self.check_emit(kind)
        if kind == "ir":
            return format_kernel(lowered.simplified) + "\n" + as_comments(format_program(lowered.program))
        if kind == "llvm":
            return lowered.code
        return self.load(lowered).compiled.asm  # "asm": the host assembly LLVM's O3 made

    def load(self, lowered: Lowered) -> CpuExecutable:
        return CpuExecutable(compile_ir(lowered.kernel, lowered.code, lowered.kernel.name))


TARGET = CpuTarget("cpu", "loop programs as LLVM IR for the host CPU, O3 and MCJIT (llvmlite)",
                   emits=("ir", "llvm", "asm"), options=frozenset({"vectorize", "unroll"}), isolate=True)
