import datetime as dt
from decimal import Decimal

import pytest

from advisor.recommend import Criteria, reason, recommend
from catalog.models import Certification
from tests.conftest import make_certification, make_focus_area, make_provider


@pytest.fixture
def catalogue(db):
    aws = make_provider(name="Amazon Web Services", slug="aws")
    gcp = make_provider(name="Google Cloud", slug="gcp")
    genai = make_focus_area(name="Generative AI", slug="genai")
    mlops = make_focus_area(name="MLOps", slug="mlops")
    successor = make_certification(
        name="AWS AI Practitioner",
        slug="aif",
        providers=[aws],
        focus_areas=[genai],
        difficulty_min=1,
        difficulty_max=1,
        cost_amount=Decimal("100"),
        recognition=2,
    )
    make_certification(
        name="Old AWS Basics",
        slug="old",
        providers=[aws],
        difficulty_min=1,
        difficulty_max=1,
        cost_amount=Decimal("50"),
        retirement_date=dt.date(2020, 1, 1),
        replacements=[successor],
    )
    make_certification(
        name="GCP Pro ML",
        slug="pmle",
        providers=[gcp],
        focus_areas=[mlops],
        difficulty_min=2,
        difficulty_max=3,
        cost_amount=Decimal("200"),
        recognition=4,
    )
    make_certification(
        name="AWS GenAI Pro",
        slug="aip",
        providers=[aws],
        focus_areas=[genai],
        difficulty_min=3,
        difficulty_max=3,
        cost_amount=Decimal("300"),
        recognition=4,
    )
    make_certification(
        name="ML Course",
        slug="mlc",
        providers=[gcp],
        focus_areas=[genai, mlops],
        format="course-series",
        difficulty_min=1,
        difficulty_max=2,
        cost_amount=Decimal("49"),
        billing="per-month",
        typical_months=3,
        recognition=5,
        free_to_audit=True,
    )
    make_certification(
        name="Mystery Bootcamp",
        slug="mystery",
        providers=[aws],
        difficulty_min=2,
        difficulty_max=2,
        cost_amount=None,
        billing="per-month",
        recognition=2,
    )
    return {c.slug: c for c in Certification.objects.listed()}


def slugs(recs):
    return [r.certification.slug for r in recs]


def test_entry_level_prefers_beginner_and_affordable(catalogue):
    result = recommend(Certification.objects.all(), Criteria("entry-level"))
    assert slugs(result.picks) == ["aif", "mlc"]


def test_retired_is_never_recommended_but_points_to_its_successor(catalogue):
    result = recommend(Certification.objects.all(), Criteria("entry-level"))
    assert "old" not in slugs(result.picks)
    assert [(c.slug, [s.slug for s in succ]) for c, succ in result.retired] == [("old", ["aif"])]


def test_budget_excludes_and_unknown_cost_is_shown_apart(catalogue):
    result = recommend(Certification.objects.all(), Criteria("entry-level", budget=Decimal("120")))
    assert slugs(result.picks) == ["aif"]  # ML Course is $147 in all
    assert slugs(result.unknown_cost) == ["mystery"]


def test_advanced_needs_advanced_level_and_high_recognition(catalogue):
    result = recommend(Certification.objects.all(), Criteria("advanced"))
    assert slugs(result.picks) == ["pmle", "aip"]
    capped = recommend(Certification.objects.all(), Criteria("advanced", budget=Decimal("250")))
    assert slugs(capped.picks) == ["pmle"]


def test_topics_and_provider_refine(catalogue):
    criteria = Criteria(
        "advanced", topics=frozenset({"genai"}), topic_names={"genai": "Generative AI"}
    )
    assert slugs(recommend(Certification.objects.all(), criteria).picks) == ["aip"]
    criteria = Criteria("entry-level", provider="gcp", provider_name="Google Cloud")
    assert slugs(recommend(Certification.objects.all(), criteria).picks) == ["mlc"]


def test_topics_relax_when_nothing_matches(catalogue):
    criteria = Criteria("advanced", topics=frozenset({"nothing"}))
    result = recommend(Certification.objects.all(), criteria)
    assert result.relaxed_topics and slugs(result.picks) == ["pmle", "aip"]


def test_format_refines(catalogue):
    assert slugs(
        recommend(Certification.objects.all(), Criteria("entry-level", format="course")).picks
    ) == ["mlc"]
    assert slugs(
        recommend(Certification.objects.all(), Criteria("entry-level", format="exam")).picks
    ) == ["aif"]


def test_free_outcome_offers_audit_options_now_and_certifications_for_later(catalogue):
    result = recommend(Certification.objects.all(), Criteria("free"))
    assert slugs(result.picks) == ["mlc"]
    assert slugs(result.later) == ["aif"]


def test_reasons_name_the_facts(catalogue):
    criteria = Criteria(
        "entry-level",
        budget=Decimal("150"),
        topics=frozenset({"genai"}),
        topic_names={"genai": "Generative AI"},
    )
    assert reason(catalogue["aif"], criteria) == (
        "entry level, $100 per attempt, fits your budget, covers Generative AI"
    )
    assert reason(catalogue["mlc"], Criteria("free")) == (
        "entry level to intermediate, $49 / month, free to audit, very high recognition"
    )
