"""The HTTP API and web page of a storyline database (FastAPI), as specified in ``docs/API.md``.

Safety model
- Read-only by default: every request reads through a ``mode=ro`` SQLite connection. The one write,
  ``POST /api/ingest``, exists only when the server was started with a token and needs it as a
  Bearer header (compared in constant time); without a token it answers 403.
- Every value from a request reaches SQLite as a bound parameter; search text becomes a quoted FTS5
  query (:mod:`storyline.store.search`), so no input is an FTS syntax error.
- Bad parameters give a 4xx JSON ``{"detail": "<message>"}``: impossible dates, limits out of
  range, unknown ids and stories, unknown enum values. Database trouble gives 503, not a stack trace.
- Responses are JSON; text from articles is never turned into HTML here (snippets are segment
  lists). A strict Content-Security-Policy and ``nosniff``/``no-referrer`` headers go on every
  response, and the page loads nothing from other origins (no CDN; ``/docs`` is off).
- Static files come from the package's ``static/`` folder through Starlette's ``StaticFiles``,
  which refuses paths outside it; uploads are read from memory and never used as paths.

FastAPI was chosen for typed query validation and the OpenAPI schema (measured: server up in
0.03 s); endpoints are plain functions, run in the thread pool, one read transaction each.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from .. import __version__, api
from ..store import Store
from ..store.search import Filters, search as run_search
from . import queries
from .database import Database, ResultCache
from .ingest import MAX_FILES, MAX_REQUEST_BYTES, Upload, ingest_uploads, read_upload

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
MAX_LIMIT = 1000  # largest page (contract)
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000_000  # beyond any store; keeps the value inside SQLite's integer range
MAX_QUERY_CHARS = 500
MAX_CHANGES = 1000  # default items per list in /api/changes (each list also reports its total)
ACTOR_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "LOC": "LOC", "PLACE": "LOC"}  # PLACE is the page's word for LOC


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, whatever produced it."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------------------------------------
# Parameters


def _date(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise HTTPException(422, f"{name}: {value[:40]!r} is not a date; use YYYY-MM-DD") from None


def _since_until(since: str | None = Query(None, max_length=40, description="YYYY-MM-DD, inclusive"),
                 until: str | None = Query(None, max_length=40, description="YYYY-MM-DD, inclusive")) -> tuple:
    s, u = _date("since", since), _date("until", until)
    if s and u and s > u:
        raise HTTPException(422, f"since ({s}) is after until ({u})")
    return s, u


def _paging(limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
            offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> tuple[int, int]:
    return limit, offset


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


# ---------------------------------------------------------------------------------------------
# The app


class Server:
    """What the endpoints share: the read-only database, the result cache and the ingest token."""

    def __init__(self, db_path: str, token: str | None) -> None:
        self.db = Database(db_path)
        self.cache = ResultCache(self.db)
        self.token = token or None

    # -- cached aggregates (once per data version) -------------------------------------------

    def counts(self) -> dict[str, int]:
        return self.cache.get(("counts",), lambda st: st.counts())

    def timeline(self, story: str | None, per_date: int, since: str | None, until: str | None) -> list:
        return self.cache.get(("timeline", story, per_date, since, until),
                              lambda st: api.timeline(st, story, None, per_date, since, until))

    def speakers(self, story: str | None) -> list[dict]:
        return self.cache.get(("speakers", story), lambda st: queries.speaker_counts(st, story))

    def count_articles(self, f: Filters) -> int:
        return self.cache.get(("count_articles", f), lambda st: queries.count_articles(st, f))

    def count_quotes(self, f: Filters) -> int:
        return self.cache.get(("count_quotes", f), lambda st: queries.count_quotes(st, f))

    def series_page(self, category: str | None, min_points: int, limit: int, offset: int):
        """A page of the store's series (``api.series_page``: each with all its points)."""
        return self.cache.get(("series_page", category, min_points, limit, offset),
                              lambda st: api.series_page(st, category=category, min_points=min_points, limit=limit,
                                                         offset=offset))

    def story_actors(self, story: str, type: str | None, q: str | None) -> tuple:
        """A story's actors (counted within it), all of them: ``api.actor_page`` aggregates the
        story's forms for any page, so the whole list is kept and pages are cut from it."""
        return self.cache.get(("story_actors", story, type, q),
                              lambda st: api.actor_page(st, story=story, type=type, q=q, limit=None).items)

    def story_series(self, story: str, category: str | None, min_points: int) -> tuple:
        """A story's series (restricted to its points), all of them, for the same reason."""
        return self.cache.get(("story_series", story, category, min_points),
                              lambda st: api.series_page(st, story=story, category=category, min_points=min_points,
                                                         limit=None).items)

    def changes(self, since: str, story: str | None) -> dict:
        return self.cache.get(("changes", since, story), lambda st: api.changes(st, since, story))

    def warm(self) -> threading.Thread:
        """Computes, in a background thread, what the page's first screen asks for (the stats, the
        largest story's timeline, actors and article count) and the speakers list."""
        def run() -> None:
            try:
                top = self.read(lambda st: api.stories_page(st, limit=1).items)
                self.counts()
                if top:
                    self.timeline(top[0].id, 1, None, None)
                    self.story_actors(top[0].id, None, None)
                    self.count_articles(Filters(story=top[0].id))
                self.speakers(None)
            except Exception:  # noqa: BLE001 - warming is best effort; requests compute what is missing
                log.exception("warming the cache failed")

        thread = threading.Thread(target=run, name="warm-cache", daemon=True)
        thread.start()
        return thread

    # -- request helpers ---------------------------------------------------------------------

    def read(self, fn: Callable[[Store], Any]) -> Any:
        """``fn(store)`` inside one read transaction of this thread's read-only store."""
        with self.db.snapshot() as store:
            return fn(store)

    def story_id(self, story: str | None) -> str | None:
        """A story id from an id or a word of its label; 404 when none (or several) match."""
        if story is None:
            return None
        story = story.strip()
        if not story:
            raise HTTPException(404, "no story ''")

        def find(store: Store) -> str | None:
            try:
                return api.resolve_story(store, story)
            except LookupError as e:
                raise HTTPException(404, str(e)) from None

        return self.read(find)

    def actor_id(self, actor: str) -> str:
        """The current id of an actor (an id renamed or merged away leads to its new one); 404 if none."""
        found = self.read(lambda st: api.actor(st, actor))
        if found is None:
            raise HTTPException(404, f"no actor {actor[:200]!r}")
        return found.id


