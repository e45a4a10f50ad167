"""Checking one rewritten term: refinement on samples, and which rewrite step broke it.

`check_term` normalizes a term with the library and evaluates the original and the result on
the same samples with the concrete evaluator. Where the original is defined the result must
be defined; where it is also not poison, the result must not be poison and must be equal
(floats bitwise, NaN equal to NaN) — the verifier's refinement, tested instead of proven.

`TracingRewriter` records every step of a normalization (a rule firing, a constant or range
fold, a reordering of commutative operands), so a failure can be blamed on the first step
that is itself unsound on the samples: usually one rule, with its `file:line:col`.
"""
from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rewriter.fuzz.terms import TermCase
from rewriter.fuzz.values import term_samples
from rewriter.ir.concrete import ConcreteDomain, np_float
from rewriter.ir.interp import interpret
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp
from rewriter.rewrite.engine import Rewriter, Step


def TracingRewriter(library, **kw) -> Rewriter:
    """A `Rewriter` that records its steps in `.steps` (see rewriter.rewrite.engine.Step)."""
    return Rewriter(library, trace=True, **kw)


def show_value(t, v) -> str:
    if t.is_float:
        f = float(v)
        bits = int(np.array([v], dtype=np_float(t)).view({16: np.uint16, 32: np.uint32, 64: np.uint64}[t.bits])[0])
        return f"{f!r} (0x{bits:0{t.bits // 4}x})"
    if t.is_bool:
        return "true" if bool(v) else "false"
    return str(int(v))


def refinement_problems(d, t, src, tgt):
    """Per-sample masks: (new UB, new poison, different value) where `tgt` fails to refine `src`."""
    ub = np.asarray(src.defined & ~tgt.defined, dtype=bool)
    ok = np.asarray(src.defined & ~src.poison, dtype=bool)
    poison = ok & ~ub & np.asarray(tgt.poison, dtype=bool)
    clean = ok & np.asarray(tgt.defined & ~tgt.poison, dtype=bool)
    differ = clean & ~np.asarray(d.same(t, src.value, tgt.value), dtype=bool)
    return ub, poison, differ


@dataclass
class Blame:
    step: Step
    sample: int
    problem: str
    before_value: str
    after_value: str

    def describe(self, locs: dict) -> str:
        where = f" ({locs[self.step.what]})" if self.step.what in locs else ""
        return (f"{self.step.what}{where} rewrote  {format_uop(self.step.before)}  to  "
                f"{format_uop(self.step.after)}: {self.problem} at sample {self.sample} "
                f"({self.before_value} vs {self.after_value})")


@dataclass
class TermFailure:
    problem: str  # "values differ" | "UB introduced" | "poison introduced" | "type changed" | "crash"
    message: str
    sample: int | None = None
    inputs: dict = field(default_factory=dict)  # var name -> shown value at the failing sample
    raw_inputs: dict = field(default_factory=dict)  # var UOp -> Python value
    before_value: str = ""
    after_value: str = ""
    blame: list = field(default_factory=list)
    traceback: str = ""


@dataclass
class TermOutcome:
    case: TermCase
    after: UOp | None
    stats: Counter
    locs: dict
    steps: list
    defined: int  # samples where the original is defined and not poison
    failure: TermFailure | None = None


def _meaning_text(t, m, i) -> str:
    if not bool(m.defined[i]):
        return "undefined behaviour"
    if bool(m.poison[i]):
        return "poison"
    return show_value(t, m.value[i])


def check_term(case: TermCase, rw: Rewriter, n: int = 64) -> TermOutcome:
    """Normalize `case.term` with a fresh copy of `rw` and check refinement on n samples."""
    before = case.term
    rw = rw.fresh()
    out = TermOutcome(case, None, rw.stats, rw.index.locs, rw.steps, 0)
    try:
        after = rw.normalize(before)
    except Exception as e:  # a crash of the engine (RuleCycleError, a Python error...) is a finding
        out.failure = TermFailure("crash", f"normalize raised {type(e).__name__}: {e}",
                                  traceback=traceback.format_exc())
        return out
    out.after = after
    if after.dtype != before.dtype:
        out.failure = TermFailure("type changed", f"{before.dtype} became {after.dtype}")
        return out
    extra = {v.arg.name for v in after.vars()} - {v.arg.name for v in before.vars()}
    if extra:
        out.failure = TermFailure("crash", f"the rewrite introduced variables {sorted(extra)}")
        return out
    d, env, py = term_samples(before, case.seed, n)
    try:
        m = interpret([before, after], d, env)
    except Exception as e:
        out.failure = TermFailure("crash", f"evaluating the terms raised {type(e).__name__}: {e}",
                                  traceback=traceback.format_exc())
        return out
    src, tgt = m[before], m[after]
    out.defined = int(np.sum(src.defined & ~src.poison))
    ub, poison, differ = refinement_problems(d, before.dtype, src, tgt)
    for mask, problem in ((ub, "UB introduced"), (poison, "poison introduced"), (differ, "values differ")):
        if np.any(mask):
            i = int(np.nonzero(mask)[0][0])
            f = TermFailure(problem, "", i)
            f.raw_inputs = {v: py[v][i] for v in env}
            f.inputs = {v.arg.name: show_value(v.dtype, py[v][i]) for v in env}
            f.before_value = _meaning_text(before.dtype, src, i)
            f.after_value = _meaning_text(before.dtype, tgt, i)
            shown = ", ".join(f"{k} = {v}" for k, v in f.inputs.items()) or "no inputs"
            f.message = (f"{problem}: at {shown} the original is {f.before_value}, the rewritten "
                         f"term is {f.after_value}")
            f.blame = blame_steps(rw.steps, d, env, i)
            out.failure = f
            return out
    return out


def blame_steps(steps: list[Step], d: ConcreteDomain, env: dict, prefer: int) -> list[Blame]:
    """The steps that are unsound on the samples by themselves, first the ones failing at
    sample `prefer`. A step's two sides are evaluated on the same variable values."""
    found: list[Blame] = []
    for s in steps:
        if any(v not in env for v in s.after.vars()) or any(v not in env for v in s.before.vars()):
            continue
        try:
            m = interpret([s.before, s.after], d, env)
        except Exception:
            continue
        src, tgt = m[s.before], m[s.after]
        if s.before.dtype != s.after.dtype:
            continue
        for mask, problem in zip(refinement_problems(d, s.before.dtype, src, tgt),
                                 ("UB introduced", "poison introduced", "values differ")):
            if np.any(mask):
                i = prefer if mask[prefer] else int(np.nonzero(mask)[0][0])
                found.append(Blame(s, i, problem, _meaning_text(s.before.dtype, src, i),
                                   _meaning_text(s.before.dtype, tgt, i)))
                break
    found.sort(key=lambda b: b.sample != prefer)
    return found
