"""Span-level NER figures of the entities extractor on Universal NER English-EWT (dev or test split).

The set (``../shared/bench/ner/uner_en_ewt/``, CC BY-SA 4.0) tags PER, ORG and LOC in web text
(answers, e-mail, newsgroups, reviews, blogs): not newswire, often lower-case, so its figures are a
floor for news. Each document's sentences are joined as paragraphs (blank lines between), the
extractor runs on that text, and every entity mention counts as one predicted span; a prediction is
right when its character span and its type (PERSON = PER) equal a gold span's exactly.

    from storyline.evaluate.ner import evaluate
    evaluate("../shared/bench/ner/uner_en_ewt/en_ewt-ud-test.iob2")
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..extract.entities import extract_entities
from ..model import Article

TYPES = ("PER", "ORG", "LOC")
_TYPE_OF = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC"}


@dataclass
class _Doc:
    id: str
    text: str = ""
    gold: set[tuple[int, int, str]] = field(default_factory=set)


def read_iob2(path: str | Path) -> list[_Doc]:
    """Documents with their text and gold (start, end, type) character spans."""
    docs: list[_Doc] = []
    sent_text = ""
    tokens: list[tuple[str, str]] = []

    def flush() -> None:
        nonlocal sent_text, tokens
        if not tokens:
            return
        if not docs:
            docs.append(_Doc("doc-0"))
        doc = docs[-1]
        base = len(doc.text) + (2 if doc.text else 0)
        doc.text = doc.text + ("\n\n" if doc.text else "") + sent_text
        pos = 0
        open_span: list | None = None
        for form, tag in tokens:
            at = sent_text.find(form, pos)
            if at < 0:  # token not found verbatim: skip its span
                at = pos
            start, end = base + at, base + at + len(form)
            pos = at + len(form) if at >= pos else pos
            if tag.startswith("B-") or (tag.startswith("I-") and open_span is None):
                if open_span:
                    doc.gold.add(tuple(open_span))
                open_span = [start, end, tag[2:]]
            elif tag.startswith("I-") and open_span is not None:
                open_span[1] = end
            else:
                if open_span:
                    doc.gold.add(tuple(open_span))
                open_span = None
        if open_span:
            doc.gold.add(tuple(open_span))
        sent_text, tokens = "", []

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id"):
            flush()
            docs.append(_Doc(line.split("=", 1)[1].strip()))
        elif line.startswith("# text = "):
            sent_text = line[len("# text = "):]
        elif line.startswith("#"):
            continue
        elif not line.strip():
            flush()
        else:
            cols = line.split("\t")
            if len(cols) >= 3 and cols[0].isdigit():
                tokens.append((cols[1], cols[2]))
    flush()
    return [d for d in docs if d.text]


def evaluate(path: str | Path, verbose: bool = True) -> dict:
    """Span precision, recall and F1 per type and overall; prints a table when ``verbose``."""
    docs = read_iob2(path)
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, predicted, gold
    elapsed = 0.0
    for doc in docs:
        article = Article(id=doc.id, source=doc.id, text=doc.text)
        t0 = time.perf_counter()
        entities = extract_entities(article)
        elapsed += time.perf_counter() - t0
        pred = {(s.start, s.end, _TYPE_OF[e.type]) for e in entities for s in e.mentions}
        for t in TYPES:
            p = {x for x in pred if x[2] == t}
            g = {x for x in doc.gold if x[2] == t}
            counts[t][0] += len(p & g)
            counts[t][1] += len(p)
            counts[t][2] += len(g)
    result = {t: _prf(*counts[t]) for t in TYPES}
    result["all"] = _prf(*(sum(c[k] for c in counts.values()) for k in range(3)))
    result["documents"] = len(docs)
    result["ms_per_document"] = round(1000 * elapsed / max(1, len(docs)), 2)
    if verbose:
        print(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'pred':>5} {'gold':>5}")
        for t in (*TYPES, "all"):
            r = result[t]
            print(f"{t:6} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['tp']:5} {r['pred']:5} {r['gold']:5}")
        print(f"{len(docs)} documents, {result['ms_per_document']} ms per document")
    return result


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "pred": n_pred,
            "gold": n_gold}
