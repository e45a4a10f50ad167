"""A kernel's stores simplified with a rule library, by one of the two engines."""
from __future__ import annotations

from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.rewrite.engine import Rewriter
from rewriter.solver.saturate import SaturatingRewriter

ENGINES = ("greedy", "saturate")


def make_rewriter(library, engine: str = "greedy"):
    """The term rewriter: the greedy first-match engine (rules in library order) or equality
    saturation with cost-based extraction (every rule, in any order)."""
    if engine == "greedy":
        return Rewriter(library)
    if engine == "saturate":
        return SaturatingRewriter(library)
    raise RewriterError(f"unknown engine '{engine}' (choose from: {', '.join(ENGINES)})")


def simplify_kernel(kernel: Kernel, rewriter) -> Kernel:
    return kernel.with_stores(rewriter.normalize(s) for s in kernel.stores)
