"""Numeric claims: value, qualifier, category, unit and attributed source.

A figure is a number phrase that counts people or sums money ("more than 15,000 people",
"$400m"), plus other counted things. Each number that ``numbers.find_numbers`` finds is read in
its sentence, as a short token list, by rules drawn from the habits of English news writing:

1. *Not a figure*: years, dates ("October 7"), times ("3 p.m."), ages ("Mia Shem, 21,",
   "aged 18"), durations ("22 months", "two weeks old"), distances and other measures, and a
   bare number that counts nothing ("the two met"). Vague amounts never reach this module.
2. *Phrase*: an optional qualifier before the number, the number, and the counted noun after it
   ("some 1,200 people", "the last 149 of those evacuees", "57 dead").
3. *Category*, decided in this order, first answer wins:
   a. money when a currency is written;
   b. the verb or noun governing the number from the left ("killing 1,200", "injured more than
      600", "the release of 30", "taking 250 hostage", "forcing 1.7 million people to leave
      their homes", "the death toll rose to 57");
   c. the verb the number is subject of, to the right, through auxiliaries, adverbs, one
      parenthetical insertion, a prepositional phrase and a coordinated noun phrase ("251 others
      were taken hostage", "60 people in Mexico have died",
      "80 hostages and 240 prisoners have been released", "five people died"), or a
      participle right after the noun ("57 dead", "six injured");
   d. a participle before the noun ("500 stranded Bangladeshis");
   e. a noun that carries its category ("evacuees", "bodies", "dead");
   f. the category of another figure the number is listed with ("killing 22 people including
      14 soldiers and three contractors", "1.7 million people -- 80 percent of ...");
   g. the noun and the sentence ("hostages" are held unless the sentence frees someone,
      "victims" are killed in a sentence about killing, "population", "residents"; passengers
      on an evacuation flight are displaced);
   h. otherwise ``other``. Missing, detained, arrested and quarantined people are ``other`` on
      purpose, as are case counts and crowds.
   Core categories (everything but ``other`` and ``population``) are only given to numbers that
   count people (or count nothing explicitly: "killing 1,200"), never to counted things.
4. *Source*: the attribution nearest the figure in its sentence: "according to X", "X said",
   ", X said", "said X", "X quoted Y as saying"; a bare surname becomes the entity's full name.
   *Place*: a place entity introduced by "in" shortly after the figure.

Qualifiers are normalised to one small vocabulary:

=============  =====================================================================
``approx``     about, around, some, roughly, approximately, (an) estimated, or so
``nearly``     nearly, almost, close to, just under, nearing
``more than``  more than, over, upwards of, in excess of, above, just over, well over
``at least``   at least, no fewer/less than, a minimum of, or more; first end of a range
``up to``      up to, as many as, as much as; second end of a range
``less than``  less than, fewer than, under, below
=============  =====================================================================

Everything is regular expressions and word lists (standard library only). Measured on 300
Timeline17 articles: about 2 ms per 700 words. Linear in the article's length: what the rules ask
of a sentence (its sources, whether it frees people or speaks of killing or flight) is computed
once per sentence, and entity mentions are sorted once per article for sources and places (a
1 MB one-paragraph page: 42 s before, under 3 s after). The rules were checked against a few hundred
real Timeline17 sentences that count the dead, wounded, freed and displaced; known misses are
figures whose subject sits in an earlier sentence ("The numbers ... dropped to 1,800") and
anaphora ("those eight people").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..budget import check
from ..model import Article, Entity, Figure, Span
from .numbers import NumberMatch, find_numbers
from .segment import sentences

# ---------------------------------------------------------------------------------------------
# Vocabulary (lower case)

_QUALIFIERS = {
    ("about",): "approx", ("around",): "approx", ("some",): "approx", ("roughly",): "approx",
    ("approximately",): "approx", ("an", "estimated"): "approx", ("estimated",): "approx",
    ("approx",): "approx", ("approx.",): "approx", ("circa",): "approx",
    ("nearly",): "nearly", ("almost",): "nearly", ("close", "to"): "nearly",
    ("just", "under"): "nearly", ("nearing",): "nearly", ("just", "shy", "of"): "nearly",
    ("more", "than"): "more than", ("over",): "more than", ("upwards", "of"): "more than",
    ("in", "excess", "of"): "more than", ("above",): "more than", ("just", "over"): "more than",
    ("well", "over"): "more than", ("well", "above"): "more than", ("exceeding",): "more than",
    ("at", "least"): "at least", ("no", "fewer", "than"): "at least",
    ("no", "less", "than"): "at least", ("a", "minimum", "of"): "at least",
    ("up", "to"): "up to", ("as", "many", "as"): "up to", ("as", "much", "as"): "up to",
    ("a", "maximum", "of"): "up to",
    ("less", "than"): "less than", ("fewer", "than"): "less than", ("under",): "less than",
    ("below",): "less than", ("just", "below"): "less than",
}
_QUALIFIER_MAX = max(len(k) for k in _QUALIFIERS)

# Words that may stand between a governing word and the number ("killed all the 12 ...").
_DETERMINERS = frozenset(
    "the a an another further additional its their his her our all only some those these between"
    .split()
)

# People: the counted nouns that let a number take a core category.
_PEOPLE = frozenset("""
    people persons person civilians civilian residents resident inhabitants citizens citizen
    nationals national foreigners foreigner migrants migrant expatriates expats children child kids
    babies baby infants minors teenagers teens youths youngsters students pupils women woman men man
    girls girl boys boy adults elderly families family relatives soldiers soldier troops servicemen
    servicemembers marines marine sailors airmen officers officer policemen policeman policewomen
    police guards guard militants militant fighters fighter insurgents insurgent rebels rebel
    gunmen gunman attackers attacker assailants bombers bomber terrorists jihadists combatants
    hostages hostage captives captive prisoners prisoner detainees detainee inmates protesters
    protestors demonstrators activists journalists journalist reporters workers worker staff
    employees staffers doctors doctor nurses medics paramedics patients victims victim survivors
    passengers passenger crew crewmen guests tourists travellers travelers pilgrims worshippers
    villagers farmers fishermen miners contractors officials diplomats lawmakers members
    supporters followers voters volunteers peacekeepers individuals personnel others evacuees
    refugees asylum-seekers dead wounded injured casualties fatalities bodies deaths cases death
    recruits cadets trainees pupils teachers instructors priests monks nuns clerics imams engineers
    pilots firefighters rescuers drivers truckers laborers labourers peacekeepers lawyers judges
    prisoners-of-war pows ministers mps senators deputies delegates envoys monitors observers
    inspectors agents spies suspects defendants convicts mourners spectators fans shoppers
    commuters residents homeowners tenants squatters settlers herders nomads tribesmen clansmen
    loyalists separatists extremists islamists jihadis volunteers conscripts reservists veterans
    sons daughters brothers sisters mothers fathers husbands wives parents siblings cousins
    relatives orphans newborns toddlers seniors pensioners retirees immigrants emigrants returnees
    deportees defectors deserters recruits worshipers teenagers schoolchildren schoolgirls
    schoolboys athletes players crewmembers seafarers sailors fishermen divers miners
    fatality body injury casualty
    americans britons israelis palestinians iraqis afghans syrians lebanese kurds turks arabs jews
    muslims copts filipinos rohingya uighurs uyghurs shias shiites sunnis democrats republicans
    injuries
