"""Reads for the publication pages: the years a town may publish, its publications."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, QuerySet

from commitments.models import IndicatorValue
from core.models import Organisation
from publication.models import Publication


def publishable_years(organisation: Organisation, today: dt.date) -> list[int]:
    """The complete years from the first with a stored value on, the latest first. One query."""
    first = IndicatorValue.objects.for_org(organisation).aggregate(first=Min("period_start"))["first"]
    if first is None:
        return []
    return list(range(today.year - 1, first.year - 1, -1))


def publications(organisation: Organisation) -> QuerySet[Publication]:
    """The town's publications, the latest year and version first, with who validated them."""
    return Publication.objects.for_org(organisation).select_related("validated_by").order_by("-year", "-version")


def latest_publication(organisation: Organisation, year: int | None = None) -> Publication | None:
    """The latest version of the latest year published (or of `year`)."""
    found = Publication.objects.for_org(organisation).order_by("-year", "-version")
    return (found.filter(year=year) if year is not None else found).first()


def earlier_publications(organisation: Organisation) -> list[tuple[int, int, dt.datetime]]:
    """(year, version, validated_at) of every publication, for the public page's list."""
    rows = Publication.objects.for_org(organisation).order_by("-year", "-version")
    return list(rows.values_list("year", "version", "validated_at"))
