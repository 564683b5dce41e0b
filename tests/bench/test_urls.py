from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from advisor.forms import read_state
from bench.urls import KINDS, Facts, cold_urls, sample_url
from catalog.filters import CertificationFilter
from catalog.models import Certification

FACTS = Facts(
    certifications=9000,
    slugs=tuple(f"cert-{n}" for n in range(300)),
    providers=("aws", "google-cloud", "microsoft"),
    focus_areas=("generative-ai", "mlops", "nlp"),
)
SEED_FACTS = Facts(
    certifications=20,
    slugs=tuple(f"cert-{n}" for n in range(20)),
    providers=("aws",),
    focus_areas=("mlops",),
)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("facts", [FACTS, SEED_FACTS])
def test_cold_urls_are_distinct_bounded_and_of_their_kind(kind, facts):
    urls = cold_urls(kind, facts, limit=500)
    assert urls
    assert len(urls) == len(set(urls)) <= 500
    path = urlsplit(sample_url(kind, facts)).path
    assert {urlsplit(u).path for u in urls} <= {path} | {
        f"/certifications/{s}/" for s in facts.slugs
    }


def test_cold_urls_come_in_the_same_order_every_run():
    assert cold_urls("filtered", FACTS) == cold_urls("filtered", FACTS)
    assert cold_urls("filtered", FACTS)[:50] != sorted(cold_urls("filtered", FACTS))[:50]


def test_partial_and_filtered_page_ask_for_their_urls_in_different_orders():
    assert cold_urls("partial", FACTS)[:20] != cold_urls("filtered", FACTS)[:20]


def test_compare_urls_pick_four_different_certifications():
    for url in [sample_url("compare", FACTS), *cold_urls("compare", FACTS)]:
        picks = parse_qs(urlsplit(url).query)["c"]
        assert len(picks) == len(set(picks)) == 4


def test_catalogue_pages_cover_the_catalogue_in_every_order():
    urls = cold_urls("catalogue", FACTS, limit=10_000)
    pages = {parse_qs(urlsplit(u).query).get("page", ["1"])[0] for u in urls}
    assert pages == {str(n) for n in range(1, 361)}  # 9,000 / 25 a page
    assert len(urls) == 360 * 6


def test_changes_urls_stay_within_a_hundred_pages_and_filter_by_provider():
    urls = cold_urls("changes", FACTS, limit=10_000)
    assert max(int(parse_qs(urlsplit(u).query)["page"][0]) for u in urls) == 100
    assert any("provider=aws" in u for u in urls)


def test_home_has_one_url_cold_runs_turn_the_cache_off_instead():
    assert cold_urls("home", FACTS) == ["/"]


@pytest.mark.parametrize("facts", [FACTS, SEED_FACTS])
def test_every_advisor_url_is_a_complete_valid_answer_set(facts):
    topics = {slug: slug for slug in facts.focus_areas}
    providers = {slug: slug for slug in facts.providers}
    for url in [sample_url("advisor", facts), *cold_urls("advisor", facts)]:
        assert urlsplit(url).path == "/advisor/result/"
        state = read_state(QueryDict(urlsplit(url).query), topics=topics, providers=providers)
        assert state.complete, url
        assert not state.invalid, url


@pytest.mark.parametrize("kind", ["filtered", "partial", "export"])
def test_every_filter_url_is_understood_without_a_notice(kind):
    providers = [SimpleNamespace(pk=n, slug=s, name=s) for n, s in enumerate(FACTS.providers)]
    areas = [SimpleNamespace(slug=s, name=s) for s in FACTS.focus_areas]
    cold = cold_urls(kind, FACTS, limit=300)
    for url in [sample_url(kind, FACTS), *cold]:
        filterset = CertificationFilter(
            QueryDict(urlsplit(url).query),
            Certification.objects.none(),
            providers=providers,
            focus_areas=areas,
        )
        assert filterset.form.is_valid(), url
        assert not filterset.notices, url
        # Cold URLs are real filters, never the bare page (the export's sample is that).
        assert filterset.canonical_query() or url not in cold, url


def test_only_the_htmx_partial_sends_the_htmx_header():
    assert [k for k, kind in KINDS.items() if kind.htmx] == ["partial"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown URL kind"):
        cold_urls("sitemap", FACTS)
