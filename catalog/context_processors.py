from django.utils.functional import SimpleLazyObject

from .links import page_params, picks
from .models import Certification


def compare_tray(request):
    """The comparison picks named in the URL, fetched only if a template shows them."""

    slugs = picks(request)

    def load():
        if not slugs:
            return []
        found = Certification.objects.only("slug", "name").in_bulk(slugs, field_name="slug")
        return [found[s] for s in slugs if s in found]

    return {
        "compare_picks": SimpleLazyObject(load),
        "compare_pick_slugs": slugs,
        # Views with more state (filters, answers) replace this with their own.
        "page_params": page_params(request),
    }
