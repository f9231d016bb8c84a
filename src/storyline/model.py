"""The one data model every stage shares.

Layer 0: standard library only. Records are frozen dataclasses; collections are tuples.
Every extracted item carries a :class:`Span`, a half-open pair of character offsets into
``Article.text`` (the cleaned body), so a user can always click through to the sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open ``[start, end)`` character offsets into a cleaned article text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def of(self, text: str) -> str:
        """The text this span covers."""
        return text[self.start:self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def __len__(self) -> int:
        return self.end - self.start


def filter_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Keeps the longest of overlapping spans (earliest first on ties), in text order."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(s.overlaps(k) for k in kept):
            kept.append(s)
    return tuple(sorted(kept))


# ---------------------------------------------------------------------------------------------
# Documents


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a reader produces: one document's content before cleaning.

    ``kind`` says how the body was given: ``"text"`` (plain text, possibly with a date-prefix
    line), ``"markdown"`` (front matter already split off into ``metadata``) or ``"html"``
    (``body`` is already the extracted article text; ``metadata`` holds what the page said).
    """

    source: str
    kind: str
    body: str
    title: str | None = None
    published: str | None = None  # ISO date or datetime as the document gives it
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the raw body the cleaner removed, and why (for auditing)."""

    reason: str  # e.g. "newsletter", "caption", "credit", "syndication", "repeated-headline"
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. ``text`` is the body: paragraphs separated by a blank line."""

    id: str
    source: str
    text: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD or None
    published_inferred: bool = False
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    language: str = "en"
    dateline: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    removed: tuple[Removal, ...] = ()


# ---------------------------------------------------------------------------------------------
# Extracted items. Each has ``span`` (into Article.text), ``extractor`` and ``confidence``.


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: ``span`` covers what stands between the quotation marks."""

    span: Span
    text: str
    speaker: str | None  # canonical name, or the description of an unnamed source
    anonymous: bool = False
    speaker_span: Span | None = None  # where the speaker is named (or referred to)
    cue: str | None = None  # the cue verb: said, told, added ...
    speaker_type: str | None = None  # PERSON, ORG, or None
    extractor: str = "rules"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Figure:
    """A numeric claim: ``span`` covers the number phrase (qualifier, number, counted noun)."""

    span: Span
    text: str
    value: float
    category: str  # killed, injured, taken hostage, held hostage, released, displaced, money, population, other
    qualifier: str | None = None  # at least, more than, over, nearly, approx, up to ...
    unit: str | None = None  # USD, GBP, EUR, percent, people ...
    source: str | None = None  # who the article attributes the figure to
    source_span: Span | None = None
    place: str | None = None
    extractor: str = "rules"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression and the calendar value it denotes (YYYY-MM-DD, YYYY-MM or YYYY)."""

    span: Span
    text: str
    value: str
    extractor: str = "rules"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Entity:
    """One actor within an article: canonical name, type and every mention."""

    name: str
    type: str  # PERSON, ORG, LOC
    mentions: tuple[Span, ...]
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    extractor: str = "rules"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    dates: tuple[DateMention, ...] = ()
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """A per-document failure: which document, at which stage, what kind, and a one-line message."""

    source: str
    stage: str
    kind: str
    message: str
