"""``storyline bench search``: search latency and web-page load time on a stored database. Prints figures.

Search. Queries are sampled deterministically (a seeded random generator over sorted rows) from the
store's own text, so the mix fits whatever store is measured: *rare* words (in one sampled article),
*common* words (in at least half of them: "said", "with"), *phrases* (two adjacent words, quoted),
*names* (stored entity names), and *filtered* queries (a common word or a name with one filter: a
30-day window, an outlet, a figure category, a story, an entity, or for quotes a speaker). About a
third search quotes. Each query runs once as a warm-up, then is timed through the library
(:func:`storyline.store.search.search` on a read-only connection, what the API calls) and through
the HTTP API; p50/p95/max are reported overall and per class, with how many were ranked by relevance.

Page. An in-process uvicorn server on a free port serves the app; one *load* fetches ``/``, every
static asset it references (following ES-module imports) and the API calls the first screen (``#/``:
stories, then the largest story's timeline) makes, in order over one keep-alive connection (httpx).
The first load after start-up is reported separately (it fills the server's caches); p50/p95 are over
the following loads. Requests run one after another, so the figure is an upper bound of what a
browser, which fetches in parallel, waits for.
"""
from __future__ import annotations

import random
import re
import socket
import sqlite3
import statistics
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from ..store.search import Filters, search

SAMPLE_ARTICLES = 200  # articles read to sample words and phrases from
COMMON_SHARE = 0.5  # a "common" word is in at least this share of the sampled articles
RARE_MIN_LENGTH = 6  # a rare word has at least this many letters (shorter ones are often typos or codes)
WINDOW_DAYS = 30  # width of a date-window filter
PAGE_LIMIT = 20  # results asked for per query (the CLI's default page)
CLASS_SHARES = {"rare": 0.25, "common": 0.20, "phrase": 0.15, "name": 0.15, "filtered": 0.25}
QUOTE_SHARE = 0.3  # share of queries searching quotes instead of articles
SERVER_START_SECONDS = 20.0

# The API calls of the page's first screen (#/, static/timeline.js and widgets.js): all stories
# (1,000 a page), then for the largest story its article titles and actor ids (1,000 each), the
# first page of its timeline and of its articles. Also the footer's stats.
FIRST_SCREEN = ["stats", "stories?limit=1000&offset={offset}",
                "articles?story={story}&limit=1000", "actors?story={story}&limit=1000",
                "timeline?story={story}&offset=0&limit=50", "articles?story={story}&offset=0&limit=50"]

_WORDS = re.compile(r"[A-Za-z][a-z]+")
_LOWER_PAIR = re.compile(r"\b([a-z]{3,}) ([a-z]{3,})\b")
_ASSETS = re.compile(r"""(?:src|href)\s*=\s*["'](/static/[^"'#?]+)["']""")
_JS_IMPORTS = re.compile(r"""(?:import|export)\s[^'"]*?from\s+["'](\./[^"']+)["']|import\s+["'](\./[^"']+)["']""")


@dataclass(frozen=True, slots=True)
class Query:
    label: str  # rare, common, phrase, name, filtered
    q: str
    kind: str  # articles or quotes
    filters: dict[str, str] = field(default_factory=dict)

    def http_params(self) -> str:
        params = {"q": self.q, "kind": self.kind, "limit": str(PAGE_LIMIT), **self.filters}
        return "&".join(f"{k}={quote(v)}" for k, v in params.items())


# ---------------------------------------------------------------------------------------------
# Sampling queries from the store


def sample_queries(conn: sqlite3.Connection, n: int, seed: int = 0) -> list[Query]:
    """``n`` queries in the class shares above, drawn deterministically from the store."""
    rng = random.Random(seed)
    texts = _sample_texts(conn, rng)
    df: Counter[str] = Counter()
    for t in texts:
        df.update({w.lower() for w in _WORDS.findall(t)})
    common = sorted(w for w, c in df.items() if c >= COMMON_SHARE * len(texts) and len(w) >= 3)
    rare = sorted(w for w, c in df.items() if c == 1 and len(w) >= RARE_MIN_LENGTH and w.isalpha())
    phrases = sorted({f'"{a} {b}"' for t in texts for a, b in _LOWER_PAIR.findall(t)[:20]})
    names = _column_sample(conn, "SELECT name FROM entities WHERE type IN ('PERSON', 'ORG') AND rowid = ?",
                           "entities", rng, 200)
    pools = {"rare": rare, "common": common, "phrase": phrases, "name": sorted(set(names))}
    filters = _filter_values(conn, rng)
    out: list[Query] = []
    for label, share in CLASS_SHARES.items():
        for _ in range(max(1, round(n * share))):
            kind = "quotes" if rng.random() < QUOTE_SHARE else "articles"
            if label == "filtered":
                base = rng.choice(pools["common"] or pools["name"] or ["said"])
                name, values = rng.choice(sorted(filters.items()))
                if name == "speaker":
                    kind = "quotes"
                out.append(Query(label, base, kind, rng.choice(values)))
            elif pools[label]:
                out.append(Query(label, rng.choice(pools[label]), kind))
    return out[:n] if len(out) > n else out


