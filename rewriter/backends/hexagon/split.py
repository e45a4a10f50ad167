"""Index division made affine: ranges split by the divisors of their indices, and the
interleaved stores that makes.

`out[y, x] = inp[y / 2, x / 2]` (nearest upsampling) or `y[i] = avg(x[i / 2], x[(i + 1) / 2])`
(linear upsampling) index a buffer by a division of a range. That is not affine, so the
general lowering (`rows.py`) cannot walk it; splitting the range makes it affine. With
n = d*n' + r, r in [0, d), an index (a*n + e) / c where d*a is a multiple of c is
(d*a/c)*n' + (a*r + e) / c, and for each fixed r the last term is affine in the other ranges
(a constant where e is one).

`split_divided_ranges(kernel)` is that rewrite at the kernel level, applied before the rows
are found: each store range n that an index divides (or takes a remainder of) is replaced by
n' (its size / d, d the least factor that makes every such index affine) and each store by d
stores, one per remainder r, in which r is a constant; every division and remainder of the
indices becomes the affine index it equals. The result is the same kernel: each output element
is stored once, with the same value, now at affine indices (`out[2y' + ry, 2x' + rx] =
inp[y', x']`: four stores). A division that only becomes affine after another is resolved
(`(i / 2) / 2`) takes a second round.

Exactness: idx division truncates toward zero and `%` takes the dividend's sign
(`rewriter/ir/ops.py`); both equal floor division and modulo wherever the dividend is never
negative, which the rewrite checks on the ranges' bounds (a dividend that may be negative is
refused). With every range coefficient a multiple of c and k the constant,
(sum a_i v_i + k) / c = sum (a_i / c) v_i + floor(k / c), and the remainder is k mod c.

What `rows.py` makes of the stores: the remainder of a range walked as rows (y = 2y' + ry) is
a store at a constant offset, which shares every load with the others. The remainder of the
lane range (x = 2x' + rx) makes d stores a lane apart, each walking d elements per lane:
`store_groups` gathers them, and `interleave` merges their d values (one vector per remainder
per block) into d output vectors by log2(d) rounds of `vshuff`, the inverse of the stride-2
read that `vpacke` does (d not a power of two: a gather, `permute.py`). A block stays 128 bytes of the narrowest type over the *input's*
range n', so the loads stay whole vectors and the output is d vectors a block.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rewriter.backends.hexagon.mir import HexagonUnsupported, Reg, insn
from rewriter.backends.hexagon.permute import MAX_STRIDE
from rewriter.backends.hexagon.permute import interleave as gather_interleave
from rewriter.backends.hexagon.select import VBYTES
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import UOp, const, var
from rewriter.kernel.kernel import Kernel, RangeDecl

IDX = parse_dtype("idx")
#: Rounds of splitting (a division inside a division needs one more round per level).
MAX_ROUNDS = 4
#: The most stores the split may leave: each is generated in every block of the loop body.
MAX_SPLIT_STORES = 64


def split_divided_ranges(kernel: Kernel) -> Kernel:
    """`kernel` with every store range its indices divide split (the module docstring);
    the kernel itself where no index divides. Raises `HexagonUnsupported` naming the index
    where the split cannot make it affine exactly."""
    if not any(n.op in ("div", "mod") and n.dtype.is_idx for st in kernel.stores for n in st.toposort()):
        return kernel
    ranges, stores = list(kernel.ranges), list(kernel.stores)
    locs = list(kernel.store_locs) or [None] * len(stores)
    for _ in range(MAX_ROUNDS):
        decls = {r.name: r for r in ranges}
        needs: dict = {}
        forms = [_index_forms(st, decls, needs) for st in stores]
        if not needs:
            stores = [_resolved(st, f, decls) for st, f in zip(stores, forms)]
            return Kernel(kernel.name, kernel.buffers, tuple(ranges), tuple(stores), kernel.loc, tuple(locs))
        for name, (d, where) in needs.items():
            r = decls[name]
            if r.size % d:
                raise HexagonUnsupported(f"the index {where} over the range {name} of {r.size} (not a multiple "
                                         f"of {d}, which the split by the divisor needs)")
            new = _fresh(f"{name}_{d}", decls)
            decls[new] = RangeDecl(new, r.size // d)
            ranges[ranges.index(r)] = decls[new]
            n2 = var(IDX, new, 0, r.size // d - 1)
            split, split_locs = [], []
            for st, loc in zip(stores, locs):
                olds = [n for n in st.toposort() if n.op == "var" and n.arg.name == name]
                for rem in range(d):
                    value = UOp("add", IDX, (UOp("mul", IDX, (const(IDX, d), n2)), const(IDX, rem)))
                    split.append(st.substitute({o: value for o in olds}))
                    split_locs.append(loc)
                    if not olds:
                        break  # (a store that does not use the range stays one store)
            stores, locs = split, split_locs
        if len(stores) > MAX_SPLIT_STORES:
            raise HexagonUnsupported(f"index divisions that split the kernel into {len(stores)} stores "
                                     f"(more than {MAX_SPLIT_STORES})")
    raise HexagonUnsupported(f"index divisions nested more than {MAX_ROUNDS} deep")


def _index_forms(st: UOp, ranges: dict, needs: dict) -> dict:
    """The affine form ({range: coefficient, None: constant}) of every idx node of `st` that
    has one, divisions and remainders by constants included; a division whose dividend has a
    range coefficient the divisor does not divide adds to `needs` (range -> (the factor its
    split needs, the index))."""
    forms: dict = {}
    for n in st.toposort():
        if not n.dtype.is_idx:
            continue
        srcs = [forms.get(s) for s in n.src]
        f = None
        if n.op == "const":
            f = {None: int(n.arg)}
        elif n.op == "var":
            f = {n.arg.name: 1}
        elif any(s is None for s in srcs) or not srcs:
            f = None
        elif n.op in ("add", "sub"):
            f = dict(srcs[0])
            for k, v in srcs[1].items():
                f[k] = f.get(k, 0) + (v if n.op == "add" else -v)
        elif n.op == "neg":
            f = {k: -v for k, v in srcs[0].items()}
        elif n.op == "mul":
            a, b = srcs
            if set(a) <= {None}:
                a, b = b, a
            if set(b) <= {None}:
                f = {k: v * b.get(None, 0) for k, v in a.items()}
        elif n.op in ("div", "mod"):
            f = _divided(n, srcs[0], srcs[1], ranges, needs)
        forms[n] = f
    return forms


def _divided(n: UOp, a: dict, b: dict, ranges: dict, needs: dict) -> dict | None:
    """The affine form of the division or remainder `n` of `a` by `b`, or None where a range
    must be split first (recorded in `needs`)."""
    c = b.get(None, 0)
    if set(b) - {None} or c <= 0:
        raise HexagonUnsupported(f"the index {n} (a division by {n.src[1]}, not a positive constant)")
    lowest = a.get(None, 0)
    for name, k in a.items():
        if name is None:
            continue
        if name not in ranges:
            raise HexagonUnsupported(f"the index {n} (over {name}, not a range of the kernel)")
        lowest += min(k, 0) * (ranges[name].size - 1)
    if lowest < 0:
        raise HexagonUnsupported(f"the index {n} (its dividend may be negative, where division truncates "
                                 "toward zero)")
    odd = {name: c // math.gcd(k, c) for name, k in a.items() if name is not None and k % c}
    for name, d in odd.items():
        if ranges[name].reduce:
            raise HexagonUnsupported(f"the index {n} (it divides the reduce range {name}; only store ranges "
                                     "are split)")
        prev = needs.get(name, (1, n))[0]
        needs[name] = (prev * d // math.gcd(prev, d), n)
    if odd:
        return None
    if n.op == "mod":
        return {None: a.get(None, 0) % c}
    f = {name: k // c for name, k in a.items() if name is not None and k}
    f[None] = a.get(None, 0) // c
    return f


def _resolved(st: UOp, forms: dict, ranges: dict) -> UOp:
    """`st` with every division and remainder of its indices replaced by its affine form."""
    mapping = {n: _expr(f, ranges) for n, f in forms.items() if f is not None and n.op in ("div", "mod")}
    return st.substitute(mapping)


def _expr(form: dict, ranges: dict) -> UOp:
    """The idx term of an affine form: sum of coefficient * range, plus the constant."""
    out = const(IDX, form.get(None, 0))
    for name, k in form.items():
        if name is None or k == 0:
            continue
        v = var(IDX, name, 0, ranges[name].size - 1)
        out = UOp("add", IDX, (out, v if k == 1 else UOp("mul", IDX, (const(IDX, k), v))))
    return out


def _fresh(name: str, taken) -> str:
    while name in taken:
        name += "_"
    return name


@dataclass(frozen=True)
class StoreGroup:
    """Stores that write one buffer's elements together: `members` are store indices by
    remainder (d of them, d the elements per lane of the lane range, 1 for a plain store),
    `form` the first member's affine flat index."""

    buffer: str
    members: tuple
    form: dict

    @property
    def factor(self) -> int:
        return len(self.members)


