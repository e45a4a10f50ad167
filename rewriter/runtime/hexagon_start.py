"""The freestanding image around a Hexagon kernel: data layout and the `_start` routine.

No libc: the program QEMU runs is one `_start` (written here), the kernel's object, and one
data section holding every buffer. `_start` sets up its own stack, passes one pointer per
buffer (in `kernel.buffers` order, as `rewriter/backends/llvm_emit.py` declares the
function), reads QEMU's execution counters, calls the kernel, reads them again, stores the
raw counter values into the image's header and writes header + output buffers to stdout
with the Linux `write` syscall, then exits.

Layout of the data section (`hexagon_data` symbol, 128-byte aligned)::

    [header: 128 bytes, raw counter words][outputs...][inputs...][temporaries...]

Every buffer starts 128-byte aligned and is zero-padded to a multiple of 128 bytes plus one
spare 128-byte vector, so a full-vector load or store at the end of a buffer stays inside
the image. Outputs come first so that one contiguous `write` carries the header and every
output; inputs and temporaries never leave the guest.

Counters (QEMU 7.2, `target/hexagon/hex_regs.h` and `translate.c`): QEMU keeps running
counts in otherwise-reserved user control registers, c20 = `HEX_REG_QEMU_PKT_CNT`
(packets committed), c21 = `HEX_REG_QEMU_INSN_CNT` (instructions, not counting nops,
endloop markers or constant extenders) and c22 = `HEX_REG_QEMU_HVX_CNT` (HVX
instructions). Reading one mid-block adds the packets of the current translation block
that precede the reading packet, so the value is exact at every packet boundary.
llvm-mc 14 does not name c20..c23, so the reads are raw words of the transfer
"Rdd = Css" (control register pair to general register pair, `A4_tfrcpp` in LLVM's
`HexagonDepInstrInfo.td`)::

    0110 1000 000s ssss PP00 0000 000d dddd     s = Css (even), d = Rdd (even), PP = 11
                                                (last instruction of its packet)

checked against llvm-mc's own encoding of the nameable `r1:0 = c19:18` = 0x6812c000.

Measured sequence (each line one packet; r28 = hexagon_data, set before)::

    r19:18 = c23:22                       hvx before
    r17:16 = c21:20                       packets / insns before        <- counted
    memd(r28+#0) = r17:16; memw(r28+#8) = r18                           <- counted
    call kernel                                                         <- counted
    ... kernel, up to and including its return packet ...
    r21:20 = c21:20                       packets / insns after
    r23:22 = c23:22                       hvx after

The "before" values go to memory before the call, so a kernel that breaks the ABI by
clobbering callee-saved registers cannot corrupt them. The packet and instruction deltas
include the first counter read, the store packet and the call (CALL_OVERHEAD_* below);
subtracting them leaves exactly the packets the kernel executes, its `jumpr r31` included.
The HVX delta has no overhead (no HVX instruction outside the kernel lies between the reads).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rewriter.backends.hexagon.abi import padded, storage_bytes, storage_numpy
from rewriter.kernel.kernel import Buffer, Kernel
from rewriter.kernel.reference import numpy_dtype

HEADER_BYTES = 128
STACK_BYTES = 1 << 20

#: Packets and instructions between the two counter reads that are not the kernel's: the
#: packet of the first `c21:20` read, the packet storing the "before" values (two stores)
#: and the `call` packet.
CALL_OVERHEAD_PACKETS = 3
CALL_OVERHEAD_INSNS = 4

#: Header word index of each raw counter value `_start` stores (32-bit little-endian words).
HEADER_WORDS = ("pkt0", "insn0", "hvx0", "pkt1", "insn1", "hvx1")

#: Linux syscall numbers of the Hexagon ABI (asm-generic table); number in r6, `trap0(#1)`.
SYS_WRITE = 64
SYS_EXIT_GROUP = 94

#: Arguments the Hexagon ABI passes in registers (r0..r5); the rest go on the stack.
REGISTER_ARGS = 6


def tfrcpp_word(dst_pair: int, ctl_pair: int) -> int:
    """Instruction word of `r(d+1):d = c(s+1):s` as a one-instruction packet."""
    if dst_pair % 2 or ctl_pair % 2 or not (0 <= dst_pair < 32 and 0 <= ctl_pair < 32):
        raise ValueError("register pairs are named by their even register, 0..30")
    return 0x68000000 | (ctl_pair << 16) | (0b11 << 14) | dst_pair


@dataclass(frozen=True)
class Slot:
    buffer: Buffer
    offset: int  # from the start of the data section
    nbytes: int  # the buffer's own bytes (the padding follows)


@dataclass(frozen=True)
class ImageLayout:
    """Where each buffer lives in the data section, and how much `_start` writes out."""

    slots: dict[str, Slot]
    total_bytes: int
    written_bytes: int  # header + outputs, the prefix `_start` writes to stdout

    @classmethod
    def of(cls, kernel: Kernel) -> "ImageLayout":
        order = kernel.outputs + kernel.inputs + kernel.temps
        slots, off = {}, HEADER_BYTES
        written = HEADER_BYTES
        for b in order:
            n = b.size * storage_bytes(b)
            slots[b.name] = Slot(b, off, n)
            off += padded(n)
            if b.role == "output":
                written = off
        return cls(slots, off, written)

    def data_image(self, kernel: Kernel, inputs: dict[str, np.ndarray]) -> bytes:
        """The initial data section: inputs in place, everything else zero."""
        image = bytearray(self.total_bytes)
        for b in kernel.inputs:
            s = self.slots[b.name]
            raw = np.ascontiguousarray(np.asarray(inputs[b.name]).astype(storage_numpy(b), copy=False))
            image[s.offset:s.offset + s.nbytes] = raw.astype(raw.dtype.newbyteorder("<"), copy=False).tobytes()
        return bytes(image)

    def read_outputs(self, kernel: Kernel, written: bytes) -> dict[str, np.ndarray]:
        out = {}
        for b in kernel.outputs:
            s = self.slots[b.name]
            st = np.dtype(storage_numpy(b)).newbyteorder("<")
            arr = np.frombuffer(written, dtype=st, count=b.size, offset=s.offset).reshape(b.shape)
            out[b.name] = (arr != 0) if b.dtype.is_bool else arr.astype(numpy_dtype(b.dtype)).copy()
        return out

    def read_header(self, written: bytes) -> dict[str, int]:
        words = np.frombuffer(written, dtype="<u4", count=len(HEADER_WORDS), offset=0)
        return {name: int(w) for name, w in zip(HEADER_WORDS, words)}


def start_asm(kernel: Kernel, layout: ImageLayout, symbol: str, data_file: str) -> str:
    """Assembly of `_start` and the data/stack sections for one kernel and layout."""
    bufs = kernel.buffers
    stack_args = max(0, len(bufs) - REGISTER_ARGS)
    # The outgoing argument area sits at the stack pointer at the call; keep sp 8-aligned.
    arg_area = -(-stack_args * 4 // 8) * 8
    lines = [
        "\t.text",
        "\t.globl _start",
        "\t.type _start, @function",
        "\t.p2align 4",
        "_start:",
        "\t{ r29 = ##hexagon_stack_top; r30 = #0 }",
        "\t{ r31 = #0 }",
    ]
    if arg_area:
        lines.append(f"\t{{ r29 = add(r29, #-{arg_area}) }}")
    for i, b in enumerate(bufs[REGISTER_ARGS:]):
        lines.append(f"\t{{ r7 = ##hexagon_data+{layout.slots[b.name].offset} }}")
        lines.append(f"\t{{ memw(r29+#{4 * i}) = r7 }}")
    for i, b in enumerate(bufs[:REGISTER_ARGS]):
        lines.append(f"\t{{ r{i} = ##hexagon_data+{layout.slots[b.name].offset} }}")
    lines += [
        "\t{ r28 = ##hexagon_data }",
        f"\t.word {tfrcpp_word(18, 22):#010x}  // r19:18 = c23:22 (hvx count before)",
        f"\t.word {tfrcpp_word(16, 20):#010x}  // r17:16 = c21:20 (packet, insn counts before)",
        "\t{ memd(r28+#0) = r17:16; memw(r28+#8) = r18 }",
        f"\t{{ call {symbol} }}",
        f"\t.word {tfrcpp_word(20, 20):#010x}  // r21:20 = c21:20 (packet, insn counts after)",
        f"\t.word {tfrcpp_word(22, 22):#010x}  // r23:22 = c23:22 (hvx count after)",
        "\t{ r0 = ##hexagon_data }",
        "\t{ memw(r0+#12) = r20; memw(r0+#16) = r21 }",
        "\t{ memw(r0+#20) = r22 }",
    ]
    lines += [
        # write(1, hexagon_data, written_bytes); a short write exits with status 3.
        f"\t{{ r1 = r0; r0 = #1; r2 = ##{layout.written_bytes} }}",
        f"\t{{ r6 = #{SYS_WRITE}; r24 = ##{layout.written_bytes} }}",
        "\t{ trap0(#1) }",
        "\t{ p0 = cmp.eq(r0, r24) }",
        "\t{ r0 = mux(p0, #0, #3) }",
        f"\t{{ r6 = #{SYS_EXIT_GROUP} }}",
        "\t{ trap0(#1) }",
        "\t.size _start, .-_start",
        "",
        "\t.data",
        "\t.p2align 7",
        "\t.globl hexagon_data",
        "hexagon_data:",
        f'\t.incbin "{data_file}"',
        "",
        "\t.bss",
        "\t.p2align 7",
        "hexagon_stack:",
        f"\t.space {STACK_BYTES}",
        "hexagon_stack_top:",
        "",
    ]
    return "\n".join(lines)
