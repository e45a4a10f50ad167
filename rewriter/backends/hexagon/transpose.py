"""Transposes on HVX: `out[i, j] = f(inp[j, i])`, a store whose lanes (j) walk a load with a
stride of a whole row, for 1-, 2- and 4-byte elements, any sizes, and any lane-wise `f` of
the one transposed read (constants, casts to wider types, arithmetic).

**The network.** A *tile* is L input rows by L input columns, L = 128 / E lanes of the read's
E-byte elements (a tile is L vectors). Number the rows r and the columns c by their bits
r_0..r_{n-1}, c_0..c_{n-1} (n = log2 L). Loaded, vector r holds lane c. A round pairs the
vectors that differ only in one row bit and moves that bit into the lanes:

  * `vshuff(Vu, Vv, Rt = -E*2^p)` (row `vshuffvdd`) interleaves 2^p-element chunks of Vv
    and Vu: lane bits below p stay, the row bit becomes lane bit p, the lane bits above
    shift up and the top one leaves for the pair's lo/hi choice. It takes the shifter and
    the permute unit (one a packet). Every vshuff of a pass inserts at the same lane bit p,
    the highest row bit first (each insert pushes the earlier ones up), so a pass needs one
    `Rt` register (there are six that `vshuff` can read).
  * For 1- and 2-byte chunks the even/odd pairs `vshuffe` / `vshuffo` (rows `vshuffeb`,
    `vshuffob`, `vshuffeh`, `vshuffoh`) swap row bit t and lane bit t instead; they are plain
    ALU ops (any of four units), so those rounds leave the permute unit free.

After all n rounds each vector holds one output row segment: lane e = row e, one column c
(which c each vector holds is read off the simulation below). L vectors do not fit the 32
vector registers, so a tile runs in two passes through scratch memory on the stack: pass 1
takes groups of 2^m consecutive rows (m = ceil(n/2)) through their m row bits and stores
them; pass 2 loads, for each pass-1 result index, the 2^(n-m) vectors of the different
groups and moves the other row bits, then stores output rows. Both passes together cost as
many permutes as one; the scratch traffic uses load and store slots the permutes leave free.
The scratch (L vectors, 128-byte aligned) is taken below the stack pointer in the prologue and
given back in the epilogue.

**Exactness.** Every permute's byte moves come from its ISA row's own meaning
(`lanesem.row_meaning`, which tests/test_hexagon_isa_qemu.py checks against qemu-hexagon),
and the network is simulated at compile time on element tags: each stored vector must hold
exactly the row segment it is stored as, else `HexagonUnsupported`.

**Loop and tails.** The loop runs over blocks of L input columns (L output rows); its body is
every tile of the block (all of j). A block count that is not a multiple of L ends with one
block that overlaps the one before (in the epilogue), and so does a last row tile: the
overlap recomputes the same values, and no buffer the kernel reads is written. A side
shorter than L: fewer input rows than L leaves the missing rows undefined and stores each
output row's first J elements by predicated stores (`RowSelector._partial_store`); fewer
columns reads lanes past the row's end (inside the padded buffer) whose output rows are not
stored. Vectors that hold nothing stored are never computed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rewriter.backends.hexagon.abi import padded
from rewriter.backends.hexagon.isa import INSNS
from rewriter.backends.hexagon.lanesem import row_meaning
from rewriter.backends.hexagon.mir import SP, HexagonUnsupported, MachineFunction, Reg, insn
from rewriter.backends.hexagon.rows import RowSelector
from rewriter.backends.hexagon.select import VBYTES, FormNotApplicable, SelectionRewriter, _elem_bytes
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.uop import UOp

#: The even/odd pair that swaps a row bit with the lane bit of this many bytes (plain ALU ops);
#: larger chunks take `vshuffvdd`.
SWAPS = {1: ("vshuffeb", "vshuffob"), 2: ("vshuffeh", "vshuffoh")}
#: Row tiles the loop body may hold (they are unrolled in it; more: nested loops).
MAX_TILES = 3


def transposed_read(kernel, st: UOp, simplify) -> bool:
    """Whether `st` is a 2-D store whose value reads some buffer transposed: the store's
    inner range walks that read with a stride other than 0, 1 or 2 elements and the outer
    one with stride 1 (what `transpose` covers; the general lowering refuses it)."""
    indices = st.src[:-1]
    if len(indices) != 2 or any(i.op != "var" for i in indices):
        return False
    outer, inner = (i.arg.name for i in indices)
    for n in st.src[-1].toposort():
        if n.op == "load":
            buf = kernel.buffer(n.arg)
            a = affine(simplify(flatten(list(n.src), buf.shape))) if len(n.src) == len(buf.shape) else None
            if a is not None and a.get(outer) == 1 and a.get(inner, 0) not in (0, 1, 2):
                return True
    return False


def _lane_nodes(value: UOp) -> list[UOp]:
    """The nodes of `value` outside the reads' indices."""
    seen, out, todo = set(), [], [value]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            out.append(n)
            if n.op != "load":
                todo.extend(n.src)
    return out


