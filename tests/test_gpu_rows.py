"""The warp-rows GPU strategy (lower/gpu_rows.py): row reductions along the contiguous axis,
a group of G lanes a row. Each kernel runs through the lockstep simulator against the
reference interpreter and through `ptxas -arch=sm_90`: row lengths off the vector and the
group (a last chunk partly past the row), row counts off the block (surplus groups), every
reduction, signed, unsigned and float types, gemv's reused vector, epilogues and 2-D rows."""
from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.lower.gpu_ops import H100
from rewriter.lower.gpu_rows import MAX_LOADS, row_plan
from rewriter.lower.gpu_sim import simulate
from rewriter.pipeline import check_against_reference, optimize

ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def library():
    return load_library([ROOT / "rules"])


KERNELS = {
    "gemv_f32_odd_rows": """kernel g(a: f32[37, 96], v: f32[96]) -> (out: f32[37]) {
        r = range(37); k = range(96, reduce)
        out[r] = sum(a[r, k] * v[k], k) }""",
    "gemv_u8i8": """kernel g(a: u8[48, 320], v: i8[320]) -> (out: i32[48]) {
        r = range(48); k = range(320, reduce)
        out[r] = sum(cast<i32>(a[r, k]) * cast<i32>(v[k]), k) }""",
    "rowmin_i16_odd": """kernel m(x: i16[21, 200]) -> (out: i16[21]) {
        r = range(21); j = range(200, reduce)
        out[r] = reduce_min(x[r, j], j) }""",
    "rowmax_i8": """kernel m(x: i8[64, 48]) -> (out: i8[64]) {
        r = range(64); j = range(48, reduce)
        out[r] = reduce_max(x[r, j], j) }""",
    "rowsum_u16_epilogue": """kernel s(x: u16[40, 72], b: i32[40]) -> (out: i32[40]) {
        r = range(40); j = range(72, reduce)
        out[r] = sum(cast<i32>(x[r, j]), j) + b[r] }""",
    "rowmean_u8_odd_len": """kernel m(x: u8[30, 200]) -> (out: u8[30]) {
        r = range(30); j = range(200, reduce)
        out[r] = cast<u8>(sum(cast<u32>(x[r, j]), j) / 200) }""",
    "rows_2d_f32": """kernel s(x: f32[3, 10, 24]) -> (out: f32[3, 10]) {
        b = range(3); r = range(10); j = range(24, reduce)
        out[b, r] = reduce_max(x[b, r, j], j) }""",
    # 4 lanes a row, 37 rows: the last block has surplus groups (they redo the last row, no store)
    "short_rows_ragged": """kernel s(x: f32[37, 16]) -> (out: f32[37]) {
        r = range(37); j = range(16, reduce)
        out[r] = sum(x[r, j], j) }""",
    "odd_row_scalar_loads": """kernel s(x: i32[12, 9]) -> (out: i32[12]) {
        r = range(12); j = range(9, reduce)
        out[r] = sum(x[r, j], j) }""",
}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_warp_rows_match_reference(name):
    (k,) = parse_kernels(KERNELS[name])
    opt = optimize(k, library(), "cuda")
    assert [l.strategy for l in opt.program.launches] == ["warp-rows"], opt.program.notes
    assert any("warp-rows" in n for n in opt.program.notes)
    for seed in (1, 2):
        inputs = random_inputs(k, seed)
        assert check_against_reference(k, simulate(opt.program, inputs), inputs) == []
    if shutil.which("ptxas"):
        f = Path(f"/tmp/{k.name}_{name}_rows.ptx")
        f.write_text(opt.text("ptx"))
        run = subprocess.run(["ptxas", "-arch=sm_90", str(f), "-o", "/dev/null"], capture_output=True)
        assert run.returncode == 0, run.stderr.decode()[:500]


def test_row_plan_by_row_length_and_count():
    machine = H100.sms * H100.threads_per_sm
    # many 256-byte rows: 8 lanes cover a line, 2 loads a lane, several rows a thread
    p = row_plan(262144, 64, 4, 16, H100)
    assert (p.lanes, p.iters) == (8, 2) and p.rows_per_thread > 1
    assert 262144 // p.rows_per_thread * p.lanes >= machine
    # few rows: more lanes a row, up to one load each
    p = row_plan(64, 64, 4, 16, H100)
    assert (p.lanes, p.iters, p.rows_per_thread) == (16, 1, 1)
    # long rows (more than MAX_LOADS loads a lane), or too few to fill the GPU: a block per row
    assert row_plan(262144, 4 * 32 * (MAX_LOADS + 1), 4, 16, H100) is None
    assert row_plan(16, 4096, 4, 16, H100) is None


def test_long_rows_stay_block_reduce():
    (k,) = parse_kernels("""kernel s(x: f32[4, 8192]) -> (out: f32[4]) {
        r = range(4); j = range(8192, reduce)
        out[r] = sum(x[r, j], j) }""")
    opt = optimize(k, library(), "cuda")
    assert "block-reduce" in [l.strategy for l in opt.program.launches]


def test_webgpu_keeps_its_strategies():
    (k,) = parse_kernels(KERNELS["gemv_u8i8"])
    opt = optimize(k, library(), "webgpu")
    assert "warp-rows" not in [l.strategy for l in opt.program.launches]
