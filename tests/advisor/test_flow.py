import pytest

from advisor.flow import (
    OUTCOMES,
    QUESTIONS,
    REFINEMENTS,
    START,
    TOTAL_STEPS,
    next_refinement,
    step_number,
    walk,
)

# The article's flowchart, path by path.
PATHS = [
    (
        {"experience": "no", "career_change": "yes"},
        "entry-level",
        "Consider an entry-level certification",
    ),
    ({"experience": "no", "career_change": "no"}, "free", "Free learning resources may suffice"),
    ({"experience": "yes", "recognition": "yes"}, "advanced", "An advanced certification can help"),
    ({"experience": "yes", "recognition": "no"}, "projects", "Focus on projects and publications"),
]


@pytest.mark.parametrize(("answers", "key", "title"), PATHS)
def test_each_path_ends_in_its_outcome(answers, key, title):
    result = walk(answers)
    assert result.outcome.key == key
    assert result.outcome.title == title
    assert result.question is None and result.invalid == ()
    assert result.answers == answers


def test_the_questions_are_the_articles():
    assert QUESTIONS[START].text == "Do you have prior AI/ML experience?"
    assert QUESTIONS["career_change"].text == "Are you changing careers?"
    assert QUESTIONS["recognition"].text == "Do you need formal recognition?"


def test_every_answer_leads_to_a_question_or_an_outcome():
    for question in QUESTIONS.values():
        for answer in question.answers:
            assert answer.next in QUESTIONS or answer.next in OUTCOMES


def test_nothing_loops_and_every_node_is_reachable():
    seen, stack = set(), [(START, frozenset())]
    while stack:
        key, path = stack.pop()
        assert key not in path, f"loop through {key}"
        seen.add(key)
        if key in QUESTIONS:
            stack.extend((a.next, path | {key}) for a in QUESTIONS[key].answers)
    assert seen == set(QUESTIONS) | set(OUTCOMES)


def test_every_outcome_is_reached_by_exactly_one_path():
    reached = [walk(answers).outcome.key for answers, _, _ in PATHS]
    assert sorted(reached) == sorted(OUTCOMES)


def test_no_answers_starts_at_the_first_question():
    result = walk({})
    assert result.question.key == START and result.steps == ()


def test_partial_answers_stop_at_the_next_question():
    result = walk({"experience": "yes"})
    assert result.question.key == "recognition"
    assert result.route == ["experience", "recognition"]


def test_unknown_answer_returns_to_that_question():
    result = walk({"experience": "maybe", "career_change": "yes"})
    assert result.question.key == "experience"
    assert "experience" in result.invalid


def test_answers_off_the_route_are_reported():
    # "recognition" is only asked of people with experience.
    result = walk({"experience": "no", "recognition": "yes"})
    assert result.question.key == "career_change"
    assert result.invalid == ("recognition",)
    finished = walk({"experience": "no", "career_change": "yes", "recognition": "yes"})
    assert finished.outcome.key == "entry-level"
    assert finished.invalid == ("recognition",)


def test_refinements_come_in_order_and_can_be_skipped():
    assert next_refinement({}) == "budget"
    assert next_refinement({"budget": "any"}) == "topics"
    assert next_refinement(dict.fromkeys(REFINEMENTS, "any")) is None


def test_step_numbers_count_flow_and_refinements():
    assert TOTAL_STEPS == 6
    assert step_number(walk({}), None) == 1
    assert step_number(walk({"experience": "no"}), None) == 2
    done = walk({"experience": "no", "career_change": "no"})
    assert step_number(done, "budget") == 3
    assert step_number(done, "format") == 6


def test_outcomes_name_guide_entries_that_exist():
    import json
    from pathlib import Path

    guide = json.loads((Path(__file__).parents[2] / "fixtures" / "guide.json").read_text())
    slugs = {o["fields"]["slug"] for o in guide}
    for outcome in OUTCOMES.values():
        for slug in outcome.scenarios + outcome.mistakes + outcome.pitfalls:
            assert slug in slugs, (outcome.key, slug)
