import gzip
import io
import sys

import pytest

from storyline.errors import BadDate, BadFrontMatter, BinaryDocument, DocumentTooLarge, EmptyDocument
from storyline.read import read_paths, read_string
from storyline.read.decode import decode
from storyline.read.markdown import markdown_to_text
from storyline.read.published import normalize_published


def docs(paths):
    return [d for d in read_paths([str(p) for p in paths])]


def test_date_prefix_text(articles_dir):
    [doc] = docs([articles_dir / "harbour_strike.txt"])
    assert doc.kind == "text"
    assert doc.published == "2023-03-14"
    assert doc.body.startswith("FILE PHOTO: Dock workers")


def test_front_matter_markdown(articles_dir):
    [doc] = docs([articles_dir / "river_flood.md"])
    assert doc.kind == "markdown"
    assert doc.title == "Floodwaters reach record level as river bursts its banks"
    assert doc.published == "2024-09-17"
    assert doc.author == "Staff reporter"
    assert doc.metadata["categories"] == ["News", "Weather"]
    assert doc.metadata["excerpt"].startswith("Emergency services")
    assert "assets/images" not in doc.body
    assert "**" not in doc.body and "thousands of residents" in doc.body
    assert "[embankments]" not in doc.body and "embankments" in doc.body
    assert "Schools closed" in doc.body and "##" not in doc.body


def test_jsonl_streams_records_and_reports_bad_lines(articles_dir):
    out = docs([articles_dir / "batch.jsonl"])
    good = [d for d in out if not isinstance(d, tuple)]
    bad = [d for d in out if isinstance(d, tuple)]
    assert [d.title for d in good] == ["Bridge reopens after repairs", "Council approves budget"]
    assert good[0].source == "https://news.example.com/2022/05/02/bridge"
    assert good[0].outlet == "Example News"
    assert good[1].published == "2022-05-03"  # RFC 2822 date
    assert [src for src, _ in bad] == [f"{articles_dir / 'batch.jsonl'}:3", f"{articles_dir / 'batch.jsonl'}:4"]
    assert "invalid JSON" in str(bad[0][1])
    assert "no 'text' or 'html'" in str(bad[1][1])


def test_json_array(tmp_path):
    p = tmp_path / "two.json"
    p.write_text('[{"text": "One body.", "date": "2021-01-02"}, {"text": "Two body."}]')
    out = docs([p])
    assert [d.body for d in out] == ["One body.", "Two body."]
    assert out[0].source.endswith("two.json[0]")


def test_gzip_and_directories(tmp_path, articles_dir):
    sub = tmp_path / "nested" / "deeper"
    sub.mkdir(parents=True)
    with gzip.open(sub / "strike.txt.gz", "wb") as f:
        f.write((articles_dir / "harbour_strike.txt").read_bytes())
    (tmp_path / "a.txt").write_text(" date 2020-02-02 First paragraph here.\n")
    out = docs([tmp_path])
    assert [d.published for d in out] == ["2020-02-02", "2023-03-14"]
    assert out[1].source.endswith("strike.txt.gz")


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b" date 2021-06-01 From a pipe.\n"))))
    [doc] = docs(["-"])
    assert doc.source == "-" and doc.published == "2021-06-01"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-8-sig"])
def test_encodings(encoding):
    text = "Le ministre a déclaré: «Nous sommes prêts» – l’accord coûte 5 €." if encoding != "latin-1" else \
        "Le ministre a déclaré que l'accord était prêt à São Paulo."
    data = text.encode(encoding)
    decoded, _ = decode(data)
    assert decoded == text


def test_binary_and_empty_are_refused():
    with pytest.raises(BinaryDocument):
        decode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(BinaryDocument):
        decode(b"abc\x00\x01\x02def")
    with pytest.raises(EmptyDocument):
        decode(b"  \n\t\n")


def test_impossible_and_odd_dates():
    with pytest.raises(BadDate):
        normalize_published("2024-13-45")
    with pytest.raises(BadDate):
        normalize_published("0024-01-01")
    assert normalize_published("August 22, 2025") == "2025-08-22"
    assert normalize_published("22 August 2025 10:00") == "2025-08-22"
    assert normalize_published("2025-08-22T05:44:58Z") == "2025-08-22"
    assert normalize_published("sometime last week") is None


def test_impossible_date_prefix_is_an_error():
    with pytest.raises(BadDate):
        read_string(" date 2024-13-45 A body.", "x.txt")


@pytest.mark.parametrize("text,message", [
    ("---\ntitle: Unclosed\ndate: 2024-01-01\n\nBody text that never closes the block.\n", "unclosed"),
    ("---\ntitle: [broken\n---\nBody.\n", "broken front matter"),
    ("---\n- just\n- a list\n---\nBody.\n", "not a set"),
])
def test_bad_front_matter(text, message):
    with pytest.raises(BadFrontMatter, match=message):
        read_string(text, "bad.md")


def test_too_large_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: 100 MB of NULs, cheap to create
    [(src, err)] = docs([big])
    assert src.endswith("huge.txt") and isinstance(err, DocumentTooLarge)


def test_missing_path_is_an_error(tmp_path):
    [(src, err)] = docs([tmp_path / "nope.txt"])
    assert "no such file" in str(err)


def test_markdown_to_text_keeps_prose():
    md = "Intro with a [link](http://x.y/(z)) and __bold__ and *it*.\n\n> quoted line\n\n---\n\nEnd."
    assert markdown_to_text(md) == "Intro with a link and bold and it.\n\nquoted line\n\n\n\nEnd."
