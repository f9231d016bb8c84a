"""The story's timeline: dated events, the articles that report them, and the dates that matter.

Pure and cross-article: it takes per-article :class:`~storyline.model.Extraction` records and
returns frozen records; no I/O, no globals read at call time.

1. :func:`events_from` turns one article into :class:`Event` records, one per sentence and day it
   is about. A sentence is about a day when a day-level date mention (``YYYY-MM-DD``) lies in it:
   "an air strike on April 1 killed seven aid workers" is an event on April 1, and "on Tuesday" has
   already been resolved by the dates extractor. Month- and year-level mentions ("in March 2011")
   name no day and make no event. Optionally the first ``lead`` sentences that carry no date count
   for the publication day (news leads report what happened that day or the day before); this is
   the "P" half of the DATEWISE "PM" sentence collector of Gholipour Ghalandari & Ifrim (2020).
   Mentions that name no happening are skipped: page time stamps ("March 13, 2011 at 2:52 pm",
   "(Update 2:54 a.m. Thursday ...)", "updated: Fri Feb 25 2011") and period bounds ("killed
   since February 15", "from February 15 through February 28").
2. :func:`merge_events` groups the events of one day that report the same happening: two
   sentences are the same happening when their stop-word-free word sets have a Dice coefficient of
   at least ``MERGE_DICE`` and share at least ``MERGE_MIN_SHARED`` words (sentences naming a common
   actor need less). Groups are built by leader clustering -- taken in order of how typical they
   are of the day, a report joins the first group whose leader it matches, else it leads a new
   group -- so groups do not chain into one blob the way connected components did (measured: one
   42-sentence group mixing Cairo gunfire with a winter storm). rapidfuzz ``token_set_ratio`` was
   measured in place of Dice: the same Timeline17 scores, but it rates a short sentence contained
   in a long one at 100 and so merges too eagerly; Dice needs no dependency.
3. :func:`timeline` ranks happenings by how widely they were reported -- distinct articles, with
   syndicated copies counted once when a duplicate-group mapping is given -- times the square of
   their centrality to the story (cosine of the sentence's words with the story's word document
   frequencies: this is what keeps a CNN live blog's weather and sport items out of an Egypt
   timeline); a day scores its number of reporting sources times the centrality of its leading
   happening. For each selected happening the summary is the member sentence closest to what its
   reports share, preferring clean reported sentences (6-45 words, no page furniture, not led by
   a quotation, no first or second person) and leaving out a wire dateline ("CAIRO (Reuters) - ").

Measured on Timeline17 (8 reference timelines, :mod:`storyline.evaluate.timeline`): counting
undated lead sentences for the publication day (news-tls's "P" collector; ``lead`` = 2, 3 or 5)
lowered date F1 by about 0.02 and left ROUGE unchanged, so it is off by default.

Everything is deterministic and independent of input order: events are put in a canonical order
(date, article id, span) before any step, and every tie is broken by that order.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..model import Extraction, Span
from ..extract.segment import sentences

__all__ = ["Event", "EventGroup", "TimelineEvent", "events_from", "merge_events", "timeline",
           "content_words"]

# ---------------------------------------------------------------------------------------------
# Tuned constants (measured on Timeline17 with storyline.evaluate.timeline; see its docstring)

# Undated sentences among the first LEAD_SENTENCES of an article count for the publication day.
# 1: an article's lead is the news of its day, which a reader expects on the timeline (the seeds'
# 2024-02-07 talks only have it). On Timeline17 it costs a little date F1 (0.688 at 0, 0.672 at 1;
# alignment ROUGE-1 0.126 both), far above news-tls DATEWISE's 0.544.
LEAD_SENTENCES = 1
# How much a publication-day (undated lead) report weighs against an explicit date mention when a
# happening is ranked; when a day is ranked only explicit mentions count.
PUBLISHED_WEIGHT = 0.5
# Two reports of one day are one happening when the Dice coefficient of their content words is at
# least MERGE_DICE and they share at least MERGE_MIN_SHARED content words, or when they share an
# actor, MERGE_ACTOR_SHARED words and a Dice coefficient of MERGE_ACTOR_DICE. (Dice 0.3-0.5 all
# gave the same Timeline17 scores; 0.3 keeps paraphrases of one happening together.)
MERGE_DICE = 0.3
MERGE_MIN_SHARED = 3
MERGE_ACTOR_DICE = 0.2
MERGE_ACTOR_SHARED = 2
# A happening's score is its reporting sources times centrality ** CENTRALITY_POWER (measured:
# power 0 / 1 / 2 / 3 gave alignment ROUGE-1 0.115 / 0.122 / 0.124 / 0.121).
CENTRALITY_POWER = 2
# A summary longer than this many words is a run-on lead or a list (measured: 30 / 35 / 45 / 60 /
# 100 words gave alignment ROUGE-1 0.111 / 0.118 / 0.122 / 0.120 / 0.117); shorter than
# SUMMARY_MIN_WORDS is usually a fragment or a headline.
SUMMARY_MAX_WORDS = 45
SUMMARY_MIN_WORDS = 6

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# A date followed by a clock time or a "|" separator, or preceded by "updated"/"posted", is a page
# time stamp (the article's or a reader comment's), not a report of something on that day.
_STAMP_AFTER = re.compile(r"\s*(?:,\s*)?(?:at\s+)?(?:\d{1,2}[:.]\d{2}\b|\|)", re.I)
_STAMP_BEFORE = re.compile(r"\b(?:updated|posted|published|modified|last\s+updated)\s*:?\s*(?:\w{3,9},?\s+)?$"
                           r"|\((?:update|updated|posted)\b[^)]*$", re.I)
# A date after these words bounds a period ("since February 15", "until May 1", "from ... through")
# rather than naming the day something happened.
_PERIOD_BEFORE = re.compile(r"\b(?:since|until|till|through|thru|between|from|by)\s+(?:(?:early|late|mid|last|this|the)\s+)?$", re.I)
# A wire dateline opening a lead ("CAIRO (Reuters) - ", "Benghazi, Libya (CNN) -- ") is left out of
# a summary, with any page furniture before it.
_DATELINE = re.compile(r"^(?:\W{0,3}\((?i:update|updated|posted)\b[^)]{0,80}\)\s*)"
                       r"|^.{0,160}?\((?:[A-Z][\w.&]*(?:\s[A-Z][\w.&]*){0,3})\)\s*(?:--|[-–—])\s+(?=\S)")
# Sentences with these are page furniture (menus, comment stamps, bylines run together).
_FURNITURE = re.compile(r"\||\bReply\b|^\s*(?:By|Updated|Posted)\b")
# First and second person belong to speech (quotes, transcripts, comments), not to a report.
_PERSONAL = re.compile(r"\b(?:I|I'm|I've|[Ww]e|[Ww]e're|[Yy]ou|[Mm]y|[Oo]ur|[Yy]our)\b")
_QUOTE_LED = re.compile(r"^\s*[\"“‘'`]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

# Function words and reporting verbs that say nothing about what happened.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves s t don shall may might must us
    said says say saying told according one two three mr mrs ms also since like well year years
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weeks day days
    january february march april june july august september october november december
    month months last next new first earlier later time""".split()
)


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Event:
    """One sentence of one article reporting something on one day.

    ``basis`` is ``"mention"`` when a date expression in the sentence gives the day, or
    ``"published"`` when an undated lead sentence is taken for the publication day.
    """

    date: str
    article_id: str
    span: Span
    text: str
    actors: tuple[str, ...] = ()
    basis: str = "mention"
    published: str | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class EventGroup:
    """The reports of one happening on one day, in canonical order."""

    date: str
    events: tuple[Event, ...]

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sorted({e.article_id for e in self.events}))

    @property
    def actors(self) -> tuple[str, ...]:
        counts = Counter(a for e in self.events for a in set(e.actors))
        return tuple(a for a, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A timeline entry: a day, the summary sentence (``span`` in ``article_id``) and its support."""

    date: str
    summary: str
    span: Span
    article_id: str
    supporting: tuple[tuple[str, Span], ...]
    actors: tuple[str, ...]
    score: float


# ---------------------------------------------------------------------------------------------
# Events


def content_words(text: str) -> tuple[str, ...]:
    """Lower-cased words of ``text`` without stop words, numbers-only tokens kept (counts matter)."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group().lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 1 and w not in STOPWORDS:
            out.append(w)
    return tuple(out)


def events_from(extraction: Extraction, *, lead: int = LEAD_SENTENCES) -> list[Event]:
    """The dated events one article reports, in text order.

    A sentence yields one event per distinct day-level date mentioned in it. With ``lead`` > 0 the
    undated sentences among the article's first ``lead`` sentences yield an event on the
    publication day (``basis="published"``).
    """
    article = extraction.article
    text = article.text
    sents = sentences(text)
    if not sents:
        return []
    by_sentence: dict[int, list[str]] = defaultdict(list)
    starts = [s.start for s in sents]
    for m in extraction.dates:
        if not _DAY.match(m.value) or not _reports_day(text, m.span):
            continue
        i = _sentence_index(starts, sents, m.span.start)
        if i is not None and m.value not in by_sentence[i]:
            by_sentence[i].append(m.value)
    mentions = sorted((mm for e in extraction.entities for mm in ((s, e.name) for s in e.mentions)),
                      key=lambda p: (p[0].start, p[0].end, p[1]))
    out: list[Event] = []
    for i, span in enumerate(sents):
        days = by_sentence.get(i)
        if days:
            basis = "mention"
        elif i < lead and article.published and _DAY.match(article.published):
            days, basis = [article.published], "published"
        else:
            continue
        actors = tuple(sorted({name for s, name in mentions if s.overlaps(span)}))
        for day in sorted(days):
            out.append(Event(date=day, article_id=article.id, span=span, text=span.of(text),
                             actors=actors, basis=basis, published=article.published,
                             outlet=article.outlet))
    return out


def _reports_day(text: str, span: Span) -> bool:
    """Whether a day-level mention names the day something happened (not a stamp or a bound)."""
    before = text[max(0, span.start - 40):span.start]
    if _STAMP_AFTER.match(text, span.end) or _STAMP_BEFORE.search(before):
        return False
    return not _PERIOD_BEFORE.search(before)


def _sentence_index(starts: list[int], sents: Sequence[Span], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and sents[i].start <= offset < sents[i].end:
        return i
    return None


# ---------------------------------------------------------------------------------------------
# Merging


def _same_happening(a: Event, b: Event, wa: frozenset[str], wb: frozenset[str]) -> bool:
    shared = len(wa & wb)
    if not shared:
        return False
    dice = 2 * shared / (len(wa) + len(wb))
    if shared >= MERGE_MIN_SHARED and dice >= MERGE_DICE:
        return True
    return (shared >= MERGE_ACTOR_SHARED and dice >= MERGE_ACTOR_DICE
            and not set(a.actors).isdisjoint(b.actors))


def merge_events(events: Iterable[Event]) -> list[EventGroup]:
    """Groups the events that report the same happening on the same day, across articles.

    Groups are ordered by date, then by their first event; events within a group by
    (article id, span). The same input in any order gives the same groups.
    """
    by_day: dict[str, list[Event]] = defaultdict(list)
    for e in sorted(set(events), key=_event_order):
        by_day[e.date].append(e)
    groups: list[EventGroup] = []
    for day in sorted(by_day):
        groups.extend(_merge_day(day, by_day[day]))
    return groups


def _event_order(e: Event) -> tuple:
    return (e.date, e.article_id, e.span.start, e.span.end, e.basis, e.text)


def _merge_day(day: str, evs: list[Event]) -> list[EventGroup]:
    """Leader clustering: events in order of how typical they are of the day; each joins the
    first-made group whose leader reports the same happening, or leads a new group. Comparing with
    leaders only (not with every member) keeps groups from chaining into one."""
    words = [frozenset(content_words(e.text)) for e in evs]
    df: Counter[str] = Counter()
    for w in words:
        df.update(w)
    typical = [sum(df[t] for t in w) / math.sqrt(len(w)) if w else 0.0 for w in words]
    order = sorted(range(len(evs)), key=lambda i: (-round(typical[i], 9), _event_order(evs[i])))
    leaders: list[int] = []
    members: dict[int, list[Event]] = {}
    for i in order:
        for lead in leaders:
            if _same_happening(evs[i], evs[lead], words[i], words[lead]):
                members[lead].append(evs[i])
                break
        else:
            leaders.append(i)
            members[i] = [evs[i]]
    groups = [EventGroup(day, tuple(sorted(members[lead], key=_event_order))) for lead in leaders]
    return sorted(groups, key=lambda g: _event_order(g.events[0]))


# ---------------------------------------------------------------------------------------------
# Ranking


class _Story:
    """Word document frequencies over the story's articles (syndicated copies counted once)."""

    def __init__(self, events: Sequence[Event], group_of: Mapping[str, str]) -> None:
        per_source: dict[str, set[str]] = defaultdict(set)
        for e in events:
            per_source[group_of.get(e.article_id, e.article_id)].update(content_words(e.text))
        self.df: Counter[str] = Counter()
        for ws in per_source.values():
            self.df.update(ws)
        self.n = max(1, len(per_source))
        self.norm = math.sqrt(sum(v * v for v in self.df.values())) or 1.0

    def centrality(self, words: Iterable[str]) -> float:
        """Cosine of a word set with the story's document-frequency vector (0..1)."""
        ws = set(words)
        if not ws:
            return 0.0
        return sum(self.df[w] for w in ws) / (math.sqrt(len(ws)) * self.norm)


def _support(evs: Iterable[Event], group_of: Mapping[str, str], published_weight: float = PUBLISHED_WEIGHT) -> float:
    """Distinct sources reporting: 1 per source with an explicit date, ``published_weight`` otherwise."""
    best: dict[str, float] = {}
    for e in evs:
        src = group_of.get(e.article_id, e.article_id)
        w = 1.0 if e.basis == "mention" else published_weight
        best[src] = max(best.get(src, 0.0), w)
    return sum(best.values())


def _summary_span(e: Event) -> tuple[Span, str]:
    """The sentence without a leading wire dateline: its span in the article, and its text."""
    m = _DATELINE.match(e.text)
    cut = m.end() if m else 0
    return Span(e.span.start + cut, e.span.end), e.text[cut:]


def _summary_of(group: EventGroup) -> Event:
    """The member closest to what the group's reports share, preferring clean sentence-sized ones."""
    counts: Counter[str] = Counter()
    for e in group.events:
        counts.update(set(content_words(e.text)))
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0

    def quality(e: Event) -> tuple:
        _, text = _summary_span(e)
        ws = set(content_words(text))
        n_words = len(_WORD.findall(text))
        inner = sum(counts[w] for w in ws) / (math.sqrt(len(ws)) * norm) if ws else 0.0
        clean = SUMMARY_MIN_WORDS <= n_words <= SUMMARY_MAX_WORDS and not _FURNITURE.search(text)
        reported = not _QUOTE_LED.match(text) and not _PERSONAL.search(text)
        return (clean, reported, e.basis == "mention", round(inner, 9), -n_words)

    return max(group.events, key=quality)  # events are in canonical order: ties go to the first


def timeline(events: Iterable[Event], limit: int | None = None, *, per_date: int = 1,
             start: str | None = None, end: str | None = None,
             duplicates: Mapping[str, str] | None = None) -> list[TimelineEvent]:
    """The story's timeline: the ``limit`` most important days, ``per_date`` happenings each.

    ``duplicates`` maps an article id to its duplicate group (syndicated copies share one), so
    that copies count as one report. ``start``/``end`` (inclusive ISO days) restrict the days.
    Returns entries in date order, and by score within a day.
    """
    group_of = dict(duplicates or {})
    evs = sorted({e for e in events if (start is None or e.date >= start) and (end is None or e.date <= end)},
                 key=_event_order)
    if not evs:
        return []
    story = _Story(evs, group_of)
    by_day: dict[str, list[EventGroup]] = defaultdict(list)
    for g in merge_events(evs):
        by_day[g.date].append(g)

    day_scores: dict[str, float] = {}
    ranked_groups: dict[str, list[tuple[float, EventGroup]]] = {}
    for day, groups in by_day.items():
        scored = []
        for g in groups:
            cen = max(story.centrality(content_words(e.text)) for e in g.events)
            scored.append((_support(g.events, group_of) * cen ** CENTRALITY_POWER, cen, g))
        scored.sort(key=lambda sg: (-sg[0], _event_order(sg[2].events[0])))
        ranked_groups[day] = [(sc, g) for sc, _, g in scored]
        day_events = [e for g in groups for e in g.events]
        day_scores[day] = _support(day_events, group_of, published_weight=0.0) * scored[0][1]

    days = sorted(day_scores, key=lambda d: (-day_scores[d], d))
    if limit is not None:
        days = days[:limit]
    out: list[TimelineEvent] = []
    for day in sorted(days):
        for score, g in ranked_groups[day][:per_date]:
            rep = _summary_of(g)
            span, text = _summary_span(rep)
            out.append(TimelineEvent(
                date=day, summary=text, span=span, article_id=rep.article_id,
                supporting=tuple((e.article_id, e.span) for e in g.events),
                actors=g.actors, score=round(score, 6)))
    return out
