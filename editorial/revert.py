"""Undoing one recorded change to a certification.

Reverting a change sets the fields that change touched back to their values just before
it, and is itself saved (and so recorded) like any other edit. A field that has been
changed again since is left alone and shown: reverting must not silently undo a later
edit someone else made.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from catalog.models import Certification

from .diffs import (
    SOURCED_FIELDS,
    TRACKED_BY_NAME,
    FieldChange,
    display,
    field_changes,
    label_of,
    raw_value,
)


@dataclass
class RevertPlan:
    record: object
    previous: object | None
    restore: list[FieldChange] = field(default_factory=list)  # now → the value before
    skipped: list[FieldChange] = field(default_factory=list)  # changed again: now → kept
    values: dict[str, object] = field(default_factory=dict)

    @property
    def possible(self) -> bool:
        return self.previous is not None and bool(self.values)

    @property
    def needs_source(self) -> bool:
        return bool(SOURCED_FIELDS & set(self.values))

    @property
    def default_reason(self) -> str:
        when = timezone.localtime(self.record.history_date).strftime("%-d %b %Y")
        who = f" by {self.record.history_user.get_username()}" if self.record.history_user else ""
        reason = self.record.history_change_reason
        return f"Reverted the change of {when}{who}" + (f" (“{reason}”)" if reason else "")

    @property
    def default_source(self) -> str:
        return (self.previous.history_source_url if self.previous else "") or ""


def previous_record(record):
    """The record just before ``record`` in this certification's history (ties by id)."""
    return (
        type(record)
        .objects.filter(id=record.id)
        .filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


def plan_revert(certification: Certification, record) -> RevertPlan:
    previous = previous_record(record)
    plan = RevertPlan(record=record, previous=previous)
    if previous is None:
        return plan  # the creation of the certification cannot be reverted
    for change in field_changes(previous, record):
        model_field = TRACKED_BY_NAME[change.name]
        now = raw_value(certification, model_field)
        before = raw_value(previous, model_field)
        if now == raw_value(record, model_field):
            plan.values[change.name] = getattr(previous, model_field.attname)
            plan.restore.append(
                FieldChange(
                    change.name,
                    label_of(change.name),
                    display(model_field, now),
                    display(model_field, before),
                )
            )
        elif now != before:
            plan.skipped.append(
                FieldChange(
                    change.name,
                    label_of(change.name),
                    display(model_field, now),
                    display(model_field, before),
                )
            )
    return plan


def apply_revert(
    certification: Certification,
    plan: RevertPlan,
    *,
    editor,
    reason: str,
    source: str,
) -> None:
    """Saves the plan; raises ValidationError (invalid result) or EditConflict (saved since)."""
    for name, value in plan.values.items():
        setattr(certification, TRACKED_BY_NAME[name].attname, value)
    try:
        certification.full_clean(
            exclude={"providers", "focus_areas", "replacements"}, validate_unique=False
        )
    except ValidationError as error:
        raise ValidationError(
            "Reverting would leave the certification invalid: "
            + "; ".join(m for msgs in error.message_dict.values() for m in msgs)
        ) from None
    certification._history_user = editor
    certification._change_reason = reason
    certification._history_source_url = source
    certification.save()