def store_groups(stores, forms, lane: str, elem_bytes) -> list[StoreGroup]:
    """The stores gathered into `StoreGroup`s, in store order: a store whose flat index
    `forms[i]` walks d > 1 elements per lane of `lane` joins the stores to the same buffer at
    the same coefficients whose constants are the other remainders mod d of its run of d
    elements; every remainder must be there once, or the vectors would overwrite elements no
    store writes. `elem_bytes(buffer)`: its element bytes."""
    groups: dict = {}
    order = []
    for i, (st, f) in enumerate(zip(stores, forms)):
        d = f.get(lane, 0)
        c = f.get(None, 0)
        if d <= 1:  # (0: a lane reduction's one element; the lowering refuses a negative walk)
            order.append((st.arg, i))
            continue
        if d & (d - 1) and d > MAX_STRIDE or d * elem_bytes(st.arg) > VBYTES:
            raise HexagonUnsupported(f"stores to {st.arg} {d} elements apart a lane (vshuff interleaves pairs: "
                                     f"a power of two of at most {VBYTES // elem_bytes(st.arg)} elements; "
                                     f"a gather at most {MAX_STRIDE})")
        key = (st.arg, tuple(sorted((k, v) for k, v in f.items() if k is not None)), c - c % d)
        if key not in groups:
            order.append(key)
        at = groups.setdefault(key, {})
        if c % d in at:
            raise HexagonUnsupported(f"two stores to the same elements of {st.arg}")
        at[c % d] = i
    out = []
    for key in order:
        if isinstance(key[1], int):
            out.append(StoreGroup(key[0], (key[1],), forms[key[1]]))
            continue
        d = dict(key[1])[lane]
        at = groups[key]
        if len(at) != d:
            raise HexagonUnsupported(f"stores to {key[0]} every {d} elements with no store to the "
                                     f"{d - len(at)} between")
        members = tuple(at[r] for r in range(d))
        out.append(StoreGroup(key[0], members, forms[members[0]]))
    return out


