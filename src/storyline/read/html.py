"""HTML reader: an article page (already decoded to ``str``) → :class:`RawDocument`.

The body is found by trafilatura 2.3, chosen from measurements on the Zyte article-extraction
benchmark (181 real pages, 4-token shingle F1 by the benchmark's own ``evaluate.py``):

==========================================  ======  =====  =====  ========
configuration                               F1      P      R      ms/page
==========================================  ======  =====  =====  ========
trafilatura defaults (comments included)    0.953   0.928  0.978  13
``include_comments=False``                  0.960   0.942  0.978  13
... + ``favor_precision=True``              0.964   0.958  0.971  13
... + ``favor_recall=True`` instead         0.959   0.941  0.979   8
... + ``deduplicate=True`` instead          0.951   0.942  0.961  13
trafilatura ``baseline()``                  0.855   0.802  0.915   4
this module (see below)                     see ``storyline evaluate html``
==========================================  ======  =====  =====  ========

What this module adds on top of the precision setting, each measured on the same benchmark:

* **Fallback when precision loses the article.** Precision mode sometimes keeps only a reprint
  notice. When its text is short (< ``FALLBACK_BELOW_CHARS``) we also run the balanced setting and
  take it if precision kept less than ``FALLBACK_RATIO`` of it.
* **Link-dense blocks.** trafilatura is asked to keep links (``<ref>``) so that each block's share
  of linked text can be measured: a paragraph or list item that is almost all link text is a
  "related stories" teaser or a "Read more: <headline>" line, not article prose. A short label
  right before such a run ("Related", "DON'T MISS") goes with it.
* **Promotional lines** common to English news pages (follow us, sign up, share this story,
  subscribe, "Click here") and a first line that repeats the headline.

Dates come from the page only: htmldate (through which trafilatura finds dates) is called with an
empty URL so that it cannot read a date out of the address, and without its extensive text
search, which guesses from free text. It never falls back to today's date. When nothing in the
markup, JSON-LD or a timestamp on the page gives a date, ``published`` is ``None``.

Decoding bytes is the caller's job; this reader receives text.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from storyline.errors import NoArticle
from storyline.model import RawDocument

LOGGER = logging.getLogger(__name__)

# --- tuned thresholds (measured on the article-extraction benchmark) -------------------------

#: Precision output shorter than this (chars) is checked against the balanced setting.
FALLBACK_BELOW_CHARS = 1500
#: ... and replaced by it when it holds less than this share of the balanced output's length.
FALLBACK_RATIO = 0.25
#: A block is a link teaser when one link's text makes up at least this share of it ...
LINK_SHARE_MIN = 0.8
#: ... and the block is at most this long (chars): longer blocks are prose even when linked.
TEASER_MAX_CHARS = 200
#: Links shorter than this (chars) are not looked at ("Home", "More").
TEASER_MIN_CHARS = 12
#: A label before a run of link teasers ("Related", "DON'T MISS") has at most this many words.
LABEL_MAX_WORDS = 4
# Letters (\w characters) rather than words, so that Chinese and Japanese text counts fairly.
#: A page is an article only with at least this many letters of body text ...
MIN_BODY_LETTERS = 120
#: ... and either one paragraph of this many letters that ends like prose ...
MIN_PROSE_PARAGRAPH_LETTERS = 40
#: ... or this many letters in all (lists, tables, calendars).
MIN_LIST_BODY_LETTERS = 400

# Elements of trafilatura's XML output that start and end a block of text.
_BLOCK_TAGS = frozenset({"p", "head", "item", "row", "quote", "code", "list", "table", "div", "body"})

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"\w")
_PROSE_END = re.compile(r"[.!?…:;\"”’)\]。！？」』]\s*$")

# Promotional lines of English news pages. Each pattern must match the whole block, is anchored
# at its start and is kept short-ranged so that article sentences mentioning these words survive.
_PROMO_LINES = re.compile(
    r"""^(?:
        (?:please\s+)?follow\s+(?:us|him|her|them|[\w.@'’ -]{1,60}?)\s+on\s+(?:twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky)\b.{0,200}
      | (?:click|tap)\s+here\b.{0,120}
      | sign\s+up\s+(?:for|to)\b.{0,200}
      | subscribe\s+(?:to|now|today|for)\b.{0,200}
      | get\s+(?:the|our)\s+(?:latest|best|top|daily|free)\b.{0,80}(?:newsletter|inbox|email|delivered).{0,120}
      | (?:like|enjoy(?:ed)?|love)\s+this\s+(?:story|article)\?.{0,80}
      | share\s+(?:this|the)\s+(?:story|article)\b.{0,80}
      | (?:read|see|watch)\s+(?:more|also|next|the\s+latest)\s*[:|].{0,200}
      | related\s*(?:stories|articles|coverage|content|reading)?\s*:.{0,200}
      | tell\s+us\s+what\s+you\s+think\b.{0,40}
      | (?:\d+\s+)?comments?\s*
      | advertisement\s*
      | this\s+copy\s+is\s+for\s+your\s+personal,?\s+non-commercial\s+use\s+only\b.{0,400}
    )$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)

# Author strings sometimes come with the byline's date label glued on ("Jane Doe Published 5 pm").
_AUTHOR_TAIL = re.compile(
    r"\s*(?:[|,•·–—-]\s*)?\b(?:published|updated|posted|last\s+updated|modified|on)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_AUTHOR_HEAD = re.compile(r"^\s*(?:by|written\s+by|words\s+by)\s*[:\-]?\s+", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")

_LANG_META = (
    ('meta[@http-equiv="content-language"]', "content"),
    ('meta[@property="og:locale"]', "content"),
    ('meta[@name="language"]', "content"),
)


def read_html(html: str, source: str, url: str | None = None) -> RawDocument:
    """Extracts the article of an HTML page.

    Raises :class:`NoArticle` when the page holds no article body (a login page, an index).
    """
    tree = _parse(html)
    if tree is None:
        raise NoArticle("no article text found")
    meta = _metadata(tree, url)
    paragraphs = _body_paragraphs(tree, url, meta.get("title"))
    if not _is_article(paragraphs):
        raise NoArticle("no article text found")
    page_url = url or meta.get("url")
    return RawDocument(
        source=source,
        kind="html",
        body="\n\n".join(paragraphs),
        title=meta.get("title"),
        published=_published(tree),
        author=_clean_author(meta.get("author")),
        url=page_url,
        outlet=meta.get("sitename") or _domain(page_url),
        metadata=_extra_metadata(tree, meta),
    )


# ---------------------------------------------------------------------------------------------
# Parsing and body


def _parse(html: str) -> HtmlElement | None:
    from trafilatura.utils import load_html

    if not html or not html.strip():
        return None
    try:
        return load_html(html)
    except (ValueError, TypeError) as err:  # lxml refuses some inputs (e.g. NUL bytes)
        LOGGER.debug("unparseable HTML: %s", err)
        return None


def _extract(tree: HtmlElement, url: str | None, **options: Any) -> list[str]:
    """One trafilatura pass → the body's blocks (empty when trafilatura finds nothing)."""
    from trafilatura.core import bare_extraction

    try:
        doc = bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_links=False,
            with_metadata=False,
            **options,
        )
    except RecursionError:  # pathologically deep markup
        LOGGER.debug("markup too deep for extraction: %s", url)
        return []
    if doc is None or doc.body is None:
        return []
    return _blocks(doc.body)


