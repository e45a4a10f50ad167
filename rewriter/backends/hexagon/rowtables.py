"""The selector's tables, read off the ISA table (`isa.py`): which row covers a kernel term.

Selection covers a term with the rows whose meaning it is: lane-wise rows by (op, lane type)
(`LANE_ROWS`), compares into predicates (`COMPARE_ROWS`), rows whose meaning is one term over
their vector operands (`TERM_ROWS`, matched by `match`), the saturating packs (`PACKS`) and the
widening multiplies (`WIDENING_MULS`). They are derived from the rows' semantics, never written
twice, so the QEMU differential test of the ISA table checks the selection tables too.
"""
from __future__ import annotations

from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import is_equations, typed_term
from rewriter.dsl.parser import parse_expr
from rewriter.errors import RewriterError
from rewriter.ir.dtype import DType, parse_dtype
from rewriter.ir.ops import OPS
from rewriter.ir.uop import UOp

#: Narrowing packs: the hvx op (one output lane) -> the row that makes one output vector
#: from two input vectors (`Vu` high half, `Vv` low half).
PACKS = {"hvx.vsat_hw": "vpackwh_sat", "hvx.vsat_ubh": "vpackhub_sat", "hvx.vsat_bh": "vpackhb_sat",
         "hvx.hi_hw": "vpackoh", "hvx.hi_bh": "vpackob"}
#: Widening products: (u's lane type, v's lane type) -> the row `Vdd = vmpy(Vu, Vv)` whose
#: meaning is `mul(cast<W>(u[2i+j]), cast<W>(v[2i+j]))` into lane i of the pair's half j.
WIDENING_MULS = {(parse_dtype(a), parse_dtype(b)): row for a, b, row in (
    ("i8", "i8", "vmpybv"), ("u8", "u8", "vmpyubv"), ("u8", "i8", "vmpybusv"),
    ("i16", "i16", "vmpyhv"), ("u16", "u16", "vmpyuhv"), ("i16", "u16", "vmpyhus"))}

def _lane_rows() -> dict:
    """(op, lane type) -> (row, operand names in order) for every lane-wise ISA row."""
    table = {}
    for row in INSNS.values():
        if not row.lanewise:
            continue
        p = parse_expr(row.sem)
        names = [a.name for a in p.args]
        t = p.args[0].dtype
        table.setdefault((p.op, t), (row, names, [a.dtype for a in p.args]))
    return table


LANE_ROWS = _lane_rows()


def _vector_lane_rows() -> dict:
    """(op, lane type) -> (row, names, types) for the lane-wise rows whose operands are all
    vectors, where `LANE_ROWS` holds a row of the same meaning with a scalar operand (the
    shifts: `vasr(Vu.w, Rt)` by a constant, `vasr(Vu.w, Vv.w)` by a vector of amounts)."""
    table = {}
    for row in INSNS.values():
        if not row.lanewise or any(c != "V" for _, c in row.uses):
            continue
        p = parse_expr(row.sem)
        key = (p.op, p.args[0].dtype)
        if key in LANE_ROWS and LANE_ROWS[key][0] is not row:
            table.setdefault(key, (row, [a.name for a in p.args], [a.dtype for a in p.args]))
    return table


VECTOR_LANE_ROWS = _vector_lane_rows()


def lane_row(key, u: UOp):
    """The lane-wise row covering node `u` at `key` (op, lane type): `LANE_ROWS`' row, or its
    all-vector form where one of `u`'s operands that row reads from a scalar register is not
    a constant (a shift by a vector of amounts). None where neither covers `u`."""
    got = LANE_ROWS.get(key)
    if got is None:
        return None
    row, names, _ = got
    scalar = {n for n, c in row.uses if c != "V"}
    if any(name in scalar and s.op != "const" for s, name in zip(u.src, names)):
        return VECTOR_LANE_ROWS.get(key)
    return got


def _compare_rows() -> dict:
    """(op, lane type) -> (row, operand names in order) for the compares into Q registers."""
    table = {}
    for row in INSNS.values():
        # A lane-wise compare (`lt(v:u8, u:u8)`), not one stated as lane equations (the
        # accumulating `Qx &= vcmp..` and `vand` rows, which selection does not use).
        if row.defs and row.defs[0][1] == "Q" and not is_equations(row.sem) and "[" not in row.sem:
            p = parse_expr(row.sem)
            table[(p.op, p.args[0].dtype)] = (row, [a.name for a in p.args])
    return table


