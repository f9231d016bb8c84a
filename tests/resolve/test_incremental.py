"""Incremental resolution in a store equals resolution from scratch, whatever the batches.

Articles are saved in batches (in date order, shuffled, newest first), with a refresh after each;
an article is updated (new date, new text); then every resolution table is compared with a full
refresh of the same store, and the full refresh with the pure functions of storyline.resolve.
"""
from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter

import pytest

from storyline import api
from storyline.model import Entity, Span
from storyline.pipeline import process
from storyline.read import read_paths
from storyline.resolve import derive
from storyline.resolve.actors import resolve_actors
from storyline.resolve.duplicates import group_duplicates
from storyline.resolve.stories import StoryItem, assign_stories
from storyline.store import Store
from storyline.store.schema import RESOLUTION_TABLES

WILDFIRE = {
    "fire_0630.txt": """ date 2025-06-30 Fire danger warning issued for Corvanne hills

Estrela's civil protection agency warned on Monday that the hills around Corvanne faced an extreme risk of wildfires after three weeks without rain.

Fire Commissioner Aiko Brandt said crews had been moved to the region. "The vegetation is as dry as we have ever measured it," Brandt told reporters in Corvanne.
""",
    "fire_0701.txt": """ date 2025-07-01 Wildfire forces thousands from homes near Corvanne

A wildfire driven by strong winds forced more than 3,000 people from their homes near Corvanne on Tuesday, Estrela's civil protection agency said.

Fire Commissioner Aiko Brandt said at least 40 homes had been destroyed in the village of Sarle. "The wind turned in the afternoon and the fire jumped the road," she said.

Governor Paulo Reis said the army would send helicopters to help the fire crews.
""",
    "fire_0702.txt": """ date 2025-07-02 Two dead as Corvanne wildfire spreads

At least two people were killed as the wildfire near Corvanne spread overnight, Fire Commissioner Aiko Brandt said on Wednesday.

The bodies of an elderly couple were found in a burned farmhouse outside Sarle, the civil protection agency said. More than 5,000 people have now been evacuated.

Governor Paulo Reis declared a state of emergency in the Corvanne district. "We are fighting this fire with everything we have," Reis said.
""",
    "fire_0702_copy.txt": """ date 2025-07-02 Corvanne fire: elderly couple among dead

At least two people were killed as the wildfire near Corvanne spread overnight, Fire Commissioner Aiko Brandt said on Wednesday.

The bodies of an elderly couple were found in a burned farmhouse outside Sarle, the civil protection agency said. More than 5,000 residents have now been evacuated, officials said.

Governor Paulo Reis declared a state of emergency in the Corvanne district. "We are fighting this fire with everything we have," Reis said.

Forecasters expect the wind to ease on Thursday.

This story was originally published by Meridian Wire and is republished here under licence.
""",
    "fire_0704.txt": """ date 2025-07-04 Corvanne wildfire contained after destroying 140 homes

Firefighters contained the wildfire near Corvanne on Friday after it destroyed 140 homes, Ms Brandt said. The death toll rose to three after a firefighter died in hospital.

Governor Reis thanked the crews and promised compensation for families in Sarle. "No one who lost a home will be left alone," he said.
""",
}

