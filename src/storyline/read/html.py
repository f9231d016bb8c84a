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
**this module**                             0.974   0.972  0.976  25
==========================================  ======  =====  =====  ========

Published on the same benchmark: trafilatura 2.0 0.958, rs_trafilatura 0.970, AutoExtract 0.970.
What this module adds on top of the precision setting (F1 of the whole module without each part):

* **Fallback when precision loses the article** (0.971 without). Precision mode sometimes keeps
  only a reprint notice. When its text is short (< ``FALLBACK_BELOW_CHARS``) we also run the
  balanced setting and take it if precision kept less than ``FALLBACK_RATIO`` of it.
* **Link teasers** (0.972 without). A short block that is almost all the text of one of the
  page's links is a "related stories" headline or a "Read more: <headline>" line, not prose; a
  short label right before such a run ("Related", "DON'T MISS") goes with it. Link text is looked
  up in the page, because trafilatura's ``include_links`` loses the text before some links.
  Links of few words or that show an address (URL, e-mail) are content and are not looked at.
* **Promotional lines** common to news pages (follow us on..., newsletter sign-ups, "Click here",
  "Like this story?", reprint notices) (0.973 without) and a first line that repeats the
  headline (0.972 without).

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

from lxml.etree import iterwalk
from lxml.html import HtmlElement

from storyline.errors import DocumentTooLarge, NoArticle
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
#: Links of fewer words than this are not looked at ("Home", "Ticketing", a product name):
#: teasers are headlines.
TEASER_MIN_WORDS = 5
#: A label before a run of link teasers ("Related", "DON'T MISS") has at most this many words.
LABEL_MAX_WORDS = 4
# Letters (\w characters) rather than words, so that Chinese and Japanese text counts fairly.
#: A page is an article only with at least this many letters of body text ...
MIN_BODY_LETTERS = 120
#: ... and either one paragraph of this many letters that ends like prose ...
MIN_PROSE_PARAGRAPH_LETTERS = 40
#: ... or this many letters in all (lists, tables, calendars).
MIN_LIST_BODY_LETTERS = 400

#: A page with more elements than this is refused (DocumentTooLarge). Real article pages have a few
#: hundred to a few thousand (at most 1,600 in the benchmark's 181 pages; page-speed audits call
#: 1,500 "excessive"). Extraction is linear in the elements but slow on pages made to be large:
#: up to ~7 s for 50,000 (a run of one-line ``<div><p>`` blocks, the slowest shape found).
MAX_ELEMENTS = 50_000

#: libxml2 stops nesting at 256 levels (and drops what lies deeper) unless in "huge" mode ...
PARSER_DEPTH_LIMIT = 255
#: ... where it stops at 2048.
HUGE_DEPTH_LIMIT = 2047
# Tags that only group other content: dropped from pages nested deeper than the huge limit.
_CONTAINER_TAG = re.compile(
    r"</?(?:div|span|section|article|main|aside|font|center|b|i|u|em|strong|small|big)\b[^>]*>", re.IGNORECASE
)

# Elements of trafilatura's XML output that start and end a block of text.
_BLOCK_TAGS = frozenset({"p", "head", "item", "row", "quote", "code", "list", "table", "div", "body"})

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# A link that shows its own address (URL, domain, e-mail) is content, not a teaser.
_SHOWN_ADDRESS = re.compile(r"://|^www\.|\S@\S|^\S+\.[a-z]{2,}\S*$", re.IGNORECASE)
_LETTER = re.compile(r"\w")
_PROSE_END = re.compile(r"[.!?…:;\"”’)\]。！？」』]\s*$")

