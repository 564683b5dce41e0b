"""Retirement notices: an editor sets date, successors and notice; status follows the date."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.lifecycle import Status
from catalog.models import Certification
from tests.conftest import make_certification

from .conftest import edit

LAST_DAY = dt.date(2027, 3, 31)


@pytest.fixture
def on_day(monkeypatch):
    """Makes "today" a given date for everything that asks Django."""

    def travel(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return travel


def test_an_editor_announces_a_retirement_with_successor_and_notice(editor_client):
    successor = make_certification(name="New Exam")
    cert = make_certification(name="Old Exam")
    response = edit(
        editor_client,
        cert,
        retirement_date=LAST_DAY.isoformat(),
        replacements=[str(successor.pk)],
        notice="Old Exam is replaced by New Exam.",
        change_source="https://example.com/retirement",
        change_note="Retirement announced",
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.retirement_date == LAST_DAY
    assert list(cert.replacements.all()) == [successor]
    entry = cert.public_history()[0]
    assert entry.source == "https://example.com/retirement"
    assert ("Retirement date", "none", "31 Mar 2027") in [
        (c.label, c.old, c.new) for c in entry.changes
    ]


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (LAST_DAY - dt.timedelta(days=91), Status.ACTIVE),
        (LAST_DAY - dt.timedelta(days=90), Status.RETIRING),
        (LAST_DAY, Status.RETIRING),  # the last day to sit the exam
        (LAST_DAY + dt.timedelta(days=1), Status.RETIRED),
    ],
)
def test_status_flips_by_itself_on_the_dates(db, on_day, today, status):
    cert = make_certification(retirement_date=LAST_DAY)
    versions = cert.history.count()
    on_day(today)
    assert Certification.objects.get(pk=cert.pk).status is status
    assert Certification.objects.with_status().get(pk=cert.pk).status_code == status.value
    assert cert.history.count() == versions  # nobody had to save anything


def test_retiring_soon_shows_across_the_site(client, db, on_day):
    successor = make_certification(name="Successor Exam")
    cert = make_certification(
        name="Leaving Exam", retirement_date=LAST_DAY, replacements=[successor]
    )
    on_day(LAST_DAY - dt.timedelta(days=30))
    badge = "Retiring on 31 Mar 2027"
    assert badge in client.get("/certifications/").content.decode()
    detail = client.get(cert.get_absolute_url()).content.decode()
    assert "Retiring: the last day to sit this exam is 31 March 2027." in detail
    changes = client.get("/changes/").content.decode()
    assert "Retiring in the next 90 days" in changes and badge in changes
    assert "Successor Exam" in changes

    on_day(LAST_DAY + dt.timedelta(days=1))
    detail = client.get(cert.get_absolute_url()).content.decode()
    assert "Retired on 31 March 2027" in detail
    assert "Retiring in the next 90 days" not in client.get("/changes/").content.decode()
