"""Engines: where per-article work runs. One interface, three places.

An engine maps a function over an iterable of tasks and yields the results *in input order*, with a
bounded number of tasks in flight, so memory does not depend on the size of the input:

- ``serial``: in this process, one task after the other (``--workers 1``, ``--strict``, tests);
- ``local``: a pool of worker processes on this machine (:class:`concurrent.futures.ProcessPoolExecutor`,
  ``fork`` where available so workers start in milliseconds with the modules already imported);
- ``dask``: the workers of a Dask distributed cluster — an existing one (``scheduler="tcp://host:8786"``)
  or a ``LocalCluster`` of ``workers`` processes with one thread each (the extractors are pure Python
  and hold the GIL, so threads would not add throughput). ``dask`` is an optional dependency and is
  imported only here, only when this engine is chosen.

Engines know nothing about articles: :mod:`storyline.pipeline` defines the tasks (batches of inputs,
read and processed in the worker) and merges the results. A task function must be importable by
name (module-level) so workers can unpickle it.

A task that raises is not swallowed: the exception reaches the caller when its result is due (with the
worker's traceback), after every earlier task's results have been yielded.
"""
from __future__ import annotations

import os
import pickle
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Protocol

ENGINES = ("serial", "local", "dask")
# How long to wait for a Dask scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT_SECONDS = 30
WAIT_FOR_WORKERS_SECONDS = 120


class EngineError(RuntimeError):
    """The engine cannot run: a Dask scheduler that does not answer, a cluster without workers."""

# Tasks in flight per worker: enough that a worker always has its next task queued while the
# coordinator merges (a task of 8 articles is ~0.1 s of work), few enough that results waiting to be
# merged stay small (4 tasks x 8 articles x ~15 kB pickled per article: ~0.5 MB per worker).
IN_FLIGHT_PER_WORKER = 4
# A Dask engine recounts the cluster's workers (and so its window) every this many tasks.
WINDOW_CHECK_EVERY = 64


class Engine(Protocol):
    """Maps a function over tasks, yielding results in input order with bounded tasks in flight."""

    name: str
    workers: int

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...

    def __enter__(self) -> "Engine": ...

    def __exit__(self, *exc) -> None: ...


class _Base:
    name = "base"
    workers = 1

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SerialEngine(_Base):
    """Runs every task in this process, in order."""

    name = "serial"

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        for task in tasks:
            yield fn(task)


class LocalEngine(_Base):
    """A pool of ``workers`` processes on this machine."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers or os.cpu_count() or 1
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        pending: deque = deque()
        window = self.workers * IN_FLIGHT_PER_WORKER
        for task in tasks:
            pending.append(self._pool.submit(_pickled_result, fn, task))
            while len(pending) >= window:
                yield pickle.loads(pending.popleft().result())
        while pending:
            yield pickle.loads(pending.popleft().result())

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _pickled_result(fn: Callable[[Any], Any], task: Any) -> bytes:
    """``fn(task)`` pickled in the worker. The thread that receives results in the coordinator (the
    process pool's, or Dask's event loop) then only moves bytes; the main thread unpickles them
    itself, between its SQLite writes, instead of the two threads contending for the GIL at every
    row the main thread inserts (measured with 2 local workers: store writes took 3x their CPU time
    in wall time when the result thread unpickled, 1.7x when it moves bytes)."""
    return pickle.dumps(fn(task), protocol=pickle.HIGHEST_PROTOCOL)


class DaskEngine(_Base):
    """The workers of a Dask cluster: the one at ``scheduler``, or a new local one."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the installation
            raise RuntimeError("the dask engine needs dask[distributed]: pip install 'storyline[dask]'") from None
        import logging

        if not logging.getLogger("storyline").isEnabledFor(logging.INFO):
            # distributed logs every connection at INFO on stderr; keep that for `storyline -v`
            logging.getLogger("distributed").setLevel(logging.ERROR)
        self._cluster = None
        self._client = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS)
                self._client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_SECONDS)
            except (OSError, TimeoutError) as e:
                self.close()
                raise EngineError(f"cannot use the Dask scheduler at {scheduler}: {e or type(e).__name__}") from None
        else:
            self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                         processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        self.workers = self._threads()

    def _threads(self) -> int:
        """Worker threads in the cluster now (workers may join or leave an external cluster)."""
        return max(1, sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()))

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        window = self.workers * IN_FLIGHT_PER_WORKER
        done = as_completed()
        index_of: dict[str, int] = {}  # future key -> task number
        ready: dict[int, Any] = {}  # finished futures by task number, waiting for their turn
        submitted = yielded = 0
        tasks_iter = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and submitted - yielded < window:
                try:
                    task = next(tasks_iter)
                except StopIteration:
                    exhausted = True
                    break
                future = self._client.submit(_pickled_result, fn, task, pure=False)
                index_of[future.key] = submitted
                done.add(future)
                submitted += 1
                if submitted % WINDOW_CHECK_EVERY == 0:
                    self.workers = self._threads()
                    window = self.workers * IN_FLIGHT_PER_WORKER
            if yielded == submitted:
                return
            while yielded not in ready:
                future = next(done)
                ready[index_of.pop(future.key)] = future
            future = ready.pop(yielded)
            yielded += 1
            try:
                result = pickle.loads(future.result())  # re-raises a worker's exception here, in order
            finally:
                future.release()
            yield result

    def close(self) -> None:
        if getattr(self, "_client", None) is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(name: str = "local", workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine called ``name``; ``scheduler`` (a Dask address) implies ``dask``."""
    if scheduler and name != "dask":
        if name not in ("local", "dask"):
            raise ValueError("--scheduler is for the dask engine")
        name = "dask"
    if name == "serial":
        return SerialEngine()
    if name == "local":
        return SerialEngine() if (workers or os.cpu_count() or 1) == 1 else LocalEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler, workers)
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
