"""The written-request pages through the client: registration with the due date shown at
once, the register with its filters and a bounded number of queries, the workflow steps,
the concurrent edit refused with a message naming who changed the request, the
acknowledgement letter, the settings and the rules for outsiders and readers."""

import datetime as dt
import html
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import log_in_verified
from core.localtime import PARIS
from core.models import AuditEvent, Role, Service
from core.workdays import calendar_for, french_date
from correspondence import actions
from correspondence.models import (
    AcknowledgementTemplate,
    Category,
    Channel,
    DeadlineRule,
    RequestEvent,
    Status,
    WrittenRequest,
)

D = dt.date
# Session, user and membership, then the page's own reads: the same for 1 request or 30, for
# the default rules and categories or 15 more of each.
QUERIES_OF_THE_REGISTER = 11
QUERIES_OF_THE_SETTINGS = 13
TODAY = D(2026, 11, 18)  # a Wednesday; every test runs on it, at 10:00 in Paris
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False),
]


def url(org, name, **kwargs):
    return reverse(f"correspondence:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_registration_form_shows_the_due_date_of_a_letter_received_today(org, client_as):
    page = client_as(org, Role.AGENT).get(url(org, "new")).content.decode()
    due = calendar_for(org).add_working_days(TODAY, 15)
    assert f"Échéance : {french_date(due)}" in page
    assert f'hx-get="{url(org, "due_preview")}"' in page


def test_the_due_date_fragment_follows_channel_category_and_day(org, client_as, make_request):
    make_request()
    agent = client_as(org, Role.AGENT)
    htmx = {"HTTP_HX_REQUEST": "true"}
    fragment = agent.get(url(org, "due_preview"), {"channel": "email", "received_on": "2026-07-10"}, **htmx)
    assert fragment.content.decode().startswith('<p class="due-preview__text">')
    email = fragment.content.decode()
    assert "Échéance : lundi 20 juillet 2026" in email and "5 jours ouvrés" in email
    urbanisme = Category.objects.get(organisation=org, code="urbanisme")
    DeadlineRule.objects.create(organisation=org, channel=Channel.LETTER, category=urbanisme, days=30)
    letter = agent.get(
        url(org, "due_preview"), {"channel": "letter", "category": urbanisme.pk, "received_on": "2026-07-10"}
    ).content.decode()
    assert "Échéance : lundi 24 août 2026" in letter and "30 jours ouvrés" in letter
    bad = agent.get(url(org, "due_preview"), {"channel": "letter", "received_on": "31/02/2026"}).content.decode()
    assert "Indiquez le canal et la date de réception" in bad


def test_without_javascript_the_due_date_url_is_a_page_that_computes_it(org, client_as):
    page = client_as(org, Role.AGENT).get(url(org, "due_preview"), {"channel": "web", "received_on": "2026-12-22"})
    text = page.content.decode()
    assert "<h1>Calculer une échéance</h1>" in text and "Échéance : mercredi 30 décembre 2026" in text


def test_registering_a_letter_saves_it_and_shows_its_due_date_again(org, client_as):
    agent = client_as(org, Role.AGENT)
    agent.get(url(org, "new"))
    service = Service.objects.get(organisation=org, code="accueil")
    response = agent.post(
        url(org, "new"),
        {"channel": "letter", "received_on": "2026-07-10", "service": service.pk, "subject": "Stationnement"},
        follow=True,
    )
    written = WrittenRequest.objects.get(organisation=org)
    assert written.due_on == D(2026, 8, 3)
    page = response.content.decode()
    assert "échéance le 03/08/2026" in page and "lundi 3 août 2026" in page


def test_a_date_of_receipt_in_the_future_is_refused_in_french_and_nothing_is_saved(org, client_as):
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client_as(org, Role.AGENT).post(url(org, "new"), {"channel": "letter", "received_on": future})
    assert "est dans le futur : une date passée ou celle du jour est attendue" in response.content.decode()
    assert not WrittenRequest.objects.filter(organisation=org).exists()


def test_the_register_lists_open_requests_first_with_a_bounded_number_of_queries(
    org, client_as, make_request, page_queries
):
    answered = make_request(received_on=D(2026, 1, 5))
    actions.answer(answered, actor=None, seen_version=answered.version, on=D(2026, 1, 6))
    reader = client_as(org, Role.READER)
    few = page_queries(reader, url(org, "home"))
    for day in range(1, 30):
        make_request(received_on=D(2026, 3, 2) + dt.timedelta(days=day % 20))
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(url(org, "home"))
    assert page.status_code == 200
    assert len(queries) <= 12
    assert len(queries) == few <= QUERIES_OF_THE_REGISTER
    rows = page.context["rows"]
    assert len(rows) == 25 and answered not in rows
    assert page.context["page"].paginator.count == 30


def test_my_items_show_my_overdue_requests_then_those_due_soon(org, make_member, make_request, client):
    agent = make_member(org, Role.AGENT)
    overdue = make_request(received_on=D(2026, 1, 5), assigned_to=agent)
    soon = make_request(channel=Channel.PHONE, received_on=TODAY, assigned_to=agent)
    soon.due_on = TODAY
    soon.save()
    make_request(received_on=D(2026, 1, 5))  # someone else's
    log_in_verified(client, agent)
    mine = client.get(url(org, "home")).context["mine"]
    assert mine.overdue == [overdue] and mine.due_soon == [soon]


def test_search_and_filters_narrow_the_register(org, client_as, make_request):
    make_request(subject="Arbre tombé", channel=Channel.EMAIL)
    make_request(subject="Bruit de voisinage")
    reader = client_as(org, Role.AGENT)  # readers search references only: test_personal_data.py
    assert [r.subject for r in reader.get(url(org, "home"), {"q": "arbre"}).context["rows"]] == ["Arbre tombé"]
    assert [r.subject for r in reader.get(url(org, "home"), {"channel": "letter"}).context["rows"]] == [
        "Bruit de voisinage"
    ]
    assert len(reader.get(url(org, "home"), {"state": "overdue"}).context["rows"]) == 2


def test_the_workflow_steps_through_the_detail_page(org, client_as, make_request, make_member):
    written = make_request(received_on=D(2026, 3, 2))
    agent = client_as(org, Role.AGENT)
    detail = url(org, "detail", request_id=written.pk)
    assert agent.get(detail).status_code == 200
    agent.post(url(org, "acknowledge", request_id=written.pk), {"version": 0, "on": "2026-03-03"})
    colleague = make_member(org, Role.AGENT, email="collegue@ville-test.test")
    agent.post(url(org, "reassign", request_id=written.pk), {"version": 1, "assigned_to": colleague.pk})
    agent.post(url(org, "answer", request_id=written.pk), {"version": 2, "on": "2026-03-10"})
    agent.post(url(org, "close", request_id=written.pk), {"version": 3, "on": "2026-03-11"})
    written.refresh_from_db()
    assert (written.status, written.assigned_to, written.answered_on) == (Status.CLOSED, colleague, D(2026, 3, 10))
    page = agent.get(detail).content.decode()
    assert "Dans les délais" in page and "Réattribution" in page


def test_a_step_posted_from_a_stale_page_is_refused_with_the_name_of_who_changed_the_request(
    org, make_member, make_request, client
):
    written = make_request()
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    actions.answer(written, actor=first, seen_version=0, on=D(2026, 3, 4))
    log_in_verified(client, make_member(org, Role.AGENT, email="second@ville-test.test"))
    response = client.post(url(org, "close", request_id=written.pk), {"version": 0, "on": "2026-03-05"}, follow=True)
    assert "modifié par premiere@ville-test.test" in response.content.decode()
    written.refresh_from_db()
    assert written.status == Status.ANSWERED and written.closed_on is None


def test_an_edit_of_a_request_someone_changed_meanwhile_is_refused_and_overwrites_nothing(
    org, make_member, make_request, client
):
    written = make_request(subject="Premier objet")
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    log_in_verified(client, make_member(org, Role.AGENT, email="second@ville-test.test"))
    edit = url(org, "edit", request_id=written.pk)
    form = client.get(edit).context["form"]
    assert form.initial["version"] == 0
    actions.update_request(written, actor=first, seen_version=0, subject="Objet corrigé par la première")
    data = {"channel": "letter", "received_on": "2026-03-02", "subject": "Objet du second", "version": 0}
    response = client.post(edit, data)
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "modifié par premiere@ville-test.test le" in page and "Rien n'a été enregistré" in page
    written.refresh_from_db()
    assert written.subject == "Objet corrigé par la première"


def test_changing_the_channel_in_the_edit_recomputes_the_due_date(org, client_as, make_request):
    written = make_request(received_on=D(2026, 7, 10))
    client_as(org, Role.AGENT).post(
        url(org, "edit", request_id=written.pk), {"channel": "email", "received_on": "2026-07-10", "version": 0}
    )
    written.refresh_from_db()
    assert (written.channel, written.deadline_days, written.due_on) == ("email", 5, D(2026, 7, 20))


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "accuse.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_acknowledgement_letter_is_a_tagged_pdf_with_the_mentions_the_law_requires(
    org, client_as, make_request, contacted, tmp_path
):
    written = make_request(received_on=D(2026, 7, 10), category_code="urbanisme")
    response = client_as(org, Role.AGENT).get(url(org, "acknowledgement_pdf", request_id=written.pk))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for mention in (
        "vendredi 10 juillet 2026",  # date of receipt
        "Accueil",  # the service in charge, with its postal and e-mail address and phone (R112-5)
        "1 place de la Mairie 45999 Ville-de-Test",
        "Téléphone : 02 61 91 00 10",
        "Courriel : accueil@ville-test.fr",
        "lundi 3 août 2026",  # the deadline announced
        "réputée acceptée le jeudi 10 septembre 2026",  # silence means acceptance two months on
        "attestation",  # of an implicit acceptance (L232-3)
        "tribunal administratif",  # the remedies when silence means refusal
        "Jeanne Usagère",
        written.reference,
    ):
        assert mention in text, mention
    assert "accueil de la mairie" not in text  # no made-up contact any more
    path = tmp_path / "accuse.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info


