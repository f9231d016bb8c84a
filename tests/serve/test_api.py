"""The HTTP API (storyline.serve.app) over a store built by `storyline ingest` from the articles in conftest.py.

Every endpoint of docs/API.md, pagination (totals, paging through everything), filters, bad parameters
(4xx with a readable message, never 500), path traversal on static files, hostile article content
coming back as inert JSON text, the ingest endpoint's token rules, reads while another connection
writes, and a bounded schemathesis fuzz of the OpenAPI schema.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.serve.app import create_app

from serve_support import ARTICLES, HOSTILE, HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_URL

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")
ENDPOINTS = ["/api/stats", "/api/stories", "/api/articles", "/api/search?q=dam", "/api/actors", "/api/quotes",
             "/api/speakers", "/api/series", "/api/timeline", "/api/changes?since=2025-02-04"]


def get(client: TestClient, path: str, status: int = 200, **params) -> dict:
    r = client.get(path, params=params) if params else client.get(path)
    assert r.status_code == status, (path, params, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def all_pages(client: TestClient, path: str, limit: int, **params) -> tuple[int, list]:
    """Every item of a list endpoint, fetched ``limit`` at a time; also checks totals stay put."""
    items: list = []
    first = get(client, path, limit=limit, offset=0, **params)
    while True:
        page = get(client, path, limit=limit, offset=len(items), **params)
        assert page["total"] == first["total"] and page["limit"] == limit and page["offset"] == len(items)
        items.extend(page["items"])
        if not page["items"]:
            break
    assert len(items) == first["total"]
    return first["total"], items


def stored(db: Path, sql: str, *args) -> list:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


# -- the collections -------------------------------------------------------------------------------


def test_stats_count_what_is_stored(client, story_db):
    stats = get(client, "/api/stats")
    for table in ("articles", "quotes", "figures", "entities", "events", "stories"):
        assert stats[table] == stored(story_db, f"SELECT count(*) FROM {table}")[0][0]
    assert stats["actors"] == get(client, "/api/actors")["total"] > 0
    assert stats["series"] == get(client, "/api/series")["total"] > 0


def test_articles_newest_first_and_every_one_reachable_by_paging(client, story_db):
    total, items = all_pages(client, "/api/articles", limit=2)
    ids = [a["id"] for a in items]
    assert sorted(ids) == sorted(r[0] for r in stored(story_db, "SELECT id FROM articles"))
    assert len(set(ids)) == total
    dates = [a["published"] for a in items]
    assert dates == sorted(dates, reverse=True)
    assert set(items[0]) >= {"id", "title", "published", "outlet", "source", "url", "story"}


def test_article_filters(client):
    herald = get(client, "/api/articles", outlet="valley herald")["items"]
    assert {a["outlet"] for a in herald} == {"Valley Herald"} and len(herald) == 2
    feb = get(client, "/api/articles", since="2025-02-04", until="2025-02-05")["items"]
    assert feb and all("2025-02-04" <= a["published"] <= "2025-02-05" for a in feb)
    dam = next(s for s in get(client, "/api/stories")["items"] if "Eklund" in " ".join(s["top_actors"]) and s["size"] > 1)
    in_story = get(client, "/api/articles", story=dam["id"])
    assert in_story["total"] == dam["size"]
    assert all(a["story"] == dam["id"] for a in in_story["items"])


def test_article_detail_spans_point_into_the_text(client):
    first = next(a for a in get(client, "/api/articles")["items"] if a["title"].startswith("Kallsjo dam breach floods"))
    art = get(client, f"/api/articles/{first['id']}")
    text = art["text"]
    assert art["published"] == "2025-02-03" and art["outlet"] == "Valley Herald" and art["author"] == "Ingrid Dahl"
    quotes = {q["text"]: q for q in art["quotes"]}
    q = quotes["We are still searching, and we will keep searching through the night,"]
    assert text[q["start"]:q["end"]] == q["text"]
    assert q["speaker"] == "Jonas Berg" and q["cue"] == "said" and q["anonymous"] is False
    assert text[q["speaker_start"]:q["speaker_end"]] in ("Berg", "Jonas Berg", "Fire chief Jonas Berg")
    for f in art["figures"]:
        assert text[f["start"]:f["end"]] == f["text"]
    assert any(f["category"] == "killed" and f["value"] == 8 and f["qualifier"] == "at least" for f in art["figures"])
    for d in art["dates"]:
        assert text[d["start"]:d["end"]] == d["text"]
    for e in art["entities"]:
        for start, end in e["mentions"]:
            assert text[start:end]
    for p in art["points"] + art["events"]:
        assert text[p["start"]:p["end"]] == p["text"]


def test_article_items_link_to_actors_and_series(client):
    for a in get(client, "/api/articles")["items"]:
        art = get(client, f"/api/articles/{a['id']}")
        for q in art["quotes"]:
            if q["actor"]:
                assert get(client, f"/api/actors/{q['actor']}")["name"]
            if q["anonymous"]:
                assert q["actor"] is None
        for e in art["entities"]:
            if e["actor"]:
                assert get(client, f"/api/actors/{e['actor']}")["type"] in ("PERSON", "ORG", "LOC")
        for p in art["points"]:
            if p["series"]:
                series = get(client, f"/api/series/{p['series']}")
                assert any(pt["value"] == p["value"] for pt in series["points"])
    eklund = [q for a in get(client, "/api/articles")["items"] for q in get(client, f"/api/articles/{a['id']}")["quotes"]
              if q["speaker"] == "Marta Eklund"]
    assert eklund and {q["actor"] for q in eklund} == {"person:marta-eklund"}


def test_syndicated_copy_is_in_one_duplicate_group(client):
    arts = get(client, "/api/articles")["items"]
    copies = [get(client, f"/api/articles/{a['id']}") for a in arts if "rises to 14" in (a["title"] or "")]
    assert len(copies) == 2
    assert copies[0]["duplicate_of"] and copies[0]["duplicate_of"] == copies[1]["duplicate_of"]
    assert sorted(copies[0]["copies"]) == sorted(c["id"] for c in copies)


def test_stories_paginate(client):
    total, items = all_pages(client, "/api/stories", limit=1)
    assert total >= 2
    sizes = [s["size"] for s in items]
    assert sizes == sorted(sizes, reverse=True)
    dam = items[0]
    assert dam["first"] == "2025-02-03" and "Marta Eklund" in dam["top_actors"]


def test_actors_ordering_filters_and_detail(client, story_db):
    total, items = all_pages(client, "/api/actors", limit=3)
    mentions = [a["mentions"] for a in items]
    assert mentions == sorted(mentions, reverse=True)
    eklund = next(a for a in items if a["name"] == "Marta Eklund")
    assert eklund["type"] == "PERSON" and eklund["articles"] >= 4
    assert eklund["first"] == "2025-02-03" and any(r["title"].lower().endswith("governor") for r in eklund["roles"])
    people = get(client, "/api/actors", type="PERSON")["items"]
    assert people and all(a["type"] == "PERSON" for a in people)
    places = get(client, "/api/actors", type="PLACE")
    assert places["items"] == get(client, "/api/actors", type="LOC")["items"]
    assert [a["name"] for a in get(client, "/api/actors", q="eklu")["items"]] == ["Marta Eklund"]
    detail = get(client, f"/api/actors/{eklund['id']}", limit=2)
    assert detail["name"] == "Marta Eklund" and detail["appearances_total"] == eklund["articles"]
    assert len(detail["appearances"]) == 2
    assert detail["quotes_total"] == stored(story_db, "SELECT count(*) FROM quotes WHERE speaker = 'Marta Eklund'")[0][0] >= 5
    seen = [x["article_id"] for off in range(0, detail["appearances_total"], 2)
            for x in get(client, f"/api/actors/{eklund['id']}", limit=2, offset=off)["appearances"]]
    assert len(seen) == len(set(seen)) == detail["appearances_total"]
    assert all(x["mentions"] >= 1 for x in detail["appearances"])


def test_actors_of_one_story(client):
    budget = next(s for s in get(client, "/api/stories")["items"] if "Lena Strom" in s["top_actors"])
    names = {a["name"] for a in get(client, "/api/actors", story=budget["id"])["items"]}
    assert {"Lena Strom", "Karl Viberg"} <= names and "Marta Eklund" not in names


def test_quotes_by_speaker_actor_and_date(client, story_db):
    total, items = all_pages(client, "/api/quotes", limit=3)
    assert total == stored(story_db, "SELECT count(*) FROM quotes")[0][0]
    assert [q["published"] for q in items] == sorted(q["published"] for q in items)
    by_speaker = get(client, "/api/quotes", speaker="Marta Eklund")
    assert by_speaker["total"] == stored(story_db, "SELECT count(*) FROM quotes WHERE speaker = 'Marta Eklund'")[0][0]
    assert {q["speaker"] for q in by_speaker["items"]} == {"Marta Eklund"}
    by_actor = get(client, "/api/quotes", actor="person:marta-eklund")
    assert by_actor["items"] == by_speaker["items"]
    later = get(client, "/api/quotes", speaker="Marta Eklund", since="2025-02-05")
    assert later["total"] == 2 and all(q["published"] >= "2025-02-05" for q in later["items"])
    assert get(client, "/api/quotes", speaker="marta eklund")["total"] == 0  # exact names


def test_speakers_match_their_quotes(client):
    total, items = all_pages(client, "/api/speakers", limit=2)
    assert [s["quotes"] for s in items] == sorted((s["quotes"] for s in items), reverse=True)
    assert items[0]["speaker"] == "Marta Eklund" and items[0]["actor"] == "person:marta-eklund"
    for s in items:
        assert get(client, "/api/quotes", speaker=s["speaker"])["total"] == s["quotes"]
    unnamed = [s for s in items if s["anonymous"]]
    assert unnamed and all(s["actor"] is None for s in unnamed)


def test_series_list_filters_and_detail(client):
    total, items = all_pages(client, "/api/series", limit=2)
    assert total >= 2
    displaced = next(s for s in items if s["category"] == "displaced")
    values = [p["value"] for p in displaced["points"]]
    assert values == [300, 1200] and displaced["scope"] == "cumulative"
    assert get(client, f"/api/series/{displaced['id']}") == displaced
    assert all(s["category"] == "killed" for s in get(client, "/api/series", category="killed")["items"])
    assert all(len(s["points"]) >= 2 for s in get(client, "/api/series", min_points=2)["items"])


def test_timeline_is_in_date_order_with_supporting_spans(client):
    total, items = all_pages(client, "/api/timeline", limit=2)
    assert [e["date"] for e in items] == sorted(e["date"] for e in items)
    assert items[0]["date"] == "2025-02-03"
    for e in items:
        text = get(client, f"/api/articles/{e['article_id']}")["text"]
        assert text[e["start"]:e["end"]] == e["summary"]
        assert e["supporting"]
    window = get(client, "/api/timeline", since="2025-02-04", until="2025-02-05")["items"]
    assert window and all("2025-02-04" <= e["date"] <= "2025-02-05" for e in window)


def test_changes_since_a_date(client):
    ch = get(client, "/api/changes", since="2025-03-01")
    assert ch["since"] == "2025-03-01"
    assert {a["name"] for a in ch["actors"]} >= {"Lena Strom", "Karl Viberg"}
    assert "Marta Eklund" not in {a["name"] for a in ch["actors"]}
    assert all(e["date"] >= "2025-03-01" for e in ch["events"])
    assert all(p["as_of"] >= "2025-03-01" and p["series"] for p in ch["points"])
    assert ch["totals"]["actors"] == len(ch["actors"])
    assert get(client, "/api/changes", status=422)["detail"]


def test_a_warmed_server_answers_the_same(client, story_db):
    with TestClient(create_app(str(story_db), warm=True)) as warm:
        for path in ENDPOINTS:
            assert get(warm, path) == get(client, path), path


# -- search ----------------------------------------------------------------------------------------


def test_search_articles_gives_snippet_segments_and_hit_spans(client):
    res = get(client, "/api/search", q="spillway")
    assert res["total"] == 2 and res["order"] == "relevance"
    for item in res["items"]:
        text = get(client, f"/api/articles/{item['article_id']}")["text"]
        assert text[item["start"]:item["end"]].lower() == "spillway"
        hits = [seg["text"] for seg in item["snippet"] if seg["hit"]]
        assert hits and all(h.lower() == "spillway" for h in hits)
        assert all(isinstance(seg["text"], str) and isinstance(seg["hit"], bool) for seg in item["snippet"])
        assert all(text[s:e].lower() == "spillway" for s, e in item["hits"])


def test_search_phrase_prefix_and_or(client):
    assert get(client, "/api/search", q='"emergency funds"')["total"] == 2
    assert get(client, "/api/search", q='"funds emergency"')["total"] == 0
    assert get(client, "/api/search", q="evacuat*")["total"] >= 3
    assert get(client, "/api/search", q="budget OR spillway")["total"] == 3


def test_search_quotes_with_speaker(client):
    res = get(client, "/api/search", q="inquiry OR answers", kind="quotes")
    assert res["items"] and all(i["kind"] == "quote" for i in res["items"])
    res = get(client, "/api/search", q="answers", kind="quotes", speaker="eklund")
    [item] = res["items"]
    assert item["speaker"] == "Marta Eklund"
    text = get(client, f"/api/articles/{item['article_id']}")["text"]
    assert text[item["start"]:item["end"]].startswith("People here want answers")
    assert text[item["hits"][0][0]:item["hits"][0][1]] == "answers"
    assert get(client, "/api/search", q="answers", kind="quotes", speaker="holm")["total"] == 0


def test_search_filters(client):
    dam = get(client, "/api/search", q="Kallsjo")
    assert dam["total"] == 4
    assert {i["outlet"] for i in get(client, "/api/search", q="Kallsjo", outlet="Valley Herald")["items"]} == {"Valley Herald"}
    assert all(i["published"] >= "2025-02-04" for i in get(client, "/api/search", q="Kallsjo", since="2025-02-04")["items"])
    assert get(client, "/api/search", q="Kallsjo", until="2025-02-03")["total"] == 1
    killed = get(client, "/api/search", q="Kallsjo", category="killed")["items"]
    assert [i["published"] for i in killed] == ["2025-02-03"]
    holm = get(client, "/api/search", q="Kallsjo", entity="person:anders-holm")["items"]
    assert len(holm) == 1 and holm[0]["published"] == "2025-02-06"
    assert get(client, "/api/search", q="Kallsjo", entity="Anders Holm")["items"] == holm
    budget = next(s for s in get(client, "/api/stories")["items"] if "Lena Strom" in s["top_actors"])
    assert get(client, "/api/search", q="Kallsjo", story=budget["id"])["total"] == 0
    assert get(client, "/api/search", q="budget", story=budget["id"])["total"] == 1


def test_search_paging_reaches_every_hit(client):
    total, items = all_pages(client, "/api/search", limit=1, q="said")
    assert total >= 5 and len({i["article_id"] for i in items}) == total


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(", "*", "a OR", "title:dam", "dam)) OR ((", "'; DROP TABLE articles; --",
                               "^dam", "dam AND", "NOT", '""', "\u0000dam", "{text}: dam", "dam -breach", "日本語"])
def test_search_any_text_is_safe(client, q):
    res = get(client, "/api/search", q=q)
    assert isinstance(res["total"], int)
    assert get(client, "/api/search", q=q, kind="quotes")["total"] >= 0


# -- bad requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path,params,status", [
    ("/api/articles", {"since": "2024-02-30"}, 422),
    ("/api/articles", {"until": "yesterday"}, 422),
    ("/api/articles", {"since": "2025-02-06", "until": "2025-02-01"}, 422),
    ("/api/articles", {"limit": 0}, 422),
    ("/api/articles", {"limit": 100000}, 422),
    ("/api/articles", {"offset": -1}, 422),
    ("/api/articles", {"limit": "ten"}, 422),
    ("/api/articles", {"offset": 10**30}, 422),
    ("/api/articles", {"story": "no-such-story"}, 404),
    ("/api/articles/0000000000000000", {}, 404),
    ("/api/actors/person:nobody-at-all", {}, 404),
    ("/api/actors", {"type": "ALIEN"}, 422),
    ("/api/series/killed|||1999-01-01", {}, 404),
    ("/api/quotes", {"actor": "person:nobody-at-all"}, 404),
    ("/api/search", {}, 422),
    ("/api/search", {"q": ""}, 422),
    ("/api/search", {"q": "x" * 501}, 422),
    ("/api/search", {"q": "dam", "kind": "tweets"}, 422),
    ("/api/search", {"q": "dam", "since": "2025-13-01"}, 422),
    ("/api/timeline", {"per_date": 0}, 422),
    ("/api/changes", {"since": "2025-02-29"}, 422),
    ("/api/speakers", {"story": "x" * 300}, 422),
    ("/api/nothing-here", {}, 404),
])
def test_bad_parameters_give_a_4xx_with_a_message(client, path, params, status):
    body = get(client, path, status=status, **params)
    assert isinstance(body["detail"], str) and body["detail"]


def test_unknown_story_says_which(client):
    assert "no-such-story" in get(client, "/api/timeline", status=404, story="no-such-story")["detail"]


# -- the page, static files, headers ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                  "/static//etc/passwd", "/static/..\\..\\etc\\passwd", "/static/%00",
                                  "/%2e%2e/%2e%2e/etc/passwd", "/static/../app.py", "/static/..%2fapp.py"])
def test_path_traversal_finds_nothing(client, path):
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert "root:" not in r.text and "create_app" not in r.text


def test_security_headers_on_every_response(client):
    for path in [*ENDPOINTS, "/", "/openapi.json", "/api/nothing", "/static/missing.js", "/api/articles?limit=0"]:
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_page_and_openapi_without_cdn(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    assert {"/api/articles", "/api/search", "/api/ingest", "/api/actors/{actor_id}"} <= set(schema["paths"])


def test_hostile_article_comes_back_as_inert_json_text(client):
    found = get(client, "/api/search", q="flood warning")["items"]
    [item] = [i for i in found if i["title"] and i["title"].startswith(HOSTILE_SCRIPT)]
    assert item["outlet"] == HOSTILE_IMG
    art = client.get(f"/api/articles/{item['article_id']}")
    assert art.headers["content-type"] == "application/json"
    body = art.json()
    assert body["title"] == HOSTILE["title"] and body["outlet"] == HOSTILE_IMG and body["url"] == HOSTILE_URL
    assert HOSTILE_SCRIPT in body["text"] and HOSTILE_IMG in body["text"] and HOSTILE_URL in body["text"]
    assert any(HOSTILE_IMG in q["text"] for q in body["quotes"])
    snippet = get(client, "/api/search", q="rain forecast weekend")["items"][0]["snippet"]
    assert HOSTILE_SCRIPT in "".join(seg["text"] for seg in snippet)  # text, never markup the server made


# -- ingest ----------------------------------------------------------------------------------------

NEW_ARTICLE = """---
title: "Kallsjo dam operator suspends chief executive"
date: 2025-02-07T10:00:00+01:00
outlet: "Valley Herald"
---

