"""The audit trail stores its action codes in English only (core.journal gives their French
labels): the French words written before are rewritten to the codes written now.

The trail refuses UPDATE (migration 0002): the trigger is lifted for these statements only,
inside the migration's transaction, and put back. The reverse keeps the English codes, which
every page reads as well."""

from django.db import migrations

# Old French word → English code, for every object type.
CODES = {
    "création": "create",
    "modification": "update",
    "suppression": "delete",
    "anonymisation": "anonymise",
    "paramètres": "settings",
    "invitation": "invite",
    "relevé": "tally",
    "calcul": "compute",
    "émission": "create",
    "accusé de réception": "acknowledge",
    "accusé de réception par courriel": "acknowledge",
    "réponse": "answer",
    "clôture": "close",
    "réouverture": "reopen",
    "bien-fondé": "judge",
    "appel": "call",
    "rappel": "recall",
    "début du service": "start",
    "fin du service": "end",
    "départ": "leave",
    "réorientation": "redirect",
}
# "saisie" named two things: a value entered by hand (commitments) and a visit (reception).
ENTERED_VALUE_TYPE = "commitments.indicatorvalue"

SQLITE_LIFT = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"
SQLITE_RESTORE = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
"""
POSTGRES_LIFT = "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_change;"
POSTGRES_RESTORE = "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_change;"


def to_english(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    lift, restore = {"sqlite": (SQLITE_LIFT, SQLITE_RESTORE), "postgresql": (POSTGRES_LIFT, POSTGRES_RESTORE)}.get(
        vendor, ("", "")
    )
    if lift:
        schema_editor.execute(lift)
    update = "UPDATE core_auditevent SET action = %s WHERE action = %s"
    for french, code in CODES.items():
        schema_editor.execute(update, [code, french])
    schema_editor.execute(f"{update} AND object_type = %s", ["enter", "saisie", ENTERED_VALUE_TYPE])
    schema_editor.execute(update, ["create", "saisie"])
    if restore:
        schema_editor.execute(restore)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_imports_models_moved_out")]
    operations = [migrations.RunPython(to_english, migrations.RunPython.noop)]
