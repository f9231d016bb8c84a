"""Fuzzing with hostile families: one unit that makes an extractor work per item (a quotation and
its cue, a listed figure, a weekday, a capitalised name, a markup tag), repeated into one long
sentence, paragraph or page (see ``fuzz_support.HOSTILE_UNITS``). Each family once made some step
quadratic or worse; the property is the suite's usual one (well-formed output, only StorylineErrors)
plus the CPU budget per size, which a super-linear step breaks as soon as the input is long enough.
``STORYLINE_FUZZ=deep`` repeats units up to 20,000 times (hundreds of kilobytes).
"""
from __future__ import annotations

import io
import json

from hypothesis import given, target
from hypothesis import strategies as st

from fuzz_support import (budget_for, check_extraction, check_records, fuzz, hostile_html, hostile_text,
                          news_like_text, timed)
from storyline.errors import StorylineError
from storyline.extract import extract
from storyline.model import Article
from storyline.pipeline import process
from storyline.read import read_string
from storyline.read.jsonl import iter_jsonl


def _within_budget(fn, size: int, *args, step: str = "process"):
    try:
        result, cpu = timed(fn, *args)
    except StorylineError:
        return None
    target(cpu * 1000 / max(size, 200), label=f"{step}: ms per 1k chars")
    assert cpu <= budget_for(size), f"{cpu:.2f} s of CPU for {size} characters"
    return result


@fuzz(30)
@given(hostile_text(), st.sampled_from([None, "2011-03-04"]))
def test_hostile_text_through_the_pipeline(text, date):
    try:
        raw = read_string(f"date {date} {text}" if date else text, "hostile.txt", ".txt")
    except StorylineError:
        return
    x = _within_budget(lambda: process(raw, time_budget=None), len(text))
    if x is not None:
        check_extraction(x)


@fuzz(20)
@given(hostile_text())
def test_hostile_text_extracted_without_cleaning(text):
    if not text.strip():
        return
    art = Article(id="fuzz", source="fuzz", text=text, published="2024-01-15")
    x = _within_budget(extract, len(text), art)
    if x is not None:
        check_extraction(x, cleaned=False)


@fuzz(12)
@given(hostile_html())
def test_hostile_html_through_the_pipeline(page):
    raw = _within_budget(read_string, len(page), page, "hostile.html", ".html", step="read")
    if raw is None:
        return
    assert raw.kind == "html"
    x = _within_budget(lambda: process(raw, time_budget=None), len(raw.body))
    if x is not None:
        check_extraction(x)


# JSON strings with lone surrogates, as "\udcff" escapes (json.dumps writes them so).
_SURROGATE_TEXT = st.text(st.one_of(st.characters(whitelist_categories=("Cs",)), st.sampled_from("ab .")),
                          min_size=1, max_size=20)


@fuzz(40)
@given(news_like_text(40), _SURROGATE_TEXT, _SURROGATE_TEXT, st.sampled_from(["text", "title", "author", "tags"]))
def test_json_escapes_of_lone_surrogates_never_reach_the_output(body, odd, other, field):
    record = {"text": body + " " + odd, field: other if field != "tags" else [other], "url": "https://x.org/" + odd}
    items = list(iter_jsonl(io.BytesIO(json.dumps(record).encode("ascii")), "fuzz.jsonl", 1 << 20))
    check_records(items)
    for doc in items:
        if isinstance(doc, tuple):
            continue
        try:
            x = process(doc)
        except StorylineError:
            continue
        check_extraction(x)
