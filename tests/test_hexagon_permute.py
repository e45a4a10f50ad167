"""Compile-time gathers (`backends/hexagon/permute.py`, `router.py`): the router's control
vectors checked through the rows' own semantics on random maps; reads that walk s elements a
lane and stores that interleave s channels, at sizes off the vector grid (tails, odd rows,
rows of a pitch), u8 and i16, each compiled by our selection, run on QEMU and checked against
the reference interpreter."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from rewriter.backends.hexagon.router import NBYTES, RoutingError, apply, route
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.reference import random_inputs
from rewriter.pipeline import Options, check_against_reference, load, optimize
from rewriter.runtime.hexagon import find_toolchain
from rewriter.targets.hexagon import OURS, made_by

ROOT = Path(__file__).resolve().parent.parent
qemu = pytest.mark.skipif(find_toolchain() is None, reason="needs llvm-mc, ld.lld and qemu-hexagon")


from tests.test_hexagon_rows import _ours_checked, library  # noqa: E402,F401 (the shared check; the fixture)


# -- the router ---------------------------------------------------------------------------------
def _check(mapping: dict, passes) -> None:
    """Every mapped byte lands where the map says, by the rows' semantics on random data."""
    data = np.random.default_rng(len(mapping)).integers(0, 256, NBYTES, dtype=np.uint8)
    got = apply(passes, data)
    for q, p in mapping.items():
        assert got[q] == data[p]


@pytest.mark.parametrize("seed", range(12))
def test_router_compress_expand_and_permutations(seed):
    """A compress (selected bytes in order to a run anywhere) is one vrdelta, an expand (its
    inverse) one vdelta, any permutation (partial or whole) at most vrdelta + vdelta."""
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(NBYTES), rng.randint(1, NBYTES)))
    at = rng.randint(0, NBYTES - len(picked))
    compress = {at + k: p for k, p in enumerate(picked)}
    passes = route(compress)
    assert [n for n, _ in passes] in ([], ["vrdelta"])
    _check(compress, passes)
    expand = {p: at + k for k, p in enumerate(picked)}
    passes = route(expand)
    assert [n for n, _ in passes] in ([], ["vdelta"])
    _check(expand, passes)
    perm = list(range(NBYTES))
    rng.shuffle(perm)
    partial = {q: perm[q] for q in rng.sample(range(NBYTES), rng.choice((NBYTES, rng.randint(1, NBYTES))))}
    passes = route(partial)
    assert len(passes) <= 2
    _check(partial, passes)


@pytest.mark.parametrize("seed", range(6))
def test_router_fan_out_routes_or_refuses(seed):
    """A map that copies bytes to several places: a one-pass route where one exists (a pull
    network can fan out), else a typed refusal, never a wrong route."""
    rng = random.Random(100 + seed)
    srcs = rng.sample(range(NBYTES), rng.randint(1, 16))
    mapping = {q: rng.choice(srcs) for q in rng.sample(range(NBYTES), rng.randint(1, NBYTES))}
    try:
        passes = route(mapping)
    except RoutingError:
        return
    _check(mapping, passes)


@pytest.mark.parametrize("s, eb", [(3, 1), (5, 1), (7, 1), (3, 2), (5, 2)])
def test_router_stride_reads_merge_then_one_pass(s, eb):
    """The merged sources of a stride-s read (channel c's bytes sit at distinct positions of
    the s source vectors) route to the lanes in one pass."""
    per = NBYTES // eb
    for c in range(s):
        mapping = {i * eb + e: ((c + s * i) * eb + e) % NBYTES for i in range(per) for e in range(eb)}
        passes = route(mapping)
        assert len(passes) == 1
        _check(mapping, passes)


# -- reads walking s elements a lane --------------------------------------------------------------
@qemu
@pytest.mark.parametrize("s, h, w", [(3, 5, 100), (3, 3, 200), (5, 3, 77), (7, 2, 150)])
def test_channel_sum_u8(s, h, w, library):
    """`sum(inp[y, x, c], c)`: s reads a lane (gathers), widened, added, narrowed; the pixels
    run as one range of h*w lanes, the last block overlapping the one before. (A power of
    two s is a segmented reduction: segments.py.)"""
    _ours_checked(f"""kernel k(inp: u8[{h}, {w}, {s}]) -> (out: u8[{h}, {w}]) {{
      y = range({h}); x = range({w}); c = range({s}, reduce)
      out[y, x] = cast<u8>(sum(cast<u16>(inp[y, x, c]), c) / {s}) }}""", library)


@qemu
@pytest.mark.parametrize("s, g", [(3, 8), (5, 30), (7, 19)])
def test_segment_sums_not_of_powers_of_two(s, g, library):
    """`sum(x[y, g*s + j], j)` with s not a power of two (which segments.py's deal rounds
    halve): the terms unrolled, each a gather of s elements a lane."""
    _ours_checked(f"""kernel k(x: u8[2, {g * s + 1}]) -> (out: i32[2, {g}]) {{
      y = range(2); g = range({g}); j = range({s}, reduce)
      out[y, g] = sum(cast<i32>(x[y, g * {s} + j]), j) }}""", library)


@qemu
@pytest.mark.parametrize("t, s, h, w, pitch", [("u8", 3, 3, 100, 101), ("i16", 3, 3, 50, 53), ("i16", 5, 2, 70, 70),
                                                ("u8", 3, 4, 300, 300), ("u8", 4, 3, 90, 97)])
def test_weighted_channels(t, s, h, w, pitch, library):
    """Two channels of a channels-last image combined lane-wise; rows `pitch` pixels apart
    (rows of their own, unaligned where pitch * s is off the grid)."""
    _ours_checked(f"""kernel k(inp: {t}[{h}, {pitch}, {s}]) -> (out: {t}[{h}, {w}]) {{
      y = range({h}); x = range({w})
      out[y, x] = max(inp[y, x, 0] - inp[y, x, {s - 1}], inp[y, x, 1]) }}""", library)


