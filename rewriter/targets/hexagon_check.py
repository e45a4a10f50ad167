"""The Hexagon target's self-check: no code ships that disagrees with the reference interpreter
on the inputs the target already runs it on.

Why: LLVM 22's Hexagon backend miscompiles some kernels (docs/HEXAGON.md, "LLVM's code is
checked", names two bugs), and our own selection is one more compiler that could be wrong.
Wherever the target runs code on QEMU at compile time (`Options.versus_llvm`, on by
default: the race of ours against LLVM's, and the pure fallback), it runs each candidate on
`random_inputs(kernel, 0)` -- the inputs the race measures packets with -- and compares its
outputs with the reference interpreter's on the same inputs (`compare`, the tolerance
`--check` uses). One reference run per kernel (`Probe`), one QEMU run per candidate.

  * `Probe.of`: the inputs and the reference's outputs. Where the reference itself is
    undefined on them (a `KernelRunError`: UB or poison somewhere), there is nothing to
    compare with -- the fuzzer skips such inputs too -- so candidates are only run, and
    the notes say the outputs were not checked.
  * `trial`: one candidate on QEMU: its packets, or why it did not run, or its first
    mismatch. `Trial.right` is "ran, and agrees (where the reference is defined)".
  * `first_right_llvm`: LLVM's variants (`hexagon_llvm.VARIANTS`: HVX -O3, scalar -O3,
    scalar -O3 with -O0 code generation), compiled and tried in order until one is right.
    A variant that fails to compile counts as not right, except the first: its error is
    the caller's to report (the kernel needs a routine the image lacks, say). Where none
    is right: `HexagonNoCorrectCode`, naming what each one did.

One input set is evidence, not proof: code that is right on it may still be wrong on
others. It catches what the fuzzer found (wrong lanes, dropped stores, which show on any
input) at the cost of one reference run.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.hexagon_llvm import LlvmHexagonObject, LlvmVariant, compile_llvm_code
from rewriter.errors import RewriterError
from rewriter.kernel.check import compare
from rewriter.kernel.reference import KernelRunError, random_inputs, run_reference
from rewriter.runtime.hexagon import run_on_qemu

#: The seed of the inputs every compile-time run uses (the race's, `rewriter bench`'s).
SEED = 0
WHERE = f"on QEMU (random_inputs seed {SEED})"


class HexagonNoCorrectCode(RewriterError):
    """No candidate -- ours, nor any of LLVM's variants -- agrees with the reference."""


def reason(e: Exception) -> str:
    """An error in one line: its type and the headline of its message."""
    lines = [ln.strip() for ln in str(e).strip().splitlines()]
    if not lines:
        return type(e).__name__
    # A tool's message: its headline ends in ':' and the first line below says what.
    head = f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
    return f"{type(e).__name__}: {head}"


@dataclass(frozen=True)
class Probe:
    """The inputs candidates run on and the reference's outputs (None: the reference is
    undefined on these inputs, `undefined` says why)."""

    inputs: dict
    want: dict | None
    undefined: str = ""

    @classmethod
    def of(cls, kernel) -> "Probe":
        inputs = random_inputs(kernel, SEED)
        try:
            return cls(inputs, run_reference(kernel, inputs))
        except KernelRunError as e:
            return cls(inputs, None, reason(e))

    def note(self) -> str | None:
        """The note to leave where outputs could not be checked."""
        if self.want is not None:
            return None
        return f"outputs not checked against the reference: it is undefined on random_inputs seed {SEED} " \
               f"({self.undefined})"


@dataclass(frozen=True)
class Trial:
    """One candidate's run: `packets` (None: it failed to build or run, `error` says why) and the
    first mismatch with the reference (`wrong`, "" where it agrees or was not compared)."""

    packets: int | None
    error: str = ""
    wrong: str = ""

    @property
    def right(self) -> bool:
        return self.packets is not None and not self.wrong

    def failure(self) -> str:
        """What went wrong, as a clause ("gave wrong outputs on QEMU (...)")."""
        if self.packets is None:
            return f"failed on QEMU ({self.error})"
        return f"gave wrong outputs {WHERE} ({self.wrong})"


def trial(kernel, code, probe: Probe) -> Trial:
    """`code` (assembly text or an ELF object) on QEMU with the probe's inputs."""
    try:
        run = run_on_qemu(kernel, code, probe.inputs)
    except RewriterError as e:
        return Trial(None, error=reason(e))
    if probe.want is None:
        return Trial(run.counts.packets)
    bad = compare(kernel, run.outputs, probe.want)
    return Trial(run.counts.packets, wrong=str(bad[0]) if bad else "")


@dataclass
class LlvmPick:
    """The LLVM code `first_right_llvm` found right, its trial, and one note per variant
    before it that was not (e.g. "LLVM -O3 (HVX) gave wrong outputs on QEMU (...)")."""

    llvm: LlvmHexagonObject
    trial: Trial
    rejected: list

    def note(self) -> str:
        """"LLVM -O3 (HVX) gave wrong outputs on QEMU (...); LLVM -O3 scalar shipped"."""
        return "; ".join(self.rejected + [f"{self.llvm.variant.name} shipped"])


def first_right_llvm(kernel, library, engine: str, probe: Probe, variants: tuple[LlvmVariant, ...],
                     first: tuple[LlvmHexagonObject, Trial] | None = None, before: tuple = ()) -> LlvmPick:
    """The first of `variants` whose code is right on the probe. `first`: the first
    variant's code and trial where the caller has them already (the race). `before`:
    failures of other candidates (ours), for the error where none is right."""
    rejected = []
    for i, variant in enumerate(variants):
        if i == 0 and first is not None:
            llvm, t = first
        else:
            try:
                llvm = compile_llvm_code(kernel, library, engine, variant)
            except RewriterError as e:
                if i == 0:
                    raise
                rejected.append(f"{variant.name} did not compile ({reason(e)})")
                continue
            t = trial(kernel, llvm.object, probe)
        if t.right:
            return LlvmPick(llvm, t, rejected)
        rejected.append(f"{variant.name} {t.failure()}")
    raise HexagonNoCorrectCode(f"hexagon: no code for '{kernel.name}' agrees with the reference interpreter "
                               f"{WHERE}: " + "; ".join(list(before) + rejected))
