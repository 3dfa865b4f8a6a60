"""A town following Qualivilles with stored values of 2025, its quality manager, and a helper
that stores a value as the indicator engine would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.models import Organisation, Role, Service, User
from core.periods import Granularity, Period

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # 2025 is complete, 2026 is not

Store = Callable[..., IndicatorValue]


@pytest.fixture
def town(org: Organisation) -> Organisation:
    load_framework(organisation=org, code="qualivilles")
    return org


@pytest.fixture
def store(town: Organisation) -> Store:
    """store("16.2", "2025-03", 90, 100): a value of the indicator's period (its own
    granularity), for the town or a service; sample size = denominator unless given."""

    def make(
        code: str,
        period: str,
        numerator: float | None,
        denominator: float | None,
        *,
        sample: int | None = None,
        value: float | None = None,
        service: Service | None = None,
        framework: str = "qualivilles",
    ) -> IndicatorValue:
        indicator = Indicator.objects.get(organisation=town, code=code, commitment__framework__code=framework)
        parsed = Period.parse(period)
        assert parsed.granularity == Granularity(indicator.granularity), (code, period)
        if value is None and numerator is not None and denominator:
            value = 100 * numerator / denominator
        return IndicatorValue.objects.create(
            organisation=town,
            indicator=indicator,
            granularity=parsed.granularity,
            period_start=parsed.start,
            service=service,
            numerator=numerator,
            denominator=denominator,
            value=value,
            sample_size=sample if sample is not None else int(denominator or 0),
        )

    return make


@pytest.fixture
def year_2025(store: Store) -> None:
    """A year of calls (1 000 presented, 912 answered), letters, and a small survey question."""
    for month in range(1, 13):
        presented = 83 if month <= 8 else 84  # 1 000 presented calls, 912 answered
        store("16.2", f"2025-{month:02d}", 76, presented)
    store("17.1", "2025-06", 57, 60)
    store("20.2", "2025", 92, 100)
    store("1.2", "2025", 3, 4)  # signage: 4 answers only


@pytest.fixture
def manager(town: Organisation, make_member: Callable[..., User]) -> User:
    return make_member(town, Role.QUALITY_MANAGER)
