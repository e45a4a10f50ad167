"""The meaning of an ISA row (`isa.py`) as something the op table evaluates, lane by lane.

Two forms of `InsnDesc.sem` are meanings (everything else, memory and control rows, is prose):

  * lane-wise: one op-table pattern over typed operand variables, `sat_add(u:u8, v:u8)`:
    output lane i is the pattern with every vector operand read at its lane i (a scalar
    operand is the register's value at the variable's type). A row whose def is a vector
    predicate (Q) sets every byte bit of lane i to the pattern's bool.
  * lane equations, for cross-lane rows: `;`-separated `out.T[index] = pattern`, where the
    pattern is an op-table pattern whose leaves may be *lane references* `x.T[index]`
    (operand x read as lanes of type T: b ub h uh w uw, or q for a predicate's byte bits).
    `index` is integer arithmetic in the lane counter `i`, the row's immediates and the
    scalar operands' values (`4i+k` is `4*i+k`). `i` ranges over every value for which all
    references of the equation are in range, so `d.h[i+32] = hvx.vsat_hw(u.w[i])` covers
    lanes 32..63 of a half vector. A register pair (the row's `pairs`, e.g. `uu` = ulo:uhi)
    is one operand of 256 bytes, low register first. Every output byte must be written by
    exactly one equation lane (`row_meaning` checks it).

The per-lane patterns are ordinary op-table terms (the same ops the rule verifier proves
things about: a lane reference becomes a typed variable), so the numpy evaluator runs them
here and the Z3 encoders can run the same terms per output lane. Index arithmetic is resolved
before evaluation (it may read a scalar operand, as `vror`'s rotation does: concrete only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rewriter.backends.hexagon.isa import InsnDesc
from rewriter.dsl.parser import parse_expr
from rewriter.dsl.typecheck import Typing, to_uop
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.interp import interpret
from rewriter.ir.uop import UOp, var

#: Lane type suffixes of HVX assembly (`V.ub`, `V.h`, ...) -> op-table types; `q`: one
#: predicate bit per byte (a Q register, or a vector read as 0/1 bytes).
LANE_TYPES = {"b": "i8", "ub": "u8", "h": "i16", "uh": "u16", "w": "i32", "uw": "u32", "q": "bool"}
_NP = {"i8": "<i1", "u8": "<u1", "i16": "<i2", "u16": "<u2", "i32": "<i4", "u32": "<u4"}
_REF = re.compile(r"\b([a-z]\w*)\.(ub|b|uh|h|uw|w|q)\[([^\[\]]+)\]")
_LHS = re.compile(r"^\s*([a-z]\w*)\.(ub|b|uh|h|uw|w|q)\[([^\[\]]+)\]\s*$")


class SemError(ValueError):
    """A row's meaning is malformed (an equation that leaves bytes unwritten, ...)."""


def is_equations(sem: str) -> bool:
    return _LHS.match(sem.split(";")[0].split("=")[0]) is not None and "=" in sem


@lru_cache(maxsize=None)
def _parses(sem: str) -> bool:
    try:
        typed_term(sem)
    except Exception:  # prose: not a pattern of the op-table language
        return False
    return True


def has_meaning(row: InsnDesc) -> bool:
    """Whether the op table can evaluate this row's `sem` (lane-wise or lane equations)."""
    if row.side_effect or not row.defs:
        return False
    if is_equations(row.sem):
        equations(row.sem)  # a malformed equation is an error, not prose
        return True
    return _parses(row.sem)


@lru_cache(maxsize=None)
def typed_term(text: str) -> UOp:
    """A row meaning in the op-table language as a typed term (its operands are vars)."""
    p = parse_expr(text)
    ty = Typing(text)
    ty.infer(p)
    return to_uop(p, ty, None)


def _index_fn(expr: str):
    code = re.sub(r"(\d)([a-z(])", r"\1*\2", expr)
    return compile(code, "<index>", "eval")


@dataclass(frozen=True)
class _Equation:
    out: str
    out_type: str
    out_index: object  # compiled index expression
    term: UOp
    refs: tuple  # (variable name, operand, lane type, compiled index)


