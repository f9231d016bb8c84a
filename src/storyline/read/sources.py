"""Where documents come from: files, directories (recursive), ``.gz`` files and ``-`` for stdin.

Sources are listed lazily and in a stable order (sorted paths), and each is opened only when its
turn comes, so a corpus is never held in memory. A file larger than the size limit is refused
before it is read: a 100 MB "article" is not an article. JSON Lines files are the exception: they
hold many articles and are streamed line by line, with the limit applied to each line.
"""
from __future__ import annotations

import gzip
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import DocumentTooLarge, ReadError

# Largest single document accepted. Long-form news runs to ~100 KB of HTML per page, large pages
# with inline scripts to a few MB; 20 MB leaves a wide margin.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# File names skipped when walking directories.
_SKIP_NAMES = {".DS_Store", "Thumbs.db"}
_SKIP_SUFFIXES = {".expected.json", ".gold.json"}


@dataclass(frozen=True, slots=True)
class Source:
    """One input file (or stdin) as given by the user."""

    name: str  # the path as given (relative to the user's argument), or "-"
    path: Path | None  # None for stdin

    @property
    def compressed(self) -> bool:
        return self.name.endswith(".gz")

    @property
    def inner_name(self) -> str:
        """The name without a trailing ``.gz``: its extension says the format."""
        return self.name[:-3] if self.compressed else self.name

    @property
    def suffix(self) -> str:
        return Path(self.inner_name).suffix.lower()

    def open(self) -> BinaryIO:
        """A binary stream of the (decompressed) content."""
        if self.path is None:
            raw: BinaryIO = sys.stdin.buffer
            head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
            return gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        try:
            if self.compressed:
                return gzip.open(self.path, "rb")
            return open(self.path, "rb")
        except OSError as e:
            raise ReadError(f"cannot open: {e.strerror or e}") from None

    def read_bytes(self, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
        """The whole content, refusing more than ``limit`` bytes (after decompression)."""
        if self.path is not None and not self.compressed:
            try:
                size = self.path.stat().st_size
            except OSError as e:
                raise ReadError(f"cannot read: {e.strerror or e}") from None
            if size > limit:
                raise DocumentTooLarge(f"document too large ({_mb(size)}; limit {_mb(limit)})")
        stream = self.open()
        try:
            data = stream.read(limit + 1)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise ReadError(f"cannot read: {getattr(e, 'strerror', None) or e}") from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        if len(data) > limit:
            raise DocumentTooLarge(f"document too large (over {_mb(limit)} decompressed)")
        return data


def display_name(name: str) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not UTF-8
    (which Python keeps as lone surrogates) are written as escapes (``caf\\xe9.txt``)."""
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def iter_sources(paths: list[str]) -> Iterator[Source | tuple[str, ReadError]]:
    """Expands the user's paths into sources, in order; a path that cannot be listed is an error."""
    for given in paths:
        if given == "-":
            yield Source("-", None)
            continue
        p = Path(given)
        shown = display_name(given)
        try:
            if p.is_dir():
                yield from _walk(p, given)
            elif p.exists():
                if not os.access(p, os.R_OK):
                    yield shown, ReadError("permission denied")
                else:
                    yield Source(shown, p)
            else:
                yield shown, ReadError("no such file or directory")
        except OSError as e:
            yield shown, ReadError(f"cannot read: {e.strerror or e}")


def _walk(root: Path, given: str) -> Iterator[Source | tuple[str, ReadError]]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith(".") or fn in _SKIP_NAMES or any(fn.endswith(s) for s in _SKIP_SUFFIXES):
                continue
            full = Path(dirpath) / fn
            name = display_name(os.path.join(given, os.path.relpath(full, root)))
            if not os.access(full, os.R_OK):
                yield name, ReadError("permission denied")
            else:
                yield Source(name, full)
        while errors:
            e = errors.pop(0)
            yield display_name(str(getattr(e, "filename", given))), ReadError(f"cannot list directory: {e.strerror or e}")
