"""Publication dates as documents state them, normalised to ``YYYY-MM-DD``.

Accepts ISO dates and datetimes (``2025-08-22``, ``2025-08-22T05:44:58Z``), RFC 2822 dates as in
feeds (``Fri, 22 Aug 2025 05:44:58 GMT``) and the common written forms (``August 22, 2025``,
``22 August 2025``). A value that names an impossible day (``2024-13-45``) or lies outside
1800–2199 raises :class:`BadDate`; a value that is no date at all returns ``None``.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re

from ..errors import BadDate

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s].*)?$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_SLASHED = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_WRITTEN_MDY = re.compile(r"^\s*(?:\w+,\s*)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_WRITTEN_DMY = re.compile(r"^\s*(?:\w+,\s*)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")

MIN_YEAR, MAX_YEAR = 1800, 2199


def normalize_published(value: object) -> str | None:
    """``YYYY-MM-DD`` for a stated publication date, ``None`` when there is none."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day, str(value))
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, str(value))
    s = str(value).strip()
    if not s:
        return None
    for rx in (_ISO, _COMPACT, _SLASHED):
        m = rx.match(s)
        if m:
            return _checked(int(m[1]), int(m[2]), int(m[3]), s)
    m = _WRITTEN_MDY.match(s)
    if m and m[1][:3].lower() in _MONTHS:
        return _checked(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]), s)
    m = _WRITTEN_DMY.match(s)
    if m and m[2][:3].lower() in _MONTHS:
        return _checked(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]), s)
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _checked(parsed.year, parsed.month, parsed.day, s)
    return None


def _checked(year: int, month: int, day: int, given: str) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadDate(f"impossible publication date {given!r} (year out of range)")
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise BadDate(f"impossible publication date {given!r}") from None
