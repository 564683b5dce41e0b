from django.db import migrations, models

# Search matches words anywhere in a name, exam code or focus with Django's ``icontains``,
# which PostgreSQL runs as ``UPPER(column) LIKE UPPER('%word%')``: trigram GIN indexes on
# exactly those expressions let it find the rows without reading the table. SQLite has no
# such index and keeps scanning, which is fine at its sizes.
TRIGRAM_COLUMNS = ["name", "exam_code", "focus"]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS certification_{column}_trgm "
            f'ON catalog_certification USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS certification_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_certification_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="certification",
            index=models.Index(fields=["name"], name="certification_name"),
        ),
        migrations.AddIndex(
            model_name="certification",
            index=models.Index(fields=["retirement_date", "name"], name="certification_retirement"),
        ),
        migrations.AddIndex(
            model_name="certification",
            index=models.Index(fields=["verified_on"], name="certification_verified"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
