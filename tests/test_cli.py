import json
import shutil

from click.testing import CliRunner

from storyline.cli import main


def run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_extract_jsonl_fields(articles_dir):
    r = run(["extract", str(articles_dir / "harbour_strike.txt"), "--format", "jsonl"])
    assert r.exit_code == 0
    [d] = [json.loads(line) for line in r.output.splitlines()]
    for key in ("source", "id", "title", "published", "published_inferred", "outlet", "text",
                "quotes", "figures", "dates", "entities"):
        assert key in d
    assert d["published"] == "2023-03-14" and d["published_inferred"] is False
    assert d["source"].endswith("harbour_strike.txt")


def test_extract_json_array_and_text(articles_dir):
    r = run(["extract", str(articles_dir / "river_flood.md"), str(articles_dir / "harbour_strike.txt"), "--format", "json"])
    assert r.exit_code == 0
    assert [d["published"] for d in json.loads(r.output)] == ["2024-09-17", "2023-03-14"]
    r = run(["extract", str(articles_dir / "river_flood.md")])
    assert "Floodwaters reach record level" in r.output


def make_bad_folder(tmp_path, articles_dir):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(articles_dir / "harbour_strike.txt", d / "good1.txt")
    shutil.copy(articles_dir / "river_flood.md", d / "good2.md")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (d / "latin1.txt").write_bytes(" date 2021-03-04 Le maire a déclaré que la fête aura lieu.".encode("latin-1"))
    (d / "cp1252.txt").write_bytes(" date 2021-03-05 The minister\x92s \x93plan\x94 was approved.".encode("latin-1"))
    (d / "utf16.txt").write_bytes(" date 2021-03-06 Officials confirmed the vote count.".encode("utf-16"))
    (d / "unclosed.md").write_text("---\ntitle: Oops\n\nNo closing line.\n")
    (d / "baddate.txt").write_text(" date 2024-13-45 A body that is fine.\n")
    (d / "nothing.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with open(d / "huge.txt", "wb") as f:
        f.truncate(100 * 1024 * 1024)
    return d


def test_bad_inputs_each_get_one_error_and_good_ones_are_stored(tmp_path, articles_dir):
    d = make_bad_folder(tmp_path, articles_dir)
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(main, ["ingest", str(d), "--db", db, "--json", "--no-progress"])
    assert r.exit_code == 1
    summary = json.loads(r.stdout)
    assert summary["added"] == 5
    failed = {f["source"].rsplit("/", 1)[-1]: f["error"] for f in summary["failed"]}
    assert set(failed) == {"empty.txt", "binary.txt", "unclosed.md", "baddate.txt", "nothing.html", "huge.txt"}
    assert "Traceback" not in r.stdout + r.stderr
    # again: nothing added, nothing lost
    r2 = CliRunner().invoke(main, ["ingest", str(d), "--db", db, "--json", "--no-progress"])
    s2 = json.loads(r2.stdout)
    assert (s2["added"], s2["updated"], s2["unchanged"]) == (0, 0, 5)


def test_ingest_twice_is_idempotent_and_exit_zero(tmp_path, articles_dir):
    db = str(tmp_path / "s.db")
    args = ["ingest", str(articles_dir / "harbour_strike.txt"), str(articles_dir / "river_flood.md"), "--db", db,
            "--json", "--no-progress"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and json.loads(r.stdout)["added"] == 2
    r = CliRunner().invoke(main, args)
    assert json.loads(r.stdout) == {"added": 0, "updated": 0, "unchanged": 2, "failed": []}


def test_usage_error_exit_code():
    r = CliRunner().invoke(main, ["extract"])
    assert r.exit_code == 2


def test_stats_counts_what_ingest_stored(tmp_path, articles_dir):
    db = str(tmp_path / "s.db")
    run(["ingest", str(articles_dir / "harbour_strike.txt"), "--db", db, "--no-progress"])
    r = run(["stats", "--db", db, "--json"])
    counts = json.loads(r.output)
    assert counts["articles"] == 1 and counts["sources"] == 1
    assert run(["stats", "--db", str(tmp_path / "missing.db")]).exit_code == 1


def test_ingest_resolving_every_few_articles_stores_what_one_refresh_stores(tmp_path, articles_dir):
    story = articles_dir.parent / "story"
    stats = []
    for extra in ([], ["--resolve-every", "2"]):
        db = str(tmp_path / f"s{len(extra)}.db")
        r = CliRunner().invoke(main, ["ingest", str(story), "--db", db, "--no-progress", "-j", "1", *extra])
        assert r.exit_code == 0, r.output
        stats.append(json.loads(run(["stats", "--db", db, "--json"]).output))
    assert stats[0] == stats[1] and stats[0]["pending"] == 0 and stats[0]["actors"] > 0
    assert CliRunner().invoke(main, ["ingest", str(story), "--resolve-every", "0"]).exit_code == 2
