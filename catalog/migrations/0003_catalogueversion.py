from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("catalog", "CatalogueVersion").objects.using(
        schema_editor.connection.alias
    ).get_or_create(id=1, defaults={"number": 1})


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_certification_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="catalogue_version_single"
                    )
                ],
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
