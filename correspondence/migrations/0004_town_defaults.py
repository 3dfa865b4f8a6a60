"""Towns that exist already get what a new town is created with (correspondence.rules.
ensure_defaults), which the pages used to create when first opened: the deadline rule of each
channel that has none (commitment 17: letters 15 working days, the others 5), the categories
when the town has none, and the acknowledgement letter (its default text is the field's
default at this point of the migrations). The values are written here, not imported: this
migration must not change with the app."""

from django.db import migrations

DEFAULT_DEADLINES = {"letter": 15, "email": 5, "web": 5, "phone": 5}
DEFAULT_CATEGORIES = [
    ("information", "Demande d'information"),
    ("urbanisme", "Urbanisme"),
    ("voirie", "Voirie et propreté"),
    ("etat-civil", "État civil et citoyenneté"),
    ("scolaire", "Enfance et scolaire"),
    ("social", "Action sociale"),
    ("autre", "Autre"),
]


def create_defaults(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    DeadlineRule = apps.get_model("correspondence", "DeadlineRule")
    Category = apps.get_model("correspondence", "Category")
    AcknowledgementTemplate = apps.get_model("correspondence", "AcknowledgementTemplate")
    for town in Organisation.objects.all():
        for channel, days in DEFAULT_DEADLINES.items():
            DeadlineRule.objects.get_or_create(
                organisation=town, channel=channel, category=None, defaults={"days": days}
            )
        if not Category.objects.filter(organisation=town).exists():
            Category.objects.bulk_create(
                Category(organisation=town, code=code, name=name) for code, name in DEFAULT_CATEGORIES
            )
        AcknowledgementTemplate.objects.get_or_create(organisation=town)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_french_names"), ("correspondence", "0003_workflow_log_base")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
