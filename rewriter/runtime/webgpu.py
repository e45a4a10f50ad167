"""The WebGPU runtime: WGSL -> wgpu (naga + Vulkan/Metal/D3D12) -> dispatched on numpy buffers.

`compile_webgpu(shader)` creates the shader module and one compute pipeline per store
(pipeline creation is where the driver compiles: WGSL the shader compiler rejects raises
`WgslError`); `run_webgpu(kernel, shader_or_compiled, inputs)` uploads the inputs, runs every
dispatch in one compute pass, reads the outputs back and returns
`(outputs, seconds, timing_kind)`:

  "gpu-timestamps"  `timestamp-query` around the compute pass (the adapter has the feature):
                    GPU time of the dispatches only;
  "wall-clock"      `time.perf_counter()` around `queue.submit` and the read back of the
                    outputs (includes the transfer and the driver round trip).

On a machine without a GPU, wgpu finds Mesa's lavapipe (Debian `mesa-vulkan-drivers`, a
Vulkan driver on the CPU). No adapter at all is a `ToolchainError` naming those packages.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from rewriter.backends.wgsl import WgslShader
from rewriter.backends.wgsl_types import WgslError
from rewriter.errors import ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import check_inputs, numpy_dtype

_INSTALL = "install a Vulkan driver: apt-get install mesa-vulkan-drivers libvulkan1 (Debian), or a GPU driver"


def _wgpu():
    try:
        import wgpu
    except ImportError as e:  # pragma: no cover - a dependency in pyproject.toml
        raise ToolchainError(f"the WebGPU runtime needs the 'wgpu' Python package (pip install wgpu): {e}") from None
    return wgpu


@dataclass
class GpuContext:
    adapter: object
    device: object
    timestamps: bool
    features: frozenset = frozenset()  # the optional features the device was created with

    @property
    def description(self) -> str:
        info = self.adapter.info
        return f"{info.get('device', '?')} ({info.get('backend_type', '?')}, {info.get('adapter_type', '?')})"


_CONTEXT: list = []  # one device per process: creating a Vulkan device costs ~100 ms


def gpu_context() -> GpuContext:
    """The process's WebGPU adapter and device (high-performance adapter preferred)."""
    if _CONTEXT:
        return _CONTEXT[0]
    wgpu = _wgpu()
    try:
        adapter = wgpu.gpu.request_adapter_sync(power_preference="high-performance")
    except Exception as e:  # wgpu raises a bare RuntimeError/GPUError subclass here
        raise ToolchainError(f"no WebGPU adapter found ({str(e).splitlines()[0] if str(e) else type(e).__name__}); "
                             f"{_INSTALL}") from None
    if adapter is None:
        raise ToolchainError(f"no WebGPU adapter found; {_INSTALL}")
    stamps = "timestamp-query" in adapter.features
    wanted = [f for f in ("timestamp-query", "shader-f16") if f in adapter.features]
    device = adapter.request_device_sync(required_features=wanted)
    _CONTEXT.append(GpuContext(adapter, device, stamps, frozenset(wanted)))
    return _CONTEXT[0]


@dataclass
class CompiledWebGPU:
    shader: WgslShader
    ctx: GpuContext
    pipelines: list
    layout: object

    @property
    def kernel(self) -> Kernel:
        return self.shader.kernel

    def __call__(self, inputs):
        return run_webgpu(self.kernel, self, inputs)[0]


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text if len(text) < 2000 else text[:2000] + " ..."


def compile_webgpu(shader: WgslShader) -> CompiledWebGPU:
    wgpu = _wgpu()
    ctx = gpu_context()
    dev = ctx.device
    missing = [f for f in shader.features if f not in ctx.features]
    if missing:
        raise WgslError(f"'{shader.kernel.name}' needs the WebGPU feature(s) {', '.join(missing)}, which the "
                        f"adapter {ctx.description} does not have")
    try:
        module = dev.create_shader_module(code=shader.code)
    except Exception as e:
        raise WgslError(f"the shader compiler rejected the WGSL of '{shader.kernel.name}': {_first_line(e)}") from None
    entries = [{"binding": b.binding, "visibility": wgpu.ShaderStage.COMPUTE,
                "buffer": {"type": wgpu.BufferBindingType.read_only_storage if b.role == "input"
                           else wgpu.BufferBindingType.storage}} for b in shader.bindings]
    bgl = dev.create_bind_group_layout(entries=entries)
    layout = dev.create_pipeline_layout(bind_group_layouts=[bgl])
    pipelines = []
    for d in shader.dispatches:
        try:
            pipelines.append(dev.create_compute_pipeline(layout=layout,
                                                         compute={"module": module, "entry_point": d.entry}))
        except Exception as e:
            raise WgslError(f"pipeline creation failed for '{d.entry}' of '{shader.kernel.name}': "
                            f"{_first_line(e)}") from None
    return CompiledWebGPU(shader, ctx, pipelines, bgl)