def _sample_texts(conn: sqlite3.Connection, rng: random.Random) -> list[str]:
    rowids = [r[0] for r in conn.execute("SELECT rowid FROM articles ORDER BY rowid")]
    picked = sorted(rng.sample(rowids, min(SAMPLE_ARTICLES, len(rowids))))
    return [conn.execute("SELECT text FROM articles WHERE rowid = ?", (r,)).fetchone()[0] for r in picked]


def _column_sample(conn: sqlite3.Connection, sql: str, table: str, rng: random.Random, k: int) -> list[str]:
    """Values of up to ``k`` random rows of ``table`` (a fixed name), by rowid."""
    top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0  # noqa: S608 (fixed names)
    out = []
    for rowid in sorted(rng.randint(1, top) for _ in range(k * 3)) if top else []:
        row = conn.execute(sql, (rowid,)).fetchone()
        if row and row[0]:
            out.append(row[0])
        if len(out) >= k:
            break
    return out


def _filter_values(conn: sqlite3.Connection, rng: random.Random) -> dict[str, list[dict[str, str]]]:
    """Realistic values per filter, from rows of the store."""
    import datetime as dt

    out: dict[str, list[dict[str, str]]] = {}
    days = _column_sample(conn, "SELECT published FROM articles WHERE rowid = ?", "articles", rng, 20)
    windows = []
    for d in days:
        try:
            start = dt.date.fromisoformat(d[:10])
        except ValueError:
            continue
        windows.append({"since": start.isoformat(), "until": (start + dt.timedelta(days=WINDOW_DAYS)).isoformat()})
    outlets = _column_sample(conn, "SELECT outlet FROM articles WHERE rowid = ?", "articles", rng, 20)
    categories = [r[0] for r in conn.execute(
        "SELECT category FROM figures WHERE category NOT LIKE 'other%' GROUP BY category ORDER BY count(*) DESC LIMIT 5")]
    stories = [r[0] for r in conn.execute("SELECT story_id FROM story_of GROUP BY story_id ORDER BY count(*) DESC, "
                                          "story_id LIMIT 5")]
    entities = _column_sample(conn, "SELECT name FROM entities WHERE rowid = ?", "entities", rng, 20)
    speakers = _column_sample(conn, "SELECT speaker FROM quotes WHERE anonymous = 0 AND rowid = ?", "quotes", rng, 20)
    for name, values in (("dates", windows), ("outlet", [{"outlet": o} for o in outlets]),
                         ("category", [{"category": c} for c in categories]), ("story", [{"story": s} for s in stories]),
                         ("entity", [{"entity": e} for e in entities]), ("speaker", [{"speaker": s} for s in speakers])):
        if values:
            out[name] = values
    return out


# ---------------------------------------------------------------------------------------------
# Measuring


def _stats(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0}
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"n": len(ms), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1)}


def _to_filters(d: dict[str, str]) -> Filters:
    return Filters(since=d.get("since"), until=d.get("until"), outlet=d.get("outlet"), speaker=d.get("speaker"),
                   entity=d.get("entity"), category=d.get("category"), story=d.get("story"))


