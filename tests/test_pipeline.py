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


# -- inputs: what the coordinator sends, what the workers read -----------------------------------

import gzip  # noqa: E402
import http.server  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402

from storyline.pipeline import Batch, Url, WorkerError, ingest, list_inputs, run_batch  # noqa: E402
from storyline.read.sources import Source  # noqa: E402
from storyline.model import RawDocument  # noqa: E402
from storyline.store import Store  # noqa: E402


def test_files_are_sent_as_paths_and_json_lines_as_records(tmp_path, articles_dir, monkeypatch):
    shutil.copy(articles_dir / "harbour_strike.txt", tmp_path / "a.txt")
    shutil.copy(articles_dir / "batch.jsonl", tmp_path / "b.jsonl")
    (tmp_path / "c.md.gz").write_bytes(gzip.compress((articles_dir / "river_flood.md").read_bytes()))
    monkeypatch.chdir(tmp_path)
    items = list(list_inputs(["a.txt", ".", "missing.txt", "https://news.example.com/x"]))
    assert items[0] == Source("a.txt", tmp_path / "a.txt")  # absolute path, name as given
    records = [i for i in items if isinstance(i, RawDocument)]
    assert [r.source for r in records] == ["https://news.example.com/2022/05/02/bridge",
                                           "https://news.example.com/2022/05/03/budget"]
    assert [i.name for i in items if isinstance(i, Source)] == ["a.txt", "./a.txt", "./c.md.gz"]
    errors = [i for i in items if isinstance(i, tuple)]
    assert [(s, e.kind) for s, e in errors] == [("./b.jsonl:3", "BadRecord"), ("./b.jsonl:4", "BadRecord"),
                                                ("missing.txt", "ReadError")]
    assert items[-1] == Url("https://news.example.com/x")


def test_a_batch_reads_processes_and_derives_in_the_worker(tmp_path, articles_dir):
    shutil.copy(articles_dir / "harbour_strike.txt", tmp_path / "a.txt")
    (tmp_path / "empty.txt").write_text("")
    out = run_batch(Batch((Source("a.txt", tmp_path / "a.txt"), Source("empty.txt", tmp_path / "empty.txt")),
                          derive=True))
    (x, derived), p = out
    assert x.article.source == "a.txt" and "Dock workers" in x.article.text and derived.signature
    assert (p.source, p.kind) == ("empty.txt", "EmptyDocument")


class _NewsSite(http.server.BaseHTTPRequestHandler):
    PAGE = ("<html><head><title>Ferry talks resume</title></head><body><article><h1>Ferry talks resume</h1>"
            "<p>Talks between the ferry operator and the crew union resumed in Dover on Monday, "
            "a spokeswoman for the operator said.</p><p>\"We want a fair deal,\" union leader Mary Hollis told "
            "reporters outside the terminal on Monday afternoon.</p></article></body></html>")

    def do_GET(self):  # noqa: N802 (http.server API)
        if self.path == "/ferry":
            body = self.PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def news_site():
    server = http.server.HTTPServer(("127.0.0.1", 0), _NewsSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urls_are_fetched_by_the_workers(news_site):
    ok, missing = list(run([f"{news_site}/ferry", f"{news_site}/gone"], workers=2))
    assert ok.article.source == f"{news_site}/ferry" and ok.article.url == f"{news_site}/ferry"
    assert ok.article.title == "Ferry talks resume"
    assert [q.speaker for q in ok.quotes] == ["Mary Hollis"]
    assert (missing.source, missing.kind) == (f"{news_site}/gone", "ReadError") and "HTTP 404" in missing.message


def test_ingest_stores_in_input_order_and_counts_outcomes(tmp_path, articles_dir):
    for i, f in enumerate(("harbour_strike.txt", "river_flood.md", "harbour_strike.txt")):
        shutil.copy(articles_dir / f, tmp_path / f"{i}_{f}")
    (tmp_path / "3_empty.txt").write_text("")
    seen = []
    with Store(":memory:") as store:
        summary = ingest([str(tmp_path)], store, workers=2, save_batch=2, on_result=seen.append)
        assert (summary.added, summary.unchanged, len(summary.failed)) == (2, 1, 1)
        sources = [r[0] for r in store.conn.execute("SELECT source FROM sources ORDER BY rowid")]
        again = ingest([str(tmp_path)], store, workers=2)
    assert sources == [str(tmp_path / n) for n in ("0_harbour_strike.txt", "1_river_flood.md", "2_harbour_strike.txt")]
    assert len(seen) == 4 and isinstance(seen[-1], Problem)
    assert (again.added, again.unchanged) == (0, 3)


def test_a_bug_is_not_a_problem(tmp_path, articles_dir, monkeypatch):
    import storyline.pipeline as pipeline

    def broken(raw, **kw):
        raise AttributeError("'NoneType' object has no attribute 'group'")

    shutil.copy(articles_dir / "harbour_strike.txt", tmp_path / "a.txt")
    monkeypatch.setattr(pipeline, "process", broken)
    with pytest.raises(WorkerError, match=r"a\.txt: AttributeError: 'NoneType'"):
        list(run([str(tmp_path / "a.txt")]))


def test_the_time_budget_is_passed_on_and_covers_derive(tmp_path, articles_dir, monkeypatch):
    import time

    import storyline.resolve
    from storyline import budget

    shutil.copy(articles_dir / "harbour_strike.txt", tmp_path / "a.txt")
    real_derive = storyline.resolve.derive

    def slow_derive(x):  # a derive step that outlasts a small budget, checking it as the real loops do
        end = time.thread_time() + 0.05
        while time.thread_time() < end:
            budget.check()
        return real_derive(x)

    monkeypatch.setattr(storyline.resolve, "derive", slow_derive)
    [(x, _)] = list(run([str(tmp_path / "a.txt")], derive=True, time_budget=5))
    assert x.article.source.endswith("a.txt")
    [p] = list(run([str(tmp_path / "a.txt")], derive=True, time_budget=0.02))
    assert (p.kind, p.message) == ("timeout", "took longer than 0.02 s; skipped")
