"""What a server needs that the code cannot give itself: the collected static files.

With DEBUG off, static files are served from STATIC_ROOT through a manifest (`staticfiles.json`, written by
`manage.py collectstatic`) that maps each file to its hashed name; every page names its stylesheet through it, so a
server started without it fails every page. `check --deploy` warns about it (`static_manifest_check`), and the 500
page says what to run instead of failing itself (`server_error`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("baton.deploy")

COLLECTSTATIC = "python manage.py collectstatic --noinput"


def static_manifest_missing() -> bool:
    """True when static files are served through a manifest (DEBUG off) and collectstatic has not written it."""
    storage: Any = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin) or storage.manifest_storage is None:
        return False
    return not storage.manifest_storage.exists(storage.manifest_name)


def missing_manifest_message() -> str:
    return (
        f"Static files are not collected: run `{COLLECTSTATIC}` (it writes them to STATIC_ROOT={settings.STATIC_ROOT}),"
        " then restart Baton. With DEBUG off every page needs them."
    )


@register(Tags.staticfiles, deploy=True)
def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not static_manifest_missing():
        return []
    return [
        CheckWarning(
            f"No static files manifest in STATIC_ROOT ({settings.STATIC_ROOT}): every page answers 500 until they are "
            "collected.",
            hint=f"Run `{COLLECTSTATIC}` on every web machine after each install or upgrade (or set STATIC_ROOT to "
            "where they were collected).",
            id="baton.W001",
        )
    ]


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The 500 page (`handler500`), except when the static files were never collected: then the styled page would
    fail too (it names its stylesheet through the manifest), so a plain page says what to run, and the log says it."""
    if static_manifest_missing():
        message = missing_manifest_message()
        logger.error(message)
        return HttpResponseServerError(message, content_type="text/plain; charset=utf-8")
    return django_server_error(request, template_name)
