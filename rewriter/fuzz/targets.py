"""Fuzz targets: where a kernel can run, as a registry every backend plugs into.

Every target of the pipeline's registry (`rewriter/targets/`) is one here, built through
`pipeline.optimize` with the faithfulness it declares; besides them, `ref` and `cuda-sim`.
A target turns a kernel and a rule library into something that runs on inputs:

    build(kernel, library) -> Built(run=inputs -> outputs, stats, rule_locs, simplified)

`register_target(name, build=...)` adds one; a backend that only has the simple form
`fn(kernel, library, inputs) -> outputs` registers it with `register_target(name, run=fn)`
(it is then rebuilt for every input set, and the rules it fired are those of simplifying the
kernel's statements). `run_target(name, kernel, library, inputs)` is that simple form for
every target.

  ref       the reference interpreter run on the kernel *after* the rule library: a self-check
            of the rules and the engine that needs no code generator;
  cuda-sim  the CUDA lowering run by the lockstep GPU simulator (no GPU needed);
  and every pipeline target (cpu, hexagon, cuda, webgpu).
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rewriter.errors import RewriterError, ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import run_reference
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import TARGETS as PIPELINE_TARGETS
from rewriter.pipeline import load, optimize
from rewriter.rewrite.engine import Rewriter
from rewriter.target import Options
from rewriter.target import Target as PipelineTarget


class TargetCrash(RewriterError):
    """The target's code died (a signal, a time-out) instead of returning outputs."""


@dataclass
class Built:
    run: Callable[[dict], dict]  # inputs -> outputs (numpy arrays by output name)
    stats: Counter = field(default_factory=Counter)  # rule name -> times fired
    rule_locs: dict = field(default_factory=dict)  # rule name -> file:line:col
    simplified: Kernel | None = None  # the kernel after the rule library, when known


@dataclass(frozen=True)
class Target:
    name: str
    build: Callable[[Kernel, object], Built]
    doc: str = ""
    #: (rtol, atol) for float outputs, by bit width; exact for integers and bools.
    tolerance: Callable[[object], tuple] | None = None
    #: Element types whose arithmetic the target does not compute as the op table defines (a
    #: documented gap, not a bug to rediscover on every run); the kernel fuzzer leaves them out.
    unfaithful: frozenset = frozenset()
    #: Whether the target may assume no inf/NaN is produced (WGSL lets an implementation):
    #: kernels whose reference results are not all finite are not compared on it.
    finite_only: bool = False


TARGETS: dict[str, Target] = {}


def register_target(name: str, build: Callable | None = None, *, run: Callable | None = None,
                    doc: str = "", tolerance: Callable | None = None, replace: bool = False,
                    unfaithful: frozenset = frozenset(), finite_only: bool = False) -> Target:
    """Add a target: `build(kernel, library) -> Built`, or the simple `run(kernel, library,
    inputs) -> outputs`."""
    if (build is None) == (run is None):
        raise ValueError("register_target needs exactly one of build= or run=")
    if name in TARGETS and not replace:
        raise ValueError(f"fuzz target '{name}' is already registered")
    if build is None:
        def build(kernel, library, _run=run):
            simplified, stats, locs = simplify_with_stats(kernel, library)
            return Built(lambda inputs: _run(kernel, library, inputs), stats, locs, simplified)
    TARGETS[name] = Target(name, build, doc, tolerance, unfaithful, finite_only)
    return TARGETS[name]


def get_target(name: str) -> Target:
    if name not in TARGETS:
        raise RewriterError(f"unknown fuzz target '{name}' (known: {', '.join(sorted(TARGETS))})")
    return TARGETS[name]


def run_target(name: str, kernel: Kernel, library, inputs: dict) -> dict:
    """The simple form: run `kernel` optimized with `library` on target `name`."""
    return get_target(name).build(kernel, library).run(inputs)


#: The smallest kernel a target can run: what `check_runs_here` builds and runs.
_PROBE = "kernel probe(a: i32[4]) -> (out: i32[4]) {\n  i = range(4)\n  out[i] = a[i] + 1\n}\n"


