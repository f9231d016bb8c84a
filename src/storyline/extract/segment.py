"""Paragraphs and sentences of a cleaned text, as spans (no copies of the text).

Paragraphs are separated by blank lines (the cleaner's output form). Sentences end at ``.``, ``!``
or ``?`` (optionally followed by closing quotes or brackets) before whitespace and an upper-case
letter, digit or opening quote, except after known abbreviations and initials ("Mr.", "U.S.",
"Jan.", "J. R."). A sentence never crosses a paragraph break.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ..budget import check
from ..model import Span

_PARA_BREAK = re.compile(r"\n\s*\n")

# Abbreviations after which a period does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col maj capt sgt cmdr adm st mt ft jr sr rev hon pres
    messrs mme mlle sra sr sec atty supt insp det cpl pvt brig
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol vs etc al approx est dept univ corp inc ltd co bros fig e.g i.e a.m p.m u.s u.k u.n
    u.s.a e.u d.c""".split()
)

_SENT_END = re.compile(
    r"""(?<=[.!?])            # terminal punctuation
        ["'\u201d\u2019)\]]*  # closing quotes or brackets
        \s+                   # whitespace
        (?=["'\u201c\u2018(\[]?[A-Z0-9])""",
    re.VERBOSE,
)


def paragraphs(text: str) -> tuple[Span, ...]:
    """Spans of the non-empty paragraphs, stripped of surrounding whitespace."""
    out = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        _add_stripped(text, pos, m.start(), out)
        pos = m.end()
    _add_stripped(text, pos, len(text), out)
    return tuple(out)


def _add_stripped(text: str, start: int, end: int, out: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end))


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # single initials ("J.", "A.") and dotted acronyms ("U.S", "D.C")
    if len(word) == 1 and text[dot - 1].isupper():
        return True
    if "." in word and all(len(p) <= 2 for p in word.split(".")):
        return True
    return False


def sentences_in(text: str, para: Span) -> list[Span]:
    out = []
    start = para.start
    chunk = text[para.start:para.end]
    for m in _SENT_END.finditer(chunk):
        end = para.start + m.start()
        # find the terminal punctuation mark before any closing quotes
        k = end
        while k > start and text[k - 1] in "\"'\u201d\u2019)]":
            k -= 1
        if k > start and text[k - 1] == "." and _is_abbreviation(text, k - 1):
            continue
        _add_stripped(text, start, end, out)
        start = para.start + m.end()
    _add_stripped(text, start, para.end, out)
    return out


@lru_cache(maxsize=64)
def sentences(text: str) -> tuple[Span, ...]:
    """Spans of all sentences, paragraph by paragraph, in text order."""
    out: list[Span] = []
    for p in paragraphs(text):
        check()
        out.extend(sentences_in(text, p))
    return tuple(out)


def sentence_at(text: str, offset: int) -> Span | None:
    """The sentence containing ``offset``, if any (sentences are sorted and do not overlap)."""
    sents = sentences(text)
    k = bisect.bisect_right([s.start for s in sents], offset) - 1
    return sents[k] if k >= 0 and offset < sents[k].end else None
