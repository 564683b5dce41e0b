"""The editors' dashboard: what needs checking, what retires, what visitors sent, what changed."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from editorial.models import CorrectionSuggestion
from tests.conftest import make_certification

URL = "/editors/"


def test_dashboard_lists_what_needs_attention(editor_client, editor):
    today = timezone.localdate()
    make_certification(name="Checked Lately", verified_on=today - dt.timedelta(days=10))
    make_certification(name="Long Unchecked", verified_on=today - dt.timedelta(days=181))
    make_certification(
        name="Retired Unchecked",
        verified_on=today - dt.timedelta(days=400),
        retirement_date=today - dt.timedelta(days=5),
    )
    leaving = make_certification(name="Leaving Soon", retirement_date=today + dt.timedelta(days=20))
    CorrectionSuggestion.objects.create(
        certification=leaving,
        field="cost_amount",
        proposed_value="123",
        source_url="https://example.com/x",
        address_hash="x",
    )
    leaving.cost_amount = Decimal("321")
    leaving._history_user = editor
    leaving._history_source_url = "https://example.com/y"
    leaving.save()

    response = editor_client.get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert [c.name for c in board.stale] == ["Long Unchecked"]
    assert [c.name for c in board.retiring] == ["Leaving Soon"]
    assert board.open_suggestions == 1
    latest = board.recent[0]
    assert (latest.name, latest.editor) == ("Leaving Soon", "editor")
    assert [str(c) for c in latest.changes] == ["Cost amount: 200.00 → 321.00"]
    html = response.content.decode()
    for text in [
        "Not verified for more than 180 days",
        "Retiring in the next 90 days",
        "Open correction suggestions",
        "Recent changes",
        "Price (amount) → 123",
    ]:
        assert text in html


def test_dashboard_is_for_staff_only(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_stale_filter_in_the_certification_list(editor_client):
    today = timezone.localdate()
    make_certification(name="Fresh", verified_on=today)
    make_certification(name="Stale", verified_on=today - dt.timedelta(days=200))
    response = editor_client.get("/admin/catalog/certification/", {"verified": "stale"})
    assert [c.name for c in response.context["cl"].result_list] == ["Stale"]
