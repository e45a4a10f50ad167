"""Hexagon benchmark: packets executed on QEMU by LLVM -O3 (HVX auto-vectorized) and by our
code generator, per kernel, both checked against the reference interpreter.

Packets are the figure of merit: Hexagon is VLIW and issues one packet per cycle when
nothing stalls, and QEMU counts committed packets exactly (`rewriter/runtime/hexagon.py`).
Counts are deterministic -- no repeats, no timing noise -- but they are not cycles: stalls
(load latency, resource conflicts between packets) are invisible to them. The lower-bound
column is for the caller's resource model (`lower_bound(kernel) -> packets`), left empty
when none is given.

Library use::

    rows = bench_hexagon(paths, library, ours=my_codegen, lower_bound=my_model)
    text = render_markdown(rows)

Command line: `rewriter bench --target hexagon [--out FILE] [kernels...]` (ours vs LLVM,
`bench_ours_vs_llvm`), or the LLVM side alone::

    python -m rewriter.bench_hexagon [--out bench/results/hexagon-llvm.md] [examples/*.ir ...]
"""
from __future__ import annotations

import argparse
import datetime
import math
import platform
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import llvmlite
import llvmlite.binding as llvm

from rewriter.backends.hexagon.schedule import alu_work, resource_bound
from rewriter.backends.hexagon_llvm import compile_llvm_baseline
from rewriter.dsl.rule import load_library
from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, optimize
from rewriter.rules_path import default_kernel_paths, default_rule_paths
from rewriter.runtime.hexagon import HexagonCounts, find_toolchain, run_on_qemu
from rewriter.targets.hexagon import FALLBACK, LlvmCode


@dataclass
class Side:
    """One compiler's result on one kernel: counts when it ran, else the error."""

    correct: bool = False
    counts: HexagonCounts | None = None
    error: str = ""

    def cell(self) -> str:
        if self.error:
            return f"error: {self.error}"
        return "yes" if self.correct else "NO"


@dataclass
class Row:
    kernel: str
    llvm: Side
    ours: Side | None = None  # None: no code generator was given
    lower_bound: int | None = None  # packets, from the caller's resource model
    alu_work: int | None = None  # HVX compute units our code keeps busy (for the saturation)
    made_by: str = ""  # "ours", "LLVM (fewer packets)" or "fallback: LLVM -O3 (our selection: ...)"
    compile_s: float | None = None  # seconds `rewriter optimize --target hexagon` took (our side)

    @property
    def alu_saturation(self) -> float | None:
        """Busy HVX compute units / (4 units x our packets)."""
        if self.alu_work is None or self.ours is None or self.ours.counts is None:
            return None
        return self.alu_work / (4 * max(1, self.ours.counts.packets))

    @property
    def bound_distance(self) -> float | None:
        """Our packets over the resource lower bound (1.0: at the bound)."""
        if self.lower_bound is None or self.ours is None or self.ours.counts is None:
            return None
        return self.ours.counts.packets / max(1, self.lower_bound)

    @property
    def speedup(self) -> float | None:
        """LLVM packets over ours (> 1: ours executes fewer packets); only when both are correct."""
        if self.ours is None or not (self.llvm.correct and self.ours.correct):
            return None
        return self.llvm.counts.packets / max(1, self.ours.counts.packets)


def _measure(kernel: Kernel, inputs, build: Callable[[], str | bytes]) -> Side:
    try:
        run = run_on_qemu(kernel, build(), inputs)
    except RewriterError as e:
        return Side(error=str(e).splitlines()[0] if str(e) else type(e).__name__)
    return Side(correct=not check_against_reference(kernel, run.outputs, inputs), counts=run.counts)


