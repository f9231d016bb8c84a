"""The story across articles, read from a store: the Python API behind the CLI and the HTTP API.

Per-article inputs to resolution (series points, events, signatures, story features) are derived at
ingest and stored; :func:`refresh` resolves the articles saved since the last refresh, incrementally
(see :mod:`storyline.incremental`): duplicate groups, stories, actors and figure series are stored,
so reading them is a lookup, not a resolution.

Reads for the HTTP API are paginated and answer from indexes (cost grows with the page and with
what a filter selects, not with the store): :func:`actor_page`, :func:`actor`,
:func:`actor_appearances`, :func:`entity_actors`, :func:`quote_actors`, :func:`actor_quotes`,
:func:`series_page`, :func:`series_by_id`, :func:`point_series`, :func:`stories_page`. The older
whole-list functions (:func:`actors`, :func:`series`, :func:`stories`) keep their signatures and
read the same stored results; :func:`timeline` reads only the events of the story and dates asked
for. Every read runs in one read transaction (:meth:`Store.snapshot`), so a reader sees one
resolution even while ``ingest`` commits the next.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Generic, Iterable, TypeVar

from . import incremental
from .incremental import point_of
from .model import Span
from .resolve.actors import Actor, Form, Role
from .resolve.series import Conflict, Series
from .resolve.timeline import Event, TimelineEvent, timeline as build_timeline
from .store import Store
from .store.resolution import chunks

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, and how many items the whole list holds."""

    total: int
    limit: int | None
    offset: int
    items: tuple[T, ...]


def refresh(store: Store, *, full: bool = False, stories: bool = True) -> dict[str, Any]:
    """Resolves what was saved since the last refresh (everything from scratch with ``full``) in
    one transaction; returns counts (``stories``, ``duplicate_groups``, ``actors``, ``resolved``,
    ``replayed``) and seconds per step. Cheap when nothing is pending. ``stories=False`` leaves the
    story replay for a later refresh (see :func:`storyline.incremental.refresh`)."""
    return incremental.refresh(store, full=full, stories=stories)


def resolve_story(store: Store, story: str | None) -> str | None:
    """A story id from an id or a label fragment; raises LookupError when none matches."""
    if story is None:
        return None
    c = store.conn
    if c.execute("SELECT 1 FROM stories WHERE id = ?", (story,)).fetchone():
        return story
    hits = [r[0] for r in c.execute("SELECT id FROM stories WHERE instr(lower(label), lower(?)) > 0 ORDER BY id LIMIT 6",
                                    (story,))]
    if len(hits) == 1:
        return hits[0]
    raise LookupError(f"no story {story!r}" if not hits else f"{story!r} matches several stories: {', '.join(hits[:5])}")


# ---------------------------------------------------------------------------------------------
# Actors


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """A stored actor. With a story filter, ``story_mentions``/``story_articles`` count within it."""

    id: str
    name: str
    type: str
    key: str
    mentions: int
    articles: int
    first: str | None
    last: str | None
    aliases: tuple[tuple[str, int], ...]
    roles: tuple[Role, ...]
    story_mentions: int | None = None
    story_articles: int | None = None


@dataclass(frozen=True, slots=True)
class Appearance:
    article_id: str
    title: str | None
    published: str | None
    outlet: str | None
    mentions: int


def _record(r: Any, story_mentions: int | None = None, story_articles: int | None = None) -> ActorRecord:
    return ActorRecord(id=r["id"], name=r["name"], type=r["type"], key=r["key"], mentions=r["mentions"],
                       articles=r["articles"], first=r["first"], last=r["last"],
                       aliases=tuple((n, c) for n, c in json.loads(r["aliases"])),
                       roles=tuple(Role(*x) for x in json.loads(r["roles"])),
                       story_mentions=story_mentions, story_articles=story_articles)


