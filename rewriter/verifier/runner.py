"""Verify a rule library: every instance through the portfolio, in parallel, with a proof cache.

Results are cached by content: the key hashes the typed instance (both sides, precondition,
input types), the time limit, the Z3 version and the source of every module that defines
what a rule means (op table, domains, interpreter, refinement, strategies). Editing one rule
re-verifies only that rule; changing semantics re-verifies everything.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import z3

from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.concrete import np_float
from rewriter.ir.dtype import DType
from rewriter.ir.uop import UOp
from rewriter.verifier.refine import POISON, check_concrete
from rewriter.verifier.strategies import run_portfolio

CACHE_FORMAT = 2
_SEMANTIC_SOURCES = ["ir/ops.py", "ir/concrete.py", "ir/smt.py", "ir/interp.py", "ir/dtype.py",
                     "dsl/typecheck.py", "verifier/refine.py", "verifier/strategies.py"]


@dataclass
class InstanceResult:
    rule: str
    loc: str
    dtype: str
    status: str  # proven | counterexample | unknown | error (the check itself crashed)
    strategy: str
    seconds: float
    failure: str = ""  # which refinement property fails (counterexamples)
    note: str = ""
    inputs: list = field(default_factory=list)  # [{name, type, value}]
    source: str = ""  # the left side's meaning at the counterexample
    target: str = ""
    cached: bool = False

    def to_json(self) -> dict:
        return asdict(self)


def semantics_version() -> str:
    h = hashlib.sha256(f"{CACHE_FORMAT}|z3 {z3.get_version_string()}".encode())
    root = Path(__file__).resolve().parent.parent
    for rel in _SEMANTIC_SOURCES:
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:16]


def typed_text(u: UOp | None) -> str:
    """A fully typed serialization of a term: every node's op, dtype, flags/arg (with its
    Python type: 1 vs True vs 1.0, -0.0 vs 0.0) and operands by index, in topological order.
    Unlike format_uop, which prints terms as rules are written (the types of nullary ops,
    constants and most nodes left implicit), two different terms never give the same text."""
    if u is None:
        return ""
    order = u.toposort()
    index = {n: i for i, n in enumerate(order)}
    return ";".join(f"{n.op}:{n.dtype}:{type(n.arg).__name__}:{n.arg!r}:{[index[s] for s in n.src]}"
                    for n in order)


def instance_key(inst: RuleInstance, version: str, timeout_s: float) -> str:
    types = ",".join(f"{k}:{v}" for k, v in sorted(inst.var_types.items()))
    text = "|".join([version, str(timeout_s), str(inst.dtype), types,
                     typed_text(inst.lhs), typed_text(inst.rhs), typed_text(inst.pre)])
    return hashlib.sha256(text.encode()).hexdigest()


# -- formatting counterexample values ------------------------------------------------------
def format_value(t: DType, v) -> str:
    """ints: hex (two's complement at the width), unsigned and signed; floats: value and bits."""
    if v is POISON:
        return "poison"
    if t.is_bool:
        return "true" if v else "false"
    if t.is_int:
        u = int(v) % (1 << t.bits)
        s = u - (1 << t.bits) if u >> (t.bits - 1) else u
        return f"0x{u:0{t.bits // 4}x} (unsigned {u}, signed {s})"
    if t.is_float:
        ft = np_float(t)
        bits = int(np.array([v], dtype=ft).view({16: np.uint16, 32: np.uint32, 64: np.uint64}[t.bits])[0])
        return f"{float(v)!r} (0x{bits:0{t.bits // 4}x})"
    return str(int(v))


def _meaning(t: DType, m, i: int = 0) -> str:
    if not bool(m.defined[i]):
        return "undefined behaviour"
    if bool(m.poison[i]):
        return "poison"
    return format_value(t, m.value[i])


def verify_instance(inst: RuleInstance, timeout_s: float) -> InstanceResult:
    """Run the portfolio on one instance (this is what worker processes execute). A crash in
    the check is that instance's "error" result, not the end of the whole run."""
    start = time.monotonic()
    try:
        return _verify_instance(inst, timeout_s)
    except Exception as e:  # noqa: BLE001 - any bug in a strategy, the evaluator or Z3
        return error_result(inst, e, time.monotonic() - start)


def error_result(inst: RuleInstance, e: BaseException, seconds: float = 0.0) -> InstanceResult:
    text = str(e).strip().splitlines()
    note = f"{type(e).__name__}: {text[0]}" if text else type(e).__name__
    return InstanceResult(inst.name, str(inst.loc), str(inst.dtype), "error", "portfolio",
                          round(seconds, 4), note=f"the check crashed: {note}")


def _verify_instance(inst: RuleInstance, timeout_s: float) -> InstanceResult:
    out = run_portfolio(inst, timeout_s)
    res = InstanceResult(inst.name, str(inst.loc), str(inst.dtype), out.status, out.strategy,
                         round(out.seconds, 4), note=out.note if out.status != "counterexample" else "")
    if out.status == "counterexample":
        res.failure = out.note
        ev = check_concrete(inst, {k: [v] for k, v in out.inputs.items()})
        for v in inst.inputs:
            res.inputs.append({"name": v.arg.name, "type": str(v.dtype),
                               "value": format_value(v.dtype, out.inputs[v.arg.name])})
        res.source = _meaning(inst.lhs.dtype, ev.src)
        res.target = _meaning(inst.rhs.dtype, ev.tgt)
    return res


def _task(args):
    inst, timeout_s = args
    return verify_instance(inst, timeout_s)


class ProofCache:
    def __init__(self, directory: Path | None):
        self.path = directory / "verify.json" if directory else None
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.path and self.path.exists():
            try:
                self.entries = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self.entries = {}  # a corrupt cache is only a slower run

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def put(self, key: str, res: InstanceResult):
        if res.status in ("proven", "counterexample"):  # unknown is worth retrying
            self.entries[key] = {k: v for k, v in res.to_json().items()
                                 if k not in ("rule", "loc", "dtype", "cached")}
            self.dirty = True

    def save(self):
        if not (self.path and self.dirty):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.entries))
        tmp.replace(self.path)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rewriter"


