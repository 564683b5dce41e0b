"""The response cache: what it serves, to whom, and that every change shows on the next request."""

import csv
import datetime as dt
import io
import json
import logging
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone

from catalog import version as catalogue_version
from catalog.models import CatalogueVersion, Certification, Pitfall, Provider
from certsite import pagecache
from editorial.models import CorrectionSuggestion, hash_address
from tests.conftest import make_certification
from tests.editorial.conftest import client_for, edit, make_editor

SOURCE = "https://example.com/new-fees"
# A Redis database and key prefix of their own, so these tests touch no one else's keys.
REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/1",
    "KEY_PREFIX": "certsite-cache-test",
    "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
}
# Nothing listens on port 1.
REDIS_DOWN = REDIS | {"LOCATION": "redis://127.0.0.1:1/0"}


def rendered(response) -> bool:
    """Whether the view ran: the test client records each template a view renders."""
    return bool(response.templates)


@pytest.fixture
def cert(db):
    return make_certification(name="Sample Exam", slug="sample-exam", cost_amount=Decimal("200"))


@pytest.fixture
def editor_client(db):
    return client_for(make_editor())


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": REDIS}
    cache = caches["default"]
    try:
        cache.get("ping")
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis is not running on 127.0.0.1:6379 ({error!r})")

    def clear():
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match="certsite-cache-test:*"):
            client.delete(key)

    clear()
    yield cache
    clear()


# What is cached


PUBLIC_URLS = [
    "/",
    "/certifications/",
    "/certifications/?provider=aws&sort=cost",
    "/certifications/export.csv",
    "/certifications/export.json",
    "/certifications/sample-exam/",
    "/certifications/sample-exam/feed/",
    "/compare/?c=sample-exam",
    "/compare/suggest/?add=sam",
    "/advisor/",
    "/advisor/?experience=yes",
    "/advisor/result/?experience=no&career_change=yes&budget=any&topics=any&provider=any&format=any",
    "/guide/",
    "/guide/pitfalls/",
    "/changes/",
    "/changes/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_set_no_cookie_send_validators_and_are_answered_from_the_cache(
    client, cert, url
):
    fresh = client.get(url)
    assert fresh.status_code == 200
    assert rendered(fresh) or url.endswith((".csv", ".json", "feed/", ".txt"))
    assert not fresh.cookies, fresh.cookies
    assert fresh["Cache-Control"] == "no-cache"
    assert fresh["ETag"].startswith('"')

    with mock.patch("django.template.base.Template.render", side_effect=AssertionError):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == fresh.content
    # A hit carries every header a fresh answer does, security headers included.
    assert dict(again.items()) == dict(fresh.items())
    assert "Content-Security-Policy" in again and again["X-Frame-Options"] == "DENY"


def test_a_hit_runs_no_view_and_only_reads_the_version(client, cert, django_assert_num_queries):
    first = client.get("/certifications/")
    assert rendered(first)
    with django_assert_num_queries(1):  # the catalogue version; a hit from Redis needs none
        second = client.get("/certifications/")
    assert not rendered(second)
    assert second.content == first.content


def test_the_query_string_is_normalised_but_repeated_values_keep_their_order(client, db):
    a = make_certification(slug="a-cert", name="A cert")
    b = make_certification(slug="b-cert", name="B cert")
    client.get(f"/compare/?c={a.slug}&c={b.slug}&diff=1")
    reordered = client.get(f"/compare/?diff=1&c={a.slug}&c={b.slug}")
    assert not rendered(reordered)
    swapped = client.get(f"/compare/?diff=1&c={b.slug}&c={a.slug}")
    assert rendered(swapped)  # other column order, other page
    html = swapped.content.decode()
    assert html.index("B cert") < html.index("A cert")


def test_htmx_fragments_full_pages_and_history_restores_are_kept_apart(client, cert):
    url = "/certifications/?q=sample"
    htmx = {"HX-Request": "true"}
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    typing = {"HX-Request": "true", "X-Certsite-History": "replace"}
    answers = {}
    for name, headers in [
        ("fragment", htmx),
        ("page", {}),
        ("restore", restore),
        ("typing", typing),
    ]:
        answers[name] = client.get(url, headers=headers)
        assert rendered(answers[name])
    for name, headers in [
        ("fragment", htmx),
        ("page", {}),
        ("restore", restore),
        ("typing", typing),
    ]:
        again = client.get(url, headers=headers)
        assert not rendered(again), name
        assert again.content == answers[name].content
        assert dict(again.items()) == dict(answers[name].items())

    assert "<html" not in answers["fragment"].content.decode()
    assert "<html" in answers["page"].content.decode()
    assert "<html" in answers["restore"].content.decode()
    assert "HX-Push-Url" in answers["fragment"] and "HX-Replace-Url" in answers["typing"]
    vary = {v.strip() for v in answers["page"]["Vary"].split(",")}
    assert {"HX-Request", "HX-History-Restore-Request", "X-Certsite-History"} <= vary


