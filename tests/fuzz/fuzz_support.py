"""Shared pieces of the fuzz suite: hypothesis settings, input strategies, property checks and a
bounded runner.

Settings. Two hypothesis profiles, chosen with the ``STORYLINE_FUZZ`` environment variable:

- ``ci`` (default): 30-100 examples per test, so the whole fuzz suite stays well under a minute on
  two cores; inputs are fresh each run (a failure prints the ``@reproduce_failure`` blob, and
  ``pytest --hypothesis-seed=N`` replays a run);
- ``deep`` (``STORYLINE_FUZZ=deep``): many more examples and larger inputs, for local hunting.

The profiles are applied per test with the ``fuzz(n)`` decorator rather than loaded globally, so the
rest of the test suite keeps hypothesis' defaults. No example database is written (``database=None``):
findings worth keeping go to ``tests/fuzz/corpus/`` as plain files instead.

Properties checked on every extraction (``check_extraction``): spans lie within the article text,
``text[span] == item.text`` for items that carry text, values are well-formed (finite figures,
calendar-valid dates), and the result serialises to strict JSON as the CLI writes it. Violations
already reported to their module (``OPEN_ISSUES``) are tolerated by the hypothesis tests only.

Time budgets are measured in CPU time of the process (``time.process_time``), not wall time, because
the CI machine is shared; the budget is ``BUDGET_PER_100KB`` seconds per 100 KB of input, at least
that much for smaller inputs.
"""
from __future__ import annotations

import datetime as dt
import faulthandler
import gc
import json
import math
import multiprocessing as mp
import os
import re
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Collection

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from storyline.errors import StorylineError
from storyline.model import Extraction
from storyline.serialize import extraction_dict

# ---------------------------------------------------------------------------------------------
# Settings

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example],
)
settings.register_profile("storyline-fuzz-ci", max_examples=120, **_COMMON)
settings.register_profile("storyline-fuzz-deep", max_examples=3000, **_COMMON)

PROFILE = "deep" if os.environ.get("STORYLINE_FUZZ", "").strip().lower() == "deep" else "ci"
DEEP = PROFILE == "deep"
FUZZ = settings.get_profile(f"storyline-fuzz-{PROFILE}")


def fuzz(examples: int | None = None) -> settings:
    """The profile's settings; ``examples`` overrides the CI count (deep runs 25x as many)."""
    if examples is None:
        return FUZZ
    return settings(FUZZ, max_examples=examples * 25 if DEEP else examples)


# Longest generated text: small in CI (cheap examples), larger in deep runs.
MAX_TEXT = 20_000 if DEEP else 2_000

# CPU seconds allowed per 100 KB of input (and for anything smaller).
BUDGET_PER_100KB = 2.0
# A call running this many times its budget (wall clock) is stopped and reported as a hang.
HARD_LIMIT_FACTOR = 4.0


def hard_limit(budget: float, known_failure: bool) -> float:
    """Wall seconds after which a bounded run is stopped: generous for a case expected to pass (the
    machine is shared), tight for a known failure, so that it costs CI little."""
    return budget * (1.2 if known_failure else HARD_LIMIT_FACTOR) + 1


def budget_for(size: int) -> float:
    """CPU-seconds budget for one document of ``size`` characters (or bytes)."""
    return BUDGET_PER_100KB * max(1.0, size / 100_000)


# ---------------------------------------------------------------------------------------------
# Strategies

# Characters that tend to break text handling: bidi controls, combining marks, zero-width and
# non-breaking spaces, line/paragraph separators, NUL and other controls, astral characters,
# every kind of quotation mark, and number punctuation.
AWKWARD_CHARS = (
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069",  # bidi
    "\u0301", "\u0308", "\u0327", "\u20dd", "\u0e49",  # combining marks
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u00a0", "\u2009", "\u202f", "\u3000",  # spaces
    "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\n", "\t", "\x00", "\x1b", "\x7f",
    "\U0001f600", "\U0001d7d8", "\U00010348", "\U0002a6b2", "\U000e0041",  # astral
    "“", "”", "‘", "’", '"', "'", "«", "»", "„", "‹", "›", "「", "」", "`", "´",
    "$", "£", "€", "¥", "%", "‰", "^", ",", ".", "-", "–", "—", "−", "/", "½", "²", "٣", "߃", "١",
    "İ", "ß", "ﬁ", "Ω", "ǅ",  # case-mapping oddities (lengths change under lower()/upper())
)

