"""Who speaks: noun phrases next to cue verbs, and the actor each one refers to.

This module holds the language side of quote attribution, shared by :mod:`.quotes`:

* a small tokenizer over one paragraph in which every quotation is a single ``Q`` token, so the
  words of a quotation never look like attribution ("He said ...," she said);
* cue-verb lexicon and a rule-based noun-phrase chunker working left of a cue (``X said``,
  ``the official, who wasn't named, said``) and right of it (``said George Issac, a member ...``);
* :class:`Resolver`, built once per article, turning a speaker phrase into a canonical speaker:
  titles and surnames map to the longest full name used in the article (``Mr Blinken`` and
  ``the secretary of state`` become ``Antony Blinken``), pronouns to the most recent compatible
  speaker or sentence subject, definite descriptions (``the official``, ``the statement``) to the
  unnamed source or issuer introduced earlier, and unnamed sources keep their description.

Why rules and not a parser: the trained spaCy pipelines are not installable here (see
shared/DEPENDENCIES.md) and news attribution is highly formulaic; the chunker below is a few
hundred microseconds per article. Entities from :mod:`.entities` are used when given (their
canonical names and types win); without them the article's own capitalised runs are the index.

Long pages (live blogs, transcripts: thousands of referents) are resolved in time linear in their
length: every look-back ("the latest organisation that spoke", "the latest person she can be")
goes through lists of the referents of each kind, mentions and roles are bisected, and canonical
names are computed once per name, where scanning everything for every pronoun was quadratic
(a 250 KB page: 15 s before, 1.3 s after). The answers are those of the plain scans.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..budget import check
from ..model import Entity, Span
from .entities import org_full_name
from .segment import ABBREVIATIONS

# ---------------------------------------------------------------------------------------------
# Tokens

#: A long paragraph is tokenized in pieces of this many characters, with the time budget
#: (storyline.budget) checked between them.
_CHUNK = 1 << 16

#: Token kinds: W word, P punctuation, Q a whole quotation (marks included).
W, P, Q = "W", "P", "Q"

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # initials and dotted acronyms: P.J.  U.S.
    r"|[^\W_](?:[\w'\u2019.&-]*[^\W_])?"  # words, with inner apostrophes, hyphens, periods
    r"|--|\S"
)


class Token:
    """A word, a punctuation mark or a whole quotation, with its offsets into the article text."""

    __slots__ = ("text", "start", "end", "kind", "quote", "low", "is_cap")

    def __init__(self, text: str, start: int, end: int, kind: str, quote: int = -1):
        self.text = text
        self.start = start
        self.end = end
        self.kind = kind
        self.quote = quote  # index of the quotation for Q tokens
        low = text.lower()
        self.low = low.replace("\u2019", "'") if "\u2019" in low else low
        self.is_cap = kind == W and (text[0].isupper() or "-" in text and
                                     _PARTICLE_CAP.match(text) is not None)

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.kind})"


_PARTICLE_CAP = re.compile(r"(?:al|el|ad|as|ash|bin|ibn|abu|de|da|di|du|le|la)-[A-Z]")


def tokenize(text: str, start: int, end: int, quotes: list[tuple[int, int, int]]) -> list[Token]:
    """Tokens of ``text[start:end]``; each ``(open, close_end, index)`` of ``quotes`` is a Q token."""
    out: list[Token] = []
    pos = start
    for q_start, q_end, qi in sorted(quotes):
        _words(text, pos, q_start, out)
        out.append(Token(text[q_start:q_end], q_start, q_end, Q, qi))
        pos = q_end
    _words(text, pos, end, out)
    return out


def _words(text: str, start: int, end: int, out: list[Token]) -> None:
    # A long stretch is read in pieces cut at whitespace, checking the time budget between them:
    # a token never holds whitespace and the pattern looks at nothing around it, so the tokens
    # are the same.
    while end - start > _CHUNK:
        cut = text.find(" ", start + _CHUNK, end)
        if cut < 0:
            break
        _words(text, start, cut, out)
        check()
        start = cut
    for m in _TOKEN.finditer(text, start, end):
        s = m.group()
        b = m.start()
        if s[0].isalnum():
            out.append(Token(s, b, b + len(s), W))
            continue
        # "Mr." "Cmdr." "Jan." keep their period, so it is not taken for a sentence end
        if s == "." and out and out[-1].kind == W and out[-1].end == b and \
                out[-1].low.replace(".", "") in ABBREVIATIONS:
            prev = out.pop()
            out.append(Token(prev.text + ".", prev.start, b + 1, W))
            continue
        out.append(Token(s, b, b + len(s), P))


# ---------------------------------------------------------------------------------------------
# Lexicon

def _forms(*stems: str) -> frozenset[str]:
    return frozenset(w for s in stems for w in s.split())


#: Verbs (and participles) that introduce or attribute speech. Also verbs that frame partial
#: quotations in news ("demanded an "immediate ceasefire"", "called it a "turning point"").
CUE_VERBS = _forms(
    "said say says saying told tell tells telling added add adds adding",
    "stressed stresses stressing urged urges urging warned warns warning",
    "insisted insists insisting",
    "explained explains explaining noted notes noting asked asks asking replied replies replying",
    "declared declares declaring announced announces announcing acknowledged acknowledges",
    "acknowledging admitted admits admitting argued argues arguing claimed claims claiming",
    "confirmed confirms confirming wrote writes writing tweeted tweets tweeting posted",
    "shouted shouts shouting yelled yells yelling chanted chant chants chanting cried cries crying",
    "screamed screaming read reads reading reported reports reporting recalled recalls recalling",
    "remarked remarks suggested suggests suggesting vowed vows vowing pledged pledges pledging",
    "promised promises promising predicted predicts predicting repeated repeats repeating",
    "reiterated reiterates reiterating stated states stating testified testifies testifying",
    "concluded complained complains complaining conceded concedes conceding countered counters",
    "cautioned cautions cautioning demanded demands demanding accused accuses accusing",
    "described describes describing called calls calling denied denies denying agreed",
    "emphasised emphasises emphasising emphasized emphasizes emphasizing observed quipped",
    "responded responds responding retorted revealed reveals revealing whispered boasted",
    "lamented laments protested charged alleged alleges alleging maintained maintains contended",
    "assured assures cited cites citing hailed hails hailing condemned condemns condemning",
    "denounced denounces denouncing praised praises praising welcomed welcomes welcoming",
    "criticised criticises criticising criticized criticizes criticizing slammed slams blasted",
    "branded brands branding labelled labeled termed terms dubbed exclaimed proclaimed pleaded",
    "begged implored advised advises answered answers commented comments informed recounted",
    "snapped speculated swore swears threatened threatens threatening wondered sang sung",
    "joked jokes joking sighed muttered estimated estimates predicted affirmed affirms",
    "briefed announced mused continued blamed blames blaming sings sing singing compared",
    "compares comparing likened asserted asserts asserting",
    # base forms: "took to Twitter to accuse", "did not say"
    "accuse warn urge insist explain declare announce acknowledge admit argue claim confirm",
    "write tweet shout yell cry scream recall suggest vow pledge promise predict repeat",
    "reiterate testify complain concede caution demand describe call deny emphasise emphasize",
    "respond reveal protest allege maintain assure cite hail condemn denounce praise welcome",
    "criticise criticize slam blast brand label dub proclaim plead urge answer comment blame",
)
#: Cue verbs that only attribute when they stand next to the quotation ("," he continued).
POST_ONLY_CUES = frozenset({"continued", "read", "reads"})
#: Verbs that hold up signs, banners and placards.
HOLD_VERBS = _forms("held hold holds holding carried carry carrying waved wave waving bearing bore",
                    "raised raising brandished brandishing displayed displaying wore wearing",
                    "hoisted hoisting")
AUX = _forms("has have had having is was were are be been being will would could should may might",
             "can did does do not n't never also then later earlier again meanwhile however",
             "previously repeatedly recently once now already reportedly publicly privately",
             "separately further first subsequently still just only even finally initially",
             "originally yet too")
TIME_WORDS = _forms("today yesterday tonight tomorrow morning afternoon evening night overnight",
                    "monday tuesday wednesday thursday friday saturday sunday week weekend month",
                    "year last this next earlier later day days ago recently weeks months")
PREPOSITIONS = _forms("in on at with from to for by during after before near outside inside since",
                      "about against over under into through via among amid across behind like",
                      "without within per toward towards upon onto off out up down around",
                      "following despite")
#: Words that end a noun phrase scanning left or right.
BOUNDARY = _forms("that and but or because while when if whether although though so where who",
                  "which whom whose what as than nor unless until whereas")
DETERMINERS = _forms("a an the this these those one another some several many his her its their",
                     "our my your two three four five six seven eight nine ten dozens hundreds",
                     "thousands both each every any no")
RELATIVE = frozenset({"who", "which", "whose", "whom", "that"})
PRONOUNS = {"he": "m", "she": "f", "they": "pl", "it": "org", "we": "pl", "i": None, "you": None}
#: Sentence-initial words that are not names and not subjects.
LEADING_ADVERBS = _forms("but and however meanwhile earlier indeed still yet so also now later",
                         "separately instead then moreover further furthermore nonetheless",
                         "nevertheless finally again elsewhere similarly likewise thus hence",
                         "overall besides")

#: Words that make a capitalised run a title or a role rather than a name ("Prime Minister").
TITLE_WORDS = _forms(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady",
    "president vice prime minister secretary secretary-general general chancellor spokesman",
    "spokeswoman spokesperson senator sen sen. rep rep. representative governor gov gov. mayor",
    "ambassador commissioner director director-general chairman chairwoman chair chief executive",
    "ceo cfo coo judge justice attorney lt lt. col col. colonel gen gen. maj maj. major capt capt.",
    "captain cmdr cmdr. commander sgt sgt. sergeant adm adm. admiral rev rev. reverend cardinal",
    "archbishop bishop rabbi deputy foreign defense defence interior finance health state press",
    "leader speaker officer envoy negotiator official head founder premier president-elect",
    "minister-president economist analyst spokesman correspondent editor chairperson",
    "undersecretary under-secretary ayatollah pope mufti imam field marshal superintendent",
    "inspector detective constable chief-executive co-founder emir",
    # party and campaign labels before a name: "Republican Donald Trump", "rival X"
    "republican democratic democrat independent conservative labour liberal rival nominee",
    "candidate presidential former incumbent activist",
)
#: Capitalised words that mark an organisation name.
ORG_WORDS = _forms(
    "ministry agency reserve bank nations union council army forces force police government",
    "office house department committee commission organization organisation party court",
    "institute institution university hospital news tv television radio times post guard guards",
    "corps authority brigades movement front group company corporation corp inc ltd llc plc",
    "association federation foundation fund programme program service services center centre",
    "watch international alliance coalition board bureau administration cabinet parliament",
    "congress senate assembly brothers network journal initiative command navy secretariat",
    "church club league society trust unit division embassy consulate airways airlines exchange",
    "agency daily herald tribune telegraph guardian observer gazette press kitchen industries",
    "holdings partners capital securities investments insurance motors systems technologies",
    "labs laboratories clinic school college academy ministry's",
)
#: Capitalised words that mark a place name.
LOC_WORDS = _forms("city square street strip province region valley river sea island islands",
                   "mountain mountains airport port road avenue gulf coast desert district county",
                   "heights peninsula canal bay lake highway crossing border camp town village")
#: Lower-case head nouns of organisations speaking as such ("the army said").
ORG_NOUNS = _forms(
    "army military ministry government police agency alliance organisation organization group",
    "movement company firm bank office department administration committee commission council",
    "court authority authorities media television tv radio newspaper network embassy cabinet",
    "parliament party union militia regime presidency campaign forces force navy service board",
    "bureau team club institute university hospital charity coalition junta secretariat",
    "prosecutors prosecution presidency spokesman's broadcaster channel outlet website",
    "command unit body brigades wing faction insurer bank lender operator",
)
#: Generic organisation heads a definite description refers back with ("the alliance said").
ANAPHORIC_ORG_NOUNS = _forms("alliance organisation organization group movement company firm body",
                             "agency ministry insurer lender bank network broadcaster")
#: Documents that "say" things on behalf of whoever issued them.
DOC_NOUNS = _forms("statement statements report reports communique communiqué release letter note",
                   "memo message video post tweet document notice bulletin announcement editorial",
                   "filing transcript")
#: Leaflets speak for themselves (the annotators keep them); signs speak for their holders.
LEAFLET_NOUNS = _forms("leaflet leaflets flyer flyers flier fliers pamphlet pamphlets")
SIGN_NOUNS = _forms("sign signs banner banners placard placards poster posters t-shirt t-shirts",
                    "shirt shirts graffiti billboard billboards")
MALE_WORDS = _forms("mr mr. king prince sir lord father husband brother son man boy spokesman",
                    "chairman uncle grandfather male sheikh emir nephew")
FEMALE_WORDS = _forms("mrs mrs. ms ms. miss queen princess dame lady mother wife sister daughter",
                      "woman girl spokeswoman chairwoman aunt grandmother female niece widow")
#: Words that are capitalised at a sentence start but are never part of a name.
_NOT_NAMES = (DETERMINERS | BOUNDARY | PREPOSITIONS | LEADING_ADVERBS | AUX
              | (CUE_VERBS - {"said"}) | TIME_WORDS | frozenset(PRONOUNS) | _forms(
                  "asked speaking appearing responding according following speaking addressing",
                  "january february march april may june july august september october november",
                  "december there here it's this that"))
#: A handful of common abbreviations and the full names the annotators use for them.
_COUNTRY_ACRONYMS = frozenset({"US", "U.S.", "UK", "U.K.", "UAE", "USA", "U.S.A."})


_NOT_ADVERBS = _forms("family assembly rally ally italy july supply reply daily weekly monthly",
                      "anomaly monopoly fly belly bully holly lily emily kelly molly sally")


def is_adverb(tok: Token) -> bool:
    """"-ly" words other than nouns that end that way ("family", "rally")."""
    return tok.kind == W and not tok.is_cap and tok.low.endswith("ly") and len(tok.low) > 4 \
        and tok.low not in _NOT_ADVERBS


def is_cue(tok: Token) -> bool:
    return tok.kind == W and tok.text in CUE_VERBS  # case-sensitive: "Said El Sisi" is a name


def is_participle(tok: Token) -> bool:
    return tok.low.endswith("ing")


def _np_word(t: Token) -> bool:
    """Whether a token can stand inside a noun phrase."""
    if t.kind != W:
        return False
    low = t.low
    if low in BOUNDARY or low in AUX or (low in PREPOSITIONS) or low in PRONOUNS and not t.is_cap:
        return False
    if t.text in CUE_VERBS:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Noun phrases


@dataclass(frozen=True, slots=True)
class Phrase:
    """A speaker phrase: token range ``[i, j)`` of a paragraph's tokens, with an apposition role."""

    i: int
    j: int
    role: tuple[int, int] | None = None  # token range of an apposition ("a member of ...")
    relative: bool = False  # found through a relative pronoun ("a woman who suggested")


