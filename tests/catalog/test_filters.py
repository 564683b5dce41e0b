import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from catalog.filters import CertificationFilter, facets
from catalog.models import Certification, FocusArea, Level, Provider
from tests.conftest import make_certification, make_focus_area, make_provider


@pytest.fixture
def catalogue(db):
    today = timezone.localdate()
    p = {
        slug: make_provider(name=name, slug=slug, kind=kind)
        for slug, name, kind in [
            ("gcp", "Google Cloud", "cloud"),
            ("aws", "Amazon Web Services", "cloud"),
            ("dlai", "DeepLearning.AI", "company"),
            ("coursera", "Coursera", "platform"),
            ("udacity", "Udacity", "bootcamp"),
        ]
    }
    f = {
        slug: make_focus_area(name=name, slug=slug)
        for slug, name in [("mlops", "MLOps"), ("basics", "AI fundamentals"), ("core", "Core ML")]
    }
    make_certification(
        name="Cloud ML Pro",
        providers=[p["gcp"]],
        focus_areas=[f["mlops"]],
        difficulty_min=Level.INTERMEDIATE,
        difficulty_max=Level.ADVANCED,
        cost_amount=Decimal("200"),
        recognition=4,
        verified_on=dt.date(2026, 5, 1),
    )
    make_certification(
        name="Cheap Fundamentals",
        providers=[p["aws"]],
        focus_areas=[f["basics"]],
        difficulty_min=Level.BEGINNER,
        difficulty_max=Level.BEGINNER,
        cost_amount=Decimal("100"),
        recognition=2,
        exam_code="AIF-C01",
    )
    make_certification(
        name="ML Spec",
        providers=[p["dlai"]],
        platform=p["coursera"],
        focus_areas=[f["core"]],
        difficulty_min=Level.BEGINNER,
        difficulty_max=Level.INTERMEDIATE,
        format="course-series",
        cost_amount=Decimal("49"),
        billing="per-month",
        typical_months=3,
        recognition=5,
    )
    make_certification(
        name="Nanodegree",
        providers=[p["udacity"]],
        format="nanodegree",
        cost_amount=None,
        billing="per-month",
        recognition=2,
    )
    make_certification(
        name="Old Exam",
        providers=[p["aws"]],
        cost_amount=Decimal("300"),
        recognition=4,
        retirement_date=dt.date(2020, 1, 1),
    )
    make_certification(
        name="Retiring Exam",
        providers=[p["aws"]],
        cost_amount=Decimal("150"),
        recognition=3,
        retirement_date=today + dt.timedelta(days=30),
    )
    return p


def run(query: str):
    filterset = CertificationFilter(
        QueryDict(query),
        Certification.objects.for_browsing(),
        providers=Provider.objects.all(),
        focus_areas=FocusArea.objects.all(),
    )
    return filterset


def names(query: str) -> list[str]:
    return [c.name for c in run(query).qs]


def test_default_shows_active_and_retiring_sorted_by_name(catalogue):
    assert names("") == [
        "Cheap Fundamentals",
        "Cloud ML Pro",
        "ML Spec",
        "Nanodegree",
        "Retiring Exam",
    ]


def test_retired_only_on_request(catalogue):
    assert names("status=retired") == ["Old Exam"]
    assert names("status=retired&status=retiring") == ["Old Exam", "Retiring Exam"]


def test_provider_matches_issuer_or_platform(catalogue):
    assert names("provider=coursera") == ["ML Spec"]
    assert names("provider=aws") == ["Cheap Fundamentals", "Retiring Exam"]
    assert names("provider=aws&provider=gcp") == [
        "Cheap Fundamentals",
        "Cloud ML Pro",
        "Retiring Exam",
    ]


def test_unknown_provider_is_dropped_and_explained_but_the_rest_apply(catalogue):
    filterset = run("provider=aws&provider=nope&level=beginner")
    assert [c.name for c in filterset.qs] == ["Cheap Fundamentals"]
    assert filterset.notices == ["Provider: “nope” not recognised, so ignored."]


def test_focus_area(catalogue):
    assert names("focus=mlops&focus=core") == ["Cloud ML Pro", "ML Spec"]


def test_level_matches_the_difficulty_range(catalogue):
    assert names("level=beginner") == ["Cheap Fundamentals", "ML Spec"]
    assert names("level=advanced") == ["Cloud ML Pro"]


def test_cost_ceiling_uses_subscription_totals_and_keeps_unknown_by_default(catalogue):
    # ML Spec: $49 x 3 months = $147
    assert names("max_cost=150") == ["Cheap Fundamentals", "ML Spec", "Nanodegree", "Retiring Exam"]
    assert names("max_cost=146") == ["Cheap Fundamentals", "Nanodegree"]


def test_unknown_cost_can_be_left_out(catalogue):
    assert names("max_cost=150&unknown_cost=exclude") == [
        "Cheap Fundamentals",
        "ML Spec",
        "Retiring Exam",
    ]
    assert "Nanodegree" not in names("unknown_cost=exclude")


