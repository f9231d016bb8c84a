"""The one explicit way through storyline: read → clean → extract (→ store, in ``ingest``).

``process`` turns one RawDocument into an Extraction; ``run`` streams a whole input through it,
yielding an Extraction or a Problem per document. A :class:`StorylineError` is a problem with one
document and never stops the batch; any other exception is a bug and propagates.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .clean import clean
from .errors import StorylineError
from .extract import extract
from .extract.published import infer_published
from .model import Article, Extraction, Problem, RawDocument
from .read import read_paths
from .read.sources import MAX_DOCUMENT_BYTES

log = logging.getLogger(__name__)

STAGES = ("read", "clean", "infer-date", "extract")


def prepare(raw: RawDocument) -> Article:
    """Cleans a raw document and, where it states no date, infers one from its text."""
    article = clean(raw)
    if article.published is None:
        inferred = infer_published(article.text)
        if inferred:
            article = dataclasses.replace(article, published=inferred, published_inferred=True)
    return article


def process(raw: RawDocument) -> Extraction:
    return extract(prepare(raw))


@dataclass
class RunReport:
    """What a run did: counts and the per-document problems."""

    processed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def problem(source: str, error: StorylineError) -> Problem:
    return Problem(source=source, stage=error.stage, kind=error.kind, message=str(error) or error.__doc__ or error.kind)


def _process_safely(raw: RawDocument, strict: bool, derive: bool = False):
    try:
        x = process(raw)
    except StorylineError as err:
        if strict:
            raise
        return problem(raw.source, err)
    if derive:
        from .resolve import derive as derive_fn

        return x, derive_fn(x)
    return x


def _process_batch(batch: list[RawDocument], derive: bool = False) -> list:
    return [_process_safely(raw, False, derive) for raw in batch]


def run(paths: list[str], *, max_bytes: int = MAX_DOCUMENT_BYTES, strict: bool = False,
        report: RunReport | None = None, workers: int = 1, derive: bool = False,
        on_progress: Callable[[str], None] | None = None) -> Iterator:
    """Streams every document under ``paths`` through the pipeline, in input order.

    Yields an Extraction (or, with ``derive``, an ``(Extraction, Derived)`` pair: the article's inputs to
    cross-article resolution, computed in the same worker) or a Problem per document.

    With ``workers > 1`` per-article work runs in that many processes; reading stays in this process
    and at most a few batches per worker are in flight, so memory does not grow with the input.
    """
    report = report if report is not None else RunReport()
    items: Iterable[RawDocument | tuple[str, StorylineError]] = read_paths(paths, max_bytes=max_bytes)
    results = _map_parallel(items, workers, derive) if workers > 1 and not strict else _map_serial(items, strict, derive)
    for result in results:
        if isinstance(result, Problem):
            report.problems.append(result)
            log.warning("%s: %s", result.source, result.message)
        else:
            report.processed += 1
        if on_progress:
            x = result[0] if isinstance(result, tuple) else result
            on_progress(x.source if isinstance(x, Problem) else x.article.source)
        yield result


def _map_serial(items, strict: bool, derive: bool) -> Iterator:
    for item in items:
        if isinstance(item, tuple):
            if strict:
                raise item[1]
            yield problem(*item)
        else:
            yield _process_safely(item, strict, derive)


# Documents per task sent to a worker process, and tasks in flight per worker: enough to keep the
# workers busy, small enough that memory stays flat.
BATCH_SIZE = 8
IN_FLIGHT_PER_WORKER = 4


def _map_parallel(items, workers: int, derive: bool) -> Iterator:
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    pending: deque = deque()  # futures or ready lists, in input order
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        batch: list[RawDocument] = []
        for item in items:
            if isinstance(item, tuple):
                if batch:
                    pending.append(pool.submit(_process_batch, batch, derive))
                    batch = []
                pending.append([problem(*item)])
            else:
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    pending.append(pool.submit(_process_batch, batch, derive))
                    batch = []
            while len(pending) > workers * IN_FLIGHT_PER_WORKER:
                yield from _result(pending.popleft())
        if batch:
            pending.append(pool.submit(_process_batch, batch, derive))
        while pending:
            yield from _result(pending.popleft())


def _result(entry) -> list:
    return entry if isinstance(entry, list) else entry.result()


def process_all(docs: Iterable[RawDocument]) -> Iterator[Extraction | Problem]:
    """The pipeline over documents already read (e.g. from the Python API)."""
    for raw in docs:
        try:
            yield process(raw)
        except StorylineError as err:
            yield problem(raw.source, err)
