"""The CPU target: its description and LLVM IR for the host."""
from __future__ import annotations

from rewriter.backends.llvm_emit import emit_module
from rewriter.lower.program import Program


def emit_llvm(prog: Program) -> str:
    from rewriter.runtime.cpu import host_target_machine

    tm = host_target_machine()
    return str(emit_module(prog, prog.target.triple, str(tm.target_data)))
