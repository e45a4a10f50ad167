"""The proof cache file: verdicts by key (`cachekey.py`), checked on load, shared by concurrent runs.

    <dir>/verify.json  {"format": KEY_FORMAT, "entries": {key: {"result": {...}, "check": hex}}}

Every entry is checked before it is used: the result must have the stored shape (`STORED`,
a status that is a verdict) and `check` must be the hash of (format, key, result). An entry
that fails is dropped and the file rewritten without it; a file that is not the cache at all
(not JSON, another shape or format) is replaced. Neither is ever trusted, nor a crash.

The check is an unkeyed hash: it catches accidental corruption (a truncated write, a bad
merge, a hand edit, an entry pasted under another key) and naive forgery. It is no defence
against someone who can write the file and recompute the hash, which anyone can: the cache
directory is as trusted as the code. A verdict that must not rest on it is `--no-cache`.

Concurrent runs (two `rewriter verify` on one cache directory) merge: a save takes an
exclusive lock (`verify.json.lock`, fcntl.flock), reads what is on disk, adds this run's new
verdicts and replaces the file atomically (a temporary file, then os.replace), so a reader
never sees half a file and no run's proofs are lost. Runs save as they go (`save_if_due`),
so a run that is killed keeps what it proved up to its last save.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from pathlib import Path

from rewriter.verifier.cachekey import KEY_FORMAT

FILE = "verify.json"
#: The verdicts worth keeping: an "unknown" may be proven with more time, an "error" is a bug.
VERDICTS = ("proven", "counterexample")
#: The stored fields of a verdict and their JSON types (the rule's name and location are not
#: stored: they are not part of the key, a renamed rule keeps its proof).
STORED = {"status": str, "strategy": str, "seconds": (int, float), "failure": str, "note": str,
          "inputs": list, "source": str, "target": str}
_INPUT_FIELDS = ("name", "type", "value")


def entry_check(key: str, result: dict) -> str:
    """The integrity hash of one entry (see the module doc: unkeyed, not a signature)."""
    text = json.dumps([KEY_FORMAT, key, result], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def valid_result(result) -> bool:
    if not isinstance(result, dict) or set(result) != set(STORED):
        return False
    if any(not isinstance(result[k], t) or isinstance(result[k], bool) for k, t in STORED.items()):
        return False
    return result["status"] in VERDICTS and all(
        isinstance(i, dict) and set(i) == set(_INPUT_FIELDS) and all(isinstance(i[f], str) for f in _INPUT_FIELDS)
        for i in result["inputs"])


def valid_entry(key, entry) -> bool:
    return (isinstance(key, str) and isinstance(entry, dict) and set(entry) == {"result", "check"}
            and valid_result(entry["result"]) and entry["check"] == entry_check(key, entry["result"]))


def _read(path: Path, known: dict[str, dict] | None = None) -> tuple[dict[str, dict], int]:
    """The valid entries of the cache file (key -> {result, check}) and how many were not: a
    file that is not a cache counts as one. Entries equal to one in `known` (checked before)
    are not hashed again: a save re-reads the whole file every few seconds."""
    known = known or {}
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}, 0
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON
        return {}, 1
    if not (isinstance(data, dict) and data.get("format") == KEY_FORMAT and isinstance(data.get("entries"), dict)):
        return {}, 1
    good = {k: e for k, e in data["entries"].items() if known.get(k) == e or valid_entry(k, e)}
    return good, len(data["entries"]) - len(good)


def read_entries(path: Path) -> tuple[dict[str, dict], int]:
    """The valid verdicts of the cache file (key -> result), and how many entries were not."""
    good, bad = _read(path)
    return {k: e["result"] for k, e in good.items()}, bad


class ProofCache:
    """The proof cache of one run: `get` what earlier runs proved, `put` new verdicts,
    `save` them (merged with what other runs saved meanwhile). No directory: a cache that
    keeps nothing."""

    def __init__(self, directory: Path | None, save_every_s: float = 2.0):
        self.path = Path(directory) / FILE if directory else None
        self.save_every_s = save_every_s
        self.bad = 0  # entries dropped on load: the file is rewritten without them
        self._entries: dict[str, dict] = {}  # key -> {result, check}, every one checked
        self._new: dict[str, dict] = {}
        self._last_save = time.monotonic()
        if self.path:
            self._entries, self.bad = _read(self.path)

    @property
    def entries(self) -> dict[str, dict]:
        """key -> result."""
        return {k: e["result"] for k, e in self._entries.items()}

    def get(self, key: str) -> dict | None:
        e = self._entries.get(key)
        return e["result"] if e else None

    def put(self, key: str, result: dict):
        """Keep a verdict (the STORED fields of a result); anything else is not kept."""
        if valid_result(result):
            self._entries[key] = self._new[key] = {"result": result, "check": entry_check(key, result)}

    def due_in(self) -> float:
        """Seconds until the next periodic save (`save_if_due`)."""
        return max(0.0, self._last_save + self.save_every_s - time.monotonic())

    def save_if_due(self):
        if self.due_in() == 0.0:
            self.save()

    def save(self):
        """Merge this run's new verdicts into the file, and drop the bad entries it held."""
        self._last_save = time.monotonic()
        if not self.path or not (self._new or self.bad):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            on_disk, _ = _read(self.path, known=self._entries)  # with what other runs saved since
            on_disk.update(self._new)
            self._write(on_disk)
        self._entries.update(on_disk)
        self._new.clear()
        self.bad = 0

    @contextlib.contextmanager
    def _locked(self):
        with open(self.path.with_name(FILE + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            yield

    def _write(self, entries: dict[str, dict]):
        # Only a lock holder writes a temporary file, so one found now is a killed writer's.
        for stale in self.path.parent.glob(FILE + ".*.tmp"):
            stale.unlink(missing_ok=True)
        tmp = self.path.with_name(f"{FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": KEY_FORMAT, "entries": entries}))
        # Atomic: a reader sees the old file or the new one. No fsync: a file lost to a power
        # cut is only a slower next run (a damaged one is dropped on load).
        os.replace(tmp, self.path)
