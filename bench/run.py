"""Benchmarks the catalogue page served by gunicorn, against a static file of the same size.

For each database (SQLite; PostgreSQL too when DATABASE_URL is set) and each size, it
creates a fresh database, migrates it, generates the certifications, starts gunicorn on
127.0.0.1 and measures requests per second and p50/p95 latency for the list page, the
HTMX partial, a filtered list page, and two static files of exactly the page's and the
partial's size served by the same server. Run from the repository root:

    .venv/bin/python -m bench.run [--sizes 1000,10000] [--database sqlite|postgres|both]
"""

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "artifacts" / "bench"
HOST = "127.0.0.1"
LIST_PATH = "/certifications/"
DEFAULT_FILTER = "level=beginner&sort=cost"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/certsite"
# The scratch database is certsite_bench_<pid>: two runs on one server must not drop
# each other's database.
BENCH_DB_PREFIX = "certsite_bench"
PAGE_FILE = "bench.html"
PARTIAL_FILE = "bench-partial.html"
WARMUP_REQUESTS = 20
STARTUP_TIMEOUT = 30.0
# Settings options the pool adds to DATABASE_URL that libpq itself would reject.
DJANGO_ONLY_PARAMS = {"pool_max_size"}


class BenchError(Exception):
    """A step failed; the run stops, after cleaning up, with this message."""


@dataclass(frozen=True)
class Target:
    kind: str
    path: str
    htmx: bool = False


@dataclass(frozen=True)
class Result:
    database: str
    size: int
    kind: str
    path: str
    size_bytes: str
    requests: int
    errors: int
    error_kinds: str
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    requests: int
    concurrency: int
    workers: int
    time_limit: float
    filter_query: str
    breakdown: bool


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
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
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


def run_python(args: list[str], *, env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise BenchError(f"failed: python {' '.join(args)}")
    return completed.stdout


# --- server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict[str, str], workers: int, log: Path) -> Iterator[int]:
    """Serves the site on a free port of 127.0.0.1; always stopped on the way out."""
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
        yield port
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
            status, _ = fetch(port=port, target=Target("probe", LIST_PATH))
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise BenchError(f"gunicorn answered {LIST_PATH} with HTTP {status}:\n{log.read_text()}")
    raise BenchError(f"gunicorn did not answer within {STARTUP_TIMEOUT:.0f} s")


def _headers(target: Target) -> dict[str, str]:
    return {"HX-Request": "true"} if target.htmx else {}


def fetch(*, port: int, target: Target) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", target.path, headers=_headers(target))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load ------------------------------------------------------------------------------


@dataclass
class _Tally:
    latencies: list[float]
    sizes: set[int]
    problems: Counter[str]


def hammer(
    *, port: int, target: Target, requests: int, concurrency: int, time_limit: float
) -> tuple[_Tally, float]:
    """``requests`` GETs from ``concurrency`` threads (stopping at ``time_limit``)."""
    tally = _Tally(latencies=[], sizes=set(), problems=Counter())
    lock = threading.Lock()
    issued = 0
    start = time.perf_counter()
    deadline = start + time_limit

    def claim() -> bool:
        nonlocal issued
        with lock:
            if issued >= requests or time.perf_counter() >= deadline:
                return False
            issued += 1
            return True

    def client() -> None:
        # http.client reconnects by itself when the server closes the connection
        # (gunicorn's sync workers do after every response), so the connect is timed too.
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies, sizes, problems = [], set(), Counter()
        while claim():
            began = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=_headers(target))
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                problems[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - began)
            sizes.add(len(body))
            if response.status != 200:
                problems[f"HTTP {response.status}"] += 1
        conn.close()
        with lock:
            tally.latencies.extend(latencies)
            tally.sizes.update(sizes)
            tally.problems.update(problems)

    # Daemons: if the run is interrupted, the server stops and nothing waits for them.
    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - start


