"""The demo town's published results: last year's, validated by its quality manager through
the product's own action, so that /p/<town>/resultats/ shows a page, its posters and its open
data from the first `make run`. Run after the town's values are stored (demo.generator.build_demo)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.localtime import aware_local
from core.models import Membership, Organisation, Role
from publication.actions import publish_results
from publication.models import Publication

PUBLISHED_ON = (1, 15)  # mid-January: the year's values are final


def publish_demo_results(organisation: Organisation, *, today: dt.date) -> Publication:
    """Last year's results, published by the quality manager in mid-January (or today, when
    the demo is built earlier in the year)."""
    manager = Membership.objects.for_org(organisation).get(role=Role.QUALITY_MANAGER).user
    day = min(today, dt.date(today.year, *PUBLISHED_ON))
    moment = aware_local(dt.datetime.combine(day, dt.time(10, 0)), organisation.time_zone)
    return publish_results(
        organisation=organisation, year=today.year - 1, actor=manager, now=min(moment, timezone.now())
    )