COORDINATED = Phrase(-1, -1)  # the cue's subject is the previous verb's ("claimed ... and called")


_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash)-")  # "al-Rishawi" is "Ms Rishawi"
_PARTY = re.compile(r"[RDI]-[A-Z][a-z]*\.?$")


#: Lower-case role nouns that stand before a name ("rebel X", "resident X", "partner X").
ROLE_NOUNS = _forms("rebel resident partner wife husband son daughter mother father brother",
                     "sister friend colleague lawyer aide adviser advisor economist analyst",
                     "strategist historian professor student teacher doctor nurse commander",
                     "fighter activist witness neighbour neighbor owner worker veteran expert",
                     "host anchor reporter correspondent columnist author writer singer actor",
                     "star coach player manager chef farmer pastor priest cleric businessman",
                     "businesswoman entrepreneur investor banker trader voter protester supporter",
                     "critic opponent rival pollster candidate nominee contender")
#: Head nouns of unnamed people ("a senior official", "one analyst", "residents").
PERSON_HEADS = ROLE_NOUNS | _forms(
    "official source spokesman spokeswoman spokesperson diplomat man woman men women people",
    "person resident witness observer insider aide member militant soldier officer employee",
    "staffer volunteer villager refugee local youth boy girl child children guard policeman",
    "medic paramedic journalist negotiator mediator minister leader executive envoy",
    "representative passenger driver shopkeeper survivor victim relative neighbour neighbor",
    "lawmaker legislator senator diplomat demonstrator protester protestor crowd family",
    "scientist researcher specialist consultant director organiser organizer campaigner",
    "chanter holder marcher mourner relative cousin uncle aunt grandmother grandfather",
    "spokesmen spokeswomen militia gunman gunmen")


