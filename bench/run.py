"""Benchmarks each kind of page with wrk, warm and cold, beside a static file of its bytes.

For each database (SQLite; PostgreSQL too when DATABASE_URL is set) and each size, it
creates a scratch database, seeds it, generates certifications up to the size, and
serves it with gunicorn on 127.0.0.1. For each URL kind it then measures:

- cold: the response cache off (DJANGO_PAGE_CACHE=0), wrk cycling through distinct URLs
  of the kind, one connection per gunicorn worker (latency is service time, not queueing);
- warm: the response cache on (Redis when reachable), one URL over and over, 8 connections;
- beside the warm run, a static file of exactly the page's bytes, served by the same
  gunicorn and WhiteNoise, measured the same way: the limit the page is held to;
- in-process, the queries of one uncached request to the kind's sample URL.

Run from the repository root (README "Benchmarks"):

    .venv/bin/python -m bench.run [--sizes seed,10000] [--database sqlite|postgres|both]
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from . import report, server, wrk
from .report import Row
from .server import BENCH_DB_PREFIX, ROOT, BenchError
from .urls import KINDS, Facts, cold_urls, sample_url

RESULTS_DIR = ROOT / "artifacts" / "bench"
DEFAULT_SIZES = "seed,10000,100000"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/certsite"
# Its own Redis database number, flushed before each size: other work keeps the others.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
STATIC_DIR = "bench"  # under STATIC_ROOT: the files of the same bytes as each page
WRK_TIMEOUT = 10.0  # seconds; a slower response counts as an error
# A run lasts at least this many times one request, so a slow page still gets a few
# responses to measure, but no longer than MAX_RUN seconds.
RUN_REQUESTS = 3
MAX_RUN = 30.0


@dataclass(frozen=True)
class Options:
    sizes: list[int]  # 0 is the seed alone
    kinds: list[str]
    duration: float  # seconds per cold run
    warm_duration: float  # seconds per warm run and per static file
    connections: int
    workers: int
    redis_url: str


# --- one size --------------------------------------------------------------------------


def populate(*, size: int, env: dict[str, str]) -> None:
    server.run_python(["manage.py", "seed"], env=env)
    if size:
        server.run_python(["-m", "bench.generate", "--total", str(size)], env=env)


def facts_of(env: dict[str, str]) -> dict:
    return json.loads(server.run_python(["-m", "bench.breakdown", "facts"], env=env))


def count_queries(path: str, *, htmx: bool, env: dict[str, str]) -> int | None:
    """Queries of one uncached request, in its own process; None if it took too long.

    One process per URL, so that a page taking minutes at 100,000 certifications costs
    only its own timeout, not the other kinds' counts.
    """
    spec = f"{path}#htmx" if htmx else path
    try:
        out = server.run_python(
            ["-m", "bench.breakdown", spec], env=env, timeout=server.REQUEST_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out)["queries"]


def sample(base_url: str, kind: str, path: str) -> tuple[bytes | None, float, str]:
    """The sample URL's body (None if it failed), its time, and why it failed."""
    started = time.perf_counter()
    try:
        status, body = server.fetch(base_url, path, htmx=KINDS[kind].htmx)
    except TimeoutError:
        return None, time.perf_counter() - started, f"no answer in {server.REQUEST_TIMEOUT} s"
    except OSError as error:
        return None, time.perf_counter() - started, type(error).__name__
    seconds = time.perf_counter() - started
    if status != 200:
        return None, seconds, f"HTTP {status}"
    if seconds > WRK_TIMEOUT:
        return None, seconds, f"one request took {seconds:.1f} s"
    return body, seconds, ""


def run_length(duration: float, one_request: float) -> float:
    """Seconds for a wrk run: ``duration``, or long enough for a few slow responses."""
    return max(duration, min(RUN_REQUESTS * one_request, MAX_RUN))


def measure_cold(
    *, url: str, kind: str, path: str, facts: Facts, row: Row, workdir: Path, options: Options
) -> tuple[Row, bytes | None]:
    """The cold row of ``kind``, and the sample URL's body (None if it failed)."""
    body, seconds, problem = sample(url, kind, path)
    if body is None:
        return replace(row, urls=1, note=problem), None
    # Said only if the run gets no response at all: how slow the page is, then.
    row = replace(row, note=f"one request took {seconds:.1f} s")
    paths = cold_urls(kind, facts)
    figures = wrk.run(
        base_url=url,
        workdir=workdir,
        paths=paths,
        connections=options.workers,
        threads=options.workers,
        seconds=run_length(options.duration, seconds),
        timeout=WRK_TIMEOUT,
        htmx=KINDS[kind].htmx,
        cycle=True,
    )
    server.drain(url, workers=options.workers)
    body_bytes = report.body_bytes(figures.low_bytes, figures.high_bytes)
    return replace(row, urls=len(paths), figures=figures, body_bytes=body_bytes), body


