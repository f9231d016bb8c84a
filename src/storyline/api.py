"""The story across articles, read from a store: the Python API behind the CLI and the HTTP API.

Per-article inputs to resolution (series points, events, signatures, story features) are derived at
ingest and stored; the functions here assemble them:

- :func:`refresh` regroups near-duplicates and re-splits stories after an ingest run, and stores the
  result. Both are functions of the set of stored articles (the story splitter replays in a canonical
  order), so ingesting in two halves gives the same stories as one pass. Cost: linear in the number
  of stored articles (MinHash LSH candidates, then one pass of the splitter), a few seconds per
  hundred thousand articles; no article text is re-read.
- :func:`actors`, :func:`series`, :func:`timeline`, :func:`stories` and :func:`changes` read the
  stored rows, optionally of one story, and resolve them on demand.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from .model import Entity, Span
from .resolve.actors import Actor, resolve_actors
from .resolve.duplicates import group_duplicates
from .resolve.series import Point, Series, build_series
from .resolve.stories import StoryItem, StoryTracker
from .resolve.timeline import Event, TimelineEvent, timeline as build_timeline
from .store import Store


def refresh(store: Store) -> dict[str, int]:
    """Recomputes duplicate groups and stories from what is stored; returns counts."""
    rows = store.signatures()
    groups = group_duplicates([(aid, sig) for aid, _, sig, _ in rows])
    duplicate_of = {aid: group[0] for group in groups if len(group) > 1 for aid in group}
    tracker = StoryTracker()
    tracker.add([StoryItem(aid, published, features) for aid, published, _, features in rows])
    assignments = tracker.assignments
    labels = {sid: label for sid, label in tracker.labels().items() if sid in set(assignments.values())}
    store.set_resolution(duplicate_of, assignments, labels)
    return {"stories": len(labels), "duplicate_groups": sum(1 for g in groups if len(g) > 1)}


def resolve_story(store: Store, story: str | None) -> str | None:
    """A story id from an id or a label fragment; raises LookupError when none matches."""
    if story is None:
        return None
    labels = store.story_labels()
    if story in labels:
        return story
    hits = sorted(sid for sid, label in labels.items() if story.lower() in label.lower())
    if len(hits) == 1:
        return hits[0]
    raise LookupError(f"no story {story!r}" if not hits else f"{story!r} matches several stories: {', '.join(hits[:5])}")


def actors(store: Store, story: str | None = None) -> tuple[Actor, ...]:
    triples = []
    for r in store.rows("entities", story):
        e = Entity(name=r["name"], type=r["type"], mentions=tuple(Span(s, t) for s, t in json.loads(r["mentions"])),
                   aliases=tuple(json.loads(r["aliases"])), roles=tuple(json.loads(r["roles"])))
        triples.append((r["article_id"], r["a_published"], e))
    return tuple(sorted(resolve_actors(triples), key=lambda a: (-a.mentions, a.name)))


def _points(store: Store, story: str | None) -> list[Point]:
    return [Point(key=r["key"], category=r["category"], place=r["place"], unit=r["unit"], scope=r["scope"],
                  anchor=r["anchor"], value=r["value"], qualifier=r["qualifier"], as_of=r["as_of"], source=r["source"],
                  outlet=r["outlet"], article_id=r["article_id"], span=Span(r["start"], r["end"]), text=r["text"])
            for r in store.rows("points", story)]


def series(store: Store, story: str | None = None, category: str | None = None,
           min_points: int = 1) -> tuple[Series, ...]:
    """Figure series, largest first; copies of one wire story count once (the earliest copy's point)."""
    dup = store.duplicate_groups()
    pts = [p for p in _points(store, story) if category is None or p.category == category]
    seen: set[tuple] = set()
    unique = []
    for p in sorted(pts, key=lambda p: (p.as_of or "", p.article_id, p.span.start)):
        group = dup.get(p.article_id)
        mark = (group, p.key, p.value, p.qualifier) if group else None
        if mark and mark in seen:
            continue
        if mark:
            seen.add(mark)
        unique.append(p)
    out = [s for s in build_series(unique) if len(s.points) >= min_points]
    return tuple(sorted(out, key=lambda s: (-len(s.points), s.label)))


def _events(store: Store, story: str | None) -> list[Event]:
    return [Event(date=r["date"], article_id=r["article_id"], span=Span(r["start"], r["end"]), text=r["text"],
                  actors=tuple(json.loads(r["actors"])), basis=r["basis"], published=r["published"],
                  outlet=r["outlet"]) for r in store.rows("events", story)]


def timeline(store: Store, story: str | None = None, limit: int | None = None, per_date: int = 1,
             start: str | None = None, end: str | None = None) -> list[TimelineEvent]:
    return build_timeline(_events(store, story), limit, per_date=per_date, start=start, end=end,
                          duplicates=store.duplicate_groups())


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    label: str
    size: int
    first: str | None
    last: str | None
    top_actors: tuple[str, ...]


def stories(store: Store, top: int = 5) -> list[StorySummary]:
    assignments = store.story_assignments()
    labels = store.story_labels()
    members: dict[str, list[str]] = defaultdict(list)
    for aid, sid in assignments.items():
        members[sid].append(aid)
    dates = {r[0]: r[1] for r in store.conn.execute("SELECT id, published FROM articles")}
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in store.conn.execute("SELECT e.article_id, e.name, e.type FROM entities e"):
        sid = assignments.get(r[0])
        if sid and r[2] in ("PERSON", "ORG"):
            counts[sid][r[1]] += 1
    out = []
    for sid, aids in members.items():
        ds = sorted(d for d in (dates.get(a) for a in aids) if d)
        out.append(StorySummary(sid, labels.get(sid, sid), len(aids), ds[0] if ds else None, ds[-1] if ds else None,
                                tuple(n for n, _ in counts[sid].most_common(top))))
    return sorted(out, key=lambda s: (-s.size, s.id))


def changes(store: Store, since: str, story: str | None = None, main_actors: int = 10) -> dict:
    """What is new since a publication date: actors first seen, series points, events, quotes by main actors."""
    all_actors = actors(store, story)
    dates = {r[0]: r[1] or "" for r in store.conn.execute("SELECT id, published FROM articles")}
    new_actors = [a for a in all_actors if min((dates.get(i, "") for i in a.articles), default="") >= since]
    main = {a.name for a in all_actors[:main_actors]}
    points = [(s, p) for s in series(store, story) for p in s.points if p.as_of and p.as_of >= since]
    events = [e for e in timeline(store, story) if e.date >= since]
    quotes = [r for r in store.rows("quotes", story, since=since) if r["speaker"] in main]
    return {"since": since, "actors": new_actors, "points": points, "events": events, "quotes": quotes}