_WORDS = (
    "the a of in on at and to was were has had have is are be by for with from as that this it he she they "
    "said says told added according police officials people killed injured dead wounded hostages released "
    "displaced missing at least more than nearly about over up to some around million billion thousand "
    "hundred dozen dozens one two three ten twelve percent per cent dollars pounds euros "
    "Monday Tuesday Sunday January March May June December last next week year month ago yesterday today "
    "Mr Mrs Dr President Minister spokesman spokeswoman Reuters AP AFP Associated Press "
    "John Smith Maria Garcia Ahmed Hassan Li Wei Gaza Israel Ukraine Kyiv London Texas U.S. U.N. "
    "Ministry of Health Hamas Red Cross United Nations"
).split()

_QUOTE_MARKS = ("“", "”", '"', "'", "‘", "’", "«", "»")


def _number_text() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=40)
    return st.one_of(
        st.integers(min_value=-10**30, max_value=10**30).map(str),
        st.integers(min_value=0, max_value=10**15).map(lambda n: f"{n:,}"),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(min_value=0, max_value=1e6).map(lambda f: f"{f:.2f}"),
        digits,
        st.lists(st.integers(0, 9999), min_size=2, max_size=12).map(lambda xs: ",".join(map(str, xs))),
        st.lists(st.integers(0, 999), min_size=2, max_size=8).map(lambda xs: ".".join(map(str, xs))),
        st.sampled_from(["10^999", "1e308", "1e309", "1E-400", "9" * 400, "$$$", "- - -", "$1.2bn", "£3m",
                         "€4.5 billion", "50%", "100 percent", "1,2,3,4,5,6,7,8", "0.0.0", "1/2", "3½",
                         "1 000 000", "1.000.000,00", "-0", "+5", "#1", "No. 10", "10-15", "2,000-3,000",
                         "tens of thousands", "hundreds", "a million", "one in five", "twice"]),
        st.builds(lambda pre, d, post: f"{pre}{d}{post}",
                  st.sampled_from(["", "$", "US$", "£", "€", "-", "about ", "at least ", "more than "]),
                  digits,
                  st.sampled_from(["", "%", " million", " billion", "bn", "m", "k", " people", " dead",
                                   " were killed", " percent", ".5", ",000", "th"])),
    )


def _date_text() -> st.SearchStrategy[str]:
    month = st.sampled_from(["January", "Feb.", "March", "May", "Sept.", "December", "Mon", "jan"])
    return st.one_of(
        st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(0, 99999), st.integers(0, 99),
                  st.integers(0, 99)),
        st.builds(lambda m, d, y: f"{m} {d}, {y}", month, st.integers(0, 99), st.integers(0, 99999)),
        st.builds(lambda d, m, y: f"{d} {m} {y}", st.integers(0, 99), month, st.integers(0, 99999)),
        st.sampled_from(["9999-99-99", "0000-00-00", "2024-02-30", "2023-02-29", "1799-12-31", "2200-01-01",
                         "last Tuesday", "next week", "two days ago", "on Friday", "this year", "in 1999",
                         "the 1990s", "mid-March", "early 2024", "Sept. 11", "9/11", "31/12/2024",
                         "2024/13/45", "yesterday", "20240230", "T00:00:00Z"]),
    )


