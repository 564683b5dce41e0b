"""The suggestion limit holds when many requests arrive at once (issue 10, finding 5)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from editorial.models import SUGGESTIONS_PER_HOUR, CorrectionSuggestion
from tests.conftest import make_certification

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent transactions need PostgreSQL (test SQLite is one in-memory file)",
)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_suggestions_from_one_address_store_exactly_the_limit():
    cert = make_certification()
    start = threading.Barrier(20)
    statuses = []

    def send():
        client = Client()
        try:
            start.wait()
            response = client.post(
                f"/certifications/{cert.slug}/suggest/",
                {
                    "field": "cost_amount",
                    "proposed_value": "250",
                    "source_url": "https://example.com/fee",
                    "website": "",
                },
                REMOTE_ADDR="198.51.100.7",
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert CorrectionSuggestion.objects.count() == SUGGESTIONS_PER_HOUR
    assert sorted(statuses) == [302] * SUGGESTIONS_PER_HOUR + [429] * (20 - SUGGESTIONS_PER_HOUR)
