"""Linear sums at idx: the engine's normal form for index arithmetic, and the folds of
division, remainder and comparison that need the whole sum at once.

A sum of any length (`a*2 + b + a*3 + 7`) is one `Linear`: a coefficient per atom (any term
that is not +, -, neg, or a multiplication by a constant) and a constant. Rules match fixed
shapes, so "collect like terms of an n-term sum" or "split the multiples of 4 out of an
n-term dividend" cannot be one rule each; these steps are engine code instead, and every
step is checked against the evaluator on random points by tests/test_linear.py (hypothesis).

All of it is at idx only, where nothing wraps: a sum's value is exactly the linear form's.
Each function returns a new term, or None where it does not simplify (so the engine never
rewrites a term into itself). The identities used, with d, d1, d2 > 0:
  * y == (y / d) * d + y % d                          (C division, any sign of y)
  * (y / d1) / d2 == y / (d1 * d2)                    (truncation composes)
  * y % d1 + ((y / d1) % d2) * d1 == y % (d1 * d2)    (any sign of y)
  * (y % D) % d == y % d  where d divides D             (any sign of y)
  * for s >= 0 division truncates as it floors: s = d*Q + R with Q an integer-valued linear
    form gives s / d == Q + R / d where R >= 0, and == Q + m where m*d <= R < (m+1)*d.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import gcd

from rewriter.ir.dtype import idx
from rewriter.ir.uop import UOp, const

MAX_TERMS = 8  # congruence search tries 2^(terms+1) remainder choices: keep it small


@dataclass
class Linear:
    terms: dict  # atom (UOp) -> nonzero int coefficient, in first-appearance order
    k: int = 0
    leaves: int = 0  # atom and constant occurrences in the term as written


def _const(u: UOp):
    return u.arg if u.op == "const" and u.dtype == idx and not u.flags else None


def linear(u: UOp) -> Linear:
    """The linear form of an idx term (an atom alone is 1 * atom)."""
    lin = Linear({})
    stack = [(u, 1)]
    while stack:
        n, c = stack.pop()
        v = _const(n)
        if v is not None:
            lin.k += c * v
            lin.leaves += v != 0
            continue
        if n.dtype == idx and not n.flags and n.op in ("add", "sub"):
            stack.append((n.src[1], -c if n.op == "sub" else c))
            stack.append((n.src[0], c))
            continue
        if n.dtype == idx and not n.flags and n.op == "neg":
            stack.append((n.src[0], -c))
            continue
        if n.dtype == idx and not n.flags and n.op == "mul":
            a, b = n.src
            if _const(b) is not None:
                stack.append((a, c * b.arg))
                continue
            if _const(a) is not None:
                stack.append((b, c * a.arg))
                continue
        lin.leaves += 1
        lin.terms[n] = lin.terms.get(n, 0) + c
    lin.terms = {a: c for a, c in lin.terms.items() if c != 0}
    return lin


def build(terms: dict, k: int) -> UOp:
    """sum(atom * c) + k, left to right, the constant last (where rules look for it)."""
    out = None
    for a, c in terms.items():
        t = a if c == 1 else UOp("neg", idx, (a,)) if c == -1 else UOp("mul", idx, (a, const(idx, c)))
        out = t if out is None else UOp("add", idx, (out, t))
    if out is None:
        return const(idx, k)
    return out if k == 0 else UOp("add", idx, (out, const(idx, k)))


def _is_idx(u: UOp) -> bool:
    return u.dtype == idx and not u.flags


# ---- sums ------------------------------------------------------------------------------
def _recombine(terms: dict) -> bool:
    """One div-mod recombination in place; True if one was made. Atoms are compared up to
    nested division ((y / d1) / d2 is y / (d1*d2))."""
    divs = {}
    for a in terms:
        key = None if a is None else _div_key(a)
        if key is not None:
            divs[key] = a
    for a, c in terms.items():
        if a is None or a.op != "mod" or _const(a.src[1]) is None or a.src[1].arg <= 0:
            continue
        y, d = a.src[0], a.src[1].arg
        # y % d * c + (y / d) * (c * d)  ==  y * c
        q = divs.get(_div_key(UOp("div", idx, (y, const(idx, d)))))
        if q is not None and terms[q] == c * d:
            del terms[a], terms[q]
            _add_terms(terms, linear(y), c)
            return True
        # x % d * c + ((x % D) / d) * (c * d)  ==  (x % D) * c   when d divides D:
        # (x % D) % d == x % d
        for b, cb in terms.items():
            if (b is not None and b.op == "div" and cb == c * d and _const(b.src[1]) == d
                    and b.src[0].op == "mod" and b.src[0].src[0] is y and _const(b.src[0].src[1]) is not None
                    and b.src[0].src[1].arg > 0 and b.src[0].src[1].arg % d == 0):
                del terms[a], terms[b]
                _add_terms(terms, Linear({b.src[0]: 1}), c)
                return True
        # y % d1 * c + ((y / d1) % d2) * (c * d1)  ==  y % (d1 * d2) * c
        for b, cb in terms.items():
            if (b is not None and b.op == "mod" and b is not a and _const(b.src[1]) is not None and b.src[1].arg > 0
                    and cb == c * d and _div_key(b.src[0]) == _div_key(UOp("div", idx, (y, const(idx, d))))):
                del terms[a], terms[b]
                _add_terms(terms, Linear({UOp("mod", idx, (y, const(idx, d * b.src[1].arg))): 1}), c)
                return True
    return False


def _div_key(a: UOp):
    """(dividend, total divisor) of a chain of positive constant divisions, else None."""
    d = 1
    while a.op == "div" and _is_idx(a) and _const(a.src[1]) is not None and a.src[1].arg > 0:
        d *= a.src[1].arg
        a = a.src[0]
    return (a, d) if d > 1 else None


def _add_terms(terms: dict, lin: Linear, c: int) -> None:
    for a, x in lin.terms.items():
        terms[a] = terms.get(a, 0) + c * x
        if terms[a] == 0:
            del terms[a]
    terms.setdefault(None, 0)
    terms[None] += c * lin.k


def fold_sum(n: UOp, norm=None) -> UOp | None:
    """Collect like terms, fold constants, recombine div/mod pairs, constant last.
    `norm` (the engine's normalize) finds pairs whose quotient was already simplified:
    y % d is y - (y / d) * d, kept where the sum gets smaller."""
    if not (_is_idx(n) and n.op in ("add", "sub")):
        return None
    lin = linear(n)
    terms = dict(lin.terms)
    changed = False
    while _recombine(terms):
        changed = True
    k = lin.k + terms.pop(None, 0)
    terms = {a: c for a, c in terms.items() if c != 0}
    while norm is not None:
        better = _expand_mod(terms, k, norm)
        if better is None:
            break
        terms, k = better
        changed = True
    size = len(terms) + (k != 0)
    # The constant at the root (`s + C`, or `C - x`, which rules prefer to `-x + C`).
    const_last = k == 0 or any(_const(x) is not None for x in n.src)
    if not changed and size >= lin.leaves and const_last:
        return None
    out = build(terms, k)
    return None if out is n else out


def _expand_mod(terms: dict, k: int, norm):
    """(terms, k) with one `y % d` atom replaced by y - norm(y / d) * d, if that is smaller."""
    size = tree_size(build(terms, k))
    for a, c in terms.items():
        if a.op != "mod" or not _is_idx(a) or _const(a.src[1]) is None or a.src[1].arg <= 0:
            continue
        y, d = a.src
        q = norm(UOp("div", idx, (y, d)))
        new = {x: v for x, v in terms.items() if x is not a}
        new[None] = k
        _add_terms(new, linear(y), c)
        _add_terms(new, linear(q), -c * d.arg)
        nk = new.pop(None, 0)
        new = {x: v for x, v in new.items() if v != 0}
        if tree_size(build(new, nk)) < size:
            return new, nk
    return None


# ---- division and remainder by a constant ------------------------------------------------
def fold_divmod(n: UOp, rng) -> UOp | None:
    """`s / d` and `s % d` with s a linear sum whose range is known and d a constant; only
    where the result, as built, is smaller than `n` (a split can grow a term, and an
    equal-sized one can hide a quotient-remainder pair from recombination)."""
    out = _fold_divmod(n, rng)
    if out is None:
        return None
    # K - (u + r) / d (from (k - u) / d) may be larger by the `+ r`, but it turns the
    # quotient of a negated sum into one of a sum of positive terms, which the sum around
    # it (typically `... + 50`) then folds; its own quotient never takes this path again.
    # -((-s) / d) for s <= 0 is allowed its size: it hands the rules a non-negative dividend.
    slack = 2 if out.op == "sub" and out.src[1].op == "div" else 0 if out.op == "neg" else -1
    return out if tree_size(out) <= tree_size(n) + slack else None


def tree_size(u: UOp) -> int:
    sizes: dict = {}
    for x in u.toposort():
        sizes[x] = 1 + sum(sizes[s] for s in x.src)
    return sizes[u]


def _fold_divmod(n: UOp, rng) -> UOp | None:
    if not (_is_idx(n) and n.op in ("div", "mod")):
        return None
    if _const(n.src[1]) is None:
        return _fold_symbolic_divisor(n)
    d = n.src[1].arg
    if d <= 0:
        return None
    s = n.src[0]
    if n.op == "mod" and s.op == "mod" and _is_idx(s) and (_const(s.src[1]) or 0) > 0 and s.src[1].arg % d == 0:
        # (y % D) % d == y % d when d divides D: y and y % D differ by a multiple of d and
        # have the same sign, so their C remainders agree
        return UOp("mod", idx, (s.src[0], n.src[1]))
    lin = linear(s)
    if all(c % d == 0 for c in lin.terms.values()) and lin.k % d == 0 and d > 1:
        # an exact quotient, whatever the signs
        if n.op == "div":
            return build({a: c // d for a, c in lin.terms.items()}, lin.k // d)
        return const(idx, 0)
    lo, hi = rng(s)
    if lo is None or hi is None:
        return None
    if lo >= 0:
        return _divmod_nonneg(n.op, linear(s), d, rng, s)
    if hi <= 0:  # s / d == -((-s) / d), s % d == -((-s) % d)
        lin = linear(s)
        neg = Linear({a: -c for a, c in lin.terms.items()}, -lin.k, lin.leaves)
        out = _divmod_nonneg(n.op, neg, d, rng, None)
        if out is None:  # still flip the sign, so the rules (stated for x >= 0) see it
            out = UOp(n.op, idx, (build(neg.terms, neg.k), n.src[1]))
        return UOp("neg", idx, (out,))
    return None


def _fold_symbolic_divisor(n: UOp) -> UOp | None:
    """s / (y * C) and s % (y * C) where g = gcd(C, s's coefficients and constant) > 1:
    truncating division and remainder scale, (g*s') / (g*t) == s' / t and
    (g*s') % (g*t) == (s' % t) * g, for any signs (g > 0)."""
    y, c = n.src[1].src if n.src[1].op == "mul" else (None, None)
    if y is None or _const(c) is None or c.arg <= 1 or not _is_idx(n.src[1]):
        return None
    lin = linear(n.src[0])
    g = c.arg
    for v in [*lin.terms.values(), lin.k]:
        g = gcd(g, v)
    if g <= 1:
        return None
    s = build({a: v // g for a, v in lin.terms.items()}, lin.k // g)
    t = y if c.arg == g else UOp("mul", idx, (y, const(idx, c.arg // g)))
    if n.op == "div":
        return UOp("div", idx, (s, t))
    return UOp("mul", idx, (UOp("mod", idx, (s, t)), const(idx, g)))


def _nonneg(a: UOp, rng) -> bool:
    lo = rng(a)[0]
    return lo is not None and lo >= 0


def _range_of(terms: dict, k: int, rng):
    lo = hi = k
    for a, c in terms.items():
        alo, ahi = rng(a)
        if alo is None or ahi is None:
            return None, None
        lo += min(c * alo, c * ahi)
        hi += max(c * alo, c * ahi)
    return lo, hi


def _divmod_nonneg(op: str, lin: Linear, d: int, rng, orig: UOp | None) -> UOp | None:
    terms, k = lin.terms, lin.k
    if len(terms) > MAX_TERMS:
        return None
    atoms = list(terms)
    if op == "div" and terms and all(c < 0 for c in terms.values()) and k > 0 \
            and all(_nonneg(a, rng) for a in atoms):
        # s = k - u with u >= 0: s / d == floor((k - u) / d) == -ceil((u - k) / d)
        # == -floor((u + e) / d) with e = d - 1 - k == d*q + r, 0 <= r < d:  -q - (u + r) / d
        e = d - 1 - k
        q, r = e // d, e % d
        u = build({a: -c for a, c in terms.items()}, r)
        return UOp("sub", idx, (const(idx, -q), UOp("div", idx, (u, const(idx, d)))))
    # 1. congruence: pick each remainder r = c mod d or c mod d - d so that R = sum r*x + rk
    #    lies in one block [m*d, (m+1)*d): then s / d == Q + m and s % d == R - m*d.
    for choice in product((0, 1), repeat=len(atoms) + 1):
        rs = [terms[a] % d - (d if ch else 0) for a, ch in zip(atoms, choice)]
        rk = k % d - (d if choice[-1] else 0)
        r_terms = {a: r for a, r in zip(atoms, rs) if r != 0}
        rlo, rhi = _range_of(r_terms, rk, rng)
        if rlo is None or rlo // d != rhi // d:
            continue
        m = rlo // d
        if op == "div":
            q_terms = {a: (terms[a] - r) // d for a, r in zip(atoms, rs) if terms[a] != r}
            return build(q_terms, (k - rk) // d + m)
        return build(r_terms, rk - m * d)
    # 2. a factor g of d dividing the big terms, the small ones (and k % g) in [0, g):
    #    s == g*B + S, so s / d == B / (d/g), and B >= 0 since s >= 0 and S < g.
    for g in range(d, 1, -1):
        if d % g:
            continue
        big = {a: c // g for a, c in terms.items() if c % g == 0}
        sm = {a: c for a, c in terms.items() if c % g}
        slo, shi = _range_of(sm, k % g, rng)
        if not big or slo is None or slo < 0 or shi >= g:
            continue
        b = build(big, k // g)
        if op == "div":
            return UOp("div", idx, (b, const(idx, d // g))) if g < d else b
        rem = UOp("mod", idx, (b, const(idx, d // g))) if g < d else const(idx, 0)
        return _plus(UOp("mul", idx, (rem, const(idx, g))), build(sm, k % g))
    # 3. split the multiples of d out: s == d*Q + R with R's coefficients in [0, d), R >= 0.
    q_terms = {a: terms[a] // d for a in atoms if terms[a] // d != 0}
    r_terms = {a: terms[a] % d for a in atoms if terms[a] % d != 0}
    rk = k % d
    rlo, _ = _range_of(r_terms, rk, rng)
    if rlo is None or rlo < 0:  # R / d must truncate as it floors: R >= 0
        return None
    # 4. a factor g of d that divides the big part of R, the small part in [0, g):
    #    R == g*B + S gives R / d == B / (d/g) and R % d == (B % (d/g)) * g + S.
    big, small, g = r_terms, {}, 1
    for cand in range(d, 1, -1):
        if d % cand:
            continue
        b = {a: c // cand for a, c in r_terms.items() if c % cand == 0}
        sm = {a: c for a, c in r_terms.items() if c % cand}
        slo, shi = _range_of(sm, rk % cand, rng)
        if b and slo is not None and slo >= 0 and shi < cand:
            big, small, g = b, sm, cand
            break
    if not q_terms and g == 1:
        return None  # nothing split off, no factor: leave it to the rules
    dd = d // g
    inner = build(big, rk // g if g > 1 else rk)
    if op == "div":
        rest = UOp("div", idx, (inner, const(idx, dd))) if dd != 1 else inner
        return _plus(build(q_terms, (k - rk) // d), rest)
    rem = UOp("mod", idx, (inner, const(idx, dd))) if dd != 1 else const(idx, 0)
    if g > 1:
        rem = _plus(UOp("mul", idx, (rem, const(idx, g))), build(small, rk % g))
    return rem


def _plus(a: UOp, b: UOp) -> UOp:
    if _const(a) == 0:
        return b
    if _const(b) == 0:
        return a
    return UOp("add", idx, (a, b))


# ---- comparisons with a constant -----------------------------------------------------------
def fold_compare(n: UOp, rng) -> UOp | None:
    """`s < C` (and `C <= s`, the engine's `>=`) with s = d*Q + R where R's range leaves one
    threshold: d*Q + R < C  <=>  Q < ceil((C - R) / d), the same for every R in range."""
    if n.op not in ("lt", "le") or not _is_idx(n.src[0]) or n.src[0].dtype != idx:
        return None
    a, b = n.src
    if _const(b) is not None and _const(a) is None:
        s, c, below = a, b.arg + (n.op == "le"), True       # s < c
    elif _const(a) is not None and _const(b) is None:
        s, c, below = b, a.arg + (n.op == "lt"), False      # s >= c
    else:
        return None
    lin = linear(s)
    if not lin.terms:
        return None
    c -= lin.k
    if (all(v > 0 for v in lin.terms.values()) and 1 <= c <= min(lin.terms.values())
            and (max(lin.terms.values()) > 1 or lin.k != 0)
            and all(_nonneg(x, rng) for x in lin.terms)):
        # s >= 0 takes no value in [1, c): s < c  <=>  s == 0  <=>  sum(atoms) < 1
        q = build(dict.fromkeys(lin.terms, 1), 0)
        return UOp("lt", n.dtype, (q, const(idx, 1))) if below else UOp("le", n.dtype, (const(idx, 1), q))
    for d in sorted({abs(x) for x in lin.terms.values()}, reverse=True):
        if d < 1:
            continue
        q_terms = {x: v // d for x, v in lin.terms.items() if v % d == 0}
        r_terms = {x: v for x, v in lin.terms.items() if v % d != 0}
        if not q_terms or (d == 1 and lin.k == 0):
            continue
        rlo, rhi = _range_of(r_terms, 0, rng)
        if rlo is None:
            continue
        t_lo, t_hi = -((rlo - c) // d), -((rhi - c) // d)  # ceil((c - r) / d)
        if t_lo != t_hi:
            continue
        q = build(q_terms, 0)
        if below:
            out = UOp("lt", n.dtype, (q, const(idx, t_lo)))
        else:
            out = UOp("le", n.dtype, (const(idx, t_lo), q))
        return None if out is n else out
    return None
