"""Article-body extraction benchmark for the HTML reader (``storyline evaluate html``).

Runs :func:`storyline.read.html.read_html` on every page of the Zyte/Scrapinghub
article-extraction benchmark (``html/<id>.html.gz`` + ``ground-truth.json`` + ``evaluate.py``),
writes the predictions in the benchmark's format (``output/<name>.json`` holding
``{"<id>": {"articleBody": ...}}``) into a temporary copy of the benchmark layout and scores them
with the benchmark's own ``evaluate.py``, imported from the benchmark directory, so that the
figures are the published metric (4-token shingle precision/recall, macro-averaged; F1 of those).

Pages are stored gzip-compressed as bytes; they are decoded with the charset their
``<meta charset>`` / ``http-equiv`` declares, else UTF-8, with replacement as the last resort.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from storyline.errors import StorylineError
from storyline.read.html import read_html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
#: How far into a page to look for its charset declaration (bytes).
CHARSET_SNIFF_BYTES = 4096
#: Bootstrap resamples for the ± figures (the benchmark uses 1000; fewer keeps the command quick).
N_BOOTSTRAP = 200
PREDICTION_NAME = "storyline"


def decode_page(raw: bytes) -> str:
    """Decodes an HTML page with its declared charset, else UTF-8, never failing."""
    match = _META_CHARSET.search(raw[:CHARSET_SNIFF_BYTES])
    encodings = [match.group(1).decode("ascii", "replace")] if match else []
    for encoding in [*encodings, "utf-8"]:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _load_scorer(bench_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("article_extraction_evaluate", bench_dir / "evaluate.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(bench_dir / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(bench_dir: Path) -> tuple[dict[str, dict[str, str]], float, int]:
    """read_html on every page → predictions, mean ms per page, number of pages without article."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    predictions: dict[str, dict[str, str]] = {}
    elapsed = 0.0
    no_article = 0
    for page_id, item in truth.items():
        html = decode_page(gzip.decompress((bench_dir / "html" / f"{page_id}.html.gz").read_bytes()))
        start = time.perf_counter()
        try:
            body = read_html(html, source=page_id, url=item.get("url")).body
        except StorylineError:
            body = ""
            no_article += 1
        elapsed += time.perf_counter() - start
        predictions[page_id] = {"articleBody": body}
    return predictions, elapsed / max(1, len(truth)) * 1000, no_article


def evaluate(bench_dir: Path, n_bootstrap: int = N_BOOTSTRAP) -> dict[str, Any]:
    """Scores the HTML reader on the benchmark: precision, recall, F1, accuracy, ms/page."""
    bench_dir = Path(bench_dir)
    scorer = _load_scorer(bench_dir)
    predictions, ms_per_page, no_article = predict(bench_dir)
    with tempfile.TemporaryDirectory(prefix="storyline-html-bench-") as tmp:
        out = Path(tmp) / "output"
        out.mkdir()
        path = out / f"{PREDICTION_NAME}.json"
        path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
        # Score exactly what was written, the way evaluate.py's main() reads it.
        prediction, _version = scorer.load_prediction(path)
        truth = scorer.load_json(bench_dir / "ground-truth.json")
        metrics = scorer.evaluate(truth, prediction, n_bootstrap)
    return {
        "pages": len(predictions),
        "no_article": no_article,
        "f1": metrics["f1"],
        "precision": metrics["precision"],
        "recall": metrics["recall"],
        "accuracy": metrics["accuracy"],
        "f1_std": metrics.get("f1_std", 0.0),
        "ms_per_page": ms_per_page,
    }


def format_report(result: dict[str, Any]) -> str:
    return (
        f"pages {result['pages']} (no article: {result['no_article']})\n"
        f"F1 {result['f1']:.3f} ± {result['f1_std']:.3f}  precision {result['precision']:.3f}  "
        f"recall {result['recall']:.3f}  accuracy {result['accuracy']:.3f}\n"
        f"{result['ms_per_page']:.1f} ms/page"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_dir", type=Path, help="the article-extraction benchmark directory")
    parser.add_argument("--n-bootstrap", type=int, default=N_BOOTSTRAP)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = evaluate(args.bench_dir, args.n_bootstrap)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
