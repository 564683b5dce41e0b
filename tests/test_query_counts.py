"""Every page type costs the same number of queries at 24 and at 324 certifications.

The catalogue grows by bulk-created rows (bench.generate: every billing model, retired
and retiring ones with successors, several issuers and focus areas), on top of the seed
(history, guide tables), so each page has something to show of every kind.
"""

import pytest

from bench.generate import generate
from catalog.models import Certification, FocusArea, Provider
from catalog.seed import seed_all
from tests.conftest import bulk_certifications

HTMX = {"HX-Request": "true"}
SKIP = "budget=any&topics=any&provider=any&format=any"
# (path, headers, most queries the view makes): the limits hold at every size, so none
# grows with it. The page cache adds one (it reads the catalogue version; local memory).
VERSION_READ = 1
PAGES = {
    "home": ("/", {}, 12),
    "catalogue": ("/certifications/", {}, 10),
    "catalogue page 3": ("/certifications/?page=3", {}, 10),
    "htmx partial": ("/certifications/?level=beginner", HTMX, 10),
    "filtered": (
        "/certifications/?provider=aws&level=beginner&max_cost=300&min_recognition=low&sort=cost",
        {},
        10,
    ),
    "search": ("/certifications/?q=machine+learning", HTMX, 10),
    "compare of 4": ("/compare/?c={0}&c={1}&c={2}&c={3}", {}, 6),
    "compare picker": ("/compare/?c={0}&add=machine", {}, 8),
    "detail": ("/certifications/{0}/", {}, 8),
    "advisor step": ("/advisor/?experience=no", {}, 4),
    "advisor entry-level": (f"/advisor/result/?experience=no&career_change=yes&{SKIP}", {}, 13),
    "advisor free": (f"/advisor/result/?experience=no&career_change=no&{SKIP}", {}, 13),
    "advisor advanced": (f"/advisor/result/?experience=yes&recognition=yes&{SKIP}", {}, 13),
    "advisor refined": (
        "/advisor/result/?experience=yes&recognition=yes&budget=500&topics=mlops"
        "&provider=aws&format=exam",
        {},
        14,
    ),
    "guide": ("/guide/", {}, 2),
    "guide pitfalls": ("/guide/pitfalls/", {}, 4),
    "guide portfolio": ("/guide/portfolio/", {}, 5),
    "guide sources": ("/guide/sources/", {}, 6),
    "guide sources page 2": ("/guide/sources/?page=2", {}, 6),
    "changes": ("/changes/", {}, 8),
    "changes of a provider": ("/changes/?provider=aws", {}, 9),
    "changes feed": ("/changes/feed/", {}, 5),
    "certification feed": ("/certifications/{0}/feed/", {}, 3),
    "export.json": ("/certifications/export.json", {}, 9),
    "export.csv": ("/certifications/export.csv?provider=aws", {}, 9),
    "sitemap": ("/sitemap.xml", {}, 3),
}


@pytest.mark.parametrize("extra", [0, 300], ids=["seed", "seed+300"])
def test_queries_do_not_grow_with_the_catalogue(client, db, extra, django_assert_max_num_queries):
    # One test per size, all pages in it: the seed and the rows are made once.
    seed_all()
    if extra:
        generate(count=extra)
    slugs = list(Certification.objects.order_by("pk").values_list("slug", flat=True)[:4])
    for page, (path, headers, most) in PAGES.items():
        with django_assert_max_num_queries(most + VERSION_READ, info=page):
            response = client.get(path.format(*slugs), headers=headers)
        assert response.status_code == 200, (page, response.status_code)


SIZE_BOUNDED = ["home", "catalogue", "htmx partial", "advisor entry-level", "changes"]


def test_page_sizes_do_not_grow_with_the_catalogue(client, db):
    """The same pages at 324 and 1,324 certifications weigh about the same."""
    seed_all()
    generate(count=300)
    sizes = {
        page: len(client.get(PAGES[page][0], headers=PAGES[page][1]).content)
        for page in SIZE_BOUNDED
    }
    bulk_certifications(
        1000, providers=list(Provider.objects.all()), focus_areas=list(FocusArea.objects.all())
    )
    for page in SIZE_BOUNDED:
        size = len(client.get(PAGES[page][0], headers=PAGES[page][1]).content)
        assert size < sizes[page] * 1.15, (page, sizes[page], size)
