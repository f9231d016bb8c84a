"""Killing ingest with SIGKILL at any moment (while articles are saved, or while they are resolved)
and running it again loses nothing and stores nothing twice; a reader opened as `serve` opens the
database keeps seeing one consistent resolution while ingest writes."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from storyline import api
from storyline.store import Store

TOWNS = ["Aberford", "Brightwater", "Coldharbour", "Dunmore", "Eastleigh", "Fairmount", "Glenrock", "Highcliff"]
N = 40
HISTORY = {"actor_redirects"}  # records how ids changed over runs, not what the store holds


def make_corpus(folder, articles_dir, n=N):
    folder.mkdir()
    bases = [(articles_dir / f).read_text(encoding="utf-8") for f in ("harbour_strike.txt", "river_flood.md")]
    for i in range(n):
        base = bases[i % 2]
        town = TOWNS[i % len(TOWNS)]
        extra = f"\n\nIn {town}, {i + 3} families were evacuated on Monday, the council said.\n"
        (folder / f"{i:03d}.{'txt' if i % 2 == 0 else 'md'}").write_text(base + extra, encoding="utf-8")


def _ro(db, timeout=0.05):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=timeout)


def dump(db):
    """Every stored table (derived rows, resolution results and state included), checked for integrity."""
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for fts in ("articles_fts", "quotes_fts"):  # raises if an FTS index disagrees with its table
        con.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                                        "'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'")]
    assert {"points", "events", "signatures", "bands", "duplicate_of", "stories", "story_journal", "actors",
            "actor_forms", "series", "resolve_pending"} <= set(tables)
    out = {}
    for table in sorted(set(tables) - HISTORY):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "qid"]
        out[table] = sorted(tuple(r) for r in con.execute(f"SELECT {', '.join(cols)} FROM {table}"))
    con.close()
    return out


def counts(db):
    try:
        con = _ro(db)
        try:
            return [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("articles", "resolve_pending")]
        finally:
            con.close()
    except sqlite3.Error:
        return [0, 0]


def resolving(db) -> bool:
    """All articles are stored and a writer holds the write lock: the refresh is running."""
    stored, pending = counts(db)
    if stored < N or not pending:
        return False
    con = sqlite3.connect(db, timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


def ingest_cmd(corpus, db):
    return [sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db", str(db), "--json",
            "--no-progress", "--workers", "1"]


def kill_when(cmd, ready, delay=0.0) -> bool:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = False
    while proc.poll() is None:
        if ready():
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait()
    return killed


@pytest.fixture(scope="module")
def corpus_and_clean(tmp_path_factory, request):
    tmp = tmp_path_factory.mktemp("crash")
    corpus = tmp / "corpus"
    make_corpus(corpus, request.config.rootpath / "tests" / "fixtures" / "articles")
    clean = tmp / "clean.db"
    subprocess.run(ingest_cmd(corpus, clean), check=True, capture_output=True)
    return corpus, dump(clean)


@pytest.mark.parametrize("seed", [1, 2])
def test_sigkill_while_saving_then_rerun_equals_clean_run(tmp_path, corpus_and_clean, seed):
    corpus, expected = corpus_and_clean
    db = tmp_path / "killed.db"
    rng = random.Random(seed)
    killed = 0
    for target in sorted(rng.sample(range(1, N - 4), 2)):  # kill twice, once this many articles are stored
        killed += kill_when(ingest_cmd(corpus, db), lambda: counts(db)[0] >= target)
    assert killed, "ingest finished before any kill: nothing was tested"
    subprocess.run(ingest_cmd(corpus, db), check=True, capture_output=True)
    assert_resolved(db)
    assert dump(db) == expected


def assert_resolved(db):
    """The rerun resolved what the killed run saved but left pending (even when it had nothing new to save)."""
    with Store(db) as store:
        assert store.pending() == 0


@pytest.mark.parametrize("seed", [3, 4])
def test_sigkill_while_resolving_leaves_the_last_resolution_and_a_refresh_finishes(tmp_path, corpus_and_clean, seed):
    corpus, expected = corpus_and_clean
    db = tmp_path / "killed.db"
    # the first half stored and resolved (same source paths as the clean run: the rest moved aside)
    aside = tmp_path / "aside"
    aside.mkdir()
    second = sorted(corpus.iterdir())[N // 2:]
    for f in second:
        f.rename(aside / f.name)
    try:
        subprocess.run(ingest_cmd(corpus, db), check=True, capture_output=True)
    finally:
        for f in second:
            (aside / f.name).rename(f)
    before = dump(db)
    # then everything, killed while the second half is being resolved
    # (the refresh of 20 articles lasts tens of milliseconds: the kill comes within its first few)
    assert kill_when(ingest_cmd(corpus, db), lambda: resolving(db), delay=random.Random(seed).uniform(0, 0.004))
    after = dump(db)
    stored, pending = counts(db)
    assert stored == N and pending == N - N // 2  # every article saved, none of the new ones resolved
    resolved = ("stories", "story_of", "story_journal", "story_terms", "actors", "actor_forms", "duplicate_of", "series")
    assert {t: after[t] for t in resolved} == {t: before[t] for t in resolved}
    # the rerun saves nothing new, sees the pending articles and finishes the resolution
    subprocess.run(ingest_cmd(corpus, db), check=True, capture_output=True)
    assert_resolved(db)
    assert dump(db) == expected


def test_a_reader_sees_consistent_results_while_ingest_writes(tmp_path, corpus_and_clean):
    corpus, _ = corpus_and_clean
    db = tmp_path / "live.db"
    Store(db).close()  # created (and at the current schema) before the reader opens it
    proc = subprocess.Popen(ingest_cmd(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reader = Store(db, readonly=True)
    reads = 0
    try:
        while proc.poll() is None or reads == 0:
            with reader.snapshot() as c:
                stories = api.stories(reader)
                in_stories = c.execute("SELECT COUNT(*) FROM story_of").fetchone()[0]
                assert sum(s.size for s in stories) == in_stories
                assert c.execute("SELECT COUNT(*) FROM story_of WHERE story_id NOT IN (SELECT id FROM stories)"
                                 ).fetchone()[0] == 0
                assert c.execute("SELECT COUNT(*) FROM actor_forms WHERE actor_id NOT IN (SELECT id FROM actors)"
                                 ).fetchone()[0] == 0
                assert c.execute("SELECT COUNT(*) FROM entity_forms ef LEFT JOIN actor_forms af ON af.type = ef.type "
                                 "AND af.norm = ef.norm WHERE af.actor_id IS NULL").fetchone()[0] == 0
                assert c.execute("SELECT COUNT(*) FROM series_points WHERE series_id NOT IN (SELECT id FROM series)"
                                 ).fetchone()[0] == 0
                total = api.actor_page(reader, limit=5).total
                assert total == c.execute("SELECT COUNT(*) FROM actors").fetchone()[0]
            reads += 1
    finally:
        proc.wait()
        reader.close()
    assert proc.returncode == 0 and reads > 1
    with Store(db, readonly=True) as r:
        assert r.counts()["articles"] == N and r.pending() == 0
