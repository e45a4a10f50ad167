"""What one row of the Hexagon machine model is (`InsnDesc`), and the resources and slots it
names: the vocabulary of the ISA table (`isa.py`, which says where each fact comes from) and
of its HVX rows beyond the selector's core (`hvx_rows.py`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# ---- resources -------------------------------------------------------------------------------
MPY0, MPY1, SHIFT, XLANE, LD, ST = "mpy0", "mpy1", "shift", "xlane", "ld", "st"
HVX_RESOURCES = (MPY0, MPY1, SHIFT, XLANE, LD, ST)

# Resource classes (from the itinerary names): alternatives, each a frozenset to take together.
_VA = (frozenset({MPY0}), frozenset({MPY1}), frozenset({SHIFT}), frozenset({XLANE}))
RESOURCE_CLASSES: dict[str, tuple[frozenset, ...]] = {
    "VA": _VA,
    "VA_DV": (frozenset({MPY0, MPY1}), frozenset({SHIFT, XLANE})),
    "VX": (frozenset({MPY0}), frozenset({MPY1})),
    "VX_DV": (frozenset({MPY0, MPY1}),),
    "VS": (frozenset({SHIFT}),),
    "VP": (frozenset({XLANE}),),
    "VP_VS": (frozenset({SHIFT, XLANE}),),
    "LOAD": tuple(frozenset({LD}) | r for r in _VA),
    "LOADU": (frozenset({LD, XLANE}),),
    # An unaligned store rotates through the permute network as the unaligned load does
    # (llvm-mc: no vpacke or vdeal beside `vmemu(..) = Vs`).
    "STOREU": (frozenset({ST, XLANE}),),
    "STORE": tuple(frozenset({ST}) | r for r in _VA),
    # A permute whose result a new-value store writes in the same packet: the store part
    # takes ST alone (llvm-mc accepts `vrmpy + vshuff + vmem(..) = v.new` in one packet,
    # and rejects the same packet with a plain store, which needs a VA unit).
    "VP_VS+ST_NEW": (frozenset({SHIFT, XLANE, ST}),),
    "NONE": (frozenset(),),
}

SLOTS_ANY, SLOTS_MEM, SLOTS_ST, SLOTS_23, SLOTS_2, SLOTS_3 = (0, 1, 2, 3), (0, 1), (0,), (2, 3), (2,), (3,)


@dataclass(frozen=True)
class InsnDesc:
    """One machine instruction. Operand names in `asm` are `{d}` (defs) and `{u}`, `{v}`...
    (uses), each listed with its register class in `defs` / `uses`; immediates are `{imm}`
    fields named in `imms`. `sem` is the meaning: a lane-wise op-table pattern, lane
    equations, or for memory and control a plain description (see the module docstring)."""

    name: str
    llvm: str  # the LLVM opcode (HexagonDepInstrInfo.td), for reference
    asm: str
    defs: tuple[tuple[str, str], ...]
    uses: tuple[tuple[str, str], ...]
    sem: str
    rclass: str  # key of RESOURCE_CLASSES
    slots: tuple[int, ...]
    latency: int
    imms: tuple[str, ...] = ()
    words: int = 1  # instruction words (a constant extender adds one)
    no_slot1: bool = False  # the packet must leave slot 1 empty (vmemu)
    tied: tuple[tuple[str, str], ...] = ()  # (def, use) pairs that are one register (Vx +=)
    side_effect: str = ""  # "load" | "store" | "loop" | "branch" | ""
    # `sem` is a lane-wise pattern in the op-table language (parsed by the selector, which
    # covers kernel terms with these rows); its variables name the operands.
    lanewise: bool = False
    note: str = ""
    # Register-pair operands: (asm field, low def, high def); the pair is v(2k+1):2k.
    pairs: tuple[tuple[str, str, str], ...] = ()
    #: The slot sets of further machine instructions this row issues in the same packet (a
    #: bundle: `vmem(..) = Vs.new` must share its producer's packet, so the two are one row
    #: that every scheduler places as a unit). Each takes an instruction and a slot.
    bundle: tuple[tuple[int, ...], ...] = ()

    @property
    def slot_sets(self) -> tuple[tuple[int, ...], ...]:
        """The slot set of each machine instruction the row issues (one, or more for a bundle)."""
        return (self.slots,) + self.bundle

    @property
    def parts(self) -> int:
        """Machine instructions the row issues (counted against the packet's four)."""
        return 1 + len(self.bundle)

    @property
    def is_hvx(self) -> bool:
        return self.rclass != "NONE"

    @property
    def resource_options(self) -> tuple[frozenset, ...]:
        return RESOURCE_CLASSES[self.rclass]


def _row(name, llvm, asm, defs, uses, sem, rclass, slots, latency, **kw) -> InsnDesc:
    # A meaning written as one op over typed operand variables is lane-wise (selectable by
    # pattern); memory, lane moves and cross-lane ops describe themselves in words.
    kw.setdefault("lanewise", re.fullmatch(r"[a-z_.]+\((\w:\w+, )*\w:\w+\)", sem) is not None)
    return InsnDesc(name, llvm, asm, tuple(defs), tuple(uses), sem, rclass, tuple(slots), latency, **kw)


_D, _U, _V = ("d", "V"), ("u", "V"), ("v", "V")
