"""Workgroup-memory tiling for matmul-shaped stores: `out[m, n] = sum_k f(A[m, k], B[k, n])`.

A store qualifies when it has two parallel ranges (m, n), one pure reduction over one range k,
every load in the reduction body that depends on k reads through an index of either (m, k) or
(k, n) only, and the sizes divide the tile (16 x 16 outputs a workgroup, k in steps of 16). Then
a workgroup of 256 invocations computes a 16 x 16 block of outputs: for each k step, each
invocation stages one element of every (m, k) load into a `var<workgroup>` row tile and one
of every (k, n) load into a column tile, `workgroupBarrier()`, and the 16 inner steps read the
tiles instead of memory (each staged element is used by 16 invocations). The reduction still
runs in index order of k, so the result is the thread mapping's, bit for bit.

Tiles hold the loaded values as carriers (narrow elements already unpacked and sign-extended),
2 x 16 x 16 x 4 bytes = 2 KiB per staged pair, far inside the 16 KiB default.
"""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.backends.wgsl_types import carrier
from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const, var

TILE = 16  # outputs per tile side (TILE * TILE = 256 invocations, WebGPU's default maximum)
TILE_K = 16  # reduction steps staged at once (one element per invocation per tile)


@dataclass(frozen=True)
class TileInfo:
    m: object  # the parallel Loop of the rows
    n: object  # the parallel Loop of the columns
    k: object  # the reduce Loop
    init: object
    update: object
    store: object
    rows: tuple  # loads indexed by (m, k)
    cols: tuple  # loads indexed by (k, n)


def find_tiles(pars, nest) -> TileInfo | None:
    """The tiling of a store (`pars`: its parallel loops; `nest`: its one pure reduction as
    (AccInit, loops, AccUpdate, Store)), or None when it does not have the matmul shape."""
    if nest is None or len(pars) != 2 or len(nest[1]) != 1:
        return None
    init, (k,), update, store = nest
    m, n = pars
    if m.stop % TILE or n.stop % TILE or k.stop % TILE_K:
        return None
    names = {"m": m.var.arg.name, "n": n.var.arg.name, "k": k.var.arg.name}
    rows, cols = [], []
    for u in update.value.toposort():
        if u.op != "load":
            continue
        index = u.src[0]
        if any(x.op == "load" for x in index.toposort()):
            return None  # a gather: its index is data
        used = {v.arg.name for v in index.vars()}
        if names["k"] not in used:
            continue  # loop-invariant in k: read as it is
        if used <= {names["m"], names["k"]}:
            rows.append(u)
        elif used <= {names["k"], names["n"]}:
            cols.append(u)
        else:
            return None
    if not rows or not cols:
        return None  # no reuse on one side: the tiles would not pay for their barriers
    return TileInfo(m, n, k, init, update, store, tuple(rows), tuple(cols))


def _substitute(u: UOp, mapping: dict) -> UOp:
    memo: dict = {}
    for x in u.toposort():
        if x in mapping:
            memo[x] = mapping[x]
        elif x.src:
            memo[x] = x.replace(src=tuple(memo[s] for s in x.src))
        else:
            memo[x] = x
    return memo[u]


def _ivar(name: str, hi: int) -> UOp:
    return var(idx, name, 0, hi)


def _add(a: UOp, b: UOp) -> UOp:
    return UOp("add", idx, (a, b))


def _mul(a: UOp, c: int) -> UOp:
    return UOp("mul", idx, (a, const(idx, c)))


def entry_tiled(kernel, em, name: str, pars, inner, plan) -> list[str]:
    """Print the tiled entry point's body into `em`; returns the `var<workgroup>` tiles."""
    ti: TileInfo = plan.tiles
    mname, nname, kname = ti.m.var.arg.name, ti.n.var.arg.name, ti.k.var.arg.name
    tiles_n = ti.n.stop // TILE
    em.line("let g: i32 = i32(wid.y * nwg.x + wid.x);")
    em.line(f"let ty: i32 = i32(lid) / {TILE}i;")
    em.line(f"let tx: i32 = i32(lid) % {TILE}i;")
    em.line(f"let m0: i32 = (g / {tiles_n}i) * {TILE}i;")
    em.line(f"let n0: i32 = (g % {tiles_n}i) * {TILE}i;")
    em.line(f"let r_{mname}: i32 = m0 + ty;")
    em.line(f"let r_{nname}: i32 = n0 + tx;")
    em.names.update({mname: f"r_{mname}", nname: f"r_{nname}"})
    ty, tx, kk = _ivar("$ty", TILE - 1), _ivar("$tx", TILE - 1), _ivar("$kk", TILE_K - 1)
    decls, mapping = [], {}
    for i, u in enumerate(ti.rows):
        tile = f"tile_{name}_r{i}"
        decls.append(f"var<workgroup> {tile}: array<{carrier(u.dtype)}, {TILE * TILE_K}>;")
        mapping[u] = UOp("load", u.dtype, (_add(_mul(ty, TILE_K), kk),), "@" + tile)
    for i, u in enumerate(ti.cols):
        tile = f"tile_{name}_c{i}"
        decls.append(f"var<workgroup> {tile}: array<{carrier(u.dtype)}, {TILE_K * TILE}>;")
        mapping[u] = UOp("load", u.dtype, (_add(_mul(kk, TILE), tx),), "@" + tile)
    em.line(f"var {ti.init.name}: {carrier(ti.init.dtype)} = {em.value(ti.init.value)};")
    with em.block(f"for (var k0: i32 = 0i; k0 < {ti.k.stop}i; k0 = k0 + {TILE_K}i)"):
        # Stage: invocation (ty, tx) loads row-tile element (m0 + ty, k0 + tx) and column-tile
        # element (k0 + ty, n0 + tx).
        with em.block(""):
            em.line(f"let s_{kname}: i32 = k0 + tx;")
            em.names[kname] = f"s_{kname}"
            for u, i in zip(ti.rows, range(len(ti.rows))):
                em.line(f"tile_{name}_r{i}[ty * {TILE_K}i + tx] = {em.value(u)};")
        with em.block(""):
            em.line(f"let s_{kname}: i32 = k0 + ty;")
            em.names[kname] = f"s_{kname}"
            for u, i in zip(ti.cols, range(len(ti.cols))):
                em.line(f"tile_{name}_c{i}[ty * {TILE}i + tx] = {em.value(u)};")
        em.line("workgroupBarrier();")
        em.names.update({"$ty": "ty", "$tx": "tx", "$kk": "kk"})
        with em.block(f"for (var kk: i32 = 0i; kk < {TILE_K}i; kk = kk + 1i)"):
            em.line(f"let r_{kname}: i32 = k0 + kk;")
            em.names[kname] = f"r_{kname}"
            em.line(f"{ti.init.name} = {em.value(_substitute(ti.update.value, mapping))};")
        em.line("workgroupBarrier();")
    em.stmts((ti.store,))
    return decls
