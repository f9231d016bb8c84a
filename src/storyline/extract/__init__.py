"""Per-article extraction: pure functions from a cleaned Article to span-carrying items. No I/O.

The order matters and is explicit: entities first (quotes and figures use them to give speakers and
sources their canonical names), then quotes, figures and dates.
"""
from __future__ import annotations

from ..model import Article, Extraction
from .dates import extract_dates
from .entities import extract_entities
from .figures import extract_figures
from .quotes import extract_quotes

# Bump when an extractor's output changes, so that ``ingest`` re-extracts stored articles.
EXTRACTOR_VERSION = "1"


def extract(article: Article) -> Extraction:
    """Runs every extractor on one cleaned article."""
    entities = extract_entities(article)
    return Extraction(
        article=article,
        quotes=extract_quotes(article, entities),
        figures=extract_figures(article, entities),
        dates=extract_dates(article),
        entities=entities,
    )
