"""What the benchmark reads in-process, without HTTP: the database's facts, query counts.

Run by ``bench.run`` in a subprocess with the benchmark database's environment (and
``DJANGO_PAGE_CACHE=0``, so every request does its whole work):

    python -m bench.breakdown facts            # one JSON object: bench.urls.Facts
    python -m bench.breakdown /path '/p#htmx'  # one JSON object per URL

The HTTP figures say how fast; the queries (and SQL time against the rest) say why.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import django

FACT_SLUGS = 2000


def facts() -> dict:
    """Slugs spread over the whole catalogue (one with history first), providers, topics."""
    from django.db.models import Max
    from django.db.models.functions import Mod

    from catalog.models import Certification, FocusArea, Provider

    listed = Certification.objects.not_retired()
    count = listed.count()
    top = listed.aggregate(last=Max("pk"))["last"] or 0
    step = max(1, top // FACT_SLUGS)
    # Every step-th primary key: a spread over the catalogue in one indexed query.
    slugs = list(
        listed.annotate(spread=Mod("pk", step))
        .filter(spread=0)
        .order_by("pk")
        .values_list("slug", flat=True)[:FACT_SLUGS]
    )
    changed = (
        Certification.history.filter(history_type="~", id__in=listed.values("pk"))
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if changed is not None:
        first = Certification.objects.get(pk=changed).slug
        slugs = [first, *(s for s in slugs if s != first)]
    if len(slugs) < 4:
        slugs = list(listed.order_by("pk").values_list("slug", flat=True)[:FACT_SLUGS])
    providers = (
        Provider.objects.filter(certifications__isnull=False)
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return {
        "total": Certification.objects.count(),
        "certifications": count,
        "slugs": slugs,
        "providers": list(providers),
        "focus_areas": list(FocusArea.objects.order_by("slug").values_list("slug", flat=True)),
    }


def queries(*, path: str, htmx: bool) -> dict:
    """Queries, whole time and SQL time of one request.

    One request only (a slow page at 100,000 certifications takes long enough): the
    query count is exact; the times include the process's first template loads.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HX-Request": "true"} if htmx else {}
    sql_seconds: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - start)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        total = time.perf_counter() - start
    return {
        "path": path,
        "htmx": htmx,
        "status": response.status_code,
        "queries": len(captured),
        "total_ms": total * 1000,
        "sql_ms": sum(sql_seconds) * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="+", help="'facts', or URL paths; a trailing '#htmx' adds HX-Request"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certsite.settings")
    django.setup()
    if args.paths == ["facts"]:
        print(json.dumps(facts()), flush=True)
        return
    for spec in args.paths:
        path, _, flag = spec.partition("#")
        print(json.dumps(queries(path=path, htmx=flag == "htmx")), flush=True)


if __name__ == "__main__":
    main()
