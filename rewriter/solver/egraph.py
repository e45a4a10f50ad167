"""An e-graph over UOps (egg style): hash-consing, congruence, the e-class analysis, and the
e-matching / precondition / right-side primitives that `saturate` (in `__init__.py`) runs.

E-nodes are tuples `(op, dtype, kids, arg)`: `kids` are e-class ids; for `const` and `var`
leaves `arg` is the leaf UOp itself (hash-consed, so `1` vs `True` and `0.0` vs `-0.0` stay
distinct), for every other op it is the UOp's `arg` (poison flags, a buffer name...). Ops
outside the op table (`load`, `reduce`, `store`, ...) are opaque: their operands are still
e-classes, but they are never folded and their interval is their type's whole range.

The e-graph keeps a union-find over class ids and a hashcons from canonical e-nodes to
classes. `merge` is cheap and defers repair; `rebuild()` restores congruence with egg's
worklist algorithm and propagates the e-class analysis, which holds per class
  * `const`: the constant UOp, if the class contains (or folds to) one. A node whose
    operands are all constant classes is evaluated by the engine's `fold_constant` (the op
    table's semantics run by the concrete evaluator; UB and poison are not folded), and
  * `interval`: an inclusive integer interval (integer, idx and bool scalars), the
    intersection over the class's nodes of the op table's range transfer (`ranges`) applied
    to the operands' class intervals. A single-valued interval folds the class to that
    constant, exactly as the greedy engine's range folding does.

E-matching (`match`) tries commutative ops in both operand orders, binds constant symbols
only to classes with a known constant, and requires a pattern's flags to be a subset of the
node's and dtypes to be equal. A precondition (`holds`) is decided in interval arithmetic
over the bound classes (constant classes by their value): provably true and free of possible
UB, as in the greedy engine. `instantiate` adds a right side, constant computations folded.

Caveat. Rules are refinements: the right side may be *more* defined than the left (`x / x`
is UB at 0, `1` is not; `add.nsw` is poison where `+` wraps). An e-graph merge records an
equality, so a class may hold a term less defined than one it was merged with, and its
analysis facts (intersected intervals) may come from the less defined member. This is the
standard e-graph practice (egg, egglog, Cranelift do the same); it is exact where the input
is defined and not poison, which is the refinement contract. As a guard, a rule merge of two
classes with different known constants or disjoint intervals (only possible through UB or
poison) is refused and counted in `EGraph.conflicts`.
"""
from __future__ import annotations

from rewriter.errors import EvalError
from rewriter.ir.concrete import ConcreteDomain
from rewriter.ir.interp import interpret
from rewriter.ir.ops import OPS, commutes
from rewriter.ir.ranges import ranges
from rewriter.ir.uop import UOp, const, var
from rewriter.rewrite.engine import fold_constant, may_be_undefined

ENode = tuple  # (op, dtype, kids: tuple[int, ...], arg)
Interval = tuple  # (lo, hi), inclusive; None = unbounded
#: How often one class's interval may be narrowed. A cycle such as a class holding x + 1
#: over itself would otherwise narrow one step per round; stopping early is sound.
MAX_NARROWINGS = 32


class EClass:
    __slots__ = ("id", "dtype", "nodes", "parents", "const", "interval", "narrowed")

    def __init__(self, cid: int, dtype, node: ENode, cst, interval):
        self.id = cid
        self.dtype = dtype
        self.nodes: list[ENode] = [node]
        self.parents: list[tuple[ENode, int]] = []  # (parent e-node, its class), maybe stale
        self.const: UOp | None = cst
        self.interval: Interval | None = interval
        self.narrowed = 0  # interval updates so far (capped: cycles could narrow forever)

    def __repr__(self) -> str:
        return f"<EClass {self.id} {self.dtype} nodes={len(self.nodes)} const={self.const} iv={self.interval}>"


def _has_interval(t) -> bool:
    return t.lanes == 1 and (t.is_integral or t.is_bool)


def _meet(a: Interval | None, b: Interval | None):
    """Intersection of two intervals; `False` if they are disjoint."""
    if a is None:
        return b
    if b is None:
        return a
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    if lo is not None and hi is not None and lo > hi:
        return False
    return (lo, hi)


def _fold(node: UOp) -> UOp:
    if node.src or node.op not in OPS or node.dtype.lanes > 1:
        return fold_constant(node)
    try:
        m = interpret([node], ConcreteDomain(1), {})[node]
    except EvalError:
        return node
    if not bool(m.defined[0]) or bool(m.poison[0]):
        return node
    return const(node.dtype, int(m.value[0]))


def fold_all(root: UOp) -> UOp:
    memo: dict[UOp, UOp] = {}
    for n in root.toposort():
        memo[n] = fold(n.replace(src=tuple(memo[s] for s in n.src)) if n.src else n)
    return memo[root]


