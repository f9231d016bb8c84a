"""Articles as JSON Lines (one object per line) or a JSON array of objects.

Each record has the body as ``text`` (plain text) or ``html`` (a page, read with the HTML reader),
plus optional ``url``, ``title``, ``date``/``published``, ``author`` and ``outlet``. JSON Lines files
are streamed line by line; a broken line is an error for that record only, named ``FILE:LINE``.
"""
from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

from ..errors import BadRecord, DocumentTooLarge, StorylineError
from ..model import RawDocument
from .decode import decode, without_surrogates
from .published import normalize_published

_TEXT_KEYS = ("text", "body", "content", "article", "maintext")
_HTML_KEYS = ("html", "raw_html", "page")
_DATE_KEYS = ("date", "published", "published_at", "date_publish", "pubdate", "datePublished", "seendate")
_TITLE_KEYS = ("title", "headline")
_OUTLET_KEYS = ("outlet", "source_name", "site_name", "publisher", "domain", "source_domain")


def iter_jsonl(stream: BinaryIO, name: str, max_line_bytes: int) -> Iterator[RawDocument | tuple[str, StorylineError]]:
    """One RawDocument (or an error) per non-empty line."""
    for lineno, line in enumerate(_lines(stream, max_line_bytes), 1):
        where = f"{name}:{lineno}"
        if isinstance(line, StorylineError):
            yield where, line
            continue
        if not line.strip():
            continue
        try:
            text, _ = decode(line)
            yield record_to_document(_loads(text, line=False), where)
        except StorylineError as e:
            yield where, e


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | StorylineError]:
    """Lines of a binary stream, refusing (and skipping) a line longer than ``limit``."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            # skip the rest of the oversized line without holding it
            while True:
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield DocumentTooLarge(f"record too large (over {limit // (1024 * 1024)} MB)")
            continue
        yield line


def iter_json(data: str, name: str) -> Iterator[RawDocument | tuple[str, StorylineError]]:
    """A JSON document: an array of articles, an object with an ``articles`` list, or one article."""
    try:
        obj = _loads(data, line=True)
    except BadRecord as e:
        yield name, e
        return
    if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
        obj = obj["articles"]
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records):
        where = f"{name}[{i}]" if isinstance(obj, list) else name
        try:
            yield record_to_document(rec, where)
        except StorylineError as e:
            yield where, e


def _loads(text: str, line: bool) -> Any:
    """Parses JSON; anything it cannot take is a :class:`BadRecord`.

    Besides syntax errors that covers what the parser refuses with other exceptions: integers of
    more than 4,300 digits (``ValueError``) and nesting deeper than the interpreter's recursion
    limit (``RecursionError``). The non-standard constants ``NaN`` and ``Infinity`` become ``None``,
    so records stay strict JSON when written out again.
    """
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}" if line else f"column {e.colno}"
        raise BadRecord(f"invalid JSON: {e.msg} at {where}") from None
    except ValueError as e:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise BadRecord(f"invalid JSON: {str(e).split(';')[0]}") from None
    except RecursionError:
        raise BadRecord("invalid JSON: nested too deeply") from None


def _no_constant(name: str) -> None:
    return None


def record_to_document(obj: Any, where: str) -> RawDocument:
    return without_surrogates(_record_to_document(obj, where))


def _record_to_document(obj: Any, where: str) -> RawDocument:
    if not isinstance(obj, dict):
        raise BadRecord(f"a record must be a JSON object, not {type(obj).__name__}")
    url = _str(obj.get("url") or obj.get("link"))
    source = url or where
    html = _first(obj, _HTML_KEYS)
    text = _first(obj, _TEXT_KEYS)
    title = _first(obj, _TITLE_KEYS)
    published = normalize_published(_first(obj, _DATE_KEYS))
    author = obj.get("author") or obj.get("authors")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    outlet = _first(obj, _OUTLET_KEYS)
    extra = {k: v for k, v in obj.items() if k not in _HTML_KEYS + _TEXT_KEYS}
    extra["record"] = where
    if html and not (text and str(text).strip()):
        from .html import read_html  # lazy: trafilatura is only imported when HTML is met

        doc = read_html(str(html), source, url=url)
        return RawDocument(
            source=source, kind="html", body=doc.body, title=_str(title) or doc.title,
            published=published or doc.published, author=_str(author) or doc.author,
            url=url or doc.url, outlet=_str(outlet) or doc.outlet, metadata={**doc.metadata, **extra},
        )
    if text is None or not str(text).strip():
        raise BadRecord("record has no 'text' or 'html' field")
    return RawDocument(
        source=source, kind="text", body=str(text), title=_str(title), published=published,
        author=_str(author), url=url, outlet=_str(outlet), metadata=extra,
    )


def _first(obj: dict, keys: tuple[str, ...]):
    for k in keys:
        v = obj.get(k)
        if v not in (None, ""):
            return v
    return None


def _str(v) -> str | None:
    return str(v).strip() or None if v not in (None, "") else None
