"""Calls counted in rings keep their rings, not a wait computed from them (issue 9, items 4 and
6): a tally's stored wait is cleared, and the monthly rows of the months holding calls with
rings are rebuilt so that they read rings × the town's ring cycle (telephony.summaries), in
set operations: one UPDATE, then one DELETE and one INSERT … SELECT per town and month."""

from decimal import Decimal

from django.db import migrations

ANSWERED = "answered"
UNKNOWN_WAIT = -1
NO_LINE = 0


def next_month(month):
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def keep_rings(apps, schema_editor):
    Call = apps.get_model("telephony", "Call")
    CallMonthStat = apps.get_model("telephony", "CallMonthStat")
    Organisation = apps.get_model("core", "Organisation")
    with_rings = Call.objects.filter(outcome=ANSWERED, rings__isnull=False, service__isnull=False)
    months = set(
        with_rings.filter(wait_seconds__isnull=True).values_list("organisation_id", "local_month").distinct()
    ) | set(with_rings.filter(origin="tally").values_list("organisation_id", "local_month").distinct())
    Call.objects.filter(origin="tally", outcome=ANSWERED, rings__isnull=False).update(wait_seconds=None)
    cycles = dict(Organisation.objects.filter(pk__in={org for org, _ in months}).values_list("pk", "ring_cycle_seconds"))
    connection = schema_editor.connection
    calls, stat = (connection.ops.quote_name(model._meta.db_table) for model in (Call, CallMonthStat))
    line = f"COALESCE(line_id, {NO_LINE})"
    talk = f"CASE WHEN outcome = '{ANSWERED}' THEN talk_seconds ELSE 0 END"
    with connection.cursor() as cursor:
        for organisation_id, month in sorted(months):
            tenths = int(Decimal(cycles[organisation_id]) * 10)
            wait = (
                f"CASE WHEN outcome = '{ANSWERED}' THEN COALESCE(wait_seconds, (rings * {tenths:d}) / 10, "
                f"{UNKNOWN_WAIT}) ELSE {UNKNOWN_WAIT} END"
            )
            CallMonthStat.objects.filter(organisation_id=organisation_id, month=month).delete()
            cursor.execute(
                f"INSERT INTO {stat} (organisation_id, month, service_id, line_key, in_hours, outcome, "  # noqa: S608
                f"wait_seconds, calls, talk_seconds) SELECT organisation_id, local_month, service_id, {line}, "
                f"in_hours, outcome, {wait}, COUNT(*), SUM({talk}) FROM {calls} WHERE organisation_id = %s "
                "AND local_date >= %s AND local_date < %s AND service_id IS NOT NULL "
                f"GROUP BY organisation_id, local_month, service_id, {line}, in_hours, outcome, {wait}",
                [organisation_id, month, next_month(month)],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("telephony", "0003_source_from_imports_app"),
    ]

    operations = [migrations.RunPython(keep_rings, migrations.RunPython.noop)]
