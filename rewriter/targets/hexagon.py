"""The Hexagon target: HVX v66 (128-byte vectors) by our selector and the global modulo
scheduler (`backends/hexagon/`), assembled with llvm-mc, linked with ld.lld and run on
qemu-hexagon with exact packet counts (`runtime/hexagon.py`).

Every kernel the CPU target accepts compiles here too. Where our selection cannot cover a
kernel (a `HexagonUnsupported`, `LoweringError`, `ScheduleError`...), the code is LLVM's:
`compile_llvm_code`, LLVM -O3 with HVX auto-vectorization and the same freestanding ABI,
and the notes and `--explain` say so ("fallback: LLVM -O3 (our selection: <reason>)").

No kernel is ever slower than LLVM's: where our selection does make code, LLVM's is built
too and both run once on QEMU with the kernel's seeded random inputs (`random_inputs(k, 0)`,
what `rewriter bench` uses); the one with fewer packets is kept, both counts in the notes.
Measured rather than estimated: our model's cycles and a static count of LLVM's loop
packets are not the same quantity (stalls, trip counts of nested loops, LLVM's runtime
checks), and QEMU's counters are exact. Packet counts depend on the data only through
data-dependent control flow (LLVM's division routines), so one input set speaks for the
kernel. `Options.versus_llvm=False` skips the race (the fuzzer: it checks our code), and
without qemu-hexagon it is skipped with a note.

Nothing wrong ships (`hexagon_check.py`): those same runs are compared with the reference
interpreter, and a candidate that disagrees is out -- ours wrong: LLVM's, if right; LLVM's
wrong: ours, if right; neither: LLVM recompiled without its vectorizers (then also with -O0
code generation), each checked; nothing right: `HexagonNoCorrectCode`. The pure fallback
(no code of ours) is checked the same way when `versus_llvm` is on. `versus_llvm=False`
still means no QEMU run at compile time, so that code ships unchecked.
"""
from __future__ import annotations

import math

from dataclasses import dataclass

from rewriter.backends.hexagon import compile_hexagon, hexagon_target
from rewriter.backends.hexagon_llvm import HVX, VARIANTS, LlvmHexagonObject, UnsupportedByBaseline, compile_llvm_code
from rewriter.errors import IRValidationError, RewriterError, SourceError, ToolchainError
from rewriter.runtime.hexagon import find_toolchain, run_on_qemu
from rewriter.solver.modulo.diagram import schedule_svg
from rewriter.target import Executable, Lowered, Options, Run, Target
from rewriter.kernel.reference import random_inputs
from rewriter.targets.hexagon_check import HexagonNoCorrectCode, Probe, first_right_llvm, trial
from rewriter.targets.hexagon_check import reason as _reason

OURS = "ours"
LLVM_FASTER = "llvm-faster"
#: The most iteration steps (every range's size, multiplied) of a kernel whose fallback code
#: is run on QEMU at compile time to check it: a GPU-sized matmul would run for hours there.
SELF_CHECK_MAX_STEPS = 1 << 24
FALLBACK = "fallback"
#: The note `_race` leaves on our code (shown above the emitted code too).
VERSUS = "versus LLVM -O3: "


@dataclass
class LlvmCode:
    """LLVM's code standing in for ours: `made_by` is FALLBACK (our selection failed,
    `reason` says why) or LLVM_FASTER (ours ran more packets, or failed or was wrong on
    QEMU: `reason` says which). `llvm.variant` is how LLVM compiled it."""

    llvm: LlvmHexagonObject
    made_by: str
    reason: str
    notes: list
    ours: object = None  # our HexagonCode when LLVM's was merely faster
    modulo = None
    model_cycles = None

    @property
    def asm(self) -> str:
        return self.llvm.asm

    def headline(self) -> str:
        if self.made_by == FALLBACK:
            return f"fallback: {self.llvm.variant.short} (our selection: {self.reason})"
        return f"{self.llvm.variant.short}'s code: {self.reason}"


class HexagonFallbackError(RewriterError):
    """Neither our selection nor LLVM's baseline could compile the kernel."""


def _our_failure(e: RewriterError) -> bool:
    """Errors of our selection that LLVM's code can stand in for. Not: the kernel's own
    errors (a SourceError: every target refuses it), a missing tool, or IR that fails
    validation (a bug to report, never to paper over)."""
    return not isinstance(e, (SourceError, ToolchainError, IRValidationError))


