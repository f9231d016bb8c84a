"""Markdown (or text) with YAML front matter.

The front matter (between ``---`` lines at the very top) becomes metadata: title, date (with time),
author, categories, tags, excerpt, and any other keys. PyYAML's safe loader parses it; a block that
is unclosed, is not valid YAML, or is not a mapping raises :class:`BadFrontMatter`. The Markdown
body is turned into plain text: headings, emphasis, links and images lose their markup, and an
image line (``![caption](path)``) is dropped.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from ..errors import BadFrontMatter
from ..model import RawDocument
from .published import normalize_published

# Front matter is a few lines of metadata; a longer block is not front matter but a broken file.
MAX_FRONT_MATTER = 64 * 1024

_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

_IMAGE_LINE = re.compile(r"^[ \t]*!\[[^\]]*\]\([^)]*\)[ \t]*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_HTML_TAG = re.compile(r"</?(?:br|p|div|span|em|strong|b|i|a)\b[^>]*>", re.IGNORECASE)


def has_front_matter(text: str) -> bool:
    return bool(_OPEN.match(text))


def read_markdown(text: str, source: str) -> RawDocument:
    metadata: dict = {}
    body = text
    m = _OPEN.match(text)
    if m:
        close = _CLOSE.search(text, m.end())
        if not close:
            raise BadFrontMatter("unclosed front matter (no closing '---' line)")
        block = text[m.end():close.start()]
        if len(block) > MAX_FRONT_MATTER:
            raise BadFrontMatter(f"front matter too long ({len(block)} characters)")
        try:
            loaded = yaml.safe_load(block) if block.strip() else {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise BadFrontMatter(f"broken front matter{where}: {getattr(e, 'problem', None) or 'invalid YAML'}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise BadFrontMatter("front matter is not a set of 'key: value' lines")
        metadata = {str(k): _plain(v) for k, v in loaded.items()}
        body = text[close.end():]
    date_value = _first(metadata, "date", "published", "pubdate", "publish_date", "datePublished")
    title = _first(metadata, "title", "headline")
    author = _first(metadata, "author", "authors", "byline")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    outlet = _first(metadata, "outlet", "publisher", "source", "site_name")
    url = _first(metadata, "url", "link", "canonical_url")
    return RawDocument(
        source=source,
        kind="markdown",
        body=markdown_to_text(body),
        title=str(title).strip() if title else None,
        published=normalize_published(date_value),
        author=str(author).strip() if author else None,
        url=str(url) if url else None,
        outlet=str(outlet) if outlet else None,
        metadata=metadata,
    )


def _first(d: dict, *keys: str):
    for k in keys:
        if d.get(k) not in (None, "", []):
            return d[k]
    return None


def _plain(v):
    """YAML values as JSON-friendly values (dates become ISO strings)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def markdown_to_text(md: str) -> str:
    """Markdown to plain text, keeping paragraphs and every character of prose."""
    s = _IMAGE_LINE.sub("", md)
    s = _IMAGE.sub(r"\1", s)
    s = _LINK.sub(r"\1", s)
    s = _HEADING.sub(r"\1", s)
    s = _RULE.sub("", s)
    s = _BLOCKQUOTE.sub("", s)
    s = _HTML_TAG.sub("", s)
    s = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), s)
    return s
