"""{% closing_notice record %}: on a record's page, the corrections made to it after its year
was closed (core.closing, ADR 0025), each dated, signed and with its reason. Nothing when it has
none; one query.

{% asks_correction_reason day as asks %}: whether a change of a record of `day` needs its
reason now (its year is closed, the town keeps such changes as dated corrections), so that a
page whose buttons change it at once (an appointment's steps, a ticket's moves) asks for the
reason with them (`includes/correction_reason.html`) rather than after a refusal."""

import datetime as dt
from typing import Any

from django import template
from django.db import models

from core.closing import is_closed, local_day, record_corrections
from core.models import ClosedYearChanges

register = template.Library()


@register.inclusion_tag("core/includes/closing_notice.html", takes_context=True)
def closing_notice(context: template.Context, record: models.Model | None) -> dict[str, Any]:
    organisation = context.get("org")
    if record is None or organisation is None or record.pk is None:
        return {"corrections": []}
    return {"corrections": record_corrections(organisation, record), "org": organisation}


@register.simple_tag(takes_context=True)
def asks_correction_reason(context: template.Context, day: dt.date | dt.datetime | None) -> bool:
    organisation = context.get("org")
    if organisation is None or day is None or organisation.closed_year_changes != ClosedYearChanges.CORRECTION:
        return False
    year = local_day(day, organisation).year
    return year < organisation.today().year and is_closed(organisation, year)  # no query for this year's
