"""Outputs against the reference interpreter: `compare` (exact for integers, a tolerance for
floats) and `check_against_reference`. Here, below the compiler, so that the GPU machine's
benchmark (no Z3, no llvmlite there) checks what it runs; `rewriter.pipeline` re-exports both."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rewriter.ir.dtype import bf16
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


#: (rtol, atol) of `compare` for float outputs: the default, for code that keeps the reference's
#: operations and reassociates at most a reduction's order (split across lanes or threads).
FLOAT_TOLERANCE = (1e-4, 1e-5)
#: (rtol, atol) for the outputs of CUDA's tensor-core matmul ("mma-matmul", docs/GPU.md
#: "Floating point"): mma.sync sums each k16 step's exact f16 products in the tensor core's
#: own order and precision before adding them to the f32 accumulator, so over K = 4096 it
#: differs from the reference's sequential f32 fold by up to ~2e-3 where sums reach ~200
#: (N(0, 1) halves); 1e-3 relative + 1e-3 absolute holds that with room, and is what the
#: benchmark's comparison with PyTorch uses.
TENSOR_CORE_TOLERANCE = (1e-3, 1e-3)


#: The least (rtol, atol) a bf16 output is compared with: two units in the last place of a
#: bf16 near 1 (2^-6; a bf16 has 8 significant bits). A target that keeps every operation
#: rounds exactly as the reference; one that reassociates a bf16 sum is off by a few of its
#: roundings, each half an ulp, where f32's 1e-4 would be a fraction of one.
BF16_TOLERANCE = (2.0 ** -6, 2.0 ** -6)


def tolerance_for(strategies) -> tuple[float, float] | None:
    """The (rtol, atol) a program made of launches of these GPU strategies is checked with:
    `TENSOR_CORE_TOLERANCE` when any is "mma-matmul", "wgmma-matmul" (the same k16 steps in
    the same order) or "wgmma-conv" (k16 steps of one tap's 16 channels), else None
    (`FLOAT_TOLERANCE`)."""
    return TENSOR_CORE_TOLERANCE if {"mma-matmul", "wgmma-matmul", "wgmma-conv"} & set(strategies) else None


def compare(kernel: Kernel, got: dict, want: dict, rtol: float = FLOAT_TOLERANCE[0],
            atol: float = FLOAT_TOLERANCE[1]) -> list[Mismatch]:
    """Exact for integers and bools; `rtol`/`atol` for floats, at least `BF16_TOLERANCE` for
    bf16 outputs (NaN matches NaN)."""
    out = []
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        if b.dtype.is_float:
            rt, at = (max(rtol, BF16_TOLERANCE[0]), max(atol, BF16_TOLERANCE[1])) if b.dtype == bf16 else (rtol, atol)
            bad = ~np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=rt, atol=at, equal_nan=True)
        else:
            bad = g != w
        bad = np.atleast_1d(bad)
        if np.any(bad):
            flat = int(np.nonzero(bad.reshape(-1))[0][0])
            index = np.unravel_index(flat, b.shape) if b.shape else ()
            out.append(Mismatch(b.name, tuple(int(i) for i in index), g.reshape(-1)[flat] if g.ndim else g.item(),
                                w.reshape(-1)[flat] if w.ndim else w.item(), int(bad.sum())))
    return out


def check_against_reference(kernel: Kernel, got: dict, inputs: dict, notes: list | None = None,
                            tolerance: tuple[float, float] | None = None) -> list[Mismatch]:
    """Mismatches against the reference interpreter, floats within `tolerance` ((rtol, atol);
    None: `FLOAT_TOLERANCE`; a target states its own in `Lowered.tolerance`); how it evaluated
    (e.g. "checked in 16 chunks" under its memory bound) is appended to `notes`."""
    ref = reference_run(kernel, inputs)
    if notes is not None and ref.note:
        notes.append(ref.note)
    rtol, atol = tolerance or FLOAT_TOLERANCE
    if notes is not None and tolerance is not None:
        notes.append(f"float outputs compared within rtol {rtol:g}, atol {atol:g}")
    return compare(kernel, got, ref.outputs, rtol=rtol, atol=atol)