def measure_warm(
    *, url: str, kind: str, path: str, body: bytes, row: Row, workdir: Path, options: Options
) -> Row:
    """The warm row of ``kind``, with the static file of ``body``'s bytes beside it."""
    # The first request fills the response cache; the run measures the rest.
    filled, _, problem = sample(url, kind, path)
    if filled is not None:
        # Timed again: the first filled the cache, this one is what the run will repeat.
        filled, seconds, problem = sample(url, kind, path)
    if filled is None:
        return replace(row, note=problem)
    row = replace(row, note=f"one request took {seconds:.1f} s")
    duration = run_length(options.warm_duration, seconds)
    measured = []
    for target, htmx in ((path, KINDS[kind].htmx), (static_path(kind), False)):
        measured.append(
            wrk.run(
                base_url=url,
                workdir=workdir,
                paths=[target],
                connections=options.connections,
                threads=min(options.workers, options.connections),
                seconds=duration,
                timeout=WRK_TIMEOUT,
                htmx=htmx,
            )
        )
        server.drain(url, workers=options.workers)
    return replace(row, figures=measured[0], static=measured[1], body_bytes=f"{len(body):,}")


def static_path(kind: str) -> str:
    return f"/static/{STATIC_DIR}/{kind}.html"


def bench_size(
    *, database: str, size: int, env: dict[str, str], workdir: Path, options: Options
) -> list[Row]:
    populate(size=size, env=env)
    cold_env = env | {"DJANGO_PAGE_CACHE": "0"}
    warm_env = env | {"DJANGO_PAGE_CACHE": "1"}
    if options.redis_url:
        warm_env["REDIS_URL"] = options.redis_url
        server.flush_redis(options.redis_url)
    facts_data = facts_of(cold_env)
    facts = Facts.from_json(facts_data)
    samples = {kind: sample_url(kind, facts) for kind in options.kinds}
    rows = {
        kind: Row(
            database=database,
            size=facts_data["total"],
            kind=kind,
            label=KINDS[kind].label,
            mode="",
            urls=1,
            figures=None,
            body_bytes="–",
            queries=count_queries(samples[kind], htmx=KINDS[kind].htmx, env=cold_env),
        )
        for kind in options.kinds
    }
    static_dir = Path(env["DJANGO_STATIC_ROOT"]) / STATIC_DIR
    shutil.rmtree(static_dir, ignore_errors=True)
    static_dir.mkdir(parents=True)
    log = workdir / f"gunicorn-{database}-{size}.log"
    common = {"workdir": workdir, "options": options}

    # WhiteNoise indexes STATIC_ROOT when a worker starts: the files of each page's bytes
    # are written while the cold server runs, and the warm server serves them.
    cold, bodies = {}, {}
    with server.gunicorn(env=cold_env, workers=options.workers, log=log) as url:
        for kind in options.kinds:
            cold[kind], body = measure_cold(
                url=url,
                kind=kind,
                path=samples[kind],
                facts=facts,
                row=replace(rows[kind], mode="cold"),
                **common,
            )
            print(f"  {report.format_row(cold[kind])}", flush=True)
            if body is not None:
                bodies[kind] = body
                (static_dir / f"{kind}.html").write_bytes(body)

    measured = []
    with server.gunicorn(env=warm_env, workers=options.workers, log=log) as url:
        for kind in options.kinds:
            warm = replace(rows[kind], mode="warm")
            if kind not in bodies:
                warm = replace(warm, note=cold[kind].note)
            else:
                warm = measure_warm(
                    url=url, kind=kind, path=samples[kind], body=bodies[kind], row=warm, **common
                )
            print(f"  {report.format_row(warm)}", flush=True)
            measured += [warm, cold[kind]]
    if any(r.errors for r in measured):
        kept = RESULTS_DIR / log.name
        shutil.copyfile(log, kept)
        print(f"  errors: server log kept in {kept.relative_to(ROOT)}", flush=True)
    return measured


# --- report ----------------------------------------------------------------------------


def document(*, database: str, rows: list[Row], options: Options, loads: list[float]) -> str:
    cache = options.redis_url or "local memory (no Redis reachable)"
    return "\n".join(
        [
            f"# certsite benchmark: {database}",
            "",
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU cores "
            f"(1-minute load average before each size: {', '.join(f'{x:.1f}' for x in loads)}), "
            f"gunicorn {options.workers} sync workers; "
            f"warm: wrk {options.warm_duration:g} s, {options.connections} connections, "
            f"response cache in {cache}; cold: wrk {options.duration:g} s, "
            f"{options.workers} connections, response cache off, distinct URLs.",
            "",
            report.table(rows),
            "",
            report.targets_summary(rows),
            "",
        ]
    )


