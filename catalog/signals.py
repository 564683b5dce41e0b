from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


@receiver(pre_create_historical_record)
def record_source(sender, instance, history_instance, **kwargs):
    """Copies the source an editor or the seed gave onto the history entry."""
    if hasattr(history_instance, "history_source_url"):
        history_instance.history_source_url = getattr(instance, "_history_source_url", "") or ""
