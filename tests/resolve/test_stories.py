"""Story splitting: articles of three developing stories that share generic actors stay apart."""
from __future__ import annotations

import random

from storyline.model import Article, Entity, Extraction, Span
from storyline.resolve.stories import StoryItem, StoryTracker, assign_stories, label_stories, story_features

# Three stories, three articles each, written in wire style. All three mention the United States,
# Washington and the United Nations: generic actors that must not pull them together.
ARTICLES = {
    "sudan-1": ("2023-05-20", """KHARTOUM - Sudan's army and the Rapid Support Forces signed a week-long ceasefire in Jeddah on Saturday after talks mediated by Saudi Arabia and the United States.

Residents of Khartoum reported air strikes near the airport hours before the truce was due to begin. The RSF said it would respect the agreement if the army stopped its bombardment.

The United Nations says more than a million people have fled their homes since fighting between General Abdel Fattah al-Burhan and RSF commander Mohamed Hamdan Dagalo began in April."""),
    "sudan-2": ("2023-05-24", """Aid convoys entered Khartoum for the first time since the Jeddah ceasefire took effect, but the Rapid Support Forces and the Sudanese army accused each other of violations.

Witnesses in Omdurman described artillery fire across the Nile. Washington said it was monitoring the truce with Saudi Arabia and would hold both sides to account.

Doctors in Khartoum said hospitals had run out of fuel, and the RSF was accused of looting warehouses of the World Food Programme."""),
    "sudan-3": ("2023-06-01", """The Sudanese army suspended its participation in the Jeddah talks on Wednesday, accusing the Rapid Support Forces of occupying hospitals in Khartoum.

Burhan's delegation left Jeddah as fighting resumed in Omdurman and in Darfur. Dagalo said the RSF remained committed to the ceasefire.

Saudi Arabia and the United States said they were ready to resume mediation once both sides returned to the table."""),
    "bank-1": ("2023-05-20", """First Harbor Bank collapsed on Friday after depositors withdrew $42 billion in a single day, the largest failure of a U.S. lender since 2008, the Federal Deposit Insurance Corporation said.

The FDIC seized the bank's assets and said insured deposits would be available on Monday. Shares of regional lenders fell sharply on Wall Street.

Treasury Secretary Janet Yellen said in Washington that the banking system remained sound."""),
    "bank-2": ("2023-05-23", """Regulators in the United States agreed to guarantee all deposits at First Harbor Bank, the Federal Reserve and the FDIC said in a joint statement.

The Federal Reserve also opened an emergency lending programme for banks hit by withdrawals. Yellen said taxpayers would bear no losses.

Investors on Wall Street sold shares of other regional lenders, and the deposit run spread to two banks in California."""),
    "bank-3": ("2023-05-30", """The FDIC said it had agreed to sell First Harbor Bank to a larger rival, ending a week of turmoil among regional lenders.

Janet Yellen told Congress that the Federal Reserve's emergency lending had stopped the deposit run. Shares of regional banks rose on Wall Street after the sale.

Lawmakers in Washington called for tougher rules on the bank's executives, who sold shares weeks before the collapse."""),
    "quake-1": ("2023-05-21", """A magnitude 7.1 earthquake struck eastern Anatolia before dawn on Sunday, flattening buildings in Malatya and Elazig, Turkey's disaster agency AFAD said.

President Recep Tayyip Erdogan declared a state of emergency in four provinces. Rescue teams from AFAD searched the rubble in Malatya through the night.

The United Nations and the United States offered to send search teams."""),
    "quake-2": ("2023-05-25", """Rescuers in Malatya pulled a teenager alive from the rubble of an apartment block, four days after the earthquake, AFAD said.

The death toll in Malatya and Elazig rose to 1,240. Erdogan visited tent camps in Elazig and promised to rebuild homes within a year.

Search teams from the United States and Japan joined AFAD crews working among collapsed buildings."""),
    "quake-3": ("2023-06-02", """Turkey ended search and rescue operations in Malatya and Elazig on Friday, AFAD said, as survivors of the earthquake moved into container homes.

Erdogan's government faced questions over why buildings that had passed inspections collapsed. Prosecutors in Malatya detained 30 contractors.

The United Nations said 200,000 people in eastern Anatolia still needed shelter after the earthquake."""),
}

STORY = {aid: aid.split("-")[0] for aid in ARTICLES}


def _extraction(aid: str, entities: tuple[Entity, ...] = ()) -> Extraction:
    published, text = ARTICLES[aid]
    return Extraction(article=Article(id=aid, source=f"{aid}.txt", text=text, published=published), entities=entities)


def _items() -> list[StoryItem]:
    return [StoryItem(aid, ARTICLES[aid][0], story_features(_extraction(aid))) for aid in ARTICLES]


