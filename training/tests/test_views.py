"""The training pages through the client: the quality manager keeps the roster and records
sessions, every member reads them, bad input gets a French message and writes nothing. The
access walk (outsider 404, reader and auditor read only) and axe cover these pages from the
top-level tests through training/tests/samples.py."""

import datetime as dt
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent, Role, Service
from training.models import Agent, Attendance, Kind, TrainingSession
from training.tests.samples import SHEET

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC))]


def url(name, org, *args):
    return reverse(f"training:{name}", args=[org.slug, *args])


def test_the_manager_adds_an_agent_and_the_journal_says_so(org, manager_client):
    reception = Service.objects.get(organisation=org, code="accueil")
    data = {"full_name": " Nadia Moreau ", "service": reception.pk, "front_line": "on", "arrived_on": "2026-11-02"}
    response = manager_client.post(url("agent_create", org), data)
    agent = Agent.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url("agent", org, agent.pk)
    assert (agent.full_name, agent.service, agent.front_line) == ("Nadia Moreau", reception, True)
    event = AuditEvent.objects.get(object_type="training.agent", action="create")
    assert (event.after or {})["full_name"] == "Nadia Moreau" and event.actor is not None


def test_a_departure_before_the_arrival_is_refused_in_french_and_nothing_is_written(org, manager_client):
    data = {"full_name": "Nadia Moreau", "arrived_on": "2026-11-02", "departed_on": "2026-10-01"}
    response = manager_client.post(url("agent_create", org), data)
    assert response.status_code == 200
    assert "Date de départ : le 01/10/2026 précède l&#x27;arrivée du 02/11/2026." in response.content.decode()
    assert not Agent.objects.exists() and not AuditEvent.objects.filter(object_type="training.agent").exists()


