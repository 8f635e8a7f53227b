"""The owner downloads the whole workspace from the settings page in Chromium: the card fits a desktop (1440 px)
and a phone (390 px), and the file the browser saves is the export (docs/export-format.md)."""

from __future__ import annotations

import zipfile

import pytest

from baton.devdata.testing.personas import PASSWORD
from baton.imports import workspace_export as export

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_download_everything_from_the_settings_page(live_server, personas, page, tmp_path):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(personas["owner"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/**")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/workspace/settings/")
        card = page.locator("section.workspace-export")
        card.get_by_role("heading", name="Export").wait_for()
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, width
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, (width, wide)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("baton-studio-") and saved.suffix == ".zip"
    with zipfile.ZipFile(saved) as archive:
        manifest = export.read_manifest(archive)
    assert manifest["workspace"]["slug"] == "studio" and manifest["includes_credentials"] is False
    assert manifest["counts"]["crm.client"] == 2
