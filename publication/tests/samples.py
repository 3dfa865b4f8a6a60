"""A publication for the URL walkers: the town's 2025 results, published (sample_values), or
the demo town's own publication (existing_values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commitments.actions import record_manual_value
from commitments.models import Indicator, IndicatorValue
from core.models import Organisation
from core.periods import Period
from publication.actions import publish_results
from publication.models import Publication

PUBLISHED_AT = dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC)  # 2025 is over


def _keys(publication: Publication) -> dict[str, Any]:
    return {"publication_id": publication.pk, "year": publication.year, "version": publication.version}


def sample_values(organisation: Organisation) -> dict[str, Any]:
    """2025 published, with one value stored (tests.samples gives the town indicator 6.2)."""
    if not IndicatorValue.objects.for_org(organisation).filter(period_start__year=2025).exists():
        indicator = Indicator.objects.get(
            organisation=organisation, code="6.2", commitment__framework__code="qualivilles"
        )
        record_manual_value(indicator=indicator, period=Period.parse("2025"), actor=None, value=1)
    return _keys(publish_results(organisation=organisation, year=2025, actor=None, now=PUBLISHED_AT))


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's publication (demo.publication_data); one published now while it has none."""
    publication = Publication.objects.for_org(organisation).order_by("-year", "-version").first()
    if publication is None:
        return sample_values(organisation)
    return _keys(publication)
