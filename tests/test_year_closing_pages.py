"""The « Clôture des exercices » pages (commitments.closing_views) and a correction after closing
as the pages show it: the reason asked on the form, the notice on the record's page, the mark on
the commitment page, the year's list of corrections, the journal (ADR 0025)."""

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from appointments.actions import Citizen, book
from appointments.models import AppointmentKind, BookingHours
from appointments.models import Channel as AppointmentChannel
from commitments.closing import close_year
from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.models import AuditEvent, ClosedYearChanges, OpeningHours, Role, Service, YearClosing, YearCorrection
from correspondence.actions import register_request
from correspondence.models import Channel, WrittenRequest

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def february_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=PARIS), tick=False)


def url(org, name, **kwargs):
    return reverse(f"commitments:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_quality_manager_closes_a_year_after_a_confirmation_that_writes_nothing(org, manager_client):
    confirm = url(org, "close_year") + "?annee=2025"
    events = AuditEvent.objects.count()
    page = manager_client.get(confirm).content.decode()
    assert "Ce qui sera figé" in page and "Clôturer l'exercice 2025" in page
    assert AuditEvent.objects.count() == events and not YearClosing.objects.exists()
    response = manager_client.post(url(org, "close_year"), {"annee": "2025"})
    assert response.status_code == 302 and response["Location"] == url(org, "closing")
    closing = YearClosing.objects.get(organisation=org)
    page = manager_client.get(url(org, "closing")).content.decode()
    assert "Clôturé" in page and url(org, "reopen_year", closing_id=closing.pk) in page


def test_the_current_year_cannot_be_closed_and_the_page_says_why(org, manager_client):
    response = manager_client.post(url(org, "close_year"), {"annee": "2026"})
    assert response.status_code == 400
    assert "L'année 2026 n'est pas terminée" in html.unescape(response.content.decode())
    assert not YearClosing.objects.exists()


def test_reopening_asks_for_a_reason_in_french_and_journals_it(org, manager_client, make_member):
    closing = close_year(organisation=org, year=2025, actor=make_member(org, Role.QUALITY_MANAGER, "q2@ville.test"))
    address = url(org, "reopen_year", closing_id=closing.pk)
    response = manager_client.post(address, {"reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert manager_client.post(address, {"reason": "Erreur d'import de novembre"}).status_code == 302
    closing.refresh_from_db()
    assert closing.reopen_reason == "Erreur d'import de novembre"
    assert AuditEvent.objects.filter(action="reopen_year").exists()
    assert manager_client.get(address).status_code == 404  # reopened: nothing more to reopen


def test_a_reader_sees_the_years_and_their_state_but_cannot_act(org, client_as):
    closing = close_year(organisation=org, year=2025, actor=None)
    reader = client_as(org, Role.READER)
    page = reader.get(url(org, "closing")).content.decode()
    assert "Clôturé" in page and "Rouvrir" not in page and "Enregistrer le réglage" not in page
    assert reader.post(url(org, "closing"), {"mode": ClosedYearChanges.CORRECTION}).status_code == 403
    assert reader.get(url(org, "close_year") + "?annee=2024").status_code == 403
    assert reader.get(url(org, "reopen_year", closing_id=closing.pk)).status_code == 403
    assert reader.get(url(org, "year_corrections", closing_id=closing.pk)).status_code == 200


def test_an_outsider_gets_404_on_the_closing_pages(org, outsider_client):
    closing = close_year(organisation=org, year=2025, actor=None)
    for address in (
        url(org, "closing"),
        url(org, "close_year") + "?annee=2024",
        url(org, "reopen_year", closing_id=closing.pk),
        url(org, "year_corrections", closing_id=closing.pk),
    ):
        assert outsider_client.get(address).status_code == 404, address


def test_the_quality_manager_chooses_corrections_and_the_change_is_journaled(org, manager_client):
    response = manager_client.post(url(org, "closing"), {"mode": ClosedYearChanges.CORRECTION})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.closed_year_changes == ClosedYearChanges.CORRECTION
    assert AuditEvent.objects.get(action="settings", object_type="core.organisation").after == {
        "closed_year_changes": "correction"
    }


def test_a_refused_change_names_the_closed_year_on_the_records_page(org, manager_client):
    letter = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=dt.date(2025, 12, 15))
    close_year(organisation=org, year=2025, actor=None)
    address = reverse("correspondence:acknowledge", kwargs={"org_slug": org.slug, "request_id": letter.pk})
    response = manager_client.post(address, {"version": letter.version, "on": "2025-12-16"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "appartient à l'exercice 2025, clôturé le 10/02/2026" in page
    assert "Motif de la correction" not in page
    assert WrittenRequest.objects.get(pk=letter.pk).acknowledged_on is None


def test_a_correction_after_closing_asks_its_reason_then_shows_everywhere(org, manager_client):
    load_framework(organisation=org, code="qualivilles", actor=None)
    letter = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=dt.date(2025, 11, 3))
    closing = close_year(organisation=org, year=2025, actor=None)  # the letter late in November's values
    org.closed_year_changes = ClosedYearChanges.CORRECTION
    org.save()
    address = reverse("correspondence:acknowledge", kwargs={"org_slug": org.slug, "request_id": letter.pk})
    step = {"version": letter.version, "on": "2025-11-04"}

    asked = manager_client.post(address, step)
    page = asked.content.decode()
    assert asked.status_code == 400 and "Indiquez-en le motif" in page
    assert 'name="motif_correction"' in page and "Motif de la correction après clôture" in page
    assert not YearCorrection.objects.exists()

    saved = manager_client.post(address, step | {"motif_correction": "Accusé envoyé mais pas saisi"})
    assert saved.status_code == 302
    correction = YearCorrection.objects.get()
    assert (correction.reason, correction.action, correction.year) == (
        "Accusé envoyé mais pas saisi",
        "acknowledge",
        2025,
    )

    detail = reverse("correspondence:detail", kwargs={"org_slug": org.slug, "request_id": letter.pk})
    page = manager_client.get(detail).content.decode()
    assert "Modifié après la clôture de l'exercice 2025" in page and "Accusé envoyé mais pas saisi" in page

    indicator = Indicator.objects.filter(organisation=org, metric_key__startswith="correspondence.").first()
    assert indicator is not None
    page = manager_client.get(url(org, "commitment_detail", commitment_id=indicator.commitment_id)).content.decode()
    assert "Exercice clôturé : valeur figée" in page and "1 correction après clôture" in page

    page = manager_client.get(url(org, "year_corrections", closing_id=closing.pk)).content.decode()
    assert "Accusé envoyé mais pas saisi" in page and "Accusé de réception" in page

    journal = reverse("core:audit_trail", kwargs={"org_slug": org.slug})
    assert "Correction après clôture de l'exercice" in html.unescape(manager_client.get(journal).content.decode())


def test_the_closing_page_reads_few_or_many_years_in_the_same_queries(org, manager_client, page_queries):
    close_year(organisation=org, year=2025, actor=None)
    few = page_queries(manager_client, url(org, "closing"))
    for year in range(2015, 2025):
        closing = YearClosing.objects.create(
            organisation=org, year=year, closed_at=dt.datetime(2026, 1, 2, tzinfo=PARIS)
        )
        YearCorrection.objects.create(
            organisation=org, closing=closing, year=year, object_repr="x", action="edit", reason="motif"
        )
    assert page_queries(manager_client, url(org, "closing")) == few


def test_an_appointment_of_a_closed_year_asks_the_reason_with_its_buttons_in_correction_mode(
    org, manager_client, make_member
):
    service = Service.objects.get(organisation=org, code="etat-civil")
    OpeningHours.objects.create(
        organisation=org, site=service.site, weekday=0, opens_at=dt.time(8), closes_at=dt.time(12)
    )
    kind = AppointmentKind.objects.create(organisation=org, service=service, label="Passeport", duration_minutes=20)
    BookingHours.objects.create(organisation=org, kind=kind, weekday=0, starts_at=dt.time(9), ends_at=dt.time(11))
    starts = dt.datetime(2025, 12, 1, 9, 20, tzinfo=PARIS)  # a Monday
    appointment, _token = book(
        kind=kind, starts_at=starts, citizen=Citizen("Usager", "usager@exemple.test"),
        channel=AppointmentChannel.PHONE, actor=None, now=starts - dt.timedelta(days=3),
    )  # fmt: skip
    close_year(organisation=org, year=2025, actor=make_member(org, Role.ADMIN))
    detail = reverse("appointments:detail", args=[org.slug, appointment.pk])
    step = reverse("appointments:step", args=[org.slug, appointment.pk])
    assert 'name="motif_correction"' not in manager_client.get(detail).content.decode()  # « refuser »: no box

    org.closed_year_changes = ClosedYearChanges.CORRECTION
    org.save()
    page = manager_client.get(detail).content.decode()
    assert 'name="motif_correction"' in page and 'name="step" value="no_show"' in page  # one form, the box in it
    refused = manager_client.post(step, {"step": "no_show"}, follow=True).content.decode()
    assert "Indiquez-en le motif" in html.unescape(refused) and not YearCorrection.objects.exists()
    manager_client.post(step, {"step": "no_show", "motif_correction": "Absence signalée par téléphone"})
    correction = YearCorrection.objects.get()
    assert (correction.year, correction.reason) == (2025, "Absence signalée par téléphone")
