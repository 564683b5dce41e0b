"""Where one request's time goes: SQL against the rest, in-process, without HTTP.

Run by ``bench.run`` in a subprocess with the benchmark database's environment;
prints one JSON object per URL on stdout. The HTTP figures say how fast; these say why.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

REPEATS = 7


def _timed_sql(totals: list[float]) -> Callable:
    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            totals.append(time.perf_counter() - start)

    return wrapper


def breakdown(*, path: str, htmx: bool, repeats: int = REPEATS) -> dict:
    """Median whole-request and SQL time over ``repeats`` requests, after one warm-up."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HX-Request": "true"} if htmx else {}
    client.get(path, headers=headers)
    totals, sql_times, queries = [], [], 0
    for _ in range(repeats):
        per_query: list[float] = []
        with connection.execute_wrapper(_timed_sql(per_query)):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            totals.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        sql_times.append(sum(per_query))
        queries = len(per_query)
    return {
        "path": path,
        "htmx": htmx,
        "repeats": repeats,
        "queries": queries,
        "total_ms": statistics.median(totals) * 1000,
        "sql_ms": statistics.median(sql_times) * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="URL paths; a trailing '#htmx' adds HX-Request")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsite.settings")
    django.setup()
    for spec in args.paths:
        path, _, flag = spec.partition("#")
        print(json.dumps(breakdown(path=path, htmx=flag == "htmx")), flush=True)


if __name__ == "__main__":
    main()