def measure(*, database: str, size: int, port: int, target: Target, options: Options) -> Result:
    hammer(
        port=port,
        target=target,
        requests=WARMUP_REQUESTS,
        concurrency=options.concurrency,
        time_limit=options.time_limit,
    )
    tally, seconds = hammer(
        port=port,
        target=target,
        requests=options.requests,
        concurrency=options.concurrency,
        time_limit=options.time_limit,
    )
    latencies = sorted(tally.latencies) or [0.0]
    sizes = sorted(tally.sizes)
    size_bytes = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}" if sizes else "-"
    return Result(
        database=database,
        size=size,
        kind=target.kind,
        path=target.path,
        size_bytes=size_bytes,
        requests=len(tally.latencies),
        errors=tally.problems.total(),
        error_kinds=", ".join(f"{n} × {kind}" for kind, n in tally.problems.most_common()),
        seconds=seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
    )


def percentile(ordered: list[float], pct: int) -> float:
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1]


# --- one benchmark ---------------------------------------------------------------------


def dynamic_targets(*, filter_query: str) -> list[Target]:
    targets = [
        Target("list page", LIST_PATH),
        Target("HTMX partial", LIST_PATH, htmx=True),
    ]
    if filter_query:
        targets.append(Target("filtered list page", f"{LIST_PATH}?{filter_query}"))
    return targets


def bench_one(
    *, database: str, size: int, env: dict[str, str], static_root: Path, options: Options
) -> tuple[list[Result], list[dict]]:
    run_python(["-m", "bench.generate", "--count", str(size)], env=env)
    log = Path(env["DJANGO_STATIC_ROOT"]).parent / f"gunicorn-{database}-{size}.log"
    page, partial = dynamic_targets(filter_query="")

    # WhiteNoise indexes STATIC_ROOT when a worker starts, so the same-size files are
    # written from a first server's answers, then a second server serves all of them.
    with gunicorn(env=env, workers=options.workers, log=log) as port:
        for target, name in ((page, PAGE_FILE), (partial, PARTIAL_FILE)):
            status, body = fetch(port=port, target=target)
            if status != 200:
                raise BenchError(f"{target.kind}: HTTP {status}")
            (static_root / name).write_bytes(body)

    dynamic = dynamic_targets(filter_query=options.filter_query)
    targets = [
        *dynamic,
        Target("static, size of list page", f"/static/{PAGE_FILE}"),
        Target("static, size of partial", f"/static/{PARTIAL_FILE}"),
    ]
    results = []
    with gunicorn(env=env, workers=options.workers, log=log) as port:
        for target in targets:
            result = measure(
                database=database, size=size, port=port, target=target, options=options
            )
            print(f"  {format_row(result)}", flush=True)
            results.append(result)
    if any(r.errors for r in results):
        kept = RESULTS_DIR / log.name
        shutil.copyfile(log, kept)
        print(f"  errors: server log kept in {kept.relative_to(ROOT)}", flush=True)

    breakdowns = []
    if options.breakdown:
        specs = [f"{t.path}#htmx" if t.htmx else t.path for t in dynamic]
        try:
            out = run_python(["-m", "bench.breakdown", *specs], env=env)
        except BenchError as error:
            # A diagnosis, not a measurement: the HTTP figures above still stand.
            print(f"  no in-process breakdown: {error}", file=sys.stderr, flush=True)
            out = ""
        for line, target in zip(out.splitlines(), dynamic, strict=False):
            row = {"database": database, "size": size, "kind": target.kind}
            breakdowns.append(row | json.loads(line))
    return results, breakdowns


# --- report ----------------------------------------------------------------------------

HEADER = (
    "| database | certifications | URL kind | bytes | req/s | p50 ms | p95 ms | errors |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
)
BREAKDOWN_HEADER = (
    "| database | certifications | URL kind | queries | whole request ms | SQL ms | rest ms |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
)


def format_row(result: Result) -> str:
    return (
        f"| {result.database} | {result.size:,} | {result.kind} | {result.size_bytes} "
        f"| {result.per_second:,.1f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} "
        f"| {result.errors}{f' ({result.error_kinds})' if result.errors else ''} |"
    )


def format_breakdown(row: dict) -> str:
    rest = row["total_ms"] - row["sql_ms"]
    return (
        f"| {row['database']} | {row['size']:,} | {row['kind']} | {row['queries']} "
        f"| {row['total_ms']:.1f} | {row['sql_ms']:.1f} | {rest:.1f} |"
    )


