"""The GPU backend without a GPU: every example's PTX assembles with ptxas for sm_90, the
bank model agrees with brute force, the lowering picks the strategies and layouts it
claims, and running without a GPU fails with one line and exit code 2."""
from __future__ import annotations

import ctypes
import functools
import glob
import shutil
import subprocess

import pytest

from rewriter.cli import main
from rewriter.dsl.rule import load_library
from rewriter.errors import ToolchainError
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.lower import gpu, gpu_tiles
from rewriter.pipeline import optimize
from rewriter.runtime.cuda import CudaCode
from rewriter.solver import banks

EXAMPLES = sorted(glob.glob("examples/*.ir")) + sorted(glob.glob("examples/gpu/*.ir"))


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


@functools.lru_cache(maxsize=None)
def cuda(path):
    return optimize(load_kernel(path), library(), "cuda")


def _has_gpu() -> bool:
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    n = ctypes.c_int(0)
    return lib.cuInit(0) == 0 and lib.cuDeviceGetCount(ctypes.byref(n)) == 0 and n.value > 0


@pytest.mark.parametrize("path", EXAMPLES)
def test_example_ptx_assembles_for_sm90(path, tmp_path):
    ptxas = shutil.which("ptxas")
    if ptxas is None:
        pytest.skip("ptxas not on PATH (CUDA toolkit; CI has it)")
    opt = cuda(path)
    f = tmp_path / "k.ptx"
    f.write_text(opt.text("ptx"))
    arch = "sm_90a" if ".target sm_90a" in opt.text("ptx") else "sm_90"  # wgmma modules are sm_90a
    r = subprocess.run([ptxas, f"-arch={arch}", "-v", str(f), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "spill" not in r.stderr or "0 bytes spill stores" in r.stderr, r.stderr
    for launch in opt.program.launches:
        assert f".entry {launch.name}(" in opt.text("ptx")
        assert f".maxntid {launch.block}" in opt.text("ptx")


def test_strategies_follow_the_kernel_shape():
    strat = {p: [l.strategy for l in cuda(p).program.launches] for p in EXAMPLES}
    assert strat["examples/relu_f32.ir"] == ["map"]
    assert strat["examples/dot_i8.ir"] == ["block-reduce"]
    assert strat["examples/matmul_i8.ir"] == ["tiled-matmul"]
    assert strat["examples/conv3x3_u8.ir"] == ["window-tiled"]
    assert strat["examples/maxpool2x2_u8.ir"] == ["window-direct"]  # disjoint windows: no tile
    assert strat["examples/softmax_f32.ir"] == ["fused-rows"]  # three stores, one launch
    # One output and 2^28 elements: split over many blocks, then a combining launch.
    assert strat["examples/gpu/dot_i8.ir"] == ["block-reduce", "block-reduce"]
    assert strat["examples/gpu/matmul_f32.ir"] == ["tiled-matmul"]


def test_contiguous_accesses_are_128_bit_and_reductions_shuffle():
    relu = cuda("examples/gpu/relu_f32.ir").text("ptx")
    assert "ld.global.nc.v4.b32" in relu and "st.global.v4.b32" in relu
    add = cuda("examples/gpu/add_sat_u8.ir").text("ptx")  # 16 bytes = 16 u8 lanes
    assert add.count("ld.global.nc.v4.b32") == 2
    dot = cuda("examples/gpu/dot_i8.ir").text("ptx")
    assert "shfl.sync.down.b32" in dot and "bar.sync" in dot and ".shared" in dot
    mm = cuda("examples/gpu/matmul_f32.ir").text("ptx")
    assert "ld.shared.v4" in mm  # micro-tile reads: 16 bytes a lane


def test_launch_dimensions_come_from_the_cost_model():
    g = cuda("examples/gpu/relu_f32.ir").program.launches[0]
    assert g.grid * g.block * 4 == 1 << 26  # four floats a thread, every element covered once
    b, _ = gpu._block_size(1 << 24, gpu.H100)
    assert b >= 128  # 32-thread blocks would cap an SM at 1024 resident threads
    small, _ = gpu._block_size(512, gpu.H100)
    assert small == 32  # a tiny map spreads over more SMs


# -- the bank model ---------------------------------------------------------------------------
def _transposed_store(pad: int, bk: int = 8, rows: int = 128):
    """Lane l stores element (row l // bk, column l % bk) of a row-major tile into a
    k-major tile of `rows + pad` per row: the A-tile store of the tiled matmul."""
    return banks.Access(f"transposed store, pad {pad}",
                        lambda o, lane, u: o.add(o.mul(o.mod(lane, bk), rows + pad), o.div(lane, bk)))


def test_unpadded_transposed_store_conflicts_and_the_model_finds_it():
    acc = _transposed_store(0)
    assert banks.conflicts_brute_force(acc) == 8  # 8 columns of one row-major row -> one bank
    w = banks.conflict_witness(acc)
    assert w is not None
    addr = [acc.element_index(banks.IntOps, w[k], {}) for k in ("lane1", "lane2")]
    assert addr[0] != addr[1] and addr[0] % 32 == addr[1] % 32  # the witness is a real conflict


def test_chosen_padding_is_conflict_free_by_brute_force():
    pad, log = banks.choose(range(0, 9), lambda p: [_transposed_store(p)])
    assert banks.conflicts_brute_force(_transposed_store(pad)) == 1
    # ... and it is the smallest: brute force finds every smaller pad conflicting.
    assert all(banks.conflicts_brute_force(_transposed_store(p)) > 1 for p in range(pad))
    assert len(log) == pad


def test_model_and_brute_force_agree_on_many_layouts():
    for pad in range(0, 6):
        for bk in (4, 8, 16):
            acc = _transposed_store(pad, bk)
            assert banks.conflict_free(acc) == (banks.conflicts_brute_force(acc) == 1), (pad, bk)


def test_wide_accesses_conflict_per_quarter_warp():
    # 16-byte reads of consecutive float4s: lanes of a quarter-warp cover 32 banks once.
    contiguous = banks.Access("float4 row", lambda o, lane, u: o.mul(lane, 4), (), 4, 4)
    assert banks.conflict_free(contiguous) and banks.conflicts_brute_force(contiguous) == 1
    # Blocked 8-float micro-tiles: lanes 0 and 4 of a phase hit the same banks.
    blocked = banks.Access("blocked", lambda o, lane, u: o.mul(lane, 8), (), 4, 4)
    assert not banks.conflict_free(blocked) and banks.conflicts_brute_force(blocked) == 2


def test_matmul_layout_is_conflict_free_by_brute_force():
    opt = cuda("examples/gpu/matmul_f32.ir")
    launch = opt.program.launches[0]
    note = next(n for n in opt.program.notes if "tiled matmul" in n)
    tiles = {t.name: t for t in launch.shared}
    cfg = next(c for c in gpu_tiles._matmul_config(4096, 4096, 4096, 4, gpu.H100)
               if f"{c.bm}x{c.bn}x{c.bk} tiles, {c.tm}x{c.tn}" in note)
    lay = gpu_tiles.MatmulLayout(tiles["a_tile"].pad, tiles["b_tile"].pad, "strided" in note.split("(rejected")[0])
    for acc in gpu_tiles._matmul_accesses(cfg, lay, True, False, 4):
        assert banks.conflicts_brute_force(acc) == 1, acc.name
    unpadded = gpu_tiles.MatmulLayout(0, 0, lay.strided)
    assert any(banks.conflicts_brute_force(a) > 1 for a in gpu_tiles._matmul_accesses(cfg, unpadded, True, False, 4))


# -- runtime ------------------------------------------------------------------------------------
def test_code_round_trips_through_json():
    code = cuda("examples/gpu/dot_i8.ir").code
    assert CudaCode.from_json(code.to_json()) == code
    assert code.scratch and code.scratch[0][2] == 4096 or code.scratch[0][2] > 1


@pytest.mark.skipif(_has_gpu(), reason="this machine has a GPU: the no-GPU error cannot happen")
def test_running_without_a_gpu_is_one_line_and_exit_2(capsys):
    from rewriter.runtime.cuda import run_cuda

    k = load_kernel("examples/relu_f32.ir")
    with pytest.raises(ToolchainError):
        run_cuda(k, cuda("examples/relu_f32.ir").code, random_inputs(k, 0))
    assert main(["optimize", "examples/relu_f32.ir", "--target", "cuda", "--emit", "ptx", "--check"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "GPU" in err


@pytest.mark.skipif(not _has_gpu(), reason="needs an NVIDIA GPU and its driver (CI has none: the "
                    "simulator tests above check the same programs)")
@pytest.mark.parametrize("path", sorted(glob.glob("examples/*.ir")))
def test_example_runs_on_the_gpu(path):
    from rewriter.pipeline import check_against_reference
    from rewriter.runtime.cuda import run_cuda

    k = load_kernel(path)
    inputs = random_inputs(k, 0)
    got, seconds = run_cuda(k, cuda(path).code, inputs, repeat=2)
    assert check_against_reference(k, got, inputs) == [] and seconds > 0


def test_emit_ptx_needs_no_gpu(capsys):
    assert main(["optimize", "examples/axpy_f32.ir", "--target", "cuda", "--emit", "ptx"]) == 0
    out = capsys.readouterr().out
    assert ".target sm_90" in out and ".entry axpy_f32_0_out(" in out


def test_small_kernel_edge_shapes_lower_and_assemble(tmp_path):
    """Sizes that do not divide the block (a guard), a reduction too short for blocks."""
    src = """
kernel odd(x: f32[1000]) -> (out: f32[1000]) { i = range(1000)
  out[i] = x[i] * 2.0 }
kernel short_sum(x: i16[10, 7]) -> (out: i32[10]) { r = range(10); j = range(7, reduce)
  out[r] = sum(cast<i32>(x[r, j]), j) }
"""
    for k in parse_kernels(src, "edge.ir"):
        opt = optimize(k, library(), "cuda")
        assert opt.program.launches[0].strategy == "map"
        if shutil.which("ptxas"):
            f = tmp_path / f"{k.name}.ptx"
            f.write_text(opt.text("ptx"))
            assert subprocess.run(["ptxas", "-arch=sm_90", str(f), "-o", "/dev/null"]).returncode == 0


# -- the lockstep simulator: GPU programs against the reference interpreter, without a GPU -----
@pytest.mark.parametrize("path", sorted(glob.glob("examples/*.ir")))
def test_example_gpu_program_matches_reference(path):
    from rewriter.lower.gpu_sim import simulate
    from rewriter.pipeline import check_against_reference

    k = load_kernel(path)
    inputs = random_inputs(k, 3)
    assert check_against_reference(k, simulate(cuda(path).program, inputs), inputs) == []


_SHAPES = """
kernel long_dot(a: i8[262144], b: i8[262144]) -> (out: i32) { i = range(262144, reduce)
  out = sum(cast<i32>(a[i]) * cast<i32>(b[i]), i) }
kernel mm(a: f32[128, 32], b: f32[32, 128]) -> (c: f32[128, 128]) {
  m = range(128); n = range(128); k = range(32, reduce)
  c[m, n] = sum(a[m, k] * b[k, n], k) }
kernel pool(src: f32[34, 130]) -> (out: f32[16, 64]) {
  y = range(16); x = range(64); dy = range(3, reduce); dx = range(3, reduce)
  out[y, x] = reduce_max(src[y * 2 + dy, x * 2 + dx], dy, dx) }
kernel rows(x: f32[16, 512]) -> (out: f32[16, 512]) { r = range(16); i = range(512); j = range(512, reduce)
  mx[r] = reduce_max(x[r, j], j)
  out[r, i] = x[r, i] - mx[r] }
"""


def test_split_reduction_tiles_and_fused_rows_match_reference():
    from rewriter.lower.gpu_sim import simulate
    from rewriter.pipeline import check_against_reference

    strategies = {}
    for k in parse_kernels(_SHAPES, "shapes.ir"):
        opt = optimize(k, library(), "cuda")
        strategies[k.name] = [l.strategy for l in opt.program.launches]
        inputs = random_inputs(k, 5)
        assert check_against_reference(k, simulate(opt.program, inputs), inputs) == [], k.name
    assert strategies == {"long_dot": ["block-reduce", "block-reduce"], "mm": ["tiled-matmul"],
                          "pool": ["window-tiled"], "rows": ["fused-rows"]}


def test_fp_contract_fuses_the_matmul_products():
    """Opt-in: each a * b + acc of the tiled matmul becomes one fma (one rounding). Simulated
    small: the interpreter's fma is exact rational arithmetic, and slow."""
    from rewriter.lower.gpu_sim import simulate
    from rewriter.pipeline import check_against_reference

    src = """kernel mm(a: f32[32, 16], b: f32[16, 32]) -> (c: f32[32, 32]) {
      m = range(32); n = range(32); k = range(16, reduce)
      c[m, n] = sum(a[m, k] * b[k, n], k) }"""
    k = parse_kernels(src, "mm.ir")[0]
    exact, fused = optimize(k, library(), "cuda"), optimize(k, library(), "cuda", fp_contract=True)
    assert "fma.rn.f32" in fused.text("ptx") and "fma.rn.f32" not in exact.text("ptx")
    inputs = random_inputs(k, 1)
    assert check_against_reference(k, simulate(fused.program, inputs), inputs) == []


def test_simulator_catches_a_broken_reduction():
    """Drop the warp shuffles of the dot product: only lane 0's slice survives per warp."""
    import dataclasses

    from rewriter.lower.gpu_program import If
    from rewriter.lower.gpu_sim import simulate
    from rewriter.lower.program import AccUpdate
    from rewriter.pipeline import check_against_reference

    def drop(stmts):
        out = []
        for s in stmts:
            if isinstance(s, AccUpdate) and any(n.op == "shfl" for n in s.value.toposort()):
                continue
            out.append(dataclasses.replace(s, body=tuple(drop(s.body))) if isinstance(s, If) else s)
        return out

    gp = cuda("examples/dot_i8.ir").program
    broken = dataclasses.replace(gp, launches=tuple(dataclasses.replace(l, body=tuple(drop(l.body)))
                                                    for l in gp.launches))
    k = load_kernel("examples/dot_i8.ir")
    inputs = random_inputs(k, 0)
    assert check_against_reference(k, simulate(gp, inputs), inputs) == []
    assert check_against_reference(k, simulate(broken, inputs), inputs) != []


def test_log2_and_f64_transcendentals_never_reach_llvm_abort(tmp_path):
    """NVPTX has no log2 instruction and no f64 exp2/log2 (LLVM aborts looking for a
    libcall): log2 goes through lg2.approx.f32, f64 is refused with an 'unsupported yet'."""
    from rewriter.backends.llvm_ops import EmitError
    from rewriter.lower.gpu_sim import simulate
    from rewriter.pipeline import compare

    src = "kernel lg(x: f32[256]) -> (out: f32[256]) { i = range(256)\n out[i] = log2(x[i] * x[i] + 1.0) }"
    k = parse_kernels(src, "lg.ir")[0]
    opt = optimize(k, library(), "cuda")
    assert "lg2.approx.f32" in opt.text("ptx")
    inputs = random_inputs(k, 0)
    from rewriter.kernel.reference import run_reference
    assert compare(k, simulate(opt.program, inputs), run_reference(k, inputs)) == []
    f64 = parse_kernels(src.replace("f32", "f64"), "lg64.ir")[0]
    with pytest.raises(EmitError, match="not supported on cuda yet"):
        optimize(f64, library(), "cuda")


def test_fuzz_target_cuda_sim_runs_the_gpu_program():
    from rewriter.fuzz.targets import run_target
    from rewriter.kernel.reference import run_reference
    from rewriter.pipeline import compare

    k = load_kernel("examples/softmax_f32.ir")
    inputs = random_inputs(k, 2)
    got = run_target("cuda-sim", k, library(), inputs)
    assert compare(k, got, run_reference(k, inputs)) == []


# -- exact products: fma without opt-in -----------------------------------------------------------
def _mul_of(a, b, t):
    from rewriter.ir.uop import var
    return gpu_tiles.UOp("mul", t, (gpu_tiles.UOp("cast", t, (var(a, "a"),)), gpu_tiles.UOp("cast", t, (var(b, "b"),))))


def test_exact_product_is_decided_by_the_formats():
    from rewriter.ir.dtype import bf16, f16, f32, f64
    exact = gpu_tiles._exact_product
    assert exact(_mul_of(f16, f16, f32)) and exact(_mul_of(f32, f32, f64)) and exact(_mul_of(f16, f16, f64))
    assert not exact(_mul_of(bf16, bf16, f32))  # 2^-133 * 2^-133 underflows f32
    assert not exact(_mul_of(f32, f32, f32)) and not exact(_mul_of(f16, f32, f32))


def test_f16_products_are_exact_in_f32_on_every_kind_of_value():
    """The claim behind contracting f16 x f16 -> f32 sums: every product is exact (checked in
    f64, where it certainly is), on random bit patterns weighted to subnormals and extremes."""
    import numpy as np
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 1 << 16, size=(2, 200_000), dtype=np.uint16)
    bits[:, :2000] &= 0x83FF  # subnormals and zeros
    bits[:, 2000:4000] |= 0x7800  # the largest exponents
    a, b = bits.view(np.float16)
    finite = np.isfinite(a) & np.isfinite(b)
    p32 = a[finite].astype(np.float32) * b[finite].astype(np.float32)
    p64 = a[finite].astype(np.float64) * b[finite].astype(np.float64)
    assert np.array_equal(p32.astype(np.float64), p64)
    # and bf16 x bf16 is not: the smallest bf16 subnormals' product underflows f32
    tiny = np.array([0x00010000], dtype=np.uint32).view(np.float32)[0]  # bf16 bits 0x0001: 2^-133
    assert tiny * tiny != np.float64(tiny) * np.float64(tiny)


def test_f16_matmul_uses_fma_without_opt_in_and_f32_does_not():
    from rewriter.backends.ptx import emit_ptx
    # the CUDA cores' tiled matmul (the tensor cores, the default for f16, turned off)
    f16 = optimize(load_kernel("examples/gpu/matmul_f16.ir"), library(), "cuda", tensor_cores=False)
    assert any("as fma (the product is exact" in n for n in f16.program.notes)
    assert "fma.rn.f32" in emit_ptx(f16.program)[1]
    f32 = cuda("examples/gpu/matmul_f32.ir")
    assert not any("fma" in n for n in f32.program.notes)
    assert "fma.rn.f32" not in emit_ptx(f32.program)[1]


def test_vector_where_does_not_take_the_unselected_arms_poison():
    """Found by `rewriter fuzz --target cuda-sim --mode kernels --seed 22`: the map strategy
    vectorizes `where(c, a, b)` with a uniform c; b's lanes are poison (an inexact
    `div.exact`) but never selected. The simulator tracks poison per vector, and used to OR
    in the unselected arm's: it refused a correct program ("stores an undefined value")."""
    import numpy as np

    from rewriter.kernel.reference import run_reference
    from rewriter.lower.gpu_sim import simulate
    k = parse_kernels("""kernel k(c: bool, a: i8[2], b: i8[2]) -> (out: i8[2]) {
      i = range(2)
      out[i] = where(c, a[i], div.exact(b[i], 2))
    }""")[0]
    opt = optimize(k, library(), "cuda")
    assert any(u.op == "where" and u.dtype.lanes > 1 for s in opt.program.launches[0].body
               for u in getattr(getattr(s, "value", None), "toposort", lambda: [])())
    ins = {"c": np.array(True), "a": np.array([5, -7], dtype=np.int8), "b": np.array([3, 1], dtype=np.int8)}
    assert np.array_equal(simulate(opt.program, ins)["out"], run_reference(k, ins)["out"])
