"""The API docs (/api/v1/docs, Swagger UI) load the OpenAPI document in Chromium with no console error and render
every operation, errors shown as problem+json."""

from __future__ import annotations

from pathlib import Path

import pytest

from baton.api import api

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_swagger_renders_every_operation_without_a_console_error(live_server, page):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() == operations
    assert page.locator(".swagger-ui .errors-wrapper").count() == 0  # "Failed to load API definition" and the like
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Baton API")

    settings = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/resourcing/settings"]'))
    settings.locator(".opblock-summary").click()
    body = settings.locator(".opblock-body")
    body.wait_for()
    assert "application/problem+json" in body.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    assert problems == []
