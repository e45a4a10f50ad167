"""Kernels of more buffers than the argument registers: r0-r5 carry the first six, the rest
come on the stack (a word each from sp + 0 at the call). Our selection loads them in the
prologue (`select.Selector._pointers`); where the scalar core's code saves callee-saved
registers in a frame, the loads reach past it (`emit.emit_asm`). Each kernel runs on QEMU,
is checked against the reference interpreter, and must be our code, not LLVM's."""
from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _many(n_in: int, n_out: int, size: int, t: str) -> str:
    """`n_in` inputs and `n_out` outputs of type `t`; output k mixes inputs k and k + 1, so
    every pointer, register-passed or stacked, is read or written."""
    ins = ", ".join(f"a{k}: {t}[{size}]" for k in range(n_in))
    outs = ", ".join(f"o{k}: {t}[{size}]" for k in range(n_out))
    body = "\n".join(f"  o{k}[i] = max(a{k % n_in}[i], a{(k + 1) % n_in}[i]) - a{(k + 2) % n_in}[i]"
                     for k in range(n_out))
    return f"kernel many({ins}) -> ({outs}) {{\n  i = range({size})\n{body}\n}}"


@pytest.mark.parametrize("n_in, n_out, size, t", [
    (4, 3, 300, "u8"),      # one buffer on the stack
    (5, 4, 1000, "i16"),    # three
    (6, 2, 77, "i32"),      # two outputs, both on the stack
    (3, 5, 640, "u8"),
])
def test_stack_buffers_are_ours_and_right(n_in, n_out, size, t, library):
    kernel = parse_kernels(_many(n_in, n_out, size, t))[0]
    opt = optimize(kernel, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    inputs = random_inputs(kernel, 5)
    assert not check_against_reference(kernel, load(opt)(inputs), inputs)


@pytest.mark.parametrize("terms, size", [(3, 300), (4, 61)])
def test_stack_buffers_past_the_scalar_cores_frame(terms, size, library):
    """f32 code on the scalar core saves callee-saved pairs in a frame, which moves sp: a
    sum of products over 2 x `terms` inputs (7 or 9 buffers) reads the stacked ones right."""
    ins = ", ".join(f"x{k}: f32[{size}]" for k in range(2 * terms))
    value = " + ".join(f"x{2 * k}[i] * x{2 * k + 1}[i]" for k in range(terms))
    kernel = parse_kernels(f"kernel dots({ins}) -> (o: f32[{size}]) {{ i = range({size})\n o[i] = {value} }}")[0]
    opt = optimize(kernel, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    assert "allocframe" in opt.code.asm  # (the case this test is for)
    inputs = random_inputs(kernel, 2)
    assert not check_against_reference(kernel, load(opt)(inputs), inputs, [], opt.lowered.tolerance)
