import dataclasses

from storyline.model import Article, DateMention, Entity, Extraction, Figure, Quote, Span
from storyline.store import ADDED, UNCHANGED, UPDATED, Store

TEXT = 'The mayor said on Monday that "the bridge is safe". At least 12 people were hurt.'


def extraction(text=TEXT, source="a.txt", aid="a1"):
    art = Article(id=aid, source=source, text=text, title="Bridge", published="2024-05-06")
    q0 = text.index("the bridge")
    return Extraction(
        article=art,
        quotes=(Quote(Span(q0, q0 + 18), "the bridge is safe", "Jane Roe", speaker_span=Span(4, 9), cue="said"),),
        figures=(Figure(Span(text.index("At least"), text.index(" were")), "At least 12 people", 12.0, "injured",
                        qualifier="at least"),),
        dates=(DateMention(Span(text.index("Monday"), text.index("Monday") + 6), "Monday", "2024-05-06"),),
        entities=(Entity("Jane Roe", "PERSON", (Span(4, 9),), roles=("mayor",)),),
    )


def test_round_trip():
    s = Store(":memory:")
    x = extraction()
    assert s.save(x) == ADDED
    back = s.extraction("a1")
    assert back == x


def test_idempotent_and_updates():
    s = Store(":memory:")
    assert s.save(extraction()) == ADDED
    assert s.save(extraction()) == UNCHANGED
    assert s.counts()["quotes"] == 1
    changed = extraction(text=TEXT.replace("12", "14"))
    changed = dataclasses.replace(changed, figures=())
    assert s.save(changed) == UPDATED
    assert s.counts() == {"articles": 1, "sources": 1, "quotes": 1, "figures": 0, "dates": 1, "entities": 1,
                          "points": 0, "events": 0, "stories": 0}
    assert "14" in s.article("a1").text


def test_same_text_from_another_source_is_stored_once():
    s = Store(":memory:")
    assert s.save(extraction()) == ADDED
    assert s.save(extraction(source="copy/a.txt", aid="a2")) == UNCHANGED
    assert s.counts()["articles"] == 1 and s.counts()["sources"] == 2
    assert s.save(extraction(source="copy/a.txt", aid="a2")) == UNCHANGED


def test_new_extractor_version_reextracts(tmp_path):
    db = tmp_path / "s.db"
    with Store(db, extractor_version="1") as s:
        assert s.save(extraction()) == ADDED
    with Store(db, extractor_version="2") as s:
        assert s.save(extraction()) == UPDATED
        assert s.counts()["articles"] == 1
