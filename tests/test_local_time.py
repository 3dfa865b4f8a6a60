"""Local time per town: a town's times are read, stamped and shown in its own time zone, the one
of its holiday zone (La Réunion, New Caledonia, French Guiana...), never in Paris time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.actions import file_public_complaint
from core.models import Membership, Site
from reception.actions import issue_ticket
from telephony.actions import tally_call
from telephony.models import Call
from telephony.tests.conftest import (  # noqa: F401
    STANDARD,
    accueil,
    asterisk,
    cdr,
    etat_civil,
    hours,
    run_import,
    site,
    standard,
    write,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")


def imported_call(org, asterisk, write, run_import, start: str) -> Call:  # noqa: F811
    answer = (dt.datetime.fromisoformat(start) + dt.timedelta(seconds=10)).isoformat(sep=" ")
    end = (dt.datetime.fromisoformat(start) + dt.timedelta(seconds=70)).isoformat(sep=" ")
    line = cdr(start, answer, end, duration=70, billsec=60, uniqueid="1772438400.1")
    run_import(asterisk, write("Master.csv", [line]))
    return Call.objects.get(organisation=org)


@pytest.mark.parametrize(
    ("zone", "start", "utc", "half_hour"),
    [
        ("974", "2026-03-02 09:00:00", dt.datetime(2026, 3, 2, 5, 0, tzinfo=UTC), 18),  # La Réunion, UTC+4
        ("NC", "2026-03-02 08:45:00", dt.datetime(2026, 3, 1, 21, 45, tzinfo=UTC), 17),  # Nouméa, UTC+11
        ("973", "2026-03-02 16:00:00", dt.datetime(2026, 3, 2, 19, 0, tzinfo=UTC), 32),  # Cayenne, UTC−3
    ],
)
def test_an_overseas_town_s_call_during_its_opening_hours_is_in_hours_on_its_own_day(
    org,
    asterisk,  # noqa: F811
    write,  # noqa: F811
    run_import,  # noqa: F811
    zone,
    start,
    utc,
    half_hour,
):
    org.holiday_zone = zone
    org.save()
    call = imported_call(org, asterisk, write, run_import, start)
    assert call.started_at == utc
    assert call.in_hours
    assert (call.local_date, call.local_month, call.weekday, call.half_hour) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 1),
        0,
        half_hour,
    )


def test_a_call_tallied_at_nine_in_saint_denis_is_in_hours_on_its_local_half_hour(org, hours, standard):  # noqa: F811
    org.holiday_zone = "974"
    org.save()
    nine = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Indian/Reunion"))
    call = tally_call(organisation=org, line=standard, outcome="answered", rings=2, now=nine, actor=None)
    assert call.in_hours
    assert (call.local_date, call.half_hour) == (dt.date(2026, 3, 2), 18)


def test_a_reunion_call_after_closing_time_stays_out_of_hours(org, asterisk, write, run_import):  # noqa: F811
    """18:00 in Saint-Denis is 15:00 in Paris: the town is closed, whatever Paris's hours say."""
    org.holiday_zone = "974"
    org.save()
    evening = imported_call(org, asterisk, write, run_import, "2026-03-02 18:00:00")
    assert evening.started_at == dt.datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 15:00 in Paris: open there
    assert not evening.in_hours


@pytest.mark.time_machine(dt.datetime(2026, 12, 9, 22, 30, tzinfo=PARIS), tick=False)
def test_a_town_s_today_is_its_own_date(org):
    assert org.today() == dt.date(2026, 12, 9)
    org.holiday_zone = "974"  # 01:30 on 10 December in Saint-Denis
    assert org.today() == dt.date(2026, 12, 10)
    org.holiday_zone = "973"  # 18:30 on 9 December in Cayenne
    assert org.today() == dt.date(2026, 12, 9)


@pytest.mark.time_machine(dt.datetime(2026, 3, 2, 5, 0, tzinfo=UTC), tick=False)
def test_a_reunion_agent_reads_a_ticket_issued_at_nine_as_nine_then_paris_pages_stay_in_paris(
    org, other_org, client_as
):

    org.holiday_zone = "974"
    org.save()
    town_hall = Site.objects.get(organisation=org)
    ticket = issue_ticket(organisation=org, site=town_hall, reason=None, now=timezone.now(), actor=None)
    assert ticket.local_date == dt.date(2026, 3, 2) and ticket.half_hour == 18
    page = client_as(org, "agent").get(reverse("reception:ticket_detail", args=[org.slug, ticket.pk]))
    assert "<dd>09:00:00</dd>" in page.content.decode()
    assert timezone.get_current_timezone_name() == "Europe/Paris"  # the town's zone ended with the request


@pytest.mark.time_machine(dt.datetime(2026, 12, 9, 21, 30, tzinfo=UTC), tick=False)
def test_a_complaint_filed_online_late_in_paris_evening_is_received_on_the_reunion_date(org):

    org.holiday_zone = "974"  # 01:30 on 10 December in Saint-Denis
    org.save()
    complaint = file_public_complaint(
        organisation=org, now=timezone.now(), kind="suggestion", subject="Bancs", description="Des bancs, svp."
    )
    assert complaint.received_on == dt.date(2026, 12, 10)


def zone_form(zone: str) -> dict[str, str]:
    return {"name": "Ville de Test", "brand_color": "#1f4e79", "holiday_zone": zone, "ring_cycle_seconds": "5"}


@pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), tick=False)
def test_a_zone_in_another_time_zone_is_refused_once_the_town_has_tickets(org, admin_client_org):
    issue_ticket(organisation=org, site=Site.objects.get(organisation=org), reason=None, now=timezone.now(), actor=None)
    url = reverse("administration:organisation_edit", args=[org.slug])
    response = admin_client_org.post(url, zone_form("974"))
    assert response.status_code == 200
    assert "autre fuseau horaire" in response.content.decode()
    org.refresh_from_db()
    assert org.holiday_zone == ""
    assert admin_client_org.post(url, zone_form("57")).status_code == 302  # Moselle: Paris time too
    org.refresh_from_db()
    assert org.holiday_zone == "57"


def test_a_town_without_calls_tickets_or_visits_may_move_to_another_time_zone(org, admin_client_org):
    url = reverse("administration:organisation_edit", args=[org.slug])
    assert admin_client_org.post(url, zone_form("NC")).status_code == 302
    org.refresh_from_db()
    assert org.time_zone == ZoneInfo("Pacific/Noumea")


@pytest.mark.time_machine(dt.datetime(2026, 12, 9, 23, 30, tzinfo=PARIS), tick=False)
def test_an_auditor_s_access_ends_at_midnight_of_the_town_not_of_paris(org, client_as):
    org.holiday_zone = "NC"  # 09:30 on 10 December in Nouméa
    org.save()
    auditor = client_as(org, "auditor")
    Membership.objects.filter(organisation=org, role="auditor").update(ends_on=dt.date(2026, 12, 9))
    assert auditor.get(reverse("commitments:overview", args=[org.slug])).status_code == 404
