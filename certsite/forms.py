"""Form fields shared by the public pages' query-string forms."""

import unicodedata

from django import forms


class SearchTextField(forms.CharField):
    """Free text typed into a search box: bounded and printable, never an error.

    Control characters (NUL among them, which PostgreSQL text cannot hold) and
    unpaired surrogates are dropped, runs of white space become one space, and the
    text is cut at ``max_length``: a search with what is left beats an error page.
    ``adjusted`` says whether anything was dropped, so the page can say so.
    """

    adjusted = False

    def to_python(self, value):
        text = super().to_python(value)
        kept = "".join(
            " " if ch.isspace() else ch
            for ch in text
            if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cs", "Cf"}
        )
        kept = " ".join(kept.split())
        if self.max_length is not None:
            kept = kept[: self.max_length].strip()
        self.adjusted = kept != " ".join(text.split())
        return kept