def _like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def actor_page(store: Store, *, story: str | None = None, type: str | None = None, q: str | None = None,
               limit: int | None = 50, offset: int = 0) -> Page[ActorRecord]:
    """Actors by mentions (within the story when given), then name; ``q`` is a case-insensitive
    substring of the name. Without a story: an index walk (plus a name scan when ``q`` is given);
    with one: that story's stored per-form counts."""
    c = store.conn
    where, args = ["1=1"], []
    if type:
        where.append("a.type = ?")
        args.append(type)
    if q:
        where.append("lower(a.name) LIKE ? ESCAPE '\\'")
        args.append(_like(q))
    cond = " AND ".join(where)
    page = (" LIMIT ? OFFSET ?", [limit, offset]) if limit is not None else (" LIMIT -1 OFFSET ?", [offset])
    with store.snapshot():
        if story is None:
            total = c.execute(f"SELECT COUNT(*) FROM actors a WHERE {cond}", args).fetchone()[0]  # noqa: S608
            rows = c.execute(f"SELECT a.* FROM actors a WHERE {cond} ORDER BY a.mentions DESC, a.name, a.id"  # noqa: S608
                             + page[0], args + page[1]).fetchall()
            return Page(total, limit, offset, tuple(_record(r) for r in rows))
        sql = (f"SELECT a.*, SUM(sf.mentions) AS sm, SUM(sf.entities) AS se FROM story_forms sf "  # noqa: S608
               f"JOIN actor_forms af ON af.type = sf.type AND af.norm = sf.norm JOIN actors a ON a.id = af.actor_id "
               f"WHERE sf.story_id = ? AND {cond} GROUP BY a.id")
        total = c.execute(f"SELECT COUNT(*) FROM ({sql})", [story, *args]).fetchone()[0]  # noqa: S608
        rows = c.execute(sql + " ORDER BY sm DESC, a.name, a.id" + page[0], [story, *args, *page[1]]).fetchall()
        return Page(total, limit, offset, tuple(_record(r, r["sm"], r["se"]) for r in rows))


def actor(store: Store, actor_id: str) -> ActorRecord | None:
    """One actor by id; an id that was renamed or merged away leads to the actor that holds it now."""
    c = store.conn
    with store.snapshot():
        r = c.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if r is None:
            moved = c.execute("SELECT new_id FROM actor_redirects WHERE old_id = ?", (actor_id,)).fetchone()
            if moved is not None:
                r = c.execute("SELECT * FROM actors WHERE id = ?", (moved[0],)).fetchone()
        return _record(r) if r is not None else None


def actor_appearances(store: Store, actor_id: str, *, limit: int | None = 50, offset: int = 0) -> Page[Appearance]:
    """The articles naming an actor, newest first. Read from the covering index of its forms'
    entity rows (cost: the actor's entity rows, no article row but the page's)."""
    c = store.conn
    with store.snapshot():
        row = c.execute("SELECT articles FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None:
            return Page(0, limit, offset, ())
        hits = c.execute(
            "SELECT ef.article_id, ef.published, SUM(ef.mentions) FROM actor_forms af JOIN entity_forms ef "
            "ON ef.type = af.type AND ef.norm = af.norm WHERE af.actor_id = ? GROUP BY ef.article_id "
            "ORDER BY ef.published DESC, ef.article_id LIMIT ? OFFSET ?",
            (actor_id, -1 if limit is None else limit, offset)).fetchall()
        meta = {r[0]: r for r in c.execute(
            f"SELECT id, title, outlet FROM articles WHERE id IN ({','.join('?' * len(hits))})",  # noqa: S608
            [h[0] for h in hits])} if hits else {}
    items = tuple(Appearance(h[0], meta[h[0]][1], h[1], meta[h[0]][2], h[2]) for h in hits)
    return Page(row[0], limit, offset, items)


def entity_actors(store: Store, article_id: str) -> dict[int, str]:
    """entity idx → actor id, for one article's entities (resolved ones)."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT ef.idx, af.actor_id FROM entity_forms ef JOIN actor_forms af ON af.type = ef.type AND af.norm = ef.norm "
        "WHERE ef.article_id = ?", (article_id,))}


def quote_actors(store: Store, article_id: str) -> dict[int, str]:
    """quote idx → actor id of its speaker, for one article's quotes (when the speaker is an actor)."""
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT qf.idx, af.actor_id FROM quote_forms qf JOIN actor_forms af ON af.type = qf.type AND af.norm = qf.norm "
        "WHERE qf.article_id = ?", (article_id,))}


def entity_actor(store: Store, article_id: str, idx: int) -> str | None:
    return entity_actors(store, article_id).get(idx)


def speaker_actor(store: Store, article_id: str, idx: int) -> str | None:
    return quote_actors(store, article_id).get(idx)


