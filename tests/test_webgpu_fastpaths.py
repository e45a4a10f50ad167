"""The WGSL emitter's faster forms: packed 8/16-bit lanes a word at a time
(`backends/wgsl_swar.py`), 16-byte `vec4` bindings (`wgsl_shape.vec4_buffers`) and small loops
unrolled with constant indices (`wgsl_shape.unrolled`): run through wgpu (lavapipe in CI) and
compared bit for bit with the reference interpreter."""
from __future__ import annotations

import functools
import re

import numpy as np

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs, run_reference
from rewriter.pipeline import compare, optimize
from rewriter.runtime.webgpu import run_webgpu


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


def _run(src: str, inputs_of):
    kernel = parse_kernels(src)[0]
    opt = optimize(kernel, library(), "webgpu")
    inputs = inputs_of(kernel)
    got, _, _ = run_webgpu(kernel, opt.code, inputs)
    assert compare(kernel, got, run_reference(kernel, inputs)) == []
    return opt.code.code


BYTE_PAIRS = """
kernel pairs(a: u8[65536], b: u8[65536], c: i8[65536], d: i8[65536])
    -> (o1: u8[65536], o2: u8[65536], o3: u8[65536], o4: i8[65536]) {
  i = range(65536)
  o1[i] = sat_add(a[i], b[i])
  o2[i] = sat_sub(a[i], b[i])
  o3[i] = max(a[i], b[i]) + min(a[i], b[i] ^ 85) - (a[i] & b[i] | 7)
  o4[i] = max(c[i], d[i]) - min(c[i], d[i]) + cast<i8>(a[i]) + (c[i] - d[i])
}
"""


def test_every_byte_pair_word_at_a_time_matches_reference():
    """All 256 x 256 operand pairs (so 0, 127, 128 / -128 and 255 / -1 against everything)."""
    n = np.arange(65536)
    lo, hi = (n & 255).astype(np.uint8), (n >> 8).astype(np.uint8)

    def inputs(kernel):
        return {"a": lo, "b": hi, "c": hi.view(np.int8), "d": lo.view(np.int8)}

    code = _run(BYTE_PAIRS, inputs)
    assert "0x80808080u" in code  # the word forms are what ran ...
    assert not re.search(r">> (8|16|24)u\) & 0xffu", code)  # ... with no byte unpacked
    assert code.count("array<vec4<u32>>") == 8  # and 16 bytes an access


def test_half_words_and_broadcast_scalars_word_at_a_time():
    src = """
    kernel h(a: u16[1024], b: u16[1024], c: i16[1024], s: u8, x: u8[1024]) -> (o1: u16[1024], o2: i16[1024], o3: u8[1024]) {
      i = range(1024)
      o1[i] = max(sat_add(a[i], b[i]), sat_sub(b[i], a[i]))
      o2[i] = min(c[i], cast<i16>(b[i])) + c[i]
      o3[i] = sat_add(x[i], s)
    }
    """

    def inputs(kernel):
        ins = random_inputs(kernel, 5)
        edges = np.array([0, 1, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF], dtype=np.uint16)
        pairs = np.stack(np.meshgrid(edges, edges)).reshape(2, -1)
        ins["a"][: pairs.shape[1]], ins["b"][: pairs.shape[1]] = pairs
        ins["c"][: pairs.shape[1]] = pairs[1].view(np.int16)
        ins["s"] = np.array(200, dtype=np.uint8)
        ins["x"][:4] = [0, 55, 56, 255]
        return ins

    code = _run(src, inputs)
    assert "0x80008000u" in code and "0x1010101u" in code  # half-word lanes; a broadcast byte


def test_odd_sizes_keep_scalar_bindings_and_stay_exact():
    """Sizes that are no multiple of 16 bytes: the buffers stay `array<u32>` / `array<f32>`
    (a `vec4` binding must cover whole 16-byte groups) and the tails are exact."""
    src = """
    kernel odd(a: u8[4099], b: u8[4099], f: f32[10]) -> (o: u8[4099], g: f32[10]) {
      i = range(4099); j = range(10)
      o[i] = sat_add(a[i], b[i])
      g[j] = max(f[j], 0.0)
    }
    """

    def inputs(kernel):
        ins = random_inputs(kernel, 2)
        ins["a"][:6], ins["b"][:6] = [255, 0, 127, 128, 1, 254], [1, 0, 128, 128, 254, 255]
        return ins

    code = _run(src, inputs)
    assert "vec4" not in code.split("@compute")[0]


def test_f32_maps_bind_16_byte_vectors():
    kernel = load_kernel("examples/axpy_f32.ir")
    opt = optimize(kernel, library(), "webgpu")
    code = opt.code.code
    assert re.search(r"b_x: array<vec4<f32>>", code) and re.search(r"b_out: array<vec4<f32>>", code)
    assert "b_alpha: array<f32>" in code  # the scalar is read as a scalar
    inputs = random_inputs(kernel, 1)
    got, _, _ = run_webgpu(kernel, opt.code, inputs)
    assert compare(kernel, got, run_reference(kernel, inputs)) == []


