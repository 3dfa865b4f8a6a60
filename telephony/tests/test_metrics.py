"""The phone indicators on a small data set computed by hand, read from the summary rows."""

import datetime as dt
from decimal import Decimal

import pytest

from core.metrics import MetricQuery
from core.models import ClosureDay
from core.periods import Period
from core.registries import METRICS
from core.stats import nearest_rank
from telephony.metrics import ANSWER_RATE, ANSWERED_WITHIN_RINGS, OUT_OF_HOURS, drilldown_url
from telephony.queries import CallScope, call_figures, threshold_seconds
from telephony.summaries import rebuild_months
from telephony.tests.conftest import CIVIL, cdr

pytestmark = pytest.mark.django_db

# Tuesday 3 March 2026, reception line (opening hours 08:30–12:00 and 13:30–17:30):
#   answered after 10, 20, 30 and 40 s (talk 60 s each), one abandoned, one voicemail, one busy:
#   presented 7, answered 4 → answer rate 4/7; within 5 rings (25 s): 10 and 20 → 2/7;
#   median wait (nearest rank 2 of 4) 20 s, 90th percentile (rank 4) 40 s; mean talk 60 s.
# Saturday 7 March and Friday 13 March (a closure day): 2 calls out of hours.
# Civil registry, Tuesday 3 March 10:00: 1 answered after 5 s → its own rate 1/1.
CALLS = [
    cdr("2026-03-03 09:00:00", "2026-03-03 09:00:10", "2026-03-03 09:01:10", duration=70, billsec=60, uniqueid="1.1"),
    cdr("2026-03-03 09:10:00", "2026-03-03 09:10:20", "2026-03-03 09:11:20", duration=80, billsec=60, uniqueid="1.2"),
    cdr("2026-03-03 09:20:00", "2026-03-03 09:20:30", "2026-03-03 09:21:30", duration=90, billsec=60, uniqueid="1.3"),
    cdr("2026-03-03 14:00:00", "2026-03-03 14:00:40", "2026-03-03 14:01:40", duration=100, billsec=60, uniqueid="1.4"),
    cdr("2026-03-03 14:10:00", "", "2026-03-03 14:10:30", disposition="NO ANSWER", duration=30, uniqueid="1.5"),
    cdr("2026-03-03 14:20:00", "2026-03-03 14:20:30", "2026-03-03 14:21:00", duration=60, billsec=30,
        lastapp="VoiceMail", uniqueid="1.6"),
    cdr("2026-03-03 14:30:00", "", "2026-03-03 14:30:01", disposition="BUSY", duration=1, uniqueid="1.7"),
    cdr("2026-03-07 10:00:00", "2026-03-07 10:00:05", "2026-03-07 10:01:05", duration=65, billsec=60, uniqueid="1.8"),
    cdr("2026-03-13 10:00:00", "", "2026-03-13 10:00:20", disposition="NO ANSWER", duration=20, uniqueid="1.9"),
    cdr("2026-03-03 10:00:00", "2026-03-03 10:00:05", "2026-03-03 10:01:05", duration=65, billsec=60, dst=CIVIL,
        uniqueid="1.10"),
]  # fmt: skip
MARCH = Period.parse("2026-03")


@pytest.fixture
def imported(org, asterisk, write, run_import):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 3, 13), label="Pont")
    result = run_import(asterisk, write("Master.csv", CALLS))
    assert result.run.imported == len(CALLS)
    return result


def measure(key, org, period=MARCH, service=None, **params):
    compute = METRICS.get(key).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=period, service=service, params=params))


def test_the_answer_rate_counts_presented_calls_only(org, accueil, imported):
    rate = measure(ANSWER_RATE, org, service=accueil)
    assert (rate.numerator, rate.denominator, rate.sample_size) == (4, 7, 7)
    assert rate.value == pytest.approx(100 * 4 / 7)
    everything = measure(ANSWER_RATE, org)
    assert (everything.numerator, everything.denominator) == (5, 8)


