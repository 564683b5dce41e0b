"""The catalogue's filters, sort and facet counts.

Every filter is a GET parameter with slug values (``?provider=aws&level=beginner``),
so any state of the page is a link. Unknown values are dropped and reported,
never an error: the rest of the filters still apply.
"""

from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import QueryDict

from certsite.forms import SearchTextField

from .lifecycle import Status
from .models import BILLING_CHOICES, Certification, FocusArea, Format, Level, Provider, Recognition

LEVELS = {
    "beginner": Level.BEGINNER,
    "intermediate": Level.INTERMEDIATE,
    "advanced": Level.ADVANCED,
}
RECOGNITION_LEVELS = {
    "low": Recognition.LOW,
    "medium": Recognition.MEDIUM,
    "medium-high": Recognition.MEDIUM_HIGH,
    "high": Recognition.HIGH,
    "very-high": Recognition.VERY_HIGH,
}
DEFAULT_STATUSES = [Status.ACTIVE.value, Status.RETIRING.value]
# Unknown costs and unrated recognition sort last both ways: they are not extremes.
SORTS = {
    "name": ("Name", ["name"]),
    "cost": ("Cost, low to high", [F("total_cost").asc(nulls_last=True), "name"]),
    "-cost": ("Cost, high to low", [F("total_cost").desc(nulls_last=True), "name"]),
    "difficulty": ("Difficulty, easiest first", ["difficulty_min", "difficulty_max", "name"]),
    "recognition": ("Recognition, highest first", [F("recognition").desc(nulls_last=True), "name"]),
    "verified": ("Recently verified", ["-verified_on", "name"]),
}
DEFAULT_SORT = "name"
DEFAULTS = {"sort": [DEFAULT_SORT], "status": DEFAULT_STATUSES, "unknown_cost": ["include"]}
MAX_TERMS = 8
MAX_QUERY_LENGTH = 100
MAX_COST = Decimal("1000000")


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values, drops the rest and remembers them for a notice."""

    ignored: list[str] = []

    def clean(self, value):
        values = [str(v) for v in self.to_python(value)]
        self.ignored = [v for v in values if not self.valid_value(v)]
        return list(dict.fromkeys(v for v in values if self.valid_value(v)))


class LenientChoiceField(forms.ChoiceField):
    ignored: list[str] = []

    def clean(self, value):
        value = self.to_python(value)
        self.ignored = [value] if value and not self.valid_value(value) else []
        return "" if self.ignored else value


class SearchFilter(django_filters.CharFilter):
    field_class = SearchTextField


class MultipleSlugFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField


class SlugFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField


def search(queryset, name, value):
    """Every word must match a name, exam code, focus, provider, platform or focus area."""
    for term in value.split()[:MAX_TERMS]:
        issuer = Provider.objects.filter(certifications=OuterRef("pk"), name__icontains=term)
        area = FocusArea.objects.filter(certifications=OuterRef("pk"), name__icontains=term)
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(exam_code__icontains=term)
            | Q(focus__icontains=term)
            | Q(platform__name__icontains=term)
            | Exists(issuer)
            | Exists(area)
        )
    return queryset


def _providers(queryset, name, values):
    issued = Certification.providers.through.objects.filter(
        certification=OuterRef("pk"), provider__slug__in=values
    )
    return queryset.filter(Exists(issued) | Q(platform__slug__in=values))


def _focus(queryset, name, values):
    tagged = Certification.focus_areas.through.objects.filter(
        certification=OuterRef("pk"), focusarea__slug__in=values
    )
    return queryset.filter(Exists(tagged))


def level_q(level: int) -> Q:
    """Certifications whose difficulty range covers ``level``."""
    return Q(difficulty_min__lte=level, difficulty_max__gte=level)


def _levels(queryset, name, values):
    condition = Q()
    for value in values:
        condition |= level_q(LEVELS[value])
    return queryset.filter(condition)


def _max_cost(queryset, name, value):
    # Unknown costs are neither cheap nor dear: ``unknown_cost`` decides on them.
    return queryset.filter(Q(total_cost__lte=value) | Q(total_cost__isnull=True))


def _unknown_cost(queryset, name, value):
    return queryset.exclude(total_cost__isnull=True) if value == "exclude" else queryset


def _min_recognition(queryset, name, value):
    return queryset.filter(recognition__gte=RECOGNITION_LEVELS[value])


def _in(queryset, name, values):
    return queryset.filter(**{f"{name}__in": values})


def _statuses(queryset, name, values):
    return queryset.filter(status_code__in=values)


def _sort(queryset, name, value):
    return queryset.order_by(*SORTS[value][1])


class CertificationFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Search",
        method=search,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    provider = MultipleSlugFilter(label="Provider", method=_providers, choices=[])
    focus = MultipleSlugFilter(label="Focus area", method=_focus, choices=[])
    level = MultipleSlugFilter(
        label="Difficulty",
        method=_levels,
        choices=[(slug, level.label) for slug, level in LEVELS.items()],
    )
    max_cost = django_filters.NumberFilter(
        label="Maximum cost (US$)",
        method=_max_cost,
        min_value=0,
        max_value=MAX_COST,
        decimal_places=2,
    )
    unknown_cost = SlugFilter(
        label="Cost not published",
        method=_unknown_cost,
        choices=[("include", "Include"), ("exclude", "Leave out")],
    )
    billing = MultipleSlugFilter(
        label="Billing", field_name="billing", method=_in, choices=BILLING_CHOICES
    )
    min_recognition = SlugFilter(
        label="Minimum recognition",
        method=_min_recognition,
        choices=[(slug, f"{level.label} or higher") for slug, level in RECOGNITION_LEVELS.items()],
    )
    format = MultipleSlugFilter(
        label="Format", field_name="format", method=_in, choices=Format.choices
    )
    status = MultipleSlugFilter(
        label="Status", method=_statuses, choices=[(s.value, s.label) for s in Status]
    )
    sort = SlugFilter(
        label="Sort by",
        method=_sort,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    class Meta:
        model = Certification
        fields = []

    def __init__(self, data=None, queryset=None, *, providers=None, focus_areas=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["provider"].extra["choices"] = [(p.slug, p.name) for p in providers or []]
        self.filters["focus"].extra["choices"] = [(f.slug, f.name) for f in focus_areas or []]

    @property
    def cleaned(self) -> dict:
        self.errors  # noqa: B018 -- validates the form on first access
        return self.form.cleaned_data

    def filter_queryset(self, queryset, *, skip: str | None = None):
        """Applies every filter but ``skip``; statuses default to active and retiring."""
        for name, value in self.cleaned.items():
            if name != skip:
                queryset = self.filters[name].filter(queryset, value)
        if skip != "status" and not self.cleaned.get("status"):
            # Same rows as status_code in (active, retiring), but a plain date condition
            # the PostgreSQL planner can estimate (the CASE made it pick a nested loop).
            queryset = queryset.not_retired()
        if not self.cleaned.get("sort"):
            queryset = queryset.order_by(*SORTS[DEFAULT_SORT][1])
        return queryset

    def selected(self, name: str) -> list[str]:
        value = self.cleaned.get(name)
        if name == "status" and not value:
            return DEFAULT_STATUSES
        if isinstance(value, list):
            return value
        return [value] if value else []

    @property
    def notices(self) -> list[str]:
        """Plain-language notes on the parameters that were ignored."""
        notes = []
        self.errors  # noqa: B018 -- the fields say what they dropped once they have cleaned
        if getattr(self.form.fields["q"], "adjusted", False):
            notes.append(
                f"Search: only the first {MAX_QUERY_LENGTH} printable characters were used."
            )
        for field in self.form.fields.values():
            ignored = getattr(field, "ignored", [])
            if ignored:
                values = ", ".join(f"“{v[:40]}”" for v in ignored[:5])
                notes.append(f"{field.label}: {values} not recognised, so ignored.")
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            notes.append(f"{label}: {' '.join(errors)} This filter was ignored.")
        return notes

    def canonical_query(self, *, page: int = 1, extra: dict[str, list[str]] | None = None) -> str:
        """The shortest query string for this state: known values, defaults left out."""
        params = QueryDict(mutable=True)
        for name in self.form.fields:
            values = [
                format(v.normalize(), "f") if isinstance(v, Decimal) else str(v).strip()
                for v in self.selected(name)
            ]
            if values and values != DEFAULTS.get(name):
                params.setlist(name, values)
        for name, values in (extra or {}).items():
            if values:
                params.setlist(name, values)
        if page > 1:
            params["page"] = str(page)
        return params.urlencode()

    @property
    def statuses_with_retired(self) -> list[str]:
        return [*self.selected("status"), Status.RETIRED.value]

    @property
    def active_count(self) -> int:
        """How many filters differ from the defaults (sort and search aside)."""
        skip = {"sort", "q", "status"}
        count = sum(1 for name in self.form.fields if name not in skip and self.selected(name))
        return count + (self.selected("status") != DEFAULT_STATUSES)

    @property
    def is_filtered(self) -> bool:
        return any(
            self.selected(name) for name in self.form.fields if name not in {"sort", "status"}
        ) or (self.selected("status") != DEFAULT_STATUSES)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


def _options(choices, counts: dict, selected: list[str]) -> list[Option]:
    return [
        Option(str(value), str(label), counts.get(str(value), 0), str(value) in selected)
        for value, label in choices
    ]


def facets(filterset: CertificationFilter, base) -> dict[str, list[Option]]:
    """For every option, how many results it would give with the other filters applied.

    One grouped query per facet, whatever the number of options.
    """

    def others(name):
        return filterset.filter_queryset(base, skip=name).order_by()

    result = {}

    # Providers: issuers and delivery platforms both count, in one UNION of two grouped
    # queries; option names come from the filter's choices (no extra query).
    matching = others("provider").values("pk")
    issued = (
        Certification.providers.through.objects.filter(certification__in=matching)
        .order_by()
        .values_list("provider__slug")
        .annotate(n=Count("certification", distinct=True))
    )
    hosted = (
        Certification.objects.filter(pk__in=matching, platform__isnull=False)
        .order_by()
        .values_list("platform__slug")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = {}
    for slug, n in issued.union(hosted, all=True):
        counts[slug] = counts.get(slug, 0) + n
    result["provider"] = _options(
        filterset.filters["provider"].extra["choices"], counts, filterset.selected("provider")
    )

    matching = others("focus").values("pk")
    counts = dict(
        Certification.focus_areas.through.objects.filter(certification__in=matching)
        .values_list("focusarea__slug")
        .annotate(n=Count("certification", distinct=True))
    )
    result["focus"] = _options(
        filterset.filters["focus"].extra["choices"], counts, filterset.selected("focus")
    )

    counts = others("level").aggregate(
        **{slug: Count("pk", filter=level_q(level)) for slug, level in LEVELS.items()}
    )
    result["level"] = _options(
        filterset.filters["level"].extra["choices"], counts, filterset.selected("level")
    )

    for name in ("billing", "format"):
        counts = dict(others(name).values_list(name).annotate(n=Count("pk")))
        result[name] = _options(
            filterset.filters[name].extra["choices"], counts, filterset.selected(name)
        )

    counts = dict(others("status").values_list("status_code").annotate(n=Count("pk")))
    result["status"] = _options(
        filterset.filters["status"].extra["choices"], counts, filterset.selected("status")
    )

    counts = others("min_recognition").aggregate(
        any=Count("pk"),
        **{
            slug: Count("pk", filter=Q(recognition__gte=level))
            for slug, level in RECOGNITION_LEVELS.items()
        },
    )
    chosen = filterset.selected("min_recognition") or [""]
    result["min_recognition"] = [Option("", "Any", counts.pop("any"), chosen == [""])] + _options(
        filterset.filters["min_recognition"].extra["choices"], counts, chosen
    )

    counts = others("unknown_cost").aggregate(
        include=Count("pk"), unknown=Count("pk", filter=Q(total_cost__isnull=True))
    )
    counts["exclude"] = counts["include"] - counts.pop("unknown")
    result["unknown_cost"] = _options(
        filterset.filters["unknown_cost"].extra["choices"],
        counts,
        filterset.selected("unknown_cost") or ["include"],
    )
    return result
