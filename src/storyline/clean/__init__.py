"""Cleaning: a RawDocument's body becomes an Article's text, with every removal recorded.

Steps, in order:
1. normalise: Unicode NFC, ``\\r\\n`` to ``\\n``, non-breaking and zero-width spaces, trailing spaces;
   paragraphs are separated by one blank line (a text with no blank lines has one paragraph per line;
   hard-wrapped lines inside a paragraph are joined);
2. the headline: a plain-text document whose first paragraph looks like a headline (short, no
   sentence-final punctuation) gets it as its title, and the paragraph leaves the body; a paragraph
   repeating the title anywhere later is removed;
3. boilerplate paragraphs (see :mod:`.boilerplate`) are removed with their reason;
4. a location label opening the body ("Palestinian Territories:") and the dateline at the start
   of the first paragraph ("BENGHAZI, Libya (Reuters) -") are recorded as the dateline; the label
   leaves the text, the inline dateline stays (it is part of the lead sentence).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from ..budget import check
from ..errors import NoArticle
from ..model import Article, RawDocument, Removal
from .boilerplate import classify, outlet_from_notice

_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": None,
                         "\u200c": None, "\ufeff": None, "\u2028": "\n", "\u2029": "\n\n", "\t": " "})
_MULTI_BLANK = re.compile(r"\n[ \t]*\n\s*")
_INNER_SPACES = re.compile(r"[ ]{2,}")

# A headline: 3-25 words, no sentence-final punctuation, not a label ending in a colon.
_HEADLINE_MIN_WORDS, _HEADLINE_MAX_WORDS = 3, 25
# A location label ("Palestinian Territories:") is looked for among the first paragraphs only.
_LABEL_WITHIN = 4
# Words are joined by spaces only: a hyphen is already part of a word ("Gaza-Israel"), and letting it
# also separate words made the patterns backtrack exponentially ("A-A-A-...-A x": minutes for
# 400 characters; found by tests/fuzz).
_LABEL = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,4}\s*:$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+){0,3}(?:,\s*[A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+){0,2})?)?"
    r"(?:,\s*(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}))?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w .&-]{0,30})\)\s*)?(?:--|[-–—])\s+"
)


def clean(raw: RawDocument) -> Article:
    """The cleaned Article for a raw document; raises :class:`NoArticle` if nothing is left."""
    paras = _paragraphs(normalize(raw.body))
    removed: list[Removal] = []
    reasons = []
    for p in paras:
        check()
        reasons.append(classify(p))
    title = (raw.title or "").strip() or None
    if title is None and raw.kind == "text":
        body = [i for i, r in enumerate(reasons) if r is None]
        if len(body) >= 2 and looks_like_headline(paras[body[0]]):
            title = paras[body[0]]
            reasons[body[0]] = "headline"
    outlet = raw.outlet
    kept: list[str] = []
    title_key = _key(title) if title else None
    for p, reason in zip(paras, reasons):
        if reason is None and title_key and _key(p) == title_key:
            reason = "repeated-headline"
        if reason:
            removed.append(Removal(reason, p))
            if reason == "syndication" and outlet is None:
                outlet = outlet_from_notice(p)
            continue
        kept.append(p)
    dateline = None
    for i, p in enumerate(kept[:_LABEL_WITHIN]):
        if _LABEL.match(p) and i + 1 < len(kept):
            dateline = kept.pop(i).rstrip(":").strip()
            removed.append(Removal("dateline-label", p))
            break
    metadata = dict(raw.metadata)
    if kept:
        m = _DATELINE.match(kept[0])
        if m and (m.group("agency") or m.group("date") or (m.group("place") and m.group("place").isupper())):
            dateline = dateline or m.group(0).strip(" -–—")
            if m.group("agency"):
                metadata["agency"] = m.group("agency").strip()
    text = "\n\n".join(kept)
    if not text.strip():
        raise NoArticle("no article text left after cleaning" if paras else "no article text")
    return Article(
        id=article_id(raw.source),
        source=raw.source,
        text=text,
        title=title,
        published=raw.published,
        published_inferred=False,
        outlet=outlet,
        author=raw.author,
        url=raw.url,
        language=str(metadata.get("language") or "en"),
        dateline=dateline,
        metadata=metadata,
        removed=tuple(removed),
    )


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_SPACES)
    return "\n".join(_INNER_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _paragraphs(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if not _MULTI_BLANK.search(text):
        return [line for line in text.split("\n") if line.strip()]
    out = []
    for block in _MULTI_BLANK.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            out.append(" ".join(lines))
    return out


def looks_like_headline(p: str) -> bool:
    words = p.split()
    if not _HEADLINE_MIN_WORDS <= len(words) <= _HEADLINE_MAX_WORDS:
        return False
    if p[-1] in ".:;,!" or p.endswith(('."', '.”', ".'", "-", "—")):
        return False
    if _DATELINE.match(p) and "(" in p[:40]:
        return False
    return p[0].isupper() or p[0].isdigit() or p[0] in "'\"‘“"


def _key(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def article_id(source: str) -> str:
    """A stable id for an article: derived from where it came from."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]
