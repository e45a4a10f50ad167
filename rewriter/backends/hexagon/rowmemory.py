"""The memory half of the general HVX row lowering (rows.py): how a `RowSelector` reads and
writes vectors. Split from rows.py, which keeps the other half (which ranges are the row, the
lanes and the loop; what each block computes).

  * **Loads.** A row block's load is whole vectors from the section's *bases* (`_vector`):
    `vmem` where the pointer stays aligned, else `vmemu`, and a read between two vectors of
    a base is one `valign` of the pair (at most `MAX_SHIFT_REGS` shift registers a body); a
    stride-2 read is the even or odd lanes of two vectors (`vpacke`/`vpacko`), wider strides
    are routed (permute.py `strided_read`). Vectors wholly past the live lanes are not
    loaded. An element read by every lane is a splat (`vsplat` of a scalar load, hoisted to
    the prologue for at most `MAX_HOISTED_SPLATS`).
  * **Addressing.** Each buffer has a pointer that `_advance` moves by its elements per
    iteration; offsets past a load's reach get base registers of their own.
  * **Stores.** Whole vectors, and the first n bytes of a vector at any alignment by a
    rotate and two predicated aligned stores (`_partial_store`).

`RowMemory` is a mixin of `RowSelector`: its methods read the selector's state (pointers,
streams, blocks) and are not used on their own.
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import HexagonUnsupported, Reg, insn
from rewriter.backends.hexagon.permute import strided_read
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes
from rewriter.backends.hexagon.streams import Stream
from rewriter.ir.uop import UOp

#: The most distinct `valign` shift registers (r0-r7, which the buffer pointers share) one
#: body holds; further off-grid reads are `vmemu`.
MAX_SHIFT_REGS = 2
#: Scalar loads by (element bytes, signed): the row and its offset's scale (#s11:scale).
SCALAR_LOADS = {(1, False): ("memub", 1), (1, True): ("memb", 1), (2, False): ("memuh", 2),
                (2, True): ("memh", 2), (4, False): ("memw", 4), (4, True): ("memw", 4)}
#: Splatted elements hoisted out of the loop at most (`RowSelector._splat`).
MAX_HOISTED_SPLATS = 8
#: Lane splats by element bytes.
SPLATS = {1: "vsplatb", 2: "vsplath", 4: "vsplatw"}
#: Even lanes of two vectors (the low one's first) by element bytes: a stride-2 read.
EVEN_LANES = {1: "vpackeb", 2: "vpackeh"}
#: The odd lanes likewise.
ODD_LANES = {1: "vpackob", 2: "vpackoh"}


class RowMemory:
    """Loads, splats, stores and pointer moves of the row lowering (the module docstring)."""

    def _load(self, u: UOp) -> list[Reg]:
        t = u.dtype
        if t.is_float or t.is_bool or t.scalar.bits > 32:
            raise HexagonUnsupported(f"values of type {t}")
        eb, n = _elem_bytes(t), self.nvec(t)
        s = self.streams[u.arg]
        first = self._first(u)
        if s.lane == 0:
            return [self._splat(u.arg, first * eb, t)] * n
        per_vec = VBYTES // eb
        live = min((x for x in (self.live_lanes, self.valid_lanes) if x is not None), default=None)
        if live is not None:
            # Vectors wholly past the live (or stored) lanes: a copy, never stored. Lane-wise
            # ops, packs and widenings keep a lane's value among the lanes of its own vector
            # group, so no stored lane reads them; and a row narrower than a block at the
            # buffer's end then reads no further than the row does.
            regs = self._load_vectors(u, s, first, eb, min(n, max(1, -(-live // per_vec))), live)
            return regs + [regs[-1]] * (n - len(regs))
        return self._load_vectors(u, s, first, eb, n)

    def _load_vectors(self, u: UOp, s: Stream, first: int, eb: int, n: int, live: int | None = None) -> list[Reg]:
        """The first `n` vectors of `u`'s lanes from element `first` (a vector or stride-2 read);
        only the first `live` lanes (None: all) need be right."""
        t = u.dtype
        per_vec = VBYTES // eb
        if s.lane == 1:
            return [self._vector(u.arg, (first + j * per_vec) * eb) for j in range(n)]
        if s.lane & (s.lane - 1) == 0 and eb in EVEN_LANES:  # 2, 4, 8: rounds of packs
            return [self._packed(u.arg, first + s.lane * j * per_vec, s.lane, eb,
                                 None if live is None else min(per_vec, live - j * per_vec)) for j in range(n)]
        return strided_read(self, u.arg, first, t, s.lane, n, live)  # (a compile-time gather: permute.py)

    def _packed(self, buf: str, first: int, s: int, eb: int, live: int | None = None) -> Reg:
        """The vector of elements first + s*i of `buf` (i over a vector's lanes), s a power of
        two: the even lanes (`vpacke`) or the odd ones (`vpacko`) of the pair of stride-s/2
        vectors from the even start at or before `first`, down to plain vectors. So x[2i]
        and x[2i + 1] share two loads, and the s channels of `x[s*i + c]` share every level
        (s = 4: four loads, four packs, four packs: fewer permutes than a gather's). Only
        the first `live` lanes (None: all) need be right: where they all come from the low
        vector of the pair, the high one is not read (a row at the buffer's end)."""
        if s == 1:
            return self._vector(buf, first * eb)
        per_vec = VBYTES // eb
        h = s // 2
        odd = (first // h) % 2
        start = first - odd * h
        lo = self._packed(buf, start, h, eb, None if live is None else min(per_vec, 2 * live))
        if live is not None and 2 * live <= per_vec:  # (lane i reads lane 2i + odd of the pair)
            hi = lo
        else:
            hi = self._packed(buf, start + h * per_vec, h, eb, None if live is None else 2 * live - per_vec)
        key = ("odd" if odd else "even", lo, hi)
        if key not in self.vloads:
            d = self.reg("V", f"{buf}+{start * eb}B/{s}{f'+{h}' if odd else ''}")
            self.body.add(insn((ODD_LANES if odd else EVEN_LANES)[eb], d=d, u=hi, v=lo))
            self.vloads[key] = d
        return self.vloads[key]

    def _aligned(self, buf: str) -> bool:
        """Whether the pointer of `buf` stays 128-byte aligned (buffers start aligned)."""
        eb = _elem_bytes(self.k.buffer(buf).dtype)
        s = self.streams[buf]
        return (s.row * eb) % VBYTES == 0 and (s.lane * self.block * eb) % VBYTES == 0

    def _address(self, buf: str, byte: int) -> tuple[Reg, int]:
        """(base register, #s4 vector offset) reaching `byte` bytes past the pointer."""
        if byte % VBYTES == 0 and -8 <= byte // VBYTES <= 7:
            return self.ptr[buf], byte // VBYTES
        if byte % VBYTES == 0:  # a base every 16 vectors: its #-8 .. #7 reach them all
            base = (byte // VBYTES + 8) // 16 * 16 * VBYTES
            key = ("addr", buf, base)
            if key not in self.vloads:
                a = self.reg("R", f"&{buf}+{base}B")
                self.body.add(insn("addi", d=a, u=self.ptr[buf], imm=base))
                self.vloads[key] = a
            return self.vloads[key], (byte - base) // VBYTES
        key = ("addr", buf, byte)
        if key not in self.vloads:
            a = self.reg("R", f"&{buf}+{byte}B")
            self.body.add(insn("addi", d=a, u=self.ptr[buf], imm=byte))
            self.vloads[key] = a
        return self.vloads[key], 0

    def _vector(self, buf: str, byte: int) -> Reg:
        """The 128 bytes at `byte` past the pointer of `buf`, from the section's *bases*: a
        base is an address register (the pointer itself first) whose vectors `#k` a load
        reaches directly (aligned `vmem` where the pointer is aligned, else `vmemu`); a read
        between two of them is one `valign` of the pair. So a window's taps in one row share
        two loads, and only a read out of every base's reach (or needing a shift register
        past `MAX_SHIFT_REGS`) starts a new base."""
        key = ("v", buf, byte)
        if key in self.vloads:
            return self.vloads[key]
        bases = self.vloads.setdefault(("bases", buf), [(0, self.ptr[buf])])
        shifts = {c[1] for c in self.consts if c[0] == "r" and c[2] == "R8"}
        d = None
        if self.unaligned and any((byte - b) % VBYTES for b, _ in bases) and self._fits(buf, byte + VBYTES):
            # The "unaligned" form: a read off every base's grid is one vmemu from its own
            # address (load slots) instead of two grid loads and a valign (a permute slot).
            addr = self.reg("R", f"&{buf}+{byte}B")
            self.body.add(insn("addi", d=addr, u=self.ptr[buf], imm=byte))
            d = self.vloads[key] = self.reg("V", f"{buf}+{byte}B")
            self.body.add(insn("vmemu_ld", mem=buf, d=d, p=addr, off=0))
            self.changed += 1
            return d
        for within in (True, False):  # a direct load first, then a valign of a pair
            for b, reg in bases:
                k, shift = divmod(byte - b, VBYTES)
                if within and shift == 0 and -8 <= k <= 7 and self._fits(buf, b + (k + 1) * VBYTES):
                    d = self._grid(buf, b, reg, k)
                elif not within and -8 <= k <= 6 and self._fits(buf, b + (k + 2) * VBYTES) and (
                        shift < 8 or shift in shifts or len(shifts) < MAX_SHIFT_REGS):
                    lo, hi = self._grid(buf, b, reg, k), self._grid(buf, b, reg, k + 1)
                    d = self.reg("V", f"{buf}+{byte}B")
                    if shift < 8:
                        self.body.add(insn("valigni", d=d, u=hi, v=lo, imm=shift))
                    else:
                        self.body.add(insn("valign", d=d, u=hi, v=lo, t=self.scalar_const(shift, "R8")))
                if d is not None:
                    self.vloads[key] = d
                    return d
        if not self._fits(buf, byte + VBYTES):
            raise HexagonUnsupported(f"a vector read past the end of {buf} (a row or window narrower than a block "
                                     "at the buffer's end)")
        reg = self.reg("R", f"&{buf}+{byte}B")
        self.body.add(insn("addi", d=reg, u=self.ptr[buf], imm=byte))
        bases.append((byte, reg))
        d = self.vloads[key] = self._grid(buf, byte, reg, 0)
        return d

    def _grid(self, buf: str, base: int, reg: Reg, k: int) -> Reg:
        """Vector `#k` of the base at byte `base` (register `reg`), loaded once a section."""
        key = ("grid", buf, base, k)
        if key not in self.vloads:
            d = self.reg("V", f"{buf}+{base + k * VBYTES}B")
            row = "vmem_ld" if self._aligned(buf) and base % VBYTES == 0 else "vmemu_ld"
            self.body.add(insn(row, mem=buf, d=d, p=reg, off=k))
            self.vloads[key] = d
        return self.vloads[key]

    def _splat(self, buf: str, byte: int, t) -> Reg:
        """One element of `buf` in every lane: hoisted to the prologue where the pointer never
        moves (at most MAX_HOISTED_SPLATS of them: each holds a vector register through the
        loop, and a 16-tap filter's weights would take half the file), else loaded in the
        section."""
        key = ("splat", buf, byte, t.scalar)
        if key in self.sloads:
            return self.sloads[key]
        fixed = self.streams[buf] == Stream(0, 0) and len(self.sloads) < MAX_HOISTED_SPLATS
        cache = self.sloads if fixed else self.vloads
        if key in cache:
            return cache[key]
        block = self.pro if fixed else self.body
        eb = _elem_bytes(t)
        row, scale = SCALAR_LOADS[(eb, t.signed)]
        p, off = self.ptr[buf], byte
        if not -1024 * scale <= byte < 1024 * scale:
            p, off = self.reg("R", f"&{buf}+{byte}B"), 0
            block.add(insn("addi", d=p, u=self.ptr[buf], imm=byte))
        r, d = self.reg("R", f"{buf}+{byte}B"), self.reg("V", f"splat {buf}+{byte}B")
        block.add(insn(row, mem=buf, d=r, p=p, off=off))
        block.add(insn(SPLATS[eb], d=d, t=r))
        cache[key] = d
        return d

    def _store(self, buf: str, byte: int, r: Reg) -> None:
        if self._aligned(buf) and byte % VBYTES == 0:
            p, off = self._address(buf, byte)
            self.body.add(insn("vmem_st", mem=buf, p=p, u=r, off=off))
            return
        p, off = self._address(buf, byte)
        self.body.add(insn("vmemu_st", mem=buf, p=p, u=r, off=off))

    def _partial_store(self, buf: str, byte: int, r: Reg, n: int) -> None:
        """The first `n` bytes of `r` at `byte` past the pointer of `buf`, any alignment, and
        no other byte written: `r` rotated right by the address's offset m in its line, then
        two aligned stores predicated on the bytes [m, m + n) of the line and the bytes
        [0, m + n - 128) of the next (empty when the bytes fit one line)."""
        addr = self.ptr[buf]
        if byte:
            addr = self.reg("R", f"&{buf}+{byte}B")
            self.body.add(insn("addi", d=addr, u=self.ptr[buf], imm=byte))
        m, back, end = self.reg("R", "m"), self.reg("R", "128-m"), self.reg("R", "m+n")
        self.body.add(insn("andi", d=m, u=addr, imm=VBYTES - 1))
        self.body.add(insn("subri", d=back, u=m, imm=VBYTES))
        self.body.add(insn("addi", d=end, u=m, imm=n))
        rot = self.reg("V", f"{buf} rotated")
        self.body.add(insn("vror", d=rot, u=r, t=back))
        first_end, second_end = self.reg("R", "min(m+n,128)"), self.reg("R", "max(m+n-128,0)")
        self.body.add(insn("minr", d=first_end, u=end, v=self.scalar_const(VBYTES)))
        over = self.reg("R", "m+n-128")
        self.body.add(insn("addi", d=over, u=end, imm=-VBYTES))
        self.body.add(insn("maxr", d=second_end, u=over, v=self.scalar_const(0)))
        upto, before, first, second = (self.reg("Q", x) for x in ("upto", "before", "line", "next"))
        self.body.add(insn("vsetq2", d=upto, t=first_end))
        self.body.add(insn("vsetq", d=before, t=m))
        self.body.add(insn("qand_not", d=first, q=upto, r=before))
        self.body.add(insn("vsetq", d=second, t=second_end))
        self.body.add(insn("vmem_st_q", mem=buf, q=first, p=addr, u=rot, off=0))
        self.body.add(insn("vmem_st_q", mem=buf, q=second, p=addr, u=rot, off=1))

    def _advance(self, elements: dict) -> None:
        """Every moving pointer by its elements per iteration, at the end of the body."""
        for buf, n in sorted(elements.items()):
            if n:
                p = self.ptr[buf]
                self.body.add(insn("addi", d=p, u=p, imm=n * _elem_bytes(self.k.buffer(buf).dtype)))
