"""A kernel's inputs read from an `.npz` file (`--inputs`), every problem a one-line error
naming the file.

The file is untrusted: it may be empty, truncated, a single `.npy` array, another format, or
an archive whose arrays declare a shape of terabytes. Each member's `.npy` header (shape and
element type) is read and checked against the kernel's buffer before any data is, so a bad
file is refused without allocating what it claims; only then is the data read, without
pickles. The arrays must be exactly the kernel's inputs: a missing one, and one the kernel
does not read (a typo, or the outputs of another kernel), are both errors. A bf16 input may
be float values (rounded to bf16, as an f64 array is rounded for an f32 input) or the 2-byte
records np.save makes of an ml_dtypes.bfloat16 array.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from rewriter.errors import RewriterError
from rewriter.ir.concrete import np_float
from rewriter.ir.dtype import bf16
from rewriter.kernel.kernel import Buffer, Kernel
from rewriter.kernel.reference import check_inputs

#: numpy's own ceiling on a .npy header (np.load's `max_header_size`): ours never need more.
MAX_HEADER = 10000
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with members, an empty archive
_NPY_MAGIC = b"\x93NUMPY"
#: How np.save stores an ml_dtypes.bfloat16 array (the .npy format has no bf16 type): 2-byte
#: records. Taken as bf16 bits for a bf16 input only; bf16 inputs may also come as floats,
#: rounded to bf16 like any float input to its buffer's type.
_BF16_RECORDS = np.dtype("V2")


def read_inputs(path: str | Path, kernel: Kernel) -> dict[str, np.ndarray]:
    """One array per input buffer of `kernel`, by name, from the .npz at `path`."""
    def fail(message: str):
        return RewriterError(f"{path}: {' '.join(str(message).split())}")

    try:
        with open(path, "rb") as f:
            head = f.read(len(_NPY_MAGIC))
            if not head:
                raise fail("cannot read inputs: the file is empty (expected an .npz, as numpy.savez writes)")
            if head.startswith(_NPY_MAGIC):
                raise fail("is a single .npy array; --inputs takes an .npz with one array per input buffer "
                           "(numpy.savez(path, name=array, ...))")
            if head[:4] not in _ZIP_MAGIC:
                raise fail("cannot read inputs: not an .npz file (not a zip archive)")
            f.seek(0)
            with zipfile.ZipFile(f) as z:
                return _read(z, kernel, fail)
    except RewriterError:
        raise
    except IsADirectoryError:
        raise fail("is a folder; --inputs takes an .npz file") from None
    except OSError as e:
        raise fail(f"cannot read inputs: {e.strerror or e}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as e:
        # numpy's messages run to several sentences of advice on pickles: the first says what
        first = str(e).split(". ")[0].rstrip(".")
        raise fail(f"cannot read inputs: a damaged or truncated .npz ({first})") from None


def _read(z: zipfile.ZipFile, kernel: Kernel, fail) -> dict[str, np.ndarray]:
    members = {}
    for info in z.infolist():
        if not info.filename.endswith(".npy"):
            raise fail(f"holds {info.filename!r}, which is not an array (.npy)")
        members[info.filename[:-len(".npy")]] = info
    wanted = {b.name: b for b in kernel.inputs}
    held = ", ".join(members) or "no arrays"
    missing = [n for n in wanted if n not in members]
    if missing:
        raise fail(f"has no array for input {', '.join(repr(n) for n in missing)} of kernel {kernel.name} "
                   f"(it holds: {held})")
    extra = [n for n in members if n not in wanted]
    if extra:
        raise fail(f"holds {', '.join(repr(n) for n in extra)}, which kernel {kernel.name} does not read "
                   f"(its inputs: {', '.join(wanted) or 'none'})")
    arrays = {}
    for name, buf in wanted.items():
        with z.open(members[name]) as m:
            _check_header(m, buf, fail)
        with z.open(members[name]) as m:
            arr = np.lib.format.read_array(m, allow_pickle=False, max_header_size=MAX_HEADER)
        if arr.dtype == _BF16_RECORDS:  # ml_dtypes' bf16 as np.save writes it: the raw bits
            arr = arr.view(np_float(bf16))
        arrays[name] = arr
    try:
        check_inputs(kernel, arrays)  # values the buffer's type holds exactly
    except RewriterError as e:
        raise fail(e) from None
    return arrays


def _check_header(m, buf: Buffer, fail) -> None:
    version = np.lib.format.read_magic(m)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(m, max_header_size=MAX_HEADER)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(m, max_header_size=MAX_HEADER)
    else:
        raise fail(f"array '{buf.name}' is in .npy format version {version[0]}.{version[1]}, "
                   "which is not read here (numpy.savez writes 1.0)")
    if dtype == _BF16_RECORDS and buf.dtype == bf16:
        pass
    elif dtype.kind not in "biuf":
        raise fail(f"array '{buf.name}' has values of numpy type {dtype}; input {buf} takes "
                   "bools, integers or floats")
    if tuple(shape) != tuple(buf.shape):
        raise fail(f"array '{buf.name}' has shape {list(shape)}, the kernel declares {buf}")