""".split())
# Nouns that carry their own category.
_NOUN_CATEGORY = {
    "dead": "killed", "bodies": "killed", "fatalities": "killed", "deaths": "killed",
    "death": "killed", "fatality": "killed", "body": "killed", "injury": "injured",
    "wounded": "injured", "injured": "injured", "injuries": "injured",
    "refugees": "displaced", "evacuees": "displaced", "asylum-seekers": "displaced",
    "displaced": "displaced",
}
# Plural endings that name people ("journalists", "civilians", "physicians").
_PEOPLE_SUFFIXES = ("ists", "ians")
_HOSTAGE_NOUNS = frozenset("hostages hostage captives captive".split())
_PRISONER_NOUNS = frozenset("prisoners prisoner detainees detainee inmates".split())
_POPULATION_NOUNS = frozenset("population residents inhabitants".split())
_VICTIM_NOUNS = frozenset("victims victim".split())
_PLACE_NOUNS = frozenset("country nation city town state region territory enclave strip island "
                         "province capital suburb metropolis village".split())
_POPULATION_MIN = 10_000  # "two Tehran residents" are people, "92,000 residents" a population

# Heads that make a number a duration, an age or a measure, not a count.
_TIME_UNITS = frozenset("""
    second seconds minute minutes hour hours day days night nights week weeks weekend weekends
    month months year years decade decades century centuries fortnight
""".split())
_MEASURES = frozenset("""
    mile miles km kms kilometre kilometres kilometer kilometers metre metres meter meters m ft
    feet foot inch inches yard yards cm mm kg kilogram kilograms kilo kilos gram grams tonnes
    tonne tons ton litres liters litre gallons acres hectares square degrees degree points point
    mph kph knots barrel barrels bpd percentage pounds lbs
""".split())
_MONTHS = frozenset("""
    january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec jan. feb. mar. apr. jun. jul. aug. sep. sept. oct.
    nov. dec.
""".split())
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_TIME_WORDS = frozenset("a.m. p.m. am pm a.m p.m gmt bst est edt pst utc cet o'clock hrs".split())

# Category verbs. Left: the verb (or noun + "of") that governs the number as its object.
_LEFT_VERBS = {
    **dict.fromkeys("kill kills killed killing slew slaying slain massacred massacring executed "
                    "executing murdered murdering".split(), "killed"),
    **dict.fromkeys("injure injures injured injuring wound wounds wounded wounding hurt hurting "
                    "maimed maiming".split(), "injured"),
    **dict.fromkeys("abduct abducts abducted abducting kidnap kidnaps kidnapped kidnapping".split(),
                    "taken hostage"),
    **dict.fromkeys("release releases released releasing free frees freed freeing".split(),
                    "released"),
    **dict.fromkeys("evacuate evacuates evacuated evacuating displace displaces displaced "
                    "displacing repatriate repatriates repatriated repatriating uprooted "
                    "uprooting".split(), "displaced"),
    **dict.fromkeys("detain detains detained detaining arrest arrests arrested arresting "
                    "quarantine quarantined quarantining".split(), "other"),
}
# Left words that are adjectives or nouns as often as verbs: they govern only a counted noun
# ("free 30 prisoners", not "is free 2").
_LEFT_NEEDS_NOUN = frozenset("free frees release releases hurt wound wounds".split())
# Verbs that need a complement to carry a category: "taking 250 hostage", "holding 120 hostages",
# "forcing 1.7 million people to leave their homes".
_TAKE_VERBS = frozenset("take takes took taken taking seize seizes seized seizing".split())
_HOLD_VERBS = frozenset("hold holds held holding".split())
_FORCE_VERBS = frozenset("force forces forced forcing drive drives drove driven driving push "
                         "pushed pushing".split())
_OF_NOUNS = {
    **dict.fromkeys("killing killings death deaths murder murders massacre execution executions "
                    "lives bodies remains".split(), "killed"),
    **dict.fromkeys("injuring wounding".split(), "injured"),
    **dict.fromkeys("abduction abductions kidnapping kidnappings".split(), "taken hostage"),
    **dict.fromkeys("release releases freeing handover".split(), "released"),
    **dict.fromkeys("evacuation evacuations displacement exodus repatriation".split(), "displaced"),
    **dict.fromkeys("arrest arrests detention".split(), "other"),
}
# "the death toll rose to 57": words allowed between "toll" and the number.
_TOLL_WINDOW = 9  # how far before the number "toll" may stand, in tokens
_TOLL_LINKS = frozenset("""
    has have had rose risen climbed jumped reached stood stands stand is was at to of now passed
    surpassed hit topped increased grew mounted stands already
