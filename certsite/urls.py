from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from certsite.health import healthz
from certsite.pagecache import public_page
from editorial.views import admin_login
from pages.sitemaps import SITEMAPS
from pages.views import robots_txt


def favicon(request):
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin).
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/login/", admin_login),  # the admin's own, with ?next= checked
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("advisor/", include("advisor.urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("pages.urls")),
    path("", include("editorial.urls")),
    path("", include("catalog.urls")),
]
