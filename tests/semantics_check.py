"""Shared machinery for comparing the concrete evaluator with the Z3 encodings.

`compare(term, samples, domain, mode)` evaluates every node of `term` concretely (one
`ConcreteDomain` batch) and in a Z3 domain on the same inputs, and returns the disagreements
(empty when they agree). Per node: `defined` must be equal; where defined, `poison` must be
equal; where defined and not poison, the values must be equal (floats by bit pattern with
every NaN the same, so -0.0 != +0.0 and NaN == NaN).

Two ways to give Z3 the inputs (`mode`):
  "solver"  each input is `dom.var(t, name)` with its constraint and `var == dom.const(t, v)`
            asserted in a solver; values are read back from the model with `dom.to_python`
            (which is itself checked against the input);
  "subst"   the term is encoded once over `dom.var`s and each sample substitutes
            `dom.const` values (fast: used by the per-op tests).

Some nodes are excluded from the comparison, each for a stated reason (`skip_reason`):
uninterpreted float exp2/log2 (their value only), idx is_pow2/log2 beyond the 2**62 the Z3
encodings consider. Nodes that use a skipped value are skipped too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import z3

from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp
from tests.strategies import float_bits

IDX_POW2_LIMIT = 1 << 62

_EMPTY_SOLVER = z3.Solver()
_EMPTY_SOLVER.check()
EMPTY_MODEL = _EMPTY_SOLVER.model()


@dataclass
class Sample:
    value: object
    defined: bool
    poison: bool


def concrete_meanings(term: UOp, samples: list[dict]) -> list[dict[UOp, Sample]]:
    """Evaluate `term` on every sample (a dict var-UOp -> Python value) in one batch."""
    d = ConcreteDomain(len(samples))
    env = {v: d.from_python(v.dtype, [s[v] for s in samples]) for v in term.vars()}
    with np.errstate(all="ignore"):
        m = interpret([term], d, env)
    return [{n: Sample(x.value[i], bool(x.defined[i]), bool(x.poison[i])) for n, x in m.items()}
            for i in range(len(samples))]


def _read(dom, n: UOp, model, value, defined, poison) -> Sample:
    return Sample(dom.to_python(n.dtype, model, value),
                  z3.is_true(model.eval(defined, model_completion=True)),
                  z3.is_true(model.eval(poison, model_completion=True)))


def z3_meanings_solver(term: UOp, inputs: dict, dom) -> dict[UOp, Sample]:
    s = z3.Solver()
    env = {}
    for v, val in inputs.items():
        zv, c = dom.var(v.dtype, v.arg.name)
        s.add(c, zv == dom.const(v.dtype, val))
        env[v] = zv
    m = interpret([term], dom, env)  # may raise NotEncodable
    r = s.check()
    assert r == z3.sat, f"input constraints unsatisfiable ({r}): {describe_inputs(inputs)}"
    model = s.model()
    for v, val in inputs.items():
        back = dom.to_python(v.dtype, model, env[v])
        assert same_value(v.dtype, back, val), f"{dom.name}.to_python({v.arg.name}) = {back!r}, expected {val!r}"
    return {n: _read(dom, n, model, x.value, x.defined, x.poison) for n, x in m.items()}


def z3_meanings_subst(term: UOp, samples: list[dict], dom) -> list[dict[UOp, Sample]]:
    env = {v: dom.var(v.dtype, v.arg.name)[0] for v in term.vars()}
    m = interpret([term], dom, env)  # may raise NotEncodable
    out = []
    for sample in samples:
        sub = [(env[v], dom.const(v.dtype, sample[v])) for v in env]
        res = {}
        for n, x in m.items():
            fields = [z3.substitute(e, *sub) if sub else e for e in (x.value, x.defined, x.poison)]
            res[n] = _read(dom, n, EMPTY_MODEL, *fields)
        out.append(res)
    return out


def same_value(t, a, b) -> bool:
    t = t.scalar
    if t.is_bool:
        return bool(a) == bool(b)
    if t.is_float:
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return float_bits(t, fa) == float_bits(t, fb)
    return int(a) == int(b)


def show(t, v) -> str:
    if t.is_float:
        return f"{float(v)!r} (0x{float_bits(t, float(v)):0{t.bits // 4}x})"
    return repr(bool(v) if t.is_bool else int(v))


def describe_inputs(inputs: dict) -> str:
    return ", ".join(f"{v.arg.name}={show(v.dtype, x)}" for v, x in inputs.items()) or "(no inputs)"


def skip_reason(n: UOp, conc: dict[UOp, Sample]) -> tuple[str, str] | None:
    """(level, reason) when node n is not fully compared: level "value" compares defined and
    poison but not the value; level "all" compares nothing. Uses the concrete operands."""
    srcs = [conc[s] for s in n.src]
    if n.op in ("exp2", "log2") and n.dtype.is_float:
        return "value", "float exp2/log2 are uninterpreted in Z3"
    if n.op in ("is_pow2", "log2") and n.src[0].dtype.is_idx and abs(int(srcs[0].value)) >= IDX_POW2_LIMIT:
        return "all", "idx is_pow2/log2 only consider powers below 2**62 in Z3"
    return None


def compare_one(term: UOp, conc: dict[UOp, Sample], sym: dict[UOp, Sample], dom_name: str) -> tuple[list[str], int]:
    skipped: set[UOp] = set()
    problems, compared = [], 0
    for n in term.toposort():
        if any(s in skipped for s in n.src):
            skipped.add(n)
            continue
        why = skip_reason(n, conc)
        level = why[0] if why else None
        if level == "all":
            skipped.add(n)
            continue
        c, z = conc[n], sym[n]
        compared += 1
        where = f"{format_uop(n)} : {n.dtype} [{dom_name}]"
        if c.defined != z.defined:
            problems.append(f"{where}: defined: concrete={c.defined} z3={z.defined}")
        elif c.defined and c.poison != z.poison:
            problems.append(f"{where}: poison: concrete={c.poison} z3={z.poison}")
        elif level is None and c.defined and not c.poison and not same_value(n.dtype, c.value, z.value):
            problems.append(f"{where}: value: concrete={show(n.dtype, c.value)} z3={show(n.dtype, z.value)}")
        if level == "value":
            skipped.add(n)
    return problems, compared


def compare(term: UOp, samples: list[dict], dom, mode: str = "subst") -> tuple[list[str], int]:
    """All disagreements over all samples (each prefixed with its inputs), and how many
    node evaluations were compared."""
    conc = concrete_meanings(term, samples)
    if mode == "solver":
        syms = [z3_meanings_solver(term, s, dom) for s in samples]
    else:
        syms = z3_meanings_subst(term, samples, dom)
    problems, compared = [], 0
    for sample, c, z in zip(samples, conc, syms):
        p, k = compare_one(term, c, z, dom.name)
        compared += k
        problems += [f"{x}   <- inputs {describe_inputs(sample)}" for x in p]
    return problems, compared
