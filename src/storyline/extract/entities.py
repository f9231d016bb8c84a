"""PERSON, ORG and LOC mentions with one canonical name per actor within an article.

How it works (rules over capitalisation, gazetteers and context; no trained model):

1. Tokens are found with one regex; possessives ("Iran's") and hyphenated attributive compounds
   ("US-based", "Iran-backed", "pro-Gadhafi") are split so that the noun inside is seen.
2. Runs of capitalised tokens (with name particles "al", "bin", "de" ... and the connectors "of",
   "for", "&", "and" inside organisation and place names) are the candidates. A capitalised word that
   opens a sentence or a quotation, or stands in a headline-case paragraph, only counts when it is not
   a common lower-case word in news text (``common_words.txt``, counted on Timeline17) or is known.
3. Each candidate is classified: the curated lexicon (``curated.tsv``: abbreviations with their
   canonical full names, international bodies, news organisations, regions, demonyms) and the
   GeoNames gazetteer (``places.tsv``: countries first, then US states, then cities of 5,000+ people)
   are looked up first; then the head word (Ministry, Party, Bank ... give ORG; Square, Canal, Palace
   ... give LOC); then title and role words ("Prime Minister", "Mr") that are split off as the role of
   the person that follows; then a given-name list (US Census 1990 plus international names) and the
   surrounding words ("said", "in", "the town of", "group", "hotel").
4. Mentions are clustered into actors: surnames and titled short forms join the person they belong to
   ("Mr Netanyahu" -> Benjamin Netanyahu), acronyms join the organisation they abbreviate (by a
   "Long Name (ACR)" definition in the text or by initials), and a one-word short form joins the
   longer organisation name that starts with it ("Lehman" -> Lehman Brothers).

Conventions (../shared/gold/README.md): nouns in attributive position count ("US President" gives
United States), adjectives do not ("Qatari mediators"); abbreviations take their full name; generic
bodies ("the army") are not entities; people and places keep the article's spelling.

Why rules and not a model: spaCy/Hugging Face pipelines cannot be downloaded here, and the only
trainable data (UNER English-EWT dev, 25k tokens of web text) is small and not news. A CRF
(python-crfsuite, word/shape/context features) trained on the dev split scored span F1 0.50 on the
test split; these rules score 0.58 there (PER 0.65, ORG 0.37, LOC 0.68; ``storyline.evaluate.ner``),
and on news: entities F1 0.99 on the seeds and 0.98 on t17dev (score.py). Cost: the word lists load
once (~0.2 s, 2.5 MB), then ~2 ms per 650-word article.

Data (``src/storyline/data/entities/``): ``curated.tsv`` is edited by hand; ``places.tsv``,
``first_names.txt`` and ``common_words.txt`` are built by ``scripts/build_entity_data.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..budget import check
from ..model import Article, Entity, Span
from .segment import paragraphs, sentences

# ---------------------------------------------------------------------------------------------
# Word lists that are grammar rather than knowledge (knowledge lives in data/entities/*).

# Titles and role nouns: split off a following name and kept as the person's role.
ROLE_HEADS = frozenset("""
president minister secretary chancellor premier king queen prince princess emir sheikh sultan pope
ayatollah senator sen rep representative congressman congresswoman governor gov mayor general gen
colonel col lieutenant lt major maj captain capt sergeant sgt admiral adm commander cmdr brigadier
marshal chief judge justice ambassador envoy spokesman spokeswoman spokesperson director chairman
chairwoman chair ceo leader speaker commissioner mr mrs ms miss dr prof professor rev reverend
father bishop archbishop cardinal imam rabbi cleric analyst economist strategist official head
founder executive president-elect secretary-general attorney prosecutor coordinator adviser
advisor correspondent reporter editor lawyer negotiator mediator investor officer manager
chief-of-staff superintendent inspector detective sir dame lord lady mufti patriarch
""".split())
# Words that may stand in a role before its head noun ("Prime Minister", "chief market analyst").
ROLE_MODIFIERS = frozenset("""
prime foreign defense defence interior finance health justice education energy economy economic
trade state home vice deputy acting former ex chief senior top assistant associate executive general
supreme crown first national security market investment managing press military army police
intelligence opposition rebel militia regional local provincial federal cabinet government
communications information culture transport agriculture environment labor labour treasury
attorney public foreign-affairs affairs exterior development migration humanitarian then outgoing
incoming interim caretaker party strategic political
""".split())
# Personal titles after which a bare surname is a person for sure.
HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame messrs mme".split())

# Head words: the last word (or the word before "of") that makes a capitalised run an organisation.
ORG_HEADS = frozenset("""
ministry party council forces force bank agency university organisation organization inc corp corp.
corporation company co ltd llc plc group association institute institution commission committee
authority department union front movement brigades brigade battalion division regiment corps army
guards guard police hospital clinic hotel court tribunal parliament assembly congress senate office
service services network news times post journal herald gazette tribune telegraph daily fund
foundation program programme brothers holdings investments partners capital securities airlines
airways motors solutions systems technologies industries enterprises federation league society
centre center centers church college school academy museum board bureau administration cabinet
government coalition alliance club trust exchange observatory watch tv radio television channel
broadcasting insight research consulting consultancy bancorp financial insurance energy petroleum
oil media press commission mission conference summit
""".split())
# Heads after which "of"/"for" continues an organisation name ("Bank of America").
OF_ORG_HEADS = frozenset("""
ministry bank university organisation organization institute institution commission committee
union department council court office board bureau agency association federation league society
centre center centers fund foundation party front movement army church college school academy
museum chamber assembly house commissioner administration coalition alliance government
conference
""".split())
# Heads that make a run a place.
LOC_HEADS = frozenset("""
square canal palace river sea ocean mountains mountain mount lake valley strait gulf bay island
islands peninsula desert street avenue road boulevard bridge airport port depot camp province
governorate district region county city crossing heights coast strip border plaza park stadium
highway mosque cathedral temple base harbour harbor hills hill falls
""".split())
OF_LOC_HEADS = frozenset("gulf strait bay isle island islands cape horn sea port republic kingdom state".split())

# Lower-case nouns right after a one-word name that tell its type ("the Radisson hotel").
ORG_NOUNS_AFTER = frozenset("""hotel hotels hospital hospitals clinic company firm bank group party
movement agency newspaper channel network airline university brand chain broadcaster""".split())
LOC_NOUNS_AFTER = frozenset("""province city town village district region governorate area camp
crossing border state county neighbourhood neighborhood suburb""".split())
# ... and before it ("the opposition group Kefaya", "the town of Dafniya").
ORG_NOUNS_BEFORE = frozenset("""group party movement company firm agency newspaper channel
broadcaster charity organisation organization bank insurer lender""".split())
# Capitalised but generic ("Libyan State TV" is the state broadcaster, not a name).
GENERIC_BODIES = frozenset(["state tv", "state television", "state radio", "state media", "state news agency",
                            "central bank", "foreign ministry", "interior ministry", "defence ministry",
                            "defense ministry", "health ministry", "finance ministry", "army", "police"])
LOC_PREPOSITIONS = frozenset("in near outside from to into at across around toward towards".split())

# Lower-case words that may sit inside a name: particles and connectors.
NAME_PARTICLES = frozenset("al el bin ibn bint abu de del della der den van von da di du dos das la le".split())
# Prefixes of hyphenated words that hide a name ("pro-Gadhafi", "anti-Hamas").
HYPHEN_PREFIXES = frozenset("pro anti non ex post pre mid neo trans pan cross inter intra ultra".split())

WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = frozenset("""january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
# Capitalised words that are never names by themselves.
NEVER = frozenset("""i god allah christmas easter ramadan eid hanukkah passover thanksgiving internet
web covid covid-19 h1n1 sars ebola aids hiv celsius fahrenheit ok okay""".split())
# Acronyms that are not organisations.
NOT_ACRONYM_ORG = frozenset("""ceo cfo coo cto gdp tv pm am ok usd eur gbp id dna hiv aids sars mp mps
ngo ngos uav uavs ied ieds rpg atm ipo faq pr it ai vip suv rip eta diy ufo phd vat est gmt utc bst
edt pst cst et pt km mph kg lb ft mm cm ml mg us uk covid mers h1n1 ii iii iv vi vii viii ix xi xii
xiv xv hq tbd aka rsvp ps nb re vs fyi asap ad bc bce ce oh""".split())
DETERMINERS = frozenset("the a an this that these those its his her their our my your".split())
SPEECH_VERBS = frozenset("""said says told added explained stressed insisted warned noted wrote
asked replied argued claimed acknowledged announced confirmed denied""".split())

