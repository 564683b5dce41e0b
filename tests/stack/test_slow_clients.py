"""Slow clients wait in nginx: they never hold a gunicorn worker.

Without nginx, four sockets trickling header bytes hold both sync workers until gunicorn's
timeout and every other visitor waits (`python -m deploy.slowclients --url <gunicorn>`
shows it). Here 32 of them, against two workers, for 10 s (the README's manual run: 30 s).
"""

import pytest

from deploy.slowclients import slow_clients

pytestmark = pytest.mark.stack


def test_32_trickling_connections_do_not_delay_other_visitors(one_instance):
    before, during, opened = slow_clients(
        one_instance.url, connections=32, duration=10, path="/certifications/"
    )
    print(
        f"\nslow clients: before {before.summary()}; during ({opened} sockets) {during.summary()}"
    )
    assert opened >= 32
    assert before.failures == during.failures == 0
    # Starved, a visitor would wait for a slow client to time out (seconds, the whole run);
    # the bound leaves room for the other work on a shared 2-core machine.
    assert len(during.seconds) >= 10
    assert during.percentile(99) < 2.0
    log = (one_instance.stack.run_dir / "gunicorn0.log").read_text()
    assert "WORKER TIMEOUT" not in log
