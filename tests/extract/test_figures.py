"""Figures: numbers that count people or money, read in their sentences (invented wire copy)."""
from __future__ import annotations

import pytest

from storyline.extract.figures import extract_figures
from storyline.extract.numbers import find_numbers, parse_amount
from storyline.model import Article, Entity, Span

CONFLICT = """\
At least 43 people were killed and more than 120 wounded when artillery shells struck a crowded \
market in El Fasher on Tuesday, according to the local health ministry.

The bombardment came a day after fighters stormed a village to the north, killing 17 civilians and \
abducting some 30 women and children, residents said.

Aid agencies say the fighting has forced an estimated 2.4 million people -- roughly 40 percent of \
the region's population -- to flee their homes since April.

Two aid workers, both Kenyan nationals, were released on Monday after nine days in captivity. The \
rebels are still holding around 60 hostages, a spokesman for the group told reporters.

Amina Yusuf, 34, said she had walked for three days with her four children to reach the camp, \
which now shelters nearly 90,000 refugees.

The 15-member Security Council is expected to meet on Friday, its fourth session on the crisis in \
10 days.
"""

MONEY = """\
The United Nations said it would provide $25 million in emergency aid, while Britain pledged £12m \
and the European Union €40 million.

A donors' conference in Riyadh raised a further 700 million dollars, the organisers said, and the \
World Bank approved a US$1.2bn loan.

Shares in the lender fell 4.5 percent to $18.40 on Wednesday, wiping some $3 billion off its \
market value.
"""

DISASTER = """\
The death toll from Sunday's floods rose to 212, officials said, and 14 people were still missing.

Thirty-one miners were trapped underground when the shaft collapsed at 3 p.m. on March 3.

More than 1,500 residents of the valley have been evacuated, and about a dozen villages are cut off.

Hundreds of people have been injured and thousands have fled, the Red Crescent said.

Health workers quarantined 200 guests at a hotel in the capital, where 71 confirmed cases of \
cholera have been recorded since 2019.
"""


def _article(text: str, **kw) -> Article:
    return Article(id="t", source="t.txt", text=text, published="2024-05-07", **kw)


def _figures(text: str, **kw):
    art = _article(text, **kw)
    figs = extract_figures(art)
    for f in figs:
        assert art.text[f.span.start:f.span.end] == f.text
    return figs


def _by_text(figs, text):
    found = [f for f in figs if f.text == text]
    assert found, f"no figure {text!r} in {[f.text for f in figs]}"
    return found[0]


def test_killed_and_injured_with_qualifiers_and_source():
    figs = _figures(CONFLICT)
    killed = _by_text(figs, "At least 43 people")
    assert (killed.value, killed.category, killed.qualifier) == (43, "killed", "at least")
    assert killed.source == "local health ministry"
    wounded = _by_text(figs, "more than 120 wounded")
    assert (wounded.value, wounded.category, wounded.qualifier) == (120, "injured", "more than")
    civilians = _by_text(figs, "17 civilians")
    assert (civilians.value, civilians.category) == (17, "killed")


def test_hostages_taken_held_and_released():
    figs = _figures(CONFLICT)
    taken = _by_text(figs, "some 30 women")
    assert (taken.value, taken.category, taken.qualifier) == (30, "taken hostage", "approx")
    held = _by_text(figs, "around 60 hostages")
    assert (held.value, held.category) == (60, "held hostage")
    freed = _by_text(figs, "Two aid workers")
    assert (freed.value, freed.category) == (2, "released")


def test_displaced_percentage_in_apposition_and_refugees():
    figs = _figures(CONFLICT)
    fled = _by_text(figs, "an estimated 2.4 million people")
    assert (fled.value, fled.category, fled.qualifier) == (2_400_000, "displaced", "approx")
    share = _by_text(figs, "roughly 40 percent")
    assert (share.value, share.category, share.unit) == (40, "displaced", "percent")
    refugees = _by_text(figs, "nearly 90,000 refugees")
    assert (refugees.value, refugees.category, refugees.qualifier) == (90_000, "displaced", "nearly")


def test_ages_durations_ordinals_and_compounds_are_not_figures():
    figs = _figures(CONFLICT)
    values = {f.value for f in figs}
    assert 34 not in values  # "Amina Yusuf, 34,"
    assert 9 not in values and 3 not in values and 10 not in values  # days
    assert 15 not in values  # "The 15-member Security Council"
    children = _by_text(figs, "four children")
    assert children.category == "other"


def test_money_in_several_currencies():
    figs = _figures(MONEY)
    got = {(f.text, f.value, f.unit) for f in figs if f.category == "money"}
    assert ("$25 million", 25e6, "USD") in got
    assert ("£12m", 12e6, "GBP") in got
    assert ("€40 million", 40e6, "EUR") in got
    assert ("700 million dollars", 700e6, "USD") in got
    assert ("US$1.2bn", 1.2e9, "USD") in got
    assert ("$18.40", 18.4, "USD") in got
    assert ("some $3 billion", 3e9, "USD") in got
    pct = _by_text(figs, "4.5 percent")
    assert (pct.category, pct.unit) == ("other", "percent")