# The time budget (storyline.budget) is checked once every this many + 1 tokens in the loops over
# all tokens (a bit mask: 4,096).
_CHECK_EVERY = 4095

# Tuned thresholds
COMMON_SHARE = 0.6  # a capitalised sentence-initial word is ordinary when this share of its uses is lower case
STRONG_COMMON_SHARE = 0.9  # ... and before another name word, when at least this share is
ORDINARY_SHARE = 0.8  # a word this often lower case makes a capitalised run an institution, not a person
HEADLINE_CAP_SHARE = 0.6  # a paragraph with no final stop and this share of capitalised words is a headline
MIN_BARE_NAME_MENTIONS = 3  # an unexplained one-word name repeated this often is kept (as a person)
MAX_NAME_TOKENS = 9  # longer capitalised runs are split at their weakest point (titles, lists)

_DATA_DIR = ("data", "entities")  # inside the storyline package (package data)


# ---------------------------------------------------------------------------------------------
# Resources


@dataclass(frozen=True)
class _Lexicon:
    curated: dict[str, tuple[str, str]]  # surface -> (type, canonical)
    places: dict[str, tuple[str, int]]  # surface -> (COUNTRY/STATE/CITY, population)
    first_names: frozenset[str]
    common: dict[str, float]  # lower-case word -> share of lower-case uses
    max_len: int  # longest curated/place name, in tokens