def _body_paragraphs(tree: HtmlElement, url: str | None, title: str | None) -> list[str]:
    blocks = _extract(tree, url, favor_precision=True)
    length = _length(blocks)
    if length < FALLBACK_BELOW_CHARS:
        balanced = _extract(tree, url)
        if length < FALLBACK_RATIO * _length(balanced):
            blocks = balanced
    return _filter(blocks, title, _AnchorTexts(tree))


def _length(blocks: list[str]) -> int:
    return sum(len(b) for b in blocks)


def _blocks(body: Any) -> list[str]:
    """Flattens trafilatura's XML body into blocks of text: paragraphs, headings, list items."""
    blocks: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        text = _WS.sub(" ", "".join(parts)).strip()
        if text:
            blocks.append(text)
        parts.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS or tag == "lb":
            flush()
        elif tag == "cell" and parts:
            parts.append(" | ")
        if el.text and tag != "lb":
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            flush()
        if el.tail:
            parts.append(el.tail)

    walk(body)
    flush()
    return blocks


class _AnchorTexts:
    """The texts of the page's links, to recognise blocks that are nothing but a link.

    trafilatura can keep links in its output (``include_links``) but then loses the text before
    some of them, so link text is looked up in the page instead.
    """

    def __init__(self, tree: HtmlElement) -> None:
        texts = set()
        for anchor in tree.iter("a"):
            text = _key(anchor.text_content())
            if len(text) >= TEASER_MIN_CHARS:
                texts.add(text)
        self._by_length = sorted(texts, key=len)
        self._lengths = [len(t) for t in self._by_length]

    def covers(self, block: str) -> bool:
        """Whether one link's text makes up at least ``LINK_SHARE_MIN`` of the block."""
        key = _key(block)
        if not key or len(key) > TEASER_MAX_CHARS:
            return False
        lo = bisect_left(self._lengths, int(len(key) * LINK_SHARE_MIN))
        hi = bisect_right(self._lengths, len(key))
        return any(text in key for text in self._by_length[lo:hi])


