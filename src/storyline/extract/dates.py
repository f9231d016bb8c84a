"""Date expressions resolved against the publication date.

A hand-written grammar of regular expressions finds the date expressions of English news prose and
resolves each to a calendar value (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``):

- explicit dates in both orders, with or without a year: "October 7", "Oct. 7, 2023", "7 October
  2023", "the first of June 2009", "Monday, June 15"; ISO dates; month and year ("March 2011",
  "mid-March 2011"); a month named after a preposition ("in April", "mid-January"); bare years in a
  year-like position ("in 2008", "since 1988", "the 2010 budget");
- weekdays ("Thursday night", "last Saturday", "next Monday");
- days, months and years relative to publication ("yesterday", "last night", "earlier this
  evening", "last month", "earlier this month", "later this year", "21 years ago").

Week-level and vague expressions ("last week", "a few months ago", "recently") are deliberately not
annotated, nor are durations ("22 months of war", "a seven-day pause"): they name no calendar value.

Resolution follows the habits of news writing: a weekday or a year-less date denotes the most recent
one up to the publication day (news speaks of the recent past) unless the clause is in the future
("will", "would", "is expected to", "scheduled", "next" ...), when it denotes the next one from the
publication day; a weekday equal to the publication's own weekday is that day itself unless "last"
or "next" says otherwise. A year-less day or month only a little ahead of publication, in a clause
that gives no tense, is the coming one ("payable Dec. 15" in late October); a weekday written with a
year-less date picks the year; one day named twice in an article takes the tense one mention gives. Without a publication date only expressions carrying their own year are
resolved.

Why not a library: ``dateparser.search_dates`` costs 13-48 ms an article and was measured wrong in
many ways on news (it reads "we" as Wednesday, "$400m" as a time, "14 of 15" as 2015, puts a weekday
equal to the article's own weekday a week back; recall 0.74 on the seeds gold). This grammar costs
2-3 ms for a 700-word article and uses only the standard library. Measured: seeds and t17dev
dates recall 1.0; DATE value accuracy 0.863 on TimeBank and 0.871 on AQUAINT
(``storyline evaluate timeml``).

The parse (``find_expressions``) is kept apart from the resolution (``resolve``) so that
``published.py`` can reason over the same expressions when an article carries no date.
"""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..budget import check
from ..model import Article, DateMention, Span
from .segment import sentences

# ---------------------------------------------------------------------------------------------
# Vocabulary

_MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAY_NUMBERS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
for _unit, _n in list(_ORDINAL_WORDS.items())[:9]:
    _ORDINAL_WORDS[f"twenty-{_unit}"] = 20 + _n
    _ORDINAL_WORDS[f"twenty {_unit}"] = 20 + _n
_ORDINAL_WORDS["thirty-first"] = _ORDINAL_WORDS["thirty first"] = 31

# Fixed-date holidays, resolved like a year-less "Month Day".
_HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "christmas eve": (12, 24),
    "christmas day": (12, 25), "christmas": (12, 25), "boxing day": (12, 26),
    "valentine's day": (2, 14), "halloween": (10, 31), "independence day": (7, 4),
}

