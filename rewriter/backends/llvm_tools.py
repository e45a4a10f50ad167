"""LLVM in this process (llvmlite): its targets initialized once, the host's target machine,
and the O3 pass pipeline every LLVM-based path shares (the CPU JIT, PTX through NVPTX, the
Hexagon baseline), so they optimize with the same settings."""
from __future__ import annotations

import llvmlite.binding as llvm

from rewriter.errors import RewriterError
from rewriter.lower.target import TargetDesc

_READY = False


def binding():
    """llvmlite's binding layer with every target and assembly printer initialized."""
    global _READY  # LLVM's own target registry is process-wide: initialized once per process
    if not _READY:
        llvm.initialize_all_targets()
        llvm.initialize_all_asmprinters()
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _READY = True
    return llvm


def host_target_machine(opt: int = 3):
    """The machine we run on, as LLVM's host detection sees it (for the JIT)."""
    b = binding()
    target = b.Target.from_triple(b.get_process_triple())
    return target.create_target_machine(cpu=b.get_host_cpu_name(), features=b.get_host_cpu_features().flatten(),
                                        opt=opt, jit=True)


def host_target() -> TargetDesc:
    """The CPU target's machine: the host, as LLVM's host detection reads it (vector width
    from the widest AVX level it reports)."""
    b = binding()
    feats = b.get_host_cpu_features()
    if feats.get("avx512f"):
        vbytes, vregs = 64, 32
    elif feats.get("avx2") or feats.get("avx"):
        vbytes, vregs = 32, 16
    else:
        vbytes, vregs = 16, 16
    return TargetDesc("cpu", vbytes, vregs, 16, b.get_process_triple(), b.get_host_cpu_name(), feats.flatten())


def optimize(llvm_ir: str, tm, level: int = 3, vectorize: bool = True):
    """Parse, verify and run LLVM's O3 pipeline (loop and SLP vectorization on unless
    `vectorize` is False); the module."""
    b = binding()
    try:
        mod = b.parse_assembly(llvm_ir)
        mod.verify()
    except RuntimeError as e:
        raise RewriterError(f"internal error: emitted LLVM IR is invalid: {e}") from None
    pto = b.create_pipeline_tuning_options(speed_level=level)
    pto.loop_vectorization = vectorize
    pto.slp_vectorization = vectorize
    pb = b.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)
    return mod
