"""What needs an editor's attention: stale checks, retirements, suggestions, recent edits."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from catalog.models import Certification

from .changes import previous_value, retiring_soon
from .diffs import FieldChange, field_changes
from .models import CorrectionSuggestion

STALE_AFTER_DAYS = 180
LIST_LIMIT = 25
RECENT_CHANGES = 15


def unverified(queryset=None, *, today: dt.date | None = None):
    """Certifications still offered whose facts nobody has checked for 180 days."""
    today = today or timezone.localdate()
    certifications = Certification.objects.all() if queryset is None else queryset
    return (
        certifications.not_retired(today)
        .filter(verified_on__lt=today - dt.timedelta(days=STALE_AFTER_DAYS))
        .order_by("verified_on", "name")
    )


@dataclass(frozen=True)
class RecentChange:
    certification_id: int
    name: str
    date: dt.datetime
    editor: str
    reason: str
    source: str
    added: bool
    changes: list[FieldChange]


def recent_changes(limit: int = RECENT_CHANGES) -> list[RecentChange]:
    records = list(
        Certification.history.model.objects.select_related("history_user")
        .annotate(previous_id=previous_value("history_id"))
        .order_by("-history_date", "-history_id")[:limit]
    )
    previous = Certification.history.model.objects.in_bulk(
        [r.previous_id for r in records if r.previous_id]
    )
    return [
        RecentChange(
            certification_id=record.id,
            name=record.name,
            date=record.history_date,
            editor=record.history_user.get_username() if record.history_user else "",
            reason=record.history_change_reason or "",
            source=record.history_source_url or "",
            added=record.previous_id is None,
            changes=field_changes(previous[record.previous_id], record)
            if record.previous_id in previous
            else [],
        )
        for record in records
    ]


@dataclass(frozen=True)
class Dashboard:
    stale: list
    stale_count: int
    retiring: list
    suggestions: list
    open_suggestions: int
    recent: list[RecentChange]


def dashboard(*, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    stale = unverified(today=today)
    suggestions = CorrectionSuggestion.objects.open().select_related("certification")
    return Dashboard(
        stale=list(stale[:LIST_LIMIT]),
        stale_count=stale.count(),
        retiring=list(retiring_soon(today=today)),
        suggestions=list(suggestions[:LIST_LIMIT]),
        open_suggestions=suggestions.count(),
        recent=recent_changes(),
    )
