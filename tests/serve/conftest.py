"""Shared fixtures for the HTTP API tests: a store built by `storyline ingest` from the articles in
serve_support.py, a writable copy of it, and a TestClient over it."""
from __future__ import annotations

from pathlib import Path

import pytest
from serve_support import ingest, write_articles


@pytest.fixture(scope="session")
def story_db(tmp_path_factory) -> Path:
    """A store of the articles above, built once per session: do not write to it (copy it first)."""
    root = tmp_path_factory.mktemp("serve_store")
    db = root / "story.db"
    ingest([write_articles(root / "articles")], db)
    return db


@pytest.fixture
def writable_db(story_db: Path, tmp_path: Path) -> Path:
    """A private copy of the session store, for tests that write to it."""
    import sqlite3

    copy = tmp_path / "copy.db"
    src = sqlite3.connect(story_db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("PRAGMA journal_mode=WAL")
    dst.close()
    return copy


@pytest.fixture(scope="session")
def client(story_db: Path):
    """A TestClient of the app over the session store (read-only; no token)."""
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app

    with TestClient(create_app(str(story_db))) as c:
        yield c
