"""The web page end to end: a store built by `storyline ingest`, the real server, headless Chromium.

The articles in tests/fixtures/serve/ tell a developing story (a chemical plant explosion, five days,
four outlets): a death toll that rises and is then contradicted by a lower figure, named and unnamed
speakers, plus an unrelated article and one hostile article whose title, outlet, author, URL, text and
quotes carry HTML/JS payloads. The page is driven through its stable data-testid hooks and every
expectation is read from the API, so the test checks what the page shows against what the server
says. Every test also checks that the page logged no console error and asked no host but 127.0.0.1.

Uses Debian's /usr/bin/chromium through Playwright (never `playwright install`). Without chromium or
playwright the tests are skipped, unless STORYLINE_REQUIRE_BROWSER=1 (CI), which makes them fail.
Screenshots go to $STORYLINE_SCREENSHOTS (default: a pytest temporary folder).
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "serve"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
REQUIRE_BROWSER = os.environ.get("STORYLINE_REQUIRE_BROWSER") == "1"
PAYLOAD_SCRIPT = "<script>window.__pwned=1</script>"
WAIT_MS = 10_000  # longest wait for the page to show something (a slow shared CI machine)
SERVER_START_S = 20.0


def _browser_problem() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[e2e]')"
    return None


@pytest.fixture(scope="module")
def playwright_api():
    problem = _browser_problem()
    if problem:
        if REQUIRE_BROWSER:
            pytest.fail(f"STORYLINE_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    from playwright import sync_api

    return sync_api


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("serve") / "story.db")
    result = CliRunner().invoke(main, ["ingest", str(FIXTURES), "--db", path, "--no-progress", "--workers", "1", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["added"] == len(list(FIXTURES.iterdir())) and not report["failed"]
    return path


@pytest.fixture(scope="module")
def server(playwright_api, database) -> str:
    """The real app under uvicorn in a thread, on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    from storyline.serve.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(database), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_S
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser(playwright_api, server):
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("STORYLINE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page with its console errors and the requests it tried to send elsewhere than the server."""

    def __init__(self, page, server: str) -> None:
        self.page = page
        self.server = server
        self.errors: list[str] = []
        self.foreign: list[str] = []

    def goto(self, hash_route: str) -> None:
        self.page.goto(f"{self.server}/{hash_route}")

    def assert_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"


@pytest.fixture
def page(browser, server, playwright_api):
    playwright_api.expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    watched = Watched(context.new_page(), server)

    def only_local(route) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            watched.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    watched.page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    watched.page.on("pageerror", lambda e: watched.errors.append(f"uncaught: {e}"))
    yield watched
    context.close()


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy


def api(server: str, path: str, **params) -> dict:
    """What the server says: GET /api/<path> as JSON."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    with _DIRECT.open(f"{server}/api/{path}" + (f"?{query}" if query else ""), timeout=10) as r:
        return json.loads(r.read())


def quoted(path_part: str) -> str:
    return urllib.parse.quote(path_part, safe="")


# ---------------------------------------------------------------------------------------------


def test_timeline_lists_the_story_and_links_each_summary_to_its_sentence(page, server, shots, playwright_api):
    expect = playwright_api.expect
    story = api(server, "stories")["items"][0]
    events = api(server, "timeline", story=story["id"])
    assert events["total"] >= 4  # the explosion story spans five days

    page.goto("#/")
    items = page.page.get_by_test_id("timeline-event")
    expect(items).to_have_count(events["total"])
    first = events["items"][0]
    expect(items.first).to_contain_text(first["summary"])
    page.page.screenshot(path=str(shots / "timeline.png"), full_page=True)

    items.nth(1).locator(".summary a").click()
    focused = page.page.get_by_test_id("focused-span")
    expect(focused).to_have_text(events["items"][1]["summary"])
    expect(focused).to_be_in_viewport()
    page.assert_clean()


def test_series_point_opens_the_article_at_its_figure(page, server, shots, playwright_api):
    expect = playwright_api.expect
    all_series = api(server, "series", min_points=2)["items"]
    toll = next(s for s in all_series if s["conflicts"])  # the death toll: rises, then a lower report
    assert len(toll["points"]) >= 3 and all(p["as_of"] for p in toll["points"])

    page.goto("#/series")
    expect(page.page.locator(".series-card").first).to_be_visible()
    expect(page.page.locator(".conflict-note").first).to_contain_text(toll["conflicts"][0]["note"])
    page.page.screenshot(path=str(shots / "series.png"), full_page=True)

    page.goto(f"#/series/{quoted(toll['id'])}")
    points = page.page.get_by_test_id("series-point")
    expect(points).to_have_count(len(toll["points"]))
    # Contradicted reports wear the red ring; open-ended qualifiers are written out.
    expect(page.page.locator(".point.conflict")).to_have_count(sum(p["conflict"] for p in toll["points"]))
    qualified = next(p for p in toll["points"] if p["qualifier"] == "at least")
    expect(page.page.locator("svg.chart")).to_contain_text(f"at least {qualified['value']:g}")
    assert "source:" in points.first.locator("title").text_content()

    index, target = next((i, p) for i, p in enumerate(toll["points"]) if p["conflict"])
    points.nth(index).click()
    focused = page.page.get_by_test_id("focused-span")
    expect(focused).to_have_text(target["text"])
    expect(focused).to_be_in_viewport()
    assert f"#/article/{quoted(target['article_id'])}?start={target['start']}&end={target['end']}" in page.page.url
    article = api(server, f"articles/{quoted(target['article_id'])}")
    assert article["text"][target["start"]:target["end"]] == target["text"]
    # Highlighting splits the text into pieces but never changes it.
    assert page.page.get_by_test_id("article-text").text_content() == article["text"]
    for kind in ("quote", "speaker", "figure", "date", "entity", "point", "event"):
        assert page.page.locator(f"[data-testid=article-text] .hl-{kind}").count() > 0, kind
    page.page.screenshot(path=str(shots / "article.png"), full_page=True)
    page.assert_clean()


def test_quote_speaker_leads_to_the_actor_page(page, server, shots, playwright_api):
    expect = playwright_api.expect
    quotes = api(server, "quotes", limit=1000)["items"]
    quote = next(q for q in quotes if q["actor"] and not q["anonymous"])
    actor = api(server, f"actors/{quoted(quote['actor'])}")

    page.goto("#/quotes")
    item = page.page.get_by_test_id("quote").filter(has_text=quote["text"]).first
    expect(item).to_be_visible()
    expect(page.page.get_by_test_id("quote-speaker").filter(has_text="unnamed").first).to_be_visible()
    page.page.screenshot(path=str(shots / "quotes.png"), full_page=True)

    item.get_by_test_id("quote-speaker").click()
    expect(page.page.get_by_test_id("actor-name")).to_have_text(actor["name"])
    assert page.page.url.endswith(f"#/actor/{quoted(quote['actor'])}")
    expect(page.page.get_by_test_id("quote")).to_have_count(actor["quotes_total"])
    page.page.screenshot(path=str(shots / "actor.png"), full_page=True)

    # The speaker list filters the explorer to one speaker's quotes.
    page.goto(f"#/quotes?speaker={quoted(quote['speaker'])}")
    expect(page.page.get_by_test_id("quote")).to_have_count(api(server, "quotes", speaker=quote["speaker"])["total"])
    page.assert_clean()


def test_search_shows_snippets_and_opens_the_match(page, server, playwright_api):
    expect = playwright_api.expect
    hits = api(server, "search", q="ventilation")
    assert hits["total"] >= 2

    page.goto("#/")
    box = page.page.get_by_test_id("search-input")
    box.fill("ventilation")
    box.press("Enter")
    results = page.page.get_by_test_id("search-result")
    expect(results).to_have_count(hits["total"])
    expect(results.first.locator(".snippet b").first).to_have_text("ventilation", ignore_case=True)

    page.page.locator("select[name=kind]").select_option("quotes")
    quote_hits = api(server, "search", q="ventilation", kind="quotes")
    expect(results).to_have_count(quote_hits["total"])
    results.first.locator("a").first.click()
    expect(page.page.get_by_test_id("focused-span")).to_contain_text("ventilation")

    # Date filters reach the API: one day of the story.
    day = api(server, "search", q="Lindmoor", since="2025-06-12", until="2025-06-12")
    assert 0 < day["total"] < api(server, "search", q="Lindmoor")["total"]
    page.goto("#/search?q=Lindmoor&since=2025-06-12&until=2025-06-12")
    expect(results).to_have_count(day["total"])
    expect(page.page.locator("input[name=since]")).to_have_value("2025-06-12")
    page.assert_clean()


def test_more_button_pages_through_every_item(page, server, playwright_api):
    """With the API asked for pages of 5, "More" loads the rest, in order, each quote once."""
    expect = playwright_api.expect
    everything = api(server, "quotes", limit=1000)
    assert everything["total"] > 10

    def small_pages(route) -> None:
        parts = urllib.parse.urlsplit(route.request.url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["limit"] = "5"
        route.continue_(url=parts._replace(query=urllib.parse.urlencode(query)).geturl())

    page.page.route("**/api/quotes?*", small_pages)
    page.goto("#/quotes")
    quotes = page.page.get_by_test_id("quote")
    expect(quotes).to_have_count(5)
    more = page.page.locator("section[aria-label=Quotes]").get_by_test_id("more")
    shown = 5
    while shown < everything["total"]:
        more.click()
        shown = min(shown + 5, everything["total"])
        expect(quotes).to_have_count(shown)
    expect(more).to_be_hidden()
    texts = [t.strip("“”") for t in quotes.locator(".quote-text").all_text_contents()]
    assert texts == [q["text"] for q in everything["items"]]
    page.assert_clean()


def test_hostile_article_is_shown_as_text(page, server, shots, playwright_api):
    expect = playwright_api.expect
    hostile = next(a for a in api(server, "articles", limit=1000)["items"] if PAYLOAD_SCRIPT in (a["title"] or ""))
    article = api(server, f"articles/{quoted(hostile['id'])}")
    assert "onerror" in article["text"] and "javascript:" in article["url"]

    for hash_route in (f"#/article/{quoted(hostile['id'])}", "#/quotes", "#/search?q=pwned&kind=quotes",
                       "#/search?q=pwned", f"#/timeline?story={quoted(article['story'] or '')}", "#/actors"):
        page.goto(hash_route)
        expect(page.page.locator("main .status", has_text="Loading")).to_have_count(0)
        assert page.page.evaluate("typeof window.__pwned") == "undefined", hash_route
        # Only the app's own module script; no element from article data became live markup.
        scripts = page.page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["/static/app.js"], hash_route
        assert page.page.locator("main img, main iframe, main object, main embed").count() == 0, hash_route
        assert page.page.locator("main svg[onload], main [onerror], main [onload]").count() == 0, hash_route
        assert page.page.locator("a[href^='javascript' i]").count() == 0, hash_route

    page.goto(f"#/article/{quoted(hostile['id'])}")
    expect(page.page.locator("h1")).to_have_text(article["title"])
    assert page.page.get_by_test_id("article-text").text_content() == article["text"]
    expect(page.page.get_by_text(PAYLOAD_SCRIPT).first).to_be_visible()
    assert page.page.locator("a.external").count() == 0  # its javascript: URL is not made a link
    page.page.screenshot(path=str(shots / "hostile.png"), full_page=True)
    assert page.page.evaluate("typeof window.__pwned") == "undefined"
    page.assert_clean()


HIGHLIGHT_PROPERTY_JS = """async ({text, seed}) => {
  const { highlightedText, pieces } = await import("/static/highlight.js");
  let state = seed;  // a small LCG: the same spans on every run
  const next = (n) => { state = (state * 1103515245 + 12345) % 2147483648; return state % n; };
  const failures = [];
  for (let round = 0; round < 200; round++) {
    const items = [];
    for (let i = 0; i < 1 + next(12); i++) {
      const start = next(text.length + 4) - 2;  // some out of range on purpose
      items.push({ start, end: start + next(60) - 5, kind: ["quote", "figure", "entity"][next(3)], label: "x" });
    }
    const a = next(text.length), focus = next(4) ? { start: a, end: Math.min(text.length, a + 1 + next(40)) } : null;
    const host = document.createElement("div");
    const { nodes, focusedElement } = highlightedText(text, items, focus);
    host.append(...nodes);
    if (host.textContent !== text) failures.push(["text changed", round]);
    if (focus && (!focusedElement || focusedElement.textContent !== text.slice(focus.start, focus.end))) failures.push(["focus", round]);
    if (host.querySelectorAll("span span, mark mark").length) failures.push(["nested pieces", round]);
    const valid = items.filter((x) => x.start >= 0 && x.end <= text.length && x.start < x.end);
    for (const piece of pieces(text.length, valid, focus)) {
      const covering = valid.filter((x) => x.start <= piece.start && x.end >= piece.end);
      if (covering.length !== piece.items.length || piece.items.some((x) => !covering.includes(x))) {
        failures.push(["wrong items on a piece", round]);
      }
    }
  }
  return failures.slice(0, 5);
}"""


def test_highlighting_never_changes_the_text(page, server, playwright_api):
    """Every article shows exactly its text, and random overlapping spans never break or nest it."""
    expect = playwright_api.expect
    articles = api(server, "articles", limit=1000)["items"]
    for item in articles:
        article = api(server, f"articles/{quoted(item['id'])}")
        page.goto(f"#/article/{quoted(item['id'])}")
        expect(page.page.locator("h1")).to_have_text(article["title"] or "(untitled)")
        assert page.page.get_by_test_id("article-text").text_content() == article["text"], item["id"]
    text = api(server, f"articles/{quoted(articles[0]['id'])}")["text"]
    assert page.page.evaluate(HIGHLIGHT_PROPERTY_JS, {"text": text, "seed": 20250610}) == []
    page.assert_clean()


def test_narrow_screen_article_view(page, server, shots, playwright_api):
    expect = playwright_api.expect
    page.page.set_viewport_size({"width": 390, "height": 844})
    toll = next(s for s in api(server, "series", min_points=2)["items"] if s["conflicts"])
    point = toll["points"][-1]
    page.goto(f"#/article/{quoted(point['article_id'])}?start={point['start']}&end={point['end']}")
    expect(page.page.get_by_test_id("focused-span")).to_have_text(point["text"])
    expect(page.page.get_by_test_id("focused-span")).to_be_in_viewport()
    # Nothing wider than the screen: no horizontal scrolling.
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 390
    page.page.screenshot(path=str(shots / "article_narrow.png"), full_page=True)
    page.assert_clean()