def interleave(sel, parts: list, elem_bytes: int) -> list[Reg]:
    """The d = len(parts) values `parts` (each a list of vectors, lanes in order) interleaved
    element by element, as d times as many vectors: round one shuffles the pairs (0, 1),
    (2, 3), .. element by element (`vshuff` of a pair of vectors at granularity -t bytes: the
    low vector's units to the even units of the result pair, the high one's to the odd), which
    makes d/2 values whose units are two elements; the next round shuffles those at twice the
    granularity, until one value is left. Each vector k of a pair's parts gives the result's
    vectors 2k and 2k + 1. Shuffles of the same registers are shared (nearest-neighbour rows
    store one interleaving twice). Where d is not a power of two: a gather (permute.py)."""
    if len(parts) & (len(parts) - 1):
        return gather_interleave(sel, parts, elem_bytes)
    g = elem_bytes
    while len(parts) > 1:
        unit = sel.scalar_const(-g, "R8")
        merged = []
        for a, b in zip(parts[0::2], parts[1::2]):
            out = []
            for x, y in zip(a, b):
                key = ("vshuff", x, y, g)
                if key not in sel.vloads:
                    lo, hi = sel.reg("V", f"shuff{g}.lo"), sel.reg("V", f"shuff{g}.hi")
                    sel.body.add(insn("vshuffvdd", lo=lo, hi=hi, u=y, v=x, t=unit))
                    sel.vloads[key] = (lo, hi)
                out += list(sel.vloads[key])
            merged.append(out)
        parts, g = merged, 2 * g
    return parts[0]
