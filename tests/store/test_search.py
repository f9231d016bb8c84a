"""Full-text search (storyline.store.search): safe queries, filters, totals and order, hit spans and snippets."""
import pytest

from storyline.model import Article, Entity, Extraction, Figure, Quote, Span
from storyline.store import Store
from storyline.store import search as search_mod
from storyline.store.search import MARK_OPEN, Filters, Page, fts_query, make_segments, search

TEXTS = {
    "a1": ("2024-03-01", "Harbour Times", 'Dock workers walked out on Friday. "We are not going back," said Ana Ruiz.'),
    "a2": ("2024-03-05", "Coast Daily", "The port reopened after the dock strike ended, officials said."),
    "a3": ("2024-04-10", "Coast Daily", "Floods closed the coastal road; 40 people were evacuated."),
}


def store():
    s = Store(":memory:")
    for aid, (pub, outlet, text) in TEXTS.items():
        quotes = ()
        if '"' in text:
            q0 = text.index('"') + 1
            q1 = text.index('"', q0)
            quotes = (Quote(Span(q0, q1), text[q0:q1], "Ana Ruiz"),)
        figures = ()
        if "40 people" in text:
            i = text.index("40 people")
            figures = (Figure(Span(i, i + 9), "40 people", 40.0, "displaced"),)
        s.save(Extraction(Article(aid, f"{aid}.txt", text, published=pub, outlet=outlet), quotes=quotes, figures=figures))
    return s


def test_article_search_ranks_and_highlights():
    hits = store().search("dock")
    assert {h.article_id for h in hits} == {"a1", "a2"}
    assert all(MARK_OPEN in h.snippet for h in hits)
    h = next(h for h in hits if h.article_id == "a2")
    assert TEXTS["a2"][2][h.start:h.end] == "dock"


def test_filters():
    s = store()
    assert [h.article_id for h in s.search("dock", filters=Filters(since="2024-03-02"))] == ["a2"]
    assert [h.article_id for h in s.search("dock", filters=Filters(outlet="harbour times"))] == ["a1"]
    assert [h.article_id for h in s.search("evacuated", filters=Filters(category="displaced"))] == ["a3"]
    assert s.search("evacuated", filters=Filters(category="killed")) == []


def test_quote_search_links_to_the_quote_span():
    [h] = store().search("going", kind="quotes", filters=Filters(speaker="ruiz"))
    assert TEXTS["a1"][2][h.start:h.end] == "We are not going back,"
    assert h.speaker == "Ana Ruiz"


def test_hostile_queries_are_safe():
    s = store()
    for q in ['a"b OR (', "NEAR(", "*", "dock' OR 1=1 --", "title:dock", ""]:
        s.search(q)  # never an FTS syntax error
    assert fts_query('dock OR port*') == '"dock" OR "port"*'


def test_updates_keep_the_index_in_step():
    s = store()
    s.save(Extraction(Article("a2", "a2.txt", "Nothing about harbours any more.", published="2024-03-05")))
    assert [h.article_id for h in s.search("dock")] == ["a1"]


# -- pages, order, filters applied either way ------------------------------------------------------

HARBOUR = [  # (id, published, outlet, text): a port strike reported over a week
    ("h1", "2024-05-01", "Harbour Times", 'Dock workers at the port of Maren walked out on Monday. "We will stay out until the '
                                          'contract is signed," said union leader Ana Ruiz.'),
    ("h2", "2024-05-02", "Coast Daily", "The dock strike in Maren entered its second day; 3 ships were diverted to Velde."),
    ("h3", "2024-05-03", "Harbour Times", "Talks between the port authority and dock workers collapsed late on Wednesday."),
    ("h4", "2024-05-05", "Coast Daily", 'Port director Jonas Meyer said the strike cost the port 2 million euros a day. '
                                        '"Every day of this dock strike hurts the whole region," Meyer said.'),
    ("h5", "2024-05-07", "Velde Post", "Dock workers returned to the port on Tuesday after a deal on pay."),
    ("h6", None, "Velde Post", "An undated note on dock safety at the port of Velde."),
]


def harbour_store() -> Store:
    s = Store(":memory:")
    for aid, pub, outlet, text in HARBOUR:
        quotes = []
        for speaker in ("Ana Ruiz", "Meyer"):
            if speaker in text and '"' in text:
                q0 = text.index('"') + 1
                q1 = text.index('"', q0)
                quotes.append(Quote(Span(q0, q1), text[q0:q1], "Jonas Meyer" if speaker == "Meyer" else speaker))
                break
        s.save(Extraction(Article(aid, f"{aid}.txt", text, published=pub, outlet=outlet), quotes=tuple(quotes)))
    s.conn.executemany("INSERT INTO story_of(article_id, story_id) VALUES (?, ?)",
                       [(aid, "strike") for aid, *_ in HARBOUR[:5]])
    return s


def ids(page: Page) -> list[str]:
    return [h.article_id for h in page.hits]


def test_pages_have_totals_and_reach_every_match():
    s = harbour_store()
    first = search(s.conn, "dock", limit=2)
    assert first.total == 6 and first.order == "relevance" and len(first.hits) == 2
    seen = [h.article_id for off in range(0, 6, 2) for h in search(s.conn, "dock", limit=2, offset=off).hits]
    assert sorted(seen) == ["h1", "h2", "h3", "h4", "h5", "h6"]
    assert search(s.conn, "dock", offset=6).hits == ()


