"""Which certifications fit an advisor outcome and the visitor's refinements, and why.

Fitting, ranking and counting happen in SQL with LIMIT: a result page reads the few
certifications it shows and counts the rest, whatever the size of the catalogue.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, prefetch_related_objects
from django.utils import timezone

from catalog.lifecycle import Status
from catalog.models import Certification, current_q

BEGINNER, INTERMEDIATE, ADVANCED = 1, 2, 3
HIGH_RECOGNITION = 4
DEFAULT_ENTRY_CEILING = Decimal("400")
TOP = 5
COURSE_FORMATS = {"course-series", "nanodegree", "programme", "graduate"}


@dataclass(frozen=True)
class Criteria:
    outcome: str
    budget: Decimal | None = None
    topics: frozenset[str] = frozenset()
    topic_names: dict[str, str] = field(default_factory=dict)
    provider: str | None = None
    provider_name: str = ""
    format: str | None = None  # "exam" or "course"


@dataclass(frozen=True)
class Recommendation:
    certification: object
    reason: str


@dataclass
class Recommendations:
    picks: list[Recommendation] = field(default_factory=list)
    unknown_cost: list[Recommendation] = field(default_factory=list)
    later: list[Recommendation] = field(default_factory=list)  # "free" outcome: certify later
    retired: list[tuple[object, list[object]]] = field(default_factory=list)
    relaxed_topics: bool = False
    matching: int = 0  # current certifications that fit every choice (picks are the first)
    more_retired: int = 0  # retired ones with successors beyond those listed


RETIRED_SHOWN = 5
ISSUED = Certification.providers.through
TAGGED = Certification.focus_areas.through


def _topics(cert) -> set[str]:
    return {f.slug for f in cert.focus_areas.all()}


def level_q(outcome: str) -> Q:
    if outcome in {"entry-level", "free"}:
        return Q(difficulty_min__lte=INTERMEDIATE, difficulty_max__lte=INTERMEDIATE)
    if outcome == "advanced":
        return Q(difficulty_max__gte=ADVANCED, recognition__gte=HIGH_RECOGNITION)
    return Q()  # projects: certifications are optional extras


def refinements_q(criteria: Criteria, *, topics: bool = True) -> Q:
    condition = Q()
    if criteria.provider:
        issued = ISSUED.objects.filter(provider__slug=criteria.provider)
        condition &= Q(pk__in=issued.values("certification_id")) | Q(
            platform__slug=criteria.provider
        )
    if criteria.format == "exam":
        condition &= Q(format="exam")
    elif criteria.format == "course":
        condition &= Q(format__in=COURSE_FORMATS)
    if topics and criteria.topics:
        tagged = TAGGED.objects.filter(focusarea__slug__in=criteria.topics)
        condition &= Q(pk__in=tagged.values("certification_id"))
    return condition


def _ceiling(criteria: Criteria) -> Decimal | None:
    if criteria.budget is not None:
        return criteria.budget
    return DEFAULT_ENTRY_CEILING if criteria.outcome == "entry-level" else None


def _order(outcome: str) -> list:
    """Unknown costs rank as the dearest, unrated recognition as the lowest."""
    cost = F("total_cost").asc(nulls_last=True)
    recognition = F("recognition").desc(nulls_last=True)
    if outcome in {"entry-level", "free"}:
        return ["difficulty_min", cost, recognition, "name"]
    return [recognition, cost, "name"]


def _within(ceiling: Decimal | None) -> Q:
    known = Q(total_cost__isnull=False)
    return known if ceiling is None else known & Q(total_cost__lte=ceiling)


def reason(cert, criteria: Criteria) -> str:
    """One line built from the data: "entry level, $100 per attempt, fits your budget…"."""
    level = {BEGINNER: "entry level", INTERMEDIATE: "intermediate", ADVANCED: "advanced"}
    parts = [
        level[cert.difficulty_min]
        if cert.difficulty_min == cert.difficulty_max
        else f"{level[cert.difficulty_min]} to {level[cert.difficulty_max]}"
    ]
    unknown = cert.estimated_total is None
    parts.append(f"price {cert.cost_display}" if unknown else cert.cost_display)
    total = cert.estimated_total
    if criteria.budget is not None and total is not None and total <= criteria.budget:
        parts.append("fits your budget")
    if cert.free_to_audit:
        parts.append("free to audit")
    if (cert.recognition or 0) >= HIGH_RECOGNITION:
        parts.append(f"{cert.get_recognition_display().lower()} recognition")
    covered = [criteria.topic_names.get(t, t) for t in sorted(criteria.topics & _topics(cert))]
    if covered:
        parts.append("covers " + " and ".join(covered))
    if criteria.provider:
        parts.append(f"from {criteria.provider_name or criteria.provider}")
    if cert.status is Status.RETIRING:
        parts.append(f"retiring on {cert.retirement_date:%-d %b %Y}")
    return ", ".join(parts)


def recommend(certifications, criteria: Criteria, *, today: dt.date | None = None):
    """Recommendations from ``certifications`` (a Certification QuerySet) in a fixed
    number of queries: one to count, one per list shown, three to prefetch."""
    today = today or timezone.localdate()
    pool = certifications.with_costs().select_related("platform").order_by()
    current = current_q(today)
    level = level_q(criteria.outcome)
    ceiling = _ceiling(criteria)
    result = Recommendations()
    limit = 3 if criteria.outcome == "projects" else TOP
    if criteria.outcome == "free":
        level = level_q("entry-level")

    def counts(*, topics: bool) -> dict:
        fits = current & level & refinements_q(criteria, topics=topics)
        successor = Certification.replacements.through.objects.filter(
            from_certification=OuterRef("pk")
        )
        return pool.aggregate(
            matching=Count("pk", filter=fits),
            chosen=Count("pk", filter=fits & _within(ceiling)),
            retired=Count("pk", filter=~current & level_q(criteria.outcome) & Exists(successor)),
        )

    n = counts(topics=True)
    topics = True
    if not n["matching"] and criteria.topics and criteria.outcome != "free":
        relaxed = counts(topics=False)
        if relaxed["matching"]:
            n, topics, result.relaxed_topics = relaxed, False, True
    ranked = pool.filter(current & level & refinements_q(criteria, topics=topics)).order_by(
        *_order(criteria.outcome)
    )
    shown = []
    if criteria.outcome == "free":
        picks = list(ranked.filter(free_to_audit=True)[:TOP])
        later = list(ranked.filter(_within(ceiling), free_to_audit=False)[:3])
        shown = picks + later
    else:
        picks = list(ranked.filter(_within(ceiling))[:limit])
        unknown = list(ranked.filter(total_cost__isnull=True)[:3]) if criteria.budget else []
        shown = picks + unknown
    prefetch_related_objects(shown, "providers", "focus_areas")
    result.picks = [Recommendation(c, reason(c, criteria)) for c in picks]
    if criteria.outcome == "free":
        result.later = [Recommendation(c, reason(c, criteria)) for c in later]
        result.matching = len(picks)
        return result
    result.unknown_cost = [Recommendation(c, reason(c, criteria)) for c in unknown]
    result.matching = n["chosen"]

    # Retired certifications that would have fitted: point to what replaced them.
    if n["retired"]:
        successor = Certification.replacements.through.objects.filter(
            from_certification=OuterRef("pk")
        )
        retired = list(
            pool.filter(~current & level_q(criteria.outcome) & Exists(successor)).order_by(
                "-retirement_date", "name"
            )[:RETIRED_SHOWN]
        )
        prefetch_related_objects(retired, "replacements")
        result.retired = [(c, list(c.replacements.all())) for c in retired]
        result.more_retired = n["retired"] - len(retired)
    return result
