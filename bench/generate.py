"""Adds many varied certifications to a migrated database, fast.

Run by ``bench.run`` in a subprocess whose environment names the database
(``SQLITE_PATH`` or ``DATABASE_URL``), so the same code fills SQLite and PostgreSQL,
after ``manage.py seed`` (the guide, the reference rows and the seed's certifications):

    DJANGO_SETTINGS_MODULE=certsite.settings python -m bench.generate --count 9976

Every row, its many-to-many rows and its history go in with ``bulk_create`` in batches
(saving 100,000 models one by one, with a history replay each, would take an hour).
Each certification gets the "added" snapshot a save would have left; a bounded share
of them also a price change or a new retirement date, so the changes page and the
detail pages' history have something to show.
"""

import argparse
import datetime as dt
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

import django

# Deterministic data: two runs of the benchmark measure the same pages.
SEED = 20261128
BATCH_SIZE = 1000
# One certification in ten has a change in its history, up to this many.
CHANGED_SHARE = 0.1
MAX_CHANGED = 5_000
TOPICS = [
    "Machine Learning",
    "Generative AI",
    "Data Science",
    "Deep Learning",
    "MLOps",
    "AI Engineering",
    "Computer Vision",
    "Natural Language Processing",
    "Responsible AI",
    "AI Fundamentals",
    "Data Engineering",
    "Prompt Engineering",
]
TIERS = ["Foundations", "Associate", "Practitioner", "Professional", "Specialty", "Expert"]
CREDENTIALS = ["Certificate", "Certification", "Specialization", "Nanodegree", "Programme"]
FOCUS_PHRASES = [
    "ML pipelines, MLOps",
    "LLM apps, retrieval, agents",
    "Model training and tuning",
    "Vision models on the edge",
    "Statistics and Python",
    "",
    "",
]
# (billing, share of rows): mirrors the seed, where most certifications bill per attempt.
BILLINGS = [
    ("per-attempt", 45),
    ("per-month", 20),
    ("one-time", 10),
    ("tuition", 8),
    ("free", 7),
    ("unknown", 10),
]
PLATFORM_SLUGS = ["coursera", "udacity"]


def _cost(rng: random.Random, billing: str) -> tuple[Decimal | None, int | None]:
    """An amount and typical months for ``billing``; about one in eight is unpublished."""
    if billing == "unknown" or (billing != "free" and rng.random() < 0.12):
        return None, None
    if billing == "free":
        return Decimal(0), None
    if billing == "per-month":
        return Decimal(rng.choice([39, 49, 59, 79])), rng.choice([None, 2, 3, 4, 6])
    if billing == "tuition":
        return Decimal(rng.randrange(2_000, 60_000, 500)), None
    amount = Decimal(rng.randrange(30, 400, 5))
    if rng.random() < 0.2:
        amount += Decimal("0.50")
    return amount, None


def _retirement(rng: random.Random, today: dt.date) -> dt.date | None:
    """Mostly none; some retired, a few retiring within 90 days, a few far off."""
    roll = rng.random()
    if roll < 0.12:
        return today - dt.timedelta(days=rng.randrange(1, 900))
    if roll < 0.16:
        return today + dt.timedelta(days=rng.randrange(0, 90))
    if roll < 0.20:
        return today + dt.timedelta(days=rng.randrange(120, 700))
    return None


def _snapshots(certs, *, rng: random.Random, now: dt.datetime):
    """The history a save of each certification would have left, plus some changes.

    A changed certification was added with another price (or no retirement date), then
    changed to what it is now: its history ends with its current values, as a save's does.
    """
    from catalog.models import Certification

    Historical = Certification.history.model
    fields = [f.attname for f in Certification._meta.concrete_fields]
    changed = set(
        rng.sample(range(len(certs)), k=min(MAX_CHANGED, int(len(certs) * CHANGED_SHARE)))
    )
    for index, cert in enumerate(certs):
        values = {name: getattr(cert, name) for name in fields}
        added = now - dt.timedelta(days=rng.randrange(30, 700), minutes=index % 1440)
        if index not in changed:
            yield Historical(**values, history_date=added, history_type="+")
            continue
        before = dict(values)
        if cert.retirement_date is not None and rng.random() < 0.5:
            before["retirement_date"] = None
            reason = "Retirement announced"
        elif cert.cost_amount:
            before["cost_amount"] = (cert.cost_amount * Decimal("0.9")).quantize(Decimal("1"))
            reason = "Price changed"
        else:
            before["cost_amount"] = Decimal(rng.randrange(50, 300, 5))
            reason = "Price no longer published"
        yield Historical(**before, history_date=added, history_type="+")
        yield Historical(
            **values,
            history_date=added + dt.timedelta(days=rng.randrange(1, 29)),
            history_type="~",
            history_change_reason=reason,
            history_source_url=cert.official_url,
        )


