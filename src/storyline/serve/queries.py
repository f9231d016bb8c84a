"""Paginated reads the HTTP API needs beyond :mod:`storyline.api`, and the JSON shape of every item.

:mod:`storyline.api` answers actors, series, stories, timelines and what changed from the results
of resolution stored at ingest. What it does not cover is here, as SQL with LIMIT/OFFSET and bound
values over the store's indexes (``articles(published)``, ``quotes(speaker)``,
``story_of(story_id)``, the primary keys), so a page costs what an index walk costs, not a pass
over the store: the article list, one article with every extracted item, quotes by speaker, and
the speakers with their counts. Filters are fixed SQL fragments with bound values, shared with
search (:func:`storyline.store.search.article_conditions`).
"""
from __future__ import annotations

import json
from typing import Any

from .. import api
from ..resolve.series import Series
from ..store import Store
from ..store.search import Filters, article_conditions, indexed_by, walk_conditions


def page(total: int, limit: int, offset: int, items: list) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _where(where: list[str]) -> str:
    return (" WHERE " + " AND ".join(where)) if where else ""


# ---------------------------------------------------------------------------------------------
# Articles


def count_articles(store: Store, f: Filters) -> int:
    where, args = article_conditions(f)
    return store.conn.execute(f"SELECT count(*) FROM articles a{_where(where)}", args).fetchone()[0]


def list_articles(store: Store, f: Filters, limit: int, offset: int, total: int) -> dict[str, Any]:
    """Articles newest first (then by id), undated last: a walk down the published-date index that
    skips articles outside the filters' sets without reading them. ``total`` is
    :func:`count_articles` (the server keeps it per data version)."""
    where, args = walk_conditions(f)
    rows = store.conn.execute(
        f"""SELECT a.id, a.title, a.published, a.outlet, a.source, a.url,
                   (SELECT story_id FROM story_of WHERE article_id = a.id) AS story
            FROM articles a{indexed_by(store.conn, "articles_published")}{_where(where)}
            ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?""",
        [*args, limit, offset]).fetchall()
    return page(total, limit, offset, [dict(r) for r in rows])


