"""The Hexagon runtime: assemble / link a kernel with a freestanding `_start`, run it on QEMU
user mode, and read back its outputs and exact execution counts.

Target: Hexagon v66 with HVX in 128-byte mode. Tools (Debian bookworm packages, installed by
`scripts/setup.sh`):

  llvm-mc               `llvm`              assembles (`-triple=hexagon -mcpu=hexagonv66
                                            -mattr=+hvxv66,+hvx-length128b -filetype=obj`)
  ld.lld                `lld`               links a static image (`ld.lld-14` also accepted)
  qemu-hexagon-static   `qemu-user-static`  runs it (QEMU 7.2)

Counts are exact, not sampled: QEMU's Hexagon target keeps running packet, instruction and
HVX-instruction counts in reserved user control registers c20, c21, c22, which `_start`
reads right before and right after the call (see `rewriter/runtime/hexagon_start.py` for
the sources, the instruction encoding and the overhead that is subtracted). `packets` is
therefore the number of packets the kernel function executes, from its first packet to its
return packet inclusive -- the figure a VLIW schedule is judged by.

`code` handed to `run_on_qemu` is either assembly text of the kernel function (our code
generator) or an ELF relocatable object (LLVM's). Every buffer is passed as a pointer in
`kernel.buffers` order, the signature `rewriter/backends/llvm_emit.py` emits.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewriter.backends.elf import elf_symbols, is_elf
from rewriter.errors import RewriterError, ToolchainError
from rewriter.kernel.kernel import Kernel
from rewriter.kernel.reference import check_inputs
from rewriter.runtime.hexagon_start import CALL_OVERHEAD_INSNS, CALL_OVERHEAD_PACKETS, ImageLayout, start_asm

TRIPLE = "hexagon"
CPU = "hexagonv66"
FEATURES = "+hvxv66,+hvx-length128b"

#: role -> (executable names tried in order, Debian package that provides them).
TOOLS = {
    "llvm_mc": (("llvm-mc", "llvm-mc-14"), "llvm"),
    "ld_lld": (("ld.lld", "ld.lld-14"), "lld"),
    "qemu": (("qemu-hexagon-static", "qemu-hexagon"), "qemu-user-static"),
}

#: How many lines of a failing tool's message an error carries.
MESSAGE_LINES = 12
#: A kernel that runs longer than this on QEMU is taken to be stuck.
DEFAULT_TIMEOUT_S = 120.0


class HexagonRunError(RewriterError):
    """The linked program failed on QEMU (a guest fault, a hang, or garbled output)."""

    exit_code = 1


@dataclass(frozen=True)
class HexagonCounts:
    """Deltas measured around the kernel call only (see the module docstring). QEMU's
    counters are 32-bit: a kernel of more than 2**32 packets would wrap."""

    packets: int
    insns: int
    hvx_insns: int


@dataclass
class HexagonRun:
    outputs: dict[str, np.ndarray]
    counts: HexagonCounts
    wall_s: float  # host seconds QEMU ran (the whole program, not a Hexagon timing)


@dataclass(frozen=True)
class HexagonToolchain:
    llvm_mc: str
    ld_lld: str
    qemu: str

    def versions(self) -> dict[str, str]:
        """First line of each tool's `--version` (for benchmark reports)."""
        out = {}
        for role in TOOLS:
            exe = getattr(self, role)
            text = _run([exe, "--version"], what=exe).stdout.decode(errors="replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            out[role] = next((ln for ln in lines if "version" in ln.lower()), lines[0] if lines else "?")
        return out


def find_toolchain(path: str | None = None) -> HexagonToolchain:
    """Locate the three tools on `path` (the process PATH when None).

    Raises `ToolchainError` naming the Debian package of the first missing tool."""
    found = {}
    for role, (names, package) in TOOLS.items():
        exe = next((hit for n in names if (hit := shutil.which(n, path=path))), None)
        if exe is None:
            raise ToolchainError(f"{names[0]} not found: install the Debian package '{package}' "
                                 f"(apt-get install {package}; scripts/setup.sh does this)")
        found[role] = exe
    return HexagonToolchain(**found)


def _run(cmd: list[str], *, what: str, cwd: str | None = None, timeout: float | None = 60.0, stdout=None):
    try:
        return subprocess.run(cmd, cwd=cwd, stdout=stdout if stdout is not None else subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, check=False)
    except FileNotFoundError:
        raise ToolchainError(f"{what}: cannot execute {cmd[0]}") from None
    except subprocess.TimeoutExpired:
        raise HexagonRunError(f"{what} did not finish within {timeout:g} s") from None


def _first_lines(text: bytes, n: int = MESSAGE_LINES) -> str:
    lines = text.decode(errors="replace").strip().splitlines()
    more = f"\n... ({len(lines) - n} more lines)" if len(lines) > n else ""
    return "\n".join(lines[:n]) + more


def _assemble_file(src: Path, obj: Path, tc: HexagonToolchain, what: str) -> None:
    # Relative names in the temp dir: messages read `kernel.s:3:2: error: ...`.
    r = _run([tc.llvm_mc, f"-triple={TRIPLE}", f"-mcpu={CPU}", f"-mattr={FEATURES}", "-filetype=obj",
              src.name, "-o", str(obj)], what="llvm-mc", cwd=str(src.parent))
    if r.returncode != 0:
        raise ToolchainError(f"llvm-mc rejected {what}:\n{_first_lines(r.stderr)}")


def assemble(asm: str, *, toolchain: HexagonToolchain | None = None) -> bytes:
    """Hexagon v66 + HVX-128B assembly text -> ELF relocatable object bytes."""
    tc = toolchain or find_toolchain()
    with tempfile.TemporaryDirectory(prefix="rewriter-hexagon-") as d:
        src, obj = Path(d) / "kernel.s", Path(d) / "kernel.o"
        src.write_text(asm)
        _assemble_file(src, obj, tc, "the kernel assembly")
        return obj.read_bytes()


def run_on_qemu(kernel: Kernel, code: str | bytes, inputs: dict[str, np.ndarray], *, symbol: str | None = None,
                toolchain: HexagonToolchain | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> HexagonRun:
    """Link `code` (assembly text or an ELF object defining `symbol`, default `kernel.name`)
    with a generated `_start`, run it on QEMU and return outputs and exact counts."""
    tc = toolchain or find_toolchain()
    check_inputs(kernel, inputs)
    if isinstance(code, (bytes, bytearray)) and not is_elf(code):
        raise RewriterError("kernel code given as bytes is not an ELF object")
    layout = ImageLayout.of(kernel)
    with tempfile.TemporaryDirectory(prefix="rewriter-hexagon-") as d:
        elf = _link(Path(d), kernel, code, inputs, layout, symbol or kernel.name, tc)
        out_path = Path(d) / "out.bin"
        with open(out_path, "wb") as out_f:
            t0 = time.perf_counter()
            # cwd is the temp dir, so a core file from a faulting guest is cleaned up with it.
            r = _run([tc.qemu, str(elf)], what="qemu-hexagon", cwd=d, timeout=timeout_s, stdout=out_f)
            wall = time.perf_counter() - t0
        if r.returncode != 0:
            raise HexagonRunError(f"the kernel failed on QEMU (exit status {r.returncode}):\n"
                                  f"{_first_lines(r.stderr) or '(no message)'}")
        written = out_path.read_bytes()
    if len(written) != layout.written_bytes:
        raise HexagonRunError(f"the program wrote {len(written)} bytes, expected {layout.written_bytes}")
    return HexagonRun(layout.read_outputs(kernel, written), _counts(layout.read_header(written)), wall)


def _link(work: Path, kernel: Kernel, code: str | bytes, inputs, layout: ImageLayout, symbol: str,
          tc: HexagonToolchain) -> Path:
    """The kernel object (assembled if `code` is text), checked for its symbol and for
    library calls the image cannot satisfy, linked with `_start` and the data; the ELF path."""
    kobj = work / "kernel.o"
    if is_elf(code):
        kobj.write_bytes(bytes(code))
    else:
        (work / "kernel.s").write_text(code)
        _assemble_file(work / "kernel.s", kobj, tc, "the kernel assembly")
    symbols = elf_symbols(kobj.read_bytes())
    if not any(s.name == symbol and s.defined and s.is_global for s in symbols):
        raise ToolchainError(f"the kernel code does not define a global symbol '{symbol}' "
                             f"(assembly needs `.globl {symbol}` and the label)")
    missing = sorted({s.name for s in symbols if not s.defined})
    if missing:
        raise ToolchainError(f"the kernel object calls {', '.join(missing)}: the freestanding Hexagon image "
                             f"has no libc, libm or compiler-rt to provide them")
    (work / "data.bin").write_bytes(layout.data_image(kernel, inputs))
    (work / "start.s").write_text(start_asm(kernel, layout, symbol, "data.bin"))
    _assemble_file(work / "start.s", work / "start.o", tc, "the generated _start (internal error)")
    elf = work / "kernel.elf"
    r = _run([tc.ld_lld, "-static", "-e", "_start", "-o", str(elf), str(work / "start.o"), str(kobj)],
             what="ld.lld", cwd=str(work))
    if r.returncode != 0:
        raise ToolchainError(f"ld.lld could not link the kernel:\n{_first_lines(r.stderr)}")
    return elf


def _counts(h: dict[str, int]) -> HexagonCounts:
    """Counter deltas (mod 2**32) less the reading packet and the call (hexagon_start.py)."""
    def delta(name: str) -> int:
        return (h[name + "1"] - h[name + "0"]) & 0xFFFFFFFF

    if delta("pkt") < CALL_OVERHEAD_PACKETS + 1:
        # A QEMU without the counters reads the reserved registers as zero.
        raise HexagonRunError("this QEMU does not count packets (c20..c22 read as zero); QEMU 7.2's "
                              "qemu-hexagon does (Debian bookworm's qemu-user-static)")
    return HexagonCounts(packets=delta("pkt") - CALL_OVERHEAD_PACKETS, insns=delta("insn") - CALL_OVERHEAD_INSNS,
                         hvx_insns=delta("hvx"))
