"""How IR types live in WGSL: registers ("carriers"), storage words, literals, wrapping.

WGSL has exactly three 32-bit scalar number types we can rely on everywhere (`i32`, `u32`,
`f32`; `f16` needs the optional `shader-f16` feature, 64-bit types do not exist) and storage
buffers are arrays of 4-byte elements. So:

  * a value of an integer type of <= 32 bits is carried in a 32-bit register of its
    signedness (`i8`, `i16`, `i32`, `idx` -> `i32`; `u8`, `u16`, `u32` -> `u32`) holding its
    *mathematical* value, i.e. sign- or zero-extended, exactly like the IR's own value model
    (`rewriter/ir/dtype.py`);
  * an op whose 32-bit result may leave a narrow type's range is followed by `wrap`:
    `x & 0xff` for `u8`, `(x << 24) >> 24` (arithmetic) for `i8`: the op table's wrapping
    semantics at the narrow width (each identity is proven in `rules/webgpu.rules`);
  * narrow buffer elements are packed little-endian into `u32` words: element `i` of a `u8`
    buffer is bits `8*(i%4) .. 8*(i%4)+7` of word `i/4` -- the same bytes numpy has in memory,
    so buffers are uploaded and read back unchanged;
  * `bool` is stored like numpy stores it, as a byte (0 / 1), and carried as WGSL `bool`;
  * `f16` is WGSL's `f16` (registers and `array<f16>` storage, 2 bytes an element) under
    `enable f16;`, which needs the adapter feature `shader-f16` (the runtime asks for it);
  * `i64`, `u64`, `f64` and `bf16` are rejected with a `WgslError` that says so.

Sources: the WGSL specification (W3C, "WebGPU Shading Language": 6.2 scalar types,
8.7 arithmetic -- two's complement wrapping for concrete integers, 8.9 bit expressions -- only
the low log2(bits) bits of a shift amount are used, 13.3 storage buffer layout).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from rewriter.errors import RewriterError
from rewriter.ir.dtype import DType


class WgslError(RewriterError):
    """A kernel (or a part of it) that WGSL cannot express, or a WebGPU limit it exceeds."""


@dataclass(frozen=True)
class Storage:
    """How one buffer element type is laid out in a WGSL storage buffer."""

    word: str  # the WGSL array element type: `array<word>`
    per_word: int  # elements per 4-byte word (1: unpacked)
    bits: int  # bits of one element inside its word
    elem_bytes: int = 4  # bytes of one array element (f16: 2)

    @property
    def packed(self) -> bool:
        return self.per_word > 1

    @property
    def mask(self) -> int:
        return (1 << self.bits) - 1


def _reject(t: DType) -> WgslError:
    s = t.scalar
    if s.is_float and s.bits == 16:
        why = "WGSL has no bfloat16 (f16 is supported through shader-f16)"
    elif s.bits == 64:
        why = "WGSL has no 64-bit types (i32/u32/f32 only); 64-bit emulation is not implemented"
    else:
        why = "WGSL has no such type"
    return WgslError(f"type {t} is not supported by the WebGPU backend yet: {why}")


def check_type(t: DType) -> None:
    """Raise WgslError unless values of `t` (a scalar type) can be carried in WGSL."""
    s = t.scalar
    if t.lanes > 1:
        raise WgslError(f"vector type {t} reached the WGSL emitter (it lowers scalar programs)")
    if s.is_bool or s.is_idx:
        return
    if s.is_int and s.bits <= 32:
        return
    if s.is_float and (s.bits == 32 or is_f16(s)):
        return
    raise _reject(t)


def is_f16(t: DType) -> bool:
    s = t.scalar
    return s.is_float and s.bits == 16 and s.ebits == 5


def carrier(t: DType) -> str:
    """The WGSL type of a register holding a value of IR type `t`."""
    check_type(t)
    s = t.scalar
    if s.is_bool:
        return "bool"
    if s.is_float:
        return "f16" if is_f16(s) else "f32"
    if s.is_idx:
        return "i32"
    return "i32" if s.signed else "u32"


def storage(t: DType) -> Storage:
    """The storage layout of buffer elements of type `t`."""
    check_type(t)
    s = t.scalar
    if s.is_idx:
        raise WgslError("idx is an index type, not a buffer element type")
    if s.is_bool:
        return Storage("u32", 4, 8)
    if is_f16(s):
        return Storage("f16", 1, 16, 2)
    if s.is_float:
        return Storage("f32", 1, 32)
    if s.bits == 32:
        return Storage(carrier(s), 1, 32)
    return Storage("u32", 32 // s.bits, s.bits)


def words(t: DType, count: int) -> int:
    """How many 4-byte words a buffer of `count` elements of `t` occupies (at least one:
    WebGPU bindings cannot be empty)."""
    st = storage(t)
    if st.elem_bytes != 4:
        return max(1, -(-count * st.elem_bytes // 4))
    return max(1, -(-count // st.per_word))


def needs_wrap(t: DType) -> bool:
    """Whether 32-bit results must be reduced to `t`'s width (narrow integers)."""
    s = t.scalar
    return s.is_int and s.bits < 32


