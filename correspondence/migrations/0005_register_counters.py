"""Register numbers become continuous per register and year (registers.models.Numbering):
each town's counter of the written-requests register starts, for every year, at the highest
number its references already use (references written YYYY-NNNNN, with or without the "QP-"
of a clash; the town's own imported references of another form are ignored), so that no
existing reference changes and no new one repeats an old one. Written here, not imported:
this migration must not change with the app."""

import re

from django.db import migrations

REGISTER = "requests"
REFERENCE = re.compile(r"(?:QP-)?(\d{4})-(\d{5,})")


def set_counters(apps, schema_editor):
    WrittenRequest = apps.get_model("correspondence", "WrittenRequest")
    RegisterCounter = apps.get_model("registers", "RegisterCounter")
    highest: dict[tuple[int, int], int] = {}
    for organisation_id, reference in WrittenRequest.objects.values_list("organisation_id", "reference").iterator():
        match = REFERENCE.fullmatch(reference)
        if match:
            key = (organisation_id, int(match[1]))
            highest[key] = max(highest.get(key, 0), int(match[2]))
    for (organisation_id, year), number in highest.items():
        RegisterCounter.objects.update_or_create(
            organisation_id=organisation_id, register=REGISTER, year=year, defaults={"last_number": number}
        )


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0004_town_defaults"), ("registers", "0001_register_counters")]

    operations = [migrations.RunPython(set_counters, migrations.RunPython.noop)]
