"""Packed 8/16-bit lanes computed a whole 32-bit word at a time ("SIMD within a register").

WGSL has no 8- or 16-bit integers, so a vector of u8 lanes is otherwise unpacked, computed and
re-packed lane by lane (`wgsl.py`). For the ops below the four bytes (or two half-words) of a
word can be computed together with 32-bit integer arithmetic that never lets a carry or borrow
cross a lane boundary: the lane's top bit is handled apart from its low bits.

With `H` = the top bit of every lane (0x80808080 for bytes) and `L` = ~H:

  add(a, b)      ((a & L) + (b & L)) ^ ((a ^ b) & H)
                 the low bits sum without leaving their lane (at most 0x7f + 0x7f); the top
                 bit is the xor of both top bits and the carry into it (Hacker's Delight, 2-18)
  sub(a, b)      ((a | H) - (b & L)) ^ ((a ^ ~b) & H)
                 the borrow of the low bits is absorbed by the top bit set in every lane of
                 the minuend (ibid.)
  sat_add(a, b)  add(a, b) | lanes_of(carry out of the top bit), where the carry out is
                 ((a & b) | ((a ^ b) & low_sum)) & H  (majority of a7, b7 and the carry in)
  sat_sub(a, b)  sub(a, b) & ~lanes_of(borrow out), borrow out = ((~a & b) | (~(a ^ b) & d)) & H
  max/min (u)    a >= b per lane: ((a & ~b) | (~(a ^ b) & t)) & H with
                 t = (a | H) - (b & L) (t's top bit = low bits of a >= low bits of b), then a
                 select by mask: (a & m) | (b & ~m)
  max/min (i)    the same on a ^ H, b ^ H (flipping the sign bit maps signed order onto
                 unsigned order), selecting the original a / b
  and/or/xor/not bitwise, so lane-wise already; casts between the 8-bit (or 16-bit) types
                 of either signedness keep the bits

`lanes_of(x)` turns the top bit of each lane into a full lane mask: (x >> (bits - 1)) * lane
mask, which cannot carry into the next lane. The identities are checked exhaustively for all
byte pairs (and edge half-words) on lavapipe by `tests/test_webgpu_swar.py`.

An emitter is `f(let, spec, a, b)`: `let(expr)` binds a u32 expression to a fresh name and
returns it (so arguments can be repeated), `spec` describes the lane width.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lanes:
    """The constants of one lane width inside a 32-bit word."""

    bits: int

    def _rep(self, v: int) -> str:
        word = 0
        for i in range(32 // self.bits):
            word |= v << (i * self.bits)
        return f"{hex(word)}u"

    @property
    def high(self) -> str:  # H: every lane's top bit
        return self._rep(1 << (self.bits - 1))

    @property
    def low(self) -> str:  # L: every lane's other bits
        return self._rep((1 << (self.bits - 1)) - 1)

    @property
    def ones(self) -> str:  # 1 in every lane (broadcast multiplier)
        return self._rep(1)

    @property
    def mask(self) -> str:
        return f"{hex((1 << self.bits) - 1)}u"

    def lanes_of(self, let, top: str) -> str:
        """A full lane mask wherever `top` has the lane's top bit set."""
        return let(f"(({top} >> {self.bits - 1}u) * {self.mask})")


def _add(let, s: Lanes, a, b):
    return let(f"((({a} & {s.low}) + ({b} & {s.low})) ^ (({a} ^ {b}) & {s.high}))")


def _sub(let, s: Lanes, a, b):
    return let(f"((({a} | {s.high}) - ({b} & {s.low})) ^ (({a} ^ ~{b}) & {s.high}))")


def _sat_add(let, s: Lanes, a, b):
    low = let(f"(({a} & {s.low}) + ({b} & {s.low}))")
    total = let(f"({low} ^ (({a} ^ {b}) & {s.high}))")
    carry = let(f"((({a} & {b}) | (({a} ^ {b}) & {low})) & {s.high})")
    return let(f"({total} | {s.lanes_of(let, carry)})")


def _sat_sub(let, s: Lanes, a, b):
    d = _sub(let, s, a, b)
    borrow = let(f"(((~{a} & {b}) | (~({a} ^ {b}) & {d})) & {s.high})")
    return let(f"({d} & ~{s.lanes_of(let, borrow)})")


def _ge_mask(let, s: Lanes, a, b):
    """A full lane mask where lane a >= lane b (unsigned)."""
    t = let(f"(({a} | {s.high}) - ({b} & {s.low}))")
    ge = let(f"((({a} & ~{b}) | (~({a} ^ {b}) & {t})) & {s.high})")
    return s.lanes_of(let, ge)


def _select(which: str, signed: bool):
    def emit(let, s: Lanes, a, b):
        x, y = (let(f"({a} ^ {s.high})"), let(f"({b} ^ {s.high})")) if signed else (a, b)
        m = _ge_mask(let, s, x, y)
        big, small = (a, b) if which == "max" else (b, a)
        return let(f"(({big} & {m}) | ({small} & ~{m}))")
    return emit


def _bitwise(symbol: str):
    return lambda let, s, a, b: let(f"({a} {symbol} {b})")


def _keep(let, s, a):
    return a


#: (op, signed) -> word emitter; ops absent here fall back to lane-by-lane code.
SWAR = {
    **{(op, sg): f for sg in (False, True) for op, f in (
        ("add", _add), ("sub", _sub),
        ("and", _bitwise("&")), ("or", _bitwise("|")), ("xor", _bitwise("^")),
        ("not", lambda let, s, a: let(f"(~{a})")),
        ("cast", _keep), ("bitcast", _keep))},
    ("sat_add", False): _sat_add, ("sat_sub", False): _sat_sub,
    ("max", False): _select("max", False), ("min", False): _select("min", False),
    ("max", True): _select("max", True), ("min", True): _select("min", True),
}


def lane_spec(t) -> Lanes | None:
    """The lane layout of vector type `t` when its lanes fill whole words of 8/16-bit integers."""
    s = t.scalar
    if not s.is_int or s.is_bool or s.is_idx or s.bits not in (8, 16):
        return None
    if (t.lanes * s.bits) % 32:
        return None
    return Lanes(s.bits)
