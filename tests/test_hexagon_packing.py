"""The packing bound (backends/hexagon/packing.py) against brute force and the per-resource
counts, and as a bound on what QEMU executes."""
from __future__ import annotations

import random
from functools import lru_cache

from rewriter.backends.hexagon.isa import INSNS, MODEL
from rewriter.backends.hexagon.packing import packing_bound
from rewriter.backends.hexagon.schedule import _packet_legal, per_resource_bound


def _fewest_packets(descs) -> int:
    """Brute force, through the checker's own packet rules (`_packet_legal`, not the
    `packet_fits` the bound enumerates with): the fewest legal packets partitioning descs."""
    descs = tuple(sorted(descs, key=lambda d: d.name))

    @lru_cache(maxsize=None)
    def best(rest: tuple) -> int:
        if not rest:
            return 0
        first, others = rest[0], rest[1:]
        result = 1 + best(others)
        n = len(others)
        for mask in range(1, 1 << n):  # the packet holding `first` and some of the others
            pick = [others[i] for i in range(n) if mask >> i & 1]
            if len(pick) >= MODEL.max_insns or not _packet_legal(MODEL, [first] + pick):
                continue
            left = tuple(others[i] for i in range(n) if not mask >> i & 1)
            result = min(result, 1 + best(left))
        return result

    return best(descs)


def test_packing_bound_is_the_fewest_legal_packets():
    rng = random.Random(7)
    rows = sorted(INSNS.values(), key=lambda d: d.name)
    hvx = [d for d in rows if d.is_hvx]
    for _ in range(60):
        pool = rng.sample(hvx, 3) + rng.sample(rows, 2)
        descs = [rng.choice(pool) for _ in range(rng.randint(1, 7))]
        assert packing_bound(descs) == _fewest_packets(descs), [d.name for d in descs]


def test_packing_sees_what_counting_resources_does_not():
    """A store takes a VA unit besides ST, vshuff takes SHIFT and XLANE, the sliding vrmpy
    both multipliers: each resource alone allows 4 packets for three of each, but no packet
    holds all three (docs/HEXAGON.md, the conv3x3 stencil's steady state)."""
    descs = [INSNS["vmem_st"], INSNS["vshuffvdd"], INSNS["vrmpybusi"]] * 3
    assert per_resource_bound(descs) == 4
    assert packing_bound(descs) == _fewest_packets(descs) == 5


def test_new_value_store_bundle_frees_the_packet_a_plain_store_fills():
    """The bundled vshuff + `vmem(..) = v.new` takes no VA unit for its store: a packet holds
    it beside a double multiply, where vshuff + plain store + vrmpy fits no packet; and it
    counts two instructions, with the store part in slot 0."""
    bundle, vrmpy, shuff, store = (INSNS[n] for n in ("vshuffvdd_stnew", "vrmpybusi", "vshuffvdd", "vmem_st"))
    assert bundle.parts == 2 and bundle.slot_sets[1] == (0,)
    assert _packet_legal(MODEL, [bundle, vrmpy]) and _packet_legal(MODEL, [bundle, INSNS["addi"], INSNS["addi"]])
    assert not _packet_legal(MODEL, [shuff, store, vrmpy])
    assert not _packet_legal(MODEL, [bundle, store])  # one slot 0
    assert not _packet_legal(MODEL, [bundle, INSNS["addi"], INSNS["addi"], INSNS["addi"]])  # five instructions
    assert packing_bound([bundle, vrmpy] * 3) == _fewest_packets([bundle, vrmpy] * 3) == 3
    assert packing_bound([shuff, store, vrmpy] * 3) == 5


def test_packing_bound_never_below_the_resource_counts():
    rng = random.Random(3)
    rows = sorted(INSNS.values(), key=lambda d: d.name)
    for _ in range(200):
        pool = rng.sample(rows, 4)
        descs = [rng.choice(pool) for _ in range(rng.randint(1, 12))]
        assert packing_bound(descs) >= per_resource_bound(descs)
