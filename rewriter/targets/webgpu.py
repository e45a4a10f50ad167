"""The WebGPU target: the GPU lowering under WebGPU's limits (`lower/gpu.py` with
`gpu_ops.WEBGPU`), rendered as WGSL (`backends/wgsl.py`), run through wgpu
(`runtime/webgpu.py`; Mesa's lavapipe without a GPU, so CI runs it)."""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.wgsl import render_wgsl
from rewriter.backends.wgsl_types import WgslError, check_type
from rewriter.errors import SourceError
from rewriter.ir import dtype as dt
from rewriter.lower.gpu import lower_webgpu
from rewriter.lower.gpu_ops import webgpu_target
from rewriter.lower.gpu_program import gpu_listing
from rewriter.runtime.webgpu import CompiledWebGPU, compile_webgpu, run_webgpu
from rewriter.target import Executable, Lowered, Options, Run, Target


@dataclass
class WebGPUExecutable(Executable):
    compiled: CompiledWebGPU  # the shader module and its pipelines on a device

    def run(self, inputs: dict, repeat: int = 1) -> Run:
        outputs, seconds, kind = run_webgpu(self.compiled.kernel, self.compiled, inputs, repeat=max(repeat, 1))
        if repeat < 1:
            return Run(outputs, "ran once")
        return Run(outputs, f"{self.compiled.ctx.description}: {seconds * 1e6:.1f} us ({kind}, best of {repeat})",
                   seconds)


class WebGPUTarget(Target):
    def describe(self):
        return webgpu_target()

    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        _check_types(simplified)
        gp = lower_webgpu(simplified, rewriter, validate=options.validate)
        shader = render_wgsl(gp)
        listing = gpu_listing(simplified, gp)
        return Lowered(kernel, simplified, gp, shader, list(shader.notes),
                       texts={"ir": listing, "wgsl": shader.code + "".join(f"// {n}\n" for n in shader.notes)})

    def load(self, lowered: Lowered) -> WebGPUExecutable:
        # In process: a forked child must not inherit a Vulkan device.
        return WebGPUExecutable(compile_webgpu(lowered.code))


class WgslTypeError(WgslError, SourceError):
    """A value of a type WGSL cannot carry, at the store that computes it."""


def _check_types(kernel) -> None:
    """Name the store (file:line:col) and the buffer of the first value WGSL has no type for,
    before the lowering meets it somewhere without a location."""
    locs = kernel.store_locs or (None,) * len(kernel.stores)
    for st, loc in zip(kernel.stores, locs):
        for n in (*st.src[-1].toposort(), st):
            try:
                check_type(n.dtype.scalar)
            except WgslError as e:
                where = f"'{n.arg}'" if n.op in ("load", "store") else f"a {n.op} in the store to '{st.arg}'"
                raise WgslTypeError(f"{where}: {e}", loc) from None


# f16 arithmetic: lavapipe evaluates it at f32 precision; inf/NaN: WGSL lets an implementation
# assume none occurs (docs/WEBGPU.md, "Known gaps").
TARGET = WebGPUTarget("webgpu", "the GPU lowering under WebGPU's limits as WGSL, run through wgpu "
                      "(lavapipe without a GPU)", emits=("wgsl", "ir"), unfaithful=frozenset({dt.f16}),
                      finite_only=True, needs="a Vulkan driver (mesa-vulkan-drivers gives lavapipe)")
