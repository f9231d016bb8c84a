"""Killing ingest with SIGKILL at any moment and running it again loses nothing and stores nothing twice."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

TOWNS = ["Aberford", "Brightwater", "Coldharbour", "Dunmore", "Eastleigh", "Fairmount", "Glenrock", "Highcliff"]


N = 80


def stored(db) -> int:
    """Articles committed so far, read while the writer runs (WAL lets readers in)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def make_corpus(folder, articles_dir, n=N):
    folder.mkdir()
    bases = [(articles_dir / f).read_text(encoding="utf-8") for f in ("harbour_strike.txt", "river_flood.md")]
    for i in range(n):
        base = bases[i % 2]
        town = TOWNS[i % len(TOWNS)]
        extra = f"\n\nIn {town}, {i + 3} families were evacuated on Monday, the council said.\n"
        (folder / f"{i:03d}.{'txt' if i % 2 == 0 else 'md'}").write_text(base + extra, encoding="utf-8")


def dump(db):
    con = sqlite3.connect(db)
    out = {}
    for table in ("articles", "sources", "quotes", "figures", "dates", "entities"):
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "qid"]
        out[table] = sorted(tuple(r) for r in con.execute(f"SELECT {', '.join(cols)} FROM {table}"))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    return out


def ingest_cmd(corpus, db):
    return [sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db", str(db), "--json",
            "--no-progress", "--workers", "1"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_then_rerun_equals_clean_run(tmp_path, articles_dir, seed):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, articles_dir)
    clean_db = tmp_path / "clean.db"
    subprocess.run(ingest_cmd(corpus, clean_db), check=True, capture_output=True)
    expected = dump(clean_db)

    db = tmp_path / "killed.db"
    rng = random.Random(seed)
    killed = 0
    targets = sorted(rng.sample(range(1, N - 4), 2))
    for target in targets:  # kill twice, once this many articles are stored, then finish
        proc = subprocess.Popen(ingest_cmd(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            if stored(db) >= target:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.002)
        proc.wait()
    assert killed, "ingest finished before any kill: nothing was tested"
    subprocess.run(ingest_cmd(corpus, db), check=True, capture_output=True)
    assert dump(db) == expected
