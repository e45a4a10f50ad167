"""Parse `.rules` text (and standalone expressions) into `Pattern`s and `RuleDecl`s.

Lark does the syntax (LALR, contextual lexer); this module turns lark's tree into patterns with
source locations and turns lark's exceptions into `SourceError`s with `file:line:col`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import lark

from rewriter.dsl.pattern import TYPE_PARAM, Bound, Pattern
from rewriter.errors import RewriterError, SourceError, SourceLoc
from rewriter.ir.dtype import DType, parse_dtype
from rewriter.ir.ops import OPS
from rewriter.limits import Limits, limit_name

_GRAMMAR = Path(__file__).with_name("grammar.lark")

# DSL operator -> pattern op (sugar ops are resolved by the type checker).
_BINOPS = {
    "||": "lor", "&&": "land", "|": "or", "^": "xor", "&": "and", "==": "eq", "!=": "ne",
    "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "<<": "shl", ">>": "shr", "+": "add",
    "-": "sub", "*": "mul", "/": "div", "%": "mod",
}
_UNOPS = {"-": "neg", "~": "not", "!": "lnot"}

# Human names for lark's terminals in "expected ..." messages.
_TERMINAL_TEXT = {
    "ARROW": "'=>'", "RULE_NAME": "a rule name", "TYPE_NAME": "a type", "VAR_NAME": "a variable",
    "CONST_NAME": "a constant", "INT": "an integer", "FLOAT": "a float", "LPAR": "'('",
    "RPAR": "')'", "COLON": "':'", "COMMA": "','", "LSQB": "'['", "RSQB": "']'", "RULE": "'rule'",
    "IF": "'if'", "SCOPE": "'scope'", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "PERCENT": "'%'", "DOTTED_NAME": "an op",
    "GENERIC_NAME": "a cast", "BOUND": "a bound (MIN<i32>)", "TYPE_PARAM": "the type parameter T",
    "STRING": "a string", "FROM": "'from'", "$END": "end of input", "TRUE": "'true'", "FALSE": "'false'",
    "LT": "'<'", "LE": "'<='", "GT": "'>'", "GE": "'>='", "EQ": "'=='", "NE": "'!='",
    "SHL": "'<<'", "SHR": "'>>'", "TILDE": "'~'",
    "BANG": "'!'", "BAR": "'|'", "AMP": "'&'", "CARET": "'^'", "OROR": "'||'", "ANDAND": "'&&'",
}


@dataclass(frozen=True)
class RuleDecl:
    """A rule as written, before type checking."""

    name: str
    lhs: Pattern
    rhs: Pattern
    pre: Pattern | None
    types: tuple[DType, ...] | None
    loc: SourceLoc = field(compare=False)
    doc: str = field(default="", compare=False)
    # Where each entry of `types` is written, so an error about one type points at it.
    type_locs: tuple[SourceLoc, ...] | None = field(default=None, compare=False)
    # Where the rule comes from (`from "InstCombine: InstCombineAddSub.cpp"`), "" if unsaid.
    source: str = field(default="", compare=False)
    # The [..] list as written (a class name like `signed` stays one entry), for printing.
    type_names: tuple[str, ...] | None = field(default=None, compare=False)


# Named type classes for [..] lists: `rule r [signed, idx]` is `[i8, i16, i32, i64, idx]`.
TYPE_CLASSES = {
    "signed": ("i8", "i16", "i32", "i64"),
    "unsigned": ("u8", "u16", "u32", "u64"),
    "ints": ("i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"),
    "floats": ("f16", "f32", "f64"),
}


@functools.lru_cache(maxsize=None)
def _parser(start: str) -> lark.Lark:
    return lark.Lark(_GRAMMAR.read_text(), parser="lalr", start=start, propagate_positions=True,
                     maybe_placeholders=False)


@dataclass(frozen=True)
class RuleFile:
    """A parsed `.rules` file: its declared scope (`scope NAME`; None when the file does not
    declare one, which means portable) and its rules in file order."""

    scope: str | None
    scope_loc: SourceLoc | None
    rules: list[RuleDecl]


def parse_rule_file(text: str, filename: str = "<string>", limits: Limits = Limits()) -> RuleFile:
    """Parse a whole `.rules` file, its scope declaration included; `limits` bounds nesting,
    literals and names (rewriter.limits)."""
    tree = _parse(text, filename, "start", limits)
    builder = _Builder(filename, text, limits)
    comments = _comment_lines(text)
    scope, scope_loc, rules = None, None, []
    for node in tree.children:
        if node.data == "scope_decl":
            tok = node.children[0]
            scope, scope_loc = str(tok), builder.loc(tok)
            continue
        rules.append(_with_doc(builder.rule(node), comments))
    return RuleFile(scope, scope_loc, rules)


def parse_rules(text: str, filename: str = "<string>", limits: Limits = Limits()) -> list[RuleDecl]:
    """Parse a whole `.rules` file: its rules (the scope declaration: `parse_rule_file`)."""
    return parse_rule_file(text, filename, limits).rules


def parse_expr(text: str, filename: str = "<expr>", limits: Limits = Limits()) -> Pattern:
    """Parse a standalone expression (as used by `rewriter simplify`)."""
    _parser_expr = _parse(text, filename, "expr", limits)
    return _Builder(filename, text, limits).expr(_parser_expr)


def _parse(text: str, filename: str, start: str, limits: Limits = Limits()) -> lark.Tree:
    """Lark's tree of `text`, checked against `limits` (depth, names) before anything walks
    it recursively."""
    tree = _lark_parse(text, filename, start)
    _check_tree(tree, filename, text, limits)
    return tree


#: Tree nodes that are structure around expressions, not a level of one.
_STRUCTURE = frozenset({"start", "kernel_file", "kernel_def", "rule_def", "scope_decl", "type_list",
                        "precondition", "param", "shape", "define", "store", "annotation", "callee"})
#: Tokens that are names (what `max_name_length` bounds).
_NAMES = frozenset({"RULE_NAME", "VAR_NAME", "CONST_NAME", "DOTTED_NAME", "GENERIC_NAME"})


def _check_tree(tree: lark.Tree, filename: str, text: str, limits: Limits) -> None:
    """Expression nesting within `limits.max_depth` and names within `max_name_length`.
    Iterative: this is what keeps the recursive builder, the type checker and every later
    pass (rewriting, lowering, the printers) from running out of Python stack. Lark's LALR
    parser itself has no recursion, so any depth arrives here."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, lark.Token):
            if node.type in _NAMES and len(node) > limits.max_name_length:
                raise SourceError(f"a name of {len(node)} characters exceeds the limit of "
                                  f"{limits.max_name_length} ({limit_name('max_name_length')})",
                                  SourceLoc(filename, node.line, node.column), text)
            continue
        if node is None:
            continue
        if node.data not in _STRUCTURE:
            depth += 1
            if depth > limits.max_depth:
                line, col = _first_position(node)
                raise SourceError(f"expression nested deeper than {limits.max_depth} levels (each "
                                  f"operator of a chain such as a + b + c is a level; the limit is "
                                  f"{limit_name('max_depth')})", SourceLoc(filename, line, col), text)
        stack.extend((c, depth) for c in reversed(node.children))  # source order: the first offender


