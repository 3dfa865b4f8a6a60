"""One object of each kind the written-request URLs point at, for the URL walkers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Organisation, Service
from correspondence.actions import register_request
from correspondence.models import Category, Channel, DeadlineRule, WrittenRequest
from correspondence.rules import ensure_defaults


def sample_values(organisation: Organisation) -> dict[str, Any]:
    ensure_defaults(organisation)
    category = Category.objects.filter(organisation=organisation).order_by("pk").first()
    rule = DeadlineRule.objects.create(organisation=organisation, channel=Channel.LETTER, category=category, days=10)
    written = register_request(
        organisation=organisation,
        actor=None,
        channel=Channel.LETTER,
        received_on=dt.date(2026, 7, 10),
        service=Service.objects.filter(organisation=organisation).first(),
        category=category,
        subject="Demande témoin",
        requester_name="Usager témoin",
    )
    return {"request_id": written.pk, "rule_id": rule.pk, "category_id": category.pk if category else 0}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """Ids in a demo town; a town without requests yet (demo not wired) gets sample ones."""
    written = WrittenRequest.objects.filter(organisation=organisation).order_by("pk").first()
    rule = DeadlineRule.objects.filter(organisation=organisation).order_by("pk").first()
    category = Category.objects.filter(organisation=organisation).order_by("pk").first()
    if written is None or rule is None or category is None:
        return sample_values(organisation)
    return {"request_id": written.pk, "rule_id": rule.pk, "category_id": category.pk}