""".split())

# Right: the verb whose subject is the number phrase, as a tuple of words -> (category, transitive).
_RIGHT_PHRASES = {
    ("killed",): ("killed", True), ("died",): ("killed", False), ("dead",): ("killed", False),
    ("slain",): ("killed", True), ("murdered",): ("killed", True), ("executed",): ("killed", True),
    ("perished",): ("killed", False), ("massacred",): ("killed", True),
    ("shot", "dead"): ("killed", False), ("lost", "their", "lives"): ("killed", False),
    ("drowned",): ("killed", False), ("die",): ("killed", False),
    ("injured",): ("injured", True), ("wounded",): ("injured", True), ("hurt",): ("injured", True),
    ("hospitalised",): ("injured", True), ("hospitalized",): ("injured", True),
    ("maimed",): ("injured", True),
    ("taken", "hostage"): ("taken hostage", False), ("taken", "captive"): ("taken hostage", False),
    ("abducted",): ("taken hostage", True), ("kidnapped",): ("taken hostage", True),
    ("held", "hostage"): ("held hostage", False), ("held", "captive"): ("held hostage", False),
    ("in", "captivity"): ("held hostage", False),
    ("released",): ("released", True), ("freed",): ("released", True),
    ("set", "free"): ("released", False), ("handed", "over"): ("released", True),
    ("evacuated",): ("displaced", True), ("displaced",): ("displaced", True),
    ("fled",): ("displaced", False), ("flee",): ("displaced", False),
    ("fleeing",): ("displaced", False), ("uprooted",): ("displaced", True),
    ("repatriated",): ("displaced", True), ("stranded",): ("displaced", False),
    ("taken", "home"): ("displaced", False), ("flown", "home"): ("displaced", False),
    ("brought", "home"): ("displaced", False), ("made", "homeless"): ("displaced", False),
    ("forced", "to", "flee"): ("displaced", False), ("forced", "from"): ("displaced", False),
    ("awaiting", "evacuation"): ("displaced", False),
    ("awaiting", "repatriation"): ("displaced", False),
    ("awaiting", "transport"): ("displaced", False),
    ("sought", "refuge"): ("displaced", False), ("sought", "shelter"): ("displaced", False),
    ("missing",): ("other", False), ("detained",): ("other", True), ("arrested",): ("other", True),
    ("quarantined",): ("other", True), ("infected",): ("other", True),
    ("rescued",): ("other", True), ("captured",): ("other", True),
}
_RIGHT_MAX = max(len(k) for k in _RIGHT_PHRASES)
# Participles that sit right after a number or its noun: "57 dead", "six injured".
_POSTNOMINAL = {
    "dead": "killed", "killed": "killed", "injured": "injured", "wounded": "injured",
    "hurt": "injured", "missing": "other", "detained": "other", "released": "released",
    "freed": "released", "abducted": "taken hostage", "kidnapped": "taken hostage",
    "displaced": "displaced", "evacuated": "displaced",
}
# Participles before the noun: "500 stranded Bangladeshis", "three wounded soldiers".
_PRENOMINAL = {
    "stranded": "displaced", "displaced": "displaced", "evacuated": "displaced",
    "wounded": "injured", "injured": "injured", "dead": "killed", "slain": "killed",
    "missing": "other", "detained": "other", "abducted": "taken hostage",
    "kidnapped": "taken hostage", "released": "released", "freed": "released",
}
# Words that may stand between a subject and its verb.
_AUX = frozenset("""
    were was are is have has had been being be will would could may might also later all reportedly
    allegedly slightly seriously critically badly mostly lightly fatally gravely severely still now
    since already each eventually subsequently then just recently believed thought feared known
    confirmed reported said to found both who that which have either apparently suspected
    presumed likely expected feared
""".split())
_RELATIVES = frozenset("who that which".split())
_BE = frozenset("were was are is been being be".split())
_FINITE_AUX = frozenset("were was are is have has had will would could may might".split())
_PP_PREPOSITIONS = frozenset("in at from across inside near on aboard of".split())
_MAX_PP = 5  # the longest prepositional phrase skipped between subject and verb, in tokens
# Words after a participle that show it is an active verb with an object ("gunmen killed 5").
_OBJECT_START = frozenset("the a an his her their its our my your him them us me one two three "
                          "at more about some nearly almost".split())
# Words that introduce a member of a list whose category is inherited.
_INCLUDING = frozenset("including includes include included among".split())
_COORDINATORS = frozenset("and or plus".split())
_APPOSITION_OPENERS = frozenset("-- — – ( :".split())

# Phrase boundaries: a counted noun phrase never runs across these.
_STOP = frozenset("""
    the a an this that these those his her their its our my your of in on at to from by with without
    for into onto near across after before since during until over under between among against
    through toward towards around about along inside outside within per via like than as off out up
    above below beyond behind despite amid amidst beside besides versus
    down away and or but nor while when where whereas because if though although including plus so
    who whom whose which what he she they it we you them him us i is are was were be been being
    have has had do does did will would shall should can could may might must also still now then
    already reportedly allegedly later earlier just only even respectively mostly mainly each all
    both alone too again there here not never yet ago apart last next today yesterday tonight daily
    said says say told reported added according died killed injured wounded hurt released freed
    evacuated fled missing detained arrested abducted kidnapped taken left remain remained remains
    appeared arrived drove took went came got made found became stood dropped rose fell lost were
    following followed per cent percent long high wide deep tall old away less fewer most least
    many much several any no every a.m. p.m. am pm
