"""One interpreter for every domain: walks a UOp DAG applying the op table's semantics.

`interpret(roots, domain, env)` returns, for every node, a `Meaning`: its value, whether it is
defined (no undefined behaviour on the way) and whether it is poison. Run it in
`ConcreteDomain` and it is the reference evaluator; in `Z3BVDomain`/`Z3IntDomain` it is the
Z3 encoder. Poison propagates from operands to users (except through the unselected arm of a
`where`); undefined behaviour anywhere below a node makes the node undefined.

Vectors are evaluated lane by lane: a vector value is a tuple of lane values, and an
elementwise op applies its scalar semantics to each lane.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from rewriter.errors import EvalError
from rewriter.ir.ops import OPS, Effects
from rewriter.ir.uop import UOp


@dataclass
class Meaning:
    value: Any
    defined: Any
    poison: Any


def operand_type(node: UOp):
    """The dispatch type `T` of a node: its first non-bool operand's type for ops whose
    signature takes `T`, else the node's own type."""
    sig = OPS[node.op].sig
    for p, s in zip(sig.params, node.src):
        if p == "T":
            return s.dtype.scalar
    return node.dtype.scalar


def interpret(roots: list[UOp], d, env: Mapping[UOp, Any],
              poison: Mapping[UOp, Any] | None = None) -> dict[UOp, Meaning]:
    """Evaluate `roots` in domain `d`; `env` maps each `var` UOp to its domain value.
    `poison` maps a `var` to whether it is poison (a domain bool; absent: never poison): the
    verifier's inputs stand for arbitrary terms, which may themselves be poison."""
    out: dict[UOp, Meaning] = {}
    poison = poison or {}
    for root in roots:
        for node in root.toposort():
            if node not in out:
                out[node] = _eval_node(node, d, env, poison, out)
    return out


def _eval_node(node: UOp, d, env, poison, out) -> Meaning:
    if node.op == "var":
        if node not in env:
            raise EvalError(f"no value for input '{node.arg.name}'")
        return Meaning(env[node], d.true(), poison.get(node, d.false()))
    return apply_op(node, d, [out[s] for s in node.src])


def apply_op(node: UOp, d, srcs: list[Meaning]) -> Meaning:
    """The meaning of one node given its operands' meanings (constants need none)."""
    if node.op == "const":
        if node.dtype.lanes > 1:
            vals = node.arg if isinstance(node.arg, tuple) else (node.arg,) * node.dtype.lanes
            return Meaning(tuple(d.const(node.dtype.scalar, v) for v in vals), d.true(), d.false())
        return Meaning(d.const(node.dtype, node.arg), d.true(), d.false())
    opdef = OPS.get(node.op)
    if opdef is None:
        raise EvalError(f"op '{node.op}' has no semantics")
    t = operand_type(node)
    sem = opdef.semantics_for(t)
    if sem is None:
        raise EvalError(f"op '{node.op}' is not defined on {t}")
    lanes = node.dtype.lanes
    if lanes > 1 or any(s.dtype.lanes > 1 for s in node.src):
        return _eval_lanes(node, d, t, sem, srcs, max([lanes] + [s.dtype.lanes for s in node.src]))
    fx = Effects(d, d.true(), d.false(), tuple(s.poison for s in srcs))
    value = sem(d, fx, t, *[s.value for s in srcs], node)
    return Meaning(value, _all_defined(d, srcs, fx.defined), _poison(d, node, srcs, fx.poison_))


def _all_defined(d, srcs, own):
    defined = own
    for s in srcs:
        defined = d.band(defined, s.defined)
    return defined


def _poison(d, node, srcs, own):
    if OPS[node.op].select_poison:
        c, a, b = srcs
        return d.bor(own, d.bor(c.poison, d.ite(c.value, a.poison, b.poison)))
    poison = own
    for s in srcs:
        poison = d.bor(poison, s.poison)
    return poison


def _lane(m: Meaning, i: int, is_vec: bool):
    return m.value[i] if is_vec else m.value


def _eval_lanes(node, d, t, sem, srcs, lanes):
    """Elementwise lifting: lane i of the result is the scalar op on lane i of each operand.
    Poison and UB are tracked for the whole vector (any lane): a lane's check that asks whether
    an operand is poison sees the whole operand's poison; a `where` counts an arm's poison only
    where some lane selects that arm."""
    values, defined, poison = [], d.true(), d.false()
    vec = [s.dtype.lanes > 1 for s in node.src]
    scalar_node = node.replace(dtype=node.dtype.scalar)
    for i in range(lanes):
        fx = Effects(d, d.true(), d.false(), tuple(s.poison for s in srcs))
        values.append(sem(d, fx, t, *[_lane(m, i, v) for m, v in zip(srcs, vec)], scalar_node))
        defined = d.band(defined, fx.defined)
        poison = d.bor(poison, fx.poison_)
    if OPS[node.op].select_poison:
        return Meaning(tuple(values), _all_defined(d, srcs, defined), _select_poison_vec(d, srcs, vec, lanes, poison))
    return Meaning(tuple(values), _all_defined(d, srcs, defined), _poison_vec(d, srcs, poison))


def _poison_vec(d, srcs, own):
    for s in srcs:
        p = s.poison
        own = d.bor(own, p)
    return own


def _select_poison_vec(d, srcs, vec, lanes, own):
    """A vector `where`'s whole-vector poison: an arm's poison counts only if some lane
    selects it (`where(broadcast(c), a, b)` with c true is b-poison-free, as it is lane by
    lane). Still an over-approximation of "some lane is poison", as whole-vector tracking is."""
    c, a, b = srcs
    picks_a, picks_b = d.false(), d.false()
    for i in range(lanes):
        ci = _lane(c, i, vec[0])
        picks_a, picks_b = d.bor(picks_a, ci), d.bor(picks_b, d.bnot(ci))
    return d.bor(own, d.bor(c.poison, d.bor(d.band(picks_a, a.poison), d.band(picks_b, b.poison))))
