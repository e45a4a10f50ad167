"""Measure the CUDA tiled matmul at a list of tile configurations, to calibrate the cost model
that picks one (`lower/gpu_tiles._matmul_config`).

The lowering normally takes the cheapest configuration (by its estimate) that has a
conflict-free shared layout. Here each configuration is forced in turn -- the bank model still
chooses its layout, and a configuration without a conflict-free one is reported and skipped --
so the estimate can be checked against the GPU. Two steps, because the GPU machine has no Z3:

    # here (no GPU):
    PYTHONPATH=. .venv/bin/python bench/matmul_sweep.py --prepare DIR [--kernel examples/gpu/matmul_f32.ir]
    # on the GPU machine (PyTorch for the buffers, the reference and the timing):
    PYTHONPATH=. python3 bench/matmul_sweep.py --code DIR [--repeat 10]

`--code` prints one markdown row per configuration: correct (against torch.matmul in full
f32), mean time, TFLOP/s, and the estimate's rank.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

#: Configurations tried besides the cost model's own top ones: (bm, bn, bk, tm, tn).
EXTRA = [(128, 128, 16, 8, 8), (128, 128, 32, 8, 8), (128, 64, 8, 8, 8), (64, 128, 8, 8, 8),
         (128, 64, 16, 8, 8), (64, 128, 16, 8, 8), (128, 256, 8, 8, 16), (256, 128, 8, 16, 8),
         (128, 256, 16, 8, 16), (64, 64, 16, 8, 8), (64, 64, 8, 4, 4)]


def prepare(kernel_path: str, out_dir: str, top: int, contract: bool) -> None:
    import rewriter.targets  # noqa: F401  (the registry: each target registers its ops, e.g. hvx.*)
    from rewriter.backends.ptx import emit_ptx
    from rewriter.dsl.rule import load_library
    from rewriter.kernel.parser import load_kernel
    from rewriter.lower import gpu_tiles
    from rewriter.lower.gpu import lower_gpu
    from rewriter.lower.gpu_ops import H100
    from rewriter.pipeline import make_rewriter, simplify_kernel
    from rewriter.runtime.cuda import CudaCode

    k = load_kernel(kernel_path)
    rw = make_rewriter(load_library(["rules"]))
    simple = simplify_kernel(k, rw)
    a, b = k.inputs
    m, kk = a.shape
    n = b.shape[1]
    ebytes = a.dtype.scalar.bits // 8
    ranked = gpu_tiles._matmul_config(m, n, kk, ebytes, H100)
    configs = list(ranked[:top]) + [gpu_tiles.MatmulConfig(*c) for c in EXTRA]
    os.makedirs(out_dir, exist_ok=True)
    original = gpu_tiles._matmul_config
    seen = set()
    for c in configs:
        if c in seen:
            continue
        seen.add(c)
        rank = ranked.index(c) if c in ranked else None
        gpu_tiles._matmul_config = lambda *args, c=c, **kw: [c]  # force this one configuration
        try:
            t0 = time.time()
            gp = lower_gpu(simple, rw, contract=contract)
            secs = time.time() - t0
        finally:
            gpu_tiles._matmul_config = original
        strategies = [l.strategy for l in gp.launches]
        label = f"{c.bm}x{c.bn}x{c.bk}/{c.tm}x{c.tn}"
        if strategies != ["tiled-matmul"]:
            print(f"{label}: not tiled ({', '.join(strategies)}): no conflict-free layout or illegal")
            continue
        code = CudaCode.from_program(gp, emit_ptx(gp)[1])
        d = code.to_json()
        d.update(label=label, rank=rank, kernel=kernel_path, notes=list(gp.notes), compile_s=secs,
                 contract=contract)
        with open(os.path.join(out_dir, f"{label.replace('/', '_')}.json"), "w") as f:
            json.dump(d, f)
        print(f"{label}: rank {rank}, {gp.launches[0].grid} blocks x {gp.launches[0].block} threads")


def run(code_dir: str, repeat: int) -> int:
    import torch

    from rewriter.kernel.parser import load_kernel
    from rewriter.runtime.cuda import CudaCode, CudaModule, Driver

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.zeros(1, device="cuda")
    drv = Driver.get()
    rows, bad = [], 0
    for path in sorted(glob.glob(os.path.join(code_dir, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        k = load_kernel(d["kernel"])
        a, b = k.inputs
        gen = torch.Generator(device="cuda").manual_seed(0)
        ta = torch.rand(a.shape, device="cuda", generator=gen) - 0.5
        tb = torch.rand(b.shape, device="cuda", generator=gen) - 0.5
        tc = torch.zeros(k.outputs[0].shape, device="cuda")
        mod = CudaModule(CudaCode.from_json(d), drv)
        ptrs = [ta.data_ptr(), tb.data_ptr(), tc.data_ptr()]
        mod.launch_all(ptrs)
        torch.cuda.synchronize()
        ok = bool(torch.allclose(tc, ta @ tb, rtol=1e-3, atol=1e-3))
        bad += not ok
        secs = mod.time(ptrs, repeat)
        mod.unload()
        m, kk = a.shape
        flops = 2.0 * m * kk * b.shape[1]
        launch = d["launches"][0]  # [name, grid, block]
        rows.append((secs, f"| {d['label']} | {d['rank'] if d['rank'] is not None else '-'} | "
                           f"{launch[1]} x {launch[2]} | {'yes' if ok else 'NO'} | "
                           f"{secs * 1e6:.0f} | {flops / secs / 1e12:.1f} |"))
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    ta @ tb
    start.record()
    for _ in range(repeat):
        ta @ tb
    end.record()
    torch.cuda.synchronize()
    theirs = start.elapsed_time(end) / 1e3 / repeat
    print(f"device {drv.device_name()}, {d['kernel']}, contract={d['contract']}, mean of {repeat}; "
          f"PyTorch (no TF32) {theirs * 1e6:.0f} us = {flops / theirs / 1e12:.1f} TFLOP/s")
    print("| config (BMxBNxBK/TMxTN) | cost-model rank | blocks x threads | correct | us | TFLOP/s |")
    print("|---|---:|---|---|---:|---:|")
    for _, line in sorted(rows):
        print(line)
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench/matmul_sweep.py")
    ap.add_argument("--prepare", metavar="DIR")
    ap.add_argument("--code", metavar="DIR")
    ap.add_argument("--kernel", default="examples/gpu/matmul_f32.ir")
    ap.add_argument("--top", type=int, default=8, help="the cost model's best N configurations")
    ap.add_argument("--fp-contract", action="store_true")
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)
    if args.prepare:
        prepare(args.kernel, args.prepare, args.top, args.fp_contract)
        return 0
    if args.code:
        return run(args.code, args.repeat)
    ap.error("give --prepare DIR or --code DIR")
    return 2


if __name__ == "__main__":
    sys.exit(main())
