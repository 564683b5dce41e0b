"""The catalogue version: one number that every change to public data raises.

Public pages are cached per version (``certsite.pagecache``), so a change must raise it in
the same transaction that makes the change: then no reader can see the new data under the
old version for longer than the commit takes, and a rolled-back change raises nothing.

Signals cover every ordinary write: saves and deletes of every model of this app (the
certifications, providers, focus areas, guide tables and their history rows) and changes
to its many-to-many relations. Paths that skip signals (``QuerySet.update``,
``bulk_create``) call ``bump()`` themselves.
"""

from functools import partial

from django.apps import apps
from django.db import connections, router, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

SINGLETON = 1


def _model():
    return apps.get_model("catalog", "CatalogueVersion")


def current(using: str | None = None) -> int:
    """The committed number (0 before the first migration's row exists).

    Plain SQL: without a shared cache every cached page asks for it, and building the ORM
    query cost more than running it.
    """
    model = _model()
    using = using or router.db_for_read(model)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT number FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
            [SINGLETON],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def bump(using: str | None = None) -> None:
    """Raises the number in the caller's transaction; publishes it once that commits.

    ``number = number + 1`` in one UPDATE, never read-then-write, so concurrent
    transactions cannot lose a bump; on PostgreSQL the row lock also orders them.
    """
    model = _model()
    using = using or router.db_for_write(model)
    rows = model.objects.using(using).filter(pk=SINGLETON)
    if not rows.update(number=F("number") + 1):
        # A flushed database (TransactionTestCase) has lost the migration's row.
        model.objects.using(using).get_or_create(pk=SINGLETON, defaults={"number": 0})
        rows.update(number=F("number") + 1)
    # Every bump registers a callback (a rolled-back savepoint drops its own), but the
    # flag makes only the first to run after a commit publish.
    connections[using].catalogue_version_unpublished = True
    transaction.on_commit(partial(_publish, using), using=using)


def _publish(using: str) -> None:
    connection = connections[using]
    if not getattr(connection, "catalogue_version_unpublished", False):
        return
    connection.catalogue_version_unpublished = False
    from certsite import pagecache

    pagecache.version_committed(current(using))


# Inside a transaction the bump comes before the write, so a transaction always takes the
# version row's lock before any data row's: two editors' transactions then queue on it and
# cannot deadlock. Outside one (autocommit) it comes after the write, so no reader can pair
# the new number with the old data.
def _before(sender, using=None, **kwargs):
    if connections[using].in_atomic_block:
        bump(using)


def _after(sender, using=None, **kwargs):
    if not connections[using].in_atomic_block:
        bump(using)


def _m2m(sender, action, using=None, **kwargs):
    if action.startswith("pre_"):
        _before(sender, using=using)
    else:
        _after(sender, using=using)


def connect() -> None:
    """Connects the bumps to each public model (by sender, so other apps' deletes stay fast)."""
    version_model = _model()
    for model in apps.get_app_config("catalog").get_models(include_auto_created=True):
        if model is version_model:
            continue
        uid = f"catalogue-version-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_after, sender=model, dispatch_uid=f"{uid}-post-save")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_after, sender=model, dispatch_uid=f"{uid}-post-delete")
        if model._meta.auto_created:
            m2m_changed.connect(_m2m, sender=model, dispatch_uid=f"{uid}-m2m")
