"""A page's state as query parameters: the known ones, validated, never the raw query string.

Links that keep the state (pagination, downloads, comparison picks) and the page's
``og:url`` are built from these parameters, so no answer repeats what a visitor typed
into the address bar: an unknown key or an over-long value is simply not there.
"""

from django.http import QueryDict

from .compare import PICK_PARAM, parse_picks


def picks(request) -> list[str]:
    # Error pages may render without a request.
    return parse_picks(request.GET.getlist(PICK_PARAM)).slugs if request else []


def page_params(request, pairs=()) -> QueryDict:
    """``pairs`` (already validated by the view) plus the comparison picks."""
    params = QueryDict(mutable=True)
    for key, value in pairs:
        params.appendlist(key, str(value))
    slugs = picks(request)
    if slugs and PICK_PARAM not in params:
        params.setlist(PICK_PARAM, slugs)
    params._mutable = False
    return params


def page_number(request) -> str:
    """The ``page`` asked for; one too long to be a real page number means the first.

    (Paginator.get_page already sends a number past the end to the last page.)
    """
    value = request.GET.get("page", "")
    return value if len(value) <= 6 else "1"


def offset(request, *, most: int) -> int:
    """The ``offset`` asked for, from 0 to ``most``; one we cannot read means the start."""
    value = request.GET.get("offset", "")
    if len(value) > 9:
        return 0
    try:
        return max(0, min(int(value), most))
    except ValueError:
        return 0
