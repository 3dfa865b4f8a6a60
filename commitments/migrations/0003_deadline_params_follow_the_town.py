"""Complaint deadline indicators follow the town's deadline settings (issue 9, item 6).

Until now 21.1 carried `days = 2` and measured two working days whatever the town's
acknowledgement deadline. The metrics now read the due dates stored on each complaint, which
follow the town's settings: this drops `days` and `letter_days` from the params of every
complaint deadline indicator, and gives 21.1 the catalogue's new label where the town kept the
old one (a label it wrote itself is left alone)."""

from django.db import migrations

DEADLINE_METRICS = ("complaints.acknowledged_on_time", "complaints.answered_on_time")
DEADLINE_PARAMS = ("days", "letter_days")
OLD_LABEL = "Réclamations dont la réception est accusée en 2 jours ouvrés"
NEW_LABEL = "Réclamations dont la réception est accusée dans le délai de la ville"


def follow_the_town(apps, schema_editor):
    Indicator = apps.get_model("commitments", "Indicator")
    for indicator in Indicator.objects.filter(metric_key__in=DEADLINE_METRICS).iterator():
        params = {name: value for name, value in (indicator.params or {}).items() if name not in DEADLINE_PARAMS}
        label = NEW_LABEL if indicator.label == OLD_LABEL else indicator.label
        if (params, label) != (indicator.params, indicator.label):
            Indicator.objects.filter(pk=indicator.pk).update(params=params, label=label)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_indicator_value_per_site")]

    operations = [migrations.RunPython(follow_the_town, migrations.RunPython.noop)]
