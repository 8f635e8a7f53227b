"""Baton settings: one module, driven by the environment.

Every variable is read through `env`, `env_bool` or `env_int` with its default and a one-line meaning, recorded in
`ENVIRONMENT`: `manage.py env_reference` writes README's configuration table from it (a test holds them equal).
Every secret can also come from a file: `SECRET_KEY_FILE`, `DATABASE_URL_FILE`, `EMAIL_HOST_PASSWORD_FILE`, ...
SQLite in the data directory is the default database; set `DATABASE_URL` for PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class EnvVar:
    """An environment variable Baton reads: its name, its default as README writes it, and what it means."""

    name: str
    default: str
    meaning: str


ENVIRONMENT: dict[str, EnvVar] = {}  # every variable read below, in reading order (README's configuration table)


def _shown(default: object) -> str:
    if default is None or default == "":
        return "unset"
    if isinstance(default, bool):
        return "`1`" if default else "`0`"
    return f"`{default}`"


def describe_env(name: str, default: object, meaning: str, shown: str | None = None) -> None:
    """Record a variable for the reference (read here, or by `bin/run` and the tests)."""
    ENVIRONMENT.setdefault(name, EnvVar(name, shown if shown is not None else _shown(default), meaning))


def _read(name: str) -> str | None:
    """`name` from the environment, or from the file named by `name_FILE`; empty counts as unset."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name) or None


@overload
def env(name: str, default: str, meaning: str = "", shown: str | None = None) -> str: ...
@overload
def env(name: str, default: None = None, meaning: str = "", shown: str | None = None) -> str | None: ...
def env(name: str, default: str | None = None, meaning: str = "", shown: str | None = None) -> str | None:
    """Read `name` (or the file named by `name_FILE`), else `default`; `shown` is the default as README writes it."""
    describe_env(name, default, meaning, shown)
    value = _read(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False, meaning: str = "", shown: str | None = None) -> bool:
    describe_env(name, default, meaning, shown)
    value = _read(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, meaning: str = "", shown: str | None = None) -> int:
    describe_env(name, default, meaning, shown)
    value = _read(name)
    return int(value) if value is not None else default


# Read first, so the reference lists it whether or not pytest is running.
_TESTING_ENV = env_bool(
    "BATON_TESTING", False, "`1`: run as the test suite does (memory cache, tasks run at once); set by the tests"
)
TESTING = "pytest" in sys.modules or _TESTING_ENV

