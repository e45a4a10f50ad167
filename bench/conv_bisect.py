"""Bisect a wgmma-conv failure on the GPU in one device call: the smallest case's PTX and
variants of it with one mechanism cut out each, every one run in its own process (a device
error such as CUDA_ERROR_ILLEGAL_INSTRUCTION is sticky: it spoils every later launch of the
process), then compute-sanitizer on the unchanged PTX (it names the faulting SASS offset;
the SASS of the same PTX is written beside it), then every correctness case alone.

    # here (Z3 + llvmlite):
    python bench/conv_bisect.py --prepare bdir
    # on the GPU machine (torch; compute-sanitizer, ptxas and cuobjdump on PATH if present):
    python3 bench/conv_bisect.py --run bdir --out OUTDIR

A cut variant computes garbage on purpose; what it tells is whether the fault goes away:
  skeleton       only the barriers, setmaxnreg, the tile walk (no copies, weights, wgmma, stores)
  nowgmma_notma  no wgmma, no copies (the stages' barriers complete by plain arrivals)
  nowgmma / notma / noweights / nostore / nomaxnreg: one mechanism out each.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SMALL = (16, 8, 20, 24, 3, 3, False)  # one block row of tiles, one channel slice: the least to run


def _drop(p: str, pattern: str) -> str:
    return "\n".join(line for line in p.split("\n") if not re.search(pattern, line))


def _notma(p: str) -> str:
    """No bulk copies: the producer's expect_tx arrival becomes a plain arrival."""
    p = _drop(p, r"cp\.async\.bulk\.tensor")
    return re.sub(r"mbarrier\.arrive\.expect_tx\.shared::cta\.b64 (%rd\d+), \[(%r\d+)\], \d+;",
                  r"mbarrier.arrive.shared::cta.b64 \1, [\2];", p)


CUTS = {
    "nomaxnreg": lambda p: _drop(p, r"setmaxnreg"),
    "nowgmma": lambda p: _drop(p, r"wgmma\.mma_async"),
    "notma": _notma,
    "noweights": lambda p: p.replace("@%p5 bra W_DONE;", "bra W_DONE;"),
    "nostore": lambda p: _drop(p, r"st\.global"),
}
VARIANTS = {"base": (), "skeleton": ("nowgmma", "notma", "noweights", "nostore"), "nowgmma_notma": ("nowgmma", "notma"),
            **{k: (k,) for k in CUTS}}


def prepare(out: str) -> None:
    from conv_device import CASES, _compile, kernel_text

    os.makedirs(out, exist_ok=True)
    for case in dict.fromkeys([SMALL] + CASES):
        d = _compile(kernel_text(*case))
        key = "case_" + "_".join(str(int(v)) for v in case)
        with open(os.path.join(out, key + ".json"), "w") as f:
            json.dump(d, f)
        if case == SMALL:
            for name, cuts in VARIANTS.items():
                ptx = d["ptx"]
                for c in cuts:
                    ptx = CUTS[c](ptx)
                if cuts and ptx == d["ptx"]:
                    raise SystemExit(f"variant {name} changed nothing: the PTX no longer has what it cuts")
                with open(os.path.join(out, f"v_{name}.ptx"), "w") as f:
                    f.write(ptx)
    print(f"{out}: {len(os.listdir(out))} files", flush=True)


