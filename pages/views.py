import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog.lifecycle import RETIRING_SOON_DAYS
from catalog.models import (
    Certification,
    CertifyScenario,
    CommonMistake,
    IndustryTrend,
    Pitfall,
    PortfolioStep,
    Provider,
    Source,
    TroubleshootingItem,
)
from certsite.pagecache import public_page
from editorial.changes import entries, public_changes

from . import chart
from .guide import GUIDE_PAGES

RECENT_DAYS = 365
SOURCES_PAGE_SIZE = 50
LATEST_CHANGES = 5


# Unplotted certifications are named up to this many, then counted.
MAX_UNPLOTTED_NAMES = 12


def _cell_url(band: int, recognition: int) -> str:
    """The catalogue showing exactly one cell of the chart (current statuses are its default)."""
    over, upper = chart.band_bounds(band)
    params = {"recognition": chart.RECOGNITION_SLUGS[recognition], "unknown_cost": "exclude"}
    if over is not None:
        params["cost_over"] = over
    if upper is not None:
        params["max_cost"] = upper
    return f"{reverse('catalog:list')}?{urlencode(params)}"


@public_page
def home(request):
    """Counts and picks in SQL: the page costs the same at 24 or 100,000 certifications."""
    today = timezone.localdate()
    certifications = Certification.objects.all()
    groups = certifications.current_by_cost_and_recognition(
        [upper for upper, _ in chart.BANDS], today
    )
    cells = {key: n for key, n in groups.items() if None not in key}
    current_count, plottable_count = sum(groups.values()), sum(cells.values())
    current = certifications.not_retired(today).with_costs()
    context = {
        "current_count": current_count,
        "provider_count": Provider.objects.issuing().count(),
        "upcoming": certifications.retiring_next(today)[:6],
        "recently_retired": certifications.retired_since(
            today - dt.timedelta(days=RECENT_DAYS), today
        ).prefetch_related("replacements")[:6],
        "retiring_window": RETIRING_SOON_DAYS,
        "unplotted_count": current_count - plottable_count,
        "latest_verified": certifications.latest_verified(),
        "latest_changes": entries(public_changes()[:LATEST_CHANGES]),
        "nav": "home",
    }
    if plottable_count <= chart.MAX_POINTS:
        plottable = current.filter(total_cost__isnull=False, recognition__isnull=False)
        context["chart"] = chart.layout(
            [
                chart.Item(
                    label=c.name,
                    url=c.get_absolute_url(),
                    cost=float(c.total_cost),
                    recognition=c.recognition,
                    detail=f"{c.cost_display}, {c.get_recognition_display()} recognition",
                )
                for c in plottable.order_by("name")[: chart.MAX_POINTS]
            ]
        )
    else:
        context["grid"] = chart.grid_layout(cells, _cell_url)
    if context["unplotted_count"] <= MAX_UNPLOTTED_NAMES:
        context["unplotted"] = current.filter(
            Q(total_cost__isnull=True) | Q(recognition__isnull=True)
        ).order_by("name")
    return render(request, "pages/home.html", context)


@public_page
def guide_index(request):
    return render(
        request, "pages/guide_index.html", {"pages": GUIDE_PAGES.values(), "nav": "guide"}
    )


@public_page
def guide_page(request, slug):
    page = GUIDE_PAGES.get(slug)
    if page is None:
        raise Http404("No such guide page")
    context = {"page": page, "pages": GUIDE_PAGES.values(), "nav": "guide"}
    if slug == "when-to-certify":
        context["scenarios"] = CertifyScenario.objects.all()
    elif slug == "pitfalls":
        context["pitfalls"] = Pitfall.objects.prefetch_related("certifications")
    elif slug == "mistakes":
        context["mistakes"] = CommonMistake.objects.all()
    elif slug == "troubleshooting":
        context["items"] = TroubleshootingItem.objects.all()
    elif slug == "portfolio":
        context["steps"] = PortfolioStep.objects.prefetch_related("certifications")
        context["trends"] = IndustryTrend.objects.all()
    elif slug == "sources":
        context["sources"] = Source.objects.all()
        # Paged, so the page keeps its size however large the catalogue grows.
        certifications = Certification.objects.only(
            "name", "slug", "official_url", "verified_on", "confidence"
        ).order_by("name")
        context["certifications"] = Paginator(certifications, SOURCES_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, f"pages/guide_{slug.replace('-', '_')}.html", context)


@public_page
@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compare/suggest/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
