"""Per-article results as Parquet shards, and back: for runs too large to merge into SQLite as they go.

With ``storyline ingest --output-parquet DIR`` each task (a batch of ~250 inputs) is written by the
worker that ran it to ``DIR/part-NNNNNN.parquet`` (NNNNNN = the task's number, so the shards in name
order and their rows in order are the input order). The coordinator then only counts; ``storyline
merge DIR --db FILE`` reads the shards back, in order, into a store — the same store a direct ingest
of the same input gives, because it is written by the same :meth:`Store.save`.

One row per document, with one schema for every shard:

- ``pos``, ``source``; for a failed document ``problem_stage``, ``problem_kind``, ``problem_message``;
- the article's fields as columns (``article_id``, ``title``, ``published``, ``outlet``, ``text`` ...),
  so the shards are directly useful to Arrow/DuckDB/pandas; ``metadata`` and ``removed`` as JSON;
- the extracted items (``quotes``, ``figures``, ``dates``, ``entities``) and derived inputs to
  resolution (``points``, ``events``, ``features``) as JSON text: their dataclasses round-trip exactly
  through :func:`to_plain` / :func:`from_plain` (spans as ``[start, end]``), which nested Arrow types
  inferred per shard would not guarantee (an all-null column infers as ``null``);
- ``signature`` (binary) and ``bands`` (list of strings).

Shards are written to a temporary name and renamed, so a worker that dies leaves no half shard.
``pyarrow`` is needed only here (the ``parquet`` extra).
"""
from __future__ import annotations

import collections.abc
import dataclasses
import functools
import json
import os
import types
import typing
from pathlib import Path
from typing import Any, Iterator

from ..model import Article, DateMention, Entity, Extraction, Figure, Problem, Quote, Removal, Span

# Rows read back per Arrow record batch when merging: bounds memory whatever the shard size.
READ_BATCH_ROWS = 256
SHARD_PATTERN = "part-*.parquet"

_STRING_COLUMNS = ("source", "problem_stage", "problem_kind", "problem_message", "article_id", "title",
                   "published", "outlet", "author", "url", "language", "dateline", "text", "metadata", "removed",
                   "quotes", "figures", "dates", "entities", "points", "events", "features")


@functools.lru_cache(maxsize=1)
def _schema():
    import pyarrow as pa

    fields = [pa.field("pos", pa.int32()), pa.field("published_inferred", pa.bool_()),
              pa.field("signature", pa.binary()), pa.field("bands", pa.list_(pa.string()))]
    fields += [pa.field(name, pa.string()) for name in _STRING_COLUMNS]
    return pa.schema(fields)


# -- dataclasses to JSON-ready values and back --------------------------------------------------


def to_plain(obj: Any) -> Any:
    """A record as JSON-ready values: spans as ``[start, end]``, records as dicts, tuples as lists."""
    if isinstance(obj, Span):
        return [obj.start, obj.end]
    if dataclasses.is_dataclass(obj):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, typing.Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    return obj


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, value: Any) -> Any:
    """The inverse of :func:`to_plain` for a value of type ``tp`` (a record class or a field type)."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(inner[0], value) if len(inner) == 1 else value
    if tp is Span:
        return Span(value[0], value[1])
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{k: from_plain(hints[k], v) for k, v in value.items()})
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(from_plain(args[0], v) for v in value)
    if tp is float:
        return float(value)
    if origin in (dict, collections.abc.Mapping):
        return dict(value)
    return value


def _json(value: Any) -> str:
    return json.dumps(to_plain(value), ensure_ascii=False, default=str)


# -- writing -----------------------------------------------------------------------------------


def result_row(pos: int, result: Any) -> dict[str, Any]:
    """One Parquet row for a pipeline result: Problem, Extraction or (Extraction, Derived)."""
    row: dict[str, Any] = {"pos": pos}
    if isinstance(result, Problem):
        row.update(source=result.source, problem_stage=result.stage, problem_kind=result.kind,
                   problem_message=result.message)
        return row
    x, derived = result if isinstance(result, tuple) else (result, None)
    a = x.article
    row.update(source=a.source, article_id=a.id, title=a.title, published=a.published,
               published_inferred=a.published_inferred, outlet=a.outlet, author=a.author, url=a.url,
               language=a.language, dateline=a.dateline, text=a.text, metadata=_json(dict(a.metadata)),
               removed=_json(a.removed), quotes=_json(x.quotes), figures=_json(x.figures), dates=_json(x.dates),
               entities=_json(x.entities))
    if derived is not None:
        row.update(points=_json(derived.points), events=_json(derived.events), signature=derived.signature,
                   bands=list(derived.bands), features=_json(dict(derived.features)))
    return row


def shard_name(index: int) -> str:
    return f"part-{index:06d}.parquet"


def write_shard(folder: Path, index: int, results: list) -> str:
    """Writes one task's results as ``folder/part-<index>.parquet``; returns the file name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = shard_name(index)
    table = pa.Table.from_pylist([result_row(i, r) for i, r in enumerate(results)], schema=_schema())
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, folder / name)
    return name


# -- reading back ------------------------------------------------------------------------------


def shards(folder: Path) -> list[Path]:
    """The shards of a Parquet output folder, in input order."""
    return sorted(folder.glob(SHARD_PATTERN))


def iter_results(folder: Path) -> Iterator[Any]:
    """Every result stored under ``folder``, in input order: a Problem, an Extraction, or an
    ``(Extraction, Derived)`` pair when the run derived."""
    import pyarrow.parquet as pq

    for path in shards(folder):
        for record_batch in pq.ParquetFile(path).iter_batches(batch_size=READ_BATCH_ROWS):
            for row in record_batch.to_pylist():
                yield result_from_row(row)


def result_from_row(row: dict[str, Any]) -> Any:
    if row["problem_kind"] is not None:
        return Problem(source=row["source"], stage=row["problem_stage"], kind=row["problem_kind"],
                       message=row["problem_message"])
    a = Article(id=row["article_id"], source=row["source"], text=row["text"], title=row["title"],
                published=row["published"], published_inferred=bool(row["published_inferred"]),
                outlet=row["outlet"], author=row["author"], url=row["url"], language=row["language"],
                dateline=row["dateline"], metadata=json.loads(row["metadata"]),
                removed=tuple(Removal(**r) for r in json.loads(row["removed"])))
    x = Extraction(article=a, quotes=_records(Quote, row["quotes"]), figures=_records(Figure, row["figures"]),
                   dates=_records(DateMention, row["dates"]), entities=_records(Entity, row["entities"]))
    if row["signature"] is None:
        return x
    from ..resolve import Derived
    from ..resolve.series import Point
    from ..resolve.timeline import Event

    derived = Derived(points=_records(Point, row["points"]), events=_records(Event, row["events"]),
                      signature=row["signature"], bands=tuple(row["bands"]), features=json.loads(row["features"]))
    return x, derived


def _records(cls: type, text: str) -> tuple:
    return tuple(from_plain(cls, v) for v in json.loads(text))
