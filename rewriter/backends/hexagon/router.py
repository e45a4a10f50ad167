"""Control vectors for HVX's delta networks: a byte permutation known at compile time as
`vrdelta`, `vdelta` or both, each control vector proven by evaluating the row's semantics.

The network (isa.py's `vdelta` / `vrdelta` rows, from QEMU's ext.idef; both CVI_VP, one
XLANE unit: the Hexagon V66 HVX PRM lists them as permute-resource instructions) is a
*pull* network of 7 stages over the 128 bytes: in the stage of offset `off` (a power of two)
output byte k takes byte k ^ off of the stage's input where bit `off` of control byte k is
set, else byte k. `vrdelta` runs the stages with off = 1, 2, .., 64 (least significant bit
first), `vdelta` with off = 64, .., 1. The control byte of position k holds one bit per
stage, so every (stage, position) switch is free.

Routing an element (a byte going from source position p to output position q) through a
sequence of stages: after the stages of the bits S it sits at `(q & S) | (p & ~S)`. That is
a valid route iff no two elements from *different* sources sit at one position after any
stage (two copies of one source byte may share it: a pull network can fan out). The switch
bits then follow: where an element moved into position x at the stage `off`, bit `off` of
control byte x is set.

  * One pass. Least significant bit first (`vrdelta`) routes every order-preserving map that
    never widens a gap (q2 - q1 <= p2 - p1 for p1 < p2): two elements in one aligned run of
    2^(j+1) sources are less than 2^(j+1) apart in the output, so their low j+1 bits differ
    -- a *compress* (selected bytes to the low end, in order), shifted anywhere. Most
    significant bit first (`vdelta`) routes the inverse, every map that never narrows a gap:
    an *expand*. (Hilewitz & Lee, "Fast bit compression and expansion with parallel extract
    and parallel deposit instructions", ASAP 2006: compress by the inverse butterfly,
    expand by the butterfly.) Others may route too: each is tried by its own conflict check.
  * Two passes, `vrdelta` then `vdelta`: the stages 1, 2, .., 64, 64, .., 1 are a Benes
    network, which routes every permutation (a partial map is completed to one first). The
    standard looping algorithm picks for each element a middle position c, one bit a level:
    at level j, within a subnetwork (the elements whose c agree below j), the two elements
    that share their source bits above j must take different bits j, and so must the two
    that share their output bits above j; these pairings are two perfect matchings, whose
    union is even cycles, so alternating colours along each cycle satisfies both. At the
    last level c's top bit is the output's.

Every route is then *evaluated*: the rows' lane equations (`lanesem.row_meaning`) run on a
vector holding each byte's own position, and the result must be the wanted map wherever it
is defined. The networks are data-oblivious, so that one evaluation proves the control vector
for all data; a routing bug raises `RoutingError` instead of emitting wrong code.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import row_meaning
from rewriter.backends.hexagon.mir import HexagonUnsupported

NBYTES = 128
BITS = 7  # log2(NBYTES)
#: Stage offsets of each network row, in the order they run.
STAGES = {"vrdelta": tuple(1 << j for j in range(BITS)), "vdelta": tuple(1 << j for j in reversed(range(BITS)))}


class RoutingError(HexagonUnsupported):
    """A map the networks cannot route (or a control vector that failed its proof)."""


def route(mapping: dict[int, int]) -> tuple[tuple[str, bytes], ...]:
    """The passes `((row, control bytes), ...)` that move byte `mapping[q]` of a vector to
    position q for every q in `mapping` (the other positions are left undefined): none for
    the identity, one of `vrdelta` / `vdelta` where it routes, else `vrdelta` then `vdelta`.
    Raises `RoutingError` where no route exists (a fan-out the Benes network cannot make)."""
    return _route(tuple(sorted(mapping.items())))


@lru_cache(maxsize=4096)
def _route(items: tuple) -> tuple[tuple[str, bytes], ...]:
    mapping = dict(items)
    if any(not (0 <= q < NBYTES and 0 <= p < NBYTES) for q, p in items):
        raise RoutingError(f"a byte map outside {NBYTES} bytes")
    if all(q == p for q, p in items):
        return ()
    for name in ("vrdelta", "vdelta"):
        ctrl = _one_pass(items, STAGES[name])
        if ctrl is not None:
            passes = ((name, ctrl),)
            _prove(passes, mapping)
            return passes
    passes = _benes(mapping)
    _prove(passes, mapping)
    return passes


def _one_pass(items: tuple, stages: tuple) -> bytes | None:
    """The control vector routing `items` ((q, p) pairs) through `stages`, or None where two
    different source bytes would meet at one position."""
    paths = []
    for q, p in items:
        done, at = 0, [p]
        for off in stages:
            done |= off
            at.append((q & done) | (p & ~done))
        paths.append((p, at))
    return _controls(paths, stages)


def _controls(paths: list, stages: tuple) -> bytes | None:
    """Control bytes from element paths `(source, [position before stage 0, after stage 0,
    ...])`; None where two different sources share a position after some stage."""
    ctrl = bytearray(NBYTES)
    for s, off in enumerate(stages):
        holder: dict[int, int] = {}
        for src, at in paths:
            x = at[s + 1]
            if holder.setdefault(x, src) != src:
                return None
            if at[s] != x:
                if at[s] != x ^ off:
                    raise RoutingError(f"a path that moves along another bit than {off}")
                ctrl[x] |= off
    return bytes(ctrl)


def _benes(mapping: dict[int, int]) -> tuple[tuple[str, bytes], ...]:
    """`vrdelta` then `vdelta`: the looping algorithm on the map completed to a permutation."""
    if len(set(mapping.values())) != len(mapping):
        raise RoutingError("a byte map that copies one byte to several places through a Benes network")
    free_src = sorted(set(range(NBYTES)) - set(mapping.values()))
    free_out = sorted(set(range(NBYTES)) - set(mapping))
    perm = dict(mapping)
    perm.update(zip(free_out, free_src))
    elems = [(p, q) for q, p in sorted(perm.items())]  # (source, output)
    mid = [0] * NBYTES  # the middle position c of each element, built a bit a level
    groups = [list(range(NBYTES))]
    for j in range(BITS - 1):
        nxt = []
        for g in groups:
            by_p, by_q = {}, {}
            for e in g:
                by_p.setdefault(elems[e][0] >> (j + 1), []).append(e)
                by_q.setdefault(elems[e][1] >> (j + 1), []).append(e)
            mate_p = {e: (a if e == b else b) for a, b in by_p.values() for e in (a, b)}
            mate_q = {e: (a if e == b else b) for a, b in by_q.values() for e in (a, b)}
            colour: dict[int, int] = {}
            for start in g:
                e, c = start, 0
                while e not in colour:  # around the cycle: p-mate opposite, its q-mate opposite again
                    colour[e] = c
                    colour[mate_p[e]] = 1 - c
                    e = mate_q[mate_p[e]]
            for bit in (0, 1):
                part = [e for e in g if colour[e] == bit]
                for e in part:
                    mid[e] |= bit << j
                nxt.append(part)
        groups = nxt
    top = 1 << (BITS - 1)
    for e, (_p, q) in enumerate(elems):
        mid[e] |= q & top
    first, second = [], []
    for e, (p, q) in enumerate(elems):
        done, at = 0, [p]
        for off in STAGES["vrdelta"]:
            done |= off
            at.append((mid[e] & done) | (p & ~done))
        first.append((p, at))
        done, back = 0, [mid[e]]
        for off in STAGES["vdelta"]:
            done |= off
            back.append((q & done) | (mid[e] & ~done))
        second.append((p, back))
    c1, c2 = _controls(first, STAGES["vrdelta"]), _controls(second, STAGES["vdelta"])
    if c1 is None or c2 is None:
        raise RoutingError("the looping algorithm left two bytes at one position")
    return (("vrdelta", c1), ("vdelta", c2))


def apply(passes, data: np.ndarray) -> np.ndarray:
    """`data` (128 bytes) through the passes by the rows' own semantics (`lanesem`)."""
    out = np.asarray(data, dtype=np.uint8)
    for name, ctrl in passes:
        res = row_meaning(INSNS[name], {"u": out, "v": np.frombuffer(ctrl, dtype=np.uint8)})
        out = res["d"][0]
    return out


def _prove(passes, mapping: dict[int, int]) -> None:
    """Raise `RoutingError` unless the passes move byte mapping[q] to q for every q: the
    networks only move bytes, so running them on the vector of positions 0..127 shows where
    every output byte comes from, for any data."""
    got = apply(passes, np.arange(NBYTES, dtype=np.uint8))
    bad = [q for q, p in mapping.items() if int(got[q]) != p]
    if bad:
        raise RoutingError(f"a {'+'.join(n for n, _ in passes)} route that misplaces bytes {bad[:4]}")
