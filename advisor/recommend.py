"""Which certifications fit an advisor outcome and the visitor's refinements, and why.

Pure ranking over certification objects already fetched with their providers,
focus areas and replacements; no queries here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.lifecycle import Status

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


def _providers(cert) -> set[str]:
    slugs = {p.slug for p in cert.providers.all()}
    if cert.platform_id:
        slugs.add(cert.platform.slug)
    return slugs


def _topics(cert) -> set[str]:
    return {f.slug for f in cert.focus_areas.all()}


def fits_level(cert, outcome: str) -> bool:
    if outcome in {"entry-level", "free"}:
        return cert.difficulty_min <= INTERMEDIATE and cert.difficulty_max <= INTERMEDIATE
    if outcome == "advanced":
        return cert.difficulty_max >= ADVANCED and (cert.recognition or 0) >= HIGH_RECOGNITION
    return True  # projects: certifications are optional extras


def _fits_refinements(cert, criteria: Criteria, *, topics: bool = True) -> bool:
    if criteria.provider and criteria.provider not in _providers(cert):
        return False
    if criteria.format == "exam" and cert.format != "exam":
        return False
    if criteria.format == "course" and cert.format not in COURSE_FORMATS:
        return False
    return not (topics and criteria.topics and not (criteria.topics & _topics(cert)))


def _ceiling(criteria: Criteria) -> Decimal | None:
    if criteria.budget is not None:
        return criteria.budget
    return DEFAULT_ENTRY_CEILING if criteria.outcome == "entry-level" else None


def _sort_key(cert, outcome: str):
    total = cert.estimated_total
    cost = float(total) if total is not None else float("inf")
    recognition = -(cert.recognition or 0)
    if outcome in {"entry-level", "free"}:
        return (cert.difficulty_min, cost, recognition, cert.name)
    return (recognition, cost, cert.name)


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


def recommend(certifications: Iterable, criteria: Criteria) -> Recommendations:
    certs = list(certifications)
    current = [c for c in certs if c.status is not Status.RETIRED]
    result = Recommendations()

    def rank(pool, *, outcome, topics=True):
        fitting = [
            c
            for c in pool
            if fits_level(c, outcome) and _fits_refinements(c, criteria, topics=topics)
        ]
        return sorted(fitting, key=lambda c: _sort_key(c, outcome))

    def within(pool, ceiling):
        known = [c for c in pool if c.estimated_total is not None]
        if ceiling is None:
            return known
        return [c for c in known if c.estimated_total <= ceiling]

    if criteria.outcome == "free":
        free_now = [c for c in rank(current, outcome="free") if c.free_to_audit]
        result.picks = [Recommendation(c, reason(c, criteria)) for c in free_now[:TOP]]
        later = within(rank(current, outcome="entry-level"), _ceiling(criteria))
        later = [c for c in later if c not in free_now]
        result.later = [Recommendation(c, reason(c, criteria)) for c in later[:3]]
        return result

    ranked = rank(current, outcome=criteria.outcome)
    if not ranked and criteria.topics:
        ranked = rank(current, outcome=criteria.outcome, topics=False)
        result.relaxed_topics = bool(ranked)
    ceiling = _ceiling(criteria)
    chosen = within(ranked, ceiling)
    limit = 3 if criteria.outcome == "projects" else TOP
    result.picks = [Recommendation(c, reason(c, criteria)) for c in chosen[:limit]]
    if criteria.budget is not None:
        unknown = [c for c in ranked if c.estimated_total is None]
        result.unknown_cost = [Recommendation(c, reason(c, criteria)) for c in unknown[:3]]

    # Retired certifications that would have fitted: point to what replaced them.
    for cert in certs:
        if cert.status is Status.RETIRED and fits_level(cert, criteria.outcome):
            successors = [s for s in cert.replacements.all()]
            if successors:
                result.retired.append((cert, successors))
    return result