def _read(name: str) -> str:
    return resources.files("storyline").joinpath(*_DATA_DIR, name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Loads the shipped word lists once (~0.2 s)."""
    curated: dict[str, tuple[str, str]] = {}
    for line in _read("curated.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        name, typ = parts[0], parts[1]
        canonical = parts[2] if len(parts) > 2 and parts[2] else name
        curated[name] = (typ, canonical)
    rank = {"COUNTRY": 0, "STATE": 1, "CITY": 2}
    places: dict[str, tuple[str, int]] = {}
    for line in _read("places.tsv").splitlines():
        name, kind, pop = line.split("\t")
        old = places.get(name)
        if old is None or rank[kind] < rank[old[0]] or (kind == old[0] and int(pop) > old[1]):
            places[name] = (kind, int(pop))
    first = frozenset(_read("first_names.txt").split())
    common = {}
    for line in _read("common_words.txt").splitlines():
        w, share = line.split("\t")
        common[w] = float(share)
    max_len = max(len(_TOKEN.findall(n)) for n in list(curated) + list(places))
    return _Lexicon(curated, places, first, common, min(max_len, 8))


# ---------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"""(?:[A-Z]\.){2,}(?![A-Za-z])         # U.S., U.N., P.J.
      | [A-Z]\.(?=\s+[A-Z])                # an initial: George W. Bush
      | (?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|St|Rev|Jr|Sr)\.  # abbreviated titles
      | [^\W_](?:\w|['\u2019\-](?=\w))*      # words, with inner apostrophes and hyphens
      | &
      | \S""",
    re.VERBOSE,
)
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_OPENERS = "\"'\u201c\u2018(["
_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]")  # BlackRock, JetBlue (not McCann: see _is_camel_org)
_ORG_SUFFIX_WORD = re.compile(r"(?:group|corp|bank|tech|soft|com)$")


class _Tok:
    """A token with the few properties the rules ask for, computed once."""

    __slots__ = ("text", "start", "end", "initial", "low", "cap", "acronym", "nameish")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.initial = False  # opens a sentence, quotation or headline: capitalisation tells nothing
        self.low = text.lower()
        self.cap = text[:1].isupper()
        bare = text.replace(".", "")
        self.acronym = len(bare) >= 2 and bare.isupper() and bare.isalpha()
        self.nameish = False


def _tokenize(text: str, lex: _Lexicon) -> list[_Tok]:
    out: list[_Tok] = []
    append = out.append
    new = object.__new__
    for start, end in _pieces(text):
        check()
        for m in _TOKEN.finditer(text, start, end):
            t = m.group()
            if t.isalpha() and t.islower():
                # the common case, fast: a lower-case word is never capitalised, an acronym or
                # name-like (see _nameish), so its token is filled in directly
                tok = new(_Tok)
                tok.text, tok.low = t, t.lower()
                tok.start, tok.end = m.span()
                tok.initial = tok.cap = tok.acronym = tok.nameish = False
                append(tok)
                continue
            s, e = m.span()
            pm = _POSSESSIVE.search(t)
            if pm and len(t) > 2:
                for tok in _split_hyphen(t[:pm.start()], s, lex):
                    tok.nameish = _nameish(tok)
                    append(tok)
                tok = _Tok(t[pm.start():], s + pm.start(), e)
                tok.nameish = _nameish(tok)
                append(tok)
                continue
            for tok in _split_hyphen(t, s, lex):
                tok.nameish = _nameish(tok)
                append(tok)
    return out


# Where a long text may be cut for tokenizing in pieces: after whitespace, before a character that
# is neither whitespace nor a capital. No token holds whitespace, and the pattern's one look past a
# token (an initial: "[A-Z]\.(?=\s+[A-Z])") needs a capital after the whitespace, so a piece ending
# there gives the tokens the whole text would.
_CUT = re.compile(r"\s(?=[^\sA-Z])")
_PIECE = 1 << 16  # characters


def _pieces(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of about 64 KB a text is tokenized in (the time budget is
    checked between them); one piece for an ordinary article."""
    out, start = [], 0
    while len(text) - start > _PIECE:
        cut = _CUT.search(text, start + _PIECE)
        if cut is None:
            break
        out.append((start, cut.end()))
        start = cut.end()
    out.append((start, len(text)))
    return out


def _split_hyphen(t: str, s: int, lex: _Lexicon) -> list[_Tok]:
    """Splits "US-based" and "pro-Gadhafi" so the name inside is a token; keeps "al-Qaida"."""
    if "-" not in t or t in lex.curated or t in lex.places:
        return [_Tok(t, s, s + len(t))]
    parts = t.split("-")
    first = parts[0]
    if first.lower() in NAME_PARTICLES:
        return [_Tok(t, s, s + len(t))]
    if first.lower() in HYPHEN_PREFIXES and parts[1][:1].isupper():
        k = len(first) + 1
        return [_Tok(first + "-", s, s + k), *_split_hyphen(t[k:], s + k, lex)]
    if first[:1].isupper() and all(p[:1].islower() for p in parts[1:]):
        rest = t[len(first):]
        if all(lex.common.get(p, 0) >= COMMON_SHARE for p in parts[1:]):
            return [_Tok(first, s, s + len(first)), _Tok(rest, s + len(first), s + len(t))]
        return [_Tok(t, s, s + len(t))]
    if all(p[:1].isupper() for p in parts) and all(_known(p, lex) for p in parts):
        out, pos = [], s  # "Israel-Hamas", "US-Israeli": two names joined by a hyphen
        for i, p in enumerate(parts):
            out.append(_Tok(p, pos, pos + len(p)))
            pos += len(p)
            if i < len(parts) - 1:
                out.append(_Tok("-", pos, pos + 1))
                pos += 1
        return out
    return [_Tok(t, s, s + len(t))]


def _known(word: str, lex: _Lexicon) -> bool:
    return word in lex.curated or word in lex.places


def _mark_initials(text: str, toks: list[_Tok], lex: _Lexicon) -> None:
    """Flags tokens whose capital letter comes from their position, not from being a name: the
    first word of a sentence, of a quotation or bracket, after a colon or dash, and every word of a
    headline-case paragraph."""
    starts = {s.start for s in sentences(text)}
    headlines = [p for p in paragraphs(text) if _looks_like_headline(text[p.start:p.end], lex)]
    h = 0  # the first headline not yet behind the token (paragraphs are sorted and disjoint)
    prev: _Tok | None = None
    for k, t in enumerate(toks):
        if k & _CHECK_EVERY == _CHECK_EVERY:
            check()
        if t.start in starts:
            t.initial = True
        elif prev is not None and prev.text in _OPENERS:
            t.initial = True
        elif prev is not None and prev.text in (":", ";", "--", "\u2014", "\u2013") and t.start - prev.end <= 2:
            t.initial = True
        if headlines:
            while h < len(headlines) and headlines[h].end <= t.start:
                h += 1
            if h < len(headlines) and headlines[h].start <= t.start:
                t.initial = True
        prev = t


def _looks_like_headline(para: str, lex: _Lexicon) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", para)]
    if len(words) < 4 or para.rstrip()[-1:] in ".!?\"'\u201d":
        return False
    small = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "as", "by", "with"}
    content = [w for w in words if w.lower() not in small]
    caps = sum(1 for w in content if w[0].isupper())
    return bool(content) and caps / len(content) >= HEADLINE_CAP_SHARE


# ---------------------------------------------------------------------------------------------
# Candidate runs


def _nameish(t: _Tok) -> bool:
    """Whether a token may belong to a name run."""
    if not t.text[:1].isalpha() and not (t.text[:1].isdigit() and _ORDINAL.match(t.text)):
        return False
    if t.low in NEVER or t.low in WEEKDAYS:
        return False
    if t.cap or t.acronym:
        return True
    # "al-Qaida", "el-Sisi": a lower-case particle hyphenated to a capitalised word
    if "-" in t.text:
        head, _, rest = t.text.partition("-")
        return head.lower() in NAME_PARTICLES and rest[:1].isupper()
    return False


_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


def _runs(text: str, toks: list[_Tok]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of maximal name-like runs, with particles and connectors inside."""
    runs = []
    i, n = 0, len(toks)
    held = _Connectors(toks)
    while i < n:
        if i & _CHECK_EVERY == _CHECK_EVERY:
            check()
        particle_start = (toks[i].low in ("al", "el") and toks[i].text.islower() and i + 1 < n
                          and toks[i + 1].cap and text[toks[i].end:toks[i + 1].start] == " ")
        if (not toks[i].nameish or _is_month_stop(toks, i)) and not particle_start:
            i += 1
            continue
        j = i + 1
        held.start(i)
        while j < n:
            t = toks[j]
            gap = text[toks[j - 1].end:t.start]
            if "\n" in gap or (gap and gap.strip()):
                break
            if t.cap and t.low in DETERMINERS:
                break  # "Economy The Japanese": a capitalised article starts a new phrase
            if t.nameish and not _is_month_stop(toks, j):
                if _ORDINAL.match(t.text):
                    break
                j += 1
                continue
            if _joins(toks, i, j, held):
                j += 1
                continue
            if _quoted_nickname(text, toks, j):
                j += 3
                continue
            break
        # do not end on a connector
        while j > i + 1 and not toks[j - 1].nameish:
            j -= 1
        runs.append((i, j))
        i = j
    return runs


_QUOTE_MARKS = "\"\u201c\u201d"


def _quoted_nickname(text: str, toks: list[_Tok], j: int) -> bool:
    """Maurice "Hank" Greenberg: a quoted capitalised word between two parts of a name."""
    if j + 3 >= len(toks):
        return False
    q1, nick, q2, nxt = toks[j:j + 4]
    return (q1.text in _QUOTE_MARKS and q2.text in _QUOTE_MARKS and nick.cap and nxt.cap
            and q1.end == nick.start and nick.end == q2.start and text[q2.end:nxt.start] == " ")


class _Connectors:
    """Whether the run being read holds "of"/"for", or a head that takes "of" ("Ministry"): its
    tokens are looked at once, as far as asked (looking through the run again at every connector
    was quadratic in a long run, "Ministry of Ministry of ...")."""

    __slots__ = ("toks", "seen", "of_for", "of_head")

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.seen = 0
        self.of_for = self.of_head = False

    def start(self, i: int) -> None:
        """A new run starts at token ``i``."""
        self.seen, self.of_for, self.of_head = i, False, False

    def up_to(self, j: int) -> "_Connectors":
        """The answers for the run's tokens before ``j``."""
        for t in self.toks[self.seen:j]:
            self.of_for = self.of_for or t.low in ("of", "for")
            self.of_head = self.of_head or t.low in OF_ORG_HEADS
        self.seen = max(self.seen, j)
        return self


def _joins(toks: list[_Tok], i: int, j: int, held: _Connectors) -> bool:
    """Whether the lower-case word or '&' at ``j`` continues the run ``toks[i:j]``."""
    t = toks[j]
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if nxt is None or not (nxt.cap or nxt.acronym or (t.low in ("of", "for") and nxt.low == "the")):
        return False
    left = toks[j - 1].low.rstrip(".")
    if t.text == "&":
        return True
    if t.low in NAME_PARTICLES and t.text.islower():
        return True
    if t.low in ("of", "for"):
        if left in OF_ORG_HEADS or left in OF_LOC_HEADS or left in ROLE_HEADS:
            return True
        # a name already joined by "of"/"for" goes on ("Ministry for the Protection of Civilians")
        held.up_to(j)
        return held.of_for or held.of_head
    if t.low == "the" and toks[j - 1].low in ("of", "for"):
        return True
    if t.low == "and":
        # "Securities and Exchange Commission": the words after "and" end in an organisation head
        k = j + 1
        while k < len(toks) and (toks[k].cap or toks[k].acronym) and not toks[k].initial:
            k += 1
        if k > j + 1 and toks[k - 1].low in ORG_HEADS:
            return True
        # "Centers for Disease Control and Prevention": one more word closing a formal "of/for" name
        return k == j + 2 and held.up_to(j).of_for
    return False


def _is_month_stop(toks: list[_Tok], i: int) -> bool:
    """Month names are dates, except inside a person's name ("Theresa May")."""
    t = toks[i]
    if t.low.rstrip(".") not in MONTHS:
        return False
    prev = toks[i - 1] if i else None
    if prev is not None and prev.cap and not prev.initial and prev.low not in WEEKDAYS:
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        return nxt is not None and nxt.text[:1].isdigit()
    return True


# ---------------------------------------------------------------------------------------------
# Classification of one run


@dataclass
class _Mention:
    start: int  # token index
    end: int
    type: str  # PERSON, ORG, LOC or "?" (unknown one-word name, resolved later)
    name: str  # surface text or canonical name
    span: Span
    canonical: str | None = None  # from the lexicon
    role: str | None = None
    definite: bool = True  # False for guesses that need support from elsewhere


@dataclass
class _Ctx:
    text: str
    toks: list[_Tok]
    lex: _Lexicon
    mentions: list[_Mention] = field(default_factory=list)

    def surface(self, i: int, j: int) -> str:
        return self.text[self.toks[i].start:self.toks[j - 1].end]

    def span(self, i: int, j: int) -> Span:
        return Span(self.toks[i].start, self.toks[j - 1].end)

    def add(self, i: int, j: int, typ: str, canonical: str | None = None, role: str | None = None,
            definite: bool = True) -> None:
        if j <= i:
            return
        name = self.surface(i, j)
        self.mentions.append(_Mention(i, j, typ, name, self.span(i, j), canonical, role, definite))


def _lookup(ctx: _Ctx, i: int, j: int) -> tuple[str, str | None] | None:
    """The lexicon type and canonical name of toks[i:j] (LOC/ORG/ADJ), if listed. All-caps text
    (datelines: "GAZA CITY") is looked up in title case and named so."""
    s = ctx.surface(i, j)
    lex = ctx.lex
    shouted = s.isupper() and len(s) > 4
    for form in (s, s.title()) if shouted else (s,):
        hit = lex.curated.get(form)
        if hit is not None:
            typ, canonical = hit
            return typ, (canonical if canonical != s else None)
        if form in lex.places:
            return "LOC", (form if form != s else None)
    return None


def _classify_run(ctx: _Ctx, i: int, j: int) -> None:
    """Adds the mentions one capitalised run holds: lexicon names, organisations and places by
    their head word, a role and the person it introduces, or a name to classify further."""
    toks = ctx.toks
    # trim what is capitalised only by position, and leading determiners
    after_weak = False
    while i < j and _weak_start(ctx, i, j, after_weak):
        after_weak = toks[i].initial or after_weak
        i += 1
    while j > i and (toks[j - 1].low in WEEKDAYS or toks[j - 1].low.rstrip(".") in MONTHS and j - 1 > i
                     and not toks[j - 2].cap):
        j -= 1
    if i >= j:
        return
    # whole run in the lexicon
    hit = _lookup(ctx, i, j)
    if hit is not None:
        typ, canonical = hit
        if typ != "ADJ":
            ctx.add(i, j, typ, canonical)
        elif _noun_after(ctx, j) == "party":
            ctx.add(i, j, "ORG")  # "the Communist party"
        return
    if j - i == 1 and toks[i].low.rstrip(".") in ROLE_HEADS:
        return  # a title alone ("the King", "the President")
    head_idx = _head_index(toks, i, j)
    head = toks[head_idx].low
    # a role prefix: "US President Joe Biden", "Health Secretary Nicola Sturgeon"
    role_end = _role_prefix_end(ctx, i, j)
    if role_end is not None and head not in ORG_HEADS and head not in LOC_HEADS:
        _emit_role_parts(ctx, i, role_end)
        if role_end < j:
            _classify_name(ctx, role_end, j, role=ctx.surface(i, role_end), titled=True)
        return
    if head in ORG_HEADS and (j - i > 1 or toks[i].acronym):
        if " ".join(t.low for t in toks[i:j]) not in GENERIC_BODIES:
            ctx.add(i, j, "ORG")
        return
    if head in LOC_HEADS and j - i > 1:
        ctx.add(i, j, "LOC")
        return
    _classify_name(ctx, i, j)


def _weak_start(ctx: _Ctx, i: int, j: int, after_weak: bool = False) -> bool:
    """Whether toks[i] should be dropped from the front of the run toks[i:j].

    ``after_weak``: the word before was dropped as positional capitalisation, so a title-case
    slogan or sign goes on ("Get Out Mubarak")."""
    t, lex = ctx.toks[i], ctx.lex
    if t.low in DETERMINERS or t.low in WEEKDAYS or t.low.rstrip(".") in MONTHS:
        return True
    if not (t.initial or after_weak) or t.acronym:
        return False
    if _longest_lookup(ctx, i, j) is not None:
        return False  # "Gaza City", "Israel" open sentences as names
    if t.low in ROLE_HEADS or t.low in ROLE_MODIFIERS:
        return False  # "President Biden said" at a sentence start
    share = lex.common.get(t.low, 0.0)
    if share < COMMON_SHARE:
        return False
    if i + 1 < j and lex.common.get(ctx.toks[i + 1].low, 0.0) < COMMON_SHARE:
        # before a name word, only clear function and content words go ("But Netanyahu", "Fears
        # Hamas"), not rarer words that are also names ("Lo Wing-lok", "Art Hogan")
        if t.text in lex.first_names or share < STRONG_COMMON_SHARE:
            return False
    return True


def _head_index(toks: list[_Tok], i: int, j: int) -> int:
    """The head of a run: the word before the first "of"/"for", else the last word."""
    for k in range(i + 1, j):
        if toks[k].low in ("of", "for"):
            return k - 1
    return j - 1


def _role_prefix_end(ctx: _Ctx, i: int, j: int) -> int | None:
    """Index after the last title word at the front of a run, if a name follows it."""
    toks = ctx.toks
    end = None
    k = i
    while k < j:
        low = toks[k].low.rstrip(".")
        if low in ROLE_HEADS:
            end = k + 1
            # "Secretary of State", "Minister of Defence": ordinary words after "of"
            if k + 2 < j and toks[k + 1].low in ("of", "for"):
                m = k + 2
                while m < j and ctx.lex.common.get(toks[m].low, 0.0) >= 0.3:
                    m += 1
                if m > k + 2:
                    end = m
                    k = m
                    continue
        elif low in ROLE_MODIFIERS or low.replace("-", "") in ROLE_MODIFIERS:
            pass
        elif (m := _longest_lookup(ctx, k, j, cities=False)) is not None:
            k = m  # "US President", "Israeli Prime Minister", "White House Press Secretary"
            continue
        elif "-" in low and low.split("-")[-1] in ROLE_HEADS:
            end = k + 1
        else:
            break
        k += 1
    return end


def _longest_lookup(ctx: _Ctx, i: int, j: int, cities: bool = True) -> int | None:
    """End of the longest lexicon entry starting at ``i`` within ``j`` (towns left out on request:
    a role names countries and institutions, "King" and "Abdullah" are towns too)."""
    for m in range(min(j, i + ctx.lex.max_len), i, -1):
        if _lookup(ctx, i, m) is not None:
            if not cities and m == i + 1 and _city_only(ctx.toks[i].text, ctx.lex):
                continue
            return m
    return None


def _emit_role_parts(ctx: _Ctx, i: int, j: int) -> None:
    """Nouns inside a role count as entities ("US President" names the United States)."""
    k = i
    while k < j:
        m = _longest_lookup(ctx, k, j, cities=False)
        if m is None:
            k += 1
            continue
        hit = _lookup(ctx, k, m)
        if hit is not None and hit[0] != "ADJ":
            ctx.add(k, m, hit[0], hit[1])
        k = m


def _classify_name(ctx: _Ctx, i: int, j: int, role: str | None = None, titled: bool = False) -> None:
    """A run with no head word: a place or organisation from the lexicon, or a person."""
    toks, lex = ctx.toks, ctx.lex
    while i < j and toks[i].low in DETERMINERS:
        i += 1
    if i >= j:
        return
    hit = _lookup(ctx, i, j)
    if hit is not None and titled and j - i == 1 and _city_only(toks[i].text, lex):
        hit = None  # "President Obama": a title makes the town name a person
    if hit is not None:
        if hit[0] != "ADJ":
            ctx.add(i, j, hit[0], hit[1])
        elif _noun_after(ctx, j) == "party":
            ctx.add(i, j, "ORG")  # "the Communist party"
        return
    # a curated name glued to the next name ("told Reuters Gaddafi's forces")
    m = _longest_lookup(ctx, i, j - 1) if j - i > 1 else None
    if m is not None and ctx.surface(i, m) in lex.curated and toks[i].text not in lex.first_names:
        typ, canonical = lex.curated[ctx.surface(i, m)]
        if typ != "ADJ":
            ctx.add(i, m, typ, canonical if canonical != ctx.surface(i, m) else None)
            _classify_name(ctx, m, j)
            return
    # leading demonyms or adjectives are not part of a person's name
    while i < j - 1 and _is_adjective(toks[i], lex):
        i += 1
    n = j - i
    if n == 1:
        _classify_single(ctx, i, role=role, titled=titled)
        return
    words = toks[i:j]
    if n > MAX_NAME_TOKENS or all(t.acronym for t in words) or _is_adjective(words[-1], lex):
        return  # "North African", "Pro-Western": adjectives
    after = _noun_after(ctx, j)
    if after in ORG_NOUNS_AFTER:
        ctx.add(i, j, "ORG")  # "the Al Wafd party", "the Grand Hyatt hotel"
        return
    if any(t.low in ("of", "for", "and", "&", "the") for t in words):
        ctx.add(i, j, "ORG")  # connector inside a capitalised name: an institution
        return
    first = words[0]
    role = role or _role_before(ctx, i)
    if titled or role or first.text in lex.first_names or (first.text.endswith(".") and len(first.text) <= 3):
        ctx.add(i, j, "PERSON", role=role)
        return
    parts = _split_known(ctx, i, j)
    if parts is not None:
        for a, b, typ, canonical in parts:
            if typ != "ADJ":
                ctx.add(a, b, typ, canonical)
        return
    if any(_CAMEL.match(t.text) and not _is_surname_prefix(t.text) for t in words):
        ctx.add(i, j, "ORG")
        return
    ordinary = sum(1 for t in words if lex.common.get(t.low, 0.0) >= ORDINARY_SHARE)
    if ordinary:
        # capitalised ordinary words ("World Central Kitchen", "Global Insight") name an institution,
        # but also products and slogans: kept only with an organisation cue around them, or when
        # the run speaks ("the Integrated Food Security Phase Classification said")
        if _org_cue(ctx, i, j) or (j < len(toks) and toks[j].low in SPEECH_VERBS):
            ctx.add(i, j, "ORG")
        else:
            ctx.add(i, j, "ORG?", definite=False)  # kept if an acronym in the text abbreviates it
        return
    ctx.add(i, j, "ORG" if _org_cue(ctx, i, j) else "PERSON", role=role)


def _role_before(ctx: _Ctx, i: int) -> str | None:
    """A lower-case role right before a name: "US secretary of state", "spokesman", "former AIG
    chief executive". It must contain a role noun and may contain places and organisations."""
    toks = ctx.toks
    k = i
    has_head = False
    while k > 0:
        t = toks[k - 1]
        low = t.low.rstrip(".")
        if ctx.text[t.end:toks[k].start] not in (" ", ""):
            break
        if t.text.islower() and (low in ROLE_HEADS or low.split("-")[-1] in ROLE_HEADS):
            has_head = True
        elif t.text.islower() and (low in ROLE_MODIFIERS or low in ("of", "for")):
            pass
        elif t.text == "'s" or t.acronym or (_lookup(ctx, k - 1, k) is not None
                                             and not _city_only(t.text, ctx.lex)):
            pass  # "Libya's", "AIG", "US", "Israeli"
        else:
            break
        k -= 1
    while k < i and (toks[k].low in ("of", "for") or toks[k].text == "'s"):
        k += 1
    if not has_head or k >= i:
        return None
    return ctx.surface(k, i)


def _noun_after(ctx: _Ctx, j: int) -> str | None:
    """The lower-case word right after a run, if any."""
    if j < len(ctx.toks) and ctx.toks[j].text.islower() and ctx.toks[j].start - ctx.toks[j - 1].end <= 1:
        return ctx.toks[j].low
    return None


def _is_adjective(t: _Tok, lex: _Lexicon) -> bool:
    """"Israeli", and plural demonyms used as nouns ("Iraqis", "Egyptians")."""
    if lex.curated.get(t.text, ("",))[0] == "ADJ":
        return True
    return t.text.endswith("s") and lex.curated.get(t.text[:-1], ("",))[0] == "ADJ"


_BACKED = frozenset("backed funded run led owned affiliated sponsored linked based".split())


def _org_cue(ctx: _Ctx, i: int, j: int) -> bool:
    """Words around a run that make it an organisation: "charity X", "economist at X", "X hotel"."""
    toks = ctx.toks
    if _noun_after(ctx, j) in ORG_NOUNS_AFTER:
        return True
    prev = toks[i - 1] if i > 0 else None
    if prev is not None and prev.text.islower() and prev.low in ORG_NOUNS_BEFORE | {"charity", "network"}:
        return True
    if prev is not None and prev.text.startswith("-") and prev.text[1:] in _BACKED:
        return True  # "the UN-backed Integrated Food Security Phase Classification"
    # "chief economist at Global Insight", "an analyst with X"
    if prev is not None and prev.low in ("at", "for", "with", "of") and i >= 2:
        for k in range(i - 2, max(-1, i - 5), -1):
            if toks[k].low in ROLE_HEADS and toks[k].text.islower():
                return True
            if not toks[k].text.isalpha():
                break
    return False


def _is_surname_prefix(word: str) -> bool:
    return word.startswith(("Mc", "Mac", "De", "Di", "La", "Le", "Van", "Von", "O'"))


def _split_known(ctx: _Ctx, i: int, j: int) -> list[tuple[int, int, str, str | None]] | None:
    """Splits a run made only of lexicon entries ("Gaza Hamas"); else None."""
    lex = ctx.lex
    out = []
    k = i
    found = False
    while k < j:
        for m in range(min(j, k + lex.max_len), k, -1):
            hit = _lookup(ctx, k, m)
            if hit is not None:
                out.append((k, m, hit[0], hit[1]))
                k = m
                found = True
                break
        else:
            return None
    return out if found and len(out) > 1 else None


def _classify_single(ctx: _Ctx, i: int, role: str | None = None, titled: bool = False) -> None:
    """One capitalised word that is in no list: decided by its form and neighbours."""
    toks, lex = ctx.toks, ctx.lex
    t = toks[i]
    prev = toks[i - 1] if i > 0 else None
    prev2 = toks[i - 2] if i > 1 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if t.low in ROLE_HEADS or t.low in ROLE_MODIFIERS or t.low in NEVER:
        return
    if _is_adjective(t, lex):
        return
    if titled:
        ctx.add(i, i + 1, "PERSON", role=role)
        return
    if t.acronym:
        bare = t.text.replace(".", "").lower()
        if bare not in NOT_ACRONYM_ORG and len(t.text) <= 6 and lex.common.get(bare, 0.0) < COMMON_SHARE:
            ctx.add(i, i + 1, "ORG")  # not a shouted word ("VIDEO", "NEVER")
        return
    if t.initial and lex.common.get(t.low, 0.0) >= COMMON_SHARE:
        return
    if lex.common.get(t.low, 0.0) >= 0.9:
        return  # an ordinary word written with a capital (a slogan, a product)
    if nxt is not None and nxt.low in ORG_NOUNS_AFTER and nxt.text.islower():
        ctx.add(i, i + 1, "ORG")
        return
    if nxt is not None and nxt.low in LOC_NOUNS_AFTER and nxt.text.islower():
        ctx.add(i, i + 1, "LOC")
        return
    if prev is not None and prev.low in ORG_NOUNS_BEFORE and prev.text.islower():
        ctx.add(i, i + 1, "ORG")
        return
    in_place = prev is not None and prev.low in ("in", "near", "outside")
    if _CAMEL.match(t.text) and not _is_surname_prefix(t.text) or (
            _ORG_SUFFIX_WORD.search(t.low) and len(t.low) > 6 and not in_place):
        ctx.add(i, i + 1, "ORG")
        return
    if prev is not None and prev.low.rstrip(".") in HONORIFICS:
        ctx.add(i, i + 1, "PERSON")
        return
    if prev is not None and prev.low == "of" and prev2 is not None and prev2.low in LOC_NOUNS_AFTER:
        ctx.add(i, i + 1, "LOC")  # "the town of Dafniya", "the oil port of Brega"
        return
    if prev is not None and prev2 is not None and prev.low == "of" and prev2.low in ("port", "outskirts"):
        ctx.add(i, i + 1, "LOC")
        return
    # unresolved: kept as a candidate that a longer name in the article may explain
    guess = "?"
    if prev is not None and prev.low in LOC_PREPOSITIONS and prev.text.islower():
        guess = "LOC?"
    elif nxt is not None and nxt.low in SPEECH_VERBS:
        guess = "PERSON?"
    elif prev is not None and prev.low in SPEECH_VERBS:
        guess = "PERSON?"
    elif t.text in lex.first_names:
        guess = "PERSON?"
    ctx.add(i, i + 1, guess, definite=False)


# ---------------------------------------------------------------------------------------------
# Datelines and acronym definitions

_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][\w.'\u2019-]*(?:[ ][A-Z][\w.'\u2019-]*)*)"
    r"(?:,\s*(?P<region>[A-Z][\w.'\u2019-]*(?:\s[A-Z][\w.'\u2019-]*)*))?"
    r"\s*\((?P<agency>[A-Z][\w .&'-]{1,30})\)\s*(?:--|-|\u2014|\u2013)"
)
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")


