"""Field-by-field differences between two states of a certification, for editors.

The public history (catalog.history) speaks in facts a visitor reads ("Cost: $200 per
attempt → $250 per attempt"); editors need every stored field under its admin label
("Cost amount: 200.00 → 250.00"), including the ones the public page never shows.
Both states may be certifications or historical records: they carry the same fields.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst

from catalog.models import Certification, Provider

# Everything an editor can change; the primary key and the version are bookkeeping.
TRACKED_FIELDS = [
    f for f in Certification._meta.concrete_fields if f.editable and not f.primary_key
]
TRACKED_BY_NAME = {f.name: f for f in TRACKED_FIELDS}
# A change to any of these needs a source: price and status are what visitors rely on.
SOURCED_FIELDS = {"cost_amount", "cost_currency", "billing", "retirement_date"}
LONG_TEXT = 120


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


def label_of(name: str) -> str:
    return capfirst(Certification._meta.get_field(name).verbose_name)


def raw_value(obj, field: models.Field):
    value = getattr(obj, field.attname)
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def display(field: models.Field, value) -> str:
    """A stored value as an editor reads it."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(field, models.ForeignKey):
        provider = Provider.objects.filter(pk=value).only("name").first()
        return provider.name if provider else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def field_changes(old, new, *, only: set[str] | None = None) -> list[FieldChange]:
    """What differs from ``old`` to ``new``, in field order."""
    changes = []
    for field in TRACKED_FIELDS:
        if only is not None and field.name not in only:
            continue
        before, after = raw_value(old, field), raw_value(new, field)
        if before != after:
            changes.append(
                FieldChange(
                    field.name, label_of(field.name), display(field, before), display(field, after)
                )
            )
    return changes