def bench_hexagon(paths, library, ours: Callable[[Kernel], str] | None = None, *,
                  lower_bound: Callable[[Kernel], int | None] | None = None, seed: int = 0) -> list[Row]:
    """One row per kernel file: LLVM's packets, ours when `ours(kernel) -> assembly text` is
    given, and `lower_bound(kernel)` when given. A compiler that fails on a kernel gets its
    error in its cell; the other columns are still filled."""
    rows = []
    for path in paths:
        kernel = load_kernel(path)
        inputs = random_inputs(kernel, seed)
        row = Row(kernel.name, _measure(kernel, inputs, lambda: compile_llvm_baseline(kernel, library)))
        if ours is not None:
            row.ours = _measure(kernel, inputs, lambda: ours(kernel))
        if lower_bound is not None:
            row.lower_bound = lower_bound(kernel)
        rows.append(row)
    return rows


def bench_ours_vs_llvm(paths, library, seed: int = 0, scheduler: str = "global",
                       time_limit: float | None = None, progress=None) -> list[Row]:
    """What `rewriter optimize --target hexagon` makes (software-pipelined by the global
    scheduler unless `scheduler` says "list") against LLVM -O3, with our resource bound and
    ALU saturation. The "ours" side is our selection's code, or LLVM's where our selection
    falls back (its packets are then LLVM's); `made_by` says which, and says "LLVM (fewer
    packets)" where the target would ship LLVM's code because ours ran more packets (the
    target's own race is off here: this bench measures both sides anyway). `progress` is the global scheduler's (`Options.progress`)."""
    compiled: dict = {}
    seconds: dict = {}

    def ours(kernel: Kernel):
        if kernel.name not in compiled:
            t0 = time.perf_counter()
            options = Options(scheduler=scheduler, time_limit=time_limit, versus_llvm=False, progress=progress)
            compiled[kernel.name] = optimize(kernel, library, "hexagon", options).lowered.code
            seconds[kernel.name] = time.perf_counter() - t0
        return compiled[kernel.name]

    def code(kernel: Kernel):
        c = ours(kernel)
        return c.llvm.object if isinstance(c, LlvmCode) else c.asm

    def bound(kernel: Kernel):
        if not _compiles(ours, kernel) or isinstance(ours(kernel), LlvmCode):
            return None
        return sum(resource_bound(f.machine) for f in ours(kernel).functions)

    rows = bench_hexagon(paths, library, code, seed=seed, lower_bound=bound)
    for row in rows:
        c = compiled.get(row.kernel)
        row.compile_s = seconds.get(row.kernel)
        if c is None:
            row.made_by = "-"
        elif isinstance(c, LlvmCode):
            row.made_by = c.headline() if c.made_by == FALLBACK else "LLVM"
        else:
            row.alu_work = sum(alu_work(f.machine) for f in c.functions)
            faster = (row.ours is not None and row.ours.counts is not None and row.llvm.correct
                      and row.llvm.counts.packets < row.ours.counts.packets)
            row.made_by = "LLVM (fewer packets)" if faster else "ours"
    return rows


def hexagon_row(path, library, scheduler: str = "global", time_limit: float | None = None,
                progress=None) -> Row:
    """One kernel's row of `bench_ours_vs_llvm` (what one `--cluster` worker runs)."""
    return bench_ours_vs_llvm([path], library, scheduler=scheduler, time_limit=time_limit, progress=progress)[0]


def _compiles(ours, kernel) -> bool:
    try:
        ours(kernel)
        return True
    except RewriterError:
        return False


def _num(side: Side | None, field: str) -> str:
    if side is None or side.counts is None:
        return "-"
    return str(getattr(side.counts, field))