def test_a_signed_in_editor_is_never_served_a_cached_page_and_never_fills_one(
    client, editor_client, cert
):
    client.get(cert.get_absolute_url())
    as_editor = editor_client.get(cert.get_absolute_url())
    assert rendered(as_editor)
    assert as_editor["Cache-Control"] == "private, no-cache"

    caches["default"].clear()
    editor_client.get(cert.get_absolute_url())
    assert rendered(client.get(cert.get_absolute_url()))


def test_forms_that_post_and_the_admin_are_not_cached(client, cert):
    for url in [f"/certifications/{cert.slug}/suggest/", "/admin/login/"]:
        first = client.get(url)
        assert first.status_code == 200
        assert "csrftoken" in first.cookies
        assert "ETag" not in first
        assert rendered(client.get(url))


def test_if_none_match_gets_304_from_a_fresh_page_and_from_a_hit(client, cert, settings):
    url = cert.get_absolute_url()
    fresh = client.get(url)
    etag = fresh["ETag"]
    hit = client.get(url, headers={"If-None-Match": etag})
    assert hit.status_code == 304 and not rendered(hit)
    assert hit["ETag"] == etag and hit.content == b""

    settings.PAGE_CACHE = False
    uncached = client.get(url, headers={"If-None-Match": etag})
    assert uncached.status_code == 304 and rendered(uncached)
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed["ETag"] == etag


def test_exports_carry_an_etag_and_answer_304(client, cert):
    for url in ["/certifications/export.csv", "/certifications/export.json"]:
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_page_cache_can_be_turned_off(client, cert, settings):
    settings.PAGE_CACHE = False
    client.get("/certifications/")
    again = client.get("/certifications/")
    assert rendered(again)
    assert again["Cache-Control"] == "no-cache" and "ETag" in again


def test_a_response_that_sets_a_cookie_is_not_stored():
    from django.http import HttpResponse

    response = HttpResponse("x")
    response.public_page = True
    response.set_cookie("seen", "1")
    assert not pagecache._storable(response)
    private = HttpResponse("x", headers={"Cache-Control": "private"})
    assert not pagecache._storable(private)
    other = HttpResponse("x", headers={"Vary": "Accept-Language"})
    assert not pagecache._storable(other)


# Every change shows on the next request


def test_an_admin_edit_shows_on_the_next_request(client, editor_client, cert):
    url = cert.get_absolute_url()
    assert "$200" in client.get(url).content.decode()
    response = edit(editor_client, cert, cost_amount="275", change_source=SOURCE)
    assert response.status_code == 302
    page = client.get(url)
    assert rendered(page)
    assert "$275" in page.content.decode()
    catalogue = client.get("/certifications/").content.decode()
    assert "$275" in catalogue


def test_a_revert_shows_on_the_next_request(client, editor_client, cert):
    edit(editor_client, cert, cost_amount="275", change_source=SOURCE)
    assert "$275" in client.get("/certifications/").content.decode()
    record = cert.history.first()
    response = editor_client.post(
        f"/admin/catalog/certification/{cert.pk}/history/{record.history_id}/revert/",
        {
            "reason": "Typo",
            "source": SOURCE,
            "version": Certification.objects.get(pk=cert.pk).version,
        },
    )
    assert response.status_code == 302
    assert Certification.objects.get(pk=cert.pk).cost_amount == Decimal("200")
    catalogue = client.get("/certifications/").content.decode()
    assert "$200" in catalogue and "$275" not in catalogue


def _csv(rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("slug", "cost_amount", "cost_currency", "billing"))
    writer.writerows(rows)
    return SimpleUploadedFile("prices.csv", out.getvalue().encode(), content_type="text/csv")


def test_a_csv_price_import_shows_on_the_next_request(client, editor_client, cert):
    url = "/certifications/export.json"
    before = json.loads(client.get(url).content)
    assert before["certifications"][0]["cost_amount"] == "200.00"
    preview = editor_client.post(
        "/admin/catalog/certification/import/",
        {
            "format": "0",
            "resource": "0",
            "source_url": SOURCE,
            "note": "New fees",
            "import_file": _csv([("sample-exam", "310", "USD", "per-attempt")]),
        },
    )
    initial = preview.context["confirm_form"].initial
    confirmed = editor_client.post(
        "/admin/catalog/certification/process_import/",
        initial | {"versions": json.dumps(initial["versions"])},
    )
    assert confirmed.status_code == 302
    after = json.loads(client.get(url).content)
    assert after["certifications"][0]["cost_amount"] == "310.00"