def actor_quotes(store: Store, actor_id: str, *, story: str | None = None, since: str | None = None,
                 until: str | None = None, limit: int | None = 50, offset: int = 0) -> Page[Any]:
    """Quotes whose speaker is the actor, by published date, article, idx: rows with the quote's
    columns plus ``title``, ``published``, ``outlet`` and ``actor``."""
    c = store.conn
    where, args = ["af.actor_id = ?"], [actor_id]
    if story is not None:
        where.append("qt.article_id IN (SELECT article_id FROM story_of WHERE story_id = ?)")
        args.append(story)
    if since:
        where.append("ar.published >= ?")
        args.append(since)
    if until:
        where.append("ar.published <= ?")
        args.append(until)
    base = (" FROM actor_forms af JOIN quote_forms qf ON qf.type = af.type AND qf.norm = af.norm "
            "JOIN quotes qt ON qt.article_id = qf.article_id AND qt.idx = qf.idx JOIN articles ar ON ar.id = qt.article_id "
            "WHERE " + " AND ".join(where))
    with store.snapshot():
        total = c.execute("SELECT COUNT(*)" + base, args).fetchone()[0]
        rows = c.execute("SELECT qt.*, ar.title, ar.published, ar.outlet, af.actor_id AS actor" + base
                         + " ORDER BY ar.published, qt.article_id, qt.idx LIMIT ? OFFSET ?",
                         [*args, -1 if limit is None else limit, offset]).fetchall()
    return Page(total, limit, offset, tuple(rows))


def actors(store: Store, story: str | None = None, *, type: str | None = None, q: str | None = None,
           limit: int | None = None, offset: int = 0) -> tuple[Actor, ...]:
    """Actors with their article ids and forms, most mentioned first (within the story when given:
    then mentions and articles count within it). Reads every form of the actors listed: for pages
    of a large store use :func:`actor_page`."""
    page = actor_page(store, story=story, type=type, q=q, limit=limit, offset=offset)
    ids = [a.id for a in page.items]
    forms: dict[str, list[Form]] = defaultdict(list)
    c = store.conn
    with store.snapshot():
        for part in chunks(ids):
            marks = ",".join("?" * len(part))
            for r in c.execute(f"SELECT actor_id, form FROM actor_forms WHERE actor_id IN ({marks})", part):  # noqa: S608
                forms[r[0]].append(Form.from_json(json.loads(r[1])))
        in_story: set[str] | None = None
        if story is not None:
            in_story = {r[0] for r in c.execute("SELECT article_id FROM story_of WHERE story_id = ?", (story,))}
    out = []
    for a in page.items:
        fs = tuple(sorted(forms[a.id], key=lambda f: f.norm))
        arts = sorted({x for f in fs for x in f.articles if in_story is None or x in in_story})
        out.append(Actor(id=a.id, name=a.name, type=a.type, key=a.key, aliases=a.aliases, roles=a.roles,
                         mentions=a.mentions if a.story_mentions is None else a.story_mentions,
                         articles=tuple(arts), forms=fs, first=a.first, last=a.last))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Series


def _load_series(store: Store, rows: Iterable[Any], articles: set[str] | None = None) -> list[Series]:
    """Series objects from stored rows; with ``articles``, only their points (and conflicts)."""
    out = []
    c = store.conn
    for r in rows:
        data = json.loads(r["data"])
        pts = {(p["article_id"], p["idx"]): point_of(p) for p in c.execute(
            "SELECT p.* FROM series_points sp JOIN points p ON p.article_id = sp.article_id AND p.idx = sp.idx "
            "WHERE sp.series_id = ?", (r["id"],))}
        keep = (lambda ref: ref[0] in articles) if articles is not None else (lambda ref: True)
        points = tuple(pts[tuple(ref)] for ref in data["points"] if tuple(ref) in pts and keep(ref))
        conflicts = tuple(Conflict(kind, pts[tuple(a)], pts[tuple(b)], note) for kind, note, a, b in data["conflicts"]
                          if tuple(a) in pts and tuple(b) in pts and keep(a) and keep(b))
        out.append(Series(id=r["id"], key=r["key"], label=r["label"], category=r["category"], place=r["place"],
                          unit=r["unit"], scope=r["scope"], anchor=r["anchor"], points=points, conflicts=conflicts))
    return out


