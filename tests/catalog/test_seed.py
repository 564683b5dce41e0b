import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog.lifecycle import Status
from catalog.models import (
    Certification,
    CertifyScenario,
    CommonMistake,
    IndustryTrend,
    Pitfall,
    PortfolioStep,
    Source,
    TroubleshootingItem,
)
from catalog.seed import FIXTURES, SeedError, load_certifications, seed_all

ARTICLE_DATE = dt.date(2026, 2, 24)

# The article's comparison table (2026-02-24), column by column.
ARTICLE_ROWS = {
    "gcp-professional-ml-engineer": {
        "focus": "ML pipelines, TensorFlow, MLOps",
        "Difficulty": "Intermediate–Advanced",
        "Cost": "~$200 per attempt",
        "Recognition": "High (industry-standard)",
    },
    "aws-ml-specialty": {
        "focus": "End-to-end ML on AWS",
        "Difficulty": "Intermediate",
        "Cost": "~$300 per attempt",
        "Recognition": "High",
        "Retirement date": "31 Mar 2026",
    },
    "ms-azure-ai-engineer-associate": {
        "focus": "AI integration in Azure",
        "Difficulty": "Intermediate",
        "Cost": "~$165 per attempt",
        "Recognition": "Medium–High",
    },
    "coursera-machine-learning-specialization": {
        "focus": "Core ML algorithms",
        "Difficulty": "Intermediate",
        "Cost": "~$49 / month",
        "Recognition": "Very high (academic prestige)",
    },
    "coursera-generative-ai-with-llms": {
        "focus": "LLMs, prompt engineering",
        "Difficulty": "Beginner–Intermediate",
        "Cost": "~$49 / month",
        "Recognition": "High",
    },
    "udacity-ai-engineer-nanodegree": {
        "focus": "Practical AI projects",
        "Difficulty": "Intermediate",
        "Cost": "not published",
        "Recognition": "Medium",
    },
}


@pytest.fixture
def seed_data():
    with (FIXTURES / "certifications.json").open(encoding="utf-8") as stream:
        return json.load(stream)


def test_seed_loads_24_sourced_certifications(seeded):
    certs = Certification.objects.all()
    assert certs.count() == 24
    for cert in certs:
        assert cert.official_url.startswith("https://"), cert.slug
        assert cert.verified_on == dt.date(2026, 11, 28), cert.slug
        assert cert.confidence in {"confirmed", "unconfirmed"}
        assert cert.providers.exists(), cert.slug


@pytest.mark.parametrize("slug", ARTICLE_ROWS)
def test_article_rows_are_the_first_history_entry(seeded, slug):
    cert = Certification.objects.get(slug=slug)
    baseline = cert.public_history()[-1]
    assert baseline.first
    assert baseline.date.date() == ARTICLE_DATE
    assert "Are AI Certifications Worth It in 2026?" in baseline.reason
    values = {c.label: c.new for c in baseline.changes}
    expected = ARTICLE_ROWS[slug]
    assert cert.focus == expected["focus"]
    for label in ["Difficulty", "Cost", "Recognition"]:
        assert values[label].startswith(expected[label]), (label, values[label])
    if "Retirement date" in expected:
        assert values["Retirement date"] == expected["Retirement date"]


def test_article_replacements_are_in_the_catalogue(seeded):
    names = {c.name for c in Certification.objects.all()}
    assert "AWS Certified AI Practitioner" in names
    assert "AWS Certified Generative AI Developer – Professional" in names


def test_retired_certifications_point_to_successors(seeded):
    today = dt.date(2026, 11, 28)
    aws = Certification.objects.get(slug="aws-ml-specialty")
    assert aws.retirement_date == dt.date(2026, 3, 31)
    assert aws.replacements.exists()
    azure = Certification.objects.get(slug="ms-azure-ai-engineer-associate")
    assert azure.retirement_date == dt.date(2026, 6, 30)
    assert list(azure.replacements.values_list("exam_code", flat=True)) == ["AI-103"]
    statuses = dict(Certification.objects.with_status(today).values_list("slug", "status_code"))
    assert statuses["aws-ml-specialty"] == statuses["ms-azure-ai-engineer-associate"] == "retired"


def test_later_facts_are_history_entries_with_sources(seeded):
    azure = Certification.objects.get(slug="ms-azure-ai-engineer-associate")
    history = azure.public_history()
    assert len(history) >= 2
    retirement = next(e for e in history if any(c.label == "Retirement date" for c in e.changes))
    assert retirement.source.startswith("https://")
    assert retirement.date.date() > ARTICLE_DATE


def test_unknown_price_stays_unknown(seeded):
    udacity = Certification.objects.get(slug="udacity-ai-engineer-nanodegree")
    assert udacity.cost_amount is None
    assert udacity.cost_display.startswith("not published")
    assert Certification.objects.filter(cost_amount=0).count() == 0


def test_seed_twice_adds_nothing(seeded):
    models = [
        Certification,
        Pitfall,
        TroubleshootingItem,
        CertifyScenario,
        CommonMistake,
        PortfolioStep,
        IndustryTrend,
        Source,
    ]
    before = {m: m.objects.count() for m in models}
    history_before = Certification.history.count()
    call_command("seed")
    assert {m: m.objects.count() for m in models} == before
    assert Certification.history.count() == history_before


def test_seed_keeps_editors_changes(seeded):
    cert = Certification.objects.get(slug="gcp-professional-ml-engineer")
    cert.cost_amount = Decimal("275")
    cert.save()
    seed_all()
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("275")


def test_guide_tables_hold_every_article_row(seeded):
    assert Pitfall.objects.count() == 4
    assert TroubleshootingItem.objects.count() == 4
    assert CertifyScenario.objects.count() == 4
    assert CommonMistake.objects.count() == 4
    assert PortfolioStep.objects.count() == 4
    assert IndustryTrend.objects.count() == 4
    assert Source.objects.count() >= 5
    assert Pitfall.objects.filter(pitfall="Overpaying for generic courses").exists()


def test_history_that_does_not_end_at_the_current_values_is_refused(db, seed_data):
    seed_all()
    entry = next(e for e in seed_data["certifications"] if e.get("baseline"))
    broken = {
        **entry,
        "slug": "broken",
        "baseline": {**entry["baseline"], "cost_amount": "1.00"},
        "cost_amount": "2.00",
        "changes": [],
        "replacements": [],
    }
    with pytest.raises(SeedError, match="cost_amount"):
        load_certifications({"article": seed_data["article"], "certifications": [broken]})


def test_status_of_seeded_catalogue_today_has_current_majority(seeded):
    current = [c for c in Certification.objects.all() if c.status is not Status.RETIRED]
    assert len(current) >= 18