COMPARE_ROWS = _compare_rows()


def _term_rows() -> dict:
    """root op -> [(pattern, row)] for the rows whose meaning is one term over their vector
    operands at one lane width (`vavg`, `vnavg`, `vabsdiff`: `cast<u8>(shr(add(cast<u16>(u:u8),
    cast<u16>(v:u8)), 1))`): the selector covers a kernel term with the row where the term
    matches the row's own meaning (`Selector._term_row`), so the table is the selection rule,
    and QEMU checks the table (tests/test_hexagon_isa_qemu.py)."""
    table: dict = {}
    for row in INSNS.values():
        if row.lanewise or row.tied or len(row.defs) != 1 or row.defs[0][1] != "V" or is_equations(row.sem) \
                or any(c != "V" for _, c in row.uses):
            continue
        try:
            p = typed_term(row.sem)
        except RewriterError:
            continue
        leaves = [n for n in p.toposort() if n.op == "var"]
        if {n.arg.name for n in leaves} != {n for n, _ in row.uses} or any(
                n.dtype.scalar.bits != p.dtype.scalar.bits for n in leaves):
            continue
        table.setdefault(p.op, []).append((p, row))
    return table


TERM_ROWS = _term_rows()


def _match(pattern: UOp, term: UOp, binding: dict) -> bool:
    """Whether `term` is `pattern` with its variables bound (consistently) to subterms."""
    if pattern.op == "var":
        bound = binding.setdefault(pattern.arg.name, term)
        return bound is term and term.dtype == pattern.dtype
    if pattern.op != term.op or pattern.dtype != term.dtype or pattern.arg != term.arg \
            or len(pattern.src) != len(term.src):
        return False
    orders = [term.src]
    if len(term.src) == 2 and term.op in OPS and OPS[term.op].commutes_at(term.src[0].dtype):
        orders.append(term.src[::-1])  # canonical operand order may differ between the two
    for src in orders:
        trial = dict(binding)
        if all(_match(p, t, trial) for p, t in zip(pattern.src, src)):
            binding.update(trial)
            return True
    return False
#: (source lane bits, source signed) -> the widening row; lane bits -> the truncating pack.
_EXTEND = {(8, False): "vzxtb", (8, True): "vsxtb", (16, False): "vzxth", (16, True): "vsxth"}
_TRUNCATE = {16: "vpackeb", 32: "vpackeh"}
#: Wrapping ops whose result bits do not depend on the signedness: an unsigned lane uses the
#: signed row of its width (vadd.b adds u8 lanes too).
SIGNLESS = frozenset({"add", "sub", "mul", "shl", "and", "or", "xor", "not"})
#: Bitwise ops: the same bits at every lane width, so the byte row serves every type.
BITWISE = frozenset({"and", "or", "xor", "not"})


def _lane_coverable(rhs) -> bool:
    """Whether every target op of a rule's right side has a lane-wise row (or pack)."""
    covered = {op for op, _ in LANE_ROWS} | {op for op, _ in COMPARE_ROWS} | set(PACKS)
    return all(p.op in covered for p in rhs.walk() if p.kind == "op" and p.op.startswith("hvx."))


def _elem_bytes(t: DType) -> int:
    return max(1, t.scalar.bits // 8)


def lane_types(*values) -> list[DType]:
    """The types whose lanes a vector block of `values` holds: every node but variables, index
    arithmetic and constants. A constant is a splat or a scalar register operand at whatever
    type its op reads (vmpyi's `Rt.b` byte is no byte lane), so it sizes no block."""
    return [n.dtype for v in values for n in v.toposort() if n.op not in ("var", "const") and not n.dtype.is_idx]


def _signed_twin(t: DType) -> DType:
    """The signed type of t's width (equality does not depend on the signedness)."""
    return parse_dtype(f"i{t.scalar.bits}")


def _splat_bits(value: int, t: DType) -> int:
    """A lane value replicated over 32 bits (what vsplat / the `Rt.b` operands read)."""
    bits = t.scalar.bits
    v = value & ((1 << bits) - 1)
    out = 0
    for k in range(32 // bits):
        out |= v << (k * bits)
    return out


def _signed32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v
