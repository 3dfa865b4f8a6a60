"""Filters of the evidence pack's index and pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template

from commitments.models import IndicatorValue
from core.journal import SYSTEM
from core.models import User
from evidence.contents import verdict
from evidence.models import EvidencePack

register = template.Library()


@register.filter
def verdict_label(value: IndicatorValue) -> str:
    """{{ value|verdict_label }}: "Atteint", "Non atteint" (a closed year's periods are complete)."""
    return verdict(value)


@register.filter
def join_sorted(codes: Iterable[str]) -> str:
    """{{ check.codes|join_sorted }}: "1, 2, 10", in the commitments' order."""
    return ", ".join(sorted(codes, key=lambda code: (len(code), code)))


@register.filter
def person_named(user: User | None) -> str:
    """{{ closing.closed_by|person_named }}: the person's full name, else their e-mail, else "système"."""
    if user is None:
        return SYSTEM
    return user.full_name or user.email


@register.filter
def interrupted_at(pack: EvidencePack | None, now: dt.datetime) -> bool:
    """{% if pack|interrupted_at:now %}: still marked running, its progress stopped long ago."""
    return pack is not None and pack.interrupted(now)


@register.filter
def seconds_text(duration: dt.timedelta | None) -> str:
    """{{ pack.duration|seconds_text }}: "42 s", "3 min 05 s"; a dash while unknown."""
    if duration is None:
        return "—"
    minutes, seconds = divmod(round(duration.total_seconds()), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
