"""The CPU target: its description and LLVM IR for the host."""
from __future__ import annotations

from rewriter.backends.llvm_emit import emit_module
from rewriter.backends.llvm_tools import host_target_machine
from rewriter.lower.program import Program


def emit_llvm(prog: Program) -> str:
    tm = host_target_machine()
    return str(emit_module(prog, prog.target.triple, str(tm.target_data)))