def _segment_before(toks: list[Token], j: int, lo: int) -> int:
    """Start of the comma-delimited segment ending at ``j`` (inclusive)."""
    k = j
    while k >= lo and not (toks[k].kind == P and toks[k].text in ",;:") and toks[k].kind != Q:
        k -= 1
    return k + 1


def _is_name_segment(toks: list[Token], i: int, j: int) -> bool:
    """Whether tokens ``[i, j)`` end in a capitalised name run (after optional role words)."""
    if i >= j or not all(_np_word(t) for t in toks[i:j]):
        return False
    if not all(t.is_cap or t.low in ("of", "bin", "ibn", "al", "abu") for t in toks[i:j]):
        return False
    return toks[i].is_cap and toks[j - 1].is_cap and toks[j - 1].low not in _NOT_NAMES


def _is_description(toks: list[Token], i: int, j: int) -> bool:
    """An appositive description: "the deputy prime minister of Jordan", "a member of ...", "35"."""
    if i >= j:
        return False
    first = toks[i]
    if first.kind == W and first.text.isdigit() and j - i == 1:
        return True  # age
    if first.low in ("the", "a", "an") and j - i > 3 and all(_np_word(t) or t.low == "of"
                                                         for t in toks[i:i + 3]):
        return True  # "the executive director at the Center ... and whose ..."
    if not all(_np_word(t) or t.low in ("of", "and") or t.low in PREPOSITIONS for t in toks[i:j]):
        return False
    return first.low in DETERMINERS or not first.is_cap or any(
        t.low in TITLE_WORDS for t in toks[i:j])


def phrase_left(toks: list[Token], c: int, lo: int) -> Phrase | None:
    """The subject noun phrase of the cue at token ``c``, looking left no further than ``lo``."""
    j = c - 1
    while True:
        # adverbs, auxiliaries and time expressions between subject and verb
        while j >= lo and toks[j].kind == W and (
                toks[j].low in AUX or toks[j].low in TIME_WORDS or is_adverb(toks[j])
                or toks[j].low in ("on", "in", "at", "this", "last")
                and j + 1 < c and toks[j + 1].low in TIME_WORDS):
            j -= 1
        if j < lo:
            return None
        t = toks[j]
        if t.kind == P and t.text == ")":
            # "Rep. Jason Chaffetz (R-Utah) said"
            k = j - 1
            while k >= lo and toks[k].text != "(":
                k -= 1
            if k < lo:
                return None
            j = k - 1
            continue
        if t.kind == P and t.text == ",":
            s = _segment_before(toks, j - 1, lo)
            if s >= j:
                return None
            first = toks[s]
            if first.low in ("who", "which", "whose") or (first.text.isdigit() and j - s == 1) \
                    or _PARTY.match(first.text) and j - s <= 2 or \
                    first.low in PREPOSITIONS and s - 1 >= lo and toks[s - 1].text == ",":
                # a relative clause, an age, a party and state ("R-Ky."), or an aside
                # (", at a later press gaggle,"): skip it
                j = s - 2 if s - 1 >= lo and toks[s - 1].text == "," else s - 1
                continue
            if _is_name_segment(toks, s, j):
                return Phrase(s, j)
            if _is_description(toks, s, j) and s - 1 > lo and toks[s - 1].text == ",":
                s2 = _segment_before(toks, s - 2, lo)
                if _is_name_segment(toks, s2, s - 1):
                    return Phrase(_trim_left(toks, s2, s - 1), s - 1, role=(s, j))
            if _is_description(toks, s, j) and all(_np_word(x) or x.low == "of" for x in toks[s:j]):
                return Phrase(_trim_left(toks, s, j), j)
            return None
        if t.kind != W:
            return None
        if t.low in ("and", "but") and j == c - 1 or t.low in ("and", "but") and \
                all(x.low in AUX for x in toks[j + 1:c]):
            return COORDINATED
        if t.low in PRONOUNS:
            if j - 1 >= lo and toks[j - 1].low == "what":
                return Phrase(j, j + 1)
            return Phrase(j, j + 1)
        if t.low in RELATIVE and t.low != "that":
            # "a dealer who writes": the antecedent
            k = j - 1
            if k >= lo and toks[k].text == ",":
                k -= 1
            if k < lo:
                return None
            end = k + 1
            start = _collect_left(toks, k, lo)
            return Phrase(_trim_left(toks, start, end), end, relative=True) if start < end else None
        if not _np_word(t):
            return None
        end = j + 1
        start = _collect_left(toks, j, lo)
        if start >= end:
            return None
        before = toks[start - 1] if start - 1 >= lo else None
        if before is not None and before.kind == W and before.low in PREPOSITIONS \
                and before.low != "of":
            # a prepositional phrase ("in a phone call with Netanyahu"): skip it
            j = start - 2
            continue
        return Phrase(_trim_left(toks, start, end), end)


def _collect_left(toks: list[Token], j: int, lo: int) -> int:
    """Start index of the noun phrase ending at token ``j`` (inclusive)."""
    k = j
    while k >= lo:
        t = toks[k]
        if t.low in TIME_WORDS and not t.is_cap:
            break
        if _np_word(t):
            if not t.is_cap and k < j and all(x.is_cap for x in toks[k + 1:j + 1]) and \
                    t.low not in TITLE_WORDS and t.low not in DETERMINERS and \
                    not t.low.endswith(("'s", "s'")) and t.low not in ROLE_NOUNS:
                break  # "In a Bloomberg interview Trump declared": "interview" is not his
            k -= 1
            if t.low in DETERMINERS and not (k >= lo and toks[k].low == "of"):
                break  # a determiner opens the phrase ("an incident the alliance described")
            continue
        if t.low == "of" and k - 1 >= lo and _np_word(toks[k - 1]):
            k -= 1
            continue
        # "a source close to Hamas", "officials loyal to ..."
        if t.low in ("to", "with") and k - 1 >= lo and toks[k - 1].low in (
                "close", "loyal", "linked", "allied", "familiar", "near", "affiliated", "tied",
                "connected", "aligned", "sympathetic", "opposed"):
            k -= 2
            continue
        # "The statement from NATO"
        if t.low in ("from", "by") and k - 1 >= lo and toks[k - 1].low in DOC_NOUNS:
            k -= 1
            continue
        break
    return k + 1


