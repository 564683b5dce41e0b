import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.test import override_settings

from catalog.models import Certification, FocusArea, Level, Provider
from catalog.seed import seed_all

_counter = itertools.count(1)


def make_provider(**overrides) -> Provider:
    n = next(_counter)
    values = {"name": f"Provider {n}", "slug": f"provider-{n}", "kind": Provider.Kind.CLOUD}
    return Provider.objects.create(**(values | overrides))


def make_focus_area(**overrides) -> FocusArea:
    n = next(_counter)
    return FocusArea.objects.create(**({"name": f"Focus {n}", "slug": f"focus-{n}"} | overrides))


def make_certification(*, providers=None, focus_areas=None, replacements=None, **overrides):
    n = next(_counter)
    values = {
        "name": f"Certification {n}",
        "slug": f"certification-{n}",
        "format": "exam",
        "difficulty_min": Level.INTERMEDIATE,
        "difficulty_max": Level.INTERMEDIATE,
        "cost_amount": Decimal("200"),
        "billing": "per-attempt",
        "official_url": f"https://example.com/cert-{n}",
        "verified_on": dt.date(2026, 11, 28),
    }
    cert = Certification.objects.create(**(values | overrides))
    cert.providers.set(providers if providers is not None else [make_provider()])
    if focus_areas:
        cert.focus_areas.set(focus_areas)
    if replacements:
        cert.replacements.set(replacements)
    return cert


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Sign-ins and new accounts in tests need no slow key stretching (PBKDF2 is the
    real thing and is what production uses)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Price uploads of each test in a directory of its own, never the checkout's var/."""
    directory = tmp_path / "imports"
    settings.STORAGES = settings.STORAGES | {
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": directory},
        }
    }
    return directory


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    """Each test starts with an empty page cache in local memory, even if REDIS_URL is set
    (clearing a shared Redis would empty it for everyone); Redis tests opt in themselves."""
    from django.core.cache import cache

    from certsite import pagecache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()
    pagecache.outage.reset()
    pagecache.local.reset()
    yield
    pagecache.outage.reset()
    pagecache.local.reset()


@pytest.fixture
def seeded(db):
    return seed_all()


def bulk_certifications(count: int, *, providers=None, focus_areas=None) -> None:
    """Many certifications fast (for query-count and size tests)."""
    providers = providers or [make_provider() for _ in range(3)]
    focus_areas = focus_areas or [make_focus_area() for _ in range(3)]
    start = next(_counter)
    for _ in range(count):  # keep slugs unique across calls
        next(_counter)
    certs = Certification.objects.bulk_create(
        Certification(
            name=f"Bulk certification {start + i}",
            slug=f"bulk-{start + i}",
            format="exam",
            difficulty_min=1 + i % 3,
            difficulty_max=1 + i % 3,
            cost_amount=None if i % 7 == 0 else Decimal(50 + i % 400),
            billing="per-month" if i % 5 == 0 else "per-attempt",
            recognition=1 + i % 5,
            official_url=f"https://example.com/bulk-{start + i}",
            verified_on=dt.date(2026, 11, 28),
        )
        for i in range(count)
    )
    Issued = Certification.providers.through
    Tagged = Certification.focus_areas.through
    Issued.objects.bulk_create(
        Issued(certification=c, provider=providers[i % len(providers)]) for i, c in enumerate(certs)
    )
    Tagged.objects.bulk_create(
        Tagged(certification=c, focusarea=focus_areas[i % len(focus_areas)])
        for i, c in enumerate(certs)
    )
