"""``/healthz``: does this app server reach its database and its cache?

nginx, load balancers and ``deploy/serve.py`` ask it. 200 with ``{"database": "ok",
"cache": "ok"}`` when both answer; 503 naming the part that does not. The site itself keeps
serving pages with the cache down (uncached), so a balancer that only needs "can this
server render pages" may treat ``"cache": "down"`` as healthy; the 503 tells an operator.

It answers every time from scratch: never cached, no cookie, no session, no template.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# One key per process: workers never race on the same key, and a stale value left over
# from another process can never make a dead cache look alive.
_PROBE_KEY = f"healthz:{uuid.uuid4().hex}"


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return False


def _cache() -> bool:
    # A round trip that must come back: set then get a fresh value (a get alone would
    # take "missing" for "unreachable" on backends that swallow errors).
    token = uuid.uuid4().hex
    try:
        cache.set(_PROBE_KEY, token, timeout=30)
        return cache.get(_PROBE_KEY) == token
    except Exception:
        logger.warning("healthz: cache unreachable", exc_info=True)
        return False


@require_safe
@never_cache
def healthz(request):
    parts = {"database": _database(), "cache": _cache()}
    body = {name: "ok" if up else "down" for name, up in parts.items()}
    return JsonResponse(body, status=200 if all(parts.values()) else 503)
