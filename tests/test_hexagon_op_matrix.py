"""Every integer elementwise op of the op table (rewriter/ir/ops.py) at every integer type
(i8 u8 i16 u16 i32 u32), compiled by our HVX selection (not LLVM's fallback), run on QEMU and
checked against the reference interpreter: `out[i] = op(a[i], b[i])` over a range off the
vector grid (a tail block that overlaps the one before), inputs over each type's whole range.

Ops whose operands have a domain are written so that the inputs stay in it: shift amounts
are masked to [0, bits), vector divisors kept >= 1 (`max(b, 1)`); division and remainder by
constants take divisors that need the magic-number expansions (7, 10, 100: both of Granlund
and Montgomery's forms), negative ones, powers of two and the largest signed value of the
width (above 255 from 16 bits on: past what the rules are proven for). Compares are selects
(`where(a < b, a, b)`), casts go between every pair of integer types, bools become numbers.

`GAPS` lists what our selection does not cover yet, each as a strict xfail with its reason:
the list shrinks as selection grows (a gap that starts passing fails the run until it is
taken off). The whole matrix is `slow` (`pytest -m slow`); `test_op_matrix_fast` runs a
varying subset at several sizes."""
from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.dsl.rule import load_library
from rewriter.runtime.hexagon import find_toolchain
from rewriter.kernel.parser import parse_kernels
from rewriter.pipeline import Options, optimize
from rewriter.targets.hexagon import OURS, made_by
from tests.test_hexagon_rows import _ours_checked  # (compiled by our selection, checked on QEMU)

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("i8", "u8", "i16", "u16", "i32", "u32")

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _bits(t: str) -> int:
    return int(t[1:])


def _flip(t: str) -> str:
    """The type of t's width and the other signedness."""
    return ("u" if t[0] == "i" else "i") + t[1:]


#: name -> (expression over a[i], b[i] at type T, result type or None for T). `{B1}` is T's
#: width less one, `{M}` the largest signed value of T's width, `{F}` T's other signedness.
OPS = {
    "add": ("a[i] + b[i]", None), "sub": ("a[i] - b[i]", None), "mul": ("a[i] * b[i]", None),
    "and": ("a[i] & b[i]", None), "or": ("a[i] | b[i]", None), "xor": ("a[i] ^ b[i]", None),
    "min": ("min(a[i], b[i])", None), "max": ("max(a[i], b[i])", None),
    "sat_add": ("sat_add(a[i], b[i])", None), "sat_sub": ("sat_sub(a[i], b[i])", None),
    "mulhi": ("mulhi(a[i], b[i])", None),
    "shl": ("a[i] << (b[i] & {B1})", None), "shr": ("a[i] >> (b[i] & {B1})", None),
    "shl_c": ("a[i] << 3", None), "shr_c": ("a[i] >> 3", None),
    "neg": ("-a[i]", None), "not": ("~a[i]", None), "abs": ("abs(a[i])", None),
    "lt": ("where(a[i] < b[i], a[i], b[i])", None), "le": ("where(a[i] <= b[i], b[i], a[i])", None),
    "eq": ("where(a[i] == b[i], a[i], b[i])", None), "ne": ("where(a[i] != b[i], a[i], b[i])", None),
    "div_7": ("a[i] / 7", None), "div_10": ("a[i] / 10", None), "mod_10": ("a[i] % 10", None),
    "div_neg": ("a[i] / -7", None), "mod_neg": ("a[i] % -10", None),
    "div_100": ("a[i] / 100", None),
    "div_pow2": ("a[i] / 8", None), "mod_pow2": ("a[i] % 16", None),
    "div_max": ("a[i] / {M}", None),
    "div_v": ("a[i] / max(b[i], 1)", None), "mod_v": ("a[i] % max(b[i], 1)", None),
    "bool_u8": ("where(a[i] < b[i], 1, 0)", "u8"), "bool_i32": ("cast<i32>(a[i] == b[i])", "i32"),
    "bitcast": ("bitcast<{F}>(a[i])", "{F}"),
    "is_pow2": ("where(is_pow2(a[i]), a[i], b[i])", None), "log2": ("log2(max(a[i], 1))", None),
}

