"""The wgmma-conv strategy on a GPU: correctness at sizes off the tiles, and the speed of the
3x3 convolution of a 1 x 64 x 512 x 512 f16 image with 64 filters ('valid': 510 x 510
outputs, bench/conv/conv3x3_f16.ir) against PyTorch's conv2d (cuDNN, channels-first and
channels-last) and torch.compile, in the same process.

    # here (Z3 + llvmlite):
    python bench/conv_device.py --prepare ccode
    # on the GPU machine (numpy, torch):
    python3 bench/conv_device.py --code ccode [--repeat 20] [--no-compile]

Correctness compares with torch's float64 conv2d of the same halves within
`kernel.check.TENSOR_CORE_TOLERANCE` (f16 outputs: one f16 rounding more, rtol 2^-10 added);
every output element is poisoned (NaN) first, so an unwritten one fails. Timings: CUDA events,
mean of --repeat back-to-back runs after warm-up, two samples each.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import replace

#: (C, O, H, W, KH, KW, f16 output[, channels-last image]): off-tile channels, output channels,
#: rows and columns, several channel slices (C = 128: stages past the first) and output-channel
#: tiles, 1x1, 2x1, 3x1 and 5x1 kernels on channels-first images (one tap column: wider ones
#: would shift boxes off the copy engine's 16-byte rule, gpu_wgmma.TMA_COORD_ALIGN); KxK kernels
#: on channels-last images img[y + ky, x + kx, c] (the shift an outer coordinate), f16 outputs,
#: odd output widths (scalar stores); 3x3 channels-first (issue 16's fault) checked too.
CASES = [(16, 8, 20, 24, 3, 1, False), (64, 64, 10, 72, 3, 1, False), (72, 40, 9, 136, 3, 1, False),
         (8, 8, 11, 16, 1, 1, False), (32, 64, 70, 200, 3, 1, True),
         (128, 64, 34, 96, 3, 1, False), (24, 56, 67, 520, 3, 1, True),
         (16, 8, 20, 24, 3, 3, False, True), (64, 64, 10, 72, 3, 3, False, True), (72, 40, 9, 136, 3, 3, True, True),
         (8, 8, 11, 16, 2, 2, False, True), (16, 96, 33, 40, 5, 5, False, True), (128, 64, 34, 96, 3, 3, False, True),
         (24, 56, 67, 521, 3, 3, True, True), (64, 64, 512, 512, 3, 3, True, True), (64, 64, 512, 512, 3, 3, False, True),
         (16, 8, 20, 24, 3, 3, False), (64, 64, 512, 512, 3, 3, False)]
BIG = (64, 64, 512, 512, 3, 3)


def kernel_text(c, o, h, w, kh, kw, f16_out=False, hwc=False, name="conv") -> str:
    """A 'valid' KH x KW conv; the image channels-first img[c, y, x] or channels-last img[y, x, c]."""
    ho, wo = h - kh + 1, w - kw + 1
    at, shape = ("y + ky, x + kx, c", f"{h}, {w}, {c}") if hwc else ("c, y + ky, x + kx", f"{c}, {h}, {w}")
    s = f"sum(cast<f32>(img[{at}]) * cast<f32>(w[o, c, ky, kx]), c, ky, kx)"
    return (f"kernel {name}(img: f16[{shape}], w: f16[{o}, {c}, {kh}, {kw}]) -> "
            f"(out: {'f16' if f16_out else 'f32'}[{o}, {ho}, {wo}]) {{\n"
            f"  o = range({o}); y = range({ho}); x = range({wo})\n"
            f"  c = range({c}, reduce); ky = range({kh}, reduce); kx = range({kw}, reduce)\n"
            f"  out[o, y, x] = {f'cast<f16>({s})' if f16_out else s}\n}}\n")


def _compile(text: str, plan_edit=None, without=()):
    """CudaCode JSON (+ strategies, notes, text) of a kernel text; `plan_edit` rewrites the
    conv plan before emission."""
    import rewriter.targets  # noqa: F401
    from rewriter.backends.ptx import emit_ptx
    from rewriter.dsl.rule import load_library
    from rewriter.kernel.parser import parse_kernels
    from rewriter.kernel.simplify import make_rewriter, simplify_kernel
    from rewriter.lower.gpu import lower_gpu
    from rewriter.lower.gpu_program import NativeBody, native_plan
    from rewriter.runtime.cuda import CudaCode

    rw = make_rewriter(load_library(["rules"]).for_target("cuda"))
    from rewriter.lower.gpu import STRATEGIES

    order = tuple(s for s in STRATEGIES if s not in without) if without else None
    gp = lower_gpu(simplify_kernel(parse_kernels(text)[0], rw), rw, validate=True, strategies=order)
    if plan_edit:
        launches = []
        for l in gp.launches:
            p = native_plan(l)
            if p is not None:
                p = plan_edit(p)
                l = replace(l, grid=p.grid, block=p.threads, body=(NativeBody(p),))
            launches.append(l)
        gp = replace(gp, launches=tuple(launches))
    d = CudaCode.from_program(gp, emit_ptx(gp)[1]).to_json()
    d.update(strategies=[l.strategy for l in gp.launches], notes=list(gp.notes), text=text)
    return d


def variants():
    """label -> (kernel text, plan edit) of the timing rows (f32 and f16 outputs): the issue's
    NCHW kernel (what `--wgmma-conv` compiles for it: the layout launch + the channels-last
    conv) and the channels-last kernel alone."""
    return {"ours NCHW f32 out (--wgmma-conv)": (kernel_text(*BIG, False, False, "conv3x3_f16"), None),
            "ours NCHW f16 out (--wgmma-conv)": (kernel_text(*BIG, True, False, "conv3x3_f16_h"), None),
            "ours channels-last f32 out (conv alone)": (kernel_text(*BIG, False, True, "conv3x3_hwc"), None),
            "ours channels-last f16 out (conv alone)": (kernel_text(*BIG, True, True, "conv3x3_hwc_h"), None),
            "ours NCHW f16 out, wgmma-conv left out (map)": (kernel_text(*BIG, True, False, "conv3x3_map_h"), None,
                                                             ("wgmma-conv",))}


def prepare(out: str) -> None:
    os.makedirs(out, exist_ok=True)
    jobs = {"case_" + "_".join(str(int(v)) for v in case): (kernel_text(*case), None) for case in CASES}
    labels = {}
    for i, (label, v) in enumerate(variants().items()):
        jobs[f"time_{i}"] = v
        labels[f"time_{i}"] = label
    for key, (text, edit, *opt) in jobs.items():
        d = _compile(text, edit, *opt)
        d["label"] = labels.get(key, key)
        with open(os.path.join(out, key + ".json"), "w") as f:
            json.dump(d, f)
        print(key, d["strategies"], [l[:4] for l in d["launches"]], flush=True)


def _shapes(text: str) -> dict:
    return {n: tuple(int(x) for x in dims.split(",")) for n, dims in re.findall(r"(\w+): f\d+\[([\d, ]+)\]", text)}


def run(code_dir: str, repeat: int, compile_peer: bool, ours: bool = True) -> int:
    import torch
    import torch.nn.functional as F

    from rewriter.kernel.check import TENSOR_CORE_TOLERANCE
    from rewriter.runtime.cuda import CudaCode, CudaModule, Driver

    rtol, atol = TENSOR_CORE_TOLERANCE
    torch.backends.cudnn.benchmark = True
    torch.zeros(1, device="cuda")
    drv = Driver.get()
    print(f"device {drv.device_name()}, torch {torch.__version__}, cudnn {torch.backends.cudnn.version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    jobs = {}
    for f in sorted(os.listdir(code_dir)):
        with open(os.path.join(code_dir, f)) as fh:
            jobs[f[:-5]] = json.load(fh)
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    failed = 0

    def inputs(d):
        s = _shapes(d["text"])
        img = torch.randn(s["img"], dtype=torch.float16, device="cuda", generator=gen)
        w = (torch.randn(s["w"], dtype=torch.float16, device="cuda", generator=gen) / 8).half()
        out_t = torch.float16 if "-> (out: f16" in d["text"] else torch.float32
        out = torch.full(s["out"], float("nan"), dtype=out_t, device="cuda")
        return img, w, out

    def scratch(d):
        """The program's device-only buffers (the layout launch's channels-last image), after
        the kernel's three in the parameter order."""
        return [torch.empty(max(1, size * int(dt[-1])), dtype=torch.uint8, device="cuda")
                for _, dt, size in d.get("scratch", [])]

    def hwc(d):
        return "img[y + ky, x + kx, c]" in d["text"]

    def check(d, img, w, out):
        want = F.conv2d((img.permute(2, 0, 1) if hwc(d) else img).double()[None], w.double())[0]
        err = (out[..., :want.shape[-1]].double() - want).abs()
        tol = atol + (rtol + (2.0 ** -10 if out.dtype == torch.float16 else 0)) * want.abs()
        ratio = float((err / tol).max()) if not torch.isnan(err).any() else float("nan")
        return bool((err <= tol).all()), float(err.max()), ratio

    print("\n| case (C, O, H, W, KH, KW, f16 out) | strategy | max abs err | max err / tol | correct |\n"
          "|---|---|---:|---:|---|")
    for key, d in jobs.items():
        if not key.startswith("case_") or not ours:
            continue
        img, w, out = inputs(d)
        try:
            mod = CudaModule(CudaCode.from_json(d), drv)
            tmp = scratch(d)
            mod.launch_all([img.data_ptr(), w.data_ptr(), out.data_ptr()] + [t.data_ptr() for t in tmp])
            torch.cuda.synchronize()
            mod.unload()
        except Exception as e:  # a failing case is a row, not the end of the run
            failed += 1
            print(f"| {key} | {d['strategies']} | ERROR {type(e).__name__}: {e} | | NO |", flush=True)
            continue
        ok, err, ratio = check(d, img, w, out)
        failed += not ok
        print(f"| {key} | {','.join(d['strategies'])} | {err:.2e} | {ratio:.3f} | {'yes' if ok else 'NO'} |", flush=True)

    # Speed: the 1 x 64 x 512 x 512 image, 64 filters of 3 x 3.
    c, o, h, wd, kh, kw = BIG
    img = torch.randn(c, h, wd, dtype=torch.float16, device="cuda", generator=gen)
    w = (torch.randn(o, c, kh, kw, dtype=torch.float16, device="cuda", generator=gen) / 8).half()
    flops = 2.0 * o * (h - kh + 1) * (wd - kw + 1) * c * kh * kw
    img_hwc = img.permute(1, 2, 0).contiguous()
    x4, x4cl = img[None], img[None].contiguous(memory_format=torch.channels_last)
    wcl = w.contiguous(memory_format=torch.channels_last)

    def t_torch(fn):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(repeat):
            fn()
        e.record()
        e.synchronize()
        return s.elapsed_time(e) / 1e3 / repeat

    peers = {"cuDNN conv2d f16 NCHW (f16 out)": t_torch(lambda: F.conv2d(x4, w)),
             "cuDNN conv2d f16 channels-last (f16 out)": t_torch(lambda: F.conv2d(x4cl, wcl)),
             "torch eager conv2d(...).float() NCHW (f32 out)": t_torch(lambda: F.conv2d(x4, w).float())}
    print("", flush=True)
    for label, s in peers.items():
        print(f"peer {label}: {s * 1e6:.1f} us, {flops / s / 1e12:.1f} TFLOP/s", flush=True)
    rows = []
    for key, d in jobs.items():
        if not key.startswith("time_") or not ours:
            continue
        f16_out = "-> (out: f16" in d["text"]
        out = torch.full(_shapes(d["text"])["out"], float("nan"), dtype=torch.float16 if f16_out else torch.float32,
                         device="cuda")  # the kernel's output shape (rows may be padded)
        mod = CudaModule(CudaCode.from_json(d), drv)
        im = img_hwc if hwc(d) else img
        tmp = scratch(d)
        ptrs = [im.data_ptr(), w.data_ptr(), out.data_ptr()] + [t.data_ptr() for t in tmp]
        mod.launch_all(ptrs)
        torch.cuda.synchronize()
        ok = check(d, im, w, out)[0]
        failed += not ok
        s1 = mod.time(ptrs, repeat, warmup=3)
        s2 = mod.time(ptrs, repeat, warmup=0)
        rows.append((d["label"], ok, s1, s2, d["launches"]))
        print(f"ours {d['label']}: {'ok' if ok else 'WRONG'} {s1 * 1e6:.1f} / {s2 * 1e6:.1f} us "
              f"{flops / s1 / 1e12:.1f} TFLOP/s {d['strategies']}", flush=True)
        mod.unload()
    if compile_peer:
        for label, fn in (("torch.compile max-autotune conv2d NCHW (f16 out)", lambda a, b: F.conv2d(a, b)),
                          ("torch.compile max-autotune conv2d(...).float() NCHW (f32 out)",
                           lambda a, b: F.conv2d(a, b).float())):
            t0 = time.time()
            f = torch.compile(fn, mode="max-autotune-no-cudagraphs", dynamic=False)
            f(x4, w)
            torch.cuda.synchronize()
            peers[f"{label} (compiled in {time.time() - t0:.0f} s)"] = s = t_torch(lambda: f(x4, w))
            print(f"peer {label}: {s * 1e6:.1f} us", flush=True)
    best = min(peers.values())
    print(f"\n1 x 64 x 512 x 512 f16, 64 filters 3 x 3, valid (510 x 510): {flops / 1e9:.2f} GFLOP; "
          f"mean of {repeat} (two samples each)\n")
    print("| code | correct | us | us (2nd) | TFLOP/s | vs best peer (TFLOP/s ratio) | launch |\n"
          "|---|---|---:|---:|---:|---:|---|")
    for label, ok, s1, s2, l in rows:
        print(f"| {label} | {'yes' if ok else 'NO'} | {s1 * 1e6:.1f} | {s2 * 1e6:.1f} | {flops / s1 / 1e12:.1f} | "
              f"{best / s1:.2f}x | " + "; ".join(f"{x[0]} <<<{x[1]},{x[2]}>>> smem {x[3]}" for x in l) + " |")
    for label, s in peers.items():
        print(f"| {label} | - | {s * 1e6:.1f} | | {flops / s / 1e12:.1f} | {best / s:.2f}x | |")
    return 1 if failed else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/conv_device.py")
    ap.add_argument("--prepare", metavar="DIR")
    ap.add_argument("--code", metavar="DIR")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-compile", action="store_true", help="leave torch.compile out")
    ap.add_argument("--peers-only", action="store_true", help="PyTorch's times only (with torch.compile)")
    args = ap.parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return 0
    return run(args.code, args.repeat, not args.no_compile, not args.peers_only)


if __name__ == "__main__":
    sys.exit(main())
