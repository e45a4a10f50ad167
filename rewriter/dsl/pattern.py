"""`Pattern`: the untyped expression tree of a rule side or precondition, as written.

A pattern is one of
  op     an operation (`op` is a table op name, or sugar: `gt`/`ge` for `>`/`>=` and
         `land`/`lor`/`lnot` for `&&`/`||`/`!`), with operands in `args`, poison `flags`
         and, for casts, the target `dtype`;
  var    a lowercase pattern variable: matches any term (twice = the same term);
  const  an uppercase constant symbol: matches constants only;
  lit    a literal (int, float or bool): matches that constant;
  index  a buffer element `name[args]` (kernels only: a load, or a store's target).
Locations are carried for error messages and excluded from equality, so a printed and
re-parsed rule compares equal to the original. Literals compare by type and repr, not by
`==`: a NaN literal equals itself, and -0.0 / 0.0 and true / 1 are different literals.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rewriter.errors import SourceLoc
from rewriter.ir.dtype import DType
from rewriter.ir.printer import BINARY, UNARY, UNARY_PREC, format_call, format_literal

#: Surface sugar: (op in patterns) -> (table op, swap operands?)
SUGAR = {"gt": ("lt", True), "ge": ("le", True), "land": ("and", False),
         "lor": ("or", False), "lnot": ("not", False)}


def _literal_key(value) -> tuple:
    """What identifies a literal: its type and repr. `==` would make nan != nan (a rule with a
    NaN literal would not equal itself) and 0.0 == -0.0, 1 == true (different constants: the
    UOp key tells them apart too)."""
    return (type(value).__name__, repr(value))


class _TypeParam(DType):
    """The rule's type parameter `T` (in `x:T`, `cast<T>(..)`, `MAX<T>`): the type checker
    instantiates the rule once per entry of its [..] list with T replaced by that type."""

    def __str__(self) -> str:
        return "T"

    __repr__ = __str__


TYPE_PARAM = _TypeParam("param")


@dataclass(frozen=True)
class Bound:
    """A named bound literal, MIN<i32> or MAX<T>: the type's smallest or largest value."""

    which: str  # "MIN" | "MAX"
    dtype: DType

    def __str__(self) -> str:
        return f"{self.which}<{self.dtype}>"

    def value_at(self, t: DType) -> int | None:
        """Its value with T meaning `t` (None: the type has no such bound, e.g. idx)."""
        d = t if self.dtype is TYPE_PARAM else self.dtype
        return d.min if self.which == "MIN" else d.max


@dataclass(frozen=True, eq=False)
class Pattern:
    kind: str  # "op" | "var" | "const" | "lit" | "index"
    op: str = ""
    args: tuple["Pattern", ...] = ()
    name: str = ""
    value: object = None
    dtype: DType | None = None  # annotation (x:i32) or cast target
    flags: tuple[str, ...] = ()
    loc: SourceLoc | None = field(default=None, compare=False, repr=False)

    def _key(self) -> tuple:
        return (self.kind, self.op, self.args, self.name, _literal_key(self.value), self.dtype,
                self.flags)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return self is other or self._key() == other._key()  # args compare recursively

    def __hash__(self) -> int:
        return hash(self._key())

    def walk(self):
        """Pre-order traversal."""
        yield self
        for a in self.args:
            yield from a.walk()

    def names(self) -> set[str]:
        return {p.name for p in self.walk() if p.kind in ("var", "const")}

    def __str__(self) -> str:
        return format_pattern(self)


# Printing ------------------------------------------------------------------------------
# The precedence table and literal spelling are the UOp printer's (`rewriter.ir.printer`):
# a rule and a term print the same way.
def format_pattern(p: Pattern, prec: int = 0) -> str:
    if p.kind in ("var", "const"):
        return p.name + (f":{p.dtype}" if p.dtype is not None else "")
    if p.kind == "index":  # a scalar buffer is read by its bare name
        return f"{p.name}[{', '.join(format_pattern(a) for a in p.args)}]" if p.args else p.name
    if p.kind == "lit" and isinstance(p.value, Bound):
        return str(p.value)
    if p.kind == "lit":
        text = format_literal(p.value)
        return f"({text})" if text.startswith("-") and prec > 0 else text
    if p.op in BINARY and not p.flags and len(p.args) == 2:
        sym, mine = BINARY[p.op]
        # Left-associative: the right operand needs parentheses at equal precedence.
        text = f"{format_pattern(p.args[0], mine)} {sym} {format_pattern(p.args[1], mine + 1)}"
        return f"({text})" if mine < prec else text
    # neg of a number literal prints as a call: `-1` and `-(1)` both parse back to the
    # literal -1 (the parser folds a minus into a number), which is a different pattern.
    if p.op in UNARY and not p.flags and len(p.args) == 1 and not (
            p.op == "neg" and p.args[0].kind == "lit" and not isinstance(p.args[0].value, bool)):
        text = UNARY[p.op] + format_pattern(p.args[0], UNARY_PREC)
        return f"({text})" if UNARY_PREC < prec else text
    return format_call(p.op, p.flags, p.dtype, [format_pattern(a) for a in p.args])

