"""The entities extractor on invented wire-style articles: canonical names, roles, attributive nouns,
adjectives, abbreviations, and words that must not become entities."""
from __future__ import annotations

import pytest

from storyline.extract.entities import canonical_name, extract_entities
from storyline.model import Article


def _article(text: str) -> Article:
    return Article(id="t", source="t.txt", text=text, published="2024-03-12")


def _by_name(entities):
    return {e.name: e for e in entities}


CEASEFIRE = """JERUSALEM (Reuters) - Israeli Prime Minister Benjamin Netanyahu said on Tuesday that talks on a truce in Gaza would resume in Doha, as US secretary of state Antony Blinken arrived in the region.

"We will not stop until the job is done," Netanyahu told reporters. Mr Netanyahu added that Qatari mediators had presented a new draft.

Blinken met Egyptian officials in Cairo before flying on. Mr Blinken said the United States wanted a deal "within days".

The Israel Defense Forces (IDF) said its troops had struck targets in Khan Younis overnight. An IDF spokesman declined to comment.

Israeli troops remained in the south of the Gaza Strip, and the UN vote on a resolution was postponed. The army said Hamas fighters had fired rockets.

The Iran-backed Hezbollah movement warned that it would respond. State TV in Lebanon showed crowds in Beirut."""


def test_person_canonical_name_roles_and_short_forms():
    ents = _by_name(extract_entities(_article(CEASEFIRE)))
    text = CEASEFIRE
    bibi = ents["Benjamin Netanyahu"]
    assert bibi.type == "PERSON"
    assert bibi.roles[0] == "Israeli Prime Minister"
    spans = [text[s.start:s.end] for s in bibi.mentions]
    assert spans == ["Benjamin Netanyahu", "Netanyahu", "Netanyahu"]
    blinken = ents["Antony Blinken"]
    assert "US secretary of state" in blinken.roles
    assert [text[s.start:s.end] for s in blinken.mentions] == ["Antony Blinken", "Blinken", "Blinken"]
    assert "Netanyahu" not in ents and "Blinken" not in ents


def test_attributive_nouns_count_adjectives_do_not():
    ents = _by_name(extract_entities(_article(CEASEFIRE)))
    assert ents["United States"].type == "LOC"  # "US secretary of state", "the United States"
    assert ents["United Nations"].type == "ORG"  # "the UN vote"
    assert ents["Iran"].type == "LOC"  # "Iran-backed"
    for adjective in ("Israeli", "Qatari", "Egyptian", "Israel", "Qatar", "Egypt"):
        assert adjective not in ents


def test_abbreviations_take_the_full_name():
    ents = _by_name(extract_entities(_article(CEASEFIRE)))
    idf = ents["Israel Defense Forces"]
    assert idf.type == "ORG"
    assert "IDF" in idf.aliases
    assert [CEASEFIRE[s.start:s.end] for s in idf.mentions] == ["Israel Defense Forces", "IDF", "IDF"]
    assert "IDF" not in ents


def test_places_organisations_and_dateline():
    ents = _by_name(extract_entities(_article(CEASEFIRE)))
    for name in ("Jerusalem", "Doha", "Cairo", "Khan Younis", "Lebanon", "Beirut"):
        assert ents[name].type == "LOC", name
    for name in ("Reuters", "Hamas", "Hezbollah"):
        assert ents[name].type == "ORG", name
    gaza = ents["Gaza"]  # "the Gaza Strip" is the place Gaza
    assert "Gaza Strip" in gaza.aliases


def test_generic_bodies_and_sentence_starts_are_not_entities():
    names = {e.name for e in extract_entities(_article(CEASEFIRE))}
    for junk in ("State TV", "The", "We", "An", "Tuesday", "Mr", "Israeli Prime Minister", "army"):
        assert junk not in names


MARKETS = """Shares of Halvorsen Brothers fell 12 percent on Monday after the bank said it would sell its asset management arm to Kestrel Partners for about $2 billion.

"It is a painful decision, but the right one," said Margaret Oyelaran, chief executive of Halvorsen Brothers, in a statement. Halvorsen has been under pressure since March.

The Federal Reserve held its benchmark rate steady. The Fed said in a statement that inflation remained "somewhat elevated".

Speaking to CNBC, Tomas Lindqvist, chief economist at Northgate Research, said investors expected the deal to close in May. Despite the turmoil, Lindqvist said he saw no wider crisis.

Fears of contagion eased in London, where the FTSE 100 index rose. Analysts at the International Monetary Fund (IMF) said the IMF would publish its outlook in April."""


