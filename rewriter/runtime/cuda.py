"""The CUDA runtime: the driver API through ctypes on libcuda.so.1.

Loads a module from PTX text (cuModuleLoadData: the driver JIT-compiles it for the device),
allocates and copies buffers, launches each of a program's kernels in order on the default
stream, and times them with CUDA events. It uses the device's *primary* context
(cuDevicePrimaryCtxRetain), the one the CUDA runtime and PyTorch use, so device pointers can
be shared with PyTorch in the same process (bench_gpu.py does).

Without a driver or a GPU every entry point raises `ToolchainError` with one line; emitting
PTX (backends/ptx.py) needs neither.

Driver API reference: NVIDIA CUDA Driver API, modules "Initialization", "Primary Context
Management", "Module Management", "Memory Management", "Execution Control" (cuLaunchKernel
takes an array of pointers to the kernel's parameter values), "Event Management".
"""
from __future__ import annotations

import ctypes
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from rewriter.errors import RewriterError, ToolchainError
from rewriter.kernel.reference import check_inputs, numpy_dtype
from rewriter.lower.gpu_program import native_plan

_CU_EVENT_DEFAULT = 0


class CudaError(RewriterError):
    pass


@dataclass(frozen=True)
class LaunchSpec:
    name: str
    grid: int
    block: int
    # Dynamic shared memory (bytes; above 48 KB the kernel's limit is raised at load) and the
    # tensor maps passed by value after the pointers (`lower.gpu_wgmma.TensorMap` fields).
    shared_bytes: int = 0
    tensor_maps: tuple = ()


@dataclass(frozen=True)
class CudaCode:
    """What the runtime needs to run a lowered kernel: the PTX, its launches in order, and the
    device-only scratch buffers (name, numpy dtype, element count) every launch also takes,
    after the kernel's own buffers."""

    ptx: str
    launches: tuple
    scratch: tuple = ()

    def to_json(self) -> dict:
        return {"ptx": self.ptx, "launches": [[l.name, l.grid, l.block, l.shared_bytes, [list(_tmap_fields(t)) for t in l.tensor_maps]]
                                              for l in self.launches],
                "scratch": [[n, np.dtype(nt).str, size] for n, nt, size in self.scratch]}

    @classmethod
    def from_json(cls, d: dict) -> "CudaCode":
        """The inverse of `to_json`: code compiled on one machine, run on another (the GPU
        machine then needs neither llvmlite's NVPTX target nor Z3)."""
        return cls(d["ptx"], tuple(LaunchSpec(l[0], l[1], l[2], *(l[3:4] or [0]), tuple(TensorMapSpec(*t) for t in (l[4] if len(l) > 4 else [])))
                                   for l in d["launches"]),
                   tuple((n, np.dtype(t), size) for n, t, size in d["scratch"]))

    @classmethod
    def from_program(cls, gp, ptx: str) -> "CudaCode":
        def spec(l):
            p = native_plan(l)
            if p is None:
                return LaunchSpec(l.name, l.grid, l.block)
            return LaunchSpec(l.name, l.grid, l.block, p.shared_bytes,
                              tuple(TensorMapSpec(*_tmap_fields(t)) for t in p.tensor_maps()))

        return cls(ptx, tuple(spec(l) for l in gp.launches),
                   tuple((b.name, numpy_dtype(b.dtype), b.size) for b in gp.scratch))


@dataclass(frozen=True)
class TensorMapSpec:
    """cuTensorMapEncodeTiled's arguments but the address (that of kernel parameter `param`):
    rank len(dims), dims and box innermost first, the stride of each outer dimension in bytes,
    element strides 1, no interleave."""

    param: int
    dtype_code: int
    dims: tuple
    strides: tuple
    box: tuple
    swizzle: int
    l2_promotion: int

    def __post_init__(self):  # JSON gives lists
        for f in ("dims", "strides", "box"):
            object.__setattr__(self, f, tuple(getattr(self, f)))


def _tmap_fields(t) -> tuple:
    """A lower.gpu_wgmma.TensorMap (or a TensorMapSpec) as TensorMapSpec's fields."""
    if isinstance(t, TensorMapSpec):
        return (t.param, t.dtype_code, t.dims, t.strides, t.box, t.swizzle, t.l2_promotion)
    return (t.param, t.dtype_code, tuple(t.dims), tuple(t.strides), tuple(t.box), t.swizzle, t.l2_promotion)


