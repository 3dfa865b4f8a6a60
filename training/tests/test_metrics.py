"""Indicators 11.1, 22.1 and 22.2 on a small roster whose figures are computed by hand
(docs/training.md gives the definitions).

The roster, briefing deadline 30 days, the year 2026 measured:
- Anne: front line since 2020, trained on commitment 11 in March, briefed in April;
- Bruno: front line since 2020, left on 30 June 2026 (in post during the year), briefed in April;
- Chloé: front line, left on 31 December 2025: not in post in 2026, her 2025 training ignored;
- David: back office since 2020 (not in 11.1), never briefed;
- Emma: front line, arrived 15 December 2026: her deadline (14 January 2027) falls after the
  year's end, so 22.2 of 2026 leaves her out; 2027 judges her;
- Farid: front line, arrived 1 February 2026 (deadline 3 March), briefed 10 April: late; his
  training in May covered no commitment, so it does not count for 11.1;
- Gaëlle: front line, arrived 20 March 2026 (deadline 19 April), briefed 10 April: on time,
  trained on commitments 11 and 22 in June;
- Hugo: front line, arrived 1 September 2026, left on 15 September before his deadline
  (1 October), never briefed: left out of 22.2.

11.1 = trained front-line agents in post / front-line agents in post = {Anne, Gaëlle} / {Anne,
Bruno, Emma, Farid, Gaëlle, Hugo} = 2/6. 22.1 = {Anne, Bruno, Farid, Gaëlle} / the 7 in post
= 4/7. 22.2 = {Gaëlle} / {Farid, Gaëlle} = 1/2."""

import datetime as dt

import pytest

from core.metrics import Measure, MetricQuery
from core.models import Service
from core.periods import Granularity, Period
from core.registries import METRICS
from training.metrics import (
    AGENTS_BRIEFED,
    FRONT_LINE_TRAINED,
    NEWCOMERS_BRIEFED_ON_TIME,
    agents_briefed,
    front_line_trained,
    newcomers_briefed_on_time,
)
from training.models import Kind

pytestmark = pytest.mark.django_db

YEAR_2026 = Period(dt.date(2026, 1, 1), Granularity.YEAR)
YEAR_2027 = Period(dt.date(2027, 1, 1), Granularity.YEAR)
OLD = dt.date(2020, 1, 6)


@pytest.fixture
def roster(org, make_agent, make_session):
    reception = Service.objects.get(organisation=org, code="accueil")
    agents = {
        "anne": make_agent("Anne Martin", OLD, service=reception),
        "bruno": make_agent("Bruno Roux", OLD, service=reception, departed_on=dt.date(2026, 6, 30)),
        "chloe": make_agent("Chloé Morel", OLD, departed_on=dt.date(2025, 12, 31)),
        "david": make_agent("David Garnier", OLD, front_line=False),
        "emma": make_agent("Emma Girard", dt.date(2026, 12, 15)),
        "farid": make_agent("Farid Lefèvre", dt.date(2026, 2, 1)),
        "gaelle": make_agent("Gaëlle Fontaine", dt.date(2026, 3, 20)),
        "hugo": make_agent("Hugo Bernard", dt.date(2026, 9, 1), departed_on=dt.date(2026, 9, 15)),
    }
    make_session(dt.date(2025, 10, 6), [agents["chloe"], agents["anne"]])
    make_session(dt.date(2026, 3, 2), [agents["anne"]])
    make_session(dt.date(2026, 5, 4), [agents["farid"]], commitments=[])
    make_session(dt.date(2026, 6, 1), [agents["gaelle"]], commitments=["11", "22"])
    make_session(
        dt.date(2026, 4, 10),
        [agents["anne"], agents["bruno"], agents["farid"], agents["gaelle"]],
        kind=Kind.BRIEFING,
        topic="Les engagements Qualivilles",
        commitments=[],
    )
    return agents


def measured(measure: Measure | None) -> Measure:
    assert measure is not None
    return measure


def query(org, period=YEAR_2026, **fields):
    return MetricQuery(organisation=org, period=period, **fields)


