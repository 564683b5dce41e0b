from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Certification

from .guide import GUIDE_PAGES


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["pages:home", "catalog:list", "advisor:step", "pages:guide"] + [
            f"guide:{slug}" for slug in GUIDE_PAGES
        ]

    def location(self, item):
        if item.startswith("guide:"):
            return reverse("pages:guide_page", args=[item.removeprefix("guide:")])
        return reverse(item)


class CertificationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Certification.objects.only("slug", "verified_on").order_by("slug")

    def lastmod(self, obj):
        return obj.verified_on


SITEMAPS = {"pages": StaticSitemap, "certifications": CertificationSitemap}
