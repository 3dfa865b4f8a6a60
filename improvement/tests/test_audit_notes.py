"""The auditor's notes: the auditor writes one on a commitment of the year under audit; the
quality manager accepts it (an improvement action opens, linked both ways) or declines it with
a reason; each step journaled in French; a reader can neither write nor decide."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from accounts.testing import log_in_verified
from commitments.models import Commitment
from core.models import AuditEvent, Role, YearClosing
from core.registries import todo_lines
from improvement.audit_notes import accept_audit_note, write_audit_note
from improvement.models import AuditNote, AuditNoteKind, AuditNoteStatus, AuditNoteStep, ImprovementAction, Origin
from improvement.tests.conftest import indicator_of

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))]

TEXT = "Au 2e trimestre, aucun message hors horaires n'était enregistré (capture absente)."


def url(name, org, *args):
    return reverse(f"improvement:{name}", args=[org.slug, *args])


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def auditor(org, make_member):
    return make_member(org, Role.AUDITOR, email="auditeur@afnor.test")


@pytest.fixture
def auditor_client(client, auditor):
    return log_in_verified(client, auditor)


@pytest.fixture
def phone(org, qualivilles):
    return Commitment.objects.get(organisation=org, code="16")


@pytest.fixture
def note(org, phone, auditor):
    return write_audit_note(
        organisation=org,
        actor=auditor,
        year=2025,
        commitment=phone,
        indicator=indicator_of(org, "16.3"),
        kind=AuditNoteKind.MINOR,
        text=TEXT,
    )


def form(phone, **changes):
    return {"year": "2025", "commitment": phone.pk, "indicator": "", "kind": "sensitive", "text": TEXT} | changes


def test_the_auditor_writes_a_note_on_a_commitment_of_the_year_under_audit(org, phone, auditor, auditor_client):
    page = text(auditor_client.get(url("note_new", org) + f"?annee=2025&engagement={phone.pk}"))
    assert '<option value="2025" selected>2025</option>' in page
    assert f'<option value="{phone.pk}" selected>16. ' in page
    response = auditor_client.post(url("note_new", org), form(phone, indicator=indicator_of(org, "16.3").pk))
    note = AuditNote.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url("note_detail", org, note.pk)
    assert note.indicator is not None and note.indicator.code == "16.3"
    assert (note.year, note.commitment, note.kind, note.status, note.written_by) == (
        2025, phone, AuditNoteKind.SENSITIVE, AuditNoteStatus.PENDING, auditor,
    )  # fmt: skip
    assert list(note.steps.values_list("action", "to_status")) == [("write_audit_note", "pending")]
    event = AuditEvent.objects.get(organisation=org, action="write_audit_note")
    assert event.after is not None and TEXT not in str(event.after) and event.after["kind"] == "sensitive"
    detail = text(auditor_client.get(response["Location"]))
    assert TEXT in detail and "Remarque d'audit notée" in detail and "À examiner" not in detail
    assert "État : <strong>à examiner</strong>" in detail
    assert "Accepter et ouvrir une action" not in detail  # the auditor does not decide


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "Ce champ est obligatoire."),
        ({"year": "2026"}, "Sélectionnez un choix valide."),
        ({"kind": ""}, "Ce champ est obligatoire."),
    ],
)
def test_a_bad_note_gets_a_french_message_and_writes_nothing(org, phone, auditor_client, changes, message):
    response = auditor_client.post(url("note_new", org), form(phone, **changes))
    assert response.status_code == 200 and message in text(response)
    assert not AuditNote.objects.exists() and not AuditEvent.objects.filter(action="write_audit_note").exists()


def test_an_indicator_of_another_commitment_is_refused(org, phone, auditor_client):
    response = auditor_client.post(url("note_new", org), form(phone, indicator=indicator_of(org, "17.1").pk))
    assert "Cet indicateur ne mesure pas l'engagement 16." in text(response)
    assert not AuditNote.objects.exists()


def test_a_closed_year_may_be_noted_and_a_year_neither_closed_nor_the_last_complete_may_not(org, phone, auditor):
    YearClosing.objects.create(organisation=org, year=2023, closed_at=dt.datetime(2024, 1, 20, 9, tzinfo=dt.UTC))
    kept = write_audit_note(
        organisation=org, actor=auditor, year=2023, commitment=phone, kind=AuditNoteKind.PROGRESS, text="Piste"
    )
    assert kept.year == 2023
    with pytest.raises(Exception, match="Choisissez un exercice clôturé"):
        write_audit_note(
            organisation=org, actor=auditor, year=2024, commitment=phone, kind=AuditNoteKind.PROGRESS, text="Piste"
        )


@pytest.mark.parametrize("role", [Role.READER, Role.QUALITY_MANAGER, Role.AGENT])
def test_only_the_auditor_writes_notes(org, phone, client_as, role):
    client = client_as(org, role)
    assert client.get(url("note_new", org)).status_code == 403
    assert client.post(url("note_new", org), form(phone)).status_code == 403
    assert not AuditNote.objects.exists()


def test_the_quality_manager_accepts_a_note_and_an_action_opens_linked_both_ways(org, note, manager_client):
    page = text(manager_client.get(url("note_detail", org, note.pk)))
    assert "Accepter et ouvrir une action d'amélioration" in page
    response = manager_client.post(url("note_accept", org, note.pk), {"version": note.version})
    action = ImprovementAction.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url("action_edit", org, action.pk)
    note.refresh_from_db()
    assert (note.status, note.action, note.decided_at is not None) == (AuditNoteStatus.ACCEPTED, action, True)
    assert (action.origin, action.origin_type, action.origin_id, action.commitment) == (
        Origin.AUDIT_NOTE, "improvement.auditnote", str(note.pk), note.commitment,
    )  # fmt: skip
    assert (
        action.origin_label == f"Remarque d'audit n° {note.pk}, exercice 2025, engagement 16 (non-conformité mineure)"
    )
    assert action.description == TEXT and action.due_on == dt.date(2026, 4, 9)
    assert text(manager_client.get(url("action_detail", org, action.pk))).count(url("note_detail", org, note.pk)) == 1
    detail = text(manager_client.get(url("note_detail", org, note.pk)))
    assert url("action_detail", org, action.pk) in detail and "Remarque d'audit acceptée" in detail
    assert "Accepter et ouvrir" not in detail
    assert AuditEvent.objects.filter(organisation=org, action="accept_audit_note").count() == 1


def test_a_decided_note_cannot_be_accepted_or_declined_again(org, note, manager_client, make_member):
    accept_audit_note(
        note=note, actor=make_member(org, Role.ADMIN), seen_version=note.version, today=dt.date(2026, 3, 9)
    )
    note.refresh_from_db()
    response = manager_client.post(url("note_accept", org, note.pk), {"version": note.version}, follow=True)
    assert "Étape « remarque d'audit acceptée » impossible : la remarque est déjà « acceptée »." in text(response)
    refused = manager_client.post(url("note_decline", org, note.pk), {"version": note.version, "reason": "Doublon"})
    assert "Cette remarque est déjà acceptée." in text(refused)
    assert ImprovementAction.objects.count() == 1


def test_the_quality_manager_declines_a_note_with_a_reason_the_auditor_reads(org, note, manager_client, client):
    empty = manager_client.post(url("note_decline", org, note.pk), {"version": note.version, "reason": " "})
    assert empty.status_code == 200 and "Ce champ est obligatoire." in text(empty)
    note.refresh_from_db()
    assert note.status == AuditNoteStatus.PENDING and not AuditEvent.objects.filter(action="decline_audit_note")
    reason = "Le message existait : la capture a été jointe au justificatif du 3e trimestre."
    response = manager_client.post(url("note_decline", org, note.pk), {"version": note.version, "reason": reason})
    assert response.status_code == 302 and response["Location"] == url("note_detail", org, note.pk)
    note.refresh_from_db()
    assert (note.status, note.decline_reason, note.action) == (AuditNoteStatus.DECLINED, reason, None)
    assert not ImprovementAction.objects.exists()
    seen = text(log_in_verified(client, note.written_by).get(url("note_detail", org, note.pk)))
    assert reason in seen and "Remarque d'audit écartée" in seen and "État : <strong>écartée</strong>" in seen


def test_a_decision_on_a_stale_page_writes_nothing(org, note, manager_client):
    response = manager_client.post(url("note_accept", org, note.pk), {"version": note.version + 1}, follow=True)
    assert "depuis que vous l'avez ouvert. Rien n'a été enregistré" in text(response)
    note.refresh_from_db()
    assert note.status == AuditNoteStatus.PENDING and not ImprovementAction.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.READER, Role.AGENT])
def test_only_the_quality_manager_decides(org, note, client_as, role):
    client = client_as(org, role)
    assert client.post(url("note_accept", org, note.pk), {"version": note.version}).status_code == 403
    assert client.get(url("note_decline", org, note.pk)).status_code == 403
    assert client.post(url("note_decline", org, note.pk), {"version": note.version, "reason": "Non"}).status_code == 403
    assert client.get(url("note_detail", org, note.pk)).status_code == 200
    note.refresh_from_db()
    assert note.status == AuditNoteStatus.PENDING and not AuditNoteStep.objects.exclude(action="write_audit_note")


def test_another_town_gets_404_on_every_note_page(org, note, outsider_client):
    for name in ("note_detail", "note_accept", "note_decline"):
        assert outsider_client.get(url(name, org, note.pk)).status_code == 404, name
        assert outsider_client.post(url(name, org, note.pk), {"version": 0}).status_code == 404, name
    assert outsider_client.get(url("note_list", org)).status_code == 404
    assert outsider_client.get(url("note_new", org)).status_code == 404
    note.refresh_from_db()
    assert note.status == AuditNoteStatus.PENDING


def test_a_note_to_examine_is_on_the_quality_manager_s_to_do_list_until_decided(org, note, manager):
    from core.models import Membership

    membership = Membership.objects.get(user=manager, organisation=org)
    lines = {line.label: line for line in todo_lines(membership, dt.date(2026, 3, 10))}
    assert lines["1 remarque d'audit à examiner"].url == url("note_list", org) + "?statut=a_examiner"
    accept_audit_note(note=note, actor=manager, seen_version=note.version, today=dt.date(2026, 3, 10))
    assert "1 remarque d'audit à examiner" not in {line.label for line in todo_lines(membership, dt.date(2026, 3, 10))}


def test_the_list_filters_by_year_and_state_in_the_same_queries_whatever_its_size(
    org, phone, auditor, client_as, page_queries
):
    reader = client_as(org, Role.READER)
    write_audit_note(organisation=org, actor=auditor, year=2025, commitment=phone, kind="major", text="Écart")
    small = page_queries(reader, url("note_list", org))
    commitments = list(Commitment.objects.for_org(org).order_by("pk")[:12])
    for commitment in commitments:
        write_audit_note(organisation=org, actor=auditor, year=2025, commitment=commitment, kind="progress", text="P")
    assert page_queries(reader, url("note_list", org)) == small
    pending = text(reader.get(url("note_list", org) + "?annee=2025&statut=a_examiner"))
    assert "(13 au total)" in pending and "Noter une remarque" not in pending
    assert "(0 au total)" in text(reader.get(url("note_list", org) + "?statut=acceptees"))
