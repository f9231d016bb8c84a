"""The per-document time budget: a cooperative deadline checked by the extraction loops."""
from __future__ import annotations

import threading
import time

import pytest

from storyline import budget
from storyline.errors import DocumentTimeout, ExtractError, StorylineError
from storyline.model import RawDocument
from storyline.pipeline import problem, process

PARAGRAPH = ("Rescue teams pulled 14 people from the rubble of a collapsed apartment block in Antakya on "
             "Monday, the disaster agency said. \"We are still hearing voices,\" said Selin Kaya, a volunteer "
             "from Adana, adding that at least 1,200 buildings had been destroyed in the province since "
             "Thursday.")


def _long_article(paragraphs: int = 400) -> RawDocument:
    return RawDocument(source="live-blog.txt", kind="text", body="\n\n".join([PARAGRAPH] * paragraphs))


def _spend(seconds: float) -> None:
    """Burns this thread's CPU, checking the budget as the extraction loops do."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        budget.check()


def test_check_does_nothing_outside_a_budget():
    _spend(0.01)


def test_a_spent_budget_raises_a_timeout_with_its_own_kind():
    with pytest.raises(DocumentTimeout) as caught:
        with budget.deadline(0.005):
            _spend(1.0)
    err = caught.value
    assert isinstance(err, ExtractError) and isinstance(err, StorylineError)
    assert (err.stage, err.kind, str(err)) == ("extract", "timeout", "took longer than 0.005 s; skipped")


def test_the_budget_ends_with_its_block():
    with budget.deadline(0.005):
        pass
    _spend(0.02)  # no deadline left behind


def test_an_inner_budget_cannot_extend_the_outer_one():
    with pytest.raises(DocumentTimeout, match="0.005 s"):
        with budget.deadline(0.005):
            with budget.deadline(60):
                _spend(1.0)


def test_an_inner_budget_applies_inside_and_the_outer_one_comes_back():
    with budget.deadline(60):
        with pytest.raises(DocumentTimeout, match="0.005 s"):
            with budget.deadline(0.005):
                _spend(1.0)
        _spend(0.02)  # the outer minute is back


def test_none_adds_no_limit_but_keeps_an_enclosing_one():
    with budget.deadline(None):
        _spend(0.02)
    with pytest.raises(DocumentTimeout):
        with budget.deadline(0.005):
            with budget.deadline(None):
                _spend(1.0)


def test_a_budget_must_be_positive():
    with pytest.raises(ValueError):
        with budget.deadline(0):
            pass


def test_each_thread_has_its_own_budget():
    """Dask runs tasks in threads: one document's deadline must not stop another's work."""
    outcome: dict[str, str] = {}

    def tight() -> None:
        try:
            with budget.deadline(0.005):
                _spend(1.0)
            outcome["tight"] = "finished"
        except DocumentTimeout:
            outcome["tight"] = "timeout"

    def free() -> None:
        _spend(0.05)
        outcome["free"] = "finished"

    threads = [threading.Thread(target=tight), threading.Thread(target=free)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == {"tight": "timeout", "free": "finished"}


def test_process_skips_a_document_over_its_budget():
    with pytest.raises(DocumentTimeout) as caught:
        process(_long_article(), time_budget=0.001)
    p = problem("live-blog.txt", caught.value)
    assert (p.source, p.stage, p.kind, p.message) == ("live-blog.txt", "extract", "timeout",
                                                     "took longer than 0.001 s; skipped")


def test_process_within_budget_gives_the_same_extraction_as_without_one():
    raw = _long_article(20)
    limited = process(raw)  # the default budget
    assert limited == process(raw, time_budget=None)
    assert len(limited.quotes) == 20 and {q.speaker for q in limited.quotes} == {"Selin Kaya"}
