"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Keeps Chromium from asking outside DNS servers anything.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class PageErrors(list):
    """Console errors and uncaught exceptions, CSP violations included."""


def _open_context(browser, *, viewport=DESKTOP, color_scheme="light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme, **options)
    page = context.new_page()
    errors = PageErrors()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return context, page


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh contexts (a fresh browser profile each) and checks their consoles."""
    contexts = []

    def open_page(**options):
        context, page = _open_context(browser, **options)
        contexts.append((context, page))
        return page

    yield open_page
    errors = [e for _, page in contexts for e in page.errors]
    for context, _ in contexts:
        context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(browser, url: str, *, viewport=DESKTOP, color_scheme="light") -> list[dict]:
    """Runs axe-core on a page; the context bypasses CSP only to inject axe itself."""
    context, page = _open_context(
        browser, viewport=viewport, color_scheme=color_scheme, bypass_csp=True
    )
    try:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
    finally:
        context.close()


def has_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def text_pattern(text: str) -> re.Pattern:
    return re.compile(re.escape(text))
