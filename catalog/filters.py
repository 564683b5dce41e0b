"""The catalogue's filters, sort and facet counts.

Every filter is a GET parameter with slug values (``?provider=aws&level=beginner``),
so any state of the page is a link. Unknown values are dropped and reported,
never an error: the rest of the filters still apply.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import QueryDict
from django.utils import timezone

from certsite.forms import SearchTextField

from .lifecycle import Status
from .models import (
    BILLING_CHOICES,
    Certification,
    Format,
    Level,
    Provider,
    Recognition,
    status_q,
)

ISSUED = Certification.providers.through
TAGGED = Certification.focus_areas.through

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


def search_q(value: str) -> Q:
    """Every word must match a name, exam code, focus, provider, platform or focus area.

    Each word is one ``pk IN (… UNION …)``: the parts on the certification's own columns can
    use PostgreSQL's trigram indexes (migration 0004), the rest look up the small provider
    and focus-area tables first, and the whole is computed once per query, not once per row.
    """
    condition = Q()
    for term in value.split()[:MAX_TERMS]:
        issuers = Provider.objects.filter(name__icontains=term).values("pk")
        # Only indexable conditions OR-ed here, so PostgreSQL can combine the indexes.
        own = Certification.objects.filter(
            Q(name__icontains=term) | Q(exam_code__icontains=term) | Q(focus__icontains=term)
        )
        hosted = Certification.objects.filter(platform__in=issuers)
        issued = ISSUED.objects.filter(provider__in=issuers)
        tagged = TAGGED.objects.filter(focusarea__name__icontains=term)
        matching = (
            own.order_by()
            .values("pk")
            .union(
                hosted.order_by().values("pk"),
                issued.order_by().values("certification_id"),
                tagged.order_by().values("certification_id"),
                all=True,  # IN ignores repeats: no need to remove them first
            )
        )
        condition &= Q(pk__in=matching)
    return condition


def search(queryset, name, value):
    return queryset.filter(search_q(value))


def providers_q(values) -> Q:
    issued = ISSUED.objects.filter(provider__slug__in=values).values("certification_id")
    return Q(pk__in=issued) | Q(platform__in=Provider.objects.filter(slug__in=values).values("pk"))


def focus_q(values) -> Q:
    return Q(pk__in=TAGGED.objects.filter(focusarea__slug__in=values).values("certification_id"))


def level_q(level: int) -> Q:
    """Certifications whose difficulty range covers ``level``."""
    return Q(difficulty_min__lte=level, difficulty_max__gte=level)


def levels_q(values) -> Q:
    condition = Q()
    for value in values:
        condition |= level_q(LEVELS[value])
    return condition


def max_cost_q(value) -> Q:
    # Unknown costs are neither cheap nor dear: ``unknown_cost`` decides on them.
    return Q(total_cost__lte=value) | Q(total_cost__isnull=True)


def cost_over_q(value) -> Q:
    return Q(total_cost__gt=value)


def recognitions_q(values) -> Q:
    return Q(recognition__in=[RECOGNITION_LEVELS[v] for v in values])


def unknown_cost_q(value) -> Q:
    return Q(total_cost__isnull=False) if value == "exclude" else Q()


def min_recognition_q(value) -> Q:
    return Q(recognition__gte=RECOGNITION_LEVELS[value])


def statuses_q(values, today: dt.date) -> Q:
    chosen = set(values)
    if chosen == set(Status):
        return Q()
    if chosen == set(DEFAULT_STATUSES):
        # One range the planner estimates well (three OR-ed ranges it would not).
        return Q(retirement_date__isnull=True) | Q(retirement_date__gte=today)
    condition = Q()
    for value in chosen:
        condition |= status_q(Status(value), today)
    return condition


# Each filter as a condition: facets combine them (all but one) without re-running filters.
CONDITIONS = {
    "q": search_q,
    "provider": providers_q,
    "focus": focus_q,
    "level": levels_q,
    "max_cost": max_cost_q,
    "cost_over": cost_over_q,
    "recognition": recognitions_q,
    "unknown_cost": unknown_cost_q,
    "billing": lambda values: Q(billing__in=values),
    "min_recognition": min_recognition_q,
    "format": lambda values: Q(format__in=values),
}
# Conditions that read other tables: kept in WHERE, where the planner turns them into
# semi-joins, rather than in a per-row FILTER clause evaluated once per count.
HEAVY = {"q", "provider", "focus"}


def _condition(queryset, name, value):
    return queryset.filter(CONDITIONS[name](value))


def _statuses(queryset, name, values):
    return queryset.filter(statuses_q(values, timezone.localdate()))


def _sort(queryset, name, value):
    return queryset.order_by(*SORTS[value][1])


class CertificationFilter(django_filters.FilterSet):
    q = SearchFilter(
        label="Search",
        method=_condition,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    provider = MultipleSlugFilter(label="Provider", method=_condition, choices=[])
    focus = MultipleSlugFilter(label="Focus area", method=_condition, choices=[])
    level = MultipleSlugFilter(
        label="Difficulty",
        method=_condition,
        choices=[(slug, level.label) for slug, level in LEVELS.items()],
    )
    max_cost = django_filters.NumberFilter(
        label="Maximum cost (US$)",
        method=_condition,
        min_value=0,
        max_value=MAX_COST,
        decimal_places=2,
    )
    # The home page chart's cells link here: a cost band and one recognition level.
    cost_over = django_filters.NumberFilter(
        label="Cost more than (US$)",
        method=_condition,
        min_value=0,
        max_value=MAX_COST,
        decimal_places=2,
    )
    recognition = MultipleSlugFilter(
        label="Recognition",
        method=_condition,
        choices=[(slug, level.label) for slug, level in RECOGNITION_LEVELS.items()],
    )
    unknown_cost = SlugFilter(
        label="Cost not published",
        method=_condition,
        choices=[("include", "Include"), ("exclude", "Leave out")],
    )
    billing = MultipleSlugFilter(
        label="Billing", field_name="billing", method=_condition, choices=BILLING_CHOICES
    )
    min_recognition = SlugFilter(
        label="Minimum recognition",
        method=_condition,
        choices=[(slug, f"{level.label} or higher") for slug, level in RECOGNITION_LEVELS.items()],
    )
    format = MultipleSlugFilter(
        label="Format", field_name="format", method=_condition, choices=Format.choices
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
        self.provider_ids = {p.pk: p.slug for p in providers or []}
        self.filters["focus"].extra["choices"] = [(f.slug, f.name) for f in focus_areas or []]

    @property
    def cleaned(self) -> dict:
        self.errors  # noqa: B018 -- validates the form on first access
        return self.form.cleaned_data

    def conditions(self) -> dict[str, Q]:
        """Each active filter as a condition; statuses always have one (the default)."""
        result = {
            name: CONDITIONS[name](value)
            for name, value in self.cleaned.items()
            if name in CONDITIONS and value not in (None, "", [])
        }
        result["status"] = statuses_q(self.selected("status"), timezone.localdate())
        return result

    def filter_queryset(self, queryset, *, skip: str | None = None):
        """Applies every filter but ``skip``; statuses default to active and retiring."""
        for name, condition in self.conditions().items():
            if name != skip:
                queryset = queryset.filter(condition)
        return queryset.order_by(*SORTS[self.cleaned.get("sort") or DEFAULT_SORT][1])

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


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition) if condition else Count("pk")


def _all(conditions) -> Q:
    return Q(*conditions) if conditions else Q()


def facet_counts(filterset: CertificationFilter, base) -> tuple[dict[str, list[Option]], int]:
    """For every option, how many results it would give with the other filters applied,
    and the number of results: three queries, whatever the number of options or rows.

    The facets on the certification's own columns (level, billing, format, status,
    recognition, unknown cost) and the result count come from one pass over the rows, each
    count a ``COUNT(*) FILTER (WHERE …)`` of the other filters and its option. Search,
    provider and focus filters read other tables, so they narrow that pass in its WHERE
    instead; providers and focus areas are one grouped query each.
    """
    conditions = filterset.conditions()
    heavy = [c for name, c in conditions.items() if name in HEAVY]
    light = {name: c for name, c in conditions.items() if name not in HEAVY}

    def others(skip: str) -> Q:
        return _all([c for name, c in light.items() if name != skip])

    def matching(skip: str):
        rest = [c for name, c in conditions.items() if name != skip]
        return base.filter(*rest).order_by().values("pk")

    aggregates = {"total": _count(others(""))}
    for slug, level in LEVELS.items():
        aggregates[f"level:{slug}"] = _count(others("level") & level_q(level))
    for value, _ in BILLING_CHOICES:
        aggregates[f"billing:{value}"] = _count(others("billing") & Q(billing=value))
    for value, _ in Format.choices:
        aggregates[f"format:{value}"] = _count(others("format") & Q(format=value))
    today = timezone.localdate()
    for status in Status:
        aggregates[f"status:{status.value}"] = _count(others("status") & status_q(status, today))
    aggregates["min_recognition:"] = _count(others("min_recognition"))
    for slug, level in RECOGNITION_LEVELS.items():
        aggregates[f"min_recognition:{slug}"] = _count(
            others("min_recognition") & Q(recognition__gte=level)
        )
    aggregates["unknown_cost:include"] = _count(others("unknown_cost"))
    aggregates["unknown_cost:exclude"] = _count(
        others("unknown_cost") & Q(total_cost__isnull=False)
    )
    if "provider" not in conditions:
        for pk, slug in filterset.provider_ids.items():
            aggregates[f"platform:{slug}"] = _count(others("platform") & Q(platform_id=pk))
    row = base.filter(*heavy).order_by().aggregate(**aggregates)
    grouped: dict[str, dict[str, int]] = {}
    for key, n in row.items():
        facet, _, value = key.partition(":")
        grouped.setdefault(facet, {})[value] = n

    # Providers: issuers and delivery platforms both count. Without a provider filter, the
    # platform counts are more FILTER clauses of the pass above; with one, they need the
    # rows the provider filter leaves out, so a grouped query joins the issuers' by UNION.
    # An issuer is listed once per certification, so a plain COUNT needs no DISTINCT.
    issued = (
        ISSUED.objects.filter(certification__in=matching("provider"))
        .order_by()
        .values_list("provider__slug")
        .annotate(n=Count("*"))
    )
    counts: dict[str, int] = {}
    if "provider" in conditions:
        hosted = (
            base.filter(pk__in=matching("provider"), platform__isnull=False)
            .order_by()
            .values_list("platform__slug")
            .annotate(n=Count("pk"))
        )
        issued = issued.union(hosted, all=True)
    else:
        counts = grouped.pop("platform", {})
    for slug, n in issued:
        counts[slug] = counts.get(slug, 0) + n
    grouped["provider"] = counts
    grouped["focus"] = dict(
        TAGGED.objects.filter(certification__in=matching("focus"))
        .order_by()
        .values_list("focusarea__slug")
        .annotate(n=Count("*"))
    )

    result = {}
    for name in ("provider", "focus", "level", "billing", "format", "status"):
        result[name] = _options(
            filterset.filters[name].extra["choices"], grouped[name], filterset.selected(name)
        )
    chosen = filterset.selected("min_recognition") or [""]
    recognition = grouped["min_recognition"]
    result["min_recognition"] = [Option("", "Any", recognition.pop(""), chosen == [""])] + (
        _options(filterset.filters["min_recognition"].extra["choices"], recognition, chosen)
    )
    result["unknown_cost"] = _options(
        filterset.filters["unknown_cost"].extra["choices"],
        grouped["unknown_cost"],
        filterset.selected("unknown_cost") or ["include"],
    )
    return result, grouped["total"][""]


def facets(filterset: CertificationFilter, base) -> dict[str, list[Option]]:
    return facet_counts(filterset, base)[0]


class CountedPaginator(Paginator):
    """A paginator told the number of results (counted with the facets), so it does not
    count them again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count
