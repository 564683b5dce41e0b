"""The public "What changed" record: price changes, retirements, new certifications.

Every save of a certification leaves a full snapshot in its history. An entry here is
a snapshot whose price or retirement date differs from the snapshot before it, or the
first snapshot of a certification (it was added). Comparing each snapshot with the one
before happens in SQL (a LAG window over each certification's history), so the list can
be filtered and paginated by the database; a page then needs one more query for the
previous snapshots and one for the certifications, however long the history grows.

The seed's first snapshots count as "added" too: the article's six certifications at
the article's date, the rest on the day research added them. They are the starting
point of the record, dated truthfully, so they sort below every later change and never
crowd it out (in the feed as on the page).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import DecimalField, F, Q, Value, Window
from django.db.models.functions import Coalesce, Lag
from django.db.models.lookups import Exact
from django.utils import timezone

from catalog.history import Change, facts_of
from catalog.lifecycle import Status
from catalog.models import Certification, Provider

PAGE_SIZE = 20
FEED_SIZE = 50
PRICE_FIELDS = ["cost_amount", "cost_currency", "billing", "cost_approximate"]
WATCHED = [*PRICE_FIELDS, "retirement_date"]
# Stand-ins for "no value" that no real value equals, so NULL compares as a value.
_NOTHING = {
    "cost_amount": Value(Decimal(-1), output_field=DecimalField(max_digits=10, decimal_places=2)),
    "cost_currency": Value(""),
    "billing": Value(""),
    "cost_approximate": Value(False),
    "retirement_date": Value(dt.date(1, 1, 1)),
}


class Kind(StrEnum):
    NEW = "new"
    PRICE = "price"
    RETIREMENT = "retirement"

    @property
    def label(self) -> str:
        return {
            Kind.NEW: "New certification",
            Kind.PRICE: "Price change",
            Kind.RETIREMENT: "Retirement",
        }[self]


@dataclass(frozen=True)
class ChangeEntry:
    id: int
    date: dt.datetime
    certification: Certification
    kinds: list[Kind]
    changes: list[Change]
    reason: str
    source: str

    @property
    def title(self) -> str:
        return f"{' and '.join(k.label for k in self.kinds)}: {self.certification.name}"


def previous_value(field: str) -> Window:
    """The field's value in the snapshot before, within each certification's history."""
    return Window(
        Lag(field),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
    )


def _differs(field: str):
    nothing = _NOTHING[field]
    return ~Exact(Coalesce(field, nothing), Coalesce(f"previous_{field}", nothing))


def public_changes(*, provider: Provider | None = None):
    """History records worth announcing, newest first, each knowing its predecessor."""
    records = Certification.history.model.objects.filter(
        id__in=Certification.objects.values("pk")  # deleted certifications have no page
    )
    if provider is not None:
        records = records.filter(
            id__in=Certification.objects.filter(providers=provider).values("pk")
        )
    announced = Q(previous_id__isnull=True)
    for field in WATCHED:
        announced |= _differs(field)
    return (
        records.annotate(
            previous_id=previous_value("history_id"),
            **{f"previous_{field}": previous_value(field) for field in WATCHED},
        )
        .filter(announced)
        .order_by("-history_date", "-history_id")
    )


def entries(records) -> list[ChangeEntry]:
    """Readable entries for records from ``public_changes`` (a page of them): two queries."""
    records = list(records)
    history = Certification.history.model.objects
    previous = history.in_bulk([r.previous_id for r in records if r.previous_id])
    current = (
        Certification.objects.select_related("platform")
        .prefetch_related("providers")
        .in_bulk({r.id for r in records})
    )
    result = []
    for record in records:
        if record.id not in current:
            continue  # deleted since the page was counted
        before = previous.get(record.previous_id)
        facts = facts_of(record)
        if before is None:
            kinds = [Kind.NEW]
            changes = [Change("Cost", None, facts["Cost"])]
            if record.retirement_date:
                changes.append(Change("Retirement date", None, facts["Retirement date"]))
        else:
            old = facts_of(before)
            changes = [
                Change(label, old[label], new) for label, new in facts.items() if old[label] != new
            ]
            kinds = []
            if any(getattr(before, f) != getattr(record, f) for f in PRICE_FIELDS):
                kinds.append(Kind.PRICE)
            if before.retirement_date != record.retirement_date:
                kinds.append(Kind.RETIREMENT)
        result.append(
            ChangeEntry(
                id=record.history_id,
                date=record.history_date,
                certification=current[record.id],
                kinds=kinds,
                changes=changes,
                reason=record.history_change_reason or "",
                source=record.history_source_url or "",
            )
        )
    return result


def retiring_soon(*, provider: Provider | None = None, today: dt.date | None = None):
    """Certifications whose last exam day is within the next 90 days, soonest first."""
    certifications = Certification.objects.with_status(today or timezone.localdate()).filter(
        status_code=Status.RETIRING.value
    )
    if provider is not None:
        certifications = certifications.filter(providers=provider)
    return certifications.prefetch_related("replacements").order_by("retirement_date", "name")


def issuing_providers():
    """Providers that issue at least one certification, for the filter."""
    return Provider.objects.filter(certifications__isnull=False).distinct().order_by("name")
