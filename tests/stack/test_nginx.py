"""What nginx adds in front of the app: compression, far-future static files, the health check."""

import gzip
import re
import urllib.request

import pytest

pytestmark = pytest.mark.stack


def fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/certifications/", "text/html"),
        ("/certifications/export.json", "application/json"),
        ("/certifications/export.csv", "text/csv"),
        ("/changes/feed/", "application/atom+xml"),
    ],
)
def test_text_responses_are_compressed(one_instance, path, content_type):
    status, headers, body = fetch(one_instance.url + path, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    plain = fetch(one_instance.url + path)[2]
    assert gzip.decompress(body) == plain
    if len(plain) > 10_000:
        assert len(body) < len(plain) / 3


def test_hashed_static_files_are_cached_for_ever_and_sent_precompressed(one_instance):
    html = fetch(one_instance.url + "/certifications/")[2].decode()
    css = re.search(r'href="(/static/css/[^"]+\.[0-9a-f]{12}\.css)"', html)
    assert css, "pages link hashed static files (DJANGO_MANIFEST_STATIC)"
    status, headers, body = fetch(one_instance.url + css.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    cache_control = ", ".join(headers.get_all("Cache-Control"))
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    # Served by nginx from disk, not by Django: none of the app's headers.
    assert "Content-Security-Policy" not in headers
    # An unhashed name is revalidated within the hour, never cached for ever.
    headers = fetch(one_instance.url + "/static/staticfiles.json")[1]
    assert "immutable" not in ", ".join(headers.get_all("Cache-Control") or [])


def test_healthz_through_nginx_is_never_cached_and_sets_no_cookie(one_instance):
    status, headers, body = fetch(one_instance.url + "/healthz")
    assert (status, body) == (200, b'{"database": "ok", "cache": "ok"}')
    assert "no-store" in headers["Cache-Control"]
    assert headers.get("Set-Cookie") is None
