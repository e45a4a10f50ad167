"""Three-tap byte rows summed in halves on vtmpy (`tmpy.py`, the rewrite choice "vtmpyb" of
rules/hexagon-choice-vtmpyb.rules): box, Gaussian, Sobel and arbitrary-weight filters over
unsigned and signed bytes, summed in u16 or i16, written as reductions or spelled out term
by term, of several sizes (rows of 3, 4, 5 and 6 taps: groups of three and leftovers),
widths off the vector grid, odd pitches. Each compiles by our selection with the choice,
takes vtmpy, runs on qemu-hexagon and equals the reference interpreter; the choice is
taken only where its rules prove the probe, and the lanes of the instruction are the op the
rules name (Z3 against the row's lane equations, which QEMU checks)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import lane_term
from rewriter.backends.hexagon.select import SelectionRewriter
from rewriter.backends.hexagon.tmpy import Group, groups, linear_terms, proves_tmpy, widening
from rewriter.dsl.rule import RuleLibrary, load_library
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import check_against_reference
from rewriter.runtime import hexagon
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by
from tests.test_hexagon_isa_qemu import _z3_equal

REPO = Path(__file__).resolve().parent.parent

needs_qemu = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


def filt(weights, h: int, w: int, pitch: int, img: str = "u8", acc: str = "u16") -> str:
    """A filter with constant `weights` (rows of taps) spelled out term by term."""
    ky, kx = len(weights), len(weights[0])
    terms = " + ".join(f"cast<{acc}>(img[y + {r}, x + {c}]) * {wt}" for r, row in enumerate(weights)
                       for c, wt in enumerate(row) if wt)
    return f"""kernel k(img: {img}[{h + ky - 1}, {pitch}]) -> (out: {acc}[{h}, {w}]) {{
  y = range({h}); x = range({w})
  out[y, x] = {terms}
}}
"""


def box(ky: int, kx: int, h: int, w: int, pitch: int, img: str = "u8", acc: str = "u16") -> str:
    return f"""kernel k(img: {img}[{h + ky - 1}, {pitch}]) -> (out: {acc}[{h}, {w}]) {{
  y = range({h}); x = range({w}); ky = range({ky}, reduce); kx = range({kx}, reduce)
  out[y, x] = sum(cast<{acc}>(img[y + ky, x + kx]), ky, kx)
}}
"""


def _vtmpy_checked(text: str, library, seed: int = 3):
    (k,) = parse_kernels(text)
    code = compile_global(k, library, time_limit=0.5, forms=("vtmpyb",))
    assert made_by(code) == OURS, code.notes
    assert "vtmpy(" in code.asm, code.notes
    inputs = random_inputs(k, seed)  # every byte value, both signs
    run = hexagon.run_on_qemu(k, code.asm, inputs)
    assert check_against_reference(k, run.outputs, inputs) == []
    return code


@needs_qemu
@pytest.mark.parametrize("weights, h, w, pitch, img, acc", [
    ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 4, 128, 130, "u8", "u16"),   # Gaussian: factors 1, 2, 1
    ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 3, 200, 203, "u8", "i16"),  # Sobel x: Rt (-1, 0), factor 2
    ([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], 2, 100, 104, "i8", "i16"),  # Sobel y, signed bytes: factor -1
    ([[3, -7, 1, 5], [2, 2, 2, 9]], 3, 150, 155, "u8", "u16"),         # 4 taps: a group and a leftover
    ([[5, 1, 1, 1, 2, 1]], 5, 64, 70, "i8", "u16"),                    # 6 taps: two groups a row
    ([[1, 1, 4], [100, 20, 4]], 2, 129, 131, "u8", "i16"),             # factor 4, a weight past i8 / 4
])
def test_spelled_out_filters_take_vtmpy_and_match_the_reference(weights, h, w, pitch, img, acc, library):
    _vtmpy_checked(filt(weights, h, w, pitch, img, acc), library)


@needs_qemu
@pytest.mark.parametrize("ky, kx, h, w, pitch, img, acc", [
    (3, 3, 4, 128, 130, "u8", "u16"), (3, 5, 3, 96, 101, "u8", "i16"), (2, 3, 5, 250, 253, "i8", "i16"),
])
def test_box_reductions_take_vtmpy_and_match_the_reference(ky, kx, h, w, pitch, img, acc, library):
    _vtmpy_checked(box(ky, kx, h, w, pitch, img, acc), library)


@needs_qemu
@pytest.mark.parametrize("weights, h, w, pitch, img, acc", [
    ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 3, 150, 153, "u8", "i32"),    # a box in words: zero-extended halves
    ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 2, 128, 131, "u8", "i32"),  # Sobel in words: sign-extended
    ([[1, 2, 1], [2, 4, 2]], 3, 100, 103, "i8", "u32"),                # signed bytes, unsigned words
    # the whole sum spans past 16 bits (refused whole: `widening`); its factored parts fit
    ([[64, 64, 64], [1, 2, 1], [128, 128, 128]], 2, 128, 130, "u8", "i32"),
])
def test_word_sums_that_fit_halves_take_vtmpy_and_widen(weights, h, w, pitch, img, acc, library):
    """A word sum whose three-tap groups span at most 16 bits (every byte value) takes vtmpy
    in halves and widens them exactly: the alternative to the zero-padded 3-wide vrmpy."""
    code = _vtmpy_checked(filt(weights, h, w, pitch, img, acc), library)
    assert "vunpack(" in code.asm


def test_other_choices_do_not_take_it(library):
    """vtmpy on bytes is the choice's alone."""
    (k,) = parse_kernels(box(3, 3, 4, 128, 130, "u8", "u16"))
    assert "vtmpy(" not in compile_global(k, library, time_limit=0.5, forms=("native",)).asm


