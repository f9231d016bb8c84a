"""Engines: the same input gives the same store wherever the per-article work runs.

The Dask tests start a LocalCluster of two worker processes (~5 s) once for the module.
"""
import json
import re
import shutil
import sqlite3
import sys
import time

import pytest

from storyline.api import refresh
from storyline.engine import DaskEngine, LocalEngine, SerialEngine, make_engine
from storyline.pipeline import WorkerError, ingest
from storyline.store import Store

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"
# Columns holding wall-clock times, the only thing allowed to differ between two stores.
TIMESTAMP_COLUMN = re.compile(r"(_at|_time|timestamp)$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A small mixed corpus: dated stories with a wire copy, Markdown, JSON Lines with broken records,
    an empty file and a binary file."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(FIXTURES / "story", root / "story")
    shutil.copytree(FIXTURES / "articles", root / "articles")
    (root / "articles" / "zz_empty.txt").write_text("")
    (root / "articles" / "zz_photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return root


@pytest.fixture(scope="module")
def dask_engine():
    pytest.importorskip("distributed")
    engine = DaskEngine(workers=2)
    yield engine
    engine.close()


def dump(db_path) -> dict[str, list]:
    """Every table of a store, rows in storage order, timestamp columns left out."""
    conn = sqlite3.connect(db_path)
    out = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
        keep = [c for c in cols if not TIMESTAMP_COLUMN.search(c)]
        select = ", ".join(f'"{c}"' for c in keep)
        try:
            rows = conn.execute(f'SELECT rowid, {select} FROM "{table}" ORDER BY rowid').fetchall()
        except sqlite3.OperationalError:  # WITHOUT ROWID (FTS bookkeeping)
            rows = sorted(conn.execute(f'SELECT {select} FROM "{table}"').fetchall(), key=repr)
        out[table] = rows
    conn.close()
    return out


def ingest_into(db_path, corpus, **options):
    with Store(db_path, extractor_version="test") as store:
        summary = ingest([str(corpus)], store, **options)
        refresh(store)
    return summary


def test_dask_cluster_gives_the_same_store_as_a_local_run(tmp_path, corpus, dask_engine):
    serial = ingest_into(tmp_path / "serial.db", corpus, engine="serial")
    local = ingest_into(tmp_path / "local.db", corpus, engine="local", workers=2, batch_size=2)
    dask = ingest_into(tmp_path / "dask.db", corpus, engine=dask_engine, batch_size=2)

    reference = dump(tmp_path / "serial.db")
    assert len(reference["articles"]) >= 8 and reference["quotes"] and reference["points"]
    assert dump(tmp_path / "local.db") == reference
    assert dump(tmp_path / "dask.db") == reference
    assert serial == local == dask  # same counts, same failures in the same order
    assert serial.added == len(reference["articles"])


def test_bad_documents_come_back_as_problems_in_input_order(tmp_path, corpus, dask_engine):
    failed = ingest_into(tmp_path / "dask.db", corpus, engine=dask_engine, batch_size=3).failed
    by_source = {f["source"].split("/")[-1]: f["kind"] for f in failed}
    assert by_source == {"batch.jsonl:3": "BadRecord", "batch.jsonl:4": "BadRecord",
                         "zz_empty.txt": "EmptyDocument", "zz_photo.txt": "BinaryDocument"}
    assert [f["source"] for f in failed] == sorted(f["source"] for f in failed)


def _fails_on_three(n: int) -> int:
    if n == 3:
        raise ZeroDivisionError("a bug on task three")
    return n * n


def test_a_worker_bug_is_raised_after_the_results_before_it(dask_engine):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    try:
        got = []
        with pytest.raises(ZeroDivisionError, match="a bug on task three"):
            for r in dask_engine.map(_fails_on_three, range(8)):
                got.append(r)
        assert got == [0, 1, 4]
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _slow_first(n: int) -> int:
    time.sleep(0.3 if n == 0 else 0.01)
    return n


def test_results_come_in_input_order_even_when_later_tasks_finish_first(dask_engine):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        assert list(dask_engine.map(_slow_first, range(12))) == list(range(12))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_a_bug_in_the_pipeline_names_the_document_and_stops_the_run(tmp_path, corpus, monkeypatch):
    import storyline.pipeline as pipeline

    real = pipeline.process

    def broken(raw, **kw):
        if raw.source.endswith("quake_day2.txt"):
            return {}["no such key"]
        return real(raw, **kw)

    monkeypatch.setattr(pipeline, "process", broken)  # forked local workers inherit the patch
    for engine in ("serial", "local"):
        with Store(tmp_path / f"{engine}.db") as store:
            with pytest.raises(WorkerError, match=r"quake_day2\.txt: KeyError") as err:
                ingest([str(corpus / "story")], store, engine=engine, workers=2, batch_size=1)
            assert "Traceback" in str(err.value)
            stored = {r[0].split("/")[-1] for r in store.conn.execute("SELECT source FROM sources")}
            assert "quake_day1.txt" in stored and "quake_day2.txt" not in stored


def test_parquet_shards_merge_into_the_same_store(tmp_path, corpus):
    from click.testing import CliRunner

    from storyline.cli import main

    pytest.importorskip("pyarrow")
    runner = CliRunner()
    direct = runner.invoke(main, ["ingest", str(corpus), "--db", str(tmp_path / "direct.db"), "-j", "2", "--json"])
    shards = tmp_path / "shards"
    written = runner.invoke(main, ["ingest", str(corpus), "--output-parquet", str(shards), "-j", "2", "--json"])
    assert direct.exit_code == written.exit_code == 1  # the corpus holds bad documents
    assert sorted(p.name for p in shards.iterdir()) == ["part-000000.parquet"]
    assert not (tmp_path / "storyline.db").exists()
    reuse = runner.invoke(main, ["ingest", str(corpus), "--output-parquet", str(shards)])
    assert reuse.exit_code == 2 and "already holds Parquet shards" in reuse.output
    merged = runner.invoke(main, ["merge", str(shards), "--db", str(tmp_path / "merged.db"), "--json"])
    assert merged.exit_code == 1, merged.output
    assert dump(tmp_path / "merged.db") == dump(tmp_path / "direct.db")
    again = runner.invoke(main, ["merge", str(shards), "--db", str(tmp_path / "merged.db"), "--json"])
    again = json.loads(again.output)
    assert (again["added"], again["unchanged"]) == (0, json.loads(merged.output)["added"])


def test_engines_by_name():
    assert isinstance(make_engine("serial"), SerialEngine)
    assert isinstance(make_engine("local", workers=1), SerialEngine)
    with make_engine("local", workers=2) as engine:
        assert isinstance(engine, LocalEngine)
        assert list(engine.map(abs, [-3, 2, -1])) == [3, 2, 1]
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine("spark")


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch):
    pytest.importorskip("distributed")
    import storyline.engine as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_SECONDS", 1)
    with pytest.raises(engine.EngineError, match="cannot use the Dask scheduler at tcp://127.0.0.1:9"):
        make_engine("local", scheduler="tcp://127.0.0.1:9")
