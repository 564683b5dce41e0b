"""A response cache in front of the public pages, for anonymous GET and HEAD requests.

Views mark their pages with ``@public_page``. Such a page always gets validators (an ETag
from its body, ``Cache-Control: no-cache``: browsers may keep it but must ask again each
time, so an editor's change shows at once, and asking again costs a 304). Anonymous
requests (no session cookie) are answered from the cache when an entry exists for:

- the canonical request: scheme, host, path, the query string with its parameters sorted
  by name (repeated values keep their order: ``?c=`` order is the column order), and the
  request headers pages vary on (HX-Request, HX-History-Restore-Request,
  X-Certsite-History), hashed, so the key's size never depends on the URL;
- the catalogue version (``catalog.version``) and today's date, stored *in* the entry and
  compared on each hit rather than put in the key: one entry per URL, overwritten when
  stale, and with Redis the version and the entry come in one round trip.

A response is stored only if it is a 200 of a public page, sets no cookie, is not private
or no-store, and varies on nothing outside the key (Cookie aside: no session, no effect).
The whole response as it leaves the inner middleware is stored, so a hit carries exactly
the same headers as a fresh page; the middleware above this one (security headers, CSP)
runs for both.

Any cache error is logged (at most once a minute) and the site goes on uncached for a few
seconds before trying again; a cache never turns a page into an error.

Where the version is read, and why that is correct across processes:

- **Shared cache (Redis)**: the version is kept in Redis beside the pages. A commit that
  bumped it publishes the committed number with an atomic "raise to" (a Lua script: only
  ever moves up), so commits publishing out of order, or a reader re-filling an expired
  copy from the database, can never move it back. It is at most the committed number, so
  a page rendered after reading it shows data at least that new. The copy expires after
  ``VERSION_TIMEOUT_MS``: if a publication is lost (Redis unreachable at commit time, or
  restored from an older snapshot), pages can be stale at most that long.

  In front of Redis, each process keeps the entries it served (``_LocalTier``) and
  answers from them with no round trip while its subscription to the channel the Lua
  script publishes on stays live and silent: a hit then costs what a static file costs.
  Trust lapses after ``LOCAL_TRUST_SECONDS`` and on any reconnection, so that tier adds
  at most a second to the bound above, and only when a publication was lost.
- **Local memory**: each process has its own, and a commit in one process cannot clear the
  others', so the version is read from the database on every request (one indexed
  single-row query). Correct with any number of workers; Redis makes a hit query-free.
"""

import contextlib
import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

import redis.client
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import split_header_value

from catalog import version as catalogue_version

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
VERSION_KEY = "pagecache:version"
VERSION_CHANNEL = "pagecache:version-raised"
ENTRY_PREFIX = "pagecache:page:"
MEMO_PREFIX = "pagecache:memo:"
# Entries carry their version and date, so this only bounds memory for URLs seen once.
ENTRY_TIMEOUT = 60 * 60
VERSION_TIMEOUT_MS = 10_000
LOCAL_TRUST_SECONDS = 1.0
LOCAL_MAX_ENTRIES = 500
LOCAL_MAX_BYTES = 32 * 1024 * 1024
SUBSCRIBE_TIMEOUT_SECONDS = 0.5
# A larger export is served fresh (still with its ETag) rather than held in memory.
MAX_BODY = 2 * 1024 * 1024
SAFE_METHODS = ("GET", "HEAD")
VARIANT_HEADERS = (
    "HTTP_HX_REQUEST",
    "HTTP_HX_HISTORY_RESTORE_REQUEST",
    "HTTP_X_CERTSITE_HISTORY",
)
STORABLE_VARY = {"hx-request", "hx-history-restore-request", "x-certsite-history", "cookie"}
PUBLIC_CACHE_CONTROL = "no-cache"
# A signed-in editor's copy must never be kept by a shared cache on the way.
PRIVATE_CACHE_CONTROL = "private, no-cache"
RETRY_AFTER_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0

# Raises the shared version (never lowers it) and, in the same atomic step, tells every
# process's local tier: a reader that sees the old number has not been told yet, and one
# that has been told sees the new number.
_RAISE_VERSION = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('PUBLISH', ARGV[3], ARGV[1])
end
return 0
"""


def public_page(view):
    """Marks a view's responses as public pages: validators always, cached when anonymous."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapped


class _Outage:
    """After a cache error: go uncached for a while, and warn, but not on every request."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.until = 0.0
        self.warned_at = -WARN_EVERY_SECONDS
        self.unreported = 0

    def allows(self) -> bool:
        return time.monotonic() >= self.until

    def record(self, error: Exception) -> None:
        now = time.monotonic()
        self.until = now + RETRY_AFTER_SECONDS
        if now - self.warned_at < WARN_EVERY_SECONDS:
            self.unreported += 1
            return
        logger.warning(
            "Page cache unavailable, serving uncached for %.0f s (%d more errors since the "
            "last warning): %r",
            RETRY_AFTER_SECONDS,
            self.unreported,
            error,
        )
        self.warned_at, self.unreported = now, 0


outage = _Outage()


# Stored as a plain tuple, so that no rename of a class here can make old entries unreadable.
class Entry(NamedTuple):
    version: int
    day: int
    status: int
    headers: dict
    body: bytes
    etag: str


@dataclass(slots=True)
class _Lookup:
    key: str
    version: int
    day: int
    hit: Entry | None


def _is_shared(cache) -> bool:
    return isinstance(cache, RedisCache)


class _Redis:
    """The Redis behind Django's cache, used directly on the hit path: building a client
    per call (as the backend does) costs more than the round trip itself."""

    def __init__(self, cache):
        self.client = cache._cache.get_client(write=True)
        self.version_key = cache.make_and_validate_key(VERSION_KEY)
        self.channel = cache.make_and_validate_key(VERSION_CHANNEL)
        self.make_key = cache.make_key

    @classmethod
    def of(cls, cache) -> "_Redis":
        try:
            return cache._pagecache_redis
        except AttributeError:
            cache._pagecache_redis = cls(cache)
            return cache._pagecache_redis

    def read(self, key: str) -> tuple[int | None, object]:
        """The shared version and the entry under ``key``, in one round trip."""
        version, entry = self.client.mget([self.version_key, self.make_key(key)])
        return (
            None if version is None else int(version),
            None if entry is None else pickle.loads(entry),
        )

    def raise_version(self, number: int) -> None:
        self.client.eval(
            _RAISE_VERSION, 1, self.version_key, number, VERSION_TIMEOUT_MS, self.channel
        )


class _Subscription(redis.client.PubSub):
    def on_connect(self, connection) -> None:
        # A (re)connection may have missed messages: nothing local is trusted past it.
        local.forget()
        super().on_connect(connection)


class _LocalTier:
    """This process's copies of Redis entries, served with no round trip at all.

    A hit from Redis costs a round trip to another process, which on a busy machine costs
    more than the rest of the request. So each process keeps the entries it has served,
    and the version they belong to, and trusts that version while its subscription to the
    version channel is live and silent. Every publication of a new version (the Lua script
    above, atomic with raising it) makes each process drop its trust before its next
    request: a process drains its subscription socket (a non-blocking read) at the start of
    every request. Trust also lapses after ``LOCAL_TRUST_SECONDS`` and on any reconnection,
    so a lost message cannot leave a process stale for longer than that.
    """

    def __init__(self):
        # Threaded servers (runserver, gthread) share one subscription socket per process.
        self.lock = threading.RLock()
        self.subscription = None
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._reset()

    def _reset(self) -> None:
        if self.subscription is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.subscription.close()
        self.subscription = None
        self.pid = None
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.forget()

    def forget(self) -> None:
        with self.lock:
            self.version = None
            self.confirmed_at = 0.0
            self.generation += 1

    def listening(self, shared: _Redis) -> int:
        """Subscribes if needed and drains what was published; may raise a Redis error.

        Returns the generation to hand to ``confirm``: a version read after this call may
        be trusted only if nothing was forgotten in between (by another thread).
        """
        with self.lock:
            return self._listening(shared)

    def _listening(self, shared: _Redis) -> int:
        if self.pid != os.getpid():
            # A forked worker must not share its parent's socket.
            self.subscription = None
            self._reset()
            self.pid = os.getpid()
        if self.subscription is None:
            self.subscription = _Subscription(shared.client.connection_pool)
            self.subscription.subscribe(shared.channel)
            confirmed = self.subscription.get_message(timeout=SUBSCRIBE_TIMEOUT_SECONDS)
            if not confirmed or confirmed["type"] != "subscribe":
                raise ConnectionError("no confirmation of the page cache subscription")
            self.forget()
        while message := self.subscription.get_message(timeout=0.0):
            # A number this process has already confirmed is no news (often its own).
            if message["type"] == "message" and (
                self.version is None or int(message["data"]) > self.version
            ):
                self.forget()
        return self.generation

    def trusted_version(self) -> int | None:
        with self.lock:
            fresh = time.monotonic() - self.confirmed_at < LOCAL_TRUST_SECONDS
            return self.version if fresh else None

    def confirm(self, version: int, *, generation: int) -> None:
        """``version`` was read from Redis after ``listening`` returned ``generation``."""
        with self.lock:
            if generation != self.generation:
                return
            if version != self.version:
                self.entries.clear()
                self.size = 0
            self.version, self.confirmed_at = version, time.monotonic()

    def get(self, key: str, *, version: int, day: int) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.version != version or entry.day != day:
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        with self.lock:
            if entry.version != self.version:
                return
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > LOCAL_MAX_BYTES or len(self.entries) > LOCAL_MAX_ENTRIES:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body)


local = _LocalTier()


def page_key(request) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    parts = (
        request.scheme,
        request.META.get("HTTP_HOST", "").lower(),
        request.path,
        query,
        *(request.META.get(header, "") for header in VARIANT_HEADERS),
    )
    digest = hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=20)
    return ENTRY_PREFIX + digest.hexdigest()


def version_committed(number: int) -> None:
    """Called once a transaction that bumped the catalogue version has committed."""
    cache = caches[CACHE_ALIAS]
    if not (settings.PAGE_CACHE and _is_shared(cache)):
        return
    local.forget()
    try:
        _Redis.of(cache).raise_version(number)
    except Exception as error:  # noqa: BLE001  any cache failure: the page cache waits
        outage.record(error)


def memoized(request, name: str, make, *, timeout: int = ENTRY_TIMEOUT):
    """``make()``, kept beside the pages for the catalogue version and date this request
    sees, so an edit or midnight makes it anew, as they do a page. For work a page repeats
    that does not depend on everything its URL holds (the catalogue's facet counts do not
    depend on the page number or the sort). Off with the page cache; any cache error means
    making it afresh."""
    if not (settings.PAGE_CACHE and outage.allows()):
        return make()
    version = getattr(request, "catalogue_version", None)
    if version is None:  # not looked up by the middleware (a signed-in editor)
        version = catalogue_version.current()
    stamp = f"{name}|{version}|{timezone.localdate().toordinal()}"
    key = MEMO_PREFIX + hashlib.blake2b(stamp.encode(), digest_size=20).hexdigest()
    cache = caches[CACHE_ALIAS]
    try:
        value = cache.get(key)
    except Exception as error:  # noqa: BLE001  any cache failure: make it afresh
        outage.record(error)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, timeout)
        except Exception as error:  # noqa: BLE001
            outage.record(error)
    return value


def _lookup(request) -> _Lookup | None:
    key = page_key(request)
    day = timezone.localdate().toordinal()
    cache = caches[CACHE_ALIAS]
    if not _is_shared(cache):
        try:
            entry = cache.get(key)
        except Exception as error:  # noqa: BLE001
            outage.record(error)
            return None
        # Read before the view runs, so what it renders is at least this new.
        return _fresh(key, catalogue_version.current(), day, entry)

    shared = _Redis.of(cache)
    try:
        generation = local.listening(shared)
    except Exception as error:  # noqa: BLE001
        local.reset()
        outage.record(error)
        return None
    version = local.trusted_version()
    if version is not None and (hit := local.get(key, version=version, day=day)):
        return _Lookup(key, version, day, hit)
    try:
        version, entry = shared.read(key)
        if version is None:
            version = catalogue_version.current()
            shared.raise_version(version)
    except Exception as error:  # noqa: BLE001
        outage.record(error)
        return None
    local.confirm(version, generation=generation)
    lookup = _fresh(key, version, day, entry)
    if lookup.hit is not None:
        local.put(key, lookup.hit)
    return lookup


def _fresh(key: str, version: int, day: int, entry) -> _Lookup:
    if entry is not None:
        entry = Entry(*entry) if isinstance(entry, tuple) and len(entry) == 6 else None
    fresh = entry is not None and entry.version == version and entry.day == day
    return _Lookup(key, version, day, entry if fresh else None)


def _storable(response) -> bool:
    if response.cookies or len(response.content) > MAX_BODY:
        return False
    control = {
        part.split("=", 1)[0].strip().lower()
        for part in split_header_value(response.get("Cache-Control", ""))
    }
    if control & {"private", "no-store"}:
        return False
    vary = {header.lower() for header in split_header_value(response.get("Vary", ""))}
    return vary <= STORABLE_VARY


def _store(lookup: _Lookup, response) -> None:
    entry = (
        lookup.version,
        lookup.day,
        response.status_code,
        dict(response.items()),
        response.content,
        response["ETag"],
    )
    cache = caches[CACHE_ALIAS]
    try:
        cache.set(lookup.key, entry, ENTRY_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        outage.record(error)
        return
    if _is_shared(cache):
        local.put(lookup.key, Entry(*entry))


def _replay(request, entry: Entry):
    response = HttpResponse(entry.body, status=entry.status, headers=entry.headers)
    return get_conditional_response(request, etag=entry.etag, response=response)


def etag_of(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


class PageCacheMiddleware:
    """Goes right after the security and static-file middleware: a hit skips the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        lookup = None
        if safe and anonymous and settings.PAGE_CACHE and outage.allows():
            try:
                lookup = _lookup(request)
            except DatabaseError:
                # The version could not be read (PostgreSQL down or restarting): no cached
                # answer, and the view says what is wrong (/healthz with a 503, not a 500).
                lookup = None
            if lookup is not None and lookup.hit is not None:
                return _replay(request, lookup.hit)
            if lookup is not None:
                # What the view renders is at least this new; memoized() keys on it too.
                request.catalogue_version = lookup.version

        response = self.get_response(request)
        if not (
            safe
            and response.status_code == 200
            and getattr(response, "public_page", False)
            and not response.streaming
        ):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = etag_of(response.content)
        if not response.has_header("Cache-Control"):
            shareable = anonymous and not response.cookies
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL if shareable else PRIVATE_CACHE_CONTROL
        if lookup is not None and _storable(response):
            _store(lookup, response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