def _quote_text() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=12).map(" ".join)
    return st.one_of(
        st.builds(lambda o, w, c: f"{o}{w}{c}", st.sampled_from(_QUOTE_MARKS), words, st.sampled_from(_QUOTE_MARKS)),
        st.builds(lambda w, s: f"“{w},” {s} said.", words, st.sampled_from(["he", "Smith", "the minister", "police"])),
        st.builds(lambda s, w: f"{s} said: \"{w}\"", st.sampled_from(["He", "Maria Garcia", "A spokesman"]), words),
        st.lists(st.sampled_from(_QUOTE_MARKS), min_size=1, max_size=60).map("".join),
    )


_TOKEN = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS),
    _number_text(),
    _date_text(),
    _quote_text(),
    st.sampled_from(AWKWARD_CHARS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
)
_SEPARATOR = st.sampled_from([" ", " ", " ", " ", ". ", ", ", "\n", "\n\n", ".\n\n", " -- ", ": ", "; ", "", "  "])


@st.composite
def news_like_text(draw, max_tokens: int = 300) -> str:
    """Text that looks enough like news to reach deep into the extractors, with awkward bits mixed in."""
    n = draw(st.integers(1, max_tokens))
    parts = []
    for _ in range(n):
        parts.append(draw(_TOKEN))
        parts.append(draw(_SEPARATOR))
    return "".join(parts)[:MAX_TEXT]