def _race(kernel, ours, library, options: Options):
    """Our code, or LLVM's where it runs fewer packets on QEMU; never one that gives wrong
    outputs there (module docstring)."""
    try:
        find_toolchain()
    except ToolchainError as e:
        ours.notes.append(f"{VERSUS}not compared ({_reason(e)})")
        return ours
    steps = math.prod(r.size for r in kernel.ranges)
    if steps > SELF_CHECK_MAX_STEPS:  # (packets only: the reference and extra builds would take hours)
        probe = Probe(random_inputs(kernel, 0), None, "")
        ours.notes.append(f"outputs not checked on QEMU at compile time ({steps} iteration steps, over the "
                          f"self-check's {SELF_CHECK_MAX_STEPS}; --check runs it)")
    else:
        probe = Probe.of(kernel)
        if probe.note():
            ours.notes.append(probe.note())
    mine = trial(kernel, ours.asm, probe)
    try:
        llvm = compile_llvm_code(kernel, library, options.engine)
    except RewriterError as e:
        if not mine.right:
            raise HexagonNoCorrectCode(f"hexagon: our code {mine.failure()} and LLVM's baseline did not compile "
                                       f"({_reason(e)})") from e
        ours.notes.append(f"{VERSUS}not compared (LLVM: {_reason(e)})")
        return ours
    theirs = trial(kernel, llvm.object, probe)
    if mine.right and theirs.right and mine.packets <= theirs.packets:
        ours.notes.append(f"{VERSUS}{theirs.packets} packets on QEMU, ours {mine.packets} "
                          f"(random_inputs seed 0): ours kept")
        return ours
    if mine.right and not theirs.right:
        ours.notes.append(f"{VERSUS}its code {theirs.failure()}: ours kept")
        return ours
    if mine.right:
        why = f"{theirs.packets} packets on QEMU, ours {mine.packets} (random_inputs seed 0)"
        return LlvmCode(llvm, LLVM_FASTER, why, list(ours.notes) + [f"LLVM -O3's code kept: {why}"], ours)
    # Ours is out: LLVM's, the first variant that is right.
    pick = first_right_llvm(kernel, library, options.engine, probe, VARIANTS, first=(llvm, theirs),
                            before=(f"our code {mine.failure()}",))
    why = f"our code {mine.failure()}, {pick.llvm.variant.short}'s ran {pick.trial.packets} packets"
    if pick.rejected:
        why += f" ({pick.note()})"
    return LlvmCode(pick.llvm, LLVM_FASTER, why, list(ours.notes) + [f"{pick.llvm.variant.short}'s code kept: {why}"],
                    ours)


class HexagonExecutable(Executable):
    def __init__(self, kernel, code, model_cycles: int | None, made_by: str):
        self.kernel, self.code, self.model_cycles, self.made_by = kernel, code, model_cycles, made_by

    def run(self, inputs: dict, repeat: int = 1) -> Run:
        # QEMU's counters are exact, so one run is the measurement: `repeat` adds nothing.
        run = run_on_qemu(self.kernel, self.code, inputs)
        c = run.counts
        tail = f"model cycles {self.model_cycles}" if self.model_cycles is not None else self.made_by
        return Run(run.outputs, f"{c.packets} packets, {c.insns} instructions ({c.hvx_insns} HVX); {tail}", None)


