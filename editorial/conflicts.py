"""Two editors, one certification: what the second one needs to see before saving.

An editor's form carries the version it was loaded at. When it comes back and the
certification has been saved since, the save is refused (optimistic locking,
Certification.version) and the form is shown again with:

- who saved in the meantime and exactly what they changed, field by field;
- their new values put into the form wherever this editor had left the field alone,
  so saving again keeps both editors' work;
- where both changed the same field, this editor's value kept and marked for review.

It is a three-way comparison: the state the editor loaded (the history record of the
loaded version), the state saved now, and what the editor submitted.
"""

from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import timezone

from .diffs import TRACKED_BY_NAME, FieldChange, display, field_changes, label_of, raw_value


@dataclass(frozen=True)
class OtherSave:
    editor: str
    date: str
    reason: str
    source: str
    changes: list[FieldChange]

    def __str__(self) -> str:
        what = "; ".join(str(c) for c in self.changes) or "no stored field"
        text = f"{self.editor} at {self.date} changed {what}"
        if self.reason:
            text += f" ({self.reason})"
        if self.source:
            text += f"; source: {self.source}"
        return text + "."


@dataclass
class Conflict:
    current_version: int
    saves: list[OtherSave]
    carried: dict[str, object] = field(default_factory=dict)  # field → their value, now in the form
    clashes: dict[str, str] = field(default_factory=dict)  # field → what to check

    def messages(self) -> list[str]:
        editors = sorted({s.editor for s in self.saves}) or ["someone"]
        lines = [
            f"Not saved: {' and '.join(editors)} saved this certification while you were "
            "editing it. Nothing of yours or theirs has been lost.",
            *(str(s) for s in self.saves),
        ]
        if self.carried:
            labels = ", ".join(label_of(name) for name in self.carried)
            lines.append(f"Their new values are now in the form below: {labels}.")
        if self.clashes:
            labels = ", ".join(label_of(n) if n in TRACKED_BY_NAME else n for n in self.clashes)
            lines.append(f"You both changed {labels}: your values are kept and marked below.")
        lines.append("Check the form, then save again to apply your changes on top of theirs.")
        return lines


def _when(record) -> str:
    return timezone.localtime(record.history_date).strftime("%-d %b %Y, %H:%M")


def _editor(record) -> str:
    return record.history_user.get_username() if record.history_user else "someone"


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def find_conflict(certification, *, loaded_version: int, submitted: dict, field_names) -> Conflict:
    """Compares the loaded, saved and submitted states.

    ``certification`` is fresh from the database, ``submitted`` the form's cleaned data
    (fields whose input was invalid are missing from it) and ``field_names`` the form's.
    """
    records = list(
        certification.history.filter(version__gte=loaded_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    loaded = [r for r in records if r.version == loaded_version]
    base = loaded[-1] if loaded else None
    later = [r for r in records if r.version > loaded_version]

    saves, previous = [], base
    for record in later:
        changes = field_changes(previous, record) if previous is not None else []
        saves.append(
            OtherSave(
                _editor(record),
                _when(record),
                record.history_change_reason or "",
                record.history_source_url or "",
                changes,
            )
        )
        previous = record

    conflict = Conflict(current_version=certification.version, saves=saves)
    for name, model_field in TRACKED_BY_NAME.items():
        if name not in field_names:
            continue
        theirs = raw_value(certification, model_field)
        before = raw_value(base, model_field) if base is not None else None
        if base is not None and before == theirs:
            continue  # they did not touch it
        if name not in submitted:
            conflict.clashes[name] = (
                f"Changed meanwhile to {display(model_field, theirs)}; "
                "your entry here was not valid either."
            )
            continue
        mine = _comparable(submitted[name])
        if mine == theirs:
            continue
        if base is not None and mine == before:
            conflict.carried[name] = getattr(certification, model_field.attname)
        else:
            conflict.clashes[name] = (
                f"Changed meanwhile to {display(model_field, theirs)}; your value is kept. "
                "Save again to use it, or change it."
            )
    for name in ("providers", "focus_areas", "replacements"):
        # Relations are not in the history, so whose change it was cannot be told.
        if name in submitted:
            saved = {o.pk for o in getattr(certification, name).all()}
            mine = {o.pk for o in submitted[name]}
            if saved != mine:
                names = ", ".join(str(o) for o in getattr(certification, name).all()) or "none"
                conflict.clashes[name] = (
                    f"Differs from what is saved now ({names}): check it is what you mean."
                )
    return conflict


def form_data_with(form: forms.BaseForm, values: dict) -> QueryDict:
    """The form's submitted data with some fields replaced, encoded as a browser would."""
    if isinstance(form.data, QueryDict):
        data = form.data.copy()
    else:
        data = QueryDict(mutable=True)
        for key, value in form.data.items():
            data.setlist(key, value if isinstance(value, list) else [value])
    for name, value in values.items():
        if name not in form.fields:
            continue
        form_field = form.fields[name]
        html_name = form.add_prefix(name)
        widget = getattr(form_field.widget, "widget", form_field.widget)  # admin wrappers
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[html_name] = "on"
            else:
                data.pop(html_name, None)
            continue
        formatted = widget.format_value(form_field.prepare_value(value))
        encoded = formatted if isinstance(formatted, list | tuple) else [formatted]
        encoded = ["" if v is None else str(v) for v in encoded]
        if isinstance(form_field, forms.MultipleChoiceField) or getattr(
            widget, "allow_multiple_selected", False
        ):
            data.setlist(html_name, encoded)
        else:
            data[html_name] = encoded[0] if encoded else ""
    return data
