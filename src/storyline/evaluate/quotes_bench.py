"""Speaker attribution of direct quotations, measured on PolNeAR (political news, 2015-16).

PolNeAR (``../shared/bench/quotes/polnear_dev.jsonl``, research use; see its README) annotates
every attribution in 84 articles, direct and indirect, as source / cue / content spans; a source is
the text of the speaker mention ("he", "sources", "The Post"), not a resolved name. We extract
direct quotations only, so the set is used to check how attribution generalises:

* each predicted quotation is paired with the gold attribution whose content contains it;
* its speaker is right when our ``speaker_span`` overlaps one of the gold source spans, or when
  our speaker name and the gold source text share their last word ("Donald Trump" / "Trump"), or
  when the gold source is a pronoun resolved to the same speaker elsewhere in the article;
* quotations inside a gold content with no source (PolNeAR's ``Attribution-no-source``) and
  quotations outside any gold content are counted apart: PolNeAR does not give them a speaker.

Each document was annotated by one annotator except two (six each); the first annotator in sort
order is used so every article counts once.

    from storyline.evaluate.quotes_bench import evaluate
    evaluate("../shared/bench/quotes/polnear_dev.jsonl")
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from ..extract.quotes import extract_quotes
from ..model import Article, Quote

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}


def _last_word(s: str) -> str:
    words = re.findall(r"[\w]+", s.lower().replace("\u2019s", "").replace("'s", ""))
    return words[-1] if words else ""


def _records(path: str | Path) -> list[dict]:
    by_doc: dict[str, dict] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        old = by_doc.get(rec["doc_id"])
        if old is None or rec["annotator"] < old["annotator"]:
            by_doc[rec["doc_id"]] = rec
    return [by_doc[k] for k in sorted(by_doc)]


def _gold_for(q: Quote, attributions: list[dict]) -> dict | None:
    for att in attributions:
        for c in att.get("content", []):
            if c["start"] - 2 <= q.span.start and q.span.end <= c["end"] + 2:
                return att
    return None


def _speaker_right(q: Quote, att: dict, text: str, resolved: dict[tuple[int, int], str]) -> bool:
    if q.speaker is None:
        return False
    for src in att["source"]:
        if q.speaker_span is not None and q.speaker_span.start < src["end"] and \
                src["start"] < q.speaker_span.end:
            return True
        if _last_word(src["text"]) and _last_word(src["text"]) == _last_word(q.speaker):
            return True
        # a pronoun source: right when we resolved that very pronoun to the same speaker
        if src["text"].lower() in _PRONOUNS and resolved.get((src["start"], src["end"])) == \
                q.speaker:
            return True
    return False


def evaluate(path: str | Path, errors: bool = False) -> dict:
    """Prints and returns speaker figures for the direct quotations PolNeAR gives a source."""
    n_quotes = with_source = no_source = outside = right = unattributed = 0
    elapsed = 0.0
    records = _records(path)
    for rec in records:
        article = Article(id=rec["doc_id"], source=rec["doc_id"], text=rec["text"])
        t0 = time.perf_counter()
        quotes = extract_quotes(article)
        elapsed += time.perf_counter() - t0
        resolved = {(q.speaker_span.start, q.speaker_span.end): q.speaker
                    for q in quotes if q.speaker_span is not None and q.speaker}
        attributions = rec["attributions"]
        for q in quotes:
            n_quotes += 1
            att = _gold_for(q, attributions)
            if att is None:
                outside += 1
                continue
            if not att["source"]:
                no_source += 1
                continue
            with_source += 1
            if q.speaker is None:
                unattributed += 1
            if _speaker_right(q, att, rec["text"], resolved):
                right += 1
            elif errors:
                gold = [s["text"] for s in att["source"]]
                print(f"  {rec['doc_id'][:40]}: {q.text[:50]!r} gold={gold} pred={q.speaker!r}")
    result = {
        "articles": len(records),
        "quotes": n_quotes,
        "quotes_with_gold_source": with_source,
        "quotes_gold_no_source": no_source,
        "quotes_outside_gold": outside,
        "speaker_accuracy": round(right / with_source, 3) if with_source else 0.0,
        "unattributed_rate": round(unattributed / with_source, 3) if with_source else 0.0,
        "ms_per_article": round(elapsed / max(1, len(records)) * 1000, 2),
    }
    for k, v in result.items():
        print(f"{k:26} {v}")
    return result


if __name__ == "__main__":  # python -m storyline.evaluate.quotes_bench PATH [--errors]
    evaluate(sys.argv[1], errors="--errors" in sys.argv)