def test_many_matches_are_listed_newest_first(monkeypatch):
    monkeypatch.setattr(search_mod, "RANK_MAX", 1)
    s = harbour_store()
    page = search(s.conn, "dock", limit=10)
    assert page.order == "recent" and page.total == 6
    assert ids(page) == ["h5", "h4", "h3", "h2", "h1", "h6"]  # undated last
    quotes = search(s.conn, "day OR signed", kind="quotes")
    assert quotes.order == "recent" and [h.speaker for h in quotes.hits] == ["Jonas Meyer", "Ana Ruiz"]


def test_phrase_prefix_and_or():
    s = harbour_store()
    assert ids(search(s.conn, '"dock workers"')) and set(ids(search(s.conn, '"dock workers"'))) == {"h1", "h3", "h5"}
    assert search(s.conn, '"workers dock"').total == 0
    assert set(ids(search(s.conn, "divert*"))) == {"h2"}
    assert set(ids(search(s.conn, "Velde OR euros"))) == {"h2", "h4", "h6"}


@pytest.mark.parametrize("plan", ["check", "sets", "expand"])
def test_filters_give_the_same_answer_every_way(monkeypatch, plan):
    """Filters are checked per match or intersected as sets (a cost estimate picks); all ways agree."""
    monkeypatch.setattr(search_mod, "_plan", lambda conn, kind, *a: "sets" if plan == "expand" and kind == "articles" else plan)
    s = harbour_store()
    assert set(ids(search(s.conn, "dock", filters=Filters(since="2024-05-02", until="2024-05-05")))) == {"h2", "h3", "h4"}
    assert set(ids(search(s.conn, "dock", filters=Filters(outlet="coast daily")))) == {"h2", "h4"}
    assert set(ids(search(s.conn, "dock", filters=Filters(story="strike")))) == {"h1", "h2", "h3", "h4", "h5"}
    assert search(s.conn, "dock", filters=Filters(story="strike", until="2024-05-01")).total == 1
    assert set(ids(search(s.conn, "strike", kind="quotes", filters=Filters(outlet="Coast Daily")))) == {"h4"}
    assert search(s.conn, "strike", kind="quotes", filters=Filters(since="2024-05-06")).total == 0
    assert s.conn.execute("SELECT count(*) FROM temp.sqlite_master WHERE name = 'storyline_hits'").fetchone()[0] == 0


def test_entity_filter_takes_a_name_or_an_actors_names():
    s = Store(":memory:")
    text = "Jonas Meyer, the port director, met union leaders."
    ent = Entity("Jonas Meyer", "PERSON", (Span(0, 11),))
    s.save(Extraction(Article("e1", "e1.txt", text, published="2024-05-01"), entities=(ent,)))
    s.save(Extraction(Article("e2", "e2.txt", "Union leaders met again.", published="2024-05-02")))
    assert ids(search(s.conn, "union", filters=Filters(entity="jonas meyer"))) == ["e1"]
    assert ids(search(s.conn, "union", filters=Filters(entity=("J. Meyer", "Jonas Meyer")))) == ["e1"]
    assert search(s.conn, "union", filters=Filters(entity="Anna Berg")).total == 0


def test_quote_speaker_filter_matches_words_of_the_name():
    s = harbour_store()
    assert ids(search(s.conn, "strike", kind="quotes", filters=Filters(speaker="meyer"))) == ["h4"]
    assert search(s.conn, "strike", kind="quotes", filters=Filters(speaker="ruiz")).total == 0
    assert search(s.conn, "strike", kind="quotes", filters=Filters(speaker='") OR ("')).total == 0


def test_snippets_are_segments_around_the_rarest_term():
    s = harbour_store()
    [hit] = search(s.conn, "strike region").hits
    text = HARBOUR[3][3]
    assert text[hit.start:hit.end] == "region"  # "strike" occurs twice, "region" once: the telling place
    shown = "".join(t for t, _ in hit.segments)
    assert shown.startswith("…") and text.endswith(shown[1:])  # starts a little before the anchor
    assert 0 < hit.start - text.index(shown[1:]) <= search_mod.SNIPPET_LEAD
    assert sorted(t for t, is_hit in hit.segments if is_hit) == ["region", "strike"]  # the hits in the window
    assert sorted(text[a:b] for a, b in hit.hits) == ["region", "strike"]


def test_segments_of_a_long_text_are_a_window():
    text = ("Filler words about the weather. " * 40) + "The strike ended at dawn. " + ("More filler text here. " * 40)
    start = text.index("strike")
    segments, shown = make_segments(text, [(start, start + 6)])
    joined = "".join(t for t, _ in segments)
    assert joined.startswith("…") and joined.endswith("…") and len(joined) < 300
    assert [t for t, h in segments if h] == ["strike"] and shown == ((start, start + 6),)


def test_hits_fold_case_and_diacritics_like_the_index():
    s = Store(":memory:")
    text = "Le ministre Gaddāfi a parlé. GADDAFI répond; gaddafis est un autre mot."
    s.save(Extraction(Article("d1", "d1.txt", text, published="2024-01-01")))
    [hit] = search(s.conn, "gaddafi").hits
    assert [text[a:b] for a, b in hit.hits] == ["Gaddāfi", "GADDAFI"]