""".split())
_MAX_NP = 5  # the longest counted noun phrase, in tokens ("two Russian-Israeli dual citizens")
_MAX_INSERTION = 12  # the longest parenthetical skipped between subject and verb, in tokens
_PASSENGER_LOOKBACK = 3  # sentences searched for an evacuation when counting passengers

_KILL_CONTEXT = re.compile(
    r"\b(kill\w*|dead|deaths?|died|bomb\w*|attack\w*|shoot\w*|shot|massacre\w*|murder\w*|slain)\b",
    re.I)
_DISPLACE_CONTEXT = re.compile(
    r"\b(evacuat\w*|refugees?|fled|flee\w*|displace\w*|repatriat\w*|stranded|exodus)\b", re.I)
_DISPLACE_COMPLEMENT = re.compile(
    r"\b(to\s+(flee|leave|abandon|evacuate)|(from|out\s+of)\s+(their|the|his|her)\s+"
    r"(homes?|land|villages?|towns?|city|cities|area|region)|into\s+exile|homeless)\b", re.I)
_RELEASE_WORDS = frozenset("released freed release freeing frees releases set".split())
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ans?|ians?|is|i|ese|ons)$")
_SAY = r"(?:said|says|say|told|reported|reports|announced|confirmed|claimed|claims|added|stated)"
_SOURCE_PATTERNS = (
    re.compile(r"\bquoted\s+(?P<src>[^,.;]{2,80}?)\s+as\s+saying\b"),
    re.compile(r"\baccording\s+to\s+(?P<src>[^,.;]{2,120}?)(?=\s*(?:[,.;\"”]|$|\s+(?:that|which|who|"
               r"on|since|as|when|while)\b))"),
    re.compile(rf",\s+(?P<src>[^,;\"“”]{{2,80}}?)\s+(?:had\s+|has\s+|have\s+)?{_SAY}\b[^,;]{{0,25}}[.,;]?\s*$"),
    re.compile(rf",\s+(?P<src>[^,;\"“”]{{2,80}}?)\s+(?:had\s+|has\s+|have\s+)?{_SAY}\b(?=\s*(?:,|on\b|in\b))"),
    re.compile(rf"(?:^|[,;]\s+|\b(?:that|which|but|and|while|as)\s+)(?P<src>[A-Z][^,;\"“”]{{1,80}}?|the\s[^,;\"“”]"
               rf"{{1,80}}?)\s+(?:had\s+|has\s+|have\s+|also\s+)?{_SAY}\b"),
    re.compile(rf"\b{_SAY},?\s+(?P<src>[A-Z][^,.;]{{2,60}}?)(?=\s*(?:[,.;]|$))"),
)
_MAX_SOURCE_WORDS = 12  # longer "sources" are clauses the patterns over-matched
# How sure each kind of rule is (hand-set from the review of Timeline17 sentences, not fitted).
_CONFIDENCE = {"money": 0.95, "left": 0.9, "right": 0.9, "noun": 0.8, "inherit": 0.75,
               "context": 0.6}
_PRONOUNS = frozenset("it he she they we i you this that there which who one".split())

# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(slots=True)
class _Token:
    text: str
    low: str
    start: int
    end: int
    num: NumberMatch | None = None

    @property
    def is_word(self) -> bool:
        return self.num is None and self.text[:1].isalpha()


_WORD = re.compile(
    r"(?:[A-Za-z]\.){2,}|[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+|--|[^\s\w]", re.UNICODE)


def _tokenize(text: str, sent: Span, numbers: list[NumberMatch]) -> list[_Token]:
    toks: list[_Token] = []
    pos = sent.start
    for n in numbers:
        _words(text, pos, n.start, toks)
        toks.append(_Token(n.text, n.text.lower(), n.start, n.end, n))
        pos = n.end
    _words(text, pos, sent.end, toks)
    return toks


def _words(text: str, start: int, end: int, out: list[_Token]) -> None:
    for m in _WORD.finditer(text, start, end):
        t = m.group()
        low = t.lower().replace("’", "'")
        if low.endswith("'s") and len(low) > 2:
            low = low[:-2] + "'s"
        out.append(_Token(t, low, m.start(), m.end()))


# ---------------------------------------------------------------------------------------------
# Candidates


@dataclass(slots=True)
class _Cand:
    i: int  # index of the number token
    num: NumberMatch
    start: int  # span start (qualifier or number)
    end: int  # span end (number, or counted noun)
    q: int  # index of the first token of the phrase
    last: int  # index of the last token of the phrase
    qualifier: str | None = None
    head: str | None = None  # counted noun, lower case
    head_kind: str | None = None  # people, thing, or None (counts nothing explicitly)
    prenominal: str | None = None  # category of a participle before the noun
    value: float = 0.0
    category: str | None = None
    how: str = ""  # which rule decided (for confidence)
    extra: dict = field(default_factory=dict)


def extract_figures(article: Article, entities: tuple[Entity, ...] = ()) -> tuple[Figure, ...]:
    """Every numeric claim of ``article``, in text order."""
    text = article.text
    numbers = find_numbers(text)
    if not numbers:
        return ()
    sents = sentences(text)
    starts = [s.start for s in sents]
    by_sentence: dict[int, list[NumberMatch]] = {}
    for n in numbers:
        k = bisect.bisect_right(starts, n.start) - 1
        if k >= 0 and n.end <= sents[k].end:
            by_sentence.setdefault(k, []).append(n)
    out: list[Figure] = []
    lookup = _EntityLookup(text, entities)
    for k, in_sentence in sorted(by_sentence.items()):
        check()
        sent = sents[k]
        toks = _tokenize(text, sent, in_sentence)
        cands = [c for c in (_phrase(toks, i) for i, t in enumerate(toks) if t.num) if c]
        if not cands:
            continue
        _share_heads(toks, cands)
        facts = _SentenceFacts(toks, text, sent, sents[max(0, k - _PASSENGER_LOOKBACK)].start)
        for c in cands:
            _categorise(toks, c, facts)
        _inherit(toks, cands)
        for c in cands:
            _fallback(toks, c, facts)
        sources = None
        for c in cands:
            if c.category is None:
                continue
            if sources is None:
                sources = _Sources(_sources(text, sent))
            out.append(_figure(text, c, lookup.canonical_source(sources.nearest(c.start)), lookup, sent))
    return tuple(out)


class _SentenceFacts:
    """What the fallback rules ask of a candidate's sentence, computed once per sentence (asking per
    candidate rescanned the sentence for every number in it: quadratic in one long sentence)."""

    def __init__(self, toks: list[_Token], text: str, sent: Span, context_start: int) -> None:
        self.toks, self.text, self.sent, self.context_start = toks, text, sent, context_start
        self._frees: bool | None = None
        self._kill: bool | None = None
        self._displace: bool | None = None
        self._last_displaced: int | None = None
        self._offsets: list[int] = []

    def frees_people(self) -> bool:
        if self._frees is None:
            self._frees = _frees_people(self.toks)
        return self._frees

    def kill_context(self) -> bool:
        """The sentence speaks of killing."""
        if self._kill is None:
            self._kill = bool(_KILL_CONTEXT.search(self.sent.of(self.text)))
        return self._kill

    def displaced_after(self, i: int) -> bool:
        """The words after token ``i`` say people were driven out ("to flee", "from their homes").

        As searching the sentence's lower-case words (joined by spaces) from token ``i + 1`` on, but
        answered from the last place such words start, found once per sentence: whether a match can
        start at a place does not depend on where the search begins (a word boundary looks at the
        character before it, a space at every token start)."""
        if self._last_displaced is None:
            lows = " ".join(t.low for t in self.toks)
            offsets, pos = [], 0
            for t in self.toks:
                offsets.append(pos)
                pos += len(t.low) + 1
            offsets.append(len(lows))
            self._offsets = offsets
            last, m = -1, _DISPLACE_COMPLEMENT.search(lows)
            while m is not None:
                last = m.start()
                m = _DISPLACE_COMPLEMENT.search(lows, last + 1)
            self._last_displaced = last
        return self._last_displaced >= self._offsets[i + 1]

    def displace_context(self) -> bool:
        """The sentence or the few before it speak of evacuation or flight."""
        if self._displace is None:
            self._displace = bool(_DISPLACE_CONTEXT.search(self.text[self.context_start:self.sent.end]))
        return self._displace


class _Sources:
    """A sentence's sources and, for an offset, the one whose start is nearest (``min`` over the
    list: on a tie, the one found first)."""

    def __init__(self, found: list[tuple[str, Span]]) -> None:
        self.found = found
        order = sorted(range(len(found)), key=lambda i: found[i][1].start)
        self.order = order
        self.starts = [found[i][1].start for i in order]

    def nearest(self, offset: int) -> tuple[str, Span] | None:
        if not self.found:
            return None
        k = bisect.bisect_left(self.starts, offset)
        # the nearest start is one of the two neighbours of ``offset`` (spans do not overlap, so
        # starts are distinct); a tie goes to the earlier-found source, as ``min`` would
        near = [self.order[j] for j in (k - 1, k) if 0 <= j < len(self.order)]
        return self.found[min(near, key=lambda i: (abs(self.found[i][1].start - offset), i))]


class _EntityLookup:
    """The article's person and place mentions sorted by offset, built once per article, so that a
    figure's source and place are found without scanning every mention of every entity."""

    def __init__(self, text: str, entities: tuple[Entity, ...]) -> None:
        self.text = text
        self.entities = entities
        persons = [(m.start, m.end, ei) for ei, e in enumerate(entities) if e.type == "PERSON"
                   for m in e.mentions]
        persons.sort()
        self.persons = persons
        self.person_starts = [p[0] for p in persons]
        places = [(m.start, ei) for ei, e in enumerate(entities) if e.type in ("LOC", "GPE")
                  for m in e.mentions]
        places.sort()
        self.places = places
        self.place_starts = [p[0] for p in places]

    def canonical_source(self, source: tuple[str, Span] | None) -> tuple[str, Span] | None:
        """A source that is just a person's name gets the person's full name ("Kayal" -> "Firas
        Kayal"): the first person (in entity order) with a mention inside the source's span and
        at most four characters shorter than it."""
        if source is None or len(source[0].split()) > 3:
            return source
        span = source[1]
        lo = bisect.bisect_left(self.person_starts, span.start)
        hi = bisect.bisect_left(self.person_starts, span.end + 1)
        best = None
        for start, end, ei in self.persons[lo:hi]:
            if end <= span.end and end - start >= len(span) - 4 and (best is None or ei < best):
                best = ei
        return (self.entities[best].name, span) if best is not None else source

    def place(self, c: _Cand, sent: Span) -> str | None:
        """The first place introduced by "in" within 80 characters after the figure."""
        limit = min(sent.end, c.end + 80)
        k = bisect.bisect_left(self.place_starts, c.end)
        while k < len(self.places) and self.places[k][0] < limit:
            start, ei = self.places[k]
            if self.text[start - 3:start] == "in ":
                return self.entities[ei].name
            k += 1
        return None


