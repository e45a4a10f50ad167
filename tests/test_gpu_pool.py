"""The window-direct GPU strategy (lower/gpu_pool.py): window reductions whose windows do not
overlap along x. Each kernel below runs through the lockstep simulator under the CUDA and
the WebGPU machine records against the reference interpreter, through `ptxas -arch=sm_90`,
and through wgpu (lavapipe in CI) as WGSL: odd sizes, every reduction, signed and float
element types, gaps between windows, weights, channels and epilogues."""
from __future__ import annotations

import functools
import shutil
import subprocess

import numpy as np
import pytest

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.lower.gpu import STRATEGIES, lower_gpu
from rewriter.lower.gpu_ops import H100, WEBGPU, WEBGPU_WORD_STORES
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import compare, make_rewriter, optimize, simplify_kernel


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


@functools.lru_cache(maxsize=1)
def rewriter():
    return make_rewriter(library(), "greedy")


# name -> (source, outputs a thread on CUDA); every one takes window-direct.
KERNELS = {
    # odd number of output rows (the grid's tail is masked), x a multiple of 8
    "max_u8_odd_rows": ("""kernel p(inp: u8[26, 48]) -> (out: u8[13, 24]) {
        y = range(13); x = range(24); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }""", 8),
    # odd x: one output a thread, its 2-byte row not 4-byte aligned
    "max_u8_odd_x": ("""kernel p(inp: u8[14, 18]) -> (out: u8[7, 9]) {
        y = range(7); x = range(9); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }""", 1),
    "min_i8": ("""kernel p(inp: i8[32, 128]) -> (out: i8[16, 64]) {
        y = range(16); x = range(64); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_min(inp[y * 2 + dy, x * 2 + dx], dy, dx) }""", 8),
    # a widening sum with an epilogue (average pooling, rounded)
    "avg_u8": ("""kernel p(inp: u8[32, 128]) -> (out: u8[16, 64]) {
        y = range(16); x = range(64); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = cast<u8>((sum(cast<i32>(inp[y * 2 + dy, x * 2 + dx]), dy, dx) + 2) >> 2) }""", 8),
    # floats fold in the reference's order from the first element: bit-exact, NaN included
    "max_f32": ("""kernel p(inp: f32[16, 64]) -> (out: f32[8, 32]) {
        y = range(8); x = range(32); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }""", 2),
    "sum_f32_3x3": ("""kernel p(inp: f32[24, 96]) -> (out: f32[8, 32]) {
        y = range(8); x = range(32); dy = range(3, reduce); dx = range(3, reduce)
        out[y, x] = sum(inp[y * 3 + dy, x * 3 + dx], dy, dx) }""", 1),
    # stride 3, window 2: a gap column between windows; the last thread's row stops at the
    # last column the kernel reads (the buffer is one column short of 3 * 32)
    "max_u8_gap": ("""kernel p(inp: u8[16, 95]) -> (out: u8[8, 32]) {
        y = range(8); x = range(32); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 3 + dx], dy, dx) }""", 4),
    # a constant column offset (rows not vector-aligned) and 16-bit elements
    "max_i16_offset": ("""kernel p(inp: i16[16, 66]) -> (out: i16[8, 32]) {
        y = range(8); x = range(32); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx + 2], dy, dx) }""", 4),
    # weights per window element: the terms read the reduce variables (reference order)
    "weighted_u8": ("""kernel p(inp: u8[16, 64], w: i8[2, 2]) -> (out: i32[8, 32]) {
        y = range(8); x = range(32); dy = range(2, reduce); dx = range(2, reduce)
        out[y, x] = sum(cast<i32>(inp[y * 2 + dy, x * 2 + dx]) * cast<i32>(w[dy, dx]), dy, dx) }""", 8),
    # channels, and an epilogue load that moves with x
    "channels_bias": ("""kernel p(inp: u8[3, 8, 64], b: u8[32]) -> (out: u8[3, 4, 32]) {
        c = range(3); y = range(4); x = range(32); dy = range(2, reduce); dx = range(2, reduce)
        out[c, y, x] = reduce_max(inp[c, y * 2 + dy, x * 2 + dx], dy, dx) + b[x] }""", 8),
    # a window along y only (stride 1 along x, width 1): 16 bytes of one row a thread
    "column_sum_u8": ("""kernel p(inp: u8[32, 64]) -> (out: u8[8, 64]) {
        y = range(8); x = range(64); dy = range(4, reduce)
        out[y, x] = sum(inp[y * 4 + dy, x], dy) }""", 16),
}