# Full month names and dotted abbreviations; bare abbreviations ("Feb 1", wire style) only where a
# day or year follows, because "Jan", "Mar" and "Dec" are also names and words.
_MONTH_FULL = r"January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTH = rf"(?:{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?)(?![A-Za-z])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_ORDINAL = "|".join(sorted((re.escape(k) for k in _ORDINAL_WORDS), key=len, reverse=True))
# What may not follow a day or year number: more digits, a decimal or thousands separator, a time
# or a percentage ("7:30", "7.5", "2,000", "2011%").
_NUM_END = r"(?![\d%]|[.,:]\d)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

_P = re.compile
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Monday, June 15, 2009 / Oct. 7, 2023 / November 15 2003 / May 2
    ("mdy", _P(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<mon>{_MONTH})\s+(?P<day>{_DAY}){_NUM_END}"
               rf"(?:,?\s+(?P<year>{_YEAR}){_NUM_END})?")),
    # Monday 15 June 2009 / 7 October / the 1st of June
    ("dmy", _P(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>{_DAY})(?:\s+of)?\s+(?P<mon>{_MONTH})"
               rf"(?:,?\s+(?P<year>{_YEAR}){_NUM_END})?")),
    # the first of June 2009 (the word is checked against _ORDINAL_WORDS: a plain word pattern scans faster)
    ("dmy", _P(rf"\b(?:[Tt]he\s+)?(?P<oday>(?:[Tt]wenty|[Tt]hirty)[- ][a-z]+|[A-Za-z]+)\s+of\s+(?P<mon>{_MONTH})"
               rf"(?:,?\s+(?P<year>{_YEAR}){_NUM_END})?")),
    # 2011-02-01
    ("iso", _P(rf"(?<![\d-])(?P<year>{_YEAR})-(?P<mnum>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?![\d-])")),
    # March 2011 / mid-March 2011 / October of 2006
    ("my", _P(rf"(?:(?P<edge>early|mid|late|Early|Mid|Late)[- ])?(?P<mon>{_MONTH}),?\s+(?:of\s+)?"
              rf"(?P<year>{_YEAR}){_NUM_END}")),
    # June last year / in March this year
    ("mrel", _P(rf"(?:(?P<edge>early|mid|late|Early|Mid|Late)[- ])?(?P<mon>{_MONTH_FULL})\s+(?:of\s+)?"
                rf"(?P<rel>last|this|next)\s+year\b")),
    # in April / since March / mid-January / last December
    ("month", _P(rf"(?:(?P<edge>early|mid|late|Early|Mid|Late)[- ]|"
                 rf"\b(?P<prep>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Tt]hrough|[Dd]uring|[Oo]f|"
                 rf"[Bb]efore|[Aa]fter|[Ll]ast|[Nn]ext|[Tt]his|[Tt]o|[Ii]nto|[Ff]or)\s+)"
                 rf"(?P<mon>{_MONTH_FULL})\b(?!\s+\d)")),
    # weekdays
    ("weekday", _P(rf"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Pp]ast)\s+)?\b(?P<wd>{_WEEKDAY})\b"
                   rf"(?!\s+(?:Times|Club)\b){_PART_OF_DAY}")),
    # days relative to publication
    ("relday", _P(r"\b(?P<rel>(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))|"
                  r"(?:(?:earlier|later)\s+)?(?:today|tonight)|yesterday(?:\s+(?:morning|afternoon|evening))?|"
                  r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?|last\s+night|"
                  r"(?:(?:earlier|later)\s+)?this\s+(?:morning|afternoon|evening))\b", re.I)),
    # months and years relative to publication
    ("relmy", _P(r"\b(?P<rel>(?:(?:earlier|later)\s+)?this|last|next|the\s+previous|the\s+following)\s+"
                 r"(?P<unit>month|year)\b(?!\s*(?:'s|\u2019s)?\s*(?:-|\d|old|long))", re.I)),
    # 21 years ago / two days ago / a year ago
    ("ago", _P(r"\b(?P<n>\d{1,3}|[A-Za-z]+)\s+(?P<unit>years?|months?|days?)\s+ago\b")),
    # holidays
    ("holiday", _P(r"\b(?P<hol>New Year's (?:Day|Eve)|Christmas(?: Eve| Day)?|Boxing Day|Valentine's Day|"
                   r"Halloween|Independence Day)(?:,?\s+(?P<year>" + _YEAR + r")" + _NUM_END + ")?")),
    # bare years: accepted only in a year-like position (see _year_context)
    ("year", _P(rf"(?<![\d$£€#.,/])(?<![\d]-)(?P<year>{_YEAR})(?![\d%]|[.,]\d|\s*(?:%|percent|per\s+cent)|s\b|-\d)")),
)