def _figure(text: str, c: _Cand, source: tuple[str, Span] | None,
            lookup: _EntityLookup, sent: Span) -> Figure:
    return Figure(
        span=Span(c.start, c.end),
        text=text[c.start:c.end],
        value=c.value,
        category=c.category,
        qualifier=c.qualifier,
        unit=c.num.unit,
        source=source[0] if source else None,
        source_span=source[1] if source else None,
        place=lookup.place(c, sent),
        confidence=_CONFIDENCE.get(c.how, 0.5),
    )


# ---------------------------------------------------------------------------------------------
# The phrase around a number


def _phrase(toks: list[_Token], i: int) -> _Cand | None:
    n = toks[i].num
    assert n is not None
    if n.kind == "count" and _not_a_count(toks, i):
        return None
    q, qualifier = _qualifier(toks, i)
    c = _Cand(i=i, num=n, start=toks[q].start, end=toks[i].end, q=q, last=i,
              qualifier=qualifier, value=n.value)
    if n.kind == "money":
        return c
    _noun_phrase(toks, c)
    if n.kind == "count" and c.head_kind == "unit":
        return None
    if c.head is None and i + 1 < len(toks) and toks[i + 1].low in ("who", "which") \
            and i + 2 < len(toks) and toks[i + 2].low in _AUX:
        c.extra["relative_other"] = True  # "71 which have been clinically diagnosed"
    if c.qualifier is None:
        j = c.last + 1
        if j + 1 < len(toks) and toks[j].low == "or" and toks[j + 1].low in ("more", "so"):
            c.qualifier = "at least" if toks[j + 1].low == "more" else "approx"
    return c


