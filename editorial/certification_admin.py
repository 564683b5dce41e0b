"""The editors' workflow on the certification admin: CSV prices, revert, no lost edits.

catalog.admin.CertificationAdmin mixes this in; the form side of "no lost edits" (the
version the editor loaded, the conflict message) lives in its CertificationAdminForm.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin

from catalog.models import EditConflict
from certsite.csvsafe import UnreadableFile

from . import uploads
from .prices import PriceConfirmForm, PriceImportForm, PriceResource, SpreadsheetCSV
from .revert import apply_revert, plan_revert


class RevertForm(forms.Form):
    reason = forms.CharField(label="Reason (kept in the history)", max_length=300)
    source = forms.URLField(
        label="Source",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The page that shows the restored value is right.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, needs_source: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = needs_source
        if needs_source:
            self.fields["source"].help_text += " Required: this restores a price or a date."


class CertificationEditorialMixin(ImportExportMixin):
    # CSV prices (django-import-export)
    resource_classes = [PriceResource]
    import_formats = [SpreadsheetCSV]
    export_formats = [SpreadsheetCSV]
    import_form_class = PriceImportForm
    confirm_form_class = PriceConfirmForm
    # Uploads wait for confirmation in our own storage, never the shared temp directory.
    tmp_storage_class = uploads.PriceUploadStorage
    import_template_name = "admin/catalog/certification/import.html"
    # One format and no field choice: "Export" downloads the (filtered) list at once,
    # and the export form page, which needs inline script, is never shown.
    skip_export_form = True
    # History: our list adds a Revert link per change.
    object_history_list_template = "admin/catalog/certification/history_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    # No lost edits ---------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Another save landed between this form's version check and its own save
            # (the transaction has rolled back). Run again: the form's check now sees
            # that save and shows what changed, with the editor's input kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def revert_disabled(self, request, obj=None):
        # simple_history's own revert saves a whole old snapshot over later changes;
        # editors revert one change at a time instead (revert_view).
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple_history does, less the version number every save bumps.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=["version"],
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    # Revert one change -------------------------------------------------------------

    def revert_view(self, request, object_id, history_id):
        certification = self.get_object(request, unquote(object_id))
        if certification is None:
            raise Http404("No such certification")
        if not self.has_change_permission(request, certification):
            raise PermissionDenied
        record = get_object_or_404(
            certification.history.select_related("history_user"), history_id=history_id
        )
        plan = plan_revert(certification, record)
        initial = {
            "reason": plan.default_reason,
            "source": plan.default_source,
            "version": certification.version,
        }
        form = RevertForm(request.POST or None, initial=initial, needs_source=plan.needs_source)
        if request.method == "POST" and plan.possible and form.is_valid():
            if form.cleaned_data["version"] != certification.version:
                form = self._refreshed(request, certification, plan)
            else:
                try:
                    with transaction.atomic():
                        apply_revert(
                            certification,
                            plan,
                            editor=request.user,
                            reason=form.cleaned_data["reason"],
                            source=form.cleaned_data["source"],
                        )
                except ValidationError as error:
                    form.add_error(None, error)
                except EditConflict:
                    certification.refresh_from_db()
                    plan = plan_revert(certification, record)
                    form = self._refreshed(request, certification, plan)
                else:
                    self.log_change(request, certification, form.cleaned_data["reason"])
                    restored = "; ".join(str(c) for c in plan.restore)
                    messages.success(request, f"Reverted: {restored}.")
                    return redirect(
                        reverse(
                            f"{self.admin_site.name}:{self.opts.app_label}_"
                            f"{self.opts.model_name}_history",
                            args=[certification.pk],
                        )
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revert a change to {certification}",
            "opts": self.opts,
            "original": certification,
            "record": record,
            "plan": plan,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalog/certification/revert.html", context)

    @staticmethod
    def _refreshed(request, certification, plan) -> RevertForm:
        data = request.POST.copy()
        data["version"] = str(certification.version)
        form = RevertForm(data, needs_source=plan.needs_source)
        form.is_valid()
        form.add_error(
            None,
            "Someone saved this certification after you opened this page. What the revert "
            "would do now is shown below: check it, then revert again.",
        )
        return form

    # CSV prices --------------------------------------------------------------------

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.seen_versions = {}  # filled by the preview, sent on with the confirmation
        return form

    def export_action(self, request):
        # The export reads the changelist's filters from the query string: an unknown
        # or malformed one is explained, as the changelist itself does, not a 500.
        if any("\x00" in key or "\x00" in value for key, value in _items(request.GET)):
            return self._back_to_list(request)
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            return self._back_to_list(request)

    def _back_to_list(self, request):
        messages.error(
            request,
            "Nothing was exported: the address had filters this list does not have. "
            "Choose the filters in the list, then export again.",
        )
        return redirect(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                "This file could not be read as CSV. Save it from your spreadsheet as "
                "“CSV UTF-8 (comma delimited)” and upload it again.",
            )

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: applies the upload the preview showed, if it is this editor's."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            if "import_file_name" in form.errors:
                return self._import_again(request, form.errors["import_file_name"][0])
            return self._import_again(
                request, "The confirmation was incomplete or changed: upload the file again."
            )
        storage = uploads.PriceUploadStorage(name=form.cleaned_data["import_file_name"])
        try:
            dataset = SpreadsheetCSV().create_dataset(storage.read())
        except uploads.BadUpload as error:
            return self._import_again(request, str(error))
        except Exception:
            # The preview read this very file; only a damaged upload gets here.
            storage.remove()
            return self._import_again(request, "The uploaded file could not be read again.")
        result = self.process_dataset(dataset, form, request, **kwargs)
        storage.remove()
        return self.process_result(result, request)

    def _import_again(self, request, message):
        messages.error(request, f"Nothing was imported. {message}")
        return redirect(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import"
        )

    def get_confirm_form_kwargs(self, request, import_form=None):
        return super().get_confirm_form_kwargs(request, import_form) | {"user": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        return {
            "source_url": data.get("source_url", ""),
            "note": data.get("note", ""),
            "expected_versions": data.get("versions"),
            "seen_versions": getattr(form, "seen_versions", None),
        }

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A file applies whole or not at all: one bad row rolls every row back.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial |= {
                "import_file_name": uploads.sign(initial["import_file_name"], user=request.user),
                "source_url": import_form.cleaned_data["source_url"],
                "note": import_form.cleaned_data["note"],
                "versions": import_form.seen_versions,
            }
        return initial

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "Nothing was imported: fix the rows below and upload again.")
            resources = self.get_import_resource_classes(request)
            context = {
                **self.admin_site.each_context(request),
                "title": "Import",
                "form": self.get_import_form_class(request)(self.get_import_formats(), resources),
                "opts": self.opts,
                "result": result,
                "fields_list": [
                    (r.get_display_name(), [f.column_name for f in r().get_user_visible_fields()])
                    for r in resources
                ],
                "import_error_display": self.import_error_display,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        changed = result.totals["update"]
        unchanged = result.totals["skip"]
        messages.success(
            request,
            f"Prices imported: {changed} certification{'s' * (changed != 1)} changed, "
            f"{unchanged} unchanged. Each change is in its history with the file's source.",
        )

    def get_export_filename(self, request, queryset, file_format):
        stamp = timezone.localdate().isoformat()
        return f"certsite-prices-{stamp}.{file_format.get_extension()}"


def _items(query):
    for key, values in query.lists():
        for value in values:
            yield key, value
