"""The Hexagon backend's entry point: a simplified kernel to HVX assembly, by the list
scheduler's search (`list_search.compile_list`) or the global modulo solver (`global_sched.compile_global`)."""
from __future__ import annotations

from rewriter.backends.hexagon.emit import HexagonCode
from rewriter.backends.hexagon.list_search import compile_list
from rewriter.backends.hexagon.global_sched import DEFAULT_TIME_LIMIT, compile_global
from rewriter.backends.hexagon.select import SelectionRewriter
from rewriter.backends.hexagon.mir import HexagonUnsupported
from rewriter.backends.hexagon.parts import independent_parts, joined
from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.rewrite.engine import Rewriter

SCHEDULERS = ("global", "list")


def compile_hexagon(kernel: Kernel, library, unroll: int | None = None, rotate: bool | None = None,
                    scheduler: str = "list", time_limit: float | None = None, *,
                    simplified: Kernel | None = None, portable=None, progress=None) -> HexagonCode:
    """Compile `kernel` for Hexagon v66 HVX-128. `library` is the rule library (its portable
    rules simplify the kernel, its Hexagon target rules select HVX ops); `simplified` and
    `portable` are the pipeline's simplified kernel and its rewriter, when it has them.
    `scheduler="list"`: each unroll factor with and without loop rotation, list-scheduled,
    fewest model cycles wins (`unroll`, `rotate` fix either). `scheduler="global"`: the loop is
    software-pipelined by the modulo solver (docs/SCHEDULING.md), `time_limit` seconds per
    candidate loop body (default `global_sched.DEFAULT_TIME_LIMIT`); `progress(tried, total,
    candidate)` is told as the global scheduler starts each candidate body.
    Raises `HexagonUnsupported` for kernels outside what the backend handles yet."""
    if scheduler not in SCHEDULERS:
        raise RewriterError(f"hexagon: unknown scheduler '{scheduler}' (choose from: {', '.join(SCHEDULERS)})")
    portable = portable or Rewriter(library.portable())
    simple = simplified or kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    _check_lane_widths(simple)
    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit

    def one(k: Kernel, s: Kernel, limit: float) -> HexagonCode:
        if scheduler == "global":
            return compile_global(k, library, unroll=unroll, simplified=s, portable=portable, progress=progress,
                                  time_limit=limit)
        return compile_list(s, portable, SelectionRewriter(library), unroll, rotate)

    try:
        return one(kernel, simple, limit)
    except HexagonUnsupported as whole:
        # Stores one loop cannot hold together may each compile alone (parts.py): the search's
        # time is shared among them, so --time-limit still bounds the whole.
        parts = independent_parts(kernel, simple)
        if parts is None:
            raise
        try:
            codes = [one(k, s, limit / len(parts)) for k, s in parts]
        except HexagonUnsupported:
            raise whole from None
        return joined(kernel, codes)


def _check_lane_widths(kernel: Kernel) -> None:
    """Refuse, by name, values wider than an HVX lane (32 bits) before any search: otherwise
    the first structural refusal a search meets is reported instead (an i64 dot product was
    refused as "rows of 4099 lanes (nested loops)", yet the same dot in i32 compiles)."""
    for st in kernel.stores:
        for n in st.src[-1].toposort():
            t = n.dtype.scalar
            if t.is_int and t.bits > 32:
                raise HexagonUnsupported(f"values of type {t} (an HVX lane holds at most 32 bits; LLVM's code "
                                         f"splits them into 32-bit halves)")
