"""Splits a stream of articles into stories (developing news events); each article joins one.

Features. :func:`story_features` turns one article into a small weighted bag of terms: its actors
(``e:`` keys: the extractor's entity names when it found any, else capitalised name sequences of
the text, with leading function words, titles and calendar words stripped) and its keywords
(``k:`` keys: frequent lower-case content words, crudely singularised). Weights grow with the log
of the count; the strongest :data:`MAX_ACTORS` + :data:`MAX_KEYWORDS` are kept. A few hundred bytes
per article, so a store can keep them.

Assignment. :class:`StoryTracker` walks the articles in one canonical order, published date then
id, and is a leader clusterer: each article is compared (cosine) with the centroids of the stories
active in the last :data:`MAX_GAP_DAYS` and joins the best one at or above :data:`ASSIGN`, or
starts a new story whose id is the article's own id. After each join, the grown story is merged
into any older story whose centroid has become as similar as :data:`MERGE` (the older id wins).

Generic actors. Terms are weighted by an inverse document frequency computed over the articles
already seen (so "United States", "Obama" or "said" count little once they have appeared in many
articles of many stories), and a story matches only if the article shares at least
:data:`MIN_SHARED` of its distinctive terms with it. IDF uses no outside data and changes as the
corpus grows, which is why the order must be fixed.

Order independence, and the trade-off. Because everything happens in canonical order, the result
is a function of the set of articles: adding them all at once or in two batches gives the same
stories. The tracker's state (:class:`TrackerState`: document frequencies, one pruned centroid and a
few fields per story, merges) lives in memory or, through a :class:`TrackerBackend`, in a store that
hands out only the entries an article touches; each processed article leaves a journal of the values
it overwrote. A batch whose articles all sort after those already processed (the normal case: news
arrives in date order) costs only its own articles; an article older than the newest one processed
costs the undoing (journals, newest first) and redoing of every article after it, never a replay
from scratch. Sums are taken with ``math.fsum`` so a centroid read back from a store (in another
key order) gives bit-identical similarities. A story's label is made when the story last changes,
with the IDF of that moment, so it too depends only on the set of articles. A leader clusterer
never splits a story; the merge step repairs stories that started apart, but an early wrong join
stays. The IDF snapshot is refreshed each time the corpus has grown by :data:`IDF_REFRESH`, a point
that depends only on the count of articles, so batching cannot change it; the snapshot is kept
without copying the table (see :class:`TrackerState`).

News organisations ("Reuters", "CNN", the article's own outlet) are dropped from the actors: the
outlet that reports is not what the story is about, and it tied one outlet's coverage of Egypt and
Libya together.

Merging is guarded: two stories merge only if their centroids reach :data:`MERGE` *and* they
share a leading actor (one of each one's top :data:`LEAD_ACTORS` actors among the other's top
:data:`LEAD_ACTORS_WIDE`). Without the guard the Egyptian uprising and the Libyan war (same weeks,
same vocabulary of protests, regimes and Washington's reaction) merged at MERGE 0.25.

Measured on Timeline17 (``python -m storyline.evaluate.stories``: all 2,087 articles of the eight
folders mixed, five stories): purity 0.984 by story topic, inverse purity 0.82; the five largest
stories are the five topics (Libya 714, H1N1 324, Egypt 240, financial crisis 230, Iraq 222); the
other 206 are small, mostly pages of boilerplate or off-topic columns. Purity stays ≥ 0.98 for
ASSIGN 0.065–0.1 and MERGE 0.2–0.3, with the extractor's entities or the capitalised-term
fallback. Same stories whether added at once, in two chronological halves or in two random halves.
About 1 ms per article for features and 1-2 ms for assignment in memory (journals included; 949
Timeline17 articles: the same stories as before the state was made persistent).
"""
from __future__ import annotations

import datetime as dt
import heapq
import json
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence

from ..extract.segment import sentences
from ..model import Extraction

# -- tuned constants ------------------------------------------------------------------------------

MAX_ACTORS = 25  # actor features kept per article
MAX_KEYWORDS = 20  # keyword features kept per article
ACTOR_WEIGHT = 1.0  # weight of an actor feature per log-count unit
KEYWORD_WEIGHT = 0.6  # keywords say what kind of story it is, actors which one
ENTITY_TYPE_WEIGHT = {"PERSON": 1.0, "ORG": 1.0, "LOC": 0.8}  # places are shared by more stories
LEAD_BOOST = 1.5  # a term seen in the first paragraph (or title) counts this much more

ASSIGN = 0.08  # cosine (IDF-weighted) at or above which an article joins a story
MERGE = 0.25  # cosine at or above which two stories' centroids are merged
LEAD_ACTORS = 5  # merging stories must share a leading actor: one of each one's top 5 ...
LEAD_ACTORS_WIDE = 10  # ... among the other's top 10
MIN_SHARED = 2  # an article must share this many distinctive terms with a story to join it
DISTINCTIVE_SHARE = 0.34  # a term is distinctive when at most this share of articles hold it ...
DISTINCTIVE_MIN_DF = 10  # ... or at most this many: in a small corpus one story's names fill most articles
MAX_GAP_DAYS = 120  # a story with no article for this long takes no new ones ...
REVIVE = 0.25  # ... unless the article matches it at least this well (long wars, sparse coverage)
CENTROID_TERMS = 200  # terms kept in a story centroid (the strongest)
PROBE_TERMS = 12  # an article looks up candidate stories by its strongest terms
MAX_CANDIDATES = 30  # stories fully compared per article (those sharing most probe weight)
IDF_REFRESH = 0.05  # the IDF snapshot is recomputed each time the corpus grows by this share
LABEL_TERMS = 4  # terms in a story label

