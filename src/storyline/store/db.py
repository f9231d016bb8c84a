"""The SQLite store: articles and everything extracted from them.

Ingest is idempotent. An article is keyed by its source (path or URL). Its *fingerprint* is a hash
of the cleaned article (text, title, date, outlet) and the extractor version:
- a source seen before with the same fingerprint is ``unchanged`` (nothing is written);
- a source seen before with another fingerprint is ``updated`` (its items are replaced);
- a new source whose cleaned text is already stored under another source is ``unchanged`` too: the
  text is stored once and the new source is recorded as an alias of it;
- otherwise the article is ``added``.
Each article is written in one transaction, so an interrupted ingest never leaves half an article.
An added or updated article is also marked *pending* in the same transaction (``resolve_pending``,
with what it was when last resolved); :func:`storyline.api.refresh` resolves the pending articles
in one transaction of its own, so a kill at any moment leaves either the old or the new resolution,
and the next refresh finishes the job.
The database runs in WAL mode, so readers (``serve``, opened with ``readonly=True``) and one writer
work at the same time; :meth:`Store.snapshot` gives a reader one consistent view across queries.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from ..errors import StoreError
from ..model import Article, DateMention, Entity, Extraction, Figure, Quote, Removal, Span
from . import resolution
from .schema import MIGRATE_1_2, SCHEMA, SCHEMA_2, SCHEMA_3, SCHEMA_VERSION

ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"
# What `storyline stats` counts: every stored table, by the name it is reported under.
COUNTED = {
    "articles": "articles", "sources": "sources", "quotes": "quotes", "figures": "figures", "dates": "dates",
    "entities": "entities", "actors": "actors", "series": "series", "points": "points", "events": "events",
    "stories": "stories", "duplicate_groups": "SELECT COUNT(DISTINCT group_id) FROM duplicate_of",
    "duplicates": "duplicate_of",
    "pending": "SELECT COUNT(*) FROM (SELECT article_id FROM resolve_pending UNION SELECT article_id FROM story_pending)",
}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _statements(script: str) -> Iterator[str]:
    """The statements of a SQL script (triggers included), so they can run inside one transaction
    (``executescript`` would commit first)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip():
        yield buf


# Page cache of a writing connection, in KiB. SQLite's default (2 MB) is far smaller than the indexes a
# large store writes into at random places (entity forms, LSH bands, FTS): on a 100k-article store
# (3.7 GB) the refresh spent a fifth of its time re-reading pages from the OS. Memory is taken only
# as pages are used; readers (serve, one connection per thread) keep the default.
WRITER_CACHE_KIB = 256 * 1024