_FOLDED: dict[UOp, UOp] = {}


def fold(node: UOp) -> UOp:
    """`fold_constant` (memoized), extended to the nullary ops (`int_max()`, `bits()`...)."""
    hit = _FOLDED.get(node)
    if hit is None:
        if len(_FOLDED) > 100_000:
            _FOLDED.clear()
        hit = _FOLDED[node] = _fold(node)
    return hit


class EGraph:
    def __init__(self):
        self.parent: list[int] = []  # union-find
        self.classes: dict[int, EClass] = {}  # canonical id -> class
        self.hashcons: dict[ENode, int] = {}
        self.pending: list[int] = []  # classes whose parents must be re-canonicalized
        self.analysis_pending: dict[ENode, int] = {}  # parent nodes to re-analyse (a set)
        self.version = 0  # bumped by every new node and every union
        self.conflicts = 0  # merges joining different constants / disjoint intervals
        self._iv_memo: dict = {}
        self._rng: dict = {}  # shared `ranges` cache (UOps are context-free)
        self._holds_memo: dict = {}

    # -- union-find ----------------------------------------------------------------------
    def find(self, a: int) -> int:
        p = self.parent
        while p[a] != a:
            p[a] = p[p[a]]
            a = p[a]
        return a

    def canonicalize(self, node: ENode) -> ENode:
        op, dt, kids, arg = node
        return (op, dt, tuple(self.find(k) for k in kids), arg) if kids else node

    def __getitem__(self, cid: int) -> EClass:
        return self.classes[self.find(cid)]

    def __len__(self) -> int:
        return len(self.classes)

    @property
    def node_count(self) -> int:
        return len(self.hashcons)

    # -- adding --------------------------------------------------------------------------
    def add(self, term: UOp) -> int:
        """Add a term (and all its subterms); returns its class id. Adding may fold
        constants (a union): call `rebuild()` before matching or extracting."""
        memo: dict[UOp, int] = {}
        for n in term.toposort():
            arg = n if n.op in ("const", "var") else n.arg
            memo[n] = self.add_node((n.op, n.dtype, tuple(memo[s] for s in n.src), arg))
        return memo[term]

    def lookup(self, term: UOp) -> int | None:
        """The class of a term, if the e-graph (after `rebuild()`) represents it."""
        memo: dict[UOp, int] = {}
        for n in term.toposort():
            arg = n if n.op in ("const", "var") else n.arg
            cid = self.hashcons.get(self.canonicalize((n.op, n.dtype, tuple(memo[s] for s in n.src), arg)))
            if cid is None:
                return None
            memo[n] = self.find(cid)
        return memo[term]

    def add_node(self, node: ENode) -> int:
        node = self.canonicalize(node)
        hit = self.hashcons.get(node)
        if hit is not None:
            return self.find(hit)
        cid = len(self.parent)
        self.parent.append(cid)
        cst, iv = self._make(node)
        self.classes[cid] = EClass(cid, node[1], node, cst, iv)
        self.hashcons[node] = cid
        for k in node[2]:
            self.classes[k].parents.append((node, cid))
        self.version += 1
        self._modify(cid)
        return self.find(cid)

    # -- analysis ------------------------------------------------------------------------
    def _make(self, node: ENode):
        op, dt, kids, arg = node
        if op == "const":
            iv = (int(arg.arg), int(arg.arg)) if _has_interval(dt) else None
            return arg, iv
        if op == "var":
            return None, (ranges(arg, self._rng)[arg] if _has_interval(dt) else None)
        ks = [self.classes[self.find(k)] for k in kids]
        cst = None
        if op in OPS and all(k.const is not None for k in ks):
            folded = fold(UOp(op, dt, tuple(k.const for k in ks), arg))
            if folded.op == "const":
                cst = folded
        if not _has_interval(dt):
            return cst, None
        if cst is not None:
            return cst, (int(cst.arg), int(cst.arg))
        return None, self._node_interval(op, dt, arg, ks)

    def _node_interval(self, op, dt, arg, ks) -> Interval:
        key = (op, dt, arg, tuple((k.dtype, k.interval) for k in ks))
        hit = self._iv_memo.get(key)
        if hit is None:
            # Operands stand in as variables bounded by their classes' intervals, so the
            # range analysis (and its transfer functions) runs unchanged.
            srcs = tuple(var(k.dtype, "_", *(k.interval or (None, None))) for k in ks)
            node = UOp(op, dt, srcs, arg)
            try:
                hit = ranges(node, self._rng)[node]
            except (TypeError, ValueError, ZeroDivisionError, KeyError):
                hit = (dt.min, dt.max)  # a transfer function that cannot handle it: no info
            self._iv_memo[key] = hit
        return hit

    def _join(self, c: EClass, cst, iv) -> bool:
        """Join analysis data into class c; True if c's data changed."""
        changed = False
        if cst is not None:
            if c.const is None:
                c.const, changed = cst, True
            elif c.const is not cst:
                self.conflicts += 1
        if iv is not None:
            m = _meet(c.interval, iv)
            if m is False:
                self.conflicts += 1
            elif m != c.interval and c.narrowed < MAX_NARROWINGS:
                c.interval, changed = m, True
                c.narrowed += 1
        if c.const is not None and c.interval is not None and _has_interval(c.dtype):
            v = int(c.const.arg)
            if c.interval != (v, v):
                c.interval, changed = (v, v), True
        return changed

    def _modify(self, cid: int) -> None:
        """Make a class with a known (or single-valued) constant contain that constant."""
        c = self.classes[self.find(cid)]
        if c.const is None and c.interval is not None and c.interval[0] is not None \
                and c.interval[0] == c.interval[1]:
            v = c.interval[0]
            c.const = const(c.dtype, bool(v) if c.dtype.is_bool else v)
        if c.const is not None:
            k = self.add_node(("const", c.dtype, (), c.const))
            self.union(k, c.id)

    # -- merging -------------------------------------------------------------------------
    def compatible(self, a: int, b: int) -> bool:
        """False if merging a and b would join two constants or disjoint intervals."""
        ca, cb = self[a], self[b]
        if ca.dtype != cb.dtype:
            return False
        if ca.const is not None and cb.const is not None and ca.const is not cb.const:
            return False
        return _meet(ca.interval, cb.interval) is not False

    def union(self, a: int, b: int) -> bool:
        """Merge two classes (congruence is restored by `rebuild`). True if they differed."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        ca, cb = self.classes[a], self.classes[b]
        assert ca.dtype == cb.dtype, f"merging {ca.dtype} with {cb.dtype}"
        if len(ca.parents) < len(cb.parents) or (len(ca.parents) == len(cb.parents) and b < a):
            a, b, ca, cb = b, a, cb, ca
        self.parent[b] = a
        self.version += 1
        old_a, old_b, parents_a = (ca.const, ca.interval), (cb.const, cb.interval), ca.parents
        ca.nodes.extend(cb.nodes)
        ca.parents = parents_a + cb.parents
        self._join(ca, cb.const, cb.interval)
        del self.classes[b]
        self.pending.append(a)
        new = (ca.const, ca.interval)
        # Only the users of a side whose facts changed need their analysis redone.
        for old, users in ((old_a, parents_a), (old_b, cb.parents)):
            if new != old:
                self.analysis_pending.update(users)
        self._modify(a)
        return True

    merge = union

    def rebuild(self) -> int:
        """Restore the hashcons and congruence invariants (egg's deferred rebuilding) and
        propagate the analysis. Returns the number of classes repaired."""
        repaired = 0
        while True:
            while self.pending or self.analysis_pending:
                todo = list(dict.fromkeys(self.find(c) for c in self.pending))
                self.pending = []
                for c in todo:
                    self._repair(c)
                    repaired += 1
                while self.analysis_pending:
                    node, cid = self.analysis_pending.popitem()
                    c = self.classes[self.find(cid)]
                    if self._join(c, *self._make(self.canonicalize(node))):
                        self.version += 1  # new facts may decide new preconditions
                        self.analysis_pending.update(c.parents)
                        self._modify(c.id)
            if not self._rebuild_classes():
                return repaired

    def _repair(self, cid: int) -> None:
        c = self.classes.get(self.find(cid))
        if c is None:
            return
        parents, c.parents = c.parents, []
        for node, _ in parents:
            if self.hashcons.get(node) is not None and node != self.canonicalize(node):
                del self.hashcons[node]
        seen: dict[ENode, int] = {}
        for node, pc in parents:
            node = self.canonicalize(node)
            if node in seen:
                self.union(pc, seen[node])  # congruence: same op over the same classes
            old = self.hashcons.get(node)
            if old is not None and self.find(old) != self.find(pc):
                self.union(old, pc)
            self.hashcons[node] = self.find(pc)
            seen[node] = self.find(pc)
        self.classes[self.find(cid)].parents.extend(seen.items())

    def _rebuild_classes(self) -> bool:
        """Canonicalize and deduplicate every class's nodes and rebuild the hashcons from
        them. A node found in two classes (a missed congruence) merges them: True then."""
        hashcons: dict[ENode, int] = {}
        missed = []
        for c in self.classes.values():
            c.nodes = list(dict.fromkeys(self.canonicalize(n) for n in c.nodes))
            for n in c.nodes:
                other = hashcons.setdefault(n, c.id)
                if other != c.id:
                    missed.append((other, c.id))
        self.hashcons = hashcons
        for a, b in missed:
            self.union(a, b)
        return bool(missed)

    def check_invariants(self) -> None:
        """Assert the post-`rebuild()` invariants (tests use this)."""
        assert not self.pending and not self.analysis_pending
        for c in self.classes.values():
            assert self.find(c.id) == c.id
            for n in c.nodes:
                assert self.canonicalize(n) == n, (n, c.id)
                assert self.hashcons[n] == c.id, (n, c.id)
                assert self.classes[self.find(c.id)].dtype == n[1]

    # -- e-matching ----------------------------------------------------------------------
    def match(self, pat: UOp, cid: int, consts=frozenset()) -> list[dict]:
        """Every binding (pattern name -> class id) under which `pat` matches class `cid`
        (call after `rebuild()`: bindings hold canonical ids)."""
        return self._match(pat, self.find(cid), [{}], consts)

    def _match(self, p: UOp, cid: int, bs: list, consts) -> list:
        """Extend each binding in `bs` by matching pattern `p` against class `cid`.
        Breadth-first over a list of bindings: cheaper than nested generators."""
        c = self.classes[cid]
        if p.dtype is not c.dtype and p.dtype != c.dtype:  # (DType equality is slow)
            return []
        op = p.op
        if op == "var":
            name = p.arg.name
            if name in consts and c.const is None:
                return []
            out = []
            for b in bs:
                got = b.get(name)
                if got is None:
                    nb = dict(b)
                    nb[name] = cid
                    out.append(nb)
                elif got == cid:
                    out.append(b)
            return out
        if op == "const":
            k = c.const
            ok = k is not None and type(k.arg) is type(p.arg) and repr(k.arg) == repr(p.arg)
            return bs if ok else []
        out = []
        for node in c.nodes:
            if node[0] == op:
                out.extend(self.match_node(p, node, bs, consts))
        return out

    def match_node(self, p: UOp, node: ENode, bs: list, consts) -> list:
        """Extend the bindings `bs` by matching pattern `p` against one e-node."""
        op, dt, kids, arg = node
        if op != p.op or (dt is not p.dtype and dt != p.dtype) or len(kids) != len(p.src):
            return []
        if p.arg and not set(p.arg) <= set(arg if isinstance(arg, tuple) else ()):
            return []  # (a pattern op's arg is its flags)
        orders = [kids]  # canonical: nodes are canonical after rebuild()
        if len(kids) == 2 and kids[0] != kids[1] and commutes(op, self.classes[kids[0]].dtype):
            orders.append(kids[::-1])
        out = []
        for ks in orders:
            cur = bs
            for sp, k in zip(p.src, ks):
                cur = self._match(sp, k, cur, consts)
                if not cur:
                    break
            out.extend(cur)
        return out

    # -- rule application ----------------------------------------------------------------
    def holds(self, pre: UOp, b: dict) -> bool:
        """Is the precondition provably true (and free of possible UB) for every value of
        the bound classes? Constant classes stand for their value, others for a variable
        bounded by the class interval."""
        env: dict[UOp, UOp] = {}
        for n in _leaves(pre):
            c = self[b[n.arg.name]]
            env[n] = c.const if c.const is not None else var(
                n.dtype, n.arg.name, *(c.interval or (None, None)))
        key = (pre, tuple(env.values()))
        hit = self._holds_memo.get(key)
        if hit is None:
            hit = self._holds_memo[key] = _provable(fold_all(pre.substitute(env)), self._rng)
        return hit

    def instantiate(self, pat: UOp, b: dict) -> int:
        """Add a rule's right side under bindings; constant computations are folded."""
        memo: dict[UOp, int] = {}
        for n in pat.toposort():
            if n.op == "var":
                memo[n] = self.find(b[n.arg.name])
                continue
            kids = tuple(memo[s] for s in n.src)
            if n.op == "const":
                memo[n] = self.add_node(("const", n.dtype, (), n))
                continue
            ks = [self[k] for k in kids]
            if n.op in OPS and all(k.const is not None for k in ks):
                folded = fold(UOp(n.op, n.dtype, tuple(k.const for k in ks), n.arg))
                if folded.op == "const":
                    memo[n] = self.add_node(("const", n.dtype, (), folded))
                    continue
            memo[n] = self.add_node((n.op, n.dtype, kids, n.arg))
        return memo[pat]


def _provable(p: UOp, rng_cache: dict) -> bool:
    if p.op == "const":
        return p.arg is True
    try:
        rng = ranges(p, rng_cache)
        return rng[p] == (1, 1) and not may_be_undefined(p, rng)
    except (TypeError, ValueError, ZeroDivisionError, KeyError):
        return False  # a transfer function that cannot decide it: not proven


_LEAVES: dict[UOp, list] = {}


def _leaves(pre: UOp) -> list:
    hit = _LEAVES.get(pre)
    if hit is None:
        hit = _LEAVES[pre] = [n for n in pre.toposort() if n.op == "var"]
    return hit