def _first_position(node: lark.Tree) -> tuple[int, int]:
    """(line, col) where a tree starts: its meta, or its first token."""
    meta = node.meta
    if not getattr(meta, "empty", True):
        return meta.line, meta.column
    while isinstance(node, lark.Tree):
        node = next((c for c in node.children if c is not None), None)
    return (node.line, node.column) if node is not None else (1, 1)


def _lark_parse(text: str, filename: str, start: str) -> lark.Tree:
    try:
        return _parser(start).parse(text)
    except lark.exceptions.UnexpectedCharacters as e:
        raise SourceError(f"unexpected character {text[e.pos_in_stream]!r}",
                          SourceLoc(filename, e.line, e.column), text) from None
    except lark.exceptions.UnexpectedToken as e:
        tok = e.token
        got = "end of input" if tok.type == "$END" else repr(str(tok))
        expected = sorted({_TERMINAL_TEXT.get(t, t) for t in e.expected})
        msg = f"unexpected {got}"
        if tok.type == "SCOPE":
            msg += ": a file declares its scope once, before its first rule"
        elif expected and len(expected) <= 6:
            msg += f", expected {' or '.join(expected)}"
        if tok.type == "$END":
            # lark's $END borrows the position of the last token, which is not where anything
            # is missing: point just past that token instead (the end of the input, less
            # trailing blanks and comments, so the excerpt is the line that is unfinished).
            line, col = _end_of_input(tok, text)
        else:
            line = tok.line if tok.line is not None else text.count("\n") + 1
            col = tok.column if tok.column is not None else 1
        raise SourceError(msg, SourceLoc(filename, line, col), text) from None
    except lark.exceptions.UnexpectedEOF:
        line, col = _end_of_input(None, text)
        raise SourceError("unexpected end of input", SourceLoc(filename, line, col), text) from None