def _not_a_count(toks: list[_Token], i: int) -> bool:
    """Years, dates, times, ages and codes."""
    n = toks[i].num
    prev = toks[i - 1].low if i > 0 else ""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    plain = n.digits and not n.scaled and "," not in n.text and "." not in n.text
    if plain and len(n.text) == 4 and 1800 <= n.value <= 2100:
        return not (nxt in _PEOPLE)  # a year, unless "2000 troops"
    if prev in _MONTHS or nxt in _MONTHS or prev in _WEEKDAYS:
        return True
    if nxt in _TIME_WORDS:
        return True
    if not n.digits and n.text[0].isupper() and i > 0 and toks[i - 1].is_word:
        return True  # a name: "the Big Three", "the Group of Eight"
    if prev in ("aged", "age", "ages", "no.", "number", "nos."):
        return True
    if nxt in ("year-old", "years-old") or (nxt in ("years", "year") and i + 2 < len(toks)
                                              and toks[i + 2].low == "old"):
        return True
    # "Mia Shem, 21, and ..." / "the woman, 35, described": an age in commas after a name
    if prev in (",", "(") and i >= 2 and n.value < 120 and n.value == int(n.value):
        before = toks[i - 2]
        closes = nxt in (",", ".", ";", ")", "") or i + 1 == len(toks)
        if closes and before.is_word and (before.text[0].isupper() or before.low in _PEOPLE):
            return True
    return False


def _qualifier(toks: list[_Token], i: int) -> tuple[int, str | None]:
    for size in range(_QUALIFIER_MAX, 0, -1):
        if i - size < 0:
            continue
        words = tuple(t.low for t in toks[i - size:i])
        if words in _QUALIFIERS:
            return i - size, _QUALIFIERS[words]
    return i, None


def _noun_phrase(toks: list[_Token], c: _Cand) -> None:
    """Finds the counted noun after the number: "1,200 people", "149 of those evacuees"."""
    j = c.i + 1
    if j < len(toks) and toks[j].low == "of" and c.num.kind == "count":
        k = j + 1
        while k < len(toks) and toks[k].low in ("the", "those", "these", "its", "their", "his",
                                                 "her", "our", "them", "whom", "all"):
            k += 1
        if k < len(toks) and toks[k].num and toks[k].num.kind == "count":
            k += 1
        if k > j + 1 and (k - 1 < len(toks)) and toks[k - 1].low in ("them", "whom"):
            c.head, c.head_kind, c.last, c.end = toks[k - 1].low, "people", k - 1, toks[k - 1].end
            return
        if _scan_noun(toks, k, c):
            return
        return
    if c.num.kind == "percent":
        return
    _scan_noun(toks, j, c)


def _scan_noun(toks: list[_Token], j: int, c: _Cand) -> bool:
    """The counted noun phrase from token ``j``: modifiers, then the head, which ends it."""
    run: list[int] = []
    k = j
    while k < len(toks) and len(run) < _MAX_NP:
        t = toks[k]
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        modifier = (t.low in _PRENOMINAL and nxt is not None and nxt.is_word
                    and not _is_stop(nxt) and nxt.low not in _WEEKDAYS and nxt.low not in _MONTHS)
        if not t.is_word or (_is_stop(t) and not modifier) or (
                t.low == "more" and nxt is not None and nxt.low == "than"):
            break
        if not run and (t.low in _TIME_UNITS or t.low in _MEASURES):
            c.head, c.head_kind = t.low, "unit"
            return True
        if t.low.endswith("ly") and t.low not in _PEOPLE and t.low != "only":
            break  # "four simply vanish"
        if t.low.endswith(("ed", "ing")) and t.low not in _PEOPLE:
            if nxt is None or not nxt.is_word or _is_stop(nxt):
                break
        run.append(k)
        if t.low in _POPULATION_NOUNS:
            break
        compound = nxt is not None and nxt.is_word and not _is_stop(nxt) and _is_plural(nxt) and (
            _is_people(nxt) and _is_people(t)  # "women hostages"
            or (t.low in _IRREGULAR_PLURALS and nxt.text.islower()))  # "personnel carriers"
        if _is_plural(t) and not compound:
            break  # a plural noun ends the phrase: "four bombers drove", "25 tanks around"
        k += 1
    if not run:
        # "57 dead", "six injured": a participle as the counted noun
        if j < len(toks) and toks[j].low in _POSTNOMINAL and j == c.i + 1:
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is None or not nxt.is_word or _is_stop(nxt):
                c.head, c.head_kind = toks[j].low, "people"
                c.last, c.end = j, toks[j].end
                c.extra["post"] = _POSTNOMINAL[toks[j].low]
                return True
        return False
    h = run[-1]
    t = toks[h]
    if t.text[0].isupper() and len(run) == 1 and not _is_people(t):
        return False  # "Resolution 2334 Mr": a name, not a counted noun
    c.head, c.last, c.end = t.low, h, t.end
    c.head_kind = "people" if _is_people(t) else "thing"
    for k in run[:-1]:
        if toks[k].low in _PRENOMINAL:
            c.prenominal = _PRENOMINAL[toks[k].low]
    return True


def _is_stop(t: _Token) -> bool:
    """A word that ends a noun phrase ("US" the country is not "us" the pronoun)."""
    if t.low not in _STOP:
        return False
    return not (t.text.isupper() and len(t.text) > 1)


_IRREGULAR_PLURALS = frozenset("people men women children police staff crew personnel dead "
                               "wounded injured elderly militia youth".split())


def _is_plural(t: _Token) -> bool:
    low = t.low
    if low in _IRREGULAR_PLURALS:
        return True
    return low.endswith("s") and not low.endswith(("ss", "us", "is", "'s")) and len(low) > 3


def _is_people(t: _Token) -> bool:
    if not t.is_word:
        return False
    if t.low in _PEOPLE or t.low in _POPULATION_NOUNS:
        return True
    if t.text.islower() and t.low.endswith(_PEOPLE_SUFFIXES):
        return True
    return bool(_DEMONYM.match(t.text)) and t.low not in _MONTHS and t.low not in _WEEKDAYS


