"""Towns that exist already get the delivery deadlines a new town is created with
(civil_registry.actions.ensure_rules), which the request page used to create when first opened:
one rule for each channel that has none (commitment 19: the counter the same day, the others 5
working days). The values are written here, not imported: this migration must not change with
the app."""

from django.db import migrations

DEFAULT_ACT_DEADLINES = {"counter": 0, "post": 5, "web": 5, "comedec": 5, "notary": 5}


def create_rules(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    ActDeadlineRule = apps.get_model("civil_registry", "ActDeadlineRule")
    for town in Organisation.objects.all():
        for channel, days in DEFAULT_ACT_DEADLINES.items():
            ActDeadlineRule.objects.get_or_create(organisation=town, channel=channel, defaults={"days": days})


class Migration(migrations.Migration):
    dependencies = [("core", "0007_french_names"), ("civil_registry", "0003_workflow_log_base")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
