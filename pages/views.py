import datetime as dt

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
LATEST_CHANGES = 5


@public_page
def home(request):
    today = timezone.localdate()
    certifications = list(Certification.objects.for_browsing(today))
    current = [c for c in certifications if c.status_code != "retired"]
    upcoming = sorted((c for c in current if c.retirement_date), key=lambda c: c.retirement_date)
    recently_retired = sorted(
        (
            c
            for c in certifications
            if c.status_code == "retired"
            and c.retirement_date >= today - dt.timedelta(days=RECENT_DAYS)
        ),
        key=lambda c: c.retirement_date,
        reverse=True,
    )
    plotted = [
        chart.Item(
            label=c.name,
            url=c.get_absolute_url(),
            cost=float(c.total_cost),
            recognition=c.recognition,
            detail=f"{c.cost_display}, {c.get_recognition_display()} recognition",
        )
        for c in current
        if c.total_cost is not None and c.recognition
    ]
    context = {
        "current_count": len(current),
        "provider_count": Provider.objects.filter(certifications__isnull=False).distinct().count(),
        "upcoming": upcoming[:6],
        "recently_retired": recently_retired[:6],
        "retiring_window": RETIRING_SOON_DAYS,
        "chart": chart.layout(plotted),
        "unplotted": [c for c in current if c.total_cost is None or not c.recognition],
        "latest_verified": max((c.verified_on for c in certifications), default=None),
        "latest_changes": entries(public_changes()[:LATEST_CHANGES]),
        "nav": "home",
    }
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
        context["certifications"] = Certification.objects.listed()
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