def _trim_left(toks: list[Token], i: int, j: int) -> int:
    """Drops sentence-initial adverbs and conjunctions from a phrase ("But Issac")."""
    while i < j - 1 and (toks[i].low in LEADING_ADVERBS or toks[i].low in ("according",)):
        i += 1
    return i


def phrase_right(toks: list[Token], c: int, hi: int) -> Phrase | None:
    """The noun phrase after an inverted cue: ``"...," said George Issac, a member of ...``."""
    i = c + 1
    if i >= hi:
        return None
    if toks[i].low in PRONOUNS and toks[i].low != "it":
        return Phrase(i, i + 1)
    j = i
    while j < hi:
        t = toks[j]
        if _np_word(t) or t.low == "of" and j > i:
            j += 1
            continue
        if t.low in ("to", "with") and j > i and toks[j - 1].low in ("close", "loyal", "linked"):
            j += 1
            continue
        break
    # a trailing "of" ("member of") without its object is not part of the phrase
    while j > i and toks[j - 1].low == "of":
        j -= 1
    if j == i or all(t.low in TIME_WORDS or t.low in _MONTHS for t in toks[i:j]):
        return None
    role = None
    if j < hi and toks[j].text == "," and j + 1 < hi:
        k = j + 1
        while k < hi and (_np_word(toks[k]) or toks[k].low in PREPOSITIONS or toks[k].low == "of"):
            k += 1
        if _is_description(toks, j + 1, k):
            role = (j + 1, k)
    return Phrase(i, j, role)


def subject_at_start(toks: list[Token], s: int, e: int, breaks: list[int] | None = None) -> Phrase | None:
    """The subject of a sentence, past fronted adverbials ("In a statement, ...", "On Monday").

    ``breaks``: the sorted indices of the paragraph's commas and quotations, if the caller has
    them (then a fronted adverbial's end is found by bisection, not by a scan to ``e``)."""
    i = s
    while i < e and toks[i].low in LEADING_ADVERBS and toks[i].kind == W:
        i += 1
        if i < e and toks[i].text == ",":
            i += 1
    if i >= e:
        return None
    first = toks[i]
    if first.low in PREPOSITIONS and i + 1 < e and (toks[i + 1].low in TIME_WORDS
                                                    or toks[i + 1].low in _MONTHS):
        # "On Tuesday Moody's changed ...", "On Monday, the military announced ..."
        i += 1
        while i < e and (toks[i].low in TIME_WORDS or toks[i].low in _MONTHS
                         or toks[i].text[:1].isdigit()):
            i += 1
        if i < e and toks[i].text == ",":
            i += 1
        if i >= e:
            return None
        first = toks[i]
    fronted = first.low in PREPOSITIONS or first.low in ("asked", "speaking", "when", "while",
                                                         "as", "after", "before", "if", "once",
                                                         "although", "though", "because") \
        or first.low.endswith("ing") or first.low in TIME_WORDS
    if fronted:
        if breaks is None:
            comma = next((k for k in range(i, e) if toks[k].text == "," or toks[k].kind == Q), None)
        else:
            b = bisect.bisect_left(breaks, i)
            comma = breaks[b] if b < len(breaks) and breaks[b] < e else None
        if comma is not None and toks[comma].text == ",":
            i = comma + 1
        else:
            # "On Tuesday Moody's changed": skip the preposition and its time words
            i += 1
            while i < e and (toks[i].low in TIME_WORDS or toks[i].text[:1].isdigit()):
                i += 1
    if i >= e or toks[i].kind != W:
        return None
    if toks[i].low in PRONOUNS:
        return Phrase(i, i + 1)
    j = i
    seen_cap = False
    det_first = toks[i].low in DETERMINERS
    while j < e and _np_word(toks[j]):
        t = toks[j]
        if seen_cap and not t.is_cap and not toks[j - 1].low.endswith(("'s", "s'")):
            # "The US president, George Bush", "The US secretary of state Antony Blinken said"
            ahead = j
            while ahead < min(e, j + 4) and not toks[ahead].is_cap and (
                    _np_word(toks[ahead]) or toks[ahead].low == "of"):
                ahead += 1
            if not (det_first and ahead < e and (toks[ahead].is_cap or toks[ahead].text == ",")):
                break
            j = ahead
            continue
        seen_cap = seen_cap or t.is_cap
        j += 1
        if t.low.endswith("'s") and j < e and not toks[j].is_cap:
            # "Netanyahu's office put out ...": the possessed noun only
            if j < e and _np_word(toks[j]):
                j += 1
            break
    if j == i:
        return None
    role = None
    if j < e and toks[j].text == ",":
        k = j + 1
        while k < e and (_np_word(toks[k]) or toks[k].low == "of"):
            k += 1
        if k < e and toks[k].text == "," and _is_name_segment(toks, j + 1, k) \
                and _is_description(toks, i, j):
            return Phrase(j + 1, k, role=(i, j))  # "The US president, George Bush, ..."
    return Phrase(i, j, role)


# ---------------------------------------------------------------------------------------------
# Names


def name_tokens(toks: list[Token], i: int, j: int) -> tuple[int, int] | None:
    """The trailing name run of a phrase, titles and role words stripped: ``(start, end)``."""
    k = j
    while k > i and toks[k - 1].is_cap and toks[k - 1].low not in _NOT_NAMES:
        k -= 1
    # particles inside a run: "Abu Musab al-Zarqawi", "Osama bin Laden"
    while k - 2 >= i and toks[k - 1].low in ("bin", "ibn", "al", "el", "abu", "de", "van", "von",
                                              "da", "di", "le", "la") and toks[k - 2].is_cap:
        k -= 2
        while k > i and toks[k - 1].is_cap and toks[k - 1].low not in _NOT_NAMES:
            k -= 1
    if k >= j:
        return None
    if k - 2 >= i and toks[k - 1].low == "of" and toks[k - 2].is_cap:
        # "King Abdullah II of Jordan" names the king; "Bank of America" is one name
        k2 = k - 1
        while k2 > i and toks[k2 - 1].is_cap and toks[k2 - 1].low not in _NOT_NAMES:
            k2 -= 1
        words = [t.text for t in toks[k2:j]]
        if is_org_name(words):
            k = k2
        elif k2 < k - 1 and (not any(t.low in TITLE_WORDS for t in toks[k2:k - 1]) or
                             toks[k - 2].low not in TITLE_WORDS):
            j, k = k - 1, k2
    # strip titles: keep what follows the last title word ("Israeli Prime Minister Benjamin ...")
    last_title = None
    for x in range(k, j):
        if toks[x].low in TITLE_WORDS:
            last_title = x
    if last_title is not None and is_org_name([t.text for t in toks[last_title + 1:j]] or ["-"]) \
            or last_title == j - 1 and is_org_name([t.text for t in toks[k:j]]):
        return (k, j)  # "World Health Organization": "Health" is not a title here
    if last_title is not None:
        if last_title == j - 1:
            return None  # "the Prime Minister"
        k = last_title + 1
    # "UN-backed Integrated ...", "Hamas-run": attributive compounds are not part of the name
    while k < j - 1 and re.search(r"-[a-z]+$", toks[k].text):
        k += 1
    # "of State" after "Secretary" leaves "State": drop stray leading title fragments
    while k < j - 1 and toks[k].low in ("state", "of"):
        k += 1
    return (k, j) if k < j else None


