"""The Hexagon bench harness: rows carry both compilers' real counts, errors stay in their
cell, the speedup is the ratio of the measured packets, the bound hook is filled in."""
from __future__ import annotations

from pathlib import Path

from rewriter.bench_hexagon import bench_hexagon, render_markdown
from rewriter.dsl.rule import load_library

ROOT = Path(__file__).resolve().parent.parent

# add_sat_u8 by hand: 64 vectors, one per iteration of a 4-packet loop body.
ADD_SAT_ASM = """
	.globl add_sat_u8
add_sat_u8:
	{ loop0(1f, #64) }
1:
	{ v0 = vmem(r0++#1) }
	{ v1 = vmem(r1++#1) }
	{ v2.ub = vadd(v0.ub, v1.ub):sat }
	{ vmem(r2++#1) = v2 }:endloop0
	{ jumpr r31 }
"""


def test_bench_rows_with_ours_and_a_bound():
    lib = load_library([ROOT / "rules"])
    paths = [ROOT / "examples/add_sat_u8.ir", ROOT / "examples/sum3_i16.ir"]
    ours = {"add_sat_u8": ADD_SAT_ASM, "sum3_i16": "\t.globl sum3_i16\nsum3_i16:\n\t{ v0 = vbogus }\n"}
    rows = bench_hexagon(paths, lib, ours=lambda k: ours[k.name], lower_bound=lambda k: 3 * 64 + 2)
    add, s3 = rows
    assert add.llvm.correct and add.ours.correct
    assert add.ours.counts.packets == 1 + 4 * 64 + 1
    assert add.speedup == add.llvm.counts.packets / add.ours.counts.packets
    assert s3.llvm.correct and not s3.ours.correct and "llvm-mc rejected" in s3.ours.error
    assert s3.speedup is None and s3.lower_bound == 194
    table = render_markdown(rows)
    assert "| add_sat_u8 | yes |" in table and f"{add.speedup:.2f}x" in table
    assert "error: llvm-mc rejected" in table and "lower bound" in table
    # Without a code generator or a bound, only the LLVM columns.
    llvm_only = render_markdown(bench_hexagon(paths[:1], lib))
    assert "our packets" not in llvm_only and "lower bound" not in llvm_only
    assert f"| add_sat_u8 | yes | {add.llvm.counts.packets} |" in llvm_only


def test_cli_bench_hexagon_reports_ours_llvm_bound_and_saturation(tmp_path, capsys):
    from rewriter.backends.hexagon import compile_hexagon
    from rewriter.backends.hexagon.schedule import resource_bound
    from rewriter.cli import main
    from rewriter.kernel.parser import load_kernel

    out = tmp_path / "hex.md"
    assert main(["bench", "--target", "hexagon", "--scheduler", "list", "examples/dot_i8.ir", "--out", str(out)]) == 0
    text = out.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| dot_i8 "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "yes" and cells[5] == "yes"  # LLVM and ours both match the reference
    ours, llvm = int(cells[6]), int(cells[2])
    assert ours < llvm  # vrmpy beats LLVM's widening multiplies on a dot product
    bound = resource_bound(compile_hexagon(load_kernel("examples/dot_i8.ir"), load_library(["rules"])).machine)
    assert int(cells[8]) == bound <= ours
    assert cells[9] == f"{ours / bound:.2f}x" and cells[10].endswith("%")


def test_bench_says_who_made_the_code_and_how_long_it_took(tmp_path):
    """`code made by`: our selection, or LLVM's code as the fallback (with our selection's
    reason); a fallback's "ours" packets are LLVM's own. (The fallback: a gathered index,
    which no selection of ours covers; relu_f32 was one until the scalar core took floats.)"""
    from rewriter.bench_hexagon import bench_ours_vs_llvm

    lib = load_library([ROOT / "rules"])
    gather = tmp_path / "gather_u8.ir"
    gather.write_text("kernel gather_u8(x: u8[70]) -> (out: u8[64]) {\n  i = range(64)\n"
                      "  out[i] = x[i * i % 70]\n}\n")
    rows = bench_ours_vs_llvm([ROOT / "examples/add_sat_u8.ir", gather], lib, scheduler="list")
    add, relu = rows
    assert add.made_by == "ours" and add.ours.correct and add.compile_s is not None
    assert relu.made_by.startswith("fallback: LLVM -O3 (our selection: HexagonUnsupported")
    assert relu.ours.correct and relu.ours.counts.packets == relu.llvm.counts.packets and relu.lower_bound is None
    table = render_markdown(rows)
    assert "| code made by |" in table and "| ours |" in table
    assert "our selection made code for 1 of 2 kernels" in table and "LLVM -O3 is the fallback for 1" in table