def _dateline(ctx: _Ctx) -> None:
    """"Dafniya, Libya (CNN) --": the place (and region) and the agency."""
    m = _DATELINE.match(ctx.text)
    if not m:
        return
    for group, typ in (("place", "LOC"), ("region", "LOC"), ("agency", "ORG")):
        if m.group(group) is None:
            continue
        s, e = m.span(group)
        idx = [k for k, t in enumerate(ctx.toks) if s <= t.start and t.end <= e]
        if not idx:
            continue
        a, b = idx[0], idx[-1] + 1
        hit = _lookup(ctx, a, b)
        if hit is not None and hit[0] != "ADJ":
            ctx.add(a, b, hit[0], hit[1])
        else:
            surface = ctx.surface(a, b)
            ctx.add(a, b, typ, surface.title() if surface.isupper() and len(surface) > 4 else None)
        for k in idx:
            ctx.toks[k].initial = False


def _acronym_definitions(ctx: _Ctx) -> dict[str, tuple[str, Span]]:
    """"Barclays Global Investors (BGI)": acronym -> (long name, its span) when the initials agree."""
    out: dict[str, tuple[str, Span]] = {}
    text = ctx.text
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group(1)
        if not acr.isupper():
            continue
        words = list(_DEF_WORD.finditer(text, max(0, m.start() - 200), m.start()))
        taken = []
        for w in reversed(words):
            if w.group()[0].isupper() or w.group().lower() in ("of", "for", "and", "the", "&"):
                taken.append(w)
            else:
                break
        taken.reverse()
        while taken and not taken[0].group()[0].isupper():
            taken.pop(0)
        if not taken or text[taken[-1].end():m.start()].strip():
            continue
        caps = [w for w in taken if w.group()[0].isupper()]
        if len(caps) < len(acr):
            continue
        caps = caps[-len(acr):]
        if "".join(w.group()[0] for w in caps) != acr:
            continue
        span = Span(caps[0].start(), taken[-1].end())
        out[acr] = (text[span.start:span.end], span)
    return out


