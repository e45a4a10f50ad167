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

The second call found every variant with the copies faulting. The cause (gpu_wgmma.TMA_COORD_ALIGN):
a box's innermost coordinate must start 16 bytes into a row or a multiple of it, and tap column
kx's boxes start at x0 + kx. The strategy now refuses such kernels; to confirm on the GPU, the
3x3 case is compiled here as before the fix (ConvPlan.tma_problem switched off for this build
only) and the x coordinate alone is changed (the 1x1 case's, correct, too):
  x_aligned    3x3, boxes at x0 (kx dropped): expected to run (wrong values)
  x_times8     3x3, boxes at x0 + 8 kx (16-byte steps): expected to run (wrong values)
  1x1_x_plus1  1x1, boxes at x0 + 1: expected to fault (illegal instruction)
  1x1_x_plus8  1x1, boxes at x0 + 8: expected to run (wrong values)
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
ONE = (8, 8, 11, 16, 1, 1, False)  # the case that ran correctly
X_COORD = "add.u32 %r25, %r10, %r23;"  # ptx_wgmma_conv._producer: x0 + kx, the boxes' x


def _drop(p: str, pattern: str) -> str:
    return "\n".join(line for line in p.split("\n") if not re.search(pattern, line))


def _notma(p: str) -> str:
    """No bulk copies: the producer's expect_tx arrival becomes a plain arrival."""
    p = _drop(p, r"cp\.async\.bulk\.tensor")
    return re.sub(r"mbarrier\.arrive\.expect_tx\.shared::cta\.b64 (%rd\d+), \[(%r\d+)\], \d+;",
                  r"mbarrier.arrive.shared::cta.b64 \1, [\2];", p)


def _x(expr: str):
    """The producer's box x coordinate replaced by `expr` (x0 is %r10, kx %r23)."""
    def cut(p: str) -> str:
        if X_COORD not in p:
            raise SystemExit("the producer's x coordinate is no longer " + X_COORD)
        return p.replace(X_COORD, expr)
    return cut


CUTS = {
    "nomaxnreg": lambda p: _drop(p, r"setmaxnreg"),
    "nowgmma": lambda p: _drop(p, r"wgmma\.mma_async"),
    "notma": _notma,
    "noweights": lambda p: p.replace("@%p5 bra W_DONE;", "bra W_DONE;"),
    "nostore": lambda p: _drop(p, r"st\.global"),
    "x_aligned": _x("mov.u32 %r25, %r10;"),
    "x_times8": _x("mad.lo.u32 %r25, %r23, 8, %r10;"),
    "x_plus1": _x("add.u32 %r25, %r10, 1;"),
    "x_plus8": _x("add.u32 %r25, %r10, 8;"),
}
VARIANTS = {"base": (), "skeleton": ("nowgmma", "notma", "noweights", "nostore"), "nowgmma_notma": ("nowgmma", "notma"),
            **{k: (k,) for k in CUTS if not k.startswith("x_")}, "x_aligned": ("x_aligned",),
            "x_times8": ("x_times8",)}
ONE_VARIANTS = {"1x1_base": (), "1x1_x_plus1": ("x_plus1",), "1x1_x_plus8": ("x_plus8",)}


def _key(case) -> str:
    return "case_" + "_".join(str(int(v)) for v in case)


def _unchecked(text: str) -> dict:
    """The code as before the fix: the plan's copy-engine check off for this build only."""
    from conv_device import _compile

    from rewriter.lower.gpu_wgmma_conv import ConvPlan

    saved = ConvPlan.tma_problem
    ConvPlan.tma_problem = lambda self: None
    try:
        d = _compile(text)
    finally:
        ConvPlan.tma_problem = saved
    if d["strategies"] != ["wgmma-conv"]:
        raise SystemExit(f"the unchecked build took {d['strategies']}: {d['notes']}")
    return d


def prepare(out: str) -> None:
    from conv_device import CASES, _compile, kernel_text

    os.makedirs(out, exist_ok=True)
    for case in dict.fromkeys([ONE] + CASES):  # the code as it is (3x3: the fallback)
        d = _compile(kernel_text(*case))
        with open(os.path.join(out, _key(case) + ".json"), "w") as f:
            json.dump(d, f)
    for case, variants in ((SMALL, VARIANTS), (ONE, ONE_VARIANTS)):
        d = _unchecked(kernel_text(*case))
        with open(os.path.join(out, "diag_" + _key(case) + ".json"), "w") as f:
            json.dump(d, f)
        for name, cuts in variants.items():
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
        print(f"ROW {tag}: ERROR {type(e).__name__}: " + " ".join(str(e).split())[:160], flush=True)
        return 2
    want = F.conv2d(img.double()[None], w.double())[0]
    rtol, atol = TENSOR_CORE_TOLERANCE
    err = (out.double() - want).abs()
    bad = int((~(err <= atol + (rtol + (2.0 ** -10 if f16 else 0)) * want.abs())).sum())
    print(f"ROW {tag} [{','.join(d.get('strategies', []))}]: {'OK' if bad == 0 else 'WRONG'} ({bad} of {out.numel()} "
          f"outside the tolerance, {int(torch.isnan(out).sum())} NaN)", flush=True)
    return 0 if bad == 0 else 1


def run(bdir: str, out: str, seconds: int) -> None:
    """Everything into ONE file, out/bisect.log (the device tool brings back few files), and
    each result as one line on stdout (the tool returns the output's tail)."""
    os.makedirs(out, exist_ok=True)
    me = [sys.executable, os.path.abspath(__file__)]
    log = open(os.path.join(out, "bisect.log"), "w")

    def say(line: str) -> None:
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    def one(*args):
        try:
            r = subprocess.run(me + ["--one", *args], capture_output=True, text=True, timeout=seconds)
            rows = [x for x in r.stdout.splitlines() if x.startswith("ROW ")]
            last = (r.stderr.strip().splitlines() or [""])[-1]
            say(rows[-1][4:] if rows else f"{os.path.basename(args[-1])}: rc {r.returncode}: {last}")
        except subprocess.TimeoutExpired:
            say(f"{os.path.basename(args[-1])}: HUNG (over {seconds} s)")

    for case, variants in ((SMALL, VARIANTS), (ONE, ONE_VARIANTS)):
        for name in variants:
            one(os.path.join(bdir, "diag_" + _key(case) + ".json"), os.path.join(bdir, f"v_{name}.ptx"))
    if shutil.which("compute-sanitizer"):
        try:
            r = subprocess.run(["compute-sanitizer", "--tool", "memcheck", "--print-limit", "4"] + me +
                               ["--one", os.path.join(bdir, "diag_" + _key(SMALL) + ".json")],
                               capture_output=True, text=True, timeout=6 * seconds)
            lines = (r.stdout + r.stderr).splitlines()
        except subprocess.TimeoutExpired:
            lines = ["compute-sanitizer: timed out"]
        key = [x for x in lines if x.startswith("=====") and "Host Frame" not in x and x.strip("= ")]
        say(f"compute-sanitizer memcheck, the unchecked 3x3 ({len(lines)} lines, the first 40 that are not host frames):")
        for x in key[:40]:
            say("  " + x)
    for f in sorted(os.listdir(bdir)):
        if f.startswith("case_"):
            one(os.path.join(bdir, f))
    log.close()


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
