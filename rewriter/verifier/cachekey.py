"""The proof cache's key: everything a verdict depends on, for one rule instance.

A key hashes `key_parts`: the key format, Z3's version, the verifier's settings (`settings`),
the source of every module that defines what the instance means, and the typed instance
itself (both sides, precondition, input types). Editing one rule re-verifies only that rule;
changing an op's semantics re-verifies the rules that use the op; changing a domain, the
interpreter or the verifier re-verifies everything.

The modules that define meaning are derived from the op table, not listed by hand: each op
the instance uses contributes the modules its semantics, range transfer, `undefined_if` and
check functions are defined in. A target's op module (`backends/hexagon/ops.py` for `hvx.*`)
is found through its registrations, so moving or adding one needs no edit here. What no
registration names is listed in `BASE_MODULES`: the domains the semantics run in, the
interpreter, the op table's module, typing, and the verifier's query and portfolio.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import types
from typing import Callable, Iterable

import z3

import rewriter.dsl.typecheck as typecheck
import rewriter.ir.concrete as concrete
import rewriter.ir.dtype as dtype
import rewriter.ir.interp as interp
import rewriter.ir.ops as ops
import rewriter.ir.smt as smt
import rewriter.ir.structural as structural
import rewriter.verifier.refine as refine
import rewriter.verifier.strategies as strategies
from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.ops import OpDef, op_info
from rewriter.ir.uop import UOp

#: Bump when the key's composition or the stored verdict's shape changes.
KEY_FORMAT = 3

#: Meaning that no op registration names: the primitives' domains (numpy, Z3 bitvectors and
#: Ints), the interpreter, the op table's modules (flags, type classes; the structural ops),
#: typing (rule instantiation) and the verifier (refinement query, strategy portfolio).
BASE_MODULES: tuple[types.ModuleType, ...] = (ops, structural, concrete, smt, interp, dtype, typecheck, refine,
                                               strategies)


def settings(timeout_s: float) -> dict:
    """The verifier settings a verdict depends on (a proof found within 30 s is not one
    found within 5 s: an "unknown" is not cached, but a strategy's choice is). Add a setting
    here (a Z3 rlimit, a seed) and every key that depends on it changes."""
    return {"timeout_s": float(timeout_s)}  # 30 and 30.0 are one setting


def typed_text(u: UOp | None) -> str:
    """A fully typed serialization of a term: every node's op, dtype, flags/arg (with its
    Python type: 1 vs True vs 1.0, -0.0 vs 0.0) and operands by index, in topological order.
    Unlike format_uop, which prints terms as rules are written (the types of nullary ops,
    constants and most nodes left implicit), two different terms never give the same text."""
    if u is None:
        return ""
    order = u.toposort()
    index = {n: i for i, n in enumerate(order)}
    return ";".join(f"{n.op}:{n.dtype}:{type(n.arg).__name__}:{n.arg!r}:{[index[s] for s in n.src]}"
                    for n in order)


def _defining_module(fn: Callable) -> types.ModuleType | None:
    """Where a semantics callable is defined: through functools.partial, and for a callable
    object, its class's module."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return inspect.getmodule(fn) or inspect.getmodule(type(fn))


def op_modules(d: OpDef) -> set[types.ModuleType]:
    """The modules that define op `d`'s meaning: its semantics per type class, its range
    transfer, where it may be undefined, its structural check; and where it is declared."""
    fns = [*d.sem.values(), d.range, d.undefined_if, d.check]
    mods = {_defining_module(f) for f in fns if f is not None}
    return {m for m in mods if m is not None}


def instance_ops(inst: RuleInstance) -> set[str]:
    return {n.op for side in (inst.lhs, inst.rhs, inst.pre) if side is not None for n in side.toposort()}


class KeyMaker:
    """Keys for one run. Reads each module's source once per run, not once per instance
    (a run sees one version of the code)."""

    def __init__(self, settings: dict, extra_modules: Iterable[types.ModuleType] = ()):
        self.settings = json.dumps(settings, sort_keys=True)
        self.extra = tuple(extra_modules)
        self._digests: dict[str, str] = {}

    def meaning_modules(self, inst: RuleInstance) -> list[types.ModuleType]:
        mods = set(BASE_MODULES) | set(self.extra)
        for name in sorted(instance_ops(inst)):
            d = op_info(name)
            if d is not None:  # an undeclared op does not type-check; nothing to add
                mods |= op_modules(d)
        return sorted(mods, key=lambda m: m.__name__)

    def module_digest(self, mod: types.ModuleType) -> str:
        if mod.__name__ not in self._digests:
            h = hashlib.sha256(mod.__name__.encode())
            path = getattr(mod, "__file__", None)
            if path:  # a built-in module has no source: its name (and Python's version) stands for it
                with open(path, "rb") as f:
                    h.update(f.read())
            self._digests[mod.__name__] = h.hexdigest()
        return self._digests[mod.__name__]

    def parts(self, inst: RuleInstance) -> list[str]:
        """Everything the verdict of `inst` depends on, one string per part."""
        meaning = hashlib.sha256("".join(self.module_digest(m) for m in self.meaning_modules(inst)).encode())
        types_ = ",".join(f"{k}:{v}" for k, v in sorted(inst.var_types.items()))
        return [str(KEY_FORMAT), f"z3 {z3.get_version_string()}", self.settings, meaning.hexdigest(),
                str(inst.dtype), types_, typed_text(inst.lhs), typed_text(inst.rhs), typed_text(inst.pre)]

    def key(self, inst: RuleInstance) -> str:
        # JSON keeps the parts apart: no part's text can run into the next one's.
        return hashlib.sha256(json.dumps(self.parts(inst)).encode()).hexdigest()