_DEF_WORD = re.compile(r"[A-Za-z][\w'&-]*|&")


def _initials_match(acr: str, words: list[str]) -> bool:
    caps = "".join(w[0] for w in words if w[0].isupper())
    return len(acr) >= 2 and caps[-len(acr):] == acr


# ---------------------------------------------------------------------------------------------
# Clustering mentions into actors


@dataclass
class _Actor:
    type: str
    name: str
    spans: list[Span] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    roles: list[str] = field(default_factory=list)
    canonical: str | None = None
    definite: bool = False
    votes: dict[str, int] = field(default_factory=dict)  # guessed types of unexplained one-word names

    @property
    def words(self) -> tuple[str, ...]:
        return _name_words(self.name)


_NAME_WORD = re.compile(r"[\w.'\u2019-]+")


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    """The words of a name without its particles (cached: clustering asks for the same names often)."""
    return tuple(w for w in _NAME_WORD.findall(name) if w.lower() not in NAME_PARTICLES or "-" in w)


class _Actors:
    """The actors of one article with lookups by name, alias and name word, so that attaching a
    mention does not scan every actor (long pages carry thousands of mentions and actors). Every
    lookup returns what a scan of the actors in creation order would find first."""

    def __init__(self) -> None:
        self.list: list[_Actor] = []
        self.by_key: dict[tuple[str, str], _Actor] = {}
        self.position: dict[int, int] = {}  # id(actor) -> index in list
        self.by_lower_name: dict[str, list[_Actor]] = {}
        self.by_name: dict[str, list[_Actor]] = {}
        self.by_initials: dict[str, list[_Actor]] = {}
        self.by_alias: dict[str, list[_Actor]] = {}
        self.persons: list[_Actor] = []
        self.person_words: dict[str, list[int]] = {}  # stripped name word -> indices in persons
        self.org_by_first: dict[str, _Actor] = {}  # first word -> first multi-word org named so

    def actor_for(self, typ: str, name: str, canonical: str | None) -> _Actor:
        key = (typ, (canonical or name).lower())
        a = self.by_key.get(key)
        if a is None:
            a = _Actor(typ, canonical or name, canonical=canonical)
            self.by_key[key] = a
            self.position[id(a)] = len(self.list)
            self.list.append(a)
            self.by_lower_name.setdefault(a.name.lower(), []).append(a)
            self.by_name.setdefault(a.name, []).append(a)
            self.by_initials.setdefault(_initials(a.name), []).append(a)
        return a

    def add_alias(self, a: _Actor, surface: str) -> None:
        if surface not in a.aliases:
            a.aliases.add(surface)
            self.by_alias.setdefault(surface, []).append(a)

    def freeze_known(self, lex: _Lexicon) -> None:
        """Fixes the persons and organisations that short forms may join (those of step 1)."""
        self.persons = [a for a in self.list if a.type == "PERSON"]
        for k, a in enumerate(self.persons):
            for w in dict.fromkeys(_strip_particle(w) for w in a.words):
                self.person_words.setdefault(w, []).append(k)
        for a in self.list:
            if a.type == "ORG" and len(a.words) > 1 and a.words[0].lower() not in lex.common:
                self.org_by_first.setdefault(a.words[0], a)

    def in_order(self, *groups: list[_Actor]) -> list[_Actor]:
        found = {id(a): a for g in groups for a in g}
        return sorted(found.values(), key=lambda a: self.position[id(a)])

    def person_matching(self, words: tuple[str, ...]) -> _Actor | None:
        """The first person that ``words`` names (see _person_match): a match always shares a word."""
        stripped = {_strip_particle(w) for w in words if w.lower().rstrip(".") not in HONORIFICS}
        ks = sorted({k for w in stripped for k in self.person_words.get(w, ())})
        for k in ks:
            if _person_match(words, self.persons[k].words):
                return self.persons[k]
        return None


