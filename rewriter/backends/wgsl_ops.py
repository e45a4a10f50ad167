"""The op table in WGSL: one entry per IR op, each reproducing the op table's semantics
(`rewriter/ir/ops.py`) on the carriers of `wgsl_types` wherever the result is defined.

An emitter is `emit(node, t, *args) -> str`: `t` is the operand type, `args` are WGSL
identifiers or literals (the caller binds every node to a `let`, so an argument may be
repeated freely). Narrow integer results are re-wrapped with `wrap` after the ops that can
leave the range (add, sub, mul, neg, shl, not, abs); and/or/xor/min/max/shr/div/mod of
in-range operands stay in range (for signed operands because sign extension commutes with
the bitwise ops). Where WGSL's own behaviour differs from ours it is only on inputs that are
poison or UB in the IR (shift >= width, division by zero, float -> int out of range), so
any WGSL result is a refinement.

Float min/max are the op table's compare-and-select, not WGSL's `min`/`max` (whose NaN and
signed-zero behaviour the spec leaves open). `fma` is WGSL's `fma`, which the spec lets an
implementation compute unfused: a documented deviation (docs/WEBGPU.md).
"""
from __future__ import annotations

from rewriter.backends.wgsl_types import WgslError, carrier, literal, needs_wrap, wrap
from rewriter.ir.dtype import DType


def _c(t: DType) -> str:
    return carrier(t)


def _is_float(t: DType) -> bool:
    return t.scalar.is_float


def _wrapping(symbol: str):
    def emit(n, t, a, b):
        return wrap(n.dtype, f"({a} {symbol} {b})") if not _is_float(t) else f"({a} {symbol} {b})"
    return emit


def _plain(symbol: str):
    return lambda n, t, a, b: f"({a} {symbol} {b})"


def _neg(n, t, a):
    if _is_float(t):
        return f"(-{a})"
    if _c(t) == "u32":
        return wrap(t, f"(0u - {a})")  # WGSL has no unary minus on u32
    return wrap(t, f"(-{a})")


def _not(n, t, a):
    if t.scalar.is_bool:
        return f"(!{a})"
    return wrap(t, f"(~{a})")


def _shift(symbol: str):
    def emit(n, t, a, b):
        # WGSL takes the amount as u32 and uses only its low 5 bits; amounts >= the width are
        # poison in the IR, so masking changes nothing defined (and keeps constant amounts
        # legal: a constant shift >= 32 is a WGSL shader-creation error).
        amount = f"(u32({b}) & 31u)"
        out = f"({a} {symbol} {amount})"
        return wrap(n.dtype, out) if symbol == "<<" else out
    return emit


def _minmax(which: str):
    def emit(n, t, a, b):
        if _is_float(t):
            # min: b < a ? b : a      max: a < b ? b : a   (the op table's definitions)
            return f"select({a}, {b}, {b} < {a})" if which == "min" else f"select({a}, {b}, {a} < {b})"
        return f"{which}({a}, {b})"
    return emit


def _abs(n, t, a):
    if _c(t) == "u32":
        return a
    return f"abs({a})" if _is_float(t) else wrap(t, f"abs({a})")


def _where(n, t, c, a, b):
    return f"select({b}, {a}, {c})"


def _cast(n, t, a):
    s, d = t.scalar, n.dtype.scalar
    if s == d:
        return a
    cs, cd = _c(s), _c(d)
    if d.is_bool:
        return _ne(n, s, a, literal(s, 0))
    if s.is_bool:
        return f"select({literal(d, 0)}, {literal(d, 1)}, {a})"
    if s.is_float and d.is_float:
        return f"{cd}({a})"  # f16 <-> f32 (WGSL rounds to nearest even)
    if s.is_float:  # out of range is poison in the IR; WGSL clamps
        return wrap(d, f"{cd}({a})")
    if d.is_float:
        return f"{cd}({a})"
    # int -> int: reinterpret the 32-bit carrier (its value is already sign/zero-extended by
    # the source's signedness), then wrap to the destination's width.
    moved = a if cs == cd else f"bitcast<{cd}>({a})"
    return wrap(d, moved)


def _bitcast(n, t, a):
    s, d = t.scalar, n.dtype.scalar
    cs, cd = _c(s), _c(d)
    if cs == "f16":  # f16 -> i16/u16: the low half of WGSL's pack2x16float (exact for f16 values)
        bits = f"(pack2x16float(vec2<f32>(f32({a}), 0.0f)) & 0xffffu)"
        bits = f"select({bits}, 0x7e00u, !({a} == {a}))"  # the canonical quiet NaN (ops.py)
        return bits if cd == "u32" else wrap(d, f"bitcast<i32>({bits})")
    if cd == "f16":  # i16/u16 -> f16
        return f"f16(unpack2x16float(bitcast<u32>({a}) & 0xffffu).x)"  # f16 -> f32 -> f16: exact
    if s.is_float and not d.is_float:
        # Every NaN reads as the canonical quiet NaN (ops.py); hardware keeps payloads.
        canonical = literal(d, 0x7FC00000)
        return f"select(bitcast<{cd}>({a}), {canonical}, !({a} == {a}))"
    if cs == cd:
        return wrap(d, a) if needs_wrap(d) else a
    return wrap(d, f"bitcast<{cd}>({a})")


