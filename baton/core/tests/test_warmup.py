"""The start-up warm-up: what the first request would wait for is done before it."""

from __future__ import annotations

from django.template import engines

from baton.api import api
from baton.core.warmup import warm_up


def test_warm_up_builds_the_openapi_document_and_compiles_the_templates():
    api._openapi_documents.clear()
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    assert warm_up() >= 0
    assert "/api/v1/" in api._openapi_documents
    cached = set(loader.get_template_cache)
    assert {"base.html", "home/leadership.html", "delivery/task_detail.html"} <= cached, sorted(cached)[:20]
