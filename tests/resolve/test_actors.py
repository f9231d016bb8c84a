"""Canonical actors across articles: name variants, roles with dates, order independence."""
from __future__ import annotations

import random

import pytest

from storyline.model import Article, Entity, Span
from storyline.resolve.actors import actor_key, merge_actor_tables, resolve_actors


def ent(name: str, type: str = "PERSON", n: int = 1, aliases=(), roles=()) -> Entity:
    return Entity(name=name, type=type, mentions=tuple(Span(i * 10, i * 10 + 5) for i in range(n)),
                  aliases=tuple(aliases), roles=tuple(roles))


def by_name(actors):
    return {a.name: a for a in actors}


NETANYAHU = [
    ("a1", "2023-11-30", ent("Benjamin Netanyahu", n=3, aliases=["Netanyahu"], roles=["Israeli Prime Minister"])),
    ("a2", "2024-02-07", ent("Netanyahu", n=2, roles=["Mr"])),
    ("a3", "2024-06-11", ent("Mr Netanyahu", n=1)),
    ("a4", "2025-08-22", ent("Israeli Prime Minister Benjamin Netanyahu", n=4)),
    ("a1", "2023-11-30", ent("Antony Blinken", n=2, roles=["US secretary of state"])),
    ("a2", "2024-02-07", ent("Blinken", n=5)),
    ("a3", "2024-06-11", ent("Antony Blinken", n=1, aliases=["Blinken"], roles=["Secretary of State"])),
]


def test_name_variants_of_one_person_are_one_actor():
    actors = by_name(resolve_actors(NETANYAHU))
    assert set(actors) == {"Benjamin Netanyahu", "Antony Blinken"}
    bibi = actors["Benjamin Netanyahu"]
    assert bibi.type == "PERSON" and bibi.id == "person:benjamin-netanyahu"
    assert bibi.articles == ("a1", "a2", "a3", "a4")
    assert bibi.mentions == 10
    assert dict(bibi.aliases)["Netanyahu"] == 3  # written so in a1 (alias), a2 and a3
    roles = {r.title: (r.first, r.last, r.articles) for r in bibi.roles}
    assert roles == {"Israeli Prime Minister": ("2023-11-30", "2025-08-22", 2)}  # "Mr" is no role
    blinken = actors["Antony Blinken"]
    assert blinken.articles == ("a1", "a2", "a3") and blinken.mentions == 8
    assert [(r.title, r.first, r.last) for r in blinken.roles] == [
        ("US secretary of state", "2023-11-30", "2023-11-30"), ("Secretary of State", "2024-06-11", "2024-06-11")]


def test_people_sharing_a_surname_stay_apart_and_a_bare_surname_is_not_guessed():
    actors = by_name(resolve_actors([
        ("b1", "2023-11-30", ent("Mia Shem", aliases=["Shem"])),
        ("b2", "2023-12-01", ent("Keren Shem")),
        ("b3", "2023-12-02", ent("Shem")),
    ]))
    assert set(actors) == {"Mia Shem", "Keren Shem", "Shem"}
    assert actors["Shem"].articles == ("b3",)


def test_a_bare_surname_joins_a_dominant_namesake():
    items = [(f"c{i}", "2024-01-0%d" % (i + 1), ent("Joe Biden")) for i in range(6)]
    items += [("h1", "2024-01-02", ent("Hunter Biden")), ("c9", "2024-01-09", ent("Biden"))]
    actors = by_name(resolve_actors(items))
    assert set(actors) == {"Joe Biden", "Hunter Biden"}
    assert "c9" in actors["Joe Biden"].articles


def test_spelling_variants_merge_only_with_the_same_first_name():
    actors = by_name(resolve_actors([
        ("d1", "2011-02-20", ent("Muammar Gaddafi", n=4)),
        ("d2", "2011-02-21", ent("Muammar Gadhafi", n=2)),
        ("d3", "2011-02-22", ent("Moammar Gadhafi")),
        ("d4", "2011-02-22", ent("Saif al-Islam Gaddafi")),
        ("d5", "2011-03-01", ent("José Pérez")),
        ("d6", "2011-03-02", ent("Jose Perez")),
        ("d7", "2011-03-02", ent("Mark Jones")),
        ("d8", "2011-03-03", ent("Mary Jones")),
    ]))
    assert set(actors) == {"Muammar Gaddafi", "Saif al-Islam Gaddafi", "José Pérez", "Mark Jones", "Mary Jones"}
    assert actors["Muammar Gaddafi"].articles == ("d1", "d2", "d3")
    assert dict(actors["Muammar Gaddafi"].aliases) == {"Muammar Gadhafi": 1, "Moammar Gadhafi": 1}
    assert actors["José Pérez"].articles == ("d5", "d6")