def _upload_bytes(b, arr: np.ndarray) -> bytes:
    """The buffer's bytes: numpy's element bytes (little-endian, bools as 0/1 bytes) padded
    to whole 4-byte words -- the packing `wgsl_types` reads."""
    raw = np.ascontiguousarray(arr.astype(numpy_dtype(b.dtype), copy=False)).reshape(-1)
    if b.dtype.is_bool:
        raw = raw.astype(np.uint8)
    data = raw.tobytes()
    return data + bytes(b.words * 4 - len(data))


def _download(b, data) -> np.ndarray:
    nt = np.uint8 if b.dtype.is_bool else numpy_dtype(b.dtype)
    arr = np.frombuffer(bytes(data), dtype=nt)[: b.count]
    if b.dtype.is_bool:
        arr = arr.astype(bool)
    return arr


class _Run:
    """GPU buffers and a bind group for one set of inputs."""

    def __init__(self, compiled: CompiledWebGPU, inputs):
        wgpu = _wgpu()
        dev = compiled.ctx.device
        self.buffers = {}
        for b in compiled.shader.bindings:
            usage = wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC | wgpu.BufferUsage.COPY_DST
            if b.role == "input":
                self.buffers[b.name] = dev.create_buffer_with_data(
                    data=_upload_bytes(b, np.asarray(inputs[b.name])),
                    usage=usage)
            else:  # WebGPU zero-initializes buffers: outputs start at 0 like the reference's
                self.buffers[b.name] = dev.create_buffer(size=b.words * 4, usage=usage)
        self.group = dev.create_bind_group(layout=compiled.layout, entries=[
            {"binding": b.binding, "resource": {"buffer": self.buffers[b.name], "offset": 0, "size": b.words * 4}}
            for b in compiled.shader.bindings])
        self.compiled = compiled
        self.queries = None
        if compiled.ctx.timestamps:
            self.queries = dev.create_query_set(type=wgpu.QueryType.timestamp, count=2)
            self.stamps = dev.create_buffer(size=16, usage=wgpu.BufferUsage.QUERY_RESOLVE | wgpu.BufferUsage.COPY_SRC)

    def submit(self):
        dev = self.compiled.ctx.device
        enc = dev.create_command_encoder()
        ts = None
        if self.queries is not None:
            ts = {"query_set": self.queries, "beginning_of_pass_write_index": 0, "end_of_pass_write_index": 1}
        cp = enc.begin_compute_pass(timestamp_writes=ts)
        cp.set_bind_group(0, self.group)
        for pipe, d in zip(self.compiled.pipelines, self.compiled.shader.dispatches):
            cp.set_pipeline(pipe)
            cp.dispatch_workgroups(*d.groups)
        cp.end()
        if self.queries is not None:
            enc.resolve_query_set(self.queries, 0, 2, self.stamps, 0)
        dev.queue.submit([enc.finish()])

    def gpu_seconds(self) -> float:
        t = np.frombuffer(bytes(self.compiled.ctx.device.queue.read_buffer(self.stamps)), dtype=np.uint64)
        return float(t[1] - t[0]) * 1e-9  # WebGPU timestamps are in nanoseconds

    def outputs(self) -> dict:
        k = self.compiled.kernel
        q = self.compiled.ctx.device.queue
        out = {}
        for b in self.compiled.shader.bindings:
            if b.role == "output":
                buf = k.buffer(b.name)
                out[b.name] = _download(b, q.read_buffer(self.buffers[b.name])).reshape(buf.shape)
        return out


def run_webgpu(kernel: Kernel, shader, inputs, repeat: int = 1):
    """Run `kernel` (its `WgslShader` or `CompiledWebGPU`) on `inputs`:
    `(outputs, seconds, timing_kind)`; with `repeat` > 1 the best of that many runs."""
    check_inputs(kernel, inputs)
    compiled = shader if isinstance(shader, CompiledWebGPU) else compile_webgpu(shader)
    run = _Run(compiled, inputs)
    best, kind, outputs = float("inf"), "gpu-timestamps" if run.queries is not None else "wall-clock", None
    for n in range(max(1, repeat)):
        t0 = time.perf_counter()
        run.submit()
        # With timestamps only the last run reads the outputs back (reading the stamps waits
        # for the pass); the wall-clock time includes the read back, as it says.
        if run.queries is None or kind == "wall-clock" or n == max(1, repeat) - 1:
            outputs = run.outputs()
        wall = time.perf_counter() - t0
        seconds = run.gpu_seconds() if run.queries is not None else wall
        if run.queries is not None and seconds <= 0:  # an adapter with broken timestamps
            kind, seconds = "wall-clock", wall
        best = min(best, seconds)
    if outputs is None:
        outputs = run.outputs()
    return outputs, best, kind
