from storyline.model import Article, Extraction, Figure, Quote, Span
from storyline.store import Store
from storyline.store.search import MARK_OPEN, Filters, fts_query

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
