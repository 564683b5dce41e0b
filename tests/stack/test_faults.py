"""Faults: Redis goes away, PostgreSQL restarts, a worker dies under load.

Redis and PostgreSQL faults are injected on servers started here for the purpose (a
redis-server with no persistence, a PostgreSQL cluster in a temporary directory), never on
the machine's own.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deploy import serve
from deploy.editor import EditorSession
from tests.stack.conftest import (
    EDITOR,
    EDITOR_PASSWORD,
    app_env,
    as_postgres_user,
    get,
    postgres_bin,
    redis_server,
    run_quiet,
    start_stack,
    wait_until,
    worker_pids,
)
from tests.stack.test_scale_out import detail, shown_price

pytestmark = pytest.mark.stack

SOURCE = "https://example.com/fees"
PAGES = [
    "/certifications/",
    "/certifications/?provider=aws",
    "/certifications/aws-ai-practitioner/",
    "/compare/?c=aws-ai-practitioner&c=aws-ml-engineer-associate",
]


def healthz(url: str) -> tuple[int, dict]:
    status, body = get(f"{url}/healthz")
    return status, json.loads(body)


class ThrowawayRedis:
    def __init__(self, workdir: Path):
        self.port = serve.free_port()
        self.workdir = workdir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [redis_server(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        assert wait_until(answers, timeout=10) is not None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.mark.skipif(redis_server() is None, reason="redis-server is not installed")
def test_with_redis_stopped_pages_are_served_uncached_and_healthz_says_so(
    tmp_path, stack_database, static_root
):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    env = app_env(stack_database, REDIS_URL=f"redis://127.0.0.1:{redis.port}/0")
    running = start_stack(tmp_path / "run", env, static_root, instances=1)
    try:
        assert healthz(running.url) == (200, {"database": "ok", "cache": "ok"})
        for page in PAGES:
            assert get(running.url + page)[0] == 200
        editor = EditorSession(running.url)
        assert editor.sign_in(EDITOR, EDITOR_PASSWORD) == 302
        slug = "aws-ml-engineer-associate"
        cert_id = editor.certification_id(slug)

        redis.stop()
        start = time.monotonic()
        assert healthz(running.url) == (503, {"database": "ok", "cache": "down"})
        assert time.monotonic() - start < 3, "a dead cache must not hang the health check"
        timings = []
        for page in PAGES * 3:
            start = time.monotonic()
            assert get(running.url + page)[0] == 200, page
            timings.append(time.monotonic() - start)
        # Nothing lost: the editor stays signed in (sessions live in PostgreSQL) and saves.
        assert editor.signed_in()
        assert editor.save_price(cert_id, "431", source=SOURCE) == 302
        assert shown_price(detail(running.url, slug)).startswith("$431")
        print(f"\nredis down: pages served, slowest {max(timings) * 1000:.0f} ms")

        redis.start()  # same port, empty, as after a restart
        assert wait_until(lambda: healthz(running.url)[0] == 200, timeout=15) is not None
        assert shown_price(detail(running.url, slug)).startswith("$431")
        assert editor.save_price(cert_id, "432", source=SOURCE) == 302
        assert shown_price(detail(running.url, slug)).startswith("$432")
    finally:
        running.stack.stop()
        redis.stop()


@pytest.fixture
def throwaway_postgres():
    """A PostgreSQL cluster of our own on a free port, to restart at will."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: initdb cannot run")
    workdir = Path(tempfile.mkdtemp(prefix="certsite-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data, port = workdir / "data", serve.free_port()
    run_quiet([*as_postgres_user(), str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
               "--auth=trust", "--no-sync", "-E", "UTF8"])  # fmt: skip
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*as_postgres_user(), str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "30"]
    log = ["-l", str(workdir / "postgres.log")]
    run_quiet([*pg_ctl, *log, "-o", options, "start"])

    def restart():
        run_quiet([*pg_ctl, *log, "-m", "fast", "-o", options, "restart"])

    try:
        yield f"postgres://postgres@127.0.0.1:{port}/certsite", restart
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def test_after_a_postgresql_restart_the_site_recovers_without_restarting_gunicorn(
    tmp_path, throwaway_postgres, static_root, stack_database
):
    database, restart = throwaway_postgres
    # Pages rendered each time (no response cache), so every request needs the database.
    env = app_env(database, DJANGO_PAGE_CACHE="0")
    # The stack tests' database, copied over with make backup / make restore (faster than
    # migrating and seeding again).
    dump = tmp_path / "stack.dump"
    serve.manage(app_env(stack_database), "backup", "--output", str(dump), "-v0")
    serve.check_services(env)  # creates the database
    serve.manage(env, "restore", str(dump), "--no-input", "-v0")
    running = start_stack(tmp_path / "run", env, static_root, instances=1)
    try:
        master = running.gunicorn().pid
        workers = worker_pids(master)
        # Fill both workers' connection pools.
        with ThreadPoolExecutor(4) as pool:
            assert set(pool.map(lambda p: get(running.url + p)[0], PAGES * 4)) == {200}

        # Visitors keep coming while it restarts.
        stop, during = threading.Event(), []

        def visitor():
            while not stop.is_set():
                during.append(get(running.url + PAGES[2], timeout=30)[0])

        visitors = [threading.Thread(target=visitor) for _ in range(4)]
        for thread in visitors:
            thread.start()
        time.sleep(0.5)
        start = time.monotonic()
        restart()
        back = time.monotonic()
        time.sleep(0.5)
        stop.set()
        for thread in visitors:
            thread.join(30)
        statuses = []

        def recovered():
            statuses.append(get(running.url + PAGES[0])[0])
            return statuses[-1] == 200

        waited = wait_until(recovered, timeout=30, interval=0.05)
        assert waited is not None, f"no 200 within 30 s of the restart: {statuses}"
        # Then every request succeeds: no broken pooled connection is handed out again.
        after = [get(running.url + page)[0] for page in PAGES * 5]
        failed = sum(status != 200 for status in statuses)
        print(
            f"\npostgres restart: took {back - start:.2f} s; first 200 {waited:.2f} s after it "
            f"was back; {failed} failed requests while recovering ({statuses[:10]}); "
            f"visitors during the restart: {len(during)} requests, "
            f"{sum(s != 200 for s in during)} failed"
        )
        # The pool checks connections before lending them (CONN_HEALTH_CHECKS): once
        # PostgreSQL is back, not one request fails.
        assert failed == 0
        assert after == [200] * len(after)
        assert healthz(running.url) == (200, {"database": "ok", "cache": "ok"})
        assert running.gunicorn().poll() is None
        assert worker_pids(master) == workers, "gunicorn's workers were restarted"
    finally:
        running.stack.stop()


def test_a_worker_killed_under_load_fails_only_the_requests_it_had_in_flight(one_instance):
    master = one_instance.gunicorn().pid
    stop = threading.Event()
    results: list[int] = []

    def visitor(offset: int):
        i = offset
        while not stop.is_set():
            results.append(get(one_instance.url + PAGES[i % len(PAGES)], timeout=30)[0])
            i += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    victim = min(worker_pids(master))
    os.kill(victim, signal.SIGKILL)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(30)
    failed = [status for status in results if status != 200]
    print(f"\nworker killed: {len(results)} requests, {len(failed)} failed {failed}")
    # A sync worker has one request in flight at most: that one may fail (502), no other.
    assert len(failed) <= 1
    assert len(results) > 20
    # gunicorn replaced it.
    assert victim not in worker_pids(master)
    assert len(worker_pids(master)) == 2