def test_answered_within_rings_uses_the_ring_cycle_setting(org, accueil, imported):
    five = measure(ANSWERED_WITHIN_RINGS, org, service=accueil, rings=5)
    assert (five.numerator, five.denominator) == (2, 7)
    three = measure(ANSWERED_WITHIN_RINGS, org, service=accueil, rings=3)
    assert (three.numerator, three.denominator) == (1, 7)
    org.ring_cycle_seconds = Decimal("7.5")  # 5 rings = 37.5 s: 10, 20 and 30 s
    org.save()
    assert measure(ANSWERED_WITHIN_RINGS, org, service=accueil).numerator == 3


def test_out_of_hours_calls_include_weekends_and_closure_days(org, accueil, imported):
    out = measure(OUT_OF_HOURS, org, service=accueil)
    assert (out.value, out.sample_size) == (2, 9)


def test_the_figures_give_median_and_90th_percentile_and_mean_talk(org, accueil, imported):
    figures = call_figures(CallScope(org, MARCH, service=accueil))
    assert (figures.median_wait, figures.p90_wait, figures.mean_talk) == (20, 40, 60)
    assert figures.by_outcome["voicemail"] == 1 and figures.by_outcome["busy"] == 1
    assert figures.by_outcome["abandoned"] == 1 and figures.out_of_hours_answered == 1


def test_a_quarter_and_a_year_re_aggregate_the_months_exactly(org, accueil, imported):
    for key in ("2026-Q1", "2026"):
        rate = measure(ANSWER_RATE, org, period=Period.parse(key), service=accueil)
        assert (rate.numerator, rate.denominator) == (4, 7)


def test_a_period_without_calls_has_no_value(org, accueil, imported):
    assert measure(ANSWER_RATE, org, period=Period.parse("2026-04")) is None
    assert measure(ANSWERED_WITHIN_RINGS, org, period=Period.parse("2026-04")) is None
    assert measure(OUT_OF_HOURS, org, period=Period.parse("2026-04")) is None


def test_nearest_rank_and_thresholds():
    assert nearest_rank({10: 1, 20: 1, 30: 1, 40: 1}, 50) == 20
    assert nearest_rank({10: 1, 20: 1, 30: 1, 40: 1}, 90) == 40
    assert nearest_rank({5: 9, 100: 1}, 90) == 5
    assert nearest_rank({}, 50) is None
    assert threshold_seconds(5, Decimal("5")) == 25
    assert threshold_seconds(5, Decimal("4.5")) == 22


def test_every_figure_opens_the_calls_behind_it(org, accueil):
    url = drilldown_url(org, MARCH, accueil, "dans-le-delai")
    assert url == f"/o/{org.slug}/telephone/appels/?periode=2026-03&vue=dans-le-delai&service={accueil.pk}"


# A town's own export (a table source): Tuesday 3 March 2026 on the reception line, in hours.
#   09:00 answered after 20 s; 09:10 answered, the export gives no wait; 09:20 abandoned:
#   3 presented calls, 1 answered within 5 rings (25 s) → 1/3, and 1 answered call whose
#   wait is not known, which stays in the denominator (domain.md, "Waits that are not known").
SMALL_CASE = [
    "Début,Attente,Issue",
    "03/03/2026 09:00:00,20,décroché",
    "03/03/2026 09:10:00,,décroché",
    "03/03/2026 09:20:00,,perdu",
]


def summary_rows():
    from telephony.models import CallMonthStat

    return sorted(CallMonthStat.objects.values_list("month", "service", "line_key", "in_hours", "outcome",
                                                    "wait_seconds", "calls", "talk_seconds"))  # fmt: skip


def table_source(org, columns):
    from imports.models import ImportSource
    from telephony.importing import CALLS

    return ImportSource.objects.create(
        organisation=org, kind=CALLS, name="export", label="Export du standard", file_format="table",
        columns=columns, line_map={"*": "standard"},
    )  # fmt: skip