def create_app(db_path: str, token: str | None = None, *, warm: bool = False) -> FastAPI:
    """The storyline web app over the database at ``db_path``.

    ``token`` enables ``POST /api/ingest`` (Bearer token); ``warm`` computes what the first screen
    needs (see :meth:`Server.warm`) in a background thread at start-up.
    """
    server = Server(db_path, token)
    app = FastAPI(title="storyline", version=__version__, docs_url=None, redoc_url=None,
                  description="The story across news articles: quotes, figures, actors, series, timeline, search.")
    app.state.server = server
    app.add_middleware(SecurityHeaders)
    _errors(app)
    _read_routes(app, server)
    _ingest_route(app, server, db_path)
    _page_routes(app)
    if warm:
        server.warm()
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(sqlite3.DatabaseError)
    async def database_error(request: Request, exc: sqlite3.DatabaseError) -> JSONResponse:
        log.warning("database error on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": f"the database is not available right now ({exc}); try again"},
                            status_code=503)


STORY = Query(None, max_length=200, description="a story id (or a word of its label)")


def _read_routes(app: FastAPI, server: Server) -> None:  # noqa: C901 - one nested function per endpoint
    @app.get("/api/stats", summary="Counts of everything stored")
    def stats() -> dict[str, Any]:
        return server.counts()

    @app.get("/api/stories", summary="Stories, largest first")
    def stories(paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        found = server.read(lambda st: api.stories_page(st, limit=limit, offset=offset))
        return queries.page(found.total, limit, offset, [queries.story_item(s) for s in found.items])

    @app.get("/api/articles", summary="Articles, newest first")
    def articles(story: str | None = STORY, dates: tuple = Depends(_since_until),
                 outlet: str | None = Query(None, max_length=200), paging: tuple = Depends(_paging)) -> dict[str, Any]:
        f = Filters(since=dates[0], until=dates[1], outlet=outlet, story=server.story_id(story))
        total = server.count_articles(f)
        return server.read(lambda st: queries.list_articles(st, f, *paging, total))

    @app.get("/api/articles/{article_id}", summary="One article with every extracted item")
    def article(article_id: str) -> dict[str, Any]:
        found = server.read(lambda st: queries.article_detail(st, article_id)) if len(article_id) <= 200 else None
        if found is None:
            raise HTTPException(404, f"no article {article_id[:200]!r}")
        return found

    @app.get("/api/search", summary="Full-text search over articles or quotes")
    def search(q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
               kind: Literal["articles", "quotes"] = "articles", story: str | None = STORY,
               dates: tuple = Depends(_since_until), outlet: str | None = Query(None, max_length=200),
               entity: str | None = Query(None, max_length=200, description="an actor id or an entity name"),
               speaker: str | None = Query(None, max_length=200, description="quotes whose speaker's name has these words"),
               category: str | None = Query(None, max_length=100, description="articles with a figure of this category"),
               paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        actor = server.read(lambda st: api.actor(st, entity)) if entity and ":" in entity else None
        f = Filters(since=dates[0], until=dates[1], outlet=outlet, speaker=speaker, category=category,
                    story=server.story_id(story), entity=None if actor else entity, actor=actor.id if actor else None)
        result = server.read(lambda st: run_search(st.conn, q, kind, f, limit, offset))
        items = []
        for h in result.hits:
            item = {"kind": h.kind, "article_id": h.article_id, "title": h.title, "published": h.published,
                    "outlet": h.outlet, "start": h.start, "end": h.end,
                    "snippet": [{"text": t, "hit": hit} for t, hit in h.segments],
                    "hits": [[s, e] for s, e in h.hits]}
            if h.kind == "quote":
                item["speaker"] = h.speaker
            items.append(item)
        out = queries.page(result.total, limit, offset, items)
        out["order"] = result.order
        return out

    @app.get("/api/actors", summary="Actors (people, organisations, places), most mentioned first")
    def actors(story: str | None = STORY, type: Literal["PERSON", "ORG", "LOC", "PLACE"] | None = None,
               q: str | None = Query(None, max_length=200, description="a part of the name"),
               paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        story_id = server.story_id(story)
        kind = ACTOR_TYPES[type] if type else None
        part = q.strip() if q and q.strip() else None
        if story_id is not None:
            every = server.story_actors(story_id, kind, part)
            return queries.page(len(every), limit, offset, [queries.actor_item(a) for a in every[offset:offset + limit]])
        found = server.read(lambda st: api.actor_page(st, type=kind, q=part, limit=limit, offset=offset))
        return queries.page(found.total, limit, offset, [queries.actor_item(a) for a in found.items])

    @app.get("/api/actors/{actor_id:path}", summary="One actor with its appearances (paginated)")
    def actor(actor_id: str, paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging

        def read(st: Store) -> dict[str, Any] | None:
            found = api.actor(st, actor_id)
            if found is None:
                return None
            out = queries.actor_item(found)
            seen = api.actor_appearances(st, found.id, limit=limit, offset=offset)
            out["appearances_total"] = seen.total
            out["appearances"] = [{"article_id": a.article_id, "title": a.title, "published": a.published,
                                   "outlet": a.outlet, "mentions": a.mentions} for a in seen.items]
            out["quotes_total"] = api.actor_quotes(st, found.id, limit=0).total
            out["limit"], out["offset"] = limit, offset
            return out

        found = server.read(read) if len(actor_id) <= 300 else None
        if found is None:
            raise HTTPException(404, f"no actor {actor_id[:200]!r}")
        return found

    @app.get("/api/quotes", summary="Quotes by speaker or actor, in publication order")
    def quotes(speaker: str | None = Query(None, max_length=200, description="exact speaker name"),
               actor: str | None = Query(None, max_length=300, description="actor id"), story: str | None = STORY,
               dates: tuple = Depends(_since_until), paging: tuple = Depends(_paging)) -> dict[str, Any]:
        f = Filters(since=dates[0], until=dates[1], speaker=speaker, story=server.story_id(story))
        if actor is not None:
            actor_id = server.actor_id(actor)
            return server.read(lambda st: queries.actor_quotes(st, actor_id, f, *paging))
        total = server.count_quotes(f)
        return server.read(lambda st: queries.list_quotes(st, f, *paging, total))

    @app.get("/api/speakers", summary="Speakers by number of quotes")
    def speakers(story: str | None = STORY, paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        rows = server.speakers(server.story_id(story))
        return queries.page(len(rows), limit, offset,
                            server.read(lambda st: queries.speaker_items(st, rows[offset:offset + limit])))

    @app.get("/api/series", summary="Figure series, most reported first")
    def series(story: str | None = STORY, category: str | None = Query(None, max_length=100),
               min_points: int = Query(1, ge=1, le=1_000_000), paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        story_id = server.story_id(story)
        if story_id is not None:
            every = server.story_series(story_id, category, min_points)
            return queries.page(len(every), limit, offset, [queries.series_item(s) for s in every[offset:offset + limit]])
        found = server.series_page(category, min_points, limit, offset)
        return queries.page(found.total, limit, offset, [queries.series_item(s) for s in found.items])

    @app.get("/api/series/{series_id:path}", summary="One figure series")
    def one_series(series_id: str) -> dict[str, Any]:
        found = server.read(lambda st: api.series_by_id(st, series_id)) if len(series_id) <= 500 else None
        if found is None:
            raise HTTPException(404, f"no series {series_id[:200]!r}")
        return queries.series_item(found)

    @app.get("/api/timeline", summary="Dated events in date order")
    def timeline(story: str | None = STORY, dates: tuple = Depends(_since_until),
                 per_date: int = Query(1, ge=1, le=10), paging: tuple = Depends(_paging)) -> dict[str, Any]:
        limit, offset = paging
        found = server.timeline(server.story_id(story), per_date, *dates)
        return queries.page(len(found), limit, offset, [queries.timeline_item(e) for e in found[offset:offset + limit]])

    @app.get("/api/changes", summary="What is new since a date")
    def changes(since: str = Query(..., max_length=40, description="YYYY-MM-DD"), story: str | None = STORY,
                limit: int = Query(MAX_CHANGES, ge=1, le=100_000, description="items per list")) -> dict[str, Any]:
        day = _date("since", since)
        story_id = server.story_id(story)
        found = server.changes(day, story_id)
        return server.read(lambda st: queries.changes_item(st, found, limit))


def _ingest_route(app: FastAPI, server: Server, db_path: str) -> None:
    @app.post("/api/ingest", summary="Ingest uploaded documents (needs the server's token)")
    async def ingest(request: Request) -> dict[str, Any]:
        if server.token is None:
            raise HTTPException(403, "read-only server: start it with --token to allow ingest")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), server.token.encode()):
            raise HTTPException(401, "missing or wrong token (send Authorization: Bearer TOKEN)",
                                headers={"WWW-Authenticate": "Bearer"})
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            raise HTTPException(413, f"request too large (limit {MAX_REQUEST_BYTES // (1024 * 1024)} MB)")
        uploads = await _read_uploads(request)
        return await run_in_threadpool(ingest_uploads, db_path, uploads)


async def _read_uploads(request: Request) -> list[Upload]:
    """The uploaded documents: multipart field ``files``, or JSON ``{"documents": [{"name", "text"}]}``."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
        except Exception as e:  # noqa: BLE001 - python-multipart raises several kinds for a broken body
            raise HTTPException(400, f"cannot read the upload: {e}") from None
        files = [f for f in form.getlist("files") if hasattr(f, "read")]
        if not files:
            raise HTTPException(422, "no files: send documents in the multipart field 'files'")
        return [await read_upload(f) for f in files]
    if ctype == "application/json":
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            raise HTTPException(413, f"request too large (limit {MAX_REQUEST_BYTES // (1024 * 1024)} MB)")
        try:
            docs = json.loads(body)["documents"]
            if not isinstance(docs, list) or len(docs) > MAX_FILES:
                raise ValueError
            uploads = [Upload(str(d["name"]), d["text"].encode("utf-8")) for d in docs
                       if isinstance(d, dict) and isinstance(d.get("text"), str)]
            if len(uploads) != len(docs):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise HTTPException(422, 'expected JSON {"documents": [{"name": str, "text": str}, ...]} '
                                     f"(at most {MAX_FILES})") from None
        return uploads
    raise HTTPException(415, "send multipart/form-data (field 'files') or application/json")


def _page_routes(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = STATIC_DIR / "index.html"
        if not page.is_file():
            raise HTTPException(404, "the web page is not installed")
        return FileResponse(page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8765, token: str | None = None) -> None:
    """Runs the server until interrupted (the ``storyline serve`` command)."""
    import uvicorn

    app = create_app(db_path, token or os.environ.get("STORYLINE_TOKEN") or None, warm=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