@lru_cache(maxsize=None)
def equations(sem: str) -> tuple[_Equation, ...]:
    eqs = []
    for part in sem.split(";"):
        if not part.strip():
            continue
        lhs, rhs = part.split("=", 1)
        m = _LHS.match(lhs)
        if m is None:
            raise SemError(f"not a lane equation: {part!r}")
        refs = []

        def sub(r):
            name = f"_l{len(refs)}"
            refs.append((name, r.group(1), LANE_TYPES[r.group(2)], _index_fn(r.group(3))))
            return f"{name}:{LANE_TYPES[r.group(2)]}"

        term = typed_term(_REF.sub(sub, rhs.strip()))
        eqs.append(_Equation(m.group(1), LANE_TYPES[m.group(2)], _index_fn(m.group(3)), term, tuple(refs)))
    return tuple(eqs)


def _lanes(data: np.ndarray, t: str) -> np.ndarray:
    if t == "bool":
        return data.astype(bool)
    return np.frombuffer(np.ascontiguousarray(data, dtype=np.uint8).tobytes(), dtype=_NP[t])


def _bytes_of(values, t: str) -> np.ndarray:
    if t == "bool":
        return np.asarray([1 if v else 0 for v in values], dtype=np.uint8)
    dt = parse_dtype(t)
    wrapped = [int(v) & ((1 << dt.bits) - 1) for v in values]
    return np.frombuffer(np.asarray(wrapped, dtype=_NP["u" + t.lstrip("iu")]).tobytes(), dtype=np.uint8)


def _eval(term: UOp, env_values: dict[str, list], n: int):
    d = ConcreteDomain(n)
    env = {v: d.from_python(v.dtype, env_values[v.arg.name]) for v in term.vars()}
    m = interpret([term], d, env)[term]
    ok = np.asarray(m.defined, dtype=bool) & ~np.asarray(m.poison, dtype=bool)
    return list(np.broadcast_to(m.value, (n,))), np.broadcast_to(ok, (n,))


def operand_bytes(row: InsnDesc) -> dict[str, int]:
    """Bytes of each named operand (defs and uses; pairs as one operand of both halves)."""
    size = {"V": 128, "Q": 128, "R": 4, "R8": 4}
    out = {n: size[c] for n, c in tuple(row.defs) + tuple(row.uses)}
    for pair, lo, _hi in row.pairs:
        out[pair] = 2 * out[lo]
    return out


def row_meaning(row: InsnDesc, operands: dict[str, np.ndarray], imms: dict[str, int] | None = None):
    """The row's results for one set of operand values: def name -> (bytes, byte-valid mask).

    `operands` maps each use to its bytes (uint8: 128 for V, 4 for R little-endian, 128 0/1
    bytes for Q). A byte is not valid where the op table says the lane is poison or undefined
    (a shift by too much: the row's note restricts its inputs)."""
    imms = dict(imms or {})
    ops = {k: np.asarray(v, dtype=np.uint8) for k, v in operands.items()}
    for pair, lo, hi in row.pairs:
        if lo in ops and hi in ops:
            ops[pair] = np.concatenate([ops[lo], ops[hi]])
    sizes = operand_bytes(row)
    scalars = {n: int(_lanes(ops[n], "i32")[0]) for n, c in row.uses if c in ("R", "R8")}
    if not is_equations(row.sem):
        return _lanewise_meaning(row, ops, scalars)
    outs: dict[str, np.ndarray] = {}
    valid: dict[str, np.ndarray] = {}
    written: dict[str, np.ndarray] = {}
    names = {**imms, **scalars}
    for eq in equations(row.sem):
        osize = sizes[eq.out]
        outs.setdefault(eq.out, np.zeros(osize, np.uint8))
        valid.setdefault(eq.out, np.ones(osize, bool))
        written.setdefault(eq.out, np.zeros(osize, int))
        obytes = 1 if eq.out_type == "bool" else parse_dtype(eq.out_type).bits // 8
        lanes_of = {(op, t): _lanes(ops[op], t) for _n, op, t, _f in eq.refs}
        idx, env = [], {name: [] for name, *_ in eq.refs}
        for i in range(2 * max(sizes.values())):
            names["i"] = i
            o = eval(eq.out_index, {}, names)
            if not 0 <= o < osize // obytes:
                continue
            at = [eval(f, {}, names) for _n, _op, _t, f in eq.refs]
            if any(not 0 <= a < len(lanes_of[(op, t)]) for a, (_n, op, t, _f) in zip(at, eq.refs)):
                continue
            idx.append(o)
            for a, (name, op, t, _f) in zip(at, eq.refs):
                env[name].append(int(lanes_of[(op, t)][a]))
        if not idx:  # (valign by 0: the second source contributes nothing)
            continue
        for v in eq.term.vars():  # a scalar operand named whole, at the variable's type
            if v.arg.name not in env:
                env[v.arg.name] = [v.dtype.scalar.wrap(names[v.arg.name])] * len(idx)
        vals, ok = _eval(eq.term, env, len(idx))
        b = _bytes_of(vals, str(eq.term.dtype.scalar))
        if eq.out_type != "bool" and eq.term.dtype.scalar.bits // 8 != obytes:
            raise SemError(f"{row.name}: {eq.out}.{eq.out_type} lanes get a {eq.term.dtype} term")
        for k, o in enumerate(idx):
            sl = slice(o * obytes, (o + 1) * obytes)
            outs[eq.out][sl] = b[k * obytes:(k + 1) * obytes]
            valid[eq.out][sl] = ok[k]
            written[eq.out][sl] += 1
    for name, w in written.items():
        if (w != 1).any():
            raise SemError(f"{row.name}: bytes of {name} written {sorted(set(w.tolist()))} times, not once")
    for pair, lo, hi in row.pairs:
        if pair in outs:
            half = len(outs[pair]) // 2
            outs[lo], outs[hi] = outs[pair][:half], outs[pair][half:]
            valid[lo], valid[hi] = valid[pair][:half], valid[pair][half:]
            del outs[pair], valid[pair]
    return {k: (outs[k], valid[k]) for k in outs}


