"""A per-document time budget: a cooperative deadline that long-running loops check.

One hostile document (a megabyte on one line, thousands of quotation marks) must not hold up a
batch. The extractors are written to be roughly linear in the size of a document, and the budget is
the backstop for whatever is not: ``pipeline.process`` runs each document inside
``with deadline(seconds):``, and the loops whose work grows with the document (per paragraph,
sentence and candidate, in cleaning, extraction and ``resolve.derive``) call :func:`check`, which
raises :class:`~storyline.errors.DocumentTimeout` once the budget is spent. The batch records a
per-document problem ("took longer than 30 s; skipped") and goes on.

Why cooperative: the alternatives do not work where storyline runs. ``signal.alarm`` works only in
the main thread, and Dask workers run tasks in threads; killing a thread is not possible in Python;
a process per document costs more than the work. A deadline read from a thread-local is safe in
any thread, and each thread (each document being processed) has its own.

Why CPU time of the thread (``time.thread_time``) rather than the wall clock: the same document
should give the same outcome on an idle machine and on a loaded one (storyline is deterministic; a
batch on a shared machine, or threads waiting for the GIL in a Dask worker, would otherwise skip
documents at random). Cost measured on this machine: 0.2 µs per :func:`check` (a thread-local read
and the clock), a few hundred checks for a typical article (~14 ms of work): under 1 %.

What the budget cannot interrupt: a single C call (one regular expression over a huge string, an
lxml parse). Those must be made linear instead; the fuzz suite (``tests/fuzz``) measures them.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from .errors import DocumentTimeout

#: Default budget per document, in CPU seconds. Real articles take 5-50 ms (p95 ~40 ms on
#: Timeline17); the slowest generated worst cases of a megabyte stay under ~5 s. 30 s leaves a
#: wide margin for slow machines while bounding how long one document can hold a worker.
DEFAULT_TIME_BUDGET = 30.0

_state = threading.local()
_clock = time.thread_time


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Runs the block with a budget of ``seconds`` of this thread's CPU time.

    ``None`` adds no limit of its own. Nested budgets never extend an outer one: the earlier of the
    two deadlines applies inside, and the outer one is restored on leaving.
    """
    outer = getattr(_state, "deadline", None)
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise ValueError(f"a time budget must be positive, not {seconds!r}")
    mine = (_clock() + seconds, seconds)
    _state.deadline = mine if outer is None or mine[0] < outer[0] else outer
    try:
        yield
    finally:
        _state.deadline = outer


def check() -> None:
    """Raises :class:`DocumentTimeout` if the current document's budget is spent; else nothing.

    Cheap enough for inner loops (see the module docstring); a no-op outside :func:`deadline`.
    """
    current = getattr(_state, "deadline", None)
    if current is not None and _clock() > current[0]:
        raise DocumentTimeout(f"took longer than {current[1]:g} s; skipped")

