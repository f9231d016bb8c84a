"""Readers facing hostile input: names and escapes that are not text, oversized lines and pages,
and the justext fallback of the HTML reader, which must stay linear."""
from __future__ import annotations

import gzip
import json
import os
import random
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import DocumentTooLarge
from storyline.read import read_paths, read_string
from storyline.read.html import MAX_ELEMENTS
from storyline.read.sources import MAX_DOCUMENT_BYTES, display_name
from storyline.serialize import extraction_dict
from storyline.pipeline import process

STORY = ("Police said 3 people died on Monday when a bus overturned near Aleppo, according to the "
         "provincial health directorate.")


def _docs(paths, **kw):
    return list(read_paths([str(p) for p in paths], **kw))


def _printable(value) -> None:
    """What the CLI writes: strict JSON, encodable as UTF-8."""
    json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")


def test_a_file_name_that_is_not_utf8_is_shown_with_escapes(tmp_path):
    try:
        path = os.path.join(os.fsencode(tmp_path), b"caf\xe9 report.txt")
        with open(path, "wb") as f:
            f.write(STORY.encode())
    except OSError:
        pytest.skip("this file system refuses non-UTF-8 names")
    [doc] = _docs([tmp_path])
    assert doc.source.endswith("caf\\xe9 report.txt")
    _printable(extraction_dict(process(doc)))


def test_display_name_leaves_real_text_alone():
    assert display_name("Zürich/Ölpreis.txt") == "Zürich/Ölpreis.txt"
    assert display_name(os.fsdecode(b"x\xff.txt")) == "x\\xff.txt"


def test_json_escapes_of_lone_surrogates_become_replacement_characters(tmp_path):
    path = tmp_path / "feed.jsonl"
    record = {"text": STORY + " \\udcff", "title": "Bus crash \\ud800", "tags": ["a\\udfffb"]}
    path.write_text(json.dumps(record).replace("\\\\u", "\\u") + "\n", encoding="utf-8")
    [doc] = _docs([path])
    assert doc.body.endswith("\ufffd") and doc.title == "Bus crash \ufffd"
    assert doc.metadata["tags"] == ["a\ufffdb"]
    _printable(extraction_dict(process(doc)))


def test_yaml_escapes_of_lone_surrogates_become_replacement_characters():
    doc = read_string('---\ntitle: "Bus crash \\udcff"\nauthor: "\\ud800 Staff"\n---\n' + STORY, "crash.md")
    assert (doc.title, doc.author) == ("Bus crash \ufffd", "\ufffd Staff")
    _printable(extraction_dict(process(doc)))


def test_a_compressed_file_too_large_once_decompressed_is_refused(tmp_path):
    path = tmp_path / "one-line.txt.gz"
    line = b"word " * (1 << 18)  # 1.25 MB, written until past the limit: one line, no break
    with gzip.open(path, "wb", compresslevel=1) as f:
        for _ in range(MAX_DOCUMENT_BYTES // len(line) + 2):
            f.write(line)
    [(src, err)] = _docs([path])
    assert src.endswith("one-line.txt.gz") and isinstance(err, DocumentTooLarge)


def test_a_json_lines_record_longer_than_the_limit_is_skipped_and_the_next_one_read(tmp_path):
    path = tmp_path / "feed.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"text": "word " * 400_000}) + "\n")  # 2 MB on one line
        f.write(json.dumps({"text": STORY, "title": "Bus crash"}) + "\n")
    first, second = _docs([path], max_bytes=1 << 20)
    assert first[0].endswith("feed.jsonl:1") and isinstance(first[1], DocumentTooLarge)
    assert second.title == "Bus crash"


def test_a_page_with_too_many_elements_is_refused():
    page = "<html><body><p>" + STORY + "</p>" + "<br>" * (MAX_ELEMENTS + 10) + "</body></html>"
    with pytest.raises(DocumentTooLarge, match="HTML elements"):
        read_string(page, "huge.html", suffix=".html")


def test_a_page_of_many_short_blocks_keeps_its_article():
    """A run of short blocks sends trafilatura to its justext fallback (quadratic in justext itself)."""
    notes = "".join(f"<div><p>Update {i}: roads closed.</p></div>" for i in range(2000))
    page = f"<html><body><article><h1>Storm live</h1><p>{STORY}</p>{notes}</article></body></html>"
    doc = read_string(page, "live.html", suffix=".html")
    assert STORY in doc.body and "Update 1999: roads closed." in doc.body


# --- justext in linear time ---------------------------------------------------------------------


class _Paragraph:
    """The attributes of a justext paragraph that the classification reads and writes."""

    def __init__(self, cf_class: str, heading: bool, length: int) -> None:
        self.cf_class, self.heading, self.text = cf_class, heading, "x" * length
        self.class_type = ""


_PARAGRAPHS = st.lists(st.tuples(st.sampled_from(["good", "bad", "short", "neargood"]), st.booleans(),
                                 st.sampled_from([1, 20, 60, 150, 400])), max_size=40)


@settings(max_examples=300, deadline=None, database=None)
@given(_PARAGRAPHS, st.sampled_from([0, 150, 200]))
def test_linear_revision_classifies_as_justext_does(spec, distance):
    from justext.core import revise_paragraph_classification as original

    from storyline.read.justext_linear import revise_paragraph_classification as linear

    theirs = [_Paragraph(*p) for p in spec]
    ours = [_Paragraph(*p) for p in spec]
    original(theirs, distance)
    linear(ours, distance)
    assert [p.class_type for p in ours] == [p.class_type for p in theirs]


def test_linear_revision_on_long_runs_of_short_paragraphs():
    from justext.core import revise_paragraph_classification as original

    from storyline.read.justext_linear import revise_paragraph_classification as linear

    rng = random.Random(7)
    spec = [(rng.choice(["short"] * 6 + ["neargood"] * 2 + ["good", "bad"]), rng.random() < 0.05,
             rng.choice([5, 30, 120])) for _ in range(3000)]
    theirs = [_Paragraph(*p) for p in spec]
    ours = [_Paragraph(*p) for p in spec]
    original(theirs, 200)
    linear(ours, 200)
    assert [p.class_type for p in ours] == [p.class_type for p in theirs]


def test_the_html_reader_installs_the_linear_revision():
    from trafilatura import external

    from storyline.read.justext_linear import revise_paragraph_classification

    paras = "".join(f"<p>{STORY} Officials gave update number {i} at noon.</p>" for i in range(4))
    doc = read_string(f"<html><body><article><h1>Bus crash</h1>{paras}</article></body></html>", "x.html",
                      suffix=".html")
    assert STORY in doc.body
    assert external.revise_paragraph_classification is revise_paragraph_classification


def test_zlib_is_not_fooled_by_a_bomb(tmp_path):
    """A small .gz that expands a thousandfold stops at the limit, not in memory."""
    path = tmp_path / "bomb.txt.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(64):
            f.write(comp.compress(chunk))
        f.write(comp.flush())
    assert path.stat().st_size < 200_000
    [(src, err)] = _docs([path], max_bytes=8 << 20)
    assert isinstance(err, DocumentTooLarge)