def _lanewise_meaning(row: InsnDesc, ops, scalars):
    term = typed_term(row.sem)
    vtypes = {v.arg.name: v.dtype.scalar for v in term.vars()}
    lane_t = next(t for n, t in vtypes.items() if dict(row.uses).get(n) == "V")
    n = 128 // (lane_t.bits // 8)
    env = {}
    for name, t in vtypes.items():
        if dict(row.uses)[name] == "V":
            env[name] = [int(x) for x in _lanes(ops[name], str(t))]
        else:  # a scalar register at the variable's type
            env[name] = [t.wrap(scalars[name])] * n
    vals, ok = _eval(term, env, n)
    width = lane_t.bits // 8
    if term.dtype.scalar.is_bool:
        b = np.repeat(np.asarray([1 if v else 0 for v in vals], np.uint8), width)
    else:
        b = _bytes_of(vals, str(term.dtype.scalar))
    return {row.defs[0][0]: (b, np.repeat(ok, width))}



def lane_term(row: InsnDesc, out: str, lane: int, imms: dict | None = None, scalars: dict | None = None) -> UOp:
    """Output lane `lane` of `out` (as the equation's lane type) as one op-table term whose
    variables are the input lanes it reads, named `operand.T[index]` (`uu.ub[133]`): the
    form a Z3 domain encodes (`rewriter.ir.smt`), so a row's meaning can be proven against
    the ops the selection rules produce. Index arithmetic is resolved with `imms` and the
    concrete `scalars` it reads (a scalar read as lanes, `t.b[0]`, stays a variable)."""
    names = {**(imms or {}), **(scalars or {})}
    sizes = operand_bytes(row)
    for eq in equations(row.sem):
        if eq.out != out:
            continue
        for i in range(2 * max(sizes.values())):
            names["i"] = i
            if eval(eq.out_index, {}, names) != lane:
                continue
            at = [eval(f, {}, names) for _n, _op, _t, f in eq.refs]
            if any(not 0 <= a < sizes[op] // _bytes(t) for a, (_n, op, t, _f) in zip(at, eq.refs)):
                continue
            named = {name: f"{op}.{_SUFFIX[t]}[{a}]" for a, (name, op, t, _f) in zip(at, eq.refs)}
            return eq.term.substitute({v: var(v.dtype, named[v.arg.name]) for v in eq.term.vars()
                                       if v.arg.name in named})
    raise SemError(f"{row.name}: no equation writes {out} lane {lane}")


_SUFFIX = {v: k for k, v in LANE_TYPES.items() if k != "b" or v == "i8"}


def _bytes(t: str) -> int:
    return 1 if t == "bool" else parse_dtype(t).bits // 8
