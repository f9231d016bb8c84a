"""Ingest of uploaded documents for ``POST /api/ingest``: the normal pipeline, read from memory.

An upload's name is only a label: it is reduced to a base name (no folders, no control characters)
and recorded in a synthetic source ``upload:<sha256 prefix of the content>/<base name>``, so the same
file uploaded twice is the same article and nothing is ever opened by that name. The format is
chosen as for files (extension, then content): JSON Lines, JSON, HTML, Markdown or text; ``.gz`` is
decompressed in memory under the same 20 MB limit as files. Each document then goes through
``prepare``/``extract`` (:func:`storyline.pipeline.process`) and :func:`storyline.resolve.derive`
under the per-document time budget, then :meth:`Store.save`; :func:`storyline.api.refresh` resolves
the new articles (duplicates, stories, actors, series) after the batch. One writer at a time per
database (a lock), as SQLite allows; the HTTP readers go on reading the last committed state.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import re
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator

from .. import __version__
from ..errors import DocumentTooLarge, ReadError, StorylineError
from ..model import RawDocument
from ..read import read_string
from ..read.decode import decode
from ..read.jsonl import iter_json, iter_jsonl
from ..read.sources import MAX_DOCUMENT_BYTES

MAX_FILES = 1000  # documents per request
MAX_REQUEST_BYTES = 200 * 1024 * 1024  # a whole request; each document also has the reader's 20 MB limit
MAX_NAME_CHARS = 120  # of the base name kept in the source label
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]+")
_JSONL = {".jsonl", ".ndjson"}
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class UploadError(ReadError):
    """The upload could not be read."""


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded document: the name the client gave and the bytes (``None`` when too large)."""

    name: str
    data: bytes | None


async def read_upload(file) -> Upload:
    """An uploaded file (Starlette ``UploadFile``), refusing more than the document size limit."""
    data = await file.read(MAX_DOCUMENT_BYTES + 1)
    await file.close()
    return Upload(file.filename or "upload", data if len(data) <= MAX_DOCUMENT_BYTES else None)


def base_name(name: str) -> str:
    """The last path component of a client-given name, without control characters, shortened."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = _UNSAFE_NAME.sub("", base).strip() or "upload"
    return base[-MAX_NAME_CHARS:] if len(base) > MAX_NAME_CHARS else base


def source_label(upload: Upload) -> str:
    digest = hashlib.sha256(upload.data or b"").hexdigest()[:16]
    return f"upload:{digest}/{base_name(upload.name)}"


def documents(upload: Upload) -> Iterator[RawDocument | tuple[str, StorylineError]]:
    """The documents of one upload (a JSON Lines or JSON file may hold many), or errors."""
    source = source_label(upload)
    if upload.data is None:
        yield source, DocumentTooLarge(f"document too large (limit {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB)")
        return
    name = base_name(upload.name).lower()
    data = upload.data
    if name.endswith(".gz"):
        name = name[:-3]
        try:
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_DOCUMENT_BYTES + 1)
        except (OSError, EOFError) as e:
            yield source, UploadError(f"cannot decompress: {e}")
            return
        if len(data) > MAX_DOCUMENT_BYTES:
            yield source, DocumentTooLarge("document too large (over 20 MB decompressed)")
            return
    suffix = PurePosixPath(name).suffix
    if suffix in _JSONL:
        yield from iter_jsonl(io.BytesIO(data), source, MAX_DOCUMENT_BYTES)
        return
    try:
        text, _ = decode(data)
    except StorylineError as e:
        yield source, e
        return
    stripped = text.strip()
    if suffix == ".json" or (suffix not in {".html", ".htm"} and stripped[:1] + stripped[-1:] in ("[]", "{}")):
        yield from iter_json(text, source)
        return
    try:
        yield read_string(text, source, suffix=suffix)
    except StorylineError as e:
        yield source, e


def _write_lock(db_path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(db_path, threading.Lock())


def ingest_uploads(db_path: str, uploads: list[Upload]) -> dict[str, Any]:
    """Runs the uploads through the pipeline into the store; ``{added, updated, unchanged, failed}``."""
    from ..api import refresh
    from ..budget import DEFAULT_TIME_BUDGET, deadline
    from ..extract import EXTRACTOR_VERSION
    from ..pipeline import problem, process
    from ..resolve import derive
    from ..store import Store

    counts = {"added": 0, "updated": 0, "unchanged": 0}
    failed: list[dict[str, str]] = []
    with _write_lock(db_path), Store(db_path, extractor_version=f"{__version__}/{EXTRACTOR_VERSION}") as store:
        for upload in uploads:
            for item in documents(upload):
                if isinstance(item, tuple):
                    failed.append({"source": item[0], "error": problem(*item).message})
                    continue
                try:
                    with deadline(DEFAULT_TIME_BUDGET):  # one budget for extraction and derivation, as in ingest
                        x = process(item, time_budget=DEFAULT_TIME_BUDGET)
                        derived = derive(x)
                    counts[store.save(x, derived)] += 1
                except StorylineError as e:
                    failed.append({"source": item.source, "error": problem(item.source, e).message})
        if counts["added"] or counts["updated"]:
            refresh(store)
    return {**counts, "failed": failed}
