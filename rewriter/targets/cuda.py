"""The CUDA target: the GPU lowering (`lower/gpu.py`, H100 limits) emitted as PTX for sm_90
through llvmlite's NVPTX backend (`backends/ptx.py`), run through the driver API
(`runtime/cuda.py`; emitting needs no GPU, running does)."""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.ptx import emit_ptx
from rewriter.kernel.check import tolerance_for
from rewriter.lower.gpu import cuda_target, lower_gpu
from rewriter.lower.gpu_program import gpu_listing
from rewriter.runtime.cuda import CudaCode, run_cuda
from rewriter.target import Executable, Lowered, Options, Run, Target


@dataclass
class CudaExecutable(Executable):
    kernel: object
    code: CudaCode

    def run(self, inputs: dict, repeat: int = 1) -> Run:
        outputs, seconds = run_cuda(self.kernel, self.code, inputs, repeat=max(repeat, 0))
        if repeat < 1:
            return Run(outputs, "ran once")
        return Run(outputs, f"{seconds * 1e6:.1f} us per call (mean of {repeat})", seconds)


class CudaTarget(Target):
    def describe(self):
        return cuda_target()

    def lower(self, kernel, simplified, rewriter, library, options: Options) -> Lowered:
        tensor_cores = True if options.tensor_cores is None else options.tensor_cores  # on by default
        gp = lower_gpu(simplified, rewriter, contract=options.fp_contract, tensor_cores=tensor_cores,
                       validate=options.validate, opt_in=("wgmma-conv",) if options.wgmma_conv else ())
        llvm_ir, ptx = emit_ptx(gp)
        listing = gpu_listing(simplified, gp)
        return Lowered(kernel, simplified, gp, CudaCode.from_program(gp, ptx), list(gp.notes),
                       texts={"ir": listing, "llvm": llvm_ir, "ptx": ptx, "asm": ptx},
                       tolerance=tolerance_for(l.strategy for l in gp.launches))

    def load(self, lowered: Lowered) -> CudaExecutable:
        return CudaExecutable(lowered.kernel, lowered.code)


TARGET = CudaTarget("cuda", "the GPU lowering as PTX for sm_90 (NVPTX), run through the CUDA driver API",
                    emits=("ir", "llvm", "ptx", "asm"), options=frozenset({"fp_contract", "tensor_cores", "wgmma_conv"}),
                    needs="an NVIDIA GPU and its driver (libcuda.so.1) to run; emitting needs neither")
