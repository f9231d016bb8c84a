"""DATE value accuracy of the date extractor on TimeML gold (TimeBank, AQUAINT).

Each line of the benchmark file is one document: ``doc_id``, ``dct`` (the creation time, used as the
publication date), ``text`` and ``timex`` (``start``, ``end``, ``text``, ``type``, ``value``). The
document is run through :func:`storyline.extract.dates.extract_dates` as an ``Article`` with
``text`` = the document text and ``published`` = the DCT's date.

Which gold timexes count: type ``DATE`` whose value names a calendar day, month or year, the only
values a ``DateMention`` can hold. Gold values are normalised first: a time of day is dropped
("2000-01-05TEV" is the day 2000-01-05) and trailing unknown parts are cut ("1968-XX" is the year
1968, "1998-XX-XX" the year 1998). Everything else is *excluded* from the accuracy and counted
apart, by class: ``PRESENT_REF``/``PAST_REF``/``FUTURE_REF`` (vague), weeks and weekends
("1998-W12"), quarters and halves ("1998-Q1", "1990-H1"), seasons ("1998-SU"), decades and centuries
("199"), values with an unknown year ("XXXX-10") and durations written as DATE ("P1W").

For each counted gold timex: *found* when a predicted mention overlaps its span, *correct* when an
overlapping prediction has exactly the normalised gold value. ``accuracy`` = correct / counted (the
headline figure), ``found`` = found / counted; ``precision`` = predictions overlapping any gold DATE
or TIME timex / all predictions (a rough figure: TimeML leaves some expressions unannotated).
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from ..extract.dates import extract_dates
from ..model import Article

# Where the benchmark lives, relative to the project root (see ../shared/README.md).
DEFAULT_DIR = Path("../shared/bench/timeml")
DEFAULT_FILES = ("timebank.jsonl", "aquaint.jsonl")

_CALENDAR = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def normalise_gold(value: str) -> tuple[str | None, str]:
    """The calendar value a gold DATE value names, or None and the class it was excluded as."""
    v = value.split("T", 1)[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", value) else value
    while v.endswith("-XX"):
        v = v[:-3]
    if _CALENDAR.match(v):
        return v, "calendar"
    if v.endswith("_REF"):
        return None, "vague (*_REF)"
    if v.startswith("P"):
        return None, "duration"
    if v.startswith("XXXX"):
        return None, "unknown year"
    if re.match(r"^\d{4}-W", v):
        return None, "week"
    if re.match(r"^\d{4}-[QH]", v):
        return None, "quarter/half"
    if re.match(r"^\d{4}-(?:SP|SU|FA|WI)$", v):
        return None, "season"
    if re.match(r"^\d{1,3}X*$", v):
        return None, "decade/century"
    return None, "other"


def evaluate(path: Path) -> dict:
    """DATE value accuracy on a TimeML JSON Lines file, or on each of a directory's files
    (``timebank.jsonl`` and ``aquaint.jsonl``), as a dict of figures keyed by file stem."""
    path = Path(path)
    if path.is_dir():
        return {f.split(".")[0]: _summary(evaluate_file(path / f)) for f in DEFAULT_FILES if (path / f).exists()}
    return _summary(evaluate_file(path))


def _summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("misses", "file")}


def evaluate_file(path: Path) -> dict:
    """Scores the date extractor on one TimeML JSON Lines file; the dict also lists the misses."""
    counted = found = correct = 0
    n_pred = n_pred_on_gold = 0
    excluded: Counter[str] = Counter()
    misses: list[dict] = []
    n_docs = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            n_docs += 1
            article = Article(id=doc["doc_id"], source=doc.get("file", doc["doc_id"]), text=doc["text"],
                              published=doc["dct"][:10])
            preds = extract_dates(article)
            gold_spans = [(t["start"], t["end"]) for t in doc["timex"] if t["type"] in ("DATE", "TIME")]
            n_pred += len(preds)
            n_pred_on_gold += sum(1 for p in preds
                                  if any(p.span.start < e and s < p.span.end for s, e in gold_spans))
            for t in doc["timex"]:
                if t["type"] != "DATE":
                    continue
                value, cls = normalise_gold(t["value"])
                if value is None:
                    excluded[cls] += 1
                    continue
                counted += 1
                overlapping = [p for p in preds if p.span.start < t["end"] and t["start"] < p.span.end]
                found += bool(overlapping)
                ok = any(p.value == value for p in overlapping)
                correct += ok
                if not ok:
                    misses.append({"doc": doc["doc_id"], "dct": doc["dct"], "text": t["text"], "gold": value,
                                   "pred": [(p.text, p.value) for p in overlapping]})
    return {
        "file": str(path),
        "documents": n_docs,
        "counted": counted,
        "found": round(found / counted, 3) if counted else 0.0,
        "accuracy": round(correct / counted, 3) if counted else 0.0,
        "correct": correct,
        "predictions": n_pred,
        "precision": round(n_pred_on_gold / n_pred, 3) if n_pred else 0.0,
        "excluded": dict(excluded.most_common()),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    """Prints a table of DATE value accuracy; ``--misses`` also lists what was missed."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_misses = "--misses" in args
    paths = [Path(a) for a in args if a != "--misses"] or [DEFAULT_DIR / f for f in DEFAULT_FILES]
    print(f"{'file':<18} {'docs':>5} {'DATE':>6} {'found':>6} {'accuracy':>9} {'precision':>10}  excluded")
    for path in paths:
        r = evaluate_file(path)
        excluded = ", ".join(f"{k} {v}" for k, v in r["excluded"].items())
        print(f"{path.name:<18} {r['documents']:>5} {r['counted']:>6} {r['found']:>6.3f} {r['accuracy']:>9.3f} "
              f"{r['precision']:>10.3f}  {excluded}")
        if show_misses:
            for m in r["misses"]:
                print(f"    {m['doc']} dct={m['dct'][:10]} {m['text']!r} gold={m['gold']} pred={m['pred']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
