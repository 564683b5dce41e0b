"""No lost edits: a save from a stale copy is refused and shows what the other editor did."""

from decimal import Decimal

import pytest

from catalog.admin import CertificationAdmin
from catalog.models import Certification, EditConflict
from tests.conftest import make_certification

from .conftest import change_url, client_for, form_data, make_editor

SOURCE = "https://example.com/new-fee"


@pytest.fixture
def editors(db):
    return client_for(make_editor("editor-a")), client_for(make_editor("editor-b"))


def errors_of(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def test_saving_a_stale_copy_raises_and_changes_nothing(db):
    cert = make_certification(cost_amount=Decimal("200"))
    first, second = Certification.objects.get(pk=cert.pk), Certification.objects.get(pk=cert.pk)
    first.cost_amount = Decimal("250")
    first.save()
    second.notice = "Stale"
    with pytest.raises(EditConflict):
        second.save()
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.notice, cert.version) == (Decimal("250"), "", 2)
    assert second.version == 1  # still the copy's version, so a retry is refused too
    assert cert.history.count() == 2


def test_each_save_bumps_the_version_and_bulk_updates_do_too(db):
    cert = make_certification()
    cert.save()
    cert.save(update_fields=["notice"])
    assert Certification.objects.get(pk=cert.pk).version == 3 == cert.version
    Certification.objects.filter(pk=cert.pk).update(notice="Bulk")
    assert Certification.objects.get(pk=cert.pk).version == 4
    with pytest.raises(EditConflict):
        cert.save()


def test_second_editor_is_refused_sees_the_first_editors_change_and_loses_nothing(editors):
    a, b = editors
    cert = make_certification(cost_amount=Decimal("200"), notice="")
    form_a = form_data(a.get(change_url(cert)))
    form_b = form_data(b.get(change_url(cert)))

    saved = a.post(
        change_url(cert),
        form_a | {"cost_amount": "250", "change_source": SOURCE, "change_note": "New fee"},
    )
    assert saved.status_code == 302

    refused = b.post(change_url(cert), form_b | {"notice": "Retiring next year"})
    assert refused.status_code == 200
    messages = errors_of(refused)
    assert messages[0].startswith("Not saved: editor-a saved this certification")
    assert "editor-a at " in messages[1]
    assert "Cost amount: 200.00 → 250.00" in messages[1]
    assert "(New fee)" in messages[1] and SOURCE in messages[1]
    assert "Their new values are now in the form below: Cost amount." in messages
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.notice) == (Decimal("250"), "")  # nothing overwritten

    # The form shown again keeps B's input and carries A's new price and the version.
    form = refused.context["adminform"].form
    assert form["notice"].value() == "Retiring next year"
    assert Decimal(form["cost_amount"].value()) == Decimal("250")
    assert int(form["loaded_version"].value()) == cert.version

    resaved = b.post(change_url(cert), form_data(refused))
    assert resaved.status_code == 302
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.notice) == (Decimal("250"), "Retiring next year")
    assert [r.history_user.username for r in cert.history.all()[:2]] == ["editor-b", "editor-a"]


def test_both_editors_changing_one_field_keeps_the_second_value_marked_for_review(editors):
    a, b = editors
    cert = make_certification(cost_amount=Decimal("200"))
    form_a, form_b = form_data(a.get(change_url(cert))), form_data(b.get(change_url(cert)))
    a.post(change_url(cert), form_a | {"cost_amount": "250", "change_source": SOURCE})

    refused = b.post(change_url(cert), form_b | {"cost_amount": "180", "change_source": SOURCE})
    assert refused.status_code == 200
    assert "You both changed Cost amount" in " ".join(errors_of(refused))
    form = refused.context["adminform"].form
    assert "Changed meanwhile to 250.00; your value is kept." in form.errors["cost_amount"][0]
    assert form["cost_amount"].value() == "180"
    assert Certification.objects.get(pk=cert.pk).cost_amount == Decimal("250")


def test_carried_values_of_every_kind_of_field_survive_the_round_trip(editors):
    a, b = editors
    cert = make_certification(cost_amount=Decimal("200"), cost_approximate=False)
    form_a, form_b = form_data(a.get(change_url(cert))), form_data(b.get(change_url(cert)))
    a.post(
        change_url(cert),
        form_a
        | {
            "billing": "per-month",
            "cost_approximate": "on",
            "retirement_date": "2027-06-30",
            "unconfirmed_fields": ["cost_amount", "billing"],
            "difficulty_max": "3",
            "change_source": SOURCE,
        },
    )
    refused = b.post(change_url(cert), form_b | {"summary": "B's summary"})
    resaved = b.post(change_url(cert), form_data(refused))
    assert resaved.status_code == 302
    cert.refresh_from_db()
    assert cert.billing == "per-month" and cert.cost_approximate
    assert str(cert.retirement_date) == "2027-06-30"
    assert cert.unconfirmed_fields == ["cost_amount", "billing"]
    assert (cert.difficulty_max, cert.summary) == (3, "B's summary")


def test_a_save_landing_between_the_check_and_the_write_is_refused_not_lost(editors, monkeypatch):
    a, _ = editors
    cert = make_certification(cost_amount=Decimal("200"))
    form = form_data(a.get(change_url(cert))) | {"notice": "Mine"}
    # The admin loads the certification; before its own write, another editor's save
    # commits. The form's check passes on the copy it loaded; the write must not.
    stale = Certification.objects.get(pk=cert.pk)
    other = Certification.objects.get(pk=cert.pk)
    other.cost_amount = Decimal("275")
    other.save()
    real_get_object = CertificationAdmin.get_object
    copies = [stale]

    def loaded_before_the_other_save(self, request, object_id, from_field=None):
        return copies.pop() if copies else real_get_object(self, request, object_id, from_field)

    monkeypatch.setattr(CertificationAdmin, "get_object", loaded_before_the_other_save)
    response = a.post(change_url(cert), form)
    assert response.status_code == 200
    assert "Cost amount: 200.00 → 275.00" in " ".join(errors_of(response))
    cert.refresh_from_db()
    assert (cert.cost_amount, cert.notice) == (Decimal("275"), "")
    assert response.context["adminform"].form["notice"].value() == "Mine"


def test_a_form_without_its_version_is_refused(editors):
    a, _ = editors
    cert = make_certification()
    data = form_data(a.get(change_url(cert))) | {"loaded_version": ""}
    response = a.post(change_url(cert), data)
    assert response.status_code == 200
    assert "loaded_version" in response.context["adminform"].form.errors
