"""The wgmma-matmul strategy on a GPU: correctness at sizes off the tile in every operand
orientation, and the 4096^3 f16 (or bf16) matmul's speed for a few plans against mma.sync
and PyTorch (cuBLAS eager, torch.compile max-autotune) in the same process.

    # here (Z3 + llvmlite):
    python bench/wgmma_device.py --prepare wcode [--dtype bf16]
    # on the GPU machine (numpy, torch):
    python3 bench/wgmma_device.py --code wcode [--repeat 20] [--no-compile]

--dtype bf16 prepares the bf16 cases (wgmma, and mma.sync at sizes it tiles) and the 4096^3
bf16 rows, with the f16 default plan's row as the same card's baseline; the run takes each
job's element type from its kernel text, and compares each with PyTorch in that type.

Correctness compares with torch's float64 products of the same inputs within
`kernel.check.TENSOR_CORE_TOLERANCE`; every output element is poisoned (NaN) first, so an
unwritten one fails. Timings: CUDA events, mean of --repeat runs after warm-up.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace

import numpy as np

#: (M, N, K, A contiguous along k, B contiguous along k): off-tile sizes, both orientations,
#: K below one slice, odd N (scalar stores), a long K.
CASES = [(200, 264, 136, True, False), (128, 256, 64, True, False), (77, 80, 40, True, True),
         (136, 77, 8, True, True), (264, 192, 200, False, False), (96, 320, 72, False, True),
         (1000, 1000, 1000, True, False), (64, 128, 4096, True, False), (296, 520, 24, False, False),
         (200, 264, 136, True, False, 256), (136, 200, 72, False, True, 192), (264, 600, 136, False, False, 128),
         (1000, 1000, 1000, True, False, 0, 7), (520, 1032, 264, False, True, 256, 5)]
BIG = 4096


#: bf16 on mma.sync (tensor_cores="mma": what a target without wgmma takes): sizes it tiles.
MMA_CASES = [(256, 256, 256, True, False), (512, 384, 128, True, True), (128, 640, 192, False, False)]


def kernel_text(m, n, k, a_kfast, b_kfast, name="mm", t="f16") -> str:
    a_decl, a_use = (f"{t}[{m}, {k}]", "a[m, k]") if a_kfast else (f"{t}[{k}, {m}]", "a[k, m]")
    b_decl, b_use = (f"{t}[{n}, {k}]", "b[n, k]") if b_kfast else (f"{t}[{k}, {n}]", "b[k, n]")
    return (f"kernel {name}(a: {a_decl}, b: {b_decl}) -> (c: f32[{m}, {n}]) {{\n"
            f"  m = range({m}); n = range({n}); k = range({k}, reduce)\n"
            f"  c[m, n] = sum(cast<f32>({a_use}) * cast<f32>({b_use}), k)\n}}\n")


def _compile(text: str, plan_edit=None, tensor_cores=True):
    """CudaCode JSON (+ strategies, notes) of a kernel text; `plan_edit` rewrites the
    wgmma plan (stages, group, ...) before emission."""
    import rewriter.targets  # noqa: F401
    from rewriter.backends.ptx import emit_ptx
    from rewriter.dsl.rule import load_library
    from rewriter.kernel.parser import parse_kernels
    from rewriter.lower.gpu import lower_gpu
    from rewriter.lower.gpu_program import NativeBody, native_plan
    from rewriter.kernel.simplify import make_rewriter, simplify_kernel
    from rewriter.runtime.cuda import CudaCode

    rw = make_rewriter(load_library(["rules"]).for_target("cuda"))
    k = parse_kernels(text)[0]
    gp = lower_gpu(simplify_kernel(k, rw), rw, tensor_cores=tensor_cores)
    if plan_edit:
        launches = []
        for l in gp.launches:
            p = native_plan(l)
            if p is not None:
                p = plan_edit(p)
                l = replace(l, grid=p.grid, block=p.threads, body=(NativeBody(p),))
            launches.append(l)
        gp = replace(gp, launches=tuple(launches))
    ptx = emit_ptx(gp)[1]
    d = CudaCode.from_program(gp, ptx).to_json()
    d.update(strategies=[l.strategy for l in gp.launches], notes=list(gp.notes), text=text)
    return d


def variants(dtype="f16"):
    """name -> (kernel text, plan edit, tensor_cores) of the 4096^3 timing rows."""
    t = kernel_text(BIG, BIG, BIG, True, False, "matmul_f16")
    if dtype == "bf16":
        tb = kernel_text(BIG, BIG, BIG, True, False, "matmul_bf16", "bf16")
        return {
            "bf16 wgmma (default plan: persistent, 3 stages)": (tb, None, True),
            "bf16 wgmma persistent, 4 stages": (tb, lambda p: replace(p, stages=4), True),
            "bf16 mma.sync (cp.async)": (tb, None, "mma"),
            "f16 wgmma (default plan), the same card's baseline": (t, None, True),
        }
    return {
        "wgmma (default plan: persistent, 3 stages)": (t, None, True),
        "wgmma persistent, 4 stages": (t, lambda p: replace(p, stages=4), True),
        "wgmma persistent, group 8": (t, lambda p: replace(p, group_m=8), True),
        "wgmma a block a tile, 4 stages, group 8 (first version)": (t, lambda p: replace(p, blocks=0, stages=4, group_m=8), True),
        "wgmma a block a tile, 3 stages": (t, lambda p: replace(p, blocks=0), True),
        "mma.sync (cp.async, before)": (t, None, "mma"),
    }


def _edit(p, bn=0, blocks=0):
    """A case's plan with B tiles bn wide and/or `blocks` persistent blocks."""
    p = _bn(p, bn) if bn else p
    return replace(p, blocks=blocks) if blocks else p


