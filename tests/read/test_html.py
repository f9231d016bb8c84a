"""The HTML reader on hand-written pages: article body, metadata, non-articles, broken markup."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from storyline.errors import NoArticle
from storyline.evaluate.html_bench import decode_page, evaluate
from storyline.read.html import _clean_author, read_html

FIXTURES = Path(__file__).parent.parent / "fixtures" / "html"
BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "article-extraction"

PARAGRAPH = (
    "<p>The harbour authority said on Tuesday that the new breakwater would be finished by the "
    "spring, two years later than first planned, after storms damaged the partly built wall twice "
    "last winter.</p>"
)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def page(body: str, head: str = "<title>Harbour works delayed again</title>") -> str:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def flood():
    return read_html(fixture("river_flood.html"), source="river_flood.html")


def test_news_page_body_keeps_the_article_paragraphs(flood):
    paragraphs = flood.body.split("\n\n")
    assert flood.kind == "html"
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("More than 400 people were evacuated from their homes overnight")
    assert paragraphs[2] == (
        '"The water came up faster than anyone expected," said Margaret Ellison, 71, who was rescued '
        'from her cottage on Mill Lane at about 2am. "By the time we realised, it was already over '
        'the doorstep."'
    )
    assert paragraphs[-1].endswith("levels could rise again later in the week.")


@pytest.mark.parametrize(
    "boilerplate",
    [
        "We use cookies",  # cookie banner
        "Accept all cookies",
        "Subscribe",  # navigation
        "Sign up for our free daily newsletter",  # newsletter box
        "Get the morning briefing",
        "Council approves £12m",  # related stories
        "Related stories",
        "All rights reserved",  # footer
        "Terms and conditions",
        "Floodwater forces hundreds",  # the headline is the title, not body
    ],
)
def test_news_page_body_drops_boilerplate(flood, boilerplate):
    assert boilerplate not in flood.body


def test_news_page_metadata(flood):
    assert flood.title == "Floodwater forces hundreds from homes as River Avon bursts its banks"
    assert flood.published == "2024-02-12"
    assert flood.author == "Helen Marsh"
    assert flood.outlet == "The Wessex Courier"
    assert flood.url == "https://www.wessexcourier.example/news/2024/02/11/avon-flood-evacuation"
    assert flood.metadata["language"] == "en"
    assert flood.metadata["tags"] == ["Flooding", "Weather"]
    assert flood.metadata["categories"] == ["Environment"]
    assert flood.metadata["description"].startswith("Emergency crews evacuated more than 400 residents")


def test_given_url_wins_over_canonical():
    doc = read_html(fixture("river_flood.html"), source="s", url="https://mirror.example/flood")
    assert doc.url == "https://mirror.example/flood"


@pytest.mark.parametrize("name", ["login.html", "section_index.html"])
def test_pages_without_an_article_raise_no_article(name):
    with pytest.raises(NoArticle, match="no article text found"):
        read_html(fixture(name), source=name)


@pytest.mark.parametrize("html", ["", "   \n", "<html><body></body></html>", "<p>Too short.</p>"])
def test_empty_pages_raise_no_article(html):
    with pytest.raises(NoArticle):
        read_html(html, source="empty")


def test_broken_unclosed_html_still_yields_the_text():
    html = (
        "<html><head><title>Ferry strike ends | Harbour Times</title><body><div class=content>"
        "<h1>Ferry strike ends"
        "<p>Ferry workers voted on Thursday to accept a new pay offer, ending a strike that had "
        "halted crossings to the islands for nine days."
        "<p>The union said 84% of members backed the deal, which raises pay by 6% this year and a "
        "further 4% next year."
        "<p>Islanders said the stoppage had left shops short of fresh food and forced some "
        "patients to postpone hospital appointments on the mainland."
    )
    doc = read_html(html, source="broken", url="https://harbourtimes.example/news/ferry-strike-ends")
    paragraphs = doc.body.split("\n\n")
    assert paragraphs[0].startswith("Ferry workers voted on Thursday")
    assert "The union said 84% of members backed the deal" in doc.body
    assert doc.body.endswith("appointments on the mainland.")
    assert doc.title == "Ferry strike ends"  # the site name after the bar is removed
    assert doc.outlet == "harbourtimes.example"  # no site-name markup: the domain


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_deeply_nested_html_does_not_crash_and_keeps_the_text(depth):
    html = page("<div>" * depth + PARAGRAPH * 3 + "</div>" * depth)
    doc = read_html(html, source=f"deep{depth}")
    assert doc.body.count("The harbour authority said on Tuesday") == 3


def test_date_only_in_the_url_is_not_taken_as_published():
    html = page(PARAGRAPH * 3)
    doc = read_html(html, source="s", url="https://harbour.example/2023/05/04/breakwater-delayed")
    assert doc.published is None


def test_published_comes_from_json_ld():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-09-14T08:00:00Z"}</script>'
    doc = read_html(page(PARAGRAPH * 3, head=f"<title>Harbour</title>{ld}"), source="s")
    assert doc.published == "2022-09-14"


def test_author_with_a_glued_published_label_is_cleaned():
    head = "<title>Harbour</title><meta name='author' content='Sam Price Published 3:14 PM EST'>"
    doc = read_html(page(PARAGRAPH * 3, head=head), source="s")
    assert doc.author == "Sam Price"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Jane Doe Published", "Jane Doe"),
        ("By Jane Doe | Updated 10:02 AM", "Jane Doe"),
        ("Tom Krisher; Ap Auto Writer", "Tom Krisher"),
        ("Paul Takahashi; Staff writer", "Paul Takahashi"),
        ("Phil Helsel is a reporter for NBC News", "Phil Helsel"),
        ("Jeff Foust Monday; November", "Jeff Foust"),
        ("Analysis by Chris Cillizza; CNN Editor-at-large", "Chris Cillizza"),
        ("Ilana Muhlstein; MS; RDN", "Ilana Muhlstein"),
        ("April Ryan", "April Ryan"),  # a month-name first name stays
        ("Associated Press", "Associated Press"),
        (None, None),
    ],
)
def test_clean_author(raw, expected):
    assert _clean_author(raw) == expected


def test_site_name_coauthor_is_dropped_when_a_person_is_named():
    assert _clean_author("Jill Disis; CNN Business", outlet="CNN", url="https://www.cnn.com/x") == "Jill Disis"


def test_link_teasers_inside_the_body_are_dropped_but_linked_prose_is_kept():
    body = (
        "<article>"
        + PARAGRAPH
        + "<p>Read more: <a href='/a'>Sea wall repairs to cost twice the original estimate</a></p>"
        + "<p>The contractor blamed a shortage of granite and <a href='/b'>rising fuel prices</a> for "
        "the delay, and said crews would work through the summer to make up for lost time.</p>"
        + "<ul><li><a href='/c'>Fishermen fear another lost season as harbour works drag on</a></li>"
        "<li><a href='/d'>Coastguard station to close after nearly a century of service</a></li></ul>"
        + "<p>The authority will publish a revised timetable next month.</p>"
        "</article>"
    )
    doc = read_html(page(body), source="s")
    assert "Sea wall repairs" not in doc.body
    assert "Fishermen fear" not in doc.body
    assert "Coastguard station" not in doc.body
    assert "rising fuel prices for the delay" in doc.body
    assert doc.body.endswith("The authority will publish a revised timetable next month.")


def test_japanese_article_counts_as_an_article():
    text = "".join(
        f"<p>{s}</p>"
        for s in (
            "港湾局は火曜日、新しい防波堤の完成が当初の計画より二年遅れ、来年の春になると発表した。",
            "昨年の冬、建設中の壁が嵐で二度にわたって損傷したことが遅れの原因だという。",
            "地元の漁業関係者は、工事の長期化で漁期への影響が続くことに懸念を示している。",
            "港湾局によると、総事業費は当初見込みの約一・五倍に膨らむ見通しで、市議会は来月、追加予算を審議する。",
            "施工業者は、石材の不足と燃料価格の上昇が遅れに拍車をかけたと説明し、夏の間も作業を続けるとしている。",
        )
    )
    doc = read_html(page(text, head="<title>防波堤の完成、二年遅れ</title>"), source="ja")
    assert doc.body.startswith("港湾局は火曜日")


def test_decode_page_uses_the_declared_charset():
    raw = "<html><head><meta charset='iso-8859-1'></head><body>Café crème</body></html>".encode("latin-1")
    assert "Café crème" in decode_page(raw)
    assert "Café" in decode_page("<html><body>Café</body></html>".encode("utf-8"))
    assert decode_page(b"<meta charset='no-such-codec'>caf\xe9").endswith("caf\ufffd")


@pytest.mark.skipif(not (BENCH / "evaluate.py").exists(), reason="needs ../shared/bench/article-extraction")
def test_bench_scores_predictions_with_the_benchmarks_own_scorer(tmp_path):
    html = fixture("river_flood.html")
    truth_body = read_html(html, source="x").body
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "p1.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
    (tmp_path / "ground-truth.json").write_text(
        json.dumps({"p1": {"articleBody": truth_body, "url": "https://www.wessexcourier.example/x"}})
    )
    shutil.copy(BENCH / "evaluate.py", tmp_path / "evaluate.py")
    result = evaluate(tmp_path, n_bootstrap=5)
    assert result["pages"] == 1
    assert result["f1"] == pytest.approx(1.0)
    assert result["ms_per_page"] > 0
