"""Issue 9, item 6: tallied calls keep their rings, so a changed ring cycle does not falsify
them. Changing the town's ring cycle (seconds per ring) rebuilds the summary rows of the months
holding calls counted in rings and recomputes their stored indicator values, without anyone
running a command; a call with a measured wait keeps it."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from administration.actions import update_organisation
from commitments.actions import recompute_all_services
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from core.models import AuditEvent, OpeningHours, Service, Site
from core.periods import Period
from core.registries import RING_CYCLE_LISTENERS
from telephony import actions
from telephony.models import Call, CallOutcome
from telephony.queries import CallScope, call_figures

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)
MARCH = Period.parse("2026-03")


@pytest.fixture
def standard(org):
    site = Site.objects.get(organisation=org)
    for weekday in range(5):
        OpeningHours.objects.create(
            organisation=org, site=site, weekday=weekday, opens_at=dt.time(8, 30), closes_at=dt.time(17, 30)
        )
    accueil = Service.objects.get(organisation=org, code="accueil")
    return actions.create_line(organisation=org, actor=None, code="standard", name="Standard", service=accueil)


def tally(org, line, rings):
    return actions.tally_call(
        organisation=org, line=line, outcome=CallOutcome.ANSWERED, rings=rings, now=TUESDAY_10, actor=None
    )


def change_cycle(org, seconds: str) -> None:
    update_organisation(
        organisation=org,
        actor=None,
        name=org.name,
        brand_color=org.brand_color,
        holiday_zone=org.holiday_zone,
        ring_cycle_seconds=Decimal(seconds),
        works_whit_monday=org.works_whit_monday,
    )


def test_telephony_listens_to_ring_cycle_changes():
    assert "telephony" in RING_CYCLE_LISTENERS


def test_a_changed_ring_cycle_keeps_tallied_calls_within_their_rings(org, standard, django_capture_on_commit_callbacks):
    load_framework(organisation=org, code="qualivilles")
    within_rings = Indicator.objects.get(organisation=org, code="16.1")
    tally(org, standard, 5)
    tally(org, standard, 6)
    recompute_all_services(indicator=within_rings, period=MARCH)
    stored = IndicatorValue.objects.get(indicator=within_rings, period_start=MARCH.start, service=None)
    assert (stored.numerator, stored.denominator) == (1, 2)

    with django_capture_on_commit_callbacks(execute=True):
        change_cycle(org, "6")

    figures = call_figures(CallScope(org, MARCH))
    assert (figures.threshold, figures.waits) == (30, {30: 1, 36: 1})  # read 25 and 30 s before: both within
    assert figures.within == 1
    stored.refresh_from_db()
    assert (stored.numerator, stored.denominator) == (1, 2)


def test_the_tallied_calls_answer_time_follows_the_cycle_and_a_measured_wait_is_kept(org, standard):
    tallied = tally(org, standard, 4)
    measured = tally(org, standard, None)
    Call.objects.filter(pk=measured.pk).update(wait_seconds=12, rings=None)

    change_cycle(org, "4.5")

    tallied.refresh_from_db()
    assert tallied.answered_at == tallied.started_at + dt.timedelta(seconds=18)  # ⌊4 × 4.5⌋
    assert Call.objects.get(pk=measured.pk).wait_seconds == 12
    assert call_figures(CallScope(org, MARCH)).waits == {18: 1, 12: 1}
    event = AuditEvent.objects.get(action="recompute_ring_waits")
    assert event.after == {"calls_in_rings": 1}


def test_the_same_cycle_again_changes_nothing(org, standard):
    tally(org, standard, 4)
    change_cycle(org, "5")
    assert not AuditEvent.objects.filter(action="recompute_ring_waits").exists()
