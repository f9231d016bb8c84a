"""Timeline17 (``../shared/bench/tls``) as storyline input: topics, dated articles, reference timelines.

The input articles are PTB-tokenised, one sentence per line (`` -LRB- CNN -RRB- -- ... `` ``),
in ``<topic>/InputDocs/<YYYY-MM-DD>/<n>.htm.txt``. :func:`detokenize` turns a line back into
ordinary text so the extractors see news as it is published; the folder gives the date.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..model import RawDocument

_TOKENS = {"#": "£", "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_RULES = [
    (re.compile(r"\s+([.,;:!?%])"), r"\1"),
    (re.compile(r"([(\[{$£€])\s+"), r"\1"),
    (re.compile(r"\s+([)\]}])"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m|’s)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\s+'\s*$"), "'"),
]


def detokenize(line: str) -> str:
    """One PTB-tokenised line back to plain text, with straight double quotes."""
    words = [_TOKENS.get(w, w) for w in line.split()]
    out: list[str] = []
    open_quote = False
    for w in words:
        if w == "``":
            out.append('"')
            open_quote = True
            continue
        if w == "''":
            if out:
                out[-1] = out[-1] + '"'
            else:
                out.append('"')
            open_quote = False
            continue
        if out and out[-1] == '"' and open_quote:
            out[-1] = '"' + w
            continue
        out.append(w)
    s = " ".join(out)
    for rx, rep in _RULES:
        s = rx.sub(rep, s)
    return s


def topics(root: Path) -> list[Path]:
    """The topic folders (``<topic>_<outlet>``) under ``root`` that hold input articles."""
    return sorted(p for p in root.iterdir() if (p / "InputDocs").is_dir())


def iter_articles(topic: Path, limit: int | None = None) -> Iterator[RawDocument]:
    """The topic's input articles as RawDocuments, by date then file name; empty files are skipped."""
    n = 0
    for day in sorted((topic / "InputDocs").iterdir()):
        if not day.is_dir():
            continue
        for f in sorted(day.iterdir()):
            text = f.read_text(encoding="utf-8", errors="replace")
            lines = [detokenize(line) for line in text.splitlines() if line.strip()]
            if not lines:
                continue
            yield RawDocument(source=str(f), kind="text", body="\n\n".join(lines), published=day.name,
                              metadata={"topic": topic.name})
            n += 1
            if limit is not None and n >= limit:
                return


def read_timelines(topic: Path) -> list[dict[str, list[str]]]:
    """Reference timelines of a topic: one dict per file, date → summary sentences (detokenised)."""
    out = []
    for f in sorted((topic / "timelines").glob("*.txt")):
        tl: dict[str, list[str]] = {}
        date = None
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            s = line.strip()
            if not s:
                continue
            if re.fullmatch(r"-{10,}", s):
                date = None
            elif date is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
                date = s
                tl.setdefault(date, [])
            elif date is not None:
                tl[date].append(detokenize(s))
        out.append(tl)
    return out
