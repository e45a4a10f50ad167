"""The `Target` interface: what a code generator contributes to the pipeline.

A target is data plus a few functions, in the spirit of tinygrad's `Renderer`: its name,
what it can emit, which options it takes and how faithfully it computes (as data), and four
steps the pipeline calls in order (`pipeline.optimize`, `pipeline.run`):

    lower(simplified kernel, rewriter, library, options) -> Lowered   # target's program
    emit(lowered, kind)                                   -> str       # --emit text
    load(lowered)                                         -> Executable
    Executable.run(inputs, repeat)                        -> Run       # outputs + timing line

Nothing outside a target's own module branches on its name: the CLI, the pipeline, bench
and fuzz iterate the registry (`rewriter/targets/__init__.py`). A new target is one module
under `rewriter/targets/` (glue over its lowering, backend and runtime) and one line in
that registry; docs/ARCHITECTURE.md shows the steps.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable

from rewriter.dsl.rule import CHOICE, EXPAND, REGROUP, scope_target
from rewriter.errors import RewriterError, SourceError


@dataclass(frozen=True)
class Options:
    """Everything a user can ask of compilation. Which target takes which field is the
    target's `options` (data); `check_options` refuses the rest rather than ignoring them."""

    engine: str = "greedy"  # the portable simplifier: greedy first match, or saturation
    vectorize: bool = True  # cpu: vector loops (False: scalar only)
    unroll: int = 1  # cpu: unroll the innermost reduce loop
    fp_contract: bool = False  # cuda: fuse the tiled matmul's a * b + acc into one fma
    # cuda: f16 and bf16 matmuls on the tensor cores (wgmma, mma.sync). None (the default) and
    # True: wherever the strategy applies, its cost model picking the pipeline; a pipeline name
    # ("cp.async", "registers") fixes it;
    # False (`--no-tensor-cores`): CUDA cores only (the tiled matmul, the reference's order).
    tensor_cores: bool | str | None = None
    # cuda: the "wgmma-conv" strategy, now tried by default (lower/gpu.py OPT_IN); kept so that
    # callers passing it still work
    wgmma_conv: bool = False
    scheduler: str = "global"  # hexagon: "global" (modulo solver) or "list"
    time_limit: float | None = None  # hexagon global scheduler: seconds per loop body
    versus_llvm: bool = True  # hexagon: also build LLVM -O3's code, keep the fewer packets on QEMU
    validate: bool = False  # check the IR at every stage boundary (ir/validate.py)
    # Told of a long search's steps (the hexagon global scheduler: tried, total, candidate),
    # for the CLI's progress line; no effect on the code made, so every target takes it.
    progress: Callable[[int, int, str], None] | None = field(default=None, compare=False)


#: Options every target takes, and how each target-specific one is spelled on the command line.
COMMON_OPTIONS = frozenset({"engine", "validate", "progress"})
OPTION_FLAGS = {"vectorize": "--no-vectorize", "unroll": "--unroll", "fp_contract": "--fp-contract",
                "tensor_cores": "--tensor-cores / --no-tensor-cores", "wgmma_conv": "--wgmma-conv",
                "scheduler": "--scheduler", "time_limit": "--time-limit",
                # (no flag: a library option, `Options(versus_llvm=False)`)
                "versus_llvm": "versus_llvm"}
_DEFAULTS = Options()


@dataclass
class Lowered:
    """A target's compiled form of one kernel: `program` is what `--emit ir` lists (a loop
    program, a GPU program, a machine function), `code` what the runtime loads (LLVM IR,
    a PTX module, a WGSL shader, HVX assembly); `notes` are the decisions worth telling."""

    kernel: object  # the kernel as written (its buffers are the ABI)
    simplified: object  # after the rule library
    program: object
    code: object
    notes: list = field(default_factory=list)
    texts: dict = field(default_factory=dict)  # --emit kind -> text, for what is made eagerly
    report: object = None  # what --explain / --schedule-svg show, where the target has it
    #: (rtol, atol) the check against the reference interpreter uses for float outputs, where
    #: the code sums in another order than the reference on purpose (CUDA's tensor cores);
    #: None: `kernel.check.FLOAT_TOLERANCE`.
    tolerance: tuple | None = None


