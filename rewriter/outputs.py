"""The files a command writes, and the promise that none of them replaces what the user wrote.

A command settles its output paths before it does any work (`Outputs.claim`), so a refused
path costs nothing, and then writes each one atomically (`write_text`, `write_npz`): the
text goes to a temporary file in the same folder, which `os.replace` then puts in place, so
a crash or Ctrl-C never leaves half a file, and a hard link elsewhere keeps its old text.

A path is refused when
  * it is a file the command reads (the kernel, the inputs, every rule file, the example
    kernels): compared by device and inode, so a hard link, a symlink or another spelling of
    the same file is caught, whatever its name or suffix;
  * it names an existing source file: a suffix in `SOURCE_SUFFIXES` or a rule folder's `ORDER`
    manifest (people write those; a report may replace only a report, see `claim`);
  * two outputs of one command are the same file.
The name checked is the name written: `.npz` is appended before the checks (as numpy would),
and the arrays are written to that exact name through a file object, so numpy cannot rename
it afterwards (`-o in` next to `--inputs in.npz` replaced the inputs).
"""
from __future__ import annotations

import io
import os
import secrets
import stat
import zipfile
from pathlib import Path
from typing import Iterable

import numpy as np

from rewriter.errors import RewriterError
from rewriter.kernel.reference import portable_array

#: Files that only people write: an output never replaces an existing one of these.
SOURCE_SUFFIXES = (".ir", ".rules", ".py", ".lark", ".toml", ".md")
#: Names without such a suffix that are sources too (a rule folder's priority manifest).
SOURCE_NAMES = ("ORDER",)


def files_read(paths: Iterable[str | Path]) -> list[Path]:
    """The files behind `paths`, folders expanded to every file under them (rule folders hold
    their ORDER manifest and notes besides the .rules files)."""
    out = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out += [f for f in sorted(path.rglob("*")) if f.is_file()]
        elif path.exists():
            out.append(path)
    return out


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # follows symlinks: a link to an input is that input
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Outputs:
    """The output files of one command, checked against the files it reads."""

    def __init__(self, reads: Iterable[str | Path]):
        self._reads = {}
        for f in files_read(reads):
            ident = _identity(f)
            if ident is not None:
                self._reads.setdefault(ident, f)
        self._claimed: dict[tuple[int, int] | Path, tuple[str, Path]] = {}

    def claim(self, path: str, flag: str = "-o", *, suffix: str = "", report_mark: str = "") -> Path:
        """The path an output will be written to, refused (`RewriterError`) if writing it could
        destroy something. `suffix` is appended when the name lacks it (numpy's rule for
        .npz), before anything is checked. `report_mark`: an existing markdown file may be
        replaced when its head contains this text: a report this command wrote before
        (`bench --out bench/results/cpu.md` again), not a document someone wrote."""
        if not path:
            raise RewriterError(f"{flag} needs a file name")
        given = Path(path)
        special = given.exists() and not given.is_file() and not given.is_dir()  # /dev/null, a pipe
        out = given if not suffix or path.endswith(suffix) or special else Path(path + suffix)
        shown = f"{flag} {path}" + (f" (written as {out})" if str(out) != path else "")
        if out.is_dir():
            raise RewriterError(f"{shown} is a folder; name a file")
        ident = _identity(out)
        if ident is not None and ident in self._reads:
            raise RewriterError(f"{shown} would overwrite the input file {self._reads[ident]}")
        report = report_mark and out.suffix.lower() == ".md" and _has_mark(out, report_mark)
        if out.exists() and _is_source(out) and not report:
            raise RewriterError(f"{shown} would overwrite an existing source file "
                                f"({out.suffix or out.name}); choose another path")
        key = ident if ident is not None else out.resolve()
        if key in self._claimed and not special:  # two outputs may both go to /dev/null
            other_flag, other = self._claimed[key]
            raise RewriterError(f"{shown} is also the file of {other_flag} {other}; name two files")
        self._claimed[key] = (flag, out)
        return out


def _is_source(path: Path) -> bool:
    return path.suffix.lower() in SOURCE_SUFFIXES or path.name in SOURCE_NAMES


def _has_mark(path: Path, mark: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return mark.encode() in head


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (the folder is made if missing)."""
    _write(path, lambda f: f.write(text.encode()))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Arrays as an .npz at exactly `path` (numpy's own `savez` appends `.npz` to a name and
    takes `file` as a keyword, so it is not used): one `<name>.npy` member per array, no
    pickles, as `np.load` reads them. bf16 arrays are written as float32 (exact): the .npy
    format has no bf16 type, and would store ml_dtypes' as anonymous 2-byte records (`|V2`)."""
    def fill(f):
        with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            for name, arr in arrays.items():
                with z.open(f"{name}.npy", "w", force_zip64=True) as m:
                    np.lib.format.write_array(m, portable_array(arr), allow_pickle=False)
    _write(path, fill)


def _write(path: Path, fill) -> None:
    if path.exists() and not path.is_file():
        # A device or a pipe (`-o /dev/null`, `-o /dev/stdout`): written to, never replaced.
        # The content is made in memory first: a zip archive seeks back to write its
        # directory, which a device or a pipe cannot do.
        buffer = io.BytesIO()
        fill(buffer)
        try:
            with open(path, "wb") as f:
                f.write(buffer.getvalue())
        except OSError as e:
            raise RewriterError(f"{path}: cannot write: {e.strerror or e}") from None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary(path)
    except OSError as e:
        raise RewriterError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
        try:  # a replaced file keeps its mode, as when it is opened and rewritten
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise RewriterError(f"{path}: cannot write: {e.strerror or e}") from None
        raise


def _temporary(path: Path) -> tuple[int, str]:
    """A new file next to `path` (same file system, so `os.replace` is one rename), created
    with mode 0666 less the umask, as `open(path, "w")` would make `path`."""
    while True:
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
