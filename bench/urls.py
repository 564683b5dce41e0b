"""The URL kinds the benchmark measures, and the URLs of each: no Django, no I/O.

Each kind has one sample URL, asked for again and again in the warm run (after the
first request the response cache answers it), and a list of distinct valid URLs of the
same kind that the cold run cycles through, so no request repeats another's work.
The lists are built from facts read out of the benchmark database (``Facts``), in a
fixed pseudo-random order so that two runs ask for the same URLs.
"""

import itertools
import math
import random
from dataclasses import dataclass
from urllib.parse import urlencode

LIST_PATH = "/certifications/"
SAMPLE_FILTER = (("level", "beginner"), ("sort", "cost"))
# The catalogue's and the changes page's page sizes (catalog.views, editorial.changes).
CATALOGUE_PAGE_SIZE = 25
CHANGES_PAGE_SIZE = 20
SORTS = ("name", "cost", "-cost", "difficulty", "recognition", "verified")
LEVELS = ("beginner", "intermediate", "advanced")
ADVISOR_PATHS = (  # every route through the flowchart (advisor.flow)
    (("experience", "no"), ("career_change", "yes")),
    (("experience", "no"), ("career_change", "no")),
    (("experience", "yes"), ("recognition", "yes")),
    (("experience", "yes"), ("recognition", "no")),
)
ADVISOR_BUDGETS = ("100", "200", "300", "500", "1000", "any")
ADVISOR_FORMATS = ("exam", "course", "any")
DEFAULT_LIMIT = 2000
ORDER_SEED = 11


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    htmx: bool = False


KINDS = {
    k.key: k
    for k in [
        Kind("catalogue", "catalogue"),
        Kind("filtered", "filtered page"),
        Kind("partial", "HTMX partial", htmx=True),
        Kind("detail", "detail"),
        Kind("compare", "compare of 4"),
        Kind("advisor", "advisor result"),
        Kind("home", "home"),
        Kind("changes", "changes"),
        Kind("export", "export.json"),
    ]
}


@dataclass(frozen=True)
class Facts:
    """What the URLs need to know about the benchmark database."""

    certifications: int  # not retired: the catalogue's default listing
    slugs: tuple[str, ...]  # spread over the catalogue; the first has history
    providers: tuple[str, ...]  # slugs of providers that issue certifications
    focus_areas: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict) -> "Facts":
        return cls(
            certifications=int(data["certifications"]),
            slugs=tuple(data["slugs"]),
            providers=tuple(data["providers"]),
            focus_areas=tuple(data["focus_areas"]),
        )


def _url(path: str, params=()) -> str:
    query = urlencode(list(params))
    return f"{path}?{query}" if query else path


def _compare(slugs) -> str:
    return _url("/compare/", [("c", s) for s in slugs])


def _advisor(route, budget, topic, provider, fmt) -> str:
    return _url(
        "/advisor/result/",
        [*route, ("budget", budget), ("topics", topic), ("provider", provider), ("format", fmt)],
    )


def sample_url(kind: str, facts: Facts) -> str:
    """The one URL of ``kind`` the warm run repeats (and the in-process count measures)."""
    match kind:
        case "catalogue":
            return LIST_PATH
        case "filtered" | "partial":
            return _url(LIST_PATH, SAMPLE_FILTER)
        case "detail":
            return f"{LIST_PATH}{facts.slugs[0]}/"
        case "compare":
            return _compare(facts.slugs[:4])
        case "advisor":
            provider = facts.providers[0] if facts.providers else "any"
            topic = facts.focus_areas[0] if facts.focus_areas else "any"
            return _advisor(ADVISOR_PATHS[0], "500", topic, provider, "exam")
        case "home":
            return "/"
        case "changes":
            return "/changes/"
        case "export":
            return f"{LIST_PATH}export.json"
    raise ValueError(f"unknown URL kind {kind!r}")


def _filters(facts: Facts):
    """Non-empty combinations of the catalogue's filters, each a list of parameters."""
    levels = [None, *LEVELS]
    providers = [None, *facts.providers]
    focus = [None, *facts.focus_areas]
    for level, provider, area, sort in itertools.product(levels, providers, focus, SORTS):
        params = [
            (name, value)
            for name, value in (("level", level), ("provider", provider), ("focus", area))
            if value
        ]
        if params:
            yield [*params, ("sort", sort)] if sort != "name" else params


def _shuffled(items, *, limit: int) -> list[str]:
    # Shuffled so that consecutive requests differ in every parameter, not only the last.
    items = list(dict.fromkeys(items))
    random.Random(ORDER_SEED).shuffle(items)
    return items[:limit]


def cold_urls(kind: str, facts: Facts, *, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Up to ``limit`` distinct valid URLs of ``kind``, in a fixed order."""
    match kind:
        case "catalogue":
            pages = max(1, math.ceil(facts.certifications / CATALOGUE_PAGE_SIZE))
            urls = [
                _url(LIST_PATH, ([("sort", s)] if s != "name" else []) + [("page", p)])
                for s in SORTS
                for p in range(1, pages + 1)
            ]
        case "filtered" | "partial":
            urls = [_url(LIST_PATH, params) for params in _filters(facts)]
            if kind == "partial":
                # Another order than the filtered page's, so the two runs do not share work.
                urls.reverse()
        case "detail":
            urls = [f"{LIST_PATH}{slug}/" for slug in facts.slugs]
        case "compare":
            slugs = list(facts.slugs)
            groups = [slugs[i : i + 4] for i in range(0, len(slugs) - 3)]
            urls = [_compare(group) for group in groups] or [_compare(slugs)]
        case "advisor":
            urls = [
                _advisor(route, budget, topic, provider, fmt)
                for route, budget, topic, provider, fmt in itertools.product(
                    ADVISOR_PATHS,
                    ADVISOR_BUDGETS,
                    ["any", *facts.focus_areas],
                    ["any", *facts.providers],
                    ADVISOR_FORMATS,
                )
            ]
        case "home":
            # One page only: cold here means the response cache is off.
            urls = ["/"]
        case "changes":
            pages = max(1, math.ceil(facts.certifications / CHANGES_PAGE_SIZE))
            urls = [_url("/changes/", [("page", p)]) for p in range(1, min(pages, 100) + 1)]
            urls += [
                _url("/changes/", [("provider", provider), ("page", p)])
                for provider in facts.providers
                for p in range(1, 4)
            ]
        case "export":
            urls = [_url(f"{LIST_PATH}export.json", params) for params in _filters(facts)]
        case _:
            raise ValueError(f"unknown URL kind {kind!r}")
    return _shuffled(urls, limit=limit)
