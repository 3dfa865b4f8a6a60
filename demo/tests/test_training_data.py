"""The demo's training records, on one demo town built without its activity: the roster, the
sessions of three years, the newcomers, and the indicator values they give (hand-computed)."""

import datetime as dt
import random

import pytest

from commitments.frameworks import load_framework
from core.metrics import MetricQuery
from core.periods import Granularity, Period
from demo.generator import TOWNS, build_town
from demo.training_data import add_training
from training.metrics import agents_briefed, front_line_trained, newcomers_briefed_on_time
from training.models import Agent, TrainingSession
from training.queries import newcomers

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)
YEAR = Period(dt.date(2026, 1, 1), Granularity.YEAR)


@pytest.fixture
def town():
    organisation = build_town(TOWNS[0], random.Random(2026), TODAY)
    load_framework(organisation=organisation, code="qualivilles")
    return organisation


def test_the_demo_town_has_its_roster_sessions_and_newcomers(town):
    counts = add_training(town, today=TODAY)
    assert (counts.agents, counts.newcomers) == (12, 3)
    assert Agent.objects.filter(organisation=town, user__isnull=False).count() == 6
    # three years of January briefing, March and October trainings, and two newcomers' briefings
    assert counts.sessions == TrainingSession.objects.filter(organisation=town).count() == 11
    sheets = TrainingSession.objects.filter(organisation=town).exclude(attendance_sheet="")
    assert [session.held_on for session in sheets] == [dt.date(2026, 10, 8)]
    assert sheets[0].attendance_sheet.open("rb").read(5) == b"%PDF-"


def test_the_newcomers_are_one_on_time_one_late_and_one_still_to_brief(town):
    add_training(town, today=TODAY)
    states = [row.state.label for row in newcomers(town, today=TODAY)]
    assert states == ["à sensibiliser", "sensibilisé après le délai", "sensibilisé dans le délai"]


def test_this_years_indicators_follow_the_demo_records(town):
    add_training(town, today=TODAY)
    query = MetricQuery(organisation=town, period=YEAR)
    # 10 front-line agents in post (6 with accounts, the annex agent, 3 newcomers); trained: the
    # 3 reception agents in March, the 3 civil registry agents and the annex agent in October
    trained = front_line_trained(query)
    assert trained is not None
    assert (trained.numerator, trained.denominator) == (7, 10)
    # 11 in post (and the archivist); the January briefing reached 8, the newcomers' 2 more
    briefed = agents_briefed(query)
    assert briefed is not None
    assert (briefed.numerator, briefed.denominator) == (10, 11)
    on_time = newcomers_briefed_on_time(query, today=TODAY)
    assert on_time is not None
    assert (on_time.numerator, on_time.denominator) == (1, 2)


def test_the_demo_stores_the_training_indicators_of_its_three_years(town, django_capture_on_commit_callbacks):
    from commitments.models import IndicatorValue
    from demo.generator import recompute_demo_indicators

    add_training(town, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        recompute_demo_indicators(town, TODAY, prefixes=("training",))
    stored = IndicatorValue.objects.filter(organisation=town, service=None, site=None, granularity="year")
    this_year = dict(
        (code, (numerator, denominator))
        for code, numerator, denominator in stored.filter(period_start=YEAR.start).values_list(
            "indicator__code", "numerator", "denominator"
        )
    )
    assert this_year == {"11.1": (7, 10), "22.1": (10, 11), "22.2": (1, 2)}
    assert set(stored.values_list("period_start__year", flat=True)) == {2024, 2025, 2026}
