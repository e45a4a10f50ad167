"""The corpus: one folder per failure, never overwriting anything.

`<corpus>/<mode>-<hash>-seed<N>/` holds
  case.ir      a runnable kernel (for a term: the term over input buffers, one statement),
  inputs.npz   its inputs (`rewriter optimize case.ir --check --inputs inputs.npz`),
  README.txt   what failed, the rules involved with their file:line:col, how to reproduce.

A term becomes a kernel by replacing its variables with loads: an idx variable bounded to
0..N-1 becomes a range of that size (exactly the variable the term had), any other variable
an input buffer read at the sample index `n` (idx ones through `cast<idx>` of an i64 buffer).
"""
from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

import numpy as np

from rewriter.errors import RewriterError
from rewriter.fuzz.targets import get_target
from rewriter.ir import dtype as dt
from rewriter.ir.uop import UOp, var
from rewriter.kernel.kernel import Buffer, Kernel, RangeDecl
from rewriter.kernel.parser import parse_kernels
from rewriter.kernel.printer import format_kernel
from rewriter.kernel.reference import KernelRunError, numpy_dtype, portable_array, run_reference

MAX_GRID = 1 << 16


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def new_entry(root: Path, mode: str, key: str, seed: int) -> Path:
    """A fresh folder for one failure; an existing name gets a -2, -3... suffix."""
    root.mkdir(parents=True, exist_ok=True)
    base = f"{mode}-{short_hash(key)}-seed{seed}"
    for i in range(1, 1000):
        path = root / (base if i == 1 else f"{base}-{i}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RewriterError(f"{root}: too many corpus entries named {base}")


def write_new(path: Path, text: str) -> None:
    with open(path, "x") as f:
        f.write(text)


def write_inputs(path: Path, inputs: dict) -> None:
    with open(path, "xb") as f:
        np.savez(f, **{k: portable_array(v) for k, v in inputs.items()})


def quote_rules(rules) -> str:
    return " ".join(f"--rules {shlex.quote(str(r))}" for r in rules)


# -------------------------------------------------------------------------------------------
# A term as a kernel
# -------------------------------------------------------------------------------------------
def wrap_term(term: UOp, samples: dict, indices: list[int], grid: bool = True):
    """(kernel, inputs) computing `term` at the given samples (`samples`: var -> values).

    With `grid`, idx variables bounded to 0..N-1 become ranges (their values are then all of
    0..N-1, not the samples'). Raises RewriterError when the kernel does not parse back."""
    vars_ = term.vars()
    grid_vars = [v for v in vars_ if grid and v.dtype.is_idx and v.arg.lo == 0 and v.arg.hi is not None
                 and v.arg.hi < MAX_GRID]
    size = 1
    for v in grid_vars:
        size *= v.arg.hi + 1
    if size > MAX_GRID:
        grid_vars = []
    fed = [v for v in vars_ if v not in grid_vars]
    ranges = [RangeDecl(v.arg.name, v.arg.hi + 1) for v in grid_vars]
    n = len(indices)
    if fed:
        ranges.append(RangeDecl("n", n))
    sample = var(dt.idx, "n", 0, n - 1)
    leaves, buffers, inputs = {}, [], {}
    for v in fed:
        t = dt.i64 if v.dtype.is_idx else v.dtype
        b = Buffer(v.arg.name, t, (n,), "input")
        buffers.append(b)
        load = UOp("load", t, (sample,), b.name)
        leaves[v] = UOp("cast", dt.idx, (load,)) if v.dtype.is_idx else load
        vals = [samples[v][i] for i in indices]
        if v.dtype.is_idx:
            vals = [max(-(1 << 63), min((1 << 63) - 1, int(x))) for x in vals]
        inputs[b.name] = np.asarray(vals, dtype=numpy_dtype(t)) if not t.is_float else \
            np.asarray(vals, dtype=np.float64).astype(numpy_dtype(t))
    memo: dict = {}
    for node in term.toposort():
        if node in leaves:
            memo[node] = leaves[node]
        elif node.op == "var":
            memo[node] = node  # a grid variable: the range itself
        else:
            memo[node] = node.replace(src=tuple(memo[s] for s in node.src)) if node.src else node
    value = memo[term]
    index = tuple(var(dt.idx, r.name, 0, r.size - 1) for r in ranges)
    out = Buffer("out", term.dtype, tuple(r.size for r in ranges), "output")
    store = UOp("store", term.dtype, index + (value,), "out")
    kernel = Kernel("fuzz_term", tuple(buffers) + (out,), tuple(ranges), (store,))
    text = format_kernel(kernel)
    parsed = parse_kernels(text, "case.ir")[0]
    return parsed, text, inputs


def reproduces_with_ref(kernel: Kernel, inputs: dict, library) -> tuple[bool, str]:
    """Does the kernel show the failure with the rule library alone (target ref)?"""
    try:
        want = run_reference(kernel, inputs)
    except KernelRunError as e:
        return False, f"the kernel as written is undefined on these inputs ({e})"
    try:
        got = get_target("ref").build(kernel, library).run(inputs)
    except KernelRunError as e:
        return True, f"after the rules the kernel is undefined: {e}"
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return True, f"after the rules the kernel fails: {type(e).__name__}: {e}"
    bad = exact_mismatches(kernel, got, want)
    if bad:
        return True, bad[0]
    return False, "after the rules the kernel still agrees with the reference"


def exact_mismatches(kernel: Kernel, got: dict, want: dict) -> list[str]:
    """Bitwise comparison of outputs (floats: NaN equals NaN, -0.0 differs from 0.0)."""
    out = []
    for b in kernel.outputs:
        g, w = np.asarray(got[b.name]).reshape(-1), np.asarray(want[b.name]).reshape(-1)
        if b.dtype.is_float:
            with np.errstate(invalid="ignore"):
                same = (np.isnan(g) & np.isnan(w)) | ((g == w) & (np.signbit(g) == np.signbit(w)))
        else:
            same = g == w
        if not np.all(same):
            i = int(np.nonzero(~same)[0][0])
            at = list(np.unravel_index(i, b.shape)) if b.shape else []
            out.append(f"output '{b.name}' at {[int(x) for x in at]}: got {g[i].item()!r}, expected {w[i].item()!r} "
                       f"({int((~same).sum())} of {len(same)} elements differ)")
    return out


def term_kernel(term: UOp, samples: dict, failing: int, n: int, library):
    """The best runnable kernel for a failing term: tries the failing sample alone and all
    samples, with bounded idx variables as ranges and then as buffers; the first variant that
    reproduces the failure wins. Returns (text, inputs, note) or (None, None, why)."""
    first, why = None, "no variant could be built"
    for grid in (True, False):
        for indices in ([failing], list(range(n))):
            try:
                kernel, text, inputs = wrap_term(term, samples, indices, grid)
            except (RewriterError, OverflowError, ValueError) as e:
                why = f"cannot wrap the term as a kernel: {e}"
                continue
            ok, note = reproduces_with_ref(kernel, inputs, library)
            if ok:
                return text, inputs, f"reproduces with the ref target: {note}"
            if first is None:
                first = (text, inputs, f"does NOT reproduce with the ref target ({note}); see the term above")
    return first if first is not None else (None, None, why)
