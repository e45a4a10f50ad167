"""Byte windows (stencils) by the general lowering (`rows.py` with `window.py`, `sliding.py`,
`newstore.py`): KxK filters of several sizes, widths off the vector grid, row pitches that
leave rows unaligned, vertical strides, image and weight types of either signedness, in the
"native" form and the rewrite choice "sliding" (rules/hexagon-choice-sliding.rules), unrolled over output rows. Each compiles by our
selection (not LLVM's fallback), runs on qemu-hexagon and equals the reference interpreter.

  * an unrolled body reads each input row once for every output row that needs it, and
    each window group is four vrmpy (native) or two sliding vrmpy over the pair (x, x + 4)
    (sliding), the first group setting the accumulators (no zeroing);
  * the window's last vshuff round leaves by new-value stores bundled with it;
  * the sliding choice is refused where no window slides, and slides exactly where its
    rules (`hvx-vrmpyi-ubb-*`, proven) show the halves are the window's products;
  * every candidate the global scheduler tries runs to the packet count it predicts.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from rewriter.backends.hexagon import HexagonUnsupported, compile_hexagon
from rewriter.backends.hexagon.global_sched import compile_global
from rewriter.backends.hexagon.select import FormNotApplicable, SelectionRewriter
from rewriter.backends.hexagon.selection import select
from rewriter.dsl.rule import RuleLibrary, load_library
from rewriter.kernel.parser import load_kernel, parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.rewrite.engine import Rewriter
from rewriter.runtime import hexagon
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


def conv(ky: int, kx: int, h: int, w: int, pitch: int, img: str = "u8", wt: str = "i8", acc: str = "i32",
         sy: int = 1, oy: int = 0) -> str:
    """A ky x kx filter over h output rows of w lanes; image rows `pitch` bytes apart, output
    row y reading image rows sy * y + oy + ky."""
    rows = sy * (h - 1) + oy + ky
    return f"""kernel k(img: {img}[{rows}, {pitch}], w: {wt}[{ky}, {kx}]) -> (out: {acc}[{h}, {w}]) {{
  y = range({h}); x = range({w}); ky = range({ky}, reduce); kx = range({kx}, reduce)
  out[y, x] = sum(cast<{acc}>(img[y * {sy} + ky + {oy}, x + kx]) * cast<{acc}>(w[ky, kx]), ky, kx)
}}
"""


@pytest.fixture(scope="module")
def library():
    return load_library([REPO / "rules"])


def _check_on_qemu(kernel, asm, seed):
    inputs = random_inputs(kernel, seed)  # every integer type's whole range
    run = hexagon.run_on_qemu(kernel, asm, inputs)
    assert check_against_reference(kernel, run.outputs, inputs) == []
    return run


def _body(kernel, library, unroll: int, form: str = "native"):
    portable = Rewriter(library.portable())
    simple = kernel.with_stores(portable.normalize(s) for s in kernel.stores)
    return select(simple, portable.normalize, SelectionRewriter(library), unroll, form)


@pytest.mark.parametrize("ky, kx, h, w, pitch, img, wt, acc, sy", [
    (3, 3, 8, 128, 130, "u8", "i8", "i32", 1),   # conv3x3_u8's shape, fewer rows
    (5, 5, 4, 100, 104, "u8", "i8", "i32", 1),   # 5x5, a row narrower than a block
    (5, 4, 6, 128, 131, "u8", "i8", "i32", 1),   # 5x4: one group a row, pitch odd
    (3, 5, 3, 200, 205, "u8", "i8", "i32", 2),   # two blocks a row (the last overlapping), stride 2
    (3, 3, 4, 150, 153, "i8", "i8", "i32", 1),   # signed bytes: no Rt form, the weights splatted
    (3, 3, 4, 96, 99, "u8", "u8", "u32", 1),     # unsigned weights: vrmpy .ub by .ub
    (2, 7, 5, 131, 140, "u8", "i8", "i32", 1),   # 7 taps: groups of 4 and 3
])
def test_windows_of_every_size_and_type_are_ours_and_match_the_reference(ky, kx, h, w, pitch, img, wt, acc, sy,
                                                                          library):
    (k,) = parse_kernels(conv(ky, kx, h, w, pitch, img, wt, acc, sy))
    opt = optimize(k, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    assert any("a window of" in n for n in opt.notes), opt.notes
    inputs = random_inputs(k, 5)
    assert not check_against_reference(k, load(opt)(inputs), inputs)


@pytest.mark.parametrize("ky, kx, h, w, pitch, sy", [(3, 3, 8, 128, 130, 1), (5, 4, 8, 128, 131, 1),
                                                     (3, 6, 8, 100, 107, 2)])
@pytest.mark.parametrize("unroll", [1, 2, 4])
def test_sliding_form_two_vrmpy_a_group_over_the_pair(ky, kx, h, w, pitch, sy, unroll, library):
    """Sliding: per output row and group of four taps, `vrmpy(Vuu.ub, Rt.b, #0)` and `#1`
    (the first group's without `+=`), no single-vector vrmpy; every input row's pair is read
    once for all the output rows of the iteration that need it (the pair's high vector is
    the next group's low one where a row has more than four taps). On QEMU it equals the
    reference."""
    (k,) = parse_kernels(conv(ky, kx, h, w, pitch, sy=sy))
    mf = _body(k, library, unroll, "sliding")
    body = [i.desc.name for i in mf.loop.insns]
    groups = ky * -(-kx // 4)
    blocks = -(-w // 128)
    assert body.count("vrmpybusi") == 2 * unroll * blocks
    assert body.count("vrmpybusi_acc") == 2 * unroll * blocks * (groups - 1)
    assert not {"vrmpybus", "vrmpybus_acc", "vzero"} & set(body)
    rows_read = sy * (unroll - 1) + ky
    assert body.count("vmemu_ld") <= rows_read * blocks * (-(-kx // 4) + 1)
    opt = compile_global(k, library, unroll=unroll, time_limit=0.5, forms=("sliding",))
    assert re.search(r"vrmpy\(v\d+:\d+\.ub,r\d+\.b,#1\)", opt.asm)
    run = _check_on_qemu(k, opt.asm, 7 + unroll)
    if opt.modulo is not None:
        assert run.counts.packets == opt.modulo.packets  # the schedule's own count, exactly


@pytest.mark.parametrize("unroll", [1, 2, 4, 8])
def test_native_windows_share_input_rows_and_store_by_new_value(unroll, library):
    """conv3x3_u8 in the native form: 4 vrmpy a group (the first group's without `+=`, no
    zeroed accumulators); the last vshuff round of each output vector pair leaves by a
    new-value store bundled with it (half the stores); the input rows' vectors are read
    once an iteration, so the loads grow with the rows read (U + 2), not with 3 U."""
    kernel = load_kernel(REPO / "examples/conv3x3_u8.ir")
    mf = _body(kernel, library, unroll)
    body = [i.desc.name for i in mf.loop.insns]
    assert body.count("vrmpybus") == 4 * unroll and body.count("vrmpybus_acc") == 8 * unroll
    assert "vzero" not in body
    assert body.count("vshuffvdd_stnew") == body.count("vmem_st") == 2 * unroll
    loads = body.count("vmemu_ld") + body.count("vmem_ld")
    assert loads <= 2 * (unroll + 2) + 1


@pytest.mark.parametrize("unroll", [1, 2, 8])
@pytest.mark.parametrize("form", ["native", "sliding"])
def test_global_candidates_match_the_reference_on_qemu(unroll, form, library):
    kernel = load_kernel(REPO / "examples/conv3x3_u8.ir")
    code = compile_global(kernel, library, unroll=unroll, time_limit=0.5, forms=(form,))
    assert made_by(code) == OURS, code.notes
    assert bool(re.search(r"vrmpy\(v\d+:\d+\.ub,r\d+\.b,#1\)", code.asm)) == (form == "sliding")
    run = _check_on_qemu(kernel, code.asm, 7 + unroll)
    if code.modulo is not None:  # (else the list scheduler's loop was best)
        assert run.counts.packets == code.modulo.packets


@pytest.mark.parametrize("unroll", [2, 4])
def test_list_scheduled_unrolled_windows_match_the_reference_on_qemu(unroll, library):
    (k,) = parse_kernels(conv(5, 4, 8, 128, 131, oy=1))
    try:
        code = compile_hexagon(k, library, unroll=unroll, rotate=False)
    except HexagonUnsupported as e:  # (registers can run out unpipelined: the candidate is dropped)
        assert "registers" in str(e) or "register pair" in str(e), e
        return
    run = _check_on_qemu(k, code.asm, 3)
    assert run.counts.packets >= code.cycles["packets"]


def test_sliding_form_is_refused_where_no_window_slides(library):
    for name in ("add_sat_u8", "dot_i8", "matmul_i8"):
        with pytest.raises(FormNotApplicable):
            _body(load_kernel(REPO / f"examples/{name}.ir"), library, 1, "sliding")
    (k,) = parse_kernels(conv(3, 3, 4, 96, 99, "u8", "u8", "u32"))  # vrmpy .ub by .ub: no #u1 form
    with pytest.raises(HexagonUnsupported):
        _body(k, library, 1, "sliding")


def test_sliding_is_the_choice_of_rules_that_prove_it(library):
    """The sliding vrmpy is a rewrite choice: the selector slides a window exactly where the
    chosen rules prove each half of vrmpy(Vuu.ub, Rt.b, #u1) to be the window's product at
    its byte shift (`hvx-vrmpyi-ubb-*`, rules/hexagon-choice-sliding.rules). Without them
    there is no such choice; with one half's rule missing, the choice slides nothing; the
    same rules under another choice's name slide as well."""
    kernel = load_kernel(REPO / "examples/conv3x3_u8.ir")
    assert SelectionRewriter(library).choices["sliding"].slides
    assert not SelectionRewriter(library).slides  # (the target rules alone do not prove it)
    halves = [r for r in library.all_rules() if r.name.startswith("hvx-vrmpyi-")]
    assert {r.scope for r in halves} == {"hexagon-choice-sliding"} and len(halves) == 3

    def without(names, **renamed):
        rules = [dataclasses.replace(r, **renamed) if r in halves else r
                 for r in library.all_rules() if r.name not in names]
        return RuleLibrary(library.rules, library.files, rules)

    none = without({r.name for r in halves})
    assert "sliding" not in SelectionRewriter(none).forms
    with pytest.raises(HexagonUnsupported, match="selection form 'sliding'"):
        _body(kernel, none, 1, "sliding")
    two = without({"hvx-vrmpyi-ubb-hi1"})
    assert not SelectionRewriter(two).choices["sliding"].slides
    with pytest.raises(FormNotApplicable):
        _body(kernel, two, 1, "sliding")
    renamed = without(set(), scope="hexagon-choice-pairs")
    mf = _body(kernel, renamed, 1, "pairs")
    assert "vrmpybusi" in [i.desc.name for i in mf.loop.insns]


def test_unroll_must_divide_the_rows(library):
    (k,) = parse_kernels(conv(5, 4, 6, 128, 131, oy=1))
    with pytest.raises(HexagonUnsupported, match="unrolling 6 rows by 4"):
        compile_hexagon(k, library, unroll=4)
    assert compile_hexagon(k, library, unroll=2, rotate=False).machine.trip == 3


def test_new_value_store_fusion_keeps_the_order_it_needs():
    """newstore.py moves a vshuff down to the store of its low result only where nothing
    between reads or writes its results or writes its operands."""
    from rewriter.backends.hexagon.mir import Block, Reg, insn
    from rewriter.backends.hexagon.newstore import fuse_new_value_stores

    lo, hi, u, v, x, t, p = Reg("V", 1), Reg("V", 2), Reg("V", 3), Reg("V", 4), Reg("V", 5), Reg("R8", 6), Reg("R", 7)

    def block(*between):
        return Block("loop", [insn("vshuffvdd", lo=lo, hi=hi, u=u, v=v, t=t), *between,
                              insn("vmem_st", mem="out", p=p, u=lo, off=3)])

    free = block(insn("vassign", d=x, u=u), insn("addi", d=p, u=p, imm=128))
    assert fuse_new_value_stores(free) == 1
    assert [i.desc.name for i in free.insns] == ["vassign", "addi", "vshuffvdd_stnew"]
    assert free.insns[-1].regs["p"] == p and free.insns[-1].imms["off"] == 3
    for between in (insn("vassign", d=x, u=hi),   # reads a result
                    insn("vassign", d=u, u=x),    # writes an operand
                    insn("vassign", d=hi, u=x)):  # writes a result
        b = block(between)
        assert fuse_new_value_stores(b) == 0 and [i.desc.name for i in b.insns][0] == "vshuffvdd"
