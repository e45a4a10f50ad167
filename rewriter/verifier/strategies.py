"""The verification portfolio: several sound ways to decide one rule instance.

  smt-bv      Z3 over bitvectors of the type's width (idx as Int, floats as FP). Complete.
  smt-int     Z3 over mathematical Ints with explicit wrapping. Exact, and far easier for
              Z3 where no-overflow facts (nsw/nuw, ranges) keep terms linear-ish: bitvector
              multiplication and division at 32/64 bits is where bit-blasting stalls.
              Not applicable to bitwise ops and shifts.
  exhaustive  Every input combination, evaluated by the concrete evaluator (ints and bools
              whose input space is at most 2**17 points, or a lone f16). A proof by
              enumeration that shares no code with Z3.
  per-const   One small Z3 query per value of the rule's constant symbols, for narrow types
              whose constant space is small: constants make nonlinear terms linear.

`run_portfolio` tries them cheapest first and then again with longer time limits; any
strategy's proof is a proof, and every counterexample is confirmed by the concrete evaluator
before it is reported.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import z3

from rewriter.dsl.typecheck import RuleInstance
from rewriter.errors import EvalError, NotEncodable
from rewriter.ir.dtype import DType, bf16, f16
from rewriter.ir.smt import Z3BVDomain, Z3IntDomain
from rewriter.verifier.refine import FAILURES, check_concrete, refinement_query

EXHAUSTIVE_LIMIT = 1 << 17
PER_CONST_LIMIT = 1 << 10


@dataclass
class Outcome:
    status: str  # "proven" | "counterexample" | "unknown" | "n/a"
    strategy: str
    inputs: dict | None = None  # a confirmed counterexample: name -> value
    note: str = ""
    seconds: float = 0.0
    attempts: list = field(default_factory=list)  # (strategy, status, seconds) tried before


def _has_fixed_ints(inst: RuleInstance) -> bool:
    return any(n.dtype.scalar.is_int for r in (inst.lhs, inst.rhs, inst.pre) if r is not None
               for n in r.toposort())


_NONLINEAR = {"mul", "div", "mod", "mulhi"}


def _nonlinear(inst: RuleInstance) -> bool:
    return any(n.op in _NONLINEAR and n.dtype.is_int and n.dtype.bits >= 16
               for r in (inst.lhs, inst.rhs, inst.pre) if r is not None for n in r.toposort())


def _solve(q, timeout_ms: int, name: str, extra=None, seed: int = 0) -> Outcome:
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    if seed:
        s.set("random_seed", seed)
    s.add(q.formula)
    if extra is not None:
        s.add(extra)
    r = s.check()
    if r == z3.unsat:
        return Outcome("proven", name)
    if r == z3.unknown:
        return Outcome("unknown", name, note=s.reason_unknown())
    m = s.model()
    vals = {k: q.domain.to_python(u.dtype, m, v) for k, (u, v) in q.inputs.items()}
    return Outcome("counterexample", name, vals)


def smt(inst: RuleInstance, domain_cls, timeout_ms: int, seed: int = 0) -> Outcome:
    name = "smt-bv" if domain_cls is Z3BVDomain else "smt-int"
    if domain_cls is Z3BVDomain and not _has_fixed_ints(inst) and not inst.lhs.dtype.is_float:
        name = "smt-int"  # idx (and bool-over-idx) instances are Ints in either domain
    if domain_cls is Z3IntDomain and not _has_fixed_ints(inst):
        return Outcome("n/a", name, note="no fixed-width integers: smt-bv already used Ints")
    try:
        q = refinement_query(inst, domain_cls())
    except NotEncodable as e:
        return Outcome("n/a", name, note=str(e))
    return _solve(q, timeout_ms, name, seed=seed)


def _domain_size(t: DType) -> int | None:
    """How many values type t has, if the strategies can enumerate them (a Python int)."""
    if t.is_bool:
        return 2
    if t.is_int:
        return 1 << t.bits
    if t == f16:
        return 1 << 16
    return None


def _domain_values(t: DType):
    """Every value of an enumerable type t (check `_domain_size` first: i64 has 2**64)."""
    if t.is_bool:
        return [False, True]
    if t.is_int:
        return range(t.min, t.max + 1)
    return np.arange(1 << 16, dtype=np.uint16).view(np.float16).tolist()


def _space_size(types) -> int:
    # Python ints: np.prod would wrap around in int64 (four u16 inputs make 2**64 -> 0), and
    # len() of an i64 range overflows.
    return math.prod(_domain_size(t) for t in types)


def exhaustive(inst: RuleInstance) -> Outcome:
    for v in inst.inputs:
        if _domain_size(v.dtype) is None:
            return Outcome("n/a", "exhaustive", note=f"{v.dtype} is not enumerable")
    total = _space_size(v.dtype for v in inst.inputs)
    if total > EXHAUSTIVE_LIMIT:
        return Outcome("n/a", "exhaustive", note=f"{total} input combinations")
    spaces = [_domain_values(v.dtype) for v in inst.inputs]
    grids = np.meshgrid(*[np.asarray(list(s), dtype=object) for s in spaces], indexing="ij") if spaces else []
    inputs = {v.arg.name: g.ravel() for v, g in zip(inst.inputs, grids)}
    try:
        ev = check_concrete(inst, inputs)
    except EvalError as e:
        return Outcome("n/a", "exhaustive", note=str(e))
    bad = np.nonzero(ev.failure >= 0)[0]
    if len(bad) == 0:
        return Outcome("proven", "exhaustive")
    i = int(bad[0])
    return Outcome("counterexample", "exhaustive", {k: v[i] for k, v in inputs.items()})


def per_const(inst: RuleInstance, timeout_ms: int, budget_s: float) -> Outcome:
    consts = [v for v in inst.inputs if v.arg.name in inst.consts]
    if not consts or not all(v.dtype.is_int or v.dtype.is_bool for v in consts):
        return Outcome("n/a", "per-const", note="no fixed-width constant symbols")
    total = _space_size(v.dtype for v in consts)
    if total > PER_CONST_LIMIT:
        return Outcome("n/a", "per-const", note=f"{total} constant combinations")
    spaces = [_domain_values(v.dtype) for v in consts]
    d = Z3BVDomain()
    q = refinement_query(inst, d)
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.add(q.formula)
    deadline = time.monotonic() + budget_s
    for combo in itertools.product(*spaces):
        if time.monotonic() > deadline:
            return Outcome("unknown", "per-const", note="time budget exhausted")
        s.push()
        for v, val in zip(consts, combo):
            s.add(q.inputs[v.arg.name][1] == d.const(v.dtype, val))
        r = s.check()
        if r == z3.sat:
            m = s.model()
            vals = {k: d.to_python(u.dtype, m, z) for k, (u, z) in q.inputs.items()}
            return Outcome("counterexample", "per-const", vals)
        s.pop()
        if r == z3.unknown:
            return Outcome("unknown", "per-const", note=f"unknown at constants {combo}")
    return Outcome("proven", "per-const")


def confirm(inst: RuleInstance, inputs: dict) -> str | None:
    """The failing property at these inputs according to the concrete evaluator, or None."""
    try:
        ev = check_concrete(inst, {k: [v] for k, v in inputs.items()})
    except EvalError:
        return "unconfirmed"
    f = int(ev.failure[0])
    return FAILURES[f] if f >= 0 else None


def _uses(inst: RuleInstance, pred) -> bool:
    return any(pred(n) for r in (inst.lhs, inst.rhs, inst.pre) if r is not None for n in r.toposort())


def _show(v) -> str:
    return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)


def _unconfirmed_note(inst: RuleInstance, out: Outcome, failure: str | None) -> str:
    """What happened when a Z3 counterexample is not confirmed by the concrete evaluator."""
    shown = ", ".join(f"{k}={_show(v)}" for k, v in out.inputs.items())
    found = f"{out.strategy} found a counterexample ({shown})"
    if failure == "unconfirmed":  # the evaluator cannot run this instance at all
        if _uses(inst, lambda n: n.dtype.scalar == bf16):
            return f"{found} that cannot be confirmed: bf16 has no concrete evaluator, Z3 only"
        return f"{found} that the concrete evaluator cannot run"
    causes = []
    if _uses(inst, lambda n: n.op in ("exp2", "log2") and n.dtype.is_float):
        causes.append("float exp2/log2 are uninterpreted in Z3")
    why = "; ".join(causes) or "Z3 and the evaluator disagree: a bug in one of them"
    return f"{found} that the concrete evaluator does not confirm ({why})"


def run_portfolio(inst: RuleInstance, timeout_s: float = 30.0) -> Outcome:
    """Decide one instance: proven, a confirmed counterexample, or unknown."""
    long_ms = int(timeout_s * 1000)
    plan = [
        lambda: smt(inst, Z3BVDomain, min(2000, long_ms)),
        lambda: smt(inst, Z3IntDomain, min(4000, long_ms)),
        lambda: exhaustive(inst),
        lambda: per_const(inst, min(1000, long_ms), timeout_s),
        # The long runs, each split over three random seeds: nonlinear integer queries
        # sometimes take a path that does not end in any time (Z3's choices depend on the
        # process's earlier terms, so a rule proven in 0.5 s alone can time out in a pool),
        # while another seed settles them at once.
        *(lambda seed=seed: smt(inst, Z3BVDomain, long_ms // 3, seed) for seed in (0, 11, 23)),
        *(lambda seed=seed: smt(inst, Z3IntDomain, long_ms // 3, seed) for seed in (0, 11, 23)),
    ]
    if _nonlinear(inst):
        # Wide multiplication/division bit-blasts badly; the Int encoding usually settles it
        # in milliseconds, so ask it first.
        plan.insert(0, lambda: smt(inst, Z3IntDomain, min(1000, long_ms)))
    attempts, notes = [], []
    start = time.monotonic()
    for step in plan:
        t0 = time.monotonic()
        out = step()
        out.seconds = time.monotonic() - t0
        if out.status == "n/a":
            continue
        if out.status == "counterexample":
            failure = confirm(inst, out.inputs)
            if failure is None or failure == "unconfirmed":
                notes.append(_unconfirmed_note(inst, out, failure))
                attempts.append((out.strategy, "unconfirmed", out.seconds))
                continue
            out.note = failure
        if out.status in ("proven", "counterexample"):
            out.attempts = attempts
            out.seconds = time.monotonic() - start
            return out
        attempts.append((out.strategy, out.status, out.seconds))
        notes.append(f"{out.strategy}: {out.note}")
    tried = ", ".join(sorted({a[0] for a in attempts})) or "none applicable"
    notes = list(dict.fromkeys(notes))  # the long runs often repeat the short runs' note
    return Outcome("unknown", "portfolio", note=f"tried {tried}; " + "; ".join(notes),
                   seconds=time.monotonic() - start, attempts=attempts)
