"""The indicators of commitment 8 on a small data set computed by hand."""

import datetime as dt

import pytest

from core.metrics import MetricQuery
from core.periods import Period
from core.registries import METRICS
from core.stats import nearest_rank
from reception.actions import apply_transition, issue_ticket
from reception.queries import TicketFigures, ticket_counts

from .conftest import paris

pytestmark = pytest.mark.django_db

MARCH = Period.parse("2026-03")


@pytest.fixture
def march(org, site, reason, act_reason, accueil):
    """Eleven tickets. Ten at the reception service in March 2026, issued on Tuesday 10 March
    at 09:00, 09:01, … (Paris time):

    | ticket | what happened                          | wait      | started minutes |
    |--------|----------------------------------------|-----------|-----------------|
    | 1      | called, served 5 min                   | 2 min     | 2               |
    | 2      | called, served 7 min                   | 5 min     | 5               |
    | 3      | called, served                         | 9 min     | 9               |
    | 4      | called, served                         | 14 min    | 14              |
    | 5      | called, served                         | 15 min    | 15              |
    | 6      | called, left when called (no-show)     | 15 min 1s | 16              |
    | 7      | called, redirected to civil registry   | 16 min    | 16              |
    | 8      | called, served                         | 30 min    | 30              |
    | 9      | left before being called               | —         | —               |
    | 10     | redirected while waiting, never called | —         | —               |

    - issued 10, called 8 (tickets 1–8);
    - called within 15 min (wait ≤ 900 s): tickets 1–5 → 5 / 8 = 62.5 %;
    - sorted started minutes 2 5 9 14 15 16 16 30: median = rank ⌈0.5 × 8⌉ = 4 → 14 min;
      90th percentile = rank ⌈0.9 × 8⌉ = 8 → 30 min;
    - left without being called: ticket 9 → 1 / 10 = 10 % (ticket 6 left after its call and
      counts among the called ones);
    - mean service time of tickets 1 and 2 (the others have no start): 6 min.

    The eleventh ticket is issued at 00:30 on 1 April in Paris (22:30 UTC on 31 March): it
    belongs to April and must not count in March. A civil-registry ticket on 11 March waits
    40 min: it counts only when no service is chosen."""
    start = paris(2026, 3, 10, 9, 0)
    waits = [120, 300, 540, 840, 900, 901, 960, 1800]
    endings = ["end", "end", None, None, None, "leave", "redirect", None]
    for index, (wait, ending) in enumerate(zip(waits, endings, strict=True)):
        issued = start + dt.timedelta(minutes=index)
        ticket = issue_ticket(organisation=org, site=site, reason=reason, now=issued, actor=None)
        called_at = issued + dt.timedelta(seconds=wait)
        ticket = apply_transition(ticket=ticket, transition="call", now=called_at, actor=None)
        if ending == "end":
            apply_transition(ticket=ticket, transition="start", now=called_at, actor=None)
            service = dt.timedelta(minutes=5 if index == 0 else 7)
            apply_transition(ticket=ticket, transition="end", now=called_at + service, actor=None)
        elif ending == "leave":
            apply_transition(ticket=ticket, transition="leave", now=called_at, actor=None)
        elif ending == "redirect":
            apply_transition(
                ticket=ticket, transition="redirect", now=called_at, actor=None, redirected_to=act_reason.service
            )
    left = issue_ticket(organisation=org, site=site, reason=reason, now=start + dt.timedelta(minutes=8), actor=None)
    apply_transition(ticket=left, transition="leave", now=start + dt.timedelta(minutes=50), actor=None)
    sent = issue_ticket(organisation=org, site=site, reason=reason, now=start + dt.timedelta(minutes=9), actor=None)
    apply_transition(
        ticket=sent, transition="redirect", now=start + dt.timedelta(minutes=12), actor=None, redirected_to=accueil
    )
    april = issue_ticket(
        organisation=org, site=site, reason=reason, now=dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), actor=None
    )
    apply_transition(ticket=april, transition="call", now=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), actor=None)
    civil = issue_ticket(organisation=org, site=site, reason=act_reason, now=paris(2026, 3, 11, 10, 0), actor=None)
    apply_transition(ticket=civil, transition="call", now=paris(2026, 3, 11, 10, 40), actor=None)


def measure(key, org, service=None, period=MARCH, **params):
    compute = METRICS.get(key).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=period, service=service, params=params))


def test_the_share_called_within_15_minutes_counts_only_the_called_tickets(org, accueil, march):
    result = measure("reception.called_within", org, accueil, minutes=15)
    assert (result.numerator, result.denominator, result.sample_size) == (5, 8, 8)
    assert result.value == 62.5


def test_the_threshold_is_a_parameter_of_the_indicator(org, accueil, march):
    assert measure("reception.called_within", org, accueil, minutes=16).numerator == 7
    assert measure("reception.called_within", org, accueil, minutes=1).numerator == 0


def test_the_median_and_90th_percentile_use_the_nearest_rank(org, accueil, march):
    median = measure("reception.wait_median", org, accueil)
    p90 = measure("reception.wait_p90", org, accueil)
    assert (median.value, median.sample_size) == (14, 8)
    assert (p90.value, p90.sample_size) == (30, 8)


def test_tickets_that_left_before_their_call_are_counted_apart_over_the_tickets_issued(org, accueil, march):
    result = measure("reception.left_without_service", org, accueil)
    assert (result.value, result.numerator, result.denominator) == (10, 1, 10)


def test_without_a_service_every_ticket_of_the_town_counts(org, march):
    """Adds the civil-registry ticket (40 min): 5 / 9 called within 15 min; sorted minutes
    2 5 9 14 15 16 16 30 40: median rank 5 → 15, 90th percentile rank ⌈8.1⌉ = 9 → 40."""
    within = measure("reception.called_within", org, minutes=15)
    assert (within.numerator, within.denominator) == (5, 9)
    assert measure("reception.wait_median", org).value == 15
    assert measure("reception.wait_p90", org).value == 40
    assert measure("reception.left_without_service", org).denominator == 11


def test_a_quarter_adds_the_months_and_april_holds_the_ticket_issued_after_midnight(org, march):
    assert measure("reception.called_within", org, period=Period.parse("2026-Q1")).denominator == 9
    april = measure("reception.wait_median", org, period=Period.parse("2026-04"))
    assert (april.value, april.sample_size) == (60, 1)


def test_a_period_without_tickets_has_no_value(org, accueil):
    for key in (
        "reception.called_within",
        "reception.wait_median",
        "reception.wait_p90",
        "reception.left_without_service",
    ):
        assert measure(key, org, accueil) is None


def test_the_page_figures_give_the_service_time_and_the_tickets_that_left_after_their_call(org, accueil, march):
    figures = TicketFigures(ticket_counts(organisation=org, period=MARCH, service=accueil), 15)
    assert figures.mean_service_minutes == 6
    assert (figures.left_after_call, figures.counts.redirected, figures.beyond) == (1, 2, 3)


def test_nearest_rank_on_small_samples():
    assert nearest_rank({}, 50) is None
    assert nearest_rank({7: 1}, 90) == 7
    assert nearest_rank({1: 1, 2: 1, 3: 1, 4: 1}, 50) == 2
    assert nearest_rank({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, 50) == 3
    assert nearest_rank({1: 9, 100: 1}, 90) == 1
    assert nearest_rank({1: 9, 100: 1}, 91) == 100