def _columns(x: "_Vec", L: int, E: int) -> np.ndarray:
    """The tile columns whose elements `x` holds (sorted)."""
    return np.unique(x.tags[x.tags >= 0] // E % L)


@dataclass
class _Vec:
    """A vector of the network: its register (None: nothing in it is needed) and, per byte,
    the tag of the tile element byte it holds, (r * L + c) * E + byte, or -1 (undefined)."""

    reg: Reg | None
    tags: np.ndarray

    @property
    def empty(self) -> bool:
        return bool((self.tags < 0).all())


@lru_cache(maxsize=None)
def _moves(row_name: str, t: int | None) -> dict:
    """Output name -> (byte from u?, source byte) of a two-vector permute row, read off the
    row's meaning (`lanesem.row_meaning`) with byte indices as the data."""
    row = INSNS[row_name]
    extra = {} if t is None else {"t": np.frombuffer(np.int32(t).tobytes(), np.uint8)}
    idx = np.arange(VBYTES, dtype=np.uint8)
    where = row_meaning(row, {"u": idx, "v": idx, **extra})
    which = row_meaning(row, {"u": np.ones(VBYTES, np.uint8), "v": np.zeros(VBYTES, np.uint8), **extra})
    return {name: (which[name][0].astype(bool), where[name][0].astype(np.int64)) for name in where}


class TransposeSelector(RowSelector):
    """`Selector` for the transpose of the module docstring (`transpose()`); a `RowSelector`
    for its predicated partial store."""

    def transpose(self, st: UOp) -> MachineFunction:
        if self.form != "native":
            raise FormNotApplicable("a transpose has one selection form (native)")
        if self.unroll != 1:
            raise HexagonUnsupported(f"unrolling a transpose by {self.unroll} (its body is a column block)")
        k = self.k
        if any(b.dtype.is_float for b in k.buffers):
            raise HexagonUnsupported("floating-point buffers (v66 HVX has no float lanes)")
        *indices, value = st.src
        out = k.buffer(st.arg)
        iv, jv = (x.arg.name for x in indices)
        I, J = k.range(iv).size, k.range(jv).size
        sa = affine(self.simplify(flatten(indices, out.shape)))
        if sa is None or set(sa) - {iv, jv, None} or sa.get(jv) != 1 or sa.get(iv, 0) < J:
            raise HexagonUnsupported(f"the transposing store {st.arg} (rows of {jv} elements, row-major)")
        if isinstance(self.rw, SelectionRewriter):  # lane-wise rules only (as rows.py)
            self.rw = self.rw.lanewise
            self.plain_rw = self.plain_rw.lanewise
        value = self.rw.normalize(self.simplify(self.flat_loads(value)))
        nodes = _lane_nodes(value)
        loads = {n for n in nodes if n.op == "load"}
        if len(loads) != 1 or any(n.op in ("reduce", "var") for n in nodes):
            raise HexagonUnsupported("a transpose of more than one read, or with reductions (one transposed read "
                                     "and lane-wise ops of it only)")
        (load,) = loads
        la = affine(load.src[0])
        if la is None or set(la) - {iv, jv, None} or la.get(iv) != 1 or la.get(jv, 0) < I:
            raise HexagonUnsupported(f"the transposed read {load.arg}[{load.src[0]}] (rows of {iv} elements)")
        if load.arg == st.arg:
            raise HexagonUnsupported("a store whose buffer the kernel reads")
        E = _elem_bytes(load.dtype)
        if load.dtype.is_bool or E > 4:
            raise HexagonUnsupported(f"a transpose of {load.dtype}")
        # (constants are splats or scalar operands: `gen` refuses one that is narrower lanes)
        types = [n.dtype for n in nodes if not n.dtype.is_idx and n.op != "const"] + [out.dtype]
        if min(_elem_bytes(t) for t in types) < E:
            raise HexagonUnsupported(f"a transpose of {load.dtype} into narrower lanes")
        L = VBYTES // E
        self.block = L
        self.E, self.L, self.n = E, L, L.bit_length() - 1
        self.m = self.n - self.n // 2  # pass 1 takes 2^m rows, pass 2 2^(n-m) vectors
        self.load, self.value, self.out = load, value, out
        self.in_base, self.pitch = la.get(None, 0), la[jv]  # element offset, elements per row
        self.out_base, self.out_pitch = sa.get(None, 0), sa[iv]
        self.I, self.J = I, J
        row_tiles = list(range(0, J - L + 1, L)) + ([J - L] if J % L and J > L else [])
        self.row_tiles = row_tiles or [0]
        if len(self.row_tiles) > MAX_TILES:
            raise HexagonUnsupported(f"a transpose {J} rows tall ({len(self.row_tiles)} tiles of {L}; nested loops)")

        # The scratch: L aligned vectors below the stack pointer.
        size = L * VBYTES + VBYTES
        self.scratch = self.reg("R", "scratch")
        self.pro.add(insn("addi", d=SP, u=SP, imm=-size))
        top = self.reg("R", "sp+127")
        self.pro.add(insn("addi", d=top, u=SP, imm=VBYTES - 1))
        self.pro.add(insn("andi", d=self.scratch, u=top, imm=-VBYTES))

        # Output rows shorter than a vector (fewer input rows than L) are stored whole, in
        # increasing address order, each over the start of the rows after it, which are
        # stored later: where the rows are contiguous (`spill`); the rows whose vector would
        # pass the end of what the kernel writes take predicated stores, so they go to the
        # epilogue (the last block always runs there). Increasing order needs the pass-2
        # groups to be runs of consecutive output rows: vshuff rounds only (no swaps).
        self.spill = J < L and self.out_pitch == J
        self.swaps = not self.spill
        blocks, tail = I // L, I % L
        if self.spill and blocks and not tail:
            blocks, tail = blocks - 1, L
        self.steps = {load.arg: L * E, st.arg: L * self.out_pitch * _elem_bytes(out.dtype)}
        self.trip = blocks
        self.cursors: dict = {}
        self.last_row = -1  # (spill: the output row stored last, to check the order)
        if blocks:
            for j0 in self.row_tiles:
                self._tile(0, j0, L)
            self._advance({load.arg: L, st.arg: L * self.out_pitch})
        self.body, body = self.epi, self.body
        self.cursors = {}
        self.last_row = -1
        if tail and blocks:  # the last columns: a block overlapping the one before
            for j0 in self.row_tiles:
                self._tile(tail - L, j0, L)
        elif tail:
            for j0 in self.row_tiles:
                self._tile(0, j0, tail)
        self.epi.add(insn("addi", d=SP, u=SP, imm=size))
        self.body = body
        self.notes.append(
            f"{st.arg}: a transpose of {load.arg} in tiles of {L}x{L} {load.dtype}: {blocks} iteration(s) over "
            f"{iv} of {len(self.row_tiles)} tile(s) over {jv}" + (", the last columns overlapping" if tail and blocks
                                                                   else "")
            + f"; each tile {self.m} rounds, scratch, {self.n - self.m} rounds (vshuff"
            + (f", {'/'.join(SWAPS[E << t][0] for t in range(self.n) if E << t in SWAPS)}" if E < 4 else "") + ")")
        return self.finish(blocks)

    # -- one tile -------------------------------------------------------------------------------
    def _tile(self, i0: int, j0: int, cols: int) -> None:
        """The tile of input rows j0.. and columns i0.. (relative to the pointers); only its
        first `cols` columns (output rows) are stored."""
        L, E, n, m = self.L, self.E, self.n, self.m
        rows = min(L, self.J)
        g1, g2 = 1 << m, 1 << (n - m)
        stored: dict[int, _Vec] = {}  # scratch slot -> what it holds
        for g in range(g2):  # pass 1
            vecs = [self._row(i0, j0, g * g1 + r, rows, cols) for r in range(g1)]
            for bit, pos in self._plan(0, m):
                vecs = self._round(vecs, bit, pos)
            for v, x in enumerate(vecs):
                if not x.empty:
                    self._put(v * g2 + g, x)
                    stored[v * g2 + g] = x
        # Pass 2, its groups in the order of the first output row each holds (the rows it
        # holds are the columns its inputs hold).
        first = {v: min((int(c) for g in range(g2) if v * g2 + g in stored
                         for c in _columns(stored[v * g2 + g], L, E)), default=None) for v in range(g1)}
        for v in sorted((v for v in first if first[v] is not None), key=first.get):
            vecs = [self._get(v * g2 + g, stored) for g in range(g2)]
            for bit, pos in self._plan(m, n):
                vecs = self._round(vecs, bit - m, pos)
            for x in sorted((x for x in vecs if not x.empty), key=lambda x: _columns(x, L, E)[0]):
                self._emit_row(x, i0, j0, rows, cols)

    def _row(self, i0: int, j0: int, r: int, rows: int, cols: int) -> _Vec:
        """Input row r of the tile as a network vector (no register where r is past the input)."""
        L, E = self.L, self.E
        tags = np.full(VBYTES, -1, np.int64)
        if r >= rows:
            return _Vec(None, tags)
        lane = np.arange(VBYTES) // E
        tags = np.where(lane < cols, (r * L + lane) * E + np.arange(VBYTES) % E, -1)
        elem = self.in_base + self.pitch * (j0 + r) + i0
        byte = elem * E
        buf = self.load.arg
        end = byte + VBYTES + self._moved(buf)
        if end > padded(self.k.buffer(buf).size * E):
            raise HexagonUnsupported(f"a vector read past the end of {buf} (a transpose narrower than a vector)")
        reg = self.reg("V", f"{buf} row {r}")
        self._access(buf, buf, byte, reg, load=True)
        return _Vec(reg, tags)

    def _moved(self, buf: str) -> int:
        """Bytes the pointer of `buf` has moved when the current section runs (the loop's last
        iteration, or the epilogue after it)."""
        return (max(self.trip - 1, 0) if self.body.name == "loop" else self.trip) * self.steps[buf]

    def _plan(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The rounds that move row bits lo..hi-1 into lane bits lo..hi-1: (row bit, lane bit
        of the chunk). The swaps first (a 1- or 2-byte chunk: lane bit t for row bit t),
        then vshuffs that all insert at the same lane bit p, the highest row bit first (each
        insert pushes the ones before it up), so a pass needs one `Rt` register."""
        swaps = [t for t in range(lo, hi) if self.swaps and (self.E << t) in SWAPS]
        p = lo + len(swaps)
        return [(t, t) for t in swaps] + [(t, p) for t in reversed(range(p, hi))]

    def _round(self, vecs: list[_Vec], bit: int, t: int) -> list[_Vec]:
        """A round over `vecs`: the pairs their index bit `bit` tells apart, exchanging chunks
        of 2^t elements (lane bit t)."""
        size = self.E << t
        out = list(vecs)
        for a in range(len(vecs)):
            if a >> bit & 1:
                continue
            b = a | 1 << bit
            lo_v, hi_v = vecs[a], vecs[b]
            if lo_v.empty and hi_v.empty:
                continue
            u = hi_v.reg or lo_v.reg
            v = lo_v.reg or hi_v.reg
            if size in SWAPS and self.swaps:
                results = []
                for name in SWAPS[size]:
                    (which, src), = _moves(name, None).values()
                    tags = np.where(which, hi_v.tags[src], lo_v.tags[src])
                    d = None
                    if (tags >= 0).any():
                        d = self.reg("V", name)
                        self.body.add(insn(name, d=d, u=u, v=v))
                    results.append(_Vec(d, tags))
                out[a], out[b] = results
            else:
                mv = _moves("vshuffvdd", -size)
                tags = {name: np.where(w, hi_v.tags[s], lo_v.tags[s]) for name, (w, s) in mv.items()}
                lo, hi = self.reg("V", f"shuff{size} lo"), self.reg("V", f"shuff{size} hi")
                self.body.add(insn("vshuffvdd", lo=lo, hi=hi, u=u, v=v, t=self.scalar_const(-size, "R8")))
                out[a], out[b] = _Vec(lo, tags["lo"]), _Vec(hi, tags["hi"])
        for x in out:
            if x.empty:
                x.reg = None
        return out

    # -- scratch ----------------------------------------------------------------------------------
    def _put(self, slot: int, x: _Vec) -> None:
        self._access(f"{self.k.name}.scratch{slot}", None, slot * VBYTES, x.reg, load=False)

    def _get(self, slot: int, stored: dict) -> _Vec:
        if slot not in stored:
            return _Vec(None, np.full(VBYTES, -1, np.int64))
        reg = self.reg("V", f"scratch {slot}")
        self._access(f"{self.k.name}.scratch{slot}", None, slot * VBYTES, reg, load=True)
        return _Vec(reg, stored[slot].tags)

    # -- output rows ------------------------------------------------------------------------------
    def _emit_row(self, x: _Vec, i0: int, j0: int, rows: int, cols: int) -> None:
        """Store the output row segment `x` holds (its value computed from it first); check
        that it holds one: lane e = input row e of the tile, one column c for every lane."""
        L, E = self.L, self.E
        valid = x.tags >= 0
        if not valid.any():
            return
        elem, byte = x.tags // E, x.tags % E
        r, c = elem // L, elem % L
        pos = np.arange(VBYTES)
        cs = set(c[valid].tolist())
        if len(cs) != 1 or (r[valid] != pos[valid] // E).any() or (byte[valid] != pos[valid] % E).any() \
                or (pos[~valid] // E < rows).any():
            raise HexagonUnsupported("a transpose network that does not give row segments (internal)")
        (c,) = cs
        if c >= cols:
            return
        out = self.out
        eo = _elem_bytes(out.dtype)
        self.current = x.reg
        regs = self.gen(self.value, "transposed", {self.load: [x.reg]})
        per_vec = VBYTES // eo
        if self.spill:
            row = i0 + c + self._moved(out.name) // (eo * self.out_pitch)
            if row <= self.last_row:
                raise HexagonUnsupported("a transpose whose output rows come out of order (internal)")
            self.last_row = row
        end = (self.out_base + self.out_pitch * (self.I - 1) + self.J) * eo  # of what the kernel writes
        for q, reg in enumerate(regs):
            keep = min(per_vec, rows - q * per_vec)
            if keep <= 0:
                continue
            at = (self.out_base + self.out_pitch * (i0 + c) + j0 + q * per_vec) * eo
            if keep == per_vec or self.spill and self._moved(out.name) + at + VBYTES <= end:
                self._access(out.name, out.name, at, reg, load=False)
            else:
                self._partial_store(out.name, at, reg, keep * eo)

    def _gen(self, u: UOp, rname: str, memo) -> list[Reg]:
        if u.op == "load":  # (`gen` finds the read in its memo: this is a row that overwrites
            d = self.reg("V", "copy")  # its operand, which must not be the network's vector)
            self.body.add(insn("vassign", d=d, u=self.current))
            return [d]
        return super()._gen(u, rname, memo)

    # -- addressing -------------------------------------------------------------------------------
    def _access(self, mem: str, buf: str | None, byte: int, reg: Reg, load: bool) -> None:
        """A vector load into / store of `reg` at `byte` past the pointer of `buf` (None: the
        scratch); aligned `vmem` where the address is (pointers start aligned and move by
        whole vectors), else `vmemu`. Beyond the pointer's `#-8..7` vectors the address is a
        *cursor*: one register per pointer and direction that walks along (`addi` in place),
        so however many rows a tile touches, the addresses hold four scalar registers."""
        ptr = self.scratch if buf is None else self.ptr[buf]
        base, off = ptr, byte
        if not (byte % VBYTES == 0 and -8 <= byte // VBYTES <= 7):
            key = (ptr, load)
            cur = self.cursors.get(key)
            if cur is None or (byte - cur[1]) % VBYTES or not -8 <= (byte - cur[1]) // VBYTES <= 7:
                # Ahead of the access by 8 vectors: the walks go forward, so it reaches 16.
                at = byte + 8 * VBYTES
                if cur is None:
                    cur = (self.reg("R", f"&{mem.split('.')[-1]} cursor"), at)
                    self.body.add(insn("addi", d=cur[0], u=ptr, imm=at))
                else:
                    self.body.add(insn("addi", d=cur[0], u=cur[0], imm=at - cur[1]))
                    cur = (cur[0], at)
                self.cursors[key] = cur
            base, off = cur[0], byte - cur[1]
        aligned = byte % VBYTES == 0
        if load:
            self.body.add(insn("vmem_ld" if aligned else "vmemu_ld", mem=mem, d=reg, p=base, off=off // VBYTES))
        else:
            self.body.add(insn("vmem_st" if aligned else "vmemu_st", mem=mem, p=base, u=reg, off=off // VBYTES))