@pytest.fixture
def small_case(org, hours, standard, write, run_import):
    source = table_source(org, {"started_at": "Début", "wait": "Attente", "outcome": "Issue"})
    result = run_import(source, write("export.csv", SMALL_CASE))
    assert result.run.imported == 3
    return result


def test_an_answered_call_whose_wait_is_unknown_stays_in_the_denominator_of_within_rings(org, accueil, small_case):
    within = measure(ANSWERED_WITHIN_RINGS, org, service=accueil)
    assert (within.numerator, within.denominator, within.sample_size) == (1, 3, 3)
    assert within.value == pytest.approx(100 / 3)
    figures = call_figures(CallScope(org, MARCH, service=accueil))
    assert (figures.presented, figures.answered, figures.wait_unknown) == (3, 2, 1)
    assert (figures.within, figures.within_denominator) == (1, 3)
    assert figures.wait_known == 1 and figures.median_wait == 20  # the median reads known waits only


def test_a_rings_column_gives_the_wait_as_rings_times_the_ring_cycle(org, accueil, hours, standard, write, run_import):
    from telephony.models import Call

    org.ring_cycle_seconds = Decimal("6")
    org.save()
    source = table_source(org, {"started_at": "Début", "rings": "Sonneries", "outcome": "Issue"})
    lines = [
        "Début,Sonneries,Issue",
        "03/03/2026 09:00:00,4,décroché",  # 24 s: within 5 rings (30 s)
        "03/03/2026 09:10:00,5,décroché",  # 30 s: exactly 5 rings, within
        "03/03/2026 09:20:00,6,décroché",  # 36 s: after
        "03/03/2026 09:30:00,,décroché",  # no rings, no time: unknown
        "03/03/2026 09:40:00,2,perdu",  # rang twice then hung up: presented, not answered
    ]
    assert run_import(source, write("export.csv", lines)).run.imported == 5

    assert sorted(Call.objects.values_list("rings", flat=True), key=str) == [2, 4, 5, 6, None]
    assert not Call.objects.filter(wait_seconds__isnull=False).exists()  # the calls keep their rings
    figures = call_figures(CallScope(org, MARCH, service=accueil))
    assert (figures.within, figures.within_denominator, figures.wait_unknown) == (2, 5, 1)
    assert sorted(figures.waits) == [24, 30, 36] and figures.median_wait == 30
    within = measure(ANSWERED_WITHIN_RINGS, org, service=accueil)
    assert (within.numerator, within.denominator) == (2, 5)
    incremental = summary_rows()
    rebuild_months(org, {MARCH.start})
    assert summary_rows() == incremental


def test_calls_counted_in_rings_follow_a_changed_ring_cycle_once_their_months_are_rebuilt(
    org, accueil, hours, standard, write, run_import
):
    source = table_source(org, {"started_at": "Début", "rings": "Sonneries", "outcome": "Issue"})
    lines = ["Début,Sonneries,Issue", "03/03/2026 09:00:00,4,décroché", "03/03/2026 09:10:00,6,décroché"]
    run_import(source, write("export.csv", lines))
    assert sorted(call_figures(CallScope(org, MARCH)).waits) == [20, 30]
    org.ring_cycle_seconds = Decimal("4.5")
    org.save()
    rebuild_months(org, {MARCH.start})
    figures = call_figures(CallScope(org, MARCH))
    assert sorted(figures.waits) == [18, 27]  # ⌊4 × 4.5⌋, 6 × 4.5
    assert (figures.within, figures.threshold) == (1, 22)  # 4 rings within 5, 6 rings not, whatever the cycle


def test_the_calls_behind_within_rings_include_the_answered_calls_whose_wait_is_unknown(org, accueil, small_case):
    from telephony.queries import calls_behind

    scope = CallScope(org, MARCH, service=accueil)
    unknown = calls_behind(scope, kind="attente-inconnue")
    assert [call.local_date for call in unknown] == [dt.date(2026, 3, 3)]
    assert unknown.get().wait_seconds is None
    assert calls_behind(scope, kind="dans-le-delai").count() == 1
    assert calls_behind(scope, kind="hors-delai").count() == 0