def test_small_reduction_loops_unroll_and_share_their_invariant_loads():
    """conv3x3's 3 x 3 window: no loop left in the shader, and the nine weights are loaded
    once for all of a thread's output rows (the copies share the memo)."""
    src = """
    kernel conv(inp: u8[66, 66], w: i8[3, 3]) -> (out: i32[64, 64]) {
      y = range(64); x = range(64); ky = range(3, reduce); kx = range(3, reduce)
      out[y, x] = sum(cast<i32>(inp[y + ky, x + kx]) * cast<i32>(w[ky, kx]), ky, kx)
    }
    """

    def inputs(kernel):
        ins = random_inputs(kernel, 4)
        ins["inp"][0, :4] = [0, 255, 127, 128]
        ins["w"][0] = [-128, 127, -1]
        return ins

    code = _run(src, inputs)
    assert "window-tiled" in optimize(parse_kernels(src)[0], library(), "webgpu").code.dispatches[0].mode
    assert "for (" not in code
    assert code.count("b_w[") == 9


POOL = """
kernel pool(inp: u8[{h2}, {w2}]) -> (out: u8[{h}, {w}]) {{
  y = range({h}); x = range({w}); dy = range(2, reduce); dx = range(2, reduce)
  out[y, x] = reduce_max(inp[y * 2 + dy, x * 2 + dx], dy, dx)
}}
"""


def _pool(h: int, w: int) -> str:
    return POOL.format(h=h, w=w, h2=2 * h, w2=2 * w)


def _word_stores(src: str, inputs):
    """`src` lowered under `gpu_ops.WEBGPU_WORD_STORES` (word-granular stores) without the
    window-direct strategy (so a pooling kernel takes the window tile), rendered as WGSL, run
    through wgpu and compared bit for bit with the reference; returns the WGSL."""
    from rewriter.backends.wgsl import render_wgsl
    from rewriter.lower.gpu import STRATEGIES, lower_gpu
    from rewriter.lower.gpu_ops import WEBGPU_WORD_STORES, webgpu_target
    from rewriter.pipeline import make_rewriter, simplify_kernel

    rw = make_rewriter(library(), "greedy")
    kernel = parse_kernels(src)[0]
    tiled = tuple(s for s in STRATEGIES if s != "window-direct")
    shader = render_wgsl(lower_gpu(simplify_kernel(kernel, rw), rw, spec=WEBGPU_WORD_STORES, target=webgpu_target(),
                                   strategies=tiled))
    if inputs is not None:
        got, _, _ = run_webgpu(kernel, shader, inputs)
        assert compare(kernel, got, run_reference(kernel, inputs)) == []
    return shader


def test_maxpool_window_tiles_store_whole_words_without_atomics():
    """Word-granular stores (`GpuSpec.store_bytes` = 4): each invocation pools four adjacent
    u8 outputs and stores them as one word, so no atomicAnd/atomicOr remains, and stages its
    footprint a word at a time; bit-exact on lavapipe, also at the edge values 0 and 255.
    The GPU-sized maxpool (halved to WebGPU's 128 MiB binding, as the benchmark does) too."""
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, size=(128, 512), dtype=np.uint8)
    a[::7, ::3] = 255
    a[1::5, ::2] = 0
    shader = _word_stores(_pool(64, 256), {"inp": a})
    assert "atomic" not in shader.code
    assert not re.search(r"& 3i\) \* 8u", shader.code)  # staged a word at a time, not a byte
    # 8 warps of 32 x 4 outputs: the 32 x 256-byte footprint packed four u8 to a word (8 KiB;
    # as 32-bit carriers only 4 warps' footprint fitted)
    assert "@workgroup_size(256)" in shader.code and "array<u32, 2048>;  // u8 packed" in shader.code
    big = _word_stores(_pool(2048, 4096), None)
    assert "atomic" not in big.code and [d.mode for d in big.dispatches] == ["window-tiled"]


def test_window_tile_too_narrow_for_word_outputs_keeps_one_output_a_thread():
    """x = 96 is no multiple of 32 threads x 4 outputs: the tile falls back to one output a
    thread (the CUDA shape) and its byte stores stay atomic, and exact."""
    rng = np.random.default_rng(4)
    shader = _word_stores(_pool(16, 96), {"inp": rng.integers(0, 256, size=(32, 192), dtype=np.uint8)})
    assert "atomicOr" in shader.code and "@workgroup_size(256)" in shader.code


def test_default_webgpu_maxpool_reads_rows_as_words_and_stores_words():
    """By default maxpool2x2 takes window-direct (lower/gpu_pool.py): 16 input bytes a row as one
    vec4 load, the max a word at a time (no byte unpacked), the even/odd bytes de-interleaved by
    shifts and masks, 8 outputs stored as two whole words with no atomics; bit-exact on
    lavapipe, edge values 0 and 255 included."""
    rng = np.random.default_rng(5)
    a = rng.integers(0, 256, size=(128, 512), dtype=np.uint8)
    a[::3, ::5] = 255
    a[1::4, 1::3] = 0
    code = _run(_pool(64, 256), lambda k: {"inp": a})
    assert "atomic" not in code and "var<workgroup>" not in code
    assert "var<storage, read> b_inp: array<vec4<u32>>" in code
    assert "0x80808080u" in code and not re.search(r">> (8|16|24)u\) & 0xffu;", code)
    assert code.count("b_out[") == 2
