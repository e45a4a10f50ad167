"""Every example kernel through the WebGPU backend on whatever adapter wgpu picks, checked
against the reference interpreter and timed, next to copy kernels of the same traffic
measured the same way; optionally (torch with CUDA present) the same copies and two
bandwidth-bound kernels through CUDA for scale.

    python bench/webgpu_device.py [--repeat 50] [--out FILE.md]

Times are the best of `--repeat` runs of the whole kernel (all its dispatches in one
compute pass): GPU timestamps where the adapter has `timestamp-query`, else wall clock
around submit + read back (the `timing` column says which). `bytes` is what the kernel
must move at least (every input read once, every output written once), `GB/s` that over
the time; the copy column is an f32 copy kernel of the same bytes, emitted and run by the
same backend.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import math
import platform
import re
import sys

import numpy as np

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import numpy_dtype, random_inputs
from rewriter.backends.wgsl import DEFAULT_LIMITS, WebGPULimits, emit_wgsl
from rewriter.pipeline import check_against_reference, compile_webgpu, make_rewriter, optimize
from rewriter.runtime.webgpu import gpu_context, run_webgpu


def _bytes(kernel) -> int:
    return sum(b.size * np.dtype(numpy_dtype(b.dtype)).itemsize for b in kernel.inputs + kernel.outputs)


def _copy_kernel(nbytes: int):
    n = max(1, nbytes // 8)  # read n f32 + write n f32 = nbytes
    return parse_kernels(f"kernel copy_{n}(x: f32[{n}]) -> (out: f32[{n}]) {{ i = range({n}) out[i] = x[i] }}")[0]


def _time(lib, kernel, repeat, check=True, inputs=None, limits=None):
    opt = optimize(kernel, lib, "webgpu")
    if limits is not None:  # the same kernel under other planner settings
        opt.wgsl = emit_wgsl(opt.simplified, make_rewriter(lib), limits)
    compiled = compile_webgpu(opt)
    inputs = inputs if inputs is not None else random_inputs(kernel, 0)
    out, seconds, kind = run_webgpu(kernel, compiled, inputs, repeat=repeat)
    ok = None
    if check:
        ok = check_against_reference(kernel, out, inputs) == []
    return ok, seconds, kind, out, inputs, opt


def _torch_times(sizes: list[int], repeat: int):
    """CUDA (torch) times for reference: f32 copy, relu and axpy at each size."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    out = {}
    for n in sizes:
        x = torch.randn(n, device="cuda")
        y = torch.randn(n, device="cuda")
        o = torch.empty_like(x)
        for name, fn in (("copy", lambda: o.copy_(x)), ("relu", lambda: torch.clamp_min(x, 0.0, out=o)),
                         ("axpy", lambda: torch.add(y, x, alpha=1.5, out=o))):
            best = math.inf
            for _ in range(repeat):
                s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                s.record()
                fn()
                e.record()
                e.synchronize()
                best = min(best, s.elapsed_time(e) * 1e-3)
            out[(name, n)] = best
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--out")
    ap.add_argument("--big", type=int, default=1 << 24, help="elements of the large copy/relu/axpy runs")
    args = ap.parse_args(argv)
    lib = load_library(["rules"])
    ctx = gpu_context()
    lines = ["# WebGPU backend: the examples on " + ctx.description,
             f"date {datetime.date.today()}, {platform.machine()}, python {platform.python_version()}, "
             f"numpy {np.__version__}, best of {args.repeat}; adapter info: {dict(ctx.adapter.info)}",
             "",
             "| kernel | correct | dispatches | timing | ours (us) | bytes | GB/s | copy of same bytes (us) | ours / copy |",
             "|---|---|---|---|---:|---:|---:|---:|---:|"]
    failures = 0
    for path in sorted(glob.glob("examples/*.ir")):
        k = load_kernel(path)
        ok, sec, kind, _, _, opt = _time(lib, k, args.repeat)
        failures += not ok
        nbytes = _bytes(k)
        _, csec, _, _, _, _ = _time(lib, _copy_kernel(nbytes), args.repeat, check=False)
        modes = "+".join(d.mode for d in opt.wgsl.dispatches)
        lines.append(f"| {k.name} | {'yes' if ok else 'NO'} | {modes} | {kind} | {sec * 1e6:.1f} | {nbytes} | "
                     f"{nbytes / sec / 1e9:.1f} | {csec * 1e6:.1f} | {sec / csec:.2f}x |")
    # Large bandwidth-bound runs: copy, relu, axpy over `--big` f32 elements (checked with numpy).
    n = args.big
    big = {
        "copy": (f"kernel copy_big(x: f32[{n}]) -> (out: f32[{n}]) {{ i = range({n}) out[i] = x[i] }}",
                 lambda ins: ins["x"], 8 * n),
        "relu": (f"kernel relu_big(x: f32[{n}]) -> (out: f32[{n}]) {{ i = range({n}) out[i] = max(x[i], 0.0) }}",
                 lambda ins: np.maximum(ins["x"], np.float32(0)), 8 * n),
        "axpy": (f"kernel axpy_big(alpha: f32, x: f32[{n}], y: f32[{n}]) -> (out: f32[{n}]) "
                 f"{{ i = range({n}) out[i] = alpha * x[i] + y[i] }}",
                 lambda ins: ins["alpha"] * ins["x"] + ins["y"], 12 * n),
    }
    cuda = _torch_times([n], args.repeat)
    lines += ["", f"Large runs ({n} f32 elements; checked against numpy). `items/inv` is the planner's "
              f"elements per invocation (default: {DEFAULT_LIMITS.coarsen} from "
              f"{DEFAULT_LIMITS.coarsen_min_items} elements); the other rows force other values.", "",
              "| kernel | items/inv | correct | timing | grid | ours (us) | GB/s | CUDA via torch (us) | ours / CUDA |",
              "|---|---:|---|---|---|---:|---:|---:|---:|"]
    rng = np.random.default_rng(0)
    for name, (src, want, nbytes) in big.items():
        k = parse_kernels(src)[0]
        ins = {b.name: (rng.standard_normal(b.shape).astype(np.float32) if b.shape else np.float32(1.5))
               for b in k.inputs}
        for forced in (None, 1, 8):
            limits = None if forced is None else WebGPULimits(coarsen=forced, coarsen_min_items=1)
            ok, sec, kind, out, _, opt = _time(lib, k, args.repeat, check=False, inputs=ins, limits=limits)
            m = re.search(r"(\d+) elements per invocation", opt.wgsl.notes[0])
            per = int(m.group(1)) if m else 1
            ok = bool(np.allclose(out["out"], want(ins), rtol=1e-6, atol=1e-6))
            failures += not ok
            c = cuda.get((name, n)) if cuda else None
            grid = "x".join(map(str, opt.wgsl.dispatches[0].groups[:2])) + f" of {opt.wgsl.dispatches[0].workgroup_size}"
            lines.append(f"| {name} | {per}{' (planner)' if forced is None else ''} | {'yes' if ok else 'NO'} | {kind} | {grid} | "
                         f"{sec * 1e6:.1f} | {nbytes / sec / 1e9:.1f} | "
                         + (f"{c * 1e6:.1f} | {sec / c:.2f}x |" if c else "- | - |"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
