"""Atom feeds: every announced change, and each certification's history."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from catalog.models import Certification
from tests.conftest import bulk_certifications, make_certification, make_provider

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed):
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "id": e.findtext(f"{ATOM}id"),
            "updated": e.findtext(f"{ATOM}updated"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in feed.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def priced(db):
    aws = make_provider(name="AWS", slug="aws")
    cert = make_certification(name="ML Specialty", slug="ml-specialty", providers=[aws])
    cert.cost_amount = Decimal("350")
    cert._history_source_url = "https://aws.example/fee"
    cert._change_reason = "Fee rose"
    cert.save()
    return cert


def test_the_site_feed_lists_changes_newest_first_with_sources(client, priced):
    feed = parse(client.get("/changes/feed/"))
    assert feed.findtext(f"{ATOM}title") == "certsite: what changed"
    got = entries(feed)
    assert [e["title"] for e in got] == [
        "Price change: ML Specialty",
        "New certification: ML Specialty",
    ]
    latest = got[0]
    assert latest["link"] == "http://testserver/certifications/ml-specialty/"
    assert "$200 per attempt → $350 per attempt" in latest["summary"]
    assert "Fee rose" in latest["summary"]
    assert 'href="https://aws.example/fee"' in latest["summary"]
    assert len({e["id"] for e in got}) == 2  # ids are unique and stable


def test_the_site_feed_follows_the_provider_filter(client, priced):
    make_certification(name="Other Exam")
    assert len(entries(parse(client.get("/changes/feed/?provider=aws")))) == 2
    assert len(entries(parse(client.get("/changes/feed/")))) == 3
    assert len(entries(parse(client.get("/changes/feed/?provider=unknown")))) == 3


def test_each_certification_has_a_feed_of_its_whole_history(client, priced):
    priced.verified_on = dt.date(2026, 12, 1)
    priced.save()
    feed = parse(client.get("/certifications/ml-specialty/feed/"))
    assert feed.findtext(f"{ATOM}title") == "certsite: changes to ML Specialty"
    got = entries(feed)
    assert [e["title"] for e in got] == [
        "ML Specialty: verified on changed",
        "ML Specialty: cost changed",
        "First recorded: ML Specialty",
    ]
    assert [e["id"].rsplit("#", 1)[1] for e in got] == ["history-3", "history-2", "history-1"]
    assert "First recorded values" in got[2]["summary"]


def test_the_certification_page_links_its_feed(client, priced):
    html = client.get(priced.get_absolute_url()).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/certifications/ml-specialty/feed/"' in html


def test_unknown_certification_feed_is_a_404(client, db):
    assert client.get("/certifications/nope/feed/").status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_feed_queries_stay_constant(client, db, django_assert_max_num_queries, count):
    bulk_certifications(count)
    for cert in Certification.objects.all():
        cert.cost_amount = Decimal("1")
        cert.save()
    with django_assert_max_num_queries(6):
        parse(client.get("/changes/feed/"))
    slug = Certification.objects.first().slug
    with django_assert_max_num_queries(3):
        parse(client.get(f"/certifications/{slug}/feed/"))
