"""A bulk corpus generator: any number of realistic news articles made from the real Timeline17 ones.

Scale benchmarks (``storyline bench ingest``) need 10^5 articles; Timeline17 holds ~2,100 real ones
(five stories, eight outlets). This module writes N articles whose sentences are all real news
sentences, recombined the way a developing story is reported:

- *Stories.* Generated articles belong to story instances. An instance is one Timeline17 story (Libya,
  Egypt, swine flu, the 2008 crisis, Iraq) moved in time by a whole number of weeks, so weekday names
  stay true. Instance ``k`` is a function of the seed and ``k`` alone; article ``i`` draws its instance
  among the few "open" around ``i / ARTICLES_PER_INSTANCE``, so a large corpus holds many stories that
  overlap in input order, as a news feed does, and ``bulk1k`` is a prefix of ``bulk10k``.
- *Articles.* An original article keeps the lead of one real article and continues with runs of
  sentences from it and (mostly) from articles of the same story published within days of it (any of
  that story's outlets), each run from a random place. Length follows the real article it starts
  from (jittered, capped), so the length distribution is the real one (median ~4.5 kB). Two articles
  built on the same real one share little more than the lead, so they are not near-duplicates.
- *Dates.* The ``" date YYYY-MM-DD"`` prefix and every date written in the text (``Feb 21, 2011``,
  ``26 April 2009``, ``March 17``, ``2011-09-08``, ``January 2011``, recent bare years) move by the
  instance's shift, one regular-expression pass per sentence, keeping each mention's spelling style.
- *Outlets.* Each article names an outlet: in Markdown front matter (a share of the files), in the
  dateline's agency credit (``(Reuters)`` becomes ``(AP)``) and in syndication notices.
- *Wire copies.* A share of articles republish an earlier one (within a few hundred articles): exact
  copies under another file name, and near copies (trimmed ending, another outlet's notice or
  credit line, a day later) — the near-duplicate groups storyline must find.

Everything about article ``i`` is drawn from ``random.Random(f"{seed}:{i}")``: the corpus is a pure
function of the seed, articles can be generated in any order, and writing is streamed (memory is the
source pool, ~60 MB, plus a small LRU of recent articles for copies) whatever N is. Files go to
``OUT/NNNN/NNNNNNN.txt`` (1,000 per folder) or, with ``jsonl``, to ``OUT/shard-NNNN.jsonl``;
``OUT/.manifest.json`` (a dot file, skipped by ``ingest``) records the parameters and counts.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import re
import statistics
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .tls import iter_articles, topics

# Generated articles per story instance, on average; instances overlap over ~3 of these spans.
ARTICLES_PER_INSTANCE = 300
INSTANCE_OVERLAP = 3
# Instance shifts, in weeks (0 for instance 0, so the first articles keep their real dates): about
# five years back to thirteen forward from 2005–2011.
SHIFT_WEEKS = (-260, 700)
# Share of articles that republish an earlier one, and of those the share that are exact copies.
COPY_SHARE = 0.12
EXACT_COPY_SHARE = 0.4
# A copy republishes one of this many preceding articles.
COPY_WINDOW = 400
# Share of files written as Markdown with YAML front matter (the rest: date-prefixed plain text).
MARKDOWN_SHARE = 0.15
# Share of plain-text articles that open with their headline as a paragraph of its own.
HEADLINE_SHARE = 0.5
# Sentences per article: the real article's count times a jitter, within these bounds.
LENGTH_JITTER = (0.8, 1.2)
MIN_SENTENCES, MAX_SENTENCES = 4, 70
# Real articles shorter than this (sentences) or longer than this (characters) are not used as sources.
SOURCE_MIN_SENTENCES = 4
SOURCE_MAX_CHARS = 50_000
# Splicing: after the lead, each run comes from a neighbour article with this probability, else from the base.
SPLICE_PROBABILITY = 0.7
RUN_LENGTH = (2, 6)
NEIGHBOUR_WINDOW = 12  # neighbours: up to this many articles either side in the story's date order
# Sentences per paragraph after the one-sentence lead, drawn from this list (wire style: short).
PARAGRAPH_SIZES = (1, 1, 2, 2, 2, 3)
FILES_PER_FOLDER = 1000
RECENT_CACHE = 1024  # generated articles kept for copies (COPY_WINDOW plus chains)

# Outlets: name, agency credit used in a dateline, web domain.
OUTLETS = (
    ("Reuters", "Reuters", "reuters.com"), ("Associated Press", "AP", "apnews.com"),
    ("Agence France-Presse", "AFP", "afp.com"), ("CNN", "CNN", "cnn.com"), ("BBC News", "BBC", "bbc.co.uk"),
    ("The Guardian", "Guardian", "theguardian.com"), ("The Washington Post", "Washington Post", "washingtonpost.com"),
    ("Al Jazeera", "Al Jazeera", "aljazeera.com"), ("The Independent", "Independent", "independent.co.uk"),
    ("NDTV", "NDTV", "ndtv.com"), ("The Irish Times", "Irish Times", "irishtimes.com"),
    ("Deutsche Welle", "DW", "dw.com"), ("The Straits Times", "Straits Times", "straitstimes.com"),
    ("ABC News", "ABC", "abcnews.go.com"), ("The Hindu", "The Hindu", "thehindu.com"),
    ("Arab News", "Arab News", "arabnews.com"),
)
_AGENCY_IN_DATELINE = re.compile(r"\((?:CNN|Reuters|AP|AFP|BBC)\)")
_SYNDICATION_NOTICES = (
    "(This story has not been edited by {name} staff and is auto-generated from a syndicated feed.)",
    "This article was originally published by {wire} and is republished with permission.",
)
_CREDIT_LINES = (
    "(Reporting by {a}; Editing by {b})",
    "Additional reporting by {a}; writing by {b}.",
)
_REPORTERS = ("Maria Golovnina", "Tom Perry", "Sami Aboudi", "Edmund Blair", "Lin Noueihed", "Hamid Ould Ahmed",
              "Joseph Logan", "Andrew Hammond", "Peter Graff", "Kate Kelland", "Michael Georgy", "Sophie Hares")


# -- the source pool --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceArticle:
    story: str  # Timeline17 story: the topic folder name before the outlet ("LibyaWar")
    published: dt.date
    sentences: tuple[str, ...]


def load_pool(tls_root: Path) -> dict[str, list[SourceArticle]]:
    """The usable real articles of each story, in date order (then by file)."""
    pool: dict[str, list[SourceArticle]] = {}
    for topic in topics(tls_root):
        story = topic.name.rsplit("_", 1)[0]
        for raw in iter_articles(topic):
            if len(raw.body) > SOURCE_MAX_CHARS:
                continue
            sentences = tuple(s for s in raw.body.split("\n\n") if s.strip())
            if len(sentences) >= SOURCE_MIN_SENTENCES:
                pool.setdefault(story, []).append(
                    SourceArticle(story, dt.date.fromisoformat(raw.published), sentences))
    for arts in pool.values():
        arts.sort(key=lambda a: a.published)  # stable: file order within a day
    if not pool:
        raise FileNotFoundError(f"no Timeline17 articles under {tls_root}")
    return dict(sorted(pool.items()))


# -- moving dates -----------------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_DATE_MENTION = re.compile(
    rf"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"
    rf"|\b(?P<mdy_m>{_MONTH}) (?P<mdy_d>{_DAY})(?:st|nd|rd|th)?, (?P<mdy_y>(?:19|20)\d\d)\b"
    rf"|\b(?P<dmy_d>{_DAY}) (?P<dmy_m>{_MONTH}) (?P<dmy_y>(?:19|20)\d\d)\b"
    rf"|\b(?P<my_m>{_MONTH}) (?P<my_y>(?:19|20)\d\d)\b"
    rf"|\b(?P<md_m>{_MONTH}) (?P<md_d>{_DAY})(?:st|nd|rd|th)?\b(?![,.]?\d)"
    rf"|\b(?P<dm_d>{_DAY}) (?P<dm_m>{_MONTH})(?![\w])"
    rf"|(?<![\d$£€.,])\b(?P<year>(?:19|20)\d\d)\b(?![\d%]|[.,]\d)"
)
# Bare years are moved only when this close to the source article's year (older ones are history,
# larger numbers more often counts than years).
_BARE_YEAR_RANGE = (-20, 1)


def _month_token(original: str, month: int) -> str:
    """The month ``month`` spelled like ``original`` (full name, abbreviation, with or without a dot)."""
    bare = original.rstrip(".")
    full = calendar.month_name[month]
    if bare == calendar.month_name[_MONTHS[bare.lower()]]:
        return full
    abbr = "Sept" if month == 9 and bare == "Sept" else calendar.month_abbr[month]
    if abbr == full:  # May: no abbreviation, no dot
        return full
    return abbr + ("." if original.endswith(".") else "")


def _nearest_year(month: int, day: int, anchor: dt.date) -> dt.date:
    """A year-less day read as the occurrence nearest the article's date."""
    cands = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cands.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not cands:
        raise ValueError("no such day")
    return min(cands, key=lambda d: abs((d - anchor).days))


