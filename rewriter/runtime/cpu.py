"""The CPU runtime: LLVM IR -> optimized (O3, host CPU) -> MCJIT -> called on numpy buffers."""
from __future__ import annotations

import ctypes
import ctypes.util
import time
from dataclasses import dataclass

import numpy as np

from rewriter.backends.llvm_tools import binding, host_target_machine, optimize
from rewriter.errors import ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import check_inputs, numpy_dtype


def _llvm():
    """LLVM, with libgcc loaded for the JIT's wide-integer helpers (once)."""
    llvm = binding()
    if not _LIBGCC_TRIED:
        _load_libgcc(llvm)
    return llvm


#: libgcc's integer helpers that LLVM calls for arithmetic wider than the machine's (idx
#: values wider than 64 bits, see `backends/idx_width.py`); MCJIT resolves symbols only from
#: libraries loaded into the process, and an unresolved call jumps to address 0.
_LIBCALLS = ("__divti3", "__modti3", "__udivti3", "__umodti3", "__divei4", "__modei4",
             "__udivei4", "__umodei4")
_LIBGCC_LOADED = False
_LIBGCC_TRIED = False


def _load_libgcc(llvm) -> None:
    global _LIBGCC_LOADED, _LIBGCC_TRIED  # a library loads into the process once
    _LIBGCC_TRIED = True
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


@dataclass
class CompiledKernel:
    kernel: Kernel
    engine: object
    fn: object
    asm: str
    optimized_ir: str

    def __call__(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        arrays, argv = self.prepare(inputs)
        self.fn(argv)
        return {b.name: arrays[b.name] for b in self.kernel.outputs}

    def prepare(self, inputs):
        """Contiguous arrays for every buffer and the array of their pointers to pass. The
        caller must keep `arrays` alive while the pointers are in use."""
        check_inputs(self.kernel, inputs)
        arrays = {}
        for b in self.kernel.buffers:
            nt = numpy_dtype(b.dtype)
            if b.role == "input":
                arrays[b.name] = np.ascontiguousarray(np.asarray(inputs[b.name]).astype(nt, copy=False))
            else:
                arrays[b.name] = np.zeros(b.shape, dtype=nt)
        pointers = [arrays[b.name].ctypes.data for b in self.kernel.buffers]
        return arrays, (ctypes.c_void_p * max(len(pointers), 1))(*pointers)

    def time(self, inputs, repeat: int = 50) -> float:
        """Best wall time of one call, in seconds."""
        arrays, argv = self.prepare(inputs)  # noqa: F841 (keeps the buffers alive)
        self.fn(argv)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            self.fn(argv)
            best = min(best, time.perf_counter() - t0)
        return best


def argv_entry(llvm_ir: str, fn_name: str, buffers: int) -> tuple[str, str]:
    """`llvm_ir` with an entry `void @"<fn_name>.argv"(ptr %argv)` that loads the buffers'
    pointers from an array and calls the kernel with them, and that entry's name. ctypes
    calls a function of at most 1024 arguments, and a kernel has one per buffer (over a
    thousand temporaries are possible). The call is not inlined, so the host assembly
    (`--emit asm`) shows the kernel as before, next to this small entry."""
    entry = f"{fn_name}.argv"
    lines = [f'define void @"{entry}"(ptr %argv) {{']
    for i in range(buffers):
        lines += [f"  %p{i} = getelementptr inbounds ptr, ptr %argv, i64 {i}",
                  f"  %a{i} = load ptr, ptr %p{i}, align 8"]
    args = ", ".join(f"ptr %a{i}" for i in range(buffers))
    lines += [f'  call void @"{fn_name}"({args}) noinline', "  ret void", "}"]
    return llvm_ir + "\n" + "\n".join(lines) + "\n", entry


def compile_ir(kernel: Kernel, llvm_ir: str, fn_name: str) -> CompiledKernel:
    llvm = _llvm()
    tm = host_target_machine()
    llvm_ir, entry = argv_entry(llvm_ir, fn_name, len(kernel.buffers))
    mod = optimize(llvm_ir, tm)
    asm = tm.emit_assembly(mod)
    _check_libcalls(asm)
    engine = llvm.create_mcjit_compiler(mod, tm)
    engine.finalize_object()
    addr = engine.get_function_address(entry)
    fn = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_void_p))(addr)
    return CompiledKernel(kernel, engine, fn, asm, str(mod))
