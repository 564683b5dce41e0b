from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import EditConflict

from . import facts
from .forms import DecisionForm
from .models import CorrectionSuggestion
from .suggestions import AlreadyDecided, accept, reject


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    """Visitors' corrections: an editor reviews each and accepts (applies) or rejects it."""

    list_display = ["created_at", "certification", "field", "proposed_value", "status", "source"]
    list_display_links = ["created_at", "certification"]
    list_filter = ["status", "field"]
    list_select_related = ["certification"]
    search_fields = ["certification__name", "proposed_value", "note", "source_url"]

    def has_add_permission(self, request):
        return False  # suggestions come from visitors only

    @admin.display(description="Source")
    def source(self, obj):
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', obj.source_url, obj.source_url
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A review page rather than a form: the visitor's words are kept as sent."""
        suggestion = self.get_object(request, unquote(object_id))
        if suggestion is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, suggestion):
            raise PermissionDenied
        can_decide = (
            suggestion.is_open
            and self.has_change_permission(request, suggestion)
            and request.user.has_perm("catalog.change_certification")
        )
        form = DecisionForm(request.POST or None, initial={"value": suggestion.proposed_value})
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            response = self._decide(request, suggestion, form)
            if response is not None:
                return response
        certification = suggestion.certification
        context = {
            **self.admin_site.each_context(request),
            "title": f"Correction suggested for {certification.name}",
            "opts": self.opts,
            "original": suggestion,
            "suggestion": suggestion,
            "certification": certification,
            "current": facts.current_display(certification, suggestion.field),
            "form": form,
            "can_decide": can_decide,
            "certification_admin_url": reverse(
                f"{self.admin_site.name}:catalog_certification_change", args=[certification.pk]
            ),
        }
        return TemplateResponse(
            request, "admin/editorial/correctionsuggestion/review.html", context
        )

    def _decide(self, request, suggestion, form):
        if not form.is_valid():
            return None
        note = form.cleaned_data["note"]
        try:
            if "_accept" in request.POST:
                changed = accept(
                    suggestion, editor=request.user, value=form.cleaned_data["value"], note=note
                )
                message = (
                    f"Accepted and applied to {suggestion.certification.name}; its public "
                    "history shows the change with the visitor's source."
                    if changed
                    else f"Accepted; {suggestion.certification.name} needed no change."
                )
                if not suggestion.applies_by_itself:
                    message = "Accepted. Make the change in the certification's form."
            elif "_reject" in request.POST:
                reject(suggestion, editor=request.user, note=note)
                message = "Rejected; nothing was changed."
            else:
                form.add_error(None, "Choose “Accept and apply” or “Reject”.")
                return None
        except ValidationError as error:
            form.add_error("value", error)
            return None
        except AlreadyDecided as error:
            messages.warning(request, str(error))
            return redirect(request.path)
        except EditConflict:
            form.add_error(
                None,
                "The certification was saved by someone else at the same moment; nothing "
                "was applied. Accept again to apply the value on top of their change.",
            )
            return None
        self.log_change(request, suggestion, message)
        messages.success(request, message)
        return redirect(
            reverse(f"{self.admin_site.name}:editorial_correctionsuggestion_changelist")
        )