def _cluster(ctx: _Ctx, definitions: dict[str, str]) -> list[_Actor]:
    actors = _Actors()
    ms = sorted(ctx.mentions, key=lambda m: m.span)
    # 1. definite multi-word and lexicon mentions make actors (acronyms wait for their long form)
    for m in ms:
        if m.name.isupper() and not m.canonical and len(m.name) <= 6:
            continue
        if m.type in ("PERSON", "ORG", "LOC") and (m.definite or m.canonical):
            name = m.canonical or _clean_person(m.name) if m.type == "PERSON" else (m.canonical or m.name)
            if m.type == "PERSON" and len(_name_words(name)) == 1:
                continue  # a lone surname waits for a full name
            a = actors.actor_for(m.type, name, m.canonical)
            a.definite = True
    actors.freeze_known(ctx.lex)
    # 2. attach every mention
    for n, m in enumerate(ms):
        if n & 63 == 63:
            check()
        a = _attach(m, actors, definitions, ctx)
        if a is None:
            a = _fallback_actor(m, actors.actor_for)
            if a is None:
                continue
        a.spans.append(m.span)
        surface = m.name
        if surface != a.name:
            actors.add_alias(a, surface)
        if m.role and m.role not in a.roles and m.role.lower().rstrip(".") not in HONORIFICS:
            a.roles.append(m.role)
    return [a for a in actors.list if a.spans]