def _kernel(name):
    return parse_kernels(KERNELS[name][0], f"{name}.ir")[0]


def _inputs(kernel, seed: int = 0):
    ins = random_inputs(kernel, seed)
    for b in kernel.inputs:  # the edge values of each type, where the windows meet them
        a = ins[b.name].reshape(-1)
        if b.dtype.is_float:
            a[::7] = np.nan
            a[3::11] = -0.0
            a[5::13] = np.inf
        elif b.dtype.is_int:
            info = np.iinfo(a.dtype)
            a[::5], a[2::7] = info.max, info.min
    return ins


def _same(kernel, got: dict, want: dict) -> bool:
    """Bit for bit (floats: NaN matches NaN, -0.0 only -0.0)."""
    return all(np.array_equal(np.asarray(got[b.name]).view(np.uint8), np.asarray(want[b.name]).view(np.uint8))
               if not b.dtype.is_float else
               np.array_equal(np.signbit(got[b.name]), np.signbit(want[b.name]))
               and np.array_equal(got[b.name], want[b.name], equal_nan=True)
               for b in kernel.outputs)


def _program(kernel, spec):
    return lower_gpu(simplify_kernel(kernel, rewriter()), rewriter(), spec=spec)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_window_direct_matches_the_reference_in_the_simulator(name):
    kernel = _kernel(name)
    inputs = _inputs(kernel)
    want = run_reference(kernel, inputs)
    for spec in (H100, WEBGPU):
        gp = _program(kernel, spec)
        assert [l.strategy for l in gp.launches] == ["window-direct"], (spec, gp.notes)
        assert not any(l.shared for l in gp.launches)
        assert dict(gp.launches[0].multiples).get("x", 1) == KERNELS[name][1], gp.notes
        assert _same(kernel, simulate(gp, inputs), want), spec


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_window_direct_ptx_assembles_and_wgsl_runs_bit_exact(name, tmp_path):
    kernel = _kernel(name)
    if shutil.which("ptxas"):  # the CUDA toolkit (CI has it); the WGSL half runs regardless
        f = tmp_path / "k.ptx"
        f.write_text(optimize(kernel, library(), "cuda").text("ptx"))
        r = subprocess.run(["ptxas", "-arch=sm_90", str(f), "-o", str(tmp_path / "k.cubin")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    from rewriter.runtime.webgpu import run_webgpu

    opt = optimize(kernel, library(), "webgpu")
    assert [d.mode for d in opt.code.dispatches] == ["window-direct"]
    inputs = _inputs(kernel, 1)
    if any(b.dtype.is_float for b in kernel.buffers):  # WGSL may assume no inf/NaN (docs/WEBGPU.md)
        inputs = random_inputs(kernel, 1)
    got, _, _ = run_webgpu(kernel, opt.code, inputs)
    want = run_reference(kernel, inputs)
    assert compare(kernel, got, want) == []
    if not any(b.dtype.is_float for b in kernel.buffers):
        assert _same(kernel, got, want)


def test_maxpool_examples_take_window_direct_with_eight_outputs_a_thread_on_both_targets():
    """The GPU-sized maxpool: 16 bytes a row (ld.global.nc.v4 / one vec4<u32>), 8 outputs stored
    as one 8-byte vector, the same program on CUDA and WebGPU; conv3x3 (overlapping windows)
    keeps its shared tile."""
    for path in ("examples/maxpool2x2_u8.ir", "examples/gpu/maxpool2x2_u8.ir"):
        kernel = simplify_kernel(load_kernel(path), rewriter())
        progs = [lower_gpu(kernel, rewriter(), spec=s) for s in (H100, WEBGPU, WEBGPU_WORD_STORES)]
        for gp in progs:
            (launch,) = gp.launches
            assert launch.strategy == "window-direct" and dict(launch.multiples) == {"x": 8}
        assert progs[0].launches == progs[1].launches == progs[2].launches
    ptx = optimize(load_kernel("examples/gpu/maxpool2x2_u8.ir"), library(), "cuda").text("ptx")
    assert ptx.count("ld.global.nc.v4.b32") == 2 and ptx.count("st.global.v2.b32") == 1
    assert "ld.global.nc.u8" not in ptx and "st.global.u8" not in ptx
    for path in ("examples/conv3x3_u8.ir", "examples/gpu/conv3x3_u8.ir"):
        conv = lower_gpu(simplify_kernel(load_kernel(path), rewriter()), rewriter())
        assert [l.strategy for l in conv.launches] == ["window-tiled"]


def test_overlapping_windows_do_not_take_window_direct():
    """3-wide windows at stride 2 share a column between neighbours along x: window-tiled."""
    src = """kernel p(inp: u8[17, 65]) -> (out: u8[8, 32]) {
        y = range(8); x = range(32); dy = range(3, reduce); dx = range(3, reduce)
        out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx) }"""
    gp = _program(parse_kernels(src)[0], H100)
    assert [l.strategy for l in gp.launches] != ["window-direct"]


def test_the_simulator_catches_a_wrong_deinterleave():
    """Mutation: the odd lanes taken one lane off (lane 2q + 2 instead of 2q + 1) must be
    found by the comparison the tests above rely on."""
    from rewriter.ir.uop import UOp
    from rewriter.lower.gpu_program import Launch
    from rewriter.lower.program import Store

    kernel = _kernel("max_u8_odd_rows")
    gp = _program(kernel, H100)
    (launch,) = gp.launches

    def mutate(u: UOp) -> UOp:
        memo = {}
        for n in u.toposort():
            src = tuple(memo[s] for s in n.src)
            if n.op == "vshuffle" and n.arg[0] == 1:
                memo[n] = UOp("vshuffle", n.dtype, src, tuple(min(i + 1, n.src[0].dtype.lanes - 1) for i in n.arg))
            else:
                memo[n] = n.replace(src=src) if src else n
        return memo[u]

    def walk(stmts):
        out = []
        for s in stmts:
            if isinstance(s, Store):
                s = Store(s.buffer, s.index, mutate(s.value))
            elif hasattr(s, "body"):
                s = type(s)(s.cond, walk(s.body))
            out.append(s)
        return tuple(out)

    from dataclasses import replace

    broken = replace(gp, launches=(Launch(launch.name, launch.grid, launch.block, walk(launch.body), (),
                                          launch.strategy, launch.multiples),))
    inputs = _inputs(kernel)
    want = run_reference(kernel, inputs)
    assert _same(kernel, simulate(gp, inputs), want)
    assert not _same(kernel, simulate(broken, inputs), want)


def test_without_window_direct_maxpool_is_window_tiled_again():
    """The strategy list is data: leaving window-direct out gives the previous lowering (what
    the benchmark's comparison rows use)."""
    kernel = simplify_kernel(load_kernel("examples/maxpool2x2_u8.ir"), rewriter())
    gp = lower_gpu(kernel, rewriter(), strategies=tuple(s for s in STRATEGIES if s != "window-direct"))
    assert [l.strategy for l in gp.launches] == ["window-tiled"]


def test_a_lane_pick_prints_and_carries_no_poison_flags():
    """vshuffle's arg is its lane indices, not poison flags: the term prints (it crashed in
    the pattern printer, which took the indices for flags) and counts as flag-free."""
    from rewriter.ir.dtype import parse_dtype
    from rewriter.ir.uop import UOp, var

    v = var(parse_dtype("u8x16"), "v")
    picked = UOp("vshuffle", parse_dtype("u8x8"), (v,), (0, 2, 4, 6, 8, 10, 12, 14))
    assert picked.flags == ()
    assert "vshuffle" in repr(picked)
