"""The verification portfolio: several sound ways to decide one rule instance.

  smt-bv      Z3 over bitvectors of the type's width (idx as Int, floats as FP). Complete.
  smt-int     Z3 over mathematical Ints with explicit wrapping. Exact, and far easier for
              Z3 where no-overflow facts (nsw/nuw, ranges) keep terms linear-ish: bitvector
              multiplication and division at 32/64 bits is where bit-blasting stalls.
              Not applicable to bitwise ops and shifts.
  exhaustive  Every input combination, evaluated by the concrete evaluator (ints and bools
              whose input space is at most 2**17 points, or a lone f16 or bf16; the precondition's
              literal bounds narrow it, and a larger space is split by the constant symbols'
              values). A proof by enumeration that shares no code with Z3.
  per-const   One small Z3 query per value of the rule's constant symbols, for narrow types
              whose constant space is small, or which the precondition bounds by literals
              (`C <= 255`): constants make nonlinear terms linear.
  per-const-int  The same over Z3 Ints, each query encoded with its constants in place (a
              shift by a computed amount is then a floor division): words divided by a
              magic multiply, where the bitvector queries stall.

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
from rewriter.ir.concrete import np_float
from rewriter.ir.dtype import DType, bf16, f16
from rewriter.ir.smt import Z3BVDomain, Z3IntDomain
from rewriter.verifier.refine import FAILURES, POISON, check_concrete, may_be_poison, refinement_query

# Inputs including poison (one more point per variable): 2**18 keeps every space of up to
# 2**17 plain values that the strategy enumerated before inputs could be poison (two i8 and a
# bool: 257 * 257 * 3).
EXHAUSTIVE_LIMIT = 1 << 18
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


# -- deterministic limits -----------------------------------------------------------------
# Z3 is stopped by a resource limit (its own count of work: `rlimit`), never by the clock, and
# runs with fixed seeds in a fresh context per query, so a verdict depends on the query alone:
# not on the machine, its load, or the terms earlier queries left in the process (term ids
# steer Z3's heuristics; with one shared context a rule proven alone could fail in a pool).
# Which solver also matters: Z3's default solver picks a tactic by logic, and the tactics for
# nonlinear integers race sub-strategies against the clock (`try_for`), so their work and
# verdict vary from run to run (mul-mod-factor at idx: 10.3M, 13.7M, 13.8M rlimit for one
# query, proven in 0.6 s or unknown after 32 s). Queries with Ints therefore go to the plain
# SMT core (`SimpleSolver`, deterministic, and it proves mul-mod-factor in 0.1M); pure
# bitvector/float/bool queries keep the default solver, whose bit-blasting tactic has no
# clock in it and is far faster on them (fdiv-one at f64: 1.9M vs 54M).
# Calibrated on the library with scripts/calibrate_rlimit.py (the counts are in the notes of
# `rewriter verify --format json`): SHORT_RLIMIT (bit-blasting) is over twice the 99th
# percentile of the bitvector proofs' counts (0.84M), INT_SHORT_RLIMIT 1.5 times the largest
# Int proof's (0.34M), LONG_RLIMIT 8 times the largest proof's (2.4M). These constants decide verdicts: the proof
# cache's key hashes this file.
QUICK_RLIMIT = 100_000  # the probe before a nonlinear instance's Int query (p90: 70K)
SHORT_RLIMIT = 2_000_000
INT_SHORT_RLIMIT = 500_000  # the short runs of Int queries (each of the two solvers)
LONG_RLIMIT = 20_000_000
SEED = 0  # smt.random_seed and sat.random_seed of every query (Z3's defaults)
LONG_SEEDS = (0, 11, 23)  # the long runs try each: still deterministic, one rarely unlucky


class Budget:
    """The wall-clock safety net: a deadline for a whole instance. It never decides a verdict
    that the resource limits would have decided differently on a fast, idle machine; it only
    stops a pathological query, reported as "unknown (timeout)"."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def left_ms(self) -> int:
        return max(1, int((self.deadline - time.monotonic()) * 1000))

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


def make_solver(ctx: z3.Context, rlimit: int, budget: Budget | None, seed: int = SEED,
                simple: bool = True) -> z3.Solver:
    """A solver bounded by `rlimit`; `simple`: the plain SMT core (see above for why)."""
    s = z3.SimpleSolver(ctx=ctx) if simple else z3.Solver(ctx=ctx)
    s.set("rlimit", rlimit)
    s.set("random_seed", seed)  # smt.random_seed; the solver takes no sat.* parameter
    z3.set_param("sat.random_seed", SEED)  # global (the bit-blasting SAT core): Z3's default,
    # pinned so that no other code in the process can change it under the verifier
    if budget is not None:
        s.set("timeout", budget.left_ms())
    return s


