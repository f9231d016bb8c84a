"""A backtracking scan of every module-level regex in the per-article path.

Catastrophic backtracking is the usual way a text tool hangs, and random text rarely finds it: it
takes long runs of one small unit ("A-A-A-...", runs of spaces, "1,1,1,..."). So each compiled
pattern (``re.Pattern`` constants, alone or in tuples/lists) of the readers, cleaner and extractors
is searched in runs of such units; a single search of a few hundred characters (CI) or up to
3,200 (deep) taking longer than ``SLOW`` is a failure. Each module is scanned in a forked child with
a hard limit, so an exponential pattern costs seconds; the report names the pattern and the input.
"""
from __future__ import annotations

import importlib
import os
import re
import tempfile
import time

import pytest

from fuzz_support import DEEP, describe, fork_available, run_bounded

pytestmark = pytest.mark.skipif(not fork_available(), reason="needs fork() for bounded runs")

MODULES = [
    "storyline.read", "storyline.read.text", "storyline.read.markdown", "storyline.read.published",
    "storyline.read.jsonl", "storyline.read.decode", "storyline.read.html",
    "storyline.clean", "storyline.clean.boilerplate",
    "storyline.extract.segment", "storyline.extract.entities", "storyline.extract.quotes",
    "storyline.extract.speakers", "storyline.extract.figures", "storyline.extract.numbers",
    "storyline.extract.dates", "storyline.extract.published",
]

# Modules with a known catastrophic pattern, owned elsewhere: module -> what was found.
KNOWN: dict[str, str] = {}

# One search slower than this (CPU seconds) fails the scan.
SLOW = 0.25
# Wall seconds a module's whole scan may take.
MODULE_LIMIT = 60.0 if DEEP else 8.0

UNITS = ["-A", "A-", "A ", " ", "\n", " \n", "a", "A.", "1,", "1 ", "A’", "“", "'", "(", "[", "*", "<a ", ". "]
PREFIXES = ["", "A"]
if DEEP:
    UNITS += ["a ", "-", "1", "1.", ", ", "a.", "Aa ", "’", '"', "” ", "_", "#", "$1 ", "%", "Mr. ", "said ",
              "A a ", "aA", "Aa-", "1-", "a'", "A, ", "1 a ", "the ", "of ", "Jan ", "1 1 ", ":", "/", "a/", " -",
              "\t"]
    PREFIXES += ["“", "said ", "according to ", "at least ", "- "]
SUFFIXES = ["", "\x00!"]
LENGTHS = (100, 400, 1600, 3200) if DEEP else (400,)


def patterns_of(module) -> list[tuple[str, re.Pattern]]:
    found, seen = [], set()
    for name, obj in sorted(vars(module).items()):
        items = [(name, obj)] if isinstance(obj, re.Pattern) else \
            [(f"{name}[{i}]", x) for i, x in enumerate(obj)] if isinstance(obj, (list, tuple)) else []
        for label, pat in items:
            if isinstance(pat, re.Pattern) and id(pat) not in seen:
                seen.add(id(pat))
                found.append((label, pat))
    return found


def scan(module_name: str, progress_path: str) -> list[str]:
    """Slow (pattern, input) pairs of one module; writes what it is searching to ``progress_path``."""
    module = importlib.import_module(module_name)
    slow = []
    with open(progress_path, "w") as progress:
        for label, pat in patterns_of(module):
            hit = _first_slow(pat, label, progress)
            if hit:
                slow.append(hit)
    return slow


def _first_slow(pat: re.Pattern, label: str, progress) -> str | None:
    """The first input on which one search of ``pat`` is slow, described; ``None`` if none is."""
    for pre in PREFIXES:
        for unit in UNITS:
            for suf in SUFFIXES:
                for length in LENGTHS:
                    n = max(1, length // len(unit))
                    what = f"{label}.search({pre!r} + {unit!r} * {n} + {suf!r})"
                    progress.seek(0)
                    progress.write(what + "\n")
                    progress.truncate()
                    progress.flush()
                    t = time.process_time()
                    pat.search(pre + unit * n + suf)
                    took = time.process_time() - t
                    if took > SLOW:
                        return f"{what}: {took:.2f} s"
    return None


def _params():
    for name in MODULES:
        marks = [pytest.mark.xfail(reason=f"{name}: {KNOWN[name]}", strict=False)] if name in KNOWN else []
        yield pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("module_name", list(_params()))
def test_no_catastrophic_backtracking(module_name):
    fd, progress = tempfile.mkstemp(prefix="storyline-regex-", suffix=".txt")
    os.close(fd)
    try:
        limit = 3.0 if module_name in KNOWN and not DEEP else MODULE_LIMIT  # a known hang costs CI little
        out = run_bounded(scan, module_name, progress, limit=limit)
        if out.status == "hang":
            with open(progress) as f:
                raise AssertionError(f"{module_name}: stuck in {f.read().strip()}")
    finally:
        os.unlink(progress)
    assert out.status == "ok", describe(out)
    assert not out.value, "\n".join(out.value)