def test_an_accepted_correction_shows_on_the_next_request(client, editor_client, cert):
    url = cert.get_absolute_url()
    assert "$250" not in client.get(url).content.decode()
    suggestion = CorrectionSuggestion.objects.create(
        certification=cert,
        field="cost_amount",
        proposed_value="250",
        source_url=SOURCE,
        address_hash=hash_address("192.0.2.1"),
    )
    response = editor_client.post(
        f"/admin/editorial/correctionsuggestion/{suggestion.pk}/change/",
        {"value": "250", "note": "Checked", "_accept": "1"},
    )
    assert response.status_code == 302
    assert "$250" in client.get(url).content.decode()


def test_the_date_turning_changes_what_is_served(client, db):
    today = timezone.localdate()
    cert = make_certification(retirement_date=today)
    url = cert.get_absolute_url()
    assert "badge--retiring" in client.get(url).content.decode()
    assert not rendered(client.get(url))
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        page = client.get(url)
    assert rendered(page)
    assert "badge--retired" in page.content.decode()


# The catalogue version


def test_every_kind_of_public_change_bumps_the_version(cert):
    steps = [
        lambda: Certification.objects.filter(pk=cert.pk).update(notice="x"),
        lambda: cert.providers.add(Provider.objects.create(name="P", slug="p", kind="cloud")),
        lambda: cert.providers.clear(),
        lambda: Pitfall.objects.create(slug="p1", pitfall="P", why="w", solution="s"),
        lambda: Pitfall.objects.get(slug="p1").certifications.add(cert),
        lambda: Pitfall.objects.filter(slug="p1").delete(),
        lambda: Provider.objects.filter(slug="p").delete(),
        lambda: cert.history.first().delete(),
        lambda: cert.delete(),
    ]
    for step in steps:
        before = catalogue_version.current()
        step()
        assert catalogue_version.current() > before, step


def test_a_rolled_back_change_leaves_the_version_alone(cert):
    before = catalogue_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        cert.notice = "never"
        cert.save()
        raise RuntimeError
    assert catalogue_version.current() == before


def test_seed_and_mark_verified_bump_the_version(db, editor_client):
    from catalog.seed import seed_all

    before = catalogue_version.current()
    seed_all()
    seeded = catalogue_version.current()
    assert seeded > before
    cert = Certification.objects.first()
    editor_client.post(
        "/admin/catalog/certification/",
        {"action": "mark_verified_today", "_selected_action": [cert.pk]},
    )
    assert catalogue_version.current() > seeded


def test_local_memory_reads_the_version_so_another_process_bump_is_seen(client, cert):
    """A worker's local cache cannot be cleared by another; the version read catches it."""
    client.get(cert.get_absolute_url())
    # Another process changed the catalogue: nothing of it ran here.
    CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1)
    assert rendered(client.get(cert.get_absolute_url()))


# Redis


def test_with_redis_a_hit_needs_no_query(client, cert, redis_cache, django_assert_num_queries):
    client.get("/certifications/")
    with django_assert_num_queries(0):
        hit = client.get("/certifications/")
    assert not rendered(hit)


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_committed_edit_shows_on_the_next_request(client, redis_cache):
    cert = make_certification(cost_amount=Decimal("200"))
    editor = client_for(make_editor())
    url = cert.get_absolute_url()
    assert "$200" in client.get(url).content.decode()
    assert not rendered(client.get(url))
    edit(editor, cert, cost_amount="275", change_source=SOURCE)
    assert redis_cache.get(pagecache.VERSION_KEY) == catalogue_version.current()
    assert "$275" in client.get(url).content.decode()


def test_with_redis_the_shared_version_never_moves_back(redis_cache):
    pagecache.version_committed(7)
    pagecache.version_committed(5)  # a commit whose publication arrived late
    assert redis_cache.get(pagecache.VERSION_KEY) == 7
    ttl = redis_cache._cache.get_client().pttl(redis_cache.make_key(pagecache.VERSION_KEY))
    assert 0 < ttl <= pagecache.VERSION_TIMEOUT_MS