def _key(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def _filter(blocks: list[str], title: str | None, anchors: _AnchorTexts) -> list[str]:
    """Drops link teasers (and their labels), promotional lines and a repeated headline."""
    teaser = [anchors.covers(b) for b in blocks]
    keep: list[str] = []
    for i, text in enumerate(blocks):
        if teaser[i] or not _WORD.search(text) or _PROMO_LINES.match(text):
            continue
        if _is_label(text) and i + 1 < len(blocks) and teaser[i + 1]:
            continue
        keep.append(text)
    if keep and title and _same_words(keep[0], title):
        keep.pop(0)
    return keep


def _is_label(text: str) -> bool:
    return len(_WORD.findall(text)) <= LABEL_MAX_WORDS and not _PROSE_END.search(text)


def _same_words(a: str, b: str) -> bool:
    return [w.lower() for w in _WORD.findall(a)] == [w.lower() for w in _WORD.findall(b)]


def _is_article(paragraphs: list[str]) -> bool:
    letters = [len(_LETTER.findall(p)) for p in paragraphs]
    total = sum(letters)
    if total < MIN_BODY_LETTERS:
        return False
    if total >= MIN_LIST_BODY_LETTERS:
        return True
    return any(n >= MIN_PROSE_PARAGRAPH_LETTERS and _PROSE_END.search(p) for n, p in zip(letters, paragraphs))


# ---------------------------------------------------------------------------------------------
# Metadata


def _metadata(tree: HtmlElement, url: str | None) -> dict[str, Any]:
    """trafilatura's metadata (meta tags, JSON-LD, bylines) except the date, found separately."""
    from trafilatura.metadata import extract_metadata

    try:
        # The date here would be allowed to come from the URL: it is ignored (see _published),
        # and the cheap search keeps the cost down.
        doc = extract_metadata(tree, default_url=url, date_config={"extensive_search": False})
    except Exception as err:  # noqa: BLE001 - a metadata failure must not lose the article
        LOGGER.debug("metadata extraction failed for %s: %s", url, err)
        return {}
    return {k: v for k, v in doc.as_dict().items() if isinstance(v, (str, list, tuple, set)) and v}


def _published(tree: HtmlElement) -> str | None:
    """The page's own publication date: markup, JSON-LD or a timestamp, never the URL or today."""
    from htmldate import find_date

    try:
        return find_date(tree, extensive_search=False, original_date=True, url="")
    except Exception as err:  # noqa: BLE001 - a date failure must not lose the article
        LOGGER.debug("date extraction failed: %s", err)
        return None


def _clean_author(author: str | None) -> str | None:
    if not author:
        return None
    names = []
    for name in author.split(";"):
        name = _AUTHOR_HEAD.sub("", _AUTHOR_TAIL.sub("", name)).strip(" ,|-–—")
        if name and not _HAS_DIGIT.search(name) and name not in names:
            names.append(name)
    return "; ".join(names) or None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    return host or None


def _language(tree: HtmlElement) -> str | None:
    lang = tree.get("lang") or tree.get("xml:lang")
    if not lang:
        for path, attr in _LANG_META:
            found = tree.find(f".//{path}")
            if found is not None and found.get(attr):
                lang = found.get(attr)
                break
    if not lang:
        return None
    return lang.strip().replace("_", "-").split("-")[0].lower() or None


def _extra_metadata(tree: HtmlElement, meta: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key in ("description", "categories", "tags", "license", "image", "pagetype", "hostname", "id"):
        value = meta.get(key)
        if value:
            extra[key] = list(value) if isinstance(value, (list, tuple)) else value
    language = _language(tree)
    if language:
        extra["language"] = language
    return extra
