"""Timeline: events from dated sentences, merging reports across articles, ranking, evaluation."""
from __future__ import annotations

import random

import pytest

from storyline.evaluate.timeline import align_rouge, concat_rouge, date_prf, rouge_counts
from storyline.extract import extract
from storyline.model import Article, DateMention, Entity, Extraction, Span
from storyline.resolve.timeline import events_from, merge_events, timeline

# A developing story over four days. 2024-03-11 is a Monday.
BLAST = """LUDWIGSHAFEN, Germany (Reuters) - An explosion at the Rheinchem chemical plant in Ludwigshafen on Monday killed three workers and injured 14 others, the company said.

Posted March 12, 2024 at 9:41 am

Firefighters brought the blaze under control late on Monday night after it sent a plume of black smoke over the city.

Authorities on Tuesday lifted a warning that had told residents to keep their windows closed.

Residents have complained of headaches since Monday, a local doctor said.

The cause of the blast is not yet known."""

PROBE = """Prosecutors opened an investigation on Wednesday into the explosion at the Rheinchem chemical plant in Ludwigshafen.

The explosion at the Rheinchem plant on March 11 killed three workers and injured 14 others.

Investigators will examine whether a faulty valve caused the blast, a spokeswoman for the prosecutors said."""

DEATH = """A fourth worker has died of injuries suffered in Monday's explosion at the Rheinchem chemical plant in Ludwigshafen.

The man, a 52-year-old technician, died in hospital on Thursday, the company said.

Rheinchem said on Friday it would set up a fund for the families of the victims."""


def _x(aid: str, text: str, published: str, outlet: str | None = None) -> Extraction:
    return extract(Article(id=aid, source=f"{aid}.txt", text=text, published=published, outlet=outlet))


@pytest.fixture(scope="module")
def story() -> dict[str, Extraction]:
    return {
        "blast": _x("blast", BLAST, "2024-03-12", "Reuters"),
        "blast-copy": _x("blast-copy", BLAST, "2024-03-12", "Daily Courier"),  # syndicated copy
        "probe": _x("probe", PROBE, "2024-03-13", "Rhein-Zeitung"),
        "death": _x("death", DEATH, "2024-03-15", "Mannheimer Post"),
    }


def _events(story, ids=("blast", "probe", "death")):
    return [e for aid in ids for e in events_from(story[aid])]


def test_a_sentence_with_a_resolved_date_is_an_event_on_that_day(story):
    evs = events_from(story["blast"])
    by_text = {e.text: e for e in evs}
    lead = next(e for e in evs if e.text.startswith("LUDWIGSHAFEN"))
    assert lead.date == "2024-03-11" and lead.basis == "mention" and lead.article_id == "blast"
    assert story["blast"].article.text[lead.span.start:lead.span.end].endswith("the company said.")
    assert by_text["Authorities on Tuesday lifted a warning that had told residents to keep their windows closed."].date == "2024-03-12"
    assert {e.date for e in events_from(story["death"])} >= {"2024-03-11", "2024-03-14", "2024-03-15"}


def test_time_stamps_and_period_bounds_are_not_events(story):
    texts = [e.text for e in events_from(story["blast"])]
    assert not any(t.startswith("Posted") for t in texts)
    assert not any(t.startswith("Residents have complained") for t in texts)


def test_undated_lead_sentences_count_for_the_publication_day_only_when_asked(story):
    first = "Investigators will examine"
    assert not any(e.text.startswith(first) for e in events_from(story["probe"]))
    evs = events_from(story["probe"], lead=3)
    [e] = [e for e in evs if e.text.startswith(first)]
    assert (e.date, e.basis) == ("2024-03-13", "published")
    assert not any(e.text.startswith(first) for e in events_from(story["probe"], lead=2))


def test_actors_are_the_entities_mentioned_in_the_sentence():
    text = "Rheinchem closed the plant on Monday. Mayor Anna Kraus visited on Tuesday. It opened in May 1998."
    art = Article(id="a", source="a", text=text, published="2024-03-13")

    def span(s: str) -> Span:
        return Span(text.index(s), text.index(s) + len(s))

    x = Extraction(article=art, entities=(
        Entity("Rheinchem", "ORG", (span("Rheinchem"),)), Entity("Anna Kraus", "PERSON", (span("Anna Kraus"),)),
    ), dates=(
        DateMention(span("Monday"), "Monday", "2024-03-11"),
        DateMention(span("Tuesday"), "Tuesday", "2024-03-12"),
        DateMention(span("May 1998"), "May 1998", "1998-05"),  # a month names no day: no event
    ))
    evs = events_from(x)
    assert [(e.date, e.actors) for e in evs] == [("2024-03-11", ("Rheinchem",)), ("2024-03-12", ("Anna Kraus",))]


