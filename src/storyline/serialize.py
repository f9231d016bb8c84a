"""Records to plain JSON-ready dicts (the format of ``storyline extract`` and of exports).

Spans are flattened to ``start``/``end``; entity mentions to ``[[start, end], ...]``.
"""
from __future__ import annotations

from typing import Any

from .model import Article, DateMention, Entity, Extraction, Figure, Problem, Quote, Span


def span_pair(s: Span | None) -> list[int] | None:
    return [s.start, s.end] if s is not None else None


def article_dict(a: Article, with_text: bool = True) -> dict[str, Any]:
    d: dict[str, Any] = {
        "source": a.source, "id": a.id, "title": a.title, "published": a.published,
        "published_inferred": a.published_inferred, "outlet": a.outlet, "author": a.author, "url": a.url,
        "language": a.language, "dateline": a.dateline,
    }
    if with_text:
        d["text"] = a.text
    d["metadata"] = dict(a.metadata)
    d["removed"] = [{"reason": r.reason, "text": r.text} for r in a.removed]
    return d


def quote_dict(q: Quote) -> dict[str, Any]:
    return {"text": q.text, "start": q.span.start, "end": q.span.end, "speaker": q.speaker,
            "anonymous": q.anonymous, "speaker_type": q.speaker_type, "speaker_span": span_pair(q.speaker_span),
            "cue": q.cue, "extractor": q.extractor, "confidence": q.confidence}


def figure_dict(f: Figure) -> dict[str, Any]:
    return {"text": f.text, "start": f.span.start, "end": f.span.end, "value": f.value, "qualifier": f.qualifier,
            "unit": f.unit, "category": f.category, "source": f.source, "source_span": span_pair(f.source_span),
            "place": f.place, "extractor": f.extractor, "confidence": f.confidence}


def date_dict(d: DateMention) -> dict[str, Any]:
    return {"text": d.text, "start": d.span.start, "end": d.span.end, "value": d.value,
            "extractor": d.extractor, "confidence": d.confidence}


def entity_dict(e: Entity) -> dict[str, Any]:
    return {"name": e.name, "type": e.type, "mentions": [[m.start, m.end] for m in e.mentions],
            "aliases": list(e.aliases), "roles": list(e.roles), "extractor": e.extractor, "confidence": e.confidence}


def extraction_dict(x: Extraction) -> dict[str, Any]:
    d = article_dict(x.article)
    d["quotes"] = [quote_dict(q) for q in x.quotes]
    d["figures"] = [figure_dict(f) for f in x.figures]
    d["dates"] = [date_dict(t) for t in x.dates]
    d["entities"] = [entity_dict(e) for e in x.entities]
    return d


def problem_dict(p: Problem) -> dict[str, Any]:
    return {"source": p.source, "stage": p.stage, "kind": p.kind, "error": p.message}
