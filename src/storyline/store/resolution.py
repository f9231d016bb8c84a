"""SQL for incremental cross-article resolution: pending articles, the story tracker's tables,
duplicate groups, entity forms and actors, per-story counts and materialised figure series.

Plain data in and out (the store imports nothing from :mod:`storyline.resolve`), so this stays
layer 0; :mod:`storyline.incremental` drives it inside one write transaction. Every function takes
the connection and touches only the rows it is asked about, through an index: none reads a whole
table (see the growth notes in docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .schema import ORDER_DAY, RESOLUTION_TABLES

CHUNK = 400  # ids per "IN (...)" list: well under SQLite's bound-parameter limit
TRACKER_META = ("n", "n_snap", "epoch", "next_refresh", "head")  # story tracker scalars in resolve_meta


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _rows_in(c: sqlite3.Connection, sql: str, values: Sequence, extra: Sequence = ()) -> Iterator[sqlite3.Row]:
    """The rows of ``sql`` for ``values``: its ``{marks}`` becomes an ``IN`` list, :data:`CHUNK` values
    at a time, in the order of ``values``; ``extra`` are bound after them."""
    for part in chunks(values):
        yield from c.execute(sql.format(marks=_marks(len(part))), [*part, *extra])


# ---------------------------------------------------------------------------------------------
# Meta and pending articles


def get_meta(c: sqlite3.Connection, name: str, default: Any = None) -> Any:
    row = c.execute("SELECT value FROM resolve_meta WHERE name = ?", (name,)).fetchone()
    return json.loads(row[0]) if row else default


def set_meta(c: sqlite3.Connection, name: str, value: Any) -> None:
    c.execute("INSERT INTO resolve_meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
              (name, json.dumps(value)))


@dataclass(frozen=True, slots=True)
class Pending:
    """An article saved since the last resolution, and what it was when last resolved."""

    article_id: str
    old_day: str | None  # its day in the story order (None: it was not in the story sequence)
    old_group: str | None
    old_forms: tuple[tuple[str, str], ...]
    old_keys: tuple[str, ...]


def pending(c: sqlite3.Connection) -> list[Pending]:
    return [Pending(r[0], r[1], r[2], tuple((t, n) for t, n in json.loads(r[3])), tuple(json.loads(r[4])))
            for r in c.execute("SELECT article_id, old_day, old_group, old_forms, old_keys FROM resolve_pending "
                               "ORDER BY article_id")]


def clear_pending(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM resolve_pending")


def defer_stories(c: sqlite3.Connection) -> None:
    """The pending articles (resolved but for their stories) wait for the story replay; an article
    already waiting keeps the day it had when last placed."""
    c.execute("INSERT OR IGNORE INTO story_pending(article_id, old_day) SELECT article_id, old_day FROM resolve_pending")


def story_pending(c: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """(article, day when last placed in the story order or None) of the articles waiting for it."""
    return [(r[0], r[1]) for r in c.execute("SELECT article_id, old_day FROM story_pending ORDER BY article_id")]


def clear_story_pending(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM story_pending")


def unresolve_article(c: sqlite3.Connection, article_id: str) -> None:
    """Before a stored article is replaced: remember what resolution made of it (unless it is already
    pending) and drop the rows that point at its items, taking its entities out of its story's counts."""
    aid = article_id
    if c.execute("SELECT 1 FROM resolve_pending WHERE article_id = ?", (aid,)).fetchone() is None:
        so = c.execute("SELECT direct FROM story_of WHERE article_id = ?", (aid,)).fetchone()
        pub = c.execute(f"SELECT {ORDER_DAY} FROM articles WHERE id = ?", (aid,)).fetchone()  # noqa: S608
        old_day = pub[0] if so is not None and so[0] is not None and pub is not None else None
        grp = c.execute("SELECT group_id FROM duplicate_of WHERE article_id = ?", (aid,)).fetchone()
        forms = [list(r) for r in c.execute(
            "SELECT DISTINCT type, norm FROM entity_forms WHERE article_id = ? ORDER BY type, norm", (aid,))]
        keys = [r[0] for r in c.execute("SELECT DISTINCT key FROM points WHERE article_id = ? ORDER BY key", (aid,))]
        c.execute("INSERT INTO resolve_pending(article_id, old_day, old_group, old_forms, old_keys) VALUES (?,?,?,?,?)",
                  (aid, old_day, grp[0] if grp else None, json.dumps(forms, ensure_ascii=False),
                   json.dumps(keys, ensure_ascii=False)))
    root = c.execute("SELECT story_id FROM story_of WHERE article_id = ?", (aid,)).fetchone()
    if root is not None:
        delta: dict[tuple[str, str, str], list[int]] = {}
        for (typ, norm), (n, m) in article_forms(c, [aid]).get(aid, {}).items():
            delta[(root[0], typ, norm)] = [-n, -m]
        apply_story_forms(c, delta)
    for table in ("entity_forms", "quote_forms", "series_points"):
        c.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))  # noqa: S608 (fixed names)


