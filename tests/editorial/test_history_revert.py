"""Every change records who, when, old → new and its source; editors revert one change."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import Certification
from tests.conftest import make_certification, make_provider

from .conftest import change_url, edit, form_data

SOURCE = "https://example.com/pricing"


def history_url(cert) -> str:
    return f"/admin/catalog/certification/{cert.pk}/history/"


def revert_url(cert, record) -> str:
    return f"{history_url(cert)}{record.history_id}/revert/"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost_amount", "250"),
        ("billing", "per-month"),
        ("cost_currency", "EUR"),
        ("retirement_date", "2027-03-31"),
    ],
)
def test_price_and_retirement_changes_need_a_source(editor_client, field, value):
    cert = make_certification(cost_amount=Decimal("200"))
    response = edit(editor_client, cert, **{field: value})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "visitors see it in the history" in errors["change_source"][0]
    cert.refresh_from_db()
    assert cert.history.count() == 1


def test_other_changes_need_no_source(editor_client):
    cert = make_certification()
    response = edit(editor_client, cert, summary="A clearer summary.")
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.summary == "A clearer summary."


def test_a_change_records_who_when_old_new_and_its_source(editor_client, editor):
    cert = make_certification(cost_amount=Decimal("200"))
    response = edit(
        editor_client, cert, cost_amount="250", change_source=SOURCE, change_note="Fee rose"
    )
    assert response.status_code == 302
    latest = cert.history.first()
    assert latest.history_user == editor
    assert latest.history_source_url == SOURCE
    assert latest.history_change_reason == "Fee rose"
    assert latest.history_date > cert.history.last().history_date
    (change,) = latest.diff_against(latest.prev_record, excluded_fields=["version"]).changes
    assert (change.field, Decimal(change.old), Decimal(change.new)) == (
        "cost_amount",
        Decimal("200"),
        Decimal("250"),
    )

    html = editor_client.get(history_url(cert)).content.decode()
    assert SOURCE in html and "Fee rose" in html and "editor" in html
    assert "Version" not in html  # bookkeeping is not a change
    assert "Revert…" in html


def test_a_new_certification_takes_its_official_page_as_first_source(editor_client):
    provider = make_provider()
    data = form_data(editor_client.get("/admin/catalog/certification/add/")) | {
        "name": "Brand New Exam",
        "slug": "brand-new-exam",
        "providers": [str(provider.pk)],
        "format": "exam",
        "difficulty_min": "1",
        "difficulty_max": "2",
        "cost_amount": "99",
        "billing": "per-attempt",
        "official_url": "https://example.com/brand-new",
        "verified_on": "2026-11-01",
    }
    response = editor_client.post("/admin/catalog/certification/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cert = Certification.objects.get(slug="brand-new-exam")
    assert cert.history.get().history_source_url == "https://example.com/brand-new"


def test_revert_page_shows_what_would_go_back(editor_client):
    cert = make_certification(cost_amount=Decimal("200"))
    edit(editor_client, cert, cost_amount="250", change_source=SOURCE)
    record = cert.history.first()
    response = editor_client.get(revert_url(cert, record))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>250.00</td><td>200.00</td>" in html.replace("\n", "")
    form = response.context["form"]
    assert form["source"].value() == ""  # the original values had no source
    assert form.fields["source"].required  # restoring a price needs one
    assert form["reason"].value().startswith("Reverted the change of ")


def test_reverting_a_change_restores_it_and_is_itself_recorded(editor_client, editor):
    cert = make_certification(cost_amount=Decimal("200"))
    edit(editor_client, cert, cost_amount="250", change_source=SOURCE, change_note="Typo")
    record = cert.history.first()
    response = editor_client.post(
        revert_url(cert, record),
        {
            "reason": "Reverted: the 250 was a typo",
            "source": "https://example.com/real-price",
            "version": Certification.objects.get(pk=cert.pk).version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == history_url(cert)
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("200")
    latest = cert.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Reverted: the 250 was a typo"
    assert latest.history_source_url == "https://example.com/real-price"
    assert cert.history.count() == 3  # created, changed, reverted: nothing erased
    entry = cert.public_history()[0]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Cost", "$250 per attempt", "$200 per attempt")
    ]


def test_revert_leaves_alone_a_field_changed_again_since(editor_client):
    cert = make_certification(cost_amount=Decimal("200"), notice="")
    edit(editor_client, cert, cost_amount="250", notice="Price rising", change_source=SOURCE)
    first_change = cert.history.first()
    edit(editor_client, cert, cost_amount="300", change_source=SOURCE)

    response = editor_client.get(revert_url(cert, first_change))
    plan = response.context["plan"]
    assert [c.name for c in plan.restore] == ["notice"]
    assert [c.name for c in plan.skipped] == ["cost_amount"]
    assert not plan.needs_source

    response = editor_client.post(
        revert_url(cert, first_change),
        {"reason": "No notice needed", "source": "", "version": cert.history.first().version},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.notice) == (Decimal("300"), "")


def test_revert_is_refused_when_someone_saved_after_the_page_was_opened(editor_client):
    cert = make_certification(cost_amount=Decimal("200"))
    edit(editor_client, cert, cost_amount="250", change_source=SOURCE)
    record = cert.history.first()
    opened_at = editor_client.get(revert_url(cert, record)).context["form"]["version"].value()
    edit(editor_client, cert, summary="Edited meanwhile")

    response = editor_client.post(
        revert_url(cert, record), {"reason": "Undo", "source": SOURCE, "version": opened_at}
    )
    assert response.status_code == 200
    assert "Someone saved this certification after you opened this page" in (
        response.content.decode()
    )
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.summary) == (Decimal("250"), "Edited meanwhile")
    # Confirming again, from the refreshed page, goes through.
    fresh = response.context["form"]["version"].value()
    response = editor_client.post(
        revert_url(cert, record), {"reason": "Undo", "source": SOURCE, "version": fresh}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.summary) == (Decimal("200"), "Edited meanwhile")


def test_the_creation_of_a_certification_cannot_be_reverted(editor_client):
    cert = make_certification()
    created = cert.history.get()
    response = editor_client.post(
        revert_url(cert, created), {"reason": "x", "source": SOURCE, "version": cert.version}
    )
    assert response.status_code == 200
    assert "nothing before it to go back to" in response.content.decode()
    assert Certification.objects.filter(pk=cert.pk).exists()


def test_revert_needs_the_change_permission(db, client):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", password="x-long-password-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_certification"))
    client.force_login(viewer)
    cert = make_certification()
    cert.cost_amount = Decimal("1")
    cert.save()
    assert client.get(revert_url(cert, cert.history.first())).status_code == 403


def test_old_snapshots_are_read_only(editor_client):
    cert = make_certification()
    cert.retirement_date = dt.date(2030, 1, 1)
    cert.save()
    snapshot = f"{history_url(cert)}{cert.history.last().history_id}/"
    assert editor_client.get(snapshot).status_code == 200
    response = editor_client.post(snapshot, form_data(editor_client.get(change_url(cert))))
    assert response.status_code == 405
    cert.refresh_from_db()
    assert cert.retirement_date == dt.date(2030, 1, 1)
