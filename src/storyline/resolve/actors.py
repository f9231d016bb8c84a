"""Canonical actors across articles: one record per person, organisation or place.

The per-article entity extractor already gives each actor one canonical name *within* an article
("Mr Netanyahu" and "Israeli Prime Minister Benjamin Netanyahu" are one :class:`Entity` named
"Benjamin Netanyahu", with the role split off; "the IDF" is "Israel Defense Forces"). Across
articles the same actor still appears under several names: a bare surname in a short follow-up
("Blinken"), another outlet's transliteration ("Gadhafi" / "Gaddafi"), a different accenting or
apostrophe, or the short form of a place ("Gaza" / "Gaza Strip"). This module joins them.

How it works

1. *Forms.* Every per-article entity is folded into a :class:`Form`: the statistics of one
   (type, normalised name) pair over all articles -- how the name was written, its aliases, roles
   with first and last dates, mention count and article ids. Normalisation folds case, diacritics,
   apostrophes, dots and hyphens, drops "the" and, for people, leading titles and honorifics
   ("Mr", "Prime Minister") and trailing "Jr"/"Sr"/"II". Folding is associative and commutative,
   so the form table is a function of the *multiset* of entities, whatever the ingestion order.
2. *Buckets.* Each form has a key (:func:`actor_key`): a person's surname skeleton, the initials of
   an organisation, the first word of a place. Forms only ever merge within a bucket, so the store
   can index actors by key and, for new articles, re-resolve only the buckets their entities fall
   in; the result equals a full recomputation.
3. *Rules*, per bucket:

   - PERSON: full names join when first names and surnames match after normalisation, or, for
     transliterations, when both are similar (rapidfuzz ``ratio`` >= :data:`NAME_SIMILARITY` on the
     surname, first names equal or themselves that similar; both at least
     :data:`FUZZY_MIN_LENGTH` letters), and their middle names (if both have any) share one. Different
     first names stay apart ("Mia Shem", "Keren Shem"). A bare surname ("Netanyahu") joins the
     unique full name with that surname; if several exist it joins the one named in
     :data:`DOMINANCE` times more articles than any other, else it stays apart as its own actor
     (a bare "Shem" in an article that names neither Shem cannot be decided).
   - ORG: same normalised name, spelling variants (ratio >= :data:`ORG_SIMILARITY`, same number of
     words: "Defence"/"Defense"), an acronym that is the initials of the long name ("UN" /
     "United Nations"; attached like a bare surname: unique or dominant), or alias evidence.
   - LOC: same normalised name, near-identical spelling, or alias evidence: "Gaza" was written
     "Gaza Strip" in enough articles. "Gaza City" never becomes "Gaza" by spelling.
   - Alias evidence (ORG, LOC): form X lists form Y's name as an alias in at least
     :data:`ALIAS_MIN_SHARE` of the number of articles where Y stands on its own, so one article's
     extraction slip cannot glue two actors forever.

   Groups are connected components of those links over forms in sorted order; the canonical name
   is the most-used full written name (articles, then mentions, then length, then alphabet).

Cost: folding is linear in the entities (name normalisation is cached); resolution is
``sum(f_b ** 2)`` pair checks over the forms ``f_b`` of each bucket (people sharing a surname
skeleton: a handful, rarely hundreds), with rapidfuzz ``ratio`` at ~1 microsecond on names.
Incremental: forms of disjoint article sets add up exactly (:func:`merge_forms`; roles are kept per
written title for that), so a store keeps the forms and re-runs :func:`resolve_bucket` on the
buckets a batch touches (:mod:`storyline.incremental`); :func:`merge_actor_tables` does the same for
two in-memory tables.

Measured: 300 Timeline17 articles (8,450 entities) resolve to 1,909 actors in 0.15-0.3 s, and
resolving the two halves separately then merging gives the identical table.

Ids are ``"<type>:<slug of the canonical name>"``: stable while the canonical name is. A later
batch can change the canonical name (a more frequent spelling arrives); the store then redirects
the old id, and numbers the rare second holder of a slug (``~2``).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from ..model import Entity

# ---------------------------------------------------------------------------------------------
# Tuned thresholds

NAME_SIMILARITY = 85.0  # rapidfuzz ratio for transliterations: gaddafi/gadhafi 85.7, mark/mary 75
FUZZY_MIN_LENGTH = 5  # shorter names are not compared fuzzily ("Ali"/"Ala" are different people)
ORG_SIMILARITY = 92.0  # "Israel Defence Forces"/"Israel Defense Forces" 97.6; "Gaza Strip"/"Gaza City" 63
DOMINANCE = 3.0  # a bare surname/acronym joins the candidate named in this many times more articles
ALIAS_MIN_SHARE = 0.25  # alias evidence needed, as a share of the aliased form's own articles
_CDIST_ROWS = 512  # names per block of the similarity matrix (512 x 5,000 float32 = 10 MB)

# ---------------------------------------------------------------------------------------------
# Grammar word lists (not knowledge): titles that may lead a person's name, honorifics.

HONORIFICS = frozenset("mr mrs ms miss messrs mme mlle dr prof sir dame".split())
_TITLE_WORDS = frozenset("""
president minister secretary chancellor premier king queen prince princess emir sheikh sultan pope
ayatollah senator sen rep representative congressman congresswoman governor gov mayor general gen
colonel col lieutenant lt major maj captain capt sergeant sgt admiral adm commander cmdr brigadier
marshal chief judge justice ambassador envoy spokesman spokeswoman spokesperson director chairman
chairwoman ceo leader speaker commissioner rev reverend bishop archbishop cardinal imam rabbi
president-elect secretary-general prime foreign defense defence interior finance deputy vice acting
former state
""".split()) | HONORIFICS
_SUFFIXES = frozenset("jr sr ii iii iv".split())
_ARTICLES = frozenset("al el ul ad an as ash at az ar".split())  # Arabic article before a surname
_CONNECTORS = frozenset("of the for and & de du des la le el al in on at to".split())
_SPACE = re.compile(r"\s+")
_NICKNAME = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]|\([^)]*\)")  # Maurice "Hank" Greenberg
_PUNCT = re.compile(r"[.\u2019\u2018'`\u02bc]")
_DASH = re.compile(r"[\u2010-\u2015-]")
_SLUG = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouyhw]")
_DOUBLE = re.compile(r"(.)\1+")


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Role:
    """A title or role an actor was given, and over which publication dates."""

    title: str
    first: str | None  # earliest published date of an article giving it (YYYY-MM-DD)
    last: str | None
    articles: int


@dataclass(frozen=True, slots=True)
class Form:
    """One (type, normalised name) pair folded over every article that used it.

    ``names`` and ``aliases`` count articles per written form; ``roles`` holds one :class:`Role`
    per written title (the actor joins spellings of one title). Everything is a count, a set or a
    min/max, so :func:`merge_forms` of the forms of two disjoint sets of articles equals the form
    folded over both: a store keeps forms and adds new articles to them.
    """

    type: str
    norm: str
    names: tuple[tuple[str, int], ...]
    aliases: tuple[tuple[str, int], ...]
    roles: tuple[Role, ...]
    mentions: int
    articles: tuple[str, ...]
    first: str | None = None  # earliest publication date of its articles
    last: str | None = None

    @property
    def key(self) -> str:
        return _bucket(self.type, self.norm)

    def to_json(self) -> dict:
        """A JSON-able dict (the store keeps forms so a bucket can be re-resolved without re-reading
        every entity); :meth:`from_json` reads it back."""
        return {"type": self.type, "norm": self.norm, "names": self.names, "aliases": self.aliases,
                "roles": [[r.title, r.first, r.last, r.articles] for r in self.roles], "mentions": self.mentions,
                "articles": self.articles, "first": self.first, "last": self.last}

    @classmethod
    def from_json(cls, d: Mapping) -> "Form":
        return cls(type=d["type"], norm=d["norm"], names=tuple((n, c) for n, c in d["names"]),
                   aliases=tuple((n, c) for n, c in d["aliases"]), roles=tuple(Role(*r) for r in d["roles"]),
                   mentions=d["mentions"], articles=tuple(d["articles"]), first=d.get("first"), last=d.get("last"))


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor across articles."""

    id: str
    name: str
    type: str
    key: str  # the bucket (see :func:`actor_key`): index actors by it for incremental updates
    aliases: tuple[tuple[str, int], ...]  # other written names, with the number of articles using them
    roles: tuple[Role, ...]
    mentions: int
    articles: tuple[str, ...]
    forms: tuple[Form, ...]  # what the actor was resolved from; input to :func:`merge_actor_tables`
    first: str | None = None  # earliest publication date of an article naming it
    last: str | None = None


