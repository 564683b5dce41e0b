from django import forms

from certsite.forms import SearchTextField

from .filters import MAX_QUERY_LENGTH


class PickerForm(forms.Form):
    """The compare page's "add a certification" box (also its type-ahead)."""

    add = SearchTextField(max_length=MAX_QUERY_LENGTH, required=False)

    def query(self) -> str:
        return self.cleaned_data.get("add", "") if self.is_valid() else ""
