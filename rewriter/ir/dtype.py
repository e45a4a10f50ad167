"""Data types of the kernel IR.

A `DType` is an immutable value. Scalars are bool, fixed-width integers (signed `iN`,
unsigned `uN`), `idx` (a mathematical integer used for index arithmetic: verified with Z3's
Int theory, never wraps) and IEEE floats. Vectors are `T x N` (`i8x128`), pointers `T*`.

Integer *values* are always carried as their mathematical value under the type's
signedness (i8: -128..127, u8: 0..255); that keeps the concrete evaluator and the Z3 Int
encoding in one representation, and comparisons need no reinterpretation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rewriter.errors import RewriterError


@dataclass(frozen=True)
class DType:
    kind: str  # "bool" | "int" | "idx" | "float" | "ptr"
    bits: int = 0  # width of one lane; 0 for idx (unbounded)
    signed: bool = False
    lanes: int = 1
    elem: "DType | None" = None  # pointee, for pointers
    # float format: exponent and significand bits (significand includes the hidden bit)
    ebits: int = 0
    sbits: int = 0

    # -- classification -------------------------------------------------------------
    @property
    def is_int(self) -> bool:
        """Fixed-width integer (iN / uN): the bitvector types."""
        return self.kind == "int"

    @property
    def is_idx(self) -> bool:
        return self.kind == "idx"

    @property
    def is_integral(self) -> bool:
        """Fixed-width integer or idx: the types with integer arithmetic."""
        return self.kind in ("int", "idx")

    @property
    def is_float(self) -> bool:
        return self.kind == "float"

    @property
    def is_bool(self) -> bool:
        return self.kind == "bool"

    @property
    def is_vector(self) -> bool:
        return self.lanes > 1

    @property
    def scalar(self) -> "DType":
        """The lane type of a vector (the type itself for scalars)."""
        if self.lanes == 1:
            return self
        return DType(self.kind, self.bits, self.signed, 1, self.elem, self.ebits, self.sbits)

    def vec(self, lanes: int) -> "DType":
        return DType(self.kind, self.bits, self.signed, lanes, self.elem, self.ebits, self.sbits)

    # -- integer ranges ---------------------------------------------------------------
    @property
    def min(self) -> int | None:
        """Smallest value of an integer type (None for idx: unbounded)."""
        if self.kind == "bool":
            return 0
        if self.kind != "int":
            return None
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int | None:
        if self.kind == "bool":
            return 1
        if self.kind != "int":
            return None
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def wrap(self, v: int) -> int:
        """Reduce a mathematical integer to this type's range (two's complement wrap)."""
        if self.kind != "int":
            return v
        lo = self.min
        return (v - lo) % (1 << self.bits) + lo

    # -- names ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        if self.kind == "ptr":
            return f"{self.elem.name}*"
        base = _BASE_NAMES[self.scalar]
        return base if self.lanes == 1 else f"{base}x{self.lanes}"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"dtypes.{self.name}" if self.kind != "ptr" and self.lanes == 1 else f"DType({self.name})"


def _int(bits: int, signed: bool) -> DType:
    return DType("int", bits, signed)


bool_ = DType("bool", 1)
i8, i16, i32, i64 = (_int(b, True) for b in (8, 16, 32, 64))
u8, u16, u32, u64 = (_int(b, False) for b in (8, 16, 32, 64))
idx = DType("idx")
f16 = DType("float", 16, True, ebits=5, sbits=11)
bf16 = DType("float", 16, True, ebits=8, sbits=8)
f32 = DType("float", 32, True, ebits=8, sbits=24)
f64 = DType("float", 64, True, ebits=11, sbits=53)

SCALARS: dict[str, DType] = {
    "bool": bool_,
    "i8": i8, "i16": i16, "i32": i32, "i64": i64,
    "u8": u8, "u16": u16, "u32": u32, "u64": u64,
    "idx": idx, "f16": f16, "bf16": bf16, "f32": f32, "f64": f64,
}
_BASE_NAMES = {t: n for n, t in SCALARS.items()}

INT_TYPES = (i8, i16, i32, i64, u8, u16, u32, u64)
FLOAT_TYPES = (f16, bf16, f32, f64)
#: The types a rule is instantiated at when it names none: every integer type and idx.
DEFAULT_RULE_TYPES = INT_TYPES + (idx,)

_VEC = re.compile(r"^([a-z]+[0-9]*)x([0-9]+)$")


def parse_dtype(name: str) -> DType:
    """`i32`, `u8x128`, `f32*` -> DType. Raises RewriterError on an unknown name."""
    if name.endswith("*"):
        return DType("ptr", 64, elem=parse_dtype(name[:-1]))
    if name in SCALARS:
        return SCALARS[name]
    m = _VEC.match(name)
    if m and m.group(1) in SCALARS and int(m.group(2)) > 1:
        return SCALARS[m.group(1)].vec(int(m.group(2)))
    raise RewriterError(f"unknown type '{name}'")
