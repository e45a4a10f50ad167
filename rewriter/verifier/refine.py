"""Alive-style refinement: does a rule's right side refine its left side?

For all inputs satisfying the precondition (defined, not poison, true):
  1. where the source is defined, the target is defined            ("target has UB")
  2. where the source is defined and not poison, so is the target  ("target is poison")
  3. ... and the two values are equal                               ("values differ")
Floats compare structurally: -0.0 differs from +0.0, NaN equals NaN.

Inputs may be poison. A pattern variable matches any term, and a term may be poison (an
overflowing add.nsw, a shift past the width), so, as in Alive2 (Lopes et al., "Alive2:
Bounded Translation Validation for LLVM", PLDI 2021, section 3: every input is a value or
poison), each variable gets a free poison bit, fed into the interpreter's poison tracking.
One bit per variable, not per use: a variable used twice is one term, poison in both places
or in neither. Constant symbols (C, C1) match literal constants, which are never poison.

Preconditions speak of the inputs' values: `if x >= 0` means "x, where it is not poison, is
>= 0", which is what the engine's range analysis establishes before a rule fires (its
intervals describe the non-poison values of a term, ir/ranges.py). So the precondition is
evaluated over the inputs' values with every poison bit clear (it must be defined, not
poison from its own ops, and true), and the poison bits stay free: a rule with a
precondition on x is still checked at x = poison. Requiring instead that the precondition's
operands be non-poison would exclude exactly the poison inputs the rule may be wrong at: a
precondition on a variable would turn the poison check off for it.

`refinement_query` builds the negation of (1 and 2 and 3) in a Z3 domain: unsat is a proof.
`check_concrete` evaluates the same three properties on concrete samples; it confirms every Z3
counterexample (so a model that only exists because Z3 abstracts `exp2` is never reported as
a bug) and is the whole of the exhaustive strategy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import z3

from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret

FAILURES = ("target has UB", "target is poison", "values differ")


class _Poison:
    """The input value "poison" in a counterexample (`POISON`, a singleton)."""

    def __repr__(self):
        return "poison"

    def __reduce__(self):  # counterexamples cross process boundaries; stay the singleton
        return "POISON"


POISON = _Poison()


def may_be_poison(inst: RuleInstance, v) -> bool:
    """Whether input `v` of `inst` ranges over poison too: variables do, constants do not."""
    return v.arg.name not in inst.consts


@dataclass
class Query:
    formula: z3.BoolRef  # satisfiable iff the rule is wrong
    inputs: dict  # name -> (UOp, z3 value)
    domain: object
    poison: dict = field(default_factory=dict)  # name -> z3 Bool: that input is poison

    def read_model(self, m: z3.ModelRef) -> dict:
        """A model's inputs: name -> Python value, or POISON."""
        out = {}
        for k, (u, v) in self.inputs.items():
            p = self.poison.get(k)
            if p is not None and z3.is_true(m.eval(p, model_completion=True)):
                out[k] = POISON
            else:
                out[k] = self.domain.to_python(u.dtype, m, v)
        return out


def refinement_query(inst: RuleInstance, d, fixed: dict | None = None) -> Query:
    """The query whose models are the rule's counterexamples; `fixed` (name -> value) gives
    some inputs (constant symbols) a value up front, so the encoding sees constants there."""
    env, inputs, constraints, poison = {}, {}, [], {}
    for v in inst.inputs:
        if fixed and v.arg.name in fixed:
            val, c = d.const(v.dtype, fixed[v.arg.name]), d.true()
        else:
            val, c = d.var(v.dtype, v.arg.name)
        env[v] = val
        inputs[v.arg.name] = (v, val)
        if may_be_poison(inst, v):
            poison[v.arg.name] = z3.Bool(f"{v.arg.name}!poison", ctx=d.ctx)
        constraints.append(c)
        # Declared bounds (variables of `simplify --var a:idx=0..100`) are assumptions too.
        if v.arg.lo is not None:
            constraints.append(d.le(v.dtype, d.const(v.dtype, v.arg.lo), val))
        if v.arg.hi is not None:
            constraints.append(d.le(v.dtype, val, d.const(v.dtype, v.arg.hi)))
    pbits = {inputs[k][0]: b for k, b in poison.items()}
    m = interpret([inst.lhs, inst.rhs], d, env, pbits)
    src, tgt = m[inst.lhs], m[inst.rhs]
    assume = list(constraints)
    if inst.pre is not None:
        p = interpret([inst.pre], d, env)[inst.pre]  # over the values: see the module doc
        assume += [p.defined, z3.Not(p.poison), p.value]
    ok_src = z3.And(src.defined, z3.Not(src.poison))
    good = z3.And(
        z3.Implies(src.defined, tgt.defined),
        z3.Implies(ok_src, z3.Not(tgt.poison)),
        z3.Implies(ok_src, d.same(inst.lhs.dtype, src.value, tgt.value)),
    )
    return Query(z3.And(*assume, z3.Not(good)), inputs, d, poison)


@dataclass
class Evaluation:
    """Both sides evaluated on concrete samples (arrays), with the failing property per sample."""

    inputs: dict  # name -> array
    src: object
    tgt: object
    pre_ok: np.ndarray
    failure: np.ndarray  # index into FAILURES, or -1 where the rule holds


def _filler(t):
    """The value a poison input carries in the concrete domain: any value will do, since no
    semantics reads a poison operand's value (ir/ops.py: UB is never decided from it)."""
    return False if t.is_bool else 0.0 if t.is_float else 0


_is_poison = np.frompyfunc(lambda x: x is POISON, 1, 1)


def check_concrete(inst: RuleInstance, inputs: dict) -> Evaluation:
    """`inputs`: name -> list/array of Python values or POISON (one per sample)."""
    n = len(next(iter(inputs.values()))) if inputs else 1
    d = ConcreteDomain(n)
    env, poison = {}, {}
    for v in inst.inputs:
        col = np.array(inputs[v.arg.name], dtype=object)  # a copy: the fillers go into it
        mask = np.asarray(_is_poison(col), dtype=bool)
        if mask.any():
            col[mask] = _filler(v.dtype)
            poison[v] = mask
        env[v] = d.from_python(v.dtype, col)
    m = interpret([inst.lhs, inst.rhs], d, env, poison)
    src, tgt = m[inst.lhs], m[inst.rhs]
    pre_ok = d.true()
    if inst.pre is not None:
        p = interpret([inst.pre], d, env)[inst.pre]  # over the values, as refinement_query
        pre_ok = p.defined & ~p.poison & np.asarray(p.value, dtype=bool)
    src_ok = src.defined & ~src.poison
    fail = np.full(n, -1)
    mismatch = pre_ok & src_ok & ~d.same(inst.lhs.dtype, src.value, tgt.value)
    fail[mismatch] = 2
    fail[pre_ok & src_ok & tgt.poison] = 1
    fail[pre_ok & src.defined & ~tgt.defined] = 0
    return Evaluation({k: np.asarray(v, dtype=object) for k, v in inputs.items()}, src, tgt, pre_ok, fail)
