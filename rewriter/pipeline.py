"""The optimizer's pipeline, as a library: kernel -> simplified kernel -> loop program ->
target code -> (optionally) compiled and run. The CLI is a thin layer over this."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import run_reference
from rewriter.lower.lower import lower
from rewriter.lower.program import Program
from rewriter.rewrite.engine import Rewriter

TARGETS = ("cpu", "cuda", "webgpu")
ENGINES = ("greedy", "saturate")


@dataclass
class Optimized:
    kernel: Kernel  # as written
    simplified: Kernel  # after the rule library
    program: Program
    stats: Counter
    rule_locs: dict
    llvm_ir: str = ""
    wgsl: object = None  # a WgslShader (target "webgpu")
    notes: list = field(default_factory=list)
    ptx: str = ""  # target cuda: the PTX for sm_90
    gpu: object = None  # target cuda: the GpuProgram (lower/gpu_program.py)


def make_rewriter(library, engine: str = "greedy"):
    """The term rewriter: the greedy first-match engine (rules in library order) or equality
    saturation with cost-based extraction (every rule, in any order)."""
    if engine == "greedy":
        return Rewriter(library)
    if engine == "saturate":
        from rewriter.solver import SaturatingRewriter

        return SaturatingRewriter(library)
    raise RewriterError(f"unknown engine '{engine}' (choose from: {', '.join(ENGINES)})")


def simplify_kernel(kernel: Kernel, rewriter: Rewriter) -> Kernel:
    return kernel.with_stores(rewriter.normalize(s) for s in kernel.stores)


def target_desc(name: str):
    if name == "cpu":
        from rewriter.lower.target import cpu_target

        return cpu_target()
    if name == "cuda":
        from rewriter.lower.gpu import cuda_target

        return cuda_target()
    if name == "webgpu":
        from rewriter.backends.wgsl import webgpu_target

        return webgpu_target()
    raise RewriterError(f"unknown target '{name}' (this build has: {', '.join(TARGETS)})")


#: Options only some targets have: (keyword, command-line flag, the targets that take it).
TARGET_OPTIONS = (("fp_contract", "--fp-contract", ("cuda",)), ("tensor_cores", "--tensor-cores", ("cuda",)),
                  ("time_limit", "--time-limit", ("hexagon",)))


def check_target_options(target: str, **given) -> None:
    """Refuse an option the target does not have, rather than ignore it silently."""
    for key, flag, targets in TARGET_OPTIONS:
        if given.get(key) and target not in targets:
            raise RewriterError(f"{flag} is for --target {' / '.join(targets)}, not {target}")


def optimize(kernel: Kernel, library, target: str = "cpu", *, vectorize: bool = True,
             unroll: int = 1, engine: str = "greedy", fp_contract: bool = False,
             tensor_cores: bool | str = False) -> Optimized:
    check_target_options(target, fp_contract=fp_contract, tensor_cores=tensor_cores)
    desc = target_desc(target)
    rw = make_rewriter(library.for_target(target), engine)  # portable rules + the target's
    simple = simplify_kernel(kernel, rw)
    if target == "cuda":
        return _optimize_cuda(kernel, simple, rw, fp_contract, tensor_cores)
    if target == "webgpu":
        return _optimize_webgpu(kernel, simple, rw)
    prog = lower(simple, desc, rw, vectorize=vectorize, unroll=unroll)
    out = Optimized(kernel, simple, prog, rw.stats, rw.rule_locs)
    if target == "cpu":
        from rewriter.backends.cpu import emit_llvm

        out.llvm_ir = emit_llvm(prog)
    return out


def _optimize_webgpu(kernel: Kernel, simple: Kernel, rw) -> Optimized:
    """The GPU lowering under WebGPU's limits (backends/wgsl.py), rendered as WGSL; `gpu`
    holds the GpuProgram it renders."""
    from rewriter.backends.wgsl import emit_wgsl

    shader = emit_wgsl(simple, rw)
    gp = shader.program
    prog = Program(simple, (), gp.target, gp.notes)
    out = Optimized(kernel, simple, prog, rw.stats, rw.rule_locs, notes=list(shader.notes), gpu=gp)
    out.wgsl = shader
    return out


def _optimize_cuda(kernel: Kernel, simple: Kernel, rw, fp_contract: bool = False,
                   tensor_cores: bool | str = False) -> Optimized:
    from rewriter.backends.ptx import emit_ptx
    from rewriter.lower.gpu import lower_gpu

    gp = lower_gpu(simple, rw, contract=fp_contract, tensor_cores=tensor_cores)
    prog = Program(simple, (), gp.target, gp.notes)
    out = Optimized(kernel, simple, prog, rw.stats, rw.rule_locs, notes=list(gp.notes), gpu=gp)
    out.llvm_ir, out.ptx = emit_ptx(gp)
    return out


def compile_cuda(opt: Optimized):
    """The runtime's view of a cuda-optimized kernel (PTX, launches, scratch buffers)."""
    from rewriter.runtime.cuda import CudaCode

    return CudaCode.from_program(opt.gpu, opt.ptx)


def compile_cpu(opt: Optimized):
    from rewriter.runtime.cpu import compile_ir

    return compile_ir(opt.kernel, opt.llvm_ir, opt.kernel.name)


def compile_webgpu(opt: Optimized):
    """The WGSL compiled by wgpu into compute pipelines (callable like a CPU kernel)."""
    from rewriter.runtime.webgpu import compile_webgpu as compile_shader

    return compile_shader(opt.wgsl)


@dataclass
class Mismatch:
    buffer: str
    index: tuple
    got: object
    want: object
    count: int

    def __str__(self) -> str:
        return (f"output '{self.buffer}' differs from the reference at {list(self.index)}: got {self.got}, "
                f"expected {self.want} ({self.count} element{'s' * (self.count != 1)} differ)")


def compare(kernel: Kernel, got: dict, want: dict, rtol: float = 1e-4, atol: float = 1e-5) -> list[Mismatch]:
    """Exact for integers and bools; `rtol`/`atol` for floats (NaN matches NaN)."""
    out = []
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        if b.dtype.is_float:
            bad = ~np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
        else:
            bad = g != w
        bad = np.atleast_1d(bad)
        if np.any(bad):
            flat = int(np.nonzero(bad.reshape(-1))[0][0])
            index = np.unravel_index(flat, b.shape) if b.shape else ()
            out.append(Mismatch(b.name, tuple(int(i) for i in index), g.reshape(-1)[flat] if g.ndim else g.item(),
                                w.reshape(-1)[flat] if w.ndim else w.item(), int(bad.sum())))
    return out


def check_against_reference(kernel: Kernel, got: dict, inputs: dict) -> list[Mismatch]:
    return compare(kernel, got, run_reference(kernel, inputs))