def wrap(t: DType, x: str) -> str:
    """`x` (a 32-bit carrier expression) reduced to `t`'s range: two's complement wrapping."""
    if not needs_wrap(t):
        return x
    s = t.scalar
    if s.signed:
        k = 32 - s.bits
        return f"(({x} << {k}u) >> {k}u)"
    return f"({x} & {hex((1 << s.bits) - 1)}u)"


def literal(t: DType, v) -> str:
    """A WGSL literal of IR type `t` with value `v` (exact: floats go through their bits)."""
    s = t.scalar
    c = carrier(s)
    if c == "bool":
        return "true" if v else "false"
    if c == "f16":
        f = float(v)
        if f != f or f in (float("inf"), float("-inf")) or (f == 0 and str(f).startswith("-")):
            # No literal for inf/NaN; -0.0h would be the negation of a literal: go through the bits.

            bits = int(np.array([f], dtype=np.float16).view(np.uint16)[0])
            return f"f16(unpack2x16float({hex(bits)}u).x)"
        return _dec_f16(f) if f >= 0 else f"(-{_dec_f16(-f)})"
    if c == "f32":
        f = float(v)
        bits = struct.unpack("<I", struct.pack("<f", f))[0]
        if f == f and abs(f) < 2**24 and f == int(f) and not (f == 0 and str(f).startswith("-")):
            return f"{int(f)}.0f"
        # Exact bits: decimal would round twice, and inf/nan have no WGSL literal at all.
        return f"bitcast<f32>({hex(bits)}u)"
    n = int(v)
    if c == "u32":
        return f"{n % (1 << 32)}u"
    n = (n + (1 << 31)) % (1 << 32) - (1 << 31)
    if n == -(1 << 31):
        return "i32(-2147483647 - 1)"  # -2147483648i overflows before the minus applies
    return f"{n}i" if n >= 0 else f"({n}i)"


def _dec_f16(f: float) -> str:
    """An f16 literal of a non-negative value: the shortest decimal that reads back as the same
    double, which is the f16 value exactly (naga rejects hexadecimal f16 literals)."""
    text = repr(f)
    return f"{text}h" if ("." in text or "e" in text) else f"{text}.0h"


def to_bits(t: DType, x: str) -> str:
    """A `u32` holding `x`'s low `bits(t)` bits, for packing into a storage word."""
    s = t.scalar
    if s.is_bool:
        return f"select(0u, 1u, {x})"
    c = carrier(s)
    word = x if c == "u32" else f"bitcast<u32>({x})"
    st = storage(s)
    return f"({word} & {hex(st.mask)}u)" if st.packed else word


def from_bits(t: DType, word: str, shift: str) -> str:
    """The element of type `t` at bit `shift` of `word` (a u32), as its carrier: the byte
    (or half-word) is shifted to the top and back down, arithmetically for signed types, so
    the sign extension is explicit."""
    s = t.scalar
    st = storage(s)
    if s.is_bool:
        return f"((({word} >> {shift}) & 0xffu) != 0u)"
    top = 32 - st.bits
    if s.signed:
        return f"(bitcast<i32>({word} << ({top}u - {shift})) >> {top}u)"
    return f"(({word} >> {shift}) & {hex(st.mask)}u)"
