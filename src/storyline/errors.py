"""The storyline error tree. Each failure class has its own exception; its docstring is the message.

Layer 0: standard library only. ``run()`` catches :class:`StorylineError` per document, records a
:class:`~storyline.model.Problem` and goes on; anything else is a bug and is not caught.
"""
from __future__ import annotations


class StorylineError(Exception):
    """storyline could not process a document."""

    stage = "run"

    @property
    def kind(self) -> str:
        return type(self).__name__


class ReadError(StorylineError):
    """The document could not be read."""

    stage = "read"


class EmptyDocument(ReadError):
    """The document is empty."""


class BinaryDocument(ReadError):
    """The document is binary, not text."""


class DocumentTooLarge(ReadError):
    """The document is larger than the size limit."""


class BadFrontMatter(ReadError):
    """The YAML front matter is broken or unclosed."""


class BadRecord(ReadError):
    """A JSON record is malformed."""


class CleanError(StorylineError):
    """The document has no article text after cleaning."""

    stage = "clean"


class NoArticle(CleanError):
    """No article body was found in the document."""


class BadDate(CleanError):
    """The document's publication date is impossible."""


class ExtractError(StorylineError):
    """Extraction failed for the article."""

    stage = "extract"


class DocumentTimeout(ExtractError):
    """The document took longer than its time budget and was skipped."""

    kind = "timeout"  # one kind for every stage it can happen in (see storyline.budget)


class ResolveError(StorylineError):
    """Cross-article resolution failed."""

    stage = "resolve"


class StoreError(StorylineError):
    """The store could not be read or written."""

    stage = "store"


class ConfigError(StorylineError):
    """The configuration is invalid."""

    stage = "config"
