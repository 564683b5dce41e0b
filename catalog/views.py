import json

from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from certsite import pagecache
from certsite.htmx import wants_fragment
from certsite.pagecache import public_page

from . import compare, export, links, structured
from .filters import CertificationFilter, CountedPaginator, facet_counts, search
from .forms import PickerForm
from .models import Certification, FocusArea, Provider
from .templatetags.compare_tags import compare_url

PAGE_SIZE = 25
# Sent by the type-ahead search box, whose keystrokes replace history rather than push.
HISTORY_HEADER = "X-Certsite-History"


def _browse(params) -> CertificationFilter:
    return CertificationFilter(
        params,
        Certification.objects.for_browsing(),
        providers=Provider.objects.all(),
        focus_areas=FocusArea.objects.all(),
    )


def _facet_counts(request, filterset: CertificationFilter):
    """Facet counts and the result count, shared by every page, sort and pick of a filter
    state: paging, re-sorting and "+ Compare" swaps reuse them instead of counting the
    catalogue again."""
    state = QueryDict(filterset.canonical_query(), mutable=True)
    state.pop("sort", None)
    return pagecache.memoized(
        request,
        f"facets:{state.urlencode()}",
        lambda: facet_counts(filterset, Certification.objects.for_browsing()),
    )


@public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request", HISTORY_HEADER)
def certification_list(request):
    filterset = _browse(request.GET)
    options, total = _facet_counts(request, filterset)
    page = CountedPaginator(filterset.qs, PAGE_SIZE, count=total).get_page(
        links.page_number(request)
    )
    # The tidy form of the state, not every empty form field: links and the address bar.
    query = filterset.canonical_query(
        page=page.number, extra={compare.PICK_PARAM: links.picks(request)}
    )
    context = {
        "filter": filterset,
        "page": page,
        "page_params": QueryDict(query),
        "facets": options,
        "nav": "catalogue",
        "swap_target": "#results",
    }
    if not wants_fragment(request):
        return render(request, "catalog/certification_list.html", context)
    response = render(request, "catalog/certification_list.html#results", context)
    history = (
        "HX-Replace-Url" if request.headers.get(HISTORY_HEADER) == "replace" else "HX-Push-Url"
    )
    response[history] = f"{request.path}?{query}" if query else request.path
    return response


def _export_url(request, filterset, offset: int) -> str:
    """This export's address from the validated filters: never the raw query string."""
    params = QueryDict(filterset.canonical_query(), mutable=True)
    if offset:
        params["offset"] = str(offset)
    query = params.urlencode()
    return request.build_absolute_uri(f"{request.path}?{query}" if query else request.path)


@public_page
def certification_export(request, fmt):
    """Up to ``export.LIMIT`` matching rows from ``?offset=``; the next part is linked
    (JSON ``next``, and a ``Link: rel="next"`` header for both), so a response never
    grows with the catalogue."""
    filterset = _browse(request.GET)
    offset = links.offset(request, most=export.MAX_OFFSET)
    matching = filterset.qs
    total = matching.order_by().count()
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = [export.row(c, base_url=base_url) for c in matching[offset : offset + export.LIMIT]]
    following = None
    if offset + len(rows) < total:
        following = _export_url(request, filterset, offset + export.LIMIT)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(export.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        payload = {
            "generated_on": stamp,
            # The state these rows answer, tidied: never the raw query string.
            "source": _export_url(request, filterset, offset),
            "count": total,
            "offset": offset,
            "limit": export.LIMIT,
            "next": following,
            "certifications": rows,
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    if following:
        response["Link"] = f'<{following}>; rel="next"'
    suffix = f"-from-{offset + 1}" if offset else ""
    response["Content-Disposition"] = f'attachment; filename="certsite-{stamp}{suffix}.{fmt}"'
    return response


@public_page
def certification_detail(request, slug):
    certification = get_object_or_404(Certification.objects.listed(), slug=slug)
    base_url = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "catalog/certification_detail.html",
        {
            "certification": certification,
            "history": certification.public_history(),
            "json_ld": structured.as_script_data(
                structured.credential(certification, base_url=base_url)
            ),
            "nav": "catalogue",
        },
    )


MAX_SUGGESTIONS = 8


def _compare_context(request) -> dict:
    picks = compare.parse_picks(request.GET.getlist(compare.PICK_PARAM))
    found = Certification.objects.listed().in_bulk(picks.slugs, field_name="slug")
    certifications = [found[s] for s in picks.slugs if s in found]
    notices = []
    missing = [s for s in picks.slugs if s not in found] + picks.dropped_invalid
    if missing:
        names = ", ".join(f"“{s}”" for s in missing)
        notices.append(f"No certification is called {names}; it was left out.")
    if picks.dropped_repeats:
        notices.append("A certification was picked twice; it is shown once.")
    if picks.dropped_over_limit:
        notices.append(
            f"Up to {compare.MAX_PICKS} certifications fit side by side: the first "
            f"{compare.MAX_PICKS} are shown and {len(picks.dropped_over_limit)} more were left out."
        )
    rows = compare.build_rows(certifications)
    only_differences = request.GET.get("diff") == "1" and len(certifications) > 1
    return {
        "certifications": certifications,
        "slugs": [c.slug for c in certifications],
        "rows": [r for r in rows if r.differs] if only_differences else rows,
        "hidden_rows": sum(1 for r in rows if not r.differs) if only_differences else 0,
        "only_differences": only_differences,
        "notices": notices,
        "full": len(certifications) >= compare.MAX_PICKS,
        "page_params": links.page_params(request, [("diff", "1")] if only_differences else []),
    }


def _suggestions(query: str, *, exclude: list[str]):
    if not query.strip():
        return []
    matches = search(Certification.objects.all(), "q", query).exclude(slug__in=exclude)
    return list(matches.with_status().order_by("name")[:MAX_SUGGESTIONS])


@public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def compare_view(request):
    context = _compare_context(request)
    query = PickerForm(request.GET).query()
    if query:
        # The picker without JavaScript: one match is added at once, several are offered.
        suggestions = _suggestions(query, exclude=context["slugs"])
        if len(suggestions) == 1 and not context["full"]:
            slugs = [*context["slugs"], suggestions[0].slug]
            return redirect(compare_url(slugs, diff=context["only_differences"]))
        context |= {"add_query": query, "suggestions": suggestions}
    context["nav"] = "compare"
    if wants_fragment(request):
        return render(request, "catalog/compare.html#comparison", context)
    return render(request, "catalog/compare.html", context)


@public_page
def compare_suggest(request):
    """Search-as-you-type results for the picker: links that add a certification."""
    slugs = compare.parse_picks(request.GET.getlist(compare.PICK_PARAM)).slugs
    query = PickerForm(request.GET).query()
    context = {
        "suggestions": _suggestions(query, exclude=slugs),
        "slugs": slugs,
        "add_query": query,
        "only_differences": request.GET.get("diff") == "1",
        "full": len(slugs) >= compare.MAX_PICKS,
    }
    return render(request, "catalog/compare.html#suggestions", context)