_POSSESSIVE = re.compile(r"['\u2019]s$")
_ACRONYM = re.compile(r"[A-Z][A-Z.&]{1,7}")
_PLAIN_ACRONYM = re.compile(r"[A-Z]{2,6}")
_ROMAN = re.compile(r"[IVX]+")


def is_org_name(words: list[str]) -> bool:
    if any(_POSSESSIVE.sub("", w.lower()) in ORG_WORDS for w in words):
        return True
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]) and words[0] not in _COUNTRY_ACRONYMS:
        return True
    if len(words) > 1 and any(_PLAIN_ACRONYM.fullmatch(w) and w not in _COUNTRY_ACRONYMS
                              and not _ROMAN.fullmatch(w) for w in words):
        return True  # "BBC Scotland", "CNN International"
    return False


def is_loc_name(words: list[str]) -> bool:
    return any(w.lower() in LOC_WORDS for w in words)


def _gender_of_words(words) -> str | None:
    for w in words:
        lw = w.lower()
        if lw in MALE_WORDS:
            return "m"
        if lw in FEMALE_WORDS:
            return "f"
    return None


@dataclass
class Referent:
    """Something a later pronoun or description may point back to."""

    pos: int
    name: str
    type: str | None  # PERSON, ORG or None
    anonymous: bool
    span: Span
    speaker: bool  # it spoke (cue subject), rather than only being a sentence subject
    plural: bool = False
    head: str = ""
    gender: str | None = None
    roles: tuple[str, ...] = ()
    doc_issuer: bool = False  # spoke "in a statement"


@dataclass
class Speaker:
    name: str | None
    type: str | None
    anonymous: bool
    span: Span | None
    referent: Referent | None = None


class _EntityIndex:
    """The article's entity mentions sorted by offset, and its names, aliases and surnames, so that
    finding the entity at a span does not scan every mention (long pages hold thousands).
    ``entity_for`` answers what a scan of the entities in order would: the largest overlap, people
    and organisations first, the earliest entity and mention on ties."""

    def __init__(self, entities: tuple[Entity, ...]) -> None:
        rows = []
        for ei, e in enumerate(entities):
            if e.type not in ("PERSON", "ORG", "GPE", "LOC"):
                continue
            people = e.type in ("PERSON", "ORG")
            for mi, m in enumerate(e.mentions):
                rows.append((m.start, m.end, people, ei, mi, e))
        rows.sort(key=lambda r: r[0])
        self.rows = rows
        self.starts = [r[0] for r in rows]
        self.longest = max((r[1] - r[0] for r in rows), default=0)
        self.by_name: dict[str, Entity] = {}
        self.by_surname: dict[str, Entity] = {}
        for e in entities:
            if e.type in ("PERSON", "ORG"):
                for n in (e.name, *e.aliases):
                    self.by_name.setdefault(n, e)
            if e.type == "PERSON" and e.name.split():
                self.by_surname.setdefault(e.name.split()[-1], e)

    def entity_for(self, span: Span, name: str) -> Entity | None:
        lo = bisect.bisect_right(self.starts, span.start - self.longest)
        hi = bisect.bisect_left(self.starts, span.end)
        best, best_key = None, None
        for start, end, people, ei, mi, e in self.rows[lo:hi]:
            if start < span.end and span.start < end:
                key = (people, min(end, span.end) - max(start, span.start), -ei, -mi)
                if best_key is None or key > best_key:
                    best, best_key = e, key
        if best is not None:
            return best
        hit = self.by_name.get(name)
        if hit is not None:
            return hit
        if " " not in name:
            return self.by_surname.get(name)
        return None


# Up to this many roles are scanned; more are indexed by word (typical articles have a handful).
_FEW_ROLES = 64


class _Skipper:
    """Walks a growing list backwards skipping the entries dropped so far (a union-find over
    indices, each pointing at the nearest entry before it that may still be live)."""

    def __init__(self) -> None:
        self.parent: list[int] = []

    def grow(self, n: int) -> None:
        self.parent.extend(range(len(self.parent), n))

    def truncate(self, n: int) -> None:
        del self.parent[n:]  # pointers only ever go backwards: what is left stays valid

    def find(self, k: int) -> int:
        """The last live index at or before ``k``, or -1."""
        root = k
        while root >= 0 and self.parent[root] != root:
            root = self.parent[root]
        while k > root and self.parent[k] != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def drop(self, k: int) -> None:
        self.parent[k] = k - 1


class _ReferentIndex:
    """The history's referents by kind, as lists of history indices in the order remembered."""

    def __init__(self) -> None:
        self.lists: dict[str, list[int]] = {}
        self.skippers: dict[str, _Skipper] = {}

    def add(self, k: int, ref: Referent) -> None:
        kinds = []
        if ref.speaker and ref.doc_issuer:
            kinds.append("issuer")
        if ref.speaker and ref.type == "ORG":
            kinds.append("org-speaker")
        if ref.plural or ref.speaker and ref.type == "ORG":
            kinds.append("plural")
        if ref.type == "PERSON" and not ref.anonymous:
            kinds.append("named-person")
        if ref.anonymous:
            kinds.append("anonymous-head:" + ref.head)
        if ref.type == "ORG":
            kinds.extend("org-word:" + w for w in dict.fromkeys(ref.name.lower().split()))
            kinds.append("org-head:" + ref.head)
        for kind in kinds:
            self.lists.setdefault(kind, []).append(k)

    def skipper(self, key: str, n: int) -> _Skipper:
        skip = self.skippers.setdefault(key, _Skipper())
        skip.grow(n)
        return skip

    def truncate(self, n: int) -> None:
        for indices in self.lists.values():
            while indices and indices[-1] >= n:
                indices.pop()
        for skip in self.skippers.values():
            skip.truncate(n)


