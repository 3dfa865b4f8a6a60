"""The figures of the telephone survey, counted by hand on a small set of calls."""

import datetime as dt

import pytest

from core.models import Service
from reports.erlang import agents_needed
from reports.telephony_survey import SurveyRequest, build_survey
from telephony.models import PhoneLine

from .conftest import add_call

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def survey_of(org, *, lines=(), agents=None, charts=False):
    request = SurveyRequest(
        organisation=org, start=MARCH[0], end=MARCH[1], lines=tuple(lines), agents_present=agents or {}
    )
    return build_survey(request, with_charts=charts)


def test_each_line_has_its_answer_rate_and_share_answered_within_five_rings(org, survey_calls):
    survey = survey_of(org)
    accueil, civil = (row.counts for row in survey.by_line)
    assert (accueil.presented, accueil.answered, accueil.within, accueil.out_of_hours) == (10, 8, 6, 2)
    assert accueil.answer_rate == 80.0
    assert accueil.within_rate == 60.0
    assert accueil.mean_talk_seconds == 170
    assert (civil.presented, civil.answered, civil.within) == (3, 2, 1)
    assert survey.total.presented == 13 and survey.total.within == 7


def test_a_wait_of_exactly_five_rings_counts_and_one_second_more_does_not(org, lines):
    add_call(lines["accueil"], dt.datetime(2026, 3, 9, 10, 0), wait=25)
    add_call(lines["accueil"], dt.datetime(2026, 3, 9, 10, 5), wait=26)
    assert survey_of(org).by_line[0].counts.within == 1


def test_the_towns_ring_cycle_sets_the_limit_of_five_rings(org, lines):
    org.ring_cycle_seconds = 6
    org.save()
    add_call(lines["accueil"], dt.datetime(2026, 3, 9, 10, 0), wait=30)
    survey = survey_of(org)
    assert survey.by_line[0].counts.within == 1
    assert survey.within_seconds == 30


def test_calls_are_counted_per_weekday_and_half_hour_and_averaged_over_the_days_observed(org, survey_calls):
    survey = survey_of(org)
    monday_nine = survey.slots[(0, 18)]
    assert (monday_nine.counts.presented, monday_nine.days, monday_nine.calls_per_day) == (8, 2, 4.0)
    tuesday_two = survey.slots[(1, 28)]
    assert (tuesday_two.counts.presented, tuesday_two.counts.answered, tuesday_two.days) == (5, 3, 1)
    assert survey.days_observed == 3
    assert [(slot.weekday, slot.half_hour) for slot in survey.busiest] == [(1, 28), (0, 18)]


def test_out_of_hours_calls_enter_no_slot_and_no_rate(org, survey_calls):
    survey = survey_of(org)
    assert (1, 24) not in survey.slots  # Tuesday 12:00–12:30, closed
    assert survey.total.out_of_hours == 2
    assert sum(slot.counts.presented for slot in survey.slots.values()) == 13


def test_the_grid_leaves_out_the_half_hours_without_calls(org, survey_calls):
    survey = survey_of(org)
    assert survey.half_hours == list(range(18, 29))
    assert [label for label, _, _ in survey.grid] == ["09:00–09:30", "14:00–14:30"]
    assert [label for label, _ in survey.by_half_hour] == ["09:00–09:30", "14:00–14:30"]
    assert survey.weekday_totals[:2] == [8, 5]


def test_each_slot_needs_the_agents_erlang_c_gives_for_its_calls_and_the_lines_talk_time(org, survey_calls):
    survey = survey_of(org, agents={"accueil": 2})
    accueil, civil = survey.staffing
    assert accueil.present == 2 and civil.present == 1
    assert accueil.weekdays == [0, 1] and civil.weekdays == [1]
    assert [row.slot_label for row in accueil.rows] == ["09:00–09:30", "14:00–14:30"]
    monday_nine, tuesday_nine = accueil.rows[0].cells
    assert monday_nine.calls_per_day == 4.0
    assert monday_nine.needed == agents_needed(4, 1800, 170, 0.9, 25) == 2
    assert tuesday_nine is None  # no accueil call on Tuesday at nine
    assert accueil.rows[1].cells[1].needed == agents_needed(2, 1800, 170, 0.9, 25)
    assert civil.rows[0].cells[0].needed == agents_needed(3, 1800, 120, 0.9, 25)
    assert civil.short_slots == 1 and accueil.short_slots == 0


def test_a_line_without_an_answered_call_gets_no_estimate(org, lines):
    add_call(lines["accueil"], dt.datetime(2026, 3, 9, 10, 0), outcome="abandoned", wait=None)
    staffing = survey_of(org).staffing[0]
    assert staffing.mean_talk_seconds is None
    assert staffing.rows[0].cells[0].needed is None


def test_chosen_lines_limit_the_survey(org, survey_calls):
    survey = survey_of(org, lines=[survey_calls["etat-civil"]])
    assert [row.line.code for row in survey.by_line] == ["etat-civil"]
    assert survey.total.presented == 3


def test_the_source_names_the_import_and_the_manual_tally(org, survey_calls):
    assert survey_of(org).sources == ["import « Standard »", "relevé manuel"]


def test_calls_outside_the_dates_and_of_another_town_are_left_out(org, other_org, survey_calls):
    add_call(survey_calls["accueil"], dt.datetime(2026, 4, 1, 9, 0))
    service = Service.objects.get(organisation=other_org, code="accueil")
    foreign = PhoneLine.objects.create(organisation=other_org, code="accueil", name="Accueil", service=service)
    add_call(foreign, dt.datetime(2026, 3, 9, 9, 0))
    assert survey_of(org).total.presented == 13


def test_a_survey_without_calls_is_empty_but_complete(org, lines):
    survey = survey_of(org, charts=True)
    assert not survey.has_calls
    assert survey.busiest == [] and survey.grid == [] and survey.charts == {}


def test_the_survey_reads_a_fixed_number_of_queries(org, survey_calls, django_assert_num_queries):
    with django_assert_num_queries(4):
        survey_of(org)


def test_charts_are_svg_with_their_own_ids(org, survey_calls):
    survey = survey_of(org, charts=True)
    assert set(survey.charts) == {"rates", "answered", "heatmap"}
    assert all(chart.startswith('<svg role="img"') for chart in survey.charts.values())
    assert 'id="rates-figure_1"' in survey.charts["rates"]
    assert 'id="staffing-' in survey.staffing[0].chart


@pytest.mark.parametrize(
    ("present", "phrase"), [(0, "zéro agent présent"), (1, "l'agent présent"), (3, "les 3 agents présents")]
)
def test_the_agents_present_are_written_as_french_says_them(org, survey_calls, present, phrase):
    staffing = survey_of(org, agents={"accueil": present}).staffing[0]
    assert staffing.present_phrase == phrase