def time_library(conn: sqlite3.Connection, queries: list[Query]) -> dict[str, Any]:
    for qu in queries:  # warm-up pass: the OS page cache, SQLite's cache
        search(conn, qu.q, qu.kind, _to_filters(qu.filters), PAGE_LIMIT, 0)
    by_class: dict[str, list[float]] = defaultdict(list)
    orders: Counter[str] = Counter()
    slowest: list[tuple[float, Query]] = []
    for qu in queries:
        start = time.perf_counter()
        page = search(conn, qu.q, qu.kind, _to_filters(qu.filters), PAGE_LIMIT, 0)
        took = (time.perf_counter() - start) * 1000
        by_class[qu.label].append(took)
        orders[page.order] += 1
        slowest.append((took, qu))
    slowest.sort(key=lambda t: -t[0])
    return {**_stats([t for ts in by_class.values() for t in ts]),
            "ranked_by_relevance": orders["relevance"], "newest_first": orders["recent"],
            "by_class": {label: _stats(ts) for label, ts in sorted(by_class.items())},
            "slowest": [f"{t:.0f} ms {qu.kind} {qu.q} {qu.filters or ''}".strip() for t, qu in slowest[:5]]}


@contextmanager
def running_server(db_path: str) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free local port; yields its base URL."""
    import uvicorn

    from ..serve.app import create_app

    app = create_app(db_path)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets TCP_NODELAY only then
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        raise RuntimeError("the server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def time_http_search(client, queries: list[Query]) -> dict[str, Any]:
    by_class: dict[str, list[float]] = defaultdict(list)
    errors = 0
    for qu in queries:
        start = time.perf_counter()
        r = client.get(f"/api/search?{qu.http_params()}")
        by_class[qu.label].append((time.perf_counter() - start) * 1000)
        errors += r.status_code != 200
    return {**_stats([t for ts in by_class.values() for t in ts]), "errors": errors}


def first_load(client) -> tuple[list[str], float]:
    """The paths one first-screen load requests, in order (assets found by reading the page), and how
    long this first load took (the server's caches are empty)."""
    start = time.perf_counter()
    paths = ["/"]
    html = client.get("/").text
    queue = sorted(set(_ASSETS.findall(html)))
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        paths.append(path)
        body = client.get(path).text
        if path.endswith(".js"):
            base = path.rsplit("/", 1)[0]
            queue.extend(f"{base}/{(a or b)[2:]}" for a, b in _JS_IMPORTS.findall(body))
    stories: list[dict] = []
    offset = 0
    while True:
        path = "/api/" + FIRST_SCREEN[1].format(offset=offset)
        page = client.get(path).json()
        paths.append(path)
        stories.extend(page["items"])
        offset += 1000
        if offset >= page["total"]:
            break
    story = quote(stories[0]["id"]) if stories else ""
    for call in [FIRST_SCREEN[0], *FIRST_SCREEN[2:]]:
        path = "/api/" + call.format(story=story)
        paths.append(path)
        r = client.get(path)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
    return paths, (time.perf_counter() - start) * 1000


def time_page(client, paths: list[str], loads: int) -> dict[str, Any]:
    per_path: dict[str, list[float]] = defaultdict(list)
    totals = []
    size = 0
    for _ in range(loads):
        start = time.perf_counter()
        size = 0
        for path in paths:
            t0 = time.perf_counter()
            r = client.get(path)
            per_path[path].append((time.perf_counter() - t0) * 1000)
            size += len(r.content)
            if r.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {r.status_code}")
        totals.append((time.perf_counter() - start) * 1000)
    slow = sorted(((statistics.median(ts), p) for p, ts in per_path.items()), reverse=True)[:4]
    return {"requests": len(paths), "bytes": size, **{k: v for k, v in _stats(totals).items() if k != "n"},
            "loads": len(totals), "slowest_requests": [f"{ms:.1f} ms {p}" for ms, p in slow]}


def run(db_path: str | Path, queries: int = 200, loads: int = 20, seed: int = 0) -> dict[str, Any]:
    """Samples ``queries`` queries and times them (library and HTTP), then ``loads`` page loads."""
    import httpx

    db = str(Path(db_path).resolve())
    conn = sqlite3.connect(f"file:{quote(db)}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        store = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
                 for t in ("articles", "quotes")}
        mix = sample_queries(conn, queries, seed)
        library = time_library(conn, mix)
    finally:
        conn.close()
    with running_server(db) as base, httpx.Client(base_url=base, timeout=600.0) as client:
        paths, cold = first_load(client)
        page = {"first_load_ms": round(cold, 1), **time_page(client, paths, loads)}
        http = time_http_search(client, mix)
    return {"store": {**store, "queries": len(mix), "classes": dict(Counter(q.label for q in mix))},
            "search": library, "search_http": http, "page": page}