@dataclass
class Resolver:
    """Per-article index of names, genders and roles, and the running list of referents."""

    text: str
    entities: tuple[Entity, ...] = ()
    full_names: dict[str, list[str]] = field(default_factory=dict)  # surname/first -> full names
    gender: dict[str, str] = field(default_factory=dict)  # canonical name -> m/f
    roles: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, role words, name)
    history: list[Referent] = field(default_factory=list)
    prev_toks: list[Token] = field(default_factory=list)  # the previous paragraph's tokens
    mentions: list[tuple[int, str, bool, Span]] = field(default_factory=list)  # person names
    window_start: int = 0  # referents from here on are "recent" (set per paragraph)
    _entity_index: _EntityIndex | None = field(default=None, init=False, repr=False)
    _full_name_keys: set[tuple[str, str]] = field(default_factory=set, init=False, repr=False)
    _canonical: dict[str, str] | None = field(default=None, init=False, repr=False)
    _one_word_best: dict[str, tuple[int, str | None, str | None]] = field(default_factory=dict, init=False,
                                                                          repr=False)
    _refs: _ReferentIndex = field(default_factory=lambda: _ReferentIndex(), init=False, repr=False)
    _mention_positions: list[int] = field(default_factory=list, init=False, repr=False)
    _mention_skips: dict[str, _Skipper] = field(default_factory=dict, init=False, repr=False)
    _roles_by_word: dict[str, list[int]] | None = field(default=None, init=False, repr=False)

    # -- building ------------------------------------------------------------------------------

    def index_paragraph(self, toks: list[Token]) -> None:
        """Adds the paragraph's name runs (with their titles and appositions) to the index."""
        n = len(toks)
        words = [t for t in toks if t.kind == W]
        if len(words) > 3 and sum(t.is_cap for t in words) >= 0.7 * len(words) and \
                not any(t.kind == Q for t in toks) and toks[-1].text not in (".", "!", "?"):
            return  # a headline in title case: its runs are not names
        i = 0
        while i < n:
            if not toks[i].is_cap or toks[i].low in _NOT_NAMES and toks[i].low not in TITLE_WORDS:
                i += 1
                continue
            j = i
            while j < n and (toks[j].is_cap and (toks[j].low not in _NOT_NAMES
                                                 or toks[j].low in TITLE_WORDS)
                             or toks[j].low in ("bin", "ibn", "al", "abu", "of")
                             and j + 1 < n and toks[j + 1].is_cap and toks[j].low != "of"
                             or toks[j].low == "of" and j + 1 < n and toks[j + 1].low == "state"
                             and j > i and toks[j - 1].low == "secretary"):
                j += 1
            if j == i:
                i += 1
                continue
            self._index_run(toks, i, j)
            i = j

    def _index_run(self, toks: list[Token], i: int, j: int) -> None:
        span = name_tokens(toks, i, j)
        if span is None:
            return
        k, e = span
        words = [t.text for t in toks[k:e]]
        if is_org_name(words) or is_loc_name(words):
            return
        if len(words) > 4:
            return
        full = " ".join(words)
        title_words = [t.low for t in toks[max(0, i - 4):k]]
        titled = any(w in TITLE_WORDS for w in title_words[-2:])
        self.mentions.append((toks[k].start, full, titled, Span(toks[k].start, toks[e - 1].end)))
        # lower-case role words right before the run: "secretary of state Antony Blinken"
        b = i - 1
        while b >= 0 and toks[b].kind == W and not toks[b].is_cap and toks[b].low not in BOUNDARY \
                and toks[b].low not in DETERMINERS \
                and toks[b].low not in AUX and toks[b].text not in CUE_VERBS and i - b <= 4:
            b -= 1
        role = " ".join(t.low for t in toks[b + 1:k] if t.kind == W)
        # apposition after: "Marwan Muasher, the deputy prime minister of Jordan,"
        if e < len(toks) and toks[e].text == ",":
            x = e + 1
            while x < len(toks) and (_np_word(toks[x]) or toks[x].low in ("of", "for")):
                x += 1
            if _is_description(toks, e + 1, x) and x > e + 1:
                role = (role + " " + " ".join(t.low for t in toks[e + 1:x])).strip()
                title_words += [t.low for t in toks[e + 1:x]]
        if len(words) > 1:
            keys = {words[-1], words[0], _ARTICLE_PREFIX.sub("", words[-1])}
            for key in keys:
                self._add_full_name(key, full)
        g = _gender_of_words(title_words)
        if g:
            self.gender.setdefault(self.canonical_person(words[-1]), g)
        if role:
            self.roles.append((toks[k].start, role, full))

    def note_gender_evidence(self, text: str) -> None:
        """"his wife, X" / "her husband, X" / "Mr X" anywhere in the article."""
        for m in _REL_GENDER.finditer(text):
            g = "m" if m.group(1).lower() in MALE_WORDS else "f"
            self.gender.setdefault(self.canonical_person(m.group(2).split()[-1]), g)

    # -- names ---------------------------------------------------------------------------------

    def freeze(self) -> None:
        """Marks the name index complete (every paragraph indexed): from now on the canonical
        person of a name cannot change, so it is computed once per name, and the mentions and
        roles (in text order) are indexed for the look-backs."""
        self._canonical = {}

    def truncate(self, n: int) -> None:
        """Forgets the referents remembered after the first ``n`` (a look-ahead is undone)."""
        del self.history[n:]
        self._refs.truncate(n)

    def canonical_person(self, name: str) -> str:
        """The longest full name in the article ending (or else starting) with ``name``."""
        if self._canonical is None:
            return self._canonical_person(name)
        hit = self._canonical.get(name)
        if hit is None:
            hit = self._canonical[name] = self._canonical_person(name)
        return hit

    def _add_full_name(self, key: str, full: str) -> None:
        if (key, full) not in self._full_name_keys:
            self._full_name_keys.add((key, full))
            self.full_names.setdefault(key, []).append(full)

    def _one_word(self, key: str) -> str | None:
        """What :meth:`canonical_person` gives for the one word ``key``: the longest full name
        ending with it, else the longest starting with it (the first on ties). Kept per word and
        brought up to date with the names added since it was last asked (while the index is
        built, comparing all names sharing a word for every new one was quadratic)."""
        seen, by_last, by_first = self._one_word_best.get(key, (0, None, None))
        names = self.full_names.get(key, [])
        bare = _ARTICLE_PREFIX.sub("", key)
        for full in names[seen:]:
            words = full.split()
            if _ARTICLE_PREFIX.sub("", words[-1]) == bare and (by_last is None or len(words) > len(by_last.split())):
                by_last = full
            if words[0] == key and (by_first is None or len(words) > len(by_first.split())):
                by_first = full
        self._one_word_best[key] = (len(names), by_last, by_first)
        return by_last or by_first

    def _canonical_person(self, name: str) -> str:
        words = name.split()
        key = words[-1]
        if len(words) == 1:
            return self._one_word(key) or name
        bare = _ARTICLE_PREFIX.sub("", key)
        cands = [(x, f) for x, f in enumerate(self.full_names.get(key, []))
                 if _ARTICLE_PREFIX.sub("", f.split()[-1]) == bare and len(f.split()) >= len(words)
                 and f.endswith(name)]
        if not cands:
            return name
        # the longest, the first named on ties
        return max(cands, key=lambda xf: (len(xf[1].split()), -xf[0]))[1]

    def entity_for(self, span: Span, name: str) -> Entity | None:
        """The entity mentioned at ``span`` (largest overlap, people and organisations first),
        else one named ``name`` or having it as alias or surname."""
        if self._entity_index is None:
            self._entity_index = _EntityIndex(self.entities)
        return self._entity_index.entity_for(span, name)

    def named(self, toks: list[Token], k: int, e: int, pos: int) -> Speaker:
        if e - k > 1 and toks[k].low.endswith(("'s", "s'")) and is_org_name(
                [t.text for t in toks[k + 1:e]]):
            k += 1  # "Nigeria's National Emergency Management Agency"
        words = [t.text for t in toks[k:e]]
        span = Span(toks[k].start, toks[e - 1].end)
        raw = " ".join(words)
        if raw.endswith(("'s", "\u2019s")) and len(words) == 1 and org_full_name(raw[:-2]):
            raw = raw[:-2]
        ent = self.entity_for(span, raw)
        if ent is not None:
            typ = ent.type if ent.type in ("PERSON", "ORG") else None
            return Speaker(ent.name, typ, False, span)
        full = org_full_name(raw)
        if full:
            return Speaker(full, "ORG", False, span)
        if is_org_name(words):
            return Speaker(raw, "ORG", False, span)
        if is_loc_name(words):
            return Speaker(raw, None, False, span)
        if len(words) > 4:
            return Speaker(raw, "ORG", False, span)
        full = self.canonical_person(raw)
        if len(full.split()) > 1:
            return Speaker(full, "PERSON", False, span)
        return Speaker(full, None, False, span)

    # -- phrases -------------------------------------------------------------------------------

    def resolve(self, toks: list[Token], ph: Phrase, pos: int, sent: tuple[int, int]) -> Speaker:
        """The speaker a phrase names or refers to."""
        i, j = ph.i, ph.j
        words = [t for t in toks[i:j] if t.kind == W]
        if not words:
            return Speaker(None, None, False, None)
        span = Span(toks[i].start, toks[j - 1].end)
        lows = [t.low for t in words]
        if len(words) == 1 and lows[0] in PRONOUNS:
            return self.pronoun(lows[0], pos, span, toks, sent)
        # "a rebel who identified himself only as Walid" (relative clause cut off by the chunker)
        alias = _ALIAS.search(self.text, span.start, min(len(self.text), toks[j - 1].end + 60))
        if alias and alias.start() < toks[j - 1].end + 2 and lows[0] in DETERMINERS:
            m_start, m_end = alias.span(1)
            return Speaker(alias.group(1), "PERSON", False, Span(m_start, m_end))
        head = lows[-1]
        # the document's issuer: "The statement from NATO", "the al-Qaida statements"
        if any(w in DOC_NOUNS for w in lows):
            return self.document(toks, i, j, pos, span)
        nt = name_tokens(toks, i, j)
        if nt is not None and nt[0] > i and (toks[nt[0] - 1].low in PREPOSITIONS or toks[
                nt[0] - 1].low in ("close", "loyal")) and lows[0] in DETERMINERS:
            nt = None  # "a source close to Hamas", "an official from NATO": a description
        if nt is not None and toks[j - 1].is_cap:
            return self.named(toks, nt[0], nt[1], pos)
        # possessive organisation: "Netanyahu's office", "Nigeria's National ... Agency"
        poss = next((x for x in range(i, j) if toks[x].low.endswith(("'s", "s'"))
                     and toks[x].is_cap), None)
        if poss is not None and poss < j - 1:
            owner = toks[poss].text[:-2] if toks[poss].low.endswith("'s") else toks[poss].text[:-1]
            rest = " ".join(t.text for t in toks[poss + 1:j])
            if head in ORG_NOUNS or head in ("office",):
                if any(t.is_cap for t in toks[poss + 1:j]):
                    return Speaker(rest, "ORG", False, Span(toks[poss + 1].start, span.end))
                if org_full_name(owner):
                    owner = org_full_name(owner)
                elif not is_org_name([owner]):
                    owner = self.canonical_person(owner)
                return Speaker(f"{owner}'s {rest}", "ORG", False, span)
        if head in SIGN_NOUNS or len(lows) > 1 and lows[0] in DETERMINERS and lows[1] in SIGN_NOUNS:
            return Speaker(None, None, True, span)  # the caller looks for the holders
        desc = " ".join(t.text for t in toks[i:j])
        if head in LEAFLET_NOUNS:
            return Speaker(desc, None, True, span)
        definite = lows[0] in ("the", "this", "that")
        if head in ORG_NOUNS or head.endswith("ministry"):
            if definite:
                ref = self.org_antecedent(lows, pos)
                if ref is not None:
                    return Speaker(ref.name, ref.type, ref.anonymous, span, ref)
            return Speaker(_strip_det(desc), "ORG", False, span)
        if definite:
            ref = self.described_antecedent(lows, pos)
            if ref is not None:
                return Speaker(ref.name, ref.type, ref.anonymous, span, ref)
        if len(lows) == 1 and lows[0] in ("one", "another"):
            # the 60 tokens it looks back over (copying the paragraphs was quadratic)
            window = toks[max(0, i - _COUNTED_LOOKBACK - 1):i]
            if len(window) <= _COUNTED_LOOKBACK:
                window = self.prev_toks[max(0, len(self.prev_toks) - (_COUNTED_LOOKBACK + 1 - len(window))):] + window
            noun = _last_counted_noun(window, len(window))
            if noun:
                return Speaker(f"one {noun}", "PERSON", True, span)
        singular = head[:-3] + "y" if head.endswith("ies") else head[:-2] if head.endswith(
            "sses") else head[:-1] if head.endswith("s") else head
        person = head in PERSON_HEADS or singular in PERSON_HEADS or singular.endswith("er")
        return Speaker(desc, "PERSON" if person else None, True, span)

    def document(self, toks, i, j, pos, span) -> Speaker:
        # an issuer named inside the phrase
        caps = [x for x in range(i, j) if toks[x].is_cap and toks[x].low not in _NOT_NAMES]
        if caps:
            k = caps[0]
            e = k
            while e < j and toks[e].is_cap:
                e += 1
            name = toks[k].text
            if e - k > 1:
                name = " ".join(t.text for t in toks[k:e])
            if name.endswith(("'s", "\u2019s")):
                name = name[:-2]
            if len(name.split()) == 1 and org_full_name(name):
                name = org_full_name(name)
            typ = "ORG" if is_org_name(name.split()) else None
            if typ is None:
                full = self.canonical_person(name)
                typ = "PERSON" if full != name or len(name.split()) > 1 else None
                name = full
            return Speaker(name, typ, False, Span(toks[k].start, toks[e - 1].end))
        # "the statement said": whoever last spoke in a statement, else the last organisation
        for kind in ("issuer", "org-speaker"):
            ref = self._latest(self._refs.lists.get(kind, ()), pos)
            if ref is not None:
                return Speaker(ref.name, ref.type, ref.anonymous, span, ref)
        return Speaker(None, None, False, span)

    def org_antecedent(self, lows: list[str], pos: int) -> Referent | None:
        head = lows[-1]
        # the latest organisation with the head among its name's words, or with the same head noun
        # under another name ("the alliance" for NATO)
        phrase = " ".join(lows)
        by_word = self._latest_index(self._refs.lists.get("org-word:" + head, ()), pos)
        by_head = self._latest_index(self._refs.lists.get("org-head:" + head, ()), pos,
                                     lambda ref: ref.name.lower() != phrase)
        if by_word is not None or by_head is not None:
            return self.history[max(k for k in (by_word, by_head) if k is not None)]
        if head in ANAPHORIC_ORG_NOUNS:
            for k in reversed(self._refs.lists.get("org-speaker", ())):
                ref = self.history[k]
                if ref.pos < pos and pos - ref.pos < 1500:
                    return ref
        return None

    def described_antecedent(self, lows: list[str], pos: int) -> Referent | None:
        """"the official" -> "an Israeli government official"; "the spokesman" -> a named one."""
        head = lows[-1]
        mods = set(lows[1:-1])
        ref = self._latest(self._refs.lists.get("anonymous-head:" + head, ()), pos)
        if ref is not None:
            return ref
        if head in _GENERIC_PERSONS and len(lows) == 2:
            g = "m" if head in MALE_WORDS else "f" if head in FEMALE_WORDS else None
            if g is None:
                ref = self._latest(self._refs.lists.get("named-person", ()), pos)
            else:
                ref = self._latest_compatible("named-person:" + g, pos,
                                              lambda r: r.type == "PERSON" and not r.anonymous and
                                              (r.gender or self.gender.get(r.name)) in (g, None))
            if ref is not None:
                return ref
        for k in reversed(self._roles_with(head)):
            rpos, role, name = self.roles[k]
            rw = role.split()
            if rpos < pos and mods <= set(rw) | {"of"}:
                full = self.canonical_person(name)
                return Referent(rpos, full, "PERSON", False, Span(rpos, rpos), True)
        return None

    def _roles_with(self, word: str) -> list[int]:
        """Indices of the roles holding ``word`` (indexed on first use once the roles are all
        known, see :meth:`freeze`; scanned before)."""
        if self._canonical is None or len(self.roles) <= _FEW_ROLES:
            return [k for k, (_, role, _) in enumerate(self.roles) if word in role.split()]
        if self._roles_by_word is None:
            self._roles_by_word = {}
            for k, (_, role, _) in enumerate(self.roles):
                for w in dict.fromkeys(role.split()):
                    self._roles_by_word.setdefault(w, []).append(k)
        return self._roles_by_word.get(word, [])

    def pronoun(self, p: str, pos: int, span: Span, toks, sent) -> Speaker:
        kind = PRONOUNS[p]
        if kind is None or p == "we":
            return Speaker(None, None, False, span)
        if kind in ("m", "f"):
            return self._personal_pronoun(kind, pos, span)
        # "it": the latest organisation that spoke; "they": that, or the latest plural referent
        ref = self._latest(self._refs.lists.get("org-speaker" if kind == "org" else "plural", ()), pos)
        if ref is not None:
            return Speaker(ref.name, ref.type, ref.anonymous, span, ref)
        return Speaker(None, None, False, span)

    def _compatible(self, ref: Referent, kind: str) -> bool:
        if ref.type != "PERSON" or ref.plural:
            return False
        g = ref.gender or self.gender.get(ref.name)
        return g is None or g == kind

    def _personal_pronoun(self, kind: str, pos: int, span: Span) -> Speaker:
        """he/she: the latest compatible speaker or subject of the last paragraphs, else the
        latest person named anywhere before, else an older speaker or subject."""
        compatible = (lambda ref: self._compatible(ref, kind))
        ref = self._latest_compatible("pronoun:" + kind, pos, compatible, stop_before=self.window_start)
        if ref is not None:
            if not ref.anonymous:
                # once "she" names Sarah Whitfield, a later "he" is someone else
                self.gender.setdefault(ref.name, kind)
            return Speaker(ref.name, "PERSON", ref.anonymous, span, ref)
        mention = self._latest_named_mention(kind, pos)
        if mention is not None:
            mpos, full, mspan = mention
            return Speaker(full, "PERSON", False, span, Referent(mpos, full, "PERSON", False, mspan, False))
        ref = self._latest_compatible("pronoun:" + kind, pos, compatible)
        if ref is not None:
            return Speaker(ref.name, "PERSON", ref.anonymous, span, ref)
        return Speaker(None, None, False, span)

    # -- looking back --------------------------------------------------------------------------
    # Each look-back answers "the most recent referent before ``pos`` such that ...", as a scan
    # of the whole history backwards would, but through lists of the referents of each kind: on
    # a long page (thousands of referents) scanning for every pronoun and description was
    # quadratic. Referents remembered at or after ``pos`` (the current sentence) are stepped over.

    def _latest(self, indices, pos: int) -> Referent | None:
        k = self._latest_index(indices, pos)
        return None if k is None else self.history[k]

    def _latest_index(self, indices, pos: int, accept=None) -> int | None:
        for k in reversed(indices):
            ref = self.history[k]
            if ref.pos < pos and (accept is None or accept(ref)):
                return k
        return None

    def _latest_compatible(self, key: str, pos: int, compatible, stop_before: int = -1) -> Referent | None:
        """The latest referent before ``pos`` for which ``compatible`` holds, stopping at the first
        one before ``stop_before``. ``compatible`` must be a test that, once failed, fails for
        good (genders are only ever added): failures are skipped from then on."""
        skip = self._refs.skipper(key, len(self.history))
        k = skip.find(len(self.history) - 1)
        while k >= 0:
            ref = self.history[k]
            if ref.pos < pos:
                if ref.pos < stop_before:
                    return None
                if compatible(ref):
                    return ref
                skip.drop(k)
            k = skip.find(k - 1)
        return None

    def _latest_named_mention(self, kind: str, pos: int) -> tuple[int, str, Span] | None:
        """The latest person named before ``pos`` by a full or titled name whose gender, if
        known, is ``kind`` (mentions are in text order)."""
        if len(self._mention_positions) != len(self.mentions):
            self._mention_positions = [m[0] for m in self.mentions]
        skip = self._mention_skips.setdefault(kind, _Skipper())
        skip.grow(len(self.mentions))
        k = skip.find(bisect.bisect_left(self._mention_positions, pos) - 1)
        while k >= 0:
            mpos, name, titled, mspan = self.mentions[k]
            full = self.canonical_person(name)
            g = self.gender.get(full)
            if (len(full.split()) >= 2 or titled) and (g is None or g == kind):
                return mpos, full, mspan
            skip.drop(k)  # static, or a gender that will not change
            k = skip.find(k - 1)
        return None

    def remember(self, sp: Speaker, pos: int, speaker: bool, doc_issuer: bool = False,
                 head: str = "", plural: bool = False) -> None:
        if not sp.name:
            return
        g = None
        if sp.anonymous and head:
            g = _gender_of_words(sp.name.split())
        ref = Referent(pos, sp.name, sp.type, sp.anonymous, sp.span or Span(pos, pos), speaker,
                       plural=plural, head=head, gender=g, doc_issuer=doc_issuer)
        self.history.append(ref)
        self._refs.add(len(self.history) - 1, ref)