def run_one(path: str, ptx: str | None) -> int:
    """This process: one launch of the case JSON (its PTX replaced by `ptx`), checked."""
    import torch
    import torch.nn.functional as F

    from rewriter.kernel.check import TENSOR_CORE_TOLERANCE
    from rewriter.runtime.cuda import CudaCode, CudaModule, Driver

    d = json.load(open(path))
    if ptx:
        d["ptx"] = open(ptx).read()
    shapes = {n: tuple(int(x) for x in dims.split(",")) for n, dims in re.findall(r"(\w+): f\d+\[([\d, ]+)\]", d["text"])}
    torch.zeros(1, device="cuda")
    drv = Driver.get()
    g = torch.Generator(device="cuda")
    g.manual_seed(1)
    img = torch.randn(shapes["img"], dtype=torch.float16, device="cuda", generator=g)
    w = (torch.randn(shapes["w"], dtype=torch.float16, device="cuda", generator=g) / 8).half()
    f16 = "-> (out: f16" in d["text"]
    out = torch.full(shapes["out"], float("nan"), dtype=torch.float16 if f16 else torch.float32, device="cuda")
    tag = os.path.basename(ptx or path)
    try:
        mod = CudaModule(CudaCode.from_json(d), drv)
        mod.launch_all([img.data_ptr(), w.data_ptr(), out.data_ptr()])
        torch.cuda.synchronize()
    except Exception as e:  # the row is the result
        print(f"{tag}: ERROR {type(e).__name__}: {e}", flush=True)
        return 2
    want = F.conv2d(img.double()[None], w.double())[0]
    rtol, atol = TENSOR_CORE_TOLERANCE
    err = (out.double() - want).abs()
    bad = int((~(err <= atol + (rtol + (2.0 ** -10 if f16 else 0)) * want.abs())).sum())
    print(f"{tag}: {'OK' if bad == 0 else 'WRONG'} ({bad} of {out.numel()} outside the tolerance, "
          f"{int(torch.isnan(out).sum())} NaN)", flush=True)
    return 0 if bad == 0 else 1


def run(bdir: str, out: str, seconds: int) -> None:
    os.makedirs(out, exist_ok=True)
    me = [sys.executable, os.path.abspath(__file__)]
    small = os.path.join(bdir, "case_" + "_".join(str(int(v)) for v in SMALL) + ".json")

    def one(*args, log=None):
        try:
            r = subprocess.run(me + ["--one", *args], capture_output=True, text=True, timeout=seconds)
            last = (r.stderr.strip().splitlines() or [""])[-1]
            line = (r.stdout.strip().splitlines() or [f"{os.path.basename(args[-1])}: rc {r.returncode}: {last}"])[-1]
        except subprocess.TimeoutExpired:
            line = f"{os.path.basename(args[-1])}: HUNG (over {seconds} s)"
        print(line, flush=True)
        if log:
            log.write(line + "\n")

    with open(os.path.join(out, "variants.log"), "w") as log:
        for name in VARIANTS:
            one(small, os.path.join(bdir, f"v_{name}.ptx"), log=log)
    if shutil.which("ptxas") and shutil.which("cuobjdump"):
        cubin = os.path.join(out, "base.cubin")
        subprocess.run(["ptxas", "-arch=sm_90a", os.path.join(bdir, "v_base.ptx"), "-o", cubin], check=False)
        with open(os.path.join(out, "base.sass"), "w") as f:
            subprocess.run(["cuobjdump", "-sass", cubin], stdout=f, check=False)
    if shutil.which("compute-sanitizer"):
        with open(os.path.join(out, "sanitizer.log"), "w") as f:
            try:
                subprocess.run(["compute-sanitizer", "--tool", "memcheck", "--print-limit", "20"] + me + ["--one", small],
                               stdout=f, stderr=subprocess.STDOUT, timeout=6 * seconds)
            except subprocess.TimeoutExpired:
                f.write("compute-sanitizer: timed out\n")
        print(open(os.path.join(out, "sanitizer.log")).read()[-3000:], flush=True)
    with open(os.path.join(out, "cases.log"), "w") as log:
        for f in sorted(os.listdir(bdir)):
            if f.startswith("case_"):
                one(os.path.join(bdir, f), log=log)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python bench/conv_bisect.py")
    ap.add_argument("--prepare", metavar="DIR")
    ap.add_argument("--run", metavar="DIR")
    ap.add_argument("--out", default="bisect-out")
    ap.add_argument("--seconds", type=int, default=20, help="per process (a hang is a row too)")
    ap.add_argument("--one", nargs="+", metavar=("JSON", "PTX"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.one:
        return run_one(a.one[0], a.one[1] if len(a.one) > 1 else None)
    if a.prepare:
        prepare(a.prepare)
    if a.run:
        run(a.run, a.out, a.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
