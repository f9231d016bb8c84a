"""Figure series: the same quantity reported across articles, with contradictions flagged.

A death toll, a hostage count or a number of displaced people is reported again and again as a
story develops, by different outlets, attributed to different sources, rounded differently. This
module turns per-article :class:`~storyline.model.Figure` records into :class:`Series`: one per
quantity, its :class:`Point` records in as-of (publication) order.

What identifies a quantity (read from the figure's sentence, because the figure alone does not say):

- *Category* (killed, injured, taken hostage ...) with the counted subgroup when the noun names
  one ("killed:child", "released:prisoner"; "people", "others", a nationality name none; an
  ``other`` figure is tracked only with such a noun: "other:case"), and
  *unit* (counts and percentages are different series; money is not tracked).
- *Place*, the first that applies: a place entity governed by a locative preposition after the
  number in the same clause ("killed more than 15,000 people in Gaza"; the clause ends at "; ",
  a dash or a relative clause such as ", around half of whom"); the nearest locative place before
  it unless a reporting verb stands between ("stormed into Israel and killed some 1,200"); the
  extractor's ``Figure.place``; the nearest possessive or "of" place in the sentence ("Gaza's
  population"); the nearest other place in the sentence that is not its opening subject
  ("Israel believes ...") nor part of a compound ("US-based"); the nationality the number counts
  ("27,000 Palestinians"); the article's main place when it is named :data:`DOMINANT_PLACE` times
  more often than any other.
  Place names are folded (case, accents, "the", a trailing "Strip"/"Province"/"Region" ...).
- *Scope*, from cues in the figure's clause, first that applies:

  ============== ====================================================================== =========
  state          held hostage, population (a level, not a count of happenings)
  cumulative     "since October 7", "since then" (the date named in the three sentences   anchor:
                 before), "since the war began"                                          the date
  event          a date naming the event: "Friday's earthquake", "the October 7 attack"  that day
  event          "in the past 24 hours", "overnight"                                     published
  cumulative     "death toll", "so far", "to date", "in total", "has killed", "have been
                 killed", "rose to" (within :data:`CUE_WINDOW` characters of the number)
  event          another day-level date in the clause ("on 7 October ... were killed")   that day
  cumulative     displaced (a running total)
  event          anything else: an undated happening
  ============== ====================================================================== =========

:func:`series_key` gives the *family* key (category, place, unit) for indexing;
:func:`build_series` splits a family into series: one per anchor day, holding both the events of
that day and the running totals since it (a quake's first count "killing at least 820" and the
later "death toll rose to 2,012" are one series; its label says "since" when any point is a
total); unanchored totals join an anchored series holding totals, else an event series, whose
reports they could continue (between :data:`MIN_SHRINK` and :data:`MAX_GROWTH` times the reports
before them, and the same bounds towards later ones), the largest first, else stand as one
series; an undated event ("The war began when Hamas killed some 1,200 people") joins the anchored series whose values it agrees with (within
:data:`UNDATED_SLACK`) and whose day is not after the article, else it stands alone (grouped with
same-day undated reports of agreeing value); levels form one state series. A store can index
points by family key and rebuild only the families a new article touches: the cost is linear in
the points of those families (sorting aside, and the undated/unanchored attachment, which is
points x anchor days), and the output depends only on the set of points, not their order.
Undated reports attach only when soon after the event or distinctive (:data:`DISTINCTIVE`).
Measured (300 LibyaWar_reuters articles of Timeline17): reading an article's points costs
0.2-0.5 ms; building 660 series from their 759 points takes 9-19 ms.

Contradictions (:class:`Conflict`): two points of one series from different articles with the
same as-of date whose qualifier intervals do not overlap ("more than 15,000" vs "14,000"; "at
least 100" vs "120" agree), and, in anchored and running-total series (not displacement, which
falls as people return), a later point that lies wholly below an earlier one. Intervals: exact
``[v, v]``, approx ``v * (1 +- APPROX)``, nearly ``[v * (1 - APPROX), v]``, more than / at least
``[v, inf)``, up to / less than ``[0, v]``.

Dates: day-level :class:`~storyline.model.DateMention` records from the dates extractor are used
when given ("Thursday" resolved); otherwise a small pattern reads "October 7", "7 October 2023",
"Oct. 7", taking the latest such day not after the publication date when no year is written.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from ..model import Article, DateMention, Entity, Extraction, Figure, Span
from ..extract.segment import sentences

# ---------------------------------------------------------------------------------------------
# Tuned constants

APPROX = 0.10  # "about 240" covers 216..264
UNDATED_SLACK = 0.10  # extra relative slack when an undated event point looks for its series
DISTINCTIVE = 100  # an undated count this large may refer to an event of any earlier day ...
RECENT_DAYS = 7  # ... a smaller one only to an event this many days before the article
SINCE_THEN_LOOKBACK = 3  # sentences searched backwards for the date "since then" refers to
AFTER_WINDOW = 100  # characters after the number searched for its place
TRACKED = frozenset(
    {"killed", "injured", "taken hostage", "held hostage", "released", "displaced", "population", "other"}
)
MAX_GROWTH = 20.0  # a running total may join an event's series up to this many times its count
MIN_SHRINK = 0.5  # ... and down to this share of it
DOMINANT_PLACE = 2.0  # a figure with no place of its own takes the article's main place if named this many times more
CUE_WINDOW = 60  # characters either side of the number searched for cumulative and window cues
STATE_CATEGORIES = frozenset({"held hostage", "population"})  # levels, whatever the verb
CUMULATIVE_CATEGORIES = frozenset({"displaced"})  # without a cue: a running total
MONOTONE_EXCLUDED = frozenset({"displaced"})  # cumulative but may go down (people return)
# Counted nouns that name no subgroup: "1,200 people" and "some 250" count the same group.
GENERIC_NOUNS = frozenset("""
people person persons others other individual individuals victim victims dead body bodies life lives
hostage hostages captive captives resident residents inhabitant inhabitants more total population
injured wounded killed
""".split())

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Point:
    """One report of a quantity: a figure read in its article."""

    key: str  # the family key (:func:`series_key`)
    category: str
    place: str | None  # as written (the article's canonical place name), for labels
    unit: str | None
    scope: str  # cumulative, event, state
    anchor: str | None  # YYYY-MM-DD: the "since" date of a cumulative count, the day of an event
    value: float
    qualifier: str | None
    as_of: str | None  # the article's published date
    source: str | None
    outlet: str | None
    article_id: str
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two points of one series that cannot both be right."""

    kind: str  # "disagree": same as-of date; "decrease": a cumulative count went down
    earlier: Point
    later: Point
    note: str


