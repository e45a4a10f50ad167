"""Differential test of the scalar core's rows with a meaning (`isa.py`: `sfadd`, `sfsub`,
`sfmpy`, `sfcmp.gt`, `mux`): each executed on QEMU against its op-table pattern, one value
per register (hexagon_isa.py does the same for HVX rows, lane by lane).

One program runs every case: per case, its operands are loaded from the case's 16-byte
block of the data image (`memw`; a predicate operand is `cmp.eq` of a word with 1), the one
instruction runs, its result is stored to the block's last word (a predicate as 1 or 0 by
`mux`), and `_start` writes the whole image to stdout. Float operands are drawn from the
values where IEEE arithmetic has its special cases (signed zeros, infinities, NaN, the
smallest subnormal, the largest finite) and from a normal distribution.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewriter.backends.hexagon.isa import INSNS, InsnDesc
from rewriter.backends.hexagon.lanesem import has_meaning, typed_term
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret
from rewriter.runtime.hexagon import HexagonRunError, _assemble_file, _run, find_toolchain
from rewriter.runtime.hexagon_start import STACK_BYTES, SYS_EXIT_GROUP, SYS_WRITE

BLOCK = 16
#: Float operands with IEEE special cases: zeros of both signs, infinities, NaN, the smallest
#: subnormal, the largest finite, and ordinary values.
FLOAT_EDGES = np.array([0.0, -0.0, 1.0, -1.5, np.inf, -np.inf, np.nan, 1e-45, 3.4028235e38, 0.1], np.float32)
_REGS = ("r1", "r2", "r3")  # operands in order; the result is r4 (or p1)


@dataclass
class Case:
    row: InsnDesc
    operands: dict  # use name -> 32-bit pattern (uint32)


def testable_rows() -> list[InsnDesc]:
    return [r for r in INSNS.values() if has_meaning(r) and not r.is_hvx]


def _types(row: InsnDesc) -> dict:
    return {v.arg.name: v.dtype for v in typed_term(row.sem).vars()}


def make_cases(rows, randoms: int = 20, seed: int = 0) -> list[Case]:
    """Every pair of edge values per float row (and `randoms` random ones); predicate and
    word operands random."""
    rng = np.random.default_rng(seed)
    cases = []
    for row in rows:
        types = _types(row)
        names = [n for n, _c in row.uses]
        floats = [n for n in names if types[n].is_float]
        grid = [dict(zip(floats, vals)) for vals in np.array(np.meshgrid(*[FLOAT_EDGES] * len(floats))).reshape(
            len(floats), -1).T] if floats else [{}]
        grid += [dict(zip(floats, rng.standard_normal(len(floats)).astype(np.float32))) for _ in range(randoms)]
        for g in grid:
            ops = {}
            for n in names:
                if n in g:
                    ops[n] = int(np.float32(g[n]).view(np.uint32))
                elif types[n].is_bool:
                    ops[n] = int(rng.integers(0, 2))
                else:
                    ops[n] = int(rng.integers(0, 1 << 32))
            cases.append(Case(row, ops))
    return cases


def program(cases: list[Case]) -> tuple[str, bytes]:
    """The assembly of `_start` running every case, and the data image."""
    image = np.zeros(len(cases) * BLOCK // 4, np.uint32)
    lines = ["\t.text", "\t.globl _start", "\t.p2align 4", "_start:", "\t{ r29 = ##scalar_isa_stack_top; r30 = #0 }"]
    for k, c in enumerate(cases):
        row, fields = c.row, {}
        lines += [f"\t// case {k}: {row.name}", f"\t{{ r0 = ##scalar_isa_data+{k * BLOCK} }}"]
        for j, (n, cls) in enumerate(row.uses):
            image[k * 4 + j] = c.operands[n]
            lines.append(f"\t{{ {_REGS[j]} = memw(r0+#{4 * j}) }}")
            if cls == "P":
                lines.append(f"\t{{ p0 = cmp.eq({_REGS[j]},#1) }}")
            fields[n] = "p0" if cls == "P" else _REGS[j]
        (d, dcls), = row.defs
        fields[d] = "p1" if dcls == "P" else "r4"
        lines.append("\t{ " + row.asm.format(**fields) + " }")
        if dcls == "P":
            lines.append("\t{ r4 = mux(p1,#1,#0) }")
        lines.append("\t{ memw(r0+#12) = r4 }")
    lines += [
        f"\t{{ r0 = #1; r1 = ##scalar_isa_data; r2 = ##{image.nbytes} }}",
        f"\t{{ r6 = #{SYS_WRITE} }}", "\t{ trap0(#1) }",
        f"\t{{ r0 = #0; r6 = #{SYS_EXIT_GROUP} }}", "\t{ trap0(#1) }",
        "\t.data", "\t.p2align 4", "scalar_isa_data:", '\t.incbin "data.bin"',
        "\t.bss", "\t.p2align 4", "scalar_isa_stack:", f"\t.space {STACK_BYTES}", "scalar_isa_stack_top:", ""]
    return "\n".join(lines), image.astype("<u4").tobytes()


def run_cases(cases: list[Case], toolchain=None, timeout_s: float = 60.0) -> np.ndarray:
    """Run every case on QEMU; each case's result word (uint32)."""
    tc = toolchain or find_toolchain()
    asm, data = program(cases)
    with tempfile.TemporaryDirectory(prefix="rewriter-scalar-isa-") as d:
        work = Path(d)
        (work / "isa.s").write_text(asm)
        (work / "data.bin").write_bytes(data)
        _assemble_file(work / "isa.s", work / "isa.o", tc, "the scalar ISA test program")
        elf = work / "isa.elf"
        r = _run([tc.ld_lld, "-static", "-e", "_start", "-o", str(elf), str(work / "isa.o")], what="ld.lld", cwd=d)
        if r.returncode != 0:
            raise HexagonRunError(r.stderr.decode(errors="replace"))
        with open(work / "out.bin", "wb") as f:
            r = _run([tc.qemu, str(elf)], what="qemu-hexagon", cwd=d, timeout=timeout_s, stdout=f)
        if r.returncode != 0:
            raise HexagonRunError(f"the scalar ISA program failed on QEMU: {r.stderr.decode(errors='replace')[:2000]}")
        written = np.frombuffer((work / "out.bin").read_bytes(), "<u4")
    if written.nbytes != len(data):
        raise HexagonRunError(f"the scalar ISA program wrote {written.nbytes} bytes, expected {len(data)}")
    return written.reshape(-1, 4)[:, 3]


