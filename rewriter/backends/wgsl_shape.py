"""How a GpuProgram is shaped for WGSL before it is printed (`wgsl.py` prints it):

  * which buffers are bound as `array<vec4<word>>` (`vec4_buffers`: every access a whole,
    aligned 16-byte group) and which stores write whole 4-byte words of a packed buffer
    (`whole_words`; the others need atomics);
  * which loops are printed unrolled, with the loop variable a constant in every copy
    (`unrolled`, `substituted`).
"""
from __future__ import annotations

from dataclasses import fields, replace

from rewriter.backends.wgsl_types import storage, words
from rewriter.ir.analysis import index_alignment
from rewriter.ir.uop import UOp
from rewriter.lower.gpu_program import GpuProgram, If
from rewriter.lower.program import Loop, Store


def walk(stmts):
    for s in stmts:
        yield s
        if isinstance(s, (Loop, If)):
            yield from walk(s.body)


def whole_words(s: Store, kernel_buffers: dict, multiples: dict) -> bool:
    """Whether store `s` writes whole 4-byte words (always, for an unpacked buffer)."""
    st = storage(kernel_buffers[s.buffer].dtype)
    if not st.packed:
        return True
    lanes = s.value.dtype.lanes
    return lanes % st.per_word == 0 and index_alignment(s.index, multiples) % st.per_word == 0


def program_values(body):
    """Every UOp a statement list reads (values, indices, conditions), nodes in topological order."""
    for s in walk(body):
        for f in ("value", "cond", "index"):
            u = getattr(s, f, None)
            if isinstance(u, UOp):
                yield from u.toposort()


def vec4_buffers(gp: GpuProgram, atomic: set) -> frozenset:
    """The buffers bound as `array<vec4<word>>`: every access to them, in every launch, is a
    vector load or store of whole 16-byte groups at a 16-byte-aligned index. One such access
    is then one 128-bit load/store (what PTX's `ld.global.v4` does) instead of four 32-bit
    ones, which the shader compiler does not merge by itself."""
    bufs = {b.name: b for b in gp.buffers}
    ok = {}  # buffer -> still eligible

    def access(name: str, lanes: int, index: UOp, multiples: dict):
        b = bufs[name]
        st = storage(b.dtype)
        per_vec = 16 * 8 // st.bits  # elements in one vec4 of words
        good = (st.elem_bytes == 4 and name not in atomic and words(b.dtype, b.size) % 4 == 0
                and lanes % per_vec == 0 and index_alignment(index, multiples) % per_vec == 0)
        ok[name] = ok.get(name, True) and good

    for launch in gp.launches:
        mult = dict(launch.multiples)
        for u in program_values(launch.body):
            if u.op == "vload":
                access(u.arg, u.dtype.lanes, u.src[0], mult)
            elif u.op in ("load", "gather"):
                ok[u.arg] = False
        for s in walk(launch.body):
            if isinstance(s, Store):
                access(s.buffer, s.value.dtype.lanes, s.index, mult)
    return frozenset(n for n, good in ok.items() if good)


#: Loops of at most this many iterations and body statements (counted through nested
#: loops) are printed unrolled, with the loop variable a constant in every copy.
UNROLL_TRIPS = 16
UNROLL_STATEMENTS = 64


def body_size(body) -> int:
    return sum(1 + (body_size(s.body) * (s.stop // s.step) if isinstance(s, Loop) else
                    body_size(s.body) if isinstance(s, If) else 0) for s in body)


def unrolled(loop: Loop) -> bool:
    """Whether `loop` is printed as straight-line copies. The PTX path gets this from LLVM
    (its loop unroller and then CSE of the loop-invariant loads, e.g. conv3x3's weights);
    WGSL's `for` reaches the driver's compiler after naga, so the emitter does it: each copy's
    indices fold to constants and the copies share every value that does not read the
    variable (the memo), as one WGSL function scope."""
    trips = -(-loop.stop // loop.step)
    return trips <= UNROLL_TRIPS and body_size(loop.body) * trips <= UNROLL_STATEMENTS


def substituted(stmt, mapping: dict):
    """`stmt` with `mapping` applied to every value it holds (through nested bodies)."""
    changes = {}
    for f in fields(stmt):
        v = getattr(stmt, f.name)
        if f.name == "var":
            continue  # the variable a Loop / Let binds, not a read of it
        if isinstance(v, UOp):
            changes[f.name] = v.substitute(mapping)
        elif f.name == "body":
            changes[f.name] = tuple(substituted(b, mapping) for b in v)
    return replace(stmt, **changes)
