"""The article's flowchart "Should you get certified?" as data, and walking it.

No Django here: questions, answers, where each answer leads, and the outcomes.
The optional refinement steps that follow the flowchart are named here too;
their choices come from the catalogue (see forms.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    next: str  # a question key or an outcome key


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    why: str
    answers: tuple[Answer, ...]

    def answer(self, value: str | None) -> Answer | None:
        return next((a for a in self.answers if a.value == value), None)


@dataclass(frozen=True)
class Outcome:
    key: str
    title: str
    summary: str
    advice: tuple[str, ...]
    scenarios: tuple[str, ...] = ()  # guide slugs: when to certify
    mistakes: tuple[str, ...] = ()
    pitfalls: tuple[str, ...] = ()
    show_portfolio: bool = False


START = "experience"

QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in [
        Question(
            key="experience",
            text="Do you have prior AI/ML experience?",
            why="Experience decides whether a certification would teach you the field or "
            "vouch for what you already do.",
            answers=(
                Answer("no", "No, I am new to AI and machine learning", "career_change"),
                Answer("yes", "Yes, I have built or studied ML systems", "recognition"),
            ),
        ),
        Question(
            key="career_change",
            text="Are you changing careers?",
            why="A structured credential helps most when you need to show a new employer "
            "that you have covered the basics.",
            answers=(
                Answer("yes", "Yes, I want to move into an AI role", "entry-level"),
                Answer("no", "No, I am curious or want AI skills in my current job", "free"),
            ),
        ),
        Question(
            key="recognition",
            text="Do you need formal recognition?",
            why="Promotions, consulting proposals and some employers ask for a credential; "
            "elsewhere a portfolio speaks louder.",
            answers=(
                Answer("yes", "Yes, an employer, client or promotion asks for it", "advanced"),
                Answer("no", "No, I want to be better at the work itself", "projects"),
            ),
        ),
    ]
}

OUTCOMES: dict[str, Outcome] = {
    o.key: o
    for o in [
        Outcome(
            key="entry-level",
            title="Consider an entry-level certification",
            summary="You are moving into AI from another field. An entry-level certification "
            "gives your learning a structure and shows employers you have covered the basics.",
            advice=(
                "Pick one foundational or associate credential that matches the cloud or tools "
                "used where you want to work, rather than collecting several.",
                "Do the hands-on labs, not just the videos: interviews for AI roles test what "
                "you can build.",
                "Pair it with one small project you can show, so the certificate is evidence "
                "of skills rather than a substitute for them.",
            ),
            scenarios=("software-engineer-to-ai", "applying-to-large-tech-firms"),
            mistakes=("skipping-prerequisites", "choosing-by-brand"),
            pitfalls=("expecting-instant-job-offers", "focusing-on-theory-only"),
        ),
        Outcome(
            key="free",
            title="Free learning resources may suffice",
            summary="You are not changing careers, so you do not need a credential to prove "
            "yourself. Free courses and audit options teach the same material without the fee.",
            advice=(
                "Audit a course for free first; pay for the certificate only if you later need "
                "to show it to someone.",
                "Spend the money you save on cloud credits for a small project of your own.",
                "Revisit certification if your goals change: the entry-level options below are "
                "the ones to consider then.",
            ),
            scenarios=("exploring-ai-casually",),
            mistakes=("choosing-by-brand",),
            pitfalls=("overpaying-for-generic-courses",),
        ),
        Outcome(
            key="advanced",
            title="An advanced certification can help",
            summary="You already have experience and someone needs to see it on paper. A "
            "respected professional-level certification adds authority to what you have done.",
            advice=(
                "Choose the credential your employer or clients recognise; a widely known "
                "vendor exam usually counts for more than a niche one.",
                "Use the exam guide as a checklist of gaps, then close them with real work.",
                "Check the exam's version and retirement date before you book: several changed "
                "during 2026.",
            ),
            scenarios=("promotion-or-consulting", "applying-to-large-tech-firms"),
            mistakes=("ignoring-version-updates", "neglecting-soft-skills"),
            pitfalls=("ignoring-cloud-integration", "expecting-instant-job-offers"),
        ),
        Outcome(
            key="projects",
            title="Focus on projects and publications",
            summary="You have experience and nobody is asking for a credential. Projects, "
            "open-source work and write-ups will show more of what you can do than an exam.",
            advice=(
                "Build one end-to-end project: data, model, deployment and monitoring.",
                "Write about what you learnt; a clear post or talk reaches further than a badge.",
                "A certification stays optional: take one later if a client or employer asks.",
            ),
            scenarios=("software-engineer-to-ai", "promotion-or-consulting"),
            mistakes=("neglecting-soft-skills",),
            pitfalls=("focusing-on-theory-only",),
            show_portfolio=True,
        ),
    ]
}

# Optional steps after the flowchart, in order. Each is answered or skipped ("any").
REFINEMENTS = ("budget", "topics", "provider", "format")
SKIP = "any"


def flow_depth(key: str = START) -> int:
    """The number of questions on the longest path from ``key``."""
    if key not in QUESTIONS:
        return 0
    return 1 + max(flow_depth(a.next) for a in QUESTIONS[key].answers)


TOTAL_STEPS = flow_depth() + len(REFINEMENTS)


@dataclass(frozen=True)
class Walk:
    """Where a visitor's answers lead."""

    steps: tuple[tuple[Question, Answer], ...]
    question: Question | None = None  # the next question, if the flowchart is unfinished
    outcome: Outcome | None = None
    invalid: tuple[str, ...] = field(default_factory=tuple)  # answers that did not fit

    @property
    def answers(self) -> dict[str, str]:
        return {q.key: a.value for q, a in self.steps}

    @property
    def route(self) -> list[str]:
        """Node keys from the start to the outcome (or the current question)."""
        keys = [q.key for q, _ in self.steps]
        if self.outcome:
            keys.append(self.outcome.key)
        elif self.question:
            keys.append(self.question.key)
        return keys


def walk(answers: Mapping[str, str]) -> Walk:
    """Follows ``answers`` through the flowchart from the start.

    Stops at the first question without a valid answer. An unknown answer, or an
    answer to a question off the route (a tampered or stale link), is reported
    in ``invalid`` so the visitor can be sent back to the step that needs them.
    """
    steps: list[tuple[Question, Answer]] = []
    invalid: list[str] = []
    key = START
    while key in QUESTIONS:
        question = QUESTIONS[key]
        value = answers.get(key)
        answer = question.answer(value)
        if answer is None:
            if value is not None:
                invalid.append(key)
            return Walk(
                tuple(steps),
                question=question,
                invalid=tuple(invalid + _off_route(answers, steps, key)),
            )
        steps.append((question, answer))
        key = answer.next
    return Walk(
        tuple(steps), outcome=OUTCOMES[key], invalid=tuple(_off_route(answers, steps, None))
    )


def _off_route(answers: Mapping[str, str], steps, current: str | None) -> list[str]:
    on_route = {q.key for q, _ in steps} | ({current} if current else set())
    return [k for k in QUESTIONS if k in answers and k not in on_route]


def next_refinement(values: Mapping[str, object]) -> str | None:
    """The first refinement step not yet answered or skipped."""
    return next((key for key in REFINEMENTS if key not in values), None)


def step_number(walk_: Walk, refinement: str | None) -> int:
    """1-based position of the current step, for "Step 2 of 6"."""
    if walk_.question:
        return len(walk_.steps) + 1
    done = REFINEMENTS.index(refinement) if refinement else len(REFINEMENTS)
    return flow_depth() + done + 1
