"""Towns that exist already get the visit reasons a new town is created with
(reception.defaults.create_default_reasons), which the counter pages used to create when first
opened. Like it, only a town with no reason at all gets them, each tied to the service of its
code when the town has one. The values are written here, not imported: this migration must
not change with the app."""

from django.db import migrations

DEFAULT_REASONS = [
    ("État civil : acte", "etat-civil"),
    ("Carte d'identité / passeport", "etat-civil"),
    ("Inscription scolaire", "scolaire"),
    ("Urbanisme", "urbanisme"),
    ("Renseignement", "accueil"),
    ("Autre", "accueil"),
]


def create_default_reasons(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    Service = apps.get_model("core", "Service")
    VisitReason = apps.get_model("reception", "VisitReason")
    towns_with_reasons = VisitReason.objects.values_list("organisation_id", flat=True)
    for town in Organisation.objects.exclude(pk__in=towns_with_reasons):
        services = {service.code: service for service in Service.objects.filter(organisation=town)}
        for position, (label, code) in enumerate(DEFAULT_REASONS, start=1):
            VisitReason.objects.create(
                organisation=town, label=label, service=services.get(code), position=position * 10, is_active=True
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_french_names"),
        ("reception", "0004_workflow_log_base"),
    ]
    operations = [migrations.RunPython(create_default_reasons, migrations.RunPython.noop)]
