"""Each town's journal is a hash chain (core.chain) that `manage.py verify_journal` walks; the
tampering tests play an attacker who dropped the database's guard (tests/journal_guard.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from core.audit import record_event
from core.chain import event_hash, verify_chain
from core.models import AuditEvent, Site
from tests.journal_guard import journal_guard_lifted

pytestmark = pytest.mark.django_db


def _site_events(organisation, count):
    site = Site.objects.create(organisation=organisation, name=f"Annexe {organisation.slug}")
    return [
        record_event(organisation=organisation, actor=None, instance=site, action="update", after={"n": n})
        for n in range(count)
    ]


def _chain(organisation):
    return list(AuditEvent.objects.filter(organisation=organisation).order_by("seq"))


def _tamper(sql, params):
    with journal_guard_lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify(organisation):
    try:
        call_command("verify_journal", org=organisation.slug)
    except CommandError as error:
        return str(error)
    return ""


def test_each_town_has_its_own_chain_each_event_linked_to_the_previous(org, other_org):
    _site_events(org, 3)
    _site_events(other_org, 2)
    for town in (org, other_org):
        chain = _chain(town)
        assert [event.seq for event in chain] == list(range(1, len(chain) + 1))
        previous = ""
        for event in chain:
            assert event.prev_hash == previous
            assert event.hash == event_hash(event, previous)
            previous = event.hash
    assert verify_chain(org.pk).broken is None


def test_events_written_in_bulk_join_the_chain(org):
    _site_events(org, 1)
    site = Site.objects.get(organisation=org, name=f"Annexe {org.slug}")
    AuditEvent.objects.bulk_create(
        [AuditEvent(organisation=org, object_type="core.site", object_id=str(site.pk), object_repr="x", action="import")
         for _ in range(3)]
    )  # fmt: skip
    result = verify_chain(org.pk)
    assert result.broken is None
    assert result.head_seq == len(_chain(org))


def test_an_intact_journal_is_reported_in_french_with_its_last_link(org, capsys):
    _site_events(org, 3)
    call_command("verify_journal", org=org.slug)
    out = capsys.readouterr().out
    last = _chain(org)[-1]
    assert "chaîne intacte" in out
    assert f"dernier maillon n° {last.seq}, empreinte {last.hash}" in out


def test_an_altered_field_is_found_at_its_event(org):
    chain = _site_events(org, 5)
    target = _chain(org)[2]
    _tamper("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["quelqu'un d'autre", target.pk])
    message = _verify(org)
    assert f"événement n° {target.seq} (id {target.pk}) modifié" in message
    assert "2 événement(s) vérifié(s)" in message
    assert len(chain) == 5


def test_an_altered_json_value_is_found(org):
    _site_events(org, 3)
    target = _chain(org)[0]
    _tamper("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 41}', target.pk])
    assert f"événement n° {target.seq} (id {target.pk}) modifié" in _verify(org)


def test_a_deleted_event_is_reported_as_a_missing_link(org):
    _site_events(org, 5)
    target = _chain(org)[1]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    assert "maillon manquant : événement n° 2 absent" in _verify(org)


def test_reordered_events_break_the_chain(org):
    _site_events(org, 5)
    second, third = _chain(org)[1:3]
    # Swap their places (through a free number: the places are unique).
    _tamper("UPDATE core_auditevent SET seq = 0 WHERE id = %s", [second.pk])
    _tamper("UPDATE core_auditevent SET seq = %s WHERE id = %s", [second.seq, third.pk])
    _tamper("UPDATE core_auditevent SET seq = %s WHERE id = %s", [third.seq, second.pk])
    assert f"maillon rompu à l'événement n° 2 (id {third.pk})" in _verify(org)


def test_a_rewritten_event_with_a_fresh_hash_breaks_the_next_link(org):
    _site_events(org, 4)
    target = _chain(org)[1]
    target.action = "delete"
    forged = event_hash(target, target.prev_hash)
    _tamper("UPDATE core_auditevent SET action = 'delete', hash = %s WHERE id = %s", [forged, target.pk])
    assert "maillon rompu à l'événement n° 3" in _verify(org)


def test_an_unknown_town_is_refused_in_french(db):
    with pytest.raises(CommandError, match="Organisation « nulle-part » inconnue"):
        call_command("verify_journal", org="nulle-part")


# The journal's chain (core 0012) and its guard (core 0013), run alone by `_run_chain_migrations`.
CHAIN_MIGRATIONS = ("0012_journal_hash_chain", "0013_journal_append_only")


def _run_chain_migrations(*, backwards: bool = False) -> None:
    """Apply core's CHAIN_MIGRATIONS (or unapply them, last first) through their own operations,
    as the migration executor runs them. `migrate core 0011` would also unapply, then apply
    again, the 14 later migrations of the apps that depend on core (25 s), though none touches
    the journal: the test checks that the journal's table comes back as it was."""
    loader = MigrationLoader(connection)
    state = loader.project_state(("core", "0011_organisation_two_factor_required"), at_end=True)
    steps = []
    for name in CHAIN_MIGRATIONS:
        migration = loader.get_migration("core", name)
        steps.append((migration, state))  # each one with the state before it, as apply and unapply take
        state = migration.mutate_state(state, preserve=True)
    for migration, before in reversed(steps) if backwards else steps:
        with connection.schema_editor(atomic=migration.atomic) as schema_editor:
            if backwards:
                migration.unapply(before, schema_editor)
            else:
                migration.apply(before, schema_editor)


def _journal_table() -> tuple[list[tuple[str, str]], dict[str, dict[str, object]]]:
    """The journal table's columns (name, type) and constraints, as the database describes them."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "core_auditevent")
        constraints = connection.introspection.get_constraints(cursor, "core_auditevent")
    return [(column.name, column.type_code) for column in columns], constraints


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_written_before_it(org, other_org):
    _site_events(org, 3)
    _site_events(other_org, 2)
    table = _journal_table()
    _run_chain_migrations(backwards=True)
    with connection.cursor() as cursor:  # an event written the old way, after the others
        cursor.execute(
            "INSERT INTO core_auditevent (organisation_id, actor_label, at, object_type, object_id, object_repr,"
            " action) VALUES (%s, 'système', %s, 'core.site', '1', 'Annexe', 'create')",
            [org.pk, "2026-01-02 03:04:05.123456" + ("" if connection.vendor == "sqlite" else "+00:00")],
        )
    _run_chain_migrations()
    assert _journal_table() == table
    assert [event.seq for event in _chain(org)] == [1, 2, 3, 4]
    for town in (org, other_org):
        assert verify_chain(town.pk).broken is None
    record_event(organisation=org, actor=None, instance=Site.objects.filter(organisation=org)[0], action="close")
    assert verify_chain(org.pk).head_seq == 5
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")  # the guard is back after the table rebuilds
