"""Two app servers behind one nginx share everything that matters: data, sessions, lockouts."""

import re
import uuid

import pytest

from deploy import serve
from deploy.editor import EditorSession
from tests.stack.conftest import EDITOR, EDITOR_PASSWORD, app_env, get, wait_until

pytestmark = pytest.mark.stack

SOURCE = "https://example.com/fees"


def shown_price(html: str) -> str:
    match = re.search(r"<dt>Cost</dt><dd>(?:<span[^>]*>)?([^<]*)", html)
    assert match, "no cost on the detail page"
    return match.group(1).strip()


def detail(base_url: str, slug: str) -> str:
    status, body = get(f"{base_url}/certifications/{slug}/")
    assert status == 200
    return body.decode()


def test_a_price_saved_through_a_is_served_by_b_on_the_next_request(two_instances):
    a, b = two_instances.app_urls
    slug = "aws-ai-practitioner"
    # B has served (and, with the response cache, stored) the page before the change.
    before = shown_price(detail(b, slug))
    editor = EditorSession(a)
    assert editor.sign_in(EDITOR, EDITOR_PASSWORD) == 302
    cert_id = editor.certification_id(slug)
    for amount in ("611", "612", "613"):
        assert editor.save_price(cert_id, amount, source=SOURCE) == 302
        assert shown_price(detail(b, slug)).startswith(f"${amount}"), before
        # And through nginx, whichever instance answers.
        for _ in range(4):
            assert shown_price(detail(two_instances.url, slug)).startswith(f"${amount}")


def test_an_editor_signed_in_on_a_is_signed_in_on_b(two_instances):
    a, b = two_instances.app_urls
    on_a = EditorSession(a)
    assert not on_a.with_base(b).signed_in()
    assert on_a.sign_in(EDITOR, EDITOR_PASSWORD) == 302
    assert on_a.signed_in()
    on_b = on_a.with_base(b)
    assert on_b.signed_in()
    # Signing out on B ends the session on A too.
    status, _, html = on_b.request("/admin/")
    logout = [("csrfmiddlewaretoken", _csrf(html))]
    assert on_b.request("/admin/logout/", logout)[0] in {200, 302}
    assert not on_a.signed_in()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_failed_sign_ins_count_across_both_instances(two_instances, stack_database):
    a, b = two_instances.app_urls
    username = f"locked-{uuid.uuid4().hex[:8]}"
    serve.manage(app_env(stack_database), "create_editor", username, "--no-input")
    # Four failures, two on each: neither instance alone has seen the limit (5).
    for base in (a, b, a, b):
        assert EditorSession(base).sign_in(username, "wrong") == 200
    # The fifth, on B, reaches the limit that counts both.
    assert EditorSession(b).sign_in(username, "wrong") == 429
    # Now even the right password is refused on A, which saw only two failures itself.
    assert EditorSession(a).sign_in(username, EDITOR_PASSWORD) == 429
    assert EditorSession(b).sign_in(username, EDITOR_PASSWORD) == 429


def test_nginx_spreads_requests_over_both_instances(two_instances):
    for _ in range(8):
        assert get(f"{two_instances.url}/certifications/")[0] == 200
    log = two_instances.stack.run_dir / "nginx-access.log"
    ports = [url.rsplit(":", 1)[1] for url in two_instances.app_urls]

    def both_answered():
        text = log.read_text() if log.exists() else ""
        return all(f"upstream=127.0.0.1:{port}" in text for port in ports)

    # nginx writes its access log at least every second.
    assert wait_until(both_answered, timeout=5) is not None
