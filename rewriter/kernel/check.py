"""Outputs against the reference interpreter: `compare` (exact for integers, a tolerance for
floats) and `check_against_reference`. Here, below the compiler, so that the GPU machine's
benchmark (no Z3, no llvmlite there) checks what it runs; `rewriter.pipeline` re-exports both."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import reference_run


@dataclass
class Mismatch:
    buffer: str
    index: tuple
    got: object
    want: object
    count: int

    def __str__(self) -> str:
        return (f"output '{self.buffer}' differs from the reference at {list(self.index)}: got {self.got}, "
                f"expected {self.want} ({self.count} element{'s' * (self.count != 1)} differ)")


def compare(kernel: Kernel, got: dict, want: dict, rtol: float = 1e-4, atol: float = 1e-5) -> list[Mismatch]:
    """Exact for integers and bools; `rtol`/`atol` for floats (NaN matches NaN)."""
    out = []
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        if b.dtype.is_float:
            bad = ~np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
        else:
            bad = g != w
        bad = np.atleast_1d(bad)
        if np.any(bad):
            flat = int(np.nonzero(bad.reshape(-1))[0][0])
            index = np.unravel_index(flat, b.shape) if b.shape else ()
            out.append(Mismatch(b.name, tuple(int(i) for i in index), g.reshape(-1)[flat] if g.ndim else g.item(),
                                w.reshape(-1)[flat] if w.ndim else w.item(), int(bad.sum())))
    return out


def check_against_reference(kernel: Kernel, got: dict, inputs: dict, notes: list | None = None) -> list[Mismatch]:
    """Mismatches against the reference interpreter; how it evaluated (e.g. "checked in 16
    chunks" under its memory bound) is appended to `notes`."""
    ref = reference_run(kernel, inputs)
    if notes is not None and ref.note:
        notes.append(ref.note)
    return compare(kernel, got, ref.outputs)
