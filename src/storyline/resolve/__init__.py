"""Cross-article resolution: actors, figure series, timeline, stories and duplicates.

:func:`derive` computes, for one article, everything cross-article resolution needs from it (pure,
so it runs in the per-article workers at ingest): its figure-series points, its dated events, its
MinHash signature with LSH band keys, and its story features. The store keeps these, so resolving
across articles later reads small rows instead of re-reading texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, TypeVar

from ..budget import check
from ..model import Extraction
from .duplicates import band_keys, signature
from .series import Point, points_from
from .stories import story_features
from .timeline import Event, events_from

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Derived:
    """What cross-article resolution keeps of one article."""

    points: tuple[Point, ...]
    events: tuple[Event, ...]
    signature: bytes
    bands: tuple[str, ...]
    features: Mapping[str, float]


def derive(x: Extraction) -> Derived:
    """Runs within the document's time budget (see :mod:`storyline.budget`): checked between the
    steps and for every point and event produced."""
    check()
    sig = signature(x.article.text)
    check()
    points = tuple(_checked(points_from(x)))
    events = tuple(_checked(events_from(x)))
    check()
    return Derived(points=points, events=events, signature=sig, bands=tuple(band_keys(sig)),
                   features=story_features(x))


def _checked(items: Iterable[T]) -> Iterator[T]:
    for item in items:
        check()
        yield item
