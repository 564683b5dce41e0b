import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_certification


def test_catalogue_hides_retired_by_default_and_offers_them(client, db):
    successor = make_certification(name="New Exam")
    make_certification(
        name="Old Exam", retirement_date=dt.date(2020, 1, 31), replacements=[successor]
    )
    response = client.get("/certifications/")
    assert response.status_code == 200
    assert [c.name for c in response.context["page"]] == ["New Exam"]
    html = response.content.decode()
    assert 'href="?status=active&amp;status=retiring&amp;status=retired"' in html
    assert "show 1 retired" in html

    response = client.get("/certifications/?status=active&status=retiring&status=retired")
    assert [c.name for c in response.context["page"]] == ["New Exam", "Old Exam"]
    html = response.content.decode()
    assert "Retired 31 Jan 2020" in html
    assert f'href="{successor.get_absolute_url()}"' in html


def test_unknown_cost_shows_not_published_never_zero(client, db):
    make_certification(name="Mystery Nanodegree", cost_amount=None, billing="unknown")
    html = client.get(reverse("catalog:list")).content.decode()
    assert "not published" in html
    assert "$0" not in html


def test_catalogue_escapes_editor_text(client, db):
    make_certification(name="<script>alert(1)</script>")
    html = client.get("/certifications/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_detail_page_shows_facts_source_and_history(client, db):
    cert = make_certification(name="Sample Exam", exam_code="SMP-01")
    cert.cost_amount = 250
    cert._history_source_url = "https://example.com/price"
    cert.save()
    response = client.get(cert.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sample Exam" in html and "SMP-01" in html
    assert "$250 per attempt" in html
    assert "<del>$200 per attempt</del> → <ins>$250 per attempt</ins>" in html
    assert 'href="https://example.com/price"' in html
    assert cert.official_url in html


def test_detail_page_marks_unconfirmed_values(client, db):
    cert = make_certification(unconfirmed_fields=["cost_amount"])
    html = client.get(cert.get_absolute_url()).content.decode()
    assert html.count("tag--unconfirmed") >= 2  # the marked value and the provenance note


def test_retired_detail_page_links_its_successor(client, db):
    successor = make_certification(name="Successor Exam")
    cert = make_certification(
        retirement_date=dt.date(2026, 3, 31), replacements=[successor], notice="Gone."
    )
    html = client.get(cert.get_absolute_url()).content.decode()
    assert "Retired on 31 March 2026" in html
    assert f'<a href="{successor.get_absolute_url()}">Successor Exam</a>' in html


def test_unknown_certification_is_a_404(client, db):
    assert client.get("/certifications/no-such-thing/").status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_detail_query_count_is_constant(client, db, django_assert_max_num_queries, count):
    for _ in range(count):
        make_certification()
    cert = make_certification(replacements=[make_certification()])
    with django_assert_max_num_queries(8):
        assert client.get(cert.get_absolute_url()).status_code == 200


def test_strict_content_security_policy_on_public_pages(client, db):
    policy = client.get("/certifications/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "nonce-" not in policy


def test_admin_gets_the_same_strict_policy(admin_client):
    policy = admin_client.get("/admin/catalog/certification/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_public_pages_set_no_cookies(client, db):
    make_certification()
    assert not client.get("/certifications/").cookies
