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
stories. A batch whose articles all sort after those already seen (the normal case: news arrives
in date order) costs only its own articles; a batch holding an article older than the newest one
seen forces a replay from scratch (:meth:`StoryTracker.add` does it; a store with millions of
articles would instead replay from a checkpoint before that date). A leader clusterer never splits
a story; the merge step repairs stories that started apart, but an early wrong join stays.
The IDF snapshot is refreshed each time the corpus has grown by :data:`IDF_REFRESH`, a point that
depends only on the count of articles, so batching cannot change it. The tracker keeps every
item's features (for a replay) and one pruned centroid per story; a store would persist the
features and the story of each article.

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
About 1 ms per article for features and 0.6 ms for assignment.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

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


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One article as the story splitter sees it."""

    article_id: str
    published: str | None  # YYYY-MM-DD (or a longer ISO string); None sorts first
    features: Mapping[str, float]


def _order(item: StoryItem) -> tuple[str, str]:
    return ((item.published or "")[:10], item.article_id)


@dataclass
class _Story:
    id: str
    first: tuple[str, str]  # canonical sort key of its earliest article
    centroid: dict[str, float] = field(default_factory=dict)  # sum of members' unit vectors
    size: int = 0
    last: int | None = None  # ordinal day of the newest article
    cache: tuple[int, dict[str, float], float] | None = None  # (IDF epoch, weighted centroid, norm)


class StoryTracker:
    """Incremental story assignment in canonical order (see the module docstring).

    ``add`` any number of times, then read ``assignments`` and ``labels``. The result depends only
    on the set of articles added, not on how they were batched or ordered.
    """

    def __init__(self) -> None:
        self._items: list[StoryItem] = []
        self._reset()

    def _reset(self) -> None:
        self._df: Counter[str] = Counter()
        self._n = 0
        self._df_snap: dict[str, int] = {}  # document frequencies as of the last refresh
        self._n_snap = 0
        self._epoch = 0
        self._next_refresh = 1
        self._stories: dict[str, _Story] = {}
        self._index: dict[str, set[str]] = {}  # term → stories whose centroid holds it
        self._article_story: dict[str, str] = {}
        self._merged_into: dict[str, str] = {}
        self._done = 0

    # public API

    def add(self, items: Iterable[StoryItem]) -> None:
        """Assigns ``items`` (any order) to stories, replaying if one is older than those seen."""
        new = sorted(items, key=_order)
        if not new:
            return
        if self._items and _order(new[0]) < _order(self._items[-1]):
            self._items = sorted(self._items + new, key=_order)
            self._reset()
        else:
            self._items.extend(new)
        for item in self._items[self._done:]:
            self._assign(item)
        self._done = len(self._items)

    @property
    def assignments(self) -> dict[str, str]:
        """article id → story id (the id of the story's earliest article)."""
        return {aid: self._root(sid) for aid, sid in sorted(self._article_story.items())}

    def labels(self, n: int = LABEL_TERMS) -> dict[str, str]:
        """story id → a short label: its most distinctive actors (keywords when it has too few)."""
        out = {}
        for sid in sorted(self._stories):
            weighted, _ = self._weighted_centroid(self._stories[sid])
            ranked = [t for t, _ in sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))]
            actors = [t[2:] for t in ranked if t.startswith("e:")]
            terms = actors[:n] if len(actors) >= 2 else (actors + [t[2:] for t in ranked if t.startswith("k:")])[:n]
            out[sid] = " · ".join(terms)
        return out

    # internals

    def _root(self, sid: str) -> str:
        while sid in self._merged_into:
            sid = self._merged_into[sid]
        return sid

    def _idf(self, term: str) -> float:
        return math.log((1 + self._n_snap) / (1 + self._df_snap.get(term, 0))) + 1.0

    def _distinctive(self, term: str) -> bool:
        return self._df_snap.get(term, 0) <= max(DISTINCTIVE_MIN_DF, DISTINCTIVE_SHARE * self._n_snap)

    def _refresh_idf(self) -> None:
        """Takes a new document-frequency snapshot once the corpus has grown by IDF_REFRESH.

        When that happens depends only on the number of articles seen, so batches do not matter;
        between refreshes the weighted story centroids stay cached.
        """
        if self._n < self._next_refresh:
            return
        self._df_snap = dict(self._df)
        self._n_snap = self._n
        self._epoch += 1
        self._next_refresh = self._n + max(1, int(self._n * IDF_REFRESH))

    def _assign(self, item: StoryItem) -> None:
        self._refresh_idf()
        day = _ordinal(item.published)
        vec = {t: w for t, w in item.features.items() if w > 0}
        wvec, norm = self._weighted(vec)
        best, best_sim = None, 0.0
        for sid in self._candidates(wvec, day, dormant=True):
            story = self._stories[sid]
            sim = self._cosine(wvec, norm, *self._weighted_centroid(story))
            if not self._active(story, day) and sim < REVIVE:
                continue  # a dormant story takes a new article only on a strong match
            if sim > best_sim:  # candidates come in id order, so ties keep the first
                best, best_sim = story, sim
        if best is not None and best_sim >= ASSIGN and self._shared(vec, best.centroid) >= MIN_SHARED:
            story = best
        else:
            story = _Story(id=item.article_id, first=_order(item))
            self._stories[story.id] = story
        self._add_to(story, vec, day)
        self._article_story[item.article_id] = story.id
        for t in vec:
            self._df[t] += 1
        self._n += 1
        self._merge_similar(story, day)

    def _candidates(self, wvec: Mapping[str, float], day: int | None, exclude: str | None = None,
                    dormant: bool = False) -> list[str]:
        """Active stories sharing one of the strongest terms, best :data:`MAX_CANDIDATES` by overlap."""
        probe = sorted(wvec, key=lambda t: (-wvec[t], t))[:PROBE_TERMS]
        score: dict[str, float] = {}
        for t in probe:
            for sid in self._index.get(t, ()):
                score[sid] = score.get(sid, 0.0) + wvec[t]
        ranked = sorted((sid for sid in score if sid != exclude and (dormant or self._active(self._stories[sid], day))),
                        key=lambda sid: (-score[sid], sid))
        return sorted(ranked[:MAX_CANDIDATES])

    def _active(self, story: _Story, day: int | None) -> bool:
        return day is None or story.last is None or day - story.last <= MAX_GAP_DAYS

    def _weighted(self, vec: Mapping[str, float]) -> tuple[dict[str, float], float]:
        out = {t: w * self._idf(t) for t, w in vec.items()}
        return out, math.sqrt(sum(v * v for v in out.values()))

    def _weighted_centroid(self, story: _Story) -> tuple[dict[str, float], float]:
        if story.cache is None or story.cache[0] != self._epoch:
            story.cache = (self._epoch, *self._weighted(story.centroid))
        return story.cache[1], story.cache[2]

    @staticmethod
    def _cosine(a: Mapping[str, float], na: float, b: Mapping[str, float], nb: float) -> float:
        if not na or not nb:
            return 0.0
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(t, 0.0) for t, v in a.items()) / (na * nb)

    def _shared(self, vec: Mapping[str, float], centroid: Mapping[str, float]) -> int:
        return sum(1 for t in vec if t in centroid and self._distinctive(t))

    def _add_to(self, story: _Story, vec: Mapping[str, float], day: int | None) -> None:
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        for t, w in vec.items():
            story.centroid[t] = story.centroid.get(t, 0.0) + w / norm
        story.size += 1
        if day is not None:
            story.last = day if story.last is None else max(story.last, day)
        self._changed(story)

    def _changed(self, story: _Story) -> None:
        """Prunes a grown centroid to its strongest terms and updates the term index."""
        story.cache = None
        if len(story.centroid) > 2 * CENTROID_TERMS:
            keep = dict(sorted(story.centroid.items(), key=lambda kv: (-kv[1], kv[0]))[:CENTROID_TERMS])
            for t in story.centroid.keys() - keep.keys():
                self._index.get(t, set()).discard(story.id)
            story.centroid = keep
        for t in story.centroid:
            self._index.setdefault(t, set()).add(story.id)

    def _merge_similar(self, story: _Story, day: int | None) -> None:
        if story.size < 2:
            return
        wc, nc = self._weighted_centroid(story)
        for sid in self._candidates(wc, day, exclude=story.id):
            if sid not in self._stories or sid == story.id:
                continue
            other = self._stories[sid]
            wo, no = self._weighted_centroid(other)
            if self._cosine(wc, nc, wo, no) >= MERGE and self._same_lead_actors(wc, wo):
                keep, gone = (other, story) if other.first < story.first else (story, other)
                self._absorb(keep, gone)
                story = keep
                wc, nc = self._weighted_centroid(story)

    @staticmethod
    def _same_lead_actors(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
        """Whether the two (weighted) centroids share a leading actor.

        Stories that overlap in their generic vocabulary (protests, the United States, a region)
        but are led by different actors stay apart: one of each story's top
        :data:`LEAD_ACTORS` must be among the other's top :data:`LEAD_ACTORS_WIDE`.
        """
        def top(c: Mapping[str, float], n: int) -> set[str]:
            actors = sorted((t for t in c if t.startswith("e:")), key=lambda t: (-c[t], t))
            return set(actors[:n])
        return bool(top(a, LEAD_ACTORS) & top(b, LEAD_ACTORS_WIDE)
                    and top(b, LEAD_ACTORS) & top(a, LEAD_ACTORS_WIDE))

    def _absorb(self, keep: _Story, gone: _Story) -> None:
        for t, w in gone.centroid.items():
            keep.centroid[t] = keep.centroid.get(t, 0.0) + w
            self._index.get(t, set()).discard(gone.id)
        keep.size += gone.size
        if gone.last is not None:
            keep.last = gone.last if keep.last is None else max(keep.last, gone.last)
        self._merged_into[gone.id] = keep.id
        del self._stories[gone.id]
        self._changed(keep)


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
