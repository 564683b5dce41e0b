"""Visitors suggest corrections; editors accept (applying them with history) or reject."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Certification
from editorial.models import CorrectionSuggestion, hash_address
from tests.conftest import make_certification

from .conftest import client_for, make_editor

SOURCE = "https://example.com/official-fee"


@pytest.fixture
def cert(db):
    return make_certification(name="Sample Exam", slug="sample-exam", cost_amount=Decimal("200"))


def suggest_url(cert) -> str:
    return f"/certifications/{cert.slug}/suggest/"


def review_url(suggestion) -> str:
    return f"/admin/editorial/correctionsuggestion/{suggestion.pk}/change/"


def suggestion_data(**overrides):
    return {
        "field": "cost_amount",
        "proposed_value": "250",
        "source_url": SOURCE,
        "note": "The provider raised the fee in March.",
        "website": "",
    } | overrides


def make_suggestion(cert, **overrides) -> CorrectionSuggestion:
    values = {
        "certification": cert,
        "field": "cost_amount",
        "proposed_value": "250",
        "source_url": SOURCE,
        "address_hash": hash_address("192.0.2.1"),
    }
    return CorrectionSuggestion.objects.create(**(values | overrides))


def test_the_certification_page_links_the_form_which_shows_current_values(client, cert):
    detail = client.get(cert.get_absolute_url()).content.decode()
    assert f'href="{suggest_url(cert)}"' in detail
    response = client.get(suggest_url(cert))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Price (amount) (now: $200 per attempt)" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "csrftoken" in response.cookies  # this page alone carries the token


def test_a_valid_suggestion_is_stored_for_editors_and_never_published(client, cert):
    response = client.post(suggest_url(cert), suggestion_data(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == f"{suggest_url(cert)}thanks/"
    suggestion = CorrectionSuggestion.objects.get()
    assert (suggestion.certification, suggestion.field, suggestion.proposed_value) == (
        cert,
        "cost_amount",
        "250",
    )
    assert suggestion.status == "open"
    assert suggestion.address_hash == hash_address("198.51.100.7")
    assert "198.51.100.7" not in suggestion.address_hash
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("200")
    assert "$250" not in client.get(cert.get_absolute_url()).content.decode()
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and not thanks.cookies


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source_url": ""}, "source_url", "This field is required."),
        ({"source_url": "not a url"}, "source_url", "Enter a valid URL."),
        ({"proposed_value": ""}, "proposed_value", "This field is required."),
        ({"proposed_value": "about 250ish"}, "proposed_value", "is not a number"),
        ({"proposed_value": "200"}, "proposed_value", "That is what the page says now."),
        (
            {"field": "retirement_date", "proposed_value": "soon"},
            "proposed_value",
            "is not a date",
        ),
        ({"field": "cost_currency", "proposed_value": "Dollars"}, "proposed_value", "Unknown"),
        ({"field": "nonsense"}, "field", "Select a valid choice."),
    ],
)
def test_invalid_suggestions_are_explained_and_not_stored(client, cert, data, field, message):
    response = client.post(suggest_url(cert), suggestion_data(**data))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert "Please check your suggestion" in response.content.decode()
    assert not CorrectionSuggestion.objects.exists()


def test_the_form_is_csrf_protected(cert):
    client = Client(enforce_csrf_checks=True)
    response = client.post(suggest_url(cert), suggestion_data())
    assert response.status_code == 403
    token_page = client.get(suggest_url(cert))
    token = token_page.context["csrf_token"]
    response = client.post(suggest_url(cert), suggestion_data(csrfmiddlewaretoken=str(token)))
    assert response.status_code == 302
    assert CorrectionSuggestion.objects.count() == 1


def test_a_filled_honeypot_looks_accepted_but_is_not_stored(client, cert):
    response = client.post(suggest_url(cert), suggestion_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert not CorrectionSuggestion.objects.exists()


def test_the_honeypot_is_hidden_from_people_but_labelled(client, cert):
    html = client.get(suggest_url(cert)).content.decode()
    assert '<div class="hp">' in html
    assert "Leave this empty" in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html


def test_more_than_five_an_hour_from_one_address_are_refused_with_the_input_kept(client, cert):
    for n in range(5):
        response = client.post(
            suggest_url(cert),
            suggestion_data(proposed_value=str(300 + n)),
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 302
    response = client.post(
        suggest_url(cert),
        suggestion_data(proposed_value="999", note="My sixth note"),
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have sent 5 suggestions in the last hour." in html
    assert 'value="999"' in html and "My sixth note" in html
    assert CorrectionSuggestion.objects.count() == 5
    # Another address is not affected.
    response = client.post(suggest_url(cert), suggestion_data(), REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302


def test_the_rate_limit_counts_only_the_last_hour(client, cert):
    for _ in range(5):
        make_suggestion(cert, address_hash=hash_address("203.0.113.9"))
    CorrectionSuggestion.objects.update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
    )
    response = client.post(suggest_url(cert), suggestion_data(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_unknown_certification_has_no_form(client, db):
    assert client.get("/certifications/no-such/suggest/").status_code == 404


def test_accepting_applies_the_value_with_history_and_the_visitors_source(
    editor_client, editor, cert
):
    suggestion = make_suggestion(cert)
    page = editor_client.get(review_url(suggestion))
    html = page.content.decode()
    assert page.status_code == 200
    assert "$200 per attempt" in html and SOURCE in html and "Accept and apply" in html

    response = editor_client.post(
        review_url(suggestion), {"value": "250", "note": "Checked", "_accept": "1"}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("250")
    latest = cert.history.first()
    assert latest.history_user == editor
    assert latest.history_source_url == SOURCE
    assert latest.history_change_reason == ("Correction suggested by a visitor, accepted by editor")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by, suggestion.decision_note) == (
        "accepted",
        editor,
        "Checked",
    )
    public = Client().get(cert.get_absolute_url()).content.decode()
    assert "<del>$200 per attempt</del> → <ins>$250 per attempt</ins>" in public


def test_an_editor_can_tidy_the_value_before_applying_it(editor_client, cert):
    suggestion = make_suggestion(cert, field="retirement_date", proposed_value="end of March")
    response = editor_client.post(
        review_url(suggestion), {"value": "31 March 2027", "_accept": "1"}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.retirement_date == dt.date(2027, 3, 31)
    suggestion.refresh_from_db()
    assert suggestion.applied_value == "31 March 2027"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_amount", "lots", "is not a number"),
        ("exam_duration_minutes", "two hours", "is not a whole number"),
        ("retirement_date", "2027-02-30", "is not a date"),
        ("billing", "whenever", "Unknown billing"),
    ],
)
def test_a_value_that_does_not_fit_is_explained_and_nothing_changes(
    editor_client, cert, field, value, message
):
    suggestion = make_suggestion(cert, field=field, proposed_value=value)
    response = editor_client.post(review_url(suggestion), {"value": value, "_accept": "1"})
    assert response.status_code == 200
    assert message in response.context["form"].errors["value"][0]
    suggestion.refresh_from_db()
    assert suggestion.status == "open"
    assert Certification.objects.get(pk=cert.pk).history.count() == 1


def test_rejecting_changes_nothing_and_is_recorded(editor_client, editor, cert):
    suggestion = make_suggestion(cert)
    response = editor_client.post(
        review_url(suggestion), {"value": "250", "note": "Source is a forum post", "_reject": "1"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("rejected", editor)
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("200") and cert.history.count() == 1


def test_a_decided_suggestion_cannot_be_decided_again(editor_client, cert):
    suggestion = make_suggestion(cert)
    editor_client.post(review_url(suggestion), {"value": "250", "_reject": "1"})
    response = editor_client.post(review_url(suggestion), {"value": "250", "_accept": "1"})
    assert response.status_code == 403
    assert Certification.objects.get(pk=cert.pk).cost_amount == Decimal("200")


def test_two_editors_accepting_at_once_apply_it_once(db, cert):
    from editorial.suggestions import AlreadyDecided, accept

    suggestion = make_suggestion(cert)
    first, second = make_editor("first"), make_editor("second")
    stale = CorrectionSuggestion.objects.get(pk=suggestion.pk)
    assert accept(suggestion, editor=first, value="250") is True
    with pytest.raises(AlreadyDecided):
        accept(stale, editor=second, value="260")
    cert.refresh_from_db()
    assert cert.cost_amount == Decimal("250") and cert.history.count() == 2


def test_something_else_is_accepted_as_handled_without_an_automatic_change(editor_client, cert):
    suggestion = make_suggestion(cert, field="other", proposed_value="The exam is now online too")
    html = editor_client.get(review_url(suggestion)).content.decode()
    assert "not about a single fact" in html
    response = editor_client.post(review_url(suggestion), {"_accept": "1"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert Certification.objects.get(pk=cert.pk).history.count() == 1


def test_suggestions_cannot_be_added_in_the_admin(editor_client, cert):
    assert editor_client.get("/admin/editorial/correctionsuggestion/add/").status_code == 403
    make_suggestion(cert)
    listing = editor_client.get("/admin/editorial/correctionsuggestion/").content.decode()
    assert "Sample Exam" in listing and SOURCE in listing


def test_staff_without_change_rights_only_read_suggestions(db, cert):
    from django.contrib.auth.models import Permission, User

    reader = User.objects.create_user("reader", password="a-long-reader-pass", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_correctionsuggestion"))
    suggestion = make_suggestion(cert)
    client = client_for(reader)
    page = client.get(review_url(suggestion)).content.decode()
    assert "Accept and apply" not in page
    assert client.post(review_url(suggestion), {"value": "1", "_accept": "1"}).status_code == 403
