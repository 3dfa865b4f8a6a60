"""The citizen's name and contacts on an appointment are erased once the retention period has
passed since its day; what indicator 9.1 reads stays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appointments.actions import Citizen, book
from appointments.models import Appointment, Channel
from core.models import AuditEvent
from core.registries import ANONYMISERS

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 20, 8, 0, tzinfo=PARIS)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def booked(kind, day: int) -> Appointment:
    appointment, _token = book(
        kind=kind,
        starts_at=dt.datetime(2026, 3, day, 9, tzinfo=PARIS),
        citizen=Citizen("Léa Martin", "lea@exemple.fr", "06 12 34 56 78"),
        channel=Channel.ONLINE,
        actor=None,
        now=NOW,
    )
    return appointment


def test_the_appointments_before_the_date_lose_the_citizens_name_contacts_and_link(org, identity_card):
    before, kept = booked(identity_card, 23), booked(identity_card, 24)
    erase = dict(ANONYMISERS.items())["appointments"].erase
    assert erase(org, dt.date(2026, 3, 24), None) == 1
    before.refresh_from_db()
    kept.refresh_from_db()
    assert (before.citizen_name, before.citizen_email, before.citizen_phone, before.manage_token_hash) == (
        "",
        "",
        "",
        "",
    )
    assert before.scheduled_at == dt.datetime(2026, 3, 23, 9, tzinfo=PARIS) and before.kind == identity_card
    assert kept.citizen_name == "Léa Martin" and kept.manage_token_hash
    event = AuditEvent.objects.get(action="anonymise")
    assert event.after == {"closed_before": "2026-03-24", "appointments": 1}
    assert erase(org, dt.date(2026, 3, 24), None) == 0  # nothing left to erase
