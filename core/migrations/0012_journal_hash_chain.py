"""Each town's journal becomes a hash chain (core.chain): every event gets its place in its
town's chain, the previous event's hash and its own, existing events chained in id order (the
order they were written in).

The trail refuses UPDATE (migration 0002): on PostgreSQL the trigger is disabled for these
statements only, inside the migration's transaction, and enabled again. On SQLite the new
columns rebuild the table, which drops its triggers: migration 0013 installs them all again."""

from django.db import migrations, models

from core.chain import event_hash

BATCH = 2000


def chain_existing_events(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_change;")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update;")
    AuditEvent = apps.get_model("core", "AuditEvent")
    towns = AuditEvent._base_manager.values_list("organisation_id", flat=True).distinct()
    update = "UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"
    with schema_editor.connection.cursor() as cursor:
        for organisation_id in sorted(set(towns)):
            seq, prev_hash, rows = 0, "", []
            events = AuditEvent._base_manager.filter(organisation_id=organisation_id).order_by("id")
            for event in events.iterator(chunk_size=BATCH):
                seq += 1
                event.seq, event.prev_hash = seq, prev_hash
                prev_hash = event_hash(event, prev_hash)
                rows.append((seq, event.prev_hash, prev_hash, event.id))
                if len(rows) >= BATCH:
                    cursor.executemany(update, rows)
                    rows = []
            cursor.executemany(update, rows)
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_change;")


class Migration(migrations.Migration):
    dependencies = [("core", "0011_organisation_two_factor_required")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, verbose_name="n° dans la chaîne de la commune"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="empreinte de l'événement précédent"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("organisation", "seq"), name="audit_chain_unique_seq"),
        ),
    ]
