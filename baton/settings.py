"""Baton settings: one module, driven by the environment.

Every secret can also come from a file: `SECRET_KEY_FILE`, `DATABASE_URL_FILE`, `EMAIL_HOST_PASSWORD_FILE`, ...
SQLite in the data directory is the default database; set `DATABASE_URL` for PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read `name` from the environment, or from the file named by `name_FILE`."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value not in (None, "") else default


TESTING = "pytest" in sys.modules or env_bool("BATON_TESTING")

DATA_DIR = Path(env("BATON_DATA_DIR") or BASE_DIR / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first run and kept in the data directory."""
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in (env("ALLOWED_HOSTS") or "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()]
SITE_URL = env("SITE_URL") or "http://127.0.0.1:8000"

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
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'baton.sqlite3'}"
DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions plus a busy timeout stop
    # "database is locked" under concurrent writers. The pragmas run on every new connection.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        " PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling, rate limits) --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if TESTING:
    CACHES: dict[str, Any] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
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
        "url": REDIS_URL,
        "immediate": TESTING,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "baton",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }
# SIGTERM (systemd, docker stop) is a graceful stop: no new jobs, in-flight ones (a webhook POST, a rule run) finish
# for up to HUEY_SHUTDOWN_TIMEOUT seconds; what is still running then gives its work back (see automation/tasks.py).
HUEY["consumer"] = {
    "workers": env_int("HUEY_WORKERS", 2),
    "worker_type": "thread",
    "graceful_signal": "TERM",
    "shutdown_timeout": env_int("HUEY_SHUTDOWN_TIMEOUT", 30),
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
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Failed logins per client and account before that account is locked for that client.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# Failed logins per client across accounts before it may sign in only to accounts that signed in from it before.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
# Bad tokens per client and token prefix, and per client, before bad tokens get 429 (a valid token always works).
API_AUTH_FAILURE_LIMIT = env_int("API_AUTH_FAILURE_LIMIT", 30)
API_AUTH_ADDRESS_FAILURE_LIMIT = env_int("API_AUTH_ADDRESS_FAILURE_LIMIT", 300)
# Password-reset requests per email (from anywhere), and four times as many per client.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)

# --- Two-factor sign-in (django-otp: TOTP apps and one-time recovery codes) -------------------------------------
# Wrong codes are counted per account by baton.core.throttle (LOGIN_FAILURE_LIMIT inside the window), so
# django-otp's own per-device back-off is off: it would refuse a right code typed a second after a wrong one.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER") or "Baton"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# A password checked but no code typed yet: the half-finished sign-in waits this long.
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 300)

# --- Sign-in with OpenID Connect (mozilla-django-oidc; off unless OIDC_ISSUER and OIDC_CLIENT_ID are set) --------
# People are matched by a verified e-mail to an existing active person; nobody is created. README: "Single sign-on".
OIDC_ISSUER = (env("OIDC_ISSUER") or "").rstrip("/")
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL") or ""
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID") or ""
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET") or ""
OIDC_BUTTON_LABEL = env("OIDC_BUTTON_LABEL") or "Sign in with single sign-on"
OIDC_RP_SCOPES = env("OIDC_SCOPES") or "openid email profile"
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO") or "RS256"
# Whether a sign-in through the provider stands in for Baton's own second factor (the provider enforces MFA).
OIDC_SATISFIES_TWO_FACTOR = env_bool("OIDC_SATISFIES_TWO_FACTOR", False)
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
# Seconds the provider's clock may differ from ours when its tokens' iat/exp are checked.
OIDC_CLOCK_LEEWAY_SECONDS = env_int("OIDC_CLOCK_LEEWAY_SECONDS", 60)
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
LOGIN_REDIRECT_URL_FAILURE = "/login/"
# Webhooks never go to loopback, private, link-local or metadata addresses, except to these comma-separated `host` or
# `host:port` entries (an internal receiver you trust), e.g. "hooks.internal.example,10.0.0.5:8443".
WEBHOOK_ALLOWED_HOSTS = env("WEBHOOK_ALLOWED_HOSTS", "") or ""

# --- Email ----------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL") or "Baton <baton@localhost>"

# --- Security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-compatible.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# LOCAL_HTTP=1: a production-like run on this machine over plain http (`make run`): cookies without `Secure`, no
# redirect to https and no HSTS, everything else as in production (DEBUG off, static files from WhiteNoise).
LOCAL_HTTP = env_bool("LOCAL_HTTP", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not LOCAL_HTTP)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not LOCAL_HTTP)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL_HTTP)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if LOCAL_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if TESTING:
    SECURE_SSL_REDIRECT = False
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

# --- Static files (front-end assets come from npm: package.json -> node_modules) ------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
MEDIA_ROOT = DATA_DIR / "media"
if TESTING:
    # Uploads made by tests never land in the real data directory (files get random names, so runs can share it).
    MEDIA_ROOT = Path(tempfile.gettempdir()) / "baton-test-media"
# Uploaded attachments larger than this are refused (422 naming `file`); 10 MB by default.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
WHITENOISE_USE_FINDERS = DEBUG or TESTING

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