@dataclass(frozen=True, slots=True)
class Series:
    """One quantity over time."""

    id: str
    key: str  # family key
    label: str  # "killed · Gaza · since 2023-10-07"
    category: str
    place: str | None
    unit: str | None
    scope: str
    anchor: str | None
    points: tuple[Point, ...]  # by as-of date, then article id, then span
    conflicts: tuple[Conflict, ...] = ()


# ---------------------------------------------------------------------------------------------
# Patterns

_SINCE_THEN = re.compile(r"\bsince\s+(?:then|that\s+(?:day|date|attack|assault|raid))\b", re.I)
_SINCE_START = re.compile(
    r"\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|onset)\b"
    r"|\bsince\s+the\s+(?:\w+[\s-]){0,2}?(?:war|conflict|fighting|offensive|crisis|outbreak|uprising|"
    r"pandemic|epidemic|invasion)\s+(?:began|started|erupted|broke\s+out)\b",
    re.I,
)
_SINCE = re.compile(r"\bsince\b", re.I)
_WINDOW = re.compile(
    r"\b(?:in|over|during|within)\s+the\s+(?:past|last|previous)\s+(?:\d+|\w+)\s+(?:hours?|days?)\b"
    r"|\bovernight\b|\bin\s+a\s+single\s+day\b|\bearlier\s+today\b",
    re.I,
)
_CUMULATIVE = re.compile(
    r"\btolls?\b|\btally\b|\bso\s+far\b|\bto\s+date\b|\bin\s+total\b|\boverall\b|\bcumulative\b"
    r"|\baltogether\b|\bthus\s+far\b"
    r"|\b(?:has|have)\s+(?:now\s+|so\s+far\s+|already\s+|also\s+)?(?:been\s+)?"
    r"(?:killed|died|wounded|injured|displaced|uprooted|taken|released|freed|fled|kidnapped|abducted|"
    r"infected|evacuated|confirmed|recorded|reported)\b"
    r"|\b(?:rose|risen|rising|climbed|jumped|increased|reached|bringing|brings|brought)\s+(?:the\s+\w+\s+)?to\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(
    r";|\s[\u2013\u2014-]{1,2}\s|,\s*(?:(?:\w+\s+){1,2}of\s+)?(?:whom|which|who)\b"
    r"|\b(?:while|whereas)\b",
    re.I,
)
_POSSESSIVE_AFTER = re.compile(r"['\u2019]s\s+[a-z]")
_DETERMINER_BEFORE = re.compile(r"(?:\bthe|['\u2019]s)\s+$", re.I)
_NOUN_AFTER = re.compile(r"\s+(?!and\b|or\b|to\b|in\b|at\b|on\b|of\b|when\b|as\b|is\b|was\b|were\b)[a-z]{3,}")
_REPORTING = re.compile(r"\b(?:said|says|say|told|according|reported|announced|added)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_LOCATIVE = frozenset("in into across inside throughout within on at near from".split())
# Words that may stand between a locative preposition and a place ("in the occupied West Bank").
_PLACE_MODIFIERS = frozenset("""
the a an of parts part areas area much rest southern northern eastern western central north south east
west northeastern northwestern southeastern southwestern occupied besieged neighbouring neighboring
war-torn annexed coastal rural mainland greater
""".split())
# Trailing words folded away in a place key ("Gaza Strip" = "Gaza"; "Gaza City" stays).
_PLACE_SUFFIXES = frozenset("strip province region governorate district state territory county oblast prefecture".split())
_DEMONYM = re.compile(r"\b([A-Z][a-z]+(?:ans|ians|is|ese|ers|ns))\b")

# ---------------------------------------------------------------------------------------------
# Reading one figure


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[.\u2019'`]", "", text).replace("-", " ").split()).casefold()


def place_key(place: str | None) -> str:
    """A place name folded for keys: case, accents, "the", a trailing region word."""
    if not place:
        return ""
    words = _fold(place).split()
    if words and words[0] == "the":
        words = words[1:]
    if len(words) >= 2 and words[-1] in _PLACE_SUFFIXES:
        words = words[:-1]
    return " ".join(words)


# Words that end a figure phrase without a counted noun ("about 240", "some 1.7 million").
_NOT_NOUNS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
thousand thousands million millions billion billions dozen dozens score scores about around some
nearly almost over than least most roughly approximately estimated
""".split())
_IRREGULAR = {"women": "woman", "men": "man", "children": "child", "police": "police", "staff": "staff"}


def _group(figure: Figure) -> str:
    """The subgroup a figure counts, from its counted noun, crudely singular ("children" -> "child");
    "" for a generic noun ("people", "others", a nationality) or none ("some 250")."""
    if _unit_key(figure.unit):
        return ""
    words = _WORD.findall(figure.text)
    if not words:
        return ""
    word = words[-1]
    w = word.lower().replace("\u2019", "'")
    if w in GENERIC_NOUNS or w in _NOT_NOUNS or word[0].isupper() or figure.text.rstrip()[-1:].isdigit():
        return ""
    for plural, singular in _IRREGULAR.items():
        if w.endswith(plural):
            return w[: len(w) - len(plural)] + singular
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if w.endswith("men") and len(w) > 4:
        return w[:-3] + "man"
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def _category_key(figure: Figure) -> str | None:
    if figure.category not in TRACKED or (figure.unit or "").upper() in ("USD", "GBP", "EUR"):
        return None
    group = _group(figure)
    if figure.category == "other":
        return f"other:{group}" if group else None
    return f"{figure.category}:{group}" if group else figure.category


def _unit_key(unit: str | None) -> str:
    return "percent" if unit and unit.lower() in ("percent", "%", "per cent") else ""


def _sentence(text: str, offset: int) -> tuple[int, Span] | None:
    sents = sentences(text)
    for i, s in enumerate(sents):
        if s.start <= offset < s.end:
            return i, s
    return None


def _clause(text: str, sent: Span, fig: Span) -> Span:
    """The part of the sentence between ';' or dashes around the figure."""
    start, end = sent.start, sent.end
    for m in re.finditer(r";|\s[\u2013\u2014]\s|\s--\s", text[sent.start:sent.end]):
        pos = sent.start + m.start()
        if pos < fig.start:
            start = sent.start + m.end()
        elif pos >= fig.end:
            end = pos
            break
    return Span(start, end)


def _locative(text: str, start: int, floor: int) -> bool:
    """Whether a locative preposition governs the place mention starting at ``start``."""
    words = _WORD.findall(text[max(floor, start - 60):start])
    for w in reversed(words):
        low = w.lower().replace("\u2019", "'")
        if low in _LOCATIVE:
            return True
        if low not in _PLACE_MODIFIERS and not low.endswith("'s"):  # "into Nigeria's Zamfara State"
            return False
    return False


def _owns(text: str, start: int, end: int, floor: int) -> bool:
    """A possessive or "of" place: "Gaza's population", "the population of Gaza"."""
    if text.startswith(("'s", "\u2019s"), end):
        return True
    words = _WORD.findall(text[max(floor, start - 30):start])
    while words and words[-1].lower() in ("the", "a", "an"):
        words.pop()
    return bool(words) and words[-1].lower() == "of"


def _place(figure: Figure, article: Article, sent: Span, clause: Span, entities: Sequence[Entity]) -> str | None:
    text = article.text
    fig = figure.span
    mentions = sorted(
        (m.start, m.end, e.name)
        for e in entities if e.type in ("LOC", "GPE")
        for m in e.mentions
        if sent.start <= m.start and m.end <= sent.end and not m.overlaps(fig)
    )
    brk = _CLAUSE_BREAK.search(text, fig.end, min(clause.end, fig.end + AFTER_WINDOW))
    after_end = brk.start() if brk else min(clause.end, fig.end + AFTER_WINDOW)
    for start, _, name in mentions:
        if fig.end <= start < after_end and _locative(text, start, sent.start):
            return name
    for start, end, name in reversed(mentions):
        if clause.start <= start and end <= fig.start and _locative(text, start, sent.start) \
                and not _REPORTING.search(text, end, fig.start):
            return name
    if figure.place:
        return figure.place
    for pool in (
        [m for m in mentions if _owns(text, m[0], m[1], sent.start)],
        # any other place, but not one that opens the sentence (its subject: "Israel believes")
        # or stands in a hyphenated compound ("US-based")
        [m for m in mentions if m[0] > sent.start and not text.startswith("-", m[1])],
    ):
        if pool:
            return min(pool, key=lambda m: (abs(m[0] - fig.start), m[0]))[2]
    m = _DEMONYM.search(figure.text, 1)
    if m:
        return m.group(1)
    return _dominant_place(entities)


def _dominant_place(entities: Sequence[Entity]) -> str | None:
    """The article's main place, if one is named clearly more often than any other."""
    counts = sorted(((len(e.mentions), e.name) for e in entities if e.type in ("LOC", "GPE")), reverse=True)
    if not counts:
        return None
    if len(counts) == 1 or counts[0][0] >= DOMINANT_PLACE * counts[1][0]:
        return counts[0][1]
    return None


def _day_dates(dates: Sequence[DateMention]) -> list[tuple[Span, str]]:
    """Day-level dates of the article, as the dates extractor resolved them."""
    return sorted((d.span, d.value) for d in dates if len(d.value) == 10)


def _attributive(text: str, span: Span) -> bool:
    """A date that names an event rather than when something was said: "Friday's earthquake",
    "the October 7 attack", "Hamas's October 7 attack"."""
    if _POSSESSIVE_AFTER.match(text, span.end):
        return True
    before = text[max(0, span.start - 12):span.start]
    return bool(_DETERMINER_BEFORE.search(before)) and bool(_NOUN_AFTER.match(text, span.end))


def _scope(figure: Figure, article: Article, idx: int, clause: Span, days: list[tuple[Span, str]]) -> tuple[str, str | None]:
    text = article.text
    part = text[clause.start:clause.end]
    in_clause = [(s, v) for s, v in days if clause.contains(s)]
    if figure.category in STATE_CATEGORIES:
        return "state", None
    for m in _SINCE.finditer(part):
        at = clause.start + m.start()
        anchored = [(s, v) for s, v in in_clause if 0 <= s.start - m.end() - clause.start <= 25]
        if anchored:
            return "cumulative", anchored[0][1]
        if _SINCE_THEN.match(part, m.start()):
            sents = sentences(text)
            lo = sents[max(0, idx - SINCE_THEN_LOOKBACK)].start
            before = [v for s, v in days if lo <= s.start < at]
            return "cumulative", before[-1] if before else None
        if _SINCE_START.match(part, m.start()):
            return "cumulative", None
    for span, value in sorted(in_clause, key=lambda sv: (abs(sv[0].start - figure.span.start), sv[0].start)):
        if _attributive(text, span):
            return "event", value
    near = text[max(clause.start, figure.span.start - CUE_WINDOW):min(clause.end, figure.span.end + CUE_WINDOW)]
    if _WINDOW.search(near):
        return "event", article.published
    if _CUMULATIVE.search(near):
        return "cumulative", None
    if in_clause:
        s, v = min(in_clause, key=lambda sv: (abs(sv[0].start - figure.span.start), sv[0].start))
        return "event", v
    if figure.category in CUMULATIVE_CATEGORIES:
        return "cumulative", None
    return "event", None


def read_figure(
    figure: Figure,
    article: Article,
    entities: Sequence[Entity] = (),
    dates: Sequence[DateMention] = (),
) -> Point | None:
    """The :class:`Point` a figure makes, or None when it is not a tracked quantity.

    ``entities`` (the article's) let the place be found in the sentence; ``dates`` (the
    article's, from the dates extractor) give the days that anchor an event or a running total.
    """
    cat = _category_key(figure)
    if cat is None:
        return None
    found = _sentence(article.text, figure.span.start)
    if found is None:
        idx, sent = 0, Span(0, len(article.text))
    else:
        idx, sent = found
    clause = _clause(article.text, sent, figure.span)
    place = _place(figure, article, sent, clause, entities)
    scope, anchor = _scope(figure, article, idx, clause, _day_dates(dates))
    unit = _unit_key(figure.unit)
    return Point(
        key=f"{cat}|{place_key(place)}|{unit}",
        category=cat,
        place=place,
        unit=unit or None,
        scope=scope,
        anchor=anchor,
        value=figure.value,
        qualifier=figure.qualifier,
        as_of=article.published,
        source=figure.source,
        outlet=article.outlet,
        article_id=article.id,
        span=figure.span,
        text=figure.text,
    )


def series_key(
    figure: Figure,
    article: Article,
    entities: Sequence[Entity] = (),
    dates: Sequence[DateMention] = (),
) -> str | None:
    """The family key ``category|place|unit`` a figure is indexed under, or None if untracked.

    All points that can end up in one series share it; :func:`build_series` over one family's
    points gives that family's series."""
    p = read_figure(figure, article, entities, dates)
    return p.key if p else None


def points_from(extraction: Extraction) -> tuple[Point, ...]:
    """Every tracked point of one article's extraction."""
    out = []
    for f in extraction.figures:
        p = read_figure(f, extraction.article, extraction.entities, extraction.dates)
        if p is not None:
            out.append(p)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Building series


def interval(value: float, qualifier: str | None) -> tuple[float, float]:
    """The values a reported figure allows, given its qualifier."""
    q = (qualifier or "").lower()
    if q == "approx":
        return value * (1 - APPROX), value * (1 + APPROX)
    if q == "nearly":
        return value * (1 - APPROX), value
    if q in ("more than", "at least"):
        return value, float("inf")
    if q in ("up to", "less than"):
        return 0.0, value
    return value, value


def _near(p: Point) -> tuple[float, float]:
    """A bounded reading of a point, for matching reports to each other: "up to 300,000" should
    not match every smaller count the way its interval [0, 300000] would."""
    v, q = p.value, (p.qualifier or "").lower()
    if q in ("more than", "at least"):
        return v, v * (1 + 2 * APPROX)
    if q in ("up to", "less than"):
        return v * (1 - 2 * APPROX), v
    return interval(v, q or None)


def _widen(iv: tuple[float, float], slack: float) -> tuple[float, float]:
    return iv[0] * (1 - slack), iv[1] * (1 + slack)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    eps = 1e-9 * max(1.0, abs(a[0]), abs(b[0]))
    return a[0] <= b[1] + eps and b[0] <= a[1] + eps


def _order(p: Point) -> tuple:
    return (p.as_of or "", p.article_id, p.span.start, p.span.end, p.value, p.text)


def _conflicts(points: Sequence[Point], cumulative: bool) -> tuple[Conflict, ...]:
    out: list[Conflict] = []
    by_day: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        if p.as_of:
            by_day[p.as_of].append(p)
    for day in sorted(by_day):
        ps = by_day[day]
        for i, a in enumerate(ps):
            for b in ps[i + 1:]:
                if a.article_id != b.article_id:  # one article's numbers are different counts
                    if not _overlap(interval(a.value, a.qualifier), interval(b.value, b.qualifier)):
                        out.append(Conflict("disagree", a, b, f"{_show(a)} vs {_show(b)} on {day}"))
    if cumulative:
        best: Point | None = None  # the earlier point with the highest lower bound
        for day in sorted(by_day):
            ps = by_day[day]
            if best is not None:
                floor = interval(best.value, best.qualifier)[0]
                for p in ps:
                    if interval(p.value, p.qualifier)[1] < floor:
                        out.append(Conflict("decrease", best, p, f"{_show(best)} ({best.as_of}) then {_show(p)} ({p.as_of})"))
            for p in ps:
                if best is None or interval(p.value, p.qualifier)[0] > interval(best.value, best.qualifier)[0]:
                    best = p
    return tuple(out)


def _show(p: Point) -> str:
    v = f"{p.value:,.0f}" if p.value == int(p.value) else f"{p.value:,}"
    return f"{p.qualifier} {v}" if p.qualifier else v


def _label(category: str, place: str | None, unit: str | None, scope: str, anchor: str | None, as_of: str | None) -> str:
    parts = [category.removeprefix("other:")]
    if unit:
        parts[0] += f" ({unit})"
    if place:
        parts.append(place)
    if scope == "cumulative":
        parts.append(f"since {anchor}" if anchor else "cumulative")
    elif scope == "event":
        parts.append(f"on {anchor}" if anchor else f"reported {as_of or 'undated'}")
    return " · ".join(parts)


def _make(key: str, scope: str, anchor: str | None, points: list[Point], ident: str, totals: bool = True) -> Series:
    points = sorted(points, key=_order)
    place = Counter(p.place for p in points if p.place).most_common()
    place_name = min(place, key=lambda kv: (-kv[1], kv[0]))[0] if place else None
    first = points[0]
    return Series(
        id=ident,
        key=key,
        label=_label(first.category, place_name, first.unit, scope, anchor, first.as_of),
        category=first.category,
        place=place_name,
        unit=first.unit,
        scope=scope,
        anchor=anchor,
        points=tuple(points),
        conflicts=_conflicts(points, totals and first.category.split(":")[0] not in MONOTONE_EXCLUDED),
    )


def _median_interval(points: Sequence[Point]) -> tuple[float, float]:
    ps = sorted(points, key=lambda p: (p.value, _order(p)))
    return _near(ps[(len(ps) - 1) // 2])


def _plausible_reference(p: Point, day: str) -> bool:
    """Whether an undated report may refer to the event of ``day``: not before it, and either
    soon after or with a count distinctive enough not to match by chance ("some 1,200" months
    later is the same attack; "three killed" is not)."""
    if not p.as_of:
        return True
    if day > p.as_of:
        return False
    if p.value >= DISTINCTIVE:
        return True
    try:
        return (date.fromisoformat(p.as_of[:10]) - date.fromisoformat(day)).days <= RECENT_DAYS
    except ValueError:
        return False


def _value_groups(points: list[Point]) -> list[list[Point]]:
    """Undated reports of one day grouped by agreeing values (a chain of overlapping intervals),
    smallest values first: "12 killed" and "about 12 killed" are one happening, "3" another."""
    ps = sorted(points, key=lambda p: (_near(p)[0], _order(p)))
    groups: list[list[Point]] = []
    hi = -1.0
    for p in ps:
        iv = _widen(_near(p), UNDATED_SLACK)
        if groups and iv[0] <= hi:
            groups[-1].append(p)
            hi = max(hi, iv[1])
        else:
            groups.append([p])
            hi = iv[1]
    return groups


def _fits_growth(p: Point, group: Sequence[Point]) -> bool:
    """Whether a running total could belong with a series' reports, given their dates: against
    the reports not after it, at least :data:`MIN_SHRINK` and at most :data:`MAX_GROWTH` times the
    highest (a quake's toll grows; a war's toll is not one strike's; a lower total still joins,
    and is flagged as a decrease); against later reports, the same bounds the other way."""
    lo = interval(p.value, p.qualifier)[0]
    when = p.as_of or ""
    before = [interval(q.value, q.qualifier)[0] for q in group if (q.as_of or "") <= when]
    after = [_near(q)[1] for q in group if (q.as_of or "") > when]
    if before:
        top = max(before)
        if not top * MIN_SHRINK <= lo <= MAX_GROWTH * max(top, 1.0):
            return False
    if after:
        bottom = min(after)
        if not bottom / MAX_GROWTH <= lo <= bottom / MIN_SHRINK:
            return False
    return True


def _family_series(key: str, points: list[Point]) -> list[Series]:
    """Splits one family: a series per anchor day (events on that day and totals since it),
    unanchored totals, undated events (attached where they fit), and levels."""
    anchored: dict[str, list[Point]] = defaultdict(list)
    loose: list[Point] = []
    undated: list[Point] = []
    state: list[Point] = []
    for p in points:
        if p.scope == "state":
            state.append(p)
        elif p.anchor:
            anchored[p.anchor].append(p)
        elif p.scope == "cumulative":
            loose.append(p)
        else:
            undated.append(p)
    own = {day: list(ps) for day, ps in anchored.items()}  # before anything joins: order-free
    totals = [d for d, ps in own.items() if any(p.scope == "cumulative" for p in ps)]
    unplaced: list[Point] = []
    for p in loose:
        fits = [d for d in totals if (not p.as_of or d <= p.as_of) and _fits_growth(p, own[d])]
        if not fits:
            fits = [d for d, ps in own.items() if (not p.as_of or d <= p.as_of) and _fits_growth(p, ps)]
        if fits:
            anchored[min(fits, key=lambda d: (-len(own[d]), d))].append(p)
        else:
            unplaced.append(p)
    targets = {day: _widen(_median_interval(ps), UNDATED_SLACK) for day, ps in own.items()}
    alone: dict[str | None, list[Point]] = defaultdict(list)
    for p in undated:
        iv = _widen(_near(p), UNDATED_SLACK)
        fits = [d for d, t in targets.items() if _overlap(iv, t) and _plausible_reference(p, d)]
        if fits:
            anchored[min(fits, key=lambda d: (-len(own[d]), d))].append(p)
        else:
            alone[p.as_of].append(p)
    out: list[Series] = []
    for day in sorted(anchored):
        ps = anchored[day]
        scope = "cumulative" if any(p.scope == "cumulative" for p in ps) else "event"
        out.append(_make(key, scope, day, ps, f"{key}|{day}"))
    if unplaced:
        out.append(_make(key, "cumulative", None, unplaced, f"{key}|cumulative"))
    for day in sorted(alone, key=lambda d: d or ""):
        for n, group in enumerate(_value_groups(alone[day])):
            suffix = f"{day or ''}" + (f"#{n + 1}" if n else "")
            out.append(_make(key, "event", None, group, f"{key}|reported|{suffix}", totals=False))
    if state:
        out.append(_make(key, "state", None, state, f"{key}|state", totals=False))
    return out


def build_series(points: Iterable[Point]) -> tuple[Series, ...]:
    """Series from points of any families, sorted by id. Depends only on the set of points."""
    families: dict[str, list[Point]] = defaultdict(list)
    for p in sorted(set(points), key=_order):
        families[p.key].append(p)
    out: list[Series] = []
    for key in sorted(families):
        out.extend(_family_series(key, families[key]))
    return tuple(sorted(out, key=lambda s: s.id))