def series_page(store: Store, *, story: str | None = None, category: str | None = None, min_points: int = 1,
                limit: int | None = 50, offset: int = 0) -> Page[Series]:
    """Figure series, largest first (then label); copies of one wire story count once. With a
    story: the series holding its points, restricted to them."""
    c = store.conn
    with store.snapshot():
        if story is None:
            where, args = "points >= ?", [min_points]
            if category is not None:
                where += " AND category = ?"
                args.append(category)
            total = c.execute(f"SELECT COUNT(*) FROM series WHERE {where}", args).fetchone()[0]  # noqa: S608
            rows = c.execute(f"SELECT * FROM series WHERE {where} ORDER BY points DESC, label, id "  # noqa: S608
                             "LIMIT ? OFFSET ?", [*args, -1 if limit is None else limit, offset]).fetchall()
            return Page(total, limit, offset, tuple(_load_series(store, rows)))
        members = {r[0] for r in c.execute("SELECT article_id FROM story_of WHERE story_id = ?", (story,))}
        ids = sorted({r[0] for r in c.execute(
            "SELECT DISTINCT sp.series_id FROM story_of so JOIN series_points sp ON sp.article_id = so.article_id "
            "WHERE so.story_id = ?", (story,))})
        rows = []
        for part in chunks(ids):
            rows += c.execute(f"SELECT * FROM series WHERE id IN ({','.join('?' * len(part))})", part).fetchall()  # noqa: S608
        found = [s for s in _load_series(store, rows, members)
                 if len(s.points) >= min_points and (category is None or s.category == category)]
    found.sort(key=lambda s: (-len(s.points), s.label, s.id))
    end = None if limit is None else offset + limit
    return Page(len(found), limit, offset, tuple(found[offset:end]))


def series(store: Store, story: str | None = None, category: str | None = None, min_points: int = 1, *,
           limit: int | None = None, offset: int = 0) -> tuple[Series, ...]:
    """Figure series, largest first; copies of one wire story count once (the earliest copy's point)."""
    return series_page(store, story=story, category=category, min_points=min_points, limit=limit,
                       offset=offset).items


def series_by_id(store: Store, series_id: str, *, story: str | None = None) -> Series | None:
    """One series by id, without building the others (restricted to a story's points when given)."""
    with store.snapshot():
        row = store.conn.execute("SELECT * FROM series WHERE id = ?", (series_id,)).fetchone()
        if row is None:
            return None
        members = None
        if story is not None:
            members = {r[0] for r in store.conn.execute("SELECT article_id FROM story_of WHERE story_id = ?", (story,))}
        return _load_series(store, [row], members)[0]


def point_series(store: Store, article_id: str) -> dict[int, str]:
    """point idx → series id, for one article's points (a copy's point → the series its original joined)."""
    return {r[0]: r[1] for r in store.conn.execute("SELECT idx, series_id FROM series_points WHERE article_id = ?",
                                                   (article_id,))}


# ---------------------------------------------------------------------------------------------
# Timeline


def _events(store: Store, story: str | None, start: str | None = None, end: str | None = None) -> list[Event]:
    where, args = ["1=1"], []
    if start:
        where.append("e.date >= ?")
        args.append(start)
    if end:
        where.append("e.date <= ?")
        args.append(end)
    src = "events e"
    if story is not None:
        src = "story_of so JOIN events e ON e.article_id = so.article_id"
        where.append("so.story_id = ?")
        args.append(story)
    rows = store.conn.execute(f"SELECT e.* FROM {src} WHERE {' AND '.join(where)}", args).fetchall()  # noqa: S608
    return [Event(date=r["date"], article_id=r["article_id"], span=Span(r["start"], r["end"]), text=r["text"],
                  actors=tuple(json.loads(r["actors"])), basis=r["basis"], published=r["published"],
                  outlet=r["outlet"]) for r in rows]


def _groups(store: Store, article_ids: Iterable[str]) -> dict[str, str]:
    out = {}
    for part in chunks(sorted(set(article_ids))):
        out.update((r[0], r[1]) for r in store.conn.execute(
            f"SELECT article_id, group_id FROM duplicate_of WHERE article_id IN ({','.join('?' * len(part))})", part))  # noqa: S608
    return out


def timeline(store: Store, story: str | None = None, limit: int | None = None, per_date: int = 1,
             start: str | None = None, end: str | None = None) -> list[TimelineEvent]:
    """The timeline of a story (or the store) between ``start`` and ``end``: reads only those events
    (by the story's articles, or the date index)."""
    with store.snapshot():
        evs = _events(store, story, start, end)
        dup = _groups(store, (e.article_id for e in evs))
    return build_timeline(evs, limit, per_date=per_date, start=start, end=end, duplicates=dup)


