"""The Hexagon kernels' ABI as the freestanding image provides it (`runtime/hexagon_start.py`):
every buffer starts 128-byte aligned and is zero-padded to a multiple of 128 bytes plus one
spare vector, so a full-vector access at a buffer's end stays inside the image. Our code
generator and the LLVM baseline (`backends/hexagon_llvm.py`) may rely on it."""
from __future__ import annotations

import numpy as np

from rewriter.kernel.kernel import Buffer
from rewriter.kernel.reference import numpy_dtype

VECTOR_BYTES = 128  # HVX 128-byte mode


def storage_bytes(buf: Buffer) -> int:
    """Bytes of one element as the kernel stores it (bool is one byte, as in llvm_emit)."""
    return np.dtype(storage_numpy(buf)).itemsize


def storage_numpy(buf: Buffer):
    return np.uint8 if buf.dtype.is_bool else numpy_dtype(buf.dtype)


def padded(nbytes: int) -> int:
    """A multiple of one vector, plus one spare vector."""
    return -(-nbytes // VECTOR_BYTES) * VECTOR_BYTES + VECTOR_BYTES