def test_a_letter_for_a_service_lacking_part_of_its_contact_is_not_printed_and_says_what_is_missing(
    org, client_as, make_request
):
    written = make_request()
    service = written.service
    service.postal_address, service.email, service.phone = "1 place de la Mairie\n45999 Ville-de-Test", "", ""
    service.save()
    admin = client_as(org, Role.ADMIN)
    response = admin.get(url(org, "acknowledgement_pdf", request_id=written.pk), follow=True)
    page = html.unescape(response.content.decode())
    assert response.redirect_chain[-1][0] == url(org, "detail", request_id=written.pk)
    assert f"il manque au service « {service.name} » son adresse e-mail et son téléphone" in page
    assert "article R112-5" in page
    settings_link = reverse("administration:service_edit", args=[org.slug, service.pk])
    assert f'href="{settings_link}"' in page
    assert "accuse-de-reception.pdf" not in page  # the button gives way to the message


def test_an_agent_is_told_what_is_missing_without_a_link_to_the_settings_they_cannot_open(org, client_as, make_request):
    written = make_request()
    page = html.unescape(client_as(org, Role.AGENT).get(url(org, "detail", request_id=written.pk)).content.decode())
    assert "son adresse postale, son adresse e-mail et son téléphone" in page
    assert reverse("administration:service_edit", args=[org.slug, written.service.pk]) not in page


