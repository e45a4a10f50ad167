"""Typed errors. Library code raises these; only the CLI prints them and picks an exit code.

Every error that points into user text carries a `SourceLoc`, so the CLI can print
`file:line:col: message` followed by the offending line and a caret under the column.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLoc:
    """A position in user-written text (1-based line and column)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class RewriterError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2


class SourceError(RewriterError):
    """An error in user input (a `.rules` file, an expression, a command-line value).

    `text` is the full source the location points into, kept so the caret excerpt can be
    rendered without re-reading the file (which may be stdin or a command-line string).
    """

    def __init__(self, message: str, loc: SourceLoc | None = None, text: str | None = None):
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.text = text

    def render(self) -> str:
        """`file:line:col: message`, then the source line and a caret, when known."""
        if self.loc is None:
            return f"error: {self.message}"
        head = f"{self.loc}: {self.message}"
        if not self.text:
            return head
        # Lines as lark counts them: only "\n" ends a line. str.splitlines() also splits on
        # form feed, \x1c-\x1e, \x85 and U+2028/2029, and would pick the wrong line.
        lines = self.text.split("\n")
        if not 1 <= self.loc.line <= len(lines):
            return head
        line = lines[self.loc.line - 1].removesuffix("\r").replace("\t", " ")
        caret = " " * (max(self.loc.col, 1) - 1) + "^"
        return f"{head}\n    {line}\n    {caret}"


class TypeCheckError(SourceError):
    """A rule or expression that is not well typed (mismatched types, wrong arity...)."""


class EvalError(RewriterError):
    """Evaluation hit something the evaluator cannot compute (not UB: that is a value)."""


class NotEncodable(RewriterError):
    """An op has no encoding in the chosen domain (e.g. bitwise ops over Z3 Ints).

    Verification strategies catch this and report themselves as not applicable.
    """


class ToolchainError(RewriterError):
    """A required external tool is missing or failed."""


class IRValidationError(RewriterError):
    """A node (or statement) breaks the IR's declared vocabulary at a stage: an undeclared op,
    a wrong operand count or type, an arg of the wrong kind, an op not allowed at the stage.
    `node` is the offending UOp (None for a statement-level problem), `rule` the rule broken
    (e.g. "arity", "operand type", "stage"), `stage` the stage checked."""

    def __init__(self, message: str, node=None, rule: str = "", stage: str = ""):
        super().__init__(message)
        self.node, self.rule, self.stage = node, rule, stage