Ober Kraft suspended its chief executive, Nils Aronsson, on Friday pending the inquiry into the Kallsjo dam breach.

"The board has lost confidence in the management of the dam," chairwoman Eva Lund said.
"""


def test_ingest_is_forbidden_without_a_configured_token(client):
    r = client.post("/api/ingest", files={"files": ("a.md", NEW_ARTICLE.encode())})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


def test_ingest_needs_the_right_token(writable_db):
    with TestClient(create_app(str(writable_db), token="s3cret-token")) as c:
        files = {"files": ("a.md", NEW_ARTICLE.encode())}
        assert c.post("/api/ingest", files=files).status_code == 401
        assert c.post("/api/ingest", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/ingest", files=files, headers={"Authorization": "Basic s3cret-token"}).status_code == 401
        assert get(c, "/api/articles")["total"] == stored(writable_db, "SELECT count(*) FROM articles")[0][0]


def test_ingest_stores_uploads_and_the_api_sees_them(writable_db):
    auth = {"Authorization": "Bearer s3cret-token"}
    with TestClient(create_app(str(writable_db), token="s3cret-token")) as c:
        before = get(c, "/api/stats")
        assert get(c, "/api/search", q="Aronsson")["total"] == 0
        r = c.post("/api/ingest", headers=auth, files=[
            ("files", ("../../../etc/passwd.md", NEW_ARTICLE.encode())),
            ("files", ("empty.txt", b"")),
            ("files", ("old.md", ARTICLES["day1_herald.md"].encode())),
        ])
        assert r.status_code == 200, r.text
        result = r.json()
        assert result["added"] == 1 and result["unchanged"] == 1
        [failed] = result["failed"]
        assert failed["source"].startswith("upload:") and failed["source"].endswith("/empty.txt") and failed["error"]
        hit = get(c, "/api/search", q="Aronsson")["items"][0]
        art = get(c, f"/api/articles/{hit['article_id']}")
        assert art["source"].startswith("upload:") and art["source"].endswith("/passwd.md") and ".." not in art["source"]
        after = get(c, "/api/stats")
        assert after["articles"] == before["articles"] + 1
        assert any(s["speaker"] == "Eva Lund" for s in get(c, "/api/speakers")["items"])
        again = c.post("/api/ingest", headers=auth, json={"documents": [{"name": "x.md", "text": NEW_ARTICLE}]})
        assert again.json() == {"added": 0, "updated": 0, "unchanged": 1, "failed": []}


def test_ingest_rejects_malformed_bodies(writable_db):
    auth = {"Authorization": "Bearer t"}
    with TestClient(create_app(str(writable_db), token="t")) as c:
        assert c.post("/api/ingest", headers=auth, json={"docs": []}).status_code == 422
        assert c.post("/api/ingest", headers=auth, json={"documents": [{"name": "a", "text": 3}]}).status_code == 422
        assert c.post("/api/ingest", headers={**auth, "Content-Type": "text/plain"}, content=b"x").status_code == 415
        r = c.post("/api/ingest", headers=auth, files={"other": ("a.md", b"text")})
        assert r.status_code == 422 and "files" in r.json()["detail"]


def test_ingest_size_limits(writable_db, monkeypatch):
    import storyline.serve.app as app_module
    import storyline.serve.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "MAX_DOCUMENT_BYTES", 1000)
    auth = {"Authorization": "Bearer t0ken-t0ken"}
    with TestClient(create_app(str(writable_db), token="t0ken-t0ken")) as c:
        big = NEW_ARTICLE + "\n\nThe inquiry continues. " * 100
        result = c.post("/api/ingest", headers=auth, files={"files": ("big.md", big.encode())}).json()
        assert result["added"] == 0 and "too large" in result["failed"][0]["error"]
        monkeypatch.setattr(app_module, "MAX_REQUEST_BYTES", 500)
        r = c.post("/api/ingest", headers=auth, files={"files": ("big.md", big.encode())})
        assert r.status_code == 413 and "too large" in r.json()["detail"]


# -- concurrency -----------------------------------------------------------------------------------


def test_reads_continue_while_another_connection_writes(writable_db):
    with TestClient(create_app(str(writable_db))) as c:
        before = get(c, "/api/articles")["total"]
        writer = sqlite3.connect(writable_db, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO articles(id, source, fingerprint, text_hash, text, published) "
                       "VALUES ('feedfeedfeedfeed', 'w.txt', 'f', 'h', 'Divers found the missing dam keeper alive.', "
                       "'2025-02-08')")
        try:  # the write lock is held: every read still answers, from the last committed state
            results = []

            def read_all() -> None:
                results.extend(c.get(p).status_code for p in ENDPOINTS)

            threads = [threading.Thread(target=read_all) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert results == [200] * len(ENDPOINTS) * 3
            assert get(c, "/api/articles")["total"] == before
            assert get(c, "/api/search", q="keeper")["total"] == 0
        finally:
            writer.execute("COMMIT")
            writer.close()
        assert get(c, "/api/articles")["total"] == before + 1
        assert get(c, "/api/search", q="keeper")["total"] == 1
        assert get(c, "/api/stats")["articles"] == before + 1  # cached counts follow the new data version


# -- fuzz ------------------------------------------------------------------------------------------


def test_no_request_from_the_schema_gives_a_500(story_db):
    """Bounded property-based fuzz (schemathesis) of every GET operation in /openapi.json."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_app(str(story_db))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    statuses: list[int] = []
    for op in schema.get_all_operations():
        operation = op.ok()
        if operation.method.upper() != "GET":
            continue

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call()
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.path, case.query, response.status_code, response.text[:200]))

        check()
    assert not failures, failures[:5]
    assert len(statuses) >= 100 and 200 in statuses and any(400 <= s < 500 for s in statuses)


# -- the commands ----------------------------------------------------------------------------------


def test_serve_command_checks_its_options(tmp_path, story_db):
    from click.testing import CliRunner

    from storyline.cli import main

    missing = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no database" in missing.output
    short = CliRunner().invoke(main, ["serve", "--db", str(story_db), "--token", "abc"])
    assert short.exit_code == 2 and "at least 8 characters" in short.output


def test_bench_search_prints_figures(story_db):
    import json

    from click.testing import CliRunner

    from storyline.cli import main

    result = CliRunner().invoke(main, ["bench", "search", "--db", str(story_db), "--queries", "12", "--loads", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["store"]["articles"] == stored(story_db, "SELECT count(*) FROM articles")[0][0]
    assert figures["search"]["n"] == figures["store"]["queries"] > 0 and figures["search_http"]["errors"] == 0
    assert figures["page"]["requests"] >= 8 and figures["page"]["loads"] == 2 and figures["page"]["p50_ms"] > 0
