"""Links that carry the comparison picks (``?c=slug``) from page to page."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ..compare import PICK_PARAM, replaced, toggled
from ..links import page_params
from ..links import picks as _picks

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_pick(context, slug: str) -> str:
    """This page's state with ``slug`` added to or removed from the picks."""
    params = (context.get("page_params") or page_params(context["request"])).copy()
    params.setlist(PICK_PARAM, toggled(_picks(context["request"]), slug))
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def keep_picks(context, url: str) -> str:
    """``url`` with the current picks, so the tray follows the visitor."""
    slugs = _picks(context.get("request"))
    return f"{url}?{urlencode([(PICK_PARAM, s) for s in slugs])}" if slugs else url


@register.simple_tag
def compare_url(slugs, *, diff: bool = False) -> str:
    """The comparison page for ``slugs``."""
    params = [(PICK_PARAM, s) for s in slugs] + ([("diff", "1")] if diff else [])
    query = urlencode(params)
    return f"{reverse('catalog:compare')}?{query}" if query else reverse("catalog:compare")


@register.simple_tag
def compare_without(slugs, slug: str, *, diff: bool = False) -> str:
    return compare_url([s for s in slugs if s != slug], diff=diff)


@register.simple_tag
def compare_swap(slugs, old: str, new: str, *, diff: bool = False) -> str:
    return compare_url(replaced(list(slugs), old, new), diff=diff)


@register.simple_tag
def compare_with(slugs, slug: str, *, diff: bool = False) -> str:
    slugs = list(slugs)
    return compare_url(slugs if slug in slugs else [*slugs, slug], diff=diff)