def shift_dates(text: str, days: int, anchor: dt.date) -> str:
    """``text`` with every date it writes moved by ``days`` (one pass; unparseable mentions unchanged)."""
    if days == 0:
        return text
    delta = dt.timedelta(days=days)
    year_delta = (anchor + delta).year - anchor.year

    def move(m: re.Match) -> str:
        g = m.groupdict()
        try:
            if g["iso"]:
                return (dt.date.fromisoformat(g["iso"]) + delta).isoformat()
            if g["mdy_m"]:
                d = dt.date(int(g["mdy_y"]), _MONTHS[g["mdy_m"].rstrip(".").lower()], int(g["mdy_d"])) + delta
                return f"{_month_token(g['mdy_m'], d.month)} {d.day}, {d.year}"
            if g["dmy_m"]:
                d = dt.date(int(g["dmy_y"]), _MONTHS[g["dmy_m"].rstrip(".").lower()], int(g["dmy_d"])) + delta
                return f"{d.day} {_month_token(g['dmy_m'], d.month)} {d.year}"
            if g["my_m"]:
                d = dt.date(int(g["my_y"]), _MONTHS[g["my_m"].rstrip(".").lower()], 15) + delta
                return f"{_month_token(g['my_m'], d.month)} {d.year}"
            if g["md_m"]:
                d = _nearest_year(_MONTHS[g["md_m"].rstrip(".").lower()], int(g["md_d"]), anchor) + delta
                return f"{_month_token(g['md_m'], d.month)} {d.day}"
            if g["dm_m"]:
                d = _nearest_year(_MONTHS[g["dm_m"].rstrip(".").lower()], int(g["dm_d"]), anchor) + delta
                return f"{d.day} {_month_token(g['dm_m'], d.month)}"
            year = int(g["year"])
            if _BARE_YEAR_RANGE[0] <= year - anchor.year <= _BARE_YEAR_RANGE[1]:
                return str(year + year_delta)
        except ValueError:  # "Feb 30": leave it as written
            pass
        return m.group(0)

    return _DATE_MENTION.sub(move, text)


