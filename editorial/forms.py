from django import forms

from catalog.models import Provider

from . import facts
from .models import CorrectionSuggestion


class ChangeFilterForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All providers",
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers

    def chosen_provider(self) -> Provider | None:
        """The provider asked for; an unknown one is ignored (the page says so)."""
        return self.cleaned_data.get("provider") if self.is_valid() else None


class SuggestionForm(forms.ModelForm):
    # A honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = CorrectionSuggestion
        fields = ["field", "proposed_value", "source_url", "note"]
        labels = {
            "field": "Which fact is wrong?",
            "proposed_value": "What should it say?",
            "source_url": "Where can we check it?",
            "note": "Anything else we should know (optional)",
        }
        help_texts = {
            "proposed_value": "Prices as a number (like 250); dates like 2026-03-31.",
            "source_url": "A page that shows the right value, ideally the provider's own.",
            "note": "Nothing you write is published; an editor reads it.",
        }
        widgets = {
            "proposed_value": forms.TextInput(attrs={"autocomplete": "off"}),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, certification, **kwargs):
        super().__init__(*args, **kwargs)
        self.certification = certification
        self.fields["field"].choices = [
            (name, self._fact_label(name, fact)) for name, fact in facts.FACTS.items()
        ]
        self.fields["proposed_value"].required = True

    def _fact_label(self, name: str, fact: facts.Fact) -> str:
        now = facts.current_display(self.certification, name)
        return f"{fact.label} (now: {now})" if now else fact.label

    @property
    def is_from_a_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean(self):
        cleaned = super().clean()
        field, text = cleaned.get("field"), cleaned.get("proposed_value")
        if field and text and facts.FACTS[field].parse is not None:
            try:
                value = facts.parse(field, text)
            except ValueError as error:
                self.add_error("proposed_value", str(error))
            else:
                if value == getattr(self.certification, field):
                    self.add_error("proposed_value", "That is what the page says now.")
        return cleaned

    def save(self, *, address_hash: str) -> CorrectionSuggestion:
        suggestion = super().save(commit=False)
        suggestion.certification = self.certification
        suggestion.address_hash = address_hash
        suggestion.save()
        return suggestion


class DecisionForm(forms.Form):
    value = forms.CharField(
        label="Value to apply",
        max_length=500,
        required=False,
        help_text="The visitor's value; tidy it if needed (e.g. 250 rather than “$250”).",
    )
    note = forms.CharField(label="Note for the record (optional)", max_length=300, required=False)
