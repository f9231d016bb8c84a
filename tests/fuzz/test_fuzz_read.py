"""Fuzzing the readers: bytes → text (decode), text → RawDocument (read_string), JSON Lines and JSON.

Property everywhere: the only exceptions are StorylineError subclasses, and what comes out is a
well-formed RawDocument (a valid date or none, JSON-serialisable metadata).
"""
from __future__ import annotations

import codecs
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (AWKWARD_CHARS, any_text, any_unicode, budget_for, check_raw, check_records, date_prefixed,
                          front_matter_doc, fuzz, news_like_text, timed)
from storyline.errors import StorylineError
from storyline.read import read_string
from storyline.read.decode import decode
from storyline.read.jsonl import iter_json, iter_jsonl

_BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE]
_ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1"]


@st.composite
def document_bytes(draw) -> bytes:
    """Random bytes, encoded text (any encoding, with or without a BOM) or a mix of both."""
    kind = draw(st.sampled_from(["random", "encoded", "bom+random", "mixed"]))
    if kind == "random":
        return draw(st.binary(max_size=4000))
    if kind == "bom+random":
        return draw(st.sampled_from(_BOMS)) + draw(st.binary(max_size=2000))
    text = draw(any_text())
    enc = draw(st.sampled_from(_ENCODINGS))
    data = text.encode(enc, errors="replace")
    if kind == "mixed":
        data = draw(st.binary(max_size=40)) + data + draw(st.binary(max_size=40))
    return data


@fuzz(100)
@given(document_bytes())
def test_decode_never_crashes(data):
    try:
        (text, encoding), cpu = timed(decode, data)
    except StorylineError:
        return
    assert isinstance(text, str) and text.strip()
    assert encoding in {"utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"}
    assert cpu <= budget_for(len(data))


# Plain prose as an editor would save it: no control characters (which rightly look binary).
_PROSE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=2000).filter(
    lambda s: s.strip() and not s.startswith("\ufeff"))


@fuzz(100)
@given(_PROSE, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_round_trips_unicode_text(text, encoding):
    """Text saved as UTF-8 (or with a BOM) comes back unchanged, whatever its first characters are."""
    decoded, _ = decode(text.encode(encoding))
    assert decoded == text


@fuzz(80)
@given(st.one_of(any_text(), date_prefixed(news_like_text(60)), front_matter_doc()),
       st.sampled_from(["", ".txt", ".md", ".markdown", ".text"]))
def test_read_string_text_and_markdown(text, suffix):
    try:
        doc, cpu = timed(read_string, text, "fuzz" + suffix, suffix)
    except StorylineError:
        return
    check_raw(doc)
    assert cpu <= budget_for(len(text))


_TAGS = st.sampled_from(["p", "div", "article", "span", "a", "script", "style", "table", "td", "h1", "figure",
                         "figcaption", "meta", "br", "li", "ul", "body", "html", "head", "title", "time", "!--"])


@st.composite
def html_doc(draw) -> str:
    parts = [draw(st.sampled_from(["", "<!doctype html>", "<html>", "<?xml version='1.0'?>"]))]
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(_TAGS)
        attrs = draw(st.sampled_from(["", ' class="x"', ' property="article:published_time" content="9999-99-99"',
                                      ' name="date" content="2024-02-30"', ' datetime="2024-01-01T25:00"',
                                      ' href="javascript:x"', " a=", ' itemprop="datePublished"']))
        parts.append(draw(st.sampled_from([f"<{tag}{attrs}>", f"</{tag}>", f"<{tag}{attrs}/>"])))
        parts.append(draw(st.one_of(news_like_text(20), any_unicode(50), st.sampled_from(AWKWARD_CHARS))))
    return "".join(parts)


@fuzz(30)
@given(st.one_of(html_doc(), any_text()))
def test_read_string_html(text):
    """The HTML reader (trafilatura + post-cleaning) on broken pages; crashes here belong to read/html.py."""
    try:
        doc, cpu = timed(read_string, text, "fuzz.html", ".html")
    except StorylineError:
        return
    check_raw(doc)
    assert doc.kind == "html"
    assert cpu <= budget_for(len(text))


_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_unicode(60))
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)
_FIELDS = st.sampled_from(["text", "body", "content", "html", "raw_html", "title", "headline", "date", "published",
                           "datePublished", "url", "link", "author", "authors", "outlet", "publisher", "articles"])


@st.composite
def json_record(draw) -> str:
    """One JSON record: a plausible article object with odd field values, or any JSON at all."""
    fields = draw(st.dictionaries(_FIELDS, st.one_of(_JSON_VALUES, news_like_text(40), st.sampled_from(
        ["9999-99-99", "2024-02-30", "<p>para</p>", "", " ", "NaN"])), max_size=6))
    base = json.dumps(fields, ensure_ascii=draw(st.booleans()))
    return draw(st.one_of(st.just(base), st.just(base[: draw(st.integers(0, len(base)))]),
                          _JSON_VALUES.map(json.dumps),
                          st.sampled_from(["NaN", '{"text": "x", "n": NaN}', '{"text": "x", "n": -Infinity}',
                                           "[" * 5000 + "]" * 5000, '{"text": "x", "n": ' + "9" * 5000 + "}",
                                           '{"text": "x", "date": ' + "1" * 5000 + "}",
                                           '{"text": "\\ud800"}', '{"text": "a\\u0000b"}', "\x00", "\ufeff{}"])))


@fuzz(70)
@given(st.lists(st.one_of(json_record().map(lambda s: s.encode("utf-8")), st.binary(max_size=200)), max_size=12),
       st.sampled_from([b"\n", b"\r\n", b"\n\n"]))
def test_jsonl_reader(lines, newline):
    items, cpu = timed(lambda: list(iter_jsonl(io.BytesIO(newline.join(lines)), "fuzz.jsonl", 4096)))
    check_records(items)
    assert cpu <= budget_for(sum(map(len, lines)))


@fuzz(70)
@given(st.one_of(json_record(), st.lists(json_record(), max_size=6).map(lambda xs: "[" + ",".join(xs) + "]"),
                 st.lists(json_record(), max_size=6).map(lambda xs: '{"articles": [' + ",".join(xs) + "]}"),
                 any_text()))
def test_json_reader(text):
    check_records(list(iter_json(text, "fuzz.json")))
