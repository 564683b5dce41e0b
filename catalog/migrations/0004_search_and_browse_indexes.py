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


# The same rule as catalog.history.announces, frozen here as migrations must be.
ANNOUNCED_FIELDS = ["cost_amount", "cost_currency", "billing", "cost_approximate", "retirement_date"]


def mark_announced_snapshots(apps, schema_editor):
    """Marks the existing snapshots the public record of changes lists: each
    certification's first, and each whose price or retirement date differs from the one
    before. One ordered pass over the history; later snapshots are marked as written."""
    history = apps.get_model("catalog", "HistoricalCertification")
    certification = apps.get_model("catalog", "Certification")
    alias = schema_editor.connection.alias
    existing = set(certification.objects.using(alias).values_list("pk", flat=True))
    rows = (
        history.objects.using(alias)
        .order_by("id", "history_date", "history_id")
        .values_list("history_id", "id", *ANNOUNCED_FIELDS)
    )
    announced, previous = [], None
    for row in rows.iterator(chunk_size=5000):
        first = previous is None or previous[1] != row[1]
        if row[1] in existing and (first or previous[2:] != row[2:]):
            announced.append(row[0])  # deleted certifications have no page to link
        previous = row
    for start in range(0, len(announced), 5000):
        history.objects.using(alias).filter(
            history_id__in=announced[start : start + 5000]
        ).update(history_announced=True)


# The record of changes, newest first: a partial index holds only the announced snapshots.
ANNOUNCED_INDEX = (
    "CREATE INDEX IF NOT EXISTS historicalcertification_announced "
    "ON catalog_historicalcertification (history_date DESC, history_id DESC) "
    "WHERE history_announced"
)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_catalogueversion"),
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
        migrations.AddIndex(
            model_name="certification",
            index=models.Index(
                fields=[
                    "retirement_date",
                    "billing",
                    "format",
                    "difficulty_min",
                    "difficulty_max",
                    "recognition",
                    "cost_amount",
                    "typical_months",
                    "platform",
                    "id",
                ],
                name="certification_facets",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
        migrations.AddField(
            model_name="historicalcertification",
            name="history_announced",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_announced_snapshots, migrations.RunPython.noop),
        migrations.RunSQL(
            ANNOUNCED_INDEX, "DROP INDEX IF EXISTS historicalcertification_announced"
        ),
    ]
