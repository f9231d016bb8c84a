"""Quotations and their speakers on hand-written articles in the wire-service style."""
from __future__ import annotations

import pytest

from storyline.extract.quotes import extract_quotes
from storyline.model import Article, Entity, Span


def _quotes(text: str, entities: tuple[Entity, ...] = ()):
    art = Article(id="t", source="t.txt", text=text)
    quotes = extract_quotes(art, entities)
    for q in quotes:  # every span covers exactly what stands between the marks
        assert text[q.span.start:q.span.end] == q.text
        if q.speaker_span is not None:
            assert 0 <= q.speaker_span.start < q.speaker_span.end <= len(text)
    return quotes


def _by_text(quotes):
    return {q.text: q for q in quotes}


FLOOD = """Regional governor Daniel Hale on Monday said the river was "still rising" and urged residents of low-lying villages to leave their homes.

"We have never seen water like this in March," Mr Hale told reporters in the town of Marlow. "The next 48 hours will be critical."

Speaking at an emergency briefing, he said: "Nobody should try to drive through flooded roads. It just isn't worth it."

He stressed that "every family that can leave should leave now".

"We have moved generators and boats into the valley, and the army is on standby."

The head of the national weather service, Priya Raman, said more heavy rain was expected on Wednesday.

"The ground is saturated, so whatever falls now runs straight into the rivers," she said, "and that is why we issued the red warning."

Opposition leader Tom Brennan called the response a "shambles" and demanded an "independent inquiry"."""


def test_attribution_after_before_and_in_the_middle():
    qs = _by_text(_quotes(FLOOD))
    assert set(qs) == {
        "still rising", "We have never seen water like this in March,",
        "The next 48 hours will be critical.",
        "Nobody should try to drive through flooded roads. It just isn't worth it.",
        "every family that can leave should leave now",
        "We have moved generators and boats into the valley, and the army is on standby.",
        "The ground is saturated, so whatever falls now runs straight into the rivers,",
        "and that is why we issued the red warning.", "shambles", "independent inquiry"}
    hale = [q for q in qs.values() if q.speaker == "Daniel Hale"]
    assert {q.text for q in hale} == {
        "still rising", "We have never seen water like this in March,",
        "The next 48 hours will be critical.",
        "Nobody should try to drive through flooded roads. It just isn't worth it.",
        "every family that can leave should leave now",
        "We have moved generators and boats into the valley, and the army is on standby."}
    assert qs["We have never seen water like this in March,"].cue == "told"
    assert qs["every family that can leave should leave now"].cue == "stressed"
    # "...," she said, "..." is two quotations by the same speaker
    assert qs["The ground is saturated, so whatever falls now runs straight into the rivers,"
              ].speaker == "Priya Raman"
    assert qs["and that is why we issued the red warning."].speaker == "Priya Raman"
    assert qs["shambles"].speaker == "Tom Brennan" and qs["shambles"].cue == "called"
    assert qs["independent inquiry"].speaker == "Tom Brennan"
    assert all(q.speaker_type == "PERSON" and not q.anonymous for q in qs.values())


def test_speaker_span_points_at_the_mention():
    text = FLOOD
    q = _by_text(_quotes(text))["We have never seen water like this in March,"]
    assert text[q.speaker_span.start:q.speaker_span.end] in ("Hale", "Mr Hale")


TALKS = """GENEVA (Reuters) - Delegates from both sides resumed talks on Tuesday, a week after the last round collapsed.

\u201cWe are closer than we have ever been,\u201d said Elena Sokolova, a spokeswoman for the mediators, adding that a draft text was \u201con the table\u201d.

A senior diplomat, who asked not to be named because the talks are confidential, told AFP the sticking point remained the sequencing of prisoner releases.

\u201cNobody wants to be the first to blink,\u201d the diplomat said.

The country\u2019s foreign ministry said it rejected \u201cany attempt to dictate terms from outside\u201d.

Markets may try to \u201cprice in a deal\u201d too early, in the words of one analyst.

Two ceasefires agreed last year broke down within days, according to United Nations figures, and one was \u201cnever more than a piece of paper\u201d, according to a source close to the negotiators."""


def test_inverted_attribution_anonymous_sources_and_organisations():
    qs = _by_text(_quotes(TALKS))
    assert qs["We are closer than we have ever been,"].speaker == "Elena Sokolova"
    assert qs["We are closer than we have ever been,"].cue == "said"
    assert qs["on the table"].speaker == "Elena Sokolova"  # "adding that": the same speaker
    blink = qs["Nobody wants to be the first to blink,"]
    assert blink.anonymous and blink.speaker.split()[-1] == "diplomat"
    assert blink.speaker == "A senior diplomat"  # "the diplomat" refers back to the description
    ministry = qs["any attempt to dictate terms from outside"]
    assert ministry.speaker_type == "ORG" and "ministry" in ministry.speaker
    assert not ministry.anonymous
    analyst = qs["price in a deal"]
    assert analyst.speaker == "one analyst" and analyst.anonymous
    assert analyst.cue == "in the words of"
    paper = qs["never more than a piece of paper"]
    assert paper.speaker == "a source close to the negotiators" and paper.anonymous
    assert paper.cue == "according to"


HOSPITAL = """The hospital's director, Sarah Whitfield, said the wards had been full since Friday.

Her deputy, Mr Khalid Osman, said staff were exhausted.

"Some of our nurses have worked three double shifts in a row," she told the BBC.

"They are tired, but nobody has walked away," he added."""