def reset(c: sqlite3.Connection) -> None:
    """Forgets every result and state of resolution; every article becomes pending (a full refresh)."""
    for table in RESOLUTION_TABLES:
        c.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
    c.execute("DELETE FROM resolve_pending")
    c.execute("DELETE FROM story_pending")
    c.execute("INSERT INTO resolve_pending(article_id) SELECT id FROM articles")


# ---------------------------------------------------------------------------------------------
# Story tracker state


class TrackerTables:
    """The store side of :class:`storyline.resolve.stories.TrackerState` (a ``TrackerBackend``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.c = conn

    def load_meta(self) -> dict[str, Any]:
        out = {}
        for name in TRACKER_META:
            value = get_meta(self.c, f"tracker.{name}")
            if value is not None:
                out[name] = value
        return out

    def load_df(self, terms: Sequence[str]) -> dict[str, tuple[int, int, int]]:
        out = {}
        for r in _rows_in(self.c, "SELECT term, df, prev, epoch FROM story_df WHERE term IN ({marks})", list(terms)):
            out[r[0]] = (r[1], r[2], r[3])
        return out

    def load_story_fields(self, ids: Sequence[str]) -> dict[str, list]:
        out = {}
        for r in _rows_in(self.c, "SELECT id, first_pub, first_id, size, last_ord, first, label FROM stories "
                                  "WHERE id IN ({marks})", list(ids)):
            out[r[0]] = [r[1], r[2], r[3], r[4], r[5], r[6]]
        return out

    def load_centroid(self, story_id: str) -> dict[str, float]:
        return {r[0]: r[1] for r in self.c.execute("SELECT term, weight FROM story_terms WHERE story_id = ?",
                                                   (story_id,))}

    def load_index(self, term: str) -> set[str]:
        return {r[0] for r in self.c.execute("SELECT story_id FROM story_terms WHERE term = ?", (term,))}

    def load_merged(self, story_id: str) -> str | None:
        row = self.c.execute("SELECT keep FROM story_merged WHERE gone = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def load_journals(self, start: tuple[str, str], below: tuple[str, str] | None) -> Iterator[tuple[tuple[str, str], bytes]]:
        """Journals at or after ``start`` (and before ``below``), newest first."""
        sql = "SELECT day, article_id, ops FROM story_journal WHERE (day, article_id) >= (?, ?)"
        args: list = [start[0], start[1]]
        if below is not None:
            sql += " AND (day, article_id) < (?, ?)"
            args += [below[0], below[1]]
        for r in self.c.execute(sql + " ORDER BY day DESC, article_id DESC", args).fetchall():
            yield (r[0], r[1]), r[2]

    def write(self, ch: Any) -> None:
        """Writes a ``TrackerChanges``."""
        c = self.c
        for name, value in ch.meta.items():
            set_meta(c, f"tracker.{name}", value)
        gone_df = [t for t, row in ch.df.items() if row[2] < 0]
        c.executemany("DELETE FROM story_df WHERE term = ?", [(t,) for t in gone_df])
        c.executemany("INSERT INTO story_df(term, df, prev, epoch) VALUES (?,?,?,?) ON CONFLICT(term) DO UPDATE "
                      "SET df = excluded.df, prev = excluded.prev, epoch = excluded.epoch",
                      [(t, *row) for t, row in ch.df.items() if row[2] >= 0])
        c.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s, f in ch.stories.items() if f is None])
        c.executemany(
            "INSERT INTO stories(id, label, size, first, last, first_pub, first_id, last_ord) VALUES (?,?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET label = excluded.label, size = excluded.size, first = excluded.first, "
            "last = excluded.last, first_pub = excluded.first_pub, first_id = excluded.first_id, "
            "last_ord = excluded.last_ord",
            [(s, f[5], f[2], f[4], _iso(f[3]), f[0], f[1], f[3]) for s, f in ch.stories.items() if f is not None])
        c.executemany("DELETE FROM story_terms WHERE story_id = ? AND term = ?",
                      [k for k, w in ch.weights.items() if w is None])
        c.executemany("INSERT INTO story_terms(story_id, term, weight) VALUES (?,?,?) ON CONFLICT(story_id, term) "
                      "DO UPDATE SET weight = excluded.weight",
                      [(*k, w) for k, w in ch.weights.items() if w is not None])
        c.executemany("DELETE FROM story_merged WHERE gone = ?", [(g,) for g, k in ch.merged.items() if k is None])
        c.executemany("INSERT INTO story_merged(gone, keep) VALUES (?, ?) ON CONFLICT(gone) DO UPDATE SET keep = excluded.keep",
                      [(g, k) for g, k in ch.merged.items() if k is not None])
        if ch.drop_journals_from is not None:
            c.execute("DELETE FROM story_journal WHERE (day, article_id) >= (?, ?)", list(ch.drop_journals_from))
        c.executemany("INSERT INTO story_journal(day, article_id, ops) VALUES (?,?,?)",
                      [(pos[0], pos[1], ops) for pos, ops in ch.journals])


def _iso(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None


def story_days(c: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Canonical day of each of ``ids`` that the story tracker takes (those with features)."""
    out = {}
    for r in _rows_in(c, f"SELECT a.id, {ORDER_DAY} FROM articles a JOIN signatures s ON s.article_id = a.id "  # noqa: S608
                         "WHERE a.id IN ({marks})", list(ids)):
        out[r[0]] = r[1]
    return out


