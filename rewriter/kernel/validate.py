"""Kernel-stage validation: every store and value node checked against the op vocabulary
(`rewriter.ir.validate`) plus what only the kernel knows: buffers exist with the right rank
and element type, stores go to outputs or temporaries, variables are the kernel's ranges and
reductions run over its reduce ranges."""
from __future__ import annotations

from rewriter.errors import IRValidationError
from rewriter.ir.ops import KERNEL
from rewriter.ir.validate import validate_uops
from rewriter.kernel.kernel import REDUCTIONS, Kernel


def validate_kernel(kernel: Kernel, stage: str = KERNEL) -> Kernel:
    """Check `kernel` at `stage` ("kernel" after parsing and simplification, or a target
    stage such as "target:hexagon" after selection); returns it, raises IRValidationError."""
    names = {b.name: b for b in kernel.buffers}
    ranges = {r.name: r for r in kernel.ranges}
    for i, st in enumerate(kernel.stores):
        where = f"kernel {kernel.name}, statement {i + 1}"

        def fail(msg, node=None, rule="kernel"):
            raise IRValidationError(f"{where}: {stage} IR: {msg}", node=node, rule=rule, stage=stage)

        if st.op != "store":
            fail(f"a statement is a '{st.op}', not a store", st)
        validate_uops(st, stage, where)
        buf = names.get(st.arg)
        if buf is None:
            fail(f"stores to undeclared buffer '{st.arg}'", st)
        if buf.role == "input":
            fail(f"stores to the input '{buf.name}'", st)
        if len(st.src) - 1 != len(buf.shape):
            fail(f"stores to '{buf.name}' with {len(st.src) - 1} indices, its rank is {len(buf.shape)}", st)
        if st.src[-1].dtype != buf.dtype:
            fail(f"stores a {st.src[-1].dtype} value to '{buf.name}' of {buf.dtype}", st)
        for n in st.toposort():
            if n.op == "load":
                b = names.get(n.arg)
                if b is None:
                    fail(f"loads undeclared buffer '{n.arg}'", n)
                if len(n.src) != len(b.shape) or n.dtype != b.dtype:
                    fail(f"loads '{b.name}' ({b.dtype}, rank {len(b.shape)}) as {n.dtype} with "
                         f"{len(n.src)} indices", n)
            elif n.op == "var" and n.arg.name not in ranges:
                fail(f"variable '{n.arg.name}' is not a range of the kernel", n)
            elif n.op == "reduce":
                kind, over = n.arg
                if kind not in REDUCTIONS:
                    fail(f"unknown reduction '{kind}'", n)
                for r in over:
                    if r not in ranges or not ranges[r].reduce:
                        fail(f"reduces over '{r}', not a reduce range of the kernel", n)
    return kernel