def test_pronouns_follow_gender_and_recency():
    qs = _by_text(_quotes(HOSPITAL))
    assert qs["Some of our nurses have worked three double shifts in a row,"].speaker == \
        "Sarah Whitfield"
    assert qs["They are tired, but nobody has walked away,"].speaker == "Khalid Osman"


MULTI = """Interior minister Ahmed Karimi described the night of the attack in detail.

"We received the first call at ten past two. Within minutes the whole street was on fire.

"By dawn we had evacuated four hundred people, and not one of them was hurt," Mr Karimi said.

Asked about the officers who died, he said: "They were brave men. They ran towards the fire.

"Their families will be looked after for as long as they need.\""""


def test_multi_paragraph_quotes_are_one_item_per_paragraph_with_one_speaker():
    quotes = _quotes(MULTI)
    assert [q.text for q in quotes] == [
        "We received the first call at ten past two. Within minutes the whole street was on fire.",
        "By dawn we had evacuated four hundred people, and not one of them was hurt,",
        "They were brave men. They ran towards the fire.",
        "Their families will be looked after for as long as they need.",
    ]
    # attribution at the end of the second paragraph, and at the start of the first
    assert {q.speaker for q in quotes} == {"Ahmed Karimi"}


TITLES = """Foreign Secretary Julia Marsh arrived in Nairobi on Thursday for a two-day visit.

The foreign secretary said the talks were "frank and useful".

Kenyan officials said the visit showed "renewed interest" in the region."""


def test_titles_resolve_to_the_full_name():
    qs = _by_text(_quotes(TITLES))
    assert qs["frank and useful"].speaker == "Julia Marsh"
    assert qs["renewed interest"].speaker == "Kenyan officials"
    assert qs["renewed interest"].anonymous


NOT_QUOTES = """Engineers tried a procedure called "top kill" to seal the well, according to the company.

Former chief executive Maurice "Hank" Greenberg said the firm would survive.

The protest, dubbed the "march of millions", filled the square.

At a time when "too-big-to-fail" banks are under scrutiny, few expect reform soon."""


def test_names_of_things_and_nicknames_are_not_quotations():
    quotes = _quotes(NOT_QUOTES)
    assert [q.text for q in quotes] == ["too-big-to-fail"]
    assert quotes[0].speaker is None  # the text does not say whose words these are


SIGNS = """Thousands of demonstrators holding placards reading "No more cuts" marched to parliament.

One woman carried a sign that said "Hands off our schools".

A banner hung from the bridge said "Welcome home"."""


def test_signs_speak_for_their_holders():
    qs = _by_text(_quotes(SIGNS))
    assert qs["No more cuts"].speaker.split()[-1] == "demonstrators"
    assert qs["No more cuts"].anonymous
    assert qs["Hands off our schools"].speaker == "One woman"
    assert qs["Welcome home"].speaker is None  # a free-standing banner: nobody named


def test_single_quotes_in_a_headline_and_question_marks():
    text = ("Minister says ban is 'only the beginning'\n\n"
            "Health minister Lars Eriksen on Sunday defended the smoking ban.\n\n"
            "\"Why should children breathe other people's smoke?\" Eriksen asked.")
    qs = _by_text(_quotes(text))
    assert "only the beginning" in qs
    assert qs["Why should children breathe other people's smoke?"].speaker == "Lars Eriksen"
    assert qs["Why should children breathe other people's smoke?"].cue == "asked"


def test_apostrophes_are_not_single_quotes():
    text = ("The workers' union said members' pay had fallen, and the teachers' strike "
            "would go ahead on Monday.")
    assert _quotes(text) == ()


def test_entities_give_canonical_names():
    text = ("The Israel Defense Forces said on Friday it had intercepted a drone.\n\n"
            "\"The threat was neutralised over the sea,\" the IDF said.")
    start = text.index("IDF")
    ent = Entity(name="Israel Defense Forces", type="ORG",
                 mentions=(Span(4, 25), Span(start, start + 3)), aliases=("IDF",))
    q = _quotes(text, (ent,))[0]
    assert q.speaker == "Israel Defense Forces" and q.speaker_type == "ORG"
    # without entities the abbreviation table gives the same canonical name
    assert _quotes(text)[0].speaker == "Israel Defense Forces"


def test_unattributed_quote_paragraph_continues_the_previous_speaker():
    text = ("\"We will rebuild every house,\" Mayor Ana Costa told residents.\n\n"
            "\"It will take years, not months.\"\n\n"
            "The storm destroyed more than 300 homes.\n\n"
            "Its \"worst in a generation\" label is disputed.")
    qs = _by_text(_quotes(text))
    assert qs["It will take years, not months."].speaker == "Ana Costa"
    assert qs["worst in a generation"].speaker is None


def test_empty_and_quote_free_articles():
    assert _quotes("") == ()
    assert _quotes("Prices rose 3 percent in May, the statistics office said.") == ()


@pytest.mark.parametrize("open_, close", [("\u201c", "\u201d"), ('"', '"'), ("``", "''")])
def test_quotation_mark_styles(open_, close):
    text = f"{open_}We are ready,{close} General Omar Haddad said."
    q = _quotes(text)[0]
    assert q.text == "We are ready," and q.speaker == "Omar Haddad"