def story_items_from(c: sqlite3.Connection, start: tuple[str, str]) -> Iterator[tuple[str, str | None, str]]:
    """(id, published, features JSON) of every article with features at or after ``start``, in order."""
    cur = c.execute(
        f"SELECT a.id, a.published, s.features FROM articles a JOIN signatures s ON s.article_id = a.id "  # noqa: S608
        f"WHERE {ORDER_DAY} >= ? AND ({ORDER_DAY} > ? OR a.id >= ?) ORDER BY {ORDER_DAY}, a.id",  # a range seek
        [start[0], start[0], start[1]])
    while True:
        rows = cur.fetchmany(500)
        if not rows:
            return
        yield from ((r[0], r[1], r[2]) for r in rows)


def merged_children(c: sqlite3.Connection, story_id: str) -> list[str]:
    return [r[0] for r in c.execute("SELECT gone FROM story_merged WHERE keep = ?", (story_id,))]


def articles_joining(c: sqlite3.Connection, story_ids: Iterable[str]) -> set[str]:
    """Articles whose joined (direct) story is one of ``story_ids``."""
    return {r[0] for r in _rows_in(c, "SELECT article_id FROM story_of WHERE direct IN ({marks})", sorted(story_ids))}


def story_rows(c: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """article → (story, joined story) as stored."""
    return {r[0]: (r[1], r[2]) for r in _rows_in(
        c, "SELECT article_id, story_id, direct FROM story_of WHERE article_id IN ({marks})", sorted(ids))}


def write_story_of(c: sqlite3.Connection, rows: Mapping[str, tuple[str, str] | None]) -> None:
    """article → (story, joined story), or None to take it out of every story."""
    c.executemany("DELETE FROM story_of WHERE article_id = ?", [(a,) for a, v in rows.items() if v is None])
    c.executemany("INSERT INTO story_of(article_id, story_id, direct) VALUES (?,?,?) ON CONFLICT(article_id) "
                  "DO UPDATE SET story_id = excluded.story_id, direct = excluded.direct",
                  [(a, v[0], v[1]) for a, v in rows.items() if v is not None])


# ---------------------------------------------------------------------------------------------
# Duplicate groups


def band_candidates(c: sqlite3.Connection, article_id: str) -> list[str]:
    """Articles sharing an LSH band key with the article (its candidate copies)."""
    return [r[0] for r in c.execute(
        "SELECT DISTINCT b.article_id FROM bands b WHERE b.band IN (SELECT band FROM bands WHERE article_id = ?) "
        "AND b.article_id != ?", (article_id, article_id))]


def signatures(c: sqlite3.Connection, ids: Iterable[str]) -> dict[str, bytes]:
    return {r[0]: r[1] for r in _rows_in(
        c, "SELECT article_id, signature FROM signatures WHERE article_id IN ({marks})", sorted(ids))}


def group_members(c: sqlite3.Connection, group_id: str) -> list[str]:
    return [r[0] for r in c.execute("SELECT article_id FROM duplicate_of WHERE group_id = ? ORDER BY article_id",
                                    (group_id,))]


def groups_of(c: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    return {r[0]: r[1] for r in _rows_in(
        c, "SELECT article_id, group_id FROM duplicate_of WHERE article_id IN ({marks})", sorted(ids))}


def write_groups(c: sqlite3.Connection, groups: Mapping[str, str | None]) -> None:
    c.executemany("DELETE FROM duplicate_of WHERE article_id = ?", [(a,) for a, g in groups.items() if g is None])
    c.executemany("INSERT INTO duplicate_of(article_id, group_id) VALUES (?, ?) ON CONFLICT(article_id) "
                  "DO UPDATE SET group_id = excluded.group_id", [(a, g) for a, g in groups.items() if g is not None])


# ---------------------------------------------------------------------------------------------
# Entity forms, story counts and actors


def entity_rows(c: sqlite3.Connection, ids: Sequence[str]) -> list[sqlite3.Row]:
    """Entity rows of ``ids`` with their article's publication date."""
    return list(_rows_in(c, "SELECT e.article_id, e.idx, e.name, e.type, e.mentions, e.aliases, e.roles, a.published "
                            "FROM entities e JOIN articles a ON a.id = e.article_id "
                            "WHERE e.article_id IN ({marks}) ORDER BY e.article_id, e.idx", sorted(ids)))


def quote_rows(c: sqlite3.Connection, ids: Sequence[str]) -> list[sqlite3.Row]:
    return list(_rows_in(c, "SELECT article_id, idx, speaker, speaker_type, anonymous FROM quotes "
                            "WHERE article_id IN ({marks}) AND speaker IS NOT NULL ORDER BY article_id, idx", sorted(ids)))


def form_entity_rows(c: sqlite3.Connection, typ: str, norm: str) -> list[sqlite3.Row]:
    """The resolved entity rows of one form (to fold it again after one of its articles changed)."""
    return c.execute("SELECT e.article_id, e.idx, e.name, e.type, e.mentions, e.aliases, e.roles, a.published "
                     "FROM entity_forms f JOIN entities e ON e.article_id = f.article_id AND e.idx = f.idx "
                     "JOIN articles a ON a.id = f.article_id WHERE f.type = ? AND f.norm = ? "
                     "ORDER BY e.article_id, e.idx", (typ, norm)).fetchall()


def insert_entity_forms(c: sqlite3.Connection, rows: Iterable[tuple[str, int, str, str, int, str | None]]) -> None:
    """(article, idx, type, norm, mentions, published) rows."""
    c.executemany("INSERT OR REPLACE INTO entity_forms(article_id, idx, type, norm, mentions, published) "
                  "VALUES (?,?,?,?,?,?)", rows)


def insert_quote_forms(c: sqlite3.Connection, rows: Iterable[tuple[str, int, str, str]]) -> None:
    c.executemany("INSERT OR REPLACE INTO quote_forms(article_id, idx, type, norm) VALUES (?,?,?,?)", rows)


def article_forms(c: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    """article → {(type, norm): (entity rows, mentions)} from its resolved entity forms."""
    out: dict[str, dict[tuple[str, str], tuple[int, int]]] = defaultdict(dict)
    for r in _rows_in(c, "SELECT article_id, type, norm, COUNT(*), SUM(mentions) FROM entity_forms "
                         "WHERE article_id IN ({marks}) GROUP BY article_id, type, norm", sorted(ids)):
        out[r[0]][(r[1], r[2])] = (r[3], r[4])
    return out


def apply_story_forms(c: sqlite3.Connection, delta: Mapping[tuple[str, str, str], Sequence[int]]) -> None:
    """Adds (entity rows, mentions) per (story, type, norm); rows that reach zero go."""
    rows = [(s, t, n, d[0], d[1]) for (s, t, n), d in sorted(delta.items()) if d[0] or d[1]]
    c.executemany("INSERT INTO story_forms(story_id, type, norm, entities, mentions) VALUES (?,?,?,?,?) "
                  "ON CONFLICT(story_id, type, norm) DO UPDATE SET entities = entities + excluded.entities, "
                  "mentions = mentions + excluded.mentions", rows)
    c.executemany("DELETE FROM story_forms WHERE story_id = ? AND type = ? AND norm = ? AND entities <= 0",
                  [r[:3] for r in rows if r[3] < 0])


def stories_with_forms(c: sqlite3.Connection, forms: Iterable[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    for typ, norm in forms:
        out.update(r[0] for r in c.execute("SELECT story_id FROM story_forms WHERE type = ? AND norm = ?", (typ, norm)))
    return out


def form_json(data: Mapping[str, Any]) -> str:
    """A form as stored (compact and deterministic, so an unchanged form compares equal)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def bucket_forms(c: sqlite3.Connection, key: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, norm) → (actor id, form JSON text) of one bucket."""
    return {(r[0], r[1]): (r[2], r[3])
            for r in c.execute("SELECT type, norm, actor_id, form FROM actor_forms WHERE key = ?", (key,))}


def bucket_actors(c: sqlite3.Connection, key: str) -> dict[str, sqlite3.Row]:
    return {r["id"]: r for r in c.execute(
        "SELECT id, key, slug, norm, name, type, mentions, articles, first, last, aliases, roles FROM actors "
        "WHERE key = ?", (key,))}


def slug_holders(c: sqlite3.Connection, slugs: Sequence[str], exclude_key: str) -> dict[str, list[sqlite3.Row]]:
    """slug → actors of other buckets holding it."""
    out: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in _rows_in(c, "SELECT id, key, norm, slug FROM actors WHERE slug IN ({marks}) AND key != ?", list(slugs),
                      (exclude_key,)):
        out[r["slug"]].append(r)
    return out


def delete_actors(c: sqlite3.Connection, ids: Iterable[str]) -> None:
    c.executemany("DELETE FROM actors WHERE id = ?", [(i,) for i in ids])


def insert_actors(c: sqlite3.Connection, actors: Iterable[Mapping[str, Any]]) -> None:
    c.executemany("INSERT INTO actors(id, key, slug, norm, name, type, mentions, articles, first, last, aliases, roles) "
                  "VALUES (:id, :key, :slug, :norm, :name, :type, :mentions, :articles, :first, :last, :aliases, :roles)",
                  [dict(a) for a in actors])


def delete_forms(c: sqlite3.Connection, forms: Iterable[tuple[str, str]]) -> None:
    c.executemany("DELETE FROM actor_forms WHERE type = ? AND norm = ?", list(forms))


def upsert_forms(c: sqlite3.Connection, key: str, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """(type, norm, actor id, form JSON text) rows of one bucket."""
    c.executemany("INSERT INTO actor_forms(type, norm, key, actor_id, form) VALUES (?,?,?,?,?) ON CONFLICT(type, norm) "
                  "DO UPDATE SET key = excluded.key, actor_id = excluded.actor_id, form = excluded.form",
                  [(t, n, key, a, raw) for t, n, a, raw in rows])


def rename_actors(c: sqlite3.Connection, renames: Mapping[str, str]) -> None:
    """Gives actors of other buckets new ids (the order among holders of a slug changed); in two
    steps, since two of them may swap ids. The old ids redirect to the new ones."""
    for old, new in renames.items():
        c.execute("UPDATE actors SET id = ? WHERE id = ?", ("\x00" + new, old))
        c.execute("UPDATE actor_forms SET actor_id = ? WHERE actor_id = ?", ("\x00" + new, old))
    for old, new in renames.items():
        c.execute("UPDATE actors SET id = ? WHERE id = ?", (new, "\x00" + new))
        c.execute("UPDATE actor_forms SET actor_id = ? WHERE actor_id = ?", (new, "\x00" + new))
        redirect(c, old, new)
    if renames:
        c.execute("DELETE FROM actor_redirects WHERE old_id IN (SELECT id FROM actors)")


def redirect(c: sqlite3.Connection, old: str, new: str) -> None:
    """Records that ``old`` now lives on as ``new`` (and keeps older redirects pointing at a live id)."""
    c.execute("UPDATE actor_redirects SET new_id = ? WHERE new_id = ?", (new, old))
    c.execute("INSERT INTO actor_redirects(old_id, new_id) VALUES (?, ?) ON CONFLICT(old_id) DO UPDATE "
              "SET new_id = excluded.new_id", (old, new))
    c.execute("DELETE FROM actor_redirects WHERE old_id = new_id")


def forget_redirect(c: sqlite3.Connection, live: str) -> None:
    c.execute("DELETE FROM actor_redirects WHERE old_id = ?", (live,))


def update_top_actors(c: sqlite3.Connection, story_ids: Iterable[str], n: int) -> None:
    """Stores the ``n`` people and organisations most often named in each story (by entity rows)."""
    for sid in sorted(story_ids):
        names = [r[0] for r in c.execute(
            "SELECT a.name FROM story_forms sf JOIN actor_forms af ON af.type = sf.type AND af.norm = sf.norm "
            "JOIN actors a ON a.id = af.actor_id WHERE sf.story_id = ? AND sf.type IN ('PERSON', 'ORG') "
            "GROUP BY a.id ORDER BY SUM(sf.entities) DESC, SUM(sf.mentions) DESC, a.name LIMIT ?", (sid, n))]
        c.execute("UPDATE stories SET top_actors = ? WHERE id = ?", (json.dumps(names, ensure_ascii=False), sid))


# ---------------------------------------------------------------------------------------------
# Figure series


def point_keys(c: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    return {r[0] for r in _rows_in(c, "SELECT DISTINCT key FROM points WHERE article_id IN ({marks})", sorted(ids))}


def family_points(c: sqlite3.Connection, key: str) -> list[sqlite3.Row]:
    """Every point of one family, with its article's duplicate group."""
    return c.execute("SELECT p.*, d.group_id FROM points p LEFT JOIN duplicate_of d ON d.article_id = p.article_id "
                     "WHERE p.key = ? ORDER BY p.article_id, p.idx", (key,)).fetchall()


def replace_family(c: sqlite3.Connection, key: str, series: Iterable[Mapping[str, Any]],
                   members: Iterable[tuple[str, int, str]]) -> None:
    """Replaces the stored series of one family and the point → series mapping of its points."""
    for sid in [r[0] for r in c.execute("SELECT id FROM series WHERE key = ?", (key,))]:
        c.execute("DELETE FROM series_points WHERE series_id = ?", (sid,))
    c.execute("DELETE FROM series WHERE key = ?", (key,))
    c.executemany("INSERT INTO series(id, key, label, category, place, unit, scope, anchor, points, conflicts, first, "
                  "last, data) VALUES (:id, :key, :label, :category, :place, :unit, :scope, :anchor, :points, "
                  ":conflicts, :first, :last, :data)", [dict(s) for s in series])
    c.executemany("INSERT OR REPLACE INTO series_points(article_id, idx, series_id) VALUES (?,?,?)", members)