_NICKNAME = re.compile(r"\s*[\"\u201c][^\"\u201d]{1,20}[\"\u201d]")


def _clean_person(name: str) -> str:
    """Drops titles and quoted nicknames: 'Maurice "Hank" Greenberg' -> 'Maurice Greenberg'."""
    words = _NICKNAME.sub("", name).split()
    while words and words[0].lower().rstrip(".") in ROLE_HEADS:
        words.pop(0)
    return " ".join(words) or name


def _attach(m: _Mention, actors: _Actors, definitions, ctx) -> _Actor | None:
    """The actor a mention names, if one exists already."""
    surface = m.name
    words = _name_words(surface)
    guessed = m.type not in ("PERSON", "ORG", "LOC")
    key = (m.canonical or surface).lower()
    if len(words) == 1 and m.type in ("LOC", "ORG") and _city_only(surface, ctx.lex):
        # "Obama", "Crowley", "Blair" are also towns: a person of the article named so wins
        a = actors.person_matching(words)
        if a is not None:
            return a
    # exact (a guessed one-word mention takes the type of a named actor: "in Dafniya")
    for a in actors.in_order(actors.by_lower_name.get(key, []), actors.by_alias.get(surface, [])):
        if a.type == m.type or guessed:
            if m.type != "PERSON" or len(words) > 1 or len(a.words) == 1:
                return a
    if not words:
        return None
    last = words[-1]
    # a person's short form: surname, given name, or full name with a title
    if m.type in ("PERSON", "?", "PERSON?", "LOC?") or (m.type in ("LOC", "ORG") and not m.canonical and len(words) == 1):
        a = actors.person_matching(words)
        if a is not None:
            return a
    # an acronym defined in the text or matching an organisation's initials
    if m.type in ("ORG", "?") and len(words) == 1 and surface.isupper():
        long = definitions.get(surface, ("",))[0]
        groups = [actors.by_initials.get(surface, [])]
        if long:  # names that ``long`` ends with
            groups += [actors.by_name[long[i:]] for i in range(len(long)) if long[i:] in actors.by_name]
        for a in actors.in_order(*groups):
            if a.type not in ("ORG", "?") or len(a.words) < 2:
                continue
            if (long and (a.name == long or long.endswith(a.name))) or _initials(a.name) == surface:
                a.type = "ORG"  # "Barclays Global Investors" ... "BGI"
                return a
    # a one-word short form of a longer organisation name ("Lehman" -> "Lehman Brothers")
    if m.type in ("?", "ORG", "PERSON?", "LOC?", "PERSON") and len(words) == 1:
        return actors.org_by_first.get(last)
    return None


def _person_match(words: tuple[str, ...], person_words: tuple[str, ...]) -> bool:
    """"Netanyahu", "Benjamin Netanyahu", "Mr Netanyahu" belong to Benjamin Netanyahu."""
    if not person_words:
        return False
    person_words = [_strip_particle(w) for w in person_words]
    words = [_strip_particle(w) for w in words if w.lower().rstrip(".") not in HONORIFICS]
    if not words:
        return False
    if words == person_words:
        return True
    if len(words) == 1:
        w = words[0]
        return w == person_words[-1] or w == person_words[0] and len(person_words) >= 2 \
            or (len(person_words) >= 3 and w in person_words[1:])
    # "Gadhafi" vs "Moammar Gadhafi"; "Mustafa Abdel Jalil" vs "Abdel Jalil"
    return words[-1] == person_words[-1] and all(w in person_words for w in words)


def _city_only(word: str, lex: _Lexicon) -> bool:
    """Whether a word is in the lexicon only as a city (not as a country or curated name)."""
    return word not in lex.curated and lex.places.get(word, ("",))[0] == "CITY"


def _strip_particle(word: str) -> str:
    """"al-Naqib" -> "Naqib" (short forms often drop the article)."""
    head, sep, rest = word.partition("-")
    return rest if sep and head.lower() in NAME_PARTICLES and rest else word


@lru_cache(maxsize=4096)
def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _fallback_actor(m: _Mention, actor_for) -> _Actor | None:
    """A mention no actor explains: a new actor when its type is known enough."""
    if m.type in ("PERSON", "ORG", "LOC"):
        name = _clean_person(m.name) if m.type == "PERSON" else (m.canonical or m.name)
        a = actor_for(m.type, name, m.canonical)
        a.definite = a.definite or m.definite
        return a
    a = actor_for("?", m.name, None)
    a.votes[m.type] = a.votes.get(m.type, 0) + 1
    return a