def render_markdown(rows: list[Row]) -> str:
    """The table: our columns only when a code generator was given, the bound column only
    when some row has one."""
    with_ours = any(r.ours is not None for r in rows)
    with_bound = any(r.lower_bound is not None for r in rows)
    with_made_by = any(r.made_by for r in rows)
    head = ["kernel", "LLVM correct", "LLVM packets", "LLVM insns", "LLVM HVX insns"]
    if with_ours:
        head += ["ours correct", "our packets", "speedup (LLVM/ours)"]
    if with_bound:
        head += ["lower bound (packets)", "ours / bound", "HVX ALU busy"]
    if with_made_by:  # last: earlier columns keep their places
        head += ["compile s", "code made by"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    for r in rows:
        cells = [r.kernel, r.llvm.cell(), _num(r.llvm, "packets"), _num(r.llvm, "insns"), _num(r.llvm, "hvx_insns")]
        if with_ours:
            s = r.speedup
            cells += [r.ours.cell() if r.ours else "-", _num(r.ours, "packets"), f"{s:.2f}x" if s else "-"]
        if with_bound:
            d, sat = r.bound_distance, r.alu_saturation
            cells += [str(r.lower_bound) if r.lower_bound is not None else "-", f"{d:.2f}x" if d else "-",
                      f"{sat:.0%}" if sat is not None else "-"]
        if with_made_by:
            made = r.made_by if len(r.made_by) <= 120 else r.made_by[:117] + "..."
            cells += [f"{r.compile_s:.1f}" if r.compile_s is not None else "-", made]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    speedups = [r.speedup for r in rows if r.speedup]
    if speedups:
        geo = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
        lines.append(f"\ngeometric mean speedup (LLVM packets / our packets): {geo:.2f}x over {len(speedups)} kernels")
    if with_made_by:
        ours = [r.speedup for r in rows if r.made_by in ("ours", "LLVM (fewer packets)") and r.speedup]
        fallback = sum(r.made_by.startswith("fallback") for r in rows)
        faster = sum(r.made_by == "LLVM (fewer packets)" for r in rows)
        line = (f"\nour selection made code for {len(ours)} of {len(rows)} kernels (LLVM's has fewer packets on "
                f"{faster}: the target ships LLVM's there); LLVM -O3 is the fallback for {fallback}")
        if ours:
            geo = math.exp(sum(math.log(s) for s in ours) / len(ours))
            line += f"; geometric mean speedup where our selection made code: {geo:.2f}x"
        slowest = max((r for r in rows if r.compile_s is not None), key=lambda r: r.compile_s, default=None)
        if slowest is not None:
            line += f"; slowest compile: {slowest.kernel}, {slowest.compile_s:.1f} s"
        lines.append(line)
    return "\n".join(lines)


def report_header(command: str) -> str:
    """Date, command and tool versions, for the results file."""
    v = find_toolchain().versions()
    llvm_v = ".".join(map(str, llvm.llvm_version_info))
    return "\n".join([
        "# Hexagon packets: LLVM -O3 baseline (HVX auto-vectorization)",
        "",
        f"- date: {datetime.date.today()} ({platform.machine()} host, python {sys.version.split()[0]})",
        f"- command: `{command}`",
        f"- simulator: {v['qemu']} (packets / insns / HVX insns: QEMU's exact counters c20..c22)",
        f"- compiler: LLVM {llvm_v} via llvmlite {llvmlite.__version__}, hexagonv66 +hvxv66,+hvx-length128b, "
        "-O3, -hexagon-autohvx, -hexagon-small-data-threshold=0, -hvc-vi=false "
        "(rewriter/backends/hexagon_llvm.py says why)",
        f"- assembler / linker: {v['llvm_mc']}; {v['ld_lld']}",
        "- inputs: `random_inputs(kernel, 0)`; every output checked against the reference interpreter",
        "", "",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rewriter.bench_hexagon", description=__doc__.splitlines()[0])
    ap.add_argument("kernels", nargs="*", help="kernel files (default: examples/*.ir)")
    ap.add_argument("--rules", action="append", help="rule files or folders (default: the project's rules/)")
    ap.add_argument("--out", help="also write the report to this markdown file")
    args = ap.parse_args(argv)
    paths = args.kernels or default_kernel_paths()
    if args.out and Path(args.out).resolve() in {Path(p).resolve() for p in paths}:
        ap.error("--out would overwrite an input file")
    rows = bench_hexagon(paths, load_library(args.rules or default_rule_paths()))
    command = "python -m rewriter.bench_hexagon" + "".join(f" {shlex.quote(a)}" for a in (argv or sys.argv[1:]))
    text = report_header(command) + render_markdown(rows) + "\n"
    print(text, end="")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    return 0 if all(r.llvm.correct for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