# Promotional lines of English news pages. Each pattern must match the whole block, is anchored
# at its start and is kept short-ranged so that article sentences mentioning these words survive.
_PROMO_LINES = re.compile(
    r"""^(?:
        (?:please\s+)?follow\s+(?:us|him|her|them|[\w.@'’ -]{1,60}?)\s+on\s+(?:twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky)\b.{0,200}
      | (?:click|tap)\s+here\b.{0,120}
      | (?:sign\s+up|subscribe|register)\b.{0,120}\b(?:newsletters?|inbox|e-?mails?|alerts|briefings?|updates)\b.{0,120}
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

# Bylines as trafilatura reads them may carry the byline's date label ("Jane Doe Published 5 pm"),
# a weekday or month of the date ("Jeff Foust Monday; November"), a job title ("Staff writer",
# "AP National Political Writer", "Phil Helsel is a reporter") or a lead-in ("Analysis by").
_AUTHOR_TAIL = re.compile(
    r"\s*(?:[|,•·–—-]\s*)?\b(?:published|updated|posted|last\s+updated|modified|on)\b.*$"
    r"|\s+(?:is|was)\s+an?\s.*$",
    re.IGNORECASE | re.DOTALL,
)
_AUTHOR_HEAD = re.compile(
    r"^\s*(?:(?:analysis|opinion|commentary|story|text|reporting|written|words)\s+)?by\s*[:\-]?\s+",
    re.IGNORECASE,
)
_AUTHOR_ROLE = re.compile(
    r"(?:^|\s+)(?:(?:ap|associated\s+press|news|staff|senior|chief|national|political|politics|sports?|"
    r"auto|business|health|science|foreign|contributing|special|investigative|tech(?:nology)?|"
    r"security|legal|white\s+house|global|economics?|entertainment|deputy|managing)\s+)*"
    r"(?:writer|reporter|correspondent|editor(?:-at-large)?|columnist|contributor|journalist)s?\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_MONTHS = "january february march april may june july august september october november december"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_DATE_WORDS = frozenset((_MONTHS + " " + _WEEKDAYS).split())
#: Short all-capital tokens standing alone are credentials (MS, RDN, PhD), not names.
_CREDENTIAL = re.compile(r"^(?:[A-Z]{1,4}|Ph\.?D\.?|M\.?D\.?)$")
_HAS_DIGIT = re.compile(r"\d")
_NOT_ALNUM = re.compile(r"[\W_]+")

# Separators between a headline and the site name in <title> ("Headline | Site", "Site - Headline").
# (Not the colon: headlines use it.)
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—-]|::)\s+")
#: A site-name part of a title has at most this many words ("The New York Times").
SITE_NAME_MAX_WORDS = 5
_URLISH = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_BAD_SITENAME = re.compile(r"copyright|©|^hosted$", re.IGNORECASE)

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
    elements = _count_elements(tree)
    if elements > MAX_ELEMENTS:
        raise DocumentTooLarge(f"page too large ({elements:,} HTML elements; limit {MAX_ELEMENTS:,})")
    meta = _metadata(tree, url)
    page_url = url or meta.get("url")
    outlet = _outlet(meta.get("sitename"), page_url)
    title = _clean_title(meta.get("title"), outlet, page_url)
    paragraphs = _body_paragraphs(tree, url, title)
    if not _is_article(paragraphs):
        raise NoArticle("no article text found")
    return RawDocument(
        source=source,
        kind="html",
        body="\n\n".join(paragraphs),
        title=title,
        published=_published(tree),
        author=_clean_author(meta.get("author"), outlet, page_url),
        url=page_url,
        outlet=outlet,
        metadata=_extra_metadata(tree, meta),
    )


# ---------------------------------------------------------------------------------------------
# Parsing and body


def _parse(html: str) -> HtmlElement | None:
    from trafilatura.utils import load_html

    if not html or not html.strip():
        return None
    try:
        tree = load_html(html)
    except (ValueError, TypeError) as err:  # lxml refuses some inputs (e.g. NUL bytes)
        LOGGER.debug("unparseable HTML: %s", err)
        return None
    if tree is not None and _depth(tree) >= PARSER_DEPTH_LIMIT:
        tree = _parse_deep(html)
    return tree


def _parse_deep(html: str) -> HtmlElement | None:
    """Parses pathologically nested markup, which libxml2 otherwise cuts off at depth 256.

    The parser's "huge" mode allows 2048 levels; beyond that, container and inline tags (which
    carry no text of their own) are dropped so that the text survives.
    """
    from lxml.etree import ParserError
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(huge_tree=True, remove_comments=True)
    try:
        tree = document_fromstring(html, parser=parser)
        if _depth(tree) >= HUGE_DEPTH_LIMIT:
            tree = document_fromstring(_CONTAINER_TAG.sub(" ", html), parser=parser)
    except (ParserError, ValueError) as err:
        LOGGER.debug("unparseable deep HTML: %s", err)
        return None
    return tree


def _depth(tree: HtmlElement) -> int:
    """The nesting depth of the tree (about 0.4 ms for a news page)."""
    depth = deepest = 0
    for event, _ in iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _extract(tree: HtmlElement, url: str | None, **options: Any) -> list[str]:
    """One trafilatura pass → the body's blocks (empty when trafilatura finds nothing)."""
    from trafilatura.core import bare_extraction

    from .justext_linear import install

    install()  # trafilatura's justext fallback in linear time (see justext_linear)

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