class Store:
    """A storyline database. ``Store(":memory:")`` for tests."""

    def __init__(self, path: str | Path = "storyline.db", *, extractor_version: str = "",
                 readonly: bool = False) -> None:
        self.path = str(path)
        self.extractor_version = extractor_version
        self.readonly = readonly
        try:
            if readonly:  # as `serve` reads: no migration, no writes, never creates the file
                uri = f"file:{quote(str(Path(self.path).resolve()))}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None,
                                            check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            if self.path != ":memory:" and not readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open database {self.path}: {e}") from None

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(f"database {self.path} was written by a newer storyline (schema {version})")
        if self.readonly:
            raise StoreError(f"database {self.path} has schema {version}; open it once for writing "
                             f"(e.g. `storyline ingest`) to migrate it to {SCHEMA_VERSION}")
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            version = c.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated
            if version == 0:
                for stmt in _statements(SCHEMA + MIGRATE_1_2 + SCHEMA_2 + SCHEMA_3):
                    c.execute(stmt)
            elif version == 1:
                for stmt in _statements(MIGRATE_1_2 + SCHEMA_2 + SCHEMA_3):
                    c.execute(stmt)
                # everything stored so far is resolved again, from scratch, by the next refresh
                c.execute("INSERT OR IGNORE INTO resolve_pending(article_id) SELECT id FROM articles")
                resolution.set_meta(c, "rebuild", True)
            elif version == 2:
                for stmt in _statements(SCHEMA_3):
                    c.execute(stmt)
            c.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def fingerprint(self, a: Article) -> str:
        key = json.dumps([a.text, a.title, a.published, a.published_inferred, a.outlet, a.author, a.url,
                          self.extractor_version], ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def save(self, x: Extraction, derived: Any = None) -> str:
        """Stores one extraction; returns ``added``, ``updated`` or ``unchanged``.

        ``derived`` (a :class:`storyline.resolve.Derived`, read by attribute) holds the article's
        inputs to cross-article resolution; they are written in the same transaction.
        """
        c = self.conn
        try:
            c.execute("BEGIN IMMEDIATE")
            status = self.save_in_transaction(x, derived)
            c.execute("COMMIT")
            return status
        except sqlite3.DatabaseError as e:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise StoreError(f"cannot store {x.article.source}: {e}") from None
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def save_in_transaction(self, x: Extraction, derived: Any = None) -> str:
        """:meth:`save` without the transaction: the caller holds one (to batch many articles)."""
        a = x.article
        fp = self.fingerprint(a)
        th = text_hash(a.text)
        c = self.conn
        row = c.execute("SELECT id, fingerprint FROM articles WHERE source = ?", (a.source,)).fetchone()
        if row is not None and row["fingerprint"] == fp:
            return UNCHANGED
        if row is None:
            same = c.execute("SELECT id FROM articles WHERE text_hash = ?", (th,)).fetchone()
            if same is not None:  # the same text under another source: stored once, this source an alias
                c.execute("INSERT OR REPLACE INTO sources(source, article_id) VALUES (?, ?)", (a.source, same["id"]))
                return UNCHANGED
        status = ADDED if row is None else UPDATED
        if row is not None:
            resolution.unresolve_article(c, row["id"])
            self._delete_items(row["id"])
        c.execute(
            """INSERT INTO articles(id, source, fingerprint, text_hash, title, published, published_inferred,
                   outlet, author, url, language, dateline, text, metadata, removed)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(id) DO UPDATE SET source=excluded.source, fingerprint=excluded.fingerprint,
                   text_hash=excluded.text_hash, title=excluded.title, published=excluded.published,
                   published_inferred=excluded.published_inferred, outlet=excluded.outlet,
                   author=excluded.author, url=excluded.url, language=excluded.language,
                   dateline=excluded.dateline, text=excluded.text, metadata=excluded.metadata,
                   removed=excluded.removed""",
            (a.id, a.source, fp, th, a.title, a.published, int(a.published_inferred), a.outlet, a.author,
             a.url, a.language, a.dateline, a.text, json.dumps(dict(a.metadata), default=str, ensure_ascii=False),
             json.dumps([[r.reason, r.text] for r in a.removed], ensure_ascii=False)),
        )
        c.execute("INSERT OR REPLACE INTO sources(source, article_id) VALUES (?, ?)", (a.source, a.id))
        self._insert_items(x)
        if derived is not None:
            self._insert_derived(a.id, derived)
        c.execute("INSERT OR IGNORE INTO resolve_pending(article_id) VALUES (?)", (a.id,))
        return status

    def _delete_items(self, article_id: str) -> None:
        for table in ("quotes", "figures", "dates", "entities", "points", "events", "signatures", "bands"):
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))  # noqa: S608 (fixed names)

    def _insert_items(self, x: Extraction) -> None:
        aid = x.article.id
        c = self.conn
        c.executemany(
            "INSERT INTO quotes(article_id, idx, start, end, text, speaker, anonymous, speaker_start, speaker_end, "
            "cue, speaker_type, extractor, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, q.span.start, q.span.end, q.text, q.speaker, int(q.anonymous),
              q.speaker_span.start if q.speaker_span else None, q.speaker_span.end if q.speaker_span else None,
              q.cue, q.speaker_type, q.extractor, q.confidence) for i, q in enumerate(x.quotes)])
        c.executemany(
            "INSERT INTO figures(article_id, idx, start, end, text, value, category, qualifier, unit, source, "
            "source_start, source_end, place, extractor, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, f.span.start, f.span.end, f.text, f.value, f.category, f.qualifier, f.unit, f.source,
              f.source_span.start if f.source_span else None, f.source_span.end if f.source_span else None,
              f.place, f.extractor, f.confidence) for i, f in enumerate(x.figures)])
        c.executemany(
            "INSERT INTO dates(article_id, idx, start, end, text, value, extractor, confidence) VALUES (?,?,?,?,?,?,?,?)",
            [(aid, i, d.span.start, d.span.end, d.text, d.value, d.extractor, d.confidence)
             for i, d in enumerate(x.dates)])
        c.executemany(
            "INSERT INTO entities(article_id, idx, name, type, mentions, aliases, roles, extractor, confidence) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(aid, i, e.name, e.type, json.dumps([[m.start, m.end] for m in e.mentions]),
              json.dumps(list(e.aliases), ensure_ascii=False), json.dumps(list(e.roles), ensure_ascii=False),
              e.extractor, e.confidence) for i, e in enumerate(x.entities)])

    def _insert_derived(self, aid: str, d: Any) -> None:
        c = self.conn
        c.executemany(
            "INSERT INTO points(article_id, idx, key, category, place, unit, scope, anchor, value, qualifier, as_of, "
            "source, outlet, start, end, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, p.key, p.category, p.place, p.unit, p.scope, p.anchor, p.value, p.qualifier, p.as_of, p.source,
              p.outlet, p.span.start, p.span.end, p.text) for i, p in enumerate(d.points)])
        c.executemany(
            "INSERT INTO events(article_id, idx, date, start, end, text, actors, basis, published, outlet) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, e.date, e.span.start, e.span.end, e.text, json.dumps(list(e.actors), ensure_ascii=False),
              e.basis, e.published, e.outlet) for i, e in enumerate(d.events)])
        c.execute("INSERT INTO signatures(article_id, signature, features) VALUES (?,?,?)",
                  (aid, d.signature, json.dumps(dict(d.features), ensure_ascii=False, sort_keys=True)))
        c.executemany("INSERT OR IGNORE INTO bands(band, article_id) VALUES (?,?)", [(b, aid) for b in d.bands])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back otherwise."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
            c.execute("COMMIT")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state, even while a
        writer commits (WAL). Nested use joins the outer one."""
        c = self.conn
        if c.in_transaction:
            yield c
            return
        c.execute("BEGIN")
        try:
            yield c
        finally:
            if c.in_transaction:
                c.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------

    def _story_clause(self, story: str | None, alias: str = "t") -> tuple[str, list]:
        if story is None:
            return "", []
        return f" AND {alias}.article_id IN (SELECT article_id FROM story_of WHERE story_id = ?)", [story]

    def rows(self, table: str, story: str | None = None, since: str | None = None,
             until: str | None = None) -> list[sqlite3.Row]:
        """Rows of a per-article table joined with their article's date and outlet (``since`` and
        ``until`` on the article's publication day, inclusive)."""
        if table not in {"points", "events", "entities", "quotes", "figures", "dates"}:
            raise ValueError(table)
        where, args = self._story_clause(story)
        if since:
            where += " AND a.published >= ?"
            args.append(since)
        if until:
            where += " AND a.published <= ?"
            args.append(until + "~")  # a longer ISO string of that day still counts
        return self.conn.execute(
            f"SELECT t.*, a.published AS a_published, a.outlet AS a_outlet, a.title AS a_title "  # noqa: S608
            f"FROM {table} t JOIN articles a ON a.id = t.article_id WHERE 1=1{where} ORDER BY t.article_id, t.idx",
            args).fetchall()

    def signatures(self) -> list[tuple[str, str | None, bytes, dict]]:
        """(article id, published, signature, story features) of every article with derived data."""
        return [(r["article_id"], r["published"], r["signature"], json.loads(r["features"]))
                for r in self.conn.execute(
                    "SELECT s.article_id, a.published, s.signature, s.features FROM signatures s "
                    "JOIN articles a ON a.id = s.article_id ORDER BY s.article_id")]

    def duplicate_groups(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT article_id, group_id FROM duplicate_of")}

    def duplicate_group(self, article_id: str) -> tuple[str | None, list[str]]:
        """The article's duplicate group id and its members (itself included), or (None, [])."""
        row = self.conn.execute("SELECT group_id FROM duplicate_of WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            return None, []
        return row[0], [r[0] for r in self.conn.execute(
            "SELECT article_id FROM duplicate_of WHERE group_id = ? ORDER BY article_id", (row[0],))]

    def story_assignments(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT article_id, story_id FROM story_of")}

    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story_id FROM story_of WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_labels(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, label FROM stories")}

    def pending(self) -> int:
        """Articles saved since the last resolution, or whose stories are not yet resolved (0 when
        the store is fully resolved)."""
        return self.count("pending")

    def search(self, query: str, *, kind: str = "articles", filters=None, limit: int = 20, offset: int = 0):
        """Full-text search over ``articles`` or ``quotes``; see :mod:`storyline.store.search`."""
        from .search import Filters, search_articles, search_quotes

        f = filters or Filters()
        if kind == "articles":
            return search_articles(self.conn, query, f, limit, offset)
        if kind == "quotes":
            return search_quotes(self.conn, query, f, limit, offset)
        raise ValueError(f"unknown search kind {kind!r}")

    def count(self, name: str) -> int:
        """How many of ``name`` (a key of :data:`COUNTED`) are stored."""
        what = COUNTED.get(name)
        if what is None:
            raise ValueError(name)
        sql = what if what.startswith("SELECT") else f"SELECT COUNT(*) FROM {what}"  # noqa: S608 (fixed names)
        return self.conn.execute(sql).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Counts of everything stored, in one consistent snapshot."""
        with self.snapshot():
            return {name: self.count(name) for name in COUNTED}

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY published, id")]

    def article(self, article_id: str) -> Article | None:
        r = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(r) if r else None

    def articles(self) -> Iterator[Article]:
        for r in self.conn.execute("SELECT * FROM articles ORDER BY published, id"):
            yield _article(r)

    def extraction(self, article_id: str) -> Extraction | None:
        a = self.article(article_id)
        if a is None:
            return None
        c = self.conn
        quotes = tuple(
            Quote(span=Span(r["start"], r["end"]), text=r["text"], speaker=r["speaker"], anonymous=bool(r["anonymous"]),
                  speaker_span=Span(r["speaker_start"], r["speaker_end"]) if r["speaker_start"] is not None else None,
                  cue=r["cue"], speaker_type=r["speaker_type"], extractor=r["extractor"], confidence=r["confidence"])
            for r in c.execute("SELECT * FROM quotes WHERE article_id = ? ORDER BY idx", (article_id,)))
        figures = tuple(
            Figure(span=Span(r["start"], r["end"]), text=r["text"], value=r["value"], category=r["category"],
                   qualifier=r["qualifier"], unit=r["unit"], source=r["source"],
                   source_span=Span(r["source_start"], r["source_end"]) if r["source_start"] is not None else None,
                   place=r["place"], extractor=r["extractor"], confidence=r["confidence"])
            for r in c.execute("SELECT * FROM figures WHERE article_id = ? ORDER BY idx", (article_id,)))
        dates = tuple(
            DateMention(span=Span(r["start"], r["end"]), text=r["text"], value=r["value"], extractor=r["extractor"],
                        confidence=r["confidence"])
            for r in c.execute("SELECT * FROM dates WHERE article_id = ? ORDER BY idx", (article_id,)))
        entities = tuple(
            Entity(name=r["name"], type=r["type"], mentions=tuple(Span(s, e) for s, e in json.loads(r["mentions"])),
                   aliases=tuple(json.loads(r["aliases"])), roles=tuple(json.loads(r["roles"])),
                   extractor=r["extractor"], confidence=r["confidence"])
            for r in c.execute("SELECT * FROM entities WHERE article_id = ? ORDER BY idx", (article_id,)))
        return Extraction(article=a, quotes=quotes, figures=figures, dates=dates, entities=entities)


def _article(r: sqlite3.Row) -> Article:
    meta: dict[str, Any] = json.loads(r["metadata"] or "{}")
    return Article(
        id=r["id"], source=r["source"], text=r["text"], title=r["title"], published=r["published"],
        published_inferred=bool(r["published_inferred"]), outlet=r["outlet"], author=r["author"], url=r["url"],
        language=r["language"], dateline=r["dateline"], metadata=meta,
        removed=tuple(Removal(reason, text) for reason, text in json.loads(r["removed"] or "[]")),
    )
