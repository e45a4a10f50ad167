"""One interpreter for every domain: walks a UOp DAG applying the op table's semantics.

`interpret(roots, domain, env)` returns, for every node, a `Meaning`: its value, whether it is
defined (no undefined behaviour on the way) and whether it is poison. Run it in
`ConcreteDomain` and it is the reference evaluator; in `Z3BVDomain`/`Z3IntDomain` it is the
Z3 encoder. Poison propagates from operands to users (except through the unselected arm of a
`where`); undefined behaviour anywhere below a node makes the node undefined, except in the
unselected arm of a `where`, which guards it as C's `?:` does (`where(b != 0, a / b, 0)` is
defined at b = 0). A poison condition selects nothing reliably, so it needs both arms defined.

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
    # A vector's definedness lane by lane, where known (None: `defined` for every lane). A
    # `where` on vectors needs it: lanes selecting the other arm must not count an arm's UB.
    lanes_defined: tuple | None = None


def lane_defined(m: Meaning, i: int, is_vec: bool):
    """Whether lane i of `m` is defined (a scalar operand's definedness for every lane)."""
    return m.lanes_defined[i] if is_vec and m.lanes_defined is not None else m.defined


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
    if OPS[node.op].select_poison:
        return Meaning(value, _select_defined(d, srcs, srcs[0].value, d.bnot(srcs[0].value), fx.defined),
                       _poison(d, node, srcs, fx.poison_))
    return Meaning(value, _all_defined(d, srcs, fx.defined), _poison(d, node, srcs, fx.poison_))


def _select_defined(d, srcs, picks_a, picks_b, own):
    """A `where`'s definedness: its condition's, and each arm's only where it is selected (C's
    `?:`). A poison condition's value is garbage that differs between domains, so no
    definedness is decided from it: then both arms must be defined."""
    c, a, b = srcs
    need_a = d.bor(c.poison, picks_a)
    need_b = d.bor(c.poison, picks_b)
    arms = d.band(d.bor(d.bnot(need_a), a.defined), d.bor(d.bnot(need_b), b.defined))
    return d.band(own, d.band(c.defined, arms))


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
    UB is tracked lane by lane (`lanes_defined`; `defined` is every lane's), so a `where`
    counts an arm's UB only in the lanes selecting it. Poison is tracked for the whole vector
    (any lane): a lane's check that asks whether an operand is poison sees the whole operand's
    poison; a `where` counts an arm's poison only where some lane selects that arm."""
    values, defined, poison, lane_defs = [], d.true(), d.false(), []
    vec = [s.dtype.lanes > 1 for s in node.src]
    scalar_node = node.replace(dtype=node.dtype.scalar)
    select = OPS[node.op].select_poison
    for i in range(lanes):
        fx = Effects(d, d.true(), d.false(), tuple(s.poison for s in srcs))
        values.append(sem(d, fx, t, *[_lane(m, i, v) for m, v in zip(srcs, vec)], scalar_node))
        ops = [Meaning(None, lane_defined(m, i, v), m.poison) for m, v in zip(srcs, vec)]
        if select:  # C's ?: lane by lane: this lane's arm only
            ci = _lane(srcs[0], i, vec[0])
            lane_def = _select_defined(d, ops, ci, d.bnot(ci), fx.defined)
        else:
            lane_def = _all_defined(d, ops, fx.defined)
        lane_defs.append(lane_def)
        defined = d.band(defined, lane_def)
        poison = d.bor(poison, fx.poison_)
    if select:
        return Meaning(tuple(values), defined, _select_poison_vec(d, srcs, vec, lanes, poison), tuple(lane_defs))
    return Meaning(tuple(values), defined, _poison_vec(d, srcs, poison), tuple(lane_defs))


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
    picks_a, picks_b = _picks(d, c, vec[0], lanes)
    return d.bor(own, d.bor(c.poison, d.bor(d.band(picks_a, a.poison), d.band(picks_b, b.poison))))


def _picks(d, c: Meaning, is_vec: bool, lanes: int):
    """Whether some lane of a `where` selects its first arm, and whether some lane selects the
    second (whole-vector tracking, as for poison)."""
    picks_a, picks_b = d.false(), d.false()
    for i in range(lanes):
        ci = _lane(c, i, is_vec)
        picks_a, picks_b = d.bor(picks_a, ci), d.bor(picks_b, d.bnot(ci))
    return picks_a, picks_b