def any_unicode(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Arbitrary Unicode (no lone surrogates, which cannot come out of a decoder), awkward characters boosted."""
    chars = st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(AWKWARD_CHARS))
    return st.text(chars, max_size=max_size or MAX_TEXT)


def any_text() -> st.SearchStrategy[str]:
    return st.one_of(news_like_text(), any_unicode())


def date_prefixed(body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The plain-text corpus form `` date YYYY-MM-DD <text>`` with arbitrary, often impossible, dates."""
    return st.builds(lambda lead, d, sp, b: f"{lead}date{sp}{d} {b}",
                     st.sampled_from(["", " ", "\ufeff", "\t"]), _date_text(), st.sampled_from([" ", "\t", "  "]), body)


_YAML_VALUES = st.one_of(
    _date_text(),
    st.sampled_from(["", "~", "null", "[]", "{}", "[a, b, c]", "{a: 1}", "!!binary AAAA", "!!set {a, b}",
                     ".inf", "-.inf", ".nan", "9" * 5000, "0x" + "f" * 100, "1e999", "yes", "no", "'quoted'",
                     '"a\\u0000b"', "&anchor value", "*anchor", "|\n  block\n  text", ">\n  folded", "- a\n- b",
                     "!!python/object:os.system", '"\\udcff"', '"a\\ud800b"', "!!timestamp 2024-01-01T00:00:00+25:00", "2024-01-01 25:61:61",
                     "'2024-05-06T07:08:09Z'", "Tue, 01 Apr 2025 10:00:00 GMT", "[[[[[[[[[[]]]]]]]]]]"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)
_YAML_KEYS = st.sampled_from(["title", "date", "published", "pubdate", "author", "authors", "outlet", "url",
                              "source", "tags", "categories", "excerpt", "language", "? complex", "1", "- x",
                              "date: date", ""])


@st.composite
def front_matter_doc(draw) -> str:
    """Markdown with front matter: valid, broken, unclosed, huge, odd YAML types."""
    lines = [f"{draw(_YAML_KEYS)}: {draw(_YAML_VALUES)}" for _ in range(draw(st.integers(0, 8)))]
    opener = draw(st.sampled_from(["---\n", "---\r\n", "--- \n", "\ufeff---\n", "---\n---\n"]))
    closer = draw(st.sampled_from(["---\n", "...\n", "---", "--- \n", "", "----\n", "---\r\n"]))
    body = draw(st.one_of(news_like_text(max_tokens=60), any_unicode(300)))
    return opener + "\n".join(lines) + "\n" + closer + body


# Hostile families: one unit of text that makes an extractor do work per item, repeated into one
# long sentence, paragraph or document. Each family once made some extractor super-linear (see
# corpus/index.json and tests/fuzz/README.md); ``{i}`` and friends vary the repeats.
HOSTILE_UNITS = (
    # quotations
    "\u201c{w},\u201d he said,", "\u201c{w}.\u201d {Name} said.", "\u201c{w}", "\u201d{w}", '"{w}', "'{w}' and",
    "it's the workers' {w}", "\u201cA {w}.\u201d", "Mr. {Name} said \u201c{w}.\u201d", "The official said \u201c{w}.\u201d",
    "The statement said \u201c{w}.\u201d", "One said \u201c{w}.\u201d", "He said: \u201c{w}.\u201d She added: \u201cno.\u201d",
    "In {Name} adding", "protesters held banners reading \u201c{w}\u201d", "a procedure called \u201ctop {w}\u201d",
    "Maurice \u201c{Name}\u201d Greenberg", "secretary of state {Name} Def said \u201c{w}.\u201d", "{Name} arrived. He said",
    # numbers and figures
    "{n}", "{n},", "{n}, ", "{n} and", "{n} to {m} people", "{n} people were killed", "killing {n} people, including",
    "forcing {n} people", "{n} hostages", "{n} victims", "{n} passengers", "freed {n} prisoners", "{n}%", "${n}m",
    "{n} people died in {Place}", "{n} people were killed, {Name} said,", "the death toll rose to {n}",
    "{digits}", "1{thousands}", "{n}.",
    # names and entities
    "{Name}", "{Name} {Name} said", "Ministry of", "{Name} and {Name}", "according to {Name}", "{Name}:",
    "{Acr} said", "{Name} Def ({Acr})", "US-Israeli {Name}-Def", "Obama's {Name}'s", "John {Name} said",
    # dates
    "last Tuesday", "next Friday", "January {d}, 2011", "On January {d} police said.", "in {y}", "two days ago",
    "word of June", "Monday, June {d}, 2009", "will meet on Friday", "in May",
    "born on June 1, 2009, two weeks old on Monday and a seven-day pause on Friday.",
    # characters
    "\u202e{Name}\u202c", "a\u0301\u0301\u0308", "\x00", "\u200b", "{w}\u2028", "J. R. R.", "Mr. Dr. U.S.", "A.",
)


def _fill(unit: str, i: int) -> str:
    return unit.format(i=i, n=i + 2, m=i + 9, d=i % 28 + 1, y=1990 + i % 30, w=f"w{i}", Name=f"Abc{i}",
                       Place=("Gaza", "Israel", "Aleppo")[i % 3], Acr=_acronym(i), digits="9" * (1 + i % 60),
                       thousands=",000" * (1 + i % 40))


def _acronym(i: int) -> str:
    return "".join(chr(65 + (i // 26 ** k) % 26) for k in range(3))


# Repeats of a hostile unit: up to some 30 KB in CI, a few hundred KB in deep runs. Half the draws
# are long (a short input shows nothing super-linear).
MAX_REPEATS = 20_000 if DEEP else 1_500
_REPEATS = st.one_of(st.integers(1, 40), st.integers(MAX_REPEATS // 3, MAX_REPEATS))


@st.composite
def hostile_text(draw) -> str:
    """One to three hostile units, repeated (alternating) up to MAX_REPEATS times, joined into one
    sentence, one paragraph or many."""
    units = draw(st.lists(st.sampled_from(HOSTILE_UNITS), min_size=1, max_size=3))
    repeats = draw(_REPEATS)
    sep = draw(st.sampled_from([" ", " ", ", ", ". ", "\n\n", "\n", "", " and ", " -- "]))
    return sep.join(_fill(units[i % len(units)], i) for i in range(repeats))


_HTML_UNITS = ("<div>", "</div>", "<b>", "<span>w{i}</span> ", "<br>", "<p></p>", "<div><p>Update {i}.</p></div>",
               "<li><a href='/x{i}'>Officials in the town number {i} said talks went well</a></li>",
               "<tr><td>{i}</td><td>x</td></tr>", "<!--", "&#xd800;", "&#{i};", "<p title='{attr}'>w</p>",
               "<p>Police said {i} people were killed on Monday, officials said.</p>")


@st.composite
def hostile_html(draw) -> str:
    """A page around a short article with one or two markup units repeated many times: deep
    nesting, runs of breaks, short blocks, links, table rows, comments, odd character references,
    huge attributes."""
    units = draw(st.lists(st.sampled_from(_HTML_UNITS), min_size=1, max_size=2))
    repeats = draw(_REPEATS)
    attr = "x" * draw(st.sampled_from([1, 1000, 100_000]))
    body = "".join(units[i % len(units)].format(i=i, attr=attr) for i in range(repeats))
    story = "<p>Rescue teams pulled 14 people from the rubble of a collapsed block on Monday, the agency said.</p>"
    where = draw(st.sampled_from(["before", "after", "inside"]))
    if where == "before":
        body = story * 3 + body
    elif where == "after":
        body = body + story * 3
    else:
        body = body[: len(body) // 2] + story * 3 + body[len(body) // 2:]
    return f"<html><head><title>Quake</title></head><body><article>{body}</article></body></html>"

# ---------------------------------------------------------------------------------------------
# Property checks

# Property violations already reported to the module that owns them, tolerated by the hypothesis
# tests so that a run can find something new (the kept corpus still fails on each of them, as an
# xfail). STORYLINE_FUZZ_STRICT=1 checks them too. Remove an entry once its module is fixed.
OPEN_ISSUES: dict[str, str] = {}

_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_span(text: str, span, what: str) -> None:
    assert 0 <= span.start <= span.end <= len(text), f"{what}: span {span.start}..{span.end} outside text of {len(text)}"


def _check_date_value(value: str, what: str) -> None:
    m = _DATE_VALUE.match(value)
    assert m, f"{what}: date value {value!r} is not YYYY[-MM[-DD]]"
    if m[3]:
        dt.date(int(m[1]), int(m[2]), int(m[3]))  # raises ValueError for an impossible day
    elif m[2]:
        assert 1 <= int(m[2]) <= 12, f"{what}: month out of range in {value!r}"


def check_extraction(x: Extraction, cleaned: bool = True, tolerate: Collection[str] = ()) -> None:
    """Asserts the invariants every extraction must satisfy, whatever the input.

    ``cleaned``: the article came through the cleaner, so its text is non-empty. ``tolerate``: keys
    of :data:`OPEN_ISSUES` not to fail on.
    """
    art = x.article
    text = art.text
    assert isinstance(text, str)
    if cleaned:
        assert text.strip(), "a cleaned Article must have text"
    if art.published is not None:
        _check_date_value(art.published, "article.published")
        assert len(art.published) == 10, f"article.published {art.published!r} is not a full date"
    for q in x.quotes:
        _check_span(text, q.span, "quote")
        assert text[q.span.start:q.span.end] == q.text, f"quote text {q.text!r} != span text {q.span.of(text)!r}"
        if q.speaker_span is not None:
            _check_span(text, q.speaker_span, "quote.speaker_span")
    for f in x.figures:
        _check_span(text, f.span, "figure")
        assert text[f.span.start:f.span.end] == f.text, f"figure text {f.text!r} != span text {f.span.of(text)!r}"
        assert isinstance(f.value, (int, float)), f"figure value {f.value!r} for {f.text!r}"
        if not math.isfinite(f.value) and "figure-value-inf" not in tolerate:
            raise AssertionError(f"figure value {f.value!r} for {f.text!r}")
        if f.source_span is not None:
            _check_span(text, f.source_span, "figure.source_span")
    for d in x.dates:
        _check_span(text, d.span, "date")
        assert text[d.span.start:d.span.end] == d.text, f"date text {d.text!r} != span text {d.span.of(text)!r}"
        _check_date_value(d.value, f"date {d.text!r}")
    for e in x.entities:
        assert e.mentions, f"entity {e.name!r} has no mentions"
        for m in e.mentions:
            _check_span(text, m, f"entity {e.name!r}")
            assert m.end > m.start, f"entity {e.name!r} has an empty mention"
    # what `storyline extract --format jsonl` writes must be strict JSON, and UTF-8 (no lone surrogates)
    json.dumps(extraction_dict(x), ensure_ascii=False, allow_nan="figure-value-inf" in tolerate).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Running with a budget


@contextmanager
def watchdog(seconds: float):
    """Dumps every thread's stack and exits if the block runs longer than ``seconds`` (wall clock).

    A catastrophic regex holds the GIL inside C code where no Python-level timeout can interrupt it;
    without this, a hang found by hypothesis would hang CI. The stack names the regex's call site.
    """
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


# Longest a single in-process call may run before the watchdog stops the whole run.
WATCHDOG_SECONDS = 120.0


def timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """``fn(*args)`` and the CPU seconds it took, under the watchdog.

    The objects alive before the call are frozen out of garbage collection meanwhile: a full
    collection walks every object of the process, and hypothesis keeps many (deep runs: large
    examples, targets), so one collection inside the call could cost seconds that are not the
    call's (seen: 2.4 s for a 120 KB document that takes 0.3 s)."""
    gc.freeze()
    try:
        with watchdog(WATCHDOG_SECONDS):
            t = time.process_time()
            result = fn(*args)
            return result, time.process_time() - t
    finally:
        gc.unfreeze()


@dataclass
class Outcome:
    """What a bounded call did, as seen from the parent process."""

    status: str  # "ok", "storyline-error", "crash", "hang"
    cpu: float = 0.0
    error: str = ""  # exception type and message
    detail: str = ""  # traceback (crash) or stack dump (hang)
    value: Any = None


def _child(conn, fn, args, dump_path: str, dump_after: float) -> None:
    with open(dump_path, "w") as dump:
        faulthandler.dump_traceback_later(dump_after, exit=False, file=dump)
        t = time.process_time()
        try:
            value = fn(*args)
            out = Outcome("ok", value=value)
        except StorylineError as e:
            out = Outcome("storyline-error", error=f"{type(e).__name__}: {e}")
        except BaseException as e:  # noqa: BLE001 - the parent reports every crash
            out = Outcome("crash", error=f"{type(e).__name__}: {str(e)[:300]}", detail=traceback.format_exc())
        out.cpu = time.process_time() - t
        faulthandler.cancel_dump_traceback_later()
    try:
        conn.send(out)
    except Exception as e:  # an unpicklable value
        conn.send(Outcome("crash", cpu=out.cpu, error=f"cannot return result: {e}"))
    conn.close()


def run_bounded(fn: Callable[..., Any], *args: Any, limit: float) -> Outcome:
    """Runs ``fn(*args)`` in a forked child killed after ``limit`` wall seconds.

    Used for the large pathological inputs and the corpus, where a known hang must cost CI a few
    seconds, not minutes. ``fn`` should return something small and picklable.
    """
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    fd, dump_path = tempfile.mkstemp(prefix="storyline-fuzz-", suffix=".stack")
    os.close(fd)
    proc = ctx.Process(target=_child, args=(child, fn, args, dump_path, max(0.5, limit - 0.5)), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(limit):
            out = parent.recv()
            proc.join(5)
            return out
        proc.kill()
        proc.join(5)
        with open(dump_path) as f:
            stack = f.read()
        return Outcome("hang", cpu=limit, error=f"still running after {limit:.1f} s", detail=stack)
    except EOFError:
        proc.join(5)
        return Outcome("crash", error=f"child died (exit code {proc.exitcode})")
    finally:
        parent.close()
        os.unlink(dump_path)


def describe(out: Outcome) -> str:
    """The outcome for a failure message (a stack dump cut after the frames that matter)."""
    return f"{out.status}: {out.error}\n{out.detail[:3000]}"


def fork_available() -> bool:
    return sys.platform != "win32" and "fork" in mp.get_all_start_methods()


# ---------------------------------------------------------------------------------------------
# Targets: one document in, a small picklable summary out (for run_bounded and the corpus)


def target_decode(data: bytes) -> dict:
    from storyline.read.decode import decode

    text, encoding = decode(data)
    assert isinstance(text, str) and text.strip()
    return {"encoding": encoding, "chars": len(text)}


def target_read(data: bytes, suffix: str = ".txt") -> dict:
    from storyline.read import read_string
    from storyline.read.decode import decode

    text, _ = decode(data)
    doc = read_string(text, "fuzz" + suffix, suffix=suffix)
    check_raw(doc)
    return {"kind": doc.kind, "chars": len(doc.body), "published": doc.published}


def target_clean(data: bytes, suffix: str = ".txt") -> dict:
    from storyline.clean import clean
    from storyline.read import read_string
    from storyline.read.decode import decode

    text, _ = decode(data)
    art = clean(read_string(text, "fuzz" + suffix, suffix=suffix))
    assert art.text.strip()
    return {"chars": len(art.text), "title": art.title, "dateline": art.dateline}


def target_process(data: bytes, suffix: str = ".txt") -> dict:
    """The whole per-document path: decode → read → clean → infer date → extract, with checks."""
    from storyline.pipeline import process
    from storyline.read import read_string
    from storyline.read.decode import decode

    text, _ = decode(data)
    doc = read_string(text, "fuzz" + suffix, suffix=suffix)
    x = process(doc)
    check_extraction(x)
    return summary(x)


def target_extract(data: bytes, suffix: str = "") -> dict:
    """Extraction alone, on an Article built by hand from uncleaned text (as the Python API allows)."""
    from storyline.extract import extract
    from storyline.model import Article

    text = data.decode("utf-8", errors="replace")
    x = extract(Article(id="fuzz", source="fuzz", text=text, published="2024-01-15"))
    check_extraction(x, cleaned=False)
    return summary(x)


def target_jsonl(data: bytes, suffix: str = ".jsonl") -> dict:
    import io

    from storyline.read.jsonl import iter_jsonl

    return check_records(list(iter_jsonl(io.BytesIO(data), "fuzz.jsonl", 1 << 20)))


def target_json(data: bytes, suffix: str = ".json") -> dict:
    from storyline.read.jsonl import iter_json

    return check_records(list(iter_json(data.decode("utf-8", errors="replace"), "fuzz.json")))


TARGETS: dict[str, Callable[..., dict]] = {
    "decode": target_decode, "read": target_read, "clean": target_clean, "process": target_process,
    "extract": target_extract,
    "jsonl": target_jsonl, "json": target_json,
}


def summary(x: Extraction) -> dict:
    return {"chars": len(x.article.text), "quotes": len(x.quotes), "figures": len(x.figures),
            "dates": len(x.dates), "entities": len(x.entities)}


def check_raw(doc) -> None:
    from storyline.model import RawDocument

    assert isinstance(doc, RawDocument)
    assert isinstance(doc.body, str)
    if doc.published is not None:
        _check_date_value(doc.published, "RawDocument.published")
        assert len(doc.published) == 10
    # the document ends up in the CLI's JSON output and in SQLite, both UTF-8: no lone surrogates
    fields = {f: getattr(doc, f) for f in ("source", "body", "title", "published", "author", "url", "outlet")}
    json.dumps({**fields, "metadata": dict(doc.metadata)}, ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_records(items: list) -> dict:
    from storyline.model import RawDocument

    ok = bad = 0
    for item in items:
        if isinstance(item, RawDocument):
            check_raw(item)
            ok += 1
        else:
            where, err = item
            assert isinstance(where, str) and isinstance(err, StorylineError), item
            bad += 1
    return {"documents": ok, "errors": bad}
