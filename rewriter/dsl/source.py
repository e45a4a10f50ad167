"""Reading user-written source files (`.rules`, `.ir`) as text, with errors that point into them.

Every front end (loading a library, `rewriter fmt`, loading kernels) reads through
`read_source`, so a file that is not UTF-8 is one `file:line:col` error at its first bad byte,
never a UnicodeDecodeError traceback.
"""
from __future__ import annotations

from pathlib import Path

from rewriter.errors import RewriterError, SourceError, SourceLoc


def read_source(path) -> str:
    """The text of `path`; a SourceError at the first byte that is not UTF-8, a RewriterError
    for a file that cannot be read at all."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise RewriterError(f"{p}: cannot read: {e.strerror or e}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        # The text before the bad byte decodes (the error is at its first bad byte): count
        # lines as the parser does, "\n" only, and show that line up to the byte.
        before = data[:e.start].decode("utf-8")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        shown = before + data[e.start:].decode("utf-8", errors="replace")
        raise SourceError(f"byte 0x{data[e.start]:02x} is not UTF-8 text (source files are UTF-8)",
                          SourceLoc(str(p), line, col), shown) from None
