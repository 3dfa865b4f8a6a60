"""The figures page's matplotlib charts are drawn once per change of their data, then kept."""

from unittest import mock

import pytest
from django.core.cache import caches

from core.models import Role
from documents import charts
from telephony.tests.test_views import imported, more_calls, url  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


def test_the_figures_page_draws_its_charts_once_and_again_after_an_import(
    org,
    imported,  # noqa: F811 -- the fixture imported above
    client_as,
    asterisk,
    write,
    run_import,
):
    caches[charts.CHARTS_CACHE].clear()
    reader = client_as(org, Role.READER)
    with mock.patch.object(charts, "to_svg", wraps=charts.to_svg) as draws:
        first = reader.get(url(org, "home"), {"periode": "2026-03"}).context["charts"]
        assert draws.call_count == 2  # the monthly bars and the heat map
        assert reader.get(url(org, "home"), {"periode": "2026-03"}).context["charts"] == first
        assert draws.call_count == 2  # kept: matplotlib not called again
        run_import(asterisk, write("More.csv", more_calls(20)))
        reader.get(url(org, "home"), {"periode": "2026-03"})
        assert draws.call_count == 4  # the data changed: both drawn again