def check_runs_here(name: str, library) -> None:
    """Refuse (`RewriterError`, once, before any fuzzing) a target that cannot run on this
    machine: a missing driver or tool is a fact about the machine, not a finding, and was
    recorded as a failure with a corpus case. Anything else the probe hits is left to the
    fuzzer to find and shrink."""
    kernel = parse_kernels(_PROBE, "<probe>")[0]
    try:
        get_target(name).build(kernel, library).run({"a": np.arange(4, dtype=np.int32)})
    except ToolchainError as e:
        raise RewriterError(f"--target {name} cannot run here: {e}") from None
    except Exception:  # noqa: BLE001 - a finding for the fuzzer, not a verdict on the machine
        pass


def simplify_with_stats(kernel: Kernel, library):
    rw = Rewriter(library)
    simplified = kernel.with_stores(rw.normalize(s) for s in kernel.stores)
    return simplified, rw.stats, rw.index.locs


def default_tolerance(t) -> tuple[float, float]:
    """Float comparison tolerance: f16 has ~3 significant digits, bf16 ~2 (compare's floor for
    bf16 outputs, BF16_TOLERANCE, applies on top); the rest as `compare`."""
    return (1e-2, 1e-2) if t.bits == 16 else (1e-4, 1e-5)


# -------------------------------------------------------------------------------------------
# Running native code in a child process
# -------------------------------------------------------------------------------------------
def call_isolated(fn: Callable, arg, timeout_s: float = 30.0):
    """`fn(arg)` in a forked child; its result comes back pickled. A child killed by a signal
    or running past `timeout_s` raises `TargetCrash`. Without fork, calls in-process."""
    if not hasattr(os, "fork"):
        return fn(arg)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            faulthandler.disable()  # a crash is the expected answer here, not worth a traceback
            os.close(rfd)
            try:
                payload = pickle.dumps(("ok", fn(arg)))
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                payload = pickle.dumps(("error", f"{type(e).__name__}: {e}"))
            with os.fdopen(wfd, "wb") as f:
                f.write(payload)
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    os.close(wfd)
    chunks, deadline = [], time.monotonic() + timeout_s
    with os.fdopen(rfd, "rb") as f:
        while True:
            left = deadline - time.monotonic()
            ready = select.select([f], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise TargetCrash(f"the target ran longer than {timeout_s:.0f} s")
            chunk = os.read(f.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        raise TargetCrash(f"the target's code was killed by {signal.Signals(sig).name}")
    if not chunks:
        raise TargetCrash(f"the target's process exited with status {os.WEXITSTATUS(status)} and no result")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise TargetCrash(f"the target raised {value}")
    return value


# -------------------------------------------------------------------------------------------
# The targets of this build: the reference, every registered pipeline target, the simulator
# -------------------------------------------------------------------------------------------
def _build_ref(kernel: Kernel, library) -> Built:
    simplified, stats, locs = simplify_with_stats(kernel, library)
    return Built(lambda inputs: run_reference(simplified, inputs), stats, locs, simplified)


def _pipeline_build(target: PipelineTarget) -> Callable[[Kernel, object], Built]:
    """Build through `pipeline.optimize` for `target`; native code that may crash (the target
    says `isolate`) runs in a forked child, so a crash is a finding, not the end of the run."""
    options = Options(**dict(target.fuzz_options))

    def build(kernel: Kernel, library) -> Built:
        opt = optimize(kernel, library, target.name, options)
        if target.isolate:  # lowering and emission ran here (Python); LLVM, the JIT and the code in the child
            def run(inputs):
                return call_isolated(lambda ins: load(opt)(ins), inputs)
        else:
            run = load(opt)
        return Built(run, opt.stats, opt.rule_locs, opt.simplified)

    return build


def _build_cuda_sim(kernel: Kernel, library) -> Built:
    opt = optimize(kernel, library, "cuda")  # GPU lowering and PTX emission (no GPU needed)
    return Built(lambda inputs: simulate(opt.program, inputs), opt.stats, opt.rule_locs, opt.simplified)


register_target("ref", _build_ref, doc="the reference interpreter on the kernel after the rule library")
for _t in PIPELINE_TARGETS:
    register_target(_t.name, _pipeline_build(_t), doc=_t.doc, tolerance=_t.tolerance,
                    unfaithful=_t.unfaithful, finite_only=_t.finite_only)
register_target("cuda-sim", _build_cuda_sim,
                doc="lowered for the GPU and emitted as PTX; the GPU program run by the lockstep simulator")
