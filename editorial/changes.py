"""The public "What changed" record: price changes, retirements, new certifications.

Every save of a certification leaves a full snapshot in its history. An entry here is
a snapshot whose price or retirement date differs from the snapshot before it, or the
first snapshot of a certification (it was added). Each snapshot is marked so when it is
written (catalog.signals; migration 0004 marked the older ones), so the list is filtered
and paginated by the database from a partial index; a page then needs one more query for
the previous snapshots (a window over those certifications' history only) and one for the
certifications, however long the history grows.

The seed's first snapshots count as "added" too: the article's six certifications at
the article's date, the rest on the day research added them. They are the starting
point of the record, dated truthfully, so they sort below every later change and never
crowd it out (in the feed as on the page).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import F, Window
from django.db.models.functions import Lag, Lead
from django.utils import timezone

from catalog.history import ANNOUNCED_FIELDS, PRICE_FIELDS, Change, facts_of
from catalog.lifecycle import Status
from catalog.models import Certification, Provider, status_q

PAGE_SIZE = 20
FEED_SIZE = 50
RETIRING_SHOWN = 10
WATCHED = ANNOUNCED_FIELDS


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


def public_changes(*, provider: Provider | None = None):
    """History records worth announcing, newest first.

    Each snapshot is marked when it is written (``history_announced``, see
    catalog.signals), so a page reads its rows from a partial index and never compares
    the whole history.
    """
    # A deleted certification's snapshots are unmarked (catalog.signals): no page to link.
    records = Certification.history.model.objects.filter(history_announced=True)
    if provider is not None:
        records = records.filter(
            id__in=Certification.objects.filter(providers=provider).values("pk")
        )
    return records.order_by("-history_date", "-history_id")


def _previous_snapshots(records) -> dict[int, object]:
    """{history_id: the snapshot before it} for a page of records: one query over the
    history of those certifications only."""
    if not records:
        return {}
    wanted = {r.history_id for r in records}
    snapshots = (
        Certification.history.model.objects.filter(id__in={r.id for r in records})
        .annotate(
            next_id=Window(
                Lead("history_id"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .filter(next_id__in=wanted)
    )
    return {s.next_id: s for s in snapshots}


def entries(records) -> list[ChangeEntry]:
    """Readable entries for records from ``public_changes`` (a page of them): two queries."""
    records = list(records)
    previous = _previous_snapshots(records)
    current = (
        Certification.objects.select_related("platform")
        .prefetch_related("providers")
        .in_bulk({r.id for r in records})
    )
    result = []
    for record in records:
        if record.id not in current:
            continue  # deleted since the page was counted
        before = previous.get(record.history_id)
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
    certifications = Certification.objects.filter(
        status_q(Status.RETIRING, today or timezone.localdate())
    )
    if provider is not None:
        certifications = certifications.filter(providers=provider)
    return certifications.prefetch_related("replacements").order_by("retirement_date", "name")


def issuing_providers():
    """Providers that issue at least one certification, for the filter."""
    return Provider.objects.issuing().order_by("name")
