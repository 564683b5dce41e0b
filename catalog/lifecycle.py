"""A certification's status, derived from its retirement date and today.

Nothing here touches Django: the same rules serve the model, the QuerySet
annotation (which mirrors them in SQL) and the tests.
"""

import datetime as dt
from enum import StrEnum

RETIRING_SOON_DAYS = 90


class Status(StrEnum):
    ACTIVE = "active"
    RETIRING = "retiring"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {
            Status.ACTIVE: "Active",
            Status.RETIRING: "Retiring soon",
            Status.RETIRED: "Retired",
        }[self]


def retiring_window_start(retirement_date: dt.date) -> dt.date:
    """The first day on which a certification counts as retiring soon."""
    return retirement_date - dt.timedelta(days=RETIRING_SOON_DAYS)


def status_on(*, retirement_date: dt.date | None, today: dt.date) -> Status:
    """Status on ``today``; the retirement date is the last day to sit the exam."""
    if retirement_date is None:
        return Status.ACTIVE
    if today > retirement_date:
        return Status.RETIRED
    if today >= retiring_window_start(retirement_date):
        return Status.RETIRING
    return Status.ACTIVE