def test_the_choice_is_the_rules_that_prove_it(library):
    """Only rules that turn the probe into the op take vtmpy: the choice file's do, the
    target rules alone do not; without the file there is no such choice."""
    assert SelectionRewriter(library).choices["vtmpyb"].tmpy == {"u8", "i8"}
    assert not SelectionRewriter(library).tmpy
    names = {"hvx-vtmpyb-ub", "hvx-vtmpyb-b"}
    none = RuleLibrary(library.rules, library.files, [r for r in library.all_rules() if r.name not in names])
    assert "vtmpyb" not in SelectionRewriter(none).forms
    signed_only = RuleLibrary(library.rules, library.files,
                              [r for r in library.all_rules() if r.name != "hvx-vtmpyb-ub"])
    assert proves_tmpy(SelectionRewriter(signed_only).choices["vtmpyb"]) == {"i8"}
    renamed = RuleLibrary(library.rules, library.files,
                          [dataclasses.replace(r, scope="hexagon-choice-taps") if r.name in names else r
                           for r in library.all_rules()])
    assert SelectionRewriter(renamed).choices["taps"].tmpy == {"u8", "i8"}


@pytest.mark.parametrize("row, op, image", [("vtmpybus", "hvx.vtmpy_ubh", "u8"), ("vtmpyb", "hvx.vtmpy_bh", "i8")])
def test_vtmpy_lanes_are_the_op_the_rules_name(row, op, image):
    """The even output lane 2i is lo.h[i] = op(x[2i], x[2i+1], x[2i+2], Rt.b[0], Rt.b[1])
    with x[2i+2] from the pair's v1 (x + 2 bytes), the odd one hi.h[i] = op(x[2i+1],
    x[2i+2], x[2i+3], ...) (even lanes of the row read Rt.b[0..1], odd ones Rt.b[2..3],
    equal in the word tmpy.py builds). Z3 against the row's lane equations."""
    t8, i8 = parse_dtype(image), parse_dtype("i8")
    for out, lane in (("lo", 0), ("lo", 6), ("hi", 2), ("hi", 63)):
        first = 2 * lane + (out == "hi")
        names = [f"uu.{'ub' if image == 'u8' else 'b'}[{first + q if first + q < 2 * lane + 2 else 128 + first + q - 2}]"
                 for q in range(3)]
        rt = [f"t.b[{2 * (lane % 2) + q}]" for q in range(2)]
        want = UOp(op, parse_dtype("i16"), tuple(var(t8, n) for n in names) + tuple(var(i8, n) for n in rt))
        assert _z3_equal(lane_term(INSNS[row], out, lane), want), (out, lane)


def test_widening_is_exact_only_within_halves():
    """u8 taps weighted (1, 1, 1) span 0..765 and (-1, 0, 1) -255..255: sign-extended;
    64 (1, 1, 1) spans 0..48960: zero-extended; two such rows (0..97920) do not fit."""
    def from_u8(a, b, s):
        return Group(None, "u8", a, b, s)

    assert widening([from_u8(1, 1, 1)]) == "vunpackh"
    assert widening([from_u8(-1, 0, 1)]) == "vunpackh"
    assert widening([from_u8(1, 1, 64)]) == "vunpackuh"
    assert widening([from_u8(1, 1, 64), from_u8(1, 1, 64)]) is None


def test_linear_terms_and_groups():
    """`2 (a + b) - c * 3 + 7 + (d << 2)` is {a: 2, b: 2, c: -3, d: 4} and 7; three taps at
    offsets c, c + 1, c + 2 with weights (2, 4, 2) are one group of factor 2, Rt (1, 2)."""
    u8, u16 = parse_dtype("u8"), parse_dtype("u16")
    a, b, c, d = (UOp("cast", u16, (var(u8, n),)) for n in "abcd")
    e = UOp("add", u16, (UOp("sub", u16, (UOp("mul", u16, (UOp("add", u16, (a, b)), const(u16, 2))),
                                          UOp("mul", u16, (c, const(u16, 3))))), const(u16, 7)))
    e = UOp("add", u16, (e, UOp("shl", u16, (d, const(u16, 2)))))
    assert linear_terms(e) == ({a: 2, b: 2, c: -3, d: 4}, 7)
    idx = parse_dtype("idx")
    x = var(idx, "x", 0, 127)
    loads = [UOp("cast", u16, (UOp("load", u8, (UOp("add", idx, (x, const(idx, k))),), "img"),)) for k in range(3)]
    found, left = groups({loads[0]: 2, loads[1]: 4, loads[2]: 2, a: 1}, "x", frozenset({"u8"}), 16)
    assert [(g.a, g.b, g.scale) for g in found] == [(1, 2, 2)] and left == {a: 1}