def _bn(p, bn):
    from rewriter.lower.gpu_wgmma import MAX_STAGES, SHARED_LIMIT, ALIGN_SLACK

    b = replace(p.b, rows=bn)
    stage = p.a.stage_bytes + b.stage_bytes
    return replace(p, bn=bn, b=b, stages=min(MAX_STAGES, (SHARED_LIMIT - ALIGN_SLACK) // (stage + 16)))


def prepare(out: str, dtype: str = "f16") -> None:
    os.makedirs(out, exist_ok=True)
    jobs = {f"case_{m}x{n}x{k}_{'ak' if ak else 'am'}_{'bk' if bk else 'bn'}{''.join('_%s%d' % kv for kv in zip(('bn', 'blocks'), x) if kv[1])}":
            (kernel_text(m, n, k, ak, bk, t=dtype), (lambda p, x=tuple(x): _edit(p, *x)) if x else None, True)
            for m, n, k, ak, bk, *x in CASES}
    if dtype == "bf16":
        jobs.update({f"case_mma_{m}x{n}x{k}_{'ak' if ak else 'am'}_{'bk' if bk else 'bn'}":
                     (kernel_text(m, n, k, ak, bk, t=dtype), None, "mma") for m, n, k, ak, bk in MMA_CASES})
    jobs.update({f"time_{i}": v for i, v in enumerate(variants(dtype).values())})
    names = dict(zip((f"time_{i}" for i in range(len(variants(dtype)))), variants(dtype)))
    for key, (text, edit, tc) in jobs.items():
        d = _compile(text, edit, tc)
        d["label"] = names.get(key, key)
        with open(os.path.join(out, key + ".json"), "w") as f:
            json.dump(d, f)
        print(key, d["strategies"], d["launches"][0][:4])


def _load(code_dir):
    out = {}
    for f in sorted(os.listdir(code_dir)):
        with open(os.path.join(code_dir, f)) as fh:
            out[f[:-5]] = json.load(fh)
    return out


def run(code_dir: str, repeat: int, compile_peer: bool) -> int:
    import torch

    from rewriter.kernel.check import TENSOR_CORE_TOLERANCE
    from rewriter.runtime.cuda import CudaCode, CudaModule, Driver

    rtol, atol = TENSOR_CORE_TOLERANCE
    torch.zeros(1, device="cuda")
    drv = Driver.get()
    print(f"device {drv.device_name()}, torch {torch.__version__}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    jobs = _load(code_dir)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    failed = 0
    print("\n| case (M x N x K, A, B) | type | strategy | max abs err | max err / tol | correct |\n|---|---|---|---:|---:|---|")
    for key, d in jobs.items():
        if not key.startswith("case_"):
            continue
        shapes, tt = _shapes(d["text"]), _torch_type(d["text"])
        a = torch.randn(shapes["a"], device="cuda", generator=gen).to(tt)
        b = torch.randn(shapes["b"], device="cuda", generator=gen).to(tt)
        c = torch.full(shapes["c"], float("nan"), dtype=torch.float32, device="cuda")
        try:
            mod = CudaModule(CudaCode.from_json(d), drv)
            mod.launch_all([a.data_ptr(), b.data_ptr(), c.data_ptr()])
            torch.cuda.synchronize()
            mod.unload()
        except Exception as e:  # a failing case is a row, not the end of the run
            failed += 1
            print(f"| {key} | {tt} | {d['strategies']} | ERROR {type(e).__name__}: {e} | | NO |")
            continue
        aa = a.double() if "a[m, k]" in d["text"] else a.double().T
        bb = b.double() if "b[k, n]" in d["text"] else b.double().T
        want = aa @ bb
        err = (c.double() - want).abs()
        tol = atol + rtol * want.abs()
        ratio = float((err / tol).max()) if not torch.isnan(err).any() else float("nan")
        ok = bool((err <= tol).all())
        failed += not ok
        print(f"| {key} | {str(tt)[6:]} | {','.join(d['strategies'])} | {float(err.max()):.2e} | {ratio:.3f} | "
              f"{'yes' if ok else 'NO'} |", flush=True)
    # Speed: 4096^3, A[m, k], B[k, n] as examples/gpu/matmul_f16.ir, in each type a row uses.
    timed = {k: d for k, d in jobs.items() if k.startswith("time_")}
    flops = 2.0 * BIG ** 3
    rows, peers = [], {}

    def t_torch(fn):
        for _ in range(3):
            fn()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(repeat):
            fn()
        e.record()
        e.synchronize()
        return s.elapsed_time(e) / 1e3 / repeat

    for tt in sorted({_torch_type(d["text"]) for d in timed.values()}, key=str, reverse=True):
        name = str(tt)[6:].replace("float16", "f16").replace("bfloat16", "bf16")
        a = torch.randn(BIG, BIG, device="cuda", generator=gen).to(tt)
        b = torch.randn(BIG, BIG, device="cuda", generator=gen).to(tt)
        c = torch.empty(BIG, BIG, dtype=torch.float32, device="cuda")
        want = (a.float() @ b.float())  # f32 inputs, the same values: within the tolerance of ours
        peers[f"cuBLAS: torch a @ b ({name} output)"] = (name, t_torch(lambda: a @ b))
        peers[f"torch eager (a @ b).float() ({name})"] = (name, t_torch(lambda: (a @ b).float()))
        try:  # cuBLAS writing f32 straight from the accumulators: our function exactly
            torch.mm(a, b, out_dtype=torch.float32)
            peers[f"cuBLAS: torch.mm(a, b, out_dtype=float32) ({name})"] = (name, t_torch(lambda: torch.mm(a, b, out_dtype=torch.float32)))
        except Exception as e:  # older torch: no out_dtype
            print(f"torch.mm out_dtype: {type(e).__name__}: {e}")
        if compile_peer:
            t0 = time.time()
            f = torch.compile(lambda x, y: (x @ y).float(), mode="max-autotune-no-cudagraphs", dynamic=False)
            f(a, b)
            torch.cuda.synchronize()
            peers[f"torch.compile max-autotune of (a @ b).float() ({name}; compiled in {time.time() - t0:.0f} s)"] = \
                (name, t_torch(lambda: f(a, b)))
        for key, d in timed.items():
            if _torch_type(d["text"]) != tt:
                continue
            mod = CudaModule(CudaCode.from_json(d), drv)
            ptrs = [a.data_ptr(), b.data_ptr(), c.data_ptr()]
            c.fill_(float("nan"))
            mod.launch_all(ptrs)
            torch.cuda.synchronize()
            ok = bool(torch.allclose(c.double(), want.double(), rtol=rtol, atol=atol))
            failed += not ok
            secs = mod.time(ptrs, repeat, warmup=3)
            secs2 = mod.time(ptrs, repeat, warmup=0)  # a second sample: the spread between the two
            rows.append((d["label"], name, ok, secs, secs2, d["launches"][0]))
            mod.unload()
        del a, b, c, want
    best = {n: min(s for pn, s in peers.values() if pn == n) for n, _ in peers.values()}
    print(f"\n4096^3 -> f32, mean of {repeat} (two samples each); best peer of the same input type\n")
    print("| code | correct vs torch | us | us (2nd) | TFLOP/s | best peer / ours | launch |\n|---|---|---:|---:|---:|---:|---|")
    for label, name, ok, s1, s2, l in rows:
        print(f"| {label} | {'yes' if ok else 'NO'} | {s1 * 1e6:.1f} | {s2 * 1e6:.1f} | {flops / s1 / 1e12:.1f} | "
              f"{best[name] / s1:.2f}x | <<<{l[1]},{l[2]}>>> smem {l[3] if len(l) > 3 else 0} |")
    for label, (name, s) in peers.items():
        print(f"| {label} | - | {s * 1e6:.1f} | | {flops / s / 1e12:.1f} | {best[name] / s:.2f}x | |")
    return 1 if failed else 0


def _torch_type(text: str):
    """The torch type of a kernel text's A (f16 or bf16)."""
    import re

    import torch

    return {"f16": torch.float16, "bf16": torch.bfloat16}[re.search(r"a: (b?f16)\[", text).group(1)]


def _shapes(text: str) -> dict:
    import re

    return {n: tuple(int(x) for x in dims.split(",")) for n, dims in re.findall(r"(\w): b?f\d+\[([\d, ]+)\]", text)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/wgmma_device.py")
    ap.add_argument("--prepare", metavar="DIR")
    ap.add_argument("--code", metavar="DIR")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-compile", action="store_true", help="leave torch.compile out")
    ap.add_argument("--dtype", choices=("f16", "bf16"), default="f16", help="--prepare: the operands' type")
    args = ap.parse_args(argv)
    if args.prepare:
        prepare(args.prepare, args.dtype)
        return 0
    return run(args.code, args.repeat, not args.no_compile)


if __name__ == "__main__":
    sys.exit(main())
