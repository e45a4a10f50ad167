"""The Hexagon runtime on QEMU: hand-written kernels run, give numpy's answers, and the packet
counters count exactly the packets the code must execute."""
from __future__ import annotations

import os

import numpy as np
import pytest

from rewriter.errors import ToolchainError
from rewriter.kernel.parser import parse_kernels
from rewriter.runtime.hexagon import HexagonRunError, assemble, find_toolchain, run_on_qemu
from rewriter.runtime.hexagon_start import tfrcpp_word

VADD_ASM = """
	.text
	.globl {name}
	.p2align 4
{name}:
	{{ loop0(1f, #{trips}) }}
1:
	{{ v0 = vmem(r0++#1) }}
	{{ v1 = vmem(r1++#1) }}
	{{ v2.ub = vadd(v0.ub, v1.ub):sat }}
	{{ vmem(r2++#1) = v2 }}:endloop0
	{{ jumpr r31 }}
"""
VADD_BODY_PACKETS = 4  # packets in one loop iteration above, each holding one instruction


def vadd_kernel(vectors: int):
    n = 128 * vectors
    return parse_kernels(f"""kernel vadd_{vectors}(a: u8[{n}], b: u8[{n}]) -> (out: u8[{n}]) {{
      i = range({n})
      out[i] = sat_add(a[i], b[i])
    }}""")[0]


@pytest.mark.parametrize("vectors", [2, 5])
def test_hvx_vadd_loop_runs_and_counts_exactly(vectors):
    k = vadd_kernel(vectors)
    rng = np.random.default_rng(vectors)
    a = rng.integers(0, 256, 128 * vectors, dtype=np.uint8)
    b = rng.integers(0, 256, 128 * vectors, dtype=np.uint8)
    run = run_on_qemu(k, VADD_ASM.format(name=k.name, trips=vectors), {"a": a, "b": b})
    np.testing.assert_array_equal(run.outputs["out"], np.minimum(a.astype(np.int32) + b, 255).astype(np.uint8))
    # The loop0 set-up packet, `vectors` iterations of the body, the return packet.
    assert run.counts.packets == 1 + VADD_BODY_PACKETS * vectors + 1
    # One instruction per packet (the assembler's padding nop and the endloop marker are not counted).
    assert run.counts.insns == run.counts.packets
    # vmem, vmem, vadd, vmem per iteration.
    assert run.counts.hvx_insns == 4 * vectors
    assert run.wall_s > 0


def test_many_buffers_pass_the_rest_on_the_stack():
    """Eight buffers: six in r0..r5, the seventh and eighth at sp+0 and sp+4 (Hexagon ABI)."""
    names = "abcdefg"
    k = parse_kernels("kernel sum7(" + ", ".join(f"{n}: i32[1]" for n in names) + ") -> (out: i32[1]) {\n"
                      "  i = range(1)\n  out[i] = " + " + ".join(f"{n}[i]" for n in names) + "\n}")[0]
    asm = """
	.globl sum7
sum7:
	{ r6 = memw(r29+#0); r7 = memw(r29+#4) }
	{ r0 = memw(r0+#0); r1 = memw(r1+#0) }
	{ r2 = memw(r2+#0); r3 = memw(r3+#0) }
	{ r4 = memw(r4+#0); r5 = memw(r5+#0) }
	{ r6 = memw(r6+#0); r0 = add(r0, r1) }
	{ r2 = add(r2, r3); r4 = add(r4, r5) }
	{ r0 = add(r0, r2); r4 = add(r4, r6) }
	{ r0 = add(r0, r4) }
	{ memw(r7+#0) = r0; jumpr r31 }
"""
    vals = [3, -40, 500, 7, 1 << 20, -9, 11]
    run = run_on_qemu(k, asm, {n: np.array([v], dtype=np.int32) for n, v in zip(names, vals)})
    assert int(run.outputs["out"][0]) == sum(vals)
    assert run.counts.packets == 9
    assert run.counts.insns == 2 * 8 + 1  # every instruction of a multi-instruction packet
    assert run.counts.hvx_insns == 0


@pytest.mark.parametrize("trips", [1, 7, 300])
def test_single_packet_hardware_loop_counts_every_trip(trips):
    """A one-packet loop body is QEMU's 'tight loop' path (the block chains to itself)."""
    k = parse_kernels("kernel count(a: i32[1]) -> (out: i32[1]) {\n  i = range(1)\n  out[i] = a[i]\n}")[0]
    asm = f"""
	.globl count
count:
	{{ r3 = #0; r4 = #0; loop0(1f, #{trips}) }}
1:
	{{ r3 = add(r3, #1); r4 = add(r4, #2) }}:endloop0
	{{ r3 = add(r3, r4) }}
	{{ memw(r1+#0) = r3; jumpr r31 }}
"""
    run = run_on_qemu(k, asm, {"a": np.zeros(1, np.int32)})
    assert int(run.outputs["out"][0]) == 3 * trips
    assert run.counts.packets == 1 + trips + 2
    assert run.counts.insns == 3 + 2 * trips + 1 + 2


