"""Publication date inferred from the text when the document carries none.

News writes its recent past by weekday ("died on Monday", "said Thursday") and cites older events by
date ("born on the first of June 2009", "since the truce began on November 24"). A weekday alone
names a day only once the week is known; a dated clue alone says nothing of how long ago it was. The
two together can fix the publication date. Clues that *pin* a weekday mention to a calendar day:

- a date written with its weekday ("on Monday, June 15");
- a wire dateline at the top of the text ("CAIRO, Feb 1 (Reuters) -"), confirmed by a weekday
  mention that falls on it;
- a dated anchor plus a duration landing on a weekday named next to the duration: "born on the
  first of June 2009" + "two weeks old" = Monday 15 June, and the text says "died on Monday".

A pinned mention in the past tense puts publication on that day or within the six days after it
(in the future tense, within the six days before). Within that week the day chosen is the one that
puts every weekday mention of the article nearest to publication (news speaks of the last few days),
and that leaves the article's past dates as recent as possible. A tie returns None: null is
better than a wrong date.

The year of a year-less anchor comes from the years the text names (the one the weekday agrees with).
When the text names no year at all, the anchor is taken in the most recent year, not after
``today``, whose calendar agrees with the weekday: an assumption that the document is recent news,
so the answer for such a text can change as years pass. A text without any pinning clue gives None.

Cost: each distinct anchor day, duration and weekday is paired once and each candidate day scored
once, so long texts repeating the same clues stay linear (pairing every mention with every other
was cubic: a 13 KB text of repeated ages and weekdays took over a minute).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..budget import check
from .dates import Expression, find_expressions, resolve_weekday
from .segment import sentences

# How far (in sentences) a weekday may stand from the duration it is paired with.
_PAIR_SENTENCES = 2
# Weight of the recency of year-less anchors against the weekday distances, per day.
_ANCHOR_WEIGHT = 1 / 30
# Durations longer than this are not counted from an anchor (months are not exact enough).
_MAX_DURATION_DAYS = 31
# How many years back a year-less anchor is looked for when the text names no year.
_RECENT_YEARS = 12

_SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30,
}
# Exact durations in days or weeks: "a seven-day pause", "two weeks old", "10 days after".
_DURATION = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(_SMALL_NUMBERS) + r")[- ](?P<unit>day|week)s?\b(?!\s+(?:ago|earlier|before|early|late|later|premature))",
    re.I,
)
_AGE_AFTER = re.compile(r"\s+old\b")
# A wire dateline opening the text: "CAIRO, Feb 1 (Reuters) -", "WASHINGTON, Jan. 5 --".
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Za-z .]{2,30})?,\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2})\b")


@dataclass(frozen=True, slots=True)
class _Pin:
    """A weekday mention fixed to a calendar day, and the week publication falls in because of it."""

    day: date
    earliest: date
    latest: date
    kind: str = ""


def infer_published(text: str, today: date | None = None, assume_recent: bool = True) -> str | None:
    """YYYY-MM-DD when the text supports one, else None. Never a guess.

    ``today`` bounds the answer (default: the current date). ``assume_recent`` allows the year of a
    text that names no year at all to be the most recent one its weekdays agree with (see above).
    """
    found = _infer(text, today or date.today(), assume_recent)
    return found[0].isoformat() if found else None


def _infer(text: str, today: date, assume_recent: bool) -> tuple[date, str] | None:
    """The publication date and the kind of clue that fixed it, or None."""
    exprs = find_expressions(text)
    weekdays = [e for e in exprs if e.kind == "weekday" or (e.kind == "date" and e.weekday is not None)]
    if not weekdays:
        return None
    years = sorted({e.year for e in exprs if e.year is not None})
    if not years and not assume_recent:
        years_ok: list[int] | None = None
    else:
        years_ok = years
    pins = _dated_weekdays(exprs, years_ok, today) + _dateline(text, exprs, weekdays, years_ok, today)
    pins += _anchor_durations(text, exprs, weekdays, years_ok, today)
    floor = _floor(exprs)
    candidates: dict[date, tuple[float, str]] = {}
    scores: dict[date, float] = {}  # a day's score does not depend on the pin that proposes it
    for pin in pins:
        d = max(pin.earliest, floor) if floor else pin.earliest
        while d <= min(pin.latest, today):
            if d not in scores:
                check()
                scores[d] = _score(d, weekdays, exprs)
            candidates[d] = (scores[d], pin.kind)
            d += timedelta(days=1)
    if not candidates:
        return None
    ranked = sorted(candidates.items(), key=lambda kv: (kv[1][0], kv[0]))
    if len(ranked) > 1 and abs(ranked[0][1][0] - ranked[1][1][0]) < 1e-9:
        return None
    return ranked[0][0], ranked[0][1][1]


def _floor(exprs: list[Expression]) -> date | None:
    """The latest dated past the text cites with its year: publication is not before it."""
    days = [date(e.year, e.month, e.day) if e.kind == "date" else date(e.year, e.month, 1)
            for e in exprs if e.kind in ("date", "month") and e.year is not None and e.tense != "future"]
    return max(days) if days else None


def _score(p: date, weekdays: list[Expression], exprs: list[Expression]) -> float:
    """Lower is better: weekday mentions near publication, year-less anchors recent."""
    score = 0.0
    for w in weekdays:
        if w.kind == "weekday":
            score += abs((resolve_weekday(w.weekday, w.modifier, w.future, p) - p).days)
        elif w.year is not None:
            score += abs((date(w.year, w.month, w.day) - p).days)
        else:
            near = _year_less(w.month, w.day, p + timedelta(days=7))
            score += abs((near - p).days) if near else 0
    for a in exprs:
        if a.kind != "date" or a.weekday is not None or a.future:
            continue
        past = _year_less(a.month, a.day, p) if a.year is None else date(a.year, a.month, a.day)
        if past is not None and past <= p:
            score += (p - past).days * _ANCHOR_WEIGHT
    return score


def _year_less(month: int, day: int, p: date) -> date | None:
    """The most recent ``month``/``day`` up to ``p``."""
    for year in (p.year, p.year - 1, p.year - 2, p.year - 3, p.year - 4):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= p:
            return d
    return None


def _week_of(day: date, future: bool, kind: str) -> _Pin:
    if future:
        return _Pin(day, day - timedelta(days=6), day, kind)
    return _Pin(day, day, day + timedelta(days=6), kind)


def _candidate_days(month: int, day: int, year: int | None, weekday: int, years: list[int] | None,
                    today: date) -> list[date]:
    """The days ``month``/``day`` can be, given the years the text names, on ``weekday``; ``years``
    None means a year-less day has no candidate."""
    if year is not None:
        options = [year]
    elif years is None:
        return []
    elif years:
        options = sorted({y for y in years} | {years[-1] + 1})
    else:
        options = list(range(today.year, today.year - _RECENT_YEARS, -1))
    out = []
    for y in options:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d.weekday() == weekday and d <= today:
            out.append(d)
            if year is None and not years:
                break  # the most recent agreeing year only
    return out


def _dated_weekdays(exprs: list[Expression], years: list[int] | None, today: date) -> list[_Pin]:
    """A pin from the latest date written with its weekday ("Monday, June 15"): a text dated this way
    is published that day (a page's own date line is written so)."""
    days = []
    for e in exprs:
        if e.kind == "date" and e.weekday is not None and not e.future:
            days.extend(_candidate_days(e.month, e.day, e.year, e.weekday, years, today))
    if not days:
        return []
    d = max(days)
    return [_Pin(d, d, d, "dated-weekday")]


def _dateline(text: str, exprs: list[Expression], weekdays: list[Expression], years: list[int] | None,
              today: date) -> list[_Pin]:
    """A pin from a wire dateline, on a day some weekday mention of the text names."""
    m = _DATELINE.match(text)
    if not m:
        return []
    start = m.start("date")
    e = next((x for x in exprs if x.start == start and x.kind == "date"), None)
    if e is None:
        return []
    pins = []
    for w in {x.weekday for x in weekdays}:
        for d in _candidate_days(e.month, e.day, e.year, w, years, today):
            pins.append(_Pin(d, d, d, "dateline"))
    return pins


class _CitedDays:
    """The days the anchors cite, as sets: dated ones, and year-less ones by month and day."""

    def __init__(self, anchors: list[Expression]) -> None:
        self.dated = {date(a.year, a.month, a.day) for a in anchors if a.year is not None}
        self.year_less = {(a.month, a.day) for a in anchors if a.year is None}

    def between(self, start: date, end: date) -> bool:
        """Whether another cited day falls strictly between an anchor and the end of its duration
        (then the duration is not counted from this anchor). A year-less day counts in the years of
        either end; the days between are few (durations are at most a month), so each is looked up
        rather than every anchor compared."""
        d = start + timedelta(days=1)
        while d < end:
            if d in self.dated or (d.month, d.day) in self.year_less:
                return True
            d += timedelta(days=1)
        return False


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _anchor_durations(text: str, exprs: list[Expression], weekdays: list[Expression], years: list[int] | None,
                      today: date) -> list[_Pin]:
    """Pins from a dated anchor plus a duration landing on a weekday named near the duration."""
    anchors = [e for e in exprs if e.kind == "date" and e.weekday is None]
    if not anchors:
        return []
    sents = sentences(text)
    starts = [s.start for s in sents]

    def sentence_index(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    latest = max((date(a.year, a.month, a.day) for a in anchors if a.year is not None), default=None)
    cited = _CitedDays(anchors)
    # The anchors a duration may run from: year-less ones when the text names no year, and, for an
    # age, the latest dated one. Repeats of one day give the same pins, so each day is tried once
    # (in order of first mention); the pins of one duration, weekday and tense are computed once.
    year_less = [] if years else list(dict.fromkeys((a.month, a.day, None) for a in anchors if a.year is None))
    dated = list(dict.fromkeys((a.month, a.day, a.year) for a in anchors
                               if a.year is not None and date(a.year, a.month, a.day) == latest))
    by_sentence: dict[int, list[Expression]] = {}
    for w in weekdays:
        if w.kind == "weekday":
            by_sentence.setdefault(sentence_index(w.start), []).append(w)
    pinned: dict[tuple, list[_Pin]] = {}
    pins = []
    for m in _DURATION.finditer(text):
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else _SMALL_NUMBERS[n_text]
        days = n * (7 if m.group("unit").lower() == "week" else 1)
        if not 1 <= days <= _MAX_DURATION_DAYS:
            continue
        i = sentence_index(m.start())
        # an age ("two weeks old") is counted up to a nearby event; other durations pair with a
        # weekday of their own sentence ("expiry early Friday following a seven-day pause")
        is_age = bool(_AGE_AFTER.match(text, m.end()))
        reach = _PAIR_SENTENCES if is_age else 0
        near = [w for k in range(i - reach, i + reach + 1) for w in by_sentence.get(k, ())]
        for w in near:
            key = (days, is_age, w.weekday, w.future)
            if key not in pinned:
                check()
                # a year-less anchor in a text naming years: too many ways to match; a dated one only
                # for an age (measured on real news: other spans from a dated anchor mislead), and
                # durations run from the latest day the text cites
                pinned[key] = _duration_pins(year_less + (dated if is_age else []), days, w, years,
                                             today, cited)
            pins.extend(pinned[key])
    return pins


def _duration_pins(anchors: list[tuple[int, int, int | None]], days: int, w: Expression,
                   years: list[int] | None, today: date, cited: _CitedDays) -> list[_Pin]:
    """The pins of a duration of ``days`` ending on weekday ``w``, counted from each anchor day."""
    pins = []
    # the anchor's year options are those that make anchor + duration fall on the weekday
    target_weekday = (w.weekday - days) % 7
    for month, day, year in anchors:
        for d in _candidate_days(month, day, year, target_weekday, years, today):
            event = d + timedelta(days=days)
            if event <= today and not cited.between(d, event):
                pins.append(_week_of(event, w.future, "anchor+duration"))
    return pins
