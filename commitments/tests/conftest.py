"""Fixtures of the commitment tests: a town that follows Qualivilles, and manual indicators."""

import datetime as dt

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.metrics import Measure, Metric
from core.registries import METRICS

TODAY = dt.date(2026, 4, 15)


# Since issue 13 the catalogue measures these from the filled grids ("audits.score"). The tests
# of typed values (entry, evidence, trends, exports) keep them typed, as a town that goes on
# entering its own figures has them: a typed share (4.1) and typed scores.
TYPED_AS_BEFORE = {"4.1": "manual.share"} | {
    code: "manual.score" for code in ("1.1", "2.1", "3.1", "5.1", "7.2", "10.1", "12.2", "14.2", "15.1")
}


def keep_typed(organisation) -> None:
    """Give the town's Qualivilles grid indicators back their typed measure (TYPED_AS_BEFORE)."""
    for code, metric_key in TYPED_AS_BEFORE.items():
        Indicator.objects.filter(
            organisation=organisation, commitment__framework__code="qualivilles", code=code
        ).update(metric_key=metric_key, params={})


@pytest.fixture
def qualivilles(org):
    framework = load_framework(organisation=org, code="qualivilles")
    keep_typed(org)
    return framework


def indicator_of(organisation, code: str) -> Indicator:
    return Indicator.objects.get(organisation=organisation, commitment__framework__code="qualivilles", code=code)


@pytest.fixture
def share_indicator(qualivilles, org) -> Indicator:
    """4.1: share of leaflets and web pages up to date, monthly, target ≥ 100 %."""
    return indicator_of(org, "4.1")


@pytest.fixture
def score_indicator(qualivilles, org) -> Indicator:
    """7.2: mystery-visit score, quarterly, target ≥ 90 %."""
    return indicator_of(org, "7.2")


@pytest.fixture
def planned_indicator(qualivilles, org) -> Indicator:
    """9.1 made to name a metric no app registers (as a town's own framework may, for a
    module to come): it is computed, never typed, and has no value yet."""
    indicator = indicator_of(org, "9.1")
    indicator.metric_key = "test.module_a_venir"
    indicator.save(update_fields=["metric_key"])
    return indicator


@pytest.fixture
def constant_metric():
    """A computed metric registered for one test only: 80 of 100, whatever the query."""
    calls = []

    def compute(query):
        calls.append(query)
        return Measure(value=80.0, numerator=80, denominator=100, sample_size=100)

    METRICS.register("test.constant", Metric(key="test.constant", label="Constante de test", unit="%", compute=compute))
    yield calls
    METRICS.unregister("test.constant")
