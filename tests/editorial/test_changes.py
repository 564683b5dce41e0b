"""The public "What changed" page: price changes, retirements, new certifications."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import Certification
from editorial.changes import PAGE_SIZE
from tests.conftest import bulk_certifications, make_certification, make_provider

URL = "/changes/"


def change(cert, *, when: dt.datetime | None = None, source="", reason="", **values):
    for key, value in values.items():
        setattr(cert, key, value)
    cert._history_source_url = source
    cert._change_reason = reason
    if when:
        cert._history_date = when
    cert.save()


@pytest.fixture
def providers(db):
    return make_provider(name="AWS", slug="aws"), make_provider(name="Google Cloud", slug="gcp")


def entries(response):
    return response.context["entries"]


def test_lists_price_changes_retirements_and_new_certifications_newest_first(client, providers):
    aws, _ = providers
    cert = make_certification(name="ML Specialty", providers=[aws], cost_amount=Decimal("300"))
    change(cert, cost_amount=Decimal("350"), source="https://aws.example/fee", reason="Fee rose")
    change(cert, retirement_date=dt.date(2027, 3, 31), source="https://aws.example/retire")
    change(cert, summary="Only a wording change")  # not announced
    change(cert, verified_on=dt.date(2026, 11, 29))  # nor is a check

    response = client.get(URL)
    assert response.status_code == 200
    got = [([k.value for k in e.kinds], e.source) for e in entries(response)]
    assert got == [
        (["retirement"], "https://aws.example/retire"),
        (["price"], "https://aws.example/fee"),
        (["new"], ""),
    ]
    html = response.content.decode()
    assert "<del>$300 per attempt</del> → <ins>$350 per attempt</ins>" in html
    assert "Retirement date: <del>none</del> → <ins>31 Mar 2027</ins>" in html
    assert "Fee rose" in html and 'href="https://aws.example/fee"' in html
    assert f'href="{cert.get_absolute_url()}"' in html
    assert "Only a wording change" not in html


def test_filters_by_provider_slug_with_a_real_form(client, providers):
    aws, gcp = providers
    make_certification(name="AWS Exam", providers=[aws])
    make_certification(name="GCP Exam", providers=[gcp])
    response = client.get(URL, {"provider": "gcp"})
    assert [e.certification.name for e in entries(response)] == ["GCP Exam"]
    html = response.content.decode()
    assert '<form method="get" action="/changes/"' in html
    assert '<label for="id_provider">Provider</label>' in html
    assert '<option value="gcp" selected>Google Cloud</option>' in html
    assert '<button type="submit" class="button">Show changes</button>' in html
    assert 'href="/changes/feed/?provider=gcp"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"provider": "nope"},
        {"provider": "<script>"},
        {"page": "x"},
        {"page": "999"},
        {"page": "-1"},
        {"provider": ""},
    ],
)
def test_bad_input_is_ignored_never_an_error(client, providers, query):
    make_certification(providers=[providers[0]])
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(entries(response)) == 1
    if query.get("provider"):
        assert "No provider is called" in response.content.decode()


def test_paginates_and_links_pages_keeping_the_filter(client, providers):
    aws, _ = providers
    for _ in range(PAGE_SIZE + 5):
        make_certification(providers=[aws])
    response = client.get(URL, {"provider": "aws"})
    assert len(entries(response)) == PAGE_SIZE
    assert 'href="?provider=aws&amp;page=2"' in response.content.decode()
    assert len(entries(client.get(URL, {"provider": "aws", "page": 2}))) == 5


def test_retiring_soon_is_shown_at_the_top(client, db):
    today = dt.date.today()
    make_certification(name="Going Soon", retirement_date=today + dt.timedelta(days=30))
    make_certification(name="Going Later", retirement_date=today + dt.timedelta(days=200))
    html = client.get(URL).content.decode()
    section = html[html.index("Retiring in the next 90 days") :]
    assert "Going Soon" in section[: section.index("</section>")]
    assert "Going Later" not in section[: section.index("</section>")]


def test_deleted_certifications_drop_out(client, db):
    make_certification(name="Kept")
    make_certification(name="Removed").delete()
    assert [e.certification.name for e in entries(client.get(URL))] == ["Kept"]


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_is_constant(client, providers, django_assert_max_num_queries, count):
    aws, _ = providers
    bulk_certifications(count, providers=[aws])
    for cert in Certification.objects.all()[:count]:
        change(cert, cost_amount=Decimal("999"), source="https://example.com")
    make_certification(retirement_date=dt.date.today() + dt.timedelta(days=10))
    with django_assert_max_num_queries(8 + 1):  # + the page cache's version read
        assert client.get(URL, {"provider": "aws"}).status_code == 200
    with django_assert_max_num_queries(8 + 1):  # + the page cache's version read
        assert client.get(URL, {"page": 2}).status_code == 200


def test_public_pages_set_no_cookies(client, db):
    cert = make_certification()
    for url in [
        URL,
        "/changes/feed/",
        f"/certifications/{cert.slug}/feed/",
        cert.get_absolute_url(),
        f"/certifications/{cert.slug}/suggest/thanks/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url


def test_a_change_dated_before_others_updates_what_the_next_one_announces(db):
    """Snapshots are marked as they are written; one slotted in before a later one
    (an import of old changes) re-marks that later one against its new predecessor."""
    history = Certification.history.model.objects
    day = lambda month: dt.datetime(2026, month, 1, 12, tzinfo=dt.UTC)  # noqa: E731
    cert = make_certification(cost_amount=Decimal("100"))
    history.filter(id=cert.pk).update(history_date=day(1))
    change(cert, when=day(6), cost_amount=Decimal("120"))
    assert history.get(id=cert.pk, history_date=day(6)).history_announced
    # March, already at $120: June's snapshot no longer changes the price, March's does.
    change(cert, when=day(3), reason="Price found in an old newsletter")
    assert history.get(id=cert.pk, history_date=day(3)).history_announced
    assert not history.get(id=cert.pk, history_date=day(6)).history_announced
