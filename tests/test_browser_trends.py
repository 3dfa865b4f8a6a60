"""The trend pages in a real browser, with values to draw: axe finds no violation with the
charts, their opened data tables and the filters; the reader's summary fits a phone far better
than the overview."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from commitments.tests.conftest import keep_typed
from core.models import Role
from core.periods import recent_periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe = Axe()


def fill_values(org):
    load_framework(organisation=org, code="qualivilles")
    keep_typed(org)  # the grid indicators typed, as before issue 13: charts of many typed values
    for number, indicator in enumerate(Indicator.objects.filter(organisation=org, metric_key__startswith="manual.")):
        for index, period in enumerate(recent_periods(indicator.granularity, dt.date.today(), 14)):
            value = 1.0 if indicator.unit == "oui/non" else 80.0 + (number * 7 + index * 3) % 25
            IndicatorValue.objects.create(
                organisation=org,
                indicator=indicator,
                granularity=period.granularity,
                period_start=period.start,
                value=value,
            )


def test_the_trend_pages_have_no_accessibility_violation(live_server, org, make_member, log_in):
    fill_values(org)
    commitment = Indicator.objects.filter(organisation=org, metric_key="manual.share")[0].commitment
    page = log_in(make_member(org, Role.READER))
    for path in (
        reverse("commitments:summary", args=[org.slug]),
        reverse("commitments:summary", args=[org.slug]) + "?non_atteints=1",
        reverse("commitments:overview", args=[org.slug]) + "?statut=atteint",
        reverse("commitments:commitment_detail", args=[org.slug, commitment.pk]),
    ):
        page.goto(live_server.url + path)
        for details in page.locator("details").all():
            details.locator("summary").click()
        assert page.locator('svg[role="img"]').count() > 0 or "synthese" in path or "statut" in path
        results = axe.run(page)
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"


def test_the_summary_is_far_shorter_than_the_overview_on_a_phone(live_server, org, make_member, log_in):
    fill_values(org)
    page = log_in(make_member(org, Role.READER))
    page.set_viewport_size({"width": 375, "height": 800})
    heights = {}
    for name in ("summary", "overview"):
        page.goto(live_server.url + reverse(f"commitments:{name}", args=[org.slug]))
        heights[name] = page.evaluate("document.documentElement.scrollHeight")
    assert heights["summary"] * 3 < heights["overview"], heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
