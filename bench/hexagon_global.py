"""List scheduler vs global (modulo) scheduler on the Hexagon examples, measured on QEMU.

    .venv/bin/python bench/hexagon_global.py [--limit 2] [--llvm] [-o bench/results/hexagon-global.md]

Per example kernel the backend supports: packets QEMU executes with the list scheduler
(`compile_hexagon(kernel, library)`) and with the global scheduler (`scheduler="global"`),
both checked against the reference interpreter on the same inputs; the global schedule's II
and its proven bound, stages, the loop's total cycles with the proven lower bound and gap,
ALU and load saturation of the steady state, the ALU ceiling (the most any schedule of the
emitted body reaches, and the bound that sets it), the selection form (or the solver's picks
per copy for a mixed body), who placed it and the solve time; the resource
bound (`schedule.resource_bound`) of the list-scheduled code or of the global schedule's
selection, whichever is lower (the forms select different instructions: sum3's vtmpy body
needs fewer packets than the native one the list scheduler compiles); both model cycle estimates (the
machine model's latencies: stalls included). `--llvm` adds LLVM -O3's packets.
"""
from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from rewriter.backends.hexagon import compile_hexagon
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.schedule import resource_bound
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime.hexagon import run_on_qemu

REPO = Path(__file__).resolve().parent.parent
KERNELS = ["add_sat_u8", "sum3_i16", "requant_u8", "dot_i8", "conv3x3_u8", "maxpool2x2_u8", "matmul_i8"]


def measure(kernel, asm, inputs) -> tuple[int, bool]:
    run = run_on_qemu(kernel, asm, inputs)
    return run.counts.packets, not check_against_reference(kernel, run.outputs, inputs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=2.0, help="solver seconds per candidate loop body")
    ap.add_argument("--llvm", action="store_true", help="also measure LLVM -O3 (needs clang)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    library = load_library([REPO / "rules"])
    head = ["kernel"] + (["LLVM -O3"] if args.llvm else []) + \
        ["list", "global", "list / global", "resource bound", "list model cycles", "global model cycles", "II (bound)", "stages", "loop cycles (bound)",
         "gap", "ALU sat.", "ALU ceiling", "load sat.", "form", "placed by", "unroll", "solve s"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios, llvm_ratios = [], []
    for name in KERNELS:
        kernel = load_kernel(REPO / f"examples/{name}.ir")
        inputs = random_inputs(kernel, 0)
        listed = compile_hexagon(kernel, library)
        t0 = time.monotonic()
        glob = compile_global(kernel, library, time_limit=args.limit)
        seconds = time.monotonic() - t0
        lp, lok = measure(kernel, listed.asm, inputs)
        gp, gok = measure(kernel, glob.asm, inputs)
        cells = [name]
        if args.llvm:
            from rewriter.backends.hexagon_llvm import compile_llvm_baseline
            llp, llok = measure(kernel, compile_llvm_baseline(kernel, library), inputs)
            cells.append(f"{llp}" + ("" if llok else " (WRONG)"))
            llvm_ratios.append(llp / gp)
        r = glob.modulo
        ratios.append(lp / gp)
        cells += [f"{lp}" + ("" if lok else " (WRONG)"), f"{gp}" + ("" if gok else " (WRONG)"), f"{lp / gp:.2f}x",
                  str(min(resource_bound(listed.machine), resource_bound(glob.machine))), str(listed.model_cycles), str(glob.model_cycles)]
        if r is None:
            cells += ["-"] * 10 + ["list (not pipelined)", "-", f"{seconds:.1f}"]
        else:
            form = r.form if not r.picks else "mixed: " + ", ".join(p.split(": ")[1] for p in r.picks)
            cells += [f"{r.ii} ({r.ii_lower_bound})", str(r.stages), f"{r.total_cycles} ({r.lower_bound})",
                      f"{r.gap:.1%}", f"{r.alu_saturation:.0%}", f"{r.alu_ceiling:.0%} ({r.ceiling_why.split(':')[0]})",
                      f"{r.load_saturation:.0%}", form, f"{r.solver} ({r.status})", f"x{r.unroll}", f"{seconds:.1f}"]
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    def geo(xs):
        return math.exp(sum(math.log(x) for x in xs) / len(xs))

    text = "\n".join(rows) + f"\n\nGeometric mean list / global packets: {geo(ratios):.3f}x\n"
    if llvm_ratios:
        text += f"Geometric mean LLVM -O3 / global packets: {geo(llvm_ratios):.3f}x\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
