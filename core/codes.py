"""Codes people read aloud, type from paper or scan: a complaint's tracking number, a survey's
public address. No I, O, 0 or 1, which are mistaken for one another."""

from __future__ import annotations

import secrets
from collections.abc import Callable

READABLE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_code(length: int, *, choose: Callable[[str], str] = secrets.choice) -> str:
    """A random code of `length` readable characters (32 per place: 8 places give 2^40)."""
    return "".join(choose(READABLE_ALPHABET) for _ in range(length))
