"""Story splitting and near-duplicate detection, measured on Timeline17.

All eight topic folders of ``bench/tls/timeline17`` are mixed (about 2,100 articles), run through
``prepare`` + ``extract``, and split into stories by :mod:`storyline.resolve.stories`.

Purity is computed two ways. Timeline17 has eight folders but only five stories: H1N1 comes from
three outlets (``H1N1_bbc``, ``H1N1_guardian``, ``H1N1_reuters``) and the Libyan war from two
(``LibyaWar_cnn``, ``LibyaWar_reuters``). Splitting by story must not separate outlets, so the
headline figures are **by topic** (the folder name before ``_``); the by-folder figures are printed
too (their inverse purity is naturally lower, as one story spans several folders).

- purity: for each found story, the share of its articles from its majority class, summed over
  stories and divided by the number of articles (1.0 = no story mixes classes);
- inverse purity: the same with the roles swapped (1.0 = no class is split over stories);
- stories: the number found, and how many hold at least 5 articles.

The duplicate part makes near-copies of real articles (deterministic, seeded), as an outlet
republishing a wire story would: a different headline line, boilerplate paragraphs added at the
top or bottom (bylines, "Read more", copyright, newsletter), the last paragraphs trimmed, a few
words edited. Every pair of copies of one article should be grouped; no pair of different
originals should be. Pairs among the originals that the detector groups are reported separately:
Timeline17 holds real near-copies (updated wire versions, shared page boilerplate).
"""
from __future__ import annotations

import random
import statistics
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from ..extract import extract
from ..extract.entities import extract_entities
from ..model import Extraction
from ..pipeline import prepare
from ..resolve import duplicates
from ..resolve.stories import StoryItem, StoryTracker, story_features
from .tls import iter_articles, topics


def load_extractions(tls_root: Path, failures: list[str] | None = None) -> list[tuple[str, Extraction]]:
    """(folder name, extraction) for every Timeline17 input article, in folder then file order.

    An extractor that crashes on an article must not stop the story evaluation, which only needs
    entities: the article then keeps its entities alone and ``failures`` gets a line naming it
    and the error (printed by :func:`evaluate`, so the crash is seen, not hidden).
    """
    out = []
    for topic in topics(tls_root):
        for raw in iter_articles(topic):
            article = prepare(raw)
            try:
                x = extract(article)
            except Exception as err:  # noqa: BLE001 - reported in the figures, see docstring
                if failures is None:
                    raise
                failures.append(f"{_article_id(raw.source, tls_root)}: {type(err).__name__}: {err}")
                x = Extraction(article=article, entities=extract_entities(article))
            out.append((topic.name, x))
    return out


def _article_id(source: str, tls_root: Path) -> str:
    try:
        return str(Path(source).relative_to(tls_root))
    except ValueError:
        return source