def test_toll_missing_words_and_evacuations():
    figs = _figures(DISASTER)
    toll = _by_text(figs, "212")
    assert (toll.value, toll.category) == (212, "killed")
    missing = _by_text(figs, "14 people")
    assert missing.category == "other"
    miners = _by_text(figs, "Thirty-one miners")
    assert (miners.value, miners.category) == (31, "other")
    evacuated = _by_text(figs, "More than 1,500 residents")
    assert (evacuated.value, evacuated.category) == (1500, "displaced")
    villages = _by_text(figs, "about a dozen villages")
    assert (villages.value, villages.category) == (12, "other")


def test_vague_amounts_times_dates_and_years_are_not_figures():
    figs = _figures(DISASTER)
    texts = " ".join(f.text for f in figs).lower()
    assert "hundreds" not in texts and "thousands" not in texts
    values = {f.value for f in figs}
    assert 3 not in values  # "3 p.m." and "March 3"
    assert 2019 not in values
    assert _by_text(figs, "200 guests").category == "other"
    assert _by_text(figs, "71 confirmed cases").category == "other"


def test_including_and_coordination_inherit_the_category():
    text = ("A suicide bomber struck a police academy on Saturday, killing 22 people, including 14 "
            "recruits and three instructors, a police spokesman said.")
    figs = _figures(text)
    assert [(f.value, f.category) for f in figs] == [
        (22, "killed"), (14, "killed"), (3, "killed")]
    assert figs[0].source == "a police spokesman"


def test_range_gives_two_figures():
    text = "Between 5,000 and 7,000 people have fled the town, aid groups said."
    figs = _figures(text)
    assert [(f.value, f.category, f.qualifier) for f in figs] == [
        (5000, "displaced", "at least"), (7000, "displaced", "up to")]


def test_counted_things_never_get_a_people_category():
    text = ("Warplanes destroyed 25 tanks near the border. Hunters killed 15,000 foxes last year. "
            "The rebels released a video showing three captives.")
    figs = _figures(text)
    assert _by_text(figs, "25 tanks").category == "other"
    assert _by_text(figs, "15,000 foxes").category == "other"
    assert _by_text(figs, "three captives").category == "held hostage"


def test_passive_verb_after_an_insertion_and_a_place():
    text = ("Nine Filipino sailors, all members of the same crew, have been freed by pirates. "
            "About 60 people in the northern province have died of the disease.")
    figs = _figures(text)
    assert (_by_text(figs, "Nine Filipino sailors").category) == "released"
    assert (_by_text(figs, "About 60 people").category) == "killed"


def test_source_uses_the_entity_name():
    text = "More than 300 prisoners were released overnight, Okafor said."
    start = text.index("Okafor")
    ent = Entity(name="Chidi Okafor", type="PERSON", mentions=(Span(start, start + 6),))
    figs = extract_figures(_article(text), (ent,))
    assert figs[0].source == "Chidi Okafor"
    assert figs[0].source_span == Span(start, start + 6)


def test_population():
    text = "The enclave's 2.1 million population depends on aid, as does a city of 400,000 residents."
    figs = _figures(text)
    assert _by_text(figs, "2.1 million population").category == "population"
    assert _by_text(figs, "400,000 residents").category == "population"


def test_nothing_to_find():
    assert extract_figures(_article("The talks resumed in Doha on Monday.")) == ()


@pytest.mark.parametrize("text,value", [
    ("62,192", 62192), ("2.3 million", 2.3e6), ("seven", 7), ("Thirty-one", 31),
    ("twenty three", 23), ("two hundred and fifty thousand", 250_000), ("a dozen", 12),
    ("half a million", 500_000), ("one million", 1e6), ("1.81", 1.81),
])
def test_parse_amount(text, value):
    assert parse_amount(text)[0] == pytest.approx(value)


@pytest.mark.parametrize("text,expected", [
    ("$400m", [(4e8, "money", "USD")]),
    ("(£314m)", [(3.14e8, "money", "GBP")]),
    ("80 per cent", [(80, "percent", "percent")]),
    ("80%", [(80, "percent", "percent")]),
    ("500 pounds of explosives", [(500, "count", None)]),
    ("H1N1 and the C-130, the 1990s, a seven-day truce, 1st", []),
    ("dozens of people, thousands more", []),
])
def test_find_numbers(text, expected):
    assert [(n.value, n.kind, n.unit) for n in find_numbers(text)] == [
        (pytest.approx(v), k, u) for v, k, u in expected]
