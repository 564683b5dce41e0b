"""Open data: the filtered catalogue as CSV or JSON rows (fields in README)."""

import csv
import io

from certsite import csvsafe

from .models import Certification

# Rows per response: a part is about a megabyte of JSON, whatever the catalogue's size;
# ?offset= asks for the next part (each response links it).
LIMIT = 1000
MAX_OFFSET = 10_000_000

FIELDS = [
    "slug",
    "name",
    "url",
    "providers",
    "platform",
    "exam_code",
    "format",
    "focus",
    "focus_areas",
    "difficulty_min",
    "difficulty_max",
    "recognition",
    "recognition_note",
    "cost_amount",
    "cost_currency",
    "billing",
    "cost_approximate",
    "estimated_total",
    "exam_duration_minutes",
    "question_count",
    "passing_score",
    "validity_months",
    "languages",
    "status",
    "retirement_date",
    "replacements",
    "official_url",
    "verified_on",
    "confidence",
    "unconfirmed_fields",
]


def row(cert: Certification, *, base_url: str) -> dict:
    """One certification as plain JSON values; unknowns are null, never zero."""
    return {
        "slug": cert.slug,
        "name": cert.name,
        "url": base_url + cert.get_absolute_url(),
        "providers": [p.slug for p in cert.providers.all()],
        "platform": cert.platform.slug if cert.platform_id else None,
        "exam_code": cert.exam_code or None,
        "format": cert.format,
        "focus": cert.focus or None,
        "focus_areas": [f.slug for f in cert.focus_areas.all()],
        "difficulty_min": cert.get_difficulty_min_display().lower(),
        "difficulty_max": cert.get_difficulty_max_display().lower(),
        "recognition": cert.get_recognition_display() if cert.recognition else None,
        "recognition_note": cert.recognition_note or None,
        "cost_amount": str(cert.cost_amount) if cert.cost_amount is not None else None,
        "cost_currency": cert.cost_currency,
        "billing": cert.billing,
        "cost_approximate": cert.cost_approximate,
        "estimated_total": (
            str(cert.estimated_total) if cert.estimated_total is not None else None
        ),
        "exam_duration_minutes": cert.exam_duration_minutes,
        "question_count": cert.question_count or None,
        "passing_score": cert.passing_score or None,
        "validity_months": cert.validity_months,
        "languages": [s.strip() for s in cert.languages.split(",") if s.strip()],
        "status": cert.status.value,
        "retirement_date": cert.retirement_date.isoformat() if cert.retirement_date else None,
        "replacements": [r.slug for r in cert.replacements.all()],
        "official_url": cert.official_url,
        "verified_on": cert.verified_on.isoformat(),
        "confidence": cert.confidence,
        "unconfirmed_fields": list(cert.unconfirmed_fields or []),
    }


def to_csv(rows: list[dict]) -> str:
    """Lists join with "; "; null is an empty cell; formulas are neutralised (csvsafe).

    Starts with a byte-order mark so that Excel, the usual reader of a CSV download,
    reads it as UTF-8 (JSON is the format for programs).
    """
    out = io.StringIO()
    out.write(csvsafe.BOM)
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for item in rows:
        writer.writerow(
            {
                key: csvsafe.cell("; ".join(value) if isinstance(value, list) else value)
                for key, value in item.items()
            }
        )
    return out.getvalue()
