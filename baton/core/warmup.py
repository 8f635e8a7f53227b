"""Do at start what the first request would otherwise wait for.

Django imports the URLconf (every view, and every API schema the routers build) on the first request, the cached
template loader compiles each template the first time it is used, and the API builds its OpenAPI document on the
first call to `/api/v1/openapi.json`: together several seconds that the first visitor after a start would wait.
`baton/wsgi.py` calls `warm_up()` once the app is set up, so a server pays it while it starts (once, before forking,
with `gunicorn --preload` as `bin/run` does). No query: nothing opens a database connection that forked workers
would share.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_resolver, reverse

logger = logging.getLogger(__name__)

OPENAPI_URL_NAME = "api-v1:openapi-json"


def _template_names() -> list[str]:
    """Every template of the project's and the apps' template directories, by the name views load it with."""
    engines: list[dict[str, Any]] = settings.TEMPLATES
    roots = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs() if app.name.startswith("baton")]
    names = []
    for root in roots:
        if root.is_dir():
            names += [str(p.relative_to(root)) for p in sorted(root.rglob("*.html"))]
    return names


def _openapi() -> None:
    """Build the API's OpenAPI document (cached per process by `BatonAPI`), through the view that serves it."""
    try:
        match = get_resolver().resolve(reverse(OPENAPI_URL_NAME))
    except NoReverseMatch:
        return
    api = getattr(match.func, "keywords", {}).get("api")
    if api is not None:
        api.get_openapi_schema(path_params=match.kwargs)


def warm_up() -> float:
    """Import the URLconf, compile every template and build the OpenAPI document; returns the seconds it took."""
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018  (imports the URLconf: every view module, the API's routers and schemas)
    for name in _template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a broken template fails its page, not the start
            logger.warning("Warm-up could not compile template %s.", name, exc_info=True)
    _openapi()
    return time.perf_counter() - started
