"""The lowered program: structured loops over straight-line UOp statements.

Lowering turns each store of a kernel into a loop nest. Statements are data:

  Loop(var, stop, step, body, kind)   `var` (an idx `var` UOp) runs 0, step, ... < stop;
                                      kind is "parallel", "reduce" or "serial"
  AccInit(name, dtype, value)         a reduction accumulator (scalar or vector)
  AccUpdate(name, value)              acc = value (value reads the accumulator via `acc`)
  Store(buffer, index, value)         one element, or `lanes` consecutive elements

Values are UOps over the op table plus a few lowered ops:
  load     (flat_index,) arg=buffer          one element
  vload    (flat_index,) arg=buffer          consecutive elements, vector-typed
  gather   (vector_index,) arg=buffer        one element per lane
  broadcast (scalar,)                         the same value in every lane
  lanes    ()                                 idx vector 0, 1, ..., W-1
  acc      () arg=name                        the current value of an accumulator
  hreduce  (vector,) arg=op                   fold the lanes with a table op, in lane order

(declared in `rewriter.ir.ops.VOCAB`; `rewriter.lower.validate.validate_program` checks a
program against the declarations at the "lowered" stage).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rewriter.ir.dtype import DType
from rewriter.ir.printer import format_uop
from rewriter.ir.uop import UOp


@dataclass(frozen=True)
class Loop:
    var: UOp
    stop: int
    step: int
    body: tuple
    kind: str = "parallel"
    unroll: int = 1  # body copies per iteration (stop is a multiple of step * unroll)


@dataclass(frozen=True)
class AccInit:
    name: str
    dtype: DType
    value: UOp


@dataclass(frozen=True)
class AccUpdate:
    name: str
    value: UOp


@dataclass(frozen=True)
class Store:
    buffer: str
    index: UOp
    value: UOp
    loc: object = field(default=None, compare=False)  # the kernel statement's SourceLoc


@dataclass(frozen=True)
class Program:
    kernel: object  # the (simplified) Kernel this came from
    body: tuple
    target: object
    notes: tuple = ()  # human-readable decisions (shown by --explain / --stats)


def walk(stmts):
    for s in stmts:
        yield s
        if isinstance(s, Loop):
            yield from walk(s.body)


def _leaf(u: UOp):
    """Lowered ops print as opaque leaves (atoms) inside the ordinary infix syntax."""
    text = None
    if u.op == "vload":
        text = f"{u.arg}[{_fmt(u.src[0])} : +{u.dtype.lanes}]"
    elif u.op == "gather":
        text = f"gather {u.arg}[{_fmt(u.src[0])}]"
    elif u.op == "load" and u.dtype.lanes == 1 and len(u.src) == 1:
        text = f"{u.arg}[{_fmt(u.src[0])}]"
    elif u.op == "broadcast":
        text = f"broadcast<{u.dtype.lanes}>({_fmt(u.src[0])})"
    elif u.op == "lanes":
        text = f"lanes<{u.dtype.lanes}>"
    elif u.op == "acc":
        text = u.arg
    elif u.op == "hreduce":
        text = f"hreduce_{u.arg}({_fmt(u.src[0])})"
    return text


def _fmt(u: UOp) -> str:
    return format_uop(u, _leaf)


def format_program(p: Program) -> str:
    lines = [f"# {p.kernel.name} for {p.target.name} ({p.target.vector_bytes}-byte vectors)"]
    lines += [f"# {n}" for n in p.notes]

    def emit(stmts, depth):
        pad = "  " * depth
        for s in stmts:
            if isinstance(s, Loop):
                step = f" step {s.step}" if s.step != 1 else ""
                unroll = f", unrolled x{s.unroll}" if s.unroll > 1 else ""
                lines.append(f"{pad}for {s.var.arg.name} in 0..{s.stop}{step}:  # {s.kind}{unroll}")
                emit(s.body, depth + 1)
            elif isinstance(s, AccInit):
                lines.append(f"{pad}{s.name}: {s.dtype} = {_fmt(s.value)}")
            elif isinstance(s, AccUpdate):
                lines.append(f"{pad}{s.name} = {_fmt(s.value)}")
            else:
                lanes = s.value.dtype.lanes
                tgt = f"{s.buffer}[{_fmt(s.index)}" + (f" : +{lanes}]" if lanes > 1 else "]")
                lines.append(f"{pad}{tgt} = {_fmt(s.value)}")

    emit(p.body, 0)
    return "\n".join(lines) + "\n"
