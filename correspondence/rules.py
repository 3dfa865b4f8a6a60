"""Which deadline applies to a request, and its due date in the town's calendar.

A rule for the channel and the category wins over the rule of the channel alone; a town that
starts with the defaults of commitment 17 (letters 15 working days, e-mails, web requests and
phone messages 5), created with the town (`ensure_defaults`, a town default of
core.registries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from core.models import Organisation
from core.workdays import calendar_for
from correspondence.models import (
    DEFAULT_CATEGORIES,
    DEFAULT_DEADLINES,
    AcknowledgementTemplate,
    Category,
    Channel,
    DeadlineRule,
)
from registers.deadlines import Deadline


@dataclass(frozen=True)
class RequestDeadline(Deadline):
    """The deadline of a request, and whether a dated holding reply counts as its answer."""

    holding_reply_counts: bool = False


@transaction.atomic
def ensure_defaults(organisation: Organisation) -> None:
    """Create what a town starts with, where it has none yet (idempotent): the deadline rule of
    each channel, the categories, the acknowledgement letter with its default French text."""
    for channel, days in DEFAULT_DEADLINES.items():
        DeadlineRule.objects.get_or_create(
            organisation=organisation, channel=channel, category=None, defaults={"days": days}
        )
    if not Category.objects.filter(organisation=organisation).exists():
        Category.objects.bulk_create(
            Category(organisation=organisation, code=code, name=name) for code, name in DEFAULT_CATEGORIES
        )
    AcknowledgementTemplate.objects.get_or_create(organisation=organisation)


RuleKey = tuple[str, int | None]


class Rules:
    """The town's rules loaded once, for forms, imports and metrics that look up many requests."""

    def __init__(self, organisation: Organisation) -> None:
        self.by_key: dict[RuleKey, RequestDeadline] = {
            (rule.channel, rule.category_id): RequestDeadline(rule.days, rule.business_days, rule.holding_reply_counts)
            for rule in DeadlineRule.objects.filter(organisation=organisation)
        }

    def deadline(self, channel: str, category_id: int | None) -> RequestDeadline:
        found = self.by_key.get((channel, category_id)) or self.by_key.get((channel, None))
        if found is not None:
            return found
        return RequestDeadline(DEFAULT_DEADLINES.get(Channel(channel), 15), False)


@dataclass(frozen=True)
class DuePreview:
    deadline: RequestDeadline
    due_on: dt.date


def preview_due_date(
    organisation: Organisation, *, channel: str, category_id: int | None, received_on: dt.date
) -> DuePreview:
    """The deadline and due date a request would get: what the registration form shows at once."""
    deadline = Rules(organisation).deadline(channel, category_id)
    return DuePreview(deadline, deadline.due_on(calendar_for(organisation), received_on))