def test_return_only_kernel_is_one_packet():
    k = vadd_kernel(1)
    run = run_on_qemu(k, f"\t.globl {k.name}\n{k.name}:\n\t{{ jumpr r31 }}\n",
                      {"a": np.zeros(128, np.uint8), "b": np.zeros(128, np.uint8)})
    assert (run.counts.packets, run.counts.insns, run.counts.hvx_insns) == (1, 1, 0)
    np.testing.assert_array_equal(run.outputs["out"], np.zeros(128, np.uint8))


def test_elf_object_input_and_symbol_override():
    k = vadd_kernel(2)
    obj = assemble(VADD_ASM.format(name="other_name", trips=2))
    assert obj[:4] == b"\x7fELF"
    a = np.arange(256, dtype=np.uint16).astype(np.uint8)
    run = run_on_qemu(k, obj, {"a": a, "b": a}, symbol="other_name")
    np.testing.assert_array_equal(run.outputs["out"], np.minimum(2 * a.astype(np.int32), 255).astype(np.uint8))


def test_counter_read_encoding_matches_llvm_mc():
    """c19:18 is the highest pair llvm-mc can name; its encoding fixes the field positions."""
    obj = assemble("\t{ r1:0 = c19:18 }\n\t{ r5:4 = c19:18 }\n")
    text_words = {int.from_bytes(obj[i:i + 4], "little") for i in range(0, len(obj) - 3, 4)}
    assert tfrcpp_word(0, 18) in text_words and tfrcpp_word(4, 18) in text_words


def test_assembly_error_is_a_toolchain_error_with_llvm_mc_message():
    k = vadd_kernel(1)
    with pytest.raises(ToolchainError, match="llvm-mc rejected") as e:
        run_on_qemu(k, f"\t.globl {k.name}\n{k.name}:\n\t{{ v0.ub = vbogus(v1.ub) }}\n",
                    {"a": np.zeros(128, np.uint8), "b": np.zeros(128, np.uint8)})
    assert "error" in str(e.value) and "vbogus" in str(e.value)


def test_guest_fault_is_a_run_error():
    k = vadd_kernel(1)
    with pytest.raises(HexagonRunError, match="failed on QEMU"):
        run_on_qemu(k, f"\t.globl {k.name}\n{k.name}:\n\t{{ r0 = #0 }}\n\t{{ r1 = memw(r0+#0) }}\n"
                       "\t{ jumpr r31 }\n", {"a": np.zeros(128, np.uint8), "b": np.zeros(128, np.uint8)})


def test_missing_tools_name_their_debian_package(tmp_path):
    with pytest.raises(ToolchainError, match="'llvm'"):
        find_toolchain(path="")
    # Only the assembler and linker present: QEMU's package is named.
    tc = find_toolchain()
    for exe in (tc.llvm_mc, tc.ld_lld):
        os.symlink(exe, tmp_path / os.path.basename(exe))
    with pytest.raises(ToolchainError, match="'qemu-user-static'"):
        find_toolchain(path=str(tmp_path))


def test_kernel_that_does_not_define_its_symbol_is_named():
    k = vadd_kernel(1)
    zeros = {"a": np.zeros(128, np.uint8), "b": np.zeros(128, np.uint8)}
    with pytest.raises(ToolchainError, match=f"global symbol '{k.name}'"):
        run_on_qemu(k, f"{k.name}:\n\t{{ jumpr r31 }}\n", zeros)  # no .globl
    with pytest.raises(ToolchainError, match="calls helper_routine"):
        run_on_qemu(k, f"\t.globl {k.name}\n{k.name}:\n\t{{ call helper_routine }}\n\t{{ jumpr r31 }}\n", zeros)


def test_counts_survive_a_kernel_that_clobbers_callee_saved_registers():
    """A code generator bug that breaks the ABI must not garble the measurement."""
    k = vadd_kernel(1)
    asm = (f"\t.globl {k.name}\n{k.name}:\n\t{{ r16 = #-1; r17 = #-1 }}\n\t{{ r18 = #-1; r19 = #-1 }}\n"
           "\t{ jumpr r31 }\n")
    run = run_on_qemu(k, asm, {"a": np.zeros(128, np.uint8), "b": np.zeros(128, np.uint8)})
    assert (run.counts.packets, run.counts.insns, run.counts.hvx_insns) == (3, 5, 0)