class Driver:
    """The few driver entry points we use, checked: a failing call raises CudaError naming it."""

    _instance = None

    def __init__(self):
        try:
            self.lib = ctypes.CDLL("libcuda.so.1")
        except OSError:
            raise ToolchainError("no CUDA driver (libcuda.so.1 not found): running needs an NVIDIA GPU and "
                                 "its driver (Debian: nvidia-driver, libcuda1); --emit ptx works without") from None
        rc = self.lib.cuInit(0)
        if rc != 0:
            raise ToolchainError(f"the CUDA driver found no usable GPU (cuInit error {rc}: {self._name(rc)})")
        count = ctypes.c_int()
        self.check(self.lib.cuDeviceGetCount(ctypes.byref(count)), "cuDeviceGetCount")
        if count.value < 1:
            raise ToolchainError("the CUDA driver reports no GPU")
        self.device = ctypes.c_int()
        self.check(self.lib.cuDeviceGet(ctypes.byref(self.device), 0), "cuDeviceGet")
        self.ctx = ctypes.c_void_p()
        self.check(self.lib.cuDevicePrimaryCtxRetain(ctypes.byref(self.ctx), self.device), "cuDevicePrimaryCtxRetain")
        self.check(self.lib.cuCtxSetCurrent(self.ctx), "cuCtxSetCurrent")

    @classmethod
    def get(cls) -> "Driver":
        if cls._instance is None:
            cls._instance = Driver()
        else:
            cls._instance.check(cls._instance.lib.cuCtxSetCurrent(cls._instance.ctx), "cuCtxSetCurrent")
        return cls._instance

    def _name(self, rc: int) -> str:
        s = ctypes.c_char_p()
        self.lib.cuGetErrorString(rc, ctypes.byref(s))
        return s.value.decode() if s.value else "unknown error"

    def check(self, rc: int, what: str) -> None:
        if rc != 0:
            raise CudaError(f"{what} failed: CUDA error {rc} ({self._name(rc)})")

    def device_name(self) -> str:
        buf = ctypes.create_string_buffer(256)
        self.check(self.lib.cuDeviceGetName(buf, 256, self.device), "cuDeviceGetName")
        return buf.value.decode()

    # -- memory -------------------------------------------------------------------------------
    def alloc(self, nbytes: int) -> int:
        p = ctypes.c_uint64()
        self.check(self.lib.cuMemAlloc_v2(ctypes.byref(p), ctypes.c_size_t(max(1, nbytes))), "cuMemAlloc")
        return p.value

    def free(self, ptr: int) -> None:
        self.check(self.lib.cuMemFree_v2(ctypes.c_uint64(ptr)), "cuMemFree")

    def to_device(self, ptr: int, arr: np.ndarray) -> None:
        arr = np.ascontiguousarray(arr)
        self.check(self.lib.cuMemcpyHtoD_v2(ctypes.c_uint64(ptr), arr.ctypes.data_as(ctypes.c_void_p),
                                            ctypes.c_size_t(arr.nbytes)), "cuMemcpyHtoD")

    def to_host(self, arr: np.ndarray, ptr: int) -> None:
        self.check(self.lib.cuMemcpyDtoH_v2(arr.ctypes.data_as(ctypes.c_void_p), ctypes.c_uint64(ptr),
                                            ctypes.c_size_t(arr.nbytes)), "cuMemcpyDtoH")

    def zero(self, ptr: int, nbytes: int) -> None:
        self.check(self.lib.cuMemsetD8_v2(ctypes.c_uint64(ptr), ctypes.c_ubyte(0), ctypes.c_size_t(nbytes)),
                   "cuMemsetD8")

    def tensor_map(self, t: TensorMapSpec, address: int):
        """A CUtensorMap (128 opaque bytes) for `t` at device address `address`; the copy
        engine fills a box's elements outside `dims` with zeros (OOB fill NONE)."""
        u64, u32 = ctypes.c_uint64, ctypes.c_uint32
        rank = len(t.dims)
        out = (u64 * 16)()
        self.check(self.lib.cuTensorMapEncodeTiled(
            ctypes.byref(out), t.dtype_code, u32(rank), ctypes.c_void_p(address), (u64 * rank)(*t.dims),
            (u64 * max(1, rank - 1))(*t.strides), (u32 * rank)(*t.box), (u32 * rank)(*([1] * rank)),
            0, t.swizzle, t.l2_promotion, 0), "cuTensorMapEncodeTiled")
        return out

    def synchronize(self) -> None:
        self.check(self.lib.cuCtxSynchronize(), "cuCtxSynchronize")

    # -- events -------------------------------------------------------------------------------
    def event(self):
        e = ctypes.c_void_p()
        self.check(self.lib.cuEventCreate(ctypes.byref(e), _CU_EVENT_DEFAULT), "cuEventCreate")
        return e

    def record(self, e) -> None:
        self.check(self.lib.cuEventRecord(e, None), "cuEventRecord")

    def elapsed_s(self, start, end) -> float:
        self.check(self.lib.cuEventSynchronize(end), "cuEventSynchronize")
        ms = ctypes.c_float()
        self.check(self.lib.cuEventElapsedTime(ctypes.byref(ms), start, end), "cuEventElapsedTime")
        return ms.value / 1e3


