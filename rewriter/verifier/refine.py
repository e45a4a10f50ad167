"""Alive-style refinement: does a rule's right side refine its left side?

For all inputs satisfying the precondition (defined, not poison, true):
  1. where the source is defined, the target is defined            ("target has UB")
  2. where the source is defined and not poison, so is the target  ("target is poison")
  3. ... and the two values are equal                               ("values differ")
Floats compare structurally: -0.0 differs from +0.0, NaN equals NaN.

`refinement_query` builds the negation of (1 and 2 and 3) in a Z3 domain: unsat is a proof.
`check_concrete` evaluates the same three properties on concrete samples; it confirms every Z3
counterexample (so a model that only exists because Z3 abstracts `exp2` is never reported as
a bug) and is the whole of the exhaustive strategy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import z3

from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret

FAILURES = ("target has UB", "target is poison", "values differ")


@dataclass
class Query:
    formula: z3.BoolRef  # satisfiable iff the rule is wrong
    inputs: dict  # name -> (UOp, z3 value)
    domain: object


def refinement_query(inst: RuleInstance, d) -> Query:
    env, inputs, constraints = {}, {}, []
    for v in inst.inputs:
        val, c = d.var(v.dtype, v.arg.name)
        env[v] = val
        inputs[v.arg.name] = (v, val)
        constraints.append(c)
        # Declared bounds (variables of `simplify --var a:idx=0..100`) are assumptions too.
        if v.arg.lo is not None:
            constraints.append(d.le(v.dtype, d.const(v.dtype, v.arg.lo), val))
        if v.arg.hi is not None:
            constraints.append(d.le(v.dtype, val, d.const(v.dtype, v.arg.hi)))
    roots = [inst.lhs, inst.rhs] + ([inst.pre] if inst.pre is not None else [])
    m = interpret(roots, d, env)
    src, tgt = m[inst.lhs], m[inst.rhs]
    assume = list(constraints)
    if inst.pre is not None:
        p = m[inst.pre]
        assume += [p.defined, z3.Not(p.poison), p.value]
    ok_src = z3.And(src.defined, z3.Not(src.poison))
    good = z3.And(
        z3.Implies(src.defined, tgt.defined),
        z3.Implies(ok_src, z3.Not(tgt.poison)),
        z3.Implies(ok_src, d.same(inst.lhs.dtype, src.value, tgt.value)),
    )
    return Query(z3.And(*assume, z3.Not(good)), inputs, d)


@dataclass
class Evaluation:
    """Both sides evaluated on concrete samples (arrays), with the failing property per sample."""

    inputs: dict  # name -> array
    src: object
    tgt: object
    pre_ok: np.ndarray
    failure: np.ndarray  # index into FAILURES, or -1 where the rule holds


def check_concrete(inst: RuleInstance, inputs: dict) -> Evaluation:
    """`inputs`: name -> list/array of Python values (one per sample)."""
    n = len(next(iter(inputs.values()))) if inputs else 1
    d = ConcreteDomain(n)
    env = {v: d.from_python(v.dtype, inputs[v.arg.name]) for v in inst.inputs}
    roots = [inst.lhs, inst.rhs] + ([inst.pre] if inst.pre is not None else [])
    m = interpret(roots, d, env)
    src, tgt = m[inst.lhs], m[inst.rhs]
    pre_ok = d.true()
    if inst.pre is not None:
        p = m[inst.pre]
        pre_ok = p.defined & ~p.poison & np.asarray(p.value, dtype=bool)
    src_ok = src.defined & ~src.poison
    fail = np.full(n, -1)
    mismatch = pre_ok & src_ok & ~d.same(inst.lhs.dtype, src.value, tgt.value)
    fail[mismatch] = 2
    fail[pre_ok & src_ok & tgt.poison] = 1
    fail[pre_ok & src.defined & ~tgt.defined] = 0
    return Evaluation({k: np.asarray(v, dtype=object) for k, v in inputs.items()}, src, tgt, pre_ok, fail)
