import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from . import export
from .filters import CertificationFilter, facets
from .models import Certification, FocusArea, Provider

PAGE_SIZE = 25
# Sent by the type-ahead search box, whose keystrokes replace history rather than push.
HISTORY_HEADER = "X-Certsite-History"


def wants_fragment(request) -> bool:
    # History restores also send HX-Request but need the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _browse(params) -> CertificationFilter:
    return CertificationFilter(
        params,
        Certification.objects.for_browsing(),
        providers=Provider.objects.all(),
        focus_areas=FocusArea.objects.all(),
    )


@vary_on_headers("HX-Request", "HX-History-Restore-Request", HISTORY_HEADER)
def certification_list(request):
    filterset = _browse(request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "facets": facets(filterset, Certification.objects.for_browsing()),
        "nav": "catalogue",
    }
    if not wants_fragment(request):
        return render(request, "catalog/certification_list.html", context)
    response = render(request, "catalog/certification_list.html#results", context)
    # The address bar gets the tidy form of the state, not every empty form field.
    query = filterset.canonical_query(page=page.number)
    history = (
        "HX-Replace-Url" if request.headers.get(HISTORY_HEADER) == "replace" else "HX-Push-Url"
    )
    response[history] = f"{request.path}?{query}" if query else request.path
    return response


def certification_export(request, fmt):
    filterset = _browse(request.GET)
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = [export.row(c, base_url=base_url) for c in filterset.qs]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(export.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        payload = {
            "generated_on": stamp,
            "source": request.build_absolute_uri(),
            "count": len(rows),
            "certifications": rows,
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="certsite-{stamp}.{fmt}"'
    return response


def certification_detail(request, slug):
    certification = get_object_or_404(Certification.objects.listed(), slug=slug)
    return render(
        request,
        "catalog/certification_detail.html",
        {
            "certification": certification,
            "history": certification.public_history(),
            "nav": "catalogue",
        },
    )
