import pytest

from commitments.frameworks import load_framework
from core.registries import commitment_choices

pytestmark = pytest.mark.django_db


def test_a_town_offers_its_followed_commitments_to_the_registers(org, other_org):
    load_framework(organisation=org, code="qualivilles")
    choices = commitment_choices(org)
    assert len(choices) == 23
    assert choices[7][0] == "8" and choices[7][1].startswith("8. ")
    assert commitment_choices(other_org) == []


def test_with_two_frameworks_the_codes_name_their_framework(org):
    load_framework(organisation=org, code="qualivilles")
    load_framework(organisation=org, code="services-publics-plus")
    codes = [code for code, _ in commitment_choices(org)]
    assert len(codes) == 31 and len(set(codes)) == 31
    assert "qualivilles:8" in codes


def test_a_change_in_operational_records_recomputes_the_months_quarters_and_years_concerned(
    org, django_capture_on_commit_callbacks
):
    import datetime as dt

    from commitments.models import Indicator, IndicatorValue
    from core.metrics import Measure, Metric
    from core.registries import METRICS, records_changed

    load_framework(organisation=org, code="qualivilles")
    METRICS.register(
        "fake.rate", Metric(key="fake.rate", label="Taux", unit="%", compute=lambda query: Measure(value=50.0))
    )
    try:
        Indicator.objects.filter(organisation=org, code="16.1").update(metric_key="fake.rate", granularity="month")
        Indicator.objects.filter(organisation=org, code="16.2").update(metric_key="fake.rate", granularity="quarter")
        with django_capture_on_commit_callbacks(execute=True):
            records_changed(organisation=org, metric_prefix="fake", months={dt.date(2026, 3, 1), dt.date(2026, 4, 1)})
    finally:
        METRICS.unregister("fake.rate")
    stored = IndicatorValue.objects.filter(organisation=org).values_list("indicator__code", "period_start")
    assert sorted(stored) == [
        ("16.1", dt.date(2026, 3, 1)),
        ("16.1", dt.date(2026, 4, 1)),
        ("16.2", dt.date(2026, 1, 1)),
        ("16.2", dt.date(2026, 4, 1)),
    ]