def _end_of_input(tok, text: str) -> tuple[int, int]:
    """(line, col) just past the last token (`tok`, lark's $END, carries its end position
    when there is one), or else just past the last non-blank character of `text`."""
    if tok is not None and getattr(tok, "end_line", None) is not None and tok.end_column is not None:
        return tok.end_line, tok.end_column
    body = text.rstrip()
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _comment_lines(text: str) -> dict[int, str]:
    out = {}
    for i, line in enumerate(text.split("\n"), 1):  # "\n" only: lines as lark counts them
        s = line.strip()
        if s.startswith("#"):
            out[i] = s[1:].strip()
    return out


def _with_doc(decl: RuleDecl, comments: dict[int, str]) -> RuleDecl:
    """Attach the comment lines directly above a rule (no blank line between) as its doc."""
    lines, n = [], decl.loc.line - 1
    while n in comments:
        lines.append(comments[n])
        n -= 1
    doc = " ".join(reversed(lines)).strip()
    return replace(decl, doc=doc)


class _Builder:
    def __init__(self, filename: str, text: str, limits: Limits = Limits()):
        self.filename = filename
        self.text = text
        self.limits = limits

    def loc(self, tok) -> SourceLoc:
        return SourceLoc(self.filename, tok.line, tok.column)

    def dtype(self, tok) -> DType:
        if str(tok) == "T":
            return TYPE_PARAM
        try:
            return parse_dtype(str(tok))
        except RewriterError as e:
            raise SourceError(str(e), self.loc(tok), self.text) from None

    def rule(self, node: lark.Tree) -> RuleDecl:
        kids = list(node.children)
        name_tok = kids.pop(0)
        types, type_locs, names = None, None, None
        if isinstance(kids[0], lark.Tree) and kids[0].data == "type_list":
            tl = kids.pop(0)
            types, type_locs = [], []
            for t in tl.children:  # a class name stands for its types, each at the name
                for name in TYPE_CLASSES.get(str(t), (t,)):
                    types.append(self.dtype(t if name is t else _SubToken(t, name, 0)))
                    type_locs.append(self.loc(t))
            types, type_locs = tuple(types), tuple(type_locs)
            names = tuple(str(t) for t in tl.children)
        lhs = self.expr(kids.pop(0))
        kids.pop(0)  # ARROW
        rhs = self.expr(kids.pop(0))
        pre = source = None
        for k in kids:
            if k.data == "precondition":
                pre = self.expr(k.children[0])
            else:  # provenance: the string without its quotes
                source = str(k.children[0])[1:-1]
        return RuleDecl(str(name_tok), lhs, rhs, pre, types, self.loc(name_tok), "", type_locs,
                        source or "", names)

    def expr(self, node) -> Pattern:
        if isinstance(node, lark.Token):  # a bare terminal (should not happen: atoms are trees)
            raise SourceError(f"unexpected {node!s}", self.loc(node), self.text)
        return getattr(self, "_" + node.data)(node)

    def _binop(self, node):
        a, op, b = node.children
        return Pattern("op", _BINOPS[str(op)], (self.expr(a), self.expr(b)), loc=self.loc(op))

    def _unop(self, node):
        op, a = node.children
        inner = self.expr(a)
        if str(op) == "-" and inner.kind == "lit" and not isinstance(inner.value, bool):
            return Pattern("lit", value=-inner.value, loc=self.loc(op))
        return Pattern("op", _UNOPS[str(op)], (inner,), loc=self.loc(op))

    def _int_lit(self, node):
        tok = node.children[0]
        return Pattern("lit", value=self.int_value(tok), loc=self.loc(tok))

    def int_value(self, tok) -> int:
        """An INT token's value: decimal without a leading zero (C would read `010` as octal,
        Python refuses it: neither is guessed), or hex; at most `max_literal_bits` bits,
        checked on the digits before converting (Python converts at most 4300 digits)."""
        text = str(tok)
        hexa = text[:2].lower() == "0x"
        if not hexa and len(text) > 1 and text[0] == "0":
            raise SourceError(f"integer literal '{text}' has a leading zero (write "
                              f"{text.lstrip('0') or '0'}; there are no octal literals)", self.loc(tok), self.text)
        digits = (text[2:] if hexa else text).lstrip("0")
        # A bound on the bits from the digit count: 4 per hex digit, log2(10) < 3.33 per decimal.
        too_many = len(digits) * 4 > self.limits.max_literal_bits + 4 if hexa else \
            len(digits) * 3 > self.limits.max_literal_bits + 3
        try:
            value = None if too_many else int(text, 0)
        except ValueError:  # over Python's digit limit (a `max_literal_bits` raised that far)
            value = None
        if value is None or value.bit_length() > self.limits.max_literal_bits:
            raise SourceError(f"integer literal of {len(digits)} {'hex ' if hexa else ''}digits exceeds the limit "
                              f"of {self.limits.max_literal_bits} bits ({limit_name('max_literal_bits')})",
                              self.loc(tok), self.text)
        return value

    def _float_lit(self, node):
        tok = node.children[0]
        return Pattern("lit", value=float(str(tok)), loc=self.loc(tok))

    def _bool_lit(self, node):
        tok = node.children[0]
        return Pattern("lit", value=str(tok) == "true", loc=self.loc(tok))

    def _annot(self, node):
        return self.dtype(node.children[1].children[0]) if len(node.children) > 1 else None

    def _bound_lit(self, node):
        tok = node.children[0]
        m = re.fullmatch(r"(MIN|MAX)<(.+)>", str(tok))
        t = self.dtype(_SubToken(tok, m.group(2), 4))
        if t is not TYPE_PARAM and (not t.is_int):
            raise SourceError(f"{m.group(1)}<{t}>: only fixed-width integer types have bounds",
                              self.loc(tok), self.text)
        return Pattern("lit", value=Bound(m.group(1), t), loc=self.loc(tok))

    def _var(self, node):
        tok = node.children[0]
        return Pattern("var", name=str(tok), dtype=self._annot(node), loc=self.loc(tok))

    def _cname(self, node):
        tok = node.children[0]
        return Pattern("const", name=str(tok), dtype=self._annot(node), loc=self.loc(tok))

    def _index(self, node):
        tok = node.children[0]
        args = tuple(self.expr(a) for a in node.children[1:])
        return Pattern("index", name=str(tok), args=args, loc=self.loc(tok))

    def _call(self, node):
        callee = node.children[0].children[0]
        args = tuple(self.expr(a) for a in node.children[1:] if a is not None)
        text = str(callee)
        dtype = None
        m = re.fullmatch(r"(\w+)<(.+)>", text)
        if m:
            text = m.group(1)
            dtype = self.dtype(_SubToken(callee, m.group(2), len(m.group(1)) + 1))
        name, flags = _split_flags(text)
        return Pattern("op", name, args, dtype=dtype, flags=tuple(flags), loc=self.loc(callee))


def _split_flags(text: str) -> tuple[str, tuple[str, ...]]:
    """`add.nsw` is op `add` with flag `nsw`, but a dotted name that is itself a table op
    (`hvx.vrmpy_bb`, a target instruction) is that op: the longest dotted prefix that names
    a table op is the op, the rest are flags."""
    parts = text.split(".")
    for n in range(len(parts), 1, -1):
        if ".".join(parts[:n]) in OPS:
            return ".".join(parts[:n]), tuple(parts[n:])
    return parts[0], tuple(parts[1:])


class _SubToken(str):
    """Part of a token, with its own position (for errors inside `cast<...>`)."""

    def __new__(cls, tok, text, offset):
        s = super().__new__(cls, text)
        s.line, s.column = tok.line, tok.column + offset
        return s