@pytest.mark.parametrize("bad", ["abc", "-5", "1e999", "99999999999", "NaN"])
def test_bad_cost_is_ignored_with_a_notice(catalogue, bad):
    filterset = run(f"max_cost={bad}&provider=aws")
    assert [c.name for c in filterset.qs] == ["Cheap Fundamentals", "Retiring Exam"]
    assert filterset.notices and filterset.notices[0].startswith("Maximum cost")


def test_minimum_recognition(catalogue):
    assert names("min_recognition=high") == ["Cloud ML Pro", "ML Spec"]
    assert names("min_recognition=bogus") == names("")


def test_billing_and_format(catalogue):
    assert names("billing=per-month") == ["ML Spec", "Nanodegree"]
    assert names("format=course-series&format=nanodegree") == ["ML Spec", "Nanodegree"]


def test_search_covers_name_code_provider_platform_and_focus(catalogue):
    assert names("q=coursera") == ["ML Spec"]
    assert names("q=mlops") == ["Cloud ML Pro"]
    assert names("q=aif-c01") == ["Cheap Fundamentals"]
    assert names("q=amazon+retiring") == ["Retiring Exam"]
    assert names("q=nothing-like-this") == []


def test_cost_band_and_exact_recognition_as_the_home_chart_links_them(catalogue):
    assert names("cost_over=100&max_cost=200") == ["Cloud ML Pro", "ML Spec", "Retiring Exam"]
    assert names("recognition=high&recognition=medium") == [
        "Cheap Fundamentals",
        "Cloud ML Pro",
        "Nanodegree",
    ]
    assert names("cost_over=100&recognition=high") == ["Cloud ML Pro"]
    result = facets(run("cost_over=100"), Certification.objects.for_browsing())
    assert counts(result["unknown_cost"]) == {"include": 3, "exclude": 3}


def test_search_uses_only_the_first_hundred_printable_characters(catalogue):
    assert names("q=aif-c01" + "%20" * 3000 + "x" * 5000) == names("q=aif-c01+" + "x" * 91)
    assert names("q=%00aif%1F-c01") == ["Cheap Fundamentals"]
    assert run("q=" + "x" * 5000).notices
    assert run("q=" + "x" * 5000).cleaned["q"] == "x" * 100


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("cost", ["Cheap Fundamentals", "ML Spec", "Retiring Exam", "Cloud ML Pro", "Nanodegree"]),
        ("-cost", ["Cloud ML Pro", "Retiring Exam", "ML Spec", "Cheap Fundamentals", "Nanodegree"]),
        (
            "recognition",
            ["ML Spec", "Cloud ML Pro", "Retiring Exam", "Cheap Fundamentals", "Nanodegree"],
        ),
        (
            "difficulty",
            ["Cheap Fundamentals", "ML Spec", "Nanodegree", "Retiring Exam", "Cloud ML Pro"],
        ),
        (
            "verified",
            ["Cheap Fundamentals", "ML Spec", "Nanodegree", "Retiring Exam", "Cloud ML Pro"],
        ),
        (
            "nonsense",
            ["Cheap Fundamentals", "Cloud ML Pro", "ML Spec", "Nanodegree", "Retiring Exam"],
        ),
    ],
)
def test_sorts_put_unknowns_last(catalogue, sort, expected):
    assert names(f"sort={sort}") == expected


def counts(facet):
    return {o.value: o.count for o in facet}


def test_facet_counts_apply_the_other_filters(catalogue):
    filterset = run("provider=aws&level=beginner")
    result = facets(filterset, Certification.objects.for_browsing())
    # Provider counts ignore the provider filter but keep level=beginner.
    assert counts(result["provider"]) == {
        "aws": 1,
        "coursera": 1,
        "dlai": 1,
        "gcp": 0,
        "udacity": 0,
    }
    # Level counts ignore the level filter but keep provider=aws (two current AWS exams).
    assert counts(result["level"]) == {"beginner": 1, "intermediate": 1, "advanced": 0}
    assert counts(result["status"]) == {"active": 1, "retiring": 0, "retired": 0}
    assert [o.value for o in result["provider"] if o.selected] == ["aws"]


def test_status_facet_counts_retired_even_when_hidden(catalogue):
    result = facets(run(""), Certification.objects.for_browsing())
    assert counts(result["status"]) == {"active": 4, "retiring": 1, "retired": 1}
    assert [o.value for o in result["status"] if o.selected] == ["active", "retiring"]


def test_zero_count_options_stay_listed(catalogue):
    result = facets(run("q=udacity"), Certification.objects.for_browsing())
    assert counts(result["focus"]) == {"basics": 0, "core": 0, "mlops": 0}
    assert counts(result["billing"])["per-attempt"] == 0
    assert counts(result["unknown_cost"]) == {"include": 1, "exclude": 0}
    assert counts(result["min_recognition"])[""] == 1


@pytest.mark.parametrize("extra", [0, 40])
def test_facet_queries_do_not_grow_with_the_catalogue(
    catalogue, django_assert_max_num_queries, extra
):
    providers = list(Provider.objects.all())
    for _ in range(extra):
        make_certification(providers=providers[:2], focus_areas=list(FocusArea.objects.all()))
    filterset = run("provider=aws&level=beginner&max_cost=500")
    with django_assert_max_num_queries(9):
        facets(filterset, Certification.objects.for_browsing())
