"""Numbers written the French way on pages and in PDFs: a decimal comma, a non-breaking space
before the unit ("92,5 %", "+3,2 pts")."""

from __future__ import annotations

NBSP = "\u00a0"  # keeps "≥ 90 %" on one line, as French typography wants


def format_number(number: float) -> str:
    """French decimal writing, at most two decimals, no trailing zeros: 92,5 ; 100 ; 0,25."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def format_count(count: int) -> str:
    """A whole number with its thousands apart, as French writes them: 100000 → "100 000"."""
    return f"{count:,}".replace(",", NBSP)


def format_share(share: float) -> str:
    """A fraction as a percentage with one decimal at most: 0.8125 → "81,3 %"."""
    return f"{format_number(round(100 * share, 1))}{NBSP}%"


def format_points(points: float) -> str:
    """A change in percentage points, signed: "+3,2 pts", "−1 pt", "0 pt" (a true minus sign)."""
    rounded = round(points, 1)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    unit = "pts" if abs(rounded) >= 2 else "pt"
    return f"{sign}{format_number(abs(rounded))}{NBSP}{unit}"
