"""Gathers whose pattern is known at compile time: reads that walk s elements a lane
(`rgb[y, x, c]` of a channels-last image), stores that interleave s values (its channels).

**A gather** makes output vectors whose every byte comes from a known byte of a few source
vectors (registers). It is built from two things:
  * *routes*: a byte map within one vector, by the delta networks (`router.py`: one
    `vrdelta` or `vdelta`, or both, control vectors proven by the rows' semantics); each pass
    is a permute (one XLANE unit: one a packet);
  * *merges*: `vmux` of vectors by a compile-time byte predicate (`vandvrt` of a mask
    vector, eight masks a vector, one bit each; the predicates rotate through the four Q
    registers as the selector's compares do).
Three ways to arrange them, the fewest permutes (then instructions) wins:
  A. per output vector, merge the sources first (where the bytes it takes from them sit at
     different positions), then one route: a stride-3 read of channel c takes the bytes
     c, c+3, .. of source 0, c+1, c+4, .. of source 1 (128 = 2 mod 3) and c+2, .. of source
     2 -- disjoint -- and the merged vector routes to the lanes in one `vrdelta` (a
     compress-like map: order kept, gaps never widened);
  B. per output vector, route each source, then merge;
  C. route each source once for all the output vectors (where no two of its bytes want one
     position), then merge per output: the inverse of A, which interleaving stores take --
     channel m's lane i goes to byte (s*i + m) mod 128 of one of the s outputs.
Results are shared within a section (`sel.vloads`), so a second read of the same channel
costs nothing.

**Constants.** Control vectors and mask banks live in a constant pool emitted after the code
(`MachineFunction.pool`, label `<kernel>_pool`, `.rodata`); the loop loads them (`vmem`
from a base register set in the prologue) and `licm.py` hoists the loads out of the loop
where registers allow.

**Where they are used** (`rows.py`):
  * a read with s elements per lane (`strided_read`), s up to MAX_STRIDE and not a power of
    two (2, 4, 8 are rounds of `vpacke`/`vpacko` in rows.py, fewer permutes) unless the
    elements are words (no word pack): each output vector's `(s-1) * lanes + 1` elements
    span s aligned vectors (s + 1 off the grid), loaded once and shared by every channel;
    a negative s (`x[n - 1 - i]`, a mirror) likewise: s = -1 is one vector (two aligned
    ones merged) whose lanes one delta pass reverses -- byte k from byte k XOR (128 - e)
    for e-byte elements, which every stage of either network makes in one switch;
  * a store group of s stores a lane apart (`interleave`, called by `split.interleave` where
    s is not a power of two, which vshuff rounds cover): the s values' vectors interleaved
    element by element;
  * `unroll_channels`: a store whose innermost range c is small (at most MAX_STRIDE) and not
    walked contiguously together with the next range by every access (`rgb[y, x, c] =
    bgr[y, x, 2 - c]`) is made s stores with c a constant, so the lanes run over x and the
    stores interleave; the lanes over c alone would be s wide.
Bytes are the unit, so any element size works (halves are byte pairs).
"""
from __future__ import annotations

from rewriter.backends.hexagon.mir import POOL_SUFFIX, HexagonUnsupported, Reg, insn
from rewriter.backends.hexagon.router import RoutingError, route
from rewriter.backends.hexagon.select import VBYTES, _elem_bytes
from rewriter.ir.analysis import affine, flatten
from rewriter.ir.dtype import parse_dtype
from rewriter.ir.uop import const
from rewriter.kernel.kernel import Kernel

#: The most elements per lane a gathered read or an interleaved store may walk (a read's
#: output vector takes s source vectors; an interleave makes s outputs of s sources).
MAX_STRIDE = 8
#: The memory name of the constant pool's loads (no store ever writes it: hoistable).
POOL_MEM = "@pool"
#: Vectors one pool base register reaches (`vmem(Rt+#s4)`: offsets 0..7).
POOL_REACH = 8
#: Masks a mask bank holds: one bit of each byte (`vandvrt` picks it by Rt's bytes).
BANK_BITS = 8

_INF = (1 << 30, 0)


