"""The bulk corpus generator: dates moved consistently, deterministic, streamed to sharded files."""
import datetime as dt
import json
from pathlib import Path

import pytest

from storyline.evaluate.bulk import Generator, SourceArticle, generate, load_pool, render_text, shift_dates
from storyline.read import read_paths

TIMELINE17 = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tls" / "timeline17"


@pytest.mark.parametrize("written, moved", [
    ("on Feb 21, 2011 in Tripoli", "on Jan 21, 2013 in Tripoli"),
    ("Tuesday 26 April 2009 18.45 BST", "Tuesday 27 March 2011 18.45 BST"),
    ("fighting since March 17", "fighting since February 14"),
    ("Sept. 8, 2011", "Aug. 8, 2013"),
    ("in January 2011", "in December 2012"),
    ("2011-09-08", "2013-08-08"),
    ("by 5 May", "by 4 April"),
])
def test_dates_move_by_the_shift_in_their_own_spelling(written, moved):
    assert shift_dates(written, 700, dt.date(2011, 3, 1)) == moved


def test_counts_money_and_old_years_are_not_dates_to_move():
    text = "It cost $2010, up 2011% since the 1969 coup; the 1990s were calm."
    assert shift_dates(text, 700, dt.date(2011, 3, 1)) == text
    assert shift_dates("the 2009 budget", 700, dt.date(2011, 3, 1)) == "the 2011 budget"


def test_a_year_less_date_is_read_near_the_article_date():
    # "December 28" in a January article is last December: moved one week it stays in that year
    assert shift_dates("protests began on December 28", 7, dt.date(2011, 1, 3)) == "protests began on January 4"


def _pool() -> dict:
    lead = "CAIRO (Reuters) - Thousands of protesters gathered in Tahrir Square on Jan 25, 2011, witnesses said."
    body = [f"Police fired tear gas at crowds in district {k}, a security official said on Tuesday." for k in range(12)]
    arts = [SourceArticle("EgyptianProtest", dt.date(2011, 1, 25) + dt.timedelta(days=d), (lead, *body[d:d + 8]))
            for d in range(4)]
    return {"EgyptianProtest": arts}


def test_the_corpus_is_a_pure_function_of_the_seed():
    a = [Generator(_pool(), seed=3).article(i) for i in range(40)]
    b = Generator(_pool(), seed=3)
    assert [b.article(i) for i in reversed(range(40))][::-1] == a  # any order, same articles
    assert [Generator(_pool(), seed=4).article(i) for i in range(40)] != a


def test_copies_republish_earlier_articles():
    gen = Generator(_pool(), seed=0)
    arts = [gen.article(i) for i in range(300)]
    exact = [g for g in arts if g.kind == "copy"]
    near = [g for g in arts if g.kind == "near-copy"]
    assert exact and near
    for g in exact:
        assert g.copy_of < g.index and g.paragraphs == arts[g.copy_of].paragraphs
    for g in near:
        src = arts[g.copy_of]
        assert g.paragraphs[0].split(") - ")[1] == src.paragraphs[0].split(") - ")[1]
        assert g.paragraphs != src.paragraphs


def test_an_article_keeps_the_dates_of_its_shifted_story():
    gen = Generator(_pool(), seed=0)
    for i in range(60):
        g = gen.article(i)
        shift = gen.instance(g.instance).shift_days
        if g.kind == "original":
            assert shift % 7 == 0
            moved = dt.date(2011, 1, 25) + dt.timedelta(days=shift)
            assert f"{moved:%b} {moved.day}, {moved.year}" in g.paragraphs[0]
            assert render_text(g).startswith(f" date {g.published.isoformat()} ")


@pytest.mark.skipif(not TIMELINE17.is_dir(), reason="needs ../shared/bench/tls/timeline17 (real articles to recombine)")
def test_generated_files_read_as_articles(tmp_path):
    pool = load_pool(TIMELINE17)
    assert set(pool) >= {"LibyaWar", "H1N1"}
    manifest = generate(TIMELINE17, tmp_path / "c", 30, seed=1)
    assert manifest["n"] == 30 and sum(manifest["kinds"].values()) == 30
    docs = list(read_paths([str(tmp_path / "c")]))
    assert len(docs) == 30 and all(not isinstance(d, tuple) and d.published for d in docs)
    assert json.loads((tmp_path / "c" / ".manifest.json").read_text())["seed"] == 1


def test_the_ingest_benchmark_measures_each_engine(tmp_path):
    from click.testing import CliRunner

    from storyline.cli import main

    corpus = tmp_path / "bulk4"
    corpus.mkdir()
    for name in ("quake_day1.txt", "quake_day2.txt", "vote_day1.txt", "vote_day3.txt"):
        (corpus / name).write_bytes((Path(__file__).parent / "fixtures" / "story" / name).read_bytes())
    (corpus / ".manifest.json").write_text(json.dumps({"n": 4}))
    result = CliRunner().invoke(main, ["bench", "ingest", "--sizes", "4", "--engines", "serial,local", "-j", "2",
                                       "--corpus-root", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    serial, local = json.loads(result.output)["runs"]
    assert (serial["engine"], local["engine"], local["workers"]) == ("serial", "local", 2)
    for run in (serial, local):
        assert run["articles"] == run["added"] == run["stored"]["articles"] == 4
        assert len(run["ms_per_article_by_decile"]) == 4  # a tenth of 4 articles is one article
        assert run["peak_rss_tree_mb"] >= run["peak_rss_coordinator_mb"] > 0
    assert serial["speedup_vs_serial"] == serial["cpu_bound_speedup"] == 1.0
    assert local["speedup_vs_serial"] > 0 and local["cpu_bound_speedup"] > 0
