"""The complaint log rows take the workflow log's shape (core.workflow.WorkflowEvent): each
row now says which step it records. Existing rows keep their data; their step is read from
the statuses they went from and to."""

from django.db import migrations, models


def name_the_steps(apps, schema_editor):  # type: ignore[no-untyped-def]
    rows = apps.get_model("complaints", "ComplaintTransition").objects
    rows.filter(from_status="").update(action="create")
    rows.filter(from_status="closed").update(action="reopen")
    others = rows.filter(action="")
    others.filter(to_status="acknowledged").update(action="acknowledge")
    others.filter(to_status="answered").update(action="answer")
    others.filter(to_status="closed").update(action="close")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="complainttransition",
            name="action",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(name_the_steps, migrations.RunPython.noop),
    ]
