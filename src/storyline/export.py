"""Exports of a store as tables with stable ids: JSON Lines, CSV or Parquet, one file per table.

Tables: ``articles``, ``quotes``, ``figures``, ``series`` (one row per series point), ``events``
(per-article dated events), ``timeline``, ``entities`` (actors across articles) and ``mentions``
(per-article entities). Ids are stable across runs: an article's id comes from its source, an item's
id is ``<article id>:<kind><index>``, a series' and an actor's id from their resolved key.
Parquet needs pyarrow (``pip install 'storyline[parquet]'``).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import api
from .errors import ConfigError
from .store import Store

TABLES = ("articles", "quotes", "figures", "series", "events", "timeline", "entities", "mentions")


def table_rows(store: Store, table: str, story: str | None = None) -> Iterator[dict[str, Any]]:
    if table == "articles":
        story_of = store.story_assignments()
        dup = store.duplicate_groups()
        for a in store.articles():
            if story is not None and story_of.get(a.id) != story:
                continue
            yield {"id": a.id, "source": a.source, "title": a.title, "published": a.published,
                   "published_inferred": a.published_inferred, "outlet": a.outlet, "author": a.author, "url": a.url,
                   "story_id": story_of.get(a.id), "duplicate_group": dup.get(a.id), "text": a.text}
    elif table == "quotes":
        for r in store.rows("quotes", story):
            yield {"id": f"{r['article_id']}:q{r['idx']}", "article_id": r["article_id"], "published": r["a_published"],
                   "start": r["start"], "end": r["end"], "text": r["text"], "speaker": r["speaker"],
                   "anonymous": bool(r["anonymous"]), "speaker_type": r["speaker_type"], "cue": r["cue"]}
    elif table == "figures":
        for r in store.rows("figures", story):
            yield {"id": f"{r['article_id']}:f{r['idx']}", "article_id": r["article_id"], "published": r["a_published"],
                   "start": r["start"], "end": r["end"], "text": r["text"], "value": r["value"],
                   "qualifier": r["qualifier"], "unit": r["unit"], "category": r["category"], "source": r["source"],
                   "place": r["place"]}
    elif table == "series":
        for s in api.series(store, story):
            conflicted = {(p.article_id, p.span.start) for c in s.conflicts for p in (c.earlier, c.later)}
            for p in s.points:
                yield {"series_id": s.id, "label": s.label, "category": s.category, "place": s.place, "unit": s.unit,
                       "scope": s.scope, "anchor": s.anchor, "as_of": p.as_of, "value": p.value,
                       "qualifier": p.qualifier, "source": p.source, "outlet": p.outlet, "article_id": p.article_id,
                       "start": p.span.start, "end": p.span.end, "text": p.text,
                       "conflict": (p.article_id, p.span.start) in conflicted}
    elif table == "events":
        for r in store.rows("events", story):
            yield {"id": f"{r['article_id']}:e{r['idx']}", "article_id": r["article_id"], "date": r["date"],
                   "start": r["start"], "end": r["end"], "text": r["text"], "actors": json.loads(r["actors"])}
    elif table == "timeline":
        for e in api.timeline(store, story):
            yield {"date": e.date, "summary": e.summary, "article_id": e.article_id, "start": e.span.start,
                   "end": e.span.end, "actors": list(e.actors), "score": e.score,
                   "supporting": [f"{aid}:{sp.start}-{sp.end}" for aid, sp in e.supporting]}
    elif table == "entities":
        for a in api.actors(store, story):
            yield {"id": a.id, "name": a.name, "type": a.type, "mentions": a.mentions, "articles": list(a.articles),
                   "aliases": [n for n, _ in a.aliases], "roles": [r.title for r in a.roles]}
    elif table == "mentions":
        for r in store.rows("entities", story):
            yield {"id": f"{r['article_id']}:n{r['idx']}", "article_id": r["article_id"], "name": r["name"],
                   "type": r["type"], "mentions": json.loads(r["mentions"])}
    else:
        raise ConfigError(f"unknown table {table!r}")


def export(store: Store, out_dir: Path, fmt: str, tables: Iterable[str] = TABLES, story: str | None = None) -> dict[str, int]:
    """Writes each table to ``out_dir/<table>.<ext>``; returns rows written per table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in tables:
        rows = table_rows(store, table, story)
        if fmt == "json":
            counts[table] = _write_jsonl(rows, out_dir / f"{table}.jsonl")
        elif fmt == "csv":
            counts[table] = _write_csv(rows, out_dir / f"{table}.csv")
        elif fmt == "parquet":
            counts[table] = _write_parquet(list(rows), out_dir / f"{table}.parquet")
        else:
            raise ConfigError(f"unknown export format {fmt!r}")
    return counts


def _write_jsonl(rows: Iterable[dict], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v


def _write_csv(rows: Iterable[dict], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = None
        for r in rows:
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(r))
                writer.writeheader()
            writer.writerow({k: _cell(v) for k, v in r.items()})
            n += 1
    return n


def _write_parquet(rows: list[dict], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow: pip install 'storyline[parquet]'") from None
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    pq.write_table(table, path)
    return len(rows)