# -- generating articles ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generated:
    """One generated article."""

    index: int
    kind: str  # "original", "copy" (exact) or "near-copy"
    copy_of: int | None
    story: str
    instance: int
    published: dt.date
    outlet: int  # index into OUTLETS
    title: str
    paragraphs: tuple[str, ...]
    markdown: bool
    headline_paragraph: bool

    @property
    def body(self) -> str:
        paras = ((self.title,) if self.headline_paragraph and not self.markdown else ()) + self.paragraphs
        return "\n\n".join(paras)


@dataclass(frozen=True, slots=True)
class Instance:
    story: str
    shift_days: int


class Generator:
    """Article ``i`` of the corpus for ``seed``, as a pure function of both."""

    def __init__(self, pool: dict[str, list[SourceArticle]], seed: int = 0) -> None:
        self.pool = pool
        self.seed = seed
        self.stories = list(pool)
        self.weights = [len(pool[s]) for s in self.stories]
        self._recent: OrderedDict[int, Generated] = OrderedDict()

    def instance(self, k: int) -> Instance:
        rng = random.Random(f"{self.seed}:instance:{k}")
        story = rng.choices(self.stories, weights=self.weights)[0]
        weeks = 0 if k == 0 else rng.randint(*SHIFT_WEEKS)
        return Instance(story, 7 * weeks)

    def article(self, i: int) -> Generated:
        hit = self._recent.get(i)
        if hit is not None:
            self._recent.move_to_end(i)
            return hit
        rng = random.Random(f"{self.seed}:{i}")
        if i > 0 and rng.random() < COPY_SHARE:
            g = self._copy(i, rng)
        else:
            g = self._original(i, rng)
        self._recent[i] = g
        if len(self._recent) > RECENT_CACHE:
            self._recent.popitem(last=False)
        return g

    def _original(self, i: int, rng: random.Random) -> Generated:
        k = max(0, i // ARTICLES_PER_INSTANCE - rng.randrange(INSTANCE_OVERLAP))
        inst = self.instance(k)
        arts = self.pool[inst.story]
        b = rng.randrange(len(arts))
        base = arts[b]
        target = round(len(base.sentences) * rng.uniform(*LENGTH_JITTER))
        target = max(MIN_SENTENCES, min(MAX_SENTENCES, target))
        picked = self._sentences(arts, b, target, rng)
        shifted = [shift_dates(s, inst.shift_days, anchor) for s, anchor in picked]
        outlet = rng.randrange(len(OUTLETS))
        shifted[0] = _AGENCY_IN_DATELINE.sub(f"({OUTLETS[outlet][1]})", shifted[0], count=1)
        return Generated(index=i, kind="original", copy_of=None, story=inst.story, instance=k,
                         published=base.published + dt.timedelta(days=inst.shift_days), outlet=outlet,
                         title=_headline(shifted[0]), paragraphs=_paragraphs(shifted, rng),
                         markdown=rng.random() < MARKDOWN_SHARE, headline_paragraph=rng.random() < HEADLINE_SHARE)

    def _sentences(self, arts: list[SourceArticle], b: int, target: int,
                   rng: random.Random) -> list[tuple[str, dt.date]]:
        """The base article's lead, then runs from random places of it and of its neighbours in time.

        Runs start at random places (not where the last one ended) and most come from neighbours, so
        two articles built on the same base share little beyond the lead: near-duplicate detection
        must find the wire copies, not siblings (measured: no group of two originals in 3,000).
        """
        base = arts[b]
        out = [(base.sentences[0], base.published)]
        used: set[tuple[int, int]] = {(b, 0)}
        attempts = 0
        while len(out) < target and attempts < 4 * target:
            attempts += 1
            run = rng.randint(*RUN_LENGTH)
            if rng.random() < SPLICE_PROBABILITY:
                n = rng.randint(max(0, b - NEIGHBOUR_WINDOW), min(len(arts) - 1, b + NEIGHBOUR_WINDOW))
            else:
                n = b
            other = arts[n]
            start = rng.randrange(1, len(other.sentences))
            for j in range(start, min(start + run, len(other.sentences))):
                if (n, j) not in used:
                    used.add((n, j))
                    out.append((other.sentences[j], other.published))
        return out[:target]

    def _copy(self, i: int, rng: random.Random) -> Generated:
        j = i - rng.randint(1, min(i, COPY_WINDOW))
        src = self.article(j)
        outlet = rng.randrange(len(OUTLETS))
        markdown = rng.random() < MARKDOWN_SHARE
        if rng.random() < EXACT_COPY_SHARE:
            return Generated(index=i, kind="copy", copy_of=j, story=src.story, instance=src.instance,
                             published=src.published, outlet=outlet, title=src.title, paragraphs=src.paragraphs,
                             markdown=markdown, headline_paragraph=src.headline_paragraph)
        paras = list(src.paragraphs)
        if len(paras) > 4:  # a shorter wire version
            del paras[len(paras) - rng.randint(1, min(3, len(paras) - 3)):]
        paras[0] = _AGENCY_IN_DATELINE.sub(f"({OUTLETS[outlet][1]})", paras[0], count=1)
        name, wire = OUTLETS[outlet][0], OUTLETS[src.outlet][0]
        if rng.random() < 0.5:
            paras.append(rng.choice(_SYNDICATION_NOTICES).format(name=name, wire=wire))
        else:
            a, b = rng.sample(_REPORTERS, 2)
            paras.append(rng.choice(_CREDIT_LINES).format(a=a, b=b))
        return Generated(index=i, kind="near-copy", copy_of=j, story=src.story, instance=src.instance,
                         published=src.published + dt.timedelta(days=rng.randint(0, 1)), outlet=outlet,
                         title=src.title, paragraphs=tuple(paras), markdown=markdown,
                         headline_paragraph=rng.random() < HEADLINE_SHARE)

    def __iter__(self) -> Iterator[Generated]:
        i = 0
        while True:
            yield self.article(i)
            i += 1


def _paragraphs(sentences: list[str], rng: random.Random) -> tuple[str, ...]:
    paras = [sentences[0]]
    k = 1
    while k < len(sentences):
        n = rng.choice(PARAGRAPH_SIZES)
        paras.append(" ".join(sentences[k:k + n]))
        k += n
    return tuple(paras)


_HEADLINE_WORDS = 12


def _headline(lead: str) -> str:
    """A headline from the lead sentence: its first clause, at most a dozen words, no final stop."""
    clause = re.split(r"(?<=\w)[,;:]\s|\s(?:--|-)\s", lead, maxsplit=1)[0]
    words = clause.split()[:_HEADLINE_WORDS]
    return " ".join(words).rstrip(".!?,;:") or "News"


# -- writing ----------------------------------------------------------------------------------


def render_text(g: Generated) -> str:
    """A date-prefixed plain-text file."""
    return f" date {g.published.isoformat()} {g.body}\n"


def render_markdown(g: Generated) -> str:
    """A Markdown file with YAML front matter naming the title, date, outlet and URL."""
    name, _, domain = OUTLETS[g.outlet]
    front = {"title": g.title, "date": g.published.isoformat(), "outlet": name, "url": _url(g, domain)}
    lines = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
    return f"---\n{lines}\n---\n\n{g.body}\n"


def render_record(g: Generated) -> dict:
    name, _, domain = OUTLETS[g.outlet]
    return {"url": _url(g, domain), "title": g.title, "date": g.published.isoformat(), "outlet": name, "text": g.body}


def _url(g: Generated, domain: str) -> str:
    slug = "-".join(re.sub(r"[^a-z0-9 ]", "", g.title.lower()).split()[:8]) or "story"
    return f"https://www.{domain}/news/{g.published:%Y/%m/%d}/{slug}-{g.index}"


def generate(tls_root: Path, out: Path, n: int, seed: int = 0, jsonl: bool = False,
             on_progress: Callable[[int], None] | None = None) -> dict:
    """Writes ``n`` generated articles under ``out``; returns the manifest (also in ``out/.manifest.json``)."""
    gen = Generator(load_pool(tls_root), seed)
    out.mkdir(parents=True, exist_ok=True)
    kinds = {"original": 0, "copy": 0, "near-copy": 0}
    markdown = 0
    total = 0
    # a fixed-size sample of lengths for the median: one per 97 articles, bounded memory
    sample: list[int] = []
    shard = None
    for g in gen:
        if g.index >= n:
            break
        if jsonl:
            if g.index % FILES_PER_FOLDER == 0:
                if shard:
                    shard.close()
                shard = open(out / f"shard-{g.index // FILES_PER_FOLDER:04d}.jsonl", "w", encoding="utf-8")
            text = json.dumps(render_record(g), ensure_ascii=False) + "\n"
            shard.write(text)
        else:
            folder = out / f"{g.index // FILES_PER_FOLDER:04d}"
            if g.index % FILES_PER_FOLDER == 0:
                folder.mkdir(exist_ok=True)
            text = render_markdown(g) if g.markdown else render_text(g)
            (folder / f"{g.index:07d}.{'md' if g.markdown else 'txt'}").write_text(text, encoding="utf-8")
            markdown += g.markdown
        size = len(text.encode("utf-8"))
        total += size
        kinds[g.kind] += 1
        if g.index % 97 == 0 and len(sample) < 10_000:
            sample.append(size)
        if on_progress and (g.index + 1) % 1000 == 0:
            on_progress(g.index + 1)
    if shard:
        shard.close()
    manifest = {"n": n, "seed": seed, "format": "jsonl" if jsonl else "files", "kinds": kinds,
                "markdown_files": markdown, "bytes": total,
                "median_bytes_sampled": int(statistics.median(sample)) if sample else 0,
                "stories": sorted(gen.stories), "source": str(tls_root)}
    (out / ".manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
