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


def run(paths: list[str], *, max_bytes: int = MAX_DOCUMENT_BYTES, strict: bool = False,
        report: RunReport | None = None,
        on_progress: Callable[[str], None] | None = None) -> Iterator[Extraction | Problem]:
    """Streams every document under ``paths`` through the pipeline."""
    report = report if report is not None else RunReport()
    for item in read_paths(paths, max_bytes=max_bytes):
        if isinstance(item, tuple):
            source, err = item
            if strict:
                raise err
            p = problem(source, err)
            report.problems.append(p)
            log.warning("%s: %s", source, p.message)
            yield p
        else:
            try:
                result = process(item)
            except StorylineError as err:
                if strict:
                    raise
                p = problem(item.source, err)
                report.problems.append(p)
                log.warning("%s: %s", item.source, p.message)
                yield p
                continue
            report.processed += 1
            yield result
        if on_progress:
            on_progress(item[0] if isinstance(item, tuple) else item.source)


def process_all(docs: Iterable[RawDocument]) -> Iterator[Extraction | Problem]:
    """The pipeline over documents already read (e.g. from the Python API)."""
    for raw in docs:
        try:
            yield process(raw)
        except StorylineError as err:
            yield problem(raw.source, err)