def purity(assign: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    """(purity, inverse purity) of a clustering ``assign`` against classes ``truth`` (same keys)."""
    n = len(assign)
    if not n:
        return 0.0, 0.0
    by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
    by_class: dict[str, Counter[str]] = defaultdict(Counter)
    for aid, sid in assign.items():
        by_cluster[sid][truth[aid]] += 1
        by_class[truth[aid]][sid] += 1
    p = sum(c.most_common(1)[0][1] for c in by_cluster.values()) / n
    ip = sum(c.most_common(1)[0][1] for c in by_class.values()) / n
    return round(p, 4), round(ip, 4)


def evaluate_stories(data: list[tuple[str, Extraction]], tls_root: Path) -> dict:
    t0 = time.perf_counter()
    items = []
    folder: dict[str, str] = {}
    for name, x in data:
        aid = _article_id(x.article.source, tls_root)
        folder[aid] = name
        items.append(StoryItem(aid, x.article.published, story_features(x)))
    t_features = time.perf_counter() - t0
    t1 = time.perf_counter()
    tracker = StoryTracker()
    tracker.add(items)
    assign = tracker.assignments
    t_assign = time.perf_counter() - t1
    topic = {aid: f.split("_")[0] for aid, f in folder.items()}
    p_topic, ip_topic = purity(assign, topic)
    p_folder, ip_folder = purity(assign, folder)
    sizes = Counter(assign.values())
    labels = tracker.labels()
    biggest = []
    for sid, size in sizes.most_common(12):
        mix = Counter(topic[a] for a, s in assign.items() if s == sid)
        biggest.append(f"{size} [{', '.join(f'{k} {v}' for k, v in mix.most_common())}] {labels.get(sid, '')}")
    # incremental check: the same articles added in two halves (a random split, so the second half
    # also holds articles older than the first's newest: the replay path)
    rng = random.Random(17)
    shuffled = items[:]
    rng.shuffle(shuffled)
    half = StoryTracker()
    half.add(shuffled[: len(items) // 2])
    half.add(shuffled[len(items) // 2:])
    chrono = sorted(items, key=lambda i: (i.published or "", i.article_id))
    inc = StoryTracker()
    inc.add(chrono[: len(items) // 2])
    inc.add(chrono[len(items) // 2:])
    n = len(items) or 1
    return {
        "articles": len(items),
        "by_topic": {"purity": p_topic, "inverse_purity": ip_topic, "classes": len(set(topic.values()))},
        "by_folder": {"purity": p_folder, "inverse_purity": ip_folder, "classes": len(set(folder.values()))},
        "stories": len(sizes),
        "stories_with_5_or_more": sum(1 for s in sizes.values() if s >= 5),
        "singletons": sum(1 for s in sizes.values() if s == 1),
        "same_in_two_halves": {"random_split": half.assignments == assign,
                               "chronological_split": inc.assignments == assign},
        "ms_per_article": {"features": round(1000 * t_features / n, 3), "assign": round(1000 * t_assign / n, 3)},
        "largest_stories": {str(i + 1): s for i, s in enumerate(biggest)},
    }


def real_duplicate_groups(data: list[tuple[str, Extraction]], tls_root: Path) -> dict:
    t0 = time.perf_counter()
    sigs = [(_article_id(x.article.source, tls_root), duplicates.signature(x.article.text)) for _, x in data]
    ms = 1000 * (time.perf_counter() - t0) / max(1, len(sigs))
    groups = duplicates.group_duplicates(sigs)
    return {"ms_per_signature": round(ms, 3), "groups": len(groups),
            "articles_in_groups": sum(len(g) for g in groups),
            "examples": {str(i + 1): " = ".join(g) for i, g in enumerate(groups[:15])}}


# -- synthetic near-copies ------------------------------------------------------------------------

_BOILERPLATE_TOP = [
    "By Staff Writers and Agencies",
    "Published 2 hours ago | Updated 14 minutes ago",
    "This story was originally published by a wire service and is republished here under licence.",
    "LONDON (Wire Service) —",
]
_BOILERPLATE_BOTTOM = [
    "Read more: The latest news, analysis and comment from our correspondents around the world.",
    "Copyright 2011 Agence France-Presse. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "Sign up for our daily newsletter to get the top stories delivered straight to your inbox.",
    "Additional reporting by our correspondents; editing by the foreign desk.",
    "Share this article: Facebook Twitter Email Print",
]
_EDITS = [("said", "told reporters"), ("on Monday", "on Monday local time"), ("government", "administration"),
          ("people", "residents"), ("killed", "left dead")]


def make_copy(text: str, rng: random.Random, trim: float) -> str:
    """A syndicated-looking copy: new headline, boilerplate added, last paragraphs trimmed, words edited."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    keep = max(1, round(len(paras) * (1 - trim)))
    paras = paras[:keep]
    for old, new in rng.sample(_EDITS, 2):
        paras = [p.replace(old, new, 1) for p in paras]
    top = rng.sample(_BOILERPLATE_TOP, rng.randint(0, 2))
    bottom = rng.sample(_BOILERPLATE_BOTTOM, rng.randint(1, 3))
    headline = f"Latest: {' '.join(paras[0].split()[:8])} (update {rng.randint(1, 9)})"
    return "\n\n".join([headline, *top, *paras, *bottom])


def evaluate_duplicates(data: list[tuple[str, Extraction]], tls_root: Path, per_topic: int = 30,
                        seed: int = 5) -> dict:
    """Pair precision/recall of :func:`group_duplicates` on near-copies of real articles.

    Two copies are made of ``per_topic`` articles per folder and grouped together with the whole
    corpus. A pair is expected when both are copies of one article or one is that article; a
    predicted pair that involves a copy is correct when it is expected or joins the copy to a real
    near-copy of its original (a group found in the corpus alone, reported by
    :func:`real_duplicate_groups`). Pairs of different originals are the corpus's own groups.
    """
    rng = random.Random(seed)
    corpus = [(_article_id(x.article.source, tls_root), name, x.article.text) for name, x in data]
    items: list[tuple[str, bytes]] = [(aid, duplicates.signature(text)) for aid, _, text in corpus]
    real_group = {aid: i for i, g in enumerate(duplicates.group_duplicates(items)) for aid in g}
    by_folder: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for aid, name, text in corpus:
        if len(text.split()) >= 200 and text.count("\n\n") >= 5:
            by_folder[name].append((aid, text))
    origin: dict[str, str] = {}
    trims: dict[str, float] = {}
    for name in sorted(by_folder):
        for aid, text in rng.sample(by_folder[name], min(per_topic, len(by_folder[name]))):
            for c in range(2):
                trim = rng.choice(TRIMS)
                cid = f"{aid}#copy{c}"
                items.append((cid, duplicates.signature(make_copy(text, rng, trim))))
                origin[cid] = aid
                trims[cid] = trim
    groups = duplicates.group_duplicates(items)
    predicted = {pair for g in groups for pair in combinations(g, 2) if pair[0] in origin or pair[1] in origin}

    def root(x: str) -> str:
        return origin.get(x, x)

    def expected(a: str, b: str) -> bool:
        return root(a) == root(b)

    def acceptable(a: str, b: str) -> bool:
        ra, rb = root(a), root(b)
        return ra == rb or (ra in real_group and real_group.get(rb) == real_group[ra])

    truth = {tuple(sorted((cid, o))) for cid, o in origin.items()}
    truth |= {tuple(sorted((a, b))) for a, b in combinations(sorted(origin), 2) if origin[a] == origin[b]}
    found = {p for p in truth if p in predicted or tuple(reversed(p)) in predicted}
    false = sorted(p for p in predicted if not acceptable(*p))
    recall_by_trim: dict[str, list[int]] = defaultdict(list)
    in_pred = {x for p in predicted for x in p}
    for cid, trim in trims.items():
        recall_by_trim[f"{trim:.2f}"].append(int(any(expected(cid, o) for o in _partners(cid, groups))))
    sig = dict(items)
    sims_true = sorted(duplicates.similarity(sig[a], sig[b]) for a, b in truth)
    return {
        "articles": len(corpus), "originals_copied": len(set(origin.values())), "copies": len(trims),
        "threshold": duplicates.THRESHOLD,
        "pair_precision": round(1 - len(false) / len(predicted), 4) if predicted else 1.0,
        "pair_recall": round(len(found) / len(truth), 4) if truth else 1.0,
        "false_pairs": len(false),
        "false_pair_examples": {str(i + 1): f"{a} ~ {b}" for i, (a, b) in enumerate(false[:8])},
        "copy_recall_by_trim": {k: round(statistics.mean(v), 3) for k, v in sorted(recall_by_trim.items())},
        "similarity_of_true_pairs": {"min": round(sims_true[0], 3), "p05": round(sims_true[len(sims_true) // 20], 3),
                                     "median": round(statistics.median(sims_true), 3)},
        "copies_left_alone": sum(1 for c in origin if c not in in_pred),
    }


TRIMS = (0.0, 0.1, 0.2, 0.33, 0.5)  # share of the last paragraphs a copy drops


def _partners(aid: str, groups: list[list[str]]) -> list[str]:
    for g in groups:
        if aid in g:
            return [x for x in g if x != aid]
    return []


def evaluate(tls_root: Path) -> dict:
    failures: list[str] = []
    t0 = time.perf_counter()
    data = load_extractions(tls_root, failures)
    ms = 1000 * (time.perf_counter() - t0) / max(1, len(data))
    return {"extraction": {"articles": len(data), "ms_per_article_prepare_extract": round(ms, 1),
                           "extractor_crashes": len(failures),
                           "crash_examples": {str(i + 1): f for i, f in enumerate(failures[:5])}},
            "stories": evaluate_stories(data, tls_root),
            "duplicates_in_corpus": real_duplicate_groups(data, tls_root),
            "near_copies": evaluate_duplicates(data, tls_root)}


if __name__ == "__main__":  # pragma: no cover - python -m storyline.evaluate.stories [TLS_ROOT]
    import json
    import sys

    default = Path(__file__).resolve().parents[4] / "shared" / "bench" / "tls" / "timeline17"
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    json.dump(evaluate(root), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
