"""The two fuzz modes: what one case checks, and how a failure is written to the corpus.

terms    a random term at a random scalar type, normalized with the library, must refine the
         original on 64 samples (`refine.check_term`); a failure names the step to blame.
kernels  a random small kernel runs on every chosen target and must agree with the reference
         interpreter (inputs on which the reference itself hits UB are skipped).

`check(case, counts)` never raises: it returns a `Finding` or None and counts what it saw.
A finding's `signature` identifies the bug it shows (the rule or engine step to blame, the
target and kind of mismatch), so one bug is reported once per run.
"""
from __future__ import annotations

import contextlib
import re
import shlex
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rewriter.fuzz.corpus import new_entry, quote_rules, reproduces_with_ref, term_kernel, write_inputs, write_new
from rewriter.fuzz.kernels import KERNEL_DTYPES, KernelCase, kernel_cases
from rewriter.fuzz.refine import TermOutcome, TracingRewriter, check_term
from rewriter.fuzz.targets import Target, default_tolerance
from rewriter.fuzz.terms import TERM_DTYPES, TermCase, rule_templates, term_cases
from rewriter.fuzz.values import kernel_inputs, term_samples
from rewriter.ir import dtype as dt
from rewriter.ir.ops import type_class
from rewriter.ir.printer import format_uop
from rewriter.kernel.parser import DIVISOR_ALWAYS_ZERO
from rewriter.kernel.printer import format_kernel
from rewriter.kernel.reference import KernelRunError, run_reference
from rewriter.pipeline import compare
from rewriter.rewrite.engine import ORDER


@dataclass
class Finding:
    mode: str
    kind: str  # "values differ", "UB introduced", "poison introduced", "mismatch", "crash"...
    message: str  # one line
    signature: tuple
    case: object
    detail: object = None


@dataclass
class RunInfo:
    """What a corpus README needs to say how to reproduce the run."""

    seed: int
    round: int
    rules: list
    targets: list
    time: str


