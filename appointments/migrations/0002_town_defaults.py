"""Towns that exist already get what a new town is created with (appointments.actions.
create_defaults: the booking rules). Written here, not imported: this migration must not
change with the app."""

from django.db import migrations


def add_booking_rules(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    AppointmentSettings = apps.get_model("appointments", "AppointmentSettings")
    for town in Organisation.objects.all():
        AppointmentSettings.objects.get_or_create(organisation=town)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(add_booking_rules, migrations.RunPython.noop)]
