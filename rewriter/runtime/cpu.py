"""The CPU runtime: LLVM IR -> optimized (O3, host CPU) -> MCJIT -> called on numpy buffers."""
from __future__ import annotations

import ctypes
import ctypes.util
import time
from dataclasses import dataclass

import numpy as np

from rewriter.errors import RewriterError, ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import check_inputs, numpy_dtype

_INITIALIZED = False


def _llvm():
    global _INITIALIZED
    import llvmlite.binding as llvm

    if not _INITIALIZED:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _load_libgcc(llvm)
        _INITIALIZED = True
    return llvm


#: libgcc's integer helpers that LLVM calls for arithmetic wider than the machine's (idx
#: values wider than 64 bits, see `backends/idx_width.py`); MCJIT resolves symbols only from
#: libraries loaded into the process, and an unresolved call jumps to address 0.
_LIBCALLS = ("__divti3", "__modti3", "__udivti3", "__umodti3", "__divei4", "__modei4",
             "__udivei4", "__umodei4")
_LIBGCC_LOADED = False


def _load_libgcc(llvm) -> None:
    global _LIBGCC_LOADED
    path = ctypes.util.find_library("gcc_s")
    if path:
        try:
            llvm.load_library_permanently(path)
            _LIBGCC_LOADED = True
        except RuntimeError:
            pass


def _check_libcalls(asm: str) -> None:
    if not _LIBGCC_LOADED and any(name in asm for name in _LIBCALLS):
        raise ToolchainError("this kernel computes idx values wider than 64 bits and needs "
                             "libgcc's division helpers: install the Debian package libgcc-s1")


def host_target_machine(opt: int = 3):
    llvm = _llvm()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                                        opt=opt, jit=True)


def optimize(llvm_ir: str, tm, level: int = 3):
    """Parse, verify and run LLVM's O3 pipeline; returns the module."""
    llvm = _llvm()
    try:
        mod = llvm.parse_assembly(llvm_ir)
        mod.verify()
    except RuntimeError as e:
        raise RewriterError(f"internal error: emitted LLVM IR is invalid: {e}") from None
    pto = llvm.create_pipeline_tuning_options(speed_level=level)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(mod, pb)
    return mod


@dataclass
class CompiledKernel:
    kernel: Kernel
    engine: object
    fn: object
    asm: str
    optimized_ir: str

    def __call__(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        arrays, args = self.prepare(inputs)
        self.fn(*args)
        return {b.name: arrays[b.name] for b in self.kernel.outputs}

    def prepare(self, inputs):
        """Contiguous arrays for every buffer and the raw pointers to pass. The caller must
        keep `arrays` alive while the pointers are in use."""
        check_inputs(self.kernel, inputs)
        arrays = {}
        for b in self.kernel.buffers:
            nt = numpy_dtype(b.dtype)
            if b.role == "input":
                arrays[b.name] = np.ascontiguousarray(np.asarray(inputs[b.name]).astype(nt, copy=False))
            else:
                arrays[b.name] = np.zeros(b.shape, dtype=nt)
        args = [arrays[b.name].ctypes.data for b in self.kernel.buffers]
        return arrays, args

    def time(self, inputs, repeat: int = 50) -> float:
        """Best wall time of one call, in seconds."""
        arrays, args = self.prepare(inputs)  # noqa: F841 (keeps the buffers alive)
        self.fn(*args)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            self.fn(*args)
            best = min(best, time.perf_counter() - t0)
        return best


def compile_ir(kernel: Kernel, llvm_ir: str, fn_name: str) -> CompiledKernel:
    llvm = _llvm()
    tm = host_target_machine()
    mod = optimize(llvm_ir, tm)
    asm = tm.emit_assembly(mod)
    _check_libcalls(asm)
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    addr = engine.get_function_address(fn_name)
    fn = ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * len(kernel.buffers))(addr)
    return CompiledKernel(kernel, engine, fn, asm, str(mod))