REWRITTEN_COPY = """ date 2025-06-29 Corvanne braces for a dry summer

Farmers around Corvanne said on Sunday that wells had run low after the driest spring in decades, and the regional water board asked residents to save water.

Aiko Brandt, the fire commissioner, said the risk of wildfires in the hills was rising.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request):
    """Every test article, extracted once: (source name, Extraction, Derived)."""
    folder = tmp_path_factory.mktemp("corpus")
    for name, text in WILDFIRE.items():
        (folder / name).write_text(text, encoding="utf-8")
    story = request.config.rootpath / "tests" / "fixtures" / "story"
    paths = sorted(folder.iterdir()) + sorted(story.iterdir())
    out = []
    for raw in read_paths([str(p) for p in paths]):
        x = process(raw)
        out.append((raw.source.rsplit("/", 1)[-1], x, derive(x)))
    return out


def _rewritten(corpus, name: str, text: str):
    folder = next(x for n, x, _ in corpus if n == name).article.source.rsplit("/", 1)[0]
    path = f"{folder}/{name}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        [raw] = list(read_paths([path]))
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(WILDFIRE[name])
    x = process(raw)
    return x, derive(x)


def dump(store: Store) -> dict[str, list]:
    """Every resolution table (redirects aside: they record history), in a comparable form."""
    out = {}
    for table in RESOLUTION_TABLES:
        if table == "actor_redirects":
            continue
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")]
        out[table] = sorted(tuple(r) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM {table}"))
    return out


def _save(store: Store, items) -> None:
    for _, x, d in items:
        store.save(x, d)


def _batches(items, n):
    return [items[i * len(items) // n:(i + 1) * len(items) // n] for i in range(n)]


def _by_date(corpus):
    return sorted(corpus, key=lambda t: (t[1].article.published or "", t[1].article.id))


@pytest.mark.parametrize("order", ["by date", "shuffled", "newest first"])
def test_batches_in_any_order_give_what_a_full_refresh_gives(corpus, order):
    items = _by_date(corpus)
    if order == "shuffled":
        random.Random(11).shuffle(items)
    elif order == "newest first":
        items.reverse()
    store = Store(":memory:")
    replayed, added = [], []
    for batch in _batches(items, 4):
        before = store.count("articles")
        _save(store, batch)
        added.append(store.count("articles") - before)
        replayed.append(api.refresh(store)["replayed"])
    if order == "by date":
        assert replayed == added  # each batch costs only its own articles
    else:
        assert sum(replayed) > sum(added)  # older articles arrived late: later ones were replayed
    incremental = dump(store)
    assert api.refresh(store, full=True)["replayed"] == sum(added)
    assert dump(store) == incremental


def test_an_updated_article_moves_back_in_time_and_leaves_its_duplicate_group(corpus):
    store = Store(":memory:")
    _save(store, _by_date(corpus))
    api.refresh(store)
    copy = next(x for n, x, _ in corpus if n == "fire_0702_copy.txt").article.id
    original = next(x for n, x, _ in corpus if n == "fire_0702.txt").article.id
    group, members = store.duplicate_group(copy)
    assert group == min(copy, original) and sorted(members) == sorted([copy, original])
    x, d = _rewritten(corpus, "fire_0702_copy.txt", REWRITTEN_COPY)
    assert x.article.id == copy and store.save(x, d) == "updated"
    assert store.pending() == 1
    result = api.refresh(store)
    assert result["replayed"] > 1  # it now sorts before the articles of the days after it
    assert store.duplicate_group(copy) == (None, [])
    incremental = dump(store)
    api.refresh(store, full=True)
    assert dump(store) == incremental


def test_full_refresh_equals_the_pure_functions(corpus):
    store = Store(":memory:")
    _save(store, corpus)
    api.refresh(store, full=True)
    c = store.conn
    sigs = [(r[0], r[1]) for r in c.execute("SELECT article_id, signature FROM signatures")]
    expected_groups = {a: g[0] for g in group_duplicates(sigs) for a in g}
    assert store.duplicate_groups() == expected_groups and expected_groups
    items = [StoryItem(r[0], r[1], json.loads(r[2])) for r in c.execute(
        "SELECT a.id, a.published, s.features FROM articles a JOIN signatures s ON s.article_id = a.id")]
    assert store.story_assignments() == assign_stories(items)
    triples = [(r["article_id"], r["published"],
                Entity(r["name"], r["type"], tuple(Span(s, e) for s, e in json.loads(r["mentions"])),
                       tuple(json.loads(r["aliases"])), tuple(json.loads(r["roles"]))))
               for r in c.execute("SELECT e.*, a.published FROM entities e JOIN articles a ON a.id = e.article_id")]
    expected = Counter((a.id, a.name, a.type, a.mentions, len(a.articles), a.first, a.last)
                       for a in resolve_actors(triples))
    stored = Counter(tuple(r) for r in c.execute("SELECT id, name, type, mentions, articles, first, last FROM actors"))
    assert stored == expected


def test_a_refresh_in_small_parts_gives_what_one_part_gives(corpus, monkeypatch):
    """A refresh after a large ingest folds entities and moves story counts a part at a time
    (bounded memory); the parts must not change the result, including an updated article."""
    from storyline import incremental

    items = _by_date(corpus)
    random.Random(5).shuffle(items)

    def resolved(part: int) -> dict[str, list]:
        monkeypatch.setattr(incremental, "PART", part)
        store = Store(":memory:")
        _save(store, items[: len(items) // 2])
        api.refresh(store)
        _save(store, items[len(items) // 2:])
        x, d = _rewritten(corpus, "fire_0702_copy.txt", REWRITTEN_COPY)
        store.save(x, d)  # saved twice now: an update among the new articles
        assert store.pending() > 2
        api.refresh(store)
        return dump(store)

    one_pass = resolved(10_000)
    assert resolved(2) == one_pass
    assert resolved(1) == one_pass
    assert one_pass["actors"] and one_pass["story_forms"]


LATER_0701 = [f""" date 2025-07-{day} Corvanne evacuees wait to return home