# ---------------------------------------------------------------------------------------------
# Normalisation


@lru_cache(maxsize=1 << 16)  # names repeat across articles; folding is the bulk of resolving a bucket
def _fold(text: str) -> str:
    """Case, diacritics, apostrophes, dots and dashes folded away; single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub("", text)
    text = _DASH.sub(" ", text)
    return _SPACE.sub(" ", text).strip().casefold()


def split_title(name: str) -> tuple[str | None, str]:
    """Splits leading titles off a person's name: "Israeli Prime Minister Benjamin Netanyahu" ->
    ("Israeli Prime Minister", "Benjamin Netanyahu"). The name keeps at least one word."""
    words = name.split()
    cut = 0
    for i, w in enumerate(words[:-1]):
        if _fold(w) in _TITLE_WORDS:
            cut = i + 1
    if cut == 0:
        return None, name
    return " ".join(words[:cut]), " ".join(words[cut:])


def _person_tokens(name: str) -> list[str]:
    """Normalised tokens of a person's name, without titles and generational suffixes."""
    _, bare = split_title(_NICKNAME.sub(" ", name))
    toks = [t for t in _fold(bare).replace(",", " ").split() if t]
    while len(toks) > 1 and toks[-1] in _SUFFIXES:
        toks.pop()
    return toks