def _groups(assignment: dict[str, str]) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for aid, sid in assignment.items():
        by_story.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in by_story.values()}


def test_three_stories_sharing_generic_actors_are_split():
    assignment = assign_stories(_items())
    expected = {frozenset(a for a in ARTICLES if STORY[a] == s) for s in ("sudan", "bank", "quake")}
    assert _groups(assignment) == expected
    # the story id is its earliest article (canonical order: date, then id)
    assert assignment["sudan-3"] == "sudan-1"
    assert assignment["bank-2"] == "bank-1"
    assert assignment["quake-3"] == "quake-1"


def test_same_result_all_at_once_or_in_two_halves_in_any_order():
    items = _items()
    whole = assign_stories(items)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(items)
        tracker = StoryTracker()
        tracker.add(items[:4])
        tracker.add(items[4:])
        assert tracker.assignments == whole
    chrono = sorted(items, key=lambda i: (i.published, i.article_id))
    tracker = StoryTracker()
    tracker.add(chrono[:5])
    tracker.add(chrono[5:])
    assert tracker.assignments == whole


def test_labels_name_distinctive_actors_not_generic_ones():
    labels = label_stories(_items())
    assert set(labels) == {"sudan-1", "bank-1", "quake-1"}
    assert "RSF" in labels["sudan-1"] or "Khartoum" in labels["sudan-1"]
    assert "First Harbor Bank" in labels["bank-1"] or "FDIC" in labels["bank-1"]
    assert "Malatya" in labels["quake-1"] or "AFAD" in labels["quake-1"]
    for label in labels.values():
        assert "United States" not in label.split(" · ")[:2]


def test_capitalised_terms_skip_sentence_openers_titles_and_calendar_words():
    text = ("NAIROBI - Protesters marched on parliament on Tuesday. The United Nations urged calm.\n\n"
            "President William Ruto said the Finance Bill would be withdrawn. Ruto spoke in Nairobi.")
    f = story_features(Extraction(article=Article(id="k", source="k", text=text, published="2024-06-25")))
    actors = {k[2:] for k in f if k.startswith("e:")}
    assert {"United Nations", "William Ruto", "Ruto", "Finance Bill"} <= actors
    assert "Nairobi" in actors  # the all-capitals dateline and the mid-sentence mention agree
    assert not actors & {"Protesters", "The United Nations", "President", "Tuesday", "The"}
    assert f["e:Nairobi"] > f["e:United Nations"]  # two mentions, one in the lead


def test_extracted_entities_are_used_when_present():
    text = ARTICLES["sudan-1"][1]
    start = text.index("Rapid Support Forces")
    ent = Entity(name="Rapid Support Forces", type="ORG", mentions=(Span(start, start + 20),), aliases=("RSF",))
    f = story_features(_extraction("sudan-1", (ent,)))
    assert "e:Rapid Support Forces" in f
    assert "e:Khartoum" not in f  # no fallback on capitalised words when the extractor spoke
    assert any(k.startswith("k:") for k in f)  # keywords are always there


def test_an_article_about_another_story_starts_its_own():
    items = _items()
    text = ("Wildfires forced the evacuation of 30,000 people near Kelowna in British Columbia on Thursday, "
            "Canadian officials said. The United States sent water bombers.\n\n"
            "Firefighters in Kelowna battled flames driven by strong winds, and BC Wildfire Service said the "
            "fire had grown to 6,800 hectares.")
    extra = StoryItem("fire-1", "2023-05-26",
                      story_features(Extraction(article=Article(id="fire-1", source="f", text=text, published="2023-05-26"))))
    assignment = assign_stories(items + [extra])
    assert assignment["fire-1"] == "fire-1"
    assert _groups(assignment) - _groups(assign_stories(items)) == {frozenset({"fire-1"})}


def test_empty_input_and_featureless_articles():
    assert assign_stories([]) == {}
    out = assign_stories([StoryItem("a", None, {}), StoryItem("b", None, {})])
    assert out == {"a": "a", "b": "b"}


def test_news_organisations_and_the_own_outlet_are_not_actors():
    text = ("TRIPOLI (Reuters) - Rebels in Misrata said on Friday they had pushed government forces out of the "
            "port, a Daily Planet reporter in Misrata saw. CNN could not confirm the account.\n\n"
            "Misrata has been besieged for weeks, rebels told the Daily Planet.")
    art = Article(id="m", source="m", text=text, published="2011-04-22", outlet="Daily Planet")
    actors = {k[2:] for k in story_features(Extraction(article=art)) if k.startswith("e:")}
    assert "Misrata" in actors
    assert not actors & {"Reuters", "CNN", "Daily Planet"}
