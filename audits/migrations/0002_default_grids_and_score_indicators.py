"""Existing towns get the default grids, and their Qualivilles indicators that took a typed
score now read the filled grids (issue 13).

New towns get the grids with the town (audits.actions.create_default_grids, a TOWN_DEFAULTS
entry) and the indicators from commitments/frameworks/qualivilles.toml; this gives the same to
the towns created before. A town that already has a grid is left alone. An indicator is
switched only while it still takes a typed score (`manual.score`, `manual.share`): one the town
pointed at another measure keeps it. Values typed before stay stored until their period is
recomputed from the grids."""

import datetime as dt

from django.db import migrations

from audits.default_grids import default_grids

# Indicator code → the params of "audits.score" (the same as qualivilles.toml).
SWITCHED = {
    "1.1": {"commitment": "1", "kinds": ["self", "visit"]},
    "2.1": {"commitment": "2", "kinds": ["self", "visit"]},
    "3.1": {"commitment": "3", "kinds": ["self", "visit"]},
    "4.1": {"commitment": "4", "kinds": ["self"]},
    "5.1": {"commitment": "5", "kinds": ["self", "visit"]},
    "7.2": {"commitment": "7", "kinds": ["visit"]},
    "10.1": {"commitment": "10", "kinds": ["self", "visit"]},
    "12.2": {"commitment": "12", "kinds": ["visit"]},
    "14.2": {"commitment": "14", "kinds": ["self"]},
    "15.1": {"commitment": "15", "kinds": ["call"]},
}
TYPED = ("manual.score", "manual.share")


def give_default_grids(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    Grid = apps.get_model("audits", "Grid")
    Criterion = apps.get_model("audits", "Criterion")
    specs = default_grids()
    today = dt.date.today()
    for organisation in Organisation.objects.exclude(pk__in=Grid.objects.values("organisation_id")).iterator():
        for spec in specs:
            grid = Grid.objects.create(
                organisation=organisation,
                title=spec.title,
                kind=spec.kind,
                frequency=spec.frequency,
                instructions=spec.instructions,
                created_on=today,
            )
            Criterion.objects.bulk_create(
                Criterion(
                    organisation=organisation,
                    grid=grid,
                    position=position,
                    commitment_code=criterion.commitment,
                    question=criterion.question,
                    expected=criterion.expected,
                    weight=criterion.weight,
                )
                for position, criterion in enumerate(spec.criteria, start=1)
            )


def read_scores_from_grids(apps, schema_editor):
    Indicator = apps.get_model("commitments", "Indicator")
    indicators = Indicator.objects.filter(
        commitment__framework__code="qualivilles", code__in=list(SWITCHED), metric_key__in=TYPED
    )
    for indicator in indicators.iterator():
        Indicator.objects.filter(pk=indicator.pk).update(metric_key="audits.score", params=SWITCHED[indicator.code])


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0001_initial"),
        ("commitments", "0004_values_written_index"),
    ]

    operations = [
        migrations.RunPython(give_default_grids, migrations.RunPython.noop),
        migrations.RunPython(read_scores_from_grids, migrations.RunPython.noop),
    ]
