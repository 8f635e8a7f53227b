"""Downloads in the browser (issue 18): on the clients list, a search typed into the htmx filter (which pushes the
address) is the download's filter too: the CSV link, clicked after typing, downloads only the matching clients; the
Excel link gives a workbook of the same rows. On a phone the links sit below the title without sideways scroll."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from baton.devdata.testing.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_the_download_follows_the_filters_typed_after_the_page_loaded(live_server, personas, browser):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        _log_in(page, base, personas["owner"].email)
        page.goto(f"{base}/clients/")
        everyone = page.locator("#client-table tbody tr").count()
        assert everyone >= 2
        page.locator("#q").fill(personas.client_a.name)
        page.wait_for_url("**/clients/?*q=*")
        expect(page.locator("#client-table tbody tr")).to_have_count(1)

        with page.expect_download() as info:
            page.locator(".downloads a", has_text="CSV").click()
        download = info.value
        assert download.suggested_filename.startswith("clients-") and download.suggested_filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"), newline="")))
        assert rows[0][:3] == ["Client", "Status", "Account manager"]
        assert [r[0] for r in rows[1:]] == [personas.client_a.name]

        with page.expect_download() as info:
            page.locator(".downloads a", has_text="Excel").click()
        sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [personas.client_a.name]

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/clients/")
        assert page.locator(".downloads").is_visible()
        wide, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= viewport
    finally:
        context.close()
