from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from editorial.certification_admin import CertificationEditorialMixin
from editorial.conflicts import find_conflict, form_data_with
from editorial.dashboard import STALE_AFTER_DAYS, unverified
from editorial.diffs import SOURCED_FIELDS, label_of

from .lifecycle import Status
from .models import (
    Certification,
    CertifyScenario,
    CommonMistake,
    EditConflict,
    FocusArea,
    IndustryTrend,
    Pitfall,
    PortfolioStep,
    Provider,
    Source,
    TroubleshootingItem,
)

CONFIRMABLE_FIELDS = [
    "name",
    "exam_code",
    "format",
    "difficulty_min",
    "recognition",
    "cost_amount",
    "billing",
    "exam_duration_minutes",
    "question_count",
    "passing_score",
    "validity_months",
    "renewal",
    "prerequisites",
    "languages",
    "retirement_date",
    "replacements",
]


class CertificationAdminForm(forms.ModelForm):
    unconfirmed_fields = forms.MultipleChoiceField(
        choices=[
            (name, Certification._meta.get_field(name).verbose_name.capitalize())
            for name in CONFIRMABLE_FIELDS
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick the values research could not confirm; the site marks them.",
    )
    change_source = forms.URLField(
        label="Source of this change",
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text="The page that shows the new value (kept in the public history). "
        "Required when the price, billing, currency or retirement date changes.",
    )
    change_note = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 80}),
    )
    # The version this form was loaded at: a save from an older version is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Certification
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["loaded_version"].initial = self.instance.version if editing else None
        self.fields["loaded_version"].required = editing

    def clean(self):
        cleaned = super().clean()
        # Browsers submit textarea line breaks as CRLF; storing them would record a
        # spurious change to every multi-line field on each save.
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        if loaded is not None and loaded != self.instance.version:
            self._refuse_stale(loaded, cleaned)
        sourced = [name for name in self.changed_data if name in SOURCED_FIELDS]
        if sourced and not cleaned.get("change_source") and "change_source" not in self.errors:
            changed = ", ".join(label_of(name).lower() for name in sourced)
            self.add_error(
                "change_source",
                f"Give the page that shows the new {changed}: visitors see it in the history.",
            )
        return cleaned

    def _refuse_stale(self, loaded: int, cleaned: dict):
        """Someone saved since this form was loaded: show what, keep everyone's work."""
        conflict = find_conflict(
            self.instance, loaded_version=loaded, submitted=cleaned, field_names=self.fields
        )
        # Shown again, the form holds their new values where this editor changed
        # nothing, and the current version, so saving again is a deliberate choice.
        self.data = form_data_with(
            self, conflict.carried | {"loaded_version": conflict.current_version}
        )
        for name, note in conflict.clashes.items():
            if name in self.fields:
                self.add_error(name, note)
        raise ValidationError(conflict.messages(), code="edit_conflict")


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in Status]

    def queryset(self, request, queryset):
        if self.value() in {s.value for s in Status}:
            return queryset.with_status().filter(status_code=self.value())
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("stale", f"More than {STALE_AFTER_DAYS} days ago (not retired)")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return unverified(queryset)
        return queryset


@admin.register(Certification)
class CertificationAdmin(CertificationEditorialMixin, SimpleHistoryAdmin):
    form = CertificationAdminForm
    list_display = [
        "name",
        "exam_code",
        "provider_list",
        "cost_amount",
        "billing",
        "status_badge",
        "verified_on",
    ]
    list_display_links = ["name"]
    # No list_editable cost: an edit in the list cannot carry the source every price
    # change needs, nor the version check. Prices change in the form, one at a time,
    # or many at once through the CSV import (with a preview and a source).
    list_filter = [
        StatusFilter,
        VerificationFilter,
        "providers",
        "billing",
        "format",
        "confidence",
    ]
    search_fields = ["name", "exam_code", "slug", "providers__name"]
    autocomplete_fields = ["providers", "platform", "focus_areas", "replacements"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["mark_verified_today"]
    history_list_display = ["source"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "providers", "platform", "exam_code", "format"]}),
        ("What it covers", {"fields": ["focus", "summary", "focus_areas", "syllabus"]}),
        (
            "Level and recognition",
            {"fields": ["difficulty_min", "difficulty_max", "recognition", "recognition_note"]},
        ),
        (
            "Cost",
            {
                "fields": [
                    ("cost_amount", "cost_currency"),
                    "billing",
                    "cost_approximate",
                    "typical_months",
                    "cost_note",
                    "free_to_audit",
                ]
            },
        ),
        (
            "Exam facts",
            {
                "fields": [
                    "exam_duration_minutes",
                    "question_count",
                    "passing_score",
                    ("validity_months", "validity_note"),
                    "renewal",
                    "prerequisites",
                    "languages",
                ]
            },
        ),
        (
            "Lifecycle",
            {
                "fields": ["retirement_date", "replacements", "notice"],
                "description": "The status follows the retirement date by itself: “retiring "
                "soon” from 90 days before it, “retired” the day after. Name the successors "
                "and say what changes in the notice; it is shown as a banner.",
            },
        ),
        (
            "Provenance",
            {"fields": ["official_url", "verified_on", "confidence", "unconfirmed_fields"]},
        ),
        ("This change", {"fields": ["change_source", "change_note", "loaded_version"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("providers", queryset=Provider.objects.only("name")))
        )

    @admin.display(description="Provider")
    def provider_list(self, obj):
        return ", ".join(p.name for p in obj.providers.all())

    @admin.display(description="Status")
    def status_badge(self, obj):
        status = obj.status
        if obj.retirement_date and status is not Status.ACTIVE:
            return format_html("{} ({})", status.label, obj.retirement_date.isoformat())
        return status.label

    def save_model(self, request, obj, form, change):
        data = getattr(form, "cleaned_data", {})
        # A new certification's first values come from its official page unless told.
        obj._history_source_url = data.get("change_source") or ("" if change else obj.official_url)
        if data.get("change_note"):
            obj._change_reason = data["change_note"]
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark verified today")
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        count, missed = 0, []
        # Saved one by one (not .update()) so each gets its history entry.
        for cert in queryset:
            cert.verified_on = today
            cert._history_user = request.user
            cert._change_reason = "Marked verified"
            try:
                cert.save()
            except EditConflict:
                missed.append(cert.name)
                continue
            count += 1
        self.message_user(
            request, f"{count} marked verified on {today:%d %b %Y}.", messages.SUCCESS
        )
        if missed:
            self.message_user(
                request,
                f"Not marked, saved by someone else meanwhile: {', '.join(missed)}.",
                messages.WARNING,
            )


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class GuideAdmin(admin.ModelAdmin):
    list_display = ["__str__", "position"]
    list_editable = ["position"]
    search_fields = ["slug"]


@admin.register(Pitfall, PortfolioStep)
class LinkedGuideAdmin(GuideAdmin):
    autocomplete_fields = ["certifications"]


admin.site.register(
    [TroubleshootingItem, CertifyScenario, CommonMistake, IndustryTrend, Source], GuideAdmin
)
admin.site.site_header = "certsite editors"
admin.site.site_title = "certsite editors"
admin.site.index_title = "Catalogue and guide"