def test_marking_a_departure_keeps_the_agent_and_writes_a_french_journal_line(org, manager_client, make_agent):
    agent = make_agent("Nadia Moreau", dt.date(2024, 1, 8))
    response = manager_client.post(url("agent_depart", org, agent.pk), {"departed_on": "2026-10-31"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.departed_on == dt.date(2026, 10, 31)
    event = AuditEvent.objects.get(object_type="training.agent", action="depart")
    assert event.before == {"departed_on": None} and event.after == {"departed_on": "2026-10-31"}
    page = manager_client.get(url("agent", org, agent.pk)).content.decode()
    assert "Départ de l&#x27;agent" in page


def test_a_departure_before_a_session_the_agent_attended_is_refused(org, manager_client, make_agent, make_session):
    agent = make_agent("Nadia Moreau", dt.date(2024, 1, 8))
    make_session(dt.date(2026, 10, 5), [agent])
    response = manager_client.post(url("agent_depart", org, agent.pk), {"departed_on": "2026-09-30"})
    assert response.status_code == 200
    assert "a participé à une session le 05/10/2026, hors de ses dates en poste" in response.content.decode()
    agent.refresh_from_db()
    assert agent.departed_on is None


def session_data(agents, **fields):
    return {
        "kind": Kind.TRAINING,
        "topic": "Accueil téléphonique",
        "held_on": "2026-11-20",
        "trainer": "CNFPT",
        "duration_hours": "3,5",
        "commitments": ["11", "22"],
        "attendees": [agent.pk for agent in agents],
    } | fields


def test_the_manager_records_a_session_with_its_attendees_and_sheet(org, manager_client, make_agent):
    anne, bruno = make_agent("Anne Martin", dt.date(2020, 1, 6)), make_agent("Bruno Roux", dt.date(2021, 3, 1))
    sheet = SimpleUploadedFile("émargement novembre.pdf", SHEET, content_type="application/pdf")
    response = manager_client.post(url("session_create", org), session_data([anne, bruno], attendance_sheet=sheet))
    session = TrainingSession.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url("session", org, session.pk)
    assert session.commitments == ["11", "22"] and str(session.duration_hours) == "3.5"
    assert set(Attendance.objects.filter(session=session).values_list("agent__full_name", flat=True)) == {
        "Anne Martin",
        "Bruno Roux",
    }
    event = AuditEvent.objects.get(object_type="training.trainingsession", action="create")
    assert (event.after or {})["attendees"] == "Anne Martin, Bruno Roux"
    assert (event.after or {})["attendance_sheet"].endswith(".pdf")
    download = manager_client.get(url("attendance_sheet", org, session.pk))
    assert b"".join(download.streaming_content) == SHEET
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''%C3%A9margement_novembre.pdf"


def test_a_sheet_that_is_not_a_pdf_or_an_image_is_refused(org, manager_client, make_agent):
    anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
    sheet = SimpleUploadedFile("liste.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = manager_client.post(url("session_create", org), session_data([anne], attendance_sheet=sheet))
    assert response.status_code == 200
    assert "doit être un fichier PDF, PNG ou JPEG" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_an_attendee_not_in_post_that_day_is_refused_by_name(org, manager_client, make_agent):
    anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
    late = make_agent("Zoé Newcomer", dt.date(2026, 11, 23))
    response = manager_client.post(url("session_create", org), session_data([anne, late]))
    assert response.status_code == 200
    assert "Participants : pas en poste le 20/11/2026 : Zoé Newcomer." in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_editing_a_session_changes_its_attendees_and_deleting_it_keeps_the_journal(
    org, manager_client, make_agent, make_session
):
    anne, bruno = make_agent("Anne Martin", dt.date(2020, 1, 6)), make_agent("Bruno Roux", dt.date(2021, 3, 1))
    session = make_session(dt.date(2026, 11, 2), [anne])
    response = manager_client.post(url("session_edit", org, session.pk), session_data([bruno], held_on="2026-11-02"))
    assert response.status_code == 302
    assert list(session.attendees.values_list("full_name", flat=True)) == ["Bruno Roux"]
    update = AuditEvent.objects.get(object_type="training.trainingsession", action="update")
    assert ((update.before or {})["attendees"], (update.after or {})["attendees"]) == ("Anne Martin", "Bruno Roux")
    assert manager_client.post(url("session_delete", org, session.pk)).status_code == 302
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()
    deletion = AuditEvent.objects.get(object_type="training.trainingsession", action="delete")
    assert (deletion.before or {})["attendees"] == "Bruno Roux" and (deletion.before or {})[
        "topic"
    ] == "Accueil téléphonique"


def test_a_reader_sees_the_roster_and_the_records_but_no_button_that_writes(org, client_as, make_agent, make_session):
    anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
    make_session(dt.date(2026, 11, 2), [anne])
    reader = client_as(org, Role.AUDITOR)
    roster = reader.get(url("home", org)).content.decode()
    assert "Anne Martin" in roster and "Ajouter un agent" not in roster
    record = reader.get(url("agent", org, anne.pk)).content.decode()
    assert "Accueil des usagers" in record and "Modifier" not in record
    assert reader.get(url("agent_create", org)).status_code == 403


def test_the_roster_searches_by_name_and_hides_departed_agents_unless_asked(org, manager_client, make_agent):
    make_agent("Anne Martin", dt.date(2020, 1, 6))
    make_agent("Bruno Roux", dt.date(2020, 1, 6), departed_on=dt.date(2026, 6, 30))
    assert "Bruno Roux" not in manager_client.get(url("home", org)).content.decode()
    assert "Bruno Roux" in manager_client.get(url("home", org), {"etat": "partis"}).content.decode()
    found = manager_client.get(url("home", org), {"q": "mart", "etat": "tous"}).content.decode()
    assert "Anne Martin" in found and "Bruno Roux" not in found


def test_the_roster_and_session_lists_run_the_same_queries_for_3_or_30_agents(
    org, manager_client, make_agent, make_session, page_queries
):
    def grow(count):
        agents = [make_agent(f"Agent {Agent.objects.count() + 1}", dt.date(2020, 1, 6)) for _ in range(count)]
        make_session(dt.date(2026, 11, 2), agents)

    grow(3)
    small = page_queries(manager_client, url("home", org)), page_queries(manager_client, url("sessions", org))
    small_newcomers = page_queries(manager_client, url("newcomers", org))
    grow(27)
    assert (page_queries(manager_client, url("home", org)), page_queries(manager_client, url("sessions", org))) == small
    assert page_queries(manager_client, url("newcomers", org)) == small_newcomers


def test_the_export_lists_each_agent_with_the_count_of_trainings_and_briefings(
    org, manager_client, make_agent, make_session
):
    anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
    make_session(dt.date(2026, 3, 2), [anne])
    make_session(dt.date(2026, 9, 7), [anne])
    make_session(dt.date(2026, 4, 10), [anne], kind=Kind.BRIEFING)
    response = manager_client.get(url("roster_export", org), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nom et prénom;Service;En contact avec le public")
    assert lines[1] == "Anne Martin;;oui;06/01/2020;;2;07/09/2026;1;10/04/2026"


def test_the_certificate_list_is_a_pdf_of_the_trainings_attended_without_any_grade(
    org, manager_client, make_agent, make_session, tmp_path
):
    anne = make_agent("Anne Martin", dt.date(2020, 1, 6))
    make_session(dt.date(2026, 3, 2), [anne], topic="Accueil téléphonique", duration_hours=3)
    make_session(dt.date(2026, 4, 10), [anne], kind=Kind.BRIEFING, topic="Charte Qualivilles")
    response = manager_client.get(url("agent_certificates", org, anne.pk))
    assert response["Content-Type"] == "application/pdf"
    assert "attestations-formation-anne-martin.pdf" in response["Content-Disposition"]
    path = tmp_path / "list.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Formations suivies par Anne Martin" in text
    assert "Accueil téléphonique" in text and "Charte Qualivilles" in text and "02/03/2026" in text
    assert "ni note ni appréciation" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Tagged:          yes" in info


def test_the_newcomers_page_tells_who_was_briefed_in_time_and_who_is_late(
    org, manager_client, make_agent, make_session
):
    on_time = make_agent("Anne Martin", dt.date(2026, 9, 1))
    late = make_agent("Bruno Roux", dt.date(2026, 9, 1))
    make_agent("Chloé Morel", dt.date(2026, 10, 1))  # deadline 31 October passed, never briefed
    make_agent("David Garnier", dt.date(2026, 11, 20))  # deadline 20 December to come
    make_session(dt.date(2026, 9, 15), [on_time], kind=Kind.BRIEFING)
    make_session(dt.date(2026, 10, 20), [late], kind=Kind.BRIEFING)
    page = manager_client.get(url("newcomers", org)).content.decode()
    assert page.count("Sensibilisé dans le délai") == 1
    assert page.count("Sensibilisé après le délai") == 1
    assert page.count("<strong>En retard</strong>") == 1
    assert page.count("À sensibiliser") == 1


def test_the_settings_change_the_deadline_with_a_journal_line_and_refuse_zero(org, manager_client):
    refused = manager_client.post(url("settings", org), {"briefing_days": "0"})
    assert refused.status_code == 200 and "supérieure ou égale à 1" in refused.content.decode()
    assert manager_client.post(url("settings", org), {"briefing_days": "45"}).status_code == 302
    event = AuditEvent.objects.get(object_type="training.trainingsettings", action="settings")
    assert (event.before, event.after) == ({"briefing_days": 30}, {"briefing_days": 45})