def verify_instances(instances: Iterable[RuleInstance], *, jobs: int = 0, timeout_s: float = 30.0,
                     cache_dir: Path | None = None,
                     progress: Callable[[InstanceResult, int, int], None] | None = None
                     ) -> list[InstanceResult]:
    """Verify instances (cache first, then a process pool); results in input order."""
    instances = list(instances)
    cache = ProofCache(cache_dir)
    version = semantics_version()
    keys = [instance_key(i, version, timeout_s) for i in instances]
    results: list[InstanceResult | None] = [None] * len(instances)
    todo = []
    for n, (inst, key) in enumerate(zip(instances, keys)):
        hit = cache.get(key)
        if hit is not None:
            results[n] = InstanceResult(inst.name, str(inst.loc), str(inst.dtype), cached=True, **hit)
        else:
            todo.append(n)
    done = len(instances) - len(todo)
    total = len(instances)
    jobs = jobs or os.cpu_count() or 1
    if todo and (jobs == 1 or len(todo) == 1):
        for n in todo:
            results[n] = verify_instance(instances[n], timeout_s)
            cache.put(keys[n], results[n])
            done += 1
            if progress:
                progress(results[n], done, total)
    elif todo:
        ctx = multiprocessing.get_context("fork")
        with cf.ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            futures = {pool.submit(_task, (instances[n], timeout_s)): n for n in todo}
            for fut in cf.as_completed(futures):
                n = futures[fut]
                try:
                    results[n] = fut.result()
                except Exception as e:  # noqa: BLE001 - e.g. a worker killed, a result not picklable
                    results[n] = error_result(instances[n], e)
                cache.put(keys[n], results[n])
                done += 1
                if progress:
                    progress(results[n], done, total)
    cache.save()
    return results  # type: ignore[return-value]
