import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import history_of, record_event, snapshot
from core.models import AuditEvent, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    site = Site.objects.create(organisation=org, name="Annexe nord")
    return record_event(organisation=org, actor=None, instance=site, action="create", after=snapshot(site))


def test_an_event_keeps_only_the_fields_that_changed(org):
    site = Site.objects.create(organisation=org, name="Annexe", address="1 rue Haute")
    event = record_event(
        organisation=org,
        actor=None,
        instance=site,
        action="update",
        before={"name": "Annexe", "address": "1 rue Haute"},
        after={"name": "Annexe sud", "address": "1 rue Haute"},
    )
    assert event.before == {"name": "Annexe"}
    assert event.after == {"name": "Annexe sud"}
    assert list(history_of(site)) == [event]


def test_the_application_cannot_change_an_event(event):
    event.action = "falsifié"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="falsifié")


def test_the_application_cannot_delete_an_event(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_an_update_that_bypasses_the_application(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'falsifié' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "create"


def test_the_database_refuses_a_delete_that_bypasses_the_application(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_to_empty_the_trail_at_once(event):
    statement = "TRUNCATE core_auditevent" if connection.vendor == "postgresql" else "DELETE FROM core_auditevent"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_an_account_keeps_its_events_and_their_author_label(org, make_member):
    user = make_member(org, "agent", email="ancien@ville-test.test")
    site = Site.objects.create(organisation=org, name="Annexe est")
    event = record_event(organisation=org, actor=user, instance=site, action="create", after=snapshot(site))
    user.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor_label == "ancien@ville-test.test"
