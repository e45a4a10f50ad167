"""Golden files of the code every example compiles to, so a change shows its effect on the
emitted code as a diff.

For every kernel `examples/NAME.ir` and `examples/gpu/NAME.ir` and every target, the test
runs the public command line in-process (`rewriter.cli.main`, from the repository root,
with the kernel's relative path) and compares its output exactly with

    tests/golden/emitted/cpu/[gpu/]NAME.ll        rewriter optimize K --target cpu --emit llvm
    tests/golden/emitted/cuda/[gpu/]NAME.ptx      rewriter optimize K --target cuda --emit ptx
    tests/golden/emitted/webgpu/[gpu/]NAME.wgsl   rewriter optimize K --target webgpu
    tests/golden/emitted/hexagon/[gpu/]NAME.s     rewriter optimize K --target hexagon --emit asm
                                                                      --scheduler list

A mismatch fails with a unified diff (golden -> emitted, its first 60 lines).

Hexagon skips the examples of examples/gpu/ that have a twin in examples/ (the same kernel at
a small size): the target measures its code against LLVM's on QEMU at the kernel's own size,
and at GPU sizes (2^26 elements) that is ~10^8 packets run twice, about a minute a kernel,
for code that differs from the twin's only in its trip counts. The GPU-only kernels
(matmul_f16, rowmax_f32, ...) keep their Hexagon goldens.

Timing: each case is one `rewriter optimize` call (~0.4 s of one core, most of it loading the
rule library, as every CLI call does). The cases of examples/ run in the fast step; those of
examples/gpu/ (GPU-sized kernels, the 4-5 s PTX of the f16/f32 matmuls) are marked `slow`, so
CI checks them in its second step (`pytest -m slow`); a plain `pytest tests/test_emitted_golden.py`
runs all of them.

A target that rejects a kernel (exit 2, a one-line message on stderr) is recorded too: its
golden file holds `exit 2` and that message, so a change in what each target accepts is a
diff as well. Any other exit status, or a traceback, fails the test.

The text also depends on the toolchain: llvmlite's LLVM prints the LLVM IR and the PTX (its
`.version` line included), so an llvmlite upgrade is expected to show up here as a diff.

Pinned or normalised, so that the files are the same on every machine and every run:
  - Hexagon uses `--scheduler list`, not the default global modulo scheduler. The global one
    is not deterministic: CP-SAT runs with 2 workers against wall-clock deadlines (2 s a
    loop body, `--time-limit`), so what it finds depends on the machine's load; two runs in a
    row on the same machine emitted different packets for requant_u8 (and the whole set took
    ~75 s against ~10 s with the list scheduler). The list scheduler is a pure function of the
    kernel.
  - cpu: the lowering sizes vectors from the host's CPU features (AVX-512: 64 bytes, AVX2:
    32, else 16), read through llvmlite. The test pins llvmlite's host detection
    (`get_host_cpu_name`, `get_host_cpu_features`) to an x86-64-v4 CPU (AVX-512, as the
    CI machines have) and checks that the pin was consulted; the `target triple` and
    `target datalayout` lines, and any "target-cpu"/"target-features" attribute, are
    replaced by `<host>`.
  - every target: the repository's absolute path becomes `<repo>`, and times in comment lines
    (`solved in 1.5 s`, `12 ms`) become `<T> s` / `<T> ms`.
  - the WebGPU notes on shared-memory layouts the bank model rejected name two lanes that
    conflict: a Z3 model's witness, which depends on what Z3 solved earlier in the process
    (the f16 matmul's note named lanes 14 and 1 after the other cases, 11 and 4 alone). In
    comment lines `conflicts (lanes 14 and 1)` becomes `conflicts (lanes <L> and <L>)`; that a
    layout conflicts, and the layout chosen, stay in the golden.

To regenerate the golden files after an intended change of emitted code (the switch the
project's other golden tests use):
    REWRITER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_emitted_golden.py
then read `git diff tests/golden/emitted` before committing it. The same switch writes the
files of a new example and deletes those of an example that is gone; without it, an example
without golden files (or a golden file without its example) fails `test_every_example_has_goldens`.
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import llvmlite.binding as llvm
import pytest

from rewriter.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden" / "emitted"
UPDATE = os.environ.get("REWRITER_UPDATE_GOLDEN") == "1"

#: target: (file extension, the `rewriter optimize` flags that emit its code)
TARGETS = {
    "cpu": ("ll", ["--emit", "llvm"]),
    "cuda": ("ptx", ["--emit", "ptx"]),
    "webgpu": ("wgsl", []),
    "hexagon": ("s", ["--emit", "asm", "--scheduler", "list"]),
}

#: The host the cpu target is pinned to: x86-64-v4 (AVX-512; 64-byte vectors).
PINNED_CPU = "x86-64-v4"
PINNED_FEATURES = ("sse4.2", "popcnt", "avx", "avx2", "fma", "bmi", "bmi2", "avx512f", "avx512bw",
                   "avx512cd", "avx512dq", "avx512vl")
DIFF_LINES = 60
REGENERATE = "REWRITER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_emitted_golden.py"


def examples() -> list[str]:
    """Every example as its path under examples/ without `.ir` (`relu_f32`, `gpu/relu_f32`)."""
    found = sorted(EXAMPLES.glob("*.ir")) + sorted((EXAMPLES / "gpu").glob("*.ir"))
    return [p.relative_to(EXAMPLES).with_suffix("").as_posix() for p in found]


def cases() -> list[tuple[str, str]]:
    """Every (target, example) with a golden file (the module docstring says which are left out)."""
    found = examples()
    return [(t, e) for t in TARGETS for e in found
            if not (t == "hexagon" and e.startswith("gpu/") and e.removeprefix("gpu/") in found)]


def golden_path(target: str, example: str) -> Path:
    return GOLDEN / target / f"{example}.{TARGETS[target][0]}"


_TIME = re.compile(r"\b\d+(?:\.\d+)? (ms|s)\b")
_LANES = re.compile(r"conflicts \(lanes \d+ and \d+\)")
_COMMENT = ("#", "//", ";")
_HOST_LINE = re.compile(r'^(target (?:triple|datalayout) = )".*"$', re.MULTILINE)
_HOST_ATTR = re.compile(r'"(target-cpu|target-features)"="[^"]*"')


def normalize(text: str, target: str) -> str:
    """What may differ between machines and runs, replaced (see the module doc)."""
    text = text.replace(str(REPO), "<repo>")
    text = "".join(_comment(line) if line.lstrip().startswith(_COMMENT) else line
                   for line in text.splitlines(keepends=True))
    if target == "cpu":
        text = _HOST_LINE.sub(r'\1"<host>"', text)
        text = _HOST_ATTR.sub(r'"\1"="<host>"', text)
    return text


def _comment(line: str) -> str:
    return _LANES.sub("conflicts (lanes <L> and <L>)", _TIME.sub(r"<T> \1", line))


@pytest.fixture
def pinned_host(monkeypatch):
    """llvmlite's host detection answers x86-64-v4 (AVX-512); returns how often it was asked."""
    asked = []

    def features():
        asked.append("features")
        return llvm.FeatureMap({name: True for name in PINNED_FEATURES})

    def cpu_name():
        asked.append("cpu")
        return PINNED_CPU

    monkeypatch.setattr(llvm, "get_host_cpu_features", features)
    monkeypatch.setattr(llvm, "get_host_cpu_name", cpu_name)
    return asked