def _surname(tokens: list[str]) -> str:
    return tokens[-1] if tokens else ""


@lru_cache(maxsize=1 << 16)
def normalize_name(name: str, type: str) -> str:
    """The form key of a written name: case, accents, punctuation, "the" and titles folded."""
    if type == "PERSON":
        toks = _person_tokens(name)
        if len(toks) >= 2 and toks[-2] in _ARTICLES:  # "al-Assad" -> "assad"
            toks = toks[:-2] + [toks[-1]]
        return " ".join(toks)
    folded = _fold(name)
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


def _skeleton(word: str) -> str:
    """A consonant skeleton that survives transliteration: vowels, h, w, y and doubled letters go,
    k/q/c/g are one letter ("gaddafi", "gadhafi", "qaddafi" -> "kdf")."""
    w = _fold(word).replace(" ", "")
    if not w:
        return ""
    w = w.translate(str.maketrans("qcgz", "kkks"))
    w = w[0] + _VOWELS.sub("", w[1:])
    w = _DOUBLE.sub(r"\1", w)
    return w


def _initials(norm: str) -> str:
    words = [w for w in norm.split() if w not in _CONNECTORS]
    if len(words) == 1:
        return words[0]
    return "".join(w[0] for w in words)


def _bucket(type: str, norm: str) -> str:
    if not norm:
        return f"{type}:"
    if type == "PERSON":
        return f"PERSON:{_skeleton(_surname(norm.split()))}"
    if type == "ORG":
        return f"ORG:{_initials(norm)}"
    first = norm.split()[0]
    return f"{type}:{first}"