def test_firms_short_forms_and_appositive_roles():
    ents = _by_name(extract_entities(_article(MARKETS)))
    firm = ents["Halvorsen Brothers"]
    assert firm.type == "ORG"
    assert [MARKETS[s.start:s.end] for s in firm.mentions] == ["Halvorsen Brothers", "Halvorsen Brothers",
                                                                 "Halvorsen"]
    assert ents["Kestrel Partners"].type == "ORG"
    assert ents["Northgate Research"].type == "ORG"  # "chief economist at Northgate Research"
    ceo = ents["Margaret Oyelaran"]
    assert ceo.type == "PERSON"
    assert any(r.startswith("chief executive") for r in ceo.roles)
    econ = ents["Tomas Lindqvist"]
    assert len(econ.mentions) == 2
    assert ents["Federal Reserve"].type == "ORG"
    assert len(ents["Federal Reserve"].mentions) == 2  # "the Fed"
    assert ents["International Monetary Fund"].type == "ORG"
    assert ents["London"].type == "LOC"


def test_sentence_initial_words_months_and_quotes_are_not_entities():
    names = {e.name for e in extract_entities(_article(MARKETS))}
    for junk in ("Speaking", "Despite", "Fears", "Analysts", "March", "May", "April", "It", "Monday", "Shares"):
        assert junk not in names
        assert not any(n.startswith(junk + " ") for n in names), junk


UPRISING = """CAIRO, Egypt (CNN) -- Thousands of protesters gathered in Tahrir Square on Friday, chanting "Leave Now" and waving flags, as the opposition group Ghad al-Thawra called for a general strike.

"We are not afraid anymore," said Samir Haddad, a 34-year-old teacher. Haddad said he had walked from Giza.

The protesters planned to march to the Presidential Palace. Witnesses said security forces fired tear gas near the Suez Canal city of Ismailia.

Gen. Hassan Raouf, a military spokesman, told Nile TV that the army would not intervene. Among those injured were patients moved to Al-Salam hospital, officials said.

A rebel who gave his name only as Karim said the march would go on."""


def test_conventions_for_squares_hospitals_single_names():
    ents = _by_name(extract_entities(_article(UPRISING)))
    assert ents["Tahrir Square"].type == "LOC"
    assert ents["Presidential Palace"].type == "LOC"
    assert ents["Suez Canal"].type == "LOC"
    assert ents["Al-Salam"].type == "ORG"  # a hospital
    assert ents["Nile TV"].type == "ORG"
    assert ents["Ghad al-Thawra"].type == "ORG"  # "the opposition group X"
    assert ents["Cairo"].type == "LOC" and ents["Egypt"].type == "LOC"
    assert ents["Samir Haddad"].type == "PERSON"
    assert len(ents["Samir Haddad"].mentions) == 2
    assert ents["Hassan Raouf"].type == "PERSON"
    assert ents["Karim"].type == "PERSON"  # "... as Karim said"
    names = set(ents)
    assert "Leave Now" not in names and "Now" not in names and "Leave" not in names


def test_mentions_point_at_their_text():
    art = _article(UPRISING)
    for e in extract_entities(art):
        for s in e.mentions:
            mention = art.text[s.start:s.end]
            assert mention and mention[0].isalpha(), (e.name, mention)


@pytest.mark.parametrize("mention, expected", [
    ("Mr Netanyahu", "Benjamin Netanyahu"),
    ("Netanyahu's", "Benjamin Netanyahu"),
    ("Blinken", "Antony Blinken"),
    ("the IDF", "Israel Defense Forces"),
    ("Prime Minister Benjamin Netanyahu", "Benjamin Netanyahu"),
    ("the UN", "United Nations"),
])
def test_canonical_name_maps_short_forms(mention, expected):
    ents = extract_entities(_article(CEASEFIRE))
    found = canonical_name(mention, ents)
    assert found is not None and found.name == expected


def test_canonical_name_unknown_is_none():
    ents = extract_entities(_article(CEASEFIRE))
    assert canonical_name("Mr Smith", ents) is None
    assert canonical_name("the army", ents) is None


def test_empty_and_headline_case():
    assert extract_entities(_article("")) == ()
    text = "Markets Tumble As Investors Flee Risky Assets\n\nStocks fell sharply in Tokyo on Monday."
    names = {e.name for e in extract_entities(_article(text))}
    assert names == {"Tokyo"}
