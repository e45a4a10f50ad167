"""The per-stage IR validator: every node checked against its op's declaration
(`rewriter.ir.ops.VOCAB`), in the spirit of tinygrad's spec checks.

A node is valid at a stage when
  * its op is declared (`op_info`) and allowed at the stage (`OpDef.stages`);
  * it has the declared number of operands (`OpDef.arity`; a variadic op at least the fixed
    ones);
  * its operand and result types fit the signature (`Sig`; a table op's operands have the
    node's lane count);
  * its `arg` is of the declared kind (`OpDef.arg`: flags among the op's own, a constant's
    value in its type's range, a buffer name, lane indices...), and the op's own extra check
    (`OpDef.check`) holds.

Stages: "kernel" (parsed or simplified kernels: table ops, const, var, load, store, reduce),
"lowered" (CPU loop programs: + acc, lanes, broadcast, vload, gather, hreduce), "gpu" (GPU
programs: + sload, special, extract, vshuffle, shfl, ldmatrix, mma), "target:<name>" (the
kernel and lowered vocabularies plus the ops registered for that target, e.g.
"target:hexagon" for `hvx.*`). Statement-level checks of kernels and programs (buffers,
ranks, accumulators) are `rewriter.kernel.validate` and `rewriter.lower.validate`.
"""
from __future__ import annotations

from rewriter.errors import IRValidationError
from rewriter.ir.dtype import DType, idx, parse_dtype
from rewriter.ir.ops import (
    ARG_BUFFER,
    ARG_FLAGS,
    ARG_LANE,
    ARG_LANES,
    ARG_NAME,
    ARG_NONE,
    ARG_OP,
    ARG_REDUCE,
    ARG_TILE,
    ARG_VALUE,
    ARG_VAR,
    GPU,
    KERNEL,
    LOWERED,
    OpDef,
    op_info,
    type_class,
)
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp, Var

STAGES = (KERNEL, LOWERED, GPU)


def stage_tags(stage: str) -> frozenset:
    """The `OpDef.stages` tags admitted at `stage`."""
    if stage in STAGES:
        return frozenset({stage})
    if stage.startswith("target:") and len(stage) > len("target:"):
        return frozenset({KERNEL, LOWERED, stage})
    raise ValueError(f"unknown IR stage '{stage}' (kernel, lowered, gpu or target:<name>)")


def validate_uops(roots, stage: str, where: str = "") -> None:
    """Check every node reachable from `roots` (a UOp or an iterable of them) at `stage`;
    raise `IRValidationError` on the first violation. `where` prefixes the message (e.g.
    the statement the term belongs to)."""
    tags = stage_tags(stage)
    seen: set = set()
    for root in ([roots] if isinstance(roots, UOp) else roots):
        for n in root.toposort():
            if n in seen:
                continue
            seen.add(n)
            problem = check_node(n, tags)
            if problem is not None:
                rule, msg = problem
                text = _show(n)
                raise IRValidationError(f"{where}{': ' if where else ''}{stage} IR: {text}: {msg}",
                                        node=n, rule=rule, stage=stage)


def check_node(n: UOp, tags: frozenset) -> tuple[str, str] | None:
    """(rule, message) of the first declaration `n` breaks at a stage with these tags, or
    None. Operands are not visited (validate_uops walks the term)."""
    d = op_info(n.op)
    if d is None:
        return "declared", f"op '{n.op}' is not declared (rewriter.ir.ops; target ops register with their target)"
    if not d.stages & tags:
        return "stage", f"op '{n.op}' is not allowed here (it belongs to {', '.join(sorted(d.stages))})"
    fixed = [p for p in d.sig.params if not p.endswith("*")]
    if d.arity is not None and len(n.src) != d.arity:
        return "arity", f"'{n.op}' takes {d.arity} operand{'s' * (d.arity != 1)}, got {len(n.src)}"
    if d.arity is None and len(n.src) < len(fixed):
        return "arity", f"'{n.op}' takes at least {len(fixed)} operands, got {len(n.src)}"
    msg = _check_types(n, d)
    if msg is not None:
        return "type", msg
    msg = _check_arg(n, d)
    if msg is not None:
        return "arg", msg
    if d.check is not None and (msg := d.check(n)) is not None:
        return "check", f"'{n.op}' {msg}"
    return None


def _params(d: OpDef, n: int) -> list[str]:
    """The signature's parameters for a node of n operands (a starred one repeated)."""
    if d.arity is not None:
        return list(d.sig.params)
    out: list[str] = []
    extra = n - (len(d.sig.params) - 1)
    for p in d.sig.params:
        out += [p[:-1]] * extra if p.endswith("*") else [p]
    return out


def _cls(t: DType) -> str | None:
    return None if t.kind == "ptr" else type_class(t)


