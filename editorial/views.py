import posixpath
from urllib.parse import urlencode, urlsplit

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.csrf import csrf_protect

from catalog.links import page_number, page_params
from catalog.models import Certification
from certsite.pagecache import public_page

from . import changes as change_record
from .dashboard import STALE_AFTER_DAYS
from .dashboard import dashboard as build_dashboard
from .forms import ChangeFilterForm, SuggestionForm
from .models import SUGGESTIONS_PER_HOUR, CorrectionSuggestion, hash_address, lock_sender


@public_page
def changes(request):
    form = ChangeFilterForm(request.GET or None, providers=change_record.issuing_providers())
    provider = form.chosen_provider()
    page = Paginator(change_record.public_changes(provider=provider), change_record.PAGE_SIZE)
    page = page.get_page(page_number(request))
    state = [("provider", provider.slug)] if provider else []
    if page.number > 1:
        state.append(("page", page.number))
    # One more than shown tells whether to link the catalogue's full list.
    shown = change_record.RETIRING_SHOWN
    retiring = list(change_record.retiring_soon(provider=provider)[: shown + 1])
    catalogue = {"status": "retiring"} | ({"provider": provider.slug} if provider else {})
    return render(
        request,
        "editorial/changes.html",
        {
            "form": form,
            "provider": provider,
            # Said back shortened: an answer never grows with what was typed.
            "unknown_provider": Truncator(request.GET.get("provider", "")).chars(40)
            if form.errors
            else "",
            "page_params": page_params(request, state),
            "page": page,
            "entries": change_record.entries(page.object_list),
            "retiring": retiring[:shown],
            "more_retiring_url": f"{reverse('catalog:list')}?{urlencode(catalogue)}"
            if len(retiring) > shown
            else None,
            "nav": "changes",
        },
    )


@csrf_protect
def suggest(request, slug):
    """The one form visitors post: a correction, kept for an editor to check."""
    certification = get_object_or_404(Certification, slug=slug)
    status = 200
    if request.method == "POST":
        form = SuggestionForm(request.POST, certification=certification)
        if form.is_from_a_bot:
            return redirect("editorial:suggest_thanks", slug=slug)  # looks accepted; not kept
        # REMOTE_ADDR is the client's own address, also behind a trusted proxy
        # (certsite/proxy.py).
        address = hash_address(request.META.get("REMOTE_ADDR", ""))
        valid = form.is_valid()
        # Counted in the database, so the limit holds across server processes; the
        # count and the insert happen under one lock per address, so twenty at once
        # store five, not six.
        with transaction.atomic():
            lock_sender(address)
            limited = (
                CorrectionSuggestion.objects.recent_from(address).count() >= SUGGESTIONS_PER_HOUR
            )
            if valid and not limited:
                form.save(address_hash=address)
        if limited:
            status = 429
        elif valid:
            return redirect("editorial:suggest_thanks", slug=slug)
    else:
        fact = request.GET.get("fact")
        form = SuggestionForm(certification=certification, initial={"field": fact})
    return render(
        request,
        "editorial/suggest.html",
        {
            "certification": certification,
            "form": form,
            "rate_limited": status == 429,
            "per_hour": SUGGESTIONS_PER_HOUR,
            "nav": "catalogue",
        },
        status=status,
    )


def suggest_thanks(request, slug):
    certification = get_object_or_404(Certification.objects.only("name", "slug"), slug=slug)
    return render(
        request,
        "editorial/suggest_thanks.html",
        {"certification": certification, "nav": "catalogue"},
    )


@staff_member_required
def dashboard(request):
    return render(
        request,
        "editorial/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": "Editors' dashboard",
            "board": build_dashboard(),
            "stale_after_days": STALE_AFTER_DAYS,
        },
    )


def admin_login(request):
    """The admin's sign-in, with a ``?next=`` kept only if it is a page of this site.

    Django already refuses another host's address but then falls back to a page this
    site does not have; a ``next`` that is foreign, malformed or matches no URL is
    dropped instead, and the admin's index is where the editor lands.
    """
    for name in ("GET", "POST"):
        query = getattr(request, name)
        target = query.get(REDIRECT_FIELD_NAME)
        if target is not None and not _is_our_page(request, target):
            query = query.copy()
            del query[REDIRECT_FIELD_NAME]
            setattr(request, name, query)
    return admin.site.login(request)


def _is_our_page(request, target: str) -> bool:
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return False
    path = urlsplit(target).path
    # As the browser will: "/admin/../x/" is "/x/".
    path = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
    try:
        match = resolve(path)
    except Resolver404:
        return False
    # The admin answers every other /admin/… address with a redirect or a 404.
    return getattr(match.func, "__name__", "") != "catch_all_view"


def login_locked(request, original_response=None, credentials=None):
    """django-axes' answer once an address has failed to sign in too often."""
    cool_off = get_cool_off(request)
    return render(
        request,
        "editorial/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        },
        status=429,
    )
