"""The Hexagon target: HVX v66 (128-byte vectors) by our selector and the global modulo
scheduler (`backends/hexagon/`), assembled with llvm-mc, linked with ld.lld and run on
qemu-hexagon with exact packet counts (`runtime/hexagon.py`)."""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.hexagon import compile_hexagon, hexagon_target
from rewriter.errors import RewriterError
from rewriter.runtime.hexagon import run_on_qemu
from rewriter.solver.modulo.diagram import schedule_svg
from rewriter.target import Executable, Lowered, Options, Run, Target


@dataclass
class HexagonExecutable(Executable):
    kernel: object
    asm: str
    model_cycles: int

    def run(self, inputs: dict, repeat: int = 1) -> Run:
        # QEMU's counters are exact, so one run is the measurement: `repeat` adds nothing.
        run = run_on_qemu(self.kernel, self.asm, inputs)
        c = run.counts
        return Run(run.outputs, f"{c.packets} packets, {c.insns} instructions ({c.hvx_insns} HVX); "
                   f"model cycles {self.model_cycles}", None)


class HexagonTarget(Target):
    def check_options(self, options: Options) -> None:
        super().check_options(options)
        if options.time_limit is not None and options.scheduler != "global":
            raise RewriterError("--time-limit needs --scheduler global (the list scheduler does not search)")

    def check_reports(self, options: Options, explain: bool, diagram: bool) -> None:
        if explain and options.scheduler != "global":
            raise RewriterError("--explain needs --scheduler global (the alternatives are the global scheduler's)")
        if diagram and options.scheduler != "global":
            raise RewriterError("--schedule-svg needs --scheduler global (a modulo-scheduled loop)")

    def summary(self, lowered: Lowered) -> list[str]:
        modulo = lowered.code.modulo
        return [modulo.line()] if modulo is not None else []

    def explain(self, lowered: Lowered) -> str:
        return lowered.code.explanation.render()

    def schedule_svg(self, lowered: Lowered, title: str) -> str:
        if lowered.code.modulo is None:
            raise RewriterError("--schedule-svg: no loop was modulo-scheduled (straight-line or list-scheduled code)")
        return schedule_svg(lowered.code.modulo.schedule, title)

    def describe(self):
        return hexagon_target()

    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        code = compile_hexagon(kernel, library, scheduler=options.scheduler, time_limit=options.time_limit,
                               simplified=simplified, portable=rewriter, progress=options.progress)
        listing = "".join(f"# {n}\n" for n in code.notes) + code.machine.format()
        return Lowered(kernel, simplified, code.machine, code, list(code.notes),
                       texts={"ir": listing, "asm": code.asm}, report=code)

    def load(self, lowered: Lowered) -> HexagonExecutable:
        return HexagonExecutable(lowered.kernel, lowered.code.asm, lowered.code.model_cycles)


TARGET = HexagonTarget("hexagon", "HVX v66 (128-byte) by our selector and modulo scheduler, run on qemu-hexagon",
                       emits=("ir", "asm"), options=frozenset({"scheduler", "time_limit"}),
                       reports=frozenset({"explain", "diagram"}), rules_in_simplify=False,
                       # The list scheduler: the fuzzer checks selection and emission; the
                       # solver's schedules have their own independent checker.
                       fuzz_options=(("scheduler", "list"),),
                       isolate=False, needs="llvm-mc, ld.lld and qemu-hexagon-static (Debian llvm, lld, "
                       "qemu-user-static)")