def test_a_letter_for_a_request_without_a_service_is_not_printed(org, client_as, make_request):
    written = make_request(service=None)
    response = client_as(org, Role.AGENT).get(url(org, "acknowledgement_pdf", request_id=written.pk), follow=True)
    page = html.unescape(response.content.decode())
    assert response["Content-Type"].startswith("text/html")
    assert "la demande n'est rattachée à aucun service" in page
    assert f'href="{url(org, "edit", request_id=written.pk)}"' in page


def test_the_town_edits_its_letter_template_with_a_preview_that_saves_nothing(org, manager_client):
    edit = url(org, "template_edit")
    form = manager_client.get(edit).context["form"]
    body = form.initial["body"].replace("Madame, Monsieur,", "Chère usagère, cher usager,")
    data = {"version": 0, "title": "Accusé de réception", "body": body, "signature": "La Maire"}
    preview = manager_client.post(edit, data | {"preview": "1"})
    page = preview.content.decode()
    assert "Chère usagère, cher usager," in page
    assert "Téléphone : 01 99 00 00 42" in page  # the made-up service heads the preview
    assert AcknowledgementTemplate.objects.get(organisation=org).body.startswith("Madame")
    manager_client.post(edit, data | {"save": "1"})
    assert AcknowledgementTemplate.objects.get(organisation=org).signature == "La Maire"


def test_a_template_without_the_deadline_or_with_an_unknown_placeholder_is_refused(org, manager_client):
    edit = url(org, "template_edit")
    manager_client.get(edit)
    base = {"version": 0, "title": "AR", "signature": "Le Maire"}
    unknown = manager_client.post(
        edit, base | {"body": "{date_reception} {service} {echeance} {date_decision_implicite} {iban}"}
    )
    assert "Champ(s) inconnu(s) : {iban}" in unknown.content.decode()
    missing = manager_client.post(edit, base | {"body": "Reçu le {date_reception} par {service}, {contact_service}."})
    assert "doit mentionner {echeance}" in missing.content.decode()
    silent = manager_client.post(
        edit, base | {"body": "Reçu le {date_reception} par {service}, réponse le {echeance}."}
    )
    assert "doit mentionner {date_decision_implicite}" in silent.content.decode()
    assert AcknowledgementTemplate.objects.get(organisation=org).title == "Accusé de réception"


