"""Display helpers for commitment pages."""

from django import template

from commitments.models import format_measure, format_number

register = template.Library()


@register.filter
def measure(value: float | str | None, unit: str) -> str:
    """A value with its unit: {{ value.value|measure:indicator.unit }} → "92,5 %". A missing
    value (None, or "" when the template lookup failed) shows as a dash."""
    return format_measure(None if value in (None, "") else float(value), unit)


@register.filter
def number(value: float | str | None) -> str:
    """A bare number in French writing, or a dash when empty."""
    return "—" if value in (None, "") else format_number(float(value))
