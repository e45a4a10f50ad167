"""`rewriter bench`: our compiled kernels against numpy doing the same computation.

The numpy versions are what a numpy user would write for each example kernel (vectorized
array expressions, `@` for matmul). Both sides run in the same process on the same inputs;
each time is the best of `--repeat` calls; the ratio is numpy's time over ours (> 1: we
are faster). Outputs are checked against the reference interpreter before timing.

With `--cluster` (`args.cluster`, an open `rewriter.cluster.Cluster`), each kernel is one
task: a worker compiles, runs and checks it (and times numpy beside it, in the same
process) and sends back its row. Hexagon packet counts are exact wherever they run; CPU
times taken on workers that share cores are noisier than a sequential run's. `args.progress`
(a `rewriter.progress.Progress`) counts kernels, and shows the global scheduler's candidates
when the kernels compile here.
"""
from __future__ import annotations

import datetime
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from rewriter.bench_hexagon import hexagon_row, render_markdown, report_header
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference, compare, load, optimize
from rewriter.progress import Progress


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


def _each_kernel(args, fn, paths, *extra, scheduler_progress: bool = False) -> list:
    """`fn(path, *extra)` for every kernel, results in the order of `paths`: on the cluster's
    workers when there is one, else here one after another. A kernel whose task raises
    raises here, as it would without a cluster. With `scheduler_progress`, a local run also
    passes `progress=` (the global scheduler's candidates) to `fn`."""
    bar = getattr(args, "progress", None) or Progress(None)
    cluster = getattr(args, "cluster", None)
    results: list = [None] * len(paths)
    try:
        if cluster is not None:
            for k, done in enumerate(cluster.map_tasks(fn, paths, *extra), 1):
                if done.error is not None:
                    raise done.error
                results[done.index] = done.value
                bar.update(k, Path(paths[done.index]).name, total=len(paths))
        else:
            def candidates(tried, total, label):
                bar.detail(f"candidate {tried}/{total} {label}" if label else "")
            kw = {"progress": candidates} if scheduler_progress and bar.active else {}
            for n, path in enumerate(paths):
                bar.update(n, Path(path).name, total=len(paths))
                results[n] = fn(path, *extra, **kw)
            bar.update(len(paths), "", total=len(paths))
    finally:
        bar.finish()
    return results


def _time_ours(target, library, path, repeat):
    """(kernel, inputs, outputs, seconds, correct) of our code for one kernel file."""
    kernel = load_kernel(path)
    inputs = random_inputs(kernel, 0)
    opt = optimize(kernel, library, target)
    run = load(opt).run(inputs, repeat=repeat)
    ok = not check_against_reference(kernel, run.outputs, inputs, tolerance=opt.lowered.tolerance)
    return kernel, inputs, run, ok


def numpy_row(path, library, target: str, repeat: int):
    """(kernel name, ours correct, ours and numpy agree, our seconds, numpy's or None): one
    kernel of `bench_vs_numpy` (what one `--cluster` worker runs)."""
    kernel, inputs, run, ok = _time_ours(target, library, path, repeat)
    agree = ok
    ref = NUMPY.get(kernel.name)
    theirs = None
    if ref is not None:
        agree &= not compare(kernel, ref(**inputs), run.outputs)
        theirs = _best(lambda: ref(**inputs), repeat)
    return kernel.name, ok, agree, run.seconds, theirs


def _header(args, how: str) -> list[str]:
    """The report's title and the machine it ran on, then a blank line."""
    return [f"# rewriter bench --target {args.target}",
            f"date {datetime.date.today()}, {platform.processor() or platform.machine()}, "
            f"python {sys.version.split()[0]}, {how}", ""]


def bench_vs_numpy(args, library, paths) -> int:
    measured = _each_kernel(args, numpy_row, paths, library, args.target, args.repeat)
    rows = [(name, agree, ours, theirs) for name, _, agree, ours, theirs in measured]
    status = 0 if all(ok for _, ok, _, _, _ in measured) else 1
    lines = [*_header(args, f"numpy {np.__version__}, best of {args.repeat}"),
             "| kernel | correct | ours (us) | numpy (us) | numpy / ours |", "|---|---|---:|---:|---:|"]
    for name, ok, ours, theirs in rows:
        ratio = f"{theirs / ours:.2f}x" if theirs else "-"
        t = f"{theirs * 1e6:.1f}" if theirs else "-"
        lines.append(f"| {name} | {'yes' if ok else 'NO'} | {ours * 1e6:.1f} | {t} | {ratio} |")
    ratios = [theirs / ours for _, _, ours, theirs in rows if theirs]
    if ratios:
        lines.append(f"\ngeometric mean numpy / ours: {float(np.exp(np.mean(np.log(ratios)))):.2f}x")
    return _report(args, "\n".join(lines), status)


def timing_row(path, library, target: str, repeat: int):
    """(table row, correct): one kernel of `bench_timings`."""
    kernel, _, run, ok = _time_ours(target, library, path, repeat)
    return f"| {kernel.name} | {'yes' if ok else 'NO'} | {run.summary} |", ok


def bench_timings(args, library, paths) -> int:
    """A target without a peer here: our timing (or the runtime's own account) per kernel."""
    measured = _each_kernel(args, timing_row, paths, library, args.target, args.repeat)
    rows = [row for row, _ in measured]
    status = 0 if all(ok for _, ok in measured) else 1
    lines = [*_header(args, f"{args.repeat} runs"), "| kernel | correct | ours |", "|---|---|---|", *rows]
    return _report(args, "\n".join(lines), status)


def bench_hexagon_vs_llvm(args, library, paths) -> int:
    """Our packets vs LLVM -O3's on QEMU, the resource bound, the distance to it and the HVX
    ALU saturation (rewriter/bench_hexagon.py)."""
    rows = _each_kernel(args, hexagon_row, paths, library, args.scheduler, args.time_limit,
                        scheduler_progress=True)
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
