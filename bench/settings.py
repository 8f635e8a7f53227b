"""Bench-only settings: Baton's own, plus the bare INSERT view the time-entry load is compared with."""

from baton.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Production settings (DEBUG off) over plain http on 127.0.0.1 and the test client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic for a benchmark: static URLs without the manifest (WhiteNoise still serves from the finders).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic for a benchmark