# Where a match of each rule can begin. Scanning the text with a rule tries it at every character,
# and none of the rules starts with a literal the regex engine can skip to, so every rule costs a
# full pass (13 passes were 6 ms for an 11K-character article). These patterns start with a literal
# or a character class, which the engine finds fast, and say what a match of the rule must start
# with; the rule is then tried only there (``_finditer``), with the same results as ``finditer``.
_ABBR3 = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"  # every month name starts so
_WEEKDAY_NAMES = _WEEKDAY[3:-1].split("|")
_EDGES = ("early", "mid", "late", "Early", "Mid", "Late")
_WEEKDAY_MODS = "Last last Next next This this Coming coming Past past".split()
_DAY_START = "|".join(rf"{d}\d?(?:st|nd|rd|th)?\s" for d in range(10))
_STARTS: dict[int, re.Pattern[str]] = {
    0: _P("|".join([*_WEEKDAY_NAMES, r"the\s", _ABBR3])),  # mdy
    1: _P("|".join([_DAY_START, *_WEEKDAY_NAMES, r"the\s"])),  # dmy
    3: _P(r"1[89]\d\d-|20\d\d-"),  # iso
    4: _P("|".join([*(rf"{e}[- ]" for e in _EDGES), _ABBR3])),  # my
    5: _P("|".join([*(rf"{e}[- ]" for e in _EDGES), _ABBR3])),  # mrel
    7: _P("|".join([*_WEEKDAY_NAMES, *(rf"{w}\s+(?:{_WEEKDAY[3:-1]})" for w in _WEEKDAY_MODS)])),  # weekday
    # the case-insensitive rules: a first letter in either case, then the rest of the word
    8: _P(r"[TtEeLlYy](?i:he\s+day|arlier\s|ater\s|oday|onight|esterday|omorrow|ast\s+night|his\s)"),
    9: _P(r"[EeLlTtNn](?i:arlier\s|ater\s|his\s|ast\s|ext\s|he\s+previous\s|he\s+following\s)"),
    11: _P(r"New Year's |Christmas|Boxing Day|Valentine's Day|Halloween|Independence Day"),  # holiday
    12: _P(r"1[89]\d\d|20\d\d"),  # year
}
# Rules 2 ("the first of June"), 6 ("in March") and 10 ("two years ago") start with a word of many
# kinds: they are tried in the words just before what they must contain, with how many words.
_ANCHORS: dict[int, tuple[re.Pattern[str], int]] = {
    2: (_P(rf"of\s+(?:{_ABBR3})"), 3),  # [the] twenty-first of June
    6: (_P(_ABBR3), 1),  # in March, mid-March
    10: (_P(r"(?:years?|months?|days?)\s+ago"), 1),  # 21 years ago
}


def _finditer(index: int, pattern: re.Pattern[str], text: str):
    """``pattern.finditer(text)`` for rule ``index``, trying the rule only where a match may start.

    Exact because every match of a rule starts where its ``_STARTS`` pattern matches (or within the
    words before its anchor) and no rule matches the empty string."""
    starts = _STARTS.get(index)
    if starts is None:
        yield from _finditer_at(pattern, text, _anchored_starts(index, text))
        return
    search, match = starts.search, pattern.match
    s = search(text)
    while s is not None:
        p = s.start()
        m = match(text, p)
        if m is not None:
            yield m
            s = search(text, m.end())
        else:
            s = search(text, p + 1)


def _finditer_at(pattern: re.Pattern[str], text: str, candidates: list[int]):
    pos = 0
    for p in candidates:
        if p >= pos:
            m = pattern.match(text, p)
            if m is not None:
                yield m
                pos = m.end()


def _anchored_starts(index: int, text: str) -> list[int]:
    """Every position where rule 2, 6 or 10 may start: within the words before each anchor."""
    anchor, runs = _ANCHORS[index]
    out: set[int] = set()
    for a in anchor.finditer(text):
        j = a.start()
        for _ in range(runs):
            while j > 0 and (text[j - 1].isspace() or text[j - 1] == "-"):
                j -= 1
            while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
                j -= 1
        out.update(range(j, a.start()))
    return sorted(out)


# A bare four-digit number is a year after these words ("in 2008", "since 1988", "the 2010 budget") ...
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|of|by|until|till|through|throughout|during|before|after|early|late|mid|around|"
    r"circa|year|years|fiscal|spring|summer|autumn|fall|winter|the|its|their|his|her|our|this|that|"
    r"a|for|from|into|due|both|between|and|or|to|than|back|as\s+of|end|beginning|start)|['\u2019]s|"
    r"mid-|[(])\s*$",
    re.I,
)
# ... or before a singular lower-case noun ("his unsuccessful 1996 campaign") or a sentence break ...
_YEAR_AS_MODIFIER = re.compile(r"\s+[a-z]+[a-rt-z]\b|[.;)]|,\s")
# ... but not before a counted noun or a clock word ("2000 people", "1500 troops", "1900 GMT") ...
_YEAR_COUNT_AFTER = re.compile(
    r"\s+(?:people|persons|men|women|children|troops|soldiers|workers|employees|residents|cases|"
    r"deaths|dead|votes|points|shares|tons|tonnes|barrels|miles|km|kilometers|kilometres|feet|meters|"
    r"metres|acres|units|jobs|members|delegates|students|families|homes|houses|cars|vehicles|times|"
    r"dollars|euros|pounds|yen|others|more|of\s+them|gmt|utc|hours|hrs|local|est|edt|bst|cet)\b",
    re.I,
)
# ... nor after words that take a quantity or a clock time ("at 1900", "to 2082", "No. 1996").
_YEAR_QUANTITY_BEFORE = re.compile(r"\b(?:at|to|No\.|number|flight|route|highway|about|some|nearly|"
                                   r"almost|over|than|under|approximately|total\s+of)\s*$", re.I)
