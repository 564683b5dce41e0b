from urllib.parse import urlencode

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from catalog.models import Certification

from . import changes as change_record
from .dashboard import STALE_AFTER_DAYS
from .dashboard import dashboard as build_dashboard
from .forms import ChangeFilterForm, SuggestionForm
from .models import SUGGESTIONS_PER_HOUR, CorrectionSuggestion, hash_address


def changes(request):
    form = ChangeFilterForm(request.GET or None, providers=change_record.issuing_providers())
    provider = form.chosen_provider()
    page = Paginator(change_record.public_changes(provider=provider), change_record.PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
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
            "unknown_provider": request.GET.get("provider") if form.errors else "",
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
        address = hash_address(request.META.get("REMOTE_ADDR", ""))
        # Counted in the database, so the limit holds across server processes.
        if CorrectionSuggestion.objects.recent_from(address).count() >= SUGGESTIONS_PER_HOUR:
            status = 429
        elif form.is_valid():
            form.save(address_hash=address)
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