def strided_read(sel, buf: str, first: int, t, stride: int, n: int | None = None,
                 live: int | None = None) -> list[Reg]:
    """The block's first `n` vectors (all: None) of a read of `buf` that walks `stride`
    elements a lane, its first lane at element `first` past the pointer
    (`rows.RowSelector._load`). A negative stride walks backwards (`x[n - 1 - i]`: each
    vector's lanes reversed by one delta pass, an XOR map of the byte positions); only its
    first `live` lanes are read (None: all), since the lanes past a row's end would read
    below the row's first element, where the buffer may not be."""
    if not 0 < abs(stride) <= MAX_STRIDE:
        raise HexagonUnsupported(f"a read of {buf} walking {stride} elements a lane (more than {MAX_STRIDE} "
                                 "either way)")
    eb = _elem_bytes(t)
    per_vec = VBYTES // eb
    out = []
    for j in range(sel.nvec(t) if n is None else n):
        lanes = range(per_vec) if live is None or stride > 0 else range(max(0, min(per_vec, live - j * per_vec)))
        if not lanes:  # (a vector wholly past the live lanes: never stored)
            out.append(out[-1])
            continue
        ends = [first + stride * (j * per_vec + i) for i in (lanes[0], lanes[-1])]
        lo, hi = min(ends) * eb, (max(ends) + 1) * eb
        # Off an aligned pointer the grid vectors around the bytes are plain loads (the
        # routes absorb the offset); elsewhere the vectors start at the first byte.
        base = lo - lo % VBYTES if sel._aligned(buf) else lo
        # A source vector past the buffer's reach holds no real lane's bytes (a row narrower
        # than a block: its lanes past the row are never stored), so it is not read.
        srcs = [sel._vector(buf, base + k * VBYTES) if sel._fits(buf, base + (k + 1) * VBYTES) else None
                for k in range(-(-(hi - base) // VBYTES))]
        spec = {}
        for i in lanes:
            for e in range(eb):
                g = (first + stride * (j * per_vec + i)) * eb + e - base
                if srcs[g // VBYTES] is not None:
                    spec[i * eb + e] = (srcs[g // VBYTES], g % VBYTES)
        out += gather(sel, [spec])
    return out


def interleave(sel, parts: list, elem_bytes: int) -> list[Reg]:
    """The values `parts` (each a list of vectors, lanes in order) interleaved element by
    element: output element s*i + m is lane i of part m (s = len(parts))."""
    s, n = len(parts), len(parts[0])
    if s > MAX_STRIDE:
        raise HexagonUnsupported(f"interleaving {s} stores (more than {MAX_STRIDE})")
    per_vec = VBYTES // elem_bytes
    outputs = []
    for k in range(s * n):
        spec = {}
        for b in range(VBYTES):
            el, e = divmod(k * VBYTES + b, elem_bytes)
            i, m = divmod(el, s)
            spec[b] = (parts[m][i // per_vec], (i % per_vec) * elem_bytes + e)
        outputs.append(spec)
    return gather(sel, outputs)


# -- gathers ---------------------------------------------------------------------------------
def gather(sel, outputs: list[dict]) -> list[Reg]:
    """One vector per spec of `outputs` ({byte: (source register, source byte)}; bytes not
    in a spec are left undefined), by the cheapest of the module docstring's arrangements."""
    key = ("gather", tuple(tuple(sorted(o.items(), key=lambda x: x[0])) for o in outputs))
    if key in sel.vloads:
        return sel.vloads[key]
    if not all(outputs):  # (an output of no defined byte: any vector, the zero one)
        zero = sel.vector_const(0, parse_dtype("u8"))
        return [gather(sel, [o])[0] if o else zero for o in outputs]
    per_output = [min(_merge_first(o), _route_each(o), key=lambda p: p[0]) for o in outputs]
    shared = _shared(outputs)
    cost = tuple(sum(p[0][i] for p in per_output) for i in range(2))
    if min(shared[0], cost) >= _INF:
        raise RoutingError("a gather that no arrangement of routes and merges makes (copies of a byte "
                           "the Benes network cannot fan out)")
    if shared[0] < cost:
        regs = shared[1](sel)
    else:
        regs = [p[1](sel) for p in per_output]
    sel.vloads[key] = regs
    return regs


def _passes(mapping: dict) -> int | None:
    try:
        return len(route(mapping))
    except RoutingError:
        return None


def _by_source(spec: dict) -> dict:
    """{source register: {output byte: source byte}}, in first-use order."""
    out: dict = {}
    for b, (src, p) in sorted(spec.items()):
        out.setdefault(src, {})[b] = p
    return out


def _merge_first(spec: dict):
    """Arrangement A for one output: ((permutes, instructions), emitter) or _INF."""
    srcs = _by_source(spec)
    taken = [set(m.values()) for m in srcs.values()]
    if sum(len(x) for x in taken) != len(set().union(*taken)):
        return _INF, None
    mapping = {b: p for m in srcs.values() for b, p in m.items()}
    n = _passes(mapping)
    if n is None:
        return _INF, None
    parts = [(src, frozenset(m.values())) for src, m in srcs.items()]
    return (n, n + 2 * (len(parts) - 1)), lambda sel: _route_vec(sel, _merge(sel, parts), mapping)


def _route_each(spec: dict):
    """Arrangement B for one output."""
    srcs = _by_source(spec)
    counts = [_passes(m) for m in srcs.values()]
    if None in counts:
        return _INF, None
    n = sum(counts)

    def emit(sel):
        return _merge(sel, [(_route_vec(sel, src, m), frozenset(m)) for src, m in srcs.items()])
    return (n, n + 2 * (len(srcs) - 1)), emit


def _shared(outputs: list[dict]):
    """Arrangement C over every output: each source routed once."""
    maps: dict = {}
    for spec in outputs:
        for b, (src, p) in spec.items():
            if maps.setdefault(src, {}).setdefault(b, p) != p:
                return _INF, None
    counts = [_passes(m) for m in maps.values()]
    if None in counts:
        return _INF, None
    n = sum(counts)
    muxes = sum(len(_by_source(spec)) - 1 for spec in outputs)

    def emit(sel):
        routed = {src: _route_vec(sel, src, m) for src, m in maps.items()}
        return [_merge(sel, [(routed[src], frozenset(m)) for src, m in _by_source(spec).items()])
                for spec in outputs]
    return (n, n + 2 * muxes), emit


def _route_vec(sel, src: Reg, mapping: dict) -> Reg:
    """`src` with byte mapping[q] moved to q (the passes `router.route` proved)."""
    passes = route(mapping)
    key = ("route", src, passes)
    if key not in sel.vloads:
        r = src
        for name, ctrl in passes:
            d = sel.reg("V", f"{name}")
            sel.body.add(insn(name, d=d, u=r, v=pool_vector(sel, ctrl)))
            r = d
        sel.vloads[key] = r
    return sel.vloads[key]


def _merge(sel, parts: list) -> Reg:
    """One vector of `parts` [(register, byte positions it gives)]: the one giving the most
    bytes is the default, each other one `vmux`ed in at its positions."""
    parts = sorted(parts, key=lambda p: -len(p[1]))
    acc = parts[0][0]
    for src, positions in parts[1:]:
        d = sel.reg("V", "merged")
        sel.body.add(insn("vmux", d=d, q=_mask(sel, positions), u=src, v=acc))
        acc = d
    return acc


# -- constants -------------------------------------------------------------------------------
def pool_vector(sel, data: bytes) -> Reg:
    """The constant vector `data`, from the pool (one entry per distinct vector)."""
    return _pool_load(sel, _pool_entry(sel, bytes(data)))


def _pool_entry(sel, data: bytes) -> int:
    key = ("pool", data)
    if key not in sel.consts:
        sel.pool.append(bytearray(data))
        sel.consts[key] = len(sel.pool) - 1
    return sel.consts[key]


def _pool_load(sel, index: int, hoisted: bool = False) -> Reg:
    """Pool entry `index` loaded in the current section (where licm.py may hoist it), or
    once in the prologue (`hoisted`: for a mask set there)."""
    cache, block = (sel.consts, sel.pro) if hoisted else (sel.vloads, sel.body)
    key = ("pool-load", index)
    if key not in cache:
        j, off = divmod(index, POOL_REACH)
        bkey = ("pool-base", j)
        if bkey not in sel.consts:
            base = sel.reg("R", f"pool+{j * POOL_REACH}")
            sym = f"{sel.k.name}{POOL_SUFFIX}" + (f"+{j * POOL_REACH * VBYTES}" if j else "")
            sel.pro.add(insn("movsym", d=base, sym=sym))
            sel.consts[bkey] = base
        d = sel.reg("V", f"pool[{index}]")
        block.add(insn("vmem_ld", mem=POOL_MEM, d=d, p=sel.consts[bkey], off=off))
        cache[key] = d
    return cache[key]


def _mask(sel, positions: frozenset) -> Reg:
    """A predicate true at the byte `positions`: bit b of a mask bank's bytes, `vandvrt`
    with every byte of Rt set to that bit: into a Q register of its own set in the prologue
    while `sel.q_fixed_budget` allows, else into the next rotating one."""
    key = ("mask", positions)
    if key not in sel.consts:
        bank = sel.consts.get(("mask-bank",))
        if bank is None or bank[1] == BANK_BITS:  # a fresh entry (its bytes grow as masks join)
            sel.pool.append(bytearray(VBYTES))
            bank = (len(sel.pool) - 1, 0)
        index, bit = bank
        for p in positions:
            sel.pool[index][p] |= 1 << bit
        sel.consts[("mask-bank",)] = (index, bit + 1)
        sel.consts[key] = (index, bit)
    index, bit = sel.consts[key]
    fixed = sel.consts.get(("mask-fixed", positions))
    if fixed is None and sel.q_fixed < sel.q_fixed_budget:
        # A register of its own, set once in the prologue, while the nest leaves one.
        fixed = sel.reg("Q", f"mask{index}.{bit}")
        sel.pro.add(insn("vandvrt", d=fixed, u=_pool_load(sel, index, hoisted=True), t=sel.scalar_const((1 << bit) * 0x01010101)))
        sel.consts[("mask-fixed", positions)] = fixed
        sel.q_fixed += 1
    if fixed is not None:
        return fixed
    # The predicate made for these positions lately is still there while its rotating
    # register has not been taken again (fewer takes since than there are rotating ones).
    made = sel.vloads.get(("mask-q", positions))
    if made is not None and len(sel.q_uses) - made[1] < sel.q_rotation():
        return made[0]
    q = sel.rotating_q()
    sel.body.add(insn("vandvrt", d=q, u=_pool_load(sel, index), t=sel.scalar_const((1 << bit) * 0x01010101)))
    sel.vloads[("mask-q", positions)] = (q, len(sel.q_uses))
    return q


# -- channels ---------------------------------------------------------------------------------
def unroll_channels(kernel: Kernel) -> Kernel:
    """`kernel` with a small innermost store range made constants (the module docstring), or
    the kernel itself where that does not apply."""
    if kernel.temps or not kernel.stores:
        return kernel
    forms = []
    for st in kernel.stores:
        a = affine(flatten(st.src[:-1], kernel.buffer(st.arg).shape))
        if a is None:
            return kernel
        forms.append({k: v for k, v in a.items() if v})
    inner = {min((n for n in f if n is not None), key=lambda n: f[n], default=None) for f in forms}
    if len(inner) != 1 or None in inner:
        return kernel
    (c,) = inner
    decl = next(r for r in kernel.ranges if r.name == c)
    s = decl.size
    if decl.reduce or not 2 <= s <= MAX_STRIDE or any(f[c] != 1 for f in forms):
        return kernel
    outer = [n for n in forms[0] if n is not None and forms[0][n] == s]
    if not outer or any(f.get(outer[0]) != s for f in forms):
        return kernel
    x = outer[0]
    loads = [n for st in kernel.stores for n in st.src[-1].toposort() if n.op == "load"]
    walks = []
    for n in loads:
        a = affine(flatten(n.src, kernel.buffer(n.arg).shape))
        if a is None:
            return kernel
        walks.append(a)
    if all(a.get(x, 0) == s * a.get(c, 0) for a in walks):
        return kernel  # (every access walks x and c as one range: the lanes join them)
    if any(not 0 <= a.get(x, 0) <= MAX_STRIDE for a in walks):
        return kernel  # (a read the lanes over x could not walk: another lowering's nest)
    olds = {n for st in kernel.stores for n in st.toposort() if n.op == "var" and n.arg.name == c}
    stores, locs = [], []
    for st, loc in zip(kernel.stores, list(kernel.store_locs) or [None] * len(kernel.stores)):
        for r in range(s):
            stores.append(st.substitute({o: const(o.dtype, r) for o in olds}))
            locs.append(loc)
    ranges = tuple(r for r in kernel.ranges if r.name != c)
    return Kernel(kernel.name, kernel.buffers, ranges, tuple(stores), kernel.loc, tuple(locs))
