"""{% closing_notice record %}: on a record's page, the corrections made to it after its year
was closed (core.closing, ADR 0025), each dated, signed and with its reason. Nothing when it has
none; one query."""

from typing import Any

from django import template
from django.db import models

from core.closing import record_corrections

register = template.Library()


@register.inclusion_tag("core/includes/closing_notice.html", takes_context=True)
def closing_notice(context: template.Context, record: models.Model | None) -> dict[str, Any]:
    organisation = context.get("org")
    if record is None or organisation is None or record.pk is None:
        return {"corrections": []}
    return {"corrections": record_corrections(organisation, record), "org": organisation}