def test_organisations_acronyms_and_spellings():
    actors = by_name(resolve_actors([
        ("e1", "2024-01-01", ent("Israel Defense Forces", "ORG", n=3, aliases=["IDF"])),
        ("e2", "2024-01-02", ent("Israel Defence Forces", "ORG")),
        ("e3", "2024-01-03", ent("IDF", "ORG", n=2)),
        ("e4", "2024-01-03", ent("United Nations", "ORG", aliases=["UN"])),
        ("e5", "2024-01-04", ent("UN", "ORG")),
        ("e6", "2024-01-04", ent("Hamas", "ORG")),
    ]))
    assert set(actors) == {"Israel Defense Forces", "United Nations", "Hamas"}
    assert actors["Israel Defense Forces"].articles == ("e1", "e2", "e3")
    assert actors["United Nations"].articles == ("e4", "e5")


def test_places_short_forms_join_but_a_city_stays_apart():
    actors = by_name(resolve_actors([
        ("f1", "2024-01-01", ent("Gaza", "LOC", n=5, aliases=["Gaza Strip"])),
        ("f2", "2024-01-02", ent("Gaza", "LOC", n=2, aliases=["Gaza Strip"])),
        ("f3", "2024-01-03", ent("Gaza Strip", "LOC")),
        ("f4", "2024-01-03", ent("Gaza City", "LOC", n=2)),
        ("f5", "2024-01-04", ent("the Netherlands", "LOC")),
        ("f6", "2024-01-05", ent("Netherlands", "LOC")),
    ]))
    assert set(actors) == {"Gaza", "Gaza City", "Netherlands"}
    assert actors["Gaza"].articles == ("f1", "f2", "f3")
    assert actors["Gaza City"].articles == ("f4",)


def test_one_slip_of_the_extractor_does_not_glue_two_places():
    items = [(f"g{i}", "2024-02-01", ent("Gaza City", "LOC")) for i in range(8)]
    items.append(("g9", "2024-02-02", ent("Gaza", "LOC", aliases=["Gaza City"])))
    assert {a.name for a in resolve_actors(items)} == {"Gaza", "Gaza City"}


def test_order_and_batches_do_not_change_the_result():
    items = list(NETANYAHU) + [
        ("b1", "2023-11-30", ent("Mia Shem", aliases=["Shem"])), ("b2", "2023-12-01", ent("Keren Shem")),
        ("e1", "2024-01-01", ent("Israel Defense Forces", "ORG", aliases=["IDF"])), ("e3", "2024-01-03", ent("IDF", "ORG")),
    ]
    one_pass = resolve_actors(items)
    shuffled = list(items)
    random.Random(3).shuffle(shuffled)
    assert resolve_actors(shuffled) == one_pass
    first = {"a1", "a3", "b2"}
    half_a = resolve_actors([i for i in items if i[0] in first])
    half_b = resolve_actors([i for i in items if i[0] not in first])
    assert merge_actor_tables(half_a, half_b) == one_pass
    assert merge_actor_tables(half_b, half_a) == one_pass


def test_merging_the_same_article_twice_is_refused():
    table = resolve_actors(NETANYAHU)
    with pytest.raises(ValueError):
        merge_actor_tables(table, table)


def test_actor_key_buckets_every_variant_together():
    keys = {actor_key(ent(n)) for n in ("Benjamin Netanyahu", "Netanyahu", "Mr Netanyahu",
                                        "Israeli Prime Minister Benjamin Netanyahu")}
    assert len(keys) == 1
    assert actor_key(ent("Muammar Gaddafi")) == actor_key(ent("Moammar Gadhafi")) == actor_key(ent("Qaddafi"))
    assert actor_key(ent("IDF", "ORG")) == actor_key(ent("Israel Defense Forces", "ORG"))
    assert actor_key(ent("Mia Shem")) != actor_key(ent("Mia Farrow"))
    # the key is what makes incremental updates exact: every actor lies within one key
    for actor in resolve_actors(NETANYAHU):
        assert {f.key for f in actor.forms} == {actor.key}


def test_actors_from_extracted_articles():
    extract_entities = pytest.importorskip("storyline.extract.entities").extract_entities
    a = Article(id="x1", source="x1.txt", published="2019-03-01", text=(
        "German Chancellor Angela Merkel met French President Emmanuel Macron in Berlin on Thursday.\n\n"
        "\"We agreed on the budget,\" Merkel told reporters."))
    b = Article(id="x2", source="x2.txt", published="2019-03-04", text=(
        "Mrs Merkel flew to Brussels on Monday, where she met EU leaders.\n\n"
        "She is expected to see Mr Macron again on Tuesday."))
    items = [(art.id, art.published, e) for art in (a, b) for e in extract_entities(art)]
    actors = by_name(resolve_actors(items))
    assert actors["Angela Merkel"].articles == ("x1", "x2")
    assert actors["Emmanuel Macron"].articles == ("x1", "x2")
    assert any(r.title.endswith("Chancellor") for r in actors["Angela Merkel"].roles)
