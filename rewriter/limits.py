"""How big an input may be, as data: the limits the parsers enforce on `.rules`, `.ir` and
`rewriter simplify` text, each refused with a `file:line:col` error that names the limit.

A limit is raised for one command with `--limit NAME=VALUE` (repeatable), and in Python by
passing another `Limits` to the parser (no environment switch, no global): `parse_kernels(text, filename, limits=Limits(max_depth=256))`,
`parse_rule_file(..., limits=...)`, `parse_expr(..., limits=...)`, `load_library(paths,
limits=...)`. Every error says which field it is (`limit_name`), so the fix is findable.

Why each limit exists:
  max_depth         expressions are walked recursively downstream (typing, rewriting,
                    lowering, the reference), each level several Python frames: 128 levels
                    stay well inside Python's default recursion limit (1000) everywhere
                    (tests/test_limits.py compiles, runs and checks a kernel at the limit).
                    A chain `a + b + ... + z` nests one level per operator. Raising it past
                    ~200 also needs a deeper Python stack (sys.setrecursionlimit): only the
                    parser's check and `format_uop` are iterative.
  max_literal_bits  an integer literal's magnitude; Python refuses to convert more than 4300
                    decimal digits, and no type holds more than 64 bits (idx values compile
                    to at most i256, rewriter/backends/idx_width.py).
  max_name_length   LLVM and the assemblers take symbol names from buffer and kernel names;
                    a name over ~1 KiB made the emitted LLVM IR invalid.
  max_dims          dimensions of a buffer (numpy allows 64; the backends index with one
                    affine flat address, and nothing needs more than a few).
  max_range_extent  one range's size: loops count in 64-bit registers and GPU grids in
                    32-bit ones; a range of 1e30 cannot be compiled.
  max_buffer_bytes  one buffer's size: the reference interpreter and `rewriter run` allocate
                    every buffer (the largest shipped example buffer is 256 MiB).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_depth: int = 128
    max_literal_bits: int = 128
    max_name_length: int = 256
    max_dims: int = 8
    max_range_extent: int = 1 << 32
    max_buffer_bytes: int = 1 << 32


def limit_name(field: str) -> str:
    """Where a limit is set, as error messages name it: the field, and the command-line flag
    that raises it for one command."""
    return f"rewriter.limits.Limits.{field}; raise it with --limit {field}=N"
