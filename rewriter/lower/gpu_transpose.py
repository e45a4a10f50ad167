"""The "tiled-transpose" GPU strategy: a 2-D store `out[i, j] = f(loads)` where some loads
are contiguous along i (the store's row index) and step along j by a row stride -- a
transpose, or any elementwise function of transposed reads (`a[j, i] + b[i, j]`). As a map,
either the loads or the stores of a warp are scattered over 32 rows; here a block moves a
TI x TJ tile of outputs through shared memory so both sides are coalesced:

  1. staging: each transposed load's TJ x TI footprint (rows j0.., contiguous columns i0..)
     is read with global vector loads of V elements along i (lanes along i, whole cache
     lines) and stored as they are into a shared tile [jl][il] whose rows are padded;
  2. barrier;
  3. each thread computes P adjacent outputs along j (one P-element vector store, >= 4 bytes
     for narrow types: P = 4 u8, 2 i16, 1 i32, or wider): the transposed loads read shared
     column il at rows jl .. jl + P - 1 (one element a lane), loads contiguous along j are
     read as vectors from global memory as a map would.

Lanes of a warp in step 3 form LJ (along j) x 32/LJ (along i). The layout (row padding), V,
P and LJ come from a cost model over the legal choices (`_choose`): memory transactions a
tile -- a global warp instruction costs the 128-byte lines it touches, a shared one its
phases (8/16-byte accesses are served per half/quarter warp) times its worst bank conflict,
counted exactly by the bank model's exhaustive checker (solver/banks.py `conflict_degree`)
over every warp and step of the block, on the very index functions the program uses
(`_stage_at`, `_read_at`) -- then, on ties, warp instructions issued.
For u8 (128 x 128 tiles, 256 threads) that picks rows padded by one word (132 bytes: an odd
word stride, so the 8 lanes along j that read rows 4 apart hit 8 different banks), 4-byte
staging loads and LJ = 8; for i32 (64 x 64) rows padded by one element and LJ = 32 (the
classic conflict-free transpose: a 16-byte staging layout would make the column reads
conflict 4-way).

Tile size: TI x TJ, powers of two, each side at least a cache line of its elements where the
matrix is that large, grown (smaller side in bytes first) up to `TILE_BYTES` of the widest
staged type: enough staging loads in flight a thread (16 x 4 bytes for u8 and i32) while 8
blocks of 256 threads keep an SM full. Sizes off the tile: edge tiles guard their staging
loads and stores (V divides the i extent and P the j extent, so a vector is wholly inside
or outside). Targets whose shared memory is not byte addressable (WebGPU's 32-bit carriers)
keep the map.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import bool_, idx
from rewriter.ir.uop import UOp, var
from rewriter.lower.gpu_ops import GpuSpec, UOpOps, _c, iadd, idiv, ilt, imod, imul
from rewriter.lower.gpu_program import CTAID, TID, Barrier, If, Launch, Let, SharedStore, SharedTile
from rewriter.lower.lower import _Lowerer
from rewriter.lower.program import Store
from rewriter.solver import banks

#: The widest staged type's bytes a tile holds (its footprint in shared memory, padding aside).
TILE_BYTES = 16 * 1024
LINE = 128
BLOCK = 256


@dataclass(frozen=True)
class TransposeShape:
    ti: int  # tile extent along i (the output's rows, the transposed loads' contiguous axis)
    tj: int  # along j
    v: int  # elements a staging load (along i)
    p: int  # outputs a thread a store (along j)
    lj: int  # lanes of a warp along j in the compute step
    pad: int  # elements a tile row is padded by
    cost: float  # memory transactions an output (the cost model's first term)

    @property
    def stride(self) -> int:
        return self.ti + self.pad


def _stage_at(o, tid, step, shape: TransposeShape, block: int):
    """(row jl, column il) of a staging slot: slot tid + step * block, V elements along i."""
    per_row = shape.ti // shape.v
    e = o.add(tid, o.mul(step, block))
    return o.div(e, per_row), o.mul(o.mod(e, per_row), shape.v)


def _read_at(o, lane, warp, step, shape: TransposeShape, block: int):
    """(first row jl, column il) of a compute cell's P outputs: cell warp + step * warps,
    lanes LJ along j x 32 / LJ along i."""
    li = 32 // shape.lj
    ncj = shape.tj // (shape.p * shape.lj)
    cell = o.add(warp, o.mul(step, block // 32))
    cj, ci = o.mod(cell, ncj), o.div(cell, ncj)
    jl = o.mul(o.add(o.mul(cj, shape.lj), o.mod(lane, shape.lj)), shape.p)
    il = o.add(o.mul(ci, li), o.div(lane, shape.lj))
    return jl, il


def _lines(rows: int, seg_bytes: int) -> int:
    return rows * max(1, -(-seg_bytes // LINE))


def _cost(shape: TransposeShape, ein: int, eout: int, block: int) -> tuple | None:
    """(memory transactions, warp instructions) of one tile, an output (module docstring);
    None if the shape does not fit the block."""
    ti, tj, v, p, lj = shape.ti, shape.tj, shape.v, shape.p, shape.lj
    slots = ti * tj // v
    cells = ti * tj // (p * 32)
    if slots % block or cells % (block // 32) or tj % (p * lj) or ti % (32 // lj):
        return None
    stage_steps, read_steps = slots // block, cells // (block // 32)

    def stage_index(o, lane, u):
        return _tile_index(o, *_stage_at(o, o.add(o.mul(u["warp"], 32), lane), u["step"], shape, block), shape)

    def read_index(o, lane, u):  # the q-th of a lane's P rows
        jl, il = _read_at(o, lane, u["warp"], u["step"], shape, block)
        return _tile_index(o, o.add(jl, u["q"]), il, shape)

    warps = ("warp", block // 32)
    stage = banks.Access("stage", stage_index, (warps, ("step", stage_steps)), ein, v)
    read = banks.Access("read", read_index, (warps, ("step", read_steps), ("q", p)), ein, 1)
    lanes_i = min(32, ti // v)
    g_load = _lines(32 // lanes_i, lanes_i * v * ein)
    s_store = (32 // stage.phase) * banks.conflict_degree(stage)
    s_read = banks.conflict_degree(read)
    g_store = _lines(32 // lj, lj * p * eout)
    per_tile = slots / 32 * (g_load + s_store) + cells * p * s_read + cells * g_store
    issued = slots / 32 * 2 + cells * p + cells  # warp instructions: the tie-break
    return per_tile / (ti * tj), issued / (ti * tj)


def _tile_index(o, jl, il, shape: TransposeShape):
    return o.add(o.mul(jl, shape.stride), il)


def _tile_dims(ni: int, nj: int, ein: int, eout: int) -> tuple:
    """TI x TJ (module docstring): at least a line of elements a side (within the matrix),
    the smaller side in bytes doubled while the tile stays within TILE_BYTES."""
    cap_i, cap_j = 1 << max(0, (ni - 1).bit_length()), 1 << max(0, (nj - 1).bit_length())
    ti, tj = min(cap_i, max(1, LINE // ein)), min(cap_j, max(1, LINE // eout))
    while True:
        grow_i = ti * ein <= tj * eout
        nti, ntj = (ti * 2, tj) if grow_i else (ti, tj * 2)
        if nti > cap_i or ntj > cap_j:
            nti, ntj = (ti, tj * 2) if grow_i else (ti * 2, tj)
        if nti > cap_i or ntj > cap_j or nti * ntj * ein > TILE_BYTES:
            return ti, tj
        ti, tj = nti, ntj


def _pow2s(limit: int) -> list:
    out, x = [], 1
    while x <= limit:
        out.append(x)
        x *= 2
    return out


def _choose(ni: int, nj: int, ein: int, eout: int, load_align: int, out_align: int, spec: GpuSpec):
    """The cheapest legal TransposeShape (module docstring), or None."""
    ti, tj = _tile_dims(ni, nj, ein, eout)
    block = min(BLOCK, max(32, ti * tj // 4 // 32 * 32))
    best = None
    for pad in sorted({0, 1, max(1, 4 // ein), max(1, 16 // ein)}):
        stride = ti + pad
        # the widest staging load the layout keeps aligned (wider never costs more lines)
        v = max(x for x in _pow2s(min(ti, 16 // ein)) if not (ni % x or load_align % x or stride % x))
        for p in _pow2s(min(tj, 16 // eout)):
            if p * eout < min(4, tj * eout) or nj % p or out_align % p or ti * tj < 32 * p:
                continue
            for lj in (32, 16, 8, 4, 2, 1):
                c = _cost(TransposeShape(ti, tj, v, p, lj, pad, 0.0), ein, eout, block)
                if c is None:
                    continue
                key = (c, pad, -lj)
                if best is None or key < best[0]:
                    best = (key, TransposeShape(ti, tj, v, p, lj, pad, c[0]))
    return (best[1], block) if best else None


def _tiled_transpose(lw: _Lowerer, st: UOp, name: str, spec: GpuSpec, notes: list):
    if spec.shared_elem_bytes != 1:
        return None  # shared tiles of 32-bit carriers (WebGPU): the map keeps it
    k = lw.k
    buf, indices, value = lw.flat_store(st)
    if len(indices) != 2 or not all(i.op == "var" for i in indices) or indices[0] is indices[1]:
        return None
    if any(n.op == "reduce" for n in value.toposort()):
        return None
    iname, jname = indices[0].arg.name, indices[1].arg.name
    ni, nj = k.range(iname).size, k.range(jname).size
    staged, load_align = [], 0
    for n in value.toposort():
        if n.op != "load":
            continue
        a = affine(n.src[0])
        if a is None or set(a) - {None, iname, jname} or n.dtype.is_bool or n.dtype.lanes > 1:
            return None
        cj = a.get(jname, 0)
        if cj in (0, 1):
            continue  # read along j as a map reads it
        if a.get(iname) != 1 or cj < 0:
            return None  # strided along both: not a transpose
        staged.append(n)
        load_align = math.gcd(load_align, math.gcd(cj, a.get(None, 0)))
    if not staged:
        return None
    ein = max(n.dtype.scalar.bits for n in staged) // 8
    if any(n.dtype.scalar.bits // 8 != ein for n in staged):
        return None  # one tile shape for every staged type
    eout = max(1, buf.dtype.bits // 8)
    flat = lw.simplify(flatten(indices, buf.shape))
    fa = affine(flat)
    out_align = math.gcd(fa.get(iname, 0), fa.get(None, 0)) if fa is not None else 1
    got = _choose(ni, nj, ein, eout, load_align or (1 << 20), out_align or (1 << 20), spec)
    if got is None:
        return None
    shape, block = got
    ti, tj, v, p = shape.ti, shape.tj, shape.v, shape.p
    tiles_j = -(-nj // tj)
    grid = -(-ni // ti) * tiles_j
    edge_i, edge_j = ni % ti != 0, nj % tj != 0
    i0, j0 = var(idx, "__i0", 0, ni - 1), var(idx, "__j0", 0, nj - 1)
    body: list = [Let(i0, imul(idiv(CTAID, tiles_j), ti)), Let(j0, imul(imod(CTAID, tiles_j), tj))]
    tiles = []
    ivar, jvar = lw.range_var(iname), lw.range_var(jname)
    si, sj = var(idx, "__si", 0, ni - 1), var(idx, "__sj", 0, nj - 1)
    swap = {}
    for n_, ld in enumerate(staged):
        tile = SharedTile(f"t{n_}", ld.dtype, tj, ti, shape.pad)
        tiles.append(tile)
        # the tile's element (jl, il) holds the load at (i0 + il, j0 + jl)
        jl = UOp("sub", idx, (jvar, j0))
        il = UOp("sub", idx, (ivar, i0))
        swap[ld] = UOp("sload", ld.dtype, (_tile_index(UOpOps, jl, il, shape),), tile.name)
    for step in range((ti * tj // v) // block):
        jl, il = _stage_at(UOpOps, TID, step, shape, block)
        put: list = [Let(si, iadd(i0, il)), Let(sj, iadd(j0, jl))]
        for tile, ld in zip(tiles, staged):
            gidx = ld.src[0].substitute({ivar: si, jvar: sj})
            g = UOp("vload", ld.dtype.vec(v), (gidx,), ld.arg) if v > 1 else UOp("load", ld.dtype, (gidx,), ld.arg)
            put.append(SharedStore(tile.name, _tile_index(UOpOps, jl, il, shape), g))
        guard = _inside(si if edge_i else None, ni, sj if edge_j else None, nj)
        body += put[:2] + ([If(guard, tuple(put[2:]))] if guard is not None else put[2:])
    body.append(Barrier())
    out_value = value.substitute(swap)
    vec_value = lw._widen(lw.vec(out_value, jname, p, {}), p) if p > 1 else out_value
    lane, warp = imod(TID, 32), idiv(TID, 32)
    for step in range((ti * tj // (p * 32)) // (block // 32)):
        jl, il = _read_at(UOpOps, lane, warp, step, shape, block)
        store = Store(buf.name, flat, vec_value)
        guard = _inside(ivar if edge_i else None, ni, jvar if edge_j else None, nj)
        body += [Let(ivar, iadd(i0, il)), Let(jvar, iadd(j0, jl)),
                 If(guard, (store,)) if guard is not None else store]
    mult = ((si.arg.name, v), (jname, p))
    notes.append(f"{name}: tiled-transpose, {ti}x{tj} tiles of out ({len(staged)} staged load(s), rows padded by "
                 f"{shape.pad}) x {grid} blocks of {block}; {v} element(s) a staging load, {p} output(s) a store, "
                 f"{shape.lj} lanes along j ({shape.cost:.3f} memory transactions an output, cost model)")
    return [Launch(name, grid, block, tuple(body), tuple(tiles), "tiled-transpose", mult)]


def _inside(a, na, b, nb):
    conds = [ilt(x, n) for x, n in ((a, na), (b, nb)) if x is not None]
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else UOp("and", bool_, tuple(conds))
