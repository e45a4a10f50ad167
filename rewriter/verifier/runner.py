"""Verify a rule library: every instance through the portfolio, in worker processes, with a
proof cache (`cache.py`, keyed by `cachekey.py`: the typed instance, the settings, Z3's version
and the source of every module that defines what the rule means).

The checks run in workers that are forks of a clean fork server, not of this process: Z3's
work in a fresh Context depends on what else the process holds. mod-add-mul-nuw at u32 is
proven in 15K rlimit in a fresh process and runs past every limit once any other Z3 context
is alive, even an empty one; a check in a fork of a process that used Z3 (a test suite) got
a verdict that depended on that history (075a80e). A worker runs a fixed warm-up
(`_warm_up`) and then its checks one after another; every check's Z3 contexts are gone when
it ends (tests/test_verifier.py checks it), so each starts from the same Z3 state whatever
ran before it. Measured: the whole library checked this way and checked with a process forked
per check (the stricter design, 2.5x slower on a loaded 2-core machine: each new process and
each wake-up waits behind other users' work) gives every instance the same verdict, strategy
and rlimit count (bench/results/verify.md). A job carries the ops its instance uses: the
package modules whose import registers them, and by value (cloudpickle) any op made at run
time (a test's): the workers are not forks of the caller.
Like any fork-server pool, the workers import a script's `__main__` again: a script that
calls `verify_instances` must do it under `if __name__ == "__main__":`.

The checks run in worker processes, `-j 1` too: Z3 takes SIGINT for itself during a query
(it cancels that query, and the portfolio goes on to the next strategy), so Ctrl-C reaches
Python promptly only in a process that runs no Z3. On an interrupt, or any other exception,
the workers are terminated at once rather than left to finish their
queries, and the verdicts found so far are saved.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import importlib
import multiprocessing
import os
import pickle
import queue
import select
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import cloudpickle
import numpy as np

from rewriter.cluster import Cluster
from rewriter.dsl.rule import build_rules
from rewriter.dsl.typecheck import RuleInstance
from rewriter.ir.concrete import np_float
from rewriter.ir.dtype import DType
from rewriter.ir.ops import VOCAB, OpDef, install_op, registered_by
from rewriter.verifier.cache import STORED, ProofCache
from rewriter.verifier.cachekey import KeyMaker, instance_ops, op_modules, settings
from rewriter.verifier.refine import POISON, check_concrete
from rewriter.verifier.strategies import run_portfolio

#: How long a terminated worker gets to exit before it is killed.
_STOP_GRACE_S = 2.0
#: How often a worker looks whether its parent is still there.
_PARENT_POLL_S = 0.5


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

    def stored(self) -> dict:
        """The fields the proof cache keeps (cache.STORED)."""
        return {k: getattr(self, k) for k in STORED}


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
    """Run the portfolio on one instance (what a worker runs: `run_job`). A crash in the
    check is that instance's "error" result, not the end of the whole run."""
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




def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rewriter"


def key_maker(timeout_s: float) -> KeyMaker:
    """The proof cache's keys for a run with these settings."""
    # This module builds the stored verdict (a counterexample's text): part of the meaning.
    return KeyMaker(settings(timeout_s), extra_modules=[sys.modules[__name__]])


# -- jobs: one check in a process of its own ----------------------------------------------
@dataclass(frozen=True)
class Job:
    """One instance to check, as a worker receives it (bytes: the worker itself unpickles
    nothing that could need an op it lacks)."""
    instance: bytes  # the pickled RuleInstance
    timeout_s: float
    modules: tuple[str, ...]  # the package modules whose import registers the ops it uses
    ops: bytes = b""  # cloudpickled OpDefs that no import registers (made at run time)


def _in_package(module: str | None) -> bool:
    return module is not None and (module == "rewriter" or module.startswith("rewriter."))


def make_job(inst: RuleInstance, timeout_s: float) -> Job:
    modules, by_value = set(), []
    for name in sorted(instance_ops(inst)):
        d = VOCAB.get(name)
        if d is None:
            continue
        mod = registered_by(d)
        if _in_package(mod):
            modules.add(mod)
        else:
            by_value.append(d)
    ops = _pickle_ops(by_value) if by_value else b""
    return Job(pickle.dumps(inst), timeout_s, tuple(sorted(modules)), ops)


def _pickle_ops(defs: list[OpDef]) -> bytes:
    """The OpDefs by value: their functions' code too where the modules that define them are
    not the package's (a test's module, `__main__`), which a worker may not be able to import."""
    mods = {m for d in defs for m in op_modules(d)
            if not _in_package(m.__name__) and m.__name__ in sys.modules and m.__name__ != "__main__"}
    for m in mods:
        cloudpickle.register_pickle_by_value(m)
    try:
        return cloudpickle.dumps(defs)
    finally:
        for m in mods:
            cloudpickle.unregister_pickle_by_value(m)


def run_job(job: Job) -> InstanceResult:
    """Check one job (what a worker executes)."""
    return _check_job(job)


def _check_job(job: Job) -> InstanceResult:
    for name in job.modules:
        importlib.import_module(name)  # already there: the fork server preloads them
    if job.ops:
        for d in pickle.loads(job.ops):
            install_op(d)
    return verify_instance(pickle.loads(job.instance), job.timeout_s)


