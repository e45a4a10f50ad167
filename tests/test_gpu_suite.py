"""Every kernel of the shared suite (`bench/kernels/`) on the GPU backends, without a GPU:
the CUDA lowering simulated against the reference interpreter, its PTX assembled by ptxas,
the WebGPU lowering run on lavapipe (about 10 s for all 44), and the two pieces the device benchmark adds --
the PyTorch peer written from the kernel (`kernel.array_ref`, checked here through its numpy
twin) and the GPU-sized version of each kernel (`kernel.scale`). The PTX window loads
(`backends/ptx._window_load`) are checked for the instructions they are meant to give; what
they compute is checked on the GPU by `rewriter.bench_gpu` (bench/results/gpu.md)."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from rewriter.dsl.rule import load_library
from rewriter.kernel.array_ref import array_kernel, carrier, same_bits
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.kernel.scale import scale_kernel
from rewriter.pipeline import check_against_reference, load, optimize

ROOT = Path(__file__).resolve().parent.parent
SUITE = sorted((ROOT / "bench" / "kernels").glob("*.ir"))
EXAMPLES = sorted((ROOT / "examples").glob("*.ir"))
IDS = [p.stem for p in SUITE]


@functools.lru_cache(maxsize=1)
def library():
    return load_library([ROOT / "rules"])


@pytest.mark.parametrize("path", SUITE, ids=IDS)
def test_suite_kernel_gpu_program_matches_reference(path):
    from rewriter.lower.gpu_sim import simulate

    k = load_kernel(path)
    opt = optimize(k, library(), "cuda")
    inputs = random_inputs(k, 1)
    assert check_against_reference(k, simulate(opt.program, inputs), inputs) == []
    if shutil.which("ptxas"):
        ptx = opt.text("ptx")
        run = subprocess.run(["ptxas", "-arch=sm_90", "-o", "/dev/null", "-"], input=ptx.encode(), capture_output=True)
        if run.returncode:  # some ptxas builds want a file
            f = Path(f"/tmp/{k.name}_suite.ptx")
            f.write_text(ptx)
            run = subprocess.run(["ptxas", "-arch=sm_90", str(f), "-o", "/dev/null"], capture_output=True)
        assert run.returncode == 0, run.stderr.decode()[:500]


@pytest.mark.parametrize("path", SUITE, ids=IDS)
def test_suite_kernel_through_webgpu_matches_reference(path):
    k = load_kernel(path)
    inputs = random_inputs(k, 2)
    got = load(optimize(k, library(), "webgpu"))(inputs)
    assert check_against_reference(k, got, inputs) == []


# -- the PyTorch peer, through its numpy twin ---------------------------------------------------
def _agree(k, got, want):
    for b in k.outputs:
        g, w = np.asarray(got[b.name]), np.asarray(want[b.name])
        assert g.shape == w.shape, b.name
        if b.dtype.is_float:
            assert np.allclose(g, w, rtol=1e-4, atol=1e-4), b.name
        else:
            assert same_bits(b.dtype, g, w).all(), b.name


@pytest.mark.parametrize("path", SUITE + EXAMPLES, ids=[p.stem for p in SUITE + EXAMPLES])
def test_array_translation_matches_reference(path):
    k = load_kernel(path)
    for seed in (0, 1):
        inputs = random_inputs(k, seed)
        with np.errstate(all="ignore"):
            got = array_kernel(k)(**inputs)
        _agree(k, got, run_reference(k, inputs))


def test_array_translation_views_affine_loads_and_keeps_carriers():
    k = parse_kernels("""
kernel t(a: u16[8, 10], s: u32[8]) -> (o: u16[8, 8], p: u32[8]) {
  y = range(8); x = range(8); kx = range(3, reduce)
  o[y, x] = sum(a[y, x + kx], kx) * cast<u16>(40000)
  p[y] = s[y] * cast<u32>(3000000000) }""")[0]
    assert carrier(k.buffer("a").dtype) == "int32" and carrier(k.buffer("s").dtype) == "int64"
    inputs = random_inputs(k, 3)
    got = array_kernel(k)(**inputs)
    assert got["o"].dtype == np.int32 and got["o"].min() >= 0 and got["o"].max() < 1 << 16  # wrapped
    _agree(k, got, run_reference(k, inputs))


# -- GPU-sized kernels -------------------------------------------------------------------------
def test_scaled_shapes_keep_halos_and_strides():
    conv, g = scale_kernel(load_kernel(ROOT / "bench/kernels/conv3x3_i16.ir"))
    assert g == 64 and conv.buffer("inp").shape == (2050, 4098) and conv.buffer("out").shape == (2048, 4096)
    assert conv.buffer("w").shape == (3, 3)  # the taps stay
    pool, _ = scale_kernel(load_kernel(ROOT / "bench/kernels/avgpool3x3_s2_u8.ir"))
    assert pool.buffer("inp").shape == (2 * pool.buffer("out").shape[0] + 1, 2 * pool.buffer("out").shape[1] + 1)
    rgb, _ = scale_kernel(load_kernel(ROOT / "bench/kernels/bgr_to_rgb_u8.ir"))
    assert rgb.buffer("bgr").shape[2] == 3  # three channels stay three
    whole, g = scale_kernel(load_kernel(ROOT / "bench/kernels/sum_u8.ir"))
    assert whole.buffer("x").shape == (8192 * g,) and g > 1  # no parallel range: the reduction grows
    for path in SUITE:
        big, g = scale_kernel(load_kernel(path))
        most = max(b.size * max(1, b.dtype.bits // 8) for b in big.buffers)
        assert g > 1 and most <= 64 << 20, path.stem


@pytest.mark.parametrize("path", SUITE, ids=IDS)
def test_scaled_kernel_is_in_bounds_and_means_the_same(path):
    """At a small factor (so the interpreter is quick) the scaled kernel runs in bounds and
    the CUDA lowering of it still matches the interpreter."""
    from rewriter.lower.gpu_sim import simulate

    small = load_kernel(path)
    most = max(b.size * max(1, b.dtype.bits // 8) for b in small.buffers)
    big, g = scale_kernel(small, max_bytes=8 * most)
    assert g >= 2
    inputs = random_inputs(big, 4)
    want = run_reference(big, inputs)  # out of bounds would raise KernelRunError
    with np.errstate(all="ignore"):
        _agree(big, array_kernel(big)(**inputs), want)
    _agree(big, simulate(optimize(big, library(), "cuda").program, inputs), want)


# -- window loads --------------------------------------------------------------------------------
def _ptx(src: str) -> str:
    return optimize(parse_kernels(src)[0], library(), "cuda").text("ptx")


def test_window_loads_read_aligned_vectors_not_elements():
    ptx = _ptx("""
