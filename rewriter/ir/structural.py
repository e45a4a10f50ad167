"""The structural ops: no semantics in the op table (the kernel reference, the lowerings and
the backends give them meaning), declared with their typing, arg and stages so that every op a
UOp carries is in one vocabulary (`rewriter.ir.ops.VOCAB`). `rewriter.ir.ops` imports this
module last, after the table ops (registration order is the vocabulary's order), so importing
either gives the whole vocabulary.
"""
from __future__ import annotations

from rewriter.ir.ops import (
    ANY,
    ARG_BUFFER,
    ARG_LANE,
    ARG_LANES,
    ARG_NAME,
    ARG_NONE,
    ARG_OP,
    ARG_REDUCE,
    ARG_TILE,
    ARG_VALUE,
    ARG_VAR,
    EVERY_STAGE,
    FLOAT,
    GPU,
    IDX,
    KERNEL,
    LOWERED,
    NUMERIC,
    OPS,
    OpDef,
    Sig,
    register_op,
)


def _structural(name, sig, doc, arg, stages, check=None) -> OpDef:
    return register_op(OpDef(name, sig, {}, doc, arg=arg, stages=frozenset(stages),
                             structural=True, check=check))


def _check_lanes(n):
    return None if n.dtype.lanes > 1 else "is a vector of lane indices, not a scalar"


def _check_vshuffle(n):
    if len(n.arg) != n.dtype.lanes:
        return f"picks {len(n.arg)} lanes into a {n.dtype.lanes}-lane result"
    if any(not 0 <= i < n.src[0].dtype.lanes for i in n.arg):
        return f"picks a lane outside 0..{n.src[0].dtype.lanes - 1}"
    return None


def _check_extract(n):
    lanes = n.src[0].dtype.lanes
    return None if 0 <= n.arg < lanes else f"extracts lane {n.arg} of {lanes}"


def _check_hreduce(n):
    return None if n.arg in OPS and OPS[n.arg].arity == 2 else f"folds with '{n.arg}', not a binary table op"


_ALL_BUT_KERNEL = (LOWERED, GPU)

_structural("const", Sig((), "@", ANY),
            "a constant; arg is its value (a tuple of lane values for a vector constant). "
            "Every stage", ARG_VALUE, EVERY_STAGE)
_structural("var", Sig((), "@", ANY),
            "a named input with optional bounds (arg: Var): rule variables, kernel ranges, loop "
            "variables. Every stage", ARG_VAR, EVERY_STAGE)
_structural("load", Sig(("idx*",), "@", ANY),
            "one element of a buffer (arg: its name): one index per dimension in a kernel "
            "(the parser makes it), one flat index once lowered; read by the reference interpreter, the "
            "lowerings, the Hexagon selector and every emitter", ARG_BUFFER, EVERY_STAGE)
_structural("store", Sig(("idx*", "T"), "T", ANY),
            "a kernel statement: the last operand stored at the indices of the buffer named by "
            "arg. Made by the kernel parser; run by the reference interpreter; the lowerings and the "
            "Hexagon selector turn it into Store statements / machine stores",
            ARG_BUFFER, (KERNEL,))
_structural("reduce", Sig(("T",), "T", NUMERIC),
            "the body combined over reduce ranges; arg: (kind, (range, ...)) with kind a "
            "reduction of rewriter.kernel.kernel.REDUCTIONS (sum, reduce_max, reduce_min). "
            "Made by the kernel parser; run by the reference interpreter; the lowerings turn it into "
            "accumulator loops",
            ARG_REDUCE, (KERNEL,))
_structural("acc", Sig((), "@", ANY),
            "the current value of the accumulator named by arg (lowered programs' AccInit / "
            "AccUpdate); made by the CPU and GPU lowerings, read by the LLVM, PTX and WGSL emitters "
            "and the GPU simulator", ARG_NAME, _ALL_BUT_KERNEL)
_structural("lanes", Sig((), "@", frozenset({IDX})),
            "the idx vector 0, 1, ..., W-1 (vectorization); made by the lowerings, read by the emitters",
            ARG_NONE, _ALL_BUT_KERNEL, check=_check_lanes)
_structural("broadcast", Sig(("lane",), "@", ANY),
            "a scalar repeated in every lane; made by vectorization, read by the emitters",
            ARG_NONE, _ALL_BUT_KERNEL)
_structural("vload", Sig(("idx",), "@", ANY),
            "consecutive elements of the buffer named by arg, from a flat index, as a vector; "
            "made by vectorization, read by the emitters", ARG_BUFFER, _ALL_BUT_KERNEL)
_structural("gather", Sig(("idx~",), "@", ANY),
            "one element of the buffer named by arg per lane, at a vector of flat indices; made "
            "by vectorization, read by the emitters", ARG_BUFFER, _ALL_BUT_KERNEL)
_structural("hreduce", Sig(("vec",), "@", ANY),
            "the lanes of a vector folded in lane order with the binary table op named by arg; "
            "made by vectorized reductions, read by the emitters", ARG_OP, _ALL_BUT_KERNEL,
            check=_check_hreduce)
# The GPU-only ops below are made by the GPU lowering (lower/gpu*.py) and read by the PTX and
# WGSL emitters (backends/ptx.py, wgsl*.py) and the lockstep simulator (lower/gpu_sim.py).
_structural("sload", Sig(("idx|idx~",), "@", ANY),
            "element(s) of the GPU shared-memory tile named by arg at a flat index (a vector "
            "result reads consecutive elements), or one element a lane at a vector of indices "
            "(the tiled transpose's column reads: backends/ptx.py shared_load, gpu_sim); made "
            "by the GPU lowering", ARG_BUFFER, (GPU,))
_structural("special", Sig((), "@", frozenset({IDX})),
            "a GPU launch index named by arg (thread / block ids); made by the GPU lowering",
            ARG_NAME, (GPU,))
_structural("extract", Sig(("vec",), "@", ANY),
            "lane arg (an int) of a vector; made by the GPU lowering", ARG_LANE, (GPU,),
            check=_check_extract)
_structural("vshuffle", Sig(("vec",), "@", ANY),
            "the lanes of a vector picked by arg (a tuple of lane indices) into a vector; made "
            "by the GPU lowering", ARG_LANES, (GPU,), check=_check_vshuffle)
_structural("shfl", Sig(("T", "idx"), "T", ANY),
            "a warp shuffle: the first operand of the lane that many lanes away, in the direction "
            "named by arg ('down'); made by the GPU warp reductions", ARG_NAME, (GPU,))
_structural("ldmatrix", Sig(("idx",), "@", ANY),
            "a warp's matrix fragment from a shared tile; arg: (tile name, transposed?); made by "
            "the tensor-core lowering", ARG_TILE, (GPU,))
_structural("mma", Sig(("any", "any", "T"), "T", frozenset({FLOAT})),
            "a warp's tensor-core multiply-accumulate a x b + c of fragments; arg names the "
            "shape (m16n8k16); made by the tensor-core lowering", ARG_NAME, (GPU,))
