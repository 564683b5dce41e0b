"""certsite settings: one module, configured by environment variables.

With nothing set it runs locally on SQLite with DEBUG off. Production sets
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and DJANGO_SECURE=1.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from certsite.proxy import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Reads postgres://user:pass@host:port/name?sslmode=require into DATABASES."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not PostgreSQL")
    options = dict(parse_qsl(parts.query))
    pool_size = int(options.pop("pool_max_size", os.environ.get("DATABASE_POOL_MAX_SIZE", "10")))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # The pool checks a connection before lending it (an empty query on an open
        # socket): after PostgreSQL restarts, no request gets a dead connection (without
        # this, each pooled connection failed one request with a 500).
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **options,
            # psycopg 3's pool replaces persistent connections (CONN_MAX_AGE must stay 0).
            "pool": {"min_size": 1, "max_size": pool_size, "timeout": 10},
        },
    }


DEBUG = env_bool("DJANGO_DEBUG")
SECURE = env_bool("DJANGO_SECURE")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if SECURE:
        raise ImproperlyConfigured("DJANGO_SECURE=1 needs DJANGO_SECRET_KEY")
    # Local runs only: production refuses to start without a real key (above).
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Addresses (or networks, 10.0.0.0/8) of the reverse proxies in front of the site. Only
# requests from them may say who the client is (X-Forwarded-For) and that it used HTTPS
# (X-Forwarded-Proto); certsite/proxy.py removes both headers from anyone else.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}") from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "simple_history",
    "import_export",
    "axes",
    "catalog",
    "editorial",
    "advisor",
    "pages",
]

MIDDLEWARE = [
    # First: everything after it (HTTPS redirect, throttling) must see the real client.
    "certsite.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, auth and CSRF, so a cached page is answered with no more work than a
    # static file; after the two above, so a hit still gets their headers.
    "certsite.pagecache.PageCacheMiddleware",
    "certsite.middleware.DropNulFromQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certsite.urls"
WSGI_APPLICATION = "certsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog.context_processors.compare_tray",
            ],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Opening the file costs more than a cached page: keep it open per thread.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
        }
    }

# Public pages are cached here (certsite/pagecache.py). Redis is shared by every worker and
# makes a hit query-free; without it each process keeps its own pages in memory. Sessions
# and django-axes keep using the database, so nothing but speed depends on the cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "certsite"),
            "OPTIONS": {
                "parser_class": "redis.connection._HiredisParser",
                # A Redis that stops answering must cost a page little, not hang it.
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Price files between preview and confirmation (editorial/uploads.py). With several
    # app servers this must be a directory (or storage) they all share.
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("DJANGO_IMPORT_DIR", BASE_DIR / "var" / "imports")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_MANIFEST_STATIC", SECURE)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Without collectstatic (local runs) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not env_bool("DJANGO_MANIFEST_STATIC", SECURE)
WHITENOISE_AUTOREFRESH = DEBUG

# Strict policy on every page: no inline code, no eval, no nonces (so public
# pages stay cacheable). The admin works under it unchanged.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# In the database, not the cache: a Redis outage must not sign editors out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Admin login throttling (django-axes): five failures for one username from one
# address lock that pair out for a while, so one editor's typos never lock out the
# others behind the same office proxy. Axes must come first so a locked-out request
# never reaches the password check.
AUTHENTICATION_BACKENDS = [
    "editorial.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address TrustedProxyMiddleware settled on; never django-ipware's header guesses.
AXES_CLIENT_IP_CALLABLE = "certsite.proxy.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "editorial.views.login_locked"

# A sign-in with a missing, foreign or unknown ?next= lands on the admin's index
# (editorial.views.admin_login); Django's default, /accounts/profile/, does not exist here.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# CSV price import and export (django-import-export): importing changes prices,
# so it needs the change permission; exporting needs only view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "editorial.uploads.PriceUploadStorage"

if SECURE:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # The proxy in front (load balancer) terminates TLS and says so in this header; it is
    # believed only from DJANGO_TRUSTED_PROXIES (certsite/proxy.py strips it otherwise).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
