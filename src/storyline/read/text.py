"""Plain-text articles, including the date-prefix form ``" date YYYY-MM-DD <first paragraph>"``.

The date prefix and the text share the first line. What follows is left to the cleaner, which finds
the headline, captions and other furniture by rule.
"""
from __future__ import annotations

import re

from ..model import RawDocument
from .published import normalize_published

# " date 2024-04-07 Text..." — the word "date", a date token, then the text on the same line.
_DATE_PREFIX = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\S+)[ \t]*", re.IGNORECASE)


def read_text(text: str, source: str) -> RawDocument:
    published = None
    metadata = {}
    m = _DATE_PREFIX.match(text)
    if m and re.match(r"\d{4}-\d{1,2}-\d{1,2}", m[1]):
        published = normalize_published(m[1])  # raises BadDate for an impossible day
        metadata["date_prefix"] = m[1]
        text = text[m.end():]
    return RawDocument(source=source, kind="text", body=text, published=published, metadata=metadata)
