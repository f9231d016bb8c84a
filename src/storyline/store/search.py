"""Full-text search over stored articles and quotes (SQLite FTS5), with filters, totals and hit spans.

Safety. The user's words are turned into an FTS5 query of quoted terms (all must match; a trailing
``*`` keeps prefix search; ``OR`` between words is kept; a balanced ``"..."`` is a phrase), so no input
can be an FTS syntax error or inject SQL: every value reaches SQLite as a bound parameter and the
SQL text is assembled only from the fixed fragments below.

Ranking. BM25 has to score *every* matching row before the first page can be returned; over 100,000
articles a common word ("said") matches nearly all of them (measured: ~1.2 us per match, 100 ms for
"said" over 100,000 articles, 0.6 s for "the" over a million quotes). So the rule is: count the
matches first (cheap: FTS5 walks its doclists without scoring, 6 ms for 84,000 matches); when there
are at most :data:`RANK_MAX` of them, order by BM25 (title weighted :data:`TITLE_WEIGHT` times the
body), otherwise list them newest first by walking the ``articles(published)`` index and keeping the
matching rows, which reads no article row beyond the page (15 ms instead of 170 ms for a join and
sort). A page says which order it used (``Page.order``), so a client can say "newest of 41,203".

Filters. A filter either checks each match (an indexed ``EXISTS`` per row) or is intersected as a set
of ids read from an index (published date, entity name, figure category, story, actor forms); a
small cost model (:func:`_plan`, constants measured on a 100,000-article store) picks the
cheaper, and a filtered match set is materialised once in a temporary table for the count and the
page. An outlet filter has no index in the store's schema, so it costs a pass over the articles
when the match set is large.

Hits. For the rows of the page only, the query's terms are found again in the text with regular
expressions that read words as FTS5's ``unicode61`` tokenizer does (case and diacritics folded,
words as runs of letters and digits), faster than FTS5's ``highlight()``, which rebuilds the whole
text with every occurrence marked (24 ms against 57 ms for a page of twelve long articles and a
query containing "for"). When that finds nothing (the match was on the title, or on
the speaker's name), ``highlight()`` is asked. The snippet is a window around the first occurrence of
the query's least frequent term, as a list of segments ``(text, hit)``: never HTML, so a web page
builds text nodes from it.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator

_WORD = re.compile(r"[\w][\w'’-]*\*?", re.UNICODE)
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([\w][\w\'’-]*\*?)', re.UNICODE)
MARK_OPEN, MARK_CLOSE = "\u0002", "\u0003"  # snippet highlight markers in Hit.snippet, replaced by the caller
_HL_OPEN, _HL_CLOSE = "\ue000", "\ue001"  # private-use markers for highlight(); absent from news text

MAX_TERMS = 32  # terms (words or phrases) kept from one query; more adds cost, not precision
RANK_MAX = 10_000  # rank by BM25 only up to this many matches (~1.2 us each measured); above it, newest first
TITLE_WEIGHT = 5.0  # a match in the title counts this many times a match in the body (BM25 column weight)
SNIPPET_CHARS = 240  # characters of text shown in a snippet (cut at word boundaries)
SNIPPET_LEAD = 60  # of which at most this many come before the anchor hit


def fts_query(text: str) -> str:
    """A safe FTS5 query from free text: quoted terms, AND by default, ``OR`` kept between terms.

    A balanced ``"two words"`` is kept as a phrase; quotes that do not pair up are ignored, as is any
    other FTS5 syntax (``NEAR(``, ``column:``, ``^``, parentheses).
    """
    parts: list[str] = []
    terms = 0
    for m in _PHRASE_OR_WORD.finditer(text):
        if terms >= MAX_TERMS:
            break
        phrase, tok = m.group(1), m.group(2)
        if phrase is not None:
            words = [w.rstrip("*") for w in _WORD.findall(phrase)]
            words = [w for w in words if w]
            if words:
                parts.append('"' + " ".join(words) + '"')
                terms += 1
            continue
        if tok == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        prefix = tok.endswith("*")
        tok = tok.rstrip("*")
        if tok:
            parts.append(f'"{tok}"' + ("*" if prefix else ""))
            terms += 1
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Filters:
    """What a search is narrowed to. Dates are YYYY-MM-DD, inclusive, on the article's published date."""

    since: str | None = None  # published on or after
    until: str | None = None  # published on or before
    outlet: str | None = None  # this outlet (case-insensitive)
    speaker: str | None = None  # quotes whose speaker contains this (case-insensitive)
    entity: str | tuple[str, ...] | None = None  # articles naming this entity (or any of these names)
    actor: str | None = None  # articles naming this actor (an id of the stored actors)
    category: str | None = None  # articles with a figure of this category
    story: str | None = None  # articles of this story (an id from story_of)


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "article" or "quote"
    article_id: str
    title: str | None
    published: str | None
    outlet: str | None
    snippet: str  # the segments joined, with MARK_OPEN/MARK_CLOSE around matched terms
    start: int | None  # span in the article text: the quote, or the first matched term
    end: int | None
    speaker: str | None = None
    score: float = 0.0  # BM25 (lower is better) when ranked by relevance, else 0
    segments: tuple[tuple[str, bool], ...] = ()  # the snippet as (text, is_hit) pieces
    hits: tuple[tuple[int, int], ...] = ()  # every matched span shown, as offsets into the article text


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results: ``total`` matches in all, ``hits`` from ``offset``, and the order used."""

    total: int
    hits: tuple[Hit, ...] = ()
    order: str = "relevance"  # "relevance" (BM25) or "recent" (published date, newest first)
    query: str = ""  # the FTS5 query that was run
    limit: int = 20
    offset: int = 0


# ---------------------------------------------------------------------------------------------
# Filters as SQL: fixed fragments with bound values.


def _name_variants(entity: str | tuple[str, ...]) -> list[str]:
    """Exact names to look up: the given ones plus common casings, so the name index can be used."""
    names = (entity,) if isinstance(entity, str) else entity
    out: list[str] = []
    for n in names:
        n = n.strip()
        for v in (n, n.title(), n.lower(), n.upper()):
            if v and v not in out:
                out.append(v)
    return out


def article_conditions(f: Filters, alias: str = "a", correlated: bool = False) -> tuple[list[str], list]:
    """WHERE fragments on an ``articles`` alias (a fixed identifier chosen by this module).

    ``correlated`` checks each row with an indexed look-up (``EXISTS``) instead of building the set
    of articles a filter allows: cheaper when few rows are checked.
    """
    where, args = _date_range(f, f"{alias}.published")
    if f.outlet:
        where.append(f"{alias}.outlet = ? COLLATE NOCASE")
        args.append(f.outlet.strip())
    for flt in _id_filters(f):
        where.append(flt.exists.format(a=alias) if correlated else f"{alias}.id IN ({flt.ids})")
        args.extend(flt.values)
    return where, args


def walk_conditions(f: Filters, alias: str = "a") -> tuple[list[str], list]:
    """WHERE fragments for walking ``articles`` along an index (newest first): dates and outlet on
    the row, the other filters as sets of article rowids, so a walked article that is not in the
    set is skipped without reading its row."""
    where, args = _date_range(f, f"{alias}.published")
    if f.outlet:
        where.append(f"{alias}.outlet = ? COLLATE NOCASE")
        args.append(f.outlet.strip())
    for flt in _id_filters(f):
        where.append(f"{alias}.rowid IN (SELECT rowid FROM articles WHERE id IN ({flt.ids}))")
        args.extend(flt.values)
    return where, args


def indexed_by(conn: sqlite3.Connection, index: str) -> str:
    """``INDEXED BY index`` when the store has that index (a fixed name from this module's list)."""
    return _indexed_by(conn, index)


@dataclass(frozen=True, slots=True)
class _IdFilter:
    """A filter answered by a per-article table, as fixed SQL with ``?`` for ``values``."""

    name: str  # as in the cost model's tables
    ids: str  # SELECT the allowed article ids
    exists: str  # is the article ``{a}`` allowed (a correlated EXISTS)
    count: str  # how many rows ``ids`` reads
    values: list[str]


def _table_filter(name: str, table: str, column: str, values: list[str]) -> _IdFilter:
    test = f"{column} IN ({','.join('?' * len(values))})" if len(values) > 1 else f"{column} = ?"
    # In EXISTS the unary + keeps SQLite on the article's own rows (the primary key's article_id):
    # without statistics it would rather walk the column's index, i.e. the whole set, per match.
    return _IdFilter(name, f"SELECT article_id FROM {table} WHERE {test}",
                     f"EXISTS (SELECT 1 FROM {table} t WHERE t.article_id = {{a}}.id AND +t.{test})",
                     f"SELECT count(*) FROM {table} WHERE {test}", values)


# The articles naming an actor: its forms (actor_forms) and the entities of those forms (entity_forms).
_ACTOR_JOIN = "actor_forms af JOIN entity_forms ef ON ef.type = af.type AND ef.norm = af.norm"


def _id_filters(f: Filters) -> list[_IdFilter]:
    """The filters answered by a per-article table; fixed table and column names only."""
    out = []
    if f.entity:
        out.append(_table_filter("entity", "entities", "name", _name_variants(f.entity)))
    if f.actor:
        out.append(_IdFilter("actor", f"SELECT ef.article_id FROM {_ACTOR_JOIN} WHERE af.actor_id = ?",
                             "EXISTS (SELECT 1 FROM entity_forms ef CROSS JOIN actor_forms af ON af.type = ef.type "
                             "AND af.norm = ef.norm WHERE ef.article_id = {a}.id AND +af.actor_id = ?)",
                             f"SELECT count(*) FROM {_ACTOR_JOIN} WHERE af.actor_id = ?", [f.actor]))
    if f.category:
        out.append(_table_filter("category", "figures", "category", [f.category]))
    if f.story:
        out.append(_table_filter("story", "story_of", "story_id", [f.story]))
    return out


def _date_range(f: Filters, column: str) -> tuple[list[str], list]:
    where, args = [], []
    if f.since:
        where.append(f"{column} >= ?")
        args.append(f.since)
    if f.until:
        where.append(f"{column} <= ?")
        args.append(f.until + "~")  # the whole day, should a date carry a time ("2024-05-01T10:00")
    return where, args


def _set_matches(f: Filters, kind: str, expand: bool = False) -> tuple[str, list]:
    """SQL selecting the matching rowids that pass the filters, each filter as a set of articles read
    from an index where the store has one (published date, entity name, figure category, story, actor
    forms), so a filter costs the size of its own set. Articles: ``+rowid IN (article rowids)``;
    quotes: ``+q.article_id IN (article ids)`` on each match's quote, or with ``expand`` the quote
    ids of the set's articles. The unary ``+`` keeps SQLite from turning the set into one FTS5
    look-up per member."""
    sets: list[tuple[str, str, list]] = []  # (SQL selecting article ids, SQL selecting their rowids, args)
    dates, dargs = _date_range(f, "published")
    if dates:
        cond = " AND ".join(dates)
        sets.append((f"SELECT id FROM articles WHERE {cond}", f"SELECT rowid FROM articles WHERE {cond}", dargs))
    if f.outlet:
        sets.append(("SELECT id FROM articles WHERE outlet = ? COLLATE NOCASE",
                     "SELECT rowid FROM articles WHERE outlet = ? COLLATE NOCASE", [f.outlet.strip()]))
    for flt in _id_filters(f):
        sets.append((flt.ids, f"SELECT rowid FROM articles WHERE id IN ({flt.ids})", flt.values))
    where, args = [], []
    for ids, rowids, sargs in sets:
        if kind == "articles":
            where.append(f"+rowid IN ({rowids})")
        elif expand:  # the set's quote ids, read from the quotes(article_id, idx) index alone
            where.append(f"+rowid IN (SELECT qid FROM quotes WHERE article_id IN ({ids}))")
        else:
            where.append(f"+q.article_id IN ({ids})")
        args.extend(sargs)
    if kind == "articles" or expand:
        fts = _FTS_TABLES[kind]
        return f"SELECT rowid AS rid FROM {fts} WHERE {fts} MATCH ?{_and(where)}", args
    return ("SELECT quotes_fts.rowid AS rid FROM quotes_fts JOIN quotes q ON q.qid = quotes_fts.rowid "
            f"WHERE quotes_fts MATCH ?{_and(where)}"), args


# A small cost model (microseconds per row, measured on the 100,000-article bulk store without
# statistics) choosing how filters are applied: checking each match costs a look-up of its article
# (and quote) plus an indexed EXISTS per filter; intersecting sets costs the size of every filter's
# set, read from an index (an outlet has none: its set is a pass over every article).
CHECK_BASE_US = {"articles": 4.0, "quotes": 6.0}  # join from the FTS row to its article (and quote)
CHECK_FILTER_US = {"entity": 50.0, "actor": 60.0, "category": 8.0, "story": 4.0}  # EXISTS over that article's rows
SET_ITEM_US = {"dates": 0.3, "outlet": 2.0, "entity": 5.0, "actor": 3.0, "category": 2.0, "story": 3.0}  # per row of the set
QUOTE_US = 3.0  # per match, to read its quote's article id (quote search only)
EXPAND_US = 5.0  # per article of a set, to list its quote ids from the quotes(article_id, idx) index
MATCH_US = 0.3  # per match, to walk the FTS doclists


def _plan(conn: sqlite3.Connection, kind: str, q: str, f: Filters) -> str:
    """How to apply the filters: ``"check"`` each match, intersect ``"sets"``, or (quotes) ``"expand"``
    the sets to quote ids; whichever the cost model above expects to be cheapest."""
    fts = _FTS_TABLES[kind]
    matches = conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", [q]).fetchone()[0]
    sizes: dict[str, int] = {}
    dates, dargs = _date_range(f, "published")
    if dates:
        sizes["dates"] = conn.execute(f"SELECT count(*) FROM articles WHERE {' AND '.join(dates)}", dargs).fetchone()[0]
    if f.outlet and _leading_index(conn, "articles", "outlet"):
        sizes["outlet"] = conn.execute("SELECT count(*) FROM articles WHERE outlet = ? COLLATE NOCASE",
                                       [f.outlet.strip()]).fetchone()[0]
    elif f.outlet:  # no index: the set is a pass over every article
        sizes["outlet"] = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    for flt in _id_filters(f):
        sizes[flt.name] = conn.execute(flt.count, flt.values).fetchone()[0]
    sets = sum(n * SET_ITEM_US[name] for name, n in sizes.items())
    costs = {"check": matches * (CHECK_BASE_US[kind] + sum(CHECK_FILTER_US.get(name, 0.0) for name in sizes)),
             "sets": matches * (MATCH_US + (QUOTE_US if kind == "quotes" else 0.0)) + sets}
    if kind == "quotes":
        costs["expand"] = matches * MATCH_US + sets + sum(sizes.values()) * EXPAND_US
    return min(costs, key=costs.__getitem__)


def _leading_index(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """Whether an index of ``table`` starts with ``column``."""
    return conn.execute(
        "SELECT 1 FROM pragma_index_list(?) AS l WHERE (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0) = ?",
        (table, column)).fetchone() is not None


def _checked_matches(f: Filters, kind: str) -> tuple[str, list]:
    """SQL selecting the matching rowids that pass the filters, checking each match (``EXISTS``)."""
    where, args = article_conditions(f, "a", correlated=True)
    fts = _FTS_TABLES[kind]
    if kind == "articles":
        return (f"SELECT {fts}.rowid AS rid FROM {fts} JOIN articles a ON a.rowid = {fts}.rowid "
                f"WHERE {fts} MATCH ?{_and(where)}"), args
    return (f"SELECT {fts}.rowid AS rid FROM {fts} JOIN quotes q ON q.qid = {fts}.rowid JOIN articles a ON a.id = q.article_id "
            f"WHERE {fts} MATCH ?{_and(where)}"), args


def _indexed_by(conn: sqlite3.Connection, index: str) -> str:
    """``INDEXED BY index`` when the store has it (it walks dates without reading article rows)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)).fetchone()
    return f" INDEXED BY {index}" if found and index in _KNOWN_INDEXES else ""


_KNOWN_INDEXES = {"articles_published"}  # index names this module may name in SQL


def _and(where: list[str]) -> str:
    return "".join(f" AND {w}" for w in where)


# ---------------------------------------------------------------------------------------------
# Search


def search(conn: sqlite3.Connection, query: str, kind: str = "articles", filters: Filters | None = None,
           limit: int = 20, offset: int = 0) -> Page:
    """One page of ``kind`` ("articles" or "quotes") matching ``query``, with the total."""
    if kind not in ("articles", "quotes"):
        raise ValueError(f"unknown search kind {kind!r}")
    f = filters or Filters()
    q = fts_query(query)
    if not q:
        return Page(0, (), "relevance", q, limit, offset)
    if kind == "articles":
        return _search_articles(conn, q, f, limit, offset)
    return _search_quotes(conn, q, f, limit, offset)


def search_articles(conn: sqlite3.Connection, query: str, f: Filters, limit: int, offset: int) -> list[Hit]:
    return list(search(conn, query, "articles", f, limit, offset).hits)


def search_quotes(conn: sqlite3.Connection, query: str, f: Filters, limit: int, offset: int) -> list[Hit]:
    return list(search(conn, query, "quotes", f, limit, offset).hits)


_FTS_TABLES = {"articles": "articles_fts", "quotes": "quotes_fts"}  # the only FTS tables named in SQL
_RANK = {"articles": f"bm25(articles_fts, {TITLE_WEIGHT}, 1.0)", "quotes": "bm25(quotes_fts)"}


@contextmanager
def _matches(conn: sqlite3.Connection, kind: str, q: str, f: Filters) -> Iterator[tuple[int, str, list]]:
    """``(total, SQL selecting the matching rowids, its arguments)``.

    Unfiltered, the FTS5 query itself is the set (counting it walks the doclists without scoring).
    Filtered (or with a prefix term, which expands to many terms), the set is materialised once into
    a temporary table, so the count and the page query do not each evaluate it again. Filters are
    checked match by match or intersected as sets, as :func:`_plan` expects to be cheaper.
    """
    fts = _FTS_TABLES[kind]
    filtered = bool(article_conditions(f)[0])
    if not filtered and "*" not in q:  # a prefix term expands to many terms: evaluate it only once
        total = conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", [q]).fetchone()[0]
        yield total, f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", [q]
        return
    if not filtered:
        sql, args = f"SELECT rowid AS rid FROM {fts} WHERE {fts} MATCH ?", []
    else:
        plan = _plan(conn, kind, q, f)
        sql, args = _checked_matches(f, kind) if plan == "check" else _set_matches(f, kind, plan == "expand")
    conn.execute("DROP TABLE IF EXISTS temp.storyline_hits")
    conn.execute(f"CREATE TEMP TABLE storyline_hits AS {sql}", [q, *args])
    try:
        total = conn.execute("SELECT count(*) FROM temp.storyline_hits").fetchone()[0]
        yield total, "SELECT rid FROM temp.storyline_hits", []
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.storyline_hits")


def _ranked(conn: sqlite3.Connection, kind: str, q: str, f: Filters, limit: int,
            offset: int) -> tuple[int, str, list[sqlite3.Row]]:
    """``(total, order, rows of rowid and score)`` for one page, by the rule in the module docstring."""
    fts = _FTS_TABLES[kind]
    with _matches(conn, kind, q, f) as (total, members, margs):
        order = "relevance" if total <= RANK_MAX else "recent"
        if total == 0 or offset >= total:
            return total, order, []
        if order == "relevance":
            member = "" if margs else f" AND +rowid IN ({members})"  # unfiltered: the MATCH is the set
            rows = conn.execute(
                f"SELECT rowid, {_RANK[kind]} AS score FROM {fts} WHERE {fts} MATCH ?{member} "
                "ORDER BY score, rowid LIMIT ? OFFSET ?", [q, limit, offset]).fetchall()
            return total, order, rows
        # newest first: walk the published-date index, keeping the matching rows; no article row is
        # read beyond the page (the date range, if any, also bounds the walk)
        dates, dargs = _date_range(f, "a.published")
        index = _indexed_by(conn, "articles_published")
        if kind == "articles":
            sql = (f"SELECT a.rowid AS rowid, 0.0 AS score FROM articles a{index} WHERE a.rowid IN ({members})"
                   f"{_and(dates)} ORDER BY a.published DESC, a.rowid DESC LIMIT ? OFFSET ?")
        else:  # quotes: articles by date, then each article's quotes in text order
            sql = (f"SELECT q.qid AS rowid, 0.0 AS score FROM articles a{index} CROSS JOIN quotes q "
                   f"ON q.article_id = a.id WHERE q.qid IN ({members}){_and(dates)} "
                   "ORDER BY a.published DESC, a.rowid DESC, q.idx LIMIT ? OFFSET ?")
        return total, order, conn.execute(sql, [*margs, *dargs, limit, offset]).fetchall()


def _search_articles(conn: sqlite3.Connection, q: str, f: Filters, limit: int, offset: int) -> Page:
    total, order, ranked = _ranked(conn, "articles", q, f, limit, offset)
    meta = {r["rowid"]: r for r in conn.execute(
        "SELECT rowid, id, title, published, outlet FROM articles WHERE rowid IN (SELECT value FROM json_each(?))",
        [json.dumps([r["rowid"] for r in ranked])])}
    texts = {r["rowid"]: r["text"] for r in conn.execute(
        "SELECT rowid, text FROM articles WHERE rowid IN (SELECT value FROM json_each(?))",
        [json.dumps([r["rowid"] for r in ranked])])}
    terms = _terms(q)
    hits = []
    for r in ranked:
        a = meta[r["rowid"]]
        text = texts[r["rowid"]]
        anchor, spans = locate(text, terms)
        if anchor is None:  # our reading of the query found nothing: ask FTS5 where it matched
            text, spans = _highlight(conn, "articles_fts", 1, q, r["rowid"])
            anchor = spans[0] if spans else None
        segments, shown = make_segments(text, spans, anchor)
        hits.append(Hit("article", a["id"], a["title"], a["published"], a["outlet"], "",
                        anchor[0] if anchor else None, anchor[1] if anchor else None,
                        score=r["score"], segments=segments, hits=shown))
    return Page(total, tuple(_with_snippet(h) for h in hits), order, q, limit, offset)


def _search_quotes(conn: sqlite3.Connection, q: str, f: Filters, limit: int, offset: int) -> Page:
    terms = _terms(q)
    words = [w.rstrip("*") for w in _WORD.findall(f.speaker or "")][:MAX_TERMS]
    if any(words):  # the speaker filter as an FTS5 column filter: every word of it in the speaker's name
        q = f"({q}) AND speaker : (" + " ".join(f'"{w}"' for w in words if w) + ")"
    total, order, ranked = _ranked(conn, "quotes", q, f, limit, offset)
    meta = {r["qid"]: r for r in conn.execute(
        """SELECT q.qid, q.start, q.end, q.speaker, q.text, a.id, a.title, a.published, a.outlet
           FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.qid IN (SELECT value FROM json_each(?))""",
        [json.dumps([r["rowid"] for r in ranked])])}
    hits = []
    for r in ranked:
        m = meta[r["rowid"]]
        text = m["text"]
        anchor, rel = locate(text, terms)
        if anchor is None:  # matched on the speaker's name, or our reading of the query differs from FTS5's
            text, rel = _highlight(conn, "quotes_fts", 0, q, r["rowid"])
            anchor = rel[0] if rel else None
        segments, shown = make_segments(text, rel, anchor)
        # the quote text is the article text between start and end: shift its hits into the article
        spans = tuple((m["start"] + s, m["start"] + e) for s, e in shown) if len(text) == m["end"] - m["start"] else ()
        hits.append(Hit("quote", m["id"], m["title"], m["published"], m["outlet"], "", m["start"], m["end"],
                        speaker=m["speaker"], score=r["score"], segments=segments, hits=spans))
    return Page(total, tuple(_with_snippet(h) for h in hits), order, q, limit, offset)


_HIGHLIGHT_SQL = {  # fixed statements per FTS table
    "articles_fts": "SELECT highlight(articles_fts, ?, ?, ?) FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
    "quotes_fts": "SELECT highlight(quotes_fts, ?, ?, ?) FROM quotes_fts WHERE quotes_fts MATCH ? AND rowid = ?",
}


def _highlight(conn: sqlite3.Connection, table: str, column: int, q: str, rowid: int) -> tuple[str, list[tuple[int, int]]]:
    """The column's text and the spans FTS5 matched in it."""
    row = conn.execute(_HIGHLIGHT_SQL[table], [column, _HL_OPEN, _HL_CLOSE, q, rowid]).fetchone()
    return _unmark(row[0] if row else None)


def _with_snippet(h: Hit) -> Hit:
    return replace(h, snippet=_marked(h.segments))


# ---------------------------------------------------------------------------------------------
# Hit spans and snippets


def _unmark(marked: str | None) -> tuple[str, list[tuple[int, int]]]:
    """The text without highlight markers, and the spans the markers enclosed."""
    if not marked:
        return marked or "", []
    spans: list[tuple[int, int]] = []
    out: list[str] = []
    pos = 0
    start: int | None = None
    for piece in re.split(f"([{_HL_OPEN}{_HL_CLOSE}])", marked):
        if piece == _HL_OPEN:
            start = pos
        elif piece == _HL_CLOSE:
            if start is not None and pos > start:
                spans.append((start, pos))
            start = None
        else:
            out.append(piece)
            pos += len(piece)
    return "".join(out), spans


def make_segments(text: str, spans: list[tuple[int, int]], anchor: tuple[int, int] | None = None,
                  width: int = SNIPPET_CHARS, lead: int = SNIPPET_LEAD
                  ) -> tuple[tuple[tuple[str, bool], ...], tuple[tuple[int, int], ...]]:
    """A window of ``text`` around ``anchor`` (default: the first span), cut at word boundaries, as
    ``(text, is_hit)`` pieces, and the spans shown as hits in it.

    Whitespace runs (paragraph breaks) become single spaces; a cut is marked with "…".
    """
    if not text:
        return (), ()
    spans = _disjoint(spans)
    anchor = anchor or (spans[0] if spans else None)
    a_start, a_end = anchor if anchor else (0, 0)
    start = max(0, a_start - lead)
    if start > 0:
        space = text.find(" ", start, a_start)
        start = space + 1 if space != -1 else start
    end = min(len(text), max(start + width, a_end))
    if end < len(text):
        space = text.rfind(" ", max(start, a_end), end)
        end = space if space > start else end
    pieces: list[tuple[str, bool]] = []
    shown: list[tuple[int, int]] = []
    pos = start
    for s, e in spans:
        if s < pos or s >= end:
            continue
        e = min(e, end)
        if s > pos:
            pieces.append((text[pos:s], False))
        pieces.append((text[s:e], True))
        shown.append((s, e))
        pos = e
    if pos < end:
        pieces.append((text[pos:end], False))
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return _merge(tuple((_squash(t), h) for t, h in pieces if t)), tuple(shown)


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


# ---------------------------------------------------------------------------------------------
# Where the terms are in a text (for the snippet and the link to the span)


@dataclass(frozen=True, slots=True)
class _Term:
    tokens: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool


_FTS_TERM = re.compile(r'"([^"]*)"(\*?)')
_TOKEN = re.compile(r"[^\W_]+")  # unicode61: runs of letters and digits
MAX_SPANS_PER_TERM = 1000  # occurrences looked at per term in one text


def _terms(fts: str) -> list[_Term]:
    """The terms of a query built by :func:`fts_query` (before any column filter)."""
    out = []
    for phrase, star in _FTS_TERM.findall(fts.split(") AND speaker :")[0]):
        tokens = tuple(_fold(t) for t in _TOKEN.findall(phrase))
        if tokens:
            out.append(_Term(tokens, bool(star)))
    return out


def _fold(text: str) -> str:
    """Diacritics removed, one character for one (so offsets into the folded text are offsets into the text)."""
    if text.isascii():
        return text
    table = {}
    for ch in set(text):
        if not ch.isascii():
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if len(base) == 1 and base != ch:
                table[ord(ch)] = base
    return text.translate(table)


def _pattern(term: _Term) -> re.Pattern:
    """The term's regular expression over lower-cased, folded text. It starts with the literal word,
    so the regex engine can skip ahead to it; the word boundary before it is checked by the caller."""
    body = r"[\W_]+".join(re.escape(t.lower()) for t in term.tokens)
    tail = r"[^\W_]*" if term.prefix else ""
    return re.compile(body + tail + r"(?![^\W_])")


def locate(text: str, terms: list[_Term]) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """``(anchor, spans)``: where the terms occur in ``text`` as FTS5's unicode61 tokenizer reads it
    (case and diacritics folded, words as runs of letters and digits). The anchor is the first
    occurrence of the term that occurs least often: the most telling place to show."""
    folded = _fold(text)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a character whose lower case is longer: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
    found: list[list[tuple[int, int]]] = []
    for term in terms:
        spans = []
        for m in _pattern(term).finditer(lowered):
            if m.start() and lowered[m.start() - 1].isalnum():
                continue  # inside a longer word
            spans.append(m.span())
            if len(spans) >= MAX_SPANS_PER_TERM:
                break
        if spans:
            found.append(spans)
    if not found:
        return None, []
    anchor = min(found, key=len)[0]
    return anchor, [sp for spans in found for sp in spans]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _merge(pieces: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, bool], ...]:
    """Adjacent pieces of the same kind joined, so a client gets the fewest text nodes."""
    out: list[tuple[str, bool]] = []
    for t, h in pieces:
        if out and out[-1][1] == h:
            out[-1] = (out[-1][0] + t, h)
        else:
            out.append((t, h))
    return tuple(out)


def _marked(segments: tuple[tuple[str, bool], ...]) -> str:
    return "".join(f"{MARK_OPEN}{t}{MARK_CLOSE}" if h else t for t, h in segments)
