"""Storage: the SQLite :class:`Store`; :mod:`.resolution` holds the SQL of incremental resolution."""
from .db import ADDED, UNCHANGED, UPDATED, Store

__all__ = ["Store", "ADDED", "UPDATED", "UNCHANGED"]
