"""Coverage-guided fuzzing of the readers with atheris (libFuzzer for Python). Optional, not in CI.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/atheris_readers.py -max_total_time=300 -rss_limit_mb=4096 [CORPUS_DIR]

Each input is split into a format selector (first byte) and a document: bytes → ``decode`` →
``read_string`` as plain text, Markdown with front matter, HTML or JSON, or JSON Lines through
``iter_jsonl``. A failure is an exception other than StorylineError, a malformed RawDocument
(``fuzz_support.check_raw``: real dates, strict JSON metadata, no lone surrogates) or a document
slower than its CPU budget; atheris then writes the input as ``crash-*``. What it finds belongs in
``corpus/`` with an index entry, as the hypothesis findings do.

Why it is kept: hypothesis generates from grammars we wrote; atheris mutates bytes guided by which
branches of the readers (and of PyYAML, json, lxml's Python side) they reach. A 10-minute run
found no new failure after the fixes of the hostile-input pass (the surrogate escapes were found
by hypothesis); it is cheap to keep as a script.
"""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))

with atheris.instrument_imports():
    from storyline.errors import StorylineError
    from storyline.read import read_string
    from storyline.read.decode import decode
    from storyline.read.jsonl import iter_jsonl

from fuzz_support import budget_for, check_raw, check_records  # noqa: E402

_SUFFIXES = (".txt", ".md", ".html", ".json", "")


def test_one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    selector, body = data[0], data[1:]
    started = time.process_time()
    if selector % 6 == 5:
        check_records(list(iter_jsonl(io.BytesIO(body), "fuzz.jsonl", 1 << 20)))
    else:
        suffix = _SUFFIXES[selector % 6]
        try:
            text, _ = decode(body)
            doc = read_string(text, "fuzz" + suffix, suffix=suffix)
        except StorylineError:
            return
        check_raw(doc)
    cpu = time.process_time() - started
    if cpu > budget_for(len(body)):
        raise AssertionError(f"{cpu:.2f} s of CPU for {len(body)} bytes")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
