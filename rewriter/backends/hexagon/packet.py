"""The packet rules (`packet_fits`): at most 4 instructions and 4 words, each instruction (each
part of a bundle) in one of its scalar slots, the HVX resources it takes (one alternative of
its resource class each) all distinct, slot 1 empty beside vmemu. The list scheduler, the
packing bound and the pipelined emission all ask this one predicate."""
from __future__ import annotations

from functools import lru_cache
from itertools import product

from rewriter.backends.hexagon.isa import MODEL, MachineModel


def packet_fits(model: MachineModel, descs) -> bool:
    """Whether instructions with these descriptions can form one packet."""
    descs = tuple(descs)
    # The machine's own model is cached: the schedulers ask about the same few combinations
    # of rows millions of times (a scalar float body of 3000 instructions).
    return _fits_model(descs) if model is MODEL else _fits(model, descs)


@lru_cache(maxsize=1 << 16)
def _fits_model(descs: tuple) -> bool:
    return _fits(MODEL, descs)


def _fits(model: MachineModel, descs: tuple) -> bool:
    if sum(d.parts for d in descs) > model.max_insns or sum(d.words for d in descs) > model.max_words:
        return False
    if not _slots_ok(descs, forbid={1} if any(d.no_slot1 for d in descs) else frozenset()):
        return False
    return _resources_ok(descs)


def _slots_ok(descs, forbid=frozenset()) -> bool:
    # A matching of machine instructions (a bundle's parts each) to distinct slots.
    slots = [s for s in MODEL.slots if s not in forbid]
    sets = sorted((s for d in descs for s in d.slot_sets), key=len)
    if len(sets) > len(slots):
        return False
    return _match([tuple(s for s in ss if s not in forbid) for ss in sets], set())


def _match(options, used) -> bool:
    if not options:
        return True
    for s in options[0]:
        if s not in used and _match(options[1:], used | {s}):
            return True
    return False


def _resources_ok(descs) -> bool:
    hvx = [d.resource_options for d in descs if d.is_hvx]
    for choice in product(*hvx):
        taken: set = set()
        ok = True
        for res in choice:
            if taken & res:
                ok = False
                break
            taken |= res
        if ok:
            return True
    return False
