"""Facet counts are shared by every page, sort and pick of one filter state."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import bulk_certifications, make_certification


def queries(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(captured)


def test_another_page_sort_or_pick_of_the_same_filters_does_not_count_again(client, db):
    bulk_certifications(60)
    first = queries(client, "/certifications/?level=beginner")
    for url in [
        "/certifications/?level=beginner&page=2",
        "/certifications/?level=beginner&sort=-cost",
        "/certifications/?level=beginner&c=bulk-1",
    ]:
        assert queries(client, url, headers={"HX-Request": "true"}) <= first - 2, url


def test_an_edit_changes_the_counts_on_the_next_request(client, db):
    cert = make_certification(cost_amount=Decimal("100"))
    make_certification(cost_amount=Decimal("100"))
    facets = client.get("/certifications/?page=1").context["facets"]
    assert {o.value: o.count for o in facets["billing"]}["per-attempt"] == 2
    cert.billing = "per-month"
    cert.save()
    facets = client.get("/certifications/?sort=cost").context["facets"]
    assert {o.value: o.count for o in facets["billing"]}["per-attempt"] == 1


def test_without_the_page_cache_counts_are_made_each_time(client, db, settings):
    settings.PAGE_CACHE = False
    bulk_certifications(10)
    first = queries(client, "/certifications/?level=beginner")
    assert queries(client, "/certifications/?level=beginner&page=2") >= first - 1
