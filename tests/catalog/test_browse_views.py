"""The catalogue page over HTTP: no-JS page, htmx fragment, history restore, bad input."""

import json

import pytest

from tests.conftest import bulk_certifications, make_certification, make_provider

HTMX = {"HX-Request": "true"}


@pytest.fixture
def two_providers(db):
    aws = make_provider(name="Amazon Web Services", slug="aws")
    gcp = make_provider(name="Google Cloud", slug="google-cloud")
    make_certification(name="AWS Exam", providers=[aws])
    make_certification(name="GCP Exam", providers=[gcp])
    return aws, gcp


def test_plain_get_returns_the_whole_filtered_page(client, two_providers):
    response = client.get("/certifications/?provider=aws")
    html = response.content.decode()
    assert "<html" in html and 'id="filters"' in html
    assert "AWS Exam" in html and "GCP Exam" not in html
    assert 'value="aws" checked' in html
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_returns_only_the_results_fragment(client, two_providers):
    response = client.get("/certifications/?provider=aws", headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html and 'id="filters"' not in html
    assert "AWS Exam" in html and "GCP Exam" not in html
    # Counts and the screen-reader announcement travel out of band.
    assert 'id="count-provider-google-cloud" data-hx-swap-oob="true"' in html
    assert 'id="result-status" data-hx-swap-oob="innerHTML">1 certification found' in html
    assert response.headers["Vary"] == (
        "HX-Request, HX-History-Restore-Request, X-Certsite-History"
    )
    assert response.headers["HX-Push-Url"] == "/certifications/?provider=aws"


def test_the_address_bar_gets_the_tidy_state(client, two_providers):
    query = (
        "q=+exam+&sort=name&status=active&status=retiring&provider=aws&max_cost=150.00"
        "&unknown_cost=include&min_recognition=&provider=nope"
    )
    response = client.get(f"/certifications/?{query}", headers=HTMX)
    assert response.headers["HX-Push-Url"] == "/certifications/?q=exam&provider=aws&max_cost=150"


def test_type_ahead_search_replaces_history(client, two_providers):
    headers = HTMX | {"X-Certsite-History": "replace"}
    response = client.get("/certifications/?q=aws&sort=name", headers=headers)
    assert response.headers["HX-Replace-Url"] == "/certifications/?q=aws"
    assert "HX-Push-Url" not in response.headers


def test_history_restore_gets_the_whole_page(client, two_providers):
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    html = client.get("/certifications/?provider=aws", headers=headers).content.decode()
    assert "<html" in html and 'id="filters"' in html


@pytest.mark.parametrize(
    "query",
    [
        "provider=nope",
        "max_cost=abc",
        "max_cost=-1",
        "page=999",
        "page=abc",
        "sort=drop+table",
        "level=expert&level=intermediate",
        "provider=%00",
        "status=zombie",
        "min_recognition=%00",
        "provider=" + "&provider=".join(["aws"] * 500),
        "unknown_cost=maybe",
    ],
)
def test_bad_input_never_fails(client, two_providers, query):
    response = client.get(f"/certifications/?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 1


@pytest.mark.parametrize("typed", ["%00AWS", "AWS%01%1B%7F", "AWS" + "%20" * 5000 + "x" * 5000])
def test_search_text_is_made_printable_and_bounded(client, two_providers, typed):
    response = client.get(f"/certifications/?q={typed}")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["filter"].cleaned["q"].startswith("AWS")
    assert len(response.context["filter"].cleaned["q"]) <= 100
    notice = "only the first 100 printable characters were used"
    assert (notice in html) == ("%01" in typed or "x" in typed)
    assert "\x00" not in html and len(html) < 60_000


def test_bad_input_is_explained_and_the_rest_applies(client, two_providers):
    response = client.get("/certifications/?provider=aws&max_cost=cheap")
    html = response.content.decode()
    assert "could not be used" in html and "Maximum cost" in html
    assert [c.name for c in response.context["page"]] == ["AWS Exam"]


def test_pagination_keeps_filters(client, db):
    bulk_certifications(60)
    html = client.get("/certifications/?sort=cost").content.decode()
    assert 'href="?sort=cost&amp;page=2"' in html
    page2 = client.get("/certifications/?sort=cost&page=2")
    assert page2.context["page"].number == 2


def test_filter_changes_return_to_page_one(client, db):
    # The form carries no page field: submitting it always starts at page 1.
    bulk_certifications(30)
    html = client.get("/certifications/?page=2").content.decode()
    assert 'name="page"' not in html


def test_no_results_explains_what_to_do(client, two_providers):
    html = client.get("/certifications/?q=zzzzzz").content.decode()
    assert "No certification matches all of these filters" in html


def test_csv_export_follows_the_filters(client, two_providers):
    response = client.get("/certifications/export.csv?provider=aws&page=3")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("slug,name,url,providers")
    assert len(lines) == 2 and "AWS Exam" in lines[1]


def test_json_export_keeps_unknowns_null(client, db):
    make_certification(name="Unknown Price", cost_amount=None, billing="unknown")
    payload = json.loads(client.get("/certifications/export.json").content)
    assert payload["count"] == 1
    (row,) = payload["certifications"]
    assert row["cost_amount"] is None and row["estimated_total"] is None
    assert row["status"] == "active"


def test_export_comes_in_parts_each_linking_the_next(client, db, monkeypatch):
    from catalog import export

    monkeypatch.setattr(export, "LIMIT", 2)
    for n in range(5):
        make_certification(name=f"Cert {n}")
    first = client.get("/certifications/export.json?sort=name")
    payload = json.loads(first.content)
    assert payload["count"] == 5 and payload["offset"] == 0 and payload["limit"] == 2
    assert [c["name"] for c in payload["certifications"]] == ["Cert 0", "Cert 1"]
    # The default sort (name) is left out of the tidy address.
    assert payload["next"] == "http://testserver/certifications/export.json?offset=2"
    assert first["Link"] == f'<{payload["next"]}>; rel="next"'
    last = json.loads(client.get("/certifications/export.json?sort=name&offset=4").content)
    assert [c["name"] for c in last["certifications"]] == ["Cert 4"] and last["next"] is None
    csv_part = client.get("/certifications/export.csv?offset=2")
    assert len(csv_part.content.decode().strip().splitlines()) == 3
    assert 'rel="next"' in csv_part["Link"] and "from-3" in csv_part["Content-Disposition"]
    assert client.get("/certifications/export.json?offset=nonsense").status_code == 200


def test_export_links_carry_the_current_filters(client, two_providers):
    html = client.get("/certifications/?provider=aws&page=1").content.decode()
    assert 'href="/certifications/export.csv?provider=aws"' in html
    assert 'href="/certifications/export.json?provider=aws"' in html


@pytest.mark.parametrize("count", [20, 1000])
def test_list_page_queries_are_constant(client, db, django_assert_max_num_queries, count):
    bulk_certifications(count)
    with django_assert_max_num_queries(16):
        client.get("/certifications/?provider=provider-1&level=beginner&max_cost=300")
    with django_assert_max_num_queries(16):
        client.get("/certifications/?sort=-cost", headers=HTMX)


@pytest.mark.parametrize("count", [20, 1000])
def test_detail_page_queries_are_constant(client, db, django_assert_max_num_queries, count):
    bulk_certifications(count)
    cert = make_certification(replacements=[make_certification()])
    with django_assert_max_num_queries(8):
        client.get(cert.get_absolute_url())


@pytest.mark.parametrize("count", [20, 1000])
def test_export_queries_are_constant(client, db, django_assert_max_num_queries, count):
    bulk_certifications(count)
    with django_assert_max_num_queries(10):
        client.get("/certifications/export.json")
