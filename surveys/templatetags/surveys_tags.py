"""Display helpers for survey results: French shares and changes, the bar of a share."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from documents.french import format_points, format_share
from documents.svg import share_bar

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A fraction (0 to 1) as "81,3 %"; a dash when there is none."""
    return "—" if share is None else format_share(share)


@register.filter
def signed_points(points: float | None) -> str:
    """A change already in percentage points, as "+3,2 pts"; a dash when there is none."""
    return "—" if points is None else format_points(points)


@register.filter
def share_points(fraction: float | None) -> str:
    """A difference of two shares given as a fraction (net satisfaction: 0.6), as "+60 pts"."""
    return "—" if fraction is None else format_points(100 * fraction)


@register.simple_tag
def bar(share: float) -> SafeString:
    return share_bar(share)
