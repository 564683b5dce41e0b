"""Request clean-up that every view, ours or a library's, relies on."""

from django.http import QueryDict


class DropNulFromQueryMiddleware:
    """Removes NUL characters from query parameters before any view reads them.

    PostgreSQL text cannot hold NUL, so a ``%00`` that reaches a query raises a
    DataError (a 500). Our own views pass every free-text parameter through a form that
    drops control characters; this covers the views we do not write (the admin's search
    and autocomplete, django-axes' admin, import-export's filters), where a NUL can never
    be meant either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