def form_key(type: str, norm: str) -> str:
    """The bucket of a form given by type and normalised name (see :func:`actor_key`)."""
    return _bucket(type, norm)


def actor_key(entity: Entity) -> str:
    """The bucket an entity resolves in: ``PERSON:<surname skeleton>``, ``ORG:<initials>`` (or the
    acronym), ``LOC:<first word>``. Actors only merge within a bucket, so a store that indexes
    actors by this key re-resolves exactly the buckets of a new article's entities."""
    return _bucket(entity.type, normalize_name(entity.name, entity.type))


# ---------------------------------------------------------------------------------------------
# Folding entities into forms


class _FormAcc:
    __slots__ = ("type", "norm", "names", "aliases", "roles", "mentions", "articles", "first", "last")

    def __init__(self, type: str, norm: str) -> None:
        self.type = type
        self.norm = norm
        self.names: Counter[str] = Counter()
        self.aliases: Counter[str] = Counter()
        self.roles: dict[str, list] = {}  # written title -> [first, last, articles]
        self.mentions = 0
        self.articles: set[str] = set()
        self.first: str | None = None
        self.last: str | None = None

    def add_dates(self, first: str | None, last: str | None) -> None:
        self.first = _min_date(self.first, first)
        self.last = _max_date(self.last, last)

    def add_role(self, title: str, first: str | None, last: str | None, n: int) -> None:
        # kept per written title: adding up two folded forms then gives exactly the counts of one
        # fold over both sets of articles (the actor picks the most common spelling)
        acc = self.roles.setdefault(title, [None, None, 0])
        acc[0] = _min_date(acc[0], first)
        acc[1] = _max_date(acc[1], last)
        acc[2] += n

    def freeze(self) -> Form:
        roles = [Role(title=t, first=first, last=last, articles=n) for t, (first, last, n) in self.roles.items()]
        roles.sort(key=lambda r: (r.first or "", _fold(r.title), r.title))
        return Form(
            type=self.type,
            norm=self.norm,
            names=tuple(sorted(self.names.items())),
            aliases=tuple(sorted(self.aliases.items())),
            roles=tuple(roles),
            mentions=self.mentions,
            articles=tuple(sorted(self.articles)),
            first=self.first,
            last=self.last,
        )


