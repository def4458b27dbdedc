"""Deadline extensions: the source's own date kept apart from when it is due (SPEC §4.8)."""

from django.db import migrations, models


def copy_due_on(apps, schema_editor):
    for name in ("Deadline", "HistoricalDeadline"):
        apps.get_model("deadlines", name).objects.update(source_due_on=models.F("due_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0002_own_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="source_due_on",
            field=models.DateField(null=True, help_text="The date the source record gives."),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="source_due_on",
            field=models.DateField(null=True, help_text="The date the source record gives."),
        ),
        migrations.RunPython(copy_due_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deadline",
            name="source_due_on",
            field=models.DateField(help_text="The date the source record gives."),
        ),
        migrations.AlterField(
            model_name="historicaldeadline",
            name="source_due_on",
            field=models.DateField(help_text="The date the source record gives."),
        ),
        migrations.AddField(
            model_name="deadline",
            name="extended_to",
            field=models.DateField(
                blank=True, null=True, help_text="The date a DfE official moved it to (deadline_extend)."
            ),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="extended_to",
            field=models.DateField(
                blank=True, null=True, help_text="The date a DfE official moved it to (deadline_extend)."
            ),
        ),
        migrations.AddField(
            model_name="deadline",
            name="extension_reason",
            field=models.TextField(blank=True, help_text="Why it was extended."),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="extension_reason",
            field=models.TextField(blank=True, help_text="Why it was extended."),
        ),
    ]