def generate(*, count: int, seed: int = SEED) -> None:
    """Adds the reference providers and focus areas, then ``count`` certifications."""
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.models import Certification, FocusArea, Format, Provider
    from catalog.seed import FIXTURES, load_fixture

    rng = random.Random(seed)
    today = timezone.localdate()
    weights = [share for _, share in BILLINGS]
    formats = [value for value, _ in Format.choices]

    with transaction.atomic():
        load_fixture(FIXTURES / "reference.json")
        providers = list(Provider.objects.all())
        issuers = [p for p in providers if p.slug not in PLATFORM_SLUGS]
        platforms = [p for p in providers if p.slug in PLATFORM_SLUGS]
        areas = list(FocusArea.objects.all())

        rows, issued_by, tagged = [], [], []
        for i in range(count):
            billing = rng.choices([b for b, _ in BILLINGS], weights)[0]
            amount, months = _cost(rng, billing)
            low = rng.randint(1, 3)
            issuer = rng.sample(issuers, k=rng.choice([1, 1, 1, 2]))
            topic = rng.choice(TOPICS)
            rows.append(
                Certification(
                    name=(
                        f"{issuer[0].name} {rng.choice(TIERS)} {topic} "
                        f"{rng.choice(CREDENTIALS)} {i + 1:06d}"
                    ),
                    slug=f"bench-{i + 1:06d}",
                    platform=rng.choice(platforms) if rng.random() < 0.25 else None,
                    exam_code=f"{topic[:2].upper()}-{rng.randrange(100, 999)}"
                    if rng.random() < 0.5
                    else "",
                    format=rng.choice(formats),
                    focus=rng.choice(FOCUS_PHRASES),
                    summary=f"Covers {topic.lower()} from first principles to production. " * 3,
                    syllabus="\n".join(rng.sample(TOPICS, k=4)),
                    difficulty_min=low,
                    difficulty_max=rng.randint(low, 3),
                    recognition=rng.choice([None, 1, 2, 3, 4, 5]),
                    cost_amount=amount,
                    cost_currency=rng.choice(["USD"] * 8 + ["EUR", "GBP"]),
                    billing=billing,
                    cost_approximate=rng.random() < 0.15,
                    typical_months=months,
                    free_to_audit=rng.random() < 0.2,
                    exam_duration_minutes=rng.choice([None, 90, 120, 180]),
                    validity_months=rng.choice([None, 24, 36]),
                    official_url=f"https://example.com/certifications/{i + 1}",
                    verified_on=today - dt.timedelta(days=rng.randrange(0, 400)),
                    confidence=rng.choice(["confirmed", "unconfirmed"]),
                    unconfirmed_fields=["recognition"] if rng.random() < 0.1 else [],
                    retirement_date=_retirement(rng, today),
                )
            )
            issued_by.append(issuer)
            tagged.append(rng.sample(areas, k=rng.randint(1, 3)))

        certs = Certification.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        Issued = Certification.providers.through
        Tagged = Certification.focus_areas.through
        Replaces = Certification.replacements.through
        Issued.objects.bulk_create(
            (
                Issued(certification=c, provider=p)
                for c, ps in zip(certs, issued_by, strict=True)
                for p in ps
            ),
            batch_size=BATCH_SIZE,
        )
        Tagged.objects.bulk_create(
            (
                Tagged(certification=c, focusarea=a)
                for c, areas_of in zip(certs, tagged, strict=True)
                for a in areas_of
            ),
            batch_size=BATCH_SIZE,
        )
        # Retired and retiring rows point at a successor, as the real ones do.
        current = [c for c in certs if c.retirement_date is None]
        Replaces.objects.bulk_create(
            (
                Replaces(from_certification=c, to_certification=rng.choice(current))
                for c in certs
                if c.retirement_date is not None and current
            ),
            batch_size=BATCH_SIZE,
        )
        Certification.history.model.objects.bulk_create(
            _snapshots(certs, rng=rng, now=timezone.now()), batch_size=BATCH_SIZE
        )

    if connection.vendor == "postgresql":
        # Autovacuum would analyze the new rows at some moment during the measurements and
        # might change query plans halfway; analyzing now gives every request the same plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    wanted = parser.add_mutually_exclusive_group(required=True)
    wanted.add_argument("--count", type=int, help="certifications to add")
    wanted.add_argument("--total", type=int, help="certifications to have in all")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsite.settings")
    django.setup()
    count = args.count
    if args.total is not None:
        from catalog.models import Certification

        count = args.total - Certification.objects.count()
    if count > 0:
        generate(count=count)


if __name__ == "__main__":
    main()