def _min_date(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _max_date(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def _most_common(c: Mapping[str, int]) -> str:
    return min(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]


def fold_entities(items: Iterable[tuple[str, str | None, Entity]]) -> tuple[Form, ...]:
    """Folds ``(article_id, published, entity)`` triples into forms, in key order.

    A person's leading title ("Mr Netanyahu") is moved to its roles; honorifics are not roles.
    """
    accs: dict[tuple[str, str], _FormAcc] = {}
    for article_id, published, e in items:
        typ = e.type if e.type != "GPE" else "LOC"
        norm = normalize_name(e.name, typ)
        if not norm:
            continue
        acc = accs.get((typ, norm))
        if acc is None:
            acc = accs[(typ, norm)] = _FormAcc(typ, norm)
        written = e.name
        if typ != "PERSON" and written[:4].lower() == "the ":
            written = written[4:]
        roles = list(e.roles)
        if typ == "PERSON":
            title, written = split_title(e.name)
            if title:
                roles.append(title)
        first_seen = article_id not in acc.articles
        acc.articles.add(article_id)
        acc.add_dates(published, published)
        acc.mentions += len(e.mentions)
        if first_seen:
            acc.names[written] += 1
            for a in dict.fromkeys(e.aliases):
                if normalize_name(a, typ) != norm:
                    acc.aliases[a] += 1
            for r in dict.fromkeys(roles):
                if _fold(r) not in HONORIFICS:
                    acc.add_role(r, published, published, 1)
    return tuple(a.freeze() for _, a in sorted(accs.items()))


def _merge_forms(forms: Iterable[Form]) -> tuple[Form, ...]:
    """Adds up forms with the same (type, norm); raises if one article counts twice. A form with
    no other of its (type, norm) passes through as it is (a frozen form is its own sum)."""
    by_form: dict[tuple[str, str], list[Form]] = defaultdict(list)
    for f in forms:
        by_form[(f.type, f.norm)].append(f)
    out = []
    for k in sorted(by_form):
        group = by_form[k]
        out.append(group[0] if len(group) == 1 else _add_forms(group))
    return tuple(out)


def _add_forms(forms: list[Form]) -> Form:
    accs: dict[tuple[str, str], _FormAcc] = {}
    for f in forms:
        acc = accs.get((f.type, f.norm))
        if acc is None:
            acc = accs[(f.type, f.norm)] = _FormAcc(f.type, f.norm)
        overlap = acc.articles.intersection(f.articles)
        if overlap:
            raise ValueError(f"article(s) counted twice for {f.norm!r}: {sorted(overlap)[:3]}")
        acc.articles.update(f.articles)
        acc.add_dates(f.first, f.last)
        acc.mentions += f.mentions
        acc.names.update(dict(f.names))
        acc.aliases.update(dict(f.aliases))
        for r in f.roles:
            acc.add_role(r.title, r.first, r.last, r.articles)
    [acc] = accs.values()
    return acc.freeze()


# ---------------------------------------------------------------------------------------------
# Resolution


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _similar(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < FUZZY_MIN_LENGTH:
        return False
    return Indel.normalized_similarity(a, b) * 100 >= threshold


def _same_person(a: list[str], b: list[str]) -> bool:
    """Two full names (>= 2 tokens each) of one person?"""
    sa, sb = _surname(a), _surname(b)
    if not _similar(sa, sb, NAME_SIMILARITY):
        return False
    if a[0] != b[0]:
        if sa != sb and not _similar(" ".join(a), " ".join(b), NAME_SIMILARITY):
            return False
        if not _similar(a[0], b[0], NAME_SIMILARITY):
            return False
    ma, mb = set(a[1:-1]), set(b[1:-1])
    if ma and mb and not _middles_agree(ma, mb):
        return False
    return True


def _middles_agree(ma: set[str], mb: set[str]) -> bool:
    if ma & mb:
        return True
    ia, ib = {m[0] for m in ma}, {m[0] for m in mb}
    return bool(ia & ib)


def _pick(candidates: list[int], forms: list[Form], comp: _UnionFind) -> int | None:
    """The candidate group a short form joins: the only one, or a dominant one, else None."""
    groups: dict[int, set[str]] = defaultdict(set)
    for c in candidates:
        groups[comp.find(c)].update(forms[c].articles)
    if not groups:
        return None
    if len(groups) == 1:
        return next(iter(groups))
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if len(ranked[0][1]) >= DOMINANCE * len(ranked[1][1]):
        return ranked[0][0]
    return None


def _similar_map(words: Sequence[str], threshold: float) -> dict[str, list[str]]:
    """word → the words it is :func:`_similar` to (itself first), for distinct ``words``.

    Candidate pairs come from rapidfuzz's ``cdist`` (a C similarity matrix, in row blocks) at a
    slightly lower cutoff, each confirmed by :func:`_similar` itself: the same pairs as comparing
    every two words in Python, without the quadratic Python loop (a bucket of 1,000 names took 2 s).
    """
    out = {w: [w] for w in words}
    long = [w for w in words if len(w) >= FUZZY_MIN_LENGTH]
    for start in range(0, len(long), _CDIST_ROWS):
        block = long[start:start + _CDIST_ROWS]
        matrix = cdist(block, long, scorer=Indel.normalized_similarity, score_cutoff=threshold / 100 - 0.01)
        for r, k in zip(*np.nonzero(matrix)):
            a, b = block[r], long[k]
            if a < b and _similar(a, b, threshold):
                out[a].append(b)
                out[b].append(a)
    return out


def _resolve_people(forms: list[Form], uf: _UnionFind) -> None:
    """Full names join pairwise (:func:`_same_person`), compared only where surnames and first names
    are similar at all; then each bare surname joins its unique or dominant full name."""
    toks = [f.norm.split() for f in forms]
    full = [i for i, t in enumerate(toks) if len(t) >= 2]
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i in full:
        by_surname[toks[i][-1]].append(i)
    similar_surnames = _similar_map(sorted(by_surname), NAME_SIMILARITY)
    similar_firsts = _similar_map(sorted({toks[i][0] for i in full}), NAME_SIMILARITY)
    for sa in sorted(by_surname):
        for sb in similar_surnames[sa]:
            if sb < sa:
                continue
            by_first: dict[str, list[int]] = defaultdict(list)
            for j in by_surname[sb]:
                by_first[toks[j][0]].append(j)
            for i in by_surname[sa]:
                for first in similar_firsts[toks[i][0]]:
                    for j in by_first.get(first, ()):
                        if (sa != sb or i < j) and _same_person(toks[i], toks[j]):
                            uf.union(i, j)
    for i, t in enumerate(toks):
        if len(t) != 1:
            continue
        g = _pick(by_surname.get(t[0], []), forms, uf)
        if g is not None:
            uf.union(i, g)


def _alias_links(forms: list[Form], uf: _UnionFind) -> None:
    """Links forms by alias evidence; a person's bare surname is left to the surname rule."""
    by_norm = {f.norm: i for i, f in enumerate(forms) if f.type != "PERSON" or " " in f.norm}
    for i, f in enumerate(forms):
        for alias, n in f.aliases:
            j = by_norm.get(normalize_name(alias, f.type))
            if j is not None and j != i and n >= ALIAS_MIN_SHARE * len(forms[j].articles):
                uf.union(i, j)


def _resolve_named(forms: list[Form], uf: _UnionFind) -> None:
    """ORG and LOC: spelling variants, acronyms, alias evidence."""
    _alias_links(forms, uf)
    words = [f.norm.split() for f in forms]
    by_length: dict[int, dict[str, int]] = defaultdict(dict)  # word count → norm → form (norms are unique)
    for i, w in enumerate(words):
        by_length[len(w)][forms[i].norm] = i
    for _, index in sorted(by_length.items()):
        similar = _similar_map(sorted(index), ORG_SIMILARITY)
        for a in sorted(index):
            for b in similar[a]:
                if a < b:
                    uf.union(index[a], index[b])
    if forms and forms[0].type == "ORG":
        by_initials: dict[str, list[int]] = defaultdict(list)
        for j, wj in enumerate(words):
            if len(wj) >= 2:
                by_initials[_initials(forms[j].norm)].append(j)
        for i, w in enumerate(words):
            if len(w) != 1:
                continue
            g = _pick(by_initials.get(w[0], []), forms, uf)
            if g is not None:
                uf.union(i, g)


def _resolve_bucket(forms: list[Form]) -> list[Actor]:
    uf = _UnionFind(len(forms))
    if forms[0].type == "PERSON":
        _resolve_people(forms, uf)
        _alias_links(forms, uf)
    else:
        _resolve_named(forms, uf)
    groups: dict[int, list[Form]] = defaultdict(list)
    for i, f in enumerate(forms):
        groups[uf.find(i)].append(f)
    return [_actor(g) for _, g in sorted(groups.items())]


def _display(written: Mapping[str, int]) -> str:
    """The written form to show: most used, then accented ("José" over "Jose"), then alphabet."""
    return min(written.items(), key=lambda kv: (-kv[1], kv[0].isascii(), kv[0]))[0]


def _actor(forms: list[Form]) -> Actor:
    typ = forms[0].type
    pool = [f for f in forms if len(f.norm.split()) >= 2] if typ == "PERSON" else []
    best = min(pool or forms, key=lambda f: (-len(f.articles), -f.mentions, -len(f.norm), f.norm))
    name = _display(dict(best.names))
    aliases: Counter[str] = Counter()
    for f in forms:
        aliases.update(dict(f.aliases))
        for n, c in f.names:
            aliases[n] += c
    aliases.pop(name, None)
    roles: dict[str, list] = {}
    for f in forms:
        for r in f.roles:
            acc = roles.setdefault(_fold(r.title), [Counter(), None, None, 0])
            acc[0][r.title] += r.articles
            acc[1] = _min_date(acc[1], r.first)
            acc[2] = _max_date(acc[2], r.last)
            acc[3] += r.articles
    role_list = sorted(
        (Role(_most_common(w), first, last, n) for w, first, last, n in roles.values()),
        key=lambda r: (r.first or "", _fold(r.title)),
    )
    articles = forms[0].articles if len(forms) == 1 else sorted({a for f in forms for a in f.articles})
    return Actor(
        id=f"{typ.lower()}:{_SLUG.sub('-', _fold(name)).strip('-')}",
        name=name,
        type=typ,
        key=forms[0].key,
        aliases=tuple(sorted(aliases.items(), key=lambda kv: (-kv[1], kv[0]))),
        roles=tuple(role_list),
        mentions=sum(f.mentions for f in forms),
        articles=tuple(articles),
        forms=tuple(sorted(forms, key=lambda f: f.norm)),
        first=min((f.first for f in forms if f.first), default=None),
        last=max((f.last for f in forms if f.last), default=None),
    )


def resolve_forms(forms: Iterable[Form]) -> tuple[Actor, ...]:
    """Actors from forms (same-name forms are added up first), sorted by type, then name."""
    buckets: dict[str, list[Form]] = defaultdict(list)
    for f in _merge_forms(forms):
        buckets[f.key].append(f)
    actors: list[Actor] = []
    for key in sorted(buckets):
        actors.extend(resolve_bucket(buckets[key]))
    actors.sort(key=lambda a: (a.type, _fold(a.name), a.id))
    return tuple(actors)


def resolve_bucket(forms: Iterable[Form]) -> list[Actor]:
    """The actors of one bucket (forms of one :func:`actor_key`, each (type, norm) once), in a
    fixed order: a store re-resolves exactly the buckets a batch touches with this."""
    forms = sorted(forms, key=lambda f: f.norm)
    return _resolve_bucket(forms) if forms else []


def merge_forms(forms: Iterable[Form]) -> tuple[Form, ...]:
    """Adds up forms with the same (type, norm) from disjoint sets of articles."""
    return _merge_forms(forms)


def entity_form(e: Entity) -> tuple[str, str]:
    """The (type, normalised name) form an entity folds into; the norm is "" when nothing is left."""
    typ = e.type if e.type != "GPE" else "LOC"
    return typ, normalize_name(e.name, typ)


def resolve_actors(items: Iterable[tuple[str, str | None, Entity]]) -> tuple[Actor, ...]:
    """Canonical actors from ``(article_id, published, entity)`` triples.

    The result depends only on the multiset of triples: any order, any split into batches
    joined with :func:`merge_actor_tables`, gives the same actors.
    """
    return resolve_forms(fold_entities(items))


def merge_actor_tables(a: Iterable[Actor], b: Iterable[Actor]) -> tuple[Actor, ...]:
    """The actors of two batches of articles with disjoint ids, as if resolved in one pass."""
    return resolve_forms([f for actor in (*a, *b) for f in actor.forms])


def actor_index(actors: Iterable[Actor]) -> dict[tuple[str, str], Actor]:
    """Maps every (type, normalised written name or alias) to its actor, for look-ups."""
    out: dict[tuple[str, str], Actor] = {}
    for actor in actors:
        for f in actor.forms:
            out.setdefault((actor.type, f.norm), actor)
    return out
