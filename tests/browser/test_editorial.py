"""The editors' workflow in a real browser: prices with sources, conflicts, corrections,
CSV imports, login lockout, and the public "What changed" page."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from catalog.models import Certification
from catalog.seed import seed_all
from editorial.models import CorrectionSuggestion
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    has_horizontal_scroll,
    screenshot,
)

PASSWORD = "a-long-editor-passphrase"
SLUG = "gcp-professional-ml-engineer"
SOURCE = "https://cloud.google.com/learn/certification/machine-learning-engineer"


@pytest.fixture
def catalogue(transactional_db):
    seed_all()
    return Certification.objects.get(slug=SLUG)


def make_editor(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor(transactional_db):
    return make_editor("editor")


def log_in(page, live_server, username="editor"):
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def open_certification(page, live_server, cert):
    page.goto(f"{live_server.url}/admin/catalog/certification/{cert.pk}/change/")


def test_editor_changes_a_price_with_a_source_and_page_history_and_feed_show_it(
    live_server, new_page, catalogue, editor
):
    page = new_page()
    log_in(page, live_server)
    page.get_by_role("link", name="Certifications").first.click()
    page.get_by_role("link", name=catalogue.name, exact=True).click()
    page.locator("#id_cost_amount").fill("250")
    page.locator("input[name=_save]").last.click()
    # A price change without a source is refused, with the reason next to the field.
    error = page.locator(".field-change_source .errorlist")
    assert "visitors see it in the history" in error.inner_text()
    page.locator("#id_change_source").fill(SOURCE)
    page.locator("#id_change_note").fill("Google raised the exam fee")
    page.locator("input[name=_save]").last.click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    visitor = new_page()
    visitor.goto(live_server.url + catalogue.get_absolute_url())
    assert "$250 per attempt" in visitor.locator(".fact-list").inner_text()
    latest = visitor.locator("ol.history > li").first
    assert "Google raised the exam fee" in latest.inner_text()
    assert "$200 per attempt → $250 per attempt" in latest.inner_text()
    assert latest.get_by_role("link", name="source").get_attribute("href") == SOURCE

    feed = visitor.request.get(
        live_server.url + visitor.get_by_role("link", name=re.compile("Atom")).get_attribute("href")
    )
    assert feed.ok and "$200 per attempt → $250 per attempt" in feed.text()
    assert SOURCE in visitor.request.get(live_server.url + "/changes/feed/").text()

    visitor.goto(live_server.url + "/changes/")
    first = visitor.locator(".changelog__entry").first
    assert "Price change" in first.inner_text()
    assert catalogue.name in first.inner_text()
    assert first.get_by_role("link", name=re.compile("^Source")).get_attribute("href") == SOURCE

    page.goto(f"{live_server.url}/admin/catalog/certification/{catalogue.pk}/history/")
    row = page.locator("#change-history tbody tr").first.inner_text()
    assert "editor" in row and SOURCE in row and "Google raised the exam fee" in row
    screenshot(page, "editorial-admin-history")


def test_editor_reverts_a_change_from_the_history(live_server, new_page, catalogue, editor):
    catalogue.cost_amount = Decimal("275")
    catalogue._history_source_url = SOURCE
    catalogue._change_reason = "Mistyped fee"
    catalogue.save()
    page = new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/catalog/certification/{catalogue.pk}/history/")
    page.locator("#change-history tbody tr").first.get_by_role("link", name="Revert…").click()
    plan = page.locator("#revert-plan").inner_text()
    assert "275.00" in plan and "200.00" in plan
    page.get_by_label("Source").fill(SOURCE)
    screenshot(page, "editorial-admin-revert")
    page.get_by_role("button", name="Revert this change").click()
    assert "Reverted: Cost amount: 275.00 → 200.00" in page.locator(".messagelist").inner_text()
    assert "Reverted the change of" in page.locator("#change-history tbody tr").first.inner_text()
    catalogue.refresh_from_db()
    assert catalogue.cost_amount == Decimal("200")


def test_two_editors_saving_the_same_certification_second_is_refused_and_shown_why(
    live_server, new_page, catalogue
):
    make_editor("editor-a")
    make_editor("editor-b")
    first, second = new_page(), new_page()
    log_in(first, live_server, "editor-a")
    log_in(second, live_server, "editor-b")
    open_certification(first, live_server, catalogue)
    open_certification(second, live_server, catalogue)

    first.locator("#id_cost_amount").fill("250")
    first.locator("#id_change_source").fill(SOURCE)
    first.locator("input[name=_save]").last.click()
    assert "was changed successfully" in first.locator(".messagelist").inner_text()

    second.locator("#id_notice").fill("Exam guide updated for 2027.")
    second.locator("input[name=_save]").last.click()
    refusal = second.locator(".errorlist.nonfield").inner_text()
    assert "Not saved: editor-a saved this certification while you were editing it." in refusal
    assert "Cost amount: 200.00 → 250.00" in refusal
    assert second.locator("#id_notice").input_value() == "Exam guide updated for 2027."
    assert second.locator("#id_cost_amount").input_value() == "250.00"
    screenshot(second, "editorial-admin-conflict")

    second.locator("input[name=_save]").last.click()
    assert "was changed successfully" in second.locator(".messagelist").inner_text()
    catalogue.refresh_from_db()
    assert catalogue.cost_amount == Decimal("250")
    assert catalogue.notice == "Exam guide updated for 2027."


def test_a_visitor_suggests_a_correction_and_an_editor_accepts_it(
    live_server, new_page, catalogue, editor
):
    visitor = new_page(viewport=PHONE)
    visitor.goto(live_server.url + catalogue.get_absolute_url())
    assert not visitor.context.cookies()  # the certification page sets none
    visitor.get_by_role("link", name="Suggest a correction").click()
    visitor.get_by_label("Which fact is wrong?").select_option("cost_amount")
    visitor.get_by_label("What should it say?").fill("not a number")
    visitor.get_by_label("Where can we check it?").fill(SOURCE)
    visitor.get_by_role("button", name="Send suggestion").click()
    assert "is not a number" in visitor.locator(".error-summary").inner_text()
    assert not has_horizontal_scroll(visitor)
    screenshot(visitor, "editorial-suggest-error")
    visitor.get_by_label("What should it say?").fill("249")
    visitor.get_by_label(re.compile("Anything else")).fill("The fee changed this week.")
    visitor.get_by_role("button", name="Send suggestion").click()
    assert visitor.get_by_role("heading", level=1).inner_text() == "Thank you"
    assert CorrectionSuggestion.objects.get().status == "open"

    page = new_page()
    log_in(page, live_server)
    page.get_by_role("link", name="Editors' dashboard").click()
    screenshot(page, "editorial-dashboard")
    page.locator("#suggestions").get_by_role("link", name=re.compile("Price")).click()
    assert "$200 per attempt" in page.locator("#suggestion").inner_text()
    assert page.get_by_label("Value to apply").input_value() == "249"
    screenshot(page, "editorial-admin-review")
    page.get_by_role("button", name="Accept and apply").click()
    assert "Accepted and applied" in page.locator(".messagelist").inner_text()

    visitor.goto(live_server.url + catalogue.get_absolute_url())
    assert "$249 per attempt" in visitor.locator(".fact-list").inner_text()
    latest = visitor.locator("ol.history > li").first.inner_text()
    assert "Correction suggested by a visitor, accepted by editor" in latest


def test_an_editor_imports_prices_from_csv_after_a_preview(
    live_server, new_page, catalogue, editor, tmp_path
):
    file = tmp_path / "prices.csv"
    file.write_text(
        "slug,cost_amount,cost_currency,billing\n"
        f"{SLUG},260,USD,per-attempt\n"
        "aws-ml-specialty,300,USD,per-attempt\n"
    )
    page = new_page()
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/catalog/certification/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File to import").set_input_files(str(file))
    page.get_by_label("Source of these prices").fill(SOURCE)
    screenshot(page, "editorial-admin-import-form")
    page.get_by_role("button", name="Submit").click()
    preview = page.locator("#import-preview").inner_text()
    assert "Cost amount: 200.00 → 260.00" in preview
    assert "Unchanged" in preview
    screenshot(page, "editorial-admin-import-preview")
    assert Certification.objects.get(slug=SLUG).cost_amount == Decimal("200")
    page.get_by_role("button", name="Confirm import").click()
    assert "1 certification changed, 1 unchanged" in page.locator(".messagelist").inner_text()
    cert = Certification.objects.get(slug=SLUG)
    assert cert.cost_amount == Decimal("260")
    assert cert.history.first().history_source_url == SOURCE


def test_five_bad_logins_lock_the_admin_with_a_clear_message(live_server, page, editor):
    page.goto(live_server.url + "/admin/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Sign-in locked for a while"
    assert "locked for 30 minutes" in page.locator("#content-main").inner_text()
    screenshot(page, "editorial-lockout")
    # Chromium logs the lockout's 429 status as a failed load: expected, so not an error.
    expected = "the server responded with a status of 429 (Too Many Requests)"
    page.errors[:] = [e for e in page.errors if not e.endswith(expected)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_what_changed_page_reads_well_and_is_accessible(
    live_server, browser, new_page, catalogue, viewport, scheme
):
    catalogue.cost_amount = Decimal("250")
    catalogue._history_source_url = SOURCE
    catalogue._change_reason = "Google raised the exam fee"
    catalogue.save()
    page = new_page(viewport=viewport, color_scheme=scheme)
    page.goto(live_server.url + "/changes/")
    headings = page.locator("h1, h2, h3").evaluate_all("els => els.map(e => e.tagName)")
    assert headings[0] == "H1" and "H3" in headings
    assert headings.index("H2") < headings.index("H3")
    assert not has_horizontal_scroll(page)
    screenshot(page, f"editorial-changes-{scheme}")

    page.get_by_label("Provider").select_option("google-cloud")
    page.get_by_role("button", name="Show changes").click()
    page.wait_for_url("**/changes/?provider=google-cloud")
    names = page.locator(".changelog__provider").all_inner_texts()
    assert names and all("Google" in n for n in names)

    for path in [
        "/changes/",
        "/changes/?provider=google-cloud&page=2",
        f"/certifications/{SLUG}/suggest/",
    ]:
        violations = axe_violations(
            browser, live_server.url + path, viewport=viewport, color_scheme=scheme
        )
        assert violations == [], (path, violations)
