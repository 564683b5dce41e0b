"""`make loadtest`: mixed public traffic through a running `make serve` while an editor saves.

wrk (Debian's package) drives ``--connections`` connections for ``--duration`` seconds over
catalogue pages, filtered pages, HTMX partials, details, a comparison and advisor results
(deploy/loadtest.lua). Meanwhile an editor, signed in through nginx like a browser, saves a
new price for one of those certifications every second through the admin's change form.
Afterwards every save must be in the certification's history, in order, and the page must
show the last price. Prints the figures as Markdown.

    make serve            # in one terminal
    make loadtest         # in another (LOADTEST_ARGS="--duration 10" for a short run)

The editor is LOADTEST_EDITOR / LOADTEST_PASSWORD if set; otherwise a throwaway editor
account is created for the run and deactivated afterwards (same DATABASE_URL as make serve).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

from deploy import serve
from deploy.editor import EditorSession

SCRIPT = Path(__file__).with_name("loadtest.lua")
SLUG = "aws-ai-practitioner"  # one of the pages the load asks for
SOURCE = "https://example.com/load-test-fees"


def _history(env: dict[str, str], certification_id: int, since: float) -> list[Decimal]:
    import datetime as dt

    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT cost_amount FROM catalog_historicalcertification "
            "WHERE id = %s AND history_date >= %s AND history_type = '~' ORDER BY history_id",
            [certification_id, dt.datetime.fromtimestamp(since, dt.UTC)],
        ).fetchall()
    return [row[0] for row in rows]


def _editor(env: dict[str, str]) -> tuple[str, str, bool]:
    if os.environ.get("LOADTEST_EDITOR"):
        return os.environ["LOADTEST_EDITOR"], os.environ.get("LOADTEST_PASSWORD", ""), False
    username, password = f"loadtest-{int(time.time())}", secrets.token_urlsafe(24)
    serve.manage(
        env | {"DJANGO_EDITOR_PASSWORD": password}, "create_editor", username, "--no-input"
    )
    return username, password, True


def _deactivate(env: dict[str, str], username: str) -> None:
    code = (
        "from django.contrib.auth.models import User; "
        f"User.objects.filter(username={username!r}).update(is_active=False)"
    )
    serve.manage(env, "shell", "-v0", "-c", code)


def run(url: str, *, connections: int, duration: int, threads: int) -> dict:
    env = serve.child_environment()
    if not serve.wait_http(f"{url}/healthz", timeout=5):
        raise SystemExit(f"{url}/healthz does not answer 200: is `make serve` running?")
    username, password, created = _editor(env)
    editor = EditorSession(url, timeout=30)
    if editor.sign_in(username, password) != 302:
        raise SystemExit(f"editor {username} could not sign in at {url}/admin/")
    certification_id = editor.certification_id(SLUG)

    saves: list[tuple[str, int, float]] = []
    stop = threading.Event()

    def save_every_second():
        n, next_at = 0, time.monotonic()
        while not stop.is_set():
            stop.wait(max(0.0, next_at - time.monotonic()))
            if stop.is_set():
                break
            n += 1
            amount = str(500 + n)
            start = time.monotonic()
            status = editor.save_price(certification_id, amount, source=SOURCE)
            saves.append((amount, status, time.monotonic() - start))
            next_at += 1.0

    since = time.time() - 1  # history_date is the database's clock: allow a little skew
    saver = threading.Thread(target=save_every_second)
    saver.start()
    try:
        wrk = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
             "--latency", "-s", str(SCRIPT), url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        stop.set()
        saver.join()
    match = re.search(r"^WRK_JSON (.*)$", wrk.stdout, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{wrk.stdout}\n{wrk.stderr}")
    load = json.loads(match.group(1))

    history = _history(env, certification_id, since)
    saved = [Decimal(amount) for amount, status, _ in saves if status == 302]
    status, _, html = editor.request(f"/certifications/{SLUG}/")
    shown = re.search(r"<dt>Cost</dt><dd>(?:<span[^>]*>)?([^<]*)", html)
    if created:
        _deactivate(env, username)
    save_times = [seconds for _, _, seconds in saves]
    return {
        "load": load,
        "saves": len(saves),
        "saves_ok": len(saved),
        "saves_in_history": sum(1 for amount in saved if amount in history),
        "history_in_order": history == saved,
        "save_p50_ms": statistics.median(save_times) * 1000 if save_times else None,
        "save_max_ms": max(save_times) * 1000 if save_times else None,
        "last_price_shown": bool(shown and saved and shown.group(1).startswith(f"${saved[-1]}")),
        "wrk": wrk.stdout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    result = run(
        args.url.rstrip("/"),
        connections=args.connections,
        duration=args.duration,
        threads=args.threads,
    )
    load = result["load"]
    errors = sum(load[k] for k in ("connect", "read", "write", "status", "timeout"))
    print(result["wrk"])
    print(f"| {args.connections} connections, {args.duration} s | value |")
    print("| --- | ---: |")
    print(f"| requests | {load['requests']:,} |")
    print(f"| req/s | {load['requests'] / load['seconds']:,.0f} |")
    print(f"| errors (connect/read/write/timeout/non-2xx) | {errors} |")
    print(f"| p50 / p90 / p99 / max | {load['p50_ms']:.1f} / {load['p90_ms']:.1f} / "
          f"{load['p99_ms']:.1f} / {load['max_ms']:.0f} ms |")  # fmt: skip
    print(f"| editor saves (302) | {result['saves_ok']} of {result['saves']} |")
    print(f"| saves in the history, in order | {result['saves_in_history']}, "
          f"{'yes' if result['history_in_order'] else 'NO'} |")  # fmt: skip
    print(f"| save time p50 / max | {result['save_p50_ms']:.0f} / {result['save_max_ms']:.0f} ms |")
    print(f"| last price shown at once | {'yes' if result['last_price_shown'] else 'NO'} |")
    ok = (
        errors == 0
        and result["saves_ok"] == result["saves"] > 0
        and result["history_in_order"]
        and result["last_price_shown"]
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
