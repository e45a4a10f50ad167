"""The optimizer's pipeline, as a library, the same for every target:

    kernel --simplify (portable rules)--> simplified kernel
           --target.lower--> Lowered --target.emit--> text
                                     --target.load--> Executable --run--> outputs, timing
           --compare--> the reference interpreter's outputs

Targets come from the registry (`rewriter/targets/`); nothing here knows their names. The
CLI, bench and fuzz are thin layers over `optimize`, `load` and `check_against_reference`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import reference_run
from rewriter.kernel.simplify import ENGINES, make_rewriter, simplify_kernel
from rewriter.kernel.validate import validate_kernel
from rewriter.target import Executable, Lowered, Options, Target
from rewriter.targets import TARGETS

__all__ = ["ENGINES", "TARGETS", "Optimized", "optimize", "load", "make_rewriter", "simplify_kernel",
           "compare", "check_against_reference", "Mismatch", "Options"]


@dataclass
class Optimized:
    """A kernel through one target's pipeline: what was written, what the rules made of it,
    and the target's lowered form."""

    target: Target
    kernel: Kernel  # as written
    simplified: Kernel  # after the rule library
    lowered: Lowered
    stats: Counter  # rule name -> times fired while simplifying
    rule_locs: dict  # rule name -> file:line:col

    @property
    def program(self):
        return self.lowered.program

    @property
    def code(self):
        return self.lowered.code

    @property
    def notes(self) -> list:
        return self.lowered.notes

    def text(self, kind: str) -> str:
        """What `--emit kind` prints."""
        return self.target.emit(self.lowered, kind)


def optimize(kernel: Kernel, library, target: str = "cpu", options: Options | None = None, **kw) -> Optimized:
    """Simplify `kernel` with `library` and lower it for `target` (a registered name).
    Options are an `Options` or its fields as keywords (`vectorize=False`, `fp_contract=True`);
    one the target does not take is refused."""
    options = options or Options(**kw)
    t = TARGETS.check_options(target, options)
    rw = make_rewriter(library.for_target(t.name) if t.rules_in_simplify else library.portable(), options.engine)
    if options.validate:
        validate_kernel(kernel)
    simple = simplify_kernel(kernel, rw)
    if options.validate:  # the lowering checks its own output (Options.validate reaches it)
        validate_kernel(simple)
    lowered = t.lower(kernel, simple, rw, library, options)
    return Optimized(t, kernel, simple, lowered, rw.stats, rw.rule_locs)


def load(opt: Optimized) -> Executable:
    """The optimized kernel loaded by its target's runtime: callable on inputs, `run` timed."""
    return opt.target.load(opt.lowered)


@dataclass
class Mismatch:
    buffer: str
    index: tuple
    got: object
    want: object
    count: int

    def __str__(self) -> str:
        return (f"output '{self.buffer}' differs from the reference at {list(self.index)}: got {self.got}, "
                f"expected {self.want} ({self.count} element{'s' * (self.count != 1)} differ)")


def compare(kernel: Kernel, got: dict, want: dict, rtol: float = 1e-4, atol: float = 1e-5) -> list[Mismatch]:
    """Exact for integers and bools; `rtol`/`atol` for floats (NaN matches NaN)."""
    out = []
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        if b.dtype.is_float:
            bad = ~np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
        else:
            bad = g != w
        bad = np.atleast_1d(bad)
        if np.any(bad):
            flat = int(np.nonzero(bad.reshape(-1))[0][0])
            index = np.unravel_index(flat, b.shape) if b.shape else ()
            out.append(Mismatch(b.name, tuple(int(i) for i in index), g.reshape(-1)[flat] if g.ndim else g.item(),
                                w.reshape(-1)[flat] if w.ndim else w.item(), int(bad.sum())))
    return out


def check_against_reference(kernel: Kernel, got: dict, inputs: dict, notes: list | None = None) -> list[Mismatch]:
    """Mismatches against the reference interpreter; how it evaluated (e.g. "checked in 16
    chunks" under its memory bound) is appended to `notes`."""
    ref = reference_run(kernel, inputs)
    if notes is not None and ref.note:
        notes.append(ref.note)
    return compare(kernel, got, ref.outputs)