# -- text features --------------------------------------------------------------------------------

_STOPWORDS = frozenset(
    """a about above after again against all also although am among an and another any are around as at
    be because been before being below between both but by can could did do does doing down during each
    either else even ever every few for from further had has have having he her here hers herself him
    himself his how however i if in into is it its itself just least less like many may me might more
    most much must my myself neither no nor not now of off on once one only or other others otherwise
    our ours ourselves out over own per perhaps rather same several shall she should since so some
    still such than that the their theirs them themselves then there these they this those though
    through thus to too toward towards under until up upon us very via was we were what whatever when
    whenever where whereas whether which while who whom whose why will with within without would yet
    you your yours yourself yourselves
    said says say saying told tell tells according added adding asked also just yesterday today
    tomorrow week weeks month months year years day days time times people new first last next
    two three four five six seven eight nine ten hundred thousand million billion percent
    make made makes making take took taken takes going gone come came comes get got gets give gave
    given well back still even much many part including include includes used use using way ways
    mr mrs ms dr the and but for nor was has had not are who his her its him she our out you all any
    can did may now one see too via per ago get got let set put how why off own way due far lot old add
    end its let top""".split()
)
# Capitalised words that are not names in themselves (sentence openers, calendar, titles, fillers).
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr prof president vice prime minister ministers secretary general gen lt col colonel
    sen senator rep representative gov governor king queen prince sheikh chairman chief director
    spokesman spokeswoman officials official ambassador foreign interior defense defence deputy
    minister's state's the a an and or but if in on at of for to by as with from that this these those
    it its he she they we i you his her their our there here when while after before since during
    although though however meanwhile also yet still so then now today yesterday tomorrow last next
    according earlier later some many most more other such one two three four five several all both
    each every no not what who which where why how read click share comment comments email print
    photo photos video copyright reuters ap afp associated press editing reporting writing
    gmt bst edt est cet cest pst pdt utc am pm i'm i've i'd i'll""".split()
)
# News organisations: they name who reports, never what the story is about (an outlet's own name
# would otherwise tie together everything it publishes). The article's own outlet is added.
_OUTLETS = frozenset(
    name.strip().casefold() for name in """Reuters, AP, AFP, Associated Press, Agence France-Presse,
    Agence France Presse, Bloomberg, Bloomberg News, dpa, EFE, Xinhua, TASS, ITAR-TASS, ANSA, Kyodo,
    Yonhap, Anadolu, PTI, UPI, CNN, CNN Wire, iReport, BBC, BBC News, Sky News, Al Jazeera, Fox News,
    MSNBC, CBS, CBS News, NBC, NBC News, ABC News, NPR, PBS, ITV, Channel 4 News, Guardian,
    The Guardian, Observer, The Times, New York Times, The New York Times, Washington Post,
    The Washington Post, Wall Street Journal, Financial Times, Telegraph, Independent, Daily Mail,
    Los Angeles Times, USA Today, Economist, Politico, Axios, Newsweek""".split(",")
)
_CAP_WORD = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’\-]*)"
_CONNECT = r"(?:of(?:\s+the)?|de|del|da|du|bin|ibn|van|von|der|la|al|el)"
_NAME_SEQ = re.compile(rf"{_CAP_WORD}(?:\s+(?:{_CONNECT}\s+)?{_CAP_WORD})*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z\-]{2,}\b")
_POSSESSIVE = re.compile(r"['’]s$")


def story_features(extraction: Extraction) -> dict[str, float]:
    """A compact weighted bag of terms for one article: ``e:<actor>`` and ``k:<keyword>`` keys."""
    article = extraction.article
    text = article.text
    lead_end = _lead_end(text)
    actors: Counter[str] = Counter()
    skip = _OUTLETS | ({article.outlet.casefold()} if article.outlet else set())
    if extraction.entities:
        for ent in extraction.entities:
            name = ent.name.strip()
            if not name or name.casefold() in skip:
                continue
            w = ENTITY_TYPE_WEIGHT.get(ent.type, 0.8)
            n = len(ent.mentions) or 1
            boost = LEAD_BOOST if any(m.start < lead_end for m in ent.mentions) else 1.0
            actors[name] += w * (1.0 + math.log(n)) * boost
    else:
        counts, in_lead = _capitalised_terms(text, lead_end)
        for name, n in counts.items():
            if name.casefold() in skip:
                continue
            actors[name] += (1.0 + math.log(n)) * (LEAD_BOOST if name in in_lead else 1.0)
    if article.title:
        for name in _capitalised_terms(article.title, len(article.title))[0]:
            if name in actors:
                actors[name] *= LEAD_BOOST
    keywords = _keywords(text, lead_end, article.title)
    out: dict[str, float] = {}
    for name, w in _top(actors, MAX_ACTORS):
        out["e:" + name] = round(ACTOR_WEIGHT * w, 4)
    for word, w in _top(keywords, MAX_KEYWORDS):
        out["k:" + word] = round(KEYWORD_WEIGHT * w, 4)
    return out


def _top(counter: Mapping[str, float], n: int) -> list[tuple[str, float]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _lead_end(text: str) -> int:
    """End of the lead: the first paragraph, or the first 400 characters when that is longer."""
    end = text.find("\n\n")
    return min(end if end >= 0 else len(text), 400)


def _capitalised_terms(text: str, lead_end: int) -> tuple[Counter[str], set[str]]:
    """Name-like capitalised sequences and their counts; the set of those seen in the lead.

    A single capitalised word that opens a sentence is kept only if the text also capitalises it
    mid-sentence or within a longer name (so "Protesters" at a sentence start is not a name,
    "Gaddafi" is).
    """
    starts = {s.start for s in sentences(text)}
    raw: list[tuple[str, bool, int]] = []
    mid_sentence: set[str] = set()
    for m in _NAME_SEQ.finditer(text):
        words = m.group(0).split()
        start = m.start()
        # strip leading function words and titles ("The", "But", "President")
        while words and words[0].lower().rstrip(".") in _NOT_NAMES:
            start += len(words[0])
            start = _skip_space(text, start)
            words.pop(0)
        while words and (words[-1].lower().rstrip(".") in _NOT_NAMES or words[-1].lower() in _CONNECTORS):
            words.pop()
        if not words:
            continue
        name = _POSSESSIVE.sub("", " ".join(_uncap(w) for w in words)).strip("-'’")
        if len(name) < 2 or name.lower() in _NOT_NAMES:
            continue
        initial = start in starts or _opens_clause(text, start)
        if not initial:
            mid_sentence.add(name)
        if len(words) > 1:  # "Ruto" opening a sentence is a name if "William Ruto" is one
            mid_sentence.update(_uncap(w) for w in words)
        raw.append((name, initial and len(words) == 1, start))
    counts: Counter[str] = Counter()
    in_lead: set[str] = set()
    for name, needs_mid, start in raw:
        if needs_mid and name not in mid_sentence:
            continue
        counts[name] += 1
        if start < lead_end:
            in_lead.add(name)
    return counts, in_lead


def _opens_clause(text: str, start: int) -> bool:
    """Whether ``start`` follows an opening quote or bracket, or a dash or colon ("CAIRO - Police ...")."""
    if start > 0 and text[start - 1] in "\"“‘'(":
        return True
    j = start
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    return j < start and j > 0 and text[j - 1] in "-–—:"


def _uncap(word: str) -> str:
    """Upper-case words of five letters or more ("NEW", "YORK" in a dateline) to title case.

    Shorter ones are kept: they are mostly acronyms (NATO, AIG, WHO)."""
    if len(word) >= 5 and word.isupper() and word.isalpha():
        return word.capitalize()
    return word


_CONNECTORS = frozenset("of the de del da du bin ibn van von der la al el".split())


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _keywords(text: str, lead_end: int, title: str | None) -> Counter[str]:
    counts: Counter[str] = Counter()
    lead: set[str] = set()
    for m in _LOWER_WORD.finditer(text):
        w = _singular(m.group(0))
        if w in _STOPWORDS or w.endswith("ly"):
            continue
        counts[w] += 1
        if m.start() < lead_end:
            lead.add(w)
    if title:
        lead.update(_singular(w) for w in _LOWER_WORD.findall(title.lower()))
    return Counter({w: (1.0 + math.log(n)) * (LEAD_BOOST if w in lead else 1.0)
                    for w, n in counts.items() if n >= 2 or w in lead})


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# -- assignment -----------------------------------------------------------------------------------

Position = tuple[str, str]  # canonical place of an article: (published day or UNDATED, article id)


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One article as the story splitter sees it."""

    article_id: str
    published: str | None  # YYYY-MM-DD (or a longer ISO string); None sorts last
    features: Mapping[str, float]


