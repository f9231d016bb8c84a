"""The one explicit way through storyline: read → clean → extract (→ derive → store, in ``ingest``).

``process`` turns one RawDocument into an Extraction; ``run`` streams a whole input through it,
yielding an Extraction or a Problem per document; ``ingest`` saves what ``run`` yields into a store.
A :class:`StorylineError` is a problem with one document and never stops the batch; any other
exception is a bug: it stops the run as a :class:`WorkerError` naming the document.

Division of work (measured on bulk corpora, see ``storyline bench ingest``): the coordinator lists the
inputs and writes SQLite; everything per article — reading the file or fetching the URL, decoding,
cleaning, extracting, deriving the inputs to resolution — runs in the workers of an engine
(:mod:`storyline.engine`), which get paths, not contents. SQLite has one writer, so merging stays in
the coordinator, in input order: every engine gives the same store for the same input.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Union

from .budget import DEFAULT_TIME_BUDGET, deadline
from .clean import clean
from .errors import StorylineError
from .extract import extract
from .extract.published import infer_published
from .model import Article, Extraction, Problem, RawDocument
from .read import read_source, read_string
from .read.sources import MAX_DOCUMENT_BYTES, Source, iter_sources

if TYPE_CHECKING:
    from .engine import Engine
    from .store import Store

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


def process(raw: RawDocument, *, time_budget: float | None = DEFAULT_TIME_BUDGET) -> Extraction:
    """Cleans, dates and extracts one document within ``time_budget`` CPU seconds (``None``: no limit of
    its own, though an enclosing :func:`storyline.budget.deadline` still applies); a document over
    budget raises :class:`~storyline.errors.DocumentTimeout` ("took longer than 30 s; skipped")."""
    with deadline(time_budget):
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


class WorkerError(RuntimeError):
    """A bug (an exception that is not a StorylineError) while processing one document.

    It names the document and carries the worker's traceback as text, so it reads the same whether
    it was raised in this process or on a Dask worker on another machine. It is never turned into a
    per-document problem: the run stops and the caller sees it.
    """


# -- inputs: what the coordinator lists and the workers read ------------------------------------


@dataclass(frozen=True, slots=True)
class Url:
    """An http(s) address, fetched by the worker that processes it."""

    url: str


@dataclass(frozen=True, slots=True)
class Written:
    """A document whose results went to a Parquet shard instead of back to the coordinator."""

    source: str
    shard: str


# A work item: a file the worker reads (by path), a URL it fetches, a document already read here
# (stdin and JSON Lines records, which are streamed by the coordinator), or a listing error.
WorkItem = Union[Source, Url, RawDocument, tuple]

_URL = re.compile(r"^https?://", re.IGNORECASE)
# Read by the coordinator, record by record: one file holds many articles, and sending its lines
# to the workers keeps tasks small and the order of records the order of results.
_STREAMED_SUFFIXES = {".jsonl", ".ndjson"}


def list_inputs(paths: list[str], max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[WorkItem]:
    """The work items for ``paths``, in input order, without reading files the workers can read.

    File paths are made absolute (the document keeps the name it was given), so workers that run
    elsewhere — Dask workers started in another folder — find the same files.
    """
    for given in paths:
        if _URL.match(given):
            yield Url(given)
            continue
        for src in iter_sources([given]):
            if isinstance(src, tuple):
                yield src
            elif src.path is None or src.suffix in _STREAMED_SUFFIXES:
                yield from read_source(src, max_bytes)
            else:
                yield Source(src.name, src.path.absolute())


# Fetching: how long to wait for a server, and how we introduce ourselves.
FETCH_TIMEOUT_SECONDS = 30
_USER_AGENT = "storyline (+https://pypi.org/project/storyline/)"


def fetch_url(url: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> RawDocument:
    """One document fetched over http(s) (size limit applied while reading); errors are ReadErrors."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from .errors import DocumentTooLarge, ReadError
    from .read.decode import decode

    req = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT_SECONDS) as resp:  # noqa: S310 (http(s) only)
            data = resp.read(max_bytes + 1)
            ctype = resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raise ReadError(f"cannot fetch: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise ReadError(f"cannot fetch: {getattr(e, 'reason', None) or e}") from None
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"document too large (over {max_bytes // (1024 * 1024)} MB)")
    text, _ = decode(data)
    suffix = ".html" if "html" in ctype.lower() else Path(urllib.parse.urlsplit(url).path).suffix.lower()
    doc = read_string(text, url, suffix=suffix)
    return doc if doc.url else dataclasses.replace(doc, url=url)