def load_warning() -> float:
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        # The server, the database and the client share these cores with whatever else runs.
        print(
            f"Note: the 1-minute load average is {load:.1f} on {os.cpu_count()} cores; "
            "other processes will lower and scatter the figures.",
            flush=True,
        )
    return load


# --- command line ----------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if part:
            sizes.append(0 if part == "seed" else int(part))
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        type=_sizes,
        help="certifications in all, comma-separated; 'seed' is the seed alone "
        f"(default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        help="default: sqlite, and postgres too when DATABASE_URL is set",
    )
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        type=lambda s: [k.strip() for k in s.split(",") if k.strip()],
        help=f"URL kinds, comma-separated (default all: {','.join(KINDS)})",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="server and credentials to use; the benchmark creates and drops its own "
        f"database {BENCH_DB_PREFIX}_<pid> there "
        f"(default: DATABASE_URL, else {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument(
        "--redis-url",
        help="Redis database of the warm runs' response cache, flushed before each size "
        f"(default {DEFAULT_REDIS_URL} if it answers, else local memory; '' for local memory)",
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds per cold run (5)")
    parser.add_argument(
        "--warm-duration",
        type=float,
        default=3,
        help="seconds per warm run and per static file (3: thousands of requests a second "
        "need less time than cold pages for steady percentiles)",
    )
    parser.add_argument("--connections", type=int, default=8, help="warm connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    args = parser.parse_args(argv)
    if not args.sizes or min(args.sizes) < 0:
        parser.error("--sizes needs 'seed' or positive numbers")
    unknown = [k for k in args.kinds if k not in KINDS]
    if unknown or not args.kinds:
        parser.error(f"unknown --kinds {', '.join(unknown)}; known: {', '.join(KINDS)}")
    if not all(1 <= d <= 600 for d in (args.duration, args.warm_duration)):
        parser.error("--duration and --warm-duration must be 1–600 seconds")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be 1–256")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be 1–16")
    return args


def databases(choice: str | None) -> list[str]:
    if choice == "both":
        return ["sqlite", "postgres"]
    if choice:
        return [choice]
    return ["sqlite", "postgres"] if os.environ.get("DATABASE_URL") else ["sqlite"]


def _redis_url(given: str | None) -> str:
    if given is not None:
        if given and not server.redis_reachable(given):
            raise BenchError(f"Redis does not answer at {given}")
        return given
    return DEFAULT_REDIS_URL if server.redis_reachable(DEFAULT_REDIS_URL) else ""


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not wrk.available():
        raise BenchError("wrk is not installed: `apt-get install -y wrk` (make bench does)")
    # `timeout` and CI cancel with SIGTERM: exit through the finally blocks, which stop
    # gunicorn and remove the scratch database and files.
    signal.signal(signal.SIGTERM, _terminated)
    options = Options(
        sizes=args.sizes,
        kinds=args.kinds,
        duration=args.duration,
        warm_duration=args.warm_duration,
        connections=args.connections,
        workers=args.workers,
        redis_url=_redis_url(args.redis_url),
    )
    chosen = databases(args.database)
    postgres_url = (
        server.postgres_bench_url(args.postgres_url, name=f"{BENCH_DB_PREFIX}_{os.getpid()}")
        if "postgres" in chosen
        else ""
    )

    started = time.monotonic()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="certsite-bench-"))
    env = server.base_env(static_root=workdir / "static")
    all_rows: list[Row] = []
    try:
        server.run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env=env)
        for database in chosen:
            rows, loads = [], []
            for size in options.sizes:
                print(
                    f"== {database}, {f'{size:,}' if size else 'seed'} certifications", flush=True
                )
                loads.append(load_warning())
                with server.fresh_database(
                    database=database, postgres_url=postgres_url, workdir=workdir, env=env
                ) as db_env:
                    rows += bench_size(
                        database=database,
                        size=size,
                        env=db_env,
                        workdir=workdir,
                        options=options,
                    )
            out = RESULTS_DIR / f"results-{database}.md"
            out.write_text(
                document(database=database, rows=rows, options=options, loads=loads),
                encoding="utf-8",
            )
            print(f"   written to {out.relative_to(ROOT)}", flush=True)
            all_rows += rows
    finally:
        if options.redis_url:
            with contextlib.suppress(OSError):
                server.flush_redis(options.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(report.table(all_rows))
    print()
    print(report.targets_summary(all_rows))
    print(f"Whole run: {time.monotonic() - started:.0f} s")
    failed = any(r.errors for r in all_rows)
    if failed:
        print("Some requests failed: see the errors column.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