kernel s3(x: i16[4098]) -> (out: i16[4096]) { i = range(4096); k = range(3, reduce)
  out[i] = sum(x[i + k], k) }""")
    loads = re.findall(r"ld\.global\.nc\.(\S+)", ptx)
    assert loads and not any(t.endswith("b16") or t.endswith("u16") for t in loads), loads  # no 2-byte loads
    assert any(t.startswith(("v2.b64", "v4.b32", "v4.u32")) for t in loads), loads  # one 16-byte load
    assert len(loads) <= 3, loads  # and the pieces of the 2 elements after it
    # a u8 FIR, 4 outputs a thread, offsets up to 15: the aligned 4 bytes and the 4 + 4 + 4 +
    # 2 + 1 byte pieces after them instead of 16 x 4 bytes, the k loop unrolled here so every
    # shift is a constant (a variable shift of the joined window would go through local memory)
    ptx = _ptx("""
kernel f(x: u8[4111], h: i8[16]) -> (y: i32[4096]) { i = range(4096); k = range(16, reduce)
  y[i] = sum(cast<i32>(x[i + k]) * cast<i32>(h[k]), k) }""")
    x_loads = [t for t in re.findall(r"ld\.global\.nc\.(\S+)", ptx) if t != "s8"]  # h's taps are s8
    assert len(x_loads) == 6, x_loads
    assert "__local_depot" not in ptx and "bra" not in ptx


def test_window_loads_stay_within_what_the_kernel_reads():
    """The pieces after the aligned vector cover exactly the largest offset: with offsets up
    to 2 of i16 lanes, 4 more bytes (not 16), so the last thread reads x[4097] and no further."""
    ptx = _ptx("""
kernel s3(x: i16[4098]) -> (out: i16[4096]) { i = range(4096); k = range(3, reduce)
  out[i] = sum(x[i + k], k) }""")
    assert re.search(r"ld\.global\.nc\.(b32|u32)\s+%r\d+, \[%rd\d+\+16\]", ptx), ptx


# -- byte min/max as 16-bit pairs ----------------------------------------------------------------
def test_byte_minmax_matches_lane_wise_min_and_max():
    """`ptx.byte_minmax` is plain LLVM IR (masks, shifts, llvm.umax/umin on i16 pairs): run it
    on this machine's CPU against numpy for every op, signedness and edge byte."""
    import ctypes

    from llvmlite import ir

    from rewriter.backends.llvm_tools import binding, host_target_machine
    from rewriter.backends.ptx import byte_minmax

    b = binding()
    mod = ir.Module("bytes")
    mod.triple = b.get_process_triple()
    vec = ir.VectorType(ir.IntType(8), 16)
    cases = [(op, signed) for op in ("max", "min") for signed in (False, True)]
    for op, signed in cases:
        fn = ir.Function(mod, ir.FunctionType(ir.VoidType(), [ir.PointerType()] * 3), name=f"{op}{int(signed)}")
        bld = ir.IRBuilder(fn.append_basic_block())
        x, y = (bld.load(a, typ=vec, align=1) for a in fn.args[:2])
        bld.store(byte_minmax(bld, op, signed, x, y), fn.args[2], align=1)
        bld.ret_void()
    llmod = b.parse_assembly(str(mod))
    engine = b.create_mcjit_compiler(llmod, host_target_machine())
    engine.finalize_object()
    rng = np.random.default_rng(0)
    edges = np.array([0, 1, 127, 128, 129, 255, 254, 0x80, 0x7F, 0xFF, 0, 0x01, 0xFE, 0x81, 0x40, 0xC0], np.uint8)
    pairs = [(edges, edges[::-1].copy()), (edges, np.roll(edges, 3))] + \
        [tuple(rng.integers(0, 256, 16, dtype=np.uint8) for _ in range(2)) for _ in range(200)]
    for op, signed in cases:
        f = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(
            engine.get_function_address(f"{op}{int(signed)}"))
        for a, c in pairs:
            a, c = np.ascontiguousarray(a), np.ascontiguousarray(c)
            out = np.zeros(16, np.uint8)
            f(a.ctypes.data, c.ctypes.data, out.ctypes.data)
            va, vc = (a.view(np.int8), c.view(np.int8)) if signed else (a, c)
            want = (np.maximum if op == "max" else np.minimum)(va, vc)
            assert np.array_equal(out.view(want.dtype), want), (op, signed, a, c, out)


def test_byte_max_uses_16_bit_pairs():
    ptx = _ptx("""
kernel mp(inp: u8[64, 256]) -> (out: u8[32, 128]) {
  y = range(32); x = range(128); dy = range(2, reduce); dx = range(2, reduce)
  out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }""")
    assert "max.u16x2" in ptx and "max.u16 " not in ptx
