"""The tensor-core matmul (lower/gpu_mma.py), CUDA's default for f16 matmuls: fragment layouts
against the PTX ISA's tables, whole GPU programs through the lockstep simulator against the
reference interpreter (every operand orientation, several blocks, an epilogue), the bank
model's layouts by brute force, ptxas for sm_90, that it is the default (and its stated check
tolerance) and `--no-tensor-cores` turns it off, and that WebGPU never takes it."""
from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import replace

import pytest

from rewriter.cli import main
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.lower import gpu_mma
from rewriter.lower.gpu import lower_gpu
from rewriter.lower.gpu_ops import H100, WEBGPU
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import check_against_reference, make_rewriter, optimize, simplify_kernel
from rewriter.solver import banks
from tests.test_gpu import _has_gpu


@functools.lru_cache(maxsize=1)
def library():
    return load_library(["rules"])


def _kernel(src: str):
    return parse_kernels(src, "mma.ir")[0]


def _mm(m, n, k, a="a[m, kk]", b="b[kk, n]", a_shape=None, b_shape=None, epi="{}"):
    a_shape = a_shape or f"{m}, {k}"
    b_shape = b_shape or f"{k}, {n}"
    body = epi.format(f"sum(cast<f32>({a}) * cast<f32>({b}), kk)")
    return _kernel(f"""kernel mm(a: f16[{a_shape}], b: f16[{b_shape}]) -> (c: f32[{m}, {n}]) {{
      m = range({m}); n = range({n}); kk = range({k}, reduce)
      c[m, n] = {body} }}""")


# -- the PTX ISA's tables (9.7.14.5.8, Figures 79-81 for f16/f32; 9.7.14.5.15 ldmatrix) ---------
# A few entries written out from the figures, independent of the functions' formulas.
_A = {0: [(0, 0), (0, 1), (8, 0), (8, 1), (0, 8), (0, 9), (8, 8), (8, 9)],
      1: [(0, 2), (0, 3), (8, 2), (8, 3), (0, 10), (0, 11), (8, 10), (8, 11)],
      4: [(1, 0), (1, 1), (9, 0), (9, 1), (1, 8), (1, 9), (9, 8), (9, 9)],
      31: [(7, 6), (7, 7), (15, 6), (15, 7), (7, 14), (7, 15), (15, 14), (15, 15)]}
_B = {0: [(0, 0), (1, 0), (8, 0), (9, 0)], 1: [(2, 0), (3, 0), (10, 0), (11, 0)],
      4: [(0, 1), (1, 1), (8, 1), (9, 1)], 31: [(6, 7), (7, 7), (14, 7), (15, 7)]}
_C = {0: [(0, 0), (0, 1), (8, 0), (8, 1)], 1: [(0, 2), (0, 3), (8, 2), (8, 3)],
      4: [(1, 0), (1, 1), (9, 0), (9, 1)], 31: [(7, 6), (7, 7), (15, 6), (15, 7)]}


def test_fragment_layouts_match_the_ptx_isa_tables():
    for lane, want in _A.items():
        assert [gpu_mma.a_elem(i, lane) for i in range(8)] == want
    for lane, want in _B.items():
        assert [gpu_mma.b_elem(i, lane) for i in range(4)] == want
    for lane, want in _C.items():
        assert [gpu_mma.c_elem(i, lane) for i in range(4)] == want
    # Each fragment covers its matrix exactly once over the warp.
    for fn, count, shape in ((gpu_mma.a_elem, 8, (16, 16)), (gpu_mma.b_elem, 4, (16, 8)), (gpu_mma.c_elem, 4, (16, 8))):
        cells = [fn(i, lane) for lane in range(32) for i in range(count)]
        assert sorted(cells) == [(r, c) for r in range(shape[0]) for c in range(shape[1])]


def test_ldmatrix_source_matches_the_ptx_isa():
    """Without .trans lane l holds row l/4, elements 2(l%4), 2(l%4)+1 of each matrix; the row
    addresses of matrix q come from lanes 8q..8q+7. With .trans, the transposed matrix."""
    assert gpu_mma.ldmatrix_source(0, 0, 0, False) == (0, 0)
    assert gpu_mma.ldmatrix_source(0, 1, 5, False) == (1, 3)
    assert gpu_mma.ldmatrix_source(2, 0, 5, False) == (17, 2)
    assert gpu_mma.ldmatrix_source(3, 1, 31, False) == (31, 7)
    assert gpu_mma.ldmatrix_source(0, 0, 5, True) == (2, 1)
    assert gpu_mma.ldmatrix_source(1, 1, 31, True) == (15, 7)
    # ldmatrix (no .trans) of a row-major 16x16 block, registers a0a1..a6a7: exactly the A
    # fragment when matrix q is the 8x8 block _block_of("a", q).
    for lane in range(32):
        for q in range(4):
            for h in range(2):
                src, off = gpu_mma.ldmatrix_source(q, h, lane, False)
                o_off, k_off = gpu_mma._block_of("a", q)
                assert (o_off + src % 8, k_off + off) == gpu_mma.a_elem(2 * q + h, lane)


