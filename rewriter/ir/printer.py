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


def format_uop(u, leaf: Callable | None = None) -> str:
    """`u` in the surface syntax; `leaf(node)` may return the text of a node (an atom)."""
    return _fmt(u, 0, leaf)


def _fmt(u, prec: int, leaf) -> str:
    if leaf is not None and (text := leaf(u)) is not None:
        return text
    if u.op == "var":
        return u.arg.name
    if u.op == "const":
        text = format_literal(u.arg)
        return f"({text})" if text.startswith("-") and prec > 0 else text
    if u.op == "load":  # a scalar buffer is read by its bare name
        return f"{u.arg}[{', '.join(_fmt(s, 0, leaf) for s in u.src)}]" if u.src else u.arg
    if u.op == "reduce":
        kind, names = u.arg
        return format_call(kind, (), None, [_fmt(u.src[0], 0, leaf), *names])
    flags = u.flags
    if u.op in BINARY and not flags and len(u.src) == 2:
        sym, mine = BINARY[u.op]
        # Left-associative: the right operand needs parentheses at equal precedence.
        text = f"{_fmt(u.src[0], mine, leaf)} {sym} {_fmt(u.src[1], mine + 1, leaf)}"
        return f"({text})" if mine < prec else text
    # neg of a number literal prints as a call: `-1` and `-(1)` both parse back to the
    # literal -1 (the parser folds a minus into a number), which is a different term.
    if u.op in UNARY and not flags and len(u.src) == 1 and not (
            u.op == "neg" and _is_number_literal(u.src[0], leaf)):
        text = UNARY[u.op] + _fmt(u.src[0], UNARY_PREC, leaf)
        return f"({text})" if UNARY_PREC < prec else text
    dtype = u.dtype if u.op in ("cast", "bitcast") else None
    return format_call(u.op, flags, dtype, [_fmt(s, 0, leaf) for s in u.src])


def _is_number_literal(u, leaf) -> bool:
    return (u.op == "const" and not isinstance(u.arg, bool)
            and (leaf is None or leaf(u) is None))