def _count_elements(tree: HtmlElement) -> int:
    """How many elements the page has (5 ms per 100,000)."""
    return sum(1 for _ in tree.iter())


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
            if len(_WORD.findall(text)) >= TEASER_MIN_WORDS and not _SHOWN_ADDRESS.search(text):
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


def _clean_author(author: str | None, outlet: str | None = None, url: str | None = None) -> str | None:
    """Keeps the names of a byline, without date labels, job titles, credentials or the site."""
    if not author:
        return None
    names: list[str] = []
    for raw in author.split(";"):
        name = _AUTHOR_HEAD.sub("", _AUTHOR_TAIL.sub("", raw.strip()))
        name = _AUTHOR_ROLE.sub("", name).strip(" ,|-–—")
        words = name.split()
        # A trailing weekday, or month after a full name, is the byline's date, not a surname.
        while len(words) >= 2 and words[-1].casefold() in _DATE_WORDS and (
            len(words) >= 3 or words[-1].casefold() in _WEEKDAYS.split()
        ):
            words.pop()
        name = " ".join(words)
        if (
            not name
            or _HAS_DIGIT.search(name)
            or name.casefold() in _DATE_WORDS
            or (_CREDENTIAL.match(name) and names)
            or name in names
        ):
            continue
        names.append(name)
    site_keys = _site_keys(outlet, url)
    people = [n for n in names if not _is_site_name(n, site_keys)]
    return "; ".join(people or names) or None


def _outlet(sitename: str | None, url: str | None) -> str | None:
    if sitename and not _URLISH.search(sitename) and not _BAD_SITENAME.search(sitename):
        return sitename
    return _domain(url)


def _clean_title(title: str | None, outlet: str | None, url: str | None) -> str | None:
    """Removes the site name that pages append to (or put before) the headline in <title>."""
    if not title:
        return None
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    site_keys = _site_keys(outlet, url)

    def is_site(part: str) -> bool:
        return len(part.split()) <= SITE_NAME_MAX_WORDS and _is_site_name(part, site_keys)

    if is_site(parts[-1]):
        title = title[: title.rindex(parts[-1])]
    elif is_site(parts[0]):
        title = title[len(parts[0]):]
    else:
        return title
    return title.strip(" |–—:-") or None


def _site_keys(outlet: str | None, url: str | None) -> set[str]:
    domain = _domain(url) or ""
    return {k for k in (_squash(outlet), _squash(domain), _squash(domain.split(".")[0])) if len(k) >= 3}


def _is_site_name(text: str, site_keys: set[str]) -> bool:
    """Whether ``text`` names the site itself ("NYTimes.com", "The Verge", "CNN Business")."""
    key = _squash(text)
    return bool(key) and any(key == k or key.startswith(k) or k.startswith(key) or key == "the" + k for k in site_keys)


def _squash(text: str | None) -> str:
    return _NOT_ALNUM.sub("", text or "").casefold()


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