def _check_types(n: UOp, d: OpDef) -> str | None:
    lanes = n.dtype.lanes
    T: DType | None = None
    for i, (p, s) in enumerate(zip(_params(d, len(n.src)), n.src)):
        t = s.dtype
        what = f"operand {i} of '{n.op}' is {t}"
        if not d.structural and t.lanes != lanes:
            return f"{what}, not {lanes} lane{'s' * (lanes != 1)} like the result"
        if p == "T":
            if T is None:
                T = t
            elif t != T:
                return f"{what}, but an earlier operand is {T} (the signature makes them one type)"
        elif p == "bool":
            if not (t.is_bool and t.lanes == lanes):
                return f"{what}, not bool" + (f"x{lanes}" if lanes > 1 else "")
        elif p == "idx":
            if t != idx:
                return f"{what}, not a scalar idx"
        elif p == "idx|idx~":
            if t != idx and not (t.is_idx and t.lanes == lanes):
                return f"{what}, neither a scalar idx nor idx with {lanes} lanes"
        elif p == "idx~":
            if not (t.is_idx and t.lanes == lanes):
                return f"{what}, not idx with {lanes} lanes"
        elif p == "lane":
            if t != n.dtype.scalar:
                return f"{what}, not the result's lane type {n.dtype.scalar}"
        elif p == "vec":
            if not (t.lanes > 1 and t.scalar == n.dtype.scalar):
                return f"{what}, not a vector of {n.dtype.scalar}"
        elif p != "any":
            want = parse_dtype(p)
            if t.scalar != want or t.lanes != lanes:
                return f"{what}, not {want}" + (f"x{lanes}" if lanes > 1 else "")
    res = d.sig.result
    if T is not None and _cls(T) not in d.sig.T:
        return f"'{n.op}' is not defined at {T}"
    if res == "T":
        if T is not None and n.dtype != T:
            return f"'{n.op}' of {T} operands has type {n.dtype}, not {T}"
        if T is None and _cls(n.dtype) not in d.sig.T:
            return f"'{n.op}' is not defined at {n.dtype}"
    elif res == "bool":
        want_lanes = T.lanes if T is not None else lanes
        if not (n.dtype.is_bool and n.dtype.lanes == want_lanes):
            return f"'{n.op}' yields bool, not {n.dtype}"
    elif res == "@":
        if _cls(n.dtype) not in d.sig.T:
            return f"'{n.op}' cannot have type {n.dtype}"
    elif n.dtype.scalar != parse_dtype(res):
        return f"'{n.op}' yields {res}, not {n.dtype}"
    return None


def _is_str_tuple(x) -> bool:
    return isinstance(x, tuple) and all(isinstance(s, str) for s in x)


def _check_arg(n: UOp, d: OpDef) -> str | None:
    a, kind = n.arg, d.arg
    bad = f"'{n.op}' has arg {a!r}"
    if kind == ARG_FLAGS:
        if a is None:
            return None
        if not _is_str_tuple(a):
            return f"{bad}, not poison flags"
        if not set(a) <= d.flags:
            return f"{bad}: allowed flags are {', '.join(sorted(d.flags)) or 'none'}"
        return None
    if kind == ARG_NONE:
        return None if a is None else f"{bad}, expected none"
    if kind == ARG_VALUE:
        return _check_value(n)
    if kind == ARG_VAR:
        return None if isinstance(a, Var) else f"{bad}, not a Var"
    if kind in (ARG_BUFFER, ARG_NAME):
        return None if isinstance(a, str) and a else f"{bad}, not a {kind}"
    if kind == ARG_OP:
        return None if isinstance(a, str) and op_info(a) is not None else f"{bad}, not an op name"
    if kind == ARG_LANE:
        return None if isinstance(a, int) and not isinstance(a, bool) else f"{bad}, not a lane index"
    if kind == ARG_LANES:
        ok = isinstance(a, tuple) and all(isinstance(i, int) and not isinstance(i, bool) for i in a)
        return None if ok else f"{bad}, not a tuple of lane indices"
    if kind == ARG_REDUCE:
        ok = isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str) and _is_str_tuple(a[1]) and a[1]
        return None if ok else f"{bad}, not (kind, (range, ...))"
    if kind == ARG_TILE:
        ok = isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], bool)
        return None if ok else f"{bad}, not (tile, transposed)"
    return f"'{n.op}' declares an unknown arg kind '{kind}'"


def _check_value(n: UOp) -> str | None:
    t = n.dtype
    values = n.arg if isinstance(n.arg, tuple) else (n.arg,)
    if isinstance(n.arg, tuple) and len(values) != t.lanes:
        return f"a {t} constant has {len(values)} lane values"
    for v in values:
        if t.is_bool:
            ok = isinstance(v, bool)
        elif t.is_float:
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        elif t.is_integral:
            ok = isinstance(v, int) and not isinstance(v, bool) and (
                t.is_idx or t.scalar.min <= v <= t.scalar.max)
        else:
            ok = False
        if not ok:
            return f"the constant {v!r} is not a value of {t.scalar}"
    return None


def _show(n: UOp) -> str:
    """The node, printed without trusting it (a malformed node may not print)."""
    try:
        text = format_uop(n) if n.depth() <= 20 else f"{n.op}(...)"
    except Exception:  # noqa: BLE001 - a broken node: fall back to its parts
        text = f"{n.op}({len(n.src)} operands, arg={n.arg!r})"
    return f"'{text}' : {n.dtype}"
