import dataclasses
import sqlite3

import pytest

from storyline import api
from storyline.errors import StoreError
from storyline.model import Article, DateMention, Entity, Extraction, Figure, Quote, Span
from storyline.pipeline import process
from storyline.read import read_paths
from storyline.resolve import derive
from storyline.store import ADDED, UNCHANGED, UPDATED, Store
from storyline.store.schema import SCHEMA, SCHEMA_VERSION

TEXT = 'The mayor said on Monday that "the bridge is safe". At least 12 people were hurt.'


def extraction(text=TEXT, source="a.txt", aid="a1"):
    art = Article(id=aid, source=source, text=text, title="Bridge", published="2024-05-06")
    q0 = text.index("the bridge")
    return Extraction(
        article=art,
        quotes=(Quote(Span(q0, q0 + 18), "the bridge is safe", "Jane Roe", speaker_span=Span(4, 9), cue="said"),),
        figures=(Figure(Span(text.index("At least"), text.index(" were")), "At least 12 people", 12.0, "injured",
                        qualifier="at least"),),
        dates=(DateMention(Span(text.index("Monday"), text.index("Monday") + 6), "Monday", "2024-05-06"),),
        entities=(Entity("Jane Roe", "PERSON", (Span(4, 9),), roles=("mayor",)),),
    )


def test_round_trip():
    s = Store(":memory:")
    x = extraction()
    assert s.save(x) == ADDED
    back = s.extraction("a1")
    assert back == x


def test_idempotent_and_updates():
    s = Store(":memory:")
    assert s.save(extraction()) == ADDED
    assert s.save(extraction()) == UNCHANGED
    assert s.counts()["quotes"] == 1
    changed = extraction(text=TEXT.replace("12", "14"))
    changed = dataclasses.replace(changed, figures=())
    assert s.save(changed) == UPDATED
    counts = s.counts()
    assert {k: counts[k] for k in ("articles", "sources", "quotes", "figures", "dates", "entities")} == {
        "articles": 1, "sources": 1, "quotes": 1, "figures": 0, "dates": 1, "entities": 1}
    assert counts["pending"] == 1 and counts["actors"] == 0  # saved, not resolved yet
    assert "14" in s.article("a1").text
    api.refresh(s)
    counts = s.counts()
    assert counts["pending"] == 0 and counts["actors"] == 1
    assert api.actor_page(s).items[0].name == "Jane Roe"


def test_same_text_from_another_source_is_stored_once():
    s = Store(":memory:")
    assert s.save(extraction()) == ADDED
    assert s.save(extraction(source="copy/a.txt", aid="a2")) == UNCHANGED
    assert s.counts()["articles"] == 1 and s.counts()["sources"] == 2
    assert s.save(extraction(source="copy/a.txt", aid="a2")) == UNCHANGED


def test_new_extractor_version_reextracts(tmp_path):
    db = tmp_path / "s.db"
    with Store(db, extractor_version="1") as s:
        assert s.save(extraction()) == ADDED
    with Store(db, extractor_version="2") as s:
        assert s.save(extraction()) == UPDATED
        assert s.counts()["articles"] == 1


def _ingest(store, paths):
    for raw in read_paths([str(p) for p in paths]):
        x = process(raw)
        store.save(x, derive(x))


def _make_v1(path, story_dir):
    """A version-1 database as the released storyline left it: the version-1 schema, the articles
    and their derived rows, and the results of its last refresh (no resolution state)."""
    with Store(path.with_name("v2.db")) as v2:
        _ingest(v2, sorted(story_dir.iterdir()))
        api.refresh(v2)
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.execute("PRAGMA user_version=1")
    con.execute("ATTACH DATABASE ? AS v2", (str(path.with_name("v2.db")),))
    for table in ("articles", "sources", "quotes", "figures", "dates", "entities", "points", "events", "signatures",
                  "bands", "duplicate_of", "stories"):
        cols = [r[1] for r in con.execute(f"PRAGMA main.table_info({table})")]
        con.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM v2.{table}")
    con.execute("INSERT INTO main.story_of(article_id, story_id) SELECT article_id, story_id FROM v2.story_of")
    con.commit()
    con.execute("DETACH DATABASE v2")
    con.close()


def test_a_version_2_database_gains_the_story_queue_and_keeps_its_resolution(tmp_path, articles_dir):
    db = tmp_path / "v2.db"
    with Store(db) as s:
        for raw in read_paths([str(articles_dir.parent / "story")]):
            x = process(raw)
            s.save(x, derive(x))
        api.refresh(s)
        before = dump_resolution(s)
        assert before["actors"] and before["stories"]
        s.conn.execute("DROP TABLE story_pending")  # what version 2 had
        s.conn.execute("PRAGMA user_version=2")
    with Store(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.pending() == 0 and dump_resolution(s) == before  # nothing to redo
        api.refresh(s, full=True)
        assert dump_resolution(s) == before


def dump_resolution(s: Store) -> dict[str, list]:
    from storyline.store.schema import RESOLUTION_TABLES

    return {t: sorted(tuple(r) for r in s.conn.execute(f"SELECT * FROM {t}"))  # noqa: S608 (fixed names)
            for t in RESOLUTION_TABLES if t != "actor_redirects"}


def test_a_version_1_database_is_migrated_and_resolved(tmp_path, articles_dir):
    db = tmp_path / "old.db"
    _make_v1(db, articles_dir.parent / "story")
    with pytest.raises(StoreError, match="open it once for writing"):
        Store(db, readonly=True)
    before = sqlite3.connect(db)
    stories_before = dict(before.execute("SELECT article_id, story_id FROM story_of"))
    before.close()
    with Store(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.pending() == s.count("articles") == 6  # everything is resolved again by the next refresh
        assert s.story_assignments() == stories_before  # readers keep the old results meanwhile
        api.refresh(s)
        assert s.pending() == 0
        assert s.story_assignments() == stories_before  # the same stories, now with the tracker's state
        verhoek = api.actor_page(s, q="verhoek").items
        assert [a.name for a in verhoek] == ["Tomas Verhoek"] and verhoek[0].articles == 4
        assert api.series(s, category="killed")
        assert len(api.stories(s)) == 2
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store(db, readonly=True) as r:  # migrated: readers open it as serve does
        assert r.counts()["actors"] > 0
        with pytest.raises(sqlite3.OperationalError):
            r.conn.execute("DELETE FROM actors")


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "new.db"
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer storyline"):
        Store(db)
