import datetime as dt

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from catalog.models import Certification

from .facts import FACTS

SUGGESTIONS_PER_HOUR = 5


def hash_address(address: str) -> str:
    """A keyed hash of a visitor's IP address: enough to count, never the address itself."""
    return salted_hmac(
        "editorial.suggestion-address", address or "unknown", algorithm="sha256"
    ).hexdigest()


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CorrectionSuggestion.Status.OPEN)

    def for_review(self):
        return self.select_related("certification", "decided_by")

    def recent_from(self, address_hash: str, *, now: dt.datetime | None = None):
        """What one address sent within the last hour (the rate limit's window)."""
        since = (now or timezone.now()) - dt.timedelta(hours=1)
        return self.filter(address_hash=address_hash, created_at__gte=since)


# pg_advisory_xact_lock(namespace, key): the namespace keeps these apart from any other
# advisory lock the site may take one day.
_SENDER_LOCK_NAMESPACE = 0x53554747  # "SUGG"


def lock_sender(address_hash: str, *, using: str = "default") -> None:
    """Inside a transaction: waits until no other request from this address is between
    counting its recent suggestions and storing a new one, so the limit cannot be
    overrun by sending many at the same moment. Held until the transaction ends.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = int(address_hash[:8], 16) - 2**31  # fits int4; a collision only serialises
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_SENDER_LOCK_NAMESPACE - 2**31, key]
            )
    else:
        # SQLite has one writer at a time: a write as the transaction's first statement
        # (it matches no row) makes this transaction that writer until it ends, and
        # makes the others wait for it rather than fail.
        CorrectionSuggestion.objects.using(using).filter(pk=0).update(address_hash="")


class CorrectionSuggestion(models.Model):
    """A visitor's proposed correction, kept for an editor: never published by itself."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    field = models.CharField(
        "fact", max_length=40, choices=[(name, fact.label) for name, fact in FACTS.items()]
    )
    proposed_value = models.CharField(max_length=500, blank=True)
    source_url = models.URLField("source", max_length=500)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("sent", default=timezone.now)
    address_hash = models.CharField(max_length=64, editable=False)
    applied_value = models.CharField(
        max_length=500, blank=True, help_text="What the editor applied, if tidied."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(max_length=300, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "correction suggestion"
        indexes = [
            models.Index(fields=["address_hash", "created_at"], name="suggestion_rate_idx"),
            models.Index(fields=["status", "created_at"], name="suggestion_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_field_display()} of {self.certification.name}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def applies_by_itself(self) -> bool:
        """False for "something else": an editor makes that change in the form."""
        return FACTS[self.field].parse is not None