def test_reports_of_one_happening_merge_across_articles(story):
    groups = [g for g in merge_events(_events(story)) if g.date == "2024-03-11"]
    blast = max(groups, key=lambda g: len(g.article_ids))
    assert set(blast.article_ids) == {"blast", "probe", "death"}
    texts = {e.text for e in blast.events}
    assert "The explosion at the Rheinchem plant on March 11 killed three workers and injured 14 others." in texts
    # the fire-fighting sentence is another happening of the same day
    fire = [g for g in groups if any(e.text.startswith("Firefighters") for e in g.events)]
    assert fire and fire[0] is not blast


def test_the_most_widely_reported_day_leads_with_a_clean_summary(story):
    [top] = timeline(_events(story), limit=1)
    assert top.date == "2024-03-11"
    assert top.summary.startswith("An explosion at the Rheinchem chemical plant")  # dateline left out
    src = {"blast": BLAST, "probe": PROBE, "death": DEATH}[top.article_id]
    assert src[top.span.start:top.span.end] == top.summary
    assert {aid for aid, _ in top.supporting} == {"blast", "probe", "death"}
    days = [e.date for e in timeline(_events(story), limit=3)]
    assert days == sorted(days) and len(days) == 3 and "2024-03-11" in days


def test_per_date_gives_several_happenings_best_first(story):
    entries = [e for e in timeline(_events(story), limit=1, per_date=2)]
    assert [e.date for e in entries] == ["2024-03-11", "2024-03-11"]
    assert entries[0].score >= entries[1].score
    assert entries[1].summary.startswith("Firefighters brought the blaze")


def test_syndicated_copies_count_once_when_grouped(story):
    ids = ("blast", "blast-copy", "probe", "death")
    evs = _events(story, ids)
    plain = {e.date: e.score for e in timeline(evs, per_date=1)}
    grouped = {e.date: e.score for e in timeline(evs, per_date=1, duplicates={"blast-copy": "blast"})}
    alone = {e.date: e.score for e in timeline(_events(story), per_date=1)}
    assert plain["2024-03-11"] > grouped["2024-03-11"]
    assert grouped["2024-03-11"] == pytest.approx(alone["2024-03-11"])


def test_timeline_is_independent_of_input_order(story):
    evs = _events(story, ("blast", "blast-copy", "probe", "death"))
    expected = timeline(evs, limit=4, per_date=2)
    shuffled = list(evs)
    random.Random(3).shuffle(shuffled)
    assert timeline(shuffled, limit=4, per_date=2) == expected
    assert timeline(reversed(evs), limit=4, per_date=2) == expected


def test_days_outside_the_range_are_left_out(story):
    entries = timeline(_events(story), start="2024-03-12", end="2024-03-14")
    assert entries and all("2024-03-12" <= e.date <= "2024-03-14" for e in entries)
    assert timeline([], limit=3) == []


# ---------------------------------------------------------------------------------------------
# Evaluation measures


def test_rouge_counts_clip_ngrams_and_drop_function_words():
    assert rouge_counts(["Rebels seize the town of Brega"], ["Rebels seize Brega", "The town falls"], 1) == (4, 4, 5)
    assert rouge_counts(["Rebels seize the town of Brega"], ["Rebels seize Brega"], 2) == (1, 3, 2)


def test_alignment_rouge_weights_matches_by_date_distance():
    ref = {"2011-03-01": ["Rebels seize Brega"], "2011-03-05": ["NATO jets strike Tripoli"]}
    assert align_rouge(ref, ref, 1)["f"] == pytest.approx(1.0)
    shifted = {"2011-03-02": ["Rebels seize Brega"], "2011-03-05": ["NATO jets strike Tripoli"]}
    # the Brega day is one day off: its three matches count half
    assert align_rouge(shifted, ref, 1)["p"] == pytest.approx((3 / 2 + 4) / 7)
    assert concat_rouge(shifted, ref, 1)["f"] == pytest.approx(1.0)
    assert date_prf(shifted, ref) == {"p": 0.5, "r": 0.5, "f": 0.5}
