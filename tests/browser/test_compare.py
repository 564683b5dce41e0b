"""Comparing in Chromium: pick from the catalogue, compare, share, with and without JS."""

import re

import pytest

from catalog.seed import seed_all
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, has_horizontal_scroll, screenshot

PICKS = [
    "Google Cloud Certified – Professional Machine Learning Engineer",
    "AWS Certified Machine Learning Engineer – Associate",
    "Databricks Certified Machine Learning Professional",
]


@pytest.fixture
def site(transactional_db, live_server):
    seed_all()
    return live_server.url


def column_names(page) -> list[str]:
    return page.locator(".compare-table thead th a.cert-name").all_inner_texts()


def row_labels(page) -> list[str]:
    return page.locator(".compare-table tbody th").all_inner_texts()


def pick_from_catalogue(page, *, javascript: bool):
    for name in PICKS:
        row = page.locator("#results tbody tr", has=page.get_by_role("link", name=name, exact=True))
        row.get_by_role("link", name=re.compile(r"^Compare ")).click()
        page.wait_for_url(re.compile("c="))
        row = page.locator("#results tbody tr", has=page.get_by_role("link", name=name, exact=True))
        row.get_by_role("link", name=re.compile("In comparison")).wait_for()
    tray = page.locator(".tray")
    assert "3 of 4" in tray.inner_text()
    if javascript:
        assert page.evaluate("() => window.__same === true")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_pick_compare_filter_remove_and_share(site, new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(site + "/certifications/")
    if javascript:
        page.evaluate("() => { window.__same = true; }")
    pick_from_catalogue(page, javascript=javascript)

    page.locator(".tray").get_by_role("link", name="Compare 3").click()
    page.wait_for_url(re.compile(r"/compare/\?c="))
    assert column_names(page) == PICKS
    assert page.locator(".best").count() >= 2
    all_rows = row_labels(page)

    page.get_by_role("link", name="Show only differences").click()
    page.wait_for_url(re.compile(r"diff=1"))
    page.get_by_role("link", name="Show all rows").first.wait_for()
    assert len(row_labels(page)) < len(all_rows)

    page.get_by_role("link", name=f"Remove {PICKS[1]}").click()
    page.wait_for_function(
        "() => document.querySelectorAll('.compare-table thead th').length === 2"
    )
    assert column_names(page) == [PICKS[0], PICKS[2]]
    assert "diff=1" in page.url
    shared = page.url
    screenshot(page, f"compare-{'htmx' if javascript else 'nojs'}")

    fresh = new_page(java_script_enabled=javascript)
    fresh.goto(shared)
    assert column_names(fresh) == [PICKS[0], PICKS[2]]
    assert row_labels(fresh) == row_labels(page)
    assert fresh.title().startswith(f"{PICKS[0]} vs {PICKS[2]}")


def test_search_as_you_type_adds_without_reloading(site, page):
    page.goto(site + "/compare/?c=aws-ai-practitioner")
    page.evaluate("() => { window.__same = true; }")
    page.get_by_label("Add a certification").press_sequentially("leader", delay=30)
    suggestion = page.locator("#suggestions").get_by_role(
        "link", name=re.compile("Generative AI Leader")
    )
    suggestion.click()
    page.wait_for_url(re.compile(r"c=gcp-generative-ai-leader"))
    page.wait_for_function(
        "() => document.querySelectorAll('.compare-table thead th').length === 2"
    )
    assert page.evaluate("() => window.__same === true")
    assert page.title().startswith("AWS Certified AI Practitioner vs")


def test_retired_pick_swaps_for_its_successor(site, page):
    page.goto(site + "/compare/?c=ms-azure-ai-engineer-associate&c=aws-ai-practitioner")
    page.get_by_role(
        "link", name=re.compile("^Swap for Microsoft Certified: Azure AI Apps")
    ).click()
    page.wait_for_url(re.compile(r"c=ms-azure-ai-apps-agents-developer-associate"))
    page.wait_for_function("() => !document.querySelector('.retired-flag')")
    assert column_names(page)[0].startswith("Microsoft Certified: Azure AI Apps")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comparison_reads_well_and_passes_axe(site, new_page, browser, viewport, scheme):
    url = (
        site + "/compare/?c=gcp-professional-ml-engineer&c=aws-ml-specialty"
        "&c=coursera-machine-learning-specialization&c=nvidia-nca-genl"
    )
    page = new_page(viewport=viewport, color_scheme=scheme)
    page.goto(url)
    assert not has_horizontal_scroll(page)
    # On phones the attribute names stay in view while the table scrolls sideways.
    first_label = page.locator(".compare-table tbody th").first
    assert first_label.is_visible()
    screenshot(page, f"compare-four-{scheme}")
    assert axe_violations(browser, url, viewport=viewport, color_scheme=scheme) == []


def test_tray_on_a_detail_page(site, new_page):
    page = new_page(viewport=PHONE)
    page.goto(site + "/certifications/aws-ai-practitioner/?c=gcp-generative-ai-leader")
    page.locator(".cert-header__actions .pick").click()
    page.wait_for_url(re.compile(r"c=aws-ai-practitioner"))
    assert "2 of 4" in page.locator(".tray").inner_text()
    screenshot(page, "detail-with-tray")
