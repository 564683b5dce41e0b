"""The production stack, for real: nginx, gunicorn, PostgreSQL and Redis as processes.

These tests run in the PostgreSQL pass of `make test` (DATABASE_URL set to PostgreSQL): the
stack is defined on PostgreSQL, and running them once keeps CI's time down. On the SQLite
pass they skip, saying so. They use the PostgreSQL server DATABASE_URL names, with databases
of their own (``test_<name>_stack…``, dropped afterwards), and Redis with a key prefix of
their own (STACK_TEST_REDIS_URL, default redis://127.0.0.1:6379/3). Faults are injected on
throwaway servers (a redis-server and a PostgreSQL cluster started here), never on the
machine's own.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy import serve

EDITOR = "stackeditor"
EDITOR_PASSWORD = "a-long-stack-editor-passphrase"


def _database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def _redis_url() -> str:
    return os.environ.get("STACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def stack_unavailable() -> str | None:
    """Why the stack tests cannot run here, or None."""
    if urlsplit(_database_url()).scheme not in {"postgres", "postgresql"}:
        return "production-stack tests run in the PostgreSQL pass (DATABASE_URL=postgres://…)"
    if serve.nginx_binary() is None:
        return "nginx is not installed (make nginx-deps)"
    try:
        serve.check_services(
            {"DATABASE_URL": _database_url(), "REDIS_URL": _redis_url()}, create_database=False
        )
    except serve.ServiceDown as error:
        return str(error)
    return None


def pytest_collection_modifyitems(config, items):
    reason = None
    checked = False
    for item in items:
        if item.get_closest_marker("stack") is None:
            continue
        if not checked:
            reason, checked = stack_unavailable(), True
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def database_url(name: str, *, server: str | None = None) -> str:
    parts = urlsplit(server or _database_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def scratch_database_name(purpose: str) -> str:
    base = urlsplit(_database_url()).path.lstrip("/") or "certsite"
    return f"test_{base}_{purpose}"


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def app_env(database: str, **extra: str) -> dict[str, str]:
    prefix = f"certsite-stacktest-{os.getpid()}"
    return serve.child_environment(
        {
            "DATABASE_URL": database,
            "REDIS_URL": _redis_url(),
            "DJANGO_CACHE_KEY_PREFIX": prefix,
            "DJANGO_IMPORT_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / prefix),
            "DJANGO_EDITOR_PASSWORD": EDITOR_PASSWORD,
            **extra,
        }
    )


def prepare_database(env: dict[str, str]) -> None:
    """A fresh database (dropped first), migrated and seeded, with an editor."""
    drop_database(env["DATABASE_URL"])
    serve.check_services(env)  # creates it
    serve.manage(env, "migrate", "--noinput", "-v0")
    serve.manage(env, "seed", "-v0")
    serve.manage(env, "create_editor", EDITOR, "--no-input")


@pytest.fixture(scope="session")
def static_root():
    # Not under pytest's tmp_path (mode 0700): nginx's workers drop root for an unprivileged
    # user, who must be able to read the files, as in a real deployment.
    root = Path(tempfile.mkdtemp(prefix="certsite-static-"))
    root.chmod(0o755)
    env = serve.child_environment({"DJANGO_STATIC_ROOT": str(root)})
    serve.manage(env, "collectstatic", "--noinput", "-v0")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def stack_database():
    """One seeded database the stack tests share (each test changes its own certification)."""
    url = database_url(scratch_database_name("stack"))
    env = app_env(url)
    prepare_database(env)
    yield url
    drop_database(url)


class RunningStack:
    def __init__(self, stack: serve.Stack, port: int, app_ports: list[int]):
        self.stack = stack
        self.url = f"http://127.0.0.1:{port}"
        self.app_urls = [f"http://127.0.0.1:{p}" for p in app_ports]

    def gunicorn(self, index: int = 0):
        return self.stack.processes[f"gunicorn{index}"]


def start_stack(
    run_dir: Path, env: dict[str, str], static_root: Path, *, instances: int, workers: int = 2
) -> RunningStack:
    stack = serve.Stack(run_dir, env | {"DJANGO_STATIC_ROOT": str(static_root)})
    app_ports = [serve.free_port() for _ in range(instances)]
    port = serve.free_port()
    try:
        for index, app_port in enumerate(app_ports):
            stack.start_gunicorn(f"gunicorn{index}", port=app_port, workers=workers)
        stack.start_nginx(port=port, upstream_ports=app_ports, static_root=static_root)
        running = RunningStack(stack, port, app_ports)
        for url in [*running.app_urls, running.url]:
            if not serve.wait_http(f"{url}/healthz", timeout=30):
                logs = "\n".join(p.read_text()[-2000:] for p in run_dir.glob("*.log"))
                raise RuntimeError(f"{url}/healthz never answered 200\n{logs}")
    except BaseException:
        stack.stop()
        raise
    return running


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory, stack_database, static_root):
    """Two gunicorn instances (A and B) behind one nginx, one PostgreSQL, one Redis."""
    run_dir = tmp_path_factory.mktemp("run")
    running = start_stack(run_dir, app_env(stack_database), static_root, instances=2)
    yield running
    running.stack.stop()


def get(url: str, *, timeout: float = 10, headers: dict | None = None):
    """(status, body bytes), never raising: status 0 when the connection failed or the
    response was cut short (a worker killed while nginx was passing its answer on)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, http.client.HTTPException):
        return 0, b""


def wait_until(predicate, *, timeout: float, interval: float = 0.1) -> float | None:
    """Seconds until predicate() held, or None if it never did within timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def redis_server() -> str | None:
    return shutil.which("redis-server")


def postgres_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def as_postgres_user() -> list[str]:
    # initdb refuses to run as root; the Debian package's postgres account can.
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def run_quiet(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, capture_output=True, **kwargs)


@pytest.fixture(scope="session")
def one_instance(tmp_path_factory, stack_database, static_root):
    """One gunicorn with two sync workers (the issue's starvation case) behind nginx."""
    run_dir = tmp_path_factory.mktemp("run")
    running = start_stack(run_dir, app_env(stack_database), static_root, instances=1)
    yield running
    running.stack.stop()


def worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {int(pid) for pid in children}