# -- the workers -----------------------------------------------------------------------------
def _worker_init(parent: int, modules: tuple[str, ...]):
    # A worker is stopped by its parent (terminate), never by Ctrl-C: the terminal sends
    # SIGINT to the whole process group, and a worker idle in the executor's queue would
    # print a KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL, the OOM killer) terminates nobody: its workers would
    # finish their queries and then wait on the task queue forever (holding the parent's
    # stdout open, too). They go with it instead. The parent is `parent`, not getppid(): a
    # worker's parent process is the fork server.
    _watch_parent(parent)
    for name in modules:  # the fork server's preloads: nothing to do unless it predates them
        importlib.import_module(name)
    _warm_up()


#: Checked once by every worker before its first job: Z3's global initialization and the
#: first calls of the evaluator and the strategies happen there, so that a worker's first check
#: starts from the state its later ones do (Z3 used before, no context alive), not from a
#: process that never ran Z3. The same fixed work in every worker.
WARM_UP = "rule warm-up [i8, i32, f32, idx]: x + 0 => x\n"


def _warm_up():
    for rule in build_rules(WARM_UP, "<warm-up>"):
        for inst in rule.instances:
            verify_instance(inst, 30.0)
    gc.collect()  # its Z3 contexts included


def _watch_parent(parent: int):
    """Exit when process `parent` does (a thread: it runs during a query, since Z3 is called
    through ctypes, which releases the GIL)."""
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):  # no pidfd (an old kernel), or the parent is gone
        fd = None
    threading.Thread(target=_exit_with_parent, args=(parent, fd), daemon=True).start()


def _exit_with_parent(parent: int, fd: int | None):
    if fd is not None:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.poll()  # readable when the process has ended
    else:
        while _alive(parent):
            time.sleep(_PARENT_POLL_S)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _preloads() -> tuple[str, ...]:
    """What a worker needs before its first job: this module, and every package module whose
    import registers an op (derived from the op table, as the cache key's modules are)."""
    mods = {registered_by(d) for d in VOCAB.values()}
    return (__name__, *sorted(m for m in mods if _in_package(m) and m != __name__))


def _stop_now(pool: cf.ProcessPoolExecutor):
    """Stop a pool without waiting for its running checks (a Z3 query may run for minutes)."""
    # Python 3.14 has pool.terminate_workers(); before it, the executor's own table of
    # processes is the only handle on them (taken first: shutdown forgets it).
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(_STOP_GRACE_S)
        if p.is_alive():
            p.kill()
            p.join()


@contextlib.contextmanager
def _workers(jobs: int):
    # A fork server, started once per process from a fresh interpreter with the preloads
    # imported: a worker is a fork of it, holding none of this process's Z3 state (not a
    # fork of this process) and importing nothing per job.
    ctx = multiprocessing.get_context("forkserver")
    preloads = _preloads()
    ctx.set_forkserver_preload(list(preloads))
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                                  initargs=(os.getpid(), preloads))
    try:
        yield pool
    except BaseException:  # KeyboardInterrupt above all: stop now, keep what is done
        _stop_now(pool)
        raise
    pool.shutdown(wait=True)


def _next_finished(finished: queue.SimpleQueue, cache: ProofCache) -> cf.Future:
    """The next finished check; meanwhile, the periodic saves: a proof found just before a
    long query is saved within seconds, not when that query ends."""
    while True:
        try:
            return finished.get(timeout=cache.due_in())
        except queue.Empty:
            cache.save_if_due()


def verify_instances(instances: Iterable[RuleInstance], *, jobs: int = 0, timeout_s: float = 30.0,
                     cache_dir: Path | None = None,
                     progress: Callable[[InstanceResult, int, int], None] | None = None,
                     cluster: Cluster | None = None) -> list[InstanceResult]:
    """Verify instances (cache first, then worker processes, or `cluster`'s workers); results
    in input order. An interrupt (KeyboardInterrupt) stops the workers and propagates, after
    the verdicts found so far are saved."""
    instances = list(instances)
    cache = ProofCache(cache_dir)
    keys = key_maker(timeout_s)
    key_of = [keys.key(i) for i in instances]
    results: list[InstanceResult | None] = [None] * len(instances)
    todo = []
    for n, (inst, key) in enumerate(zip(instances, key_of)):
        hit = cache.get(key)
        if hit is not None:
            results[n] = InstanceResult(inst.name, str(inst.loc), str(inst.dtype), cached=True, **hit)
        else:
            todo.append(n)
    done, total = len(instances) - len(todo), len(instances)

    def record(n: int, result: InstanceResult):
        nonlocal done
        results[n] = result
        cache.put(key_of[n], result.stored())
        cache.save_if_due()
        done += 1
        if progress:
            progress(result, done, total)

    try:
        if todo and cluster is not None:
            for d in cluster.map_tasks(run_job, [make_job(instances[n], timeout_s) for n in todo]):
                n = todo[d.index]
                record(n, d.value if d.error is None else error_result(instances[n], d.error))
        elif todo:
            with _workers(min(jobs or os.cpu_count() or 1, len(todo))) as pool:
                futures = {pool.submit(run_job, make_job(instances[n], timeout_s)): n for n in todo}
                finished: queue.SimpleQueue = queue.SimpleQueue()
                for fut in futures:
                    fut.add_done_callback(finished.put)
                for _ in futures:
                    fut = _next_finished(finished, cache)
                    n = futures[fut]
                    try:
                        result = fut.result()
                    except Exception as e:  # noqa: BLE001 - e.g. a worker killed, a result not picklable
                        result = error_result(instances[n], e)
                    record(n, result)
    finally:
        cache.save()
    return results  # type: ignore[return-value]