def made_by(code) -> str:
    """OURS, LLVM_FASTER or FALLBACK: who made the code the target ships."""
    return code.made_by if isinstance(code, LlvmCode) else OURS


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
        code = lowered.code
        if isinstance(code, LlvmCode):
            return [code.headline()]
        race = [n for n in code.notes if n.startswith(VERSUS)]
        return race + ([code.modulo.line()] if code.modulo is not None else [])

    def explain(self, lowered: Lowered) -> str:
        code = lowered.code
        if not isinstance(code, LlvmCode):
            return "\n".join(f.explanation.render() for f in code.functions)
        ours = code.ours.explanation.render() + "\n" if code.ours is not None and code.ours.explanation else ""
        # The fallback's self-check (hexagon_check.py) in its notes after the headline; where
        # LLVM's code won the race, the headline itself says what was rejected.
        checked = "".join(f"{n}\n" for n in code.notes[1:]) if code.made_by == FALLBACK else ""
        return f"{code.headline()}\n{checked}{ours}"

    def schedule_svg(self, lowered: Lowered, title: str) -> str:
        code = lowered.code
        if isinstance(code, LlvmCode):
            raise RewriterError(f"--schedule-svg: the code is LLVM's ({code.headline()}), no modulo schedule of ours")
        if code.parts:
            raise RewriterError(f"--schedule-svg: the kernel runs as {len(code.parts)} functions, a loop each "
                                "(one loop could not hold its stores): no one steady-state loop to draw")
        if code.modulo is None:
            raise RewriterError("--schedule-svg: no loop was modulo-scheduled (straight-line or list-scheduled code)")
        return schedule_svg(code.modulo.schedule, title)

    def describe(self):
        return hexagon_target()

    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        try:
            code = compile_hexagon(kernel, library, scheduler=options.scheduler, time_limit=options.time_limit,
                                   simplified=simplified, portable=rewriter, progress=options.progress)
        except RewriterError as e:
            if not _our_failure(e):
                raise
            return self._fallback(kernel, simplified, library, options, e)
        if options.versus_llvm:
            code = _race(kernel, code, library, options)
        if isinstance(code, LlvmCode):
            return self._llvm_lowered(kernel, simplified, code)
        listing = "".join(f"# {n}\n" for n in code.notes) + "".join(
            (f"# {f.machine.name}:\n" if code.parts else "") + f.machine.format() for f in code.functions)
        return Lowered(kernel, simplified, code.machine, code, list(code.notes),
                       texts={"ir": "# made by: our HVX selection\n" + listing, "asm": code.asm}, report=code)

    def _fallback(self, kernel, simplified, library, options: Options, error: RewriterError) -> Lowered:
        try:
            llvm, checked = self._fallback_code(kernel, library, options)
        except HexagonNoCorrectCode as e:
            raise HexagonNoCorrectCode(f"{e} (our selection: {_reason(error)})") from e
        except RewriterError as e:
            # A routine the freestanding image lacks (f64 multiply/divide: compiler-rt's soft
            # float) is a known gap, worded as the fuzzer's "not supported yet" refusals are.
            gap = " (not supported yet)" if isinstance(e, UnsupportedByBaseline) else ""
            raise HexagonFallbackError(f"hexagon: our selection failed ({_reason(error)}) and so did LLVM's "
                                       f"baseline ({_reason(e)}){gap}") from e
        code = LlvmCode(llvm, FALLBACK, _reason(error), [])
        code.notes += [code.headline()] + checked
        return self._llvm_lowered(kernel, simplified, code)

    @staticmethod
    def _fallback_code(kernel, library, options: Options) -> tuple[LlvmHexagonObject, list]:
        """LLVM's code for a kernel ours cannot cover, and the notes of its check: with
        `versus_llvm` (QEMU runs allowed at compile time), the first variant that is right
        on QEMU; without, or without qemu-hexagon, the baseline unchecked."""
        if not options.versus_llvm:
            return compile_llvm_code(kernel, library, options.engine, HVX), []
        steps = math.prod(r.size for r in kernel.ranges)
        if steps > SELF_CHECK_MAX_STEPS:
            return compile_llvm_code(kernel, library, options.engine, HVX), [
                f"not checked on QEMU at compile time ({steps} iteration steps, over the self-check's "
                f"{SELF_CHECK_MAX_STEPS}; --check runs it)"]
        try:
            find_toolchain()
        except ToolchainError as e:
            return compile_llvm_code(kernel, library, options.engine, HVX), [f"not checked on QEMU ({_reason(e)})"]
        probe = Probe.of(kernel)
        pick = first_right_llvm(kernel, library, options.engine, probe, VARIANTS)
        notes = [probe.note()] if probe.note() else []
        if pick.rejected:
            notes.append(pick.note())
        return pick.llvm, notes

    def _llvm_lowered(self, kernel, simplified, code: LlvmCode) -> Lowered:
        listing = f"# made by: {code.llvm.variant.description}\n" + "".join(f"# {n}\n" for n in code.notes)
        return Lowered(kernel, simplified, code.llvm.llvm_ir, code, list(code.notes),
                       texts={"ir": listing + code.llvm.llvm_ir, "asm": code.asm}, report=code)

    def load(self, lowered: Lowered) -> HexagonExecutable:
        code = lowered.code
        if isinstance(code, LlvmCode):
            return HexagonExecutable(lowered.kernel, code.llvm.object, None, code.headline())
        return HexagonExecutable(lowered.kernel, code.asm, code.model_cycles, OURS)


TARGET = HexagonTarget("hexagon", "HVX v66 (128-byte) by our selector and modulo scheduler (LLVM -O3's code where "
                       "ours cannot or runs more packets), run on qemu-hexagon",
                       emits=("ir", "asm"), options=frozenset({"scheduler", "time_limit", "versus_llvm"}),
                       reports=frozenset({"explain", "diagram"}), rules_in_simplify=False,
                       # The list scheduler, and our code only (no race with LLVM's): the
                       # fuzzer checks selection and emission (and LLVM's code where ours
                       # fails); the solver's schedules have their own independent checker.
                       fuzz_options=(("scheduler", "list"), ("versus_llvm", False)),
                       isolate=False, needs="llvm-mc, ld.lld and qemu-hexagon-static (Debian llvm, lld, "
                       "qemu-user-static)")
