"""The advisor in Chromium: every path by clicking, Back, sharing, and no JavaScript."""

import re

import pytest

from catalog.seed import seed_all
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, has_horizontal_scroll, screenshot

PATHS = {
    "entry-level": (
        ["No, I am new", "Yes, I want to move"],
        "Consider an entry-level certification",
    ),
    "free": (["No, I am new", "No, I am curious"], "Free learning resources may suffice"),
    "advanced": (["Yes, I have built", "Yes, an employer"], "An advanced certification can help"),
    "projects": (
        ["Yes, I have built", "No, I want to be better"],
        "Focus on projects and publications",
    ),
}


@pytest.fixture
def site(transactional_db, live_server):
    seed_all()
    return live_server.url


def answer(page, label_start: str):
    page.get_by_label(re.compile("^" + re.escape(label_start))).check()
    page.get_by_role("button", name="Continue").click()


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize("outcome", PATHS)
def test_each_path_by_clicking_with_back_in_the_middle(site, new_page, outcome):
    answers, title = PATHS[outcome]
    page = new_page()
    page.goto(site + "/advisor/")
    page.evaluate("() => { window.__same = true; }")
    assert heading(page) == "Do you have prior AI/ML experience?"
    answer(page, answers[0])
    page.wait_for_url(re.compile(r"experience="))
    second = heading(page)
    assert "Step 2 of 6" in page.locator(".progress").inner_text()

    page.go_back()  # the browser's Back
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('prior')")
    answer(page, answers[0])
    page.wait_for_function(f"() => document.querySelector('h1').textContent === {second!r}")
    answer(page, answers[1])
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('spend')")
    assert page.evaluate("() => window.__same === true"), "steps should swap in place"

    page.get_by_label(re.compile(r"^Up to \$500")).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('topics')")
    page.get_by_role("link", name="Back").click()  # the page's Back
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('spend')")
    page.get_by_label(re.compile(r"^Up to \$500")).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('topics')")
    page.get_by_role("link", name="Skip the rest and see my result").click()
    page.wait_for_url(re.compile(r"/advisor/result/"))
    assert heading(page) == title
    assert "budget=500" in page.url
    result_url = page.url

    fresh = new_page()
    fresh.goto(result_url)
    assert heading(fresh) == title
    assert (
        fresh.locator(".rec__name").all_inner_texts()
        == page.locator(".rec__name").all_inner_texts()
    )
    assert fresh.locator('meta[property="og:title"]').get_attribute("content").startswith(title)


def test_a_path_without_javascript(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(site + "/advisor/")
    answer(page, "Yes, I have built")
    page.wait_for_url(re.compile(r"experience=yes"))
    answer(page, "Yes, an employer")
    page.wait_for_url(re.compile(r"recognition=yes"))
    page.get_by_role("link", name="Skip this question").click()
    page.wait_for_url(re.compile(r"budget=any"))
    page.get_by_label(re.compile(r"^MLOps")).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"topics=mlops"))
    page.get_by_role("link", name="Skip this question").click()
    page.get_by_label(re.compile(r"^An exam")).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/advisor/result/"))
    assert heading(page) == "An advanced certification can help"
    assert page.locator(".rec__reason").first.inner_text()
    assert not page.get_by_role("button", name="Copy link").is_visible()


def test_copy_link_copies_the_share_url(site, browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    query = "experience=no&career_change=no&budget=any&topics=any&provider=any&format=any"
    url = f"{site}/advisor/result/?{query}"
    page.goto(url)
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_step_and_result_read_well(site, new_page, browser, viewport, scheme):
    page = new_page(viewport=viewport, color_scheme=scheme)
    step = site + "/advisor/?experience=yes&recognition=yes&budget=any"
    page.goto(step)
    assert not has_horizontal_scroll(page)
    screenshot(page, f"advisor-step-{scheme}")
    result = (
        site + "/advisor/result/?experience=no&career_change=yes&budget=300&topics=generative-ai"
        "&provider=any&format=any"
    )
    page.goto(result)
    assert not has_horizontal_scroll(page)
    screenshot(page, f"advisor-result-{scheme}")
    for url in (step, result):
        assert axe_violations(browser, url, viewport=viewport, color_scheme=scheme) == []
