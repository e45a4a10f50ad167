"""The GPU benchmark: every example kernel compiled for cuda, checked, timed, and set against
the device's own copy bandwidth and PyTorch doing the same computation, in one process.

    python -m rewriter.bench_gpu [--out bench/results/gpu.md] [--repeat 20]

Two parts:

  * correctness: every `examples/*.ir` kernel (their small sizes) runs through `run_cuda`
    and is compared with the reference interpreter (`check_against_reference`);
  * speed: every `examples/gpu/*.ir` kernel (the same computations at realistic sizes, where
    the interpreter would take hours) runs on PyTorch-allocated buffers, is compared with
    PyTorch's result, and is timed with CUDA events (mean of `--repeat` runs after warm-up).
    Bandwidth counts each input and output buffer once (the least traffic the computation
    needs); FLOP/s counts 2 M N K for matrix products. The copy is a device-to-device copy of
    1 GiB through PyTorch (bytes read + written over its time).

Needs PyTorch and a GPU; the library itself does not (this module is the only user of torch).
"""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import sys
import time
from dataclasses import replace

import numpy as np

from rewriter.dsl.rule import load_library
from rewriter.kernel.array_ref import TorchOps, array_kernel
from rewriter.kernel.check import check_against_reference, tolerance_for
from rewriter.kernel.parser import load_kernel
from rewriter.kernel.reference import numpy_dtype, random_inputs
from rewriter.kernel.scale import scale_kernel
from rewriter.runtime.cuda import CudaCode, CudaModule, Driver, run_cuda


