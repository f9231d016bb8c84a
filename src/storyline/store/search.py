"""Full-text search over stored articles and quotes (SQLite FTS5), with filters.

The user's words are turned into an FTS5 query of quoted terms (all must match; a trailing ``*``
keeps prefix search; ``OR`` between words is kept), so no input can be an FTS syntax error or inject
SQL: every value reaches SQLite as a bound parameter. Results are ranked by BM25 and carry a
highlighted snippet and the offsets of the first match in the article text, for linking to the span.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

_WORD = re.compile(r"[\w][\w'’-]*\*?", re.UNICODE)
MARK_OPEN, MARK_CLOSE = "\u0002", "\u0003"  # snippet highlight markers, replaced by the caller


def fts_query(text: str) -> str:
    """A safe FTS5 query from free text: quoted terms, AND by default, ``OR`` kept between terms."""
    parts: list[str] = []
    for tok in _WORD.findall(text):
        if tok == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        prefix = tok.endswith("*")
        tok = tok.rstrip("*").replace('"', "")
        if tok:
            parts.append(f'"{tok}"' + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Filters:
    since: str | None = None  # published on or after (YYYY-MM-DD)
    until: str | None = None  # published on or before
    outlet: str | None = None
    speaker: str | None = None  # quotes whose speaker contains this (case-insensitive)
    entity: str | None = None  # articles naming this entity
    category: str | None = None  # articles with a figure of this category
    story: str | None = None  # articles of this story (an id from story_of)


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "article" or "quote"
    article_id: str
    title: str | None
    published: str | None
    outlet: str | None
    snippet: str  # with MARK_OPEN/MARK_CLOSE around matched terms
    start: int | None  # span in the article text: the quote, or the first matched term
    end: int | None
    speaker: str | None = None
    score: float = 0.0


def _article_filters(f: Filters, alias: str = "a") -> tuple[str, list]:
    where, args = [], []
    if f.since:
        where.append(f"{alias}.published >= ?")
        args.append(f.since)
    if f.until:
        where.append(f"{alias}.published <= ?")
        args.append(f.until)
    if f.outlet:
        where.append(f"lower({alias}.outlet) = lower(?)")
        args.append(f.outlet)
    if f.entity:
        where.append(f"EXISTS (SELECT 1 FROM entities e WHERE e.article_id = {alias}.id AND lower(e.name) = lower(?))")
        args.append(f.entity)
    if f.category:
        where.append(f"EXISTS (SELECT 1 FROM figures g WHERE g.article_id = {alias}.id AND g.category = ?)")
        args.append(f.category)
    if f.story:
        where.append(f"EXISTS (SELECT 1 FROM story_of so WHERE so.article_id = {alias}.id AND so.story_id = ?)")
        args.append(f.story)
    return (" AND " + " AND ".join(where)) if where else "", args


def search_articles(conn: sqlite3.Connection, query: str, f: Filters, limit: int, offset: int) -> list[Hit]:
    q = fts_query(query)
    if not q:
        return []
    extra, args = _article_filters(f)
    rows = conn.execute(
        f"""SELECT a.id, a.title, a.published, a.outlet, a.text,
                   snippet(articles_fts, 1, ?, ?, '…', 24) AS snip, bm25(articles_fts, 5.0, 1.0) AS score
            FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
            WHERE articles_fts MATCH ?{extra}
            ORDER BY score, a.published DESC, a.id LIMIT ? OFFSET ?""",
        [MARK_OPEN, MARK_CLOSE, q, *args, limit, offset],
    ).fetchall()
    hits = []
    for r in rows:
        start, end = _first_match(r["text"], query)
        hits.append(Hit("article", r["id"], r["title"], r["published"], r["outlet"], r["snip"], start, end,
                        score=r["score"]))
    return hits


def search_quotes(conn: sqlite3.Connection, query: str, f: Filters, limit: int, offset: int) -> list[Hit]:
    q = fts_query(query)
    if not q:
        return []
    extra, args = _article_filters(f)
    if f.speaker:
        extra += " AND lower(qt.speaker) LIKE '%' || lower(?) || '%'"
        args.append(f.speaker)
    rows = conn.execute(
        f"""SELECT a.id, a.title, a.published, a.outlet, qt.start, qt.end, qt.speaker,
                   snippet(quotes_fts, 0, ?, ?, '…', 32) AS snip, bm25(quotes_fts) AS score
            FROM quotes_fts JOIN quotes qt ON qt.qid = quotes_fts.rowid JOIN articles a ON a.id = qt.article_id
            WHERE quotes_fts MATCH ?{extra}
            ORDER BY score, a.published DESC, a.id, qt.idx LIMIT ? OFFSET ?""",
        [MARK_OPEN, MARK_CLOSE, q, *args, limit, offset],
    ).fetchall()
    return [Hit("quote", r["id"], r["title"], r["published"], r["outlet"], r["snip"], r["start"], r["end"],
                speaker=r["speaker"], score=r["score"]) for r in rows]


def _first_match(text: str, query: str) -> tuple[int | None, int | None]:
    for tok in _WORD.findall(query):
        tok = tok.rstrip("*")
        if not tok or tok == "OR":
            continue
        m = re.search(r"\b" + re.escape(tok), text, re.IGNORECASE)
        if m:
            end = m.end()
            while end < len(text) and (text[end].isalnum()):
                end += 1
            return m.start(), end
    return None, None