def _sat(kind: str):
    def emit(n, t, a, b):
        s = t.scalar
        lo, hi = literal(s, s.min), literal(s, s.max)
        if s.bits < 32:  # the exact result fits the 32-bit carrier: clamp it
            if not s.signed:
                return f"min({a} + {b}, {hi})" if kind == "add" else f"(max({a}, {b}) - {b})"
            return f"clamp({a} {'+' if kind == 'add' else '-'} {b}, {lo}, {hi})"
        if not s.signed:
            if kind == "add":
                return f"select({a} + {b}, {hi}, {a} + {b} < {a})"
            return f"(max({a}, {b}) - {b})"
        r = f"({a} {'+' if kind == 'add' else '-'} {b})"
        # Signed overflow (Hacker's Delight 2-13): the result's sign differs from both
        # operands' (add) / from a's and a and b differ in sign (sub).
        ovf = f"((({a} ^ {r}) & ({b} ^ {r})) < 0i)" if kind == "add" else f"((({a} ^ {b}) & ({a} ^ {r})) < 0i)"
        return f"select({r}, select({hi}, {lo}, {a} < 0i), {ovf})"
    return emit


def _mulhi(n, t, a, b):
    s = t.scalar
    if s.bits < 32:  # the double-width product fits 32 bits
        return f"(({a} * {b}) >> {s.bits}u)"
    return f"mulhi_{_c(s)}({a}, {b})"


def _log2(n, t, a):
    if _is_float(t):
        return f"log2({a})"
    return f"({literal(t, 31)} - {_c(t)}(countLeadingZeros({a})))"


def _is_pow2(n, t, a):
    return f"((countOneBits({a}) == {literal(t, 1)}) && ({a} > {literal(t, 0)}))"


def _recip(n, t, a):
    return f"({literal(t, 1.0)} / {a})"


def _nullary(which: str):
    def emit(n, t):
        d = n.dtype.scalar
        return literal(d, {"int_max": d.max, "int_min": d.min, "bits": d.bits}[which])
    return emit


def _float_only(name: str):
    def emit(n, t, *args):
        if not _is_float(t):
            raise WgslError(f"'{n.op}' on {t} has no WGSL emitter")
        return f"{name}({', '.join(args)})"
    return emit


def _ne(n, t, a, b):
    # IEEE `!=` is unordered (true for NaN); naga emits WGSL's float `!=` as an ordered
    # compare (false for NaN), so floats say "not equal" as the negation of `==`.
    return f"(!({a} == {b}))" if _is_float(t) else f"({a} != {b})"


def _div(n, t, a, b):
    return f"({a} / {b})"  # integer: truncating, as in the IR; /0 and MIN/-1 are UB there


#: op -> emitter(node, operand type, *operand expressions)
EMIT = {
    "add": _wrapping("+"), "sub": _wrapping("-"), "mul": _wrapping("*"),
    "neg": _neg, "div": _div, "mod": _plain("%"),
    "shl": _shift("<<"), "shr": _shift(">>"),
    "and": lambda n, t, a, b: f"({a} {'&&' if t.scalar.is_bool else '&'} {b})",
    "or": lambda n, t, a, b: f"({a} {'||' if t.scalar.is_bool else '|'} {b})",
    "xor": lambda n, t, a, b: f"({a} {'!=' if t.scalar.is_bool else '^'} {b})",
    "not": _not,
    "min": _minmax("min"), "max": _minmax("max"), "abs": _abs,
    "lt": _plain("<"), "le": _plain("<="), "eq": _plain("=="), "ne": _ne,
    "where": _where, "cast": _cast, "bitcast": _bitcast,
    "sat_add": _sat("add"), "sat_sub": _sat("sub"), "mulhi": _mulhi,
    "sqrt": _float_only("sqrt"), "exp2": _float_only("exp2"), "log2": _log2,
    "recip": _recip, "fma": _float_only("fma"), "is_pow2": _is_pow2,
    "int_max": _nullary("int_max"), "int_min": _nullary("int_min"), "bits": _nullary("bits"),
}

#: Helper functions an emitted expression may call, added to a module only when used.
#: 32x32 -> high 32 bits from 16-bit limbs (WGSL has no 64-bit integers); the signed
#: variant corrects the unsigned product: hi_s(a, b) = hi_u(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0).
HELPERS = {
    "mulhi_u32": """fn mulhi_u32(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let lo = a0 * b0; let m1 = a1 * b0; let m2 = a0 * b1;
  let mid = (lo >> 16u) + (m1 & 0xffffu) + (m2 & 0xffffu);
  return a1 * b1 + (m1 >> 16u) + (m2 >> 16u) + (mid >> 16u);
}""",
    "mulhi_i32": """fn mulhi_i32(a: i32, b: i32) -> i32 {
  var h = mulhi_u32(bitcast<u32>(a), bitcast<u32>(b));
  if (a < 0i) { h = h - bitcast<u32>(b); }
  if (b < 0i) { h = h - bitcast<u32>(a); }
  return bitcast<i32>(h);
}""",
}
HELPER_DEPS = {"mulhi_i32": ("mulhi_u32",)}
