"""Register numbers become continuous per register and year (registers.models.Numbering):
each town's counters of the act-requests register (EC-YYYY-NNNNN) and of the errors register
(ERR-YYYY-NNNNN) start, for every year, at the highest number their references already use
(with or without the "QP-" of a clash; the town's own imported references of another form are
ignored), so that no existing reference changes and no new one repeats an old one. Written
here, not imported: this migration must not change with the app."""

import re

from django.db import migrations

REGISTERS = [("ActRequest", "acts", "EC-"), ("ActError", "act_errors", "ERR-")]


def set_counters(apps, schema_editor):
    RegisterCounter = apps.get_model("registers", "RegisterCounter")
    for model_name, register, prefix in REGISTERS:
        model = apps.get_model("civil_registry", model_name)
        pattern = re.compile(rf"(?:QP-)?{re.escape(prefix)}(\d{{4}})-(\d{{5,}})")
        highest: dict[tuple[int, int], int] = {}
        for organisation_id, reference in model.objects.values_list("organisation_id", "reference").iterator():
            match = pattern.fullmatch(reference)
            if match:
                key = (organisation_id, int(match[1]))
                highest[key] = max(highest.get(key, 0), int(match[2]))
        for (organisation_id, year), number in highest.items():
            RegisterCounter.objects.update_or_create(
                organisation_id=organisation_id, register=register, year=year, defaults={"last_number": number}
            )


class Migration(migrations.Migration):
    dependencies = [("civil_registry", "0004_default_act_rules"), ("registers", "0001_register_counters")]

    operations = [migrations.RunPython(set_counters, migrations.RunPython.noop)]
