"""Readers: formats to :class:`~storyline.model.RawDocument`, chosen by content and extension.

``read_paths(paths)`` streams documents (or per-document errors) from files, directories, ``.gz``
files and ``-`` (stdin), never holding a corpus in memory.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..errors import StorylineError
from ..model import RawDocument
from .decode import decode, without_surrogates
from .jsonl import iter_json, iter_jsonl
from .markdown import has_front_matter, read_markdown
from .sources import MAX_DOCUMENT_BYTES, Source, iter_sources
from .text import read_text

__all__ = ["read_paths", "read_source", "read_string", "Source"]

_HTML_START = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|meta|div|p)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_JSONL_EXT = {".jsonl", ".ndjson"}
_JSON_EXT = {".json"}

ReadResult = RawDocument | tuple[str, StorylineError]


def read_paths(paths: list[str], max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[ReadResult]:
    """Every document under ``paths``, in order; errors come as ``(source, error)`` pairs."""
    for src in iter_sources(paths):
        if isinstance(src, tuple):
            yield src
            continue
        yield from read_source(src, max_bytes)


def read_source(src: Source, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[ReadResult]:
    try:
        if src.suffix in _JSONL_EXT:
            stream = src.open()
            try:
                yield from iter_jsonl(stream, src.name, max_bytes)
            finally:
                stream.close()
            return
        data = src.read_bytes(max_bytes)
        text, encoding = decode(data)
    except StorylineError as e:
        yield src.name, e
        return
    except (OSError, EOFError) as e:  # a truncated or corrupt .gz
        yield src.name, _read_error(e)
        return
    if src.suffix in _JSON_EXT or (src.suffix not in _HTML_EXT and text.lstrip()[:1] in "[{" and _looks_json(text)):
        yield from iter_json(text, src.name)
        return
    try:
        yield read_string(text, src.name, suffix=src.suffix)
    except StorylineError as e:
        yield src.name, e


def read_string(text: str, source: str, suffix: str = "") -> RawDocument:
    """One document from its decoded text; the format is chosen by extension, then by content."""
    if suffix in _HTML_EXT or _HTML_START.match(text[:4096]):
        from .html import read_html  # lazy: keeps start-up light when no HTML is read

        return without_surrogates(read_html(text, source))
    if has_front_matter(text) or suffix in {".md", ".markdown"}:
        return without_surrogates(read_markdown(text, source))
    return without_surrogates(read_text(text, source))



def _looks_json(text: str) -> bool:
    s = text.strip()
    return (s[0], s[-1]) in {("[", "]"), ("{", "}")}


def _read_error(e: Exception) -> StorylineError:
    from ..errors import ReadError

    return ReadError(f"cannot read: {e}")
