"""The story across articles, end to end: ingest, stories, series, timeline, changes, export."""
import json
import shutil

import pytest
from click.testing import CliRunner

from storyline import api
from storyline.cli import main
from storyline.store import Store

FILES = ["quake_day1.txt", "quake_day2.txt", "quake_day2_copy.txt", "quake_day4.txt", "vote_day1.txt", "vote_day3.txt"]


def cli(*args):
    r = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture
def story_dir(articles_dir):
    return articles_dir.parent / "story"


@pytest.fixture
def db(tmp_path, story_dir):
    path = str(tmp_path / "story.db")
    cli("ingest", str(story_dir), "--db", path, "--no-progress", "--workers", "1")
    return path


def test_two_stories_are_told_apart(db):
    with Store(db) as s:
        found = api.stories(s)
        assignments = s.story_assignments()
        ids = {s.article(a).source.rsplit("/", 1)[-1]: sid for a, sid in assignments.items()}
    assert len(found) == 2
    assert ids["quake_day1.txt"] == ids["quake_day2.txt"] == ids["quake_day4.txt"] == ids["quake_day2_copy.txt"]
    assert ids["vote_day1.txt"] == ids["vote_day3.txt"] != ids["quake_day1.txt"]
    quake = next(f for f in found if f.id == ids["quake_day1.txt"])
    assert "Tomas Verhoek" in quake.top_actors
    assert (quake.first, quake.last) == ("2025-03-04", "2025-03-07")


def test_syndicated_copy_is_grouped_and_counted_once(db):
    with Store(db) as s:
        groups = s.duplicate_groups()
        by_name = {s.article(a).source.rsplit("/", 1)[-1]: g for a, g in groups.items()}
        assert by_name["quake_day2.txt"] == by_name["quake_day2_copy.txt"]
        killed = next(x for x in api.series(s, category="killed") if x.place == "Kessel")
        day2 = [p for p in killed.points if p.as_of == "2025-03-05"]
        assert len(day2) == 1  # the copy's point is not counted twice
        tl = api.timeline(s)
        quake_day2 = next(e for e in tl if e.date == "2025-03-05")
        assert "rose to 112" in quake_day2.summary


def test_death_toll_series_rises_with_sources(db):
    with Store(db) as s:
        killed = next(x for x in api.series(s, category="killed") if x.place == "Kessel")
    assert [(p.as_of, p.value, p.qualifier) for p in killed.points] == [
        ("2025-03-04", 45.0, "at least"), ("2025-03-05", 112.0, None), ("2025-03-07", 187.0, None)]
    assert killed.points[0].source == "national disaster agency"
    assert not killed.conflicts


def test_timeline_is_dated_and_sourced(db):
    out = json.loads(cli("timeline", "--db", db, "--format", "json"))
    by_date = {e["date"]: e for e in out}
    assert "magnitude 7.1 earthquake" in by_date["2025-03-04"]["summary"]
    assert len(by_date["2025-03-04"]["supporting"]) >= 2  # day 1's report and day 4's "struck Kessel on March 4"
    with Store(db) as s:
        for e in out:
            a = s.article(e["article_id"])
            assert a.text[e["span"][0]:e["span"][1]] == e["summary"]
    top = json.loads(cli("timeline", "--db", db, "--format", "json", "--limit", "2"))
    assert len(top) == 2


def test_two_halves_give_the_same_story_as_one_pass(tmp_path, story_dir):
    one = str(tmp_path / "one.db")
    cli("ingest", str(story_dir), "--db", one, "--no-progress")
    halves = str(tmp_path / "halves.db")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, f in enumerate(FILES):
        shutil.copy(story_dir / f, (first if i % 2 else second) / f)
    # the same sources as the one-pass run, so ids match: ingest from a folder with the same name
    merged = tmp_path / "story"
    merged.mkdir()
    for f in second.iterdir():
        shutil.copy(f, merged / f.name)
    cli("ingest", str(merged), "--db", halves, "--no-progress")
    for f in first.iterdir():
        shutil.copy(f, merged / f.name)
    cli("ingest", str(merged), "--db", halves, "--no-progress")

    def view(path):
        with Store(path) as s:
            sources = {a.id: a.source.rsplit("/", 1)[-1] for a in s.articles()}
            return (sorted((sources[a], sources.get(sid, sid)) for a, sid in s.story_assignments().items()),
                    [(x.label, [(p.as_of, p.value) for p in x.points]) for x in api.series(s)],
                    [(e.date, e.summary) for e in api.timeline(s)])

    assert view(one) == view(halves)
    assert json.loads(cli("stats", "--db", one, "--json"))["articles"] == json.loads(cli("stats", "--db", halves, "--json"))["articles"]


