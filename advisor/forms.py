"""Reads and writes the advisor's state: every answer lives in the query string.

Flowchart answers are checked by ``flow.walk``; the refinement answers (budget,
topics, provider, format) are checked here against the catalogue's choices.
Anything that does not fit is reported so the visitor is sent back to that step.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

from . import flow

BUDGETS = (100, 200, 300, 500, 1000)
MAX_BUDGET = Decimal("100000")
MAX_BUDGET_LENGTH = 20
FORMATS = {
    "exam": "An exam I can book and sit",
    "course": "A course or programme that ends with a certificate",
}
MAX_TOPICS = 20


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class State:
    walk: flow.Walk
    refinements: dict[str, list[str]] = field(default_factory=dict)  # key -> accepted values
    invalid: list[str] = field(default_factory=list)

    @property
    def refinement(self) -> str | None:
        """The refinement step to ask next, once the flowchart is done."""
        if self.walk.outcome is None:
            return None
        return flow.next_refinement(self.refinements)

    @property
    def complete(self) -> bool:
        return self.walk.outcome is not None and self.refinement is None

    @property
    def step_key(self) -> str:
        return self.walk.question.key if self.walk.question else (self.refinement or "result")

    @property
    def step_number(self) -> int:
        return flow.step_number(self.walk, self.refinement)

    def chosen(self, key: str) -> list[str]:
        values = self.refinements.get(key, [])
        return [] if values == [flow.SKIP] else values

    @property
    def budget(self) -> Decimal | None:
        values = self.chosen("budget")
        return Decimal(values[0]) if values else None

    def params(self, *, without: str | None = None) -> list[tuple[str, str]]:
        """The state as ordered query parameters, up to (not including) ``without``."""
        pairs = []
        for question, answer in self.walk.steps:
            if question.key == without:
                return pairs
            pairs.append((question.key, answer.value))
        for key in flow.REFINEMENTS:
            if key == without or key not in self.refinements:
                break
            pairs.extend((key, v) for v in self.refinements[key])
        return pairs

    def query(self, **kwargs) -> str:
        return urlencode(self.params(**kwargs))

    def back_query(self) -> str | None:
        """The previous step's URL query: this state less the last answer given."""
        answered = [k for k in flow.REFINEMENTS if k in self.refinements]
        if answered:
            return self.query(without=answered[-1])
        if self.walk.steps:
            return self.query(without=self.walk.steps[-1][0].key)
        return None

    def skip_rest_query(self) -> str:
        pairs = self.params()
        pairs.extend((k, flow.SKIP) for k in flow.REFINEMENTS if k not in self.refinements)
        return urlencode(pairs)


def _budget(values: list[str]) -> list[str] | None:
    """A budget in whole dollars, written canonically ("250", never "2.5E+2").

    The value is said back in every link of the page, so it must stay short whatever
    was typed: anything long, not finite, under a dollar or over MAX_BUDGET is refused.
    """
    if values == [flow.SKIP]:
        return values
    if len(values) != 1 or len(values[0]) > MAX_BUDGET_LENGTH:
        return None
    try:
        amount = Decimal(values[0])
    except InvalidOperation:
        return None
    if not amount.is_finite() or not Decimal(1) <= amount <= MAX_BUDGET:
        return None
    return [str(int(amount.to_integral_value(rounding=ROUND_HALF_UP)))]


def read_state(params, *, topics: dict[str, str], providers: dict[str, str]) -> State:
    """Parses a query string into the advisor's state, collecting what did not fit."""
    answers = {k: params.get(k) for k in flow.QUESTIONS if params.get(k) is not None}
    walk = flow.walk(answers)
    state = State(walk=walk, invalid=list(walk.invalid))
    if walk.outcome is None:
        state.invalid += [k for k in flow.REFINEMENTS if k in params]
        return state
    for key in flow.REFINEMENTS:
        if key not in params:
            continue
        values = [v.strip() for v in params.getlist(key)][: MAX_TOPICS + 1]
        if key == "budget":
            accepted = _budget(values)
        elif values == [flow.SKIP]:
            accepted = values
        elif key == "topics":
            known = list(dict.fromkeys(v for v in values if v in topics))
            accepted = known if known and len(known) == len(set(values)) else None
        elif key == "provider":
            accepted = values if len(values) == 1 and values[0] in providers else None
        else:
            accepted = values if len(values) == 1 and values[0] in FORMATS else None
        if accepted is None:
            state.invalid.append(key)
        else:
            state.refinements[key] = accepted
    # A refinement after an unanswered one is out of order: keep only the leading run.
    for later in flow.REFINEMENTS[len(_leading(state.refinements)) :]:
        if later in state.refinements:
            state.invalid.append(later)
            del state.refinements[later]
    return state


def _leading(refinements: dict) -> list[str]:
    keys = []
    for key in flow.REFINEMENTS:
        if key not in refinements:
            break
        keys.append(key)
    return keys


def budget_choices() -> list[Choice]:
    return [Choice(str(b), f"Up to ${b:,} in all") for b in BUDGETS]


def format_choices() -> list[Choice]:
    return [Choice(k, v) for k, v in FORMATS.items()]


@dataclass(frozen=True)
class Step:
    """A refinement question as the step page shows it."""

    key: str
    text: str
    why: str
    multiple: bool = False


REFINEMENT_STEPS = {
    s.key: s
    for s in [
        Step(
            "budget",
            "What can you spend on it in all?",
            "We leave out anything that costs more. Subscriptions count as their monthly "
            "price times the months a typical learner takes.",
        ),
        Step(
            "topics",
            "Which topics interest you?",
            "Pick as many as you like; recommendations cover at least one of them.",
            multiple=True,
        ),
        Step(
            "provider",
            "Do you prefer a cloud or provider?",
            "Employers often look for the platform they use, so a matching credential can "
            "count for more.",
        ),
        Step(
            "format",
            "Do you want an exam or a course?",
            "An exam tests what you know; a course teaches it and ends with a certificate.",
        ),
    ]
}
