"""The rows an importer produces for the database: tuples laid out as its `InsertTarget`, each
with a stable key. A line read from a file is a `documents.tabular.Row`; this is what it becomes.

The key makes the same row, read twice (the same file, an overlapping file, two imports at
once), count once: the unique `(organisation, dedupe_key)` constraint refuses the second."""

from __future__ import annotations

import datetime as dt
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


# The binary form of a row (an `InsertTarget` with `binary`): a time as microseconds since
# 2000-01-01 00:00 UTC, a day as days since 2000-01-01, as PostgreSQL holds them. A binary COPY
# sends them as they are (no text for the server to parse, none for this process to write);
# SQLite turns them into its texts in the statement (imports.writing). The readers of call
# logs write their rows so: they add numbers they have, where a text costs a concatenation.
EPOCH_2000 = 946_684_800  # 2000-01-01 00:00 UTC, in Unix seconds
DAYS_1970_TO_2000 = 10_957
ORDINAL_2000 = dt.date(2000, 1, 1).toordinal()


def micros_2000(epoch: int) -> int:
    """Unix seconds as the binary form of a time."""
    return (epoch - EPOCH_2000) * 1_000_000


def epoch_of_micros(micros: int) -> int:
    """The binary form of a time as Unix seconds."""
    return micros // 1_000_000 + EPOCH_2000


def day_number(day: dt.date) -> int:
    """A day as its binary form."""
    return day.toordinal() - ORDINAL_2000


def day_text(number: int) -> str:
    """The binary form of a day as "YYYY-MM-DD"."""
    return dt.date.fromordinal(number + ORDINAL_2000).isoformat()