def meaning(c: Case) -> int:
    """The row's result for the case by the op table, as a 32-bit pattern (bool: 1 or 0)."""
    term = typed_term(c.row.sem)
    d = ConcreteDomain(1)
    env = {}
    for v in term.vars():
        bits = c.operands[v.arg.name]
        if v.dtype.is_float:
            x = np.uint32(bits).view(np.float32)
        elif v.dtype.is_bool:
            x = bool(bits)
        else:
            x = int(np.uint32(bits).view(np.int32))
        env[v] = d.from_python(v.dtype, [x])
    value = np.asarray(interpret([term], d, env)[term].value).reshape(-1)[0]
    if term.dtype.is_float:
        return int(np.float32(value).view(np.uint32))
    return int(value) & 0xFFFFFFFF


def _same(row: InsnDesc, got: int, want: int) -> bool:
    # Any NaN is NaN: the op table's and the core's NaN payloads need not agree (the checker
    # compares float outputs NaN-equal too).
    if typed_term(row.sem).dtype.is_float:
        g, w = np.uint32(got).view(np.float32), np.uint32(want).view(np.float32)
        if np.isnan(g) and np.isnan(w):
            return True
    return got == want


def check_rows(rows=None, seed: int = 0, toolchain=None) -> tuple[int, list[str]]:
    """Run `rows` (default: every scalar row with a meaning) on QEMU; (cases, mismatches)."""
    cases = make_cases(testable_rows() if rows is None else rows, seed=seed)
    got = run_cases(cases, toolchain)
    bad = [f"{c.row.name} {c.operands}: QEMU {int(g):#010x}, meaning {meaning(c):#010x}"
           for c, g in zip(cases, got) if not _same(c.row, int(g), meaning(c))]
    return len(cases), bad