def _torch_refs(torch):
    """kernel name -> (function of the input tensors by name -> {output: tensor}, tolerance)."""
    F = torch.nn.functional

    def sat_add(a, b):
        return {"out": torch.clamp(a.to(torch.int16) + b.to(torch.int16), max=255).to(torch.uint8)}

    def requant(acc):
        return {"out": torch.clamp((acc * 77) >> 10, 0, 255).to(torch.uint8)}

    def dot(a, b):
        return {"out": (a.to(torch.int32) * b.to(torch.int32)).sum(dtype=torch.int64).to(torch.int32).reshape(())}

    def softmax(x):
        e = torch.exp2((x - x.amax(dim=1, keepdim=True)) * 1.442695)
        return {"out": e / e.sum(dim=1, keepdim=True)}

    def conv(inp, w):
        o = F.conv2d(inp.to(torch.float32)[None, None], w.to(torch.float32)[None, None])
        return {"out": o[0, 0].to(torch.int32)}

    def maxpool(inp):
        h, w = inp.shape
        return {"out": inp.reshape(h // 2, 2, w // 2, 2).amax(dim=(1, 3))}

    def sum3(x):
        return {"out": x[:-2] + x[1:-1] + x[2:]}

    return {
        "relu_f32": lambda x: {"out": torch.relu(x)},
        "axpy_f32": lambda alpha, x, y: {"out": torch.add(y, x, alpha=float(alpha))},
        "add_sat_u8": sat_add,
        "requant_u8": requant,
        "sum3_i16": sum3,
        "dot_i8": dot,
        "sum_f32": lambda x: {"out": x.sum().reshape(())},
        "rowmax_f32": lambda x: {"out": x.amax(dim=1)},
        "softmax_f32": softmax,
        "maxpool2x2_u8": maxpool,
        "conv3x3_u8": conv,
        "matmul_f32": lambda a, b: {"c": a @ b},
        "matmul_f16": lambda a, b: {"c": (a @ b).to(torch.float32)},
        "matmul_i8": lambda a, b: {"c": (a.to(torch.float32) @ b.to(torch.float32)).to(torch.int32)},
        "gemv_f32": lambda a, v: {"out": a @ v},
    }


def peer(torch, k):
    """(PyTorch function of the input tensors by name -> {output: tensor}, its origin): the
    hand-written formulation where there is one, else the kernel as whole-array ops."""
    ref = _torch_refs(torch).get(k.name)
    if ref is not None and not k.name.startswith("matmul_i"):  # matmul_i8's ref is for its i8 example only
        return ref, "hand-written"
    return array_kernel(k, TorchOps(torch)), "array_ref"


#: torch.compile modes by kernel: max-autotune where PyTorch's function is a matrix product or a
#: convolution (Triton templates against cuBLAS/cuDNN); elsewhere inductor's fusion is the
#: whole story and the default mode compiles the same kernels in less time.
def compile_mode(name: str, origin: str) -> str:
    return "max-autotune-no-cudagraphs" if origin == "hand-written" and \
        (name.startswith(("matmul", "gemv")) or name.startswith("conv")) else "default"


def _library():
    """The rule library, for compiling here (not on the GPU machine: the target registry
    imports Z3 and llvmlite, which it does not have)."""
    import rewriter.targets  # noqa: F401  (the rules name every target's ops, e.g. hvx.*)

    return load_library(["rules"])


def _time_torch(torch, fn, repeat: int) -> float:
    for _ in range(2):
        fn()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeat):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3 / repeat


def _random_tensor(torch, b, gen):
    tt = _torch_dtype(torch, b)
    shape = b.shape or ()
    if b.dtype.is_float:
        return torch.randn(shape, dtype=tt, device="cuda", generator=gen)
    if b.dtype.is_bool:
        return torch.randint(0, 2, shape, dtype=torch.bool, device="cuda", generator=gen)
    info = torch.iinfo(tt)
    return torch.randint(int(info.min), int(info.max), shape, dtype=tt, device="cuda", generator=gen)


def _close(torch, got, want, dtype) -> bool:
    """Floats within rtol/atol 1e-3; integers bit for bit at the kernel's type (`dtype`; a
    carrier or a signed reinterpretation of an unsigned buffer compares equal)."""
    if dtype.is_float:
        return bool(torch.allclose(got.to(torch.float64), want.to(torch.float64), rtol=1e-3, atol=1e-3))
    if dtype.is_bool:
        return bool(torch.equal(got.to(torch.bool), want.to(torch.bool)))
    g, w = got.to(torch.int64).reshape(-1), want.to(torch.int64).reshape(-1)
    if dtype.bits < 64:
        g, w = g & ((1 << dtype.bits) - 1), w & ((1 << dtype.bits) - 1)
    return g.shape == w.shape and bool(torch.equal(g, w))


def compiled(lib, path: str, code_dir: str | None):
    """(kernel, CudaCode, strategies of its launches, compile seconds): compiled here, or
    read from `code_dir` where `--prepare` wrote it (the same compiler, run elsewhere).
    A path ending in "#fma" is compiled with fp contraction (the tiled matmul's a*b + acc as
    one fma: what nvcc does by default, and what cuBLAS computes); one ending in "#cc" without
    the tensor-core strategy (`tensor_cores=False`: an f16 matmul on the CUDA cores, which the
    default mma-matmul replaced), "#tc-regs" the tensor cores with register-staged slices,
    "#tc-mma" mma.sync with the pipeline its cost model picks (cp.async slices at 4096^3; the
    default is wgmma-matmul on sm_90a); one ending
    in "#map" with the map strategy only (no shared-memory tiling), to measure what the
    tiling buys; one ending in "#tiled" without window-direct (maxpool's shared window tile,
    as before it); "#w1" / "#w8" with the window tile's outputs a thread forced to 1 (the
    form before the cost model chose W) / 8, next to the cost model's choice."""
    contract = path.endswith("#fma")
    map_only = "#map" in path
    tiled = path.endswith("#tiled")
    width = {"#w1": 1, "#w8": 8}.get(path[path.rfind("#"):] if "#" in path else "")
    rows32 = path.endswith("#d32")
    plain = path.endswith("#plain")
    tensor_cores = {"#cc": False, "#tc-regs": "registers", "#tc-mma": "mma"}.get(path[path.rfind("#"):] if "#" in path else "", None)
    k = load_kernel(path.split("#")[0])
    if path.endswith("#big"):  # a suite kernel at a size that measures the memory system
        k = scale_kernel(k)[0]
    if code_dir:
        with open(os.path.join(code_dir, _code_name(path))) as f:
            d = json.load(f)
        return k, CudaCode.from_json(d), d["strategies"], d["compile_s"]
    from rewriter.pipeline import optimize

    t0 = time.time()
    if map_only or tiled or width or rows32 or plain:  # the same kernel another way, for comparison
        from rewriter.backends.ptx import emit_ptx
        from rewriter.lower.gpu import STRATEGIES, lower_gpu
        from rewriter.lower.gpu_ops import H100
        from rewriter.pipeline import make_rewriter, simplify_kernel

        rw = make_rewriter(lib.for_target("cuda"))
        order = ("map",) if map_only else tuple(s for s in STRATEGIES if s != "window-direct") if tiled else None
        spec = replace(H100, window_outputs=width or 0, row_load_bytes=32 if rows32 else H100.row_load_bytes)
        gp = lower_gpu(simplify_kernel(k, rw), rw, strategies=order, spec=spec)
        ptx = emit_ptx(gp, window_loads=not plain)[1]
        return k, CudaCode.from_program(gp, ptx), [l.strategy for l in gp.launches], time.time() - t0
    opt = optimize(k, lib, "cuda", fp_contract=contract, tensor_cores=tensor_cores)
    return k, opt.code, [l.strategy for l in opt.program.launches], time.time() - t0


def _code_name(path: str) -> str:
    return path.replace("/", "__").replace("#", "_").removesuffix(".ir") + ".json"


def prepare(lib, paths, code_dir: str) -> None:
    os.makedirs(code_dir, exist_ok=True)
    for p in paths:
        k, code, strategies, secs = compiled(lib, p, None)
        d = code.to_json()
        d.update(strategies=strategies, compile_s=secs)
        with open(os.path.join(code_dir, _code_name(p)), "w") as f:
            json.dump(d, f)
        print(f"{p}: {len(code.launches)} launch(es), {', '.join(strategies)}, {secs:.1f} s")


def correctness(lib, paths, lines, code_dir=None, torch=None) -> int:
    lines += ["## Correctness: examples/*.ir and bench/kernels/*.ir against the reference interpreter", "",
              "| kernel | launches | strategy | correct (seeds 0, 1) | time (us) | PyTorch port (array_ref) correct |",
              "|---|---:|---|---|---:|---|"]
    failed = 0
    for p in paths:
        try:
            failed += _check_one(lib, p, code_dir, lines, torch)
        except Exception as e:  # keep going: one table row says what broke
            failed += 1
            lines.append(f"| {p} | - | - | ERROR {type(e).__name__}: {e} | - | - |")
            print(lines[-1], flush=True)
    return failed


def _check_one(lib, p, code_dir, lines, torch=None) -> int:
    k, code, strategies, _ = compiled(lib, p, code_dir)
    tolerance = tolerance_for(strategies)  # the tensor cores' own summation order: a stated tolerance
    oks, t, port = [], 0.0, []
    for seed in (0, 1):
        inputs = random_inputs(k, seed)
        got, t = run_cuda(k, code, inputs, repeat=10)
        bad = check_against_reference(k, got, inputs, tolerance=tolerance)
        oks.append(not bad)
        if bad:
            print(f"{k.name}: {bad[0]}", file=sys.stderr)
        if torch is not None:  # the peer's formulation, on the GPU, against the same reference
            ins = {n: torch.from_numpy(np.ascontiguousarray(v)).cuda() for n, v in inputs.items()}
            out = array_kernel(k, TorchOps(torch))(**ins)
            port.append(not check_against_reference(k, {n: v.cpu().numpy() for n, v in out.items()}, inputs))
    strat = ", ".join(sorted(set(strategies)))
    ported = "-" if not port else "yes" if all(port) else "NO"
    lines.append(f"| {k.name} | {len(code.launches)} | {strat} | {'yes' if all(oks) else 'NO'} | {t * 1e6:.1f} | {ported} |")
    print(lines[-1], flush=True)
    return 0 if all(oks) and ported != "NO" else 1


def speed(torch, lib, paths, repeat, lines, copy_bw, code_dir=None, compile_peers=True) -> int:
    lines += ["", "## Speed: examples/gpu/*.ir (realistic sizes) and bench/kernels/*.ir scaled up", "",
              f"Copy bandwidth measured in this run: {copy_bw / 1e9:.0f} GB/s (device-to-device, 1 GiB).", "",
              "| kernel | correct vs PyTorch | ours (us) | PyTorch eager (us) | torch.compile (us) | best peer / ours "
              "| ours | % of copy BW | best peer % of copy | notes |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    failed = 0
    gen = torch.Generator(device="cuda")
    gen.manual_seed(0)
    for p in paths:
        try:
            failed += _time_one(torch, lib, p, code_dir, gen, repeat, lines, copy_bw, compile_peers)
        except Exception as e:  # keep going: one table row says what broke
            failed += 1
            lines.append(f"| {p} | ERROR {type(e).__name__}: {str(e)[:300]} | | | | | | | | |")
            print(lines[-1], flush=True)
        torch.cuda.empty_cache()
    return failed


#: (kernel name, buffer shapes) -> (eager seconds, compiled seconds or None, compile note)
_PEERS: dict = {}


def _compiled_peer(torch, k, fn, origin, ins, mode, repeat):
    """(seconds a run, compile seconds, outputs by name) of torch.compile(fn), or (None, 0,
    the error text). The array_ref translation is traced to an aten graph first (make_fx
    runs its Python once; dynamo then sees only tensor ops, not the kernel's IR walk)."""
    try:
        torch._dynamo.reset()
        t0 = time.time()
        if origin == "array_ref":
            from torch.fx.experimental.proxy_tensor import make_fx

            names, outs = [b.name for b in k.inputs], [b.name for b in k.outputs]
            gm = make_fx(lambda *xs: tuple(fn(**dict(zip(names, xs)))[n] for n in outs))(*(ins[n] for n in names))
            cg = torch.compile(gm, mode=mode, dynamic=False)
            args = [ins[n] for n in names]

            def cf(**_):
                return dict(zip(outs, cg(*args)))
        else:
            cf = torch.compile(fn, mode=mode, dynamic=False)
        out = cf(**ins)
        torch.cuda.synchronize()
        secs = time.time() - t0
        return _time_torch(torch, lambda: cf(**ins), repeat), secs, out
    except Exception as e:  # a peer that does not compile is a finding, not a crash
        return None, 0.0, f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"


def _time_one(torch, lib, p, code_dir, gen, repeat, lines, copy_bw, compile_peers=True) -> int:
    k, code, strategies, compile_s = compiled(lib, p, code_dir)
    mod = CudaModule(code, Driver.get())
    ins = {b.name: _random_tensor(torch, b, gen) for b in k.inputs}
    bufs = {}
    for b in k.buffers:
        if b.role == "input":
            bufs[b.name] = ins[b.name]
        else:
            bufs[b.name] = torch.zeros(b.shape or (), dtype=_torch_dtype(torch, b), device="cuda")
    scratch = [torch.empty(max(1, size * _itemsize(nt)), dtype=torch.uint8, device="cuda")
               for _, nt, size in code.scratch]
    ptrs = [bufs[b.name].data_ptr() for b in k.buffers] + [s.data_ptr() for s in scratch]
    mod.launch_all(ptrs)
    torch.cuda.synchronize()
    ref, origin = peer(torch, k)
    want = ref(**ins)
    ok = all(_close(torch, bufs[n], w, k.buffer(n).dtype) for n, w in want.items())
    del want
    key = (k.name, tuple(b.shape for b in k.buffers))
    mode = compile_mode(k.name, origin)
    if key not in _PEERS:  # the variant rows of one kernel (fma, map, ...) share its peers' times
        eager = _time_torch(torch, lambda: ref(**ins), repeat)
        comp, comp_s, comp_note = None, 0.0, "not run"
        if compile_peers:
            comp, comp_s, out = _compiled_peer(torch, k, ref, origin, ins, mode, repeat)
            if comp is None:
                comp_note = f"compile failed: {out}"
            else:
                comp_ok = all(_close(torch, bufs[n], w, k.buffer(n).dtype) for n, w in out.items())
                comp_note = f"compile {mode} {comp_s:.0f} s" + ("" if comp_ok else ", its result DIFFERS")
                del out
        _PEERS[key] = (eager, comp, comp_note)
    eager, comp, comp_note = _PEERS[key]
    ours = mod.time(ptrs, repeat)
    nbytes = sum(b.size * max(1, b.dtype.bits // 8) for b in k.inputs + k.outputs)
    flops = _matmul_flops(k)
    unit = "TFLOP/s" if k.inputs[0].dtype.is_float else "TOP/s"
    perf = f"{flops / ours / 1e12:.1f} {unit}" if flops else f"{nbytes / ours / 1e9:.0f} GB/s"
    pct = "-" if flops else f"{100 * nbytes / ours / copy_bw:.0f}%"
    best = min(t for t in (eager, comp) if t)
    best_pct = "-" if flops else f"{100 * nbytes / best / copy_bw:.0f}%"
    strat = "; ".join(f"{s} <<<{l.grid},{l.block}>>>" for s, l in zip(strategies, code.launches))
    tag = p.partition("#")[2]
    label = k.name + {"fma": " (fma)", "map": " (map only)", "tiled": " (window-tiled)",
                      "cc": " (CUDA cores, --no-tensor-cores)",
                      "tc-regs": " (tensor cores, register-staged)", "tc-mma": " (mma.sync, cp.async)", "w1": " (1 output a thread)",
                      "w8": " (8 outputs a thread)", "d32": " (32-byte rows, 16 outputs a thread)",
                      "plain": " (without window loads, byte pairs)", "map#plain": " (map only, without window loads)"}.get(tag, "")
    if tag == "big":
        label = f"{k.name} (suite, {'x'.join(map(str, k.outputs[0].shape)) or 'scalar'})"
    lines.append(f"| {label} | {'yes' if ok else 'NO'} | {ours * 1e6:.1f} | {eager * 1e6:.1f} | "
                 f"{comp * 1e6:.1f} | {best / ours:.2f}x | {perf} | {pct} | {best_pct} | " if comp else
                 f"| {label} | {'yes' if ok else 'NO'} | {ours * 1e6:.1f} | {eager * 1e6:.1f} | - | {eager / ours:.2f}x "
                 f"| {perf} | {pct} | {best_pct} | ")
    lines[-1] += f"{strat}; ours compiled in {compile_s:.1f} s; peer {origin}, {comp_note} |"
    print(lines[-1], flush=True)
    mod.unload()
    del ins, bufs, scratch
    return 0 if ok else 1


def _torch_dtype(torch, b):
    """The tensor type a buffer is held in: its own, or for u16/u32/u64 (few CUDA ops in
    PyTorch) the signed type of its width, the same bits."""
    if b.dtype.is_integral and not b.dtype.signed and b.dtype.bits > 8:
        return getattr(torch, f"int{b.dtype.bits}")
    return getattr(torch, np.dtype(numpy_dtype(b.dtype)).name)


def _itemsize(nt) -> int:
    return np.dtype(nt).itemsize


def _matmul_flops(k) -> float:
    if not k.name.startswith("matmul"):
        return 0.0
    m, kk = k.inputs[0].shape
    return 2.0 * m * kk * k.inputs[1].shape[1]


def copy_bandwidth(torch, repeat: int) -> float:
    src = torch.empty(1 << 30, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    t = _time_torch(torch, lambda: dst.copy_(src), repeat)
    del src, dst
    return 2 * (1 << 30) / t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rewriter.bench_gpu")
    ap.add_argument("--out", help="write the markdown table here too")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--only", action="append", help="speed part: only these kernel names")
    ap.add_argument("--prepare", metavar="DIR", help="compile every example into DIR and stop (no GPU needed)")
    ap.add_argument("--code", metavar="DIR", help="run the code --prepare wrote into DIR instead of compiling")
    ap.add_argument("--parts", default="correctness,examples,suite",
                    help="comma-separated: correctness (small kernels vs the interpreter), examples "
                         "(examples/gpu), suite (bench/kernels scaled up)")
    ap.add_argument("--no-compile", action="store_true", help="time PyTorch eager only (no torch.compile)")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    small = sorted(glob.glob("examples/*.ir")) + sorted(glob.glob("bench/kernels/*.ir"))
    large = sorted(glob.glob("examples/gpu/*.ir"))
    suite = [p + "#big" for p in sorted(glob.glob("bench/kernels/*.ir"))]
    if args.only:
        large = [p for p in large if any(p.endswith(f"/{n}.ir") for n in args.only)]
        suite = [p for p in suite if any(p.endswith(f"/{n}.ir#big") for n in args.only)]
    large += [p + "#fma" for p in large if "/matmul_f32" in p]  # f16 products are exact: fma without it
    large += [p + "#map" for p in large if "/conv3x3_" in p or "/maxpool2x2_" in p]
    large += [p + sfx for p in large if p.endswith("/maxpool2x2_u8.ir") for sfx in ("#tiled", "#d32")]
    large += [p + "#plain" for p in large if p.endswith(("/sum3_i16.ir", "/conv3x3_u8.ir#map", "/maxpool2x2_u8.ir"))]
    large += [p + sfx for p in large if p.endswith("/conv3x3_u8.ir") for sfx in ("#w1", "#w8")]
    large += [p + sfx for p in large if p.endswith("/matmul_f16.ir") for sfx in ("#cc", "#tc-regs", "#tc-mma")]
    if args.prepare:
        prepare(_library(), small + large + suite, args.prepare)
        return 0
    small = small if "correctness" in parts else []
    large = (large if "examples" in parts else []) + (suite if "suite" in parts else [])
    import torch


    torch.cuda.init()
    torch.zeros(1, device="cuda")
    drv = Driver.get()
    torch.backends.cudnn.allow_tf32 = False  # PyTorch's references in full f32
    torch.backends.cuda.matmul.allow_tf32 = False
    lib = None if args.code else _library()
    lines = ["# GPU benchmark (rewriter --target cuda)", "",
             f"date {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, device {drv.device_name()}, "
             f"torch {torch.__version__}, python {sys.version.split()[0]}, mean of {args.repeat} runs after warm-up", "",
             "command: `" + " ".join(["python3 -m rewriter.bench_gpu"] + (argv if argv is not None else sys.argv[1:])) + "`", ""]
    failed = correctness(lib, small, lines, args.code, torch) if small else 0
    bw = copy_bandwidth(torch, args.repeat)
    failed += speed(torch, lib, large, args.repeat, lines, bw, args.code, not args.no_compile)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