def emit(target: str, example: str, capsys, monkeypatch) -> str:
    """The golden text: stdout of `rewriter optimize`, or `exit 2` and the message if the target
    rejects the kernel."""
    monkeypatch.chdir(REPO)
    capsys.readouterr()
    code = main(["optimize", f"examples/{example}.ir", "--target", target, *TARGETS[target][1]])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, err
    if code == 2:  # rejected: the message (one line today) and whatever came before it on stdout
        return normalize(f"exit 2\n{err}{out}", target)
    assert code == 0, f"exit {code}\n{err}"
    assert out, "nothing emitted"
    return normalize(out, target)


def _diff(expected: str, actual: str, path: Path) -> str:
    rel = path.relative_to(REPO).as_posix()
    lines = list(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                      fromfile=rel, tofile="emitted now"))
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines[:DIFF_LINES])
    more = f"... ({len(lines) - DIFF_LINES} more diff lines)\n" if len(lines) > DIFF_LINES else ""
    return (f"emitted code differs from {rel}; if the change is intended, regenerate with\n"
            f"  {REGENERATE}\n"
            f"and review `git diff tests/golden/emitted`.\n{shown}{more}")


def _cases():
    """Every (target, example); those of examples/gpu/ are `slow` (CI's second step)."""
    return [pytest.param(t, e, id=f"{t}-{e}", marks=[pytest.mark.slow] if e.startswith("gpu/") else [])
            for t, e in cases()]


@pytest.mark.parametrize("target, example", _cases())
def test_emitted_code(target: str, example: str, capsys, monkeypatch, pinned_host):
    actual = emit(target, example, capsys, monkeypatch)
    if target == "cpu":
        assert "features" in pinned_host, (
            "the cpu target no longer reads the host through llvmlite.binding.get_host_cpu_features, "
            "so the pin in this test does not reach it: pin the new source of host features")
    path = golden_path(target, example)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != actual:
            path.write_text(actual)
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO).as_posix()} is missing: write it with\n  {REGENERATE}", pytrace=False)
    expected = path.read_text()
    if expected != actual:
        pytest.fail(_diff(expected, actual, path), pytrace=False)


def test_every_example_has_goldens():
    """One golden file per (target, example), and none without its example: a new example
    brings its goldens (REWRITER_UPDATE_GOLDEN=1 writes them, and deletes stale ones)."""
    want = {golden_path(t, e) for t, e in cases()}
    have = {p for p in GOLDEN.rglob("*") if p.is_file()}
    stale = sorted(have - want)
    if UPDATE:
        for p in stale:
            p.unlink()
        stale = []
    missing = sorted(want - have)
    assert not missing, f"examples without golden files: {_rel(missing)} (run with REWRITER_UPDATE_GOLDEN=1)"
    assert not stale, f"golden files without an example: {_rel(stale)} (REWRITER_UPDATE_GOLDEN=1 deletes them)"
    assert len(examples()) >= 20


def _rel(paths) -> str:
    return ", ".join(p.relative_to(REPO).as_posix() for p in paths)