UNDATED = "~"  # the day of an undated article: after every date, so one arriving late replays only
# the other undated ones (sorting them first made each new undated article replay the whole store)


def position(article_id: str, published: str | None) -> Position:
    """The article's place in the canonical order: publication day (undated last), then id."""
    return ((published or UNDATED)[:10], article_id)


def _order(item: StoryItem) -> Position:
    return position(item.article_id, item.published)


@dataclass
class _Story:
    id: str
    first: Position  # canonical place of its earliest article
    centroid: dict[str, float] = field(default_factory=dict)  # sum of members' unit vectors
    size: int = 0
    last: int | None = None  # ordinal day of the newest dated article
    first_day: str | None = None  # the earliest dated article's day (YYYY-MM-DD)
    label: str = ""  # set when the story last changed (see :meth:`StoryTracker.labels`)
    # [IDF epoch, weighted centroid, its norm, its leading actors or None until asked]
    cache: list | None = None

    def fields(self) -> list:
        """What is stored of the story besides its centroid (see :class:`TrackerBackend`)."""
        return [self.first[0], self.first[1], self.size, self.last, self.first_day, self.label]

    def set_fields(self, f: Sequence) -> None:
        self.first, self.size, self.last, self.first_day, self.label = (f[0], f[1]), f[2], f[3], f[4], f[5]
        self.cache = None

    @property
    def last_day(self) -> str | None:
        return dt.date.fromordinal(self.last).isoformat() if self.last is not None else None


