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


from rewriter.kernel.kernel import Kernel
from rewriter.kernel.check import Mismatch, check_against_reference, compare  # noqa: F401  (re-exported)
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


