"""The CPU runtime: LLVM IR -> optimized (O3, host CPU) -> MCJIT -> called on numpy buffers.

Integer division by zero or MIN / -1 left in a kernel (undefined behaviour the kernel itself
has; a division under `where` is guarded, see backends/llvm_emit.py) traps on x86 with
SIGFPE, and a signal must never kill the process. So code whose machine code holds an
integer division (`div`/`idiv`, or a libgcc division helper) runs in a forked child writing
into shared memory (`run_isolated`), and a trapped run is explained by the reference
interpreter afterwards (which store, which index, which operand). Why not check the inputs
with the reference first: that costs a full reference evaluation on every run, and the fork
about 30 ms (measured: 29 ms a call from a process with Z3 and LLVM loaded), paid only by
kernels that divide. Code without a division instruction cannot trap (accesses are proven in
bounds) and runs in-process. Timing repeats run in-process, after an isolated call on the
same inputs showed the code does not trap on them.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
import re
import signal
import time
from dataclasses import dataclass

import numpy as np

from rewriter.backends.llvm_tools import binding, host_target_machine, optimize
from rewriter.errors import ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import KernelRunError, check_inputs, numpy_dtype, run_reference


class NativeTrap(KernelRunError):
    """The generated code died by a signal (SIGFPE on a division the kernel leaves undefined)."""


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

    @property
    def may_trap(self) -> bool:
        """Whether the machine code holds an integer division (x86 traps on /0 and MIN/-1)."""
        return bool(_TRAPPING.search(self.asm))

    def __call__(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        arrays, argv = self.prepare(inputs, shared=self.may_trap)
        if self.may_trap:
            run_isolated(self.fn, (argv,), self.kernel, inputs)
        else:
            self.fn(argv)
        return {b.name: arrays[b.name] for b in self.kernel.outputs}

    def prepare(self, inputs, shared: bool = False):
        """Contiguous arrays for every buffer and the array of their pointers to pass. The
        caller must keep `arrays` alive while the pointers are in use. `shared`: outputs and
        temporaries in memory shared with a forked child (see `run_isolated`)."""
        check_inputs(self.kernel, inputs)
        arrays = {}
        for b in self.kernel.buffers:
            nt = numpy_dtype(b.dtype)
            if b.role == "input":
                arrays[b.name] = np.ascontiguousarray(np.asarray(inputs[b.name]).astype(nt, copy=False))
            else:
                arrays[b.name] = _shared_zeros(b.shape, nt) if shared else np.zeros(b.shape, dtype=nt)
        pointers = [arrays[b.name].ctypes.data for b in self.kernel.buffers]
        return arrays, (ctypes.c_void_p * max(len(pointers), 1))(*pointers)

    def time(self, inputs, repeat: int = 50) -> float:
        """Best wall time of one call, in seconds."""
        arrays, argv = self.prepare(inputs, shared=self.may_trap)  # noqa: F841 (keeps the buffers alive)
        if self.may_trap:
            run_isolated(self.fn, (argv,), self.kernel, inputs)  # it does not trap on these inputs
        else:
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


#: x86 integer division instructions (`idivl`, `divq`...) and the libgcc helpers that run them.
_TRAPPING = re.compile(r"^\s*i?div[bwlq]?\s|" + "|".join(_LIBCALLS), re.MULTILINE)


def _shared_zeros(shape, nt) -> np.ndarray:
    """A zeroed array in anonymous shared memory: a forked child's writes are seen here."""
    count = int(np.prod(shape)) if shape else 1
    buf = mmap.mmap(-1, max(1, count * np.dtype(nt).itemsize), flags=mmap.MAP_SHARED)
    return np.frombuffer(buf, dtype=nt, count=count).reshape(shape)  # keeps `buf` alive


def run_isolated(fn, args, kernel: Kernel, inputs) -> None:
    """`fn(*args)` in a forked child (outputs in shared memory, see `_shared_zeros`). A child
    killed by a signal raises `NativeTrap`, explained by the reference interpreter where it
    finds undefined behaviour on these inputs. Without fork, calls in-process."""
    if not hasattr(os, "fork"):
        fn(*args)
        return
    pid = os.fork()
    if pid == 0:  # the child: runs the code and exits, never returns into Python's callers
        code = 0
        try:
            fn(*args)
        except BaseException:  # noqa: BLE001 - the parent sees the status
            code = 3
        os._exit(code)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:  # an interrupt while waiting: the child must not outlive us
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if os.WIFSIGNALED(status):
        _explain_trap(kernel, inputs, signal.Signals(os.WTERMSIG(status)).name)
    if os.WEXITSTATUS(status) != 0:
        raise NativeTrap(f"{kernel.name}: the generated code's process exited with status "
                         f"{os.WEXITSTATUS(status)}")


def _explain_trap(kernel: Kernel, inputs, sig: str):
    """Raise the reference interpreter's account of the UB the native code trapped on."""
    try:
        run_reference(kernel, inputs)
    except KernelRunError as e:
        raise NativeTrap(f"{e} (the cpu code was stopped by {sig})") from None
    raise NativeTrap(f"{kernel.name}: the generated code was stopped by {sig}, yet the reference "
                     f"interpreter computes these inputs without undefined behaviour (a backend bug)")


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
