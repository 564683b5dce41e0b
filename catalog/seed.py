"""Loads the seed catalogue from fixtures/, replaying its history.

Certifications are not a plain Django fixture: a fixture load bypasses the
history, and the site must show the article's values (2026-02-24) as the first
history entry of each of its certifications, then every later change with its
date and source. So each certification is saved as it stood at the baseline,
then each dated change is applied and saved as history records it.

Loading is idempotent and never overwrites editors' work: rows that already
exist (matched by slug) are left alone.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction

from .models import Certification, FocusArea, Provider

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

M2M_KEYS = {"providers", "focus_areas", "replacements"}
RELATED_KEYS = M2M_KEYS | {"platform"}
HISTORY_KEYS = {"baseline", "changes"}
# Facts the article did not give: unknown at the baseline, added by the research.
RESEARCH_FIELDS = [
    "exam_code",
    "exam_duration_minutes",
    "question_count",
    "passing_score",
    "validity_months",
    "validity_note",
    "renewal",
    "prerequisites",
    "languages",
    "typical_months",
    "cost_note",
    "free_to_audit",
]
SCALAR_FIELDS = [
    f.name for f in Certification._meta.concrete_fields if f.name not in {"id", "slug", "platform"}
]


class SeedError(ValueError):
    pass


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int) -> None:
        self.created[label] = self.created.get(label, 0) + count

    def __str__(self) -> str:
        return ", ".join(f"{n} {label}" for label, n in self.created.items()) or "nothing new"


def _at_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


def _coerce(values: dict) -> dict:
    """JSON values to Python values of each model field (dates, decimals)."""
    out = {}
    for key, value in values.items():
        if key in RELATED_KEYS:
            continue
        if key not in SCALAR_FIELDS:
            raise SeedError(f"unknown certification field {key!r}")
        out[key] = Certification._meta.get_field(key).to_python(value)
    return out


def _save(cert: Certification, *, when: dt.date, reason: str, source: str) -> None:
    cert._history_date = _at_noon(when)
    cert._change_reason = reason
    cert._history_source_url = source
    cert.full_clean(exclude={"providers", "focus_areas", "replacements"}, validate_unique=False)
    cert.save()


def load_fixture(path: Path) -> int:
    """Loads a natural-key fixture, adding only objects that do not exist yet."""
    added = 0
    with path.open(encoding="utf-8") as stream:
        for obj in serializers.deserialize("json", stream, handle_forward_references=True):
            if obj.object.pk is None:
                obj.save()
                added += 1
    return added


def load_certifications(data: dict) -> int:
    """Creates the certifications that do not exist yet; returns how many."""
    article = data["article"]
    article_date = dt.date.fromisoformat(article["date"])
    article_reason = f"As published in the article “{article['title']}” ({article['date']})"

    existing = set(Certification.objects.values_list("slug", flat=True))
    entries = [e for e in data["certifications"] if e["slug"] not in existing]
    if not entries:
        return 0
    providers = {p.slug: p for p in Provider.objects.all()}
    focus_areas = {f.slug: f for f in FocusArea.objects.all()}

    created: dict[str, Certification] = {}
    for entry in entries:
        current = {k: v for k, v in entry.items() if k not in HISTORY_KEYS | {"slug"}}
        baseline = entry.get("baseline") or {}
        if baseline:
            unknown = {
                name: Certification._meta.get_field(name).get_default() for name in RESEARCH_FIELDS
            }
            values = {**current, **unknown, "verified_on": article["date"], **baseline}
        else:
            values = current
        cert = Certification(slug=entry["slug"], **_coerce(values))
        platform = entry.get("platform")
        if platform:
            cert.platform = providers[platform]
        if baseline:
            _save(cert, when=article_date, reason=article_reason, source="")
        else:
            _save(
                cert,
                when=cert.verified_on,
                reason="Added from researched facts",
                source=entry["official_url"],
            )
        try:
            cert.providers.set([providers[s] for s in entry["providers"]])
            cert.focus_areas.set([focus_areas[s] for s in entry["focus_areas"]])
        except KeyError as missing:
            raise SeedError(f"{entry['slug']}: unknown provider or focus area {missing}") from None
        created[entry["slug"]] = cert

    def set_replacements(cert: Certification, slugs: list[str]) -> None:
        targets = [created.get(s) or Certification.objects.filter(slug=s).first() for s in slugs]
        if None in targets:
            raise SeedError(f"{cert.slug}: unknown replacement in {slugs}")
        cert.replacements.set(targets)

    for entry in entries:
        baseline = entry.get("baseline") or {}
        set_replacements(
            created[entry["slug"]], baseline.get("replacements", entry["replacements"])
        )

    changes = sorted(
        (
            (dt.date.fromisoformat(c["date"]), entry["slug"], c)
            for entry in entries
            for c in entry.get("changes") or []
        ),
        key=lambda item: item[0],
    )
    for when, slug, change in changes:
        cert = created[slug]
        for key, value in _coerce(change["fields"]).items():
            setattr(cert, key, value)
        if "replacements" in change["fields"]:
            set_replacements(cert, change["fields"]["replacements"])
        _save(cert, when=when, reason=change["reason"], source=change["source"])

    for entry in entries:
        if entry.get("baseline"):
            _add_research(created[entry["slug"]], entry)
        _check_matches(created[entry["slug"]], entry)
    return len(created)


def _add_research(cert: Certification, entry: dict) -> None:
    """Records the facts research added to an article certification, and its check."""
    research = _coerce({k: entry[k] for k in [*RESEARCH_FIELDS, "verified_on"] if k in entry})
    if all(getattr(cert, k) == v for k, v in research.items()):
        return
    for key, value in research.items():
        setattr(cert, key, value)
    _save(
        cert,
        when=cert.verified_on,
        reason="Exam facts added and checked against the provider's page",
        source=entry["official_url"],
    )


def _check_matches(cert: Certification, entry: dict) -> None:
    """The replayed history must end at the values the seed declares current."""
    cert.refresh_from_db()
    expected = _coerce({k: entry[k] for k in SCALAR_FIELDS if k in entry})
    wrong = {k: (getattr(cert, k), v) for k, v in expected.items() if getattr(cert, k) != v}
    replacements = sorted(cert.replacements.values_list("slug", flat=True))
    if replacements != sorted(entry["replacements"]):
        wrong["replacements"] = (replacements, entry["replacements"])
    if wrong:
        raise SeedError(f"{cert.slug}: history does not end at the current values: {wrong}")


@transaction.atomic
def seed_all(fixtures: Path = FIXTURES) -> SeedReport:
    report = SeedReport()
    report.add("reference rows", load_fixture(fixtures / "reference.json"))
    with (fixtures / "certifications.json").open(encoding="utf-8") as stream:
        report.add("certifications", load_certifications(json.load(stream)))
    report.add("guide rows", load_fixture(fixtures / "guide.json"))
    return report
