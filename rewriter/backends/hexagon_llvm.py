"""The baseline our Hexagon code generator must beat: LLVM -O3 with HVX auto-vectorization.

The kernel goes through the same front half as every target (the rule library simplifies it,
`rewriter.lower.lower` turns it into plain scalar loops with `vectorize=False`), is emitted as
LLVM IR by `rewriter.backends.llvm_emit` with Hexagon's triple and data layout (from the
target machine below, never the host's), then optimized and compiled by the LLVM that
llvmlite embeds (LLVM 22). All vectorization is LLVM's own: its loop and SLP vectorizers,
which on Hexagon produce HVX code only when the `hexagon-autohvx` cl::opt is set.

LLVM knows what our code generator knows about the buffers: each pointer parameter carries
`align 128` and `dereferenceable(<padded bytes>)`, the runtime's guarantee
(`rewriter/runtime/hexagon_start.py`). Without it LLVM emits unaligned-access sequences
(add_sat_u8: 228 packets instead of 139, maxpool2x2_u8: 739 instead of 371).

Exact LLVM settings (what `compile_llvm_baseline` uses):

  target      triple `hexagon-unknown-elf`, cpu `hexagonv66`,
              features `+hvxv66,+hvx-length128b`, reloc `static`, opt level 3
  cl::opts    `-hexagon-autohvx` (HexagonTargetTransformInfo.cpp: "Enable loop vectorizer
              for HVX"; off by default, and then TTI reports no vector registers)
              `-hexagon-small-data-threshold=0` (clang's `-G0`: no GP-relative small data;
              LLVM otherwise puts constant-pool words in .sdata addressed with
              R_HEX_GPREL16_* relocations, which Debian's ld.lld 14 cannot link)
              `-hvc-vi=false` (turns off the HvxIdioms half of HexagonVectorCombine.cpp:
              in LLVM 22 it rewrites `ashr (mul <N x i32> %x, 77), 10` -- a wrapping
              multiply, no `nsw` -- into a fixed-point multiply of the full 64-bit product
              (vmpye/vmpyo + vasrinto), which differs whenever the 32-bit product wraps;
              requant_u8 on QEMU gives thousands of wrong bytes of 8192 with it, none
              without, and inputs that never overflow agree both ways. No other example's
              packet count changes with it, and requant_u8 gets faster: 612 packets instead
              of 862)
  pipeline    the new pass manager's O3 pipeline (`create_pipeline_tuning_options(speed_level=3)`)
              with loop_vectorization and slp_vectorization on, as the CPU runtime runs it

llvmlite's `set_option` silently ignores names LLVM does not know, so the option's effect is
proven rather than assumed: `tests/test_hexagon_llvm.py` runs add_sat_u8 through this baseline
on QEMU and requires HVX instructions in the count (the scalar build has none).

The object is freestanding (the runtime links no libc). Library routines LLVM's code calls
(`exp2f`, `log2f`, `__hexagon_sqrtf`, the f16 conversions `__extendhfsf2`/`__truncsfhf2`,
compiler-rt's integer division `__hexagon_divsi3` and kin, `memset`/`memcpy`/`memmove`) come
from `rewriter/backends/hexagon_support.py`, in LLVM IR, linked into the kernel's module
before -O3 when the object needs them. Any other (f64 multiply/divide
`__hexagon_muldf3`/`__hexagon_divdf3`, f64 libm) is found in the object's symbol table and
reported as an `UnsupportedByBaseline` error naming it.

Variants (`LlvmVariant`, `VARIANTS`): the settings above are `HVX`, the baseline. LLVM 22's
Hexagon backend miscompiles some kernels (docs/HEXAGON.md, "LLVM's code is checked"), so
the target checks LLVM's code on QEMU before shipping it and, where it is wrong, recompiles
with the next variant: `SCALAR` (the same O3 pipeline with the loop and SLP vectorizers off:
no HVX code from LLVM's optimizer) and `SCALAR_O0` (that IR through the code generator at
-O0, which leaves out the backend's optimizing passes, the post-increment packetizing among
them). Each gives up speed for fewer of the backend's transformations.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.elf import undefined_symbols
from rewriter.backends.hexagon.abi import VECTOR_BYTES, padded, storage_bytes
from rewriter.backends.hexagon.isa import hexagon_target
from rewriter.backends.hexagon_support import PROVIDED, predicted, support_ir
from rewriter.backends.llvm_emit import emit_module
from rewriter.backends.llvm_tools import binding, optimize
from rewriter.errors import RewriterError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.simplify import make_rewriter, simplify_kernel
from rewriter.lower.lower import lower

#: cl::opts set on llvmlite's LLVM before compiling (process-wide in LLVM; setting them again
#: is harmless, so no once-only guard is needed).
LLVM_OPTIONS = ("-hexagon-autohvx", "-hexagon-small-data-threshold=0", "-hvc-vi=false")
OPT_LEVEL = 3


class UnsupportedByBaseline(RewriterError):
    """The LLVM object needs a library routine the freestanding image does not provide."""


def _llvm():
    llvm = binding()
    for opt in LLVM_OPTIONS:
        llvm.set_option("rewriter", opt)
    return llvm


@dataclass(frozen=True)
class LlvmVariant:
    """One way of compiling with LLVM: the O3 optimizer with or without its vectorizers, and
    the code generator's optimization level. `name` is what notes and `--explain` say,
    `short` the name in the target's one-line headline ("fallback: LLVM -O3 (...)"),
    `description` the first line of `--emit ir`."""

    name: str
    short: str
    description: str
    vectorize: bool = True
    codegen_opt: int = OPT_LEVEL


HVX = LlvmVariant("LLVM -O3 (HVX)", "LLVM -O3", "LLVM -O3 with HVX auto-vectorization")
SCALAR = LlvmVariant("LLVM -O3 scalar", "LLVM -O3 scalar", "LLVM -O3 without its vectorizers (scalar code)",
                     vectorize=False)
SCALAR_O0 = LlvmVariant("LLVM -O3 scalar, -O0 codegen", "LLVM -O3 scalar, -O0 codegen",
                        "LLVM -O3 without its vectorizers, code generation at -O0", vectorize=False, codegen_opt=0)
#: In the order the target tries them: fastest first (each is checked on QEMU).
VARIANTS = (HVX, SCALAR, SCALAR_O0)


def hexagon_target_machine(opt: int = OPT_LEVEL):
    llvm = _llvm()
    desc = hexagon_target()
    target = llvm.Target.from_triple(desc.triple)
    return target.create_target_machine(cpu=desc.cpu, features=desc.features, opt=opt, reloc="static")


def baseline_llvm_ir(kernel: Kernel, library, engine: str = "greedy") -> str:
    """The kernel as plain scalar loops in LLVM IR for Hexagon (before LLVM's optimizer)."""
    rw = make_rewriter(library, engine)
    prog = lower(simplify_kernel(kernel, rw), hexagon_target(), rw, vectorize=False)
    tm = hexagon_target_machine()
    mod = emit_module(prog, hexagon_target().triple, str(tm.target_data))
    # The runtime's ABI: every buffer 128-byte aligned and padded (see hexagon_start.py). Our
    # code generator may rely on that, so LLVM is told too -- what a C programmer would say
    # with __builtin_assume_aligned(p, 128) and a known allocation size.
    fn = mod.get_global(kernel.name)
    for arg, buf in zip(fn.args, kernel.buffers):
        arg.attributes.align = VECTOR_BYTES
        arg.attributes.dereferenceable = padded(buf.size * storage_bytes(buf))
    return str(mod)


def optimized_module(llvm_ir: str, tm=None, routines=(), vectorize: bool = True):
    """LLVM's O3 pipeline for Hexagon (HVX auto-vectorization on, unless `vectorize` is
    False) over `llvm_ir`, with the support routines named in `routines` linked in first."""
    llvm = _llvm()
    tm = tm or hexagon_target_machine()
    if not routines:
        return optimize(llvm_ir, tm, OPT_LEVEL, vectorize)
    mod = llvm.parse_assembly(llvm_ir)
    mod.link_in(llvm.parse_assembly(support_ir(mod.triple, mod.data_layout, routines)))
    return optimize(str(mod), tm, OPT_LEVEL, vectorize)


@dataclass(frozen=True)
class LlvmHexagonObject:
    """One LLVM compilation of a kernel: the object QEMU links, its assembly (for reading,
    `--emit asm`) and the optimized LLVM IR it came from (`--emit ir`)."""

    object: bytes
    asm: str
    llvm_ir: str
    variant: LlvmVariant = HVX


def compile_llvm_code(kernel: Kernel, library, engine: str = "greedy",
                      variant: LlvmVariant = HVX) -> LlvmHexagonObject:
    """Optimize, link the support routines the optimized IR suggests (`predicted`), emit the
    object; if it still calls provided routines that were not linked, again with them (most
    kernels need none, and linking all of them would triple the compile time). `variant`:
    how (the module docstring); the baseline by default."""
    tm = hexagon_target_machine(variant.codegen_opt)
    ir = baseline_llvm_ir(kernel, library, engine)
    routines = predicted(str(optimized_module(ir, tm, vectorize=variant.vectorize)))
    while True:
        mod = optimized_module(ir, tm, sorted(routines), variant.vectorize)
        obj = tm.emit_object(mod)
        missing = set(undefined_symbols(obj))
        unknown = missing - set(PROVIDED)
        if unknown:
            raise UnsupportedByBaseline(f"LLVM's code for '{kernel.name}' calls {', '.join(sorted(unknown))}, "
                                        f"which the freestanding Hexagon image does not provide")
        if not missing - routines:
            return LlvmHexagonObject(obj, tm.emit_assembly(mod), str(mod), variant)
        routines |= missing


def compile_llvm_baseline(kernel: Kernel, library, engine: str = "greedy") -> bytes:
    """ELF relocatable object for Hexagon v66/HVX-128B defining `kernel.name` (and the
    support routines it calls), compiled by LLVM -O3 with `-hexagon-autohvx`."""
    return compile_llvm_code(kernel, library, engine).object


def baseline_assembly(kernel: Kernel, library, engine: str = "greedy") -> str:
    """The same compilation as `compile_llvm_baseline`, as assembly text (for reading)."""
    return compile_llvm_code(kernel, library, engine).asm
