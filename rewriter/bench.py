"""`rewriter bench`: our compiled kernels against numpy doing the same computation.

The numpy versions are what a numpy user would write for each example kernel (vectorized
array expressions, `@` for matmul). Both sides run in the same process on the same inputs;
each time is the best of `--repeat` calls; the ratio is numpy's time over ours (> 1: we
are faster). Outputs are checked against the reference interpreter before timing.
"""
from __future__ import annotations

import datetime
import platform
import shlex
import sys
import time

import numpy as np

from rewriter.bench_hexagon import bench_ours_vs_llvm, render_markdown, report_header
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference, compare, load, optimize


def _sat_add_u8(a, b):
    return np.minimum(a.astype(np.uint16) + b, 255).astype(np.uint8)


def _softmax(x):
    e = np.exp2((x - x.max(axis=1, keepdims=True)) * np.float32(1.442695))
    return e / e.sum(axis=1, keepdims=True)


def _conv3x3(inp, w):
    i, w = inp.astype(np.int32), w.astype(np.int32)
    return sum(i[ky:ky + 64, kx:kx + 128] * w[ky, kx] for ky in range(3) for kx in range(3))


#: kernel name -> numpy implementation (inputs by name -> outputs by name)
NUMPY = {
    "add_sat_u8": lambda a, b: {"out": _sat_add_u8(a, b)},
    "dot_i8": lambda a, b: {"out": np.dot(a.astype(np.int32), b.astype(np.int32))},
    "conv3x3_u8": lambda inp, w: {"out": _conv3x3(inp, w)},
    "matmul_i8": lambda a, b: {"c": a.astype(np.int32) @ b.astype(np.int32)},
    "requant_u8": lambda acc: {"out": np.clip((acc * 77) >> 10, 0, 255).astype(np.uint8)},
    "relu_f32": lambda x: {"out": np.maximum(x, np.float32(0))},
    "softmax_f32": lambda x: {"out": _softmax(x)},
    "sum3_i16": lambda x: {"out": x[:-2] + x[1:-1] + x[2:]},
    "axpy_f32": lambda alpha, x, y: {"out": alpha * x + y},
    "maxpool2x2_u8": lambda inp: {"out": inp.reshape(64, 2, 128, 2).max(axis=(1, 3))},
}


def _best(fn, repeat: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run_bench(args, library, paths) -> int:
    """`rewriter bench --target T`: every kernel of `paths` through T's pipeline, checked
    against the reference interpreter, with the target's peer where it has one (numpy for
    the CPU, LLVM -O3 on the same QEMU for Hexagon) and timings alone elsewhere."""
    report = PEER_REPORTS.get(args.target, bench_timings)
    return report(args, library, paths)


def _time_ours(args, library, path):
    """(kernel, inputs, outputs, seconds, correct) of our code for one kernel file."""
    kernel = load_kernel(path)
    inputs = random_inputs(kernel, 0)
    run = load(optimize(kernel, library, args.target)).run(inputs, repeat=args.repeat)
    ok = not check_against_reference(kernel, run.outputs, inputs)
    return kernel, inputs, run, ok


def bench_vs_numpy(args, library, paths) -> int:
    rows = []
    status = 0
    for path in paths:
        kernel, inputs, run, ok = _time_ours(args, library, path)
        status |= 0 if ok else 1
        ours = run.seconds
        ref = NUMPY.get(kernel.name)
        theirs = None
        if ref is not None:
            ok &= not compare(kernel, ref(**inputs), run.outputs)
            theirs = _best(lambda: ref(**inputs), args.repeat)
        rows.append((kernel.name, ok, ours, theirs))
    lines = [f"# rewriter bench --target {args.target}",
             f"date {datetime.date.today()}, {platform.processor() or platform.machine()}, "
             f"python {sys.version.split()[0]}, numpy {np.__version__}, best of {args.repeat}", "",
             "| kernel | correct | ours (us) | numpy (us) | numpy / ours |", "|---|---|---:|---:|---:|"]
    for name, ok, ours, theirs in rows:
        ratio = f"{theirs / ours:.2f}x" if theirs else "-"
        t = f"{theirs * 1e6:.1f}" if theirs else "-"
        lines.append(f"| {name} | {'yes' if ok else 'NO'} | {ours * 1e6:.1f} | {t} | {ratio} |")
    ratios = [theirs / ours for _, _, ours, theirs in rows if theirs]
    if ratios:
        lines.append(f"\ngeometric mean numpy / ours: {float(np.exp(np.mean(np.log(ratios)))):.2f}x")
    return _report(args, "\n".join(lines), status)


def bench_timings(args, library, paths) -> int:
    """A target without a peer here: our timing (or the runtime's own account) per kernel."""
    rows, status = [], 0
    for path in paths:
        kernel, _, run, ok = _time_ours(args, library, path)
        status |= 0 if ok else 1
        rows.append(f"| {kernel.name} | {'yes' if ok else 'NO'} | {run.summary} |")
    lines = [f"# rewriter bench --target {args.target}",
             f"date {datetime.date.today()}, {platform.processor() or platform.machine()}, "
             f"python {sys.version.split()[0]}, {args.repeat} runs", "",
             "| kernel | correct | ours |", "|---|---|---|", *rows]
    return _report(args, "\n".join(lines), status)


def bench_hexagon_vs_llvm(args, library, paths) -> int:
    """Our packets vs LLVM -O3's on QEMU, the resource bound, the distance to it and the HVX
    ALU saturation (rewriter/bench_hexagon.py)."""
    rows = bench_ours_vs_llvm(paths, library, scheduler=args.scheduler, time_limit=args.time_limit)
    command = f"rewriter bench --target hexagon --scheduler {args.scheduler}" \
        + (f" --time-limit {args.time_limit:g}" if args.time_limit is not None else "") \
        + "".join(f" {shlex.quote(a)}" for a in args.kernels)
    text = report_header(command) + render_markdown(rows)
    wrong = [r.kernel for r in rows if (r.ours and r.ours.counts and not r.ours.correct) or not r.llvm.correct]
    return _report(args, text, 1 if wrong else 0)


def _report(args, text: str, status: int) -> int:
    print(text)
    if args.save_report:  # the CLI's writer: its path checked before the run, written atomically
        written = args.save_report(text + "\n")
        print(f"wrote {written}")
    return status


#: Targets whose bench compares with a peer: the strongest form of the peer we run here.
PEER_REPORTS = {"cpu": bench_vs_numpy, "hexagon": bench_hexagon_vs_llvm}