def _rlimit_used(s: z3.Solver) -> int:
    st = s.statistics()
    return int(st.get_key_value("rlimit count")) if "rlimit count" in st.keys() else 0


def unknown_reason(s: z3.Solver, rlimit: int) -> str:
    """"resource limit" (deterministic: more rlimit or another strategy may decide it) or
    "timeout" (the wall-clock net: the machine was too slow or the query pathological)."""
    if _rlimit_used(s) >= rlimit:
        return f"unknown (resource limit {rlimit})"
    why = s.reason_unknown()
    if why in ("timeout", "canceled"):
        return "unknown (timeout)"
    return f"unknown ({why})"


def _has_ints(formula: z3.ExprRef) -> bool:
    """Whether a query mentions an Int or Real term (idx, or the Int encoding)."""
    seen, todo = set(), [formula]
    while todo:
        e = todo.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if e.sort_kind() in (z3.Z3_INT_SORT, z3.Z3_REAL_SORT):
            return True
        todo.extend(e.children())
    return False


def _solve(q, rlimit: int, name: str, budget: Budget | None, extra=None, seed: int = SEED) -> Outcome:
    ints = _has_ints(q.formula)
    # Int queries: the plain SMT core first (deterministic), then the default solver, whose
    # nonlinear preprocessing settles some at once that the core cannot (mul-nsw-mod-same at
    # i32: 14K rlimit, where the core gives up at 20M). It is deterministic too unless its
    # clocked branch (`try_for`) is reached: the one residue of wall-clock dependence.
    solvers = [True, False] if ints else [False]
    if ints:
        rlimit = min(rlimit, INT_SHORT_RLIMIT) if rlimit <= SHORT_RLIMIT else rlimit
    out = None
    for simple in solvers:
        s = make_solver(q.domain.ctx, rlimit, budget, seed, simple=simple)
        s.add(q.formula)
        if extra is not None:
            s.add(extra)
        r = s.check()
        used = _rlimit_used(s)
        how = "" if simple or not ints else ", default solver"
        if r == z3.unsat:
            return Outcome("proven", name, note=f"rlimit {used}{how}")
        if r == z3.sat:
            return Outcome("counterexample", name, q.read_model(s.model()))
        out = Outcome("unknown", name, note=unknown_reason(s, rlimit))
        if budget is not None and budget.expired():
            break
    return out


def smt(inst: RuleInstance, domain_cls, rlimit: int, budget: Budget | None = None,
        seed: int = SEED) -> Outcome:
    name = "smt-bv" if domain_cls is Z3BVDomain else "smt-int"
    if domain_cls is Z3BVDomain and not _has_fixed_ints(inst) and not inst.lhs.dtype.is_float:
        name = "smt-int"  # idx (and bool-over-idx) instances are Ints in either domain
    if domain_cls is Z3IntDomain and not _has_fixed_ints(inst):
        return Outcome("n/a", name, note="no fixed-width integers: smt-bv already used Ints")
    try:
        q = refinement_query(inst, domain_cls(z3.Context()))
    except NotEncodable as e:
        return Outcome("n/a", name, note=str(e))
    return _solve(q, rlimit, name, budget, seed=seed)


def _domain_size(t: DType) -> int | None:
    """How many values type t has, if the strategies can enumerate them (a Python int)."""
    if t.is_bool:
        return 2
    if t.is_int:
        return 1 << t.bits
    if t in (f16, bf16):
        return 1 << 16
    return None


def _domain_values(t: DType):
    """Every value of an enumerable type t (check `_domain_size` first: i64 has 2**64)."""
    if t.is_bool:
        return [False, True]
    if t.is_int:
        return range(t.min, t.max + 1)
    return np.arange(1 << 16, dtype=np.uint16).view(np_float(t)).tolist()


def _space_size(types) -> int:
    # Python ints: np.prod would wrap around in int64 (four u16 inputs make 2**64 -> 0), and
    # len() of an i64 range overflows.
    return math.prod(_domain_size(t) for t in types)


def _input_space(inst: RuleInstance, v) -> list:
    """The values input v ranges over where the rule applies (`_bounded_values`), and
    poison for a variable (refine.py)."""
    vals = list(_bounded_values(inst, v))
    return vals + [POISON] if may_be_poison(inst, v) else vals