@contextlib.contextmanager
def quiet():
    """numpy warnings (overflow in casts, invalid values) are expected while fuzzing."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def crash_site(tb: str) -> str:
    """`file:line: ExceptionType` of the innermost frame of a formatted traceback."""
    lines = [ln.strip() for ln in tb.strip().splitlines()]
    frames = [ln for ln in lines if ln.startswith("File ")]
    last = frames[-1].split(",")[:2] if frames else ["?"]
    return f"{' '.join(x.strip() for x in last)}: {lines[-1].split(':')[0] if lines else '?'}"


def _rules_table(stats: Counter, locs: dict) -> str:
    if not stats:
        return "  (none)\n"
    return "".join(f"  {n:4d}  {name}  ({locs.get(name, '?')})\n" for name, n in stats.most_common())


# -------------------------------------------------------------------------------------------
# terms
# -------------------------------------------------------------------------------------------
class TermMode:
    name = "terms"

    def __init__(self, library, max_depth: int = 4, samples: int = 64, dtypes=None):
        self.library = library
        self.rw = TracingRewriter(library)
        self.max_depth, self.samples = max_depth, samples
        self.dtypes = tuple(t for t in (dtypes or TERM_DTYPES) if t in TERM_DTYPES) or TERM_DTYPES
        self.templates = rule_templates(library, self.dtypes)

    def strategy(self):
        return term_cases(self.dtypes, max_depth=self.max_depth, templates=self.templates)

    @staticmethod
    def describe(case: TermCase) -> str:
        return case.text()

    def check(self, case: TermCase, counts: Counter) -> Finding | None:
        with quiet():
            out = check_term(case, self.rw, self.samples)
        if out.failure is None:
            if out.defined == 0:
                counts["no defined sample"] += 1
            return None
        f = out.failure
        if f.problem == "crash":
            sig = ("terms", "crash", crash_site(f.traceback) if f.traceback else f.message)
        elif f.blame:
            step = f.blame[0].step
            if step.what in out.locs:  # a rule
                sig = ("terms", step.what)
            elif step.what == ORDER:  # the commutativity of ops at a class of types
                sig = ("terms", step.what, type_class(step.before.src[0].dtype) if step.before.src else "")
            else:  # folding: one bug per op (each has its own range transfer function)
                sig = ("terms", step.what, step.before.op, type_class(step.before.dtype))
        elif len(out.stats) == 1:  # no single step is wrong on the samples, but one rule fired
            sig = ("terms", next(iter(out.stats)))
        else:
            sig = ("terms", f.problem, tuple(sorted(out.stats)))
        return Finding("terms", f.problem, f.message, sig, case, out)

    def minimize(self, finding: Finding) -> Finding:
        """After hypothesis: the smallest subterm that still fails the same way (hypothesis
        shrinks choices, and a smaller root is often out of its reach)."""
        case: TermCase = finding.case
        subs = sorted({n for n in case.term.toposort() if n.src and n is not case.term},
                      key=lambda n: (len(n.toposort()), format_uop(n)))
        for sub in subs:
            for seed in (case.seed, case.seed + 1, case.seed + 2):
                f = self.check(TermCase(sub, seed), Counter())
                if f is not None and f.signature == finding.signature:
                    return f
        return finding

    def save(self, finding: Finding, root: Path, info: RunInfo) -> Path:
        out: TermOutcome = finding.detail
        case: TermCase = finding.case
        f = out.failure
        term = case.term
        entry = new_entry(root, "terms", case.text(), info.seed)
        lines = ["rewriter fuzz found a refinement failure (terms mode).\n",
                 f"problem:    {f.message}",
                 f"type:       {term.dtype}",
                 f"original:   {format_uop(term)}",
                 f"rewritten:  {format_uop(out.after) if out.after is not None else '(normalize failed)'}",
                 f"variables:  {', '.join(case.var_decls()) or '(none)'}", ""]
        if f.blame:
            lines.append("to blame (rewrite steps that are wrong by themselves on the samples, first one first):")
            lines += [f"  {b.describe(out.locs)}" for b in f.blame[:5]]
            lines.append("")
        if f.traceback:
            lines += ["traceback:", f.traceback.rstrip(), ""]
        lines.append("rules that fired while normalizing the term (count, name, defined at):")
        lines.append(_rules_table(out.stats, out.locs).rstrip("\n"))
        if out.steps:
            lines.append("\nrewrite steps, in order:")
            lines += [f"  {format_uop(s.before)}  =>  {format_uop(s.after)}    [{s.what}]" for s in out.steps[:40]]
        text, inputs, note = (None, None, "the term failed to normalize") if f.sample is None else \
            self._kernel(term, case, f.sample)
        rules = quote_rules(info.rules)
        lines += ["", "files:"]
        if text is not None:
            write_new(entry / "case.ir", text)
            write_inputs(entry / "inputs.npz", inputs)
            lines += [f"  case.ir      the term as a one-statement kernel ({note})",
                      "  inputs.npz   its inputs (the failing sample)"]
        else:
            lines.append(f"  (no kernel: {note})")
        decls = " ".join(f"--var {d}" for d in case.var_decls())
        lines += ["", "reproduce:",
                  f"  rewriter simplify {shlex.quote(format_uop(term))} {decls} {rules} --stats --check"]
        if text is not None:
            lines.append(f"  rewriter optimize {entry / 'case.ir'} --target cpu --check --inputs "
                         f"{entry / 'inputs.npz'} {rules}")
        lines += [f"  rewriter fuzz {rules} --mode terms --seed {info.seed}    (the whole run)", "",
                  f"found by rewriter fuzz: seed {info.seed}, round {info.round}, sample seed {case.seed}"]
        write_new(entry / "README.txt", "\n".join(lines) + "\n")
        return entry

    def _kernel(self, term, case: TermCase, sample: int):
        with quiet():
            _, _, py = term_samples(term, case.seed, self.samples)
            return term_kernel(term, py, sample, self.samples, self.library)


# -------------------------------------------------------------------------------------------
# kernels
# -------------------------------------------------------------------------------------------
@dataclass
class KernelDetail:
    target: str
    inputs: dict
    problem: str
    stats: Counter = field(default_factory=Counter)
    locs: dict = field(default_factory=dict)
    simplified: object = None
    traceback: str = ""
    got: dict | None = None
    want: dict | None = None


def _small_arrays(what: str, arrays: dict, limit: int = 32) -> list[str]:
    """Arrays small enough to read, one line each."""
    out = []
    for name, a in arrays.items():
        a = np.asarray(a)
        if a.size <= limit:
            out.append(f"  {what} {name}: {np.array2string(a.reshape(-1), separator=', ', max_line_width=10**6)}")
    return out


def _unsupported(e: Exception) -> bool:
    """Errors a target raises for what it does not implement yet (not a bug), their subclasses
    included (webgpu's WgslTypeError, which places a WgslError at its store)."""
    names = {c.__name__ for c in type(e).__mro__}
    return bool(names & {"LoweringError", "EmitError", "WgslError", "HexagonUnsupported", "GpuLoweringError",
                         "HexagonFallbackError"}) and "yet" in str(e)


def compare_outputs(kernel, got: dict, want: dict, tolerance) -> list[str]:
    for b in kernel.outputs:
        if b.name not in got:
            return [f"output '{b.name}' is missing"]
        if np.asarray(got[b.name]).shape != np.asarray(want[b.name]).shape:
            return [f"output '{b.name}' has shape {list(np.shape(got[b.name]))}, expected {list(b.shape)}"]
    out = []
    for b in kernel.outputs:
        rtol, atol = tolerance(b.dtype) if b.dtype.is_float else (0.0, 0.0)
        sub = type(kernel)(kernel.name, tuple(x for x in kernel.buffers if x.role != "output") + (b,),
                           kernel.ranges, kernel.stores)
        out += [str(m) for m in compare(sub, got, want, rtol=rtol, atol=atol)]
    return out


class KernelMode:
    name = "kernels"

    def __init__(self, library, targets: list[Target], max_depth: int = 3, dtypes=None):
        self.library, self.targets, self.max_depth = library, targets, max_depth
        self.dtypes = tuple(t for t in (dtypes or KERNEL_DTYPES) if t in KERNEL_DTYPES) or KERNEL_DTYPES
        self.dtypes = tuple(t for t in self.dtypes if not any(t in tg.unfaithful for tg in targets)) or self.dtypes
        self.templates = rule_templates(library, self.dtypes + (dt.idx,))

    def strategy(self):
        return kernel_cases(self.dtypes, max_depth=self.max_depth, templates=self.templates)

    @staticmethod
    def describe(case: KernelCase) -> str:
        return case.text

    def check(self, case: KernelCase, counts: Counter) -> Finding | None:
        with quiet():
            return self._check(case, counts)

    def _finding(self, case, target, kind, message, inputs, built=None, tb="") -> Finding:
        k = case.kernel
        out_t = k.outputs[0].dtype if k.outputs else None
        has_reduce = any(n.op == "reduce" for s in k.stores for n in s.toposort())
        site = crash_site(tb) + ": " + re.sub(r"[0-9]+", "N", message)[:60] if tb else ""
        sig = ("kernels", target, kind, type_class(out_t) if out_t else "", has_reduce, site)
        detail = KernelDetail(target, inputs, message, *( (built.stats, built.rule_locs, built.simplified)
                                                         if built is not None else ()), traceback=tb)
        return Finding("kernels", kind, f"{target}: {message}", sig, case, detail)

    def _check(self, case: KernelCase, counts: Counter) -> Finding | None:
        k = case.kernel
        if k is None:
            first = case.parse_error.splitlines()[0] if case.parse_error else "?"
            if DIVISOR_ALWAYS_ZERO in first:
                return None  # (a kernel the language rejects, as it should: no finding)
            return Finding("kernels", "round trip", f"printer/parser: the printed kernel does not parse: {first}",
                           ("kernels", "round trip", re.sub(r"[0-9]+", "N", first)), case,
                           KernelDetail("parser", {}, case.parse_error))
        inputs = want = None
        for attempt, profiles in enumerate((case.profiles, {b.name: "small" for b in k.inputs})):
            ins = kernel_inputs(k, case.seed + attempt, profiles)
            try:
                want = run_reference(k, ins)
                inputs = ins
                break
            except KernelRunError:
                continue
            except Exception as e:  # noqa: BLE001 - the reference crashing is a finding too
                return self._finding(case, "reference", "crash", f"the reference raised {type(e).__name__}: {e}",
                                     ins, tb=traceback.format_exc())
        if want is None:
            counts["UB on the inputs (skipped)"] += 1
            return None
        finite = all(np.all(np.isfinite(np.asarray(want[b.name], dtype=np.float64)))
                     for b in k.outputs if b.dtype.is_float)
        for target in self.targets:
            if target.finite_only and not finite:
                counts[f"inf/NaN results (not compared on {target.name})"] += 1
                continue
            try:
                built = target.build(k, self.library)
            except Exception as e:  # noqa: BLE001
                if _unsupported(e):
                    counts["unsupported by a target"] += 1
                    continue
                return self._finding(case, target.name, "crash", f"building raised {type(e).__name__}: {e}",
                                     inputs, tb=traceback.format_exc())
            try:
                got = built.run(inputs)
            except KernelRunError as e:
                return self._finding(case, target.name, "UB introduced", f"undefined after optimizing: {e}",
                                     inputs, built)
            except Exception as e:  # noqa: BLE001
                return self._finding(case, target.name, "crash", f"running raised {type(e).__name__}: {e}",
                                     inputs, built, tb=traceback.format_exc())
            bad = compare_outputs(k, got, want, target.tolerance or default_tolerance)
            if bad:
                f = self._finding(case, target.name, "mismatch", bad[0], inputs, built)
                f.detail.got, f.detail.want = got, want
                return f
        return None

    def save(self, finding: Finding, root: Path, info: RunInfo) -> Path:
        case: KernelCase = finding.case
        d: KernelDetail = finding.detail
        entry = new_entry(root, "kernels", case.text, info.seed)
        write_new(entry / "case.ir", case.text)
        write_inputs(entry / "inputs.npz", d.inputs)
        rules = quote_rules(info.rules)
        what = ("the reference interpreter crashed" if d.target == "reference" else
                "the printed kernel does not parse back (printer or parser)" if d.target == "parser" else
                f"target '{d.target}' disagrees with the reference interpreter")
        lines = [f"rewriter fuzz: {what} (kernels mode).\n",
                 f"problem:   {finding.kind}: {d.problem}",
                 f"inputs:    inputs.npz (profiles: {', '.join(f'{k}={v}' for k, v in case.profiles.items()) or '-'})"]
        lines += _small_arrays("input", d.inputs)
        if d.got is not None:
            lines += _small_arrays("got", d.got) + _small_arrays("expected", d.want)
        lines.append("")
        if d.traceback:
            lines += ["traceback:", d.traceback.rstrip(), ""]
        if d.target not in ("reference", "ref", "parser"):
            ok, note = self._diagnose(case, d)
            lines += ["diagnosis: " + (f"the rule library alone shows it (ref target: {note}): a rewrite is wrong"
                                       if ok else f"with the rule library alone the kernel is right ({note}): "
                                       f"the lowering or the '{d.target}' backend is wrong"), ""]
        if d.simplified is not None:
            lines += ["the kernel after the rule library:", format_kernel(d.simplified).rstrip(), ""]
        lines += ["rules that fired while optimizing (count, name, defined at):",
                  _rules_table(d.stats, d.locs).rstrip("\n"), "", "reproduce:"]
        target = d.target if d.target not in ("reference", "ref") else "cpu"
        lines += [f"  rewriter optimize {entry / 'case.ir'} --target {target} --check --inputs "
                  f"{entry / 'inputs.npz'} --stats {rules}",
                  f"  rewriter run {entry / 'case.ir'} --target ref --inputs {entry / 'inputs.npz'}   "
                  "(the reference outputs)",
                  f"  rewriter fuzz {rules} {' '.join(f'--target {t}' for t in info.targets)} --mode kernels "
                  f"--seed {info.seed}    (the whole run)", "",
                  f"found by rewriter fuzz: seed {info.seed}, round {info.round}, input seed {case.seed}"]
        write_new(entry / "README.txt", "\n".join(lines) + "\n")
        return entry

    def _diagnose(self, case: KernelCase, d: KernelDetail):
        with quiet():
            return reproduces_with_ref(case.kernel, d.inputs, self.library)
