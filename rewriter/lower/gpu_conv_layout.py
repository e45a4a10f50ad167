"""The layout launch in front of a "wgmma-conv" over a channels-first image (issue 16, item 2).

A KH x KW convolution reading img[c, y + ky, x + kx] (NCHW, x contiguous) cannot shift its
image boxes by kx on the copy engine: a tiled box must start 16 bytes into a row or a multiple
of it along the innermost dimension (gpu_wgmma.TMA_COORD_ALIGN; the H100 traps with an illegal
instruction otherwise), and x0 + kx is 2 kx bytes in. With channels innermost the pixel shift
is an outer coordinate, always legal (gpu_wgmma_conv: the channels-last plan, B K-major).

So the program gets two launches and one device-only temporary:

  1. `tmp[p, c] = img[c, p]` over the image's channel planes (p = y * SY + x, every pixel of a
     plane of SC elements, row padding included): a 2-d transpose, the existing
     "tiled-transpose" strategy (lower/gpu_transpose.py: both sides coalesced through a padded
     shared tile, its bank-conflict cost model), lowered from a two-line kernel over the same
     buffer names;
  2. the channels-last conv reading tmp[(y + ky) SY + x + kx, c]: pixel stride C, row stride
     SY C (the channels-first plan with its image strides and layout swapped).

The temporary is SC x C halves (32 MB for 64 x 512 x 512), written and read once per run: on
the H100 the layout launch took ~25 us of the NCHW path's 71.4 us (the channels-last conv
alone: 46.4 us; bench/results/gpu.md), still 1.81x faster than cuDNN on the NCHW tensors.
"""
from __future__ import annotations

from dataclasses import replace

from rewriter.ir.dtype import f16
from rewriter.kernel.kernel import Buffer
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.simplify import simplify_kernel
from rewriter.lower.gpu_ops import GpuSpec
from rewriter.lower.gpu_transpose import _tiled_transpose
from rewriter.lower.lower import _Lowerer


def _fresh(names: set, base: str) -> str:
    n, i = base, 1
    while n in names:
        n, i = f"{base}{i}", i + 1
    return n


def channels_last_launches(lw: _Lowerer, plan, name: str, spec: GpuSpec, notes: list, scratch: list | None,
                           why: str):
    """([the layout launch], the channels-last ConvPlan over the temporary) for channels-first
    `plan`, appending the temporary to `scratch`; None (with a note) where it cannot."""
    def refuse(reason: str):
        notes.append(f"{name}: wgmma-conv not taken ({why}; {reason}); falling back to the next strategy")
        return None

    if scratch is None:
        return refuse("no device temporaries in this lowering for a channels-last copy")
    img = lw.k.buffer(plan.img_buffer)
    xs, ys, cs = plan.img_extent
    sc, sy = plan.img_sc, plan.img_sy
    if plan.img_sx != 1 or (ys - 1) * sy + xs > sc:
        return refuse(f"the channel planes ({sc} halves) do not hold the {ys} rows of {sy} halves")
    if img.size < cs * sc:
        return refuse(f"the image buffer ({img.size} halves) is not {cs} whole channel planes")
    taken = {b.name for b in lw.k.buffers} | {b.name for b in scratch}
    tmp = _fresh(taken, f"{plan.img_buffer}_hwc")
    text = (f"kernel {name}_hwc({plan.img_buffer}: f16[{cs}, {sc}]) -> ({tmp}: f16[{sc}, {cs}]) {{\n"
            f"  p = range({sc}); c = range({cs})\n  {tmp}[p, c] = {plan.img_buffer}[c, p]\n}}\n")
    k2 = parse_kernels(text)[0]
    k2 = simplify_kernel(k2, lw.rw) if lw.rw is not None else k2
    sub: list = []
    pre = _tiled_transpose(_Lowerer(k2, lw.target, lw.rw), k2.stores[0], f"{name}_hwc", spec, sub)
    if not pre:
        return refuse("the tiled transpose does not take the channels-last copy")
    param = len(lw.k.buffers) + len(scratch)
    scratch.append(Buffer(tmp, f16, (sc * cs,), "temp"))
    hwc = replace(plan, hwc=True, img_buffer=tmp, img_param=param, img_sx=cs, img_sy=sy * cs, img_sc=1,
                  params=plan.params + (tmp,))
    problem = hwc.tma_problem()
    if problem:  # cannot happen (channel starts are multiples of 64): kept as a guard
        scratch.pop()
        return refuse(f"channels-last boxes too: {problem}")
    notes.append(f"{name}: channels-first image {plan.img_buffer} ({why}): layout launch first, "
                 f"{tmp}[p, c] = {plan.img_buffer}[c, p] ({sc} x {cs} halves, a device temporary) by "
                 + "; ".join(sub) + "; then the conv reads it channels-last")
    return list(pre), hwc
