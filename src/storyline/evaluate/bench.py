"""Extraction benchmark: articles per second per core and peak memory over Timeline17 articles,
against ``dateparser.search_dates`` on the same articles in the same run.

``dateparser`` is also our date-accuracy baseline, so its date recall on the seeds gold is printed
too (same matching rule as ``shared/tools/score.py``: a gold expression is found when a predicted
expression contains it, or is contained in it, with the same value).
"""
from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import time
from pathlib import Path

from ..pipeline import prepare
from ..extract import extract
from .tls import iter_articles, topics


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_docs(tls_root: Path, limit: int | None):
    docs = []
    for topic in topics(tls_root):
        for d in iter_articles(topic):
            docs.append(d)
    docs.sort(key=lambda d: d.source)
    if limit:
        step = max(1, len(docs) // limit)
        docs = docs[::step][:limit]
    return docs


def bench_extract(docs) -> dict:
    times = []
    n_items = 0
    t0 = time.perf_counter()
    for d in docs:
        s = time.perf_counter()
        x = extract(prepare(d))
        times.append(time.perf_counter() - s)
        n_items += len(x.quotes) + len(x.figures) + len(x.dates) + len(x.entities)
    total = time.perf_counter() - t0
    return {"articles": len(docs), "seconds": round(total, 2), "articles_per_second": round(len(docs) / total, 1),
            "ms_mean": round(1000 * statistics.mean(times), 2),
            "ms_p95": round(1000 * sorted(times)[int(0.95 * (len(times) - 1))], 2), "items": n_items}


def bench_dateparser(docs) -> dict:
    from dateparser.search import search_dates

    settings = {"RETURN_AS_TIMEZONE_AWARE": False}
    times = []
    t0 = time.perf_counter()
    for d in docs:
        base = dt.datetime.fromisoformat(d.published) if d.published else None
        s = time.perf_counter()
        search_dates(d.body, languages=["en"], settings={**settings, **({"RELATIVE_BASE": base} if base else {})})
        times.append(time.perf_counter() - s)
    total = time.perf_counter() - t0
    return {"articles": len(docs), "seconds": round(total, 2), "articles_per_second": round(len(docs) / total, 1),
            "ms_mean": round(1000 * statistics.mean(times), 2)}


def dateparser_seed_recall(shared: Path) -> float:
    """Date recall of ``dateparser.search_dates`` on the seeds gold."""
    from dateparser.search import search_dates

    from ..read import read_paths

    gold = json.loads((shared / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    by_file = {}
    for raw in read_paths([str(shared / "corpus" / "seeds")]):
        if not isinstance(raw, tuple):
            a = prepare(raw)
            by_file[Path(a.source).name] = a
    hit = total = 0
    for g in gold["articles"]:
        a = by_file.get(g["file"])
        pub = g["published"]
        found = search_dates(a.text, languages=["en"], settings={"RELATIVE_BASE": dt.datetime.fromisoformat(pub)}) if a else None
        preds = [(t.lower(), v.date().isoformat()) for t, v in (found or [])]
        for gd in g["dates"]:
            total += 1
            gt = gd["text"].lower()
            if any((gt in t or t in gt) and v.startswith(gd["value"]) for t, v in preds):
                hit += 1
    return round(hit / total, 3) if total else 0.0


def run(shared: Path, limit: int | None = None, with_dateparser: bool = True) -> dict:
    docs = load_docs(shared / "bench" / "tls" / "timeline17", limit)
    rss_before = _peak_rss_mb()
    extract(prepare(docs[0]))  # warm caches (gazetteers load once per process)
    out = {"storyline": bench_extract(docs), "peak_rss_mb_after_storyline": round(_peak_rss_mb(), 1),
           "rss_mb_before": round(rss_before, 1)}
    if with_dateparser:
        out["dateparser_search_dates"] = bench_dateparser(docs)
        out["speedup_vs_dateparser"] = round(out["dateparser_search_dates"]["ms_mean"] / out["storyline"]["ms_mean"], 2)
        out["dateparser_seeds_date_recall"] = dateparser_seed_recall(shared)
    out["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return out
