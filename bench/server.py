"""The benchmark's scratch databases, its gunicorn, and its Redis database."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The scratch database is certsite_bench_<pid>: two runs on one server must not drop
# each other's database.
BENCH_DB_PREFIX = "certsite_bench"
STARTUP_TIMEOUT = 30.0
# A page slower than this is not worth a wrk run; its row says so (and counts as errors).
REQUEST_TIMEOUT = 60
# How long the bench waits for gunicorn to work off what a run left behind.
DRAIN_TIMEOUT = 300
# Settings options the pool adds to DATABASE_URL that libpq itself would reject.
DJANGO_ONLY_PARAMS = {"pool_max_size"}


class BenchError(Exception):
    """A step failed; the run stops, after cleaning up, with this message."""


# --- databases -------------------------------------------------------------------------


def postgres_bench_url(server_url: str, *, name: str) -> str:
    """The server and credentials of ``server_url``, with the benchmark's own database."""
    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"not a PostgreSQL URL: {parts.scheme}://…")
    if unquote(parts.path.lstrip("/")).startswith(BENCH_DB_PREFIX):
        # Refuse rather than risk dropping a database someone uses as their own.
        raise BenchError(f"{server_url} names a database the benchmark treats as scratch")
    return urlunsplit(parts._replace(path=f"/{name}"))


def _maintenance_conninfo(url: str) -> tuple[str, str]:
    """libpq connection string for the server's ``postgres`` database, and the bench name."""
    from psycopg.conninfo import make_conninfo

    parts = urlsplit(url)
    options = {k: v for k, v in parse_qsl(parts.query) if k not in DJANGO_ONLY_PARAMS}
    conninfo = make_conninfo(
        host=parts.hostname or "",
        port=str(parts.port or ""),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        dbname="postgres",
        **options,
    )
    return conninfo, unquote(parts.path.lstrip("/"))


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    """Drops and creates the benchmark database; no other database is touched."""
    import psycopg
    from psycopg import sql

    conninfo, name = _maintenance_conninfo(url)
    # CREATE/DROP DATABASE cannot run inside a transaction.
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def base_env(*, static_root: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "DJANGO_PAGE_CACHE"}
    }
    # Whatever the caller's shell says, measure the production-like local configuration:
    # DEBUG off (no query log, no autorefresh), no HTTPS redirect, plain static storage.
    env.update(
        DJANGO_SETTINGS_MODULE="certsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_MANIFEST_STATIC="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.pop("GUNICORN_CMD_ARGS", None)
    return env


@contextmanager
def fresh_database(
    *, database: str, postgres_url: str, workdir: Path, env: dict[str, str]
) -> Iterator[dict[str, str]]:
    """Yields the environment of an empty, migrated database, removed afterwards."""
    env = dict(env)
    if database == "sqlite":
        path = workdir / "bench.sqlite3"
        path.unlink(missing_ok=True)
        env["SQLITE_PATH"] = str(path)
    else:
        env["DATABASE_URL"] = postgres_url
        recreate_postgres(postgres_url)
    try:
        run_python(["manage.py", "migrate", "--noinput", "-v0"], env=env)
        yield env
    finally:
        if database == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{env['SQLITE_PATH']}{suffix}").unlink(missing_ok=True)
        else:
            recreate_postgres(postgres_url, drop_only=True)


def run_python(args: list[str], *, env: dict[str, str], timeout: float | None = None) -> str:
    completed = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise BenchError(f"failed: python {' '.join(args)}")
    return completed.stdout


# --- Redis -----------------------------------------------------------------------------


def _redis_command(url: str, *words: str) -> bytes:
    """One command to the Redis server of ``url``, in its database; the raw reply.

    A few lines of the Redis protocol rather than a client library: the site's own Redis
    client may not be installed, and the benchmark only pings and flushes.
    """
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "0"
    commands = [("SELECT", database), words]
    if parts.password:
        commands.insert(0, ("AUTH", unquote(parts.password)))
    payload = b"".join(
        f"*{len(c)}\r\n".encode() + b"".join(f"${len(w)}\r\n{w}\r\n".encode() for w in c)
        for c in commands
    )
    with socket.create_connection((parts.hostname or HOST, parts.port or 6379), timeout=2) as s:
        s.sendall(payload)
        reply = b""
        while reply.count(b"\r\n") < len(commands):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    lines = reply.split(b"\r\n")
    if any(line.startswith(b"-") for line in lines):
        raise OSError(f"Redis answered {reply!r}")
    return lines[len(commands) - 1]


def redis_reachable(url: str) -> bool:
    try:
        return _redis_command(url, "PING") == b"+PONG"
    except OSError:
        return False


def flush_redis(url: str) -> None:
    """Empties the benchmark's own Redis database (only that one: FLUSHDB, not FLUSHALL)."""
    _redis_command(url, "FLUSHDB")


# --- gunicorn --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    """Serves the site on a free port of 127.0.0.1, yields its base URL; always stopped."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "certsite.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(REQUEST_TIMEOUT),
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
    ]
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session, so a Ctrl-C reaches it once, through the finally below.
            start_new_session=True,
        )
    try:
        wait_until_serving(port=port, process=process, log=log)
        yield f"http://{HOST}:{port}"
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: nothing to drain
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(*, port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            status, _ = fetch(f"http://{HOST}:{port}", "/robots.txt")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise BenchError(f"gunicorn answered /robots.txt with HTTP {status}:\n{log.read_text()}")
    raise BenchError(f"gunicorn did not answer within {STARTUP_TIMEOUT:.0f} s")


def fetch(base_url: str, path: str, *, htmx: bool = False) -> tuple[int, bytes]:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={"HX-Request": "true"} if htmx else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def drain(base_url: str, *, workers: int) -> None:
    """Waits until every worker has finished the requests wrk left behind.

    wrk stops at its deadline, but a sync worker finishes each request it has accepted,
    and the connections still queued are accepted after it. One probe per worker, sent
    at once, is answered only when the queue before it is done: the next run then starts
    on idle workers instead of inheriting somebody else's backlog. A probe that times out
    (minutes of backlog, on a page that slow) is sent again, up to DRAIN_TIMEOUT.
    """
    deadline = time.monotonic() + DRAIN_TIMEOUT
    probes = [
        threading.Thread(target=_probe, args=(base_url, deadline), daemon=True)
        for _ in range(workers)
    ]
    for probe in probes:
        probe.start()
    for probe in probes:
        probe.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)


def _probe(base_url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            fetch(base_url, "/robots.txt")
            return
        except OSError:
            time.sleep(0.1)  # timed out behind the backlog, or refused: ask again
