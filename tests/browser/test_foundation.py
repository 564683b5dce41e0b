"""The foundation in a real browser: the seeded catalogue, and an editor changing a price."""

import pytest
from django.contrib.auth.models import Permission, User

from catalog.models import Certification
from catalog.seed import seed_all
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    has_horizontal_scroll,
    screenshot,
)

ARTICLE_SLUGS = [
    "gcp-professional-ml-engineer",
    "aws-ml-specialty",
    "ms-azure-ai-engineer-associate",
    "coursera-machine-learning-specialization",
    "coursera-generative-ai-with-llms",
    "udacity-ai-engineer-nanodegree",
]


@pytest.fixture
def catalogue(transactional_db):
    seed_all()
    return {c.slug: c for c in Certification.objects.filter(slug__in=ARTICLE_SLUGS)}


@pytest.fixture
def editor(transactional_db):
    user = User.objects.create_user("editor", password="a-long-editor-passphrase", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="catalog",
            codename__in=[
                "view_certification",
                "change_certification",
                "view_provider",
                "view_focusarea",
            ],
        )
    )
    return user


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_catalogue_shows_the_six_article_certifications(
    live_server, new_page, catalogue, viewport, scheme
):
    page = new_page(viewport=viewport, color_scheme=scheme)
    page.goto(live_server.url + "/certifications/")
    assert page.title().startswith("AI and ML certifications")
    # Retired certifications are one click away, not on the default list.
    page.get_by_role("link", name="show 4 retired").click()
    page.wait_for_url("**status=retired")
    for cert in catalogue.values():
        assert page.get_by_role("link", name=cert.name, exact=True).first.is_visible()
    assert not has_horizontal_scroll(page)
    screenshot(page, f"catalogue-{scheme}")


def test_retired_certifications_point_to_their_successors(live_server, page, catalogue):
    page.goto(live_server.url + "/certifications/?status=retired")
    row = page.locator("tr", has_text=catalogue["aws-ml-specialty"].name)
    assert "Retired 31 Mar 2026" in row.inner_text()
    successor = catalogue["aws-ml-specialty"].replacements.first()
    row.get_by_role("link", name=successor.name).click()
    page.wait_for_url(f"**{successor.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == successor.name


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_detail_page_reads_well(live_server, new_page, catalogue, viewport):
    page = new_page(viewport=viewport)
    cert = catalogue["ms-azure-ai-engineer-associate"]
    page.goto(live_server.url + cert.get_absolute_url())
    assert "Retired on 30 June 2026" in page.locator(".notice").inner_text()
    assert page.get_by_role("heading", name="Change history").is_visible()
    assert not has_horizontal_scroll(page)
    screenshot(page, "detail-retired")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(live_server, browser, catalogue, scheme):
    for path in ["/", catalogue["udacity-ai-engineer-nanodegree"].get_absolute_url()]:
        for viewport in (DESKTOP, PHONE):
            violations = axe_violations(
                browser, live_server.url + path, viewport=viewport, color_scheme=scheme
            )
            assert violations == [], (path, viewport, violations)


def test_editor_changes_a_price_and_the_site_and_history_show_it(
    live_server, new_page, catalogue, editor
):
    cert = catalogue["gcp-professional-ml-engineer"]
    page = new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-editor-passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Certifications").first.click()
    page.get_by_role("link", name=cert.name, exact=True).click()
    screenshot(page, "admin-change-form")

    page.locator("#id_cost_amount").fill("250")
    page.locator("#id_change_source").fill("https://cloud.google.com/learn/certification/pricing")
    page.locator("#id_change_note").fill("Google raised the exam fee")
    page.locator("input[name=_save]").last.click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    public = new_page()
    public.goto(live_server.url + "/certifications/")
    row = public.locator("tr", has_text=cert.name)
    assert "$250 per attempt" in row.inner_text()

    public.goto(live_server.url + cert.get_absolute_url())
    latest = public.locator("ol.history > li").first
    text = latest.inner_text()
    assert "Google raised the exam fee" in text
    assert "$200 per attempt → $250 per attempt" in text
    assert latest.get_by_role("link", name="source").get_attribute("href") == (
        "https://cloud.google.com/learn/certification/pricing"
    )

    page.goto(live_server.url + f"/admin/catalog/certification/{cert.pk}/history/")
    history = page.locator("#change-history tbody tr").first.inner_text()
    assert "editor" in history
    assert "Google raised the exam fee" in history
    assert "https://cloud.google.com/learn/certification/pricing" in history
    assert "Syllabus" not in history  # textarea CRLFs are not a change
    screenshot(page, "admin-history")