def test_changes_since(db):
    out = json.loads(cli("changes", "--db", db, "--since", "2025-03-07", "--json"))
    assert any(p["value"] == 187 for p in out["points"])
    assert all(e["date"] >= "2025-03-07" for e in out["events"])
    assert any(q["speaker"] == "Didier Malan" for q in out["quotes"])
    assert {a["name"] for a in out["actors"]} >= {"European Union"}


def test_entities_command_merges_forms(db):
    lines = [json.loads(x) for x in cli("entities", "--db", db, "--json", "--type", "PERSON").splitlines()]
    verhoek = next(a for a in lines if a["name"] == "Tomas Verhoek")
    assert len(verhoek["articles"]) == 4  # the syndicated copy is its own article, grouped as a duplicate
    assert any(r["title"].lower() == "prime minister" for r in verhoek["roles"])


@pytest.mark.parametrize("fmt,ext", [("json", "jsonl"), ("csv", "csv"), ("parquet", "parquet")])
def test_export(db, tmp_path, fmt, ext):
    out = tmp_path / f"exp_{fmt}"
    cli("export", "--db", db, "--format", fmt, "--out", str(out))
    for table in ("articles", "quotes", "figures", "series", "events", "timeline", "entities", "mentions"):
        assert (out / f"{table}.{ext}").exists()
    if fmt == "json":
        ids = [json.loads(x)["id"] for x in (out / "quotes.jsonl").read_text().splitlines()]
        assert len(ids) == len(set(ids)) and all(":q" in i for i in ids)


def test_story_filter_and_bad_story(db):
    with Store(db) as s:
        vote = next(f.id for f in api.stories(s) if "Lena Okafor" in f.top_actors)
    out = json.loads(cli("timeline", "--db", db, "--story", vote, "--format", "json"))
    assert out and all("Kessel" not in e["summary"] and "Valdoria" not in e["summary"] for e in out)
    assert any(e["date"] == "2025-03-09" for e in out)
    r = CliRunner().invoke(main, ["timeline", "--db", db, "--story", "no-such-story"])
    assert r.exit_code == 2


def test_search_by_story(db):
    with Store(db) as s:
        vote = next(f.id for f in api.stories(s) if "Lena Okafor" in f.top_actors)
    hits = [json.loads(x) for x in cli("search", "capital", "--db", db, "--json").splitlines()]
    assert len(hits) >= 2  # "the capital Ardenport" and "the capital, Port Sel"
    only = [json.loads(x) for x in cli("search", "capital", "--db", db, "--json", "--story", vote).splitlines()]
    assert only and all("Marovia" in h["title"] for h in only)


def test_stats_counts_everything_stored(db):
    counts = json.loads(cli("stats", "--db", db, "--json"))
    with Store(db) as s:
        c = s.conn
        assert counts["actors"] == c.execute("SELECT COUNT(*) FROM actors").fetchone()[0] > 0
        assert counts["series"] == c.execute("SELECT COUNT(*) FROM series").fetchone()[0] > 0
        assert counts["entities"] == c.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
        assert counts["points"] == c.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        assert counts["events"] == c.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert (counts["articles"], counts["sources"], counts["stories"]) == (6, 6, 2)
    assert (counts["duplicate_groups"], counts["duplicates"], counts["pending"]) == (1, 2, 0)
    for key in ("quotes", "figures", "dates"):
        assert counts[key] > 0