DATA_DIR = Path(
    env("BATON_DATA_DIR", str(BASE_DIR / "data"), "SQLite database, SQLite task queue, secret key, uploads", "`./data`")
)
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first run and kept in the data directory."""
    configured = env(
        "SECRET_KEY",
        meaning="Django's signing key (sessions, password-reset links, calendar-feed URLs): the same on every machine",
        shown="generated into `data/secret_key` on first run",
    )
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool(
    "DEBUG",
    False,
    "never `1` in production. `make run` serves like production (DEBUG off, static files collected and served by "
    "WhiteNoise, styled 403/404/500 pages); `DEBUG=1 make run` for Django's debug pages",
)
ALLOWED_HOSTS = [
    h.strip()
    for h in (env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "comma-separated host names")).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in (env("CSRF_TRUSTED_ORIGINS", "", "comma-separated origins, e.g. `https://baton.example.com`")).split(",")
    if o.strip()
]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000", "Baton's public address, for links in notification e-mails")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "baton.core",
    "baton.people",
    "baton.crm",
    "baton.delivery",
    "baton.rates",
    "baton.knowledge",
    "baton.finance",
    "baton.timesheets",
    "baton.resourcing",
    "baton.imports",
    "baton.automation",
    "baton.growth",
    "baton.handoffs",
    "baton.relationships",
    "baton.home",
    "baton.devdata",  # last: the demo, test personas and scale generator; it may import every app above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "baton.core.middleware.ContentSecurityPolicyMiddleware",
    "baton.core.middleware.RejectNulBytesMiddleware",
    "baton.core.middleware.ApiBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "baton.core.web.ActorMiddleware",
    "baton.core.twofactor.TwoFactorGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "baton.core.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "baton.urls"
WSGI_APPLICATION = "baton.wsgi.application"
ASGI_APPLICATION = "baton.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "baton" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baton.core.context_processors.workspace",
            ],
            # The format filters (durations, money, dates in the workspace's locale) in every template.
            "builtins": ["baton.core.templatetags.formats"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
DATABASE_URL = env(
    "DATABASE_URL",
    f"sqlite:///{DATA_DIR / 'baton.sqlite3'}",
    "`postgres://user:pass@host:5432/baton` for PostgreSQL",
    "`sqlite:///data/baton.sqlite3`",
)
# Persistent connections on both databases (`DB_CONN_MAX_AGE` seconds, 0: one per request), checked before a request
# reuses one (`CONN_HEALTH_CHECKS`: a connection the server dropped is replaced instead of failing the request). SQLite
# was held to a new connection per request from the start (no reason recorded); opening one costs ~3.5 ms of schema
# parsing on every request (BENCHMARKS.md, "Time-entry create path, third pass"). Persisting it is safe: a request
# ends in autocommit with no transaction open, so an idle connection holds no lock and no WAL snapshot; connections
# are per thread; and `restore`, the one thing that replaces the database file, runs with Baton stopped (README).
DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int(
            "DB_CONN_MAX_AGE",
            60,
            "seconds a web process or worker thread keeps its database connection open, checked before reuse "
            "(`0`: one per request, e.g. behind PgBouncer)",
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions plus a busy timeout stop
    # "database is locked" under concurrent writers. The pragmas run on every new connection.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        " PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling, rate limits) --------------------------------------------------------------------
REDIS_URL = env(
    "REDIS_URL",
    meaning="`redis://host:6379/0`: the task queue and the cache (throttle counters) move to Redis, for several "
    "machines (see *Operating Baton*)",
)
# Seconds to wait for Redis: an unreachable Redis (a machine gone, packets dropped) costs a request at most this,
# not the operating system's minutes-long connect timeout. Added to the URL unless it sets them itself.
REDIS_CONNECT_TIMEOUT = env_int("REDIS_CONNECT_TIMEOUT", 2, "seconds to wait for a connection to Redis")
REDIS_SOCKET_TIMEOUT = env_int(
    "REDIS_SOCKET_TIMEOUT", 5, "seconds to wait for Redis to answer (above the task queue's 1 s blocking read)"
)


def _redis_client_url(url: str) -> str:
    given = url.partition("?")[2]
    extra = [
        f"{name}={value}"
        for name, value in (
            ("socket_connect_timeout", REDIS_CONNECT_TIMEOUT),
            ("socket_timeout", REDIS_SOCKET_TIMEOUT),
        )
        if f"{name}=" not in given
    ]
    if not extra:
        return url
    return url + ("&" if given else "" if url.endswith("?") else "?") + "&".join(extra)


REDIS_CLIENT_URL = _redis_client_url(REDIS_URL) if REDIS_URL else None
if TESTING:
    CACHES: dict[str, Any] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CLIENT_URL}}
else:
    # Shared by every web process on the machine, unlike a per-process memory cache.
    # Room for every throttle counter (per client and account) before Django culls entries (300 by default).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "baton_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# --- Background work (Huey) -----------------------------------------------------------------------------------
if REDIS_URL:
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": "baton",
        "url": REDIS_CLIENT_URL,
        "immediate": TESTING,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "baton",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }
# Nothing reads a job's return value (effects are in the database), so Huey keeps none: with results on, every job left
# an entry in Redis (huey.results.baton) that nobody ever took.
HUEY["results"] = False
# The queue is "delayed" (a banner to admins, /readyz's figures) when its oldest job has waited this long.
QUEUE_DELAY_MINUTES = env_int(
    "QUEUE_DELAY_MINUTES", 10, 'minutes the oldest queued job may wait before admins see "background work is delayed"'
)
# Owners and admins see a banner on every page while background work is delayed (baton/core/health.py). Off under
# pytest, where its once-per-15-seconds query would make pages' query counts depend on timing; its tests turn it on.
BACKGROUND_BANNER = env_bool(
    "BACKGROUND_BANNER",
    not TESTING,
    "owners and admins see a banner while background work is delayed (queue, scheduler or Redis); `0` hides it",
    "`1`",
)
# SIGTERM (systemd, docker stop) is a graceful stop: no new jobs, in-flight ones (a webhook POST, a rule run) finish
# for up to HUEY_SHUTDOWN_TIMEOUT seconds; what is still running then gives its work back (see automation/tasks.py).
HUEY["consumer"] = {
    "workers": env_int("HUEY_WORKERS", 2, "worker threads per worker process (`manage.py run_huey`)"),
    "worker_type": "thread",
    "graceful_signal": "TERM",
    "shutdown_timeout": env_int(
        "HUEY_SHUTDOWN_TIMEOUT",
        30,
        "seconds a worker stopped with SIGTERM lets in-flight jobs (webhook deliveries, rule runs) finish; what is "
        "still running then is sent again by the next worker",
    ),
}

# --- Auth -----------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
# The e-mail backend keeps every session; the OpenID one answers only inside /oidc/callback/ (baton/core/oidc.py).
AUTHENTICATION_BACKENDS = ["baton.core.auth.EmailBackend", "baton.core.oidc.BatonOIDCBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing speed matters in tests only; production keeps argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Throttling (baton/core/throttle.py), per window. The client's address is read through TRUSTED_PROXY_COUNT reverse
# proxies (X-Forwarded-For, rightmost entries); with 0 it is the connection's address.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT",
    0,
    "how many reverse proxies (each appending to `X-Forwarded-For`) stand in front of Baton; the client's address, "
    "which throttling counts by, is the entry that many places from the right. `0`: the connection's address. Set it "
    "behind a proxy, or every client shares the proxy's address",
)
LOGIN_FAILURE_WINDOW_SECONDS = env_int(
    "LOGIN_FAILURE_WINDOW_SECONDS",
    900,
    "the window (seconds) in which failed logins, bad tokens and resets are counted",
)
# Failed logins per client and account before that account is locked for that client.
LOGIN_FAILURE_LIMIT = env_int(
    "LOGIN_FAILURE_LIMIT",
    5,
    "failed logins (and wrong two-factor codes) per client and account in the window before that account is locked "
    "for that client (429); other accounts and clients are unaffected",
)
# Failed logins per client across accounts before it may sign in only to accounts that signed in from it before.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int(
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    100,
    "failed logins per client across accounts; past it the client may sign in only to accounts that signed in from it "
    "before",
)
# Bad tokens per client and token prefix, and per client, before bad tokens get 429 (a valid token always works).
API_AUTH_FAILURE_LIMIT = env_int(
    "API_AUTH_FAILURE_LIMIT", 30, "bad API tokens per client and token prefix before bad tokens get 429"
)
API_AUTH_ADDRESS_FAILURE_LIMIT = env_int(
    "API_AUTH_ADDRESS_FAILURE_LIMIT",
    300,
    "bad API tokens per client before bad tokens get 429 (a valid token is never refused)",
)
# Password-reset requests per email (from anywhere), and four times as many per client.
PASSWORD_RESET_LIMIT = env_int(
    "PASSWORD_RESET_LIMIT",
    5,
    "password-reset requests per email in the window (from anywhere), and 4\u00d7 that per client",
)

# --- Two-factor sign-in (django-otp: TOTP apps and one-time recovery codes) -------------------------------------
# Wrong codes are counted per account by baton.core.throttle (LOGIN_FAILURE_LIMIT inside the window), so
# django-otp's own per-device back-off is off: it would refuse a right code typed a second after a wrong one.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Baton", "the name authenticator apps show beside Baton's codes")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# A password checked but no code typed yet: the half-finished sign-in waits this long.
TWO_FACTOR_PENDING_SECONDS = env_int(
    "TWO_FACTOR_PENDING_SECONDS", 300, "seconds a checked password waits for its two-factor code"
)

# --- Sign-in with OpenID Connect (mozilla-django-oidc; off unless OIDC_ISSUER and OIDC_CLIENT_ID are set) --------
# People are matched by a verified e-mail to an existing active person; nobody is created. README: "Single sign-on".
OIDC_ISSUER = env(
    "OIDC_ISSUER",
    "",
    "single sign-on: the OpenID Connect provider's issuer, e.g. `https://accounts.google.com` (see *Single sign-on*)",
).rstrip("/")
OIDC_DISCOVERY_URL = env(
    "OIDC_DISCOVERY_URL", "", "the provider's discovery document, when not `<issuer>/.well-known/openid-configuration`"
)
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "", "the client registered at the provider (single sign-on is off without it)")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "", "that client's secret")
OIDC_BUTTON_LABEL = env(
    "OIDC_BUTTON_LABEL", "Sign in with single sign-on", "the login page's button, e.g. `Sign in with Google`"
)
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile", "the scopes asked of the provider")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256", "the provider's token signing algorithm")
# Whether a sign-in through the provider stands in for Baton's own second factor (the provider enforces MFA).
OIDC_SATISFIES_TWO_FACTOR = env_bool(
    "OIDC_SATISFIES_TWO_FACTOR",
    False,
    "`1` when your provider enforces MFA itself, so its sign-in counts as Baton's second factor",
)
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TOKEN_USE_BASIC_AUTH = env_bool(
    "OIDC_TOKEN_USE_BASIC_AUTH", True, "the client secret is sent as HTTP Basic (`0`: posted in the body)"
)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, "seconds to wait for the provider")
# Seconds the provider's clock may differ from ours when its tokens' iat/exp are checked.
OIDC_CLOCK_LEEWAY_SECONDS = env_int(
    "OIDC_CLOCK_LEEWAY_SECONDS",
    60,
    "seconds the provider's clock may differ from ours when a token's times are checked",
)
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
LOGIN_REDIRECT_URL_FAILURE = "/login/"
# Webhooks never go to loopback, private, link-local or metadata addresses, except to these comma-separated `host` or
# `host:port` entries (an internal receiver you trust), e.g. "hooks.internal.example,10.0.0.5:8443".
WEBHOOK_ALLOWED_HOSTS = env(
    "WEBHOOK_ALLOWED_HOSTS",
    "",
    "comma-separated `host` or `host:port` entries that webhooks may reach although they are (or resolve to) "
    "loopback, private, link-local or metadata addresses; every other such URL is refused (422 naming `url`)",
)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, "seconds a webhook POST may take")
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, "attempts per webhook delivery")
WEBHOOK_RETRY_BASE_SECONDS = env_int(
    "WEBHOOK_RETRY_BASE_SECONDS", 30, "seconds before a delivery's first retry (\u00d74 each time after)"
)
WEBHOOK_DISABLE_AFTER = env_int(
    "WEBHOOK_DISABLE_AFTER", 15, "failed attempts in a row before a webhook is switched off"
)

# --- Email ----------------------------------------------------------------------------------------------------
_SMTP_HOST = env("EMAIL_HOST", meaning="the SMTP server for password resets and notifications", shown="`localhost`")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if _SMTP_HOST else "django.core.mail.backends.console.EmailBackend",
    "Django's e-mail backend; the console one writes e-mails to the web and worker logs instead of sending them",
    "SMTP with `EMAIL_HOST`, else the console",
)
EMAIL_HOST = _SMTP_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587, "the SMTP port")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "", "the SMTP user")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "", "the SMTP password (or `EMAIL_HOST_PASSWORD_FILE`)")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True, "STARTTLS to the SMTP server")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Baton <baton@localhost>", "the sender of Baton's e-mails")

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-compatible.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# LOCAL_HTTP=1: a production-like run on this machine over plain http (`make run`): cookies without `Secure`, no
# redirect to https and no HSTS, everything else as in production (DEBUG off, static files from WhiteNoise).
LOCAL_HTTP = env_bool(
    "LOCAL_HTTP",
    False,
    "`1`: plain http on this machine with `DEBUG=0` (`make run` sets it): cookies without `Secure`, no redirect to "
    "https, no HSTS (each can still be set by the four variables below). Never in production",
)
# Read whatever DEBUG is, so the reference lists them; they apply with DEBUG off.
_COOKIE_SECURE = env_bool(
    "SESSION_COOKIE_SECURE",
    not LOCAL_HTTP,
    "the session cookie only over https (with `DEBUG=0`); `0` for a staging server on plain http",
    "`1` (`0` with `LOCAL_HTTP=1`)",
)
_CSRF_SECURE = env_bool(
    "CSRF_COOKIE_SECURE",
    not LOCAL_HTTP,
    "the CSRF cookie only over https (with `DEBUG=0`); `0` for a staging server on plain http, or forms answer 403",
    "`1` (`0` with `LOCAL_HTTP=1`)",
)
_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT", not LOCAL_HTTP, "redirect http to https (with `DEBUG=0`)", "`1` (`0` with `LOCAL_HTTP=1`)"
)
_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS",
    0 if LOCAL_HTTP else 31536000,
    "HSTS max-age (with `DEBUG=0`)",
    "one year (`0` with `LOCAL_HTTP=1`)",
)
_BEHIND_PROXY = env_bool("BEHIND_PROXY", False, "`1` to trust `X-Forwarded-Proto` from your TLS reverse proxy")
if not DEBUG:
    SESSION_COOKIE_SECURE = _COOKIE_SECURE
    CSRF_COOKIE_SECURE = _CSRF_SECURE
    SECURE_SSL_REDIRECT = _SSL_REDIRECT
    # A load balancer probes these over plain http (baton/core/health_views.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = _HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if TESTING:
    SECURE_SSL_REDIRECT = False
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

# --- Static files (front-end assets come from npm: package.json -> node_modules) ------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(
    env(
        "STATIC_ROOT",
        str(BASE_DIR / "staticfiles"),
        "where `manage.py collectstatic` writes the static files WhiteNoise serves (with `DEBUG=0` every page needs "
        "them: `check --deploy` warns and pages say so while they are missing)",
        "`./staticfiles` (in the checkout)",
    )
)
STATICFILES_DIRS = [
    BASE_DIR / "baton" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(
    env(
        "MEDIA_ROOT",
        str(DATA_DIR / "media"),
        "uploaded files (attachments, shared files); in every backup",
        "`<BATON_DATA_DIR>/media`",
    )
)
if TESTING:
    # Uploads made by tests never land in the real data directory (files get random names, so runs can share it).
    MEDIA_ROOT = Path(tempfile.gettempdir()) / "baton-test-media"
# Uploaded attachments larger than this are refused (422 naming `file`); 10 MB by default.
ATTACHMENT_MAX_BYTES = env_int(
    "ATTACHMENT_MAX_BYTES",
    10 * 1024 * 1024,
    "largest accepted upload in bytes (set your proxy's body limit, e.g. nginx `client_max_body_size`, a little "
    "above it)",
    "`10485760` (10 MB)",
)
WHITENOISE_USE_FINDERS = DEBUG or TESTING

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC", "the server's time zone (workspaces keep their own)")
USE_I18N = True
USE_TZ = True

NINJA_PAGINATION_MAX_LIMIT = 500

# Huey's worker (`manage.py run_huey`) adds its own handler to the "huey" logger unless it has one: configured here,
# so each worker line is printed once (its handler and the root's printed every line twice), with huey's format.
LOG_LEVEL = env(
    "LOG_LEVEL",
    "INFO",
    "the least severe log records written (`DEBUG`, `INFO`, `WARNING`, `ERROR`), to standard error of the web "
    "and worker processes",
)
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"huey": {"format": "[%(asctime)s] %(levelname)s:%(name)s:%(threadName)s:%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "huey_console": {"class": "logging.StreamHandler", "formatter": "huey"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The worker's lines once, in huey's format: its own handler, not the root's as well.
        "huey": {"handlers": ["huey_console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Read by `bin/run` (`make run`) rather than here; listed so README's table names them too.
describe_env("HOST", "127.0.0.1", "`make run`: the address the web server listens on")
describe_env("PORT", "8000", "`make run`: the port")
describe_env("WEB_WORKERS", "2", "`make run`: gunicorn worker processes")
