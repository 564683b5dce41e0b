"""A certification's public change history, in the words a visitor reads.

Each history record is a full snapshot; comparing the facts of consecutive
snapshots gives "what changed, old → new". Works on a Certification or on one
of its historical records alike, since both carry the same fields.
"""

import datetime as dt
from dataclasses import dataclass

from . import pricing

# A snapshot is announced on the public "What changed" record when it is a certification's
# first, or when one of these differs from the snapshot before it.
PRICE_FIELDS = ["cost_amount", "cost_currency", "billing", "cost_approximate"]
ANNOUNCED_FIELDS = [*PRICE_FIELDS, "retirement_date"]

# The first entry lists what was known; an unknown cost is itself worth saying.
UNKNOWN_VALUES = {"none", "never", "not published", "not described", "not rated"}


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    date: dt.datetime
    reason: str
    source: str
    changes: list[Change]
    first: bool


def _level_label(value: int | None) -> str:
    from .models import Level

    return Level(value).label if value else ""


def facts_of(obj) -> dict[str, str]:
    """The facts a visitor cares about, formatted for reading."""
    from .models import Recognition

    low, high = _level_label(obj.difficulty_min), _level_label(obj.difficulty_max)
    recognition = Recognition(obj.recognition).label if obj.recognition else "not rated"
    if obj.recognition and obj.recognition_note:
        recognition = f"{recognition} ({obj.recognition_note})"
    validity = ""
    if obj.validity_months:
        years, months = divmod(obj.validity_months, 12)
        validity = (
            f"{years} year{'s' if years != 1 else ''}"
            if not months
            else (f"{obj.validity_months} months")
        )
    return {
        "Name": obj.name,
        "Exam code": obj.exam_code or "none",
        "Focus": obj.focus or "not described",
        "Cost": pricing.format_cost(
            amount=obj.cost_amount,
            currency=obj.cost_currency,
            billing=obj.billing,
            approximate=obj.cost_approximate,
        ),
        "Difficulty": low if low == high else f"{low}–{high}",
        "Recognition": recognition,
        "Exam length": f"{obj.exam_duration_minutes} minutes"
        if obj.exam_duration_minutes
        else "not published",
        "Questions": obj.question_count or "not published",
        "Validity": validity or obj.validity_note or "not published",
        "Retirement date": obj.retirement_date.strftime("%-d %b %Y")
        if obj.retirement_date
        else "none",
        "Verified on": obj.verified_on.strftime("%-d %b %Y") if obj.verified_on else "never",
    }


def build_history(records) -> list[HistoryEntry]:
    """Entries newest first from historical records in any order."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    entries = []
    previous = None
    for record in ordered:
        facts = facts_of(record)
        if previous is None:
            changes = [
                Change(label, None, value)
                for label, value in facts.items()
                if value not in UNKNOWN_VALUES or label == "Cost"
            ]
        else:
            changes = [
                Change(label, previous[label], value)
                for label, value in facts.items()
                if previous[label] != value
            ]
        # A change to what no fact shows (successors, the notice) still lists its reason.
        if changes or record.history_change_reason:
            entries.append(
                HistoryEntry(
                    date=record.history_date,
                    reason=record.history_change_reason or "",
                    source=record.history_source_url or "",
                    changes=changes,
                    first=previous is None,
                )
            )
        previous = facts
    entries.reverse()
    return entries


def announces(record, previous) -> bool:
    """Whether ``record`` (a snapshot) belongs on the public record of changes."""
    return previous is None or any(
        getattr(record, f) != getattr(previous, f) for f in ANNOUNCED_FIELDS
    )
