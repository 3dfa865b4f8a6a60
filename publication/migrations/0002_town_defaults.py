"""Towns that exist already get what a new town is created with (publication.actions.
create_defaults): the Licence Ouverte (Etalab 2.0) for their published results."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    PublicationSettings = apps.get_model("publication", "PublicationSettings")
    for town in Organisation.objects.all():
        PublicationSettings.objects.get_or_create(organisation=town)


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
