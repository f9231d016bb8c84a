import shutil

from storyline.model import Extraction, Problem
from storyline.pipeline import RunReport, run


def test_parallel_run_gives_the_same_results_in_the_same_order(tmp_path, articles_dir):
    for i in range(12):
        for f in ("harbour_strike.txt", "river_flood.md", "ferry_talks_undated.txt"):
            shutil.copy(articles_dir / f, tmp_path / f"{i:02d}_{f}")
    (tmp_path / "05_empty.txt").write_text("")
    serial = list(run([str(tmp_path)], workers=1))
    report = RunReport()
    parallel = list(run([str(tmp_path)], workers=2, report=report))
    assert serial == parallel
    assert len(parallel) == 37
    assert report.processed == 36 and [p.source for p in report.problems] == [str(tmp_path / "05_empty.txt")]
    assert all(isinstance(x, (Extraction, Problem)) for x in parallel)


def test_problems_carry_stage_and_kind(tmp_path):
    (tmp_path / "x.md").write_text("---\ntitle: a\n")
    [p] = list(run([str(tmp_path / "x.md")]))
    assert isinstance(p, Problem)
    assert (p.stage, p.kind) == ("read", "BadFrontMatter")
    assert "unclosed front matter" in p.message
