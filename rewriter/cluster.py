"""Independent work fanned out to Dask workers: `--cluster local`, `local:N` or a scheduler's
address (`tcp://host:port`).

    with Cluster(parse_cluster("local:2")) as cluster:
        for done in cluster.map_tasks(fn, items):   # in the order they finish
            done.index, done.value, done.error

`local[:N]` starts a LocalCluster in this machine: N worker processes (default: one per
core) of one thread each, since our tasks (Z3, compiles, QEMU runs, hypothesis) hold the GIL
or their own process; no dashboard; its logs silenced below errors, so a run prints only its
own report. An address connects to a running scheduler whose workers have this package and
its tools installed. Tasks are submitted as impure (`pure=False`): two equal arguments are
two runs (a benchmark repeated is not a cached value). An interrupt (or any other exception
in the caller) cancels what has not finished before it propagates.

`distributed` is imported only when a cluster is opened: importing it costs about 0.3 s,
which every other command would pay for nothing.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from rewriter.errors import RewriterError

#: How long to wait for a scheduler at an address (or a local one to start) before giving up.
CONNECT_TIMEOUT_S = 30
#: The most local workers `local:N` starts: past the cores they only compete for them.
MAX_LOCAL_WORKERS = 256
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://\S+$")


class ClusterError(RewriterError):
    """A bad `--cluster` value, or a scheduler that could not be reached."""


@dataclass(frozen=True)
class ClusterSpec:
    address: str | None = None  # a scheduler's address; None: a LocalCluster here
    workers: int | None = None  # local workers; None: one per core

    def describe(self) -> str:
        return self.address or f"local:{self.local_workers()}"

    def local_workers(self) -> int:
        return self.workers or os.cpu_count() or 1


def parse_cluster(text: str) -> ClusterSpec:
    """`local`, `local:N` (1 <= N <= MAX_LOCAL_WORKERS) or `tcp://host:port`."""
    m = _LOCAL.match(text.strip())
    if m:
        n = int(m.group(1)) if m.group(1) else None
        if n is not None and not 1 <= n <= MAX_LOCAL_WORKERS:
            raise ClusterError(f"--cluster {text}: the number of local workers must be 1..{MAX_LOCAL_WORKERS}")
        return ClusterSpec(workers=n)
    if _ADDRESS.match(text.strip()):
        return ClusterSpec(address=text.strip())
    raise ClusterError(f"--cluster {text!r}: expected local, local:N or a scheduler address such as "
                       "tcp://host:8786")


@dataclass
class Done:
    """One finished task: its index in the items, its value, or the exception it raised."""

    index: int
    value: Any = None
    error: BaseException | None = None


class Cluster:
    """A client of a Dask cluster (started here for `local`), open inside a `with` block."""

    def __init__(self, spec: ClusterSpec, setup: Callable[[], None] | None = None):
        """`setup()` runs on every worker, present and future, before its tasks: a worker is
        a fresh interpreter (not a fork of this one), so what this process registered at
        import time (target ops) must be imported there too. A module-level function pickles
        by reference: unpickling it imports its module."""
        self.spec = spec
        self.setup = setup
        self._local = None
        self.client = None

    def __enter__(self) -> "Cluster":
        # Optional dependency, and 0.3 s of import only --cluster runs pay (module doc).
        try:
            import distributed
        except ImportError as e:
            raise ClusterError("--cluster needs the `distributed` package (pip install distributed)") from e
        try:
            if self.spec.address is None:
                self._local = distributed.LocalCluster(
                    n_workers=self.spec.local_workers(), threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR,
                    # The scheduler's HTTP routes start without a dashboard too, by default on
                    # 8787: a second cluster on this host (another run) would warn of the port.
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
                self.client = distributed.Client(self._local, timeout=CONNECT_TIMEOUT_S)
            else:
                self.client = distributed.Client(self.spec.address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as e:
            self.__exit__(None, None, None)
            raise ClusterError(f"--cluster {self.spec.describe()}: cannot reach the scheduler: {e}") from e
        if self.setup is not None:
            self.client.register_worker_callbacks(self.setup)
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self._local is not None:
            self._local.close()
        self.client = self._local = None

    @property
    def workers(self) -> int:
        """How many workers the scheduler has now (at least 1: tasks wait for one)."""
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map_tasks(self, fn: Callable, items: Iterable, *args) -> Iterator[Done]:
        """`fn(item, *args)` for every item on the workers; each result as it finishes. A task
        that raises is a `Done` with its `error`; the others go on."""
        import distributed  # the same optional import as in __enter__, already loaded there

        items = list(items)
        futures = {self.client.submit(fn, item, *args, pure=False): n for n, item in enumerate(items)}
        try:
            for fut in distributed.as_completed(futures):
                n = futures[fut]
                if fut.status == "error":
                    yield Done(n, error=fut.exception())
                else:
                    yield Done(n, value=fut.result())
        finally:  # the caller stopped early (an interrupt, an error, a break): drop the rest
            pending = [f for f in futures if not f.done()]
            if pending and self.client is not None:
                self.client.cancel(pending)
