"""The rows an importer produces for the database: tuples laid out as its `InsertTarget`, each
with a stable key. A line read from a file is a `documents.tabular.Row`; this is what it becomes.

The key makes the same row, read twice (the same file, an overlapping file, two imports at
once), count once: the unique `(organisation, dedupe_key)` constraint refuses the second."""

from __future__ import annotations

import hashlib
from typing import Any

InsertRow = tuple[Any, ...]
MAX_KEY = 64  # the length of the models' dedupe_key column


def dedupe_key(prefix: str, *parts: str) -> str:
    """A stable key: the parts themselves when short (time-ordered, so the unique index
    grows at its end), else their hash."""
    text = prefix + "/".join(parts)
    if len(text) <= MAX_KEY:
        return text
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[: MAX_KEY - len(prefix) - 1]