def _share_heads(toks: list[_Token], cands: list[_Cand]) -> None:
    """"90 and 72 passengers", "10,000 to 15,000 people", "between 5 and 6 million": the first
    number counts what the second counts; a range gives "at least" and "up to"."""
    for a, b in zip(cands, cands[1:]):
        if a.head is not None or a.num.kind != b.num.kind and a.num.kind != "count":
            continue
        gap = [t.low for t in toks[a.i + 1:b.q]]
        if gap not in (["and"], ["to"], ["-"], ["–"], ["or"]):
            continue
        is_range = gap != ["and"] or (a.q > 0 and toks[a.q - 1].low == "between")
        if a.q > 0 and toks[a.q - 1].low == "from":
            continue  # "rose from 1,800 to 3,000" is a change, not a range
        if is_range and b.value <= a.value and not b.num.scaled:
            continue  # "40 to 1" is a ratio
        a.head, a.head_kind, a.prenominal = b.head, b.head_kind, b.prenominal
        if b.num.kind != "count" and a.num.kind == "count":
            a.num = _with_kind(a.num, b.num)
        if b.num.scaled and not a.num.scaled and a.value < b.value and a.value * _scale(b) <= b.value:
            a.value = a.value * _scale(b)
        if is_range:
            a.qualifier = a.qualifier or ("at least" if b.qualifier is None else b.qualifier)
            b.qualifier = b.qualifier or "up to"
        a.extra["shared"] = b


def _scale(n: _Cand) -> float:
    for s in (1e12, 1e9, 1e6, 1e3):
        if n.num.value >= s and n.num.scaled:
            return s
    return 1.0


def _with_kind(a: NumberMatch, b: NumberMatch) -> NumberMatch:
    return NumberMatch(a.start, a.end, a.value, b.kind, b.unit, a.digits, a.scaled, a.text)


# ---------------------------------------------------------------------------------------------
# Categories


def _can_be_core(c: _Cand) -> bool:
    return c.head_kind in ("people", None) or c.num.kind == "percent"


def _categorise(toks: list[_Token], c: _Cand, facts: _SentenceFacts) -> None:
    """Own cues: money, the governing verb left or right, participles, category nouns."""
    if c.num.kind == "money":
        c.category, c.how = "money", "money"
        return
    if not _can_be_core(c):
        return
    cat = _left_cue(toks, c, facts)
    how = "left"
    if cat is None and c.head is None and c.num.value == 1 and not c.num.digits:
        return  # a bare "one" is a pronoun unless it is an object ("killed one")
    if cat is None:
        cat = c.extra.get("post") or _right_cue(toks, c)
        how = "right"
    if cat is None and c.prenominal:
        cat, how = c.prenominal, "right"
    if cat is None and c.head in _NOUN_CATEGORY:
        cat, how = _NOUN_CATEGORY[c.head], "noun"
    if cat is not None:
        c.category, c.how = cat, how


def _left_cue(toks: list[_Token], c: _Cand, facts: _SentenceFacts) -> str | None:
    k = c.q - 1
    while k >= 0 and toks[k].low in _DETERMINERS:
        k -= 1
    if k < 0:
        return None
    w = toks[k].low
    if w == "of" and k >= 1:
        return _OF_NOUNS.get(toks[k - 1].low)
    if w in _LEFT_VERBS and (c.head is not None or w not in _LEFT_NEEDS_NOUN):
        return _LEFT_VERBS[w]
    if w in _TAKE_VERBS and c.head in ("hostage", "hostages", "captive", "captives"):
        return "taken hostage"
    if w in _HOLD_VERBS and c.head in _HOSTAGE_NOUNS:
        return "held hostage"
    if w in _FORCE_VERBS and facts.displaced_after(c.last):
        return "displaced"
    # "the death toll rose to 57", "the toll from Sunday's floods stood at 212"
    if w in _TOLL_LINKS:
        for j in range(k - 1, max(-1, k - _TOLL_WINDOW), -1):
            t = toks[j]
            if t.num or not t.is_word:
                break
            if t.low in ("toll", "tolls"):
                if j == 0 or toks[j - 1].low not in ("injury", "casualty"):
                    return "killed"
                break
    return None


def _right_cue(toks: list[_Token], c: _Cand) -> str | None:
    k = c.last + 1
    n = len(toks)
    # a coordinated phrase: "80 hostages and 240 prisoners have been released", "1,900 citizens
    # and their family members have been evacuated"
    if k < n and toks[k].low in ("and", "or"):
        j = k + 1
        while j < n and toks[j].low in ("their", "his", "her", "its", "other"):
            j += 1
        while j < n and j - k <= _MAX_NP and (toks[j].num or (toks[j].is_word
                                                             and not _is_stop(toks[j]))):
            j += 1
        if j > k + 1 and j < n and toks[j].low in _FINITE_AUX:
            k = j
    # a place or time between subject and verb: "60 people in Mexico have died"
    elif k < n and toks[k].low in _PP_PREPOSITIONS:
        j = k + 1
        while j < n and j - k <= _MAX_PP and toks[j].is_word and toks[j].low not in _FINITE_AUX \
                and toks[j].low not in _RELATIVES:
            j += 1
        if j > k + 1 and j < n and toks[j].low in _FINITE_AUX:
            k = j
    # one parenthetical insertion: ", mostly civilians,", "-- flying under ... --"
    if k < n and toks[k].low in (",", "--", "—", "–", "("):
        closer = ")" if toks[k].low == "(" else toks[k].low
        for j in range(k + 1, min(n, k + 2 + _MAX_INSERTION)):
            if toks[j].low == closer:
                if j > k + 1:
                    k = j + 1
                break
    while k < n and toks[k].low in ('"', "“", "”", "'"):
        k += 1
    relative = False
    had_aux = False  # a form of "be": "were killed" is passive, "has killed" is not
    steps = 0
    while k < n and toks[k].low in _AUX and steps < 6:
        if toks[k].low in _RELATIVES:
            relative = True
        else:
            had_aux = had_aux or toks[k].low in _BE
        k += 1
        steps += 1
    cue = _match_right(toks, k, had_aux, relative)
    if cue is not None:
        return cue
    # "One man suffered a heart attack and died"
    for j in range(k, min(n, k + 8) if c.head_kind == "people" else k):
        if not (toks[j].is_word or toks[j].num):
            break
        if toks[j].low == "and" and j + 1 < n and toks[j + 1].low in ("died", "perished"):
            return "killed"
    return None


