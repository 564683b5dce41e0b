"""Bulk price updates: CSV export, preview with old → new and per-row errors, confirm."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Certification
from tests.conftest import make_certification

IMPORT = "/admin/catalog/certification/import/"
CONFIRM = "/admin/catalog/certification/process_import/"
SOURCE = "https://example.com/2027-fees"


@pytest.fixture
def certs(db):
    return {
        "alpha": make_certification(slug="alpha", name="Alpha", cost_amount=Decimal("200")),
        "beta": make_certification(slug="beta", name="Beta", cost_amount=Decimal("150")),
        "gamma": make_certification(slug="gamma", name="Gamma", cost_amount=None),
    }


def csv_file(rows, *, header=("slug", "cost_amount", "cost_currency", "billing")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("prices.csv", out.getvalue().encode(), content_type="text/csv")


def preview(client, rows, **extra):
    data = {"format": "0", "resource": "0", "source_url": SOURCE, "note": "New fees"} | extra
    return client.post(IMPORT, data | {"import_file": csv_file(rows)})


def confirm(client, response):
    initial = response.context["confirm_form"].initial
    return client.post(CONFIRM, initial | {"versions": json.dumps(initial["versions"])})


def test_export_downloads_the_current_prices_as_csv(editor_client, certs):
    response = editor_client.get("/admin/catalog/certification/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="certsite-prices-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["slug", "name", "cost_amount", "cost_currency", "billing"]
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["alpha"]["cost_amount"] == "200.00"
    assert by_slug["gamma"]["cost_amount"] == ""
    assert by_slug["alpha"]["billing"] == "per-attempt"


def test_preview_shows_old_and_new_per_row_and_saves_nothing(editor_client, certs):
    response = preview(
        editor_client,
        [
            ("alpha", "250", "USD", "per-attempt"),
            ("beta", "150", "USD", "per-attempt"),
            ("gamma", "49", "EUR", "per-month"),
        ],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cost amount: <del>200.00</del> → <ins>250.00</ins>" in html
    assert "Shown as: $200 per attempt → $250 per attempt" in html
    assert "Cost amount: <del>(empty)</del> → <ins>49.00</ins>" in html
    assert "Cost currency: <del>USD</del> → <ins>EUR</ins>" in html
    assert "Unchanged" in html  # beta
    assert "2 certifications will change; 1 unchanged" in html
    assert response.context["confirm_form"] is not None
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")
    assert Certification.objects.get(slug="alpha").history.count() == 1


def test_rows_with_errors_are_listed_one_by_one_and_cannot_be_confirmed(editor_client, certs):
    response = preview(
        editor_client,
        [
            ("alpha", "two hundred", "USD", "per-attempt"),
            ("nosuch", "10", "USD", "per-attempt"),
            ("beta", "120", "XYZ", "per-attempt"),
            ("gamma", "-5", "USD", "sometimes"),
            ("alpha", "210", "USD", "per-attempt"),
        ],
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    rows = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert "is not a number" in rows[1]["cost_amount"][0]
    assert "No certification has the slug “nosuch”" in rows[2]["slug"][0]
    assert "Unknown currency “XYZ”" in rows[3]["cost_currency"][0]
    assert "cannot be negative" in rows[4]["cost_amount"][0]
    assert "Unknown billing “sometimes”" in rows[4]["billing"][0]
    assert "in the file twice" in rows[5]["slug"][0]
    html = response.content.decode()
    assert "Some rows have errors" in html and "Confirm import" not in html
    assert Certification.objects.get(slug="beta").cost_amount == Decimal("150")


def test_a_file_without_slugs_is_refused_with_a_clear_message(editor_client, certs):
    file = csv_file([("Alpha", "1")], header=("name", "cost_amount"))
    response = editor_client.post(
        IMPORT, {"format": "0", "resource": "0", "source_url": SOURCE, "import_file": file}
    )
    assert response.status_code == 200
    assert "The file could not be read" in response.content.decode()
    assert "slug" in response.content.decode()


def test_the_upload_needs_a_source(editor_client, certs):
    response = preview(editor_client, [("alpha", "250", "USD", "per-attempt")], source_url="")
    assert response.status_code == 200
    assert "source_url" in response.context["form"].errors


def test_confirming_applies_each_changed_row_with_its_own_history_entry(
    editor_client, editor, certs
):
    previewed = preview(
        editor_client,
        [("alpha", "$1,250.50", "usd", "Per exam attempt"), ("beta", "150", "USD", "per-attempt")],
    )
    response = confirm(editor_client, previewed)
    assert response.status_code == 302
    alpha, beta = (Certification.objects.get(slug=s) for s in ("alpha", "beta"))
    assert alpha.cost_amount == Decimal("1250.50")
    latest = alpha.history.first()
    assert latest.history_user == editor
    assert latest.history_source_url == SOURCE
    assert latest.history_change_reason == "Price update from prices.csv: New fees"
    assert beta.history.count() == 1  # unchanged rows leave no history
    entry = alpha.public_history()[0]
    assert [(c.old, c.new) for c in entry.changes] == [
        ("$200 per attempt", "$1,250.50 per attempt")
    ]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 certification changed, 1 unchanged" in messages[0]


def test_a_certification_saved_after_the_preview_stops_the_whole_import(editor_client, certs):
    previewed = preview(
        editor_client,
        [("alpha", "250", "USD", "per-attempt"), ("beta", "175", "USD", "per-attempt")],
    )
    beta = Certification.objects.get(slug="beta")
    beta.cost_amount = Decimal("160")
    beta.save()  # another editor, between preview and confirm

    response = confirm(editor_client, previewed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "Saved by someone else since your preview" in html
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")
    assert Certification.objects.get(slug="beta").cost_amount == Decimal("160")


def test_only_editors_who_may_change_certifications_can_import(db, client, certs):
    viewer = User.objects.create_user("viewer", password="a-long-viewer-pass", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_certification"))
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.get("/admin/catalog/certification/export/").status_code == 200
    assert "Import" not in client.get("/admin/catalog/certification/").content.decode()