# ---------------------------------------------------------------------------------------------
# Stories


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: str
    label: str
    size: int
    first: str | None
    last: str | None
    top_actors: tuple[str, ...]


def stories_page(store: Store, *, top: int = 5, limit: int | None = 50, offset: int = 0) -> Page[StorySummary]:
    """Stories, largest first, with their stored date range and top people and organisations."""
    c = store.conn
    with store.snapshot():
        total = c.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        rows = c.execute("SELECT id, label, size, first, last, top_actors FROM stories ORDER BY size DESC, id "
                         "LIMIT ? OFFSET ?", (-1 if limit is None else limit, offset)).fetchall()
    return Page(total, limit, offset, tuple(StorySummary(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])[:top]))
                                            for r in rows))


def stories(store: Store, top: int = 5, *, limit: int | None = None, offset: int = 0) -> list[StorySummary]:
    return list(stories_page(store, top=top, limit=limit, offset=offset).items)


def story(store: Store, story_id: str, top: int = 5) -> StorySummary | None:
    r = store.conn.execute("SELECT id, label, size, first, last, top_actors FROM stories WHERE id = ?",
                           (story_id,)).fetchone()
    return StorySummary(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])[:top])) if r else None


# ---------------------------------------------------------------------------------------------
# What changed


def changes(store: Store, since: str, story: str | None = None, main_actors: int = 10) -> dict:
    """What is new since a publication date: actors first seen, series points, events, quotes by main actors."""
    c = store.conn
    with store.snapshot():
        main = actor_page(store, story=story, limit=main_actors).items
        ids = [r[0] for r in c.execute("SELECT id FROM actors WHERE first >= ? ORDER BY mentions DESC, name, id", (since,))]
        if story is not None:
            in_story = {a.id for a in actor_page(store, story=story, limit=None).items}
            ids = [i for i in ids if i in in_story]
        new_actors = _actors_by_id(store, ids, story)
        point_rows = c.execute("SELECT DISTINCT sp.series_id FROM points p JOIN series_points sp "
                               "ON sp.article_id = p.article_id AND sp.idx = p.idx WHERE p.as_of >= ?", (since,)).fetchall()
        members = None
        if story is not None:
            members = {r[0] for r in c.execute("SELECT article_id FROM story_of WHERE story_id = ?", (story,))}
        rows = []
        for part in chunks(sorted(r[0] for r in point_rows)):
            rows += c.execute(f"SELECT * FROM series WHERE id IN ({','.join('?' * len(part))})", part).fetchall()  # noqa: S608
        found = sorted(_load_series(store, rows, members), key=lambda s: (-len(s.points), s.label, s.id))
        points = [(s, p) for s in found for p in s.points if p.as_of and p.as_of >= since]
        events = timeline(store, story, start=since)
        quotes: list[Any] = []
        for a in main:
            quotes += actor_quotes(store, a.id, story=story, since=since, limit=None).items
    quotes.sort(key=lambda q: (q["published"] or "", q["article_id"], q["idx"]))
    return {"since": since, "actors": new_actors, "points": points, "events": events,
            "quotes": [_quote_row(q) for q in quotes]}


def _quote_row(q: Any) -> dict[str, Any]:
    d = {k: q[k] for k in q.keys()}
    d["a_published"] = d["published"]
    return d


def _actors_by_id(store: Store, ids: list[str], story: str | None) -> list[Actor]:
    if not ids:
        return []
    wanted = set(ids)
    found = {a.id: a for a in actors(store, story) if a.id in wanted} if story is not None else {}
    if story is None:
        c = store.conn
        for part in chunks(ids):
            marks = ",".join("?" * len(part))
            recs = {r["id"]: _record(r) for r in c.execute(f"SELECT * FROM actors WHERE id IN ({marks})", part)}  # noqa: S608
            forms: dict[str, list[Form]] = defaultdict(list)
            for r in c.execute(f"SELECT actor_id, form FROM actor_forms WHERE actor_id IN ({marks})", part):  # noqa: S608
                forms[r[0]].append(Form.from_json(json.loads(r[1])))
            for aid, a in recs.items():
                fs = tuple(sorted(forms[aid], key=lambda f: f.norm))
                found[aid] = Actor(id=a.id, name=a.name, type=a.type, key=a.key, aliases=a.aliases, roles=a.roles,
                                   mentions=a.mentions, articles=tuple(sorted({x for f in fs for x in f.articles})),
                                   forms=fs, first=a.first, last=a.last)
    return [found[i] for i in ids if i in found]
