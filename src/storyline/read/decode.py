"""Bytes to text: binary detection and encoding fallbacks.

Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); then strict UTF-8; then Windows-1252 (a
superset of the printable Latin-1 range, and what "Latin-1" files from the web usually are);
then Latin-1, which decodes any byte. Binary content is refused before any of that: known file
signatures, NUL bytes, or a high share of control characters in the first 8 KiB.
"""
from __future__ import annotations

import codecs
import dataclasses
import re

from ..errors import BinaryDocument, EmptyDocument
from ..model import RawDocument

_SNIFF = 8192
# A share of C0 control characters (other than tab, newline, carriage return, form feed) above
# which a text is taken for binary. Real text has none; a few stray ones are tolerated.
_MAX_CONTROL_SHARE = 0.02

_SIGNATURES = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or office document)"),
    (b"\x7fELF", "an executable"),
    (b"\x1f\x8b", "gzip data inside gzip"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"SQLite format 3", "an SQLite database"),
    (b"RIFF", "a media file"),
    (b"ID3", "an MP3 file"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Decodes a document's bytes; returns ``(text, encoding)``.

    Raises :class:`EmptyDocument` for empty or whitespace-only content and
    :class:`BinaryDocument` for binary content.
    """
    if not data.strip():
        raise EmptyDocument("empty document")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise BinaryDocument(f"bad {enc} text after a byte-order mark: {e.reason}") from None
            return _check_text(text), enc
    head = data[:_SNIFF]
    for sig, what in _SIGNATURES:
        if head.startswith(sig):
            raise BinaryDocument(f"binary file ({what}), not text")
    if b"\x00" in head:
        raise BinaryDocument("binary file (NUL bytes), not text")
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return _check_text(data.decode(enc)), enc
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


def _check_text(text: str) -> str:
    head = text[:_SNIFF]
    controls = sum(1 for c in head if ord(c) < 32 and c not in "\t\n\r\f") + head.count("\x7f")
    if head and controls / len(head) > _MAX_CONTROL_SHARE:
        raise BinaryDocument("binary file (control characters), not text")
    if not text.strip():
        raise EmptyDocument("empty document")
    return text


# A UTF-16 surrogate on its own is not a character. Decoding never makes one, but escapes in JSON
# ("\\udcff") and YAML do, and Python keeps undecodable bytes of file names as such; a document
# holding one cannot be written out as UTF-8 (printing or storing it fails).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(doc: RawDocument) -> RawDocument:
    """The document with every lone surrogate (in its text, fields and metadata) replaced by
    U+FFFD, the replacement character; the same document when it has none (the usual case)."""
    changes = {f: _scrub(getattr(doc, f)) for f in ("source", "body", "title", "published", "author", "url", "outlet")
               if isinstance(getattr(doc, f), str) and _LONE_SURROGATE.search(getattr(doc, f))}
    metadata = _scrub(doc.metadata)
    if metadata != doc.metadata:
        changes["metadata"] = metadata
    return dataclasses.replace(doc, **changes) if changes else doc


def _scrub(value):
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_scrub(v) for v in value)
    return value