def article_detail(store: Store, article_id: str) -> dict[str, Any] | None:
    """One article with every extracted item, each linked to its actor or series; ``None`` when unknown."""
    conn = store.conn
    a = conn.execute(
        """SELECT a.id, a.title, a.published, a.published_inferred, a.outlet, a.author, a.url, a.source,
                  a.dateline, a.text, so.story_id AS story
           FROM articles a LEFT JOIN story_of so ON so.article_id = a.id WHERE a.id = ?""", (article_id,)).fetchone()
    if a is None:
        return None
    out = dict(a)
    out["published_inferred"] = bool(out["published_inferred"])
    group, members = store.duplicate_group(article_id)
    out["duplicate_of"], out["copies"] = group, members
    speakers = api.quote_actors(store, article_id)
    entities = api.entity_actors(store, article_id)
    series = api.point_series(store, article_id)
    out["quotes"] = [
        {"idx": r["idx"], "start": r["start"], "end": r["end"], "text": r["text"], "speaker": r["speaker"],
         "actor": None if r["anonymous"] else speakers.get(r["idx"]), "anonymous": bool(r["anonymous"]),
         "speaker_start": r["speaker_start"], "speaker_end": r["speaker_end"], "cue": r["cue"]}
        for r in conn.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY idx", (article_id,))]
    out["figures"] = [
        {k: r[k] for k in ("idx", "start", "end", "text", "value", "category", "qualifier", "unit", "source",
                           "source_start", "source_end", "place")}
        for r in conn.execute("SELECT * FROM figures WHERE article_id = ? ORDER BY idx", (article_id,))]
    out["dates"] = [
        {k: r[k] for k in ("idx", "start", "end", "text", "value")}
        for r in conn.execute("SELECT * FROM dates WHERE article_id = ? ORDER BY idx", (article_id,))]
    out["entities"] = [
        {"idx": r["idx"], "name": r["name"], "type": r["type"], "actor": entities.get(r["idx"]),
         "mentions": json.loads(r["mentions"])}
        for r in conn.execute("SELECT * FROM entities WHERE article_id = ? ORDER BY idx", (article_id,))]
    out["points"] = [
        {"idx": r["idx"], "start": r["start"], "end": r["end"], "text": r["text"], "series": series.get(r["idx"]),
         "value": r["value"], "qualifier": r["qualifier"]}
        for r in conn.execute("SELECT * FROM points WHERE article_id = ? ORDER BY idx", (article_id,))]
    out["events"] = [
        {k: r[k] for k in ("idx", "start", "end", "text", "date")}
        for r in conn.execute("SELECT * FROM events WHERE article_id = ? ORDER BY idx", (article_id,))]
    return out


# ---------------------------------------------------------------------------------------------
# Quotes and speakers


def _speaker_actors(store: Store, rows: list) -> dict[tuple[str, int], str]:
    """(article id, quote idx) -> actor id of the speaker, for the quotes of one page."""
    out: dict[tuple[str, int], str] = {}
    for aid in sorted({r["article_id"] for r in rows}):
        out.update(((aid, idx), actor) for idx, actor in api.quote_actors(store, aid).items())
    return out


def _quote_conditions(f: Filters) -> tuple[list[str], list]:
    where, args = walk_conditions(f)
    if f.speaker is not None:
        where.append("q.speaker = ?")
        args.append(f.speaker)
    return where, args


def count_quotes(store: Store, f: Filters) -> int:
    where, args = _quote_conditions(f)
    if any("a." in w for w in where):
        sql = f"SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id{_where(where)}"
    else:  # no article filter: count the quotes alone (every quote has its article)
        sql = f"SELECT count(*) FROM quotes q{_where(where)}"
    return store.conn.execute(sql, args).fetchone()[0]


def list_quotes(store: Store, f: Filters, limit: int, offset: int, total: int) -> dict[str, Any]:
    """Quotes by published date, article and position; ``f.speaker`` is an exact speaker name.

    Without a speaker the articles are walked in date order (published-date index) and their quotes
    read by article; with one, its quotes come from the speaker index and are sorted."""
    where, args = _quote_conditions(f)
    conn = store.conn
    if f.speaker is None:
        source = f"articles a{indexed_by(conn, 'articles_published')} CROSS JOIN quotes q ON q.article_id = a.id"
    else:
        source = "quotes q JOIN articles a ON a.id = q.article_id"
    rows = conn.execute(
        f"""SELECT q.article_id, q.idx, a.title, a.published, a.outlet, q.start, q.end, q.text, q.speaker,
                   q.anonymous, q.cue FROM {source}{_where(where)}
            ORDER BY a.published, q.article_id, q.idx LIMIT ? OFFSET ?""", [*args, limit, offset]).fetchall()
    actors = _speaker_actors(store, rows)
    return page(total, limit, offset, [quote_item(r, actors.get((r["article_id"], r["idx"]))) for r in rows])


def actor_quotes(store: Store, actor_id: str, f: Filters, limit: int, offset: int) -> dict[str, Any]:
    """The quotes of one actor (:func:`storyline.api.actor_quotes`), in the same shape."""
    found = api.actor_quotes(store, actor_id, story=f.story, since=f.since, until=f.until, limit=limit, offset=offset)
    return page(found.total, limit, offset, [quote_item(r, actor_id) for r in found.items])


def quote_item(r: Any, actor: str | None) -> dict[str, Any]:
    return {"article_id": r["article_id"], "title": r["title"], "published": r["published"], "outlet": r["outlet"],
            "start": r["start"], "end": r["end"], "text": r["text"], "speaker": r["speaker"],
            "actor": None if r["anonymous"] else actor, "anonymous": bool(r["anonymous"]), "cue": r["cue"]}


def speaker_counts(store: Store, story: str | None) -> list[dict[str, Any]]:
    """Every named speaker with quote and article counts, most quoted first (the server caches it).

    One pass over the ``quotes(speaker)`` index (of the story's quotes when given); each speaker keeps
    one of its quotes, through which its actor is looked up for the page shown."""
    where, args = ["q.speaker IS NOT NULL"], []
    if story is not None:
        where.append("q.article_id IN (SELECT article_id FROM story_of WHERE story_id = ?)")
        args.append(story)
    rows = store.conn.execute(
        f"""SELECT q.speaker, count(*) AS quotes, count(DISTINCT q.article_id) AS articles,
                   max(q.anonymous) AS anonymous, min(q.article_id || char(31) || q.idx) AS sample
            FROM quotes q{_where(where)} GROUP BY q.speaker ORDER BY quotes DESC, q.speaker""", args).fetchall()
    return [dict(r) for r in rows]


def speaker_items(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        article_id, _, idx = r["sample"].partition("\x1f")
        actor = None if r["anonymous"] else api.quote_actors(store, article_id).get(int(idx))
        out.append({"speaker": r["speaker"], "actor": actor, "quotes": r["quotes"], "articles": r["articles"],
                    "anonymous": bool(r["anonymous"])})
    return out


# ---------------------------------------------------------------------------------------------
# Actors, series, timeline, stories: the JSON shape of what storyline.api returns


def actor_item(a: Any) -> dict[str, Any]:
    """An actor (``api.ActorRecord`` or ``resolve.actors.Actor``); counts within a story when it has them."""
    mentions = getattr(a, "story_mentions", None)
    articles = getattr(a, "story_articles", None)
    if articles is None:
        articles = len(a.articles) if isinstance(a.articles, tuple) else a.articles
    return {"id": a.id, "name": a.name, "type": a.type, "mentions": a.mentions if mentions is None else mentions,
            "articles": articles, "first": a.first, "last": a.last, "aliases": [[n, c] for n, c in a.aliases],
            "roles": [{"title": r.title, "first": r.first, "last": r.last, "articles": r.articles} for r in a.roles]}


def point_item(p: Any, conflict: bool) -> dict[str, Any]:
    return {"value": p.value, "qualifier": p.qualifier, "as_of": p.as_of, "source": p.source, "outlet": p.outlet,
            "article_id": p.article_id, "start": p.span.start, "end": p.span.end, "text": p.text, "conflict": conflict}


def series_item(s: Series) -> dict[str, Any]:
    conflicted = {(p.article_id, p.span.start) for c in s.conflicts for p in (c.earlier, c.later)}
    return {"id": s.id, "label": s.label, "category": s.category, "place": s.place, "unit": s.unit, "scope": s.scope,
            "anchor": s.anchor,
            "points": [point_item(p, (p.article_id, p.span.start) in conflicted) for p in s.points],
            "conflicts": [{"kind": c.kind, "note": c.note,
                           "earlier": {"article_id": c.earlier.article_id, "start": c.earlier.span.start,
                                       "end": c.earlier.span.end},
                           "later": {"article_id": c.later.article_id, "start": c.later.span.start,
                                     "end": c.later.span.end}} for c in s.conflicts]}


def timeline_item(e: Any) -> dict[str, Any]:
    return {"date": e.date, "summary": e.summary, "article_id": e.article_id, "start": e.span.start,
            "end": e.span.end, "actors": list(e.actors),
            "supporting": [{"article_id": a, "start": sp.start, "end": sp.end} for a, sp in e.supporting]}


def story_item(s: api.StorySummary) -> dict[str, Any]:
    return {"id": s.id, "label": s.label, "size": s.size, "first": s.first, "last": s.last,
            "top_actors": list(s.top_actors)}


def changes_item(store: Store, ch: dict, limit: int) -> dict[str, Any]:
    """:func:`storyline.api.changes` as JSON, each list cut to ``limit`` items (``totals`` says how many)."""
    conflicted: dict[str, set] = {}
    points = []
    for s, p in ch["points"]:
        if s.id not in conflicted:
            conflicted[s.id] = {(q.article_id, q.span.start) for c in s.conflicts for q in (c.earlier, c.later)}
        points.append({"series": s.id, "label": s.label, **point_item(p, (p.article_id, p.span.start) in conflicted[s.id])})
    quotes = ch["quotes"]
    return {"since": ch["since"], "actors": [actor_item(a) for a in ch["actors"][:limit]], "points": points[:limit],
            "events": [timeline_item(e) for e in ch["events"][:limit]],
            "quotes": [quote_item(q, q.get("actor")) for q in quotes[:limit]],
            "totals": {"actors": len(ch["actors"]), "points": len(points), "events": len(ch["events"]),
                       "quotes": len(quotes)}}
