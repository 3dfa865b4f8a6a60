"""Fixtures of the commitment tests: a town that follows Qualivilles, and manual indicators."""

import datetime as dt

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.metrics import Measure, Metric
from core.registries import METRICS

TODAY = dt.date(2026, 4, 15)


@pytest.fixture
def qualivilles(org):
    return load_framework(organisation=org, code="qualivilles")


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
    """9.1: appointments started on time, computed by a module to come."""
    return indicator_of(org, "9.1")


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