# -- whole programs in the simulator ---------------------------------------------------------------
def _lower(k, spec=H100, tensor_cores: bool | str = True):
    rw = make_rewriter(library())
    return lower_gpu(simplify_kernel(k, rw), rw, spec=spec, tensor_cores=tensor_cores)


@pytest.mark.parametrize("kernel", [
    _mm(64, 64, 64),
    _mm(128, 256, 64),  # several blocks
    _mm(64, 128, 64, b="b[n, kk]", b_shape="128, 64"),  # B contiguous along k: ldmatrix without .trans
    _mm(64, 64, 64, a="a[kk, m]", a_shape="64, 64"),  # A contiguous along m: ldmatrix.trans
    _mm(64, 64, 128, epi="max({}, 0.0) * 0.5"),  # an epilogue on each result
], ids=["64^3", "multi-block", "b-k-major", "a-m-major", "epilogue"])
@pytest.mark.parametrize("pipeline", ["cp.async", "registers"])
def test_tensor_core_program_matches_reference(kernel, pipeline):
    """Both ways slices reach shared memory; cp.async copies landing as late as the waits
    allow and as early as they are issued (a stage read too soon or overwritten too soon
    shows up in one of the two)."""
    gp = _lower(kernel, tensor_cores=pipeline)
    assert [l.strategy for l in gp.launches] == ["mma-matmul"]
    assert f"through {pipeline}" in gp.notes[0]
    inputs = random_inputs(kernel, 2)
    for copies in (("late", "early") if pipeline == "cp.async" else ("late",)):
        assert check_against_reference(kernel, simulate(gp, inputs, copies), inputs) == [], copies


@pytest.mark.parametrize("cfg,shape", [
    (gpu_mma.MmaConfig(128, 128, 32, 64, 64, "cp.async"), (128, 256, 128)),  # the 4096^3 choice
    (gpu_mma.MmaConfig(256, 64, 32, 64, 64, "registers"), (256, 128, 96)),  # its register-staged one
], ids=["cp.async-128x128x32", "registers-256x64x32"])
def test_the_large_configurations_match_reference(cfg, shape):
    """The configurations the cost model picks at 4096^3 (several warps, 64x64 warp tiles,
    several K slices through every stage), forced onto a problem small enough to simulate."""
    from rewriter.lower.gpu_ops import cuda_target
    from rewriter.lower.gpu_program import GpuProgram
    from rewriter.lower.lower import _Lowerer

    big = gpu_mma.mma_configs(4096, 4096, 4096, H100)
    assert big[0] == cfg or cfg.pipeline == "registers" and \
        gpu_mma.mma_configs(4096, 4096, 4096, H100, ("registers",))[0] == cfg
    k = _mm(*shape)
    rw = make_rewriter(library())
    simple = simplify_kernel(k, rw)
    notes: list = []
    launches = gpu_mma._mma_matmul(_Lowerer(simple, cuda_target(), rw), simple.stores[0], "mm", H100, notes,
                                   config=cfg)
    gp = GpuProgram(simple, tuple(launches), (), tuple(notes), cuda_target())
    assert launches[0].block == cfg.threads and str(cfg) in notes[0]
    inputs = random_inputs(k, 4)
    for copies in ("late", "early"):
        assert check_against_reference(k, simulate(gp, inputs, copies), inputs) == [], copies


def _edit(gp, fn):
    """`gp` with fn applied to every statement of its launch (into loop bodies)."""
    from rewriter.lower.program import Loop

    def walk(stmts):
        out = []
        for s in stmts:
            if isinstance(s, Loop):
                s = replace(s, body=tuple(walk(s.body)))
            out.append(fn(s))
        return out

    return replace(gp, launches=(replace(gp.launches[0], body=tuple(walk(gp.launches[0].body))),))


def test_simulator_catches_a_wait_for_too_few_copies():
    """Waiting for one group fewer than the loop needs reads a stage before it lands."""
    from rewriter.lower.gpu_program import CopyWait

    k = _mm(64, 64, 128)
    gp = _lower(k, tensor_cores="cp.async")
    broken = _edit(gp, lambda s: CopyWait(s.pending + 1) if isinstance(s, CopyWait) and s.pending else s)
    inputs = random_inputs(k, 2)
    assert check_against_reference(k, simulate(gp, inputs), inputs) == []
    assert check_against_reference(k, simulate(broken, inputs), inputs) != []


