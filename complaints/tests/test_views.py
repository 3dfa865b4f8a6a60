"""The back-office pages: scoped to the town, writable by agents only, French errors,
the concurrent edit, personal data hidden from readers, and lists without N+1 queries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from complaints import actions
from complaints.models import Complaint, ComplaintSettings, ComplaintTransition, Status
from complaints.tests.conftest import TODAY
from complaints.tests.samples import sample_values
from conftest import log_in_verified
from core.localtime import PARIS
from core.models import AuditEvent, Role
from tests.urlwalk import organisation_routes

# Every page runs on the day the complaints of the tests are registered (TODAY), at 10:00.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]
# Session, user and membership, then the list's reads: the same for 1 complaint or 31.
QUERIES_OF_THE_LIST = 7


def complaint_routes():
    return [
        route
        for route in organisation_routes()
        if route.name and route.pattern.startswith("o/<slug:org_slug>/reclamations/")
    ]


def test_every_complaint_page_gives_404_to_another_town_and_to_its_ids(org, other_org, client_as):
    values = sample_values(org) | {"org_slug": org.slug}
    outsider = client_as(other_org, Role.ADMIN)
    assert len(complaint_routes()) >= 12
    for route in complaint_routes():
        url = route.url(values)
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {}).status_code == 404, url
        inside_own_town = route.url(values | {"org_slug": other_org.slug})
        if "complaint_id" in route.parameters:
            assert outsider.get(inside_own_town).status_code == 404, inside_own_town


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_reads_every_page_but_posts_nowhere(org, client_as, role):
    values = sample_values(org) | {"org_slug": org.slug}
    reader = client_as(org, role)
    events = AuditEvent.objects.count()
    for route in complaint_routes():
        url = route.url(values)
        assert reader.post(url, {"version": 0, "on": "2026-03-03"}).status_code in (403, 405), url
    assert AuditEvent.objects.count() == events
    assert Complaint.objects.get().status == Status.RECEIVED
    assert reader.get(reverse("complaints:home", args=[org.slug])).status_code == 200


def test_a_reader_sees_no_personal_data_and_an_agent_does(org, client_as, make_complaint):
    complaint = make_complaint(citizen_name="Jeanne Usagère", description="Texte privé")
    url = reverse("complaints:detail", args=[org.slug, complaint.pk])
    reader_page = client_as(org, Role.READER).get(url).content.decode()
    assert "Jeanne" not in reader_page and "Texte privé" not in reader_page
    assert complaint.tracking_number in reader_page
    agent_page = client_as(org, Role.AGENT).get(url).content.decode()
    assert "Jeanne Usagère" in agent_page and "Texte privé" in agent_page


def test_an_agent_registers_a_letter_and_sees_its_due_dates(org, client_as):
    agent = client_as(org, Role.AGENT)
    response = agent.post(
        reverse("complaints:create", args=[org.slug]),
        {
            "kind": "reclamation",
            "channel": "courrier",
            "received_on": "2026-07-10",
            "subject": "Acte non reçu",
            "description": "",
            "commitment_code": "",
        },
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert complaint.answer_due_on == dt.date(2026, 8, 3)
    html = response.content.decode()
    assert "03/08/2026" in html and "15/07/2026" in html
    assert complaint.handled_by is not None and complaint.created_by == complaint.handled_by


def test_bad_input_gets_french_messages_tied_to_the_fields_and_writes_nothing(org, client_as):
    agent = client_as(org, Role.AGENT)
    response = agent.post(
        reverse("complaints:create", args=[org.slug]),
        {"kind": "reclamation", "channel": "pigeon", "received_on": "2099-01-01", "subject": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html  # Django's French message for the channel
    assert 'id="id_subject_error"' in html
    assert not Complaint.objects.exists()
    response = agent.post(
        reverse("complaints:create", args=[org.slug]),
        {"kind": "reclamation", "channel": "guichet", "received_on": "2099-01-01", "subject": "Objet"},
    )
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_workflow_through_the_pages(org, client_as, make_complaint):
    complaint = make_complaint(received_on=dt.date(2026, 3, 2))
    agent = client_as(org, Role.AGENT)
    base = f"/o/{org.slug}/reclamations/{complaint.pk}/"
    assert agent.post(base + "accuser-reception/", {"version": 0, "on": "2026-03-03"}).status_code == 302
    answer = {"version": 1, "on": "2026-03-09", "text": "Réponse envoyée", "justified": "non"}
    assert agent.post(base + "repondre/", answer).status_code == 302
    assert agent.post(base + "clore/", {"version": 2, "on": "2026-03-10"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.justified == "non"
    page = agent.get(base).content.decode()
    assert "Rouvrir" in page and "Clôture" in page


def test_a_step_dated_before_receipt_is_refused_in_french_on_the_page(org, client_as, make_complaint):
    complaint = make_complaint(received_on=dt.date(2026, 3, 2))
    response = client_as(org, Role.AGENT).post(
        f"/o/{org.slug}/reclamations/{complaint.pk}/accuser-reception/", {"version": 0, "on": "2026-03-01"}
    )
    assert "ne peut pas précéder la réception" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.acknowledged_on is None


def test_two_agents_editing_at_once_the_second_is_told_who_changed_it_and_nothing_is_overwritten(
    org, make_member, make_complaint
):
    complaint = make_complaint(subject="Objet initial")
    url = reverse("complaints:edit", args=[org.slug, complaint.pk])
    anne, bruno = Client(), Client()
    log_in_verified(anne, make_member(org, Role.AGENT, email="anne@ville-test.test"))
    log_in_verified(bruno, make_member(org, Role.AGENT, email="bruno@ville-test.test"))
    form = {
        "kind": "reclamation",
        "channel": "courriel",
        "received_on": "2026-03-02",
        "subject": "",
        "justified": "indetermine",
        "version": complaint.version,
    }
    assert 'name="version" value="0"' in anne.get(url).content.decode()
    assert anne.post(url, form | {"subject": "Objet d'Anne"}).status_code == 302
    response = bruno.post(url, form | {"subject": "Objet de Bruno"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "anne@ville-test.test" in html and "Rien n&#x27;a été enregistré" in html
    complaint.refresh_from_db()
    assert complaint.subject == "Objet d'Anne" and complaint.version == 1


def test_the_list_filters_searches_and_paginates_without_n_plus_one(
    org, client_as, make_complaint, django_assert_max_num_queries, page_queries
):
    agent = client_as(org, Role.AGENT)
    url = reverse("complaints:home", args=[org.slug])
    make_complaint(received_on=dt.date(2026, 4, 1), subject="Sujet 1")
    few = page_queries(agent, url)
    for day in range(2, 31):
        make_complaint(received_on=dt.date(2026, 4, day), subject=f"Sujet {day}")
    late = make_complaint(received_on=dt.date(2026, 3, 2), subject="Ancienne et oubliée")
    with django_assert_max_num_queries(12):
        page = agent.get(url).content.decode()
    assert page_queries(agent, url) == few <= QUERIES_OF_THE_LIST
    assert page.count("<tr>") == 26  # header + 25 rows
    assert "Page 1 sur 2" in page
    filtered = agent.get(url, {"q": "oubliée"}).content.decode()
    assert late.tracking_number in filtered and "Sujet 4" not in filtered
    by_number = agent.get(url, {"q": late.tracking_number.lower()}).content.decode()
    assert late.tracking_number in by_number
    overdue = agent.get(url, {"overdue": "on"}).content.decode()
    assert "en retard" in overdue


def test_the_quality_manager_changes_the_deadlines_and_an_agent_cannot(org, client_as, make_complaint):
    complaint = make_complaint(received_on=dt.date(2026, 7, 10))
    url = reverse("complaints:settings", args=[org.slug])
    assert client_as(org, Role.AGENT).get(url).status_code == 403
    manager = client_as(org, Role.QUALITY_MANAGER)
    values = {"acknowledge_days": 1, "answer_days": 5, "answer_days_letter": 15}
    assert manager.post(url, values).status_code == 302
    complaint.refresh_from_db()
    assert complaint.answer_due_on == dt.date(2026, 7, 20)
    assert ComplaintSettings.objects.get(organisation=org).acknowledge_days == 1
    response = manager.post(url, values | {"answer_days": 0})
    assert "supérieure ou égale à 1" in response.content.decode()


def test_statistics_count_by_commitment_and_justified(org, client_as, make_complaint):
    complaint = make_complaint(received_on=dt.date(2026, 3, 2))
    actions.answer(
        complaint=complaint, actor=None, seen_version=0, on=dt.date(2026, 3, 3), today=TODAY, justified="oui"
    )
    make_complaint(received_on=dt.date(2026, 3, 4))
    reader = client_as(org, Role.READER)
    text = reader.get(reverse("complaints:stats", args=[org.slug]), {"period": "2026"}).content.decode()
    assert "2 réclamations" in text and "Aucun engagement précisé" in text
    bad = reader.get(reverse("complaints:stats", args=[org.slug]), {"period": "2026-13"})
    assert "invalide" in bad.content.decode()


def test_the_statistics_page_runs_the_same_queries_for_one_complaint_or_forty(
    org, client_as, make_complaint, page_queries
):
    reader = client_as(org, Role.READER)
    stats = reverse("complaints:stats", args=[org.slug])
    make_complaint(received_on=dt.date(2026, 3, 2))
    few = page_queries(reader, stats, {"period": "2026"})
    for number in range(39):
        make_complaint(
            received_on=dt.date(2026, 1 + number % 10, 2), channel=("courriel", "courrier", "telephone")[number % 3]
        )
    assert "40 réclamations" in reader.get(stats, {"period": "2026"}).content.decode()
    assert page_queries(reader, stats, {"period": "2026"}) == few <= 7


def test_the_detail_page_reads_its_history_in_the_same_queries_however_long(
    org, client_as, make_complaint, add_history, page_queries
):
    agent = client_as(org, Role.AGENT)
    complaint = make_complaint(received_on=dt.date(2026, 3, 2))
    url = reverse("complaints:detail", args=[org.slug, complaint.pk])
    few = page_queries(agent, url)
    add_history(
        complaint, lambda actor: ComplaintTransition.of(complaint, action="edit", actor=actor, on=complaint.received_on)
    )
    page = agent.get(url).content.decode()
    assert page.count("Personne n° ") == 16  # each person, in the status log and in the history
    assert page_queries(agent, url) == few