#: (op, type) -> why our selection does not cover it yet.
GAPS = {
    **{("div_max", t): "a divisor above 255: the magic-number rules are proven per divisor up to 255"
       for t in ("i16", "u16", "i32", "u32")},
    **{(op, t): "an unsigned divisor above 255 (-7 and -10 at u16 / u32): proven per divisor up to 255"
       for op in ("div_neg", "mod_neg") for t in ("u16", "u32")},
    **{(op, t): "division by a vector: HVX has no divide (a long division is not written yet)"
       for op in ("div_v", "mod_v") for t in TYPES},
    **{("is_pow2", t): "a select on a bool that is not one compare (is_pow2: x > 0 && x & (x - 1) == 0)"
       for t in TYPES},
    **{(op, t): "a word divided by a constant: its magic-number rules verify too slowly for CI (not in the library)"
       for op in ("div_7", "div_10", "mod_10", "div_100") for t in ("i32", "u32")},
    **{(op, "i32"): "a word divided by a constant: its magic-number rules verify too slowly for CI (not in the library)"
       for op in ("div_neg", "mod_neg")},
}


def _kernel(op: str, t: str, n: int) -> str:
    expr, rt = OPS[op]
    fill = {"B1": _bits(t) - 1, "M": (1 << (_bits(t) - 1)) - 1, "F": _flip(t)}
    expr, rt = expr.format(**fill), (rt or t).format(**fill)
    return f"""kernel k(a: {t}[{n}], b: {t}[{n}]) -> (out: {rt}[{n}]) {{
      i = range({n})
      out[i] = {expr} }}"""


def _cast_kernel(s: str, d: str, n: int) -> str:
    return f"""kernel k(a: {s}[{n}]) -> (out: {d}[{n}]) {{
      i = range({n})
      out[i] = cast<{d}>(a[i]) }}"""


def _case(op: str, t: str):
    why = GAPS.get((op, t))
    marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
    return pytest.param(op, t, marks=marks, id=f"{op}-{t}")


@pytest.mark.slow
@pytest.mark.parametrize("op, t", [_case(op, t) for op in OPS for t in TYPES])
def test_op_matrix(op, t, library):
    _ours_checked(_kernel(op, t, 300), library)


@pytest.mark.slow
@pytest.mark.parametrize("s, d", [(s, d) for s in TYPES for d in TYPES if s != d])
def test_cast_matrix(s, d, library):
    _ours_checked(_cast_kernel(s, d, 300), library)


#: The fast subset: each covered op at two types (a byte type and a wider one, turning with
#: the op), sizes off the grid that vary.
_FAST = [(op, t, n) for k, op in enumerate(OPS)
         for t, n in ((TYPES[k % 2], (77, 1000, 129)[k % 3]), (TYPES[2 + k % 4], (300, 65, 513)[k % 3]))
         if (op, t) not in GAPS]


@pytest.mark.parametrize("op, t, n", _FAST, ids=[f"{op}-{t}-{n}" for op, t, n in _FAST])
def test_op_matrix_fast(op, t, n, library):
    _ours_checked(_kernel(op, t, n), library, seed=n)


@pytest.mark.parametrize("s, d, n", [("i8", "u32", 99), ("u32", "i8", 300), ("u16", "i8", 200), ("i16", "u32", 70)])
def test_cast_matrix_fast(s, d, n, library):
    _ours_checked(_cast_kernel(s, d, n), library, seed=n)


def test_gaps_fall_back_with_their_reason(library):
    """A gap is no wrong answer: the op raises `HexagonUnsupported` naming it and LLVM's
    code runs (here: a division by a vector, and one by a constant above 255)."""
    for op, t in (("div_v", "u16"), ("div_max", "i32")):
        k = parse_kernels(_kernel(op, t, 300))[0]
        opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
        assert made_by(opt.code) != OURS
        assert any("not supported" in str(n) for n in opt.notes), opt.notes
