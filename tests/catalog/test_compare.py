import datetime as dt
import math
from decimal import Decimal

import pytest

from catalog.compare import (
    Cell,
    build_rows,
    mark_best,
    parse_picks,
    replaced,
    toggled,
)
from catalog.models import Certification
from tests.conftest import make_certification


def test_picks_keep_order_and_drop_repeats_bad_slugs_and_extras():
    picks = parse_picks(["b", "a", "b", "no/pe", "c", "d", "e", " f "])
    assert picks.slugs == ["b", "a", "c", "d"]
    assert picks.dropped_repeats == ["b"]
    assert picks.dropped_invalid == ["no/pe"]
    assert picks.dropped_over_limit == ["e", "f"]


def test_picks_from_an_empty_url():
    assert parse_picks([]).slugs == []


def test_toggle_and_replace():
    assert toggled(["a", "b"], "a") == ["b"]
    assert toggled(["a"], "b") == ["a", "b"]
    assert replaced(["a", "old", "c"], "old", "new") == ["a", "new", "c"]
    assert replaced(["new", "old"], "old", "new") == ["new"]


def cells(*values):
    return [Cell(str(v), sort_value=v) for v in values]


def test_best_is_the_lowest_known_value_with_ties_all_marked():
    row = cells(200, 100, None, 100)
    mark_best(row, lowest=True)
    assert [c.best for c in row] == [False, True, False, True]


def test_no_best_when_all_agree_or_only_one_is_known():
    same = cells(100, 100)
    mark_best(same, lowest=True)
    assert not any(c.best for c in same)
    lonely = cells(100, None)
    mark_best(lonely, lowest=True)
    assert not any(c.best for c in lonely)


def test_highest_wins_when_asked_and_infinity_counts():
    row = cells(24, math.inf, 36)
    mark_best(row, lowest=False)
    assert [c.best for c in row] == [False, True, False]


@pytest.fixture
def trio(db):
    a = make_certification(
        name="A",
        cost_amount=Decimal("200"),
        recognition=4,
        exam_duration_minutes=120,
        validity_months=24,
    )
    b = make_certification(
        name="B",
        cost_amount=Decimal("49"),
        billing="per-month",
        typical_months=3,
        recognition=5,
        exam_duration_minutes=None,
        validity_note="Does not expire",
    )
    c = make_certification(
        name="C",
        cost_amount=None,
        billing="unknown",
        recognition=4,
        exam_duration_minutes=90,
        validity_months=36,
        retirement_date=dt.date(2020, 1, 1),
        replacements=[a],
    )
    return [Certification.objects.listed().get(pk=x.pk) for x in (a, b, c)]


def by_label(rows):
    return {r.label: r for r in rows}


def test_rows_mark_best_values_by_estimated_total_and_ignore_unknowns(trio):
    rows = by_label(build_rows(trio))
    # B: $49 x 3 = $147 beats A's $200; C's unknown cost is never "best".
    assert [c.best for c in rows["Cost"].cells] == [False, True, False]
    assert rows["Cost"].best_label == "Lowest estimated cost"
    assert rows["Cost"].cells[2].unknown
    assert [c.best for c in rows["Recognition"].cells] == [False, True, False]
    assert [c.best for c in rows["Exam length"].cells] == [False, False, True]
    assert [c.best for c in rows["Validity and renewal"].cells] == [False, True, False]


def test_rows_say_which_differ(trio):
    rows = by_label(build_rows(trio))
    assert rows["Cost"].differs
    assert not rows["Format"].differs
    assert not rows["Difficulty"].differs


def test_retired_pick_lists_its_successor(trio):
    status = by_label(build_rows(trio))["Status"].cells[2]
    assert status.text == "Retired 1 Jan 2020"
    assert status.links == [("A", trio[0].get_absolute_url())]


def test_unknowns_say_so(trio):
    rows = by_label(build_rows(trio))
    assert rows["Exam length"].cells[1].text == "not published"
    assert rows["Cost"].cells[2].text == "not published"