def test_with_redis_an_expired_version_is_read_again_from_the_database(
    client, cert, redis_cache, monkeypatch
):
    client.get(cert.get_absolute_url())
    assert redis_cache.get(pagecache.VERSION_KEY) == catalogue_version.current()
    # A bump whose publication was lost (Redis unreachable at commit): once the shared copy
    # and this process's trust expire, the database's number is read again and the stale
    # page is not served.
    CatalogueVersion.objects.filter(pk=1).update(number=F("number") + 1)
    redis_cache.delete(pagecache.VERSION_KEY)
    monkeypatch.setattr(pagecache, "LOCAL_TRUST_SECONDS", 0.0)
    assert rendered(client.get(cert.get_absolute_url()))


def test_redis_down_the_site_keeps_serving_uncached_and_says_so(client, cert, settings, caplog):
    settings.CACHES = {"default": REDIS_DOWN}
    with caplog.at_level(logging.WARNING, logger="certsite.pagecache"):
        first = client.get(cert.get_absolute_url())
        second = client.get(cert.get_absolute_url())
    assert first.status_code == second.status_code == 200
    assert rendered(second)
    assert second["ETag"] == first["ETag"]
    warnings = [r for r in caplog.records if r.name == "certsite.pagecache"]
    assert len(warnings) == 1  # rate-limited: once, not on every request
    assert "uncached" in warnings[0].getMessage()


def test_redis_down_editors_still_sign_in_and_save(cert, settings):
    settings.CACHES = {"default": REDIS_DOWN}
    editor = make_editor()
    client = Client()
    assert client.login(username=editor.username, password="a-long-editor-passphrase")
    response = edit(client, cert, cost_amount="290", change_source=SOURCE)
    assert response.status_code == 302
    assert Certification.objects.get(pk=cert.pk).cost_amount == Decimal("290")


def _raised_elsewhere(cache) -> None:
    """What another process's commit does: bump the row, raise and publish the version."""
    catalogue_version.bump()
    shared = pagecache._Redis.of(cache)
    shared.client.eval(
        pagecache._RAISE_VERSION,
        1,
        shared.version_key,
        catalogue_version.current(),
        pagecache.VERSION_TIMEOUT_MS,
        shared.channel,
    )


def test_with_redis_a_repeated_hit_is_served_from_process_memory(client, cert, redis_cache):
    url = cert.get_absolute_url()
    first = client.get(url)
    with mock.patch.object(pagecache._Redis, "read", side_effect=AssertionError("round trip")):
        again = client.get(url)
    assert not rendered(again) and again.content == first.content


def test_with_redis_another_process_commit_reaches_this_process_memory(client, cert, redis_cache):
    url = cert.get_absolute_url()
    client.get(url)
    assert not rendered(client.get(url))
    Certification.objects.filter(pk=cert.pk).update(cost_amount=Decimal("333"))
    _raised_elsewhere(redis_cache)  # no local.forget() here: only the message can tell
    page = client.get(url)
    assert rendered(page) and "$333" in page.content.decode()


def test_with_redis_process_memory_is_trusted_only_briefly(client, cert, redis_cache, monkeypatch):
    url = cert.get_absolute_url()
    client.get(url)
    monkeypatch.setattr(pagecache, "LOCAL_TRUST_SECONDS", 0.0)
    calls = []
    real_read = pagecache._Redis.read
    monkeypatch.setattr(
        pagecache._Redis, "read", lambda self, key: calls.append(key) or real_read(self, key)
    )
    assert not rendered(client.get(url))
    assert len(calls) == 1  # confirmed with Redis, still a hit


def test_with_redis_a_lost_subscription_never_leaves_a_stale_page(client, cert, redis_cache):
    url = cert.get_absolute_url()
    client.get(url)
    assert not rendered(client.get(url))
    host, port = pagecache.local.subscription.connection._sock.getsockname()[:2]
    admin = redis_cache._cache.get_client(write=True)
    admin.execute_command("CLIENT", "KILL", "ADDR", f"{host}:{port}")
    # Published while this process was not listening: the message is lost to it.
    Certification.objects.filter(pk=cert.pk).update(cost_amount=Decimal("444"))
    _raised_elsewhere(redis_cache)
    page = client.get(url)
    assert page.status_code == 200
    assert "$444" in page.content.decode()


def test_a_version_read_before_another_thread_forgot_is_not_trusted():
    tier = pagecache._LocalTier()
    generation = tier.generation
    tier.forget()  # another thread drained a newer version meanwhile
    tier.confirm(5, generation=generation)
    assert tier.trusted_version() is None
    tier.confirm(5, generation=tier.generation)
    assert tier.trusted_version() == 5