# Range words accept a year only when another year stands just before ("between 2008 and 2010").
_YEAR_RANGE_WORDS = re.compile(r"\b(?:and|or|to|than)\s*$", re.I)
_YEAR_RANGE_BEFORE = re.compile(rf"{_YEAR}(?:\s+\S+){{0,2}}\s*\S*\s*$")

# "over the last year", "in the next month": a duration, not a calendar month or year.
_DURATION_BEFORE = re.compile(r"\bthe\s+$", re.I)

# Future-tense cues in the words just before an expression; a reporting verb after them resets the
# clause to the past ("talks will go on, officials said Friday").
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|wo\s+n't|shall|would|wouldn't|'ll|going\s+to|expected|expects?|due|scheduled|"
    r"slated|set\s+to|plans?\s+to|planned|planning|upcoming|coming|deadline|expire|expires|expiry|"
    r"expiring|nearing|ahead\s+of|in\s+time\s+for|as\s+(?:early|soon)\s+as|(?:is|are)\s+to\s+\w+)\b",
    re.I,
)
_PAST_CUE = re.compile(
    r"\b(?:said|says|told|added|announced|reported|confirmed|was|were|had|did|ago|earlier|began|"
    r"started|last|since)\b",
    re.I,
)
# A new clause after the future cue ("will remain where it landed in April") ends its reach.
# A reporting verb also opens a new clause ("said it is calling for redemption on Dec. 7").
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:where|when|which|who|since|after|because|while|but|said|says|told|"
                           r"added|announced|reported|confirmed)\b", re.I)
# A reporting verb or "since" right before the expression makes it past ("said Thursday", "since May").
_NEAR_PAST = re.compile(r"\b(?:said|says|told|added|announced|reported|confirmed|since)\s+(?:\w+\s+)?"
                        r"(?:on\s+|in\s+)?$", re.I)
# A past-tense verb just before the expression ("killed on October 7", "issued July 1").
_PAST_VERB_BEFORE = re.compile(r"\b[a-z]{3,}ed\s+(?:on\s+|in\s+)?(?:the\s+)?$")
_PAST_AFTER = re.compile(r"^[\s,]*(?:\w+\s+){0,2}(?:was|were|had|said)\b", re.I)
_FUTURE_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:will|is\s+expected|are\s+expected)\b", re.I)
# A year-less day at most this many days after publication, in a clause that gives no tense, is the
# coming one ("the dividend is payable Dec. 15" in late October); further away, the past one. Older
# days are rarely given without a year; upcoming ones often are (TimeBank: deadlines, payments).
NEAR_FUTURE_DAYS = 75
# The same for a bare month ("by February" in late October), counted in months.
NEAR_FUTURE_MONTHS = 3
# How many characters before an expression are read for its tense.
_TENSE_WINDOW = 100


# ---------------------------------------------------------------------------------------------
# Parsed expressions


@dataclass(frozen=True, slots=True)
class Expression:
    """A date expression as written, before resolution against a publication date.

    ``kind`` is one of: ``date`` (day and month, maybe year), ``month`` (month, maybe year),
    ``year``, ``weekday``, ``relday`` (days from publication in ``offset``), ``relmonth`` and
    ``relyear`` (months or years from publication in ``offset``).
    """

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int = 0
    modifier: str | None = None  # last, next, this, coming, past (weekdays and months)
    tense: str | None = None  # "future" or "past" when the clause says so

    @property
    def future(self) -> bool:
        return self.tense == "future"

    @property
    def absolute(self) -> bool:
        """Whether the expression carries its own year."""
        return self.year is not None and self.kind in ("date", "month", "year")