@dataclass
class Run:
    """One execution: the outputs by buffer name and a one-line account of the timing."""

    outputs: dict
    summary: str
    seconds: float | None = None


class Executable(ABC):
    """Loaded code: callable on inputs (outputs by name), `run` with timing."""

    def __call__(self, inputs: dict) -> dict:
        return self.run(inputs, repeat=0).outputs

    @abstractmethod
    def run(self, inputs: dict, repeat: int = 1) -> Run:
        """The outputs and, with `repeat` >= 1, the timing line (`repeat` 0: just run)."""


@dataclass(frozen=True)
class Target(ABC):
    """A code generator as the pipeline sees it. Subclasses set the data fields and the
    four steps; see the module docstring."""

    name: str
    doc: str
    #: `--emit` kinds this target produces (first: the default of `rewriter optimize`).
    emits: tuple[str, ...] = ("ir",)
    #: Options (fields of `Options`) beyond `COMMON_OPTIONS` that this target honours.
    options: frozenset = frozenset()
    #: Element types whose arithmetic the target does not compute as the op table defines (a
    #: documented gap): the kernel fuzzer leaves them out.
    unfaithful: frozenset = frozenset()
    #: Whether the target may assume no inf/NaN is produced (WGSL lets an implementation).
    finite_only: bool = False
    #: Whether the fuzzer runs the loaded code in a forked child (native code that may crash).
    isolate: bool = False
    #: The `Options` fields the fuzzer compiles with (fast and deterministic where it matters).
    fuzz_options: tuple = ()
    #: What running needs beyond Python (said in its help): "", "a GPU", "QEMU".
    needs: str = ""
    #: Whether the target's own rules (`scope NAME` files) join the portable ones in the
    #: pipeline's simplification (cuda, webgpu), or its lowering applies them itself to the
    #: terms it builds (hexagon: its rules rewrite to its instructions, for the selector).
    rules_in_simplify: bool = True
    #: Reports beyond the emitted code: "explain" (`--explain`: the alternatives tried) and
    #: "diagram" (`--schedule-svg`: the schedule drawn).
    reports: frozenset = frozenset()

    # -- data ----------------------------------------------------------------------------
    @abstractmethod
    def describe(self):
        """The machine as data: a `lower.target.TargetDesc` (vector bytes, registers)."""

    def tolerance(self, dtype) -> tuple[float, float]:
        """(rtol, atol) for float outputs of this type; integers and bools are exact."""
        return (1e-2, 1e-2) if dtype.bits == 16 else (1e-4, 1e-5)

    # -- steps ---------------------------------------------------------------------------
    @abstractmethod
    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        """The simplified kernel in this target's form: its program, its code, the notes."""

    def emit(self, lowered: Lowered, kind: str) -> str:
        """The text `--emit kind` prints: made during lowering (`Lowered.texts`) unless a
        target makes it on demand (the CPU's host assembly needs LLVM's backend)."""
        self.check_emit(kind)
        return lowered.texts[kind]

    @abstractmethod
    def load(self, lowered: Lowered) -> Executable:
        """The lowered code, loaded by this target's runtime."""

    # -- reports -------------------------------------------------------------------------
    def summary(self, lowered: Lowered) -> list[str]:
        """Lines worth printing above the emitted code (the achieved schedule, say)."""
        return []

    def explain(self, lowered: Lowered) -> str:
        """`--explain`: every alternative the target tried, the chosen one first (a target
        with "explain" in `reports` overrides this; the registry refuses the flag elsewhere)."""
        raise RewriterError(f"--explain: --target {self.name} has no alternatives to explain")

    def schedule_svg(self, lowered: Lowered, title: str) -> str:
        """`--schedule-svg`: the schedule as an SVG picture (targets with "diagram")."""
        raise RewriterError(f"--schedule-svg: --target {self.name} has no schedule to draw")

    # -- checks --------------------------------------------------------------------------
    def check_options(self, options: Options) -> None:
        """Refuse a combination of options this target cannot honour (beyond the registry's
        check that each target-specific option is one of this target's)."""

    def check_reports(self, options: Options, explain: bool, diagram: bool) -> None:
        """Refuse a report these options cannot give (before a long compile)."""

    def check_emit(self, kind: str) -> None:
        if kind not in self.emits:
            raise RewriterError(f"--emit {kind} is not produced by --target {self.name} "
                                f"(it emits: {', '.join(self.emits)})")


