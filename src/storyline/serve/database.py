"""Read-only access to a storyline database for the HTTP server, and a cache of resolved results.

Connections. Every worker thread keeps one :class:`Store` opened with ``readonly=True`` (a
``file:...?mode=ro`` SQLite URI), so no request can write, and each request reads inside one
transaction: its totals and its items come from the same snapshot even while ``storyline ingest``
(or the server's own ingest endpoint) writes the database. The database runs in WAL mode, so
readers and the one writer do not block each other.

Cache. A few results are aggregates over many rows (table counts, speakers with their quote
counts, a timeline built from a story's events); they are computed once per *data version* and
kept. The version is ``PRAGMA data_version`` of a probe
connection, which changes exactly when another connection commits. A result that took longer than
:data:`STALE_AFTER_SECONDS` to compute is served stale while a background thread recomputes it (so
an ingest never stalls the page for the time a large store takes to resolve); quicker results are
recomputed in the request. Concurrent requests for the same missing result wait for one computation.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator

from ..errors import StoreError
from ..store import Store

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 1.0  # results slower than this to compute are refreshed in the background
BUSY_TIMEOUT_MS = 5000  # a reader waits this long for a lock (only during WAL recovery/checkpoint edge cases)
MAX_CACHED = 256  # results kept per data version (different stories, filters)


class Database:
    """A storyline database opened read-only, one :class:`Store` (``readonly=True``) per thread."""

    def __init__(self, path: str | Path) -> None:
        p = Path(path).resolve()
        if not p.is_file():
            raise StoreError(f"no database at {path} (run `storyline ingest` first)")
        self.path = str(p)
        self._local = threading.local()
        self._probe = self._open()  # also checks the schema: an old one is an error naming the fix
        self._probe_lock = threading.Lock()

    def _open(self) -> Store:
        store = Store(self.path, readonly=True)
        store.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return store

    def store(self) -> Store:
        """This thread's read-only store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self._open()
        return store

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """This thread's store inside one read transaction (the ``storyline.api`` reads join it)."""
        store = self.store()
        conn = store.conn
        if conn.in_transaction:  # left open by an interrupted request
            conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        try:
            yield store
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def version(self) -> int:
        """Changes whenever another connection has committed to the database."""
        with self._probe_lock:
            return self._probe.conn.execute("PRAGMA data_version").fetchone()[0]


class ResultCache:
    """Results keyed by (name, parameters), valid for one data version; see the module docstring."""

    def __init__(self, db: Database, stale_after: float = STALE_AFTER_SECONDS) -> None:
        self.db = db
        self.stale_after = stale_after
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[int, Any, float]] = {}  # key -> (version, value, seconds to compute)
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._refreshing: set[Hashable] = set()

    def get(self, key: Hashable, compute: Callable[[Store], Any]) -> Any:
        """The value for ``key`` at the current data version; ``compute(store)`` builds it from a snapshot."""
        version = self.db.version()
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            if hit is not None and hit[2] > self.stale_after:
                self._refresh_in_background(key, compute)
                return hit[1]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._values.get(key)
                if hit is not None and hit[0] == version:
                    return hit[1]
            return self._compute(key, compute, version)

    def _compute(self, key: Hashable, compute: Callable[[Store], Any], version: int) -> Any:
        start = time.perf_counter()
        with self.db.snapshot() as store:
            value = compute(store)
        took = time.perf_counter() - start
        log.info("computed %s in %.2f s", key, took)
        with self._lock:
            if len(self._values) >= MAX_CACHED and key not in self._values:
                self._values.pop(next(iter(self._values)))
            self._values[key] = (version, value, took)
        return value

    def _refresh_in_background(self, key: Hashable, compute: Callable[[Store], Any]) -> None:
        """Called with ``_lock`` held: recompute ``key`` once in a daemon thread."""
        if key in self._refreshing:
            return
        self._refreshing.add(key)

        def run() -> None:
            try:
                with self._key_locks.setdefault(key, threading.Lock()):
                    self._compute(key, compute, self.db.version())
            except Exception:  # noqa: BLE001 - a failed refresh keeps the stale value; the next request retries
                log.exception("refreshing %s failed", key)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name=f"refresh-{key}", daemon=True).start()
