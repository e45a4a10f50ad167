"""The WebGPU backend against OUR CUDA backend, kernel by kernel, in one process on one GPU.

    # here (no GPU needed; needs z3 and llvmlite): WGSL and PTX of every kernel, as JSON
    python bench/webgpu_vs_cuda.py --prepare DIR
    # on the GPU machine (needs wgpu + a Vulkan driver, the CUDA driver, numpy; torch optional)
    python bench/webgpu_vs_cuda.py --code DIR [--repeat 30] [--out FILE.md]

Both programs come from the same GPU lowering (`lower/gpu.py`; WebGPU under `gpu_ops.WEBGPU`),
so the table compares the two renderings of one set of decisions. Kernels:

  * every `examples/*.ir` (their small sizes): both backends checked against the reference
    interpreter;
  * every `examples/gpu/*.ir`, with any buffer over WebGPU's default 128 MiB storage binding
    halved along its leading dimension (the same sizes for both backends): WebGPU checked
    against our CUDA output, and both against PyTorch where torch is present
    (`rewriter.bench_gpu`'s references).

Times are the best of `--repeat` runs for both: WebGPU by timestamp queries at the begin and
end of the one compute pass holding a kernel's dispatches, CUDA by events around one run of
its launches (a run includes the driver's launch overhead, a few microseconds). Bandwidth
counts every input and output once; the copy row is PyTorch's device-to-device copy of 1 GiB.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import re
import sys

import numpy as np

from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import numpy_dtype, random_inputs

MAX_BINDING = 1 << 27


def _fit(text: str) -> str:
    """The kernel's source with every dimension that makes a buffer exceed WebGPU's default
    binding halved (and the same dimension + 2, sum3's halo)."""
    k = parse_kernels(text)[0]
    dims = set()
    for b in k.buffers:
        if b.size * max(1, b.dtype.bits // 8) > MAX_BINDING and b.shape:
            n = b.shape[0]
            dims.add(n if n & (n - 1) == 0 else n - 2)  # sum3's input is its output + 2
    for d in sorted(dims, reverse=True):
        text = re.sub(rf"\b{d + 2}\b", str(d // 2 + 2), text)
        text = re.sub(rf"\b{d}\b", str(d // 2), text)
    return text


def _kernels(suite: bool = True):
    """(label, kernel source, small) for every kernel of the benchmark: the examples at their
    own sizes and at realistic ones, and (`suite`) every kernel of `bench/kernels/` at its own
    size and scaled up (`scale_kernel`: the largest buffer <= 64 MiB, within WebGPU's
    default 128 MiB binding)."""
    from rewriter.kernel.parser import load_kernel
    from rewriter.kernel.printer import format_kernel
    from rewriter.kernel.scale import scale_kernel

    out = [(os.path.basename(p)[:-3], open(p).read(), True) for p in sorted(glob.glob("examples/*.ir"))]
    out += [(os.path.basename(p)[:-3] + " (gpu)", _fit(open(p).read()), False)
            for p in sorted(glob.glob("examples/gpu/*.ir"))]
    if suite:
        paths = sorted(glob.glob("bench/kernels/*.ir"))
        out += [(os.path.basename(p)[:-3] + " (suite)", open(p).read(), True) for p in paths]
        for p in paths:
            big, g = scale_kernel(load_kernel(p))
            out.append((f"{big.name} (suite x{g})", format_kernel(big), False))
    return out


# -- here: compile both ------------------------------------------------------------------------
def _without(strategy: str, k, lib):
    """(CUDA GpuProgram, its PTX, WgslShader) of `k` lowered without `strategy`: the
    comparison rows that time a new strategy against what it replaced in the same run."""
    from rewriter.backends.ptx import emit_ptx
    from rewriter.backends.wgsl import render_wgsl
    from rewriter.lower.gpu import STRATEGIES, lower_gpu
    from rewriter.lower.gpu_ops import WEBGPU, webgpu_target
    from rewriter.pipeline import make_rewriter, simplify_kernel

    rw = make_rewriter(lib)
    simple = simplify_kernel(k, rw)
    rest = tuple(s for s in STRATEGIES if s != strategy)
    gp = lower_gpu(simple, rw, strategies=tuple(s for s in rest if s != "mma-matmul"))
    web = render_wgsl(lower_gpu(simple, rw, spec=WEBGPU, target=webgpu_target(), strategies=rest))
    return gp, emit_ptx(gp)[1], web


def _webgpu_at(k, lib, outputs: int, tile_words: int | None = None):
    """WgslShader of `k` with window tiles of `outputs` adjacent outputs a thread (the cost
    model's choice overridden: `GpuSpec.window_outputs`), to measure the model's call;
    `tile_words=0`: with 8/16-bit tiles in 32-bit carriers (the program before
    `GpuSpec.window_tile_words`), timed next to the packed one in the same run."""
    from dataclasses import replace

    from rewriter.backends.wgsl import render_wgsl
    from rewriter.lower.gpu import lower_gpu
    from rewriter.lower.gpu_ops import WEBGPU, webgpu_target
    from rewriter.pipeline import make_rewriter, simplify_kernel

    rw = make_rewriter(lib)
    spec = replace(WEBGPU, window_outputs=outputs)
    if tile_words is not None:
        spec = replace(spec, window_tile_words=tile_words)
    return render_wgsl(lower_gpu(simplify_kernel(k, rw), rw, spec=spec, target=webgpu_target()))


def prepare(out_dir: str, suite: bool = True, extras: bool = True) -> None:
    import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
    from rewriter.dsl.rule import load_library
    from rewriter.pipeline import optimize
    from rewriter.runtime.cuda import CudaCode

    lib = load_library(["rules"])
    os.makedirs(out_dir, exist_ok=True)
    n = 0

    def record(label, text, small, gp, ptx, web):
        nonlocal n
        d = {"label": label, "text": text, "small": small,
             "cuda": CudaCode.from_program(gp, ptx).to_json(),
             "cuda_launches": [f"{l.strategy} <<<{l.grid},{l.block}>>>" for l in gp.launches],
             "wgsl": {"code": web.code, "features": list(web.features),
                      "bindings": [[b.name, str(b.dtype), b.count, b.words, b.role, b.binding] for b in web.bindings],
                      "dispatches": [[x.entry, list(x.groups), x.workgroup_size, x.mode, x.note, x.blocks]
                                     for x in web.dispatches]}}
        with open(os.path.join(out_dir, f"{n:02d}.json"), "w") as f:
            json.dump(d, f)
        n += 1
        print(f"{label}: cuda {'; '.join(d['cuda_launches'])} | webgpu "
              f"{'; '.join(f'{x.mode} <<<{x.blocks},{x.workgroup_size}>>>' for x in web.dispatches)}", flush=True)

    later = []
    for label, text, small in _kernels(suite):
        k = parse_kernels(text)[0]
        # CUDA without the tensor cores (WebGPU has none): both renderings of one set of decisions;
        # rewriter.bench_gpu times CUDA's default (mma-matmul for f16 matmuls) against PyTorch
        cuda = optimize(k, lib, "cuda", tensor_cores=False)
        record(label, text, small, cuda.program, cuda.text("ptx"), optimize(k, lib, "webgpu").code)
        if extras and not small and "(suite" not in label and \
                any(l.strategy == "window-direct" for l in cuda.program.launches):
            later.append((f"{label} [without window-direct]", text, k))
    for label, text, k in later:  # the same kernel as lowered before window-direct, same run
        record(label, text, False, *_without("window-direct", k, lib))
    for label, text, small in (_kernels(False) if extras else []):  # WebGPU window tiles at forced widths
        k = parse_kernels(text)[0]
        cuda = optimize(k, lib, "cuda", tensor_cores=False)
        if small or not any(l.strategy == "window-tiled" for l in cuda.program.launches):
            continue
        for w in (1, 2, 4):
            record(f"{label} [WebGPU {w} outputs a thread]", text, False, cuda.program, cuda.text("ptx"), _webgpu_at(k, lib, w))
        record(f"{label} [WebGPU 32-bit carriers, 2 outputs a thread]", text, False, cuda.program, cuda.text("ptx"),
               _webgpu_at(k, lib, 2, tile_words=0))


def _shader(k, w: dict):
    from rewriter.backends.wgsl import Binding, Dispatch, WgslShader
    from rewriter.ir.dtype import parse_dtype

    binds = tuple(Binding(n, parse_dtype(t), c, wd, r, i) for n, t, c, wd, r, i in w["bindings"])
    disp = tuple(Dispatch(e, tuple(g), s, m, note, bl) for e, g, s, m, note, bl in w["dispatches"])
    return WgslShader(k, w["code"], binds, disp, (), tuple(w["features"]))


# -- there: run both ---------------------------------------------------------------------------
def _cuda_run(k, code, inputs: dict, repeat: int):
    """(outputs, best seconds) of our CUDA code on `inputs`."""
    from rewriter.runtime.cuda import resident

    with resident(k, code, inputs) as (mod, ptrs, outs):
        mod.time(ptrs, 1, warmup=3)
        best = min(mod.time(ptrs, 1, warmup=0) for _ in range(repeat))
    return outs, best


def _inputs(k, small: bool, seed: int = 0):
    if small:
        return random_inputs(k, seed)
    rng = np.random.default_rng(seed)
    out = {}
    for b in k.inputs:
        nt = np.dtype(numpy_dtype(b.dtype))
        if b.dtype.is_float:
            out[b.name] = rng.standard_normal(b.shape or ()).astype(nt)
        else:
            info = np.iinfo(nt)
            out[b.name] = rng.integers(info.min, info.max, b.shape or (), dtype=nt, endpoint=False)
    return out


def _same(k, a: dict, b: dict) -> bool:
    for buf in k.outputs:
        x, y = np.asarray(a[buf.name]), np.asarray(b[buf.name])
        if buf.dtype.is_float:
            if not np.allclose(x.astype(np.float64), y.astype(np.float64), rtol=1e-3, atol=1e-3):
                return False
        elif not np.array_equal(x.reshape(-1), y.reshape(-1)):
            return False
    return True


def _torch_check(k, inputs: dict, outs: dict):
    """Whether `outs` equals PyTorch's result (None without torch or a reference)."""
    try:
        import torch

        from rewriter.bench_gpu import _close, peer
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    ref = peer(torch, k)[0]
    ins = {n: torch.from_numpy(np.ascontiguousarray(v)).cuda() if np.ndim(v) else torch.tensor(v).cuda()
           for n, v in inputs.items()}
    want = ref(**ins)
    def signed(a):  # u16/u32/u64 as the signed type of their width: the same bits, more torch ops
        a = np.ascontiguousarray(a)
        return a.view(f"int{a.itemsize * 8}") if a.dtype.kind == "u" and a.itemsize > 1 else a

    ok = all(_close(torch, torch.from_numpy(signed(outs[n])).cuda().reshape(w.shape), w,
                    k.buffer(n).dtype) for n, w in want.items())
    del ins, want
    torch.cuda.empty_cache()
    return ok


def _copy_bandwidth(repeat: int):
    try:
        import torch

        from rewriter.bench_gpu import copy_bandwidth
    except ImportError:
        return None
    return copy_bandwidth(torch, repeat) if torch.cuda.is_available() else None


def run(code_dir: str, repeat: int, out: str | None) -> int:
    from rewriter.kernel.check import check_against_reference
    from rewriter.runtime.cuda import CudaCode, Driver
    from rewriter.runtime.webgpu import compile_webgpu, gpu_context, run_webgpu

    ctx = gpu_context()
    copy_bw = _copy_bandwidth(20)
    lines = [f"device: CUDA {Driver.get().device_name()}; WebGPU {ctx.description}; "
             f"date {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; best of {repeat}",
             f"copy bandwidth (PyTorch device-to-device, 1 GiB): "
             + (f"{copy_bw / 1e9:.0f} GB/s" if copy_bw else "- (no torch)"), "",
             "| kernel | bytes | correct (WebGPU / CUDA) | WebGPU (us) | CUDA (us) | WebGPU / CUDA | WebGPU GB/s "
             "| CUDA GB/s | WebGPU % of copy | launches (same for both unless noted) |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    failures = 0
    for path in sorted(glob.glob(os.path.join(code_dir, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        k = parse_kernels(d["text"])[0]
        try:
            inputs = _inputs(k, d["small"])
            cuda_out, cuda_s = _cuda_run(k, CudaCode.from_json(d["cuda"]), inputs, repeat)
            compiled = compile_webgpu(_shader(k, d["wgsl"]))
            web_out, web_s, kind = run_webgpu(k, compiled, inputs, repeat=repeat)
            if d["small"]:
                ok_w = check_against_reference(k, web_out, inputs) == []
                ok_c = check_against_reference(k, cuda_out, inputs) == []
            else:
                ok_w = _same(k, web_out, cuda_out)
                t = _torch_check(k, inputs, cuda_out)
                ok_c = True if t is None else t
                ok_w = ok_w and ok_c
        except Exception as e:  # one row says what broke; the others still run
            failures += 1
            lines.append(f"| {d['label']} | | ERROR {type(e).__name__}: {str(e)[:200]} | | | | | | | |")
            print(lines[-1], flush=True)
            continue
        failures += (not ok_w) + (not ok_c)
        nbytes = sum(b.size * max(1, b.dtype.bits // 8) for b in k.inputs + k.outputs)
        web_l = [f"{x[3]} <<<{x[5]},{x[2]}>>>" for x in d["wgsl"]["dispatches"]]
        launches = "; ".join(web_l) if web_l == d["cuda_launches"] else \
            f"WebGPU {'; '.join(web_l)} / CUDA {'; '.join(d['cuda_launches'])}"
        pct = f"{100 * nbytes / web_s / copy_bw:.0f}%" if copy_bw else "-"
        lines.append(f"| {d['label']} | {nbytes} | {'yes' if ok_w else 'NO'} / {'yes' if ok_c else 'NO'} | "
                     f"{web_s * 1e6:.1f} | {cuda_s * 1e6:.1f} | {web_s / cuda_s:.2f}x | {nbytes / web_s / 1e9:.0f} | "
                     f"{nbytes / cuda_s / 1e9:.0f} | {pct} | {launches}{'' if kind == 'gpu-timestamps' else ' (' + kind + ')'} |")
        print(lines[-1], flush=True)
        del inputs, cuda_out, web_out, compiled
    text = "\n".join(lines) + "\n"
    if out:
        with open(out, "w") as f:
            f.write(text)
    sys.stdout.write(text)
    return 1 if failures else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prepare", metavar="DIR")
    ap.add_argument("--code", metavar="DIR")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--out")
    ap.add_argument("--no-suite", action="store_true", help="--prepare: without bench/kernels")
    ap.add_argument("--no-extras", action="store_true",
                    help="--prepare: without the comparison rows (strategies left out, forced widths)")
    args = ap.parse_args(argv)
    if args.prepare:
        prepare(args.prepare, not args.no_suite, not args.no_extras)
        return 0
    if not args.code:
        ap.error("--prepare DIR or --code DIR")
    return run(args.code, args.repeat, args.out)


if __name__ == "__main__":
    sys.exit(main())
