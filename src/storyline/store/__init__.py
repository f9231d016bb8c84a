"""Storage: the SQLite :class:`Store`."""
from .db import ADDED, UNCHANGED, UPDATED, Store

__all__ = ["Store", "ADDED", "UPDATED", "UNCHANGED"]
