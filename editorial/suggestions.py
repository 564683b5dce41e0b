"""An editor's decision on a visitor's correction.

Accepting applies the value through a normal, version-checked save, so the history
records it like any edit: the editor as its author, the visitor's source as its source.
A decision is taken once: two editors clicking at the same moment cannot both apply it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Certification

from . import facts
from .models import CorrectionSuggestion


class AlreadyDecided(Exception):
    pass


def _claim(suggestion: CorrectionSuggestion, status: str, *, editor, note: str, value=""):
    claimed = CorrectionSuggestion.objects.filter(
        pk=suggestion.pk, status=CorrectionSuggestion.Status.OPEN
    ).update(
        status=status,
        decided_by=editor,
        decided_at=timezone.now(),
        decision_note=note,
        applied_value=value,
    )
    if not claimed:
        raise AlreadyDecided("Another editor decided on this suggestion first.")


def accept(suggestion: CorrectionSuggestion, *, editor, value: str, note: str = "") -> bool:
    """Applies and accepts; returns whether the certification changed.

    Raises ValidationError for a value that does not fit the fact, AlreadyDecided, or
    catalog.models.EditConflict when the certification is saved at the same moment; then
    nothing is stored. The caller reloads ``suggestion`` to see its new status.
    """
    with transaction.atomic():
        certification = Certification.objects.get(pk=suggestion.certification_id)
        changed = False
        if suggestion.applies_by_itself:
            try:
                parsed = facts.parse(suggestion.field, value)
            except ValueError as error:
                raise ValidationError(str(error)) from None
            changed = getattr(certification, suggestion.field) != parsed
            setattr(certification, suggestion.field, parsed)
            try:
                certification.full_clean(
                    exclude={"providers", "focus_areas", "replacements"}, validate_unique=False
                )
            except ValidationError as error:
                raise ValidationError(
                    "; ".join(m for msgs in error.message_dict.values() for m in msgs)
                ) from None
        _claim(
            suggestion,
            CorrectionSuggestion.Status.ACCEPTED,
            editor=editor,
            note=note,
            value=value if value != suggestion.proposed_value else "",
        )
        if changed:
            certification._history_user = editor
            certification._history_source_url = suggestion.source_url
            certification._change_reason = (
                f"Correction suggested by a visitor, accepted by {editor.get_username()}"
            )
            certification.save()
    return changed


def reject(suggestion: CorrectionSuggestion, *, editor, note: str = "") -> None:
    _claim(suggestion, CorrectionSuggestion.Status.REJECTED, editor=editor, note=note)
