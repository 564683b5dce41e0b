import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.lifecycle import Status, status_on
from catalog.models import Certification, Level
from tests.conftest import make_certification, make_provider


def test_negative_cost_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(cost_amount=Decimal("-1"))


def test_difficulty_range_must_be_ordered(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(difficulty_min=Level.ADVANCED, difficulty_max=Level.BEGINNER)


def test_slugs_are_unique(db):
    make_certification(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(slug="same")


def test_status_is_computed_from_today(db):
    today = timezone.localdate()
    assert make_certification(retirement_date=None).status is Status.ACTIVE
    assert make_certification(retirement_date=today).status is Status.RETIRING
    assert make_certification(retirement_date=today - dt.timedelta(days=1)).status is Status.RETIRED


def test_status_annotation_matches_the_python_rules(db):
    today = dt.date(2026, 11, 28)
    dates = [
        None,
        today + dt.timedelta(days=91),
        today + dt.timedelta(days=90),
        today,
        today - dt.timedelta(days=1),
    ]
    for date in dates:
        make_certification(retirement_date=date)
    annotated = Certification.objects.with_status(today).order_by("id")
    assert [c.status_code for c in annotated] == [
        status_on(retirement_date=c.retirement_date, today=today).value for c in annotated
    ]
    assert [c.status_code for c in annotated] == [
        "active",
        "active",
        "retiring",
        "retiring",
        "retired",
    ]


def test_not_retired_keeps_active_and_retiring(db):
    today = dt.date(2026, 11, 28)
    active = make_certification()
    retiring = make_certification(retirement_date=today + dt.timedelta(days=10))
    make_certification(retirement_date=today - dt.timedelta(days=1))
    assert set(Certification.objects.not_retired(today)) == {active, retiring}


def test_difficulty_reads_as_a_range(db):
    cert = make_certification(difficulty_min=Level.INTERMEDIATE, difficulty_max=Level.ADVANCED)
    assert cert.difficulty_display == "Intermediate–Advanced"
    cert.difficulty_max = Level.INTERMEDIATE
    assert cert.difficulty_display == "Intermediate"


def test_unknown_cost_displays_not_published(db):
    cert = make_certification(cost_amount=None, billing="unknown")
    assert cert.cost_display == "not published"
    assert cert.estimated_total is None


def test_monthly_cost_has_an_estimated_total(db):
    cert = make_certification(
        cost_amount=Decimal("49"), billing="per-month", cost_approximate=True, typical_months=3
    )
    assert cert.cost_display == "~$49 / month"
    assert cert.estimated_total == Decimal("147.00")


def test_provider_names_mention_the_delivery_platform(db):
    coursera = make_provider(name="Coursera", kind="platform")
    cert = make_certification(
        providers=[make_provider(name="Stanford Online"), make_provider(name="DeepLearning.AI")],
        platform=coursera,
    )
    cert = Certification.objects.listed().get(pk=cert.pk)
    assert cert.provider_names() == "DeepLearning.AI / Stanford Online (via Coursera)"


def test_changing_the_cost_records_old_and_new_with_its_source(db):
    cert = make_certification(cost_amount=Decimal("200"))
    cert.cost_amount = Decimal("250")
    cert._history_source_url = "https://example.com/pricing"
    cert._change_reason = "Price rise"
    cert.save()

    latest = cert.history.first()
    assert latest.history_source_url == "https://example.com/pricing"
    assert latest.history_change_reason == "Price rise"
    delta = latest.diff_against(latest.prev_record)
    (change,) = delta.changes
    assert change.field == "cost_amount"
    assert (Decimal(change.old), Decimal(change.new)) == (Decimal("200"), Decimal("250"))

    entry = cert.public_history()[0]
    assert entry.reason == "Price rise"
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Cost", "$200 per attempt", "$250 per attempt")
    ]


def test_history_records_retirement_and_verification(db):
    cert = make_certification()
    cert.retirement_date = dt.date(2027, 3, 31)
    cert.verified_on = dt.date(2026, 12, 1)
    cert.save()
    labels = {c.label: (c.old, c.new) for c in cert.public_history()[0].changes}
    assert labels == {
        "Retirement date": ("none", "31 Mar 2027"),
        "Verified on": ("28 Nov 2026", "1 Dec 2026"),
    }


def test_first_history_entry_lists_the_starting_values(db):
    cert = make_certification(cost_amount=None, billing="unknown")
    (entry,) = cert.public_history()
    assert entry.first
    assert ("Cost", None, "not published") in [(c.label, c.old, c.new) for c in entry.changes]
