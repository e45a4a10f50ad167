"""UOps as text, in the surface syntax of rules and kernels (`a + b * 2`, `cast<i32>(x)`,
`add.nsw(a, b)`, `sum(x[i, k], k)`), so a term prints the way a rule would write it.

The precedence table and literal spelling here are the one definition the DSL's pattern
printer (`rewriter.dsl.pattern.format_pattern`) uses too: a printed term parses back to the
same term. `leaf(u)` may return the text to print in place of a node (the lowered program
printer uses it for `vload`, `acc`, ...), printed as an atom.
"""
from __future__ import annotations

import math
from typing import Callable

#: infix op -> (symbol, precedence): higher binds tighter, matching the grammar. `gt`, `ge`,
#: `land` and `lor` are surface sugar of the DSL (patterns only).
BINARY = {
    "lor": ("||", 1), "land": ("&&", 2), "or": ("|", 3), "xor": ("^", 4), "and": ("&", 5),
    "eq": ("==", 6), "ne": ("!=", 6), "lt": ("<", 7), "le": ("<=", 7), "gt": (">", 7),
    "ge": (">=", 7), "shl": ("<<", 8), "shr": (">>", 8), "add": ("+", 9), "sub": ("-", 9),
    "mul": ("*", 10), "div": ("/", 10), "mod": ("%", 10),
}
UNARY = {"neg": "-", "not": "~", "lnot": "!"}
UNARY_PREC = 11


def format_literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    return str(value)


def format_call(op: str, flags, dtype, args: list[str]) -> str:
    """`op.flag<dtype>(a, b)`: the call form of an op."""
    callee = op + "".join("." + f for f in flags)
    if dtype is not None:
        callee += f"<{dtype}>"
    return f"{callee}({', '.join(args)})"


#: How deep `format_uop` recurses before it switches to its iterative walk: recursion is the
#: fast path for the small terms the rewrite engine prints (and sorts by) all the time, but a
#: term built by rewriting or by a program may be deeper than Python's recursion limit.
_RECURSION_BUDGET = 100


class _TooDeep(Exception):
    """The recursive printer ran out of its depth budget."""


def format_uop(u, leaf: Callable | None = None) -> str:
    """`u` in the surface syntax; `leaf(node)` may return the text of a node (an atom).
    Any depth: deep terms are printed by an explicit stack."""
    try:
        return _fmt(u, 0, leaf, _RECURSION_BUDGET)
    except _TooDeep:
        return _fmt_iterative(u, leaf)


def _fmt(u, prec: int, leaf, budget: int) -> str:
    """The recursive printer: `_render` spelled out with direct calls, which keeps the common
    case fast (a callback per operand cost 40% more); tests/test_limits.py checks the two agree."""
    if budget <= 0:
        raise _TooDeep
    budget -= 1
    if leaf is not None and (text := leaf(u)) is not None:
        return text
    if u.op == "var":
        return u.arg.name
    if u.op == "const":
        text = format_literal(u.arg)
        return f"({text})" if text.startswith("-") and prec > 0 else text
    if u.op == "load":
        return f"{u.arg}[{', '.join(_fmt(s, 0, leaf, budget) for s in u.src)}]" if u.src else u.arg
    if u.op == "reduce":
        kind, names = u.arg
        return format_call(kind, (), None, [_fmt(u.src[0], 0, leaf, budget), *names])
    flags = u.flags
    if u.op in BINARY and not flags and len(u.src) == 2:
        sym, mine = BINARY[u.op]
        text = f"{_fmt(u.src[0], mine, leaf, budget)} {sym} {_fmt(u.src[1], mine + 1, leaf, budget)}"
        return f"({text})" if mine < prec else text
    if u.op in UNARY and not flags and len(u.src) == 1 and not (
            u.op == "neg" and _is_number_literal(u.src[0], leaf)):
        text = UNARY[u.op] + _fmt(u.src[0], UNARY_PREC, leaf, budget)
        return f"({text})" if UNARY_PREC < prec else text
    dtype = u.dtype if u.op in ("cast", "bitcast") else None
    return format_call(u.op, flags, dtype, [_fmt(s, 0, leaf, budget) for s in u.src])


def _operands(u, leaf) -> list[tuple]:
    """(operand, precedence it is printed at) for each operand text `_render` asks for."""
    if u.op in ("var", "const"):
        return []
    if u.op == "reduce":
        return [(u.src[0], 0)]
    if u.op in BINARY and not u.flags and len(u.src) == 2:
        mine = BINARY[u.op][1]
        return [(u.src[0], mine), (u.src[1], mine + 1)]
    if u.op in UNARY and not u.flags and len(u.src) == 1 and not (
            u.op == "neg" and _is_number_literal(u.src[0], leaf)):
        return [(u.src[0], UNARY_PREC)]
    return [(s, 0) for s in u.src]


def _fmt_iterative(root, leaf) -> str:
    """`_fmt` with an explicit stack: each (node, precedence) printed once, operands first."""
    done: dict[tuple, str] = {}
    leaves: dict = {}
    stack = [(root, 0)]
    while stack:
        key = stack[-1]
        if key in done:
            stack.pop()
            continue
        node, prec = key
        if node not in leaves:
            leaves[node] = leaf(node) if leaf is not None else None
        if leaves[node] is not None:
            done[key] = leaves[node]
            stack.pop()
            continue
        missing = [k for k in _operands(node, leaf) if k not in done]
        if missing:
            stack.extend(reversed(missing))
            continue
        stack.pop()
        done[key] = _render(node, prec, leaf, lambda s, p: done[(s, p)])
    return done[(root, 0)]


def _render(u, prec: int, leaf, sub) -> str:
    """The text of `u` at precedence `prec`, `sub(operand, precedence)` giving an operand's
    (the operands and precedences are `_operands`')."""
    if u.op == "var":
        return u.arg.name
    if u.op == "const":
        text = format_literal(u.arg)
        return f"({text})" if text.startswith("-") and prec > 0 else text
    if u.op == "load":  # a scalar buffer is read by its bare name
        return f"{u.arg}[{', '.join(sub(s, 0) for s in u.src)}]" if u.src else u.arg
    if u.op == "reduce":
        kind, names = u.arg
        return format_call(kind, (), None, [sub(u.src[0], 0), *names])
    flags = u.flags
    if u.op in BINARY and not flags and len(u.src) == 2:
        sym, mine = BINARY[u.op]
        # Left-associative: the right operand needs parentheses at equal precedence.
        text = f"{sub(u.src[0], mine)} {sym} {sub(u.src[1], mine + 1)}"
        return f"({text})" if mine < prec else text
    # neg of a number literal prints as a call: `-1` and `-(1)` both parse back to the
    # literal -1 (the parser folds a minus into a number), which is a different term.
    if u.op in UNARY and not flags and len(u.src) == 1 and not (
            u.op == "neg" and _is_number_literal(u.src[0], leaf)):
        text = UNARY[u.op] + sub(u.src[0], UNARY_PREC)
        return f"({text})" if UNARY_PREC < prec else text
    dtype = u.dtype if u.op in ("cast", "bitcast") else None
    return format_call(u.op, flags, dtype, [sub(s, 0) for s in u.src])


def _is_number_literal(u, leaf) -> bool:
    return (u.op == "const" and not isinstance(u.arg, bool)
            and (leaf is None or leaf(u) is None))