_MONTHS = _forms("january february march april may june july august september october november",
                 "december jan feb mar apr jun jul aug sep sept oct nov dec")
_ALIAS = re.compile(r"\b(?:identified (?:himself|herself|themselves) (?:only )?as|named|"
                    r"gave (?:his|her) name as|called) ((?:[A-Z][\w'-]+)(?: [A-Z][\w'-]+)*)")
_REL_GENDER = re.compile(r"\b(Mr\.?|Mrs\.?|Ms\.?|Miss|husband|wife|son|daughter|father|mother|"
                         r"brother|sister|spokesman|spokeswoman),? ((?:[A-Z][\w'-]+ ?){1,3})")


#: "the woman", "the man": a person named before, not a new unnamed source.
_GENERIC_PERSONS = _forms("man woman boy girl mother father wife husband")
_NUMBER_WORDS = _forms("two three four five six seven eight nine ten several some both dozens")


_COUNTED_LOOKBACK = 60  # tokens


def _last_counted_noun(toks: list[Token], i: int) -> str | None:
    """"Two militants appeared ... One read a statement": the noun "One" stands for."""
    for x in range(i - 1, max(-1, i - _COUNTED_LOOKBACK), -1):
        t = toks[x]
        if x > 0 and t.kind == W and t.low.endswith("s") and not t.is_cap and (
                toks[x - 1].low in _NUMBER_WORDS or toks[x - 1].text.isdigit()):
            w = t.low
            return w[:-3] + "y" if w.endswith("ies") else w[:-1]
    return None


def _strip_det(desc: str) -> str:
    w = desc.split(" ", 1)
    if len(w) == 2 and w[0].lower() in ("the", "a", "an"):
        return w[1]
    return desc


def head_and_plural(toks: list[Token], ph: Phrase) -> tuple[str, bool]:
    words = [t.low for t in toks[ph.i:ph.j] if t.kind == W]
    if not words:
        return "", False
    # head noun: the last word before a prepositional complement ("a source close to Hamas")
    cut = len(words)
    for x, w in enumerate(words):
        if x > 0 and (w in PREPOSITIONS or w == "of" or w in ("close", "loyal")):
            cut = x
            break
    head = words[cut - 1]
    plural = head.endswith("s") and not head.endswith(("ss", "'s", "us")) or head in (
        "people", "men", "women", "police", "thousands", "hundreds", "dozens", "crowd")
    return head, plural