def _finalise(actors: list[_Actor], ctx: _Ctx) -> tuple[Entity, ...]:
    _persons_named_like_firms(actors, ctx)
    actors = _merge_place_heads(_merge_same_names(actors))
    out = []
    for a in actors:
        typ = a.type if a.type != "?" else _vote(a)
        if typ is None:
            continue  # never explained: dropped
        spans = tuple(sorted(set(a.spans)))
        aliases = tuple(sorted(x for x in a.aliases if x != a.name))
        out.append(Entity(name=a.name, type=typ, mentions=spans, aliases=aliases, roles=tuple(a.roles),
                          extractor="rules", confidence=1.0 if a.definite else 0.6))
    out.sort(key=lambda e: e.mentions[0].start)
    return tuple(out)


def _merge_same_names(actors: list[_Actor]) -> list[_Actor]:
    """One actor per name: a name typed two ways in one article keeps the type of its first
    definite typing (an organisation beats a person guess)."""
    first: dict[str, _Actor] = {}
    out = []
    for a in actors:
        key = a.name.lower()
        b = first.get(key)
        if b is None:
            first[key] = a
            out.append(a)
            continue
        if b.type == "?" or (b.type == "PERSON" and a.type == "ORG"):
            b.type = a.type
        b.spans.extend(a.spans)
        b.aliases |= a.aliases
        b.roles.extend(r for r in a.roles if r not in b.roles)
        b.definite = b.definite or a.definite
    return out


def _vote(a: _Actor) -> str | None:
    """The type of a one-word name that no list or longer name explains, from its contexts."""
    if a.votes.get("PERSON?"):
        return "PERSON"  # "Walid said", "said Walid"
    if a.votes.get("LOC?", 0) * 2 >= len(a.spans):
        return "LOC"  # "in Dafniya", "from Ajdabiyah"
    if a.votes.get("ORG?"):
        return None  # capitalised ordinary words that nothing else supports
    if len(a.spans) >= MIN_BARE_NAME_MENTIONS:
        return "PERSON"  # a well-known person called by surname only ("Gadhafi")
    return None


def _persons_named_like_firms(actors: list[_Actor], ctx: _Ctx) -> None:
    """A two-word "person" without a given name or title that the article also calls by its first
    word alone ("Goldman Sachs" ... "Goldman's shares") is a firm: people are called by surname."""
    for a in actors:
        words = a.words
        if a.type != "PERSON" or a.roles or len(words) != 2 or words[0] in ctx.lex.first_names:
            continue
        short = {ctx.text[sp.start:sp.end] for sp in a.spans}
        if words[0] in short and words[-1] not in short:
            a.type = "ORG"


# Generic place heads whose removal leaves the same place ("the Gaza Strip" is Gaza).
_SAME_PLACE_HEADS = ("Strip", "River", "Province", "Governorate", "Region")


def _merge_place_heads(actors: list[_Actor]) -> list[_Actor]:
    by_name = {a.name: a for a in actors if a.type in ("LOC", "LOC?")}
    out = []
    for a in actors:
        if a.type == "LOC":
            base, _, head = a.name.rpartition(" ")
            target = by_name.get(base)
            if head in _SAME_PLACE_HEADS and target is not None and target is not a:
                target.spans.extend(a.spans)
                target.aliases.add(a.name)
                target.type = "LOC"
                continue
        out.append(a)
    return out


# ---------------------------------------------------------------------------------------------
# Roles written after a name: "Art Hogan, chief market analyst at Jefferies & Company, said"

_APPOSITIVE = re.compile(r",\s+((?:the\s+|a\s+|an\s+)?[^,.;:\"\u201c\u201d()]{3,80}?)(?=,|\.|;|$)")


def _appositive_roles(ctx: _Ctx, actors: list[_Actor]) -> None:
    text = ctx.text
    for a in actors:
        if a.type != "PERSON":
            continue
        for sp in a.spans:
            m = _APPOSITIVE.match(text, sp.end)
            if not m:
                continue
            phrase = m.group(1).strip()
            words = phrase.lower().split()
            if not words or len(words) > 10 or not any(w.strip("'") in ROLE_HEADS for w in words[:4]):
                continue
            if words[0] in ("who", "which", "said", "says", "told", "and", "but"):
                continue
            for det in ("the ", "a ", "an "):
                if phrase.lower().startswith(det):
                    phrase = phrase[len(det):]
            if phrase not in a.roles:
                a.roles.append(phrase)
            break


# ---------------------------------------------------------------------------------------------
# Entry points


def extract_entities(article: Article) -> tuple[Entity, ...]:
    """PERSON, ORG and LOC actors of one article, each with every span where it is named."""
    text = article.text
    if not text.strip():
        return ()
    lex = _lexicon()
    toks = _tokenize(text, lex)
    _mark_initials(text, toks, lex)
    ctx = _Ctx(text, toks, lex)
    _dateline(ctx)
    taken = {k for m in ctx.mentions for k in range(m.start, m.end)}
    for n, (i, j) in enumerate(_runs(text, toks)):
        if n & 63 == 63:
            check()
        if not any(k in taken for k in range(i, j)):
            _classify_run(ctx, i, j)
    definitions = _acronym_definitions(ctx)
    _add_defined_names(ctx, definitions)
    actors = _cluster(ctx, definitions)
    _appositive_roles(ctx, actors)
    return _finalise(actors, ctx)


def _add_defined_names(ctx: _Ctx, definitions: dict[str, tuple[str, Span]]) -> None:
    """A name defined by an acronym is an organisation even when made of ordinary words."""
    for long, span in definitions.values():
        if any(m.span.overlaps(span) for m in ctx.mentions):
            continue
        idx = [k for k, t in enumerate(ctx.toks) if span.start <= t.start and t.end <= span.end]
        if idx:
            ctx.add(idx[0], idx[-1] + 1, "ORG")


def org_full_name(abbreviation: str) -> str | None:
    """The full name of an organisation's abbreviation in the shipped lexicon ("UN", "IDF", "the Fed"'s
    "Fed"), or None."""
    hit = _lexicon().curated.get(abbreviation)
    if hit is not None and hit[0] == "ORG" and hit[1] != abbreviation:
        return hit[1]
    return None


def canonical_name(mention_text: str, entities: tuple[Entity, ...]) -> Entity | None:
    """The entity a piece of text names: "Mr Blinken", "Blinken", "the IDF", "Netanyahu's"."""
    text = _POSSESSIVE.sub("", mention_text.strip()).strip(" \"'\u201c\u201d,.")
    words = text.split()
    while words and (words[0].lower() in DETERMINERS or words[0].lower().rstrip(".") in HONORIFICS
                     or words[0].lower().rstrip(".") in ROLE_HEADS or words[0].lower() in ROLE_MODIFIERS):
        words.pop(0)
    if not words:
        return None
    text = " ".join(words)
    low = text.lower()
    for e in entities:
        if e.name.lower() == low or any(a.lower() == low for a in e.aliases):
            return e
    lex = _lexicon()
    hit = lex.curated.get(text)
    if hit is not None:
        for e in entities:
            if e.name == hit[1]:
                return e
    people = [e for e in entities if e.type == "PERSON" and _person_match(_name_words(text), _name_words(e.name))]
    if len(people) == 1:
        return people[0]
    if text.isupper():
        for e in entities:
            if e.type == "ORG" and _initials(e.name) == text:
                return e
    return None
