"""Every page type in Chromium at phone and desktop widths, light and dark:
no sideways scrolling, no console errors, axe-core clean, valid HTML (Nu Html Checker)."""

import json
import shutil
import subprocess
import urllib.request

import pytest

from catalog.seed import seed_all
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    ROOT,
    axe_violations,
    has_horizontal_scroll,
    screenshot,
)

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = {
    "home": "/",
    "catalogue": "/certifications/?provider=aws&sort=cost",
    "detail": "/certifications/aws-ml-specialty/",
    "compare": "/compare/?c=aws-ai-practitioner&c=gcp-generative-ai-leader&c=nvidia-nca-genl",
    "advisor-step": "/advisor/?experience=no",
    "advisor-result": "/advisor/result/?experience=yes&recognition=no&budget=any&topics=any"
    "&provider=any&format=any",
    "guide": "/guide/",
    "guide-pitfalls": "/guide/pitfalls/",
    "guide-when": "/guide/when-to-certify/",
    "guide-portfolio": "/guide/portfolio/",
    "guide-sources": "/guide/sources/",
    "not-found": "/no-such-page/",
}
SHOT = {"home", "guide", "guide-pitfalls", "guide-sources", "not-found"}


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("html")


@pytest.fixture
def site(transactional_db, live_server):
    seed_all()
    return live_server.url


@pytest.mark.parametrize("name", PAGES)
def test_page_type_in_every_width_and_scheme(site, new_page, browser, html_dir, name):
    url = site + PAGES[name]
    for viewport in (DESKTOP, PHONE):
        for scheme in ("light", "dark"):
            page = new_page(viewport=viewport, color_scheme=scheme)
            response = page.goto(url)
            assert response.status == (404 if name == "not-found" else 200)
            if name == "not-found":
                # Chromium reports the document's own 404 status in the console.
                page.errors[:] = [e for e in page.errors if "404" not in e]
            assert not has_horizontal_scroll(page), (name, viewport, scheme)
            assert page.locator("h1").count() == 1
            if name in SHOT:
                screenshot(page, f"site-{name}-{scheme}")
            assert axe_violations(browser, url, viewport=viewport, color_scheme=scheme) == [], (
                name,
                viewport,
                scheme,
            )
    try:
        body = urllib.request.urlopen(url).read()
    except urllib.error.HTTPError as error:
        body = error.read()
    (html_dir / f"{name}.html").write_bytes(body)


def test_saved_pages_are_valid_html(transactional_db, html_dir):
    # transactional_db orders this after the page tests above, which save the pages.
    files = sorted(html_dir.glob("*.html"))
    assert len(files) == len(PAGES), "run with the page-type tests"
    java = shutil.which("java")
    assert java and VNU.exists(), "make browser-deps installs Java and vnu-jar"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [(m.get("url", "").rsplit("/", 1)[-1], m["message"]) for m in messages]
    assert errors == []


def test_home_chart_in_cells_for_a_large_catalogue(
    transactional_db, live_server, new_page, browser
):
    """Past 80 plottable certifications the chart counts cells: still no sideways
    scrolling, axe-core clean in both schemes, valid HTML, and a cell leads to its list."""
    from tests.conftest import bulk_certifications

    seed_all()
    bulk_certifications(300)
    url = live_server.url + "/"
    for viewport in (DESKTOP, PHONE):
        for scheme in ("light", "dark"):
            page = new_page(viewport=viewport, color_scheme=scheme)
            page.goto(url)
            assert page.locator(".scatter__dot--cell").count() > 5
            assert not has_horizontal_scroll(page), (viewport, scheme)
            screenshot(page, f"site-home-cells-{viewport['width']}-{scheme}")
            assert axe_violations(browser, url, viewport=viewport, color_scheme=scheme) == []
    page = new_page()
    page.goto(url)
    cell = page.locator("a.scatter__link").first
    count = cell.locator("text").text_content().strip()
    cell.click()
    assert page.locator(".results__count strong").text_content() == count
    body = urllib.request.urlopen(url).read()
    java = shutil.which("java")
    assert java and VNU.exists(), "make browser-deps installs Java and vnu-jar"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "-"],
        input=body.decode(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert messages == []