def read_item(item: WorkItem, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[RawDocument | tuple]:
    """The documents of one work item (a JSON array file holds several), or ``(source, error)``."""
    if isinstance(item, Source):
        yield from read_source(item, max_bytes)
    elif isinstance(item, Url):
        try:
            yield fetch_url(item.url, max_bytes)
        except StorylineError as e:
            yield item.url, e
    else:
        yield item


# -- the per-article work, as one task per batch of inputs -----------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """One task: work items and what to do with them. Sent to a worker (pickled), so plain data only."""

    items: tuple
    derive: bool = False
    strict: bool = False
    max_bytes: int = MAX_DOCUMENT_BYTES
    time_budget: float = DEFAULT_TIME_BUDGET  # CPU seconds per document (see storyline.budget)
    parquet_dir: str | None = None  # write results there (one shard per batch) ...
    keep_results: bool = True  # ... and also return them
    index: int = 0


def run_batch(batch: Batch) -> list:
    """Reads and processes a batch in input order: per document an Extraction (or, with ``derive``, an
    ``(Extraction, Derived)`` pair), a :class:`Problem`, or with Parquet output only, :class:`Written`."""
    out: list = []
    for item in batch.items:
        try:
            docs = list(read_item(item, batch.max_bytes))  # one document, or the few of a JSON array file
        except Exception as err:  # a bug in a reader (its expected failures are StorylineErrors)
            raise WorkerError(f"bug while reading {_item_name(item)}: {type(err).__name__}: {err}\n"
                              f"{traceback.format_exc()}") from err
        for doc in docs:
            if isinstance(doc, tuple):
                if batch.strict:
                    raise doc[1]
                out.append(problem(*doc))
            else:
                out.append(_process_document(doc, batch))
    if batch.parquet_dir is not None:
        from .engine.parquet import write_shard

        shard = write_shard(Path(batch.parquet_dir), batch.index, out)
        if not batch.keep_results:
            out = [r if isinstance(r, Problem) else Written(_source_of(r), shard) for r in out]
    return out


def _process_document(raw: RawDocument, batch: Batch):
    """One document through process (and derive) within the batch's time budget, which covers both."""
    try:
        with deadline(batch.time_budget):
            x = process(raw, time_budget=batch.time_budget)
            if not batch.derive:
                return x
            from .resolve import derive

            return x, derive(x)
    except StorylineError as err:
        if batch.strict:
            raise
        return problem(raw.source, err)
    except Exception as err:  # a bug: name the document, keep the traceback, stop the run
        raise WorkerError(f"bug while processing {raw.source}: {type(err).__name__}: {err}\n"
                          f"{traceback.format_exc()}") from err


def _item_name(item: WorkItem) -> str:
    if isinstance(item, Source):
        return item.name
    if isinstance(item, Url):
        return item.url
    return item.source if isinstance(item, RawDocument) else str(item[0])


def _source_of(result) -> str:
    x = result[0] if isinstance(result, tuple) else result
    return x.source if isinstance(x, (Problem, Written)) else x.article.source


# Work items per task. Local processes: small tasks keep the workers evenly busy and results flowing
# to the store; Dask adds scheduling and a network round trip per task, so a little larger; Parquet
# output writes one shard per task, so large enough that shards are not tiny files.
BATCH_SIZE = {"serial": 1, "local": 8, "dask": 16}
PARQUET_BATCH_SIZE = 250


def batches(items: Iterable[WorkItem], size: int, **options) -> Iterator[Batch]:
    """Groups work items into numbered tasks of ``size`` items."""
    chunk: list = []
    index = 0
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield Batch(tuple(chunk), index=index, **options)
            chunk, index = [], index + 1
    if chunk:
        yield Batch(tuple(chunk), index=index, **options)


def run(paths: list[str], *, max_bytes: int = MAX_DOCUMENT_BYTES, strict: bool = False,
        report: RunReport | None = None, workers: int = 1, derive: bool = False,
        on_progress: Callable[[str], None] | None = None, engine: "str | Engine | None" = None,
        scheduler: str | None = None, time_budget: float | None = None, parquet_dir: str | Path | None = None,
        keep_results: bool = True, batch_size: int | None = None) -> Iterator:
    """Streams every document under ``paths`` (files, folders, ``.gz``, ``-``, http(s) URLs) through the
    pipeline and yields, in input order, an Extraction — or with ``derive`` an ``(Extraction, Derived)``
    pair, the article's inputs to cross-article resolution — or a Problem per document.

    ``engine`` says where the per-article work runs (see :mod:`storyline.engine`): ``"serial"``,
    ``"local"`` (``workers`` processes; the default when ``workers > 1``) or ``"dask"`` (the cluster at
    ``scheduler``, or a local one of ``workers`` processes); an Engine instance is used as is and left
    open. Workers read the files themselves (only paths are sent) and derive; this process lists the
    inputs and merges results in input order, with a bounded number of tasks in flight, so memory does
    not grow with the input. ``strict`` stops at the first bad document (always in this process).
    ``time_budget``: CPU seconds per document for process and derive (default
    :data:`storyline.budget.DEFAULT_TIME_BUDGET`); a document over it is a ``DocumentTimeout`` problem.

    ``parquet_dir``: the workers also write the results there, one Parquet shard per task (see
    :mod:`storyline.engine.parquet`); with ``keep_results=False`` they return only a :class:`Written`
    marker per stored document, for runs too large to merge into one SQLite file as they go.
    """
    from .engine import make_engine

    report = report if report is not None else RunReport()
    if strict:
        engine = "serial"
    name = engine if isinstance(engine, str) else getattr(engine, "name", None)
    if name is None:
        name = "dask" if scheduler else ("local" if workers > 1 else "serial")
    if parquet_dir is not None:
        Path(parquet_dir).mkdir(parents=True, exist_ok=True)
        size = batch_size or PARQUET_BATCH_SIZE
    else:
        size = batch_size or BATCH_SIZE.get(name, BATCH_SIZE["local"])
    tasks = batches(list_inputs(paths, max_bytes), size, derive=derive, strict=strict, max_bytes=max_bytes,
                    time_budget=time_budget or DEFAULT_TIME_BUDGET, keep_results=keep_results,
                    parquet_dir=str(Path(parquet_dir).absolute()) if parquet_dir is not None else None)
    owned = isinstance(engine, str) or engine is None
    eng = make_engine(name, workers, scheduler) if owned else engine
    try:
        for results in eng.map(run_batch, tasks):
            for result in results:
                if isinstance(result, Problem):
                    report.problems.append(result)
                    log.warning("%s: %s", result.source, result.message)
                else:
                    report.processed += 1
                if on_progress:
                    on_progress(_source_of(result))
                yield result
    finally:
        if owned:
            eng.close()


def process_all(docs: Iterable[RawDocument]) -> Iterator[Extraction | Problem]:
    """The pipeline over documents already read (e.g. from the Python API)."""
    for raw in docs:
        try:
            yield process(raw)
        except StorylineError as err:
            yield problem(raw.source, err)


# -- ingest: the run merged into a store -------------------------------------------------------


@dataclass
class IngestSummary:
    """What an ingest did to the store: per-article outcomes, in counts, and the failures."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    written: int = 0  # sent to Parquet shards only
    failed: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


# Articles written per SQLite transaction. One transaction per article costs ~0.5 ms of the
# coordinator's ~1.6 ms of CPU per article (measured on 300 articles of bulk10k); 64 keeps the write
# lock for ~0.1 s at a time, short enough for readers (``serve``) and for a kill to lose little work.
SAVE_BATCH = 64
# ... or fewer, when results trickle in (fetching URLs): nothing waits longer than this to be stored.
SAVE_MAX_DELAY_SECONDS = 2.0
# Saved articles between passes of the first phase of resolution (duplicates, actors, series) during
# an ingest, when asked for (``--resolve-every``): readers then see actors and series as a long run
# goes; the stories are replayed once, by the caller's refresh. Off by default because it costs more
# than it saves: the workers wait while the coordinator resolves, and each pass reads again the forms
# of common names, whose article lists grow with the store (100k bulk articles, 2 workers: 83.4
# articles/s end to end every 10,000 articles, 91.3 with one refresh at the end).
RESOLVE_EVERY: int | None = None


def ingest(paths: list[str], store: "Store | None", *, on_result: Callable[[object], None] | None = None,
           save_batch: int = SAVE_BATCH, resolve_every: int | None = RESOLVE_EVERY, **options) -> IngestSummary:
    """Runs the pipeline over ``paths`` (``options`` as for :func:`run`, always deriving) and saves each
    article into ``store`` in input order, so any engine gives the same store. Articles are written
    ``save_batch`` to a transaction, each all-or-nothing; a store error fails that article only.
    ``store=None`` with ``parquet_dir`` keeps the results in the shards only. ``on_result`` is called
    per document once it is stored. With ``resolve_every``, every that many saved articles the first
    phase of cross-article resolution runs (``refresh(store, stories=False)``, see :mod:`storyline.incremental`);
    the final :func:`storyline.api.refresh`, which replays the stories, is left to the caller.
    """
    from .serialize import problem_dict

    import time

    summary = IngestSummary()
    pending: list = []  # results waiting for their write transaction, in input order
    since = 0.0  # when the oldest of them arrived
    resolved_at = 0  # articles added or updated when the first phase of resolution last ran

    def flush() -> None:
        nonlocal resolved_at
        if store is not None:
            _save_all(store, [r for r in pending if isinstance(r, tuple)], summary)
            changed = summary.added + summary.updated
            if resolve_every and changed - resolved_at >= resolve_every:
                from .incremental import refresh

                refresh(store, stories=False)
                resolved_at = changed
        for r in pending:
            if on_result:
                on_result(r)
        pending.clear()

    try:
        for item in run(paths, derive=True, keep_results=store is not None, **options):
            if isinstance(item, Problem):
                summary.failed.append(problem_dict(item))
            elif isinstance(item, Written):
                summary.written += 1
            if not pending:
                since = time.monotonic()
            pending.append(item)
            if len(pending) >= save_batch or time.monotonic() - since > SAVE_MAX_DELAY_SECONDS:
                flush()
    except WorkerError:
        flush()  # what came before the bug is stored, as with one transaction per article
        raise
    flush()
    return summary


def _save_all(store: "Store", pairs: list, summary: IngestSummary) -> None:
    """Saves ``(Extraction, Derived)`` pairs in one transaction; if the database refuses one, the
    transaction is rolled back and they are saved one by one, so only the bad article fails."""
    import sqlite3

    if not pairs:
        return
    try:
        with store.transaction():
            statuses: list = [store.save_in_transaction(x, d) for x, d in pairs]
    except sqlite3.DatabaseError:
        statuses = []
        for x, d in pairs:
            try:
                statuses.append(store.save(x, d))
            except StorylineError as e:
                statuses.append(e)
    for (x, _), status in zip(pairs, statuses):
        if isinstance(status, StorylineError):
            summary.failed.append({"source": x.article.source, "stage": status.stage, "kind": status.kind,
                                   "error": str(status)})
        else:
            setattr(summary, status, getattr(summary, status) + 1)
