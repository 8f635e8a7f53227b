"""Static files from the environment: a server started without `collectstatic` says so (a plain 500 page that names
the command, logged, and a `check --deploy` warning) instead of failing every page with a bare 500."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from baton.core.deploy import static_manifest_check, static_manifest_missing

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    """Static files as with DEBUG off: through the manifest in an empty STATIC_ROOT."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = MANIFEST_STORAGE
    settings.WHITENOISE_USE_FINDERS = False
    return settings.STATIC_ROOT


def test_a_page_without_collected_static_files_says_what_to_run(production_static, caplog, db):
    client = HttpClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="baton.deploy"):
        response = client.get("/login/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "manage.py collectstatic --noinput" in text and str(production_static) in text
    assert any("collectstatic" in record.getMessage() for record in caplog.records if record.name == "baton.deploy")


def test_check_deploy_warns_while_the_manifest_is_missing(production_static):
    assert static_manifest_missing()
    (warning,) = static_manifest_check()
    assert (
        warning.id == "baton.W001" and str(production_static) in warning.msg and "collectstatic" in (warning.hint or "")
    )
    production_static.mkdir(parents=True)
    (production_static / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1", "hash": ""}))
    assert not static_manifest_missing()
    assert static_manifest_check() == []


def test_the_warning_is_a_deploy_check(production_static, capsys):
    call_command("check", "--deploy", "--fail-level", "CRITICAL")
    assert "baton.W001" in capsys.readouterr().err


def test_no_warning_when_static_files_are_found_without_a_manifest():
    """The test settings (like DEBUG=1) serve static files from the finders: nothing to collect."""
    assert not static_manifest_missing()
    assert static_manifest_check() == []