def find_expressions(text: str) -> list[Expression]:
    """All date expressions of ``text``, in text order, the longest where several overlap."""
    found: list[Expression] = []
    for index, (kind, pattern) in enumerate(_RULES):
        for m in _finditer(index, pattern, text):
            check()
            expr = _parse(kind, m, text)
            if expr is not None:
                found.append(expr)
    kept = _longest_first(found)
    sents = sentences(text)
    starts = [s.start for s in sents]
    with_tense = []
    for k, e in enumerate(kept):
        if k & 255 == 255:
            check()
        with_tense.append(_with_tense(e, text, sents, starts))
    return _harmonise(with_tense)


def _longest_first(found: list[Expression]) -> list[Expression]:
    """The expressions that overlap no longer (or equally long and earlier) one, in text order.

    Kept expressions never overlap, so whether a new one overlaps any of them is read off the
    characters they cover (an expression is at most a few dozen characters): linear in the text,
    where comparing with every kept expression was quadratic (80,000 weekdays: minutes)."""
    kept: list[Expression] = []
    covered = bytearray(max((e.end for e in found), default=0))
    for e in sorted(found, key=lambda e: (-(e.end - e.start), e.start)):
        if covered.find(1, e.start, e.end) < 0:
            kept.append(e)
            covered[e.start:e.end] = b"\x01" * (e.end - e.start)
    return sorted(kept, key=lambda e: e.start)


def _parse(kind: str, m: re.Match[str], text: str) -> Expression | None:
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    if kind in ("mdy", "dmy", "iso"):
        month = int(g["mnum"]) if g.get("mnum") else _month_number(g["mon"])
        if g.get("oday"):
            day = _ORDINAL_WORDS.get(" ".join(g["oday"].lower().split()))
            if day is None:
                return None
        else:
            day = int(re.match(r"\d+", g["day"]).group())
        if not _valid_day(year or 2000, month, day):
            return None
        if kind == "mdy" and g["mon"].lower().rstrip(".") == "may" and year is None \
                and not _looks_like_may_date(text, m):
            return None
        wd = _WEEKDAY_NUMBERS[g["wd"].lower()] if g.get("wd") else None
        start = m.start()
        if text[start:start + 4].lower() == "the " and not g.get("oday"):
            start += 4
        return Expression(start, m.end(), "date", year=year, month=month, day=day, weekday=wd)
    if kind == "mrel":
        offset = {"last": -1, "this": 0, "next": 1}[g["rel"]]
        return Expression(m.start(), m.end(), "month", month=_month_number(g["mon"]), offset=offset,
                          modifier="year")
    if kind == "my":
        return Expression(m.start(), m.end(), "month", year=year, month=_month_number(g["mon"]))
    if kind == "month":
        start = m.start("edge") if g.get("edge") else m.start("mon")
        prep = (g.get("prep") or "").lower()
        if g["mon"] == "May" and not g.get("edge") and prep not in ("in", "since", "until", "till", "during",
                                                                      "of", "last", "next", "by"):
            return None
        if g["mon"] == "March" and prep in ("on", "to", "the", "of", "a"):
            return None  # "a march to", "the march of"
        mod = prep if prep in ("last", "next", "this") else None
        if mod:
            start = m.start("prep")
        return Expression(start, m.end(), "month", month=_month_number(g["mon"]), modifier=mod)
    if kind == "weekday":
        mod = (g.get("mod") or "").lower() or None
        return Expression(m.start(), m.end(), "weekday", weekday=_WEEKDAY_NUMBERS[g["wd"].lower()],
                          modifier=mod)
    if kind == "relday":
        return Expression(m.start(), m.end(), "relday", offset=_relday_offset(g["rel"]))
    if kind == "relmy":
        rel = " ".join(g["rel"].lower().split())
        offset = {"last": -1, "next": 1, "the previous": -1, "the following": 1}.get(rel, 0)
        if rel in ("the previous", "the following"):
            return None  # relative to another event, not to publication
        if rel in ("last", "next") and _DURATION_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            return None  # "over the last year" is a duration
        return Expression(m.start(), m.end(), "rel" + g["unit"].lower(), offset=offset)
    if kind == "ago":
        n_text = g["n"].lower()
        n = int(n_text) if n_text.isdigit() else _SMALL_NUMBERS.get(n_text)
        if not n:
            return None
        unit = g["unit"].lower().rstrip("s")
        kind_out = {"year": "relyear", "month": "relmonth", "day": "relday"}[unit]
        return Expression(m.start(), m.end(), kind_out, offset=-n)
    if kind == "holiday":
        month, day = _HOLIDAYS[g["hol"].lower().replace("\u2019", "'")]
        return Expression(m.start(), m.end(), "date", year=year, month=month, day=day)
    if kind == "year":
        if not _year_context(text, m.start(), m.end()):
            return None
        return Expression(m.start(), m.end(), "year", year=year)
    raise AssertionError(kind)


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.lower().rstrip(".")]


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _looks_like_may_date(text: str, m: re.Match[str]) -> bool:
    """"May 2" is a date; "may 2" and "... May 20 people" are not (the modal is lower case)."""
    return not _YEAR_COUNT_AFTER.match(text, m.end())


