from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from catalog.links import page_params
from catalog.models import (
    Certification,
    CertifyScenario,
    CommonMistake,
    FocusArea,
    Pitfall,
    PortfolioStep,
    Provider,
)
from catalog.templatetags.compare_tags import compare_url
from certsite.htmx import wants_fragment
from certsite.pagecache import public_page

from . import flow
from .diagram import layout
from .forms import REFINEMENT_STEPS, Choice, budget_choices, format_choices, read_state
from .recommend import Criteria, recommend

CATALOGUE_LEVELS = {
    "entry-level": ["beginner", "intermediate"],
    "free": ["beginner", "intermediate"],
    "advanced": ["advanced"],
    "projects": [],
}
CATALOGUE_FORMATS = {
    "exam": ["exam"],
    "course": ["course-series", "nanodegree", "programme", "graduate"],
}


FORMAT_WORDS = {"exam": "an exam", "course": "a course"}


def _read(params):
    topics = dict(FocusArea.objects.values_list("slug", "name"))
    providers = dict(Provider.objects.issuing().order_by("name").values_list("slug", "name"))
    return read_state(params, topics=topics, providers=providers), topics, providers


def _url(name: str, query: str, **extra) -> str:
    parts = [query] + [f"{k}={v}" for k, v in extra.items()]
    query = "&".join(p for p in parts if p)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _choices(state, key: str, topics: dict, providers: dict) -> list[Choice]:
    if key in flow.QUESTIONS:
        return [Choice(a.value, a.label) for a in flow.QUESTIONS[key].answers]
    if key == "budget":
        return budget_choices()
    if key == "topics":
        return [Choice(slug, name) for slug, name in topics.items()]
    if key == "provider":
        return [Choice(slug, name) for slug, name in providers.items()]
    return format_choices()


@public_page
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def advisor_step(request):
    state, topics, providers = _read(request.GET)
    problem = bool(state.invalid) or request.GET.get("problem") == "1"
    if state.invalid and not request.htmx:
        return redirect(_url("advisor:step", state.query(), problem=1))
    if state.complete:
        result = _url("advisor:result", state.query())
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = result
            return response
        return redirect(result)

    key = state.step_key
    question = flow.QUESTIONS.get(key) or REFINEMENT_STEPS[key]
    context = {
        "state": state,
        "key": key,
        "question": question,
        "refining": key in REFINEMENT_STEPS,
        "multiple": getattr(question, "multiple", False),
        "choices": _choices(state, key, topics, providers),
        "hidden": state.params(),
        "total": flow.TOTAL_STEPS,
        "problem": problem,
        "missing": request.GET.get("step") == key,
        "back_url": _url("advisor:step", state.back_query())
        if state.back_query() is not None
        else None,
        "skip_url": _url("advisor:step", state.query(), **{key: flow.SKIP}),
        "skip_rest_url": _url("advisor:result", state.skip_rest_query()),
        "page_params": page_params(request, state.params()),
        "nav": "advisor",
    }
    if not wants_fragment(request):
        return render(request, "advisor/step.html", context)
    response = render(request, "advisor/step.html#step", context)
    response["HX-Push-Url"] = _url("advisor:step", state.query())
    return response


@public_page
def advisor_result(request):
    state, topics, providers = _read(request.GET)
    if state.invalid or not state.complete:
        extra = {"problem": 1} if state.invalid else {}
        return redirect(_url("advisor:step", state.query(), **extra))

    outcome = state.walk.outcome
    provider = (state.chosen("provider") or [None])[0]
    chosen_format = (state.chosen("format") or [None])[0]
    criteria = Criteria(
        outcome=outcome.key,
        budget=state.budget,
        topics=frozenset(state.chosen("topics")),
        topic_names=topics,
        provider=provider,
        provider_name=providers.get(provider, ""),
        format=chosen_format,
    )
    recommendations = recommend(Certification.objects.all(), criteria)
    picks = [r.certification.slug for r in recommendations.picks][:4]
    catalogue = {
        "level": CATALOGUE_LEVELS[outcome.key],
        "max_cost": [str(state.budget)] if state.budget else [],
        "focus": state.chosen("topics"),
        "provider": [provider] if provider else [],
        "format": CATALOGUE_FORMATS.get(chosen_format, []),
    }
    catalogue_query = "&".join(f"{k}={v}" for k, values in catalogue.items() for v in values)
    share_path = _url("advisor:result", state.query())
    choices_text = "; ".join(
        part
        for part in [
            f"up to ${state.budget:,.0f} in all" if state.budget else "",
            "topics: " + ", ".join(topics[t] for t in state.chosen("topics"))
            if state.chosen("topics")
            else "",
            f"from {providers[provider]}" if provider else "",
            FORMAT_WORDS.get(chosen_format, ""),
        ]
        if part
    )
    context = {
        "state": state,
        "outcome": outcome,
        "recommendations": recommendations,
        "criteria": criteria,
        "choices_text": choices_text,
        "diagram": layout(state.walk.route),
        "scenarios": CertifyScenario.objects.filter(slug__in=outcome.scenarios),
        "mistakes": CommonMistake.objects.filter(slug__in=outcome.mistakes),
        "pitfalls": Pitfall.objects.filter(slug__in=outcome.pitfalls),
        "portfolio": PortfolioStep.objects.prefetch_related("certifications")
        if outcome.show_portfolio
        else [],
        "compare_link": compare_url(picks) if len(picks) > 1 else None,
        "catalogue_link": f"{reverse('catalog:list')}?{catalogue_query}"
        if catalogue_query
        else reverse("catalog:list"),
        "share_url": request.build_absolute_uri(share_path),
        "change_url": _url("advisor:step", state.query(without=flow.REFINEMENTS[0])),
        "page_params": page_params(request, state.params()),
        "nav": "advisor",
    }
    return render(request, "advisor/result.html", context)
