import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Certification
from tests.conftest import make_certification

CHANGELIST = "/admin/catalog/certification/"


def test_changelist_shows_cost_billing_status_and_verified_date(admin_client):
    make_certification(name="Listed Exam", retirement_date=dt.date(2020, 1, 1))
    html = admin_client.get(CHANGELIST).content.decode()
    for text in [
        "Listed Exam",
        "200.00",
        "Per exam attempt",
        "Retired (2020-01-01)",
        "28 Nov 2026",
    ]:
        assert text in html


@pytest.mark.parametrize(("status", "expected"), [("retired", ["Old"]), ("active", ["New"])])
def test_changelist_filters_by_computed_status(admin_client, status, expected):
    make_certification(name="Old", retirement_date=dt.date(2020, 1, 1))
    make_certification(name="New")
    response = admin_client.get(CHANGELIST, {"status": status})
    assert [c.name for c in response.context["cl"].result_list] == expected


def test_changelist_search_finds_exam_codes(admin_client):
    make_certification(name="Azure thing", exam_code="AI-103")
    make_certification(name="Other")
    response = admin_client.get(CHANGELIST, {"q": "ai-103"})
    assert [c.name for c in response.context["cl"].result_list] == ["Azure thing"]


def test_cost_is_not_editable_in_the_list_since_a_price_change_needs_a_source(admin_client):
    # Prices change in the form (with a source) or through the CSV import (with a preview).
    cert = make_certification(cost_amount=Decimal("200"))
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(cert.pk),
        "form-0-cost_amount": "180",
        "_save": "Save",
    }
    admin_client.post(CHANGELIST, data)
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("200")
    assert 'name="form-0-cost_amount"' not in admin_client.get(CHANGELIST).content.decode()


def test_mark_verified_today_records_each_check(admin_client):
    cert = make_certification(verified_on=dt.date(2026, 1, 1))
    response = admin_client.post(
        CHANGELIST, {"action": "mark_verified_today", "_selected_action": [cert.pk]}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.verified_on == timezone.localdate()
    assert cert.history.first().history_change_reason == "Marked verified"


def test_history_page_lists_changes_with_source(admin_client):
    cert = make_certification()
    cert.cost_amount = Decimal("210")
    cert._history_source_url = "https://example.com/new-price"
    cert.save()
    html = admin_client.get(f"{CHANGELIST}{cert.pk}/history/").content.decode()
    assert "https://example.com/new-price" in html
    assert "210" in html


def test_change_form_renders_lifecycle_fields(admin_client):
    cert = make_certification()
    html = admin_client.get(f"{CHANGELIST}{cert.pk}/change/").content.decode()
    for field in ["id_retirement_date", "id_replacements", "id_notice", "id_change_source"]:
        assert field in html
    assert Certification.objects.count() == 1