def test_simulator_catches_a_copy_into_the_stage_being_read():
    """Copying slice i + 2 into stage i % 3 (the one multiplied in the same iteration) is
    right only if the copy lands late: the early-landing simulation must catch it."""
    from rewriter.lower.gpu_program import CopyAsync

    k = _mm(64, 64, 128)
    gp = _lower(k, tensor_cores="cp.async")
    S = gpu_mma.ASYNC_STAGES
    loop = next(s for s in gp.launches[0].body if type(s).__name__ == "Loop")
    slice_no = next(n for n in loop.body[-1].value.toposort() if n.op == "div" and n.src[0] is loop.var)
    ahead = gpu_mma.imod(gpu_mma.iadd(slice_no, S - 1), S)
    same = gpu_mma.imod(slice_no, S)

    def retarget(s):
        return CopyAsync(s.tile, s.index.substitute({ahead: same}), s.value) if isinstance(s, CopyAsync) else s

    broken = _edit(gp, retarget)
    assert broken != gp
    inputs = random_inputs(k, 2)
    assert check_against_reference(k, simulate(broken, inputs, "late"), inputs) == []
    assert check_against_reference(k, simulate(broken, inputs, "early"), inputs) != []


def test_simulator_catches_a_wrong_fragment_layout():
    """Reading B without .trans (the other ISA layout) must not pass."""
    from rewriter.lower.program import AccUpdate

    k = _mm(64, 64, 64)
    gp = _lower(k, tensor_cores="mma")

    def flip(u):
        memo = {}
        for n in u.toposort():
            src = tuple(memo[x] for x in n.src)
            memo[n] = (n.replace(src=src, arg=(n.arg[0], not n.arg[1])) if n.op == "ldmatrix" and n.arg[0] == "b_tile"
                       else n.replace(src=src) if n.src else n)
        return memo[u]

    broken = _edit(gp, lambda s: AccUpdate(s.name, flip(s.value)) if isinstance(s, AccUpdate) else s)
    inputs = random_inputs(k, 2)
    assert check_against_reference(k, simulate(broken, inputs), inputs) != []


# -- layouts, opt-in, emission ---------------------------------------------------------------------
def test_chosen_shared_layouts_are_conflict_free_by_brute_force():
    k = load_kernel("examples/gpu/matmul_f16.ir")
    c = gpu_mma.mma_configs(4096, 4096, 4096, H100)[0]
    rw = make_rewriter(library())
    lw_k = simplify_kernel(k, rw)
    from rewriter.lower.gpu_ops import cuda_target
    from rewriter.lower.lower import _Lowerer

    lw = _Lowerer(lw_k, cuda_target(), rw)
    got = gpu_mma._match(lw, lw_k.stores[0])
    la, lb = got[4], got[5]
    ops_ = (gpu_mma.Operand("a", la, "m", True, c.bm, c.bk), gpu_mma.Operand("b", lb, "n", False, c.bn, c.bk))
    lays, _ = gpu_mma.choose_layouts(c, ops_)
    for acc in gpu_mma._accesses(c, ops_, lays):
        assert banks.conflicts_brute_force(acc) == 1, acc.name
    plain = (gpu_mma.TileLayout(), gpu_mma.TileLayout())
    worst = {a.name: banks.conflicts_brute_force(a) for a in gpu_mma._accesses(c, ops_, plain)}
    assert worst["A ldmatrix"] > 1 and worst["B ldmatrix.trans"] > 1


def test_tensor_cores_are_the_default_for_f16_and_can_be_turned_off(capsys):
    """Issue 16: an f16 matmul takes the tensor cores without asking (wgmma-matmul on sm_90a,
    mma-matmul with tensor_cores="mma"), and is checked within the stated
    TENSOR_CORE_TOLERANCE; tensor_cores=False / --no-tensor-cores gives the tiled matmul on
    the CUDA cores (the reference's order, the default float tolerance)."""
    from rewriter.kernel.check import TENSOR_CORE_TOLERANCE

    k = load_kernel("examples/gpu/matmul_f16.ir")
    on = optimize(k, library(), "cuda")
    assert [l.strategy for l in on.program.launches] == ["wgmma-matmul"]
    assert on.lowered.tolerance == TENSOR_CORE_TOLERANCE == (1e-3, 1e-3)
    mma = optimize(k, library(), "cuda", tensor_cores="mma")
    assert [l.strategy for l in mma.program.launches] == ["mma-matmul"] and mma.lowered.tolerance == TENSOR_CORE_TOLERANCE
    off = optimize(k, library(), "cuda", tensor_cores=False)
    assert [l.strategy for l in off.program.launches] == ["tiled-matmul"] and off.lowered.tolerance is None
    rw = make_rewriter(library())
    assert [l.strategy for l in lower_gpu(simplify_kernel(k, rw), rw).launches] == ["wgmma-matmul"]
    assert main(["optimize", "examples/gpu/matmul_f16.ir", "--target", "cuda", "--emit", "ir"]) == 0
    assert "wgmma-matmul" in capsys.readouterr().out
    assert main(["optimize", "examples/gpu/matmul_f16.ir", "--target", "cuda", "--no-tensor-cores",
                 "--emit", "ir"]) == 0
    out = capsys.readouterr().out
    assert "tiled-matmul" in out and "mma-matmul" not in out
    small = _mm(128, 128, 64)  # simulated under mma.sync, checked within the stated tolerance
    gp = optimize(small, library(), "cuda", tensor_cores="mma").program
    assert [l.strategy for l in gp.launches] == ["mma-matmul"]
    inputs = random_inputs(small, 3)
    assert check_against_reference(small, simulate(gp, inputs), inputs, tolerance=TENSOR_CORE_TOLERANCE) == []


