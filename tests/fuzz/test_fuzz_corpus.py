"""Replays the kept corpus of past failures (``corpus/``): each file once crashed or stalled a reader,
the cleaner or an extractor. ``corpus/index.json`` says, per file, what was found, what the target
must now return (or which StorylineError it must raise) and, for a failure not yet fixed, which module
owns it (the case is then an ``xfail``). Each file runs in a forked child under its CPU budget.

To add a failure: save the (shrunk) input as ``corpus/TARGET--NAME.EXT`` and give it an entry. A
large input (a slow case must be long enough to exceed its budget) may be kept compressed as
``TARGET--NAME.EXT.gz``; the target gets the decompressed bytes and ``EXT``.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from fuzz_support import TARGETS, budget_for, describe, fork_available, hard_limit, run_bounded

CORPUS = Path(__file__).parent / "corpus"
INDEX = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))["files"]
FILES = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "index.json")


def _params():
    for name in FILES:
        entry = INDEX.get(name, {})
        marks = []
        if entry.get("open"):
            marks.append(pytest.mark.xfail(reason=f"open in {entry['open']}: {entry['found']}", strict=False))
        yield pytest.param(name, id=name, marks=marks)


def test_every_corpus_file_is_indexed():
    assert sorted(INDEX) == FILES, "corpus/index.json and the files in corpus/ disagree"
    for name in FILES:
        target = name.split("--", 1)[0]
        assert target in TARGETS, f"{name}: unknown target {target!r}"


@pytest.mark.skipif(not fork_available(), reason="needs fork() for bounded runs")
@pytest.mark.parametrize("name", list(_params()))
def test_corpus_case(name):
    path = CORPUS / name
    target = name.split("--", 1)[0]
    data = path.read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
        path = path.with_suffix("")
    suffix = "".join(path.suffixes[-1:])
    budget = budget_for(len(data))
    out = run_bounded(TARGETS[target], data, suffix, limit=hard_limit(budget, bool(INDEX[name].get("open"))))
    expect = INDEX[name].get("expect", {})
    if "error" in expect:
        assert out.status == "storyline-error" and out.error.startswith(expect["error"] + ":"), describe(out)
    else:
        assert out.status == "ok", describe(out)
        got = {k: out.value.get(k) for k in expect}
        assert got == expect
    assert out.cpu <= budget, f"{out.cpu:.2f} s of CPU for {len(data)} bytes (budget {budget:.1f} s)"