class TargetRegistry:
    """The targets of this build, by name, in the order they are listed."""

    def __init__(self, targets):
        self._targets: dict[str, Target] = {}
        for t in targets:
            if t.name in self._targets:
                raise ValueError(f"target '{t.name}' is registered twice")
            self._targets[t.name] = t

    def __iter__(self):
        return iter(self._targets.values())

    def __contains__(self, name: str) -> bool:
        return name in self._targets

    def names(self) -> tuple[str, ...]:
        return tuple(self._targets)

    def get(self, name: str) -> Target:
        if name not in self._targets:
            raise RewriterError(f"unknown target '{name}' (this build has: {', '.join(self._targets)})")
        return self._targets[name]

    def takes(self, option: str) -> tuple[str, ...]:
        """The targets that take a target-specific option."""
        return tuple(t.name for t in self if option in t.options)

    def check_options(self, name: str, options: Options) -> Target:
        """The target `name`, after refusing every option it does not take (one line, exit 2:
        an option silently ignored would make a user believe it did something)."""
        target = self.get(name)
        for f in fields(Options):
            if f.name in COMMON_OPTIONS or f.name in target.options:
                continue
            if getattr(options, f.name) != getattr(_DEFAULTS, f.name):
                flag = OPTION_FLAGS.get(f.name, f.name)
                raise RewriterError(f"{flag} is for --target {' / '.join(self.takes(f.name))}, not {name}")
        target.check_options(options)
        return target

    def check_reports(self, name: str, options: Options, explain: bool = False, diagram: bool = False) -> None:
        """Refuse `--explain` / `--schedule-svg` where the target has no such report."""
        target = self.get(name)
        for report, flag, asked in (("explain", "--explain", explain), ("diagram", "--schedule-svg", diagram)):
            if asked and report not in target.reports:
                having = [t.name for t in self if report in t.reports]
                raise RewriterError(f"{flag} is for --target {' / '.join(having)}, not {name}")
        if explain or diagram:
            target.check_reports(options, explain, diagram)

    def check_scopes(self, library) -> None:
        """Every `scope NAME` of the library's rule files names a target of this build: a
        misspelt one would leave its rules applied by no pipeline at all."""
        for rule in library.all_rules():
            choice_name = rule.scope.split(CHOICE, 1)[1] if CHOICE in rule.scope else None
            if rule.scope != "portable" and (scope_target(rule.scope) not in self._targets or choice_name == ""):
                loc = rule.scope_loc or rule.decl.loc
                try:
                    text = Path(loc.file).read_text()
                except OSError:
                    text = None
                raise SourceError(f"unknown scope '{rule.scope}': write 'scope portable', a target "
                                  f"({', '.join(self._targets)}) or a target's expansions "
                                  f"(TARGET{EXPAND}), regroupings (TARGET{REGROUP}) or a named choice "
                                  f"(TARGET{CHOICE}NAME)", loc, text)

    def emit_kinds(self) -> tuple[str, ...]:
        seen: list[str] = []
        for t in self:
            seen += [k for k in t.emits if k not in seen]
        return tuple(seen)
