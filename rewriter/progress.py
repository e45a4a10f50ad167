"""A one-line progress display for long work (verify, bench, fuzz, the global scheduler).

`Progress(stream)` redraws one line in place (`\\r`) with done/total, the current item and
the elapsed time -- only when `stream` is a terminal and the caller did not disable it (a
pipe, a file or `--format json` get nothing, so their output stays clean). `finish()` clears
the line. Redraws are throttled (`min_interval_s`), except the last one, so a fast loop does
not spend its time writing to the terminal.
"""
from __future__ import annotations

import time
from typing import TextIO

_BAR = 24
_ITEM = 40


class Progress:
    def __init__(self, stream: TextIO | None, total: int | None = None, *, label: str = "",
                 enabled: bool = True, min_interval_s: float = 0.1):
        self.stream = stream
        self.total = total
        self.label = label
        self.active = bool(enabled and stream is not None and _isatty(stream))
        self.min_interval_s = min_interval_s
        self.start = time.monotonic()
        self._last = float("-inf")
        self._width = 0
        self._done, self._item = 0, ""

    def update(self, done: int, item: str = "", *, total: int | None = None, note: str = ""):
        """Show `done` (of `total`, when known) and the current `item`; `note` is extra text."""
        if not self.active:
            return
        if total is not None:
            self.total = total
        self._done, self._item = done, item
        now = time.monotonic()
        final = self.total is not None and done >= self.total
        if not final and now - self._last < self.min_interval_s:
            return
        self._last = now
        self._draw(self._line(done, item, note, now - self.start))

    def detail(self, note: str):
        """Redraw the last count and item with `note` (a step inside the current item)."""
        self.update(self._done, self._item, note=note)

    def finish(self):
        """Clear the line, so what is printed next starts on a clean one."""
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _line(self, done: int, item: str, note: str, elapsed: float) -> str:
        parts = [self.label] if self.label else []
        if self.total:
            fill = int(_BAR * min(done, self.total) / self.total)
            parts.append(f"[{'#' * fill}{'.' * (_BAR - fill)}] {done}/{self.total}")
        else:
            parts.append(str(done))
        parts.append(f"{elapsed:.0f}s")
        if note:
            parts.append(note)
        if item:
            parts.append(item[:_ITEM])
        return " ".join(parts)

    def _draw(self, line: str):
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False
