"""Markdown (or text) with YAML front matter.

The front matter (between ``---`` lines at the very top) becomes metadata: title, date (with time),
author, categories, tags, excerpt, and any other keys. PyYAML's safe loader parses it; a block that
is unclosed, is not valid YAML, or is not a mapping raises :class:`BadFrontMatter`. The Markdown
body is turned into plain text: headings, emphasis, links and images lose their markup, and an
image line (``![caption](path)``) is dropped.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import yaml

from ..errors import BadFrontMatter
from ..model import RawDocument
from .published import normalize_published

# Front matter is a few lines of metadata; a longer block is not front matter but a broken file.
MAX_FRONT_MATTER = 64 * 1024
# Most values (keys' values, list items, nested entries) front matter may hold once aliases are expanded.
MAX_METADATA_NODES = 10_000

_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

# Link and image patterns never let a bracket or parenthesis part run past the next bracket of its
# kind or a line end, and emphasis never past the next delimiter: each scan from one opening stops
# where the next opening begins, so a line of 20,000 "[" or "**a " is linear, not quadratic
# (the unbounded forms took 3 s and 18 s on 80 KB; found by tests/fuzz).
_URL = r"\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"\n]*\")?\)"  # (url) or (url "title")
_IMAGE_LINE = re.compile(r"^[ \t]*!\[[^\[\]\n]*\]" + _URL + r"[ \t]*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]" + _URL)
_LINK = re.compile(r"\[([^\[\]\n]+)\]" + _URL)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.MULTILINE)
_EMPHASIS = re.compile(r"\*\*(?=\S)(?P<strong>(?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*"
                       r"|__(?=\S)(?P<under>(?:[^_\n]|_(?!_))+?)(?<=\S)__"
                       r"|(?<![\w*])\*(?=\S)(?P<em>[^*\n]+?)(?<=\S)\*(?![\w*])")
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_HTML_TAG = re.compile(r"</?(?:br|p|div|span|em|strong|b|i|a)\b[^<>]*>", re.IGNORECASE)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a timestamp naming no real day ("date: 2024-13-45") stays
    a string instead of failing the whole block: the date reader then judges it like any other."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


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
            loaded = yaml.load(block, Loader=_Loader) if block.strip() else {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise BadFrontMatter(f"broken front matter{where}: {getattr(e, 'problem', None) or 'invalid YAML'}") from None
        except ValueError as e:  # a value YAML's constructors refuse: a 5,000-digit integer
            raise BadFrontMatter(f"broken front matter: {str(e).split(';')[0]}") from None
        except RecursionError:
            raise BadFrontMatter("broken front matter: nested too deeply") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise BadFrontMatter("front matter is not a set of 'key: value' lines")
        budget = [MAX_METADATA_NODES]
        metadata = {_key(k): _plain(v, budget) for k, v in loaded.items()}
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


def _plain(v, budget: list[int]):
    """YAML values as strict-JSON values: dates become ISO strings, binary and non-finite numbers
    strings, sets sorted lists.

    ``budget`` counts the values still allowed: YAML aliases let a few lines of front matter stand
    for billions of values ("billion laughs"), which copying out would never finish.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise BadFrontMatter(f"front matter too complex (over {MAX_METADATA_NODES} values)")
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {_key(k): _plain(x, budget) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x, budget) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted((_plain(x, budget) for x in v), key=str)
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("utf-8", errors="replace")
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def _key(k) -> str:
    """A metadata key as a string (YAML allows numbers, dates, even lists as keys)."""
    return k.isoformat() if isinstance(k, (dt.date, dt.datetime)) else str(k)


def _heading_text(m: re.Match) -> str:
    """An ATX heading's text without its closing hashes ("## Title ##" -> "Title"). Done with string
    methods: a regex for the trailing run backtracks quadratically over long runs of spaces."""
    text = m.group(1).rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip(" \t")
    return text


def markdown_to_text(md: str) -> str:
    """Markdown to plain text, keeping paragraphs and every character of prose."""
    s = _IMAGE_LINE.sub("", md)
    s = _IMAGE.sub(r"\1", s)
    s = _LINK.sub(r"\1", s)
    s = _HEADING.sub(_heading_text, s)
    s = _RULE.sub("", s)
    s = _BLOCKQUOTE.sub("", s)
    s = _HTML_TAG.sub("", s)
    s = _EMPHASIS.sub(lambda m: m.group("strong") or m.group("under") or m.group("em"), s)
    return s
