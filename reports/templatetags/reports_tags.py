"""Display helpers for reports: French numbers, shares and durations."""

from __future__ import annotations

import datetime as dt

from django import template

from commitments.models import NBSP, format_number
from core.workdays import french_date
from documents.french import format_count

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """A percentage (0 to 100) with one decimal: 92,5 %; a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}".replace(".", ",") + f"{NBSP}%"


@register.filter
def decimal(value: float | None) -> str:
    """A number with at most one decimal, in French writing: 2,3; a dash when empty."""
    if value is None or value == "":
        return "—"
    return format_number(round(float(value), 1))


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as minutes and seconds: 150 → 2 min 30 s; 45 → 45 s; a dash when empty."""
    if seconds is None or seconds == "":
        return "—"
    total = round(float(seconds))
    minutes, rest = divmod(total, 60)
    if not minutes:
        return f"{rest}{NBSP}s"
    return f"{minutes}{NBSP}min {rest:02d}{NBSP}s"


@register.filter
def at(sequence: list, index: int) -> object:
    """The item of a list at a position known only in the template's loop."""
    return sequence[index]


@register.filter
def thousands(count: int) -> str:
    """A whole number with its thousands apart: 100000 → 100 000."""
    return format_count(int(count))


@register.filter
def long_date(day: dt.date) -> str:
    """A day as a French reader writes it: "mercredi 1er avril 2026"."""
    return french_date(day)
