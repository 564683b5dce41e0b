import gzip
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import get_template

from catalog.seed import seed_all
from pages.chart import Item, layout, nice_ceiling
from pages.guide import GUIDE_PAGES
from tests.conftest import bulk_certifications

PAGES = [
    "/",
    "/certifications/",
    "/certifications/gcp-professional-ml-engineer/",
    "/compare/?c=aws-ai-practitioner&c=gcp-generative-ai-leader",
    "/advisor/",
    "/advisor/result/?experience=no&career_change=yes&budget=any&topics=any&provider=any&format=any",
    "/guide/",
    *[f"/guide/{slug}/" for slug in GUIDE_PAGES],
]


@pytest.fixture
def seeded(db):
    seed_all()


def head(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    assert match, pattern
    return match.group(1)


def test_every_page_has_its_own_title_description_and_canonical(client, seeded):
    titles, descriptions = set(), set()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        title = head(html, r"<title>([^<]+)</title>")
        description = head(html, r'<meta name="description" content="([^"]+)">')
        assert head(html, r'<meta property="og:title" content="([^"]+)">')
        assert '<link rel="canonical" href="http://testserver/' in html
        assert 'name="twitter:card"' in html
        titles.add(title)
        descriptions.add(description)
    assert len(titles) == len(PAGES)
    assert len(descriptions) == len(PAGES)


def test_home_shows_ways_in_retirements_and_a_linked_chart(client, seeded):
    html = client.get("/").content.decode()
    for link in ['href="/certifications/"', 'href="/compare/"', 'href="/advisor/"']:
        assert link in html
    assert "Retired in the last year" in html
    assert "Microsoft Certified: Azure AI Engineer Associate" in html
    assert html.count('class="scatter__link"') >= 12
    assert (
        'aria-label="AWS Certified AI Practitioner: $100 per attempt, Medium recognition"' in html
    )
    assert "Show the same data as a table" in html


def test_home_query_count_is_constant(client, seeded, django_assert_max_num_queries):
    bulk_certifications(300)
    with django_assert_max_num_queries(10 + 1):  # + the page cache's version read
        client.get("/")


def test_large_catalogue_chart_counts_cells_that_link_the_same_list(client, seeded):
    # bulk_certifications: recognition 1 + i % 5, $50 + i % 400 per attempt (or per month).
    bulk_certifications(300)
    response = client.get("/")
    html = response.content.decode()
    grid = response.context["grid"]
    assert "chart" not in response.context and 'class="scatter__dot"' not in html
    assert len(grid.cells) <= 40 and grid.total == sum(c.count for c in grid.cells)
    cell = max(grid.cells, key=lambda c: c.count)
    assert f'href="{cell.url}"'.replace("&", "&amp;") in html
    assert f'aria-label="{cell.label}"' in html
    listed = client.get(cell.url).context["page"].paginator.count
    assert listed == cell.count
    # Unplotted ones are counted, not named, once there are many.
    assert "current certifications are not plotted" in html
    assert "Show the same data as a table" in html


def test_home_page_size_does_not_grow_with_the_catalogue(client, seeded):
    # Past a few hundred rows every cell the data can fill is there; only counts change.
    bulk_certifications(1000)
    before = len(client.get("/").content)
    bulk_certifications(2000)
    assert abs(len(client.get("/").content) - before) < 200


def test_guide_pages_link_the_certifications_they_concern(client, seeded):
    html = client.get("/guide/pitfalls/").content.decode()
    assert "Overpaying for generic courses" in html
    assert 'href="/certifications/udacity-ai-engineer-nanodegree/"' in html
    html = client.get("/guide/portfolio/").content.decode()
    assert "Step 1: Choose a dataset" in html
    assert 'href="/certifications/gcp-professional-ml-engineer/"' in html
    assert "Where the field is heading" in html


def test_sources_page_lists_footnotes_and_official_pages(client, seeded):
    html = client.get("/guide/sources/").content.decode()
    assert "World Economic Forum" in html
    assert "https://cloud.google.com/learn/certification/machine-learning-engineer" in html


def test_unknown_guide_page_is_a_designed_404(client, seeded):
    response = client.get("/guide/nothing-here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html and 'href="/"' in html


def test_500_page_renders_without_a_request():
    html = get_template("500.html").render({})
    assert "Something went wrong" in html and 'href="/"' in html


def test_sitemap_lists_pages_certifications_and_guide(client, seeded):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
    paths = {u.removeprefix("http://testserver") for u in urls}
    assert {"/", "/certifications/", "/advisor/", "/guide/"} <= paths
    assert {f"/guide/{slug}/" for slug in GUIDE_PAGES} <= paths
    assert "/certifications/aws-ml-specialty/" in paths
    assert len([p for p in paths if p.startswith("/certifications/") and p.count("/") == 3]) == 24


def test_robots_points_to_the_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_certification_page_has_json_ld(client, seeded):
    html = client.get("/certifications/gcp-professional-ml-engineer/").content.decode()
    raw = head(html, r'<script type="application/ld\+json">(.+?)</script>')
    data = json.loads(raw)
    assert data["@type"] == "EducationalOccupationalCredential"
    assert data["name"] == "Google Cloud Certified – Professional Machine Learning Engineer"
    assert data["offers"]["price"] == "200.00" and data["offers"]["priceCurrency"] == "USD"
    assert data["recognizedBy"][0]["name"] == "Google Cloud"
    assert data["validFor"] == "P24M"


def test_json_ld_cannot_break_out_of_its_script(client, db):
    from tests.conftest import make_certification

    cert = make_certification(name="</script><script>alert(1)</script>")
    html = client.get(cert.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


def _static_bytes(path: str) -> bytes:
    with open(finders.find(path), "rb") as stream:
        return stream.read()


@pytest.mark.parametrize("url", PAGES)
def test_first_load_is_under_50_kb_compressed(client, seeded, url):
    html = client.get(url).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html)) + sum(
        len(gzip.compress(_static_bytes(a.decode()))) for a in assets
    )
    assert total < 50 * 1024, (url, total)


def test_nice_ceiling_and_overlapping_points_fan_out():
    assert [nice_ceiling(v) for v in (7, 99, 101, 301, 2600)] == [8, 100, 150, 400, 3000]
    chart = layout([Item("A", "/a", 200, 3, ""), Item("B", "/b", 200, 3, "")])
    xs = sorted(p.x for p in chart.points)
    assert xs[1] - xs[0] >= 14 and chart.points[0].y == chart.points[1].y