def test_tensor_cores_are_never_on_webgpu_nor_for_f32():
    k = load_kernel("examples/gpu/matmul_f16.ir")
    assert [l.strategy for l in _lower(k, tensor_cores=False).launches] == ["tiled-matmul"]
    assert [l.strategy for l in _lower(k, spec=WEBGPU).launches] != ["mma-matmul"]
    f32 = load_kernel("examples/gpu/matmul_f32.ir")  # f32 inputs: not this strategy
    assert [l.strategy for l in _lower(f32).launches] == ["tiled-matmul"]
    odd = _mm(48, 40, 24)  # no mma.sync tile divides it: another strategy, still right
    gp = _lower(odd, tensor_cores="mma")
    assert "mma-matmul" not in [l.strategy for l in gp.launches]
    inputs = random_inputs(odd, 1)
    assert check_against_reference(odd, simulate(gp, inputs), inputs) == []


def test_matmul_f16_ptx_assembles_for_sm90(tmp_path, capsys):
    ptxas = shutil.which("ptxas")
    assert ptxas, "ptxas (CUDA toolkit) is needed: scripts/setup.sh installs it"
    opt = optimize(load_kernel("examples/gpu/matmul_f16.ir"), library(), "cuda", tensor_cores="mma")
    assert [l.strategy for l in opt.program.launches] == ["mma-matmul"]
    assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in opt.text("ptx")
    assert "cp.async.cg.shared.global" in opt.text("ptx") and "cp.async.wait_group" in opt.text("ptx")
    assert "ldmatrix.sync.aligned.m8n8.x4.shared.b16" in opt.text("ptx")
    assert "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16" in opt.text("ptx")
    f = tmp_path / "k.ptx"
    f.write_text(opt.text("ptx"))
    r = subprocess.run([ptxas, "-arch=sm_90", "-v", str(f), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "0 bytes spill stores" in r.stderr, r.stderr
    assert main(["optimize", "examples/gpu/matmul_f16.ir", "--target", "cuda", "--tensor-cores", "--emit", "ptx"]) == 0
    assert "wgmma.mma_async" in capsys.readouterr().out  # the default on sm_90a (tests/test_gpu_wgmma.py)
    regs = optimize(load_kernel("examples/gpu/matmul_f16.ir"), library(), "cuda", tensor_cores="registers")
    f.write_text(regs.text("ptx"))
    r = subprocess.run([ptxas, "-arch=sm_90", "-v", str(f), "-o", str(tmp_path / "k.cubin")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "0 bytes spill stores" in r.stderr, r.stderr


@pytest.mark.skipif(not _has_gpu(), reason="needs an NVIDIA GPU (CI has none: the simulator tests check the program)")
def test_tensor_core_matmul_runs_on_the_gpu():
    from rewriter.runtime.cuda import run_cuda

    k = _mm(128, 256, 64)
    for pipeline in ("cp.async", "registers"):
        opt = optimize(k, library(), "cuda", tensor_cores=pipeline)
        inputs = random_inputs(k, 0)
        got, seconds = run_cuda(k, opt.code, inputs, repeat=2)
        assert check_against_reference(k, got, inputs) == [] and seconds > 0, pipeline


@pytest.mark.parametrize("target, flag", [("hexagon", "--tensor-cores"), ("webgpu", "--no-tensor-cores"),
                                          ("cpu", "--tensor-cores"), ("cpu", "--no-tensor-cores"),
                                          ("cpu", "--fp-contract")])
def test_cuda_only_flags_are_refused_elsewhere_not_ignored(capsys, target, flag):
    """--[no-]tensor-cores and --fp-contract change only the CUDA lowering; on another target
    they used to be accepted and silently ignored. Now: one line, exit 2."""
    assert main(["optimize", "examples/matmul_i8.ir", "--target", target, flag]) == 2
    err = capsys.readouterr().err
    said = "--tensor-cores / --no-tensor-cores" if "tensor-cores" in flag else flag
    assert f"{said} is for --target cuda, not {target}" in err and "Traceback" not in err