class TrackerBackend(Protocol):
    """Where a :class:`TrackerState` keeps what it does not hold in memory (a store's tables).

    Plain data only: a story is its :meth:`_Story.fields` list and a ``{term: weight}`` centroid;
    a document frequency row is ``(df, df before the current IDF epoch, epoch of the last change)``;
    a journal is the list of undo operations of one article, keyed by its :data:`Position`.
    """

    def load_meta(self) -> dict[str, Any]: ...

    def load_df(self, terms: Sequence[str]) -> dict[str, tuple[int, int, int]]: ...

    def load_story_fields(self, ids: Sequence[str]) -> dict[str, list]: ...

    def load_centroid(self, story_id: str) -> dict[str, float]: ...

    def load_index(self, term: str) -> set[str]: ...

    def load_merged(self, story_id: str) -> str | None: ...

    def load_journals(self, start: Position, below: Position | None) -> Iterable[tuple[Position, bytes]]: ...

    def write(self, changes: "TrackerChanges") -> None: ...


@dataclass
class TrackerChanges:
    """Everything a run changed, for :meth:`TrackerBackend.write` (None values are deletions)."""

    meta: dict[str, Any]
    df: dict[str, tuple[int, int, int]]
    stories: dict[str, list | None]
    weights: dict[tuple[str, str], float | None]
    merged: dict[str, str | None]  # story id → the story that absorbed it
    journals: list[tuple[Position, bytes]]  # new journals (see :func:`encode_journal`), in canonical order
    drop_journals_from: Position | None  # stored journals at or after this were undone


_NO_DF = (0, 0, -1)