def _relday_offset(rel: str) -> int:
    rel = " ".join(rel.lower().split())
    if rel.startswith("yesterday") or rel == "last night":
        return -1
    if rel.startswith("tomorrow"):
        return 1
    if rel == "the day before yesterday":
        return -2
    if rel == "the day after tomorrow":
        return 2
    return 0


def _year_context(text: str, start: int, end: int) -> bool:
    """Whether a bare four-digit number stands where a year stands."""
    if _YEAR_COUNT_AFTER.match(text, end):
        return False
    before = text[max(0, start - 40):start]
    if _YEAR_RANGE_WORDS.search(before):
        return bool(_YEAR_RANGE_BEFORE.search(before))
    if _YEAR_QUANTITY_BEFORE.search(before):
        return False
    return bool(_YEAR_BEFORE.search(before) or _YEAR_AS_MODIFIER.match(text, end))


def _with_tense(e: Expression, text: str, sents: tuple[Span, ...], starts: list[int]) -> Expression:
    if e.kind not in ("date", "month", "weekday") or e.year is not None:
        return e
    i = bisect.bisect_right(starts, e.start) - 1
    sent_start = sents[i].start if i >= 0 and sents[i].end > e.start else max(0, e.start - _TENSE_WINDOW)
    tense = _tense(text, max(sent_start, e.start - _TENSE_WINDOW), e.start, e.end)
    return replace(e, tense=tense) if tense else e


def _tense(text: str, window_start: int, start: int, end: int) -> str | None:
    """"future" or "past" when the clause around an expression says so, else None."""
    before = text[window_start:start]
    last_future = None
    for last_future in _FUTURE_CUE.finditer(before):
        pass
    if last_future is not None:
        rest = before[last_future.end():]
        if not _PAST_CUE.search(rest) and not _CLAUSE_BREAK.search(rest):
            return "future"
    after = text[end:end + 40]
    if _FUTURE_AFTER.match(after):
        return "future"
    clause = before
    for clause_break in _CLAUSE_BREAK.finditer(before):
        clause = before[clause_break.end():]
    if (_PAST_CUE.search(clause) or _PAST_VERB_BEFORE.search(clause) or _NEAR_PAST.search(before)
            or _PAST_AFTER.match(after)):
        return "past"
    return None


def _harmonise(found: list[Expression]) -> list[Expression]:
    """One year-less day or month named twice in an article is the same one: where one mention's
    clause gives its tense and the others' say nothing, they take it."""
    tenses: dict[tuple, set[str]] = {}
    for e in found:
        if e.kind in ("date", "month") and e.year is None and e.modifier is None and e.tense:
            tenses.setdefault((e.kind, e.month, e.day), set()).add(e.tense)
    out = []
    for e in found:
        known = tenses.get((e.kind, e.month, e.day))
        if e.kind in ("date", "month") and e.year is None and e.tense is None and known and len(known) == 1:
            e = replace(e, tense=next(iter(known)))
        out.append(e)
    return out


# ---------------------------------------------------------------------------------------------
# Resolution