Thousands of people evacuated from around Corvanne were still waiting on {weekday} to return home, the
civil protection agency said. Fire Commissioner Aiko Brandt said {n} homes had been inspected.
""" for day, weekday, n in (("05", "Saturday", 60), ("06", "Sunday", 90))]


@pytest.mark.parametrize("order", ["by date", "shuffled"])
def test_stories_replayed_once_after_parts_resolved_as_they_came_equal_a_full_refresh(corpus, order):
    """A long ingest resolves duplicates, actors and series as it goes and replays the stories once;
    an article updated twice while it waits for its story keeps the place it had when last placed."""
    items = _by_date(corpus)
    if order == "shuffled":
        random.Random(3).shuffle(items)
    late = [it for it in items if it[0] != "fire_0701.txt"][-6:]
    store = Store(":memory:")
    _save(store, [it for it in items if it not in late])
    api.refresh(store)  # a resolved store to start from, fire_0701 placed on July 1st
    first_pass = 0
    for batch in _batches(late, 3):
        _save(store, batch)
        result = api.refresh(store, stories=False)
        assert "replayed" not in result and result["resolved"] == len(batch)
        first_pass += len(batch)
        assert store.pending() == first_pass  # resolved, but waiting for their stories
    for text in LATER_0701:  # moved later twice while it waits: its July 1st place must be undone
        x, d = _rewritten(corpus, "fire_0701.txt", text)
        assert store.save(x, d) == "updated"
        api.refresh(store, stories=False)
    assert store.pending() == first_pass + 1
    result = api.refresh(store)
    assert result["replayed"] >= first_pass + 1 and store.pending() == 0
    incremental = dump(store)
    api.refresh(store, full=True)
    assert dump(store) == incremental


def test_an_article_updated_twice_while_it_waits_for_its_story_leaves_its_first_place(corpus):
    store = Store(":memory:")
    _save(store, _by_date(corpus))
    api.refresh(store)  # fire_0701 placed on July 1st
    for text in LATER_0701:  # then moved to July 5th and 6th, resolved but for its story each time
        x, d = _rewritten(corpus, "fire_0701.txt", text)
        store.save(x, d)
        api.refresh(store, stories=False)
    assert store.pending() == 1
    assert api.refresh(store)["replayed"] > 1  # from July 1st, not from July 5th
    incremental = dump(store)
    api.refresh(store, full=True)
    assert dump(store) == incremental


def test_ingest_resolving_as_it_goes_gives_the_store_of_one_refresh_at_the_end(corpus, tmp_path):
    from storyline.pipeline import ingest

    paths = sorted({x.article.source for _, x, _ in corpus})
    stores = []
    for every in (None, 2):
        store = Store(tmp_path / f"every-{every}.db")
        summary = ingest(paths, store, engine="serial", save_batch=1, resolve_every=every)
        assert summary.added == len(paths)
        if every:
            assert store.count("actors") > 0 and store.pending() == len(paths)  # first phase done as it went
        else:
            assert store.count("actors") == 0 and store.pending() == len(paths)
        api.refresh(store)
        stores.append(dump(store))
    assert stores[0] == stores[1]


def test_actor_pages_and_lookups(corpus):
    store = Store(":memory:")
    _save(store, corpus)
    api.refresh(store)
    page = api.actor_page(store, type="PERSON", limit=2)
    assert page.total >= 5 and len(page.items) == 2
    rest = api.actor_page(store, type="PERSON", limit=100, offset=2)
    assert len(page.items) + len(rest.items) == page.total
    names = [a.name for a in page.items + rest.items]
    assert len(names) == len(set(names))
    brandt = api.actor_page(store, q="BRANDT", type="PERSON").items
    assert brandt and all("brandt" in a.name.lower() and a.type == "PERSON" for a in brandt)
    brandt = next(a for a in brandt if a.name == "Aiko Brandt")
    named = sorted((x.article.published, x.article.id) for _, x, _ in corpus
                   if any(e.type == "PERSON" and e.name.endswith("Brandt") for e in x.entities))
    assert len(named) >= 3  # "Aiko Brandt" and a later bare "Brandt" are one person
    assert brandt.articles == len(named) and (brandt.first, brandt.last) == (named[0][0], named[-1][0])
    assert api.actor(store, brandt.id) == brandt
    appearances = api.actor_appearances(store, brandt.id, limit=2)
    assert appearances.total == len(named)
    newest_first = sorted(sorted(named, key=lambda t: t[1]), key=lambda t: t[0], reverse=True)
    assert [a.article_id for a in appearances.items] == [aid for _, aid in newest_first[:2]]
    # the entity rows and quote speakers of an article lead to the actor
    fire4 = next(x for n, x, _ in corpus if n == "fire_0704.txt")
    ents = api.entity_actors(store, fire4.article.id)
    idx = next(i for i, e in enumerate(fire4.entities) if e.type == "PERSON" and e.name.endswith("Brandt"))
    assert ents[idx] == brandt.id
    quotes = api.quote_actors(store, fire4.article.id)
    reis = next(i for i, q in enumerate(fire4.quotes) if q.speaker and "Reis" in q.speaker)
    assert api.actor(store, quotes[reis]).name == "Paulo Reis"
    said = api.actor_quotes(store, brandt.id)
    assert said.total >= 2 and all(q["actor"] == brandt.id for q in said.items)
    # within a story: counts of that story only
    fire = store.story_of(fire4.article.id)
    in_story = api.actor_page(store, story=fire, type="PERSON")
    assert brandt.id in {a.id for a in in_story.items}
    assert all(a.story_mentions is not None for a in in_story.items)
    quake = store.story_of(next(x for n, x, _ in corpus if n == "quake_day1.txt").article.id)
    assert brandt.id not in {a.id for a in api.actor_page(store, story=quake, limit=None).items}


def test_series_and_stories_are_read_by_key_and_page(corpus):
    store = Store(":memory:")
    _save(store, corpus)
    api.refresh(store)
    everything = api.series(store)
    page = api.series_page(store, limit=3)
    assert page.total == len(everything) and page.items == everything[:3]
    killed = next(s for s in api.series(store, category="killed") if s.place == "Kessel")
    assert api.series_by_id(store, killed.id) == killed
    day2 = next(x for n, x, _ in corpus if n == "quake_day2.txt").article
    copy = next(x for n, x, _ in corpus if n == "quake_day2_copy.txt").article
    assert killed.id in api.point_series(store, day2.id).values()
    assert killed.id in api.point_series(store, copy.id).values()  # the copy's point: its original's series
    assert sum(1 for p in killed.points if p.as_of == "2025-03-05") == 1
    stories = api.stories_page(store, limit=1)
    assert stories.total == len(api.stories(store)) == 3 and stories.items[0].size == 5
    fire = stories.items[0]
    assert (fire.first, fire.last) == ("2025-06-30", "2025-07-04")
    assert "Aiko Brandt" in fire.top_actors
    assert api.story(store, fire.id) == fire


def test_a_reader_sees_one_resolution_at_a_time(tmp_path, corpus):
    db = tmp_path / "s.db"
    writer = Store(db)
    items = _by_date(corpus)
    _save(writer, items[:6])
    api.refresh(writer)
    reader = Store(db, readonly=True)
    with reader.snapshot():
        before = reader.counts()
        _save(writer, items[6:])  # the writer commits while the reader's snapshot is open
        api.refresh(writer)
        assert reader.counts() == before
        assert sum(s.size for s in api.stories(reader)) == before["articles"] == 6
    after = reader.counts()
    assert after["articles"] == len(items) and after["pending"] == 0
    with pytest.raises(sqlite3.OperationalError):
        reader.conn.execute("DELETE FROM stories")
    reader.close()
    writer.close()
