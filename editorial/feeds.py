"""Atom feeds: every announced change on the site, and each certification's history."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from catalog.models import Certification

from . import changes as change_record
from .forms import ChangeFilterForm


class AllChangesFeed(Feed):
    """The "What changed" page as a feed, optionally for one provider (?provider=aws)."""

    feed_type = Atom1Feed
    description_template = "editorial/feed_item.html"

    def get_object(self, request):
        form = ChangeFilterForm(request.GET or None, providers=change_record.issuing_providers())
        return form.chosen_provider()

    def title(self, provider):
        return f"certsite: what changed{f' at {provider.name}' if provider else ''}"

    def subtitle(self, provider):
        return (
            "Price changes, retirements and new AI and ML certifications, newest first, "
            "each with its source."
        )

    def link(self, provider):
        url = reverse("editorial:changes")
        return f"{url}?provider={provider.slug}" if provider else url

    def items(self, provider):
        records = change_record.public_changes(provider=provider)[: change_record.FEED_SIZE]
        return change_record.entries(records)

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.certification.get_absolute_url()

    def item_guid(self, entry):
        return f"{self.item_link(entry)}#change-{entry.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.date

    def item_updateddate(self, entry):
        return entry.date


class CertificationFeed(Feed):
    """One certification's whole public history, as its page lists it."""

    feed_type = Atom1Feed
    description_template = "editorial/feed_history_item.html"

    def get_object(self, request, slug):
        return get_object_or_404(Certification.objects.only("name", "slug"), slug=slug)

    def title(self, certification):
        return f"certsite: changes to {certification.name}"

    def subtitle(self, certification):
        return f"Prices, exam facts and status of {certification.name}, with sources."

    def link(self, certification):
        return certification.get_absolute_url()

    def items(self, certification):
        history = certification.public_history()
        # Numbered from the oldest, so an entry keeps its id as newer ones arrive.
        return [(len(history) - i, entry, certification) for i, entry in enumerate(history)][
            : change_record.FEED_SIZE
        ]

    def item_title(self, item):
        number, entry, certification = item
        if entry.first:
            return f"First recorded: {certification.name}"
        labels = ", ".join(c.label.lower() for c in entry.changes) or "notes"
        return f"{certification.name}: {labels} changed"

    def item_link(self, item):
        return item[2].get_absolute_url()

    def item_guid(self, item):
        number, entry, certification = item
        return f"{certification.get_absolute_url()}#history-{number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[1].date

    def item_updateddate(self, item):
        return item[1].date

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"entry": kwargs["item"][1]}
