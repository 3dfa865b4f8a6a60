"""Towns that exist already get what a new town is created with (training.actions.
create_defaults: the briefing deadline of 30 days), and their Qualivilles indicators 11.1 and
22.1, typed by hand until now (`manual.share`), are computed from the training records from
now on, as the framework file now says; 22.2 (newcomers briefed within the deadline) is added
under commitment 22. An indicator a town switched to another metric itself is left alone. The
values are written here, not imported: this migration must not change with the app.

Values already typed stay stored until their period is recomputed from the records."""

from django.db import migrations

FRAMEWORK = "qualivilles"
SWITCHED = {"11.1": "training.front_line_trained", "22.1": "training.agents_briefed"}
NEW_INDICATOR = {
    "code": "22.2",
    "label": "Part des nouveaux agents sensibilisés dans le délai après leur arrivée",
    "metric_key": "training.newcomers_briefed_on_time",
    "comparator": ">=",
    "target_value": 100,
    "unit": "%",
    "granularity": "year",
    "position": 2,
}


def follow_the_records(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    TrainingSettings = apps.get_model("training", "TrainingSettings")
    Indicator = apps.get_model("commitments", "Indicator")
    Commitment = apps.get_model("commitments", "Commitment")
    for town in Organisation.objects.all():
        TrainingSettings.objects.get_or_create(organisation=town)
    for code, metric_key in SWITCHED.items():
        Indicator.objects.filter(
            code=code, metric_key="manual.share", commitment__framework__code=FRAMEWORK
        ).update(metric_key=metric_key)
    for commitment in Commitment.objects.filter(code="22", framework__code=FRAMEWORK):
        Indicator.objects.get_or_create(
            organisation_id=commitment.organisation_id,
            commitment=commitment,
            code=NEW_INDICATOR["code"],
            defaults={key: value for key, value in NEW_INDICATOR.items() if key != "code"},
        )


def back_to_typed_values(apps, schema_editor):
    Indicator = apps.get_model("commitments", "Indicator")
    for code, metric_key in SWITCHED.items():
        Indicator.objects.filter(code=code, metric_key=metric_key).update(metric_key="manual.share")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_kiosk_device"),
        ("commitments", "0004_values_written_index"),
        ("training", "0001_initial"),
    ]

    operations = [migrations.RunPython(follow_the_records, back_to_typed_values)]