class CudaModule:
    """A loaded PTX module and its kernels, launched by name."""

    def __init__(self, code: CudaCode, driver: Driver | None = None):
        self.drv = driver or Driver.get()
        self.code = code
        self.mod = ctypes.c_void_p()
        data = code.ptx.encode() + b"\0"
        rc = self.drv.lib.cuModuleLoadData(ctypes.byref(self.mod), ctypes.c_char_p(data))
        self.drv.check(rc, "cuModuleLoadData (PTX rejected by the driver's JIT)")
        self.fns = {}
        for l in code.launches:
            f = ctypes.c_void_p()
            self.drv.check(self.drv.lib.cuModuleGetFunction(ctypes.byref(f), self.mod, l.name.encode()),
                           f"cuModuleGetFunction({l.name})")
            self.fns[l.name] = f
            if l.shared_bytes > 48 * 1024:  # CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
                self.drv.check(self.drv.lib.cuFuncSetAttribute(f, 8, l.shared_bytes),
                               f"cuFuncSetAttribute({l.name}, max dynamic shared {l.shared_bytes})")
        self._params: dict = {}

    def _launch_params(self, l: LaunchSpec, pointers: list[int]):
        """The kernelParams array of one launch: a pointer to each buffer pointer, then to
        each tensor map (encoded once per set of pointers, kept alive with the array)."""
        key = (l.name, tuple(pointers))
        got = self._params.get(key)
        if got is None:
            vals = [ctypes.c_uint64(p) for p in pointers]
            vals += [self.drv.tensor_map(t, pointers[t.param]) for t in l.tensor_maps]
            arr = (ctypes.c_void_p * len(vals))(*[ctypes.cast(ctypes.byref(v), ctypes.c_void_p) for v in vals])
            got = self._params[key] = (arr, vals)
        return got[0]

    def launch_all(self, pointers: list[int]) -> None:
        """Every launch in order on the default stream, each taking all `pointers`."""
        for l in self.code.launches:
            params = self._launch_params(l, pointers)
            self.drv.check(self.drv.lib.cuLaunchKernel(self.fns[l.name], l.grid, 1, 1, l.block, 1, 1, l.shared_bytes,
                                                       None, params, None), f"cuLaunchKernel({l.name})")

    def time(self, pointers: list[int], repeat: int = 20, warmup: int = 2) -> float:
        """Mean seconds of one run of every launch, over `repeat` back-to-back runs timed by
        two events (after `warmup` untimed runs)."""
        for _ in range(warmup):
            self.launch_all(pointers)
        start, end = self.drv.event(), self.drv.event()
        self.drv.record(start)
        for _ in range(repeat):
            self.launch_all(pointers)
        self.drv.record(end)
        return self.drv.elapsed_s(start, end) / repeat

    def unload(self) -> None:
        self.drv.lib.cuModuleUnload(self.mod)


@contextmanager
def resident(kernel, code: CudaCode, inputs: dict):
    """The kernel's buffers on the GPU with `inputs` copied in (outputs zeroed, the launches'
    scratch allocated), every launch run once and the outputs copied back. Yields
    (module, device pointers, outputs by name); frees and unloads on the way out, so a caller
    times more runs on the same pointers inside the `with`."""
    drv = Driver.get()
    mod = CudaModule(code, drv)
    ptrs, hosts = [], {}
    try:
        for b in kernel.buffers:
            nt = numpy_dtype(b.dtype)
            host = (np.ascontiguousarray(np.asarray(inputs[b.name]).astype(nt, copy=False))
                    if b.role == "input" else np.zeros(b.shape, dtype=nt))
            hosts[b.name] = host
            p = drv.alloc(max(1, host.nbytes))  # cuMemAlloc refuses 0 bytes
            ptrs.append(p)
            if b.role == "input":
                drv.to_device(p, host)
            else:
                drv.zero(p, host.nbytes)
        for _, nt, size in code.scratch:
            ptrs.append(drv.alloc(max(1, np.dtype(nt).itemsize * size)))
        mod.launch_all(ptrs)
        drv.synchronize()
        outs = {}
        for b, p in zip(kernel.buffers, ptrs):
            if b.role == "output":
                drv.to_host(hosts[b.name], p)
                outs[b.name] = hosts[b.name]
        yield mod, ptrs, outs
    finally:
        for p in ptrs:
            drv.free(p)
        mod.unload()


def run_cuda(kernel, ptx: CudaCode, inputs: dict, repeat: int = 20) -> tuple[dict, float]:
    """Run `kernel`'s compiled code on the GPU: copy the inputs in, run every launch, copy the
    outputs back; then time `repeat` more runs. Returns (outputs by name, mean seconds)."""
    check_inputs(kernel, inputs)
    with resident(kernel, ptx, inputs) as (mod, ptrs, outs):
        seconds = mod.time(ptrs, repeat) if repeat else 0.0
    return outs, seconds
