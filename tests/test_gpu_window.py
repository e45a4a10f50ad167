"""The window-tiled GPU strategy with several outputs a thread (lower/gpu_tiles.py): W chosen
by the cost model, each input row of a thread's windows one aligned shared read on CUDA,
the W results one vector store. Each kernel below runs through the lockstep simulator
under the CUDA and the WebGPU machine records against the reference interpreter (bit for
bit), and its PTX through `ptxas -arch=sm_90`; every vector read of a shared tile is checked,
thread by thread in the simulator, to start where the emitter's alignment claim says."""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import numpy as np
import pytest

from rewriter.backends.ptx import emit_ptx
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.lower.gpu import lower_gpu
from rewriter.lower.gpu_ops import H100, WEBGPU, pieces
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import simplify_kernel
from tests.test_gpu_pool import library, rewriter

# name -> (source, outputs a thread W the CUDA cost model picks); every one takes window-tiled.
KERNELS = {
    # an odd input width (global rows 1-aligned) and a constant column offset
    "conv3x3_u8_odd": ("""kernel c(inp: u8[18, 131], w: i8[3, 3]) -> (out: i32[16, 128]) {
        y = range(16); x = range(128); ky = range(3, reduce); kx = range(3, reduce)
        out[y, x] = sum(cast<i32>(inp[y + ky, x + kx + 1]) * cast<i32>(w[ky, kx]), ky, kx) }""", 4),
    "conv5x5_i16": ("""kernel c(inp: i16[20, 132], w: i16[5, 5]) -> (out: i32[16, 128]) {
        y = range(16); x = range(128); ky = range(5, reduce); kx = range(5, reduce)
        out[y, x] = sum(cast<i32>(inp[y + ky, x + kx]) * cast<i32>(w[ky, kx]), ky, kx) }""", 4),
    # float products summed in the reference's order: bit-exact
    "conv3x3_f32": ("""kernel c(inp: f32[10, 66], w: f32[3, 3]) -> (out: f32[8, 64]) {
        y = range(8); x = range(64); ky = range(3, reduce); kx = range(3, reduce)
        out[y, x] = sum(inp[y + ky, x + kx] * w[ky, kx], ky, kx) }""", 2),
    # overlapping windows at stride 2 (lanes 2 apart in each row read), floats, NaN included
    "maxpool3x3s2_f32": ("""kernel p(src: f32[34, 130]) -> (out: f32[16, 64]) {
        y = range(16); x = range(64); dy = range(3, reduce); dx = range(3, reduce)
        out[y, x] = reduce_max(src[y * 2 + dy, x * 2 + dx], dy, dx) }""", 2),
    # u8 outputs, 8 a thread: one 8-byte store
    "max3x3_u8": ("""kernel p(inp: u8[18, 258]) -> (out: u8[16, 256]) {
        y = range(16); x = range(256); dy = range(3, reduce); dx = range(3, reduce)
        out[y, x] = reduce_max(inp[y + dy, x + dx], dy, dx) }""", 8),
    # a dilated window (taps 2 apart) with an epilogue
    "dilated_u8": ("""kernel c(inp: u8[20, 132], w: i8[3, 3]) -> (out: u8[16, 128]) {
        y = range(16); x = range(128); ky = range(3, reduce); kx = range(3, reduce)
        out[y, x] = cast<u8>(min(max(sum(cast<i32>(inp[y + 2 * ky, x + 2 * kx]) * cast<i32>(w[ky, kx]), ky, kx) >> 4,
                                     0), 255)) }""", 4),
    # an epilogue reading loads that move with x and with y (vector and scalar per output row)
    "conv_bias_u8": ("""kernel c(inp: u8[18, 130], w: i8[3, 3], bx: i32[128], by: i32[16]) -> (out: i32[16, 128]) {
        y = range(16); x = range(128); ky = range(3, reduce); kx = range(3, reduce)
        out[y, x] = sum(cast<i32>(inp[y + ky, x + kx]) * cast<i32>(w[ky, kx]), ky, kx) + bx[x] * by[y] }""", 4),
    # 81 taps: more than the unrolled packed fold takes; the term is vectorized instead
    "box9x9_u8": ("""kernel b(inp: u8[24, 136]) -> (out: i32[16, 128]) {
        y = range(16); x = range(128); ky = range(9, reduce); kx = range(9, reduce)
        out[y, x] = sum(cast<i32>(inp[y + ky, x + kx]), ky, kx) }""", None),
}


