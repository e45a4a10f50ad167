"""Differential test of the Hexagon machine model: every ISA row with a meaning
(`rewriter/backends/hexagon/lanesem.py`) executed on QEMU against that meaning.

One program runs every case: per case, the operands are loaded from the case's block of the
data image (`vmem`), the one instruction runs, its results are stored back (both halves of a
pair; a vector predicate result as `vand(Q, #0x01010101)`: byte i is 1 where bit i is set),
and `_start` writes the whole image to stdout. A case block (`BLOCK` bytes) holds vector
register vK's input at vector slot K (K < 8, the def registers' inputs for `+=` rows at
slots 10 and 11), the scalar operand at slot 8 and the results at slots 12 and 13.
A predicate operand is built from slot 7's 0/1 bytes with `Q = vand(V, R)` (V6_vandvrt).
One QEMU process for all rows: a process costs ~50-100 ms, a case a few packets.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewriter.backends.hexagon.isa import INSNS, InsnDesc
from rewriter.backends.hexagon.lanesem import has_meaning, row_meaning
from rewriter.runtime.hexagon import HexagonRunError, _assemble_file, _run, find_toolchain
from rewriter.runtime.hexagon_start import STACK_BYTES, SYS_EXIT_GROUP, SYS_WRITE

BLOCK = 16 * 128
_DEF_REGS = (10, 11)  # a def (pair) is v11:10
_Q_SLOT = 7
_ONES = 0x01010101
#: The lane value edges per lane type: 0, -1, MIN, MAX (and 1), as unsigned bit patterns.
_EDGES = {1: (0, 1, 0xFF, 0x80, 0x7F), 2: (0, 1, 0xFFFF, 0x8000, 0x7FFF),
          4: (0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF)}
_WIDTH = {"b": 1, "ub": 1, "h": 2, "uh": 2, "w": 4, "uw": 4}
#: Immediate values a row's `#imm` field accepts (assembler ranges), by row name pattern.
#: Scalar operand values a row is tested with where it restricts them (vshuff/vdeal take a
#: unit of -t bytes, a power of two: the general Rt form is a butterfly network).
SCALAR_CHOICES = {"vshuffvdd": tuple(-(1 << k) for k in range(7)), "vdealvdd": tuple(-(1 << k) for k in range(7))}
IMM_RANGES = {"valigni": ("imm", 0, 7), "vlaligni": ("imm", 0, 7), "vrmpybusi": ("imm", 0, 1),
              "vrmpybusi_acc": ("imm", 0, 1)}


@dataclass
class Case:
    row: InsnDesc
    operands: dict  # use name -> bytes
    imms: dict


def testable_rows() -> list[InsnDesc]:
    return [r for r in INSNS.values() if has_meaning(r) and r.is_hvx]


def _widths(row: InsnDesc) -> dict[str, int]:
    """Lane width of each operand as its assembly field is suffixed (`{u}.h`), bytes by default."""
    return {m.group(1): _WIDTH[m.group(2)] for m in re.finditer(r"\{(\w+)\}\.(ub|b|uh|h|uw|w)\b", row.asm)}


def _vector(rng, width: int, edges: bool) -> np.ndarray:
    if not edges:
        return rng.integers(0, 256, 128, dtype=np.uint8)
    lanes = rng.choice(np.asarray(_EDGES[width], dtype=np.uint64), 128 // width)
    return np.frombuffer(lanes.astype(f"<u{width}").tobytes(), dtype=np.uint8).copy()


def _bounded_vector(rng, row: InsnDesc, name: str, width: int, edges: bool) -> np.ndarray | None:
    """Lanes of vector operand `name` below the bound the row's note gives it (`v < 16`: a
    vector of shift amounts, whose lanes out of range the meaning leaves poison), half of
    them the bound's edges (0, 1, bound - 1); None where the note bounds no such operand."""
    m = re.search(rf"\b{name} < (\d+)", row.note)
    if not m:
        return None
    n = int(m.group(1))
    lanes = rng.choice(np.asarray([0, 1, n - 1]), 128 // width) if edges else rng.integers(0, n, 128 // width)
    return np.frombuffer(lanes.astype(f"<u{width}").tobytes(), dtype=np.uint8).copy()


def _scalar(rng, row: InsnDesc, edges: bool) -> int:
    if row.name in SCALAR_CHOICES:
        return int(rng.choice(SCALAR_CHOICES[row.name])) & 0xFFFFFFFF
    m = re.search(r"\bt < (\d+)", row.note)
    if m:  # a shift amount: the row's note bounds it
        return int(rng.integers(0, int(m.group(1))))
    if "splat" in row.note:
        return int(rng.integers(0, 256)) * _ONES
    if edges:
        return int(rng.choice([0, 0xFFFFFFFF, 0x80808080, 0x7F7F7F7F, 0x01010101]))
    return int(rng.integers(0, 1 << 32))


def make_cases(rows, trials: int = 4, seed: int = 0) -> list[Case]:
    """`trials` cases per row: half random bytes, half lanes drawn from the edge values."""
    rng = np.random.default_rng(seed)
    cases = []
    for row in rows:
        widths = _widths(row)
        for k in range(trials):
            edges = k % 2 == 1
            ops = {}
            for name, cls in row.uses:
                pair = next((p for p, lo, hi in row.pairs if name in (lo, hi)), None)
                w = widths.get(name) or widths.get(pair or "", 1)
                if cls == "V":
                    bounded = _bounded_vector(rng, row, name, w, edges)
                    ops[name] = _vector(rng, w, edges) if bounded is None else bounded
                elif cls == "Q":
                    ops[name] = rng.integers(0, 2, 128, dtype=np.uint8)
                else:
                    ops[name] = np.frombuffer(np.uint32(_scalar(rng, row, edges)).tobytes(), np.uint8).copy()
            imms = {}
            for name in row.imms:
                _n, lo, hi = IMM_RANGES[row.name]
                imms[name] = int(rng.integers(lo, hi + 1))
            cases.append(Case(row, ops, imms))
    return cases


def _registers(row: InsnDesc) -> tuple[dict[str, str], dict[str, int]]:
    """Operand name -> register text, and vector operand name -> register number."""
    vreg: dict[str, int] = {}
    text: dict[str, str] = {}
    vdefs = [n for n, c in row.defs if c == "V"]
    for n, r in zip(vdefs, _DEF_REGS):
        vreg[n] = r
    nxt = 0
    for pair, lo, hi in row.pairs:
        if lo in vreg:
            text[pair] = f"v{vreg[hi]}:{vreg[lo]}"
        else:
            nxt += nxt % 2
            vreg[lo], vreg[hi] = nxt, nxt + 1
            text[pair] = f"v{nxt + 1}:{nxt}"
            nxt += 2
    for n, c in row.uses:
        if c == "V" and n not in vreg:
            vreg[n] = nxt
            nxt += 1
        elif c in ("R", "R8"):
            text[n] = "r2"
        elif c == "Q":
            text[n] = "q0"
    for n, c in row.defs:
        if c == "Q":
            text[n] = "q0" if n in text else "q1"  # Qx &= ...: the use's register
    if nxt > _Q_SLOT:
        raise ValueError(f"{row.name}: too many vector operands for the harness")
    text.update({n: f"v{r}" for n, r in vreg.items()})
    return text, vreg


def program(cases: list[Case]) -> tuple[str, bytes]:
    """The assembly of `_start` running every case, and the data image."""
    image = np.zeros(len(cases) * BLOCK, np.uint8)
    lines = ["\t.text", "\t.globl _start", "\t.p2align 4", "_start:",
             "\t{ r29 = ##hvx_isa_stack_top; r30 = #0 }", f"\t{{ r7 = ##{_ONES} }}"]
    for k, c in enumerate(cases):
        row = c.row
        text, vreg = _registers(row)
        base = k * BLOCK
        lines.append(f"\t// case {k}: {row.name}")
        lines.append(f"\t{{ r0 = ##hvx_isa_data+{base} }}")
        lines.append("\t{ r1 = add(r0, #1536) }")
        defs = {n for n, _c in row.defs}
        for n, cls in row.uses:
            data = c.operands[n]
            if cls == "V":
                slot = vreg[n] if n not in defs else 10 + (vreg[n] - _DEF_REGS[0])
                image[base + slot * 128: base + slot * 128 + 128] = data
                if n in defs:
                    lines.append(f"\t{{ r3 = add(r0, #{slot * 128}) }}")
                    lines.append(f"\t{{ v{vreg[n]} = vmem(r3+#0) }}")
                else:
                    lines.append(f"\t{{ v{vreg[n]} = vmem(r0+#{slot}) }}")
            elif cls in ("R", "R8"):
                image[base + 8 * 128: base + 8 * 128 + 4] = data
                lines.append(f"\t{{ r2 = memw(r0+#{8 * 128}) }}")
            elif cls == "Q":
                image[base + _Q_SLOT * 128: base + _Q_SLOT * 128 + 128] = data
                lines.append(f"\t{{ v{_Q_SLOT} = vmem(r0+#{_Q_SLOT}) }}")
                lines.append(f"\t{{ q0 = vand(v{_Q_SLOT}, r7) }}")
        fields = {**text, **{k2: str(v) for k2, v in c.imms.items()}}
        lines.append("\t{ " + row.asm.format(**fields) + " }")
        outs = [n for n, cls in row.defs]
        for j, (n, cls) in enumerate(row.defs):
            if cls == "Q":
                lines.append(f"\t{{ v{_DEF_REGS[j]} = vand({text[n]}, r7) }}")
            lines.append(f"\t{{ vmem(r1+#{j}) = v{_DEF_REGS[j]} }}")
        assert len(outs) <= 2
    lines += [
        f"\t{{ r0 = #1; r1 = ##hvx_isa_data; r2 = ##{len(image)} }}",
        f"\t{{ r6 = #{SYS_WRITE} }}", "\t{ trap0(#1) }",
        f"\t{{ r0 = #0; r6 = #{SYS_EXIT_GROUP} }}", "\t{ trap0(#1) }",
        "\t.data", "\t.p2align 7", "hvx_isa_data:", '\t.incbin "data.bin"',
        "\t.bss", "\t.p2align 7", "hvx_isa_stack:", f"\t.space {STACK_BYTES}", "hvx_isa_stack_top:", ""]
    return "\n".join(lines), image.tobytes()


def run_cases(cases: list[Case], toolchain=None, timeout_s: float = 120.0) -> np.ndarray:
    """Run every case on QEMU; the data image after the run (one BLOCK per case)."""
    tc = toolchain or find_toolchain()
    asm, data = program(cases)
    with tempfile.TemporaryDirectory(prefix="rewriter-hvx-isa-") as d:
        work = Path(d)
        (work / "isa.s").write_text(asm)
        (work / "data.bin").write_bytes(data)
        _assemble_file(work / "isa.s", work / "isa.o", tc, "the ISA test program")
        elf = work / "isa.elf"
        r = _run([tc.ld_lld, "-static", "-e", "_start", "-o", str(elf), str(work / "isa.o")], what="ld.lld", cwd=d)
        if r.returncode != 0:
            raise HexagonRunError(r.stderr.decode(errors="replace"))
        out = work / "out.bin"
        with open(out, "wb") as f:
            r = _run([tc.qemu, str(elf)], what="qemu-hexagon", cwd=d, timeout=timeout_s, stdout=f)
        if r.returncode != 0:
            raise HexagonRunError(f"the ISA program failed on QEMU: {r.stderr.decode(errors='replace')[:2000]}")
        written = np.frombuffer(out.read_bytes(), np.uint8)
    if len(written) != len(data):
        raise HexagonRunError(f"the ISA program wrote {len(written)} bytes, expected {len(data)}")
    return written


@dataclass
class Mismatch:
    row: str
    case: int
    result: str
    byte: int
    got: int
    want: int


#: Result bytes the meaning left uncompared (poison or undefined), by row name: filled by
#: `compare`, so a test can check that no row passes by comparing nothing.
UNCOMPARED: dict[str, int] = {}


def compare(cases: list[Case], written: np.ndarray) -> list[Mismatch]:
    """Every byte where QEMU and the row's meaning differ (bytes the meaning leaves poison are
    not compared; `UNCOMPARED` counts them)."""
    bad = []
    for k, c in enumerate(cases):
        want = row_meaning(c.row, c.operands, c.imms)
        for j, (n, _cls) in enumerate(c.row.defs):
            got = written[k * BLOCK + (12 + j) * 128: k * BLOCK + (13 + j) * 128]
            exp, ok = want[n]
            UNCOMPARED[c.row.name] = UNCOMPARED.get(c.row.name, 0) + int((~ok).sum())
            diff = np.nonzero((got != exp) & ok)[0]
            if len(diff):
                b = int(diff[0])
                bad.append(Mismatch(c.row.name, k, n, b, int(got[b]), int(exp[b])))
    return bad


def check_rows(rows=None, trials: int = 4, seed: int = 0, toolchain=None) -> tuple[int, list[Mismatch]]:
    """Run `rows` (default: every HVX row with a meaning) on QEMU; (cases run, mismatches)."""
    cases = make_cases(testable_rows() if rows is None else rows, trials, seed)
    return len(cases), compare(cases, run_cases(cases, toolchain))


def instance(row: InsnDesc, vbase: int, rbase: int, qbase: int, imms: dict | None = None) -> str:
    """The row's assembly with its registers moved up by vbase / rbase / qbase (pairs stay
    even-aligned when vbase is even): distinct copies for packets of several instructions."""
    text, _vreg = _registers(row)

    def shift(m):
        kind, n = m.group(1), int(m.group(2))
        return f"{kind}{n + {'v': vbase, 'r': rbase, 'q': qbase}[kind]}"
    fields = {k: re.sub(r"v(\d+):(\d+)", lambda m: f"v{int(m.group(1)) + vbase}:{int(m.group(2)) + vbase}", t)
              if ":" in t else re.sub(r"([vrq])(\d+)", shift, t) for k, t in text.items()}
    fields.update({k: str(v) for k, v in (imms or {}).items()})
    for name in row.imms:
        fields.setdefault(name, str(IMM_RANGES.get(row.name, (name, 0, 0))[1]))
    return row.asm.format(**fields)