def report(
    *,
    database: str,
    results: list[Result],
    breakdowns: list[dict],
    options: Options,
    load_before: float,
) -> str:
    lines = [
        f"# certsite benchmark: {database}",
        "",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU cores "
        f"(1-minute load average {load_before:.1f} before the run), "
        f"gunicorn {options.workers} sync workers, {options.concurrency} client threads, "
        f"up to {options.requests} requests or {options.time_limit:.0f} s per URL.",
        "",
        HEADER,
        *(format_row(r) for r in results),
    ]
    if breakdowns:
        lines += [
            "",
            f"In-process through django.test.Client, no HTTP (median of "
            f"{breakdowns[0]['repeats']} requests):",
            "",
            BREAKDOWN_HEADER,
            *(format_breakdown(b) for b in breakdowns),
        ]
    return "\n".join(lines) + "\n"


# --- command line ----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        type=lambda s: [int(n) for n in s.split(",") if n.strip()],
        help="numbers of certifications, comma-separated (default 1000,10000)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        help="default: sqlite, and postgres too when DATABASE_URL is set",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="server and credentials to use; the benchmark creates and drops its own "
        f"database {BENCH_DB_PREFIX}_<pid> there "
        f"(default: DATABASE_URL, else {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument("--requests", type=int, default=400, help="per URL (default 400)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--time-limit", type=float, default=30, help="seconds per URL at most (default 30)"
    )
    parser.add_argument(
        "--filter",
        default=DEFAULT_FILTER,
        help=f"query string of the filtered list page, '' to skip it (default {DEFAULT_FILTER})",
    )
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the in-process SQL/rest breakdown"
    )
    args = parser.parse_args(argv)
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs positive numbers")
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 64:
        parser.error("--requests must be 1–100000 and --concurrency 1–64")
    return args


def databases(choice: str | None) -> list[str]:
    if choice == "both":
        return ["sqlite", "postgres"]
    if choice:
        return [choice]
    return ["sqlite", "postgres"] if os.environ.get("DATABASE_URL") else ["sqlite"]


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # `timeout` and CI cancel with SIGTERM: exit through the finally blocks, which stop
    # gunicorn and remove the scratch database and files.
    signal.signal(signal.SIGTERM, _terminated)
    options = Options(
        sizes=args.sizes,
        requests=args.requests,
        concurrency=args.concurrency,
        workers=args.workers,
        time_limit=args.time_limit,
        filter_query=args.filter,
        breakdown=not args.no_breakdown,
    )
    chosen = databases(args.database)
    postgres_url = (
        postgres_bench_url(args.postgres_url, name=f"{BENCH_DB_PREFIX}_{os.getpid()}")
        if "postgres" in chosen
        else ""
    )

    started = time.monotonic()
    load = os.getloadavg()[0]
    if load > 0.5:
        # The server, the database and the client share these cores with whatever else runs.
        print(
            f"Note: 1-minute load average is {load:.1f} before starting; other processes "
            "will lower and scatter the figures.",
            flush=True,
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="certsite-bench-"))
    static_root = workdir / "static"
    env = base_env(static_root=static_root)
    failed = False
    all_results: list[Result] = []
    try:
        run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env=env)
        for database in chosen:
            results, breakdowns = [], []
            for size in options.sizes:
                print(f"== {database}, {size:,} certifications", flush=True)
                with fresh_database(
                    database=database, postgres_url=postgres_url, workdir=workdir, env=env
                ) as db_env:
                    found, found_breakdowns = bench_one(
                        database=database,
                        size=size,
                        env=db_env,
                        static_root=static_root,
                        options=options,
                    )
                results += found
                breakdowns += found_breakdowns
            text = report(
                database=database,
                results=results,
                breakdowns=breakdowns,
                options=options,
                load_before=load,
            )
            out = RESULTS_DIR / f"results-{database}.md"
            out.write_text(text, encoding="utf-8")
            print(f"   written to {out.relative_to(ROOT)}", flush=True)
            all_results += results
            failed = failed or any(r.errors for r in results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(HEADER)
    for result in all_results:
        print(format_row(result))
    print(f"\nWhole run: {time.monotonic() - started:.0f} s")
    if failed:
        print("Some requests failed: see the errors column.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