def _kernel(name):
    return parse_kernels(KERNELS[name][0], f"{name}.ir")[0]


def _inputs(kernel, seed: int = 0, nan: bool = True):
    ins = random_inputs(kernel, seed)
    for b in kernel.inputs:  # the edge values of each type, where the windows meet them
        a = ins[b.name].reshape(-1)
        if b.dtype.is_float:
            if nan:
                a[::7] = np.nan
            a[3::11] = -0.0
        elif b.dtype.is_int:
            info = np.iinfo(a.dtype)
            a[::5], a[2::7] = info.max, info.min
    return ins


def _same(kernel, got: dict, want: dict) -> bool:
    return all(np.array_equal(got[b.name], want[b.name], equal_nan=b.dtype.is_float) for b in kernel.outputs)


def _program(kernel, spec):
    return lower_gpu(simplify_kernel(kernel, rewriter()), rewriter(), spec=spec)


def _packed(gp) -> bool:
    return "shared read" in gp.notes[0]


def _width(gp) -> int:
    return dict(gp.launches[0].multiples).get("x", 1)


def _aligned_shared_reads(gp, inputs, monkeypatch, finish: bool = True) -> list:
    """Simulate `gp`, checking each vector read of a shared tile from a scalar index against
    the alignment the PTX emitter derives for it (`LaunchEmitter._align`): returns
    (read, claimed elements, every thread's start a multiple of it) for every such read.
    `finish=False`: a program that later fails (an out-of-bounds store) still reports."""
    from llvmlite import ir

    from rewriter.backends.ptx import LaunchEmitter
    from rewriter.lower import gpu_sim

    seen, emitters = [], {}
    load = gpu_sim._Launch.load

    def checked(self, u, mask, memo):
        if u.op == "sload" and u.dtype.lanes > 1 and u.src[0].dtype.lanes == 1:
            em = emitters.setdefault(self.launch.name, LaunchEmitter(gp, self.launch, ir.Module()))
            tile = next(t for t in self.launch.shared if t.name == u.arg)
            eb = max(1, tile.dtype.bits // 8)
            claim = em._align(u.src[0], tile.dtype, u.dtype.lanes) // eb
            ix = np.asarray(self.value(u.src[0], mask, memo).value)[mask].astype(np.int64)
            seen.append((u, claim, bool(np.all(ix % claim == 0))))
        return load(self, u, mask, memo)

    monkeypatch.setattr(gpu_sim._Launch, "load", checked)
    try:
        simulate(gp, inputs)
    except gpu_sim.SimulationError:
        if finish:
            raise
    return seen


def _ptxas(ptx: str, tmp_path):
    f = tmp_path / "k.ptx"
    f.write_text(ptx)
    r = subprocess.run(["ptxas", "-arch=sm_90", "-v", str(f), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "0 bytes spill stores" in r.stderr, r.stderr


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_window_tiles_match_the_reference_in_the_simulator(name, monkeypatch):
    kernel = _kernel(name)
    for spec in (H100, WEBGPU):
        gp = _program(kernel, spec)
        # The packed fold starts from the first window element as the reference does; one
        # output a thread starts float max/min at -inf/inf, exact on every input but NaN.
        inputs = _inputs(kernel, nan=_packed(gp))
        want = run_reference(kernel, inputs)
        assert [l.strategy for l in gp.launches] == ["window-tiled"], (spec, gp.notes)
        if spec is H100 and KERNELS[name][1] is not None:
            assert _width(gp) == KERNELS[name][1], gp.notes
        reads = _aligned_shared_reads(gp, inputs, monkeypatch)
        assert all(ok for _, _, ok in reads), [(claim, ok) for _, claim, ok in reads]
        assert _same(kernel, simulate(gp, inputs), want), (spec, gp.notes)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_window_tile_ptx_assembles(name, tmp_path):
    if shutil.which("ptxas") is None:
        pytest.skip("ptxas not on PATH (CUDA toolkit; CI has it)")
    _ptxas(emit_ptx(_program(_kernel(name), H100))[1], tmp_path)


@pytest.mark.parametrize("w", [1, 2, 4])
def test_every_forced_width_is_right_and_assembles(w, tmp_path, monkeypatch):
    """`GpuSpec.window_outputs` forces W (the benchmark's comparison rows). 9x9 taps with W > 1
    take the vectorized term, whose shared reads are lane vectors: contiguous at stride 1
    (one read from the first lane), one element a lane at stride 2."""
    spec = dataclasses.replace(H100, window_outputs=w)
    for name, src in (("conv", KERNELS["conv3x3_u8_odd"][0]), ("box", KERNELS["box9x9_u8"][0]),
                      ("box_s2", """kernel b(inp: u8[24, 264]) -> (out: i32[16, 128]) {
                          y = range(16); x = range(128); ky = range(9, reduce); kx = range(9, reduce)
                          out[y, x] = sum(cast<i32>(inp[y + ky, x * 2 + kx]), ky, kx) }""")):
        kernel = parse_kernels(src, f"{name}.ir")[0]
        gp = _program(kernel, spec)
        assert _width(gp) == w, gp.notes
        inputs = _inputs(kernel, 1)
        assert all(ok for _, _, ok in _aligned_shared_reads(gp, inputs, monkeypatch))
        assert _same(kernel, simulate(gp, inputs), run_reference(kernel, inputs)), (name, w)
        if shutil.which("ptxas"):
            _ptxas(emit_ptx(gp)[1], tmp_path)


def test_the_alignment_check_catches_a_false_claim(monkeypatch):
    """Start every thread's columns one element later than `Launch.multiples` says (a
    multiple of 4): the emitter would then read 4 bytes at once from a misaligned start, and
    the check sees it (the reads stay inside the tile's padded rows)."""
    from rewriter.lower.gpu_ops import iadd
    from rewriter.lower.gpu_program import Let

    kernel = _kernel("conv3x3_u8_odd")
    gp = _program(kernel, H100)
    launch = gp.launches[0]
    assert dict(launch.multiples)["__lx"] == 4
    body = tuple(Let(s.var, iadd(s.value, 1)) if isinstance(s, Let) and s.var.arg.name == "__lx" else s
                 for s in launch.body)
    bad = dataclasses.replace(gp, launches=(dataclasses.replace(launch, body=body),))
    inputs = _inputs(kernel)
    assert all(ok for _, _, ok in _aligned_shared_reads(gp, inputs, monkeypatch))
    assert not all(ok for _, _, ok in _aligned_shared_reads(bad, inputs, monkeypatch, finish=False))


def test_pieces_follow_the_alignment():
    assert pieces(6, 4, 16) == [(0, 4), (4, 2)]
    assert pieces(10, 8, 16) == [(0, 8), (8, 2)]
    assert pieces(3, 1, 16) == [(0, 1), (1, 1), (2, 1)]
    assert pieces(36, 16, 16) == [(0, 16), (16, 16), (32, 4)]
    assert pieces(16, 32, 16) == [(0, 16)]


def test_gpu_conv_takes_four_outputs_a_thread_and_packed_row_reads():
    """The H200-sized conv3x3: W = 4 (cost model), each of a thread's 6 input rows one 4-byte
    and one 2-byte shared read, the 4 x 4 outputs four 16-byte stores; one output a thread
    (forced, the benchmark's `#w1` row) is the previous program, byte reads and all. WebGPU,
    its u8 tile packed four to a word (`window_tile_words`), takes CUDA's program: W = 4, the
    same tile and padding (34 rows of 130 bytes + 2, 33 words a row). Forced to 2 outputs a
    thread it is a 32 x 64 tile; with 32-bit carriers (4x the memory) only 16 x 64 fitted."""
    kernel = load_kernel("examples/gpu/conv3x3_u8.ir")
    gp = _program(kernel, H100)
    launch = gp.launches[0]
    assert _width(gp) == 4 and launch.block == 256 and launch.grid == 4096
    assert [(t.rows, t.cols, t.pad) for t in launch.shared] == [(34, 130, 2)]
    ptx = emit_ptx(gp)[1]
    reads = re.findall(r"ld\.shared\.(\S+)", ptx)
    assert sorted(set(reads)) == ["b32", "v2.b8"] and len(reads) == 12, reads
    assert ptx.count("st.global.v4.b32") == 4
    one = _program(kernel, dataclasses.replace(H100, window_outputs=1)).launches[0]
    assert (one.grid, [(t.rows, t.cols, t.pad) for t in one.shared]) == (16384, [(34, 34, 0)])
    assert "ld.shared.b8" in emit_ptx(dataclasses.replace(gp, launches=(one,)))[1]
    web = _program(kernel, WEBGPU).launches[0]
    assert (web.grid, web.block, [(t.rows, t.cols, t.pad, t.word_bytes) for t in web.shared]) == \
        (4096, 256, [(34, 130, 2, 4)])
    two = _program(kernel, dataclasses.replace(WEBGPU, window_outputs=2)).launches[0]
    assert (two.grid, [(t.rows, t.cols, t.pad, t.word_bytes) for t in two.shared]) == (8192, [(34, 66, 2, 4)])
    carriers = _program(kernel, dataclasses.replace(WEBGPU, window_tile_words=0, window_outputs=2)).launches[0]
    assert (carriers.grid, [(t.rows, t.cols, t.pad, t.word_bytes) for t in carriers.shared]) == \
        (16384, [(18, 66, 0, 0)])


@pytest.mark.parametrize("name", ["conv3x3_f32", "maxpool3x3s2_f32", "conv3x3_u8_odd", "max3x3_u8"])
def test_window_tiles_run_as_wgsl(name):
    """The WebGPU programs above rendered as WGSL and run through wgpu (lavapipe in CI): f32
    tiles take the packed row reads there too (an f32 is its own 32-bit carrier), and so do
    u8 ones, their tile packed four to a word (`GpuSpec.window_tile_words`)."""
    from rewriter.pipeline import compare, optimize
    from rewriter.runtime.webgpu import run_webgpu

    kernel = _kernel(name)
    opt = optimize(kernel, library(), "webgpu")
    assert [d.mode for d in opt.code.dispatches] == ["window-tiled"]
    assert any("shared read" in n for n in opt.notes), opt.notes
    assert [t.word_bytes for t in opt.code.program.launches[0].shared] == [0 if name.endswith("_f32") else 4]
    inputs = _inputs(kernel, 2, nan=False)  # WGSL may assume no NaN (docs/WEBGPU.md)
    got, _, _ = run_webgpu(kernel, opt.code, inputs)
    assert compare(kernel, got, run_reference(kernel, inputs)) == []


@pytest.mark.parametrize("name", ["conv3x3_u8_odd", "conv5x5_i16", "max3x3_u8", "dilated_u8"])
@pytest.mark.parametrize("w", [1, 2, 4])
def test_word_packed_window_tiles_are_exact_as_wgsl(name, w):
    """Word-packed tiles (u8 four to a word, i16 two) at every forced width, run through wgpu
    against the reference: W = 1 reads single elements out of the words, W > 1 a thread's
    rows as words funnelled by the row's offset (conv3x3_u8_odd's rows start 1 byte into a
    word, the global rows 131 bytes: every staging word spans two global words, and the
    footprint's last word a row is a part word)."""
    from rewriter.backends.wgsl import render_wgsl
    from rewriter.lower.gpu_ops import webgpu_target
    from rewriter.pipeline import compare
    from rewriter.runtime.webgpu import run_webgpu

    kernel = _kernel(name)
    gp = lower_gpu(simplify_kernel(kernel, rewriter()), rewriter(), spec=dataclasses.replace(WEBGPU, window_outputs=w),
                    target=webgpu_target())
    launch = gp.launches[0]
    assert launch.strategy == "window-tiled" and [t.word_bytes for t in launch.shared] == [4]
    width = _width(gp)
    assert width == w or (w > 1 and width == 1), (w, width)  # a width the x extent does not allow falls back
    shader = render_wgsl(gp)
    assert "packed" in shader.code
    inputs = _inputs(kernel, 3, nan=False)
    assert compare(kernel, simulate(gp, inputs), run_reference(kernel, inputs)) == []
    got, _, _ = run_webgpu(kernel, shader, inputs)
    assert compare(kernel, got, run_reference(kernel, inputs)) == []