def exhaustive(inst: RuleInstance) -> Outcome:
    """Every input combination where the rule applies, through the concrete evaluator: each
    input's values narrowed by the precondition's literal bounds (`_bounded_values`). A
    space too large for one batch is split by the constant symbols' values, one batch each,
    when each batch and the number of batches are small enough (x:u16 / C with C <= 255)."""
    for v in inst.inputs:
        if _domain_size(v.dtype) is None:
            return Outcome("n/a", "exhaustive", note=f"{v.dtype} is not enumerable")
    spaces = {v: _bounded_values(inst, v) for v in inst.inputs}  # ranges: nothing listed yet
    total = math.prod(_size(sp) + may_be_poison(inst, v) for v, sp in spaces.items())
    batches = [{}]
    if total > EXHAUSTIVE_LIMIT:
        consts = [v for v in inst.inputs if v.arg.name in inst.consts]
        n_batches = math.prod(_size(spaces[v]) for v in consts)
        if not consts or n_batches > PER_CONST_LIMIT or total // n_batches > EXHAUSTIVE_LIMIT:
            return Outcome("n/a", "exhaustive", note=f"{total} input combinations")
        batches = [dict(zip(consts, combo)) for combo in itertools.product(*(spaces[v] for v in consts))]
    listed = {v: _input_space(inst, v) for v in inst.inputs if v not in batches[0]}
    for fixed in batches:
        cols = [[fixed[v]] if v in fixed else listed[v] for v in inst.inputs]
        grids = np.meshgrid(*[np.asarray(c, dtype=object) for c in cols], indexing="ij") if cols else []
        inputs = {v.arg.name: g.ravel() for v, g in zip(inst.inputs, grids)}
        try:
            ev = check_concrete(inst, inputs)
        except EvalError as e:
            return Outcome("n/a", "exhaustive", note=str(e))
        bad = np.nonzero(ev.failure >= 0)[0]
        if len(bad):
            i = int(bad[0])
            return Outcome("counterexample", "exhaustive", {k: v[i] for k, v in inputs.items()})
    return Outcome("proven", "exhaustive")


def _size(values) -> int:
    """len(values), also for a range past sys.maxsize (all of i64)."""
    return values.stop - values.start if isinstance(values, range) else len(values)


def _bounded_values(inst: RuleInstance, v):
    """The values input v (a variable or constant symbol) takes where the rule applies: its type's, narrowed
    by the precondition's top-level conjuncts that bound it by a literal (`C <= 255`,
    `1 < C`). Outside those bounds the precondition is false, so leaving the values out
    loses nothing (a division by a small constant is then a few hundred small queries)."""
    if not v.dtype.is_int:
        return _domain_values(v.dtype)
    lo, hi = v.dtype.min, v.dtype.max
    todo = [inst.pre] if inst.pre is not None else []
    while todo:
        n = todo.pop()
        if n.op == "and" and n.dtype.is_bool:
            todo.extend(n.src)
            continue
        if n.op not in ("lt", "le"):
            continue
        a, b = n.src
        strict = n.op == "lt"
        if a is v and b.op == "const":
            hi = min(hi, int(b.arg) - strict)
        elif b is v and a.op == "const":
            lo = max(lo, int(a.arg) + strict)
    return range(lo, hi + 1)


def per_const(inst: RuleInstance, rlimit: int, budget: Budget | None = None) -> Outcome:
    consts = [v for v in inst.inputs if v.arg.name in inst.consts]
    if not consts or not all(v.dtype.is_int or v.dtype.is_bool for v in consts):
        return Outcome("n/a", "per-const", note="no fixed-width constant symbols")
    spaces = [_bounded_values(inst, v) for v in consts]
    total = math.prod(_size(sp) for sp in spaces)
    if total > PER_CONST_LIMIT:
        return Outcome("n/a", "per-const", note=f"{total} constant combinations")
    d = Z3BVDomain(z3.Context())
    q = refinement_query(inst, d)
    s = make_solver(d.ctx, rlimit, budget)
    s.add(q.formula)
    for combo in itertools.product(*spaces):
        if budget is not None and budget.expired():
            return Outcome("unknown", "per-const", note="unknown (timeout)")
        s.push()
        for v, val in zip(consts, combo):
            s.add(q.inputs[v.arg.name][1] == d.const(v.dtype, val))
        r = s.check()
        if r == z3.sat:
            return Outcome("counterexample", "per-const", q.read_model(s.model()))
        if r == z3.unknown:
            return Outcome("unknown", "per-const", note=f"{unknown_reason(s, rlimit)} at constants {combo}")
        s.pop()
    return Outcome("proven", "per-const")


