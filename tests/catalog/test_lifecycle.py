import datetime as dt

import pytest

from catalog.lifecycle import RETIRING_SOON_DAYS, Status, status_on

RETIRES = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (RETIRES - dt.timedelta(days=RETIRING_SOON_DAYS + 1), Status.ACTIVE),
        (RETIRES - dt.timedelta(days=RETIRING_SOON_DAYS), Status.RETIRING),
        (RETIRES - dt.timedelta(days=1), Status.RETIRING),
        (RETIRES, Status.RETIRING),
        (RETIRES + dt.timedelta(days=1), Status.RETIRED),
    ],
    ids=["91-days-before", "90-days-before", "day-before", "on-the-day", "day-after"],
)
def test_status_follows_the_retirement_date(today, expected):
    assert status_on(retirement_date=RETIRES, today=today) is expected


def test_no_retirement_date_means_active_forever():
    assert status_on(retirement_date=None, today=dt.date(2099, 1, 1)) is Status.ACTIVE


def test_status_labels_are_words():
    assert [s.label for s in Status] == ["Active", "Retiring soon", "Retired"]
