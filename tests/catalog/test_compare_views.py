import datetime as dt

import pytest

from catalog.models import Certification
from tests.conftest import bulk_certifications, make_certification

HTMX = {"HX-Request": "true"}


@pytest.fixture
def picks(db):
    new = make_certification(name="New Exam", slug="new")
    return [
        make_certification(name="Alpha", slug="alpha"),
        make_certification(name="Beta", slug="beta", cost_amount=150),
        make_certification(
            name="Old Exam", slug="old", retirement_date=dt.date(2020, 1, 1), replacements=[new]
        ),
        new,
    ]


def test_comparison_shows_one_column_per_pick_in_url_order(client, picks):
    response = client.get("/compare/?c=beta&c=alpha")
    assert [c.name for c in response.context["certifications"]] == ["Beta", "Alpha"]
    html = response.content.decode()
    assert "<title>Beta vs Alpha · certsite</title>" in html
    assert '<meta property="og:title" content="Beta vs Alpha">' in html
    assert "Lowest estimated cost" in html


def test_only_differences_hides_rows_that_agree(client, picks):
    response = client.get("/compare/?c=beta&c=alpha&diff=1")
    labels = [r.label for r in response.context["rows"]]
    assert "Cost" in labels and "Format" not in labels
    assert response.context["hidden_rows"] > 0
    assert 'href="/compare/?c=beta&amp;c=alpha"' in response.content.decode()


def test_one_pick_invites_more(client, picks):
    html = client.get("/compare/?c=alpha").content.decode()
    assert "Add another certification" in html


def test_more_than_four_keeps_the_first_four_and_says_so(client, picks):
    make_certification(slug="fifth")
    response = client.get("/compare/?c=alpha&c=beta&c=old&c=new&c=fifth")
    assert response.context["slugs"] == ["alpha", "beta", "old", "new"]
    assert "first 4 are shown and 1 more were left out" in response.content.decode()


def test_unknown_and_repeated_slugs_are_dropped_with_a_notice(client, picks):
    response = client.get("/compare/?c=alpha&c=ghost&c=alpha&c=%3Cscript%3E")
    assert response.status_code == 200
    assert response.context["slugs"] == ["alpha"]
    html = response.content.decode()
    assert "“ghost”" in html and "picked twice" in html
    assert "<script>" not in html.split("</head>")[1]


def test_retired_pick_offers_a_swap_for_its_successor(client, picks):
    html = client.get("/compare/?c=old&c=alpha").content.decode()
    assert 'href="/compare/?c=new&amp;c=alpha">Swap for New Exam</a>' in html


def test_picker_without_javascript_adds_a_single_match(client, picks):
    response = client.get("/compare/?c=alpha&add=beta")
    assert response.status_code == 302
    assert response["Location"] == "/compare/?c=alpha&c=beta"


def test_picker_offers_several_matches(client, picks):
    response = client.get("/compare/?c=alpha&add=exam")
    names = [s.name for s in response.context["suggestions"]]
    assert names == ["New Exam", "Old Exam"]


def test_suggestions_fragment_excludes_picks(client, picks):
    html = client.get("/compare/suggest/?c=alpha&add=a").content.decode()
    assert "<html" not in html
    assert 'href="/compare/?c=alpha&amp;c=beta"' in html
    assert ">Alpha<" not in html


def test_htmx_gets_the_comparison_fragment_with_its_title(client, picks):
    response = client.get("/compare/?c=alpha&c=beta", headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<title>Alpha vs Beta · certsite</title>" in html
    assert "HX-Request" in response["Vary"]


def test_catalogue_rows_toggle_picks_and_the_tray_follows(client, picks):
    html = client.get("/certifications/?c=alpha").content.decode()
    assert 'href="?c=alpha&amp;c=beta"' in html  # add Beta
    assert 'href="?c=beta"' not in html
    assert 'class="tray"' in html and "1 of 4" in html
    assert 'href="/certifications/alpha/?c=alpha"' in html


def test_catalogue_fragment_updates_tray_and_keeps_picks_in_the_url(client, picks):
    response = client.get("/certifications/?c=alpha&c=beta&sort=name", headers=HTMX)
    html = response.content.decode()
    assert 'id="compare-tray" class="tray-slot" data-hx-swap-oob="true"' in html
    assert '<input type="hidden" name="c" value="beta">' in html
    assert response["HX-Push-Url"] == "/certifications/?c=alpha&c=beta"


def test_detail_page_adds_to_the_comparison(client, picks):
    html = client.get("/certifications/beta/?c=alpha").content.decode()
    assert 'href="?c=alpha&amp;c=beta"' in html
    assert 'href="/compare/?c=alpha&amp;c=beta"' in html


@pytest.mark.parametrize("count", [20, 1000])
def test_compare_queries_constant_in_catalogue_size(
    client, db, django_assert_max_num_queries, count
):
    bulk_certifications(count)
    slugs = list(Certification.objects.values_list("slug", flat=True)[:3])
    with django_assert_max_num_queries(5):
        response = client.get("/compare/", {"c": slugs})
    assert response.context["slugs"] == slugs