@qemu
@pytest.mark.parametrize("t, n", [("u8", 300), ("i16", 100), ("u8", 1000)])
def test_decimation_by_three(t, n, library):
    """`x[3i] + x[3i + 2]`: a one-dimensional read of three elements a lane."""
    _ours_checked(f"""kernel k(x: {t}[{3 * n}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = x[3 * i] + x[3 * i + 2] }}""", library)


@qemu
def test_rgb_to_gray_is_ours(library):
    """The suite's kernel: three channel gathers a block."""
    text = (ROOT / "bench/kernels/rgb_to_gray_u8.ir").read_text()
    opt = _ours_checked(text, library)
    assert "vrdelta" in opt.text("asm")


# -- stores interleaving s channels --------------------------------------------------------------
@qemu
@pytest.mark.parametrize("t, s, h, w", [("u8", 3, 3, 100), ("i16", 3, 2, 90), ("u8", 5, 2, 64), ("u8", 4, 3, 50)])
def test_planar_to_interleaved(t, s, h, w, library):
    """`out[y, x, c] = planes[c, y, x]`: the channel range unrolled (s stores), each plane a
    vector read, the s values interleaved into the channels-last rows (4: vshuff rounds)."""
    _ours_checked(f"""kernel k(planes: {t}[{s}, {h}, {w}]) -> (out: {t}[{h}, {w}, {s}]) {{
      y = range({h}); x = range({w}); c = range({s})
      out[y, x, c] = planes[c, y, x] + planes[0, y, x] }}""", library)


@qemu
@pytest.mark.parametrize("t, s, h, w", [("u8", 3, 3, 100), ("i16", 3, 2, 77), ("u8", 5, 2, 60), ("u8", 3, 1, 40)])
def test_channel_order_reversed(t, s, h, w, library):
    """`out[y, x, c] = inp[y, x, s - 1 - c]`: gathers in, a gathered interleave out."""
    _ours_checked(f"""kernel k(inp: {t}[{h}, {w}, {s}]) -> (out: {t}[{h}, {w}, {s}]) {{
      y = range({h}); x = range({w}); c = range({s})
      out[y, x, c] = inp[y, x, {s - 1} - c] }}""", library)


@qemu
@pytest.mark.parametrize("t, n", [("u8", 100), ("i16", 70)])
def test_upsampling_by_three(t, n, library):
    """`x[i / 3]`: the split (split.py) makes three stores a lane apart; not a power of two,
    so a gather interleaves them."""
    opt = _ours_checked(f"""kernel k(x: {t}[{n}]) -> (out: {t}[{3 * n}]) {{
      i = range({3 * n})
      out[i] = x[i / 3] }}""", library)
    assert any("gather" in note for note in opt.notes), opt.notes


@qemu
def test_bgr_to_rgb_is_ours(library):
    text = (ROOT / "bench/kernels/bgr_to_rgb_u8.ir").read_text()
    opt = _ours_checked(text, library)
    assert "delta(" in opt.text("asm")


@qemu
@pytest.mark.parametrize("t, s, n", [("u8", 3, 200), ("i16", 5, 90), ("i32", 3, 50)])
def test_compares_beside_gathers(t, s, n, library):
    """A `where` on gathered channels: the compares and the gathers' byte masks share the
    rotating predicate registers."""
    _ours_checked(f"""kernel k(inp: {t}[{n}, {s}]) -> (out: {t}[{n}]) {{
      x = range({n})
      out[x] = where(inp[x, 0] > inp[x, 1], inp[x, {s - 1}], inp[x, 1] - inp[x, 0]) }}""", library)


@qemu
def test_gathers_under_the_global_scheduler(library):
    """The software-pipelined loop keeps the pool loads and the routes' order."""
    k = parse_kernels("""kernel k(inp: u8[300, 3]) -> (out: u8[300, 3]) {
      x = range(300); c = range(3)
      out[x, c] = inp[x, 2 - c] + inp[x, 1] }""")[0]
    opt = optimize(k, library, "hexagon", Options(scheduler="global", versus_llvm=False))
    assert made_by(opt.code) == OURS, opt.notes
    inputs = random_inputs(k, 7)
    assert not check_against_reference(k, load(opt)(inputs), inputs)


@qemu
@pytest.mark.parametrize("t, s, n", [("u8", 4, 200), ("i16", 4, 70), ("u8", 8, 130)])
def test_power_of_two_strides_are_rounds_of_packs(t, s, n, library):
    """s = 4, 8: `vpacke`/`vpacko` of pairs, round after round (fewer permutes than the
    gather's; the channels share every level), no delta network."""
    opt = _ours_checked(f"""kernel k(x: {t}[{n}, {s}]) -> (out: {t}[{n}]) {{
      i = range({n})
      out[i] = max(x[i, 0] - x[i, {s - 1}], x[i, 1] + x[i, {s // 2}]) }}""", library)
    asm = opt.text("asm")
    assert "vpacke(" in asm and "vpacko(" in asm and "delta(" not in asm


@qemu
@pytest.mark.parametrize("s, n", [(2, 100), (3, 40)])
def test_word_strides_by_gathers(s, n, library):
    """Words have no `vpacke`: a stride-2 (or 3) read of i32 is a gather."""
    opt = _ours_checked(f"""kernel k(x: i32[{s * n}]) -> (out: i32[{n}]) {{
      i = range({n})
      out[i] = x[{s} * i] - x[{s} * i + 1] }}""", library)
    assert "delta(" in opt.text("asm")