def per_const_int(inst: RuleInstance, rlimit: int, budget: Budget | None = None) -> Outcome:
    """`per_const` over Z3 Ints: one query per value of the constant symbols, encoded with the
    constants in place, so shifts by amounts computed from them are floor divisions and
    multiplications by 2^k (`Z3IntDomain.shr`), and products by them are linear. A multiply
    by a magic number against a division by a constant (x / 7 at u32) is then linear integer
    arithmetic, which bit-blasting the two 32-bit circuits does not settle."""
    consts = [v for v in inst.inputs if v.arg.name in inst.consts]
    if not consts or not all(v.dtype.is_int for v in consts):
        return Outcome("n/a", "per-const-int", note="no fixed-width constant symbols")
    spaces = [_bounded_values(inst, v) for v in consts]
    total = math.prod(_size(sp) for sp in spaces)
    if total > PER_CONST_LIMIT:
        return Outcome("n/a", "per-const-int", note=f"{total} constant combinations")
    for combo in itertools.product(*spaces):
        if budget is not None and budget.expired():
            return Outcome("unknown", "per-const-int", note="unknown (timeout)")
        fixed = {v.arg.name: val for v, val in zip(consts, combo)}
        d = Z3IntDomain(z3.Context())
        try:
            q = refinement_query(inst, d, fixed)
        except NotEncodable as e:
            return Outcome("n/a", "per-const-int", note=str(e))
        s = make_solver(d.ctx, rlimit, budget)
        s.add(q.formula)
        r = s.check()
        if r == z3.sat:
            found = q.read_model(s.model())
            found.update(fixed)
            return Outcome("counterexample", "per-const-int", found)
        if r == z3.unknown:
            return Outcome("unknown", "per-const-int", note=f"{unknown_reason(s, rlimit)} at constants {combo}")
    return Outcome("proven", "per-const-int")


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
    if v is POISON:
        return "poison"
    return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)


def _unconfirmed_note(inst: RuleInstance, out: Outcome, failure: str | None) -> str:
    """What happened when a Z3 counterexample is not confirmed by the concrete evaluator."""
    shown = ", ".join(f"{k}={_show(v)}" for k, v in out.inputs.items())
    found = f"{out.strategy} found a counterexample ({shown})"
    if failure == "unconfirmed":  # the evaluator cannot run this instance at all
        return f"{found} that the concrete evaluator cannot run"
    causes = []
    if _uses(inst, lambda n: n.op in ("exp2", "log2") and n.dtype.is_float):
        causes.append("float exp2/log2 are uninterpreted in Z3")
    why = "; ".join(causes) or "Z3 and the evaluator disagree: a bug in one of them"
    return f"{found} that the concrete evaluator does not confirm ({why})"


def run_portfolio(inst: RuleInstance, timeout_s: float = 30.0) -> Outcome:
    """Decide one instance: proven, a confirmed counterexample, or unknown. The strategies
    are bounded by resource limits (deterministic); `timeout_s` is only the safety net."""
    budget = Budget(timeout_s)
    domains = [Z3BVDomain, Z3IntDomain]
    if _nonlinear(inst):
        # Wide multiplication/division bit-blasts badly; the Int encoding usually settles it
        # at once, so ask it first.
        domains.reverse()
    short = [lambda dom=dom: smt(inst, dom, SHORT_RLIMIT, budget) for dom in domains]
    if _nonlinear(inst):
        # ...but first a quick bitvector probe: a multiplication by a constant symbol is often
        # settled by bit-blasting in ~100 rlimit, while the Int query would spend its whole
        # limit first (neg-of-mul-const at u64: 3.7 s, of which 114 rlimit proved it).
        short.insert(0, lambda: smt(inst, Z3BVDomain, QUICK_RLIMIT, budget))
    plan = [
        *short,
        lambda: exhaustive(inst),
        lambda: per_const(inst, SHORT_RLIMIT // 4, budget),
        lambda: per_const_int(inst, SHORT_RLIMIT // 4, budget),
        # The long runs, each with three fixed seeds: a query may take a path that does not
        # end within any limit, while another seed settles it at once (bad-fadd-reassociate
        # at f32: seed 0 finds no counterexample in 11M, seed 11 finds one in 0.5M).
        *(lambda seed=seed, dom=dom: smt(inst, dom, LONG_RLIMIT, budget, seed)
          for seed in LONG_SEEDS for dom in domains),
    ]
    attempts, notes = [], []
    start = time.monotonic()
    for step in plan:
        if budget.expired():
            attempts.append(("portfolio", "unknown", 0.0))
            notes.append("unknown (timeout): the wall-clock safety net stopped the portfolio")
            break
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
