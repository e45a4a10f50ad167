"""Kernels of independent stores that one loop cannot hold run as one function per store,
called in order by a wrapper (`backends/hexagon/parts.py`): each runs on QEMU, is checked
against the reference interpreter, and must be our code (the LLVM race off)."""
from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.backends.hexagon.parts import independent_parts, packets
from rewriter.dsl.rule import load_library
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime import hexagon
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library():
    return load_library([ROOT / "rules"])


def _ours_and_right(source: str, library):
    kernel = parse_kernels(source)[0]
    opt = optimize(kernel, library, "hexagon", Options(scheduler="list", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    assert len(opt.code.parts) == len(kernel.stores), opt.notes
    inputs = random_inputs(kernel, 4)
    run = hexagon.run_on_qemu(kernel, opt.code.asm, inputs)
    assert not check_against_reference(kernel, run.outputs, inputs)
    return opt, run


@pytest.mark.parametrize("t, n", [("u16", 10007), ("u8", 777), ("i16", 4099), ("i32", 1500)])
def test_min_and_max_of_one_signal(t, n, library):
    opt, run = _ours_and_right(f"""kernel k(x: {t}[{n}]) -> (lo: {t}, hi: {t}) {{
      i = range({n}, reduce)
      lo = reduce_min(x[i], i)
      hi = reduce_max(x[i], i) }}""", library)
    # The wrapper's own packets are counted beside the parts' model cycles: 8 for two parts
    # and two buffers (allocframe, two saves, two calls, two reloads, the return).
    parts = sum(p.model_cycles for p in opt.code.parts)
    wrapper = opt.code.asm[:opt.code.asm.index(opt.code.parts[0].asm)]
    assert opt.code.model_cycles == parts + packets(wrapper) == parts + 8


def test_parts_with_buffers_on_the_stack(library):
    """Eight buffers: the wrapper copies the seventh and eighth to its own outgoing area,
    where each part reads them."""
    _ours_and_right("""kernel k(a: i16[3000], b: i16[3000], c: i16[3000], d: i16[3000], e: u8[3000],
                                  f: u8[3000]) -> (lo: i16, hi: u8) {
      i = range(3000, reduce)
      lo = reduce_min(a[i] - b[i], i)
      hi = reduce_max(max(e[i], f[i]), i) }""", library)


def test_dependent_stores_are_not_split(library):
    (kernel,) = parse_kernels("""kernel k(x: u8[300]) -> (t: u8[300], o: u8[300]) {
      i = range(300)
      t[i] = x[i] + 1
      o[i] = t[i] * 2 }""")
    assert independent_parts(kernel, kernel) is None
    (single,) = parse_kernels("kernel k(x: u8[300]) -> (o: u8[300]) { i = range(300)\n o[i] = x[i] }")
    assert independent_parts(single, single) is None


@pytest.mark.parametrize("n", [300, 61])
def test_f32_stores_on_the_scalar_core(n, library):
    """The scalar core's f32 code takes one store a kernel: three stores over seven buffers
    are three parts, each saving callee-saved registers in its own frame and reading the
    seventh buffer from the wrapper's outgoing area."""
    _ours_and_right(f"""kernel k(a: f32[{n}], b: f32[{n}], c: f32[{n}], d: f32[{n}])
                       -> (o1: f32[{n}], o2: f32[{n}], o3: f32[{n}]) {{
      i = range({n})
      o1[i] = a[i] * b[i] + c[i]
      o2[i] = a[i] - d[i]
      o3[i] = c[i] * d[i] }}""", library)


@pytest.mark.parametrize("source", [
    # two stores into one buffer, in order (a concatenation): once LLVM's code
    """kernel k(a: u8[30], b: u8[50]) -> (out: u8[80]) {
      i = range(30); j = range(50)
      out[i] = a[i]
      out[j + 30] = b[j] }""",
    # f32 stores with a scalar parameter: once LLVM's code
    """kernel k(a: f32, x: f32[77]) -> (p: f32[77], q: f32[77]) {
      i = range(77)
      p[i] = a * x[i]
      q[i] = x[i] - a }""",
])
def test_kernels_that_fell_back_for_their_stores(source, library):
    _ours_and_right(source, library)