def resolve(e: Expression, published: date | None) -> str | None:
    """The calendar value of ``e`` as seen from ``published``; None when it cannot be resolved."""
    if e.kind == "year":
        return f"{e.year:04d}"
    if e.kind == "date" and e.year is not None:
        return _iso(date(e.year, e.month, e.day))
    if e.kind == "month" and e.year is not None:
        return f"{e.year:04d}-{e.month:02d}"
    if published is None:
        return None
    p = published
    if e.kind == "date":
        return _iso(_month_day(e, p))
    if e.kind == "month":
        return _resolve_month(e, p)
    if e.kind == "weekday":
        return _iso(resolve_weekday(e.weekday, e.modifier, e.future, p))
    if e.kind == "relday":
        return _iso(p + timedelta(days=e.offset))
    if e.kind == "relmonth":
        y, m = divmod(p.year * 12 + p.month - 1 + e.offset, 12)
        return f"{y:04d}-{m + 1:02d}"
    if e.kind == "relyear":
        return f"{p.year + e.offset:04d}"
    raise AssertionError(e.kind)


def resolve_weekday(weekday: int, modifier: str | None, future: bool, p: date) -> date:
    """The date a weekday names as seen from ``p`` (see the module docstring)."""
    back = (p.weekday() - weekday) % 7
    ahead = (weekday - p.weekday()) % 7
    if modifier == "last" or modifier == "past":
        return p - timedelta(days=back or 7)
    if modifier == "next":
        return p + timedelta(days=ahead or 7)
    if modifier in ("this", "coming") or future:
        return p + timedelta(days=ahead)
    return p - timedelta(days=back)


def _month_day(e: Expression, p: date) -> date:
    """A year-less day: the most recent one up to ``p`` (news speaks of the recent past), the next one
    from ``p`` when the clause is in the future or when that is only days away and the clause says
    nothing of the past ("payable Dec. 15" in late October); a weekday given with it picks the year."""
    past, ahead = _occurrence(e.month, e.day, p, -1), _occurrence(e.month, e.day, p, 1)
    if e.weekday is not None:
        matching = [d for d in (past, ahead) if d.weekday() == e.weekday]
        if matching:
            return min(matching, key=lambda d: abs((d - p).days))
    if e.tense == "future":
        return ahead
    if e.tense is None and (ahead - p).days <= NEAR_FUTURE_DAYS:
        return ahead
    return past


def _occurrence(month: int, day: int, p: date, direction: int) -> date:
    """The day ``month``/``day`` nearest ``p`` on or before it (-1), or on or after it (1)."""
    year = p.year
    if direction > 0 and (month, day) < (p.month, p.day):
        year += 1
    elif direction < 0 and (month, day) > (p.month, p.day):
        year -= 1
    while not _valid_day(year, month, day):  # February 29
        year += direction
    return date(year, month, day)


def _resolve_month(e: Expression, p: date) -> str:
    """A year-less month: the most recent one up to the publication month, the next one when the clause
    is in the future or it is at most NEAR_FUTURE_MONTHS ahead in a clause that gives no tense."""
    year = p.year
    ahead = (e.month - p.month) % 12
    if e.modifier == "year":  # "June last year"
        year += e.offset
    elif e.modifier == "last":
        if e.month >= p.month:
            year -= 1
    elif e.modifier == "next":
        if e.month <= p.month:
            year += 1
    elif e.future or e.modifier == "this" or (e.tense is None and 0 < ahead <= NEAR_FUTURE_MONTHS):
        if e.month < p.month:
            year += 1
    elif e.month > p.month:
        year -= 1
    return f"{year:04d}-{e.month:02d}"


def _iso(d: date) -> str:
    return d.isoformat()


def parse_published(published: str | None) -> date | None:
    """The publication date of an article as a ``date`` (the first ten characters, ISO)."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Entry point

# Confidence by kind: explicit values are sure; inferred years and weekdays rest on the tense rule.
_CONFIDENCE = {"date": 0.9, "month": 0.9, "year": 0.9, "weekday": 0.85, "relday": 0.95,
               "relmonth": 0.9, "relyear": 0.9}


def extract_dates(article: Article) -> tuple[DateMention, ...]:
    """Every date expression of the article with the calendar value it denotes."""
    text = article.text
    published = parse_published(article.published)
    out = []
    for k, e in enumerate(find_expressions(text)):
        if k & 255 == 255:
            check()
        value = resolve(e, published)
        if value is None:
            continue
        confidence = 1.0 if e.absolute else _CONFIDENCE[e.kind]
        out.append(DateMention(span=Span(e.start, e.end), text=text[e.start:e.end], value=value,
                               confidence=confidence))
    return tuple(out)