def ids(roster, *names):
    return tuple(sorted(roster[name].pk for name in names))


def test_front_line_agents_in_post_during_the_year_trained_on_a_commitment(org, roster):
    measure = measured(front_line_trained(query(org)))
    assert (measure.numerator, measure.denominator) == (2, 6)
    assert measure.value == pytest.approx(100 * 2 / 6)
    assert measure.record_ids == ids(roster, "anne", "bruno", "emma", "farid", "gaelle", "hugo")


def test_an_agent_who_left_during_the_year_stays_in_its_denominator_and_not_in_the_next(org, roster):
    assert roster["bruno"].pk in measured(front_line_trained(query(org))).record_ids
    next_year = measured(front_line_trained(query(org, YEAR_2027)))
    assert roster["bruno"].pk not in next_year.record_ids
    assert (next_year.numerator, next_year.denominator) == (0, 4)  # Anne, Emma, Farid, Gaëlle


def test_a_service_narrows_the_agents_by_their_service(org, roster):
    reception = Service.objects.get(organisation=org, code="accueil")
    measure = measured(front_line_trained(query(org, service=reception)))
    assert (measure.numerator, measure.denominator) == (1, 2)  # Anne trained, Bruno not


def test_agents_in_post_during_the_year_briefed_in_it(org, roster):
    measure = measured(agents_briefed(query(org)))
    assert (measure.numerator, measure.denominator) == (4, 7)
    assert measure.record_ids == ids(roster, "anne", "bruno", "david", "emma", "farid", "gaelle", "hugo")


def test_newcomers_whose_deadline_falls_in_the_year_briefed_by_it(org, roster):
    measure = measured(newcomers_briefed_on_time(query(org), today=dt.date(2027, 1, 15)))
    assert (measure.numerator, measure.denominator) == (1, 2)
    assert set(measure.record_ids) == set(ids(roster, "farid", "gaelle"))


def test_a_newcomer_whose_deadline_is_after_the_years_end_is_judged_in_the_next_year(org, roster):
    before_deadline = newcomers_briefed_on_time(query(org, YEAR_2027), today=dt.date(2027, 1, 10))
    assert before_deadline is None  # Emma's deadline has not come: nothing to judge yet
    after_deadline = measured(newcomers_briefed_on_time(query(org, YEAR_2027), today=dt.date(2027, 1, 15)))
    assert (after_deadline.numerator, after_deadline.denominator, after_deadline.record_ids) == (
        0,
        1,
        (roster["emma"].pk,),
    )


def test_the_town_setting_moves_the_deadline(org, roster):
    from training.actions import update_settings

    update_settings(organisation=org, actor=None, briefing_days=60, today=dt.date(2027, 1, 15))
    # 60 days: Farid's deadline is 2 April, still before his briefing of 10 April; Hugo left
    # before his; Emma's falls in 2027; Gaëlle's in May: 1/2 as before.
    measure = measured(newcomers_briefed_on_time(query(org), today=dt.date(2027, 1, 15)))
    assert (measure.numerator, measure.denominator) == (1, 2)
    update_settings(organisation=org, actor=None, briefing_days=70, today=dt.date(2027, 1, 15))
    measure = measured(newcomers_briefed_on_time(query(org), today=dt.date(2027, 1, 15)))
    assert (measure.numerator, measure.denominator) == (2, 2)  # Farid's deadline is now 12 April


def test_a_town_without_agents_has_no_value(org):
    assert front_line_trained(query(org)) is None
    assert agents_briefed(query(org)) is None
    assert newcomers_briefed_on_time(query(org), today=dt.date(2027, 1, 15)) is None


def test_the_three_metrics_are_registered():
    assert {FRONT_LINE_TRAINED, AGENTS_BRIEFED, NEWCOMERS_BRIEFED_ON_TIME} <= set(METRICS.keys())
    assert all(METRICS.get(key).compute is not None for key in (FRONT_LINE_TRAINED, AGENTS_BRIEFED))