def test_the_settings_page_adds_a_rule_for_a_category_and_open_requests_follow_it(org, manager_client, make_request):
    written = make_request(received_on=D(2026, 7, 10), category_code="voirie")
    voirie = Category.objects.get(organisation=org, code="voirie")
    response = manager_client.post(
        url(org, "settings"), {"form": "rule", "channel": "letter", "category": voirie.pk, "days": 8}
    )
    assert response.status_code == 302
    written.refresh_from_db()
    assert (written.deadline_days, written.due_on) == (8, D(2026, 7, 23))
    duplicate = manager_client.post(
        url(org, "settings"), {"form": "rule", "channel": "letter", "category": voirie.pk, "days": 9}
    )
    assert "Une règle existe déjà" in duplicate.content.decode()


def test_an_agent_cannot_change_the_deadline_rules(org, client_as, make_request):
    make_request()
    rule = DeadlineRule.objects.filter(organisation=org).first()
    assert rule is not None
    agent = client_as(org, Role.AGENT)
    assert agent.get(url(org, "settings")).status_code == 403
    assert agent.post(url(org, "rule_edit", rule_id=rule.pk), {"channel": "letter", "days": 1}).status_code == 403


def test_a_reader_sees_the_register_but_cannot_register_nor_step(org, client_as, make_request):
    written = make_request()
    reader = client_as(org, Role.READER)
    assert reader.get(url(org, "home")).status_code == 200
    assert reader.get(url(org, "detail", request_id=written.pk)).status_code == 200
    assert reader.get(url(org, "new")).status_code == 403
    events = AuditEvent.objects.count()
    assert reader.post(url(org, "answer", request_id=written.pk), {"version": 0, "on": "2026-03-03"}).status_code == 403
    assert AuditEvent.objects.count() == events


def test_an_outsider_gets_404_on_a_request_of_another_town(org, other_org, outsider_client, make_request):
    written = make_request()
    assert outsider_client.get(url(org, "detail", request_id=written.pk)).status_code == 404
    inside = reverse("correspondence:detail", kwargs={"org_slug": other_org.slug, "request_id": written.pk})
    assert outsider_client.get(inside).status_code == 404
    assert outsider_client.get(url(org, "acknowledgement_pdf", request_id=written.pk)).status_code == 404


def test_an_answer_dated_before_the_receipt_is_refused_on_the_detail_page_and_writes_nothing(
    org, client_as, make_request
):
    written = make_request(received_on=D(2026, 3, 2))
    response = client_as(org, Role.AGENT).post(
        url(org, "answer", request_id=written.pk), {"version": 0, "on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "La réponse ne peut précéder la réception (02/03/2026)." in html.unescape(response.content.decode())
    written.refresh_from_db()
    assert (written.status, written.answered_on, written.version) == (Status.RECEIVED, None, 0)


def test_the_settings_page_runs_the_same_queries_for_the_default_rules_or_many_more(
    org, manager_client, make_request, page_queries
):
    make_request()  # the town's default rules and categories
    few = page_queries(manager_client, url(org, "settings"))
    for number in range(15):
        category = actions.add_category(organisation=org, actor=None, code=f"theme-{number}", name=f"Thème {number}")
        DeadlineRule.objects.create(organisation=org, channel=Channel.LETTER, category=category, days=10 + number)
    page = manager_client.get(url(org, "settings")).content.decode()
    assert "Thème 14" in page
    assert page_queries(manager_client, url(org, "settings")) == few <= QUERIES_OF_THE_SETTINGS


def test_the_history_block_shows_steps_in_french_times_in_the_towns_zone_and_people_by_name(
    org, client_as, make_request, make_member
):
    agent = make_member(org, Role.AGENT, email="agent@ville-test.test")
    written = make_request(received_on=dt.date(2026, 7, 1))
    actions.acknowledge(written, actor=agent, seen_version=written.version, on=dt.date(2026, 7, 1))
    written.events.update(at=dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC))
    page = client_as(org, Role.READER).get(reverse("correspondence:detail", args=[org.slug, written.pk]))
    history = page.content.decode().split("<h2>Historique</h2>")[1]
    assert '<th scope="row" data-label="Enregistrée le">01/07/2026 12:00</th>' in history
    assert '<td data-label="Étape">Accusé de réception</td>' in history
    assert f'<td data-label="Par">{agent.full_name}</td>' in history
    assert '<td data-label="Par">système</td>' in history


def test_the_detail_page_reads_its_history_in_the_same_queries_however_long(
    org, client_as, make_request, add_history, page_queries
):
    reader = client_as(org, Role.READER)
    written = make_request(received_on=dt.date(2026, 11, 2))
    few = page_queries(reader, url(org, "detail", request_id=written.pk))
    add_history(written, lambda actor: RequestEvent.of(written, action="edit", actor=actor))
    page = reader.get(url(org, "detail", request_id=written.pk)).content.decode()
    assert page.count("Personne n° ") == 8  # each person, in the register's history
    assert page_queries(reader, url(org, "detail", request_id=written.pk)) == few
