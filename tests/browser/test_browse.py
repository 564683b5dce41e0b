"""Browsing the catalogue in Chromium: live filters, shareable URLs, Back, no-JS."""

import re

import pytest

from catalog.seed import seed_all
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, has_horizontal_scroll, screenshot


@pytest.fixture
def seeded_site(transactional_db, live_server):
    seed_all()
    return live_server.url


def result_names(page) -> list[str]:
    return page.locator("#results tbody th a.cert-name").all_inner_texts()


def mark_document(page):
    """A marker that survives in-place swaps but not a full page load."""
    page.evaluate("() => { window.__sameDocument = true; }")


def same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def test_ticking_a_provider_filters_in_place_and_updates_the_url(seeded_site, page):
    page.goto(seeded_site + "/certifications/")
    everything = result_names(page)
    mark_document(page)

    page.get_by_role("checkbox", name=re.compile(r"^NVIDIA")).check()
    page.wait_for_url(re.compile(r"provider=nvidia"))
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 3")
    names = result_names(page)
    assert names and all("NVIDIA" in n for n in names) and len(names) < len(everything)
    assert same_document(page), "the page reloaded instead of swapping the results"
    assert page.locator("#result-status").inner_text() == "3 certifications found"
    # Counts follow: with NVIDIA chosen, no NVIDIA exam is a course series.
    assert page.locator("#count-format-course-series").inner_text().startswith("0")

    page.reload()
    assert result_names(page) == names
    assert page.get_by_role("checkbox", name=re.compile(r"^NVIDIA")).is_checked()


def test_back_and_forward_restore_each_state(seeded_site, page):
    page.goto(seeded_site + "/certifications/")
    everything = result_names(page)
    page.get_by_role("checkbox", name=re.compile(r"^Databricks")).check()
    page.wait_for_url(re.compile(r"provider=databricks"))
    page.locator("#id_sort").select_option("-cost")
    page.wait_for_url(re.compile(r"sort=-cost"))
    sorted_names = result_names(page)

    page.go_back()
    page.wait_for_url(re.compile(r"provider=databricks$"))
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 3")
    page.go_back()
    page.wait_for_url(re.compile(r"/certifications/$"))
    page.wait_for_function(
        f"() => document.querySelectorAll('#results tbody tr').length === {len(everything)}"
    )
    assert result_names(page) == everything
    page.go_forward()
    page.go_forward()
    page.wait_for_url(re.compile(r"sort=-cost"))
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 3")
    assert result_names(page) == sorted_names


def test_a_copied_url_shows_the_same_results_in_a_fresh_browser(seeded_site, new_page):
    first = new_page()
    first.goto(seeded_site + "/certifications/")
    first.get_by_label("Maximum cost in US$").fill("150")
    first.get_by_label("Maximum cost in US$").press("Enter")
    first.wait_for_url(re.compile(r"max_cost=150"))
    first.get_by_role("radio", name=re.compile(r"^Leave out")).check()
    first.wait_for_url(re.compile(r"unknown_cost=exclude"))
    first.wait_for_load_state("networkidle")
    names = result_names(first)
    assert names and "AI Engineer Nanodegree" not in names

    second = new_page()
    second.goto(first.url)
    assert result_names(second) == names
    assert second.get_by_role("radio", name=re.compile(r"^Leave out")).is_checked()


def test_typing_a_search_is_debounced_and_replaces_history(seeded_site, page):
    page.goto(seeded_site + "/certifications/")
    length_before = page.evaluate("() => history.length")
    page.get_by_label("Search").press_sequentially("azure", delay=40)
    page.wait_for_url(re.compile(r"q=azure"))
    page.wait_for_load_state("networkidle")
    names = result_names(page)
    assert names and all("Azure" in n for n in names)
    assert page.evaluate("() => history.length") == length_before


def test_without_javascript_the_form_still_filters(seeded_site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(seeded_site + "/certifications/")
    page.get_by_role("checkbox", name=re.compile(r"^Microsoft")).check()
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r"provider=microsoft"))
    names = result_names(page)
    assert names and all("Microsoft" in n or "Azure" in n for n in names)
    page.get_by_role("link", name=re.compile(r"show \d+ retired")).click()
    assert "Microsoft Certified: Azure AI Engineer Associate" in result_names(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_catalogue_page_looks_right(seeded_site, new_page, browser, viewport, scheme):
    page = new_page(viewport=viewport, color_scheme=scheme)
    page.goto(seeded_site + "/certifications/?provider=aws&provider=google-cloud&sort=cost")
    assert not has_horizontal_scroll(page)
    screenshot(page, f"browse-{scheme}")
    if viewport is PHONE:
        page.locator("summary", has_text="Filters").click()
        screenshot(page, f"browse-filters-open-{scheme}")
    violations = axe_violations(browser, page.url, viewport=viewport, color_scheme=scheme)
    assert violations == []
