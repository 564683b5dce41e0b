from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .history import announces
from .models import Certification


@receiver(pre_create_historical_record)
def record_source(sender, instance, history_instance, **kwargs):
    """Copies the source an editor or the seed gave onto the history entry."""
    if hasattr(history_instance, "history_source_url"):
        history_instance.history_source_url = getattr(instance, "_history_source_url", "") or ""


def _snapshots(history_instance):
    return type(history_instance).objects.filter(id=history_instance.id)


@receiver(pre_create_historical_record)
def mark_announced(sender, instance, history_instance, **kwargs):
    """Decides once, when a snapshot is written, whether the public record of changes
    lists it, so that record is an indexed filter rather than a scan of all history."""
    if not hasattr(history_instance, "history_announced"):
        return
    previous = (
        _snapshots(history_instance)
        .filter(history_date__lte=history_instance.history_date)
        .order_by("-history_date", "-history_id")
        .first()
    )
    history_instance.history_announced = history_instance.history_type != "-" and announces(
        history_instance, previous
    )


@receiver(post_create_historical_record)
def recheck_next_snapshot(sender, instance, history_instance, **kwargs):
    """A snapshot dated before existing ones (the seed, an import of old changes) becomes
    the predecessor of the next one, whose mark then depends on it."""
    if not hasattr(history_instance, "history_announced"):
        return
    later = (
        _snapshots(history_instance)
        .filter(
            Q(history_date__gt=history_instance.history_date)
            | Q(
                history_date=history_instance.history_date,
                history_id__gt=history_instance.history_id,
            )
        )
        .order_by("history_date", "history_id")
        .first()
    )
    if later is not None and later.history_announced != announces(later, history_instance):
        later.history_announced = not later.history_announced
        later.save(update_fields=["history_announced"])


@receiver(post_delete, sender=Certification)
def withdraw_announcements(sender, instance, **kwargs):
    """A deleted certification has no page to link: its changes leave the public record."""
    Certification.history.filter(id=instance.pk).update(history_announced=False)
