"""`UOp`: the one IR node type shared by the rule engine, the verifier and (later) the backends.

A UOp is immutable and hash-consed: constructing `UOp(op, dtype, src, arg)` twice with equal
fields returns the same object, so structural equality is identity (`is`), hashing is O(1),
and common subexpressions are shared for free. `arg` holds what is not an operand: a constant's
value, a variable's `Var` record, a cast's target type is the node's own dtype, and arithmetic
ops keep their poison flags (`nsw`, `nuw`, `exact`) there as a sorted tuple. What `arg` holds
is declared per op (`rewriter.ir.ops.OpDef.arg`), and `flags` reads it from there.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from rewriter.ir.dtype import DType
from rewriter.ir.ops import ARG_FLAGS, VOCAB
from rewriter.ir.printer import format_uop


@dataclass(frozen=True)
class Var:
    """A named input with optional inclusive bounds (used by the range analysis)."""

    name: str
    lo: int | None = None
    hi: int | None = None

    def __str__(self) -> str:
        return self.name


class UOp:
    __slots__ = ("op", "dtype", "src", "arg", "_hash", "__weakref__")
    _cache: "weakref.WeakValueDictionary[tuple, UOp]" = weakref.WeakValueDictionary()

    op: str
    dtype: DType
    src: tuple["UOp", ...]
    arg: Any

    def __new__(cls, op: str, dtype: DType, src: tuple["UOp", ...] = (), arg: Any = None):
        src = tuple(src)
        # Constants of different Python types (True vs 1, 0.0 vs -0.0) must stay distinct.
        key = (op, dtype, src, type(arg), _arg_key(arg))
        hit = cls._cache.get(key)
        if hit is not None:
            return hit
        self = object.__new__(cls)
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "dtype", dtype)
        object.__setattr__(self, "src", src)
        object.__setattr__(self, "arg", arg)
        object.__setattr__(self, "_hash", hash(key))
        cls._cache[key] = self
        return self

    def __setattr__(self, name, value):
        raise AttributeError("UOp is immutable")

    def __delattr__(self, name):
        # Deleting a slot would leave a broken node in the cache, shared by every holder.
        raise AttributeError("UOp is immutable")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return self is other

    def __reduce__(self):
        # Pickling rebuilds through __new__, so hash-consing survives process boundaries. The
        # term goes as a flat list in topological order (operands by index), not as nested
        # UOps: pickle recurses into nested objects, and terms can be thousands deep.
        order = self.toposort()
        index = {n: i for i, n in enumerate(order)}
        flat = tuple((n.op, n.dtype, tuple(index[s] for s in n.src), n.arg) for n in order)
        return (_unflatten, (flat,))

    # -- convenience ---------------------------------------------------------------------
    @property
    def flags(self) -> tuple[str, ...]:
        """The node's poison flags (`nsw`, `nuw`, `exact`): its arg, for an op whose declared
        arg is flags (`OpDef.arg`); () for every other op, whose arg is data (a constant's
        value, a buffer name, a reduction's kind and ranges, lane indices...)."""
        d = VOCAB.get(self.op)
        return self.arg if d is not None and d.arg == ARG_FLAGS and isinstance(self.arg, tuple) else ()

    def replace(self, **kw) -> "UOp":
        fields = {"op": self.op, "dtype": self.dtype, "src": self.src, "arg": self.arg}
        fields.update(kw)
        return UOp(**fields)

    def toposort(self) -> list["UOp"]:
        """Every node reachable from this one, operands before users (iterative: deep trees ok)."""
        order: list[UOp] = []
        seen: set[UOp] = set()
        stack: list[tuple[UOp, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((s, False) for s in reversed(node.src) if s not in seen)
        return order

    def substitute(self, mapping: dict) -> "UOp":
        """This term with every node that is a key of `mapping` replaced by its value
        (bottom-up, each shared subterm rebuilt once)."""
        if not mapping:
            return self
        memo: dict = {}
        for n in self.toposort():
            if n in mapping:
                memo[n] = mapping[n]
            elif n.src:
                memo[n] = n.replace(src=tuple(memo[s] for s in n.src))
            else:
                memo[n] = n
        return memo[self]

    def vars(self) -> list["UOp"]:
        return [n for n in self.toposort() if n.op == "var"]

    def depth(self) -> int:
        """The longest operand chain below this node (a leaf has depth 0); iterative."""
        d: dict[UOp, int] = {}
        for n in self.toposort():
            d[n] = 1 + max((d[s] for s in n.src), default=-1)
        return d[self]

    def __str__(self) -> str:
        """The term as the `.ir` and `.rules` languages write it (what messages and notes show
        a user); `repr` adds the type and marks it as a node."""
        if self.depth() > _REPR_DEPTH:
            return f"{self.op}(...) ({len(self.toposort())} nodes)"
        return format_uop(self)

    def __repr__(self) -> str:
        if self.depth() > _REPR_DEPTH:  # a repr stays readable: deep terms abridged
            return f"<UOp {self.op}(...) : {self.dtype}, {len(self.toposort())} nodes>"
        return f"<UOp {format_uop(self)} : {self.dtype}>"


_REPR_DEPTH = 200


def _unflatten(flat: tuple) -> UOp:
    """Rebuild a term pickled by `UOp.__reduce__`, bottom-up through the hash-consing cache."""
    built: list[UOp] = []
    for op, dtype, src, arg in flat:
        built.append(UOp(op, dtype, tuple(built[i] for i in src), arg))
    return built[-1]


def _arg_key(arg: Any) -> Any:
    # float -0.0 == 0.0 and NaN != NaN in Python; key floats by their repr instead. A tuple
    # (a vector constant's lanes, flags) is keyed lane by lane the same way, with each lane's
    # type, so (-0.0, 0.0) and (0.0, 0.0), or (True, 1) and (1, 1), stay distinct.
    if isinstance(arg, float):
        return repr(arg)
    if isinstance(arg, tuple):
        return tuple((type(a), _arg_key(a)) for a in arg)
    return arg


def const(dtype: DType, value) -> UOp:
    return UOp("const", dtype, (), value)


def var(dtype: DType, name: str, lo: int | None = None, hi: int | None = None) -> UOp:
    return UOp("var", dtype, (), Var(name, lo, hi))