def _match_right(toks: list[_Token], k: int, had_aux: bool, relative: bool) -> str | None:
    for size in range(_RIGHT_MAX, 0, -1):
        words = tuple(t.low for t in toks[k:k + size])
        if words not in _RIGHT_PHRASES:
            continue
        cat, transitive = _RIGHT_PHRASES[words]
        if transitive and not had_aux:
            if relative:
                return None  # "gunmen who killed five"
            nxt = toks[k + size] if k + size < len(toks) else None
            if nxt is not None and (nxt.num or nxt.low in _OBJECT_START
                                    or (nxt.is_word and nxt.text[0].isupper()
                                        and nxt.low not in _WEEKDAYS and nxt.low not in _MONTHS)):
                return None  # active verb with an object
        return cat
    return None


def _inherit(toks: list[_Token], cands: list[_Cand]) -> None:
    """A number listed with another takes its category: "including 14 soldiers", "-- 80 percent"."""
    for c in cands:
        other = c.extra.get("shared")  # the two ends of a range count the same thing
        if other is not None and (c.category is None) != (other.category is None):
            if c.category is None:
                c.category, c.how = other.category, "inherit"
            else:
                other.category, other.how = c.category, "inherit"
    p: _Cand | None = None  # the latest earlier candidate with a core category
    for idx, c in enumerate(cands):
        if idx > 0:
            before = cands[idx - 1]
            if before.category not in (None, "money", "other"):
                p = before
        if c.category is not None or idx == 0:
            continue
        listed = c.q > 0 and toks[c.q - 1].low in _INCLUDING
        if not _can_be_core(c) and not listed:
            continue  # a counted thing takes a people category only as a listed member
        if p is None:
            continue
        k = c.q - 1
        w = toks[k].low if k >= 0 else ""
        if w in _INCLUDING or (k >= 1 and (toks[k - 1].low, w) in (("of", "whom"), ("among", "them"))):
            c.category, c.how = p.category, "inherit"
        elif p is not cands[idx - 1]:
            continue
        elif w in _APPOSITION_OPENERS:
            c.category, c.how = p.category, "inherit"
        elif 0 < c.q - (p.last + 1) <= 2 and all(t.low in _COORDINATORS or t.low == ","
                                                 for t in toks[p.last + 1:c.q]):
            c.category, c.how = p.category, "inherit"


def _fallback(toks: list[_Token], c: _Cand, facts: _SentenceFacts) -> None:
    """Noun and sentence defaults; then ``other`` for what still counts something."""
    if c.category is not None:
        return
    head = c.head
    core_ok = _can_be_core(c)
    if core_ok and head in _HOSTAGE_NOUNS:
        c.category = "released" if facts.frees_people() else "held hostage"
        c.how = "context"
    elif core_ok and head in _PRISONER_NOUNS and facts.frees_people():
        c.category, c.how = "released", "context"
    elif core_ok and head in _VICTIM_NOUNS and facts.kill_context():
        c.category, c.how = "killed", "context"
    elif _is_population(toks, c):
        c.category, c.how = "population", "noun"
    elif core_ok and c.head_kind == "people" and head in ("passengers", "passenger") \
            and facts.displace_context():
        c.category, c.how = "displaced", "context"
    elif c.head is not None or c.num.kind == "percent" or c.extra.get("relative_other"):
        if c.num.value == 1 and not c.num.digits and not c.num.scaled and c.category is None:
            return  # "one" counting something is a determiner more often than a figure
        c.category, c.how = "other", "other"


def _is_population(toks: list[_Token], c: _Cand) -> bool:
    """"Gaza's 2.3 million population", "a city of 92,000 residents", "home to 20 million people"."""
    if c.head == "population":
        return True
    k = c.q - 1
    w = toks[k].low if k >= 0 else ""
    prev = toks[k - 1].low if k >= 1 else ""
    if (w, prev) == ("of", "population") or (w, prev) == ("to", "home"):
        return True
    if c.value < _POPULATION_MIN:
        return False
    if c.head in _POPULATION_NOUNS:
        return True
    return w == "of" and prev in _PLACE_NOUNS and c.head in ("people", "residents", "inhabitants")


def _frees_people(toks: list[_Token]) -> bool:
    """Whether the sentence frees people (not "released a video")."""
    for k, t in enumerate(toks):
        if t.low not in _RELEASE_WORDS:
            continue
        if t.low == "set" and not (k + 1 < len(toks) and toks[k + 1].low == "free"):
            continue
        prev = toks[k - 1].low if k else ""
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if prev in _AUX or nxt is None or nxt.num or not nxt.is_word or _is_people(nxt) \
                or nxt.low in ("more", "another", "all", "the") and k + 2 < len(toks) \
                and (toks[k + 2].num or _is_people(toks[k + 2])):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Source and place


def _sources(text: str, sent: Span) -> list[tuple[str, Span]]:
    """Everyone the sentence attributes something to ("according to X", "X said", "said X")."""
    s = sent.of(text)
    out: list[tuple[str, Span]] = []
    taken = bytearray(len(s))  # characters of the sentence inside a kept source (they never overlap)
    for pat in _SOURCE_PATTERNS:
        for m in pat.finditer(s):
            start, end = sent.start + m.start("src"), sent.start + m.end("src")
            src = text[start:end]
            words = src.lower().split()
            if not words or words[0] in _PRONOUNS or len(words) > _MAX_SOURCE_WORDS \
                    or any(ch.isdigit() for ch in src):
                continue
            if words[0] == "the" and len(words) > 1:  # "the army" -> "army"
                start += len(src) - len(src[3:].lstrip())
            if taken.find(1, start - sent.start, end - sent.start) < 0:
                out.append((text[start:end], Span(start, end)))
                taken[start - sent.start:end - sent.start] = b"\x01" * (end - start)
    return out
