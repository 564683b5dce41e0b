"""Bulk price updates as CSV, through django-import-export.

An editor exports the prices, edits the file, uploads it with the page the new prices
come from, sees a preview of exactly what will change (old → new per row) or what is
wrong with each row, and confirms. Each changed certification is saved one by one, so
its history records the change with the file's source, and the whole file is applied in
one transaction or not at all.

Certifications are matched by slug and never created by an import. The versions seen in
the preview travel with the confirmation: a certification someone saved in between is
refused rather than overwritten with a value the editor never saw.
"""

import tablib
from django import forms
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import CachedInstanceLoader

from catalog.models import Certification, EditConflict
from certsite import csvsafe

from . import facts, uploads
from .diffs import field_changes

PRICE_FIELDS = ["cost_amount", "cost_currency", "billing"]


class SpreadsheetCSV(CSV):
    """CSV as spreadsheets write and read it.

    Export: UTF-8 with a byte-order mark and the charset named (Excel needs the mark to
    read "–"), every cell through csvsafe so no value opens as a formula. Import: UTF-8
    with or without the mark, or Windows-1252 (what Excel saves as plain "CSV"); any
    other file is refused with a message saying what to do (csvsafe.decode).
    """

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def get_read_mode(self):
        return "rb"  # the bytes reach create_dataset, which picks the encoding

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(csvsafe.decode(in_stream), **kwargs)
        if not dataset.headers or not any(dataset.headers):
            raise csvsafe.UnreadableFile(
                "The first row must name the columns: slug, and any of "
                f"{', '.join(PRICE_FIELDS)}. Export the prices to start from."
            )
        return dataset

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for values in dataset:
            safe.append([csvsafe.cell(value) for value in values])
        return csvsafe.BOM + safe.export("csv", **kwargs)


class SlugWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip().lower()


class AmountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return facts.parse_amount(str(value) if value is not None else "")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class CurrencyWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return facts.parse_currency(str(value or ""))


class BillingWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return facts.parse_billing(str(value or ""))


class PriceResource(resources.ModelResource):
    slug = fields.Field(attribute="slug", column_name="slug", widget=SlugWidget())
    name = fields.Field(attribute="name", column_name="name", readonly=True)
    cost_amount = fields.Field(
        attribute="cost_amount", column_name="cost_amount", widget=AmountWidget()
    )
    cost_currency = fields.Field(
        attribute="cost_currency", column_name="cost_currency", widget=CurrencyWidget()
    )
    billing = fields.Field(attribute="billing", column_name="billing", widget=BillingWidget())

    class Meta:
        model = Certification
        name = "Prices"
        fields = ["slug", "name", *PRICE_FIELDS]
        import_id_fields = ["slug"]
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = (
            True  # the preview shows old → new itself (the HTML diff has inline styles)
        )
        store_instance = True
        use_transactions = True

    def __init__(
        self, *, source_url="", note="", expected_versions=None, seen_versions=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.source_url = source_url
        self.note = note
        self.expected_versions = expected_versions  # on confirm: versions the preview saw
        self.seen_versions = seen_versions  # on preview: filled for the confirmation
        self.slugs_seen: set[str] = set()

    def get_queryset(self):
        return Certification.objects.all()

    def get_user_visible_fields(self):
        # What the import page says it imports: the name is exported for reading only.
        return [f for f in super().get_user_visible_fields() if not f.readonly]

    def before_import_row(self, row, **kwargs):
        # Undo the apostrophe our export puts before formula-like cells, so an exported
        # file imports unchanged.
        for key, value in row.items():
            row[key] = csvsafe.restore(value)

    def get_or_init_instance(self, instance_loader, row):
        slug = self.fields["slug"].clean(row)
        if not slug:
            raise ValidationError({"slug": "No slug: every row needs the certification's slug."})
        if slug in self.slugs_seen:
            raise ValidationError(
                {"slug": f"“{slug}” is in the file twice; keep one row per certification."}
            )
        self.slugs_seen.add(slug)
        instance = self.get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {"slug": f"No certification has the slug “{slug}”; imports never add one."}
            )
        return instance, False

    def after_init_instance(self, instance, new, row, **kwargs):
        if self.seen_versions is not None:
            self.seen_versions[instance.slug] = instance.version
        if (
            self.expected_versions is not None
            and self.expected_versions.get(instance.slug) != instance.version
        ):
            raise ValidationError(
                {
                    "slug": "Saved by someone else since your preview: upload the file "
                    "again to see what would change now."
                }
            )

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_source_url = self.source_url
        reason = f"Price update from {kwargs.get('file_name') or 'a CSV file'}"
        instance._change_reason = f"{reason}: {self.note}" if self.note else reason

    def do_instance_save(self, instance, is_create):
        try:
            instance.save()
        except EditConflict:
            raise ValidationError(
                {"slug": "Saved by someone else a moment ago: upload the file again."}
            ) from None

    def after_import_row(self, row, row_result, **kwargs):
        # What the preview lists for the row: each stored value old → new, and the price
        # as visitors will read it.
        row_result.price_changes = []
        if row_result.original is not None and row_result.instance is not None:
            row_result.price_changes = field_changes(
                row_result.original, row_result.instance, only=set(PRICE_FIELDS)
            )
            row_result.shown_before = row_result.original.cost_display
            row_result.shown_after = row_result.instance.cost_display


MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a price row is under 100 bytes; 10,000 rows is 1 MB


class PriceImportForm(ImportForm):
    source_url = forms.URLField(
        label="Source of these prices",
        max_length=500,
        assume_scheme="https",
        help_text="The page the new prices come from: each changed certification's "
        "public history links it.",
    )
    note = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=200,
        help_text="Optional, e.g. “AWS raised exam fees”. Kept in each history entry.",
    )

    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"This file is {file.size / 1024 / 1024:.1f} MB; a price file is at most "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Export the prices to start from."
            )
        return file


class PriceConfirmForm(ConfirmImportForm):
    """The preview's confirmation; every field comes back from the browser, so each is
    checked: the upload must be this editor's own (signed name, see uploads)."""

    import_file_name = forms.CharField(widget=forms.HiddenInput, max_length=500)
    original_file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)
    format = forms.TypedChoiceField(choices=[("0", "CSV")], coerce=int, widget=forms.HiddenInput)
    resource = forms.TypedChoiceField(
        choices=[("0", "Prices")],
        coerce=int,
        required=False,
        empty_value=0,
        widget=forms.HiddenInput,
    )
    source_url = forms.URLField(widget=forms.HiddenInput, max_length=500, assume_scheme="https")
    note = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    versions = forms.JSONField(widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_import_file_name(self):
        try:
            return uploads.unsign(self.cleaned_data["import_file_name"], user=self.user)
        except uploads.BadUpload as error:
            raise ValidationError(str(error)) from None

    def clean_versions(self):
        versions = self.cleaned_data["versions"]
        if not isinstance(versions, dict) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in versions.items()
        ):
            raise ValidationError("The preview's versions are missing; upload the file again.")
        return versions