def encode_journal(ops: list) -> bytes:
    """An article's undo operations as stored: compact JSON (floats round-trip exactly), zlib."""
    return zlib.compress(json.dumps(ops, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 1)


def decode_journal(blob: bytes) -> list:
    return json.loads(zlib.decompress(blob))


class TrackerState:
    """What the tracker knows, with an undo journal for every article it processed.

    In memory by default. With a backend (a store), entries are loaded when first needed and the
    changes are handed back by :meth:`flush`, so a run reads and writes only what its articles
    touch: their terms' document frequencies, the stories sharing their strongest terms and the
    centroids of the compared stories, never the whole state.

    Each processed article leaves a journal of the previous values of everything it changed
    (:meth:`rollback` replays them backwards), so an article that sorts before ones already
    processed costs the undoing and redoing of those later articles only.

    Document frequencies as of the last IDF snapshot are kept without copying the table: a row is
    ``[df, prev, epoch]`` where ``prev`` is the count before the first change in ``epoch``; the
    snapshot value is ``df`` if the row last changed before the current epoch, else ``prev``.
    """

    def __init__(self, backend: TrackerBackend | None = None) -> None:
        self.backend = backend
        self.meta: dict[str, Any] = {"n": 0, "n_snap": 0, "epoch": 0, "next_refresh": 1, "head": None}
        if backend is not None:
            self.meta.update(backend.load_meta())
        self._df: dict[str, list[int]] = {}
        self._stories: dict[str, _Story | None] = {}  # loaded, created or (None) known absent
        self._fields: dict[str, list | None] = {}  # story fields loaded without the centroid
        self._index: dict[str, set[str]] = {}  # term → stories whose centroid holds it (loaded terms)
        self._index_pending: dict[str, dict[str, bool]] = {}  # changes to terms not loaded yet
        self._direct: dict[str, str | None] = {}
        self._merged: dict[str, str | None] = {}
        self._ops: list | None = None  # undo operations of the article being processed
        self._journals: list[tuple[Position, bytes]] = []  # not yet flushed, in canonical order
        self._undone_from: Position | None = None  # stored journals at or after this are undone
        self._dirty_meta: set[str] = set()
        self._dirty_df: set[str] = set()
        self._dirty_stories: set[str] = set()
        self._dirty_weights: set[tuple[str, str]] = set()
        self._dirty_merged: set[str] = set()
        self.touched_articles: set[str] = set()  # whose joined story changed (kept across flushes)
        self.touched_merges: set[str] = set()  # stories whose absorbing story changed (likewise)

    # -- journal -----------------------------------------------------------------------------------

    @property
    def head(self) -> Position | None:
        """The canonical place of the last processed article."""
        h = self.meta.get("head")
        return (h[0], h[1]) if h else None

    def begin(self, pos: Position) -> None:
        self._ops = []
        self.set_meta("head", [pos[0], pos[1]])

    def commit(self) -> None:
        self._journals.append((self.head, encode_journal(self._ops)))
        self._ops = None

    def _log(self, op: list) -> None:
        if self._ops is not None:
            self._ops.append(op)

    def rollback(self, start: Position) -> list[str]:
        """Undoes every processed article at or after ``start`` (newest first); returns their ids."""
        undone: list[str] = []
        while self._journals and self._journals[-1][0] >= start:
            pos, blob = self._journals.pop()
            self._undo(decode_journal(blob))
            undone.append(pos[1])
        if self.backend is not None and (self._undone_from is None or start < self._undone_from):
            for pos, blob in self.backend.load_journals(start, self._undone_from):
                self._undo(decode_journal(blob))
                undone.append(pos[1])
            self._undone_from = start
        return undone

    def _undo(self, ops: list) -> None:
        for op in reversed(ops):
            kind = op[0]
            if kind == "m":
                self.meta[op[1]] = op[2]
                self._dirty_meta.add(op[1])
            elif kind == "d":
                self._df[op[1]] = list(op[2] or _NO_DF)
                self._dirty_df.add(op[1])
            elif kind == "w":
                story = self.story(op[1])
                if op[3] is None:
                    self._del_weight(story, op[2])
                else:
                    self._set_weight(story, op[2], op[3])
            elif kind == "s":
                self._restore_story(op[1], op[2])
            elif kind == "a":
                self._direct[op[1]] = op[2]
                self.touched_articles.add(op[1])
            elif kind == "g":
                self._merged[op[1]] = op[2]
                self._dirty_merged.add(op[1])
                self.touched_merges.add(op[1])

    def _restore_story(self, sid: str, fields: list | None) -> None:
        if fields is None:  # the story was created: it goes (its weights were undone before)
            self._stories[sid] = None
            self._fields[sid] = None
        else:
            story = self.story(sid)
            if story is None:  # it was absorbed: back it comes, its weights follow
                story = _Story(id=sid, first=(fields[0], fields[1]))
                self._stories[sid] = story
            story.set_fields(fields)
            self._fields[sid] = story.fields()
        self._dirty_stories.add(sid)

    # -- scalars and document frequencies ----------------------------------------------------------

    def get(self, name: str) -> Any:
        return self.meta[name]

    def set_meta(self, name: str, value: Any) -> None:
        self._log(["m", name, self.meta.get(name)])
        self.meta[name] = value
        self._dirty_meta.add(name)

    def prefetch_df(self, terms: Iterable[str]) -> None:
        """Loads the document frequencies of ``terms`` in one go (a store-backed state)."""
        if self.backend is None:
            return
        missing = [t for t in terms if t not in self._df]
        if missing:
            rows = self.backend.load_df(missing)
            for t in missing:
                self._df[t] = list(rows.get(t, _NO_DF))

    def _df_row(self, term: str) -> list[int]:
        row = self._df.get(term)
        if row is None:
            found = self.backend.load_df([term]).get(term) if self.backend is not None else None
            row = self._df[term] = list(found or _NO_DF)
        return row

    def df_snap(self, term: str) -> int:
        """The term's document frequency as of the last IDF snapshot."""
        df, prev, epoch = self._df_row(term)
        return df if epoch < self.meta["epoch"] else prev

    def count_article(self, terms: Iterable[str]) -> None:
        """One more article holding ``terms``."""
        epoch = self.meta["epoch"]
        for t in terms:
            row = self._df_row(t)
            self._log(["d", t, None if row[2] < 0 else list(row)])
            if row[2] != epoch:
                row[1], row[2] = row[0], epoch
            row[0] += 1
            self._dirty_df.add(t)
        self.set_meta("n", self.meta["n"] + 1)

    # -- stories and their centroids ---------------------------------------------------------------

    def story(self, sid: str) -> _Story | None:
        if sid in self._stories:
            return self._stories[sid]
        story = None
        if self.backend is not None:
            fields = self.story_fields(sid)
            if fields is not None:
                story = _Story(id=sid, first=(fields[0], fields[1]))
                story.set_fields(fields)
                story.centroid = self.backend.load_centroid(sid)
        self._stories[sid] = story
        return story

    def story_fields(self, sid: str) -> list | None:
        """A story's fields without loading its centroid (for activity checks of many stories)."""
        story = self._stories.get(sid)
        if story is not None:
            return story.fields()
        if sid in self._stories or self.backend is None:
            return None
        if sid not in self._fields:
            self.prefetch_fields([sid])
        return self._fields.get(sid)

    def prefetch_fields(self, sids: Iterable[str]) -> None:
        if self.backend is None:
            return
        missing = [s for s in sids if s not in self._fields and s not in self._stories]
        if missing:
            found = self.backend.load_story_fields(missing)
            for s in missing:
                self._fields[s] = found.get(s)

    def stories(self) -> Iterator[_Story]:
        """The live stories held in memory (all of them for an in-memory state)."""
        return (s for s in self._stories.values() if s is not None)

    def new_story(self, sid: str, first: Position) -> _Story:
        self._log(["s", sid, None])
        story = _Story(id=sid, first=first)
        self._stories[sid] = story
        self._fields[sid] = story.fields()
        self._dirty_stories.add(sid)
        return story

    def touch(self, story: _Story) -> None:
        """Call before changing a story's fields (size, dates, label)."""
        self._log(["s", story.id, story.fields()])
        self._dirty_stories.add(story.id)

    def changed(self, story: _Story) -> None:
        """Call after changing a story's fields."""
        self._fields[story.id] = story.fields()

    def drop_story(self, story: _Story) -> None:
        for t in sorted(story.centroid):
            self.del_weight(story, t)
        self._log(["s", story.id, story.fields()])
        self._stories[story.id] = None
        self._fields[story.id] = None
        self._dirty_stories.add(story.id)

    def set_weight(self, story: _Story, term: str, weight: float) -> None:
        self._log(["w", story.id, term, story.centroid.get(term)])
        self._set_weight(story, term, weight)

    def del_weight(self, story: _Story, term: str) -> None:
        self._log(["w", story.id, term, story.centroid.get(term)])
        self._del_weight(story, term)

    def _set_weight(self, story: _Story, term: str, weight: float) -> None:
        if term not in story.centroid:
            self._index_change(term, story.id, True)
        story.centroid[term] = weight
        story.cache = None
        self._dirty_weights.add((story.id, term))

    def _del_weight(self, story: _Story, term: str) -> None:
        if story.centroid.pop(term, None) is not None:
            self._index_change(term, story.id, False)
        story.cache = None
        self._dirty_weights.add((story.id, term))

    def _index_change(self, term: str, sid: str, present: bool) -> None:
        ids = self._index.get(term)
        if ids is None and self.backend is None:
            ids = self._index[term] = set()
        if ids is None:
            self._index_pending.setdefault(term, {})[sid] = present
        elif present:
            ids.add(sid)
        else:
            ids.discard(sid)

    def stories_with(self, term: str) -> set[str]:
        """The stories whose centroid holds ``term``."""
        ids = self._index.get(term)
        if ids is None:
            ids = self.backend.load_index(term) if self.backend is not None else set()
            for sid, present in self._index_pending.pop(term, {}).items():
                (ids.add if present else ids.discard)(sid)
            self._index[term] = ids
        return ids

    # -- articles and merges ------------------------------------------------------------------------

    def set_direct(self, article_id: str, story_id: str) -> None:
        """Records the story an article joined. The article is being processed, so in a consistent
        state it has none yet (its earlier processing, if any, was rolled back)."""
        self._log(["a", article_id, self._direct.get(article_id)])
        self._direct[article_id] = story_id
        self.touched_articles.add(article_id)

    def direct(self, article_id: str) -> str | None:
        """The story an article joined, for articles processed or rolled back in this state."""
        return self._direct.get(article_id)

    def merged_into(self, sid: str) -> str | None:
        if sid not in self._merged:
            self._merged[sid] = self.backend.load_merged(sid) if self.backend is not None else None
        return self._merged[sid]

    def set_merged(self, gone: str, keep: str) -> None:
        self._log(["g", gone, self.merged_into(gone)])
        self._merged[gone] = keep
        self._dirty_merged.add(gone)
        self.touched_merges.add(gone)

    def root(self, sid: str) -> str:
        nxt = self.merged_into(sid)
        while nxt is not None:
            sid, nxt = nxt, self.merged_into(nxt)
        return sid

    def direct_assignments(self) -> dict[str, str]:
        """article → story joined, for the articles held in memory."""
        return {a: s for a, s in self._direct.items() if s is not None}

    # -- persistence --------------------------------------------------------------------------------

    def changes(self) -> TrackerChanges:
        weights = {}
        for sid, t in self._dirty_weights:
            story = self._stories.get(sid)
            weights[(sid, t)] = story.centroid.get(t) if story is not None else None
        return TrackerChanges(
            meta={k: self.meta[k] for k in sorted(self._dirty_meta)},
            df={t: tuple(self._df[t]) for t in sorted(self._dirty_df)},
            stories={s: self._fields.get(s) for s in sorted(self._dirty_stories)},
            weights=weights,
            merged={s: self._merged[s] for s in sorted(self._dirty_merged)},
            journals=list(self._journals),
            drop_journals_from=self._undone_from,
        )

    def flush(self) -> None:
        """Hands every change to the backend and forgets the dirty marks (and journals)."""
        if self.backend is not None:
            self.backend.write(self.changes())
            self._journals = []
            self._undone_from = None
        for s in (self._dirty_meta, self._dirty_df, self._dirty_stories, self._dirty_weights, self._dirty_merged):
            s.clear()


class StoryTracker:
    """Incremental story assignment in canonical order (see the module docstring).

    ``add`` any number of times, then read ``assignments`` and ``labels``. The result depends only
    on the set of articles added, not on how they were batched or ordered. With a store-backed
    :class:`TrackerState` the caller drives it instead: :meth:`TrackerState.rollback` to the
    earliest changed place, then :meth:`process` every stored article from there in order.
    """

    def __init__(self, state: TrackerState | None = None) -> None:
        self.state = state if state is not None else TrackerState()
        self._items: dict[str, StoryItem] = {}  # in-memory use: what a replay needs
        self._idf_cache: dict[str, float] = {}
        self._idf_epoch: int | None = None

    # public API

    def add(self, items: Iterable[StoryItem]) -> None:
        """Assigns ``items`` (any order) to stories, replaying the articles after the oldest new one."""
        new = sorted(items, key=_order)
        if not new:
            return
        for item in new:
            self._items[item.article_id] = item
        start = _order(new[0])
        head = self.state.head
        if head is not None and start <= head:
            self.state.rollback(start)
            todo = sorted((i for i in self._items.values() if _order(i) >= start), key=_order)
        else:
            todo = new
        for item in todo:
            self.process(item)

    def process(self, item: StoryItem) -> str:
        """Assigns one article that sorts after every article processed so far; returns its story."""
        pos = _order(item)
        head = self.state.head
        if head is not None and pos <= head:
            raise ValueError(f"{item.article_id} sorts before the last processed article; roll back first")
        self.state.begin(pos)
        story = self._assign(item)
        self.state.commit()
        return story

    @property
    def assignments(self) -> dict[str, str]:
        """article id → story id (the id of the story's earliest article)."""
        st = self.state
        return {aid: st.root(sid) for aid, sid in sorted(st.direct_assignments().items())}

    def labels(self, n: int = LABEL_TERMS) -> dict[str, str]:
        """story id → a short label: its most distinctive actors (keywords when it has too few).

        A label is made when its story last changes, with the IDF of that moment, so it is a
        function of the set of articles like everything else (and needs no relabelling of every
        story when the IDF snapshot moves)."""
        return {s.id: s.label for s in sorted(self.state.stories(), key=lambda s: s.id)}

    # internals

    def _label(self, story: _Story, n: int = LABEL_TERMS) -> str:
        weighted, _ = self._weighted_centroid(story)
        actors = [t[2:] for t in _strongest((t for t in weighted if t.startswith("e:")), weighted, n)]
        if len(actors) < 2:
            actors += [t[2:] for t in _strongest((t for t in weighted if t.startswith("k:")), weighted, n)]
        return " · ".join(actors[:n])

    def _idf(self, term: str) -> float:
        """IDF as of the last snapshot; constant within an IDF epoch, so it is cached per epoch."""
        epoch = self.state.get("epoch")
        if self._idf_epoch != epoch:
            self._idf_cache, self._idf_epoch = {}, epoch
        idf = self._idf_cache.get(term)
        if idf is None:
            idf = self._idf_cache[term] = math.log((1 + self.state.get("n_snap")) / (1 + self.state.df_snap(term))) + 1.0
        return idf

    def _distinctive(self, term: str) -> bool:
        n_snap = self.state.get("n_snap")
        return self.state.df_snap(term) <= max(DISTINCTIVE_MIN_DF, DISTINCTIVE_SHARE * n_snap)

    def _refresh_idf(self) -> None:
        """Takes a new document-frequency snapshot once the corpus has grown by IDF_REFRESH.

        When that happens depends only on the number of articles seen, so batches do not matter;
        between refreshes the weighted story centroids stay cached.
        """
        st = self.state
        n = st.get("n")
        if n < st.get("next_refresh"):
            return
        st.set_meta("n_snap", n)
        st.set_meta("epoch", st.get("epoch") + 1)
        st.set_meta("next_refresh", n + max(1, int(n * IDF_REFRESH)))

    def _assign(self, item: StoryItem) -> str:
        st = self.state
        self._refresh_idf()
        day = _ordinal(item.published)
        vec = {t: w for t, w in item.features.items() if w > 0}
        wvec, norm = self._weighted(vec)
        best, best_sim = None, 0.0
        for sid in self._candidates(wvec, day, dormant=True):
            story = st.story(sid)
            sim = self._cosine(wvec, norm, *self._weighted_centroid(story))
            if not self._active(story.last, day) and sim < REVIVE:
                continue  # a dormant story takes a new article only on a strong match
            if sim > best_sim:  # candidates come in id order, so ties keep the first
                best, best_sim = story, sim
        if best is not None and best_sim >= ASSIGN and self._shared(vec, best.centroid) >= MIN_SHARED:
            story = best
        else:
            story = st.new_story(item.article_id, _order(item))
        self._add_to(story, vec, day)
        st.set_direct(item.article_id, story.id)
        st.count_article(vec)
        story = self._merge_similar(story, day)
        st.touch(story)
        story.label = self._label(story)
        st.changed(story)
        return story.id

    def _candidates(self, wvec: Mapping[str, float], day: int | None, exclude: str | None = None,
                    dormant: bool = False) -> list[str]:
        """Stories sharing one of the strongest terms, best :data:`MAX_CANDIDATES` by overlap
        (active ones only unless ``dormant``)."""
        probe = _strongest(wvec, wvec, PROBE_TERMS)
        score: dict[str, float] = {}
        for t in probe:
            for sid in self.state.stories_with(t):
                score[sid] = score.get(sid, 0.0) + wvec[t]
        score.pop(exclude, None)
        if not dormant:
            self.state.prefetch_fields(score)
            score = {sid: s for sid, s in score.items() if self._active(self.state.story_fields(sid)[3], day)}
        return sorted(_strongest(score, score, MAX_CANDIDATES))

    @staticmethod
    def _active(last: int | None, day: int | None) -> bool:
        return day is None or last is None or day - last <= MAX_GAP_DAYS

    def _weighted(self, vec: Mapping[str, float]) -> tuple[dict[str, float], float]:
        epoch = self.state.get("epoch")
        if self._idf_epoch != epoch:
            self._idf_cache, self._idf_epoch = {}, epoch
        cache = self._idf_cache
        self.state.prefetch_df([t for t in vec if t not in cache])
        idf = self._idf
        out = {t: w * (cache.get(t) or idf(t)) for t, w in vec.items()}
        return out, math.sqrt(math.fsum(map(mul, out.values(), out.values())))

    def _weighted_centroid(self, story: _Story) -> tuple[dict[str, float], float]:
        epoch = self.state.get("epoch")
        if story.cache is None or story.cache[0] != epoch:
            story.cache = [epoch, *self._weighted(story.centroid), None]
        return story.cache[1], story.cache[2]

    def _lead_actors(self, story: _Story) -> tuple[frozenset[str], frozenset[str]]:
        """The story's :data:`LEAD_ACTORS` and :data:`LEAD_ACTORS_WIDE` strongest actors (weighted);
        kept with the weighted centroid, so a story compared with many others ranks its actors once.
        The few are the first of the wide ranking, which is a total order (weight, then term)."""
        self._weighted_centroid(story)
        if story.cache[3] is None:
            weighted = story.cache[1]
            wide = _strongest((t for t in weighted if t.startswith("e:")), weighted, LEAD_ACTORS_WIDE)
            story.cache[3] = (frozenset(wide[:LEAD_ACTORS]), frozenset(wide))
        return story.cache[3]

    @staticmethod
    def _cosine(a: Mapping[str, float], na: float, b: Mapping[str, float], nb: float) -> float:
        """Cosine of two weighted vectors; ``math.fsum`` makes it independent of dict order, so a
        centroid read back from a store gives the very same number as the one kept in memory."""
        if not na or not nb:
            return 0.0
        if len(a) > len(b):
            a, b = b, a
        return math.fsum(map(mul, a.values(), map(b.get, a.keys(), repeat(0.0)))) / (na * nb)

    def _shared(self, vec: Mapping[str, float], centroid: Mapping[str, float]) -> int:
        return sum(1 for t in vec if t in centroid and self._distinctive(t))

    def _add_to(self, story: _Story, vec: Mapping[str, float], day: int | None) -> None:
        st = self.state
        norm = math.sqrt(math.fsum(w * w for w in vec.values())) or 1.0
        for t in sorted(vec):
            st.set_weight(story, t, story.centroid.get(t, 0.0) + vec[t] / norm)
        st.touch(story)
        story.size += 1
        if day is not None:
            story.last = day if story.last is None else max(story.last, day)
            iso = dt.date.fromordinal(day).isoformat()
            story.first_day = iso if story.first_day is None else min(story.first_day, iso)
        st.changed(story)
        self._prune(story)

    def _prune(self, story: _Story) -> None:
        """Cuts a grown centroid back to its strongest terms."""
        if len(story.centroid) > 2 * CENTROID_TERMS:
            keep = sorted(story.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS]
            for t in sorted(story.centroid.keys() - dict(keep).keys()):
                self.state.del_weight(story, t)

    def _merge_similar(self, story: _Story, day: int | None) -> _Story:
        if story.size < 2:
            return story
        wc, nc = self._weighted_centroid(story)
        for sid in self._candidates(wc, day, exclude=story.id):
            other = self.state.story(sid)
            if other is None or sid == story.id:
                continue
            wo, no = self._weighted_centroid(other)
            # the cheap test first (leading actors are cached per centroid), the cosine only if it passes
            if (_same_lead_actors(self._lead_actors(story), self._lead_actors(other))
                    and self._cosine(wc, nc, wo, no) >= MERGE):
                keep, gone = (other, story) if other.first < story.first else (story, other)
                self._absorb(keep, gone)
                story = keep
                wc, nc = self._weighted_centroid(story)
        return story

    def _absorb(self, keep: _Story, gone: _Story) -> None:
        st = self.state
        for t in sorted(gone.centroid):
            st.set_weight(keep, t, keep.centroid.get(t, 0.0) + gone.centroid[t])
        st.touch(keep)
        keep.size += gone.size
        if gone.last is not None:
            keep.last = gone.last if keep.last is None else max(keep.last, gone.last)
        if gone.first_day is not None:
            keep.first_day = gone.first_day if keep.first_day is None else min(keep.first_day, gone.first_day)
        st.changed(keep)
        st.set_merged(gone.id, keep.id)
        st.drop_story(gone)
        self._prune(keep)


def _same_lead_actors(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Whether two stories, given their leading actors (few, wide), share a leading actor.

    Stories that overlap in their generic vocabulary (protests, the United States, a region)
    but are led by different actors stay apart: one of each story's top :data:`LEAD_ACTORS` must
    be among the other's top :data:`LEAD_ACTORS_WIDE`.
    """
    return not a[0].isdisjoint(b[1]) and not b[0].isdisjoint(a[1])


def _strongest(keys: Iterable[str], weight: Mapping[str, float], n: int) -> list[str]:
    """The ``n`` keys of highest weight, ties by key: ``sorted(...)[:n]`` without sorting them all."""
    return heapq.nsmallest(n, keys, key=lambda k: (-weight[k], k))


def _ordinal(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def assign_stories(items: Iterable[StoryItem]) -> dict[str, str]:
    """article id → story id for a batch (same result as feeding a :class:`StoryTracker`)."""
    tracker = StoryTracker()
    tracker.add(items)
    return tracker.assignments


def label_stories(items: Iterable[StoryItem]) -> dict[str, str]:
    """story id → label for a batch."""
    tracker = StoryTracker()
    tracker.add(items)
    return tracker.labels()
